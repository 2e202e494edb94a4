package rates

import (
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  Period
		label string
		ok    bool
	}{
		{"2025-03", Month(2025, 3), "2025年3月", true},
		{" 2025-12 ", Month(2025, 12), "2025年12月", true},
		{"2025Q1", Quarter(2025, 1), "2025年第1季度", true},
		{"2025q4", Quarter(2025, 4), "2025年第4季度", true},
		{"2025-Q2", Quarter(2025, 2), "2025年第2季度", true},
		{"2025-13", Period{}, "", false},
		{"2025Q5", Period{}, "", false},
		{"2025", Period{}, "", false},
		{"Q1", Period{}, "", false},
		{"25-03", Period{}, "", false},
		{"", Period{}, "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParsePeriod(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParsePeriod(%q) = %v, %v", tc.in, got, err)
			}
			if tc.ok && (got.Label() != tc.label || mustParse(got.String()) != got) {
				t.Errorf("label %q, string %q", got.Label(), got.String())
			}
		})
	}
}

func mustParse(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

func TestPeriodArithmetic(t *testing.T) {
	for _, tc := range []struct {
		p    Period
		n    int
		want Period
	}{
		{Month(2025, 3), -2, Month(2025, 1)},
		{Month(2025, 3), -3, Month(2024, 12)},
		{Month(2025, 3), -15, Month(2023, 12)},
		{Month(2025, 12), 1, Month(2026, 1)},
		{Quarter(2025, 1), -1, Quarter(2024, 4)},
		{Quarter(2025, 1), -8, Quarter(2023, 1)},
		{Quarter(2025, 4), 1, Quarter(2026, 1)},
	} {
		if got := tc.p.Add(tc.n); got != tc.want {
			t.Errorf("%v + %d = %v, want %v", tc.p, tc.n, got, tc.want)
		}
	}
	q := Quarter(2025, 2)
	if s, e := q.Start(loc), q.End(loc); !s.Equal(time.Date(2025, 4, 1, 0, 0, 0, 0, loc)) || !e.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, loc)) {
		t.Errorf("Q2 = [%v, %v)", s, e)
	}
}

func TestLoadConfig(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		check    func(c Config) bool
		err      string
	}{
		{"empty is the default", "", func(c Config) bool {
			d := DefaultConfig()
			return c.Weights == d.Weights && c.BasicSatisfied == d.BasicSatisfied && c.ResponseBase == d.ResponseBase
		}, ""},
		{"csv", "\ufeffkey,value\n# 2025 年口径\nweight.response,30\nweight.resolution,35\nweight.satisfaction,35\nbasic_satisfied,0.6\n" +
			"response_base,received\nperiod_basis,callback\ncontact_hours.紧急,1\ncontact_hours.*,12\nhistory,5\n",
			func(c Config) bool {
				return c.Weights == Weights{30, 35, 35} && c.BasicSatisfied == 0.6 && c.ResponseBase == BaseReceived &&
					c.PeriodBasis == BasisCallback && c.ContactHours["紧急"] == 1 && c.ContactHours["*"] == 12 && c.History == 5
			}, ""},
		{"json", `{"weight.response": 0.1, "basic_satisfied": "0.5", "contact_hours.紧急": 3}`,
			func(c Config) bool {
				return c.Weights.Response == 0.1 && c.BasicSatisfied == 0.5 && c.ContactHours["紧急"] == 3
			}, ""},
		{"unknown key", "weight.resolve,0.4\n", nil, "未知的键"},
		{"not a number", "basic_satisfied,八成\n", nil, "不是数字"},
		{"three columns", "basic_satisfied,0.8,x\n", nil, "两列"},
		{"bad json", `{"basic_satisfied": }`, nil, "JSON"},
		{"json list value", `{"basic_satisfied": [1]}`, nil, "数字或文字"},
		{"invalid after load", "basic_satisfied,2\n", nil, "0 到 1"},
		{"bad base", "response_base,all\n", nil, "响应率口径"},
		{"fractional history", "history,2.5\n", nil, "整数"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadConfig(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("LoadConfig = %+v, %v", c, err)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	c := DefaultConfig()
	got := strings.Join(c.Describe(), "\n")
	for _, w := range []string{"紧急工单受理后 2 小时内", "0.8 × 基本满意数", "0.2 × 响应率 + 0.4 × 解决率 + 0.4 × 满意率", "按受理时间"} {
		if !strings.Contains(got, w) {
			t.Errorf("default description lacks %q:\n%s", w, got)
		}
	}
	c.ContactHours = map[string]float64{"紧急": 1, "*": 12}
	c.Weights = Weights{20, 40, 40}
	c.PeriodBasis = BasisCallback
	got = strings.Join(c.Describe(), "\n")
	for _, w := range []string{"受理后紧急 1 小时、其他 12 小时内", "0.2 × 响应率", "按回访时间"} {
		if !strings.Contains(got, w) {
			t.Errorf("description lacks %q:\n%s", w, got)
		}
	}
}

func TestContactByUrgency(t *testing.T) {
	f := ContactByUrgency(map[string]float64{"紧急": 0.5})
	r := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	if got := f(core.Ticket{ReceivedAt: r, Urgency: "紧急"}); !got.Equal(r.Add(30 * time.Minute)) {
		t.Errorf("紧急: %v", got)
	}
	if got := f(core.Ticket{ReceivedAt: r, Urgency: "一般"}); !got.Equal(r.Add(24 * time.Hour)) {
		t.Errorf("一般: %v", got)
	}
}

// FuzzLoadConfig: config files come from users; LoadConfig must not panic,
// and what it accepts must be valid.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{"", "key,value\nweight.response,0.2\n", `{"history":3}`, "contact_hours.紧急,2\n", "\"a\nb\",1", "{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := LoadConfig(strings.NewReader(s))
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted an invalid config: %v", err)
		}
		if _, err := Compute(nil, Month(2025, 1), c); err != nil {
			t.Fatalf("Compute refused an accepted config: %v", err)
		}
	})
}

// FuzzParsePeriod: periods come from command lines and URLs.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2025-03", "2025Q1", "2025-q4", "9999-12", "1900Q1", "-1-1", "2025Q"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if !p.Valid() || mustParse(p.String()) != p || p.Add(1).Add(-1) != p {
			t.Fatalf("%q parsed as %+v", s, p)
		}
	})
}
