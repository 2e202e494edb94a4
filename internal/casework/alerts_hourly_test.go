package casework

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiceng/internal/alert"
	"jiceng/internal/core"
)

// hourlyStreet adds five weeks of urgent tickets before now's day:
// 望春园社区 one 城乡建设 ticket (加急) every morning at 10:00, 柳荫里社区
// one 环境保护 ticket (紧急) every afternoon at 15:00, and normal tickets
// at night that are not counted by hour; on now's day (Monday 03-03, now
// 10:00) 望春园社区 gets six urgent 城乡建设 tickets between 09:00 and
// 10:30 (a rise).
func hourlyStreet(t *testing.T, s *Service) {
	t.Helper()
	var ts []core.Ticket
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	for i := 1; i <= 35; i++ {
		day := day0.AddDate(0, 0, -i)
		ts = append(ts,
			core.Ticket{Number: fmt.Sprintf("HW%02d", i), ReceivedAt: day.Add(10 * time.Hour), Community: "望春园社区",
				Category1: "城乡建设", Urgency: core.UrgencyHurry, Title: "停水", Status: core.StatusClosed},
			core.Ticket{Number: fmt.Sprintf("HL%02d", i), ReceivedAt: day.Add(15 * time.Hour), Community: "柳荫里社区",
				Category1: "环境保护", Urgency: core.UrgencyEmergency, Title: "燃气味", Status: core.StatusClosed},
			core.Ticket{Number: fmt.Sprintf("HN%02d", i), ReceivedAt: day.Add(2 * time.Hour), Community: "柳荫里社区",
				Category1: "环境保护", Urgency: core.UrgencyNormal, Title: "夜间噪声", Status: core.StatusClosed})
	}
	for k, m := range []int{0, 5, 20, 40, 55, 90} {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("HX%d", k), ReceivedAt: day0.Add(9*time.Hour + time.Duration(m)*time.Minute),
			Community: "望春园社区", Category1: "城乡建设", Urgency: core.UrgencyEmergency, Title: "爆管", Status: core.StatusReceived})
	}
	if _, err := s.Store.UpsertTickets(context.Background(), ts, "import"); err != nil {
		t.Fatal(err)
	}
}

// TestHourlyAlerts: the rise of urgent tickets is an hourly alert on the
// boards that see its community, with its hours' evidence; the steady
// community's urgent tickets and the nights raise none; a dismissal
// removes it, apart from the daily alerts.
func TestHourlyAlerts(t *testing.T) {
	s, _, _ := newService(t)
	hourlyStreet(t, s)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	from, to := day0.AddDate(0, 0, -6), day0.AddDate(0, 0, 1)
	hourlyOf := func(user string) []RiskAlert {
		t.Helper()
		d, err := s.Dashboard(ctx, users[user], from, to)
		if err != nil {
			t.Fatal(err)
		}
		var out []RiskAlert
		for _, a := range d.Alerts {
			if a.Granularity == Hourly {
				out = append(out, a)
			} else if a.Granularity != Daily {
				t.Errorf("alert %+v: granularity %q", a, a.Granularity)
			}
		}
		return out
	}
	tests := []struct {
		user string
		want []string // community|category1 of the hourly alerts
	}{
		{"staff", []string{"望春园社区|城乡建设", "|城乡建设"}},
		{"leader", []string{"望春园社区|城乡建设", "|城乡建设"}},
		{"cw01", []string{"望春园社区|城乡建设"}},
		{"cw02", nil},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got := map[string]RiskAlert{}
			for _, a := range hourlyOf(tt.user) {
				got[a.Community+"|"+a.Category1] = a
			}
			if len(got) != len(tt.want) {
				t.Fatalf("hourly alerts %+v, want %v", got, tt.want)
			}
			for _, k := range tt.want {
				a, ok := got[k]
				if !ok {
					t.Fatalf("hourly alerts %+v, want %v", got, tt.want)
				}
				// now is 10:00: the last hour read is 10:00–11:00.
				if a.Hour.Before(day0.Add(9*time.Hour)) || a.Hour.After(day0.Add(10*time.Hour)) || !a.Day.Equal(day0) ||
					a.Hours < 1 || a.Observed < 4 || a.Expected >= 2 || a.Detector != "Hourly" || a.Severity != "高" {
					t.Errorf("%s: %+v, want the rise of 09:00–10:00 on 03-03, severity 高", k, a)
				}
			}
		})
	}
	// A dismissal of the community's hourly alert removes it (and raises
	// its threshold); the street's stays.
	a := hourlyOf("staff")[0]
	if a.Community == "" {
		a = hourlyOf("staff")[1]
	}
	st := core.AlertState{Community: a.Community, Category1: a.Category1, Day: a.Day, Hourly: true, Hour: a.Hour.Hour(), State: core.AlertDismissed}
	if err := s.SetAlertState(ctx, users["cw01"], st); err != nil {
		t.Fatal(err)
	}
	left := hourlyOf("staff")
	if len(left) != 1 || left[0].Community != "" {
		t.Errorf("after the dismissal: %+v, want the street's alone", left)
	}
	for _, bad := range []core.AlertState{
		{Community: "望春园社区", Category1: "城乡建设", Day: day0, Hourly: true, Hour: 24, State: core.AlertAcknowledged},
		{Community: "望春园社区", Tag: "停水", Day: day0, Hourly: true, Hour: 9, State: core.AlertAcknowledged},
		{Community: "望春园社区", Category1: "城乡建设", Tag: "停水", Day: day0, State: core.AlertAcknowledged},
	} {
		if err := s.SetAlertState(ctx, users["staff"], bad); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", bad, err)
		}
	}
}

