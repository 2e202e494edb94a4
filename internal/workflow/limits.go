package workflow

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
)

//go:embed limits.csv
var limitsCSV string

// Limit is one time limit (时限): a natural duration, or a number of
// working days (WorkDays > 0 wins over Duration).
type Limit struct {
	Duration time.Duration
	WorkDays int
}

// IsZero reports whether l is no limit.
func (l Limit) IsZero() bool { return l.Duration <= 0 && l.WorkDays <= 0 }

// String gives l in the notation of limits.csv: "30min", "2h", "7d", "7wd".
func (l Limit) String() string {
	switch {
	case l.WorkDays > 0:
		return strconv.Itoa(l.WorkDays) + "wd"
	case l.Duration <= 0:
		return "0h"
	case l.Duration%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(l.Duration/(24*time.Hour)), 10) + "d"
	case l.Duration%time.Hour == 0:
		return strconv.FormatInt(int64(l.Duration/time.Hour), 10) + "h"
	default:
		return strconv.FormatFloat(l.Duration.Minutes(), 'f', -1, 64) + "min"
	}
}

// Label gives l in Chinese: "2小时", "7个工作日".
func (l Limit) Label() string {
	switch {
	case l.WorkDays > 0:
		return strconv.Itoa(l.WorkDays) + "个工作日"
	case l.Duration > 0 && l.Duration%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(l.Duration/(24*time.Hour)), 10) + "天"
	case l.Duration > 0 && l.Duration%time.Hour == 0:
		return strconv.FormatInt(int64(l.Duration/time.Hour), 10) + "小时"
	default:
		return strconv.FormatFloat(l.Duration.Minutes(), 'f', -1, 64) + "分钟"
	}
}

// Limits are the contact (先行联系) and resolve (办结) limits per urgency
// (紧急程度). Keys are the values of core.Urgencies. Load them with
// LoadLimits or use DefaultLimits; a Limits is not changed after loading
// and is safe for concurrent use.
type Limits struct {
	Contact map[core.Urgency]Limit
	Resolve map[core.Urgency]Limit
}

// DefaultUrgency is the urgency of a ticket that has none, or one not in
// the limits table.
const DefaultUrgency = core.UrgencyNormal

// For returns the limits of urgency; an empty or unknown urgency gets
// those of DefaultUrgency. A nil *Limits is DefaultLimits.
func (l *Limits) For(urgency core.Urgency) (contact, resolve Limit) {
	if l == nil {
		l = DefaultLimits()
	}
	if _, ok := l.Resolve[urgency]; !ok {
		urgency = DefaultUrgency
	}
	return l.Contact[urgency], l.Resolve[urgency]
}

var defaultLimits = sync.OnceValue(func() *Limits {
	l, err := LoadLimits(strings.NewReader(limitsCSV))
	if err != nil {
		panic("workflow: embedded limits.csv: " + err.Error())
	}
	return l
})

// DefaultLimitsCSV returns the embedded limits.csv, the file of
// DefaultLimits.
func DefaultLimitsCSV() []byte { return []byte(limitsCSV) }

// DefaultLimits returns the limits of the embedded limits.csv:
//
//	紧急  contact 1 h  resolve 2 h
//	加急  contact 2 h  resolve 24 h
//	一般  contact 2 h  resolve 7 working days
//	复杂  contact 2 h  resolve 15 working days
func DefaultLimits() *Limits { return defaultLimits() }

// Bounds of a limit: a year.
const (
	maxLimitDuration = 366 * 24 * time.Hour
	maxLimitWorkDays = 250
)

