package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

// Regression tests of what an outside security probe found (issue 10).

// TestRatesReportScope: the 三率 downloads list only the lost-points
// tickets of the user's scope, as the page and the API do.
func TestRatesReportScope(t *testing.T) {
	f := newFixture(t)
	// A ticket of 城市管理办公室 in 柳荫里社区 that costs the street points
	// in January; handler and community work for 望春园社区 and may not see it.
	const other = "LOSTD01"
	no := false
	if _, err := f.store.UpsertTickets(context.Background(), []core.Ticket{{Number: other, Channel: "12345",
		ReceivedAt: at("2025-01-10 09:00"), Community: "柳荫里社区", Unit: "城市管理办公室", Status: core.StatusClosed,
		Urgency: "一般", ContactedAt: at("2025-01-10 10:00"), ResolvedAt: at("2025-01-11 10:00"), Resolved: &no,
		Satisfaction: "不满意", CallbackAt: at("2025-01-12 10:00")}}, "test"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user string
		sees bool
	}{
		{"staff", true},
		{"leader", true},
		{"hd01", true},
		{"handler", false},
		{"community", false},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := f.login(t, tt.user)
			for _, format := range []string{"html", "xlsx"} {
				r := f.get(t, c, "/rates/report?period=2025-01&format="+format)
				if r.status != http.StatusOK {
					t.Fatalf("%s: status %d", format, r.status)
				}
				text := string(r.body)
				if format == "xlsx" {
					text = xlsxText(t, r.body)
				}
				if got := strings.Contains(text, other); got != tt.sees {
					t.Errorf("%s report lists %s: %v, want %v", format, other, got, tt.sees)
				}
			}
			api := string(f.get(t, c, "/api/v1/rates?period=2025-01").body)
			if got := strings.Contains(api, other); got != tt.sees {
				t.Errorf("API lists %s: %v, want %v", other, got, tt.sees)
			}
		})
	}
}

// xlsxText is every cell of every sheet of an XLSX file, joined.
func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var sb strings.Builder
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			sb.WriteString(strings.Join(row, "\t"))
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// TestLoginNoOpenRedirect: the sign-in goes back only to a path of this
// site, whatever a crafted next parameter holds.
func TestLoginNoOpenRedirect(t *testing.T) {
	f := newFixture(t)
	for _, next := range []string{"/\t/evil.example/path", "/\t\\evil.example/path", "/\\evil.example", "//evil.example",
		"/\n/evil.example", "https://evil.example/"} {
		t.Run(url.QueryEscape(next), func(t *testing.T) {
			page := f.get(t, f.client(t), "/login?next="+url.QueryEscape(next))
			if bytes.Contains(page.body, []byte("evil.example")) {
				t.Errorf("login page carries the foreign next")
			}
			resp, err := f.client(t).PostForm(f.srv.URL+"/login", url.Values{"username": {"staff"},
				"password": {testPasswords["staff"]}, "next": {next}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
				t.Errorf("login redirects to %q (%d), want / (the user's start page)", loc, resp.StatusCode)
			}
		})
	}
}

// TestLoginThrottle: wrong passwords lock the account after a few tries,
// on the page and over HTTP Basic, with a clear message and Retry-After;
// other accounts are not locked by them until the address is.
func TestLoginThrottle(t *testing.T) {
	f := newFixture(t)
	post := func(user, password string) response {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/login",
			strings.NewReader(url.Values{"username": {user}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, f.client(t), req)
	}
	for i := range accountFreeFailures {
		// The failure that locks still answers as a wrong password.
		if r := post("staff", "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, r.status)
		}
	}
	// Locked: even the right password is refused for now.
	r := post("staff", testPasswords["staff"])
	if r.status != http.StatusTooManyRequests || !bytes.Contains(r.body, []byte("登录失败次数过多，请 1 分钟后再试")) ||
		r.header.Get("Retry-After") != "60" {
		t.Fatalf("locked login: %d Retry-After %q, want 429 with a message", r.status, r.header.Get("Retry-After"))
	}
	// HTTP Basic is the same door.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
	req.SetBasicAuth("staff", testPasswords["staff"])
	if r := do(t, f.client(t), req); r.status != http.StatusTooManyRequests || !bytes.Contains(r.body, []byte(`"code":"too_many_requests"`)) {
		t.Fatalf("locked Basic auth: %d %s, want 429", r.status, r.body)
	}
	// Another account is not locked by staff's failures.
	if r := post("leader", testPasswords["leader"]); r.status != http.StatusSeeOther {
		t.Fatalf("leader: status %d, want 303", r.status)
	}
	// Guessing across accounts locks the address.
	for i := range addressFreeFailures {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
		req.SetBasicAuth("user"+string(rune('a'+i)), "wrong")
		do(t, f.client(t), req)
	}
	if r := post("leader", testPasswords["leader"]); r.status != http.StatusTooManyRequests {
		t.Fatalf("leader after address lock: status %d, want 429", r.status)
	}
}

// TestThrottleLocks: the lock doubles with every failure past the free
// ones, up to the maximum, and is forgotten after a while.
func TestThrottleLocks(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, core.StreetTime)
	tests := []struct {
		name     string
		failures int
		at       time.Duration // after the last failure
		want     time.Duration
	}{
		{"free failures", 4, 0, 0},
		{"first lock", 5, 0, time.Minute},
		{"doubled", 6, 0, 2 * time.Minute},
		{"doubled again", 7, 0, 4 * time.Minute},
		{"at most a quarter of an hour", 40, 0, 15 * time.Minute},
		{"lock runs down", 5, 20 * time.Second, 40 * time.Second},
		{"lock ends", 5, time.Minute, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newThrottle()
			for range tt.failures {
				th.fail("k", 5, t0)
			}
			if got := th.locked("k", t0.Add(tt.at)); got != tt.want {
				t.Errorf("locked = %v, want %v", got, tt.want)
			}
		})
	}
	th := newThrottle()
	for range 5 {
		th.fail("k", 5, t0)
	}
	// Long after, the count starts again: one failure does not lock.
	th.fail("k", 5, t0.Add(strikesForget+time.Minute))
	if got := th.locked("k", t0.Add(strikesForget+time.Minute)); got != 0 {
		t.Errorf("after forgetting: locked %v, want 0", got)
	}
	th.clear("k")
	if len(th.strikes) != 0 {
		t.Errorf("clear left %d keys", len(th.strikes))
	}
}

