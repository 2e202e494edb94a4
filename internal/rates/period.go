package rates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period kinds.
const (
	Monthly   = "month"
	Quarterly = "quarter"
)

// Period is one assessment period: a calendar month or quarter. The zero
// Period is not valid.
type Period struct {
	Kind  string // Monthly or Quarterly
	Year  int
	Index int // month 1–12, or quarter 1–4
}

// Month returns the monthly period of year and month.
func Month(year int, m time.Month) Period { return Period{Monthly, year, int(m)} }

// Quarter returns quarter q (1–4) of year.
func Quarter(year, q int) Period { return Period{Quarterly, year, q} }

// ParsePeriod reads "2025-03" (a month) or "2025Q1" (a quarter, also
// "2025q1" and "2025-Q1").
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("期间 %q 无法识别，月份请写成 2025-03，季度请写成 2025Q1", s)
	if i := strings.IndexAny(s, "Qq"); i >= 0 {
		y, err1 := strconv.Atoi(strings.TrimSuffix(s[:i], "-"))
		q, err2 := strconv.Atoi(s[i+1:])
		if err1 != nil || err2 != nil || y < 1900 || y > 9999 || q < 1 || q > 4 {
			return Period{}, bad
		}
		return Quarter(y, q), nil
	}
	y, m, ok := strings.Cut(s, "-")
	if !ok {
		return Period{}, bad
	}
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || yi < 1900 || yi > 9999 || mi < 1 || mi > 12 {
		return Period{}, bad
	}
	return Month(yi, time.Month(mi)), nil
}

// Valid tells whether p names a month or a quarter.
func (p Period) Valid() bool {
	switch p.Kind {
	case Monthly:
		return p.Index >= 1 && p.Index <= 12
	case Quarterly:
		return p.Index >= 1 && p.Index <= 4
	}
	return false
}

// months is the length of p in months.
func (p Period) months() int {
	if p.Kind == Quarterly {
		return 3
	}
	return 1
}

func (p Period) firstMonth() int {
	if p.Kind == Quarterly {
		return 3*(p.Index-1) + 1
	}
	return p.Index
}

// Start is the first instant of p in loc.
func (p Period) Start(loc *time.Location) time.Time {
	return time.Date(p.Year, time.Month(p.firstMonth()), 1, 0, 0, 0, 0, loc)
}

// End is the first instant after p in loc: periods are half-open.
func (p Period) End(loc *time.Location) time.Time {
	return p.Start(loc).AddDate(0, p.months(), 0)
}

// Add returns the period n periods of the same kind after p (before, for
// negative n).
func (p Period) Add(n int) Period {
	per := 12
	if p.Kind == Quarterly {
		per = 4
	}
	i := p.Year*per + p.Index - 1 + n
	y, r := i/per, i%per
	if r < 0 {
		y, r = y-1, r+per
	}
	return Period{p.Kind, y, r + 1}
}

// String is the machine form: "2025-03" or "2025Q1".
func (p Period) String() string {
	if p.Kind == Quarterly {
		return fmt.Sprintf("%dQ%d", p.Year, p.Index)
	}
	return fmt.Sprintf("%d-%02d", p.Year, p.Index)
}

// Label is the Chinese name: "2025年3月" or "2025年第1季度".
func (p Period) Label() string {
	if p.Kind == Quarterly {
		return fmt.Sprintf("%d年第%d季度", p.Year, p.Index)
	}
	return fmt.Sprintf("%d年%d月", p.Year, p.Index)
}

// ShortLabel is a compact axis label: "3月" ("25年1月" in January) or "25Q1".
func (p Period) ShortLabel() string {
	if p.Kind == Quarterly {
		return fmt.Sprintf("%02dQ%d", p.Year%100, p.Index)
	}
	if p.Index == 1 {
		return fmt.Sprintf("%02d年1月", p.Year%100)
	}
	return fmt.Sprintf("%d月", p.Index)
}
