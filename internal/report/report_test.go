package report

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
	"jiceng/internal/rates"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var cst = time.FixedZone("CST", 8*3600)

// fixture returns a small street over 2025-01 … 2025-03, made by rule so
// that every figure is known: unit i of 4 in community i%3 gets tickets
// whose outcomes cycle with the ticket number.
func fixture(t *testing.T, p rates.Period, history int) *rates.Result {
	t.Helper()
	units := []string{"城市管理办公室", "清河湾派出所", "海川热力公司", "望春园社区"}
	comms := []string{"望春园社区", "柳荫里社区", "铁路北社区"}
	sats := []core.Satisfaction{"满意", "满意", "基本满意", "不满意", "满意", ""}
	var tickets []core.Ticket
	id := int64(0)
	for m := 1; m <= 3; m++ {
		for u, unit := range units {
			for k := 0; k < 6+2*u+m; k++ {
				id++
				recv := time.Date(2025, time.Month(m), 1+k%27, 9+u, 0, 0, 0, cst)
				tk := core.Ticket{ID: id, Number: fmt.Sprintf("QHW2025%02d%04d", m, id), Street: "清河湾街道",
					ReceivedAt: recv, Urgency: []core.Urgency{"一般", "紧急"}[k%2], Unit: unit, Community: comms[(u+k)%3],
					Category1: "城乡建设", Category2: "市政设施", Status: core.StatusClosed}
				late := (k+u+m)%5 == 0
				tk.ContactedAt = recv.Add(time.Hour)
				if late {
					tk.ContactedAt = recv.Add(30 * time.Hour)
				}
				if k%4 != 3 {
					solved := (k+u)%3 != 0
					tk.Resolved = &solved
					tk.CallbackAt = recv.Add(72 * time.Hour)
					tk.Satisfaction = sats[(k+m)%len(sats)]
				}
				tickets = append(tickets, tk)
			}
		}
	}
	cfg := rates.DefaultConfig()
	cfg.History = history
	res, err := rates.Compute(tickets, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var generated = time.Date(2025, 4, 2, 9, 30, 0, 0, cst)

func TestHTMLGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       rates.Period
		history int
		limit   int
	}{
		{"monthly", rates.Month(2025, 3), 2, 10},
		{"quarterly", rates.Quarter(2025, 1), 1, 0},
		{"no history", rates.Month(2025, 1), 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := New(fixture(t, tc.p, tc.history), Options{GeneratedAt: generated, LostLimit: tc.limit})
			var b bytes.Buffer
			if err := WriteHTML(&b, rep); err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			WriteHTML(&again, New(fixture(t, tc.p, tc.history), Options{GeneratedAt: generated, LostLimit: tc.limit}))
			if !bytes.Equal(b.Bytes(), again.Bytes()) {
				t.Fatal("two runs give different HTML")
			}
			html := b.String()
			for _, bad := range []string{"<script", "http://", "https://", "src=", "@import"} {
				if strings.Contains(strings.ReplaceAll(html, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
					t.Errorf("HTML is not self-contained: has %q", bad)
				}
			}
			golden := filepath.Join("testdata", strings.ReplaceAll(tc.name, " ", "-")+".golden.html")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("HTML differs from %s; run go test ./internal/report -update and review the diff", golden)
			}
		})
	}
}

