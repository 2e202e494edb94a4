package workflow

import (
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestIsWorkingDay(t *testing.T) {
	cal := DefaultCalendar()
	cases := []struct {
		name, day string
		want      bool
		holiday   string
	}{
		{"平常周一", "2025-03-03", true, ""},
		{"平常周六", "2025-03-08", false, ""},
		{"元旦周三", "2025-01-01", false, "元旦"},
		{"春节调休周日上班", "2025-01-26", true, "春节调休上班"},
		{"除夕周二", "2025-01-28", false, "春节"},
		{"春节调休周六上班", "2025-02-08", true, "春节调休上班"},
		{"劳动节周一", "2025-05-05", false, "劳动节"},
		{"劳动节调休周日上班", "2025-04-27", true, "劳动节调休上班"},
		{"端午周一", "2025-06-02", false, "端午节"},
		{"国庆周三", "2025-10-08", false, "国庆节、中秋节"},
		{"国庆后周六上班", "2025-10-11", true, "国庆节调休上班"},
		{"2026元旦调休周日上班", "2026-01-04", true, "元旦调休上班"},
		{"2026春节初七周一", "2026-02-23", false, "春节"},
		{"2026春节后周六上班", "2026-02-28", true, "春节调休上班"},
		{"2026劳动节调休", "2026-05-09", true, "劳动节调休上班"},
		{"2026端午周五", "2026-06-19", false, "端午节"},
		{"2026中秋周五", "2026-09-25", false, "中秋节"},
		{"2026国庆前周日上班", "2026-09-20", true, "国庆节调休上班"},
		{"2026国庆周三", "2026-10-07", false, "国庆节"},
		{"2026国庆后周六上班", "2026-10-10", true, "国庆节调休上班"},
		{"表外年份的国庆只看周末", "2027-10-01", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := at(c.day + " 12:00")
			if got := cal.IsWorkingDay(d); got != c.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", c.day, got, c.want)
			}
			if got := cal.Holiday(d); got != c.holiday {
				t.Errorf("Holiday(%s) = %q, want %q", c.day, got, c.holiday)
			}
		})
	}
	var none *Calendar
	if none.IsWorkingDay(at("2025-10-01 12:00")) != true || none.IsWorkingDay(at("2025-10-11 12:00")) != false {
		t.Errorf("nil calendar should know weekends only")
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := DefaultCalendar()
	cases := []struct {
		name, start string
		n           int
		want        string
	}{
		{"零天不变", "2025-03-05 10:00", 0, "2025-03-05 10:00"},
		{"负数不变", "2025-03-05 10:00", -3, "2025-03-05 10:00"},
		{"周三加一天", "2025-03-05 10:00", 1, "2025-03-07 00:00"},
		{"周三零点也不算当天", "2025-03-05 00:00", 1, "2025-03-07 00:00"},
		{"周五跨周末", "2025-03-07 16:00", 1, "2025-03-11 00:00"},
		{"周六开始", "2025-03-08 09:00", 1, "2025-03-11 00:00"},
		{"七个工作日", "2025-03-03 09:00", 7, "2025-03-13 00:00"},
		{"跨清明", "2025-04-03 09:00", 1, "2025-04-08 00:00"},
		{"国庆前一天", "2025-09-30 15:00", 1, "2025-10-10 00:00"},
		{"国庆后调休周六算工作日", "2025-09-30 15:00", 3, "2025-10-12 00:00"},
		{"节日当天开始", "2025-10-01 08:00", 1, "2025-10-10 00:00"},
		{"国庆前调休周日", "2025-09-26 18:00", 1, "2025-09-29 00:00"},
		{"周六调休日当天不计", "2025-09-28 10:00", 1, "2025-09-30 00:00"},
		{"春节前周六上班", "2026-02-13 09:00", 1, "2026-02-15 00:00"},
		{"跨2026春节", "2026-02-13 09:00", 2, "2026-02-25 00:00"},
		{"十五个工作日跨2026春节", "2026-02-13 09:00", 15, "2026-03-13 00:00"},
		{"跨年元旦后周日上班", "2025-12-31 10:00", 1, "2026-01-05 00:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cal.AddWorkingDays(at(c.start), c.n); !got.Equal(at(c.want)) {
				t.Errorf("AddWorkingDays(%s, %d) = %v, want %s", c.start, c.n, got, c.want)
			}
		})
	}
}

