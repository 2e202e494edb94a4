package report

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/rates"
)

var fixtureSharing = &Sharing{
	Rows: []SharingRow{
		{Department: "区住建委", Served: 1, Rows: 1, Cited: 1, Solved: 1},
		{Department: "区民政局", Served: 12, Refused: 2, Rows: 340, Cited: 3, Solved: 2},
	},
	Total: SharingRow{Served: 13, Refused: 2, Rows: 341, Cited: 4, Solved: 3},
}

// TestSharingSection: the 数据共享 section of a monthly report, in HTML
// (golden) and as its own sheet after the others; a report without it has
// neither (TestHTMLGolden, TestXLSX).
func TestSharingSection(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sharing *Sharing
	}{
		{"monthly-sharing", fixtureSharing},
		{"monthly-sharing-empty", &Sharing{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := New(fixture(t, rates.Month(2025, 3), 2), Options{GeneratedAt: generated, LostLimit: 10})
			rep.Sharing = tc.sharing
			var b bytes.Buffer
			if err := WriteHTML(&b, rep); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".golden.html")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			} else if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("HTML differs from %s; run go test ./internal/report -update and review the diff", golden)
			}
			if !strings.Contains(b.String(), "六、数据共享") {
				t.Error("no 数据共享 section")
			}
			b.Reset()
			if err := WriteXLSX(&b, rep); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&b)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got, want := f.GetSheetList(), append(slices.Clone(SheetNames), SharingSheet); !slices.Equal(got, want) {
				t.Fatalf("sheets %v, want %v", got, want)
			}
			rows, err := f.GetRows(SharingSheet)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows[1], ","); got != "使用单位,服务次数,拒绝次数,共享记录数,引用工单数,借助共享办结" {
				t.Errorf("header %s", got)
			}
			n := len(tc.sharing.Rows)
			if len(rows) < 3+n {
				t.Fatalf("%d rows", len(rows))
			}
			for i, r := range tc.sharing.Rows {
				if got := strings.Join(rows[2+i], ","); got != strings.Join([]string{r.Department, itoa(r.Served), itoa(r.Refused), itoa(r.Rows), itoa(r.Cited), itoa(r.Solved)}, ",") {
					t.Errorf("row %d: %s", i, got)
				}
			}
			tot := tc.sharing.Total
			if got := strings.Join(rows[2+n], ","); got != strings.Join([]string{"合计", itoa(tot.Served), itoa(tot.Refused), itoa(tot.Rows), itoa(tot.Cited), itoa(tot.Solved)}, ",") {
				t.Errorf("total: %s", got)
			}
		})
	}
	// Without the section: no sheet, no heading.
	rep := New(fixture(t, rates.Month(2025, 3), 2), Options{GeneratedAt: generated})
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil || strings.Contains(b.String(), "数据共享") {
		t.Errorf("report without sharing has the section: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
