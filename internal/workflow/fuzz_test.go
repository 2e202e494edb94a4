package workflow

import (
	"strings"
	"testing"

	"jiceng/internal/core"
)

// The limits and holiday files are uploaded through the settings pages:
// any input gives a table or a Chinese EINVALID error listing its rows.

func FuzzLimitsErrors(f *testing.F) {
	f.Add(limitsCSV)
	f.Add("urgency,contact,resolve\n紧急,1h,2h\n加急,x,24h\n特急,1h,2h\n")
	f.Add("\ufeff紧急程度,先行联系时限,办理时限\n一般,30分钟,7个工作日\n")
	f.Add("urgency,contact,resolve\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := LoadLimits(strings.NewReader(in))
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a user-facing EINVALID", err)
			}
			return
		}
		for _, u := range core.Urgencies {
			if c, r := l.For(u); c.IsZero() || r.IsZero() {
				t.Fatalf("urgency %s has no limit", u)
			}
		}
	})
}

func FuzzCalendarDays(f *testing.F) {
	f.Add(holidaysCSV)
	f.Add("from,to,kind,name\n2027-13-01,,休,x\n2027-01-01,2027-03-01,休,x\n2027-01-04,,班,x\n")
	f.Add("开始日期,结束日期,类型\n2025-10-01,2025-10-08,休\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := LoadCalendar(strings.NewReader(in))
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a user-facing EINVALID", err)
			}
			return
		}
		for _, d := range c.Days() {
			if c.IsWorkingDay(d.Date) != d.Work {
				t.Fatalf("day %v: working %v, listed as %v", d.Date, c.IsWorkingDay(d.Date), d.Work)
			}
		}
	})
}
