package casework

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

// dashboardStreet adds 120 days of tickets before now to the test street:
// 望春园社区 gets 2–4 城乡建设 tickets a day and 15 on now's day (a rise),
// 柳荫里社区 2 环境保护 tickets every day.
func dashboardStreet(t *testing.T, s *Service) {
	t.Helper()
	var ts []core.Ticket
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	for i := 1; i <= 120; i++ {
		day := day0.AddDate(0, 0, -i)
		for k := 0; k < 2+i%3; k++ {
			ts = append(ts, core.Ticket{Number: fmt.Sprintf("W%03d-%d", i, k), ReceivedAt: day.Add(time.Duration(9*60+k) * time.Minute),
				Community: "望春园社区", Category1: "城乡建设", Title: "物业", Status: core.StatusClosed})
		}
		for k := 0; k < 2; k++ {
			ts = append(ts, core.Ticket{Number: fmt.Sprintf("L%03d-%d", i, k), ReceivedAt: day.Add(time.Duration(14*60+k) * time.Minute),
				Community: "柳荫里社区", Category1: "环境保护", Title: "噪声", Status: core.StatusClosed})
		}
	}
	for k := 0; k < 15; k++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("WX-%d", k), ReceivedAt: day0.Add(time.Duration(8*60+k) * time.Minute),
			Community: "望春园社区", Category1: "城乡建设", Title: "电梯", Status: core.StatusReceived})
	}
	if _, err := s.Store.UpsertTickets(context.Background(), ts, "import"); err != nil {
		t.Fatal(err)
	}
}

func TestDashboard(t *testing.T) {
	s, _, _ := newService(t)
	dashboardStreet(t, s)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	from, to := day0.AddDate(0, 0, -6), day0.AddDate(0, 0, 1) // the week to Monday 03-03
	// The week: 望春园 has 15 + the 3 test tickets on 03-03 and 2–4 a day
	// before; 柳荫里 2 a day and T2 on 03-03.
	wangWeek, liuWeek := 15+2, 2*6+1
	for i := 1; i <= 6; i++ {
		wangWeek += 2 + i%3
	}
	tests := []struct {
		user      string
		code      string
		community string
		total     int
	}{
		{"admin", "", "", wangWeek + liuWeek},
		{"leader", "", "", wangWeek + liuWeek},
		{"staff", "", "", wangWeek + liuWeek},
		{"cw01", "", "望春园社区", wangWeek},
		{"cw02", "", "柳荫里社区", liuWeek},
		{"hd01", core.EFORBIDDEN, "", 0},
		{"hdNone", core.EFORBIDDEN, "", 0},
		{"resident", core.EFORBIDDEN, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			d, err := s.Dashboard(ctx, users[tt.user], from, to)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if d.Community != tt.community || d.Total != tt.total {
				t.Errorf("community %q total %d, want %q %d", d.Community, d.Total, tt.community, tt.total)
			}
			sum := 0
			for _, p := range d.Days {
				sum += p.N
			}
			heat := 0
			for _, row := range d.Heat {
				for _, n := range row {
					heat += n
				}
			}
			if len(d.Days) != 7 || sum != d.Total || heat != d.Total {
				t.Errorf("%d days summing to %d, heat map %d; want 7 days, both %d", len(d.Days), sum, heat, d.Total)
			}
			for _, sh := range d.Communities {
				if tt.community != "" && sh.Name != tt.community {
					t.Errorf("community %q on the board of %s", sh.Name, tt.community)
				}
			}
			var rise bool
			for _, a := range d.Alerts {
				if a.Community == "柳荫里社区" {
					t.Errorf("alert on the steady community: %+v", a)
				}
				if a.Community == "望春园社区" && a.Category1 == "城乡建设" && a.Day.Equal(day0) && a.Severity == "高" {
					rise = true
				}
			}
			if tt.community != "柳荫里社区" && !rise {
				t.Errorf("alerts %+v, want 望春园社区 城乡建设 on 03-03, severity 高", d.Alerts)
			}
		})
	}

	d, err := s.Dashboard(ctx, users["staff"], from, to)
	if err != nil {
		t.Fatal(err)
	}
	prev := 0
	for i := 7; i <= 13; i++ { // the week before: days 7–13 before 03-03
		prev += 2 + i%3 + 2
	}
	if d.Previous != prev {
		t.Errorf("previous week %d, want %d", d.Previous, prev)
	}
	if d.LastYear != 0 {
		t.Errorf("a year before: %d, want 0 (no tickets then)", d.LastYear)
	}
	// A week 52 weeks after the street's first tickets reads them as its
	// year before, weekday by weekday.
	later := from.AddDate(0, 0, 364)
	ly, err := s.Dashboard(ctx, users["staff"], later, later.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	if ly.LastYear != d.Total || ly.Days[6].LastYear != d.Days[6].N {
		t.Errorf("year before %d (last day %d), want %d (%d)", ly.LastYear, ly.Days[6].LastYear, d.Total, d.Days[6].N)
	}
	if d.Heat[0][8] != 15 || d.Categories[0].Name != "城乡建设" {
		t.Errorf("Monday 08:00 has %d, want the 15; categories %+v", d.Heat[0][8], d.Categories)
	}
	for _, bad := range [][2]time.Time{{to, from}, {from, from}, {from.AddDate(-3, 0, 0), to}} {
		if _, err := s.Dashboard(ctx, users["staff"], bad[0], bad[1]); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("period %v–%v: %v, want EINVALID", bad[0], bad[1], err)
		}
	}
}