// TestAddLocation checks that days are those of the start's own location.
func TestAddLocation(t *testing.T) {
	cal := DefaultCalendar()
	// 2025-09-30 20:00 UTC is 10-01 04:00 in Beijing: a 国庆 day there, the
	// last day before the holiday in UTC.
	utc := time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC)
	if got, want := cal.AddWorkingDays(utc, 1), time.Date(2025, 10, 10, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("UTC: %v, want %v", got, want)
	}
	if got, want := cal.AddWorkingDays(utc.In(cst), 1), at("2025-10-10 00:00"); !got.Equal(want) || got.Location() != cst {
		t.Errorf("CST: %v, want %v", got, want)
	}
}

func TestCalendarAdd(t *testing.T) {
	cal := DefaultCalendar()
	cases := []struct {
		name  string
		start string
		limit Limit
		want  string
	}{
		{"自然小时跨节日不停", "2025-09-30 23:00", Limit{Duration: 2 * time.Hour}, "2025-10-01 01:00"},
		{"自然日", "2025-09-30 10:00", Limit{Duration: 7 * 24 * time.Hour}, "2025-10-07 10:00"},
		{"工作日", "2025-09-30 10:00", Limit{WorkDays: 7}, "2025-10-17 00:00"},
		{"工作日优先", "2025-09-30 10:00", Limit{WorkDays: 1, Duration: time.Hour}, "2025-10-10 00:00"},
		{"零", "2025-09-30 10:00", Limit{}, "2025-09-30 10:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cal.Add(at(c.start), c.limit); !got.Equal(at(c.want)) {
				t.Errorf("Add = %v, want %s", got, c.want)
			}
		})
	}
}

func TestLoadCalendar(t *testing.T) {
	c, err := LoadCalendar(strings.NewReader("\ufeff开始日期,结束日期,类型\n2030-02-01,2030-02-03,休\n2030-02-09,,班\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(at("2030-02-01 10:00")) || !c.IsWorkingDay(at("2030-02-09 10:00")) || c.Holiday(at("2030-02-01 10:00")) != "休" {
		t.Errorf("loaded calendar wrong")
	}
	if got := c.AddWorkingDays(at("2030-01-31 10:00"), 1); !got.Equal(at("2030-02-05 00:00")) {
		t.Errorf("AddWorkingDays = %v", got)
	}
}

func TestLoadCalendarErrors(t *testing.T) {
	const h = "from,to,kind,name\n"
	cases := []struct{ name, in, msg string }{
		{"空文件", "", "节假日表为空"},
		{"只有注释", "# 无\n", "节假日表为空"},
		{"缺列", "from,kind\n", "缺少列「to」"},
		{"日期格式", h + "2025/10/01,,休,国庆\n", "第 2 行：开始日期「2025/10/01」"},
		{"不存在的日期", h + "2025-02-30,,休,x\n", "开始日期"},
		{"结束日期格式", h + "2025-10-01,10-08,休,x\n", "结束日期「10-08」"},
		{"结束早于开始", h + "2025-10-08,2025-10-01,休,x\n", "结束日期早于开始日期"},
		{"类型不对", h + "2025-10-01,,放假,x\n", "类型「放假」"},
		{"班在工作日", h + "2025-10-09,,班,x\n", "不是周末"},
		{"休班冲突", h + "2025-10-11,,班,x\n2025-10-11,,休,y\n", "同时标为「休」和「班」"},
		{"范围过长", h + "2025-01-01,2025-03-01,休,x\n", "超过 31 天"},
		{"坏CSV", h + "2025-10-01,\"x,休\n", "不是合法的 CSV"},
		{"非UTF8", h + "2025-10-01,,\xd0\xdd,x\n", "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadCalendar(strings.NewReader(c.in))
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), c.msg) {
				t.Errorf("err = %v, want invalid containing %q", err, c.msg)
			}
		})
	}
}

func FuzzLoadCalendar(f *testing.F) {
	f.Add(holidaysCSV)
	f.Add("from,to,kind\n2025-10-01,2025-10-08,休\n2025-10-11,,班\n")
	f.Add("\ufeff开始日期,结束日期,类型,名称\n2030-02-01,,休,春节\n")
	f.Add("from,to,kind\n\"2025-10-01\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := LoadCalendar(strings.NewReader(in))
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		start := at("2025-09-30 10:00")
		end := c.AddWorkingDays(start, 3)
		if !end.After(start) {
			t.Fatalf("AddWorkingDays went back: %v", end)
		}
	})
}
