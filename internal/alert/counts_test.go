package alert

import (
	"errors"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestCounts(t *testing.T) {
	var c Counts
	rows := [][3]string{
		{"2026-03-02", "A社区/环境卫生", "3"},
		{"2026/3/4", "A社区/环境卫生", "5"},
		{"2026-03-02 00:00:00", "B社区/物业管理", "0"},
		{"20260303", "B社区/物业管理", "2.0"},
		{"2026年3月1日", "A社区/环境卫生", "1"},
	}
	for _, r := range rows {
		if err := c.Add(r[0], r[1], r[2]); err != nil {
			t.Fatalf("Add(%q): %v", r, err)
		}
	}
	got := c.Series()
	if len(got) != 2 || got[0].Name != "A社区/环境卫生" || got[1].Name != "B社区/物业管理" {
		t.Fatalf("series %+v, want A then B", got)
	}
	if !got[0].Start.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || !slices.Equal(got[0].Counts, []float64{1, 3, 0, 5}) {
		t.Errorf("A: %v from %v, want [1 3 0 5] from 03-01 (03-03 has no row: 0)", got[0].Counts, got[0].Start)
	}
	if !slices.Equal(got[1].Counts, []float64{0, 2}) {
		t.Errorf("B: %v, want [0 2]", got[1].Counts)
	}
}

func TestCountsRejects(t *testing.T) {
	tests := []struct{ name, date, series, count string }{
		{"no date", "", "A", "1"},
		{"not a date", "三月二日", "A", "1"},
		{"impossible date", "2026-02-30", "A", "1"},
		{"no series", "2026-03-02", " ", "1"},
		{"negative count", "2026-03-02", "A", "-1"},
		{"fractional count", "2026-03-02", "A", "1.5"},
		{"not a number", "2026-03-02", "A", "三"},
		{"a day twice", "2026-03-01", "A", "1"},
		{"a span of centuries", "1926-03-01", "A", "1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Counts
			if err := c.Add("2026-03-01", "A", "2"); err != nil {
				t.Fatal(err)
			}
			err := c.Add(tc.date, tc.series, tc.count)
			var ae *core.Error
			if !errors.As(err, &ae) || ae.Code != core.EINVALID || ae.Message == "" {
				t.Errorf("Add(%q, %q, %q) = %v, want an EINVALID error with a message", tc.date, tc.series, tc.count, err)
			}
		})
	}
}

func FuzzCounts(f *testing.F) {
	f.Add("2026-03-02", "A", "3", "2026/3/9", "5")
	f.Add("20260302", "社区", "0", "2026年3月1日", "1e3")
	f.Fuzz(func(t *testing.T, d1, s, n1, d2, n2 string) {
		var c Counts
		e1, e2 := c.Add(d1, s, n1), c.Add(d2, s, n2)
		total := 0
		for _, ser := range c.Series() {
			if len(ser.Counts) == 0 || len(ser.Counts) > MaxSpan+1 {
				t.Fatalf("series of %d days", len(ser.Counts))
			}
			for _, v := range ser.Counts {
				if v < 0 {
					t.Fatalf("negative count %v", v)
				}
				if v > 0 {
					total++
				}
			}
			NewNBCUSUM().Run(ser, nil)
		}
		if e1 != nil && e2 != nil && total != 0 {
			t.Fatalf("both rows refused but %d days counted", total)
		}
	})
}
