package eligibility

import (
	"errors"
	"strings"
	"time"
)

// Cycle is how often a rule's service is due (服务周期).
type Cycle int

// Cycles.
const (
	CycleNone      Cycle = iota // one-off: no visits are tracked
	CycleWeekly                 // 每周
	CycleBiweekly               // 每两周
	CycleMonthly                // 每月
	CycleQuarterly              // 每季度
	CycleHalfYear               // 每半年
	CycleYearly                 // 每年
)

var cycleNames = [...]string{CycleNone: "", CycleWeekly: "每周", CycleBiweekly: "每两周", CycleMonthly: "每月",
	CycleQuarterly: "每季度", CycleHalfYear: "每半年", CycleYearly: "每年"}

// String returns the cycle's Chinese name (每月), or "" for CycleNone.
func (c Cycle) String() string {
	if c < 0 || int(c) >= len(cycleNames) {
		return ""
	}
	return cycleNames[c]
}

// ParseCycle reads a cycle: empty, 无 or 一次 (CycleNone), 每周 (周, weekly),
// 每两周 (biweekly), 每月 (月, monthly), 每季度 (季度, quarterly), 每半年
// (半年), 每年 (年, yearly). The message of its error is a Chinese phrase
// that follows the name of the value.
func ParseCycle(s string) (Cycle, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "无", "一次", "不定期", "none", "once":
		return CycleNone, nil
	case "每周", "周", "每周一次", "weekly":
		return CycleWeekly, nil
	case "每两周", "两周", "每半月", "biweekly":
		return CycleBiweekly, nil
	case "每月", "月", "每月一次", "monthly":
		return CycleMonthly, nil
	case "每季度", "季度", "每季", "每季度一次", "quarterly":
		return CycleQuarterly, nil
	case "每半年", "半年", "halfyearly":
		return CycleHalfYear, nil
	case "每年", "年", "每年一次", "yearly", "annually":
		return CycleYearly, nil
	}
	return CycleNone, errors.New("「" + s + "」应为 每周、每两周、每月、每季度、每半年、每年 之一，或留空")
}

// Next returns the date by which the next service is due after one on
// last: last plus the cycle, months counted on the calendar with the day
// clamped to the month's end (31 January + 1 month = 28 or 29 February).
// For CycleNone it returns the zero time. The time of day is dropped; the
// result is in last's location.
func (c Cycle) Next(last time.Time) time.Time {
	y, m, d := last.Date()
	addMonths := func(n int) time.Time {
		first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, last.Location())
		end := first.AddDate(0, 1, -1).Day()
		return time.Date(first.Year(), first.Month(), min(d, end), 0, 0, 0, 0, last.Location())
	}
	switch c {
	case CycleWeekly:
		return time.Date(y, m, d+7, 0, 0, 0, 0, last.Location())
	case CycleBiweekly:
		return time.Date(y, m, d+14, 0, 0, 0, 0, last.Location())
	case CycleMonthly:
		return addMonths(1)
	case CycleQuarterly:
		return addMonths(3)
	case CycleHalfYear:
		return addMonths(6)
	case CycleYearly:
		return addMonths(12)
	}
	return time.Time{}
}

// Visit states (走访状态).
const (
	VisitNone    = ""      // the rule has no cycle
	VisitFirst   = "待首次服务" // no service recorded yet: due now
	VisitOK      = "未到期"
	VisitNear    = "即将到期"
	VisitOverdue = "已逾期"
)

// VisitDue is the state of a person's cyclic service under one rule.
type VisitDue struct {
	Last  time.Time // the last service; zero when none is recorded
	Due   time.Time // the last day on time; zero for VisitFirst and VisitNone
	State string    // one of the Visit* states
	Days  int       // days from asOf to Due: negative when overdue
	Cycle Cycle
}

// Schedule returns the state at asOf of a service with cycle c last given
// on last (zero: never). Dates are calendar days in asOf's location. The
// due date is the last day that is on time: the service is overdue
// (已逾期) from the day after it, and near (即将到期) when at most warnDays
// days are left (warnDays <= 0: never near). With no service recorded the
// state is VisitFirst, due at once.
func Schedule(c Cycle, last, asOf time.Time, warnDays int) VisitDue {
	v := VisitDue{Cycle: c, Last: last}
	if c == CycleNone {
		return v
	}
	if last.IsZero() {
		v.State = VisitFirst
		return v
	}
	loc := asOf.Location()
	ly, lm, ld := last.In(loc).Date()
	v.Due = c.Next(time.Date(ly, lm, ld, 0, 0, 0, 0, loc))
	ay, am, ad := asOf.Date()
	today := time.Date(ay, am, ad, 0, 0, 0, 0, loc)
	v.Days = daysBetween(today, v.Due)
	switch {
	case v.Days < 0:
		v.State = VisitOverdue
	case warnDays > 0 && v.Days <= warnDays:
		v.State = VisitNear
	default:
		v.State = VisitOK
	}
	return v
}

// daysBetween counts calendar days from a to b (both at 00:00 in one
// location), robust to daylight-saving shifts.
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}
