package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	_ "modernc.org/sqlite"

	"jiceng/internal/rates"
	"jiceng/internal/report"
)

// sqlFigures are a month's street-level figures counted in SQL, after the
// default formulas of rates.DefaultConfig.
type sqlFigures struct {
	received                 int
	respNum, respDen         int
	resNum, resDen           int
	satisfied, basic, satDen int
}

// countSQL counts the figures of period p straight from the tickets table:
// times are microseconds since the epoch (0001_init.sql), months begin in
// Beijing time.
func countSQL(t *testing.T, db *sql.DB, p rates.Period) sqlFigures {
	t.Helper()
	cst := time.FixedZone("CST", 8*3600)
	from, to := p.Start(cst).UnixMicro(), p.End(cst).UnixMicro()
	const inPeriod = ` FROM tickets WHERE received_at >= ? AND received_at < ?`
	const dispatched = ` AND unit <> '' AND status NOT IN ('受理', '退单')`
	const onTime = ` AND contacted_at IS NOT NULL AND contacted_at <= received_at +
		CASE WHEN urgency = '紧急' THEN 7200000000 ELSE 86400000000 END`
	const calledBack = ` AND callback_at IS NOT NULL`
	var f sqlFigures
	for _, q := range []struct {
		dst *int
		sql string
	}{
		{&f.received, `SELECT COUNT(*)` + inPeriod},
		{&f.respDen, `SELECT COUNT(*)` + inPeriod + dispatched},
		{&f.respNum, `SELECT COUNT(*)` + inPeriod + dispatched + onTime},
		{&f.resDen, `SELECT COUNT(*)` + inPeriod + calledBack + ` AND resolved IS NOT NULL`},
		{&f.resNum, `SELECT COUNT(*)` + inPeriod + calledBack + ` AND resolved = 1`},
		{&f.satisfied, `SELECT COUNT(*)` + inPeriod + calledBack + ` AND satisfaction = '满意'`},
		{&f.basic, `SELECT COUNT(*)` + inPeriod + calledBack + ` AND satisfaction = '基本满意'`},
		{&f.satDen, `SELECT COUNT(*)` + inPeriod + calledBack + ` AND satisfaction IN ('满意', '基本满意', '不满意')`},
	} {
		if err := db.QueryRow(q.sql, from, to).Scan(q.dst); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return f
}

// TestReportAgainstSQL imports a generated demo file into SQLite, runs the
// monthly and quarterly reports, and checks their street figures — the
// reported month and every month of the trend — against COUNT(*) queries
// on the tickets table.
func TestReportAgainstSQL(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "demo.csv")
	dsn := filepath.Join(dir, "r.db")
	jc(t, "generate", "-n", "8000", "-end", "2025-06-30", "-out", src)
	jc(t, "import", "-db", dsn, "-progress", "0", src)
	db, err := sql.Open("sqlite", dsn+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	xlsx := filepath.Join(dir, "m.xlsx")
	jc(t, "report", "monthly", "-month", "2025-05", "-history", "4", "-db", dsn, "-out", xlsx)
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	num := func(sheet, ref string) float64 {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("%s!%s = %q", sheet, ref, v)
		}
		return x
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	want := countSQL(t, db, rates.Month(2025, 5))
	t.Logf("2025-05 by SQL: %+v", want)
	if want.respDen < 100 || want.satDen < 100 {
		t.Fatalf("too few tickets in the month: %+v", want)
	}
	for _, c := range []struct {
		name     string
		num, den float64
		wantNum  float64
		wantDen  int
	}{
		{"响应率", num("总览", "B3"), num("总览", "C3"), float64(want.respNum), want.respDen},
		{"解决率", num("总览", "B4"), num("总览", "C4"), float64(want.resNum), want.resDen},
		{"满意率", num("总览", "B5"), num("总览", "C5"), float64(want.satisfied) + 0.8*float64(want.basic), want.satDen},
	} {
		if !near(c.num, c.wantNum) || c.den != float64(c.wantDen) {
			t.Errorf("%s: report %v/%v, SQL %v/%d", c.name, c.num, c.den, c.wantNum, c.wantDen)
		}
	}
	if got := num("总览", "D7"); got != float64(want.received) {
		t.Errorf("受理工单: report %v, SQL %d", got, want.received)
	}
	// The trend sheet: 2025-01 … 2025-05 in rows 3…7.
	for i := 0; i < 5; i++ {
		p := rates.Month(2025, time.Month(1+i))
		w := countSQL(t, db, p)
		row := i + 3
		got := [8]float64{num("趋势", fmt.Sprint("B", row)), num("趋势", fmt.Sprint("C", row)), num("趋势", fmt.Sprint("D", row)),
			num("趋势", fmt.Sprint("F", row)), num("趋势", fmt.Sprint("G", row)), num("趋势", fmt.Sprint("I", row)), num("趋势", fmt.Sprint("J", row))}
		exp := [8]float64{float64(w.received), float64(w.respNum), float64(w.respDen), float64(w.resNum), float64(w.resDen),
			float64(w.satisfied) + 0.8*float64(w.basic), float64(w.satDen)}
		for k := range got {
			if !near(got[k], exp[k]) {
				t.Errorf("趋势 %s: report %v, SQL %v", p, got, exp)
				break
			}
		}
	}

	// Per unit: the ranking sheet against GROUP BY.
	rows, err := f.GetRows("单位排名", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	m := rates.Month(2025, 5)
	perUnit := map[string][2]int{}
	q, err := db.Query(`SELECT unit, COUNT(*), SUM(contacted_at IS NOT NULL AND contacted_at <= received_at +
			CASE WHEN urgency = '紧急' THEN 7200000000 ELSE 86400000000 END)
		FROM tickets WHERE received_at >= ? AND received_at < ? AND unit <> '' AND status NOT IN ('受理', '退单') GROUP BY unit`,
		m.Start(cst).UnixMicro(), m.End(cst).UnixMicro())
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		var u string
		var den, n int
		if err := q.Scan(&u, &den, &n); err != nil {
			t.Fatal(err)
		}
		perUnit[u] = [2]int{n, den}
	}
	q.Close()
	if len(rows)-2 != len(perUnit) {
		t.Errorf("%d units in the report, %d in SQL", len(rows)-2, len(perUnit))
	}
	for _, r := range rows[2:] {
		if got := r[3] + "/" + r[4]; got != fmt.Sprintf("%d/%d", perUnit[r[1]][0], perUnit[r[1]][1]) {
			t.Errorf("unit %s: response %s, SQL %v", r[1], got, perUnit[r[1]])
		}
	}

	// The HTML report shows the same rates, and the quarter adds up.
	html := jc(t, "report", "monthly", "-month", "2025-05", "-db", dsn, "-format", "html", "-out", "-")
	for _, s := range []string{
		report.Pct(rates.Figure{Rate: float64(want.respNum) / float64(want.respDen), Valid: true}),
		report.Pct(rates.Figure{Rate: float64(want.resNum) / float64(want.resDen), Valid: true}),
		fmt.Sprintf("%d / %d", want.respNum, want.respDen),
	} {
		if !strings.Contains(html, s) {
			t.Errorf("HTML report lacks %q", s)
		}
	}
	qx := filepath.Join(dir, "q.xlsx")
	jc(t, "report", "quarterly", "-quarter", "2025Q2", "-db", dsn, "-out", qx)
	fq, err := excelize.OpenFile(qx)
	if err != nil {
		t.Fatal(err)
	}
	defer fq.Close()
	var sum sqlFigures
	for mo := 4; mo <= 6; mo++ {
		w := countSQL(t, db, rates.Month(2025, time.Month(mo)))
		sum.respNum += w.respNum
		sum.respDen += w.respDen
	}
	gn, _ := fq.GetCellValue("总览", "B3", excelize.Options{RawCellValue: true})
	gd, _ := fq.GetCellValue("总览", "C3", excelize.Options{RawCellValue: true})
	if gn+"/"+gd != fmt.Sprintf("%d/%d", sum.respNum, sum.respDen) {
		t.Errorf("quarter response %s/%s, SQL %d/%d", gn, gd, sum.respNum, sum.respDen)
	}
}

func TestReportUsage(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "empty.db")
	cfg := filepath.Join(dir, "bad.csv")
	os.WriteFile(cfg, []byte("weight.resolve,0.4\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no kind", []string{"report"}, 2, "用法"},
		{"unknown kind", []string{"report", "yearly"}, 2, "未知的报表"},
		{"missing month", []string{"report", "monthly", "-out", "x.html"}, 2, "缺少 -month"},
		{"missing out", []string{"report", "monthly", "-month", "2025-03"}, 2, "缺少 -out"},
		{"quarter for monthly", []string{"report", "monthly", "-month", "2025Q1", "-out", "x.html"}, 2, "-month 应为月份"},
		{"bad month", []string{"report", "monthly", "-month", "2025-13", "-out", "x.html"}, 1, "无法识别"},
		{"unknown extension", []string{"report", "monthly", "-month", "2025-03", "-out", "x.pdf"}, 2, "扩展名"},
		{"xlsx to stdout", []string{"report", "quarterly", "-quarter", "2025Q1", "-format", "xlsx", "-out", "-"}, 2, "标准输出"},
		{"bad config", []string{"report", "monthly", "-month", "2025-03", "-out", "x.html", "-config", cfg}, 1, "未知的键"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(tc.args, "-db", dsn)
			if len(tc.args) < 2 {
				args = tc.args
			}
			code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.msg)
			}
		})
	}
	// An empty database gives a report without figures, not an error.
	out := filepath.Join(dir, "empty.html")
	jc(t, "report", "monthly", "-month", "2025-03", "-db", dsn, "-out", out)
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "本期无失分工单") {
		t.Errorf("empty report:\n%s", b)
	}
}

// TestReportPostgres checks that a report read from PostgreSQL equals the
// one read from SQLite for the same imported file (JICENG_TEST_PG).
func TestReportPostgres(t *testing.T) {
	pg := testPG(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "demo.csv")
	lite := filepath.Join(dir, "r.db")
	jc(t, "generate", "-n", "4000", "-end", "2025-06-30", "-out", src)
	sheets := map[string][][][]string{}
	for _, dsn := range []string{lite, pg} {
		jc(t, "import", "-db", dsn, "-progress", "0", src)
		out := filepath.Join(dir, "q.xlsx")
		jc(t, "report", "quarterly", "-quarter", "2025Q2", "-db", dsn, "-out", out)
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range report.SheetNames[1:] { // 总览 carries the generation time
			rows, err := f.GetRows(s)
			if err != nil {
				t.Fatal(err)
			}
			sheets[s] = append(sheets[s], rows)
		}
		f.Close()
	}
	for s, v := range sheets {
		if fmt.Sprint(v[0]) != fmt.Sprint(v[1]) {
			t.Errorf("sheet %s differs between SQLite and PostgreSQL", s)
		}
	}
}