func TestXLSX(t *testing.T) {
	res := fixture(t, rates.Month(2025, 3), 2)
	rep := New(res, Options{GeneratedAt: generated, LostLimit: 5})
	var b bytes.Buffer
	if err := WriteXLSX(&b, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(SheetNames, ",") {
		t.Fatalf("sheets %v, want %v", got, SheetNames)
	}
	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	raw := func(sheet, ref string) float64 {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s!%s = %q, not a number", sheet, ref, v)
		}
		return x
	}
	// Excel keeps 15 significant digits.
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for _, tc := range []struct {
		sheet string
		heads []string
	}{
		{"总览", []string{"指标", "分子", "分母", "本期", "上期", "变化"}},
		{"单位排名", []string{"排名", "承办单位", "受理量", "及时联系", "应联系", "响应率"}},
		{"社区排名", []string{"排名", "社区", "受理量"}},
		{"趋势", []string{"统计期", "受理量", "及时联系", "应联系", "响应率", "已解决", "回访数", "解决率", "满意分", "参评数", "满意率", "综合得分"}},
		{"失分工单", []string{"序号", "工单编号", "受理时间", "紧急程度", "承办单位", "社区", "问题分类", "失分原因", "街道失分"}},
	} {
		for i, h := range tc.heads {
			ref, _ := excelize.CoordinatesToCellName(i+1, 2)
			if got := cell(tc.sheet, ref); got != h {
				t.Errorf("%s!%s = %q, want %q", tc.sheet, ref, got, h)
			}
		}
		panes, err := f.GetPanes(tc.sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("%s: panes %+v, %v; want 2 frozen rows", tc.sheet, panes, err)
		}
	}
	s := &res.Street
	if cell("总览", "A3") != "响应率" || raw("总览", "B3") != s.Response.Num || raw("总览", "C3") != float64(s.Response.Den) ||
		!near(raw("总览", "D3"), s.Response.Rate) || !near(raw("总览", "D6"), s.Composite) {
		t.Errorf("总览 row 3 = %q %v %v %v", cell("总览", "A3"), raw("总览", "B3"), raw("总览", "C3"), raw("总览", "D3"))
	}
	if got := cell("总览", "D3"); got != strconv.FormatFloat(100*s.Response.Rate, 'f', 2, 64)+"%" {
		t.Errorf("总览!D3 displays %q", got)
	}
	u := res.Units[0]
	if cell("单位排名", "B3") != u.Name || raw("单位排名", "A3") != 1 || raw("单位排名", "E3") != float64(u.Response.Den) ||
		!near(raw("单位排名", "O3"), u.Composite) {
		t.Errorf("单位排名 row 3: %q", cell("单位排名", "B3"))
	}
	rows, _ := f.GetRows("单位排名")
	if len(rows) != 2+len(res.Units) {
		t.Errorf("单位排名 has %d rows, want %d", len(rows), 2+len(res.Units))
	}
	if raw("趋势", "B5") != float64(s.Received) || cell("趋势", "A3") != "2025年1月" {
		t.Errorf("趋势: %q received %v", cell("趋势", "A3"), raw("趋势", "B5"))
	}
	if cell("失分工单", "B3") != res.Lost[0].Number || !near(raw("失分工单", "I3"), res.Lost[0].Points) {
		t.Errorf("失分工单 row 3: %q", cell("失分工单", "B3"))
	}
	if rows, _ := f.GetRows("失分工单"); len(rows) != 2+5 || !strings.Contains(cell("失分工单", "A1"), fmt.Sprintf("共 %d 件", len(res.Lost))) {
		t.Errorf("失分工单: %d rows, title %q", len(rows), cell("失分工单", "A1"))
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"pct", Pct(rates.Figure{Rate: 0.95236, Valid: true}), "95.24%"},
		{"pct undefined", Pct(rates.Figure{}), "—"},
		{"score", Score(rates.Summary{Composite: 87.125, Scored: true}), "87.13"},
		{"num whole", Num(12), "12"},
		{"num part", Num(12.8), "12.8"},
		{"rank", Rank(rates.Summary{Rank: 3, RankOf: 30}), "3/30"},
		{"change up", Change(&rates.Group{Summary: rates.Summary{Composite: 90, Scored: true},
			History: []rates.Summary{{Composite: 88.5, Scored: true}}}), "+1.50"},
		{"change down", Change(&rates.Group{Summary: rates.Summary{Composite: 80, Scored: true},
			History: []rates.Summary{{Composite: 88.5, Scored: true}}}), "−8.50"},
		{"change none", Change(&rates.Group{Summary: rates.Summary{Composite: 80, Scored: true}}), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	t := &testing.T{}
	res := fixture(t, rates.Month(2025, 3), 2)
	rep := New(res, Options{GeneratedAt: generated})
	for _, w := range []struct {
		name  string
		write func(io.Writer, *Report) error
	}{{"xlsx", WriteXLSX}, {"html", WriteHTML}} {
		b.Run(w.name, func(b *testing.B) {
			for b.Loop() {
				if err := w.write(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
