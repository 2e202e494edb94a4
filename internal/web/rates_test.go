package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/rates"
	"jiceng/internal/report"
)

// TestRates: the API's figures are those of report.Compute on the same
// store; the drill-down lists the tickets behind a figure; the page and
// the downloads render.
func TestRates(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "leader")
	const period = "2025-01"
	p, _ := rates.ParsePeriod(period)
	cfg := rates.DefaultConfig()
	cfg.Location, cfg.AsOf = core.StreetTime, fixedClock()
	want, err := report.Compute(context.Background(), f.store, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := decode[ratesJSON](t, f.get(t, c, "/api/v1/rates?period="+period))
	if got.Period != period || got.Street.Received != want.Street.Received || got.Street.Received != 2 {
		t.Fatalf("street %+v, want received %d", got.Street, want.Street.Received)
	}
	for name, pair := range map[string][2]any{
		"response":     {got.Street.Response.Den, want.Street.Response.Den},
		"resolution":   {got.Street.Resolution.Den, want.Street.Resolution.Den},
		"satisfaction": {got.Street.Satisfaction.Den, want.Street.Satisfaction.Den},
		"units":        {len(got.Units), len(want.Units)},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s: API %v, Compute %v", name, pair[0], pair[1])
		}
	}
	if len(got.Street.Trend) != cfg.History+1 || got.Street.Trend[len(got.Street.Trend)-1].Period != period {
		t.Errorf("trend has %d periods ending %q", len(got.Street.Trend), got.Street.Trend[len(got.Street.Trend)-1].Period)
	}

	tests := []struct {
		name   string
		query  string
		status int
		total  int
	}{
		{"street response denominator", "figure=response&part=den", 200, want.Street.Response.Den},
		{"street resolution numerator", "figure=resolution&part=num", 200, int(want.Street.Resolution.Num)},
		{"unit", "kind=unit&name=城市管理办公室&figure=response", 200, 1},
		{"unknown unit", "kind=unit&name=没有这个单位&figure=response", 400, 0},
		{"bad figure", "figure=speed", 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, c, "/api/v1/rates/tickets?period="+period+"&"+tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != 200 {
				return
			}
			l := decode[ticketListJSON](t, r)
			if l.Total != tt.total || len(l.Items) != tt.total {
				t.Errorf("total %d items %d, want %d", l.Total, len(l.Items), tt.total)
			}
			for _, it := range l.Items {
				if strings.Contains(it.CallerPhone, "13812345678") {
					t.Errorf("drill-down shows a leader the phone in clear")
				}
			}
		})
	}
	if r := f.get(t, c, "/api/v1/rates?period=2025-13"); r.status != 400 || !bytes.Contains(r.body, []byte("period")) {
		t.Errorf("bad period: %d %s", r.status, r.body)
	}

	page := f.get(t, c, "/rates?period="+period)
	for _, s := range []string{"三率排名", "响应率", "城市管理办公室", "/static/vendor/echarts.min.js", `id="rates-data"`, "口径说明"} {
		if !bytes.Contains(page.body, []byte(s)) {
			t.Errorf("rates page lacks %q", s)
		}
	}
	if q := f.get(t, c, "/rates?period=2025Q1"); q.status != 200 || !bytes.Contains(q.body, []byte("<option selected>2025Q1</option>")) &&
		!bytes.Contains(q.body, []byte("2025年第1季度")) {
		t.Errorf("quarterly page: %d", q.status)
	}
	if r := f.get(t, c, "/rates/tickets?period="+period+"&figure=response"); r.status != 200 || !bytes.Contains(r.body, []byte("QHW2501050001")) {
		t.Errorf("drill-down page: %d", r.status)
	}
	// The Excel file downloads; the printable page opens in the browser.
	for format, want := range map[string][2]string{"xlsx": {"spreadsheetml", "attachment"}, "html": {"text/html", "inline"}} {
		r := f.get(t, c, "/rates/report?period="+period+"&format="+format)
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), want[0]) || len(r.body) < 500 ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), want[1]) {
			t.Errorf("report %s: status %d, type %q, %d bytes", format, r.status, r.header.Get("Content-Type"), len(r.body))
		}
	}
	// Residents have no rates.
	if r := f.get(t, f.login(t, "resident"), "/api/v1/rates"); r.status != http.StatusForbidden {
		t.Errorf("resident: status %d", r.status)
	}

}

// TestRatesScope: a unit's handler sees the figures of every unit, but only
// its own tickets among the lost points.
func TestRatesScope(t *testing.T) {
	f := newFixture(t)
	no := false
	var extra []core.Ticket
	for i, unit := range []string{"城市管理办公室", "社会保障事务所"} {
		extra = append(extra, core.Ticket{Number: "L" + unit, Channel: "12345", ReceivedAt: at("2025-01-10 09:00").Add(time.Duration(i) * time.Hour),
			Community: "柳荫里社区", Unit: unit, Status: core.StatusClosed, Urgency: "一般",
			ContactedAt: at("2025-01-10 10:00"), ResolvedAt: at("2025-01-11 10:00"), Resolved: &no,
			Satisfaction: "不满意", CallbackAt: at("2025-01-12 10:00")})
	}
	if _, err := f.store.UpsertTickets(context.Background(), extra, "test"); err != nil {
		t.Fatal(err)
	}
	const period = "2025-01"
	all := decode[ratesJSON](t, f.get(t, f.login(t, "leader"), "/api/v1/rates?period="+period))
	mine := decode[ratesJSON](t, f.get(t, f.login(t, "hd01"), "/api/v1/rates?period="+period))
	if len(all.Lost) < 2 || len(mine.Lost) >= len(all.Lost) || len(mine.Units) != len(all.Units) {
		t.Errorf("lost: %d for the street, %d for hd01; units %d/%d", len(all.Lost), len(mine.Lost), len(all.Units), len(mine.Units))
	}
	for _, l := range mine.Lost {
		if l.Unit != "城市管理办公室" {
			t.Errorf("hd01 sees a lost ticket of %s", l.Unit)
		}
	}
}