// LoadLimits reads a limits file: UTF-8 CSV with the header
// urgency,contact,resolve (or 紧急程度,先行联系时限,办理时限) and one line per
// urgency of core.Urgencies, each value a positive number with a unit:
// min/分钟, h/小时, d/天 (natural days) or wd/工作日 (working days, whole
// numbers). Lines starting with # are comments. Errors are *core.Error with
// code EINVALID and a Chinese message naming the line.
func LoadLimits(r io.Reader) (*Limits, error) {
	l := &Limits{Contact: map[core.Urgency]Limit{}, Resolve: map[core.Urgency]Limit{}}
	cr := newCSV(r)
	var cols []int
	var bad core.RowErrors
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError("时限表", err)
		}
		line, _ := cr.FieldPos(0)
		if err := checkUTF8(rec); err != nil {
			if cols == nil {
				return nil, lineError("时限表", line, err.Error())
			}
			bad = append(bad, core.RowError{Row: line, Reason: err.Error()})
			continue
		}
		if cols == nil {
			if cols, err = headerIndex(rec, [][]string{{"urgency", "紧急程度"}, {"contact", "先行联系时限"}, {"resolve", "办理时限", "办结时限"}}); err != nil {
				return nil, lineError("时限表", line, err.Error())
			}
			continue
		}
		get := func(i int) string {
			if cols[i] < len(rec) {
				return strings.TrimSpace(rec[cols[i]])
			}
			return ""
		}
		u := core.Urgency(get(0))
		if !slices.Contains(core.Urgencies, u) {
			bad = append(bad, core.RowError{Row: line, Reason: fmt.Sprintf("紧急程度「%s」应为 %s 之一", u, strings.Join(core.Strings(core.Urgencies), "、"))})
			continue
		}
		if _, dup := l.Resolve[u]; dup {
			bad = append(bad, core.RowError{Row: line, Reason: "紧急程度「" + string(u) + "」重复"})
			continue
		}
		c, err := ParseLimit(get(1))
		if err != nil {
			bad = append(bad, core.RowError{Row: line, Reason: "先行联系时限" + err.Error()})
			continue
		}
		res, err := ParseLimit(get(2))
		if err != nil {
			bad = append(bad, core.RowError{Row: line, Reason: "办理时限" + err.Error()})
			continue
		}
		l.Contact[u], l.Resolve[u] = c, res
	}
	if cols == nil {
		return nil, core.Errorf(core.EINVALID, "时限表为空：缺少表头 urgency,contact,resolve")
	}
	for _, u := range core.Urgencies {
		if _, ok := l.Resolve[u]; !ok && len(bad) == 0 {
			bad = append(bad, core.RowError{Reason: fmt.Sprintf("缺少紧急程度「%s」的一行", u)})
		}
	}
	if err := bad.Err("时限表"); err != nil {
		return nil, err
	}
	return l, nil
}

// limitUnits maps the unit words of ParseLimit to a duration (0: working
// days).
var limitUnits = []struct {
	word string
	d    time.Duration
}{
	// "wd" before "d": the first suffix that matches wins.
	{"个工作日", 0}, {"工作日", 0}, {"wd", 0},
	{"分钟", time.Minute}, {"min", time.Minute},
	{"小时", time.Hour}, {"h", time.Hour},
	{"天", 24 * time.Hour}, {"日", 24 * time.Hour}, {"d", 24 * time.Hour},
}

// ParseLimit reads a limit such as "30min", "2h", "1.5小时", "7d", "7wd" or
// "15个工作日". The message of its error is a Chinese phrase that follows
// the name of the value.
func ParseLimit(s string) (Limit, error) {
	v := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if v == "" {
		return Limit{}, errors.New("为空")
	}
	for _, u := range limitUnits {
		num, ok := strings.CutSuffix(v, u.word)
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
			return Limit{}, fmt.Errorf("「%s」应为正数加单位，如 2h、7wd", s)
		}
		if u.d == 0 {
			if f != math.Trunc(f) || f > maxLimitWorkDays {
				return Limit{}, fmt.Errorf("「%s」：工作日应为 1 到 %d 的整数", s, maxLimitWorkDays)
			}
			return Limit{WorkDays: int(f)}, nil
		}
		if f*float64(u.d) > float64(maxLimitDuration) {
			return Limit{}, fmt.Errorf("「%s」超过一年", s)
		}
		d := time.Duration(f * float64(u.d)).Round(time.Second)
		if d <= 0 {
			return Limit{}, fmt.Errorf("「%s」不足一秒", s)
		}
		return Limit{Duration: d}, nil
	}
	return Limit{}, fmt.Errorf("「%s」缺少单位（min、h、d 或 wd）", s)
}