// TestHTTPS: behind TLS the session cookie is Secure and responses carry
// HSTS; without, neither (a Secure cookie would not come back over HTTP).
func TestHTTPS(t *testing.T) {
	for _, https := range []bool{false, true} {
		f := newFixture(t)
		srv := &Server{Store: f.store, Clock: fixedClock, HTTPS: https}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		resp, err := f.client(t).PostForm(ts.URL+"/login", url.Values{"username": {"staff"}, "password": {testPasswords["staff"]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(resp.Cookies()) != 1 || resp.Cookies()[0].Secure != https {
			t.Errorf("https=%v: cookies %v, want one with Secure=%v", https, resp.Cookies(), https)
		}
		if got := resp.Header.Get("Strict-Transport-Security") != ""; got != https {
			t.Errorf("https=%v: HSTS header present %v", https, got)
		}
	}
}

// TestTransitionLengths: notes, replies and reasons have a length limit,
// so one ticket's history cannot grow without bound.
func TestTransitionLengths(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	staff := f.login(t, "staff")
	for _, body := range []map[string]any{
		{"action": "supervise", "note": strings.Repeat("督", workflow.MaxNote+1)},
		{"action": "supervise", "note": strings.Repeat("x", 900<<10)},
		{"action": "answer", "reply": strings.Repeat("答", workflow.MaxReply+1)},
	} {
		r := f.postJSON(t, staff, "/api/v1/tickets/2/transitions", body)
		if r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("不能超过")) {
			t.Errorf("%s of %d bytes: %d %.200s, want 400", body["action"], len(anyString(body["note"])+anyString(body["reply"])), r.status, r.body)
		}
	}
	// At the limit it is accepted.
	r := f.postJSON(t, staff, "/api/v1/tickets/2/transitions", map[string]any{"action": "supervise", "note": strings.Repeat("督", workflow.MaxNote)})
	if r.status != http.StatusOK {
		t.Errorf("note at the limit: %d %.200s", r.status, r.body)
	}
}

func anyString(v any) string {
	s, _ := v.(string)
	return s
}

// TestReveal: the lead unit's handler sees the caller's phone masked, and
// may reveal it with a reason; the reveal is in the history and the audit
// log; a reveal without a reason, other roles and closed tickets are
// refused.
func TestReveal(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	hd01 := f.login(t, "hd01") // 城市管理办公室, lead unit of ticket 2 (办理)
	page := f.get(t, hd01, "/tickets/2")
	if bytes.Contains(page.body, []byte("13700002222")) || !bytes.Contains(page.body, []byte("查看完整信息")) ||
		!bytes.Contains(page.body, []byte(`name="reason"`)) || !bytes.Contains(page.body, []byte(`value="caller_phone"`)) {
		t.Fatalf("ticket page: phone shown or no reveal form")
	}
	why := map[string]any{"fields": []string{"caller_phone", "caller_name"}, "reason": "先行联系来电人"}
	r := f.postJSON(t, hd01, "/api/v1/tickets/2/reveal", why)
	c := decode[casework.Contact](t, r)
	if r.status != http.StatusOK || c.CallerPhone != "13700002222" || c.CallerName != "李四" {
		t.Fatalf("reveal: %d %+v", r.status, c)
	}
	d := decode[ticketDetailJSON](t, f.get(t, f.login(t, "staff"), "/api/v1/tickets/2"))
	last := d.Events[len(d.Events)-1]
	if last.Action != core.EventReveal || last.Actor != "hd01" || !strings.Contains(last.Note, "先行联系来电人") {
		t.Errorf("history ends with %+v, want the reveal by hd01 with its reason", last)
	}
	entries, _, err := f.store.Audit(context.Background(), core.AuditFilter{Action: core.AuditReveal})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit: %+v %v, want one entry per field", entries, err)
	}
	for _, e := range entries {
		if e.Actor != "hd01" || e.TicketNumber != "QHW2501200002" || e.Reason != "先行联系来电人" || e.Address != "127.0.0.1" ||
			strings.Contains(e.Detail, "13700002222") {
			t.Errorf("audit entry %+v", e)
		}
	}
	// The page form shows the fields in that answer; without a reason it
	// says why not.
	csrf := csrfFromPage(t, page.body)
	form := func(v url.Values) response {
		v.Set("csrf", csrf)
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/tickets/2/reveal", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, hd01, req)
	}
	if r := form(url.Values{"field": {"caller_phone"}, "reason": {"先行联系"}}); r.status != http.StatusOK || !bytes.Contains(r.body, []byte("13700002222")) {
		t.Errorf("reveal form: %d, phone shown %v", r.status, bytes.Contains(r.body, []byte("13700002222")))
	}
	if r := form(url.Values{"field": {"caller_phone"}}); r.status != http.StatusBadRequest || bytes.Contains(r.body, []byte("13700002222")) ||
		!bytes.Contains(r.body, []byte("请填写查看原因")) {
		t.Errorf("reveal form without a reason: %d %s", r.status, r.body)
	}
	phone := map[string]any{"fields": []string{"caller_phone"}, "reason": "督办"}
	for _, tt := range []struct {
		name, user, id string
		body           any
		status         int
	}{
		{"no reason", "hd01", "2", map[string]any{"fields": []string{"caller_phone"}}, http.StatusBadRequest},
		{"no field", "hd01", "2", map[string]any{"reason": "先行联系"}, http.StatusBadRequest},
		{"no body", "hd01", "2", nil, http.StatusBadRequest},
		{"unknown key", "hd01", "2", map[string]any{"fields": []string{"caller_phone"}, "reason": "先行联系", "value": 1}, http.StatusBadRequest},
		{"leader on an open ticket", "leader", "2", phone, http.StatusOK},
		{"leader on a closed one", "leader", "1", phone, http.StatusForbidden},
		{"staff sees it anyway", "staff", "2", phone, http.StatusForbidden},
		{"out of scope", "cw01", "2", phone, http.StatusNotFound},
		{"its own ticket, but 办结", "handler", "1", phone, http.StatusForbidden},
		{"missing", "hd01", "999", phone, http.StatusNotFound},
	} {
		if r := f.postJSON(t, f.login(t, tt.user), "/api/v1/tickets/"+tt.id+"/reveal", tt.body); r.status != tt.status {
			t.Errorf("%s: %s reveals %s: %d %s, want %d", tt.name, tt.user, tt.id, r.status, r.body, tt.status)
		}
	}
}

// TestLeaderCoordinates: a leader sees the address generalised, and the
// coordinates too (not the building the address hides).
func TestLeaderCoordinates(t *testing.T) {
	f := newFixture(t)
	d := decode[ticketDetailJSON](t, f.get(t, f.login(t, "leader"), "/api/v1/tickets/1"))
	if d.Lng == nil || *d.Lng == 116.3312 || d.Lat == nil || *d.Lat == 40.0321 {
		t.Errorf("leader sees coordinates %v, %v: want generalised", deref64(d.Lng), deref64(d.Lat))
	}
	d = decode[ticketDetailJSON](t, f.get(t, f.login(t, "staff"), "/api/v1/tickets/1"))
	if d.Lng == nil || *d.Lng != 116.3312 {
		t.Errorf("staff sees %v, want the exact coordinates", deref64(d.Lng))
	}
}

func deref64(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