// TestRatesOneRounding: the API gives rates unrounded and the page rounds
// once, as the downloads do (2/3 is 66.67 %, not 66.70 % from a rate
// rounded to three decimals first).
func TestRatesOneRounding(t *testing.T) {
	f := newFixture(t)
	late := core.Ticket{Number: "LATE1", Channel: "12345", ReceivedAt: at("2025-01-15 09:00"), Community: "柳荫里社区",
		Unit: "城市管理办公室", Status: core.StatusHandling, Urgency: "一般", ContactedAt: at("2025-01-18 09:00")}
	if _, err := f.store.UpsertTickets(context.Background(), []core.Ticket{late}, "test"); err != nil {
		t.Fatal(err)
	}
	c := f.login(t, "leader")
	api := decode[ratesJSON](t, f.get(t, c, "/api/v1/rates?period=2025-01"))
	rate := api.Street.Response.Rate
	if rate == nil || *rate != 2.0/3 || api.Street.Response.Den != 3 {
		t.Fatalf("API response rate %v (den %d), want 2/3 unrounded", rate, api.Street.Response.Den)
	}
	page := string(f.get(t, c, "/rates?period=2025-01").body)
	html := string(f.get(t, c, "/rates/report?period=2025-01&format=html").body)
	for name, body := range map[string]string{"page": page, "report": html} {
		if !strings.Contains(body, "66.67%") || strings.Contains(body, "66.70%") {
			t.Errorf("%s does not show the response rate as 66.67%%", name)
		}
	}
}

// TestFormatChange: a change that rounds to nothing has no sign.
func TestFormatChange(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{-0.001, "0.00"}, {0.004, "0.00"}, {-0.005, "−0.01"}, {1.234, "+1.23"}, {0, "0.00"}} {
		if got := report.FormatChange(tt.in); got != tt.want {
			t.Errorf("FormatChange(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := report.FormatScore(-0.001); got != "0.00" {
		t.Errorf("FormatScore(-0.001) = %q", got)
	}
}

// TestRatesScopedRoles: a community worker or handler sees their own
// unit or community first, with the street beside it; every drill-down
// total is the number of rows it lists (both from one scoped list); the
// street's figures do not drill into other scopes' tickets.
func TestRatesScopedRoles(t *testing.T) {
	f := newFixture(t)
	const period = "2025-01"
	tests := []struct {
		user     string
		mine     string // name of the own group, "" for the street roles
		drillDen int    // tickets behind the street's response denominator, in scope
	}{
		{"leader", "", 2},
		{"hd01", "城市管理办公室", 1},
		{"handler", "望春园社区", 1},
		{"cw01", "望春园社区", 1},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := f.login(t, tt.user)
			j := decode[ratesJSON](t, f.get(t, c, "/api/v1/rates?period="+period))
			switch {
			case tt.mine == "" && j.Mine != nil:
				t.Errorf("mine = %q, want none", j.Mine.Name)
			case tt.mine != "" && (j.Mine == nil || j.Mine.Name != tt.mine):
				t.Errorf("mine = %+v, want %s", j.Mine, tt.mine)
			}
			list := decode[ticketListJSON](t, f.get(t, c, "/api/v1/rates/tickets?period="+period+"&figure=response&part=den"))
			if list.Total != len(list.Items) || list.Total != tt.drillDen {
				t.Errorf("drill-down: total %d, %d items; want %d", list.Total, len(list.Items), tt.drillDen)
			}
			page := string(f.get(t, c, "/rates/tickets?period="+period+"&figure=response&part=den").body)
			if want := fmt.Sprintf("共 %d 件工单", tt.drillDen); !strings.Contains(page, want) || strings.Count(page, `<td><a href="/tickets/`) != tt.drillDen {
				t.Errorf("drill-down page: want %q and as many rows", want)
			}
			rp := string(f.get(t, c, "/rates?period="+period).body)
			if tt.mine != "" && !strings.Contains(rp, tt.mine+"（本") {
				t.Errorf("rates page lacks the own group's cards")
			}
		})
	}
	// Paging: one row per page, the total on every page.
	c := f.login(t, "leader")
	p1 := decode[ticketListJSON](t, f.get(t, c, "/api/v1/rates/tickets?period="+period+"&figure=response&limit=1"))
	p2 := decode[ticketListJSON](t, f.get(t, c, "/api/v1/rates/tickets?period="+period+"&figure=response&limit=1&offset=1"))
	if p1.Total != 2 || p2.Total != 2 || len(p1.Items) != 1 || len(p2.Items) != 1 || p1.Items[0].Number == p2.Items[0].Number {
		t.Errorf("paging: %+v / %+v", p1, p2)
	}
}