// TestHourlyEnd: the hours the board reads end with now's hour when the
// period reaches today, else with the period.
func TestHourlyEnd(t *testing.T) {
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	tests := []struct {
		name string
		now  time.Time
		to   time.Time
		want time.Time
	}{
		{"today", day0.Add(10*time.Hour + 5*time.Minute), day0.AddDate(0, 0, 1), day0.Add(11 * time.Hour)},
		{"a past period", day0.Add(10 * time.Hour), day0.AddDate(0, 0, -3), day0.AddDate(0, 0, -3)},
		{"the last hour of the day", day0.Add(23*time.Hour + 59*time.Minute), day0.AddDate(0, 0, 1), day0.AddDate(0, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hourlyEnd(tt.now, core.StreetDay(tt.to)); !got.Equal(tt.want) {
				t.Errorf("hourlyEnd = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHourlyRiskAlerts: on constructed series, a spike is listed and a
// normal night is not; the series' dismissals raise its threshold.
func TestHourlyRiskAlerts(t *testing.T) {
	start := time.Date(2025, 2, 1, 0, 0, 0, 0, core.StreetTime)
	n := 30 * 24
	steady := func() []float64 { // one ticket at 10:00 every day
		sr := make([]float64, n)
		for i := 10; i < n; i += 24 {
			sr[i] = 1
		}
		return sr
	}
	shape := make([]float64, n)
	for i := range shape {
		shape[i] = 1
	}
	tests := []struct {
		name   string
		last   []float64 // the series' last hours (its day's 24−len(last) o'clock on)
		states int       // dismissals of the series
		want   bool
	}{
		{"a spike of 5 in the last hour", []float64{5}, 0, true},
		{"a normal night", []float64{0, 0, 0, 0, 0, 0, 0, 0}, 0, false},
		{"a normal day", nil, 0, false},
		{"a spike of 5 dismissed four times", []float64{5}, 4, true},
		{"3 in three hours", []float64{1, 1, 1}, 0, true},
		{"3 in three hours, dismissed four times", []float64{1, 1, 1}, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := steady()
			copy(sr[n-len(tt.last):], tt.last)
			var states []core.AlertState
			for i := range tt.states {
				states = append(states, core.AlertState{Community: "甲社区", Category1: "城乡建设", Day: start.AddDate(0, 0, i), Hourly: true, Hour: 10, State: core.AlertDismissed},
					core.AlertState{Community: "甲社区", Category1: "城乡建设", Day: start.AddDate(0, 0, i), State: core.AlertDismissed}) // a daily one: not counted
			}
			got := hourlyRiskAlerts(alert.NewHourly(), map[seriesKey][]float64{{"甲社区", "城乡建设"}: sr}, shape, start, nil, states)
			if (len(got) == 1) != tt.want {
				t.Fatalf("alerts %+v, want one: %v", got, tt.want)
			}
			if tt.want && got[0].Threshold < 2.3+0.5*float64(tt.states)-0.01 {
				t.Errorf("threshold %.2f after %d dismissals", got[0].Threshold, tt.states)
			}
		})
	}
}