// TestAlertDecisions: a dismissed alert is no longer listed and raises its
// series' threshold; an acknowledged one stays with who acknowledged it;
// a community worker decides on their community's alerts only.
func TestAlertDecisions(t *testing.T) {
	s, _, _ := newService(t)
	dashboardStreet(t, s)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	from, to := day0.AddDate(0, 0, -6), day0.AddDate(0, 0, 1)
	rise := core.AlertState{Community: "望春园社区", Category1: "城乡建设", Day: day0}
	find := func(user string) *RiskAlert {
		d, err := s.Dashboard(ctx, users[user], from, to)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range d.Alerts {
			if a.Community == rise.Community && a.Category1 == rise.Category1 {
				return &a
			}
		}
		return nil
	}
	if a := find("staff"); a == nil || a.State != "" || a.Threshold != 1.75 {
		t.Fatalf("before: %+v", a)
	}
	tests := []struct {
		user, community, state, code string
	}{
		{"cw02", "望春园社区", core.AlertAcknowledged, core.EFORBIDDEN}, // another community's
		{"hd01", "望春园社区", core.AlertAcknowledged, core.EFORBIDDEN},
		{"staff", "望春园社区", "closed", core.EINVALID},
		{"cw01", "望春园社区", core.AlertAcknowledged, ""},
	}
	for _, tt := range tests {
		st := rise
		st.Community, st.State = tt.community, tt.state
		if err := s.SetAlertState(ctx, users[tt.user], st); core.ErrorCode(err) != tt.code {
			t.Errorf("%s %s: %v, want %q", tt.user, tt.state, err, tt.code)
		}
	}
	if a := find("staff"); a == nil || a.State != core.AlertAcknowledged || a.StateBy != "cw01" {
		t.Fatalf("acknowledged: %+v", a)
	}
	st := rise
	st.State = core.AlertDismissed
	if err := s.SetAlertState(ctx, users["staff"], st); err != nil {
		t.Fatal(err)
	}
	if a := find("staff"); a != nil {
		t.Errorf("dismissed, still listed: %+v", a)
	}
	// A dismissal raises the threshold of its series.
	series := map[seriesKey][]float64{{"望春园社区", "城乡建设"}: make([]float64, alertHistory)}
	got := riskAlerts(series, core.StreetDay(to)-alertHistory, nil, []core.AlertState{st, st})
	if len(got) != 0 {
		t.Errorf("alerts on an empty series: %+v", got)
	}
	for i := range series[seriesKey{"望春园社区", "城乡建设"}] {
		series[seriesKey{"望春园社区", "城乡建设"}][i] = float64(2 + i%3)
	}
	series[seriesKey{"望春园社区", "城乡建设"}][alertHistory-1] = 30
	if got := riskAlerts(series, core.StreetDay(to)-alertHistory, nil, []core.AlertState{{Community: "望春园社区", Category1: "城乡建设", Day: day0.AddDate(0, 0, -30), State: core.AlertDismissed}}); len(got) != 1 || got[0].Threshold != 2.25 {
		t.Errorf("after one dismissal: %+v, want the rise at threshold 2.25", got)
	}
}

