package storetest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"jiceng/internal/core"
)

// recount counts the stored tickets as the pre-aggregated counts should.
func recount(t *testing.T, s core.Store) (days, hours, urgent map[string]int) {
	t.Helper()
	days, hours, urgent = map[string]int{}, map[string]int{}, map[string]int{}
	err := s.EachTicket(context.Background(), core.TicketFilter{}, func(tk core.Ticket) error {
		if tk.ReceivedAt.IsZero() {
			return nil
		}
		at := tk.ReceivedAt.In(core.StreetTime)
		day := at.Format(time.DateOnly)
		days[fmt.Sprintf("%s|%s|%s|%s", day, tk.Community, tk.Category1, tk.Category2)]++
		hours[fmt.Sprintf("%d|%02d|%s", (int(at.Weekday())+6)%7, at.Hour(), tk.Community)]++
		if core.UrgentHourly(tk.Urgency) {
			urgent[fmt.Sprintf("%s %02d|%s|%s", day, at.Hour(), tk.Community, tk.Category1)]++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("EachTicket: %v", err)
	}
	return days, hours, urgent
}

// storedUrgent reads the hourly counts of urgent tickets as recount keys
// them; nil when s keeps none.
func storedUrgent(t *testing.T, s core.Store, q core.CountQuery) map[string]int {
	t.Helper()
	us, ok := s.(core.UrgentCountStore)
	if !ok {
		return nil
	}
	q.By = core.ByCommunity | core.ByCategory1
	rows, err := us.UrgentHourCounts(context.Background(), q)
	if err != nil {
		t.Fatalf("UrgentHourCounts: %v", err)
	}
	out := map[string]int{}
	for _, c := range rows {
		if c.Hour.Location() != core.StreetTime || c.Hour.Minute() != 0 || c.N == 0 {
			t.Errorf("urgent hour count %+v: want a non-zero count at the hour's start in street time", c)
		}
		out[fmt.Sprintf("%s %02d|%s|%s", c.Hour.Format(time.DateOnly), c.Hour.Hour(), c.Community, c.Category1)] += c.N
	}
	return out
}

// readCounts reads q's day and hour counts.
func readCounts(t *testing.T, s core.Store, q core.CountQuery) ([]core.DayCount, []core.HourCount) {
	t.Helper()
	ctx := context.Background()
	dc, err := s.DayCounts(ctx, q)
	if err != nil {
		t.Fatalf("DayCounts: %v", err)
	}
	hc, err := s.HourCounts(ctx, q)
	if err != nil {
		t.Fatalf("HourCounts: %v", err)
	}
	return dc, hc
}

func storedCounts(t *testing.T, s core.Store, q core.CountQuery) (days, hours map[string]int) {
	t.Helper()
	dc, hc := readCounts(t, s, q)
	days, hours = map[string]int{}, map[string]int{}
	for _, c := range dc {
		if c.Day.Location() != core.StreetTime || c.Day.Hour() != 0 || c.N == 0 {
			t.Errorf("day count %+v: want a non-zero count at 00:00 street time", c)
		}
		days[fmt.Sprintf("%s|%s|%s|%s", c.Day.Format(time.DateOnly), c.Community, c.Category1, c.Category2)] += c.N
	}
	for _, c := range hc {
		hours[fmt.Sprintf("%d|%02d|%s", c.Weekday, c.Hour, c.Community)] += c.N
	}
	return days, hours
}

var allDays = core.CountQuery{From: time.Date(2000, 1, 1, 0, 0, 0, 0, core.StreetTime), To: time.Date(2100, 1, 1, 0, 0, 0, 0, core.StreetTime), By: core.ByAll}

func checkCounts(t *testing.T, s core.Store, step string) {
	t.Helper()
	wd, wh, wu := recount(t, s)
	gd, gh := storedCounts(t, s, allDays)
	if gu := storedUrgent(t, s, allDays); gu != nil && !maps.Equal(gu, wu) {
		t.Errorf("%s: urgent hour counts\n%v\nwant\n%v", step, gu, wu)
	}
	if !maps.Equal(gd, wd) {
		t.Errorf("%s: day counts\n%v\nwant (a count of the tickets)\n%v", step, gd, wd)
	}
	if !maps.Equal(gh, wh) {
		t.Errorf("%s: hour counts\n%v\nwant\n%v", step, gh, wh)
	}
	checkMonths(t, s, step)
}

// checkMonths checks the sums over ranges that hold whole months (which
// stores may read from monthly rollups) and ranges that do not against a
// count of the tickets of their days.
func checkMonths(t *testing.T, s core.Store, step string) {
	t.Helper()
	ctx := context.Background()
	day := func(v string) time.Time {
		tm, err := time.ParseInLocation(time.DateOnly, v, core.StreetTime)
		if err != nil {
			panic(err)
		}
		return tm
	}
	for _, r := range [][2]string{
		{"2000-01-01", "2100-01-01"}, // whole months only
		{"2025-02-20", "2025-04-05"}, // days, a month, days
		{"2025-03-02", "2025-06-01"}, // days, then months
		{"2025-01-01", "2025-03-03"}, // months, then days
		{"2025-03-02", "2025-03-04"}, // days inside a month
	} {
		from, to := day(r[0]), day(r[1])
		wd, wh := map[string]int{}, map[string]int{}
		err := s.EachTicket(ctx, core.TicketFilter{}, func(tk core.Ticket) error {
			at := tk.ReceivedAt.In(core.StreetTime)
			if tk.ReceivedAt.IsZero() || at.Before(from) || !at.Before(to) {
				return nil
			}
			wd[tk.Community+"|"+tk.Category1]++
			wh[fmt.Sprintf("%d|%02d|%s", (int(at.Weekday())+6)%7, at.Hour(), tk.Community)]++
			return nil
		})
		if err != nil {
			t.Fatalf("EachTicket: %v", err)
		}
		dc, hc := readCounts(t, s, core.CountQuery{From: from, To: to, By: core.ByCommunity | core.ByCategory1})
		gd, gh := map[string]int{}, map[string]int{}
		for _, c := range dc {
			gd[c.Community+"|"+c.Category1] += c.N
		}
		for _, c := range hc {
			gh[fmt.Sprintf("%d|%02d|%s", c.Weekday, c.Hour, c.Community)] += c.N
		}
		if !maps.Equal(gd, wd) || !maps.Equal(gh, wh) {
			t.Errorf("%s: %s..%s: by community and category %v, by hour %v; want %v and %v", step, r[0], r[1], gd, gh, wd, wh)
		}
	}
}

// testDayCounts checks that the pre-aggregated counts equal a count of the
// tickets after every kind of write, and the queries' day range and
// community filter.
func testDayCounts(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	at := func(s string) time.Time { // street time
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, core.StreetTime)
		if err != nil {
			panic(err)
		}
		return tm
	}
	mk := func(n, when, community, c1, c2 string) core.Ticket {
		tk := ticket(n, 0)
		tk.ReceivedAt, tk.Community, tk.Category1, tk.Category2 = at(when), community, c1, c2
		tk.Urgency = core.UrgencyEmergency // counted by hour too
		return tk
	}
	a1 := mk("D1", "2025-03-01 23:59", "东风社区", "城乡建设", "物业管理")
	a2 := mk("D2", "2025-03-02 00:00", "东风社区", "城乡建设", "物业管理")
	a3 := mk("D3", "2025-03-02 08:30", "东风社区", "环境保护", "噪声污染")
	a4 := mk("D4", "2025-03-02 08:45", "红旗社区", "城乡建设", "物业管理")
	a5 := mk("D5", "2025-03-03 14:00", "", "", "")
	a5.Urgency = core.UrgencyNormal
	noTime := mk("D6", "2025-03-03 14:00", "红旗社区", "城乡建设", "")
	noTime.ReceivedAt = time.Time{}
	upsert(t, s, "import", a1, a2, a3, a4, a5, noTime)
	checkCounts(t, s, "created")

	// Updates: a community, a category, a receipt time moved to another
	// day; one ticket unchanged; one changed in a field not counted.
	a1.Community = "红旗社区"
	a2.Category2 = "房屋质量"
	a3.ReceivedAt = at("2025-03-05 10:00")
	a4.Title = "新的标题"
	c.Advance(time.Hour)
	upsert(t, s, "import", a1, a2, a3, a4, a5)
	checkCounts(t, s, "updated")

	// Urgency alone: a ticket becomes urgent, another stops being.
	a5.Urgency, a2.Urgency = core.UrgencyHurry, core.UrgencyComplex
	c.Advance(time.Hour)
	upsert(t, s, "import", a2, a5)
	checkCounts(t, s, "urgency")

	// A transition that reclassifies.
	id := byNumber(t, s, "D4").ID
	if _, _, err := s.Transition(ctx, id, core.Transition{Action: core.ActionDispatch, Actor: "staff", At: c.Now()},
		func(tk *core.Ticket, w *core.Workflow) error {
			tk.Status, tk.Unit, tk.Category1, tk.Category2 = core.StatusDispatched, "城管科", "环境保护", "噪声污染"
			tk.Urgency = core.UrgencyHurry
			return nil
		}); err != nil {
		t.Fatalf("Transition: %v", err)
	}
	checkCounts(t, s, "transition")

	// Tickets created with their history.
	if hs, ok := s.(core.HistoryStore); ok {
		h := historyOf("D7", 0)
		h.Ticket.ReceivedAt, h.Ticket.Community, h.Ticket.Category1 = at("2025-03-02 09:00"), "东风社区", "城乡建设"
		h.Ticket.Urgency = core.UrgencyEmergency
		if _, err := hs.CreateWithHistory(ctx, []core.TicketHistory{h}); err != nil {
			t.Fatalf("CreateWithHistory: %v", err)
		}
		checkCounts(t, s, "history")
	}

	// The day range (From inclusive, To exclusive, as street days) and the
	// communities.
	tests := []struct {
		name string
		q    core.CountQuery
		want int // tickets counted
	}{
		{"one day", core.CountQuery{From: at("2025-03-02 00:00"), To: at("2025-03-03 00:00"), By: core.ByAll}, 2},
		{"times inside the days count as their days", core.CountQuery{From: at("2025-03-01 18:00"), To: at("2025-03-02 01:00"), By: core.ByAll}, 1},
		{"one community", core.CountQuery{From: allDays.From, To: allDays.To, Communities: []string{"东风社区"}, By: core.ByAll}, 2},
		{"two communities", core.CountQuery{From: allDays.From, To: allDays.To, Communities: []string{"东风社区", "红旗社区"}, By: core.ByAll}, 4},
		{"no community allowed", core.CountQuery{From: allDays.From, To: allDays.To, Communities: []string{}, By: core.ByAll}, 0},
		{"an empty range", core.CountQuery{From: at("2025-03-02 00:00"), To: at("2025-03-02 00:00"), By: core.ByAll}, 0},
	}
	_, hist := s.(core.HistoryStore)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if hist && (tt.name == "one day" || tt.name == "one community" || tt.name == "two communities") {
				want++ // D7
			}
			days, hours := storedCounts(t, s, tt.q)
			nd, nh := 0, 0
			for _, n := range days {
				nd += n
			}
			for _, n := range hours {
				nh += n
			}
			if nd != want || nh != want {
				t.Errorf("%d tickets by day, %d by hour, want %d", nd, nh, want)
			}
		})
	}

	// Every grouping sums the rows of the finest one.
	fine, err := s.DayCounts(ctx, allDays)
	if err != nil {
		t.Fatal(err)
	}
	for by := core.CountBy(0); by <= core.ByAll; by++ {
		want := map[core.DayCount]int{}
		for _, r := range fine {
			k := core.DayCount{}
			if by&core.ByDay != 0 {
				k.Day = r.Day
			}
			if by&core.ByCommunity != 0 {
				k.Community = r.Community
			}
			if by&core.ByCategory1 != 0 {
				k.Category1 = r.Category1
			}
			if by&core.ByCategory2 != 0 {
				k.Category2 = r.Category2
			}
			want[k] += r.N
		}
		q := allDays
		q.By = by
		rows, err := s.DayCounts(ctx, q)
		if err != nil {
			t.Fatalf("DayCounts by %v: %v", core.CountColumns(by), err)
		}
		got := map[core.DayCount]int{}
		for _, r := range rows {
			n := r.N
			r.N = 0
			if !r.Day.IsZero() {
				r.Day = r.Day.In(core.StreetTime)
			}
			got[r] += n
		}
		norm := map[core.DayCount]int{}
		for k, n := range want {
			if !k.Day.IsZero() {
				k.Day = k.Day.In(core.StreetTime)
			}
			norm[k] += n
		}
		if !maps.Equal(got, norm) {
			t.Errorf("by %v: %v, want %v", core.CountColumns(by), got, norm)
		}
	}
}
