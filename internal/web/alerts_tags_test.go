package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/hot"
)

// hourlyAndTagStreet adds to the fixture street, before its now (Saturday
// 03-01 10:00): 柳荫里社区 one urgent 环境保护 ticket every morning for five
// weeks and six on 03-01 between 09:00 and 10:00 (an hourly rise);
// 望春园社区 one ticket a day naming the tag 电梯故障 by an alias for 60 days
// and eight on 03-01 (a tag's rise).
func hourlyAndTagStreet(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	tags := []hot.Tag{{Name: "电梯故障", Aliases: []string{"电梯坏了"}}, {Name: "噪声扰民"}}
	if _, err := f.store.PutSetting(ctx, core.SettingTags, hot.WriteTags(tags), "tags.csv", "staff", fixedNow); err != nil {
		t.Fatal(err)
	}
	day0 := at("2025-03-01 00:00")
	var ts []core.Ticket
	for i := 1; i <= 35; i++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("HU%02d", i), ReceivedAt: day0.AddDate(0, 0, -i).Add(10 * time.Hour),
			Community: "柳荫里社区", Category1: "环境保护", Urgency: core.UrgencyHurry, Title: "异味", Status: core.StatusClosed})
	}
	for k, m := range []int{0, 10, 25, 40, 50, 55} {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("HUX%d", k), ReceivedAt: day0.Add(9*time.Hour + time.Duration(m)*time.Minute),
			Community: "柳荫里社区", Category1: "环境保护", Urgency: core.UrgencyEmergency, Title: "楼里有燃气味", Status: core.StatusReceived})
	}
	for i := 1; i <= 60; i++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("TG%02d", i), ReceivedAt: day0.AddDate(0, 0, -i).Add(15 * time.Hour),
			Community: "望春园社区", Category1: "城乡建设", Title: "报修", Content: "电梯坏了", Status: core.StatusClosed})
	}
	for k := range 8 {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("TGX%d", k), ReceivedAt: day0.Add(8*time.Hour + time.Duration(k)*time.Minute),
			Community: "望春园社区", Category1: "城乡建设", Title: "电梯坏了", Status: core.StatusReceived})
	}
	if _, err := f.store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
}

// TestHourlyAndTagAlerts: the board lists the hourly rise of urgent tickets
// and the tag's rise in the scope of each user (a community worker sees
// their community's alone); tag alerts are computed behind the first
// request; an hourly alert is dismissed by its hour.
func TestHourlyAndTagAlerts(t *testing.T) {
	f := newFixture(t)
	hourlyAndTagStreet(t, f)
	ctx := context.Background()
	staff := f.login(t, "staff")
	// The first request starts the tag alerts' computation and says so.
	first := decode[dashboardJSON](t, f.get(t, staff, "/api/v1/dashboard"))
	if !first.TagAlertsPending {
		t.Error("the first board does not say its tag alerts are being computed")
	}
	to := at("2025-03-02 00:00")
	for _, name := range []string{"staff", "cw01", "leader"} {
		u, err := f.store.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.server.tagAlertsWait(ctx, u, to); err != nil { // waits for the computation behind
			t.Fatal(err)
		}
	}
	tests := []struct {
		user string
		want []string // community|category1|tag|granularity
	}{
		{"staff", []string{"柳荫里社区|环境保护||小时", "|环境保护||小时", "望春园社区||电梯故障|日", "||电梯故障|日"}},
		{"leader", []string{"柳荫里社区|环境保护||小时", "|环境保护||小时", "望春园社区||电梯故障|日", "||电梯故障|日"}},
		{"cw01", []string{"望春园社区||电梯故障|日"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			d := decode[dashboardJSON](t, f.get(t, f.login(t, tt.user), "/api/v1/dashboard"))
			if d.TagAlertsPending {
				t.Error("tag alerts still pending")
			}
			var got []string
			for _, a := range d.Alerts {
				if a.Granularity == "小时" || a.Tag != "" {
					got = append(got, a.Community+"|"+a.Category1+"|"+a.Tag+"|"+a.Granularity)
				}
				switch {
				case a.Granularity == "小时" && (a.Hour == "" || a.Hours < 1 || a.Observed < 5 || a.Day != "2025-03-01" ||
					!strings.HasPrefix(a.When, "2025-03-01 ") || !strings.Contains(a.Tickets, "category1=")):
					t.Errorf("hourly alert %+v: want its hours and the day's tickets", a)
				case a.Tag != "" && (a.Observed != 8 || !strings.Contains(a.Tickets, "q=")):
					t.Errorf("tag alert %+v: want the 8 tickets of 03-01 and a keyword link", a)
				}
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("alerts %v, want %v", got, want)
			}
		})
	}
	// The page lists them.
	page := string(f.get(t, staff, "/dashboard").body)
	part := page[strings.Index(page, `id="alerts"`):]
	for _, want := range []string{"标签：电梯故障", "<td>小时</td>", `name="hour" value="`, `name="tag" value="电梯故障"`} {
		if !strings.Contains(part, want) {
			t.Errorf("the alert list lacks %q", want)
		}
	}
	// A dismissal of the hourly alert by its hour.
	var hourly riskAlertJSON
	for _, a := range first.Alerts {
		if a.Granularity == "小时" && a.Community != "" {
			hourly = a
		}
	}
	body := fmt.Sprintf(`{"community": %q, "category1": %q, "day": %q, "hour": %q, "state": "dismissed"}`,
		hourly.Community, hourly.Category1, hourly.Day, hourly.Hour)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/alerts", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if r := do(t, staff, req); r.status != http.StatusOK {
		t.Fatalf("dismiss %s: %d %s", body, r.status, r.body)
	}
	d := decode[dashboardJSON](t, f.get(t, staff, "/api/v1/dashboard"))
	for _, a := range d.Alerts {
		if a.Granularity == "小时" && a.Community == hourly.Community {
			t.Errorf("dismissed, still listed: %+v", a)
		}
	}
	for _, bad := range []string{`{"community": "柳荫里社区", "category1": "环境保护", "day": "2025-03-01", "hour": "25:00", "state": "ack"}`,
		`{"community": "柳荫里社区", "tag": "电梯故障", "category1": "环境保护", "day": "2025-03-01", "state": "ack"}`} {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/alerts", strings.NewReader(bad))
		req.Header.Set("Content-Type", "application/json")
		if r := do(t, staff, req); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.status)
		}
	}
}

// BenchmarkBoardWithTags times what the tag alerts add to a warm board's
// request: the scope, the library's version, the cache and the merge.
//
//	go test ./internal/web -run XXX -bench BoardWithTags
func BenchmarkBoardWithTags(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for _, name := range []string{"staff", "cw01"} {
		b.Run(name, func(b *testing.B) {
			u, err := f.store.UserByUsername(ctx, name)
			if err != nil {
				b.Fatal(err)
			}
			p := principal{User: u}
			d := casework.Dashboard{To: at("2025-03-02 00:00")}
			if _, err := f.server.tagAlertsWait(ctx, u, d.To); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, pending, err := f.server.boardWithTags(ctx, p, d); err != nil || pending {
					b.Fatalf("pending %v, %v", pending, err)
				}
			}
		})
	}
}
