package alert

import (
	"math"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
)

// Counts collects daily counts by series from the cells of a file (date,
// series, count) and returns them as Series. A day between a series' first
// and last that has no row counts 0.
type Counts struct {
	series map[string]*counted
	order  []string // series in order of first appearance
}

type counted struct {
	days map[time.Time]float64
	min  time.Time
	max  time.Time
}

// MaxSpan is the longest series Counts accepts, in days (a mistyped year
// would otherwise make a series of centuries).
const MaxSpan = 20 * 366

// dateLayouts are the date forms accepted: 2026-03-02, 2026/3/2, 20260302,
// 2026.3.2, 2026年3月2日; a time of day after the date is ignored.
var dateLayouts = []string{"2006-1-2", "2006/1/2", "20060102", "2006.1.2", "2006年1月2日"}

// ParseDay reads a date cell.
func ParseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return t, true
		}
	}
	return time.Time{}, false
}

// Add adds one row. Its errors are *core.Error with a Chinese message
// that quotes the series' name and the cell, never anything else.
func (c *Counts) Add(date, series, count string) error {
	day, ok := ParseDay(date)
	if !ok {
		return core.Errorf(core.EINVALID, "日期 %q 无法识别（应为 2026-03-02 这样的日期）", clip(date))
	}
	series = strings.TrimSpace(series)
	if series == "" {
		return core.Errorf(core.EINVALID, "序列名为空")
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(count), 64)
	if err != nil || n < 0 || n != math.Trunc(n) || n > 1e9 {
		return core.Errorf(core.EINVALID, "数量 %q 不是非负整数", clip(count))
	}
	if c.series == nil {
		c.series = map[string]*counted{}
	}
	s := c.series[series]
	if s == nil {
		s = &counted{days: map[time.Time]float64{}, min: day, max: day}
		c.series[series] = s
		c.order = append(c.order, series)
	}
	if _, dup := s.days[day]; dup {
		return core.Errorf(core.EINVALID, "序列 %q 的日期 %s 重复", clip(series), day.Format(time.DateOnly))
	}
	lo, hi := s.min, s.max
	if day.Before(lo) {
		lo = day
	}
	if day.After(hi) {
		hi = day
	}
	if hi.Sub(lo).Hours()/24 >= MaxSpan {
		return core.Errorf(core.EINVALID, "序列 %q 跨度超过 %d 天（日期 %s）", clip(series), MaxSpan, day.Format(time.DateOnly))
	}
	s.min, s.max = lo, hi
	s.days[day] = n
	return nil
}

// clip shortens a cell quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// Series returns the series in order of first appearance, each from its
// first day to its last.
func (c *Counts) Series() []Series {
	out := make([]Series, 0, len(c.order))
	for _, name := range c.order {
		s := c.series[name]
		n := int(s.max.Sub(s.min).Hours()/24) + 1
		ser := Series{Name: name, Start: s.min, Counts: make([]float64, n)}
		for d, v := range s.days {
			ser.Counts[int(d.Sub(s.min).Hours()/24)] = v
		}
		out = append(out, ser)
	}
	return out
}
