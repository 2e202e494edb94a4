package rates

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

var loc = time.FixedZone("CST", 8*3600)

// at is a time in China Standard Time: at("03-01 10:00") is 2025-03-01 10:00.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2025-"+s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// tk is a ticket dispatched to unit A in community X, received at recv,
// contacted at contact (may be ""), urgency 一般.
func tk(id int64, recv, contact string) core.Ticket {
	t := core.Ticket{ID: id, Number: "T" + string(rune('0'+id%10)), ReceivedAt: at(recv), Urgency: "一般",
		Unit: "A", Community: "X", Status: core.StatusClosed, Street: "测试街道"}
	if contact != "" {
		t.ContactedAt = at(contact)
	}
	return t
}

// cb adds a callback.
func cb(t core.Ticket, when string, resolved *bool, sat string) core.Ticket {
	t.CallbackAt = at(when)
	t.Resolved = resolved
	t.Satisfaction = core.Satisfaction(sat)
	return t
}

func urgent(t core.Ticket) core.Ticket { t.Urgency = "紧急"; return t }

func with(t core.Ticket, f func(*core.Ticket)) core.Ticket { f(&t); return t }

type want struct {
	resp, res, sat [2]float64 // num, den
	composite      float64
	scored         bool
	pending        int
}

func TestFormulas(t *testing.T) {
	march := Month(2025, time.March)
	basic := []core.Ticket{
		cb(tk(1, "03-01 10:00", "03-01 12:00"), "03-03 10:00", yes(), "满意"),
		cb(urgent(tk(2, "03-02 10:00", "03-02 13:00")), "03-04 10:00", no(), "不满意"),
		cb(tk(3, "03-03 10:00", "03-05 10:00"), "03-06 10:00", yes(), "基本满意"),
		tk(4, "03-04 10:00", "03-04 11:00"),
	}
	def := DefaultConfig()
	for _, tc := range []struct {
		name    string
		tickets []core.Ticket
		cfg     func(*Config)
		p       Period
		want    want
	}{
		{
			// 响应 2/4, 解决 2/3, 满意 (1+0.8)/3 = 0.6:
			// 100 × (0.2×0.5 + 0.4×2/3 + 0.4×0.6) = 60.667
			name: "basic", tickets: basic,
			want: want{resp: [2]float64{2, 4}, res: [2]float64{2, 3}, sat: [2]float64{1.8, 3},
				composite: 100 * (0.2*0.5 + 0.4*2.0/3 + 0.4*0.6), scored: true},
		},
		{
			name: "weights in percent give the same score", tickets: basic,
			cfg: func(c *Config) { c.Weights = Weights{20, 40, 40} },
			want: want{resp: [2]float64{2, 4}, res: [2]float64{2, 3}, sat: [2]float64{1.8, 3},
				composite: 100 * (0.2*0.5 + 0.4*2.0/3 + 0.4*0.6), scored: true},
		},
		{
			name: "basic satisfied counts fully", tickets: basic,
			cfg: func(c *Config) { c.BasicSatisfied = 1 },
			want: want{resp: [2]float64{2, 4}, res: [2]float64{2, 3}, sat: [2]float64{2, 3},
				composite: 100 * (0.2*0.5 + 0.4*2.0/3 + 0.4*2.0/3), scored: true},
		},
		{
			name: "longer contact limits", tickets: basic,
			cfg: func(c *Config) { c.ContactHours = map[string]float64{"紧急": 4, "*": 72} },
			want: want{resp: [2]float64{4, 4}, res: [2]float64{2, 3}, sat: [2]float64{1.8, 3},
				composite: 100 * (0.2*1 + 0.4*2.0/3 + 0.4*0.6), scored: true},
		},
		{
			name: "injected contact deadline wins", tickets: basic,
			cfg: func(c *Config) {
				c.ContactHours = map[string]float64{"*": 72}
				c.ContactDeadline = func(t core.Ticket) time.Time { return t.ReceivedAt.Add(time.Minute) }
			},
			want: want{resp: [2]float64{0, 4}, res: [2]float64{2, 3}, sat: [2]float64{1.8, 3},
				composite: 100 * (0.4*2.0/3 + 0.4*0.6), scored: true},
		},
		{
			name: "no tickets", tickets: nil,
			want: want{},
		},
		{
			// Without callbacks only the response rate has a denominator:
			// the composite is the response rate alone.
			name: "zero callback denominators",
			tickets: []core.Ticket{
				tk(1, "03-01 10:00", "03-01 11:00"),
				tk(2, "03-01 10:00", "03-03 11:00"),
			},
			want: want{resp: [2]float64{1, 2}, composite: 50, scored: true},
		},
		{
			name: "zero response denominator",
			tickets: []core.Ticket{
				cb(with(tk(1, "03-01 10:00", ""), func(t *core.Ticket) { t.Unit = "" }), "03-02 10:00", yes(), "满意"),
			},
			want: want{res: [2]float64{1, 1}, sat: [2]float64{1, 1}, composite: 100, scored: true},
		},
		{
			name: "weight zero on the only rate: not scored",
			tickets: []core.Ticket{
				tk(1, "03-01 10:00", "03-01 11:00"),
			},
			cfg:  func(c *Config) { c.Weights.Response = 0 },
			want: want{resp: [2]float64{1, 1}},
		},
		{
			name: "missing callback: resolved and satisfaction without a callback time",
			tickets: []core.Ticket{
				with(tk(1, "03-01 10:00", "03-01 11:00"), func(t *core.Ticket) { t.Resolved = yes(); t.Satisfaction = "满意" }),
				cb(tk(2, "03-01 10:00", "03-01 11:00"), "03-02 10:00", nil, ""), // 回访未接通
				cb(tk(3, "03-01 10:00", "03-01 11:00"), "03-02 10:00", yes(), ""),
				cb(tk(4, "03-01 10:00", "03-01 11:00"), "03-02 10:00", nil, "满意"),
				cb(tk(5, "03-01 10:00", "03-01 11:00"), "03-02 10:00", no(), "还行"),
			},
			want: want{resp: [2]float64{5, 5}, res: [2]float64{1, 2}, sat: [2]float64{1, 1},
				composite: 100 * (0.2 + 0.4*0.5 + 0.4), scored: true},
		},
		{
			name: "dispatched base skips undispatched, returned and unit-less tickets",
			tickets: []core.Ticket{
				tk(1, "03-01 10:00", "03-01 11:00"),
				with(tk(2, "03-01 10:00", ""), func(t *core.Ticket) { t.Status = core.StatusReceived; t.Unit = "" }),
				with(tk(3, "03-01 10:00", ""), func(t *core.Ticket) { t.Status = core.StatusReturned }),
				with(tk(4, "03-01 10:00", ""), func(t *core.Ticket) { t.Unit = ""; t.Status = core.StatusResolved }),
			},
			want: want{resp: [2]float64{1, 1}, composite: 100, scored: true},
		},
		{
			name: "received base counts every ticket",
			tickets: []core.Ticket{
				tk(1, "03-01 10:00", "03-01 11:00"),
				with(tk(2, "03-01 10:00", ""), func(t *core.Ticket) { t.Status = core.StatusReceived; t.Unit = "" }),
				with(tk(3, "03-01 10:00", ""), func(t *core.Ticket) { t.Status = core.StatusReturned }),
				with(tk(4, "03-01 10:00", ""), func(t *core.Ticket) { t.Unit = ""; t.Status = core.StatusResolved }),
			},
			cfg:  func(c *Config) { c.ResponseBase = BaseReceived },
			want: want{resp: [2]float64{1, 4}, composite: 25, scored: true},
		},
		{
			name: "contact exactly at the limit is on time",
			tickets: []core.Ticket{
				urgent(tk(1, "03-01 10:00", "03-01 12:00")),
				urgent(tk(2, "03-01 10:00", "03-01 12:01")),
			},
			want: want{resp: [2]float64{1, 2}, composite: 50, scored: true},
		},
		{
			name: "not contacted, limit not yet passed: pending",
			tickets: []core.Ticket{
				tk(1, "03-31 10:00", ""),
				tk(2, "03-30 09:00", ""),
				tk(3, "03-31 09:00", "03-31 09:30"),
			},
			cfg:  func(c *Config) { c.AsOf = at("03-31 12:00") },
			want: want{resp: [2]float64{1, 2}, composite: 50, scored: true, pending: 1},
		},
		{
			name: "not contacted without AsOf: overdue",
			tickets: []core.Ticket{
				tk(1, "03-31 10:00", ""),
			},
			want: want{resp: [2]float64{0, 1}, composite: 0, scored: true},
		},
		{
			// Received 2025-03-31 23:30 CST, called back in April: by
			// received month it is March's; by callback month March has
			// its response only.
			name: "spanning months, received basis",
			tickets: []core.Ticket{
				cb(tk(1, "03-31 23:30", "04-01 08:00"), "04-02 10:00", no(), "不满意"),
				cb(tk(2, "02-27 10:00", "02-27 11:00"), "03-01 10:00", yes(), "满意"),
			},
			want: want{resp: [2]float64{1, 1}, res: [2]float64{0, 1}, sat: [2]float64{0, 1}, composite: 20, scored: true},
		},
		{
			name: "spanning months, callback basis",
			tickets: []core.Ticket{
				cb(tk(1, "03-31 23:30", "04-01 08:00"), "04-02 10:00", no(), "不满意"),
				cb(tk(2, "02-27 10:00", "02-27 11:00"), "03-01 10:00", yes(), "满意"),
			},
			cfg:  func(c *Config) { c.PeriodBasis = BasisCallback },
			want: want{resp: [2]float64{1, 1}, res: [2]float64{1, 1}, sat: [2]float64{1, 1}, composite: 100, scored: true},
		},
		{
			// 2025-03-31 20:00 UTC is 04-01 04:00 in Beijing: April's.
			name: "months begin in Beijing time",
			tickets: []core.Ticket{
				{ID: 1, Unit: "A", Status: core.StatusClosed, ReceivedAt: time.Date(2025, 3, 31, 20, 0, 0, 0, time.UTC)},
				{ID: 2, Unit: "A", Status: core.StatusClosed, ReceivedAt: time.Date(2025, 2, 28, 16, 0, 0, 0, time.UTC),
					ContactedAt: time.Date(2025, 2, 28, 17, 0, 0, 0, time.UTC)},
			},
			want: want{resp: [2]float64{1, 1}, composite: 100, scored: true},
		},
		{
			name:    "quarter",
			tickets: append(slices.Clone(basic), tk(5, "01-05 10:00", "01-07 10:00"), tk(6, "04-01 10:00", "04-07 10:00")),
			p:       Quarter(2025, 1),
			want: want{resp: [2]float64{2, 5}, res: [2]float64{2, 3}, sat: [2]float64{1.8, 3},
				composite: 100 * (0.2*0.4 + 0.4*2.0/3 + 0.4*0.6), scored: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := def
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			p := tc.p
			if p == (Period{}) {
				p = march
			}
			r, err := Compute(tc.tickets, p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			s := r.Street
			check := func(name string, f Figure, w [2]float64) {
				t.Helper()
				if math.Abs(f.Num-w[0]) > 1e-9 || f.Den != int(w[1]) || f.Valid != (w[1] > 0) {
					t.Errorf("%s = %v/%d (valid %v), want %v/%v", name, f.Num, f.Den, f.Valid, w[0], w[1])
				}
				if f.Valid && math.Abs(f.Rate-w[0]/w[1]) > 1e-12 {
					t.Errorf("%s rate = %v, want %v", name, f.Rate, w[0]/w[1])
				}
			}
			check("response", s.Response, tc.want.resp)
			check("resolution", s.Resolution, tc.want.res)
			check("satisfaction", s.Satisfaction, tc.want.sat)
			if s.Scored != tc.want.scored || math.Abs(s.Composite-tc.want.composite) > 1e-9 {
				t.Errorf("composite = %v (scored %v), want %v (%v)", s.Composite, s.Scored, tc.want.composite, tc.want.scored)
			}
			if s.Pending != tc.want.pending {
				t.Errorf("pending = %d, want %d", s.Pending, tc.want.pending)
			}
			checkLostAddsUp(t, r)
		})
	}
}

// checkLostAddsUp checks that the points lost by the tickets of a group are
// what its composite misses of 100, when all its rates are defined.
func checkLostAddsUp(t *testing.T, r *Result) {
	t.Helper()
	full := func(s *Summary) bool { return s.Response.Valid && s.Resolution.Valid && s.Satisfaction.Valid }
	sum := 0.0
	for _, l := range r.Lost {
		sum += l.Points
		part := 0.0
		for _, x := range l.Losses {
			part += x.Points
		}
		if math.Abs(part-l.Points) > 1e-9 {
			t.Errorf("ticket %d: losses add up to %v, points %v", l.ID, part, l.Points)
		}
	}
	if full(&r.Street.Summary) && math.Abs(sum-(100-r.Street.Composite)) > 1e-6 {
		t.Errorf("street: lost points add up to %v, composite %v", sum, r.Street.Composite)
	}
	for i := 1; i < len(r.Lost); i++ {
		if r.Lost[i].Points > r.Lost[i-1].Points {
			t.Fatalf("lost tickets not most costly first at %d", i)
		}
	}
	for _, g := range r.Units {
		if !full(&g.Summary) {
			continue
		}
		sum := 0.0
		for _, l := range r.Lost {
			if l.Unit == g.Name {
				sum += l.UnitPoints
			}
		}
		if math.Abs(sum-(100-g.Composite)) > 1e-6 {
			t.Errorf("unit %s: lost points add up to %v, composite %v", g.Name, sum, g.Composite)
		}
	}
}

func TestLostReasons(t *testing.T) {
	tickets := []core.Ticket{
		cb(tk(1, "03-01 10:00", "03-01 12:00"), "03-03 10:00", yes(), "满意"),
		cb(urgent(tk(2, "03-02 10:00", "03-02 13:00")), "03-04 10:00", no(), "不满意"),
		cb(tk(3, "03-03 10:00", "03-05 10:00"), "03-06 10:00", yes(), "基本满意"),
		tk(4, "03-04 10:00", ""),
	}
	r, err := Compute(tickets, Month(2025, 3), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	// Response: 1/4 on time, each miss 0.2×100/4 = 5 points. Resolution: 1
	// of 3 unresolved, 0.4×100/3. Satisfaction: 不满意 0.4×100/3, 基本满意
	// 0.2 × that.
	third := 40.0 / 3
	want := []struct {
		id     int64
		points float64
		reason string
	}{
		{2, 5 + 2*third, "先行联系超时 1.0 小时；回访未解决；回访不满意"},
		{3, 5 + 0.2*third, "先行联系超时 24.0 小时；回访基本满意"},
		{4, 5, "超时未先行联系"},
	}
	if len(r.Lost) != len(want) {
		t.Fatalf("%d lost tickets, want %d: %+v", len(r.Lost), len(want), r.Lost)
	}
	for i, w := range want {
		l := r.Lost[i]
		if l.ID != w.id || math.Abs(l.Points-w.points) > 1e-9 || l.Reason() != w.reason {
			t.Errorf("lost[%d] = %d %.4f %q, want %d %.4f %q", i, l.ID, l.Points, l.Reason(), w.id, w.points, w.reason)
		}
	}
	checkLostAddsUp(t, r)
}

func TestRanking(t *testing.T) {
	mk := func(id int64, unit string, onTime bool) core.Ticket {
		c := "03-01 11:00"
		if !onTime {
			c = "03-05 11:00"
		}
		x := tk(id, "03-01 10:00", c)
		x.Unit, x.Community = unit, ""
		return x
	}
	tickets := []core.Ticket{
		mk(1, "乙", true), mk(2, "乙", false), // 50
		mk(3, "甲", true), mk(4, "甲", false), // 50, ties 乙
		mk(5, "丙", true),  // 100
		mk(6, "丁", false), // 0
		// 戊: only an answered ticket without contact data, not dispatched: not scored
		with(tk(7, "03-01 10:00", ""), func(t *core.Ticket) { t.Unit = "戊"; t.Status = core.StatusReturned; t.Community = "" }),
		// 己: 2 of 3 = 66.666…; 庚: 2 of 3 too, equal after rounding.
		mk(8, "己", true), mk(9, "己", true), mk(10, "己", false),
		mk(11, "庚", true), mk(12, "庚", true), mk(13, "庚", false),
	}
	r, err := Compute(tickets, Month(2025, 3), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range r.Units {
		got = append(got, g.Name+":"+string(rune('0'+g.Rank)))
		if g.Scored && g.RankOf != 6 {
			t.Errorf("%s: RankOf %d, want 6", g.Name, g.RankOf)
		}
	}
	want := []string{"丙:1", "己:2", "庚:2", "乙:4", "甲:4", "丁:6", "戊:0"}
	if !slices.Equal(got, want) {
		t.Errorf("ranks = %v, want %v", got, want)
	}
	if len(r.Communities) != 0 {
		t.Errorf("communities %v, want none (tickets without community)", r.Communities)
	}
}

func TestHistory(t *testing.T) {
	tickets := []core.Ticket{
		tk(1, "01-10 10:00", "01-10 11:00"),
		tk(2, "03-10 10:00", "03-10 11:00"),
		tk(3, "03-10 10:00", "03-15 11:00"),
		with(tk(4, "03-10 10:00", "03-10 11:00"), func(t *core.Ticket) { t.Unit = "B" }),
		tk(5, "04-10 10:00", "04-10 11:00"), // after the period: ignored
	}
	cfg := DefaultConfig()
	cfg.History = 2
	r, err := Compute(tickets, Month(2025, 3), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Periods; !slices.Equal(got, []Period{Month(2025, 1), Month(2025, 2), Month(2025, 3)}) {
		t.Fatalf("periods %v", got)
	}
	s := r.Street.Series()
	if len(s) != 3 || s[0].Response.Den != 1 || s[1].Received != 0 || s[2].Received != 3 || s[1].Period != Month(2025, 2) {
		t.Errorf("street series %+v", s)
	}
	if s[0].Response.DenIDs != nil {
		t.Errorf("history keeps IDs")
	}
	var a *Group
	for i := range r.Units {
		if r.Units[i].Name == "A" {
			a = &r.Units[i]
		}
	}
	if a == nil || len(a.History) != 2 || a.History[0].Composite != 100 || a.History[0].Rank != 1 || a.History[1].Scored {
		t.Fatalf("unit A history %+v", a)
	}
	if d, ok := a.Change(); ok {
		t.Errorf("change against an empty month: %v", d)
	}
	if a.Rank != 2 || a.Composite != 50 || r.Units[0].Name != "B" {
		t.Errorf("unit A rank %d score %v", a.Rank, a.Composite)
	}
}

func TestComputeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Period
		cfg  func(*Config)
	}{
		{"zero period", Period{}, nil},
		{"month 13", Period{Monthly, 2025, 13}, nil},
		{"bad base", Month(2025, 1), func(c *Config) { c.ResponseBase = "x" }},
		{"bad basis", Month(2025, 1), func(c *Config) { c.PeriodBasis = "x" }},
		{"negative weight", Month(2025, 1), func(c *Config) { c.Weights.Response = -1 }},
		{"zero weights", Month(2025, 1), func(c *Config) { c.Weights = Weights{} }},
		{"basic satisfied above 1", Month(2025, 1), func(c *Config) { c.BasicSatisfied = 1.2 }},
		{"NaN", Month(2025, 1), func(c *Config) { c.BasicSatisfied = math.NaN() }},
		{"zero contact hours", Month(2025, 1), func(c *Config) { c.ContactHours = map[string]float64{"*": 0} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if _, err := Compute(nil, tc.p, cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestResultJSON: a web page may serve a Result as JSON.
func TestResultJSON(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ContactDeadline = DefaultContactDeadline
	r, err := Compute([]core.Ticket{tk(1, "03-01 10:00", "03-02 11:00")}, Month(2025, 3), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"Reason":"先行联系超时 1.0 小时"`) {
		t.Fatalf("%s, %v", b, err)
	}
}