// TestSpaceClusters: a rise shared by two neighbouring communities over the
// last three days is a cluster of the two; steady counts are none.
func TestSpaceClusters(t *testing.T) {
	names := []string{"甲社区", "乙社区", "丙社区", "丁社区", "戊社区"} // in a row, 甲 to 戊
	near := map[string][]string{}
	for i, n := range names {
		order := slices.Clone(names)
		slices.SortStableFunc(order, func(a, b string) int {
			return abs(slices.Index(names, a)-i) - abs(slices.Index(names, b)-i)
		})
		near[n] = order
	}
	steady := func() map[seriesKey][]float64 {
		m := map[seriesKey][]float64{}
		for i, n := range names {
			sr := make([]float64, alertHistory)
			for d := range sr {
				sr[d] = float64(3 + (d+i)%3)
			}
			m[seriesKey{n, "城乡建设"}] = sr
		}
		return m
	}
	if got := spaceClusters(steady(), near, 20000); len(got) != 0 {
		t.Errorf("steady counts: %+v", got)
	}
	rise := steady()
	for _, n := range []string{"丙社区", "丁社区"} {
		sr := rise[seriesKey{n, "城乡建设"}]
		for d := alertHistory - 3; d < alertHistory; d++ {
			sr[d] += 8
		}
	}
	got := spaceClusters(rise, near, 20000)
	if len(got) == 0 {
		t.Fatal("no cluster")
	}
	c := got[0]
	slices.Sort(c.Communities)
	if !slices.Equal(c.Communities, []string{"丁社区", "丙社区"}) || c.P >= 0.05 || c.To.Sub(c.From) > 4*24*time.Hour {
		t.Errorf("cluster %+v, want 丙社区 and 丁社区 over about the last 3 days", c)
	}
	if got := spaceClusters(rise, nil, 20000); got != nil {
		t.Errorf("without boundaries: %+v", got)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestDashboardPeriods checks the figures of periods short and long (read
// from the alerts' rows, from the day counts, from the monthly rollups)
// against a count of the tickets.
func TestDashboardPeriods(t *testing.T) {
	s, _, _ := newService(t)
	dashboardStreet(t, s)
	ctx := context.Background()
	end := time.Date(2025, 3, 4, 0, 0, 0, 0, core.StreetTime)
	for _, user := range []string{"staff", "cw01"} {
		for _, days := range []int{1, 30, 70, 71, 200, 400} {
			t.Run(fmt.Sprintf("%s %d days", user, days), func(t *testing.T) {
				from := end.AddDate(0, 0, -days)
				d, err := s.Dashboard(ctx, users[user], from, end)
				if err != nil {
					t.Fatal(err)
				}
				fromDay, toDay := core.StreetDay(from), core.StreetDay(end)
				want := Dashboard{Days: make([]DayPoint, days)}
				for i := range want.Days {
					want.Days[i].Day = core.DayStart(fromDay + i)
				}
				cats, coms := map[string]*Share{}, map[string]*Share{}
				share := func(m map[string]*Share, name string) *Share {
					if m[name] == nil {
						m[name] = &Share{Name: name}
					}
					return m[name]
				}
				err = s.Store.EachTicket(ctx, core.TicketFilter{}, func(tk core.Ticket) error {
					if tk.ReceivedAt.IsZero() || d.Community != "" && tk.Community != d.Community {
						return nil
					}
					day := core.StreetDay(tk.ReceivedAt)
					if day >= fromDay && day < toDay {
						want.Total++
						want.Days[day-fromDay].N++
						share(cats, tk.Category1).N++
						share(coms, tk.Community).N++
						at := tk.ReceivedAt.In(core.StreetTime)
						want.Heat[(int(at.Weekday())+6)%7][at.Hour()]++
					}
					if day >= fromDay-days && day < fromDay {
						want.Previous++
						share(cats, tk.Category1).Previous++
						share(coms, tk.Community).Previous++
					}
					if ly := day + 364; ly >= fromDay && ly < toDay {
						want.LastYear++
						want.Days[ly-fromDay].LastYear++
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				want.Categories, want.Communities = sortShares(cats), sortShares(coms)
				if d.Total != want.Total || d.Previous != want.Previous || d.LastYear != want.LastYear {
					t.Errorf("total, previous, last year %d %d %d; want %d %d %d", d.Total, d.Previous, d.LastYear, want.Total, want.Previous, want.LastYear)
				}
				for i := range want.Days {
					if g, w := d.Days[i], want.Days[i]; !g.Day.Equal(w.Day) || g.N != w.N || g.LastYear != w.LastYear {
						t.Errorf("day %d: %+v, want %+v", i, g, w)
					}
				}
				if fmt.Sprint(d.Categories) != fmt.Sprint(want.Categories) || fmt.Sprint(d.Communities) != fmt.Sprint(want.Communities) {
					t.Errorf("categories %v, communities %v; want %v, %v", d.Categories, d.Communities, want.Categories, want.Communities)
				}
				if d.Heat != want.Heat {
					t.Errorf("heat map %v, want %v", d.Heat, want.Heat)
				}
			})
		}
	}
}
