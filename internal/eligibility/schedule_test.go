package eligibility

import (
	"fmt"
	"testing"
	"time"
)

func TestParseCycle(t *testing.T) {
	tests := []struct {
		in   string
		want Cycle
		ok   bool
	}{
		{"", CycleNone, true}, {"一次", CycleNone, true}, {"每周", CycleWeekly, true}, {" 每两周 ", CycleBiweekly, true},
		{"每月", CycleMonthly, true}, {"Monthly", CycleMonthly, true}, {"季度", CycleQuarterly, true},
		{"每半年", CycleHalfYear, true}, {"每年", CycleYearly, true}, {"每天", CycleNone, false}, {"两月", CycleNone, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCycle(tc.in)
			if got != tc.want || (err == nil) != tc.ok {
				t.Errorf("ParseCycle(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
	for c := CycleNone; c <= CycleYearly; c++ {
		if back, err := ParseCycle(c.String()); err != nil || back != c {
			t.Errorf("cycle %d: %q does not read back", c, c.String())
		}
	}
}

func TestCycleNext(t *testing.T) {
	tests := []struct {
		name  string
		cycle Cycle
		last  time.Time
		want  string
	}{
		{"weekly", CycleWeekly, day(2026, 11, 28), "2026-12-05"},
		{"weekly over the year end", CycleWeekly, day(2026, 12, 29), "2027-01-05"},
		{"biweekly", CycleBiweekly, day(2026, 11, 20), "2026-12-04"},
		{"monthly", CycleMonthly, day(2026, 11, 10), "2026-12-10"},
		{"monthly from 31 January", CycleMonthly, day(2026, 1, 31), "2026-02-28"},
		{"monthly from 31 January, leap year", CycleMonthly, day(2028, 1, 31), "2028-02-29"},
		{"monthly from 31 March", CycleMonthly, day(2026, 3, 31), "2026-04-30"},
		{"quarterly", CycleQuarterly, day(2026, 8, 15), "2026-11-15"},
		{"quarterly from 30 November", CycleQuarterly, day(2026, 11, 30), "2027-02-28"},
		{"half-yearly", CycleHalfYear, day(2026, 8, 31), "2027-02-28"},
		{"yearly from a leap day", CycleYearly, day(2028, 2, 29), "2029-02-28"},
		{"time of day dropped", CycleWeekly, time.Date(2026, 11, 28, 23, 30, 0, 0, day(1, 1, 1).Location()), "2026-12-05"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cycle.Next(tc.last)
			if s := got.Format(time.DateOnly); s != tc.want || got.Hour() != 0 {
				t.Errorf("Next = %s, want %s 00:00", got, tc.want)
			}
		})
	}
	if !CycleNone.Next(day(2026, 1, 1)).IsZero() {
		t.Error("CycleNone.Next should be zero")
	}
}

func TestSchedule(t *testing.T) {
	asOf := day(2026, 12, 1)
	tests := []struct {
		name  string
		cycle Cycle
		last  time.Time
		warn  int
		want  string // state due days
	}{
		{"no cycle", CycleNone, day(2026, 1, 1), 7, " 0001-01-01 0"},
		{"never served", CycleMonthly, time.Time{}, 7, "待首次服务 0001-01-01 0"},
		{"not due", CycleMonthly, day(2026, 11, 20), 7, "未到期 2026-12-20 19"},
		{"near", CycleWeekly, day(2026, 11, 28), 7, "即将到期 2026-12-05 4"},
		{"due today is near, not late", CycleWeekly, day(2026, 11, 24), 7, "即将到期 2026-12-01 0"},
		{"a day late", CycleWeekly, day(2026, 11, 23), 7, "已逾期 2026-11-30 -1"},
		{"long overdue", CycleQuarterly, day(2026, 8, 15), 7, "已逾期 2026-11-15 -16"},
		{"warn 0: never near", CycleWeekly, day(2026, 11, 24), 0, "未到期 2026-12-01 0"},
		{"warn boundary", CycleMonthly, day(2026, 11, 8), 7, "即将到期 2026-12-08 7"},
		{"just outside warn", CycleMonthly, day(2026, 11, 9), 7, "未到期 2026-12-09 8"},
		{"last visit in UTC late evening is the next day in Beijing", CycleWeekly,
			time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC), 7, "即将到期 2026-12-01 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Schedule(tc.cycle, tc.last, asOf, tc.warn)
			if got := fmt.Sprintf("%s %s %d", v.State, v.Due.Format(time.DateOnly), v.Days); got != tc.want {
				t.Errorf("Schedule = %q, want %q", got, tc.want)
			}
		})
	}
}
