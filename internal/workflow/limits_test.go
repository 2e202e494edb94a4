package workflow

import (
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestDefaultLimits(t *testing.T) {
	cases := []struct {
		urgency          core.Urgency
		contact, resolve Limit
	}{
		{"紧急", Limit{Duration: time.Hour}, Limit{Duration: 2 * time.Hour}},
		{"加急", Limit{Duration: 2 * time.Hour}, Limit{Duration: 24 * time.Hour}},
		{"一般", Limit{Duration: 2 * time.Hour}, Limit{WorkDays: 7}},
		{"复杂", Limit{Duration: 2 * time.Hour}, Limit{WorkDays: 15}},
		{"", Limit{Duration: 2 * time.Hour}, Limit{WorkDays: 7}},
		{"特急", Limit{Duration: 2 * time.Hour}, Limit{WorkDays: 7}},
	}
	for _, c := range cases {
		t.Run("urgency="+string(c.urgency), func(t *testing.T) {
			contact, resolve := DefaultLimits().For(c.urgency)
			if contact != c.contact || resolve != c.resolve {
				t.Errorf("For = %v %v, want %v %v", contact, resolve, c.contact, c.resolve)
			}
			var none *Limits
			if contact2, resolve2 := none.For(c.urgency); contact2 != contact || resolve2 != resolve {
				t.Errorf("nil Limits differ from DefaultLimits")
			}
		})
	}
}

func TestParseLimit(t *testing.T) {
	cases := []struct {
		in   string
		want Limit
		err  string
	}{
		{"2h", Limit{Duration: 2 * time.Hour}, ""},
		{" 1.5 小时 ", Limit{Duration: 90 * time.Minute}, ""},
		{"30min", Limit{Duration: 30 * time.Minute}, ""},
		{"30分钟", Limit{Duration: 30 * time.Minute}, ""},
		{"7d", Limit{Duration: 7 * 24 * time.Hour}, ""},
		{"7天", Limit{Duration: 7 * 24 * time.Hour}, ""},
		{"7WD", Limit{WorkDays: 7}, ""},
		{"15个工作日", Limit{WorkDays: 15}, ""},
		{"15工作日", Limit{WorkDays: 15}, ""},
		{"", Limit{}, "为空"},
		{"7", Limit{}, "缺少单位"},
		{"7周", Limit{}, "缺少单位"},
		{"-2h", Limit{}, "正数"},
		{"0h", Limit{}, "正数"},
		{"NaNh", Limit{}, "正数"},
		{"abch", Limit{}, "正数"},
		{"1.5wd", Limit{}, "整数"},
		{"300wd", Limit{}, "整数"},
		{"400d", Limit{}, "超过一年"},
		{"0.0001min", Limit{}, "不足一秒"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseLimit(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("ParseLimit = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestLimitString(t *testing.T) {
	cases := []struct {
		l          Limit
		str, label string
	}{
		{Limit{Duration: 30 * time.Minute}, "30min", "30分钟"},
		{Limit{Duration: 2 * time.Hour}, "2h", "2小时"},
		{Limit{Duration: 48 * time.Hour}, "2d", "2天"},
		{Limit{WorkDays: 7}, "7wd", "7个工作日"},
	}
	for _, c := range cases {
		if c.l.String() != c.str || c.l.Label() != c.label {
			t.Errorf("%+v: %q %q, want %q %q", c.l, c.l.String(), c.l.Label(), c.str, c.label)
		}
		if back, err := ParseLimit(c.l.String()); err != nil || back != c.l {
			t.Errorf("round trip %v: %v %v", c.l, back, err)
		}
	}
}

func TestLoadLimits(t *testing.T) {
	in := "\ufeff紧急程度,办理时限,先行联系时限\n紧急,2小时,30分钟\n加急,1天,1小时\n一般,7天,2h\n复杂,15个工作日,24h\n"
	l, err := LoadLimits(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	c, r := l.For("紧急")
	if c != (Limit{Duration: 30 * time.Minute}) || r != (Limit{Duration: 2 * time.Hour}) {
		t.Errorf("紧急 = %v %v", c, r)
	}
	if _, r := l.For("一般"); r != (Limit{Duration: 7 * 24 * time.Hour}) {
		t.Errorf("一般 resolve = %v", r)
	}
}

func TestLoadLimitsErrors(t *testing.T) {
	const h = "urgency,contact,resolve\n"
	const rest = "加急,2h,24h\n一般,2h,7wd\n复杂,2h,15wd\n"
	cases := []struct{ name, in, msg string }{
		{"空文件", "", "时限表为空"},
		{"缺列", "urgency,contact\n紧急,1h\n", "缺少列「resolve」"},
		{"缺紧急程度", h + rest, "缺少紧急程度「紧急」"},
		{"未知紧急程度", h + "特急,1h,2h\n" + rest, "第 2 行：紧急程度「特急」"},
		{"重复", h + "紧急,1h,2h\n紧急,1h,2h\n" + rest, "第 3 行：紧急程度「紧急」重复"},
		{"联系时限坏", h + "紧急,1x,2h\n" + rest, "第 2 行：先行联系时限「1x」缺少单位"},
		{"办理时限缺", h + "紧急,1h\n" + rest, "第 2 行：办理时限为空"},
		{"坏CSV", h + "紧急,\"1h,2h\n", "不是合法的 CSV"},
		{"非UTF8", h + "\xbd\xf4\xbc\xb1,1h,2h\n", "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadLimits(strings.NewReader(c.in))
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), c.msg) {
				t.Errorf("err = %v, want invalid containing %q", err, c.msg)
			}
		})
	}
}

func FuzzLoadLimits(f *testing.F) {
	f.Add(limitsCSV)
	f.Add("紧急程度,先行联系时限,办理时限\n紧急,30分钟,2小时\n加急,1h,24h\n一般,2h,7wd\n复杂,2h,15个工作日\n")
	f.Add("urgency,contact,resolve\n紧急,1e300h,2h\n")
	f.Add("urgency,contact,resolve\n\"紧急\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := LoadLimits(strings.NewReader(in))
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		for _, u := range core.Urgencies {
			c, r := l.For(u)
			if c.IsZero() || r.IsZero() {
				t.Fatalf("%s: zero limit %v %v", u, c, r)
			}
		}
	})
}
