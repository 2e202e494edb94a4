package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// fixedNow is the clock of every test: 2025-03-01 10:00 in China.
var fixedNow = time.Date(2025, 3, 1, 10, 0, 0, 0, core.StreetTime)

func fixedClock() time.Time { return fixedNow }

// testPasswords are the passwords of the fixture users, by username.
var testPasswords = map[string]string{
	"admin": "admin-pass", "staff": "staff-pass", "leader": "leader-pass",
	"community": "community-pass", "handler": "handler-pass", "resident": "resident-pass",
	"cw01": "cw01-pass", "hd01": "hd01-pass", "hd00": "hd00-pass",
}

func ptr[T any](v T) *T { return &v }

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, core.StreetTime)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtureTickets is a small street: three tickets, the second of which is
// updated once so that it has a history with changes.
func fixtureTickets() []core.Ticket {
	return []core.Ticket{
		{
			Number: "QHW2501050001", Channel: "12345", ReceivedAt: at("2025-01-05 09:30"),
			CallerName: "张三丰", CallerPhone: "13812345678", CallerID: "110101199001011234",
			Address: "海川区清河湾街道望春园一区5号楼2单元301", Street: "清河湾街道", Community: "望春园社区",
			Grid: "望春园社区第1网格", Lng: ptr(116.3312), Lat: ptr(40.0321),
			Title: "楼道灯不亮", Content: "5号楼2单元楼道灯坏了一周，晚上上下楼不安全。",
			Category1: "城乡建设", Category2: "市政设施", Category3: "路灯照明",
			Intent: "求助", Urgency: "一般", Unit: "望春园社区", Status: "办结",
			Deadline: at("2025-01-12 09:30"), ContactedAt: at("2025-01-05 11:00"), ResolvedAt: at("2025-01-07 16:00"),
			Reply: "已更换灯泡。", Resolved: ptr(true), Satisfaction: "满意", CallbackAt: at("2025-01-08 10:00"),
			Tags: []string{"楼道", "照明"},
		},
		{
			Number: "QHW2501200002", Channel: "网格巡查", ReceivedAt: at("2025-01-20 14:10"),
			CallerName: "李四", CallerPhone: "010-62301234", Address: "柳荫街12号",
			Street: "清河湾街道", Community: "柳荫里社区", Title: "夜间施工噪音",
			Content:   "柳荫街工地夜里十一点还在施工，噪音扰民。",
			Category1: "环境保护", Category2: "噪声污染", Category3: "建筑施工噪声",
			Intent: "投诉", Urgency: "加急", Unit: "城市管理办公室", Status: "派单",
		},
		{
			Number: "QHW2502100003", Channel: "12345", ReceivedAt: at("2025-02-10 08:05"),
			CallerName: "王五", CallerPhone: "13900001111", Street: "清河湾街道", Community: "望春园社区",
			Title: "", Content: "咨询高龄老人养老补贴怎么申请，需要带哪些材料。",
			Category1: "社会保障", Category2: "养老服务", Category3: "养老补贴",
			Intent: "咨询", Urgency: "一般", Unit: "社会保障事务所", Status: "受理",
			Flags: []string{"deadline: 日期格式无法识别"}, Extra: map[string]string{"办理时限（原值）": "下周一"},
		},
	}
}

type fixture struct {
	srv    *httptest.Server
	store  *sqlite.DB
	server *Server
}

// newFixture serves the fixture street from a real SQLite store in a
// temporary directory.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "test.db"), fixedClock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.ReplaceAreas(ctx, core.Areas{
		Streets:     []core.Street{{Code: "QHW", Name: "清河湾街道"}},
		Communities: []core.Community{{Code: "QHW01", Name: "望春园社区", Street: "QHW"}, {Code: "QHW02", Name: "柳荫里社区", Street: "QHW"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceUnits(ctx, []core.Unit{
		{Code: "C01", Name: "望春园社区", Kind: core.UnitCommunity, Community: "QHW01"},
		{Code: "D01", Name: "城市管理办公室", Kind: core.UnitDepartment},
		{Code: "D09", Name: "社会保障事务所", Kind: core.UnitDepartment},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceCategories(ctx, []core.Category{
		{Level1: "城乡建设", Level2: "市政设施", Level3: "路灯照明"},
		{Level1: "环境保护", Level2: "噪声污染", Level3: "建筑施工噪声"},
		{Level1: "社会保障", Level2: "养老服务", Level3: "养老补贴"},
	}); err != nil {
		t.Fatal(err)
	}
	tickets := fixtureTickets()
	if _, err := db.UpsertTickets(ctx, tickets, "import:fixture.csv"); err != nil {
		t.Fatal(err)
	}
	changed := tickets[1]
	changed.Status = "办理"
	changed.CallerPhone = "13700002222"
	changed.ContactedAt = at("2025-01-20 15:00")
	if _, err := db.UpsertTickets(ctx, []core.Ticket{changed}, "staff"); err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{"admin": core.RoleAdmin, "staff": core.RoleStaff, "leader": core.RoleLeader,
		"community": core.RoleCommunity, "handler": core.RoleHandler, "resident": core.RoleResident}
	for _, name := range []string{"admin", "staff", "leader", "community", "handler", "resident"} {
		h, err := account.HashPasswordAt(testPasswords[name], account.LightCost)
		if err != nil {
			t.Fatal(err)
		}
		u := core.User{Username: name, Name: "测试" + name, Role: roles[name], PasswordHash: h}
		if name == "community" || name == "handler" {
			// 望春园社区's unit: they see tickets 1 and 3 (community) or 1 (unit).
			u.Unit = "C01"
		}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	// Users with a unit work in a scope: cw01 in 望春园社区 (unit C01), hd01
	// in 城市管理办公室 (D01).
	for _, u := range []core.User{{Username: "cw01", Role: core.RoleCommunity, Unit: "C01"}, {Username: "hd01", Role: core.RoleHandler, Unit: "D01"},
		{Username: "hd00", Role: core.RoleHandler}} { // a handler whose account has no unit
		h, err := account.HashPasswordAt(testPasswords[u.Username], account.LightCost)
		if err != nil {
			t.Fatal(err)
		}
		u.PasswordHash, u.Name = h, "测试"+u.Username
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{Store: db, Clock: fixedClock, ExportDir: t.TempDir()}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(s.closeJobs) // before the server closes: the jobs stop, their files go
	return &fixture{srv: srv, store: db, server: s}
}

// client returns an HTTP client with a cookie jar that does not follow
// redirects, so tests can check them.
func (f *fixture) client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// login signs in as username and returns the client holding the session.
func (f *fixture) login(t testing.TB, username string) *http.Client {
	t.Helper()
	c := f.client(t)
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {username}, "password": {testPasswords[username]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d, want 303", username, resp.StatusCode)
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

func (f *fixture) get(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

func TestHealthz(t *testing.T) {
	f := newFixture(t)
	r := f.get(t, f.client(t), "/healthz")
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Fatalf("got %d %s, want 200 {\"status\":\"ok\"}", r.status, r.body)
	}
	f.store.Close()
	r = f.get(t, f.client(t), "/healthz")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("closed store: got %d, want 503", r.status)
	}
}

func TestLoginLogout(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)

	r := f.get(t, c, "/tickets?status="+url.QueryEscape("办结"))
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	next, err := url.Parse(loc.Query().Get("next"))
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusSeeOther || loc.Path != "/login" || next.Path != "/tickets" || next.Query().Get("status") != "办结" {
		t.Fatalf("page without session: got %d %q, want 303 to /login?next=/tickets?status=办结", r.status, r.header.Get("Location"))
	}
	if r := f.get(t, c, "/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2F" {
		t.Fatalf("/: got %d %q, want 303 to the sign-in", r.status, r.header.Get("Location"))
	}
	r = f.get(t, c, "/login")
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("用户登录")) {
		t.Fatalf("login page: got %d", r.status)
	}

	// Wrong password and unknown user get the same answer.
	for _, form := range []url.Values{
		{"username": {"admin"}, "password": {"wrong"}},
		{"username": {"nobody"}, "password": {"wrong"}},
		{"username": {""}, "password": {""}},
	} {
		resp, err := c.PostForm(f.srv.URL+"/login", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !bytes.Contains(b, []byte("用户名或密码错误")) {
			t.Fatalf("bad login %v: got %d, want 401 with message", form.Get("username"), resp.StatusCode)
		}
	}

	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {"staff"}, "password": {"staff-pass"},
		"next": {"/tickets/1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tickets/1" {
		t.Fatalf("login: got %d %q, want 303 /tickets/1", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookie := resp.Cookies()[0]
	if cookie.Name != sessionCookie || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode ||
		!cookie.Expires.Equal(fixedNow.Add(12*time.Hour).Truncate(time.Second)) || cookie.MaxAge != 12*60*60 || len(cookie.Value) < 43 {
		t.Fatalf("session cookie: got %+v", cookie)
	}

	r = f.get(t, c, "/tickets")
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("测试staff")) || !bytes.Contains(r.body, []byte("清河湾街道")) {
		t.Fatalf("tickets page after login: got %d", r.status)
	}
	me := decode[meJSON](t, f.get(t, c, "/api/v1/me"))
	if me.Username != "staff" || me.Role != core.RoleStaff || me.RoleLabel != "街道工作人员" {
		t.Fatalf("me: got %+v", me)
	}
	// Signed in, /login goes straight on.
	if r := f.get(t, c, "/login?next=/tickets/2"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/tickets/2" {
		t.Fatalf("login page when signed in: got %d %q", r.status, r.header.Get("Location"))
	}

	// Logout needs the form token.
	resp, err = c.PostForm(f.srv.URL+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without csrf: got %d, want 403", resp.StatusCode)
	}
	token := csrfFromPage(t, f.get(t, c, "/tickets").body)
	resp, err = c.PostForm(f.srv.URL+"/logout", url.Values{"csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("logout: got %d %q, want 303 /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The old cookie no longer works, even if a client keeps sending it.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
	if r := do(t, f.client(t), req); r.status != http.StatusUnauthorized {
		t.Fatalf("me after logout: got %d, want 401", r.status)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfFromPage(t *testing.T, page []byte) string {
	t.Helper()
	m := csrfRE.FindSubmatch(page)
	if m == nil {
		t.Fatal("no csrf token on page")
	}
	return string(m[1])
}

func TestCSRFRefused(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "admin")
	token := csrfFromPage(t, f.get(t, c, "/tickets").body)
	tests := []struct {
		name   string
		path   string
		form   url.Values
		header map[string]string
		want   int
	}{
		{"cross-site login", "/login", url.Values{"username": {"admin"}, "password": {"admin-pass"}},
			map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin logout", "/logout", url.Values{"csrf": {token}},
			map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"logout wrong token", "/logout", url.Values{"csrf": {"x" + token}}, nil, http.StatusForbidden},
		{"logout token of another session", "/logout", url.Values{"csrf": {csrfToken("another")}}, nil, http.StatusForbidden},
		{"same-origin logout", "/logout", url.Values{"csrf": {token}},
			map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+tt.path, strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			if r := do(t, c, req); r.status != tt.want {
				t.Fatalf("got %d, want %d", r.status, tt.want)
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/v1/me", "/api/v1/tickets", "/api/v1/tickets/1"} {
		r := f.get(t, f.client(t), path)
		e := decode[errorBody](t, r)
		if r.status != http.StatusUnauthorized || e.Error.Code != core.EUNAUTHORIZED || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s without auth: got %d %s", path, r.status, r.body)
		}
	}
	basic := func(user, pass string) response {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/tickets", nil)
		req.SetBasicAuth(user, pass)
		return do(t, f.client(t), req)
	}
	if r := basic("admin", "nope"); r.status != http.StatusUnauthorized {
		t.Errorf("basic auth wrong password: got %d, want 401", r.status)
	}
	if r := basic("admin", "admin-pass"); r.status != http.StatusOK {
		t.Errorf("basic auth: got %d, want 200", r.status)
	}
	if r := basic("resident", "resident-pass"); r.status != http.StatusForbidden {
		t.Errorf("resident: got %d, want 403", r.status)
	}
	// Pages take sessions only: Basic credentials do not open them.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/tickets", nil)
	req.SetBasicAuth("admin", "admin-pass")
	if r := do(t, f.client(t), req); r.status != http.StatusSeeOther {
		t.Errorf("page with basic auth: got %d, want 303", r.status)
	}
}

func numbers(t *testing.T, r response) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	var out []string
	for _, it := range decode[ticketListJSON](t, r).Items {
		out = append(out, it.Number)
	}
	return out
}

func TestListFilters(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "staff")
	const t1, t2, t3 = "QHW2501050001", "QHW2501200002", "QHW2502100003"
	tests := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"all, newest first", nil, []string{t3, t2, t1}},
		{"from date", url.Values{"from": {"2025-01-20"}}, []string{t3, t2}},
		{"to date includes the day", url.Values{"to": {"2025-01-20"}}, []string{t2, t1}},
		{"rfc3339 range", url.Values{"from": {"2025-01-05T09:30:00+08:00"}, "to": {"2025-01-20T14:10:00+08:00"}}, []string{t1}},
		{"status", url.Values{"status": {"办理"}}, []string{t2}},
		{"category1", url.Values{"category1": {"社会保障"}}, []string{t3}},
		{"category2", url.Values{"category2": {"噪声污染"}}, []string{t2}},
		{"category3", url.Values{"category3": {"路灯照明"}}, []string{t1}},
		{"unit", url.Values{"unit": {"社会保障事务所"}}, []string{t3}},
		{"community", url.Values{"community": {"望春园社区"}}, []string{t3, t1}},
		{"intent", url.Values{"intent": {"投诉"}}, []string{t2}},
		{"channel", url.Values{"channel": {"网格巡查"}}, []string{t2}},
		{"keyword in content", url.Values{"q": {"养老补贴"}}, []string{t3}},
		{"keyword in title", url.Values{"q": {"楼道灯"}}, []string{t1}},
		{"combined", url.Values{"community": {"望春园社区"}, "intent": {"求助"}}, []string{t1}},
		{"no match", url.Values{"status": {"退单"}}, nil},
		{"empty values do not filter", url.Values{"status": {""}, "q": {" "}}, []string{t3, t2, t1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := numbers(t, f.get(t, c, "/api/v1/tickets?"+tt.query.Encode()))
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPaging(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "staff")
	tests := []struct {
		query                string
		total, offset, limit int
		want                 string
	}{
		{"", 3, 0, core.DefaultLimit, "QHW2502100003,QHW2501200002,QHW2501050001"},
		{"limit=1", 3, 0, 1, "QHW2502100003"},
		{"limit=1&offset=1", 3, 1, 1, "QHW2501200002"},
		{"limit=2&page=2", 3, 2, 2, "QHW2501050001"},
		{"page=5", 3, 200, core.DefaultLimit, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := f.get(t, c, "/api/v1/tickets?"+tt.query)
			l := decode[ticketListJSON](t, r)
			if l.Total != tt.total || l.Offset != tt.offset || l.Limit != tt.limit {
				t.Fatalf("got total %d offset %d limit %d, want %d %d %d", l.Total, l.Offset, l.Limit, tt.total, tt.offset, tt.limit)
			}
			if got := strings.Join(numbers(t, r), ","); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAPIErrors(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "admin")
	tests := []struct {
		name   string
		path   string
		status int
		code   string
		field  string
	}{
		{"bad from", "/api/v1/tickets?from=2025-13-01", 400, core.EINVALID, "from"},
		{"bad to", "/api/v1/tickets?to=yesterday", 400, core.EINVALID, "to"},
		{"to before from", "/api/v1/tickets?from=2025-02-01&to=2025-01-01", 400, core.EINVALID, "to"},
		{"bad status", "/api/v1/tickets?status=done", 400, core.EINVALID, "status"},
		{"bad intent", "/api/v1/tickets?intent=x", 400, core.EINVALID, "intent"},
		{"bad channel", "/api/v1/tickets?channel=x", 400, core.EINVALID, "channel"},
		{"limit zero", "/api/v1/tickets?limit=0", 400, core.EINVALID, "limit"},
		{"limit too big", "/api/v1/tickets?limit=1001", 400, core.EINVALID, "limit"},
		{"negative offset", "/api/v1/tickets?offset=-1", 400, core.EINVALID, "offset"},
		{"page zero", "/api/v1/tickets?page=0", 400, core.EINVALID, "page"},
		{"page and offset", "/api/v1/tickets?page=1&offset=0", 400, core.EINVALID, "page"},
		{"unknown parameter", "/api/v1/tickets?stauts=办结", 400, core.EINVALID, "stauts"},
		{"repeated parameter", "/api/v1/tickets?status=办结&status=受理", 400, core.EINVALID, "status"},
		{"keyword too long", "/api/v1/tickets?q=" + strings.Repeat("长", 101), 400, core.EINVALID, "q"},
		{"ticket not found", "/api/v1/tickets/999", 404, core.ENOTFOUND, ""},
		{"unknown ticket number", "/api/v1/tickets/abc", 404, core.ENOTFOUND, ""},
		{"unknown endpoint", "/api/v1/nothing", 404, core.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, c, tt.path)
			e := decode[errorBody](t, r)
			if r.status != tt.status || e.Error.Code != tt.code || e.Error.Field != tt.field || e.Error.Message == "" {
				t.Fatalf("got %d %s, want %d code %s field %q", r.status, r.body, tt.status, tt.code, tt.field)
			}
		})
	}
	r := f.get(t, c, "/api/v1/tickets?from=2025-13-01")
	if want := `{"error":{"code":"invalid","message":"参数 from 不是合法日期，应为 2025-03-05 这样的日期，或 2025-03-05T08:30:00+08:00 这样带时区的时间","field":"from"}}`; strings.TrimSpace(string(r.body)) != want {
		t.Fatalf("error body: got %s, want %s", r.body, want)
	}
}

func TestDetailWithHistory(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "staff")
	d := decode[ticketDetailJSON](t, f.get(t, c, "/api/v1/tickets/2"))
	if d.Number != "QHW2501200002" || d.Status != "办理" || len(d.Events) != 2 {
		t.Fatalf("got number %s status %s %d events, want QHW2501200002 办理 2 events", d.Number, d.Status, len(d.Events))
	}
	if d.Events[0].Action != core.EventCreate || d.Events[0].Actor != "import:fixture.csv" {
		t.Errorf("first event: got %+v", d.Events[0])
	}
	changes := map[string]changeJSON{}
	for _, ch := range d.Events[1].Changes {
		changes[ch.Field] = ch
	}
	if ch := changes["status"]; ch.Before != "派单" || ch.After != "办理" || ch.Label != "工单状态" {
		t.Errorf("status change: got %+v", ch)
	}
	if ch := changes["caller_phone"]; ch.Before != "010-62301234" || ch.After != "13700002222" {
		t.Errorf("phone change for staff: got %+v", ch)
	}
}

func TestMaskingByRole(t *testing.T) {
	f := newFixture(t)
	clear := ticketJSON{CallerName: "张三丰", CallerPhone: "13812345678", CallerID: "110101199001011234",
		Address: "海川区清河湾街道望春园一区5号楼2单元301"}
	// By the default masking dictionary: a leader sees the address as far
	// as the compound; community workers and handlers, who go to the door,
	// see the building.
	masked := ticketJSON{CallerName: "张**", CallerPhone: "138****5678", CallerID: "110***********1234",
		Address: "海川区清河湾街道望春园一区"}
	tests := []struct {
		role    string
		seesAll bool
		address string
	}{
		{"admin", true, clear.Address}, {"staff", true, clear.Address}, {"leader", false, masked.Address},
		{"community", false, clear.Address}, {"handler", false, clear.Address},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			want := masked
			if tt.seesAll {
				want = clear
			}
			want.Address = tt.address
			c := f.login(t, tt.role)
			list := decode[ticketListJSON](t, f.get(t, c, "/api/v1/tickets?q=楼道灯"))
			detail := decode[ticketDetailJSON](t, f.get(t, c, "/api/v1/tickets/1"))
			for _, got := range []ticketJSON{list.Items[0], detail.ticketJSON} {
				if got.CallerName != want.CallerName || got.CallerPhone != want.CallerPhone ||
					got.CallerID != want.CallerID || got.Address != want.Address {
					t.Errorf("got %q %q %q %q", got.CallerName, got.CallerPhone, got.CallerID, got.Address)
				}
			}
			page := f.get(t, c, "/tickets/1").body
			if bytes.Contains(page, []byte(clear.CallerPhone)) != tt.seesAll ||
				!bytes.Contains(page, []byte(want.CallerPhone)) {
				t.Errorf("detail page shows the phone wrongly for %s", tt.role)
			}
			// History values are masked like the ticket (ticket 2 is in
			// the street-wide roles' scope only).
			if tt.role == "community" || tt.role == "handler" {
				return
			}
			h := decode[ticketDetailJSON](t, f.get(t, c, "/api/v1/tickets/2"))
			for _, ch := range h.Events[1].Changes {
				if ch.Field == "caller_phone" && (ch.After == "13700002222") != tt.seesAll {
					t.Errorf("history phone for %s: got %q", tt.role, ch.After)
				}
			}
		})
	}
	c := f.login(t, "resident")
	if r := f.get(t, c, "/tickets"); r.status != http.StatusForbidden {
		t.Errorf("resident tickets page: got %d, want 403", r.status)
	}
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "staff")
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		absent []string
	}{
		{"list", "/tickets", 200, []string{"共 <strong>3</strong> 件工单", "QHW2502100003", "楼道灯不亮",
			"城乡建设 / 市政设施 / 路灯照明", "望春园社区", "社会保障事务所", "满意", "咨询高龄老人养老补贴怎么申请，需要带哪些材料。",
			"/static/style.css"}, []string{"<option selected>"}},
		{"list filtered", "/tickets?community=柳荫里社区&from=&status=", 200, []string{"共 <strong>1</strong> 件工单",
			"QHW2501200002", `<option selected>柳荫里社区</option>`}, []string{"QHW2502100003"}},
		{"category narrows level 2", "/tickets?category1=环境保护", 200, []string{"<option>噪声污染</option>"},
			[]string{"<option>养老服务</option>"}},
		{"bad filter shows message", "/tickets?from=2025-02-30", 400, []string{"参数 from 不是合法日期", `class="invalid"`}, nil},
		{"detail", "/tickets/1", 200, []string{"来电人姓名", "张三丰", "诉求内容", "一级分类", "办理记录", "创建",
			"导入 fixture.csv", "116.331200", "是", "楼道、照明"}, nil},
		{"detail flags and extra", "/tickets/3", 200, []string{"数据质量标记", "deadline: 日期格式无法识别",
			"办理时限（原值）", "下周一"}, nil},
		{"detail history", "/tickets/2", 200, []string{"更新", "工单状态", `<td class="before">派单</td>`,
			`<td class="after">办理</td>`, `<td class="after">2025-01-20 15:00</td>`, "测试staff（staff）"}, nil},
		{"detail not found", "/tickets/99", 404, []string{"工单不存在"}, nil},
		{"detail bad id", "/tickets/x", 404, nil, nil},
		{"unknown page", "/nothing", 404, []string{"页面不存在"}, nil},
		{"stylesheet", "/static/style.css", 200, []string{"--red"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, c, tt.path)
			if r.status != tt.status {
				t.Fatalf("got %d, want %d", r.status, tt.status)
			}
			for _, w := range tt.want {
				if !bytes.Contains(r.body, []byte(w)) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.absent {
				if bytes.Contains(r.body, []byte(w)) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}
}

func TestPagination(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var many []core.Ticket
	for i := range 120 {
		tk := fixtureTickets()[2]
		tk.Number = fmt.Sprintf("P%05d", i)
		tk.ReceivedAt = at("2024-06-01 08:00").Add(time.Duration(i) * time.Hour)
		many = append(many, tk)
	}
	if _, err := f.store.UpsertTickets(ctx, many, "test"); err != nil {
		t.Fatal(err)
	}
	c := f.login(t, "admin")
	r := f.get(t, c, "/tickets?intent=咨询")
	if !bytes.Contains(r.body, []byte("共 <strong>121</strong> 件工单，第 1 / 3 页")) || !bytes.Contains(r.body, []byte("下一页")) ||
		bytes.Contains(r.body, []byte("上一页")) {
		t.Fatalf("page 1: pagination missing")
	}
	next := regexp.MustCompile(`href="(/tickets\?[^"]*page=2[^"]*)"`).FindSubmatch(r.body)
	if next == nil {
		t.Fatal("no link to page 2")
	}
	r = f.get(t, c, strings.ReplaceAll(string(next[1]), "&amp;", "&"))
	if !bytes.Contains(r.body, []byte("第 2 / 3 页")) || !bytes.Contains(r.body, []byte("上一页")) {
		t.Fatalf("page 2: got %d", r.status)
	}
}

// TestPaginationCountUpTo: past pageCountUpTo tickets the list says 超过 N
// 件 and counts on from a later page; the API's total stays exact.
func TestPaginationCountUpTo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var many []core.Ticket
	for i := range pageCountUpTo + 100 {
		tk := fixtureTickets()[2]
		tk.Number = fmt.Sprintf("P%05d", i)
		tk.ReceivedAt = at("2024-06-01 08:00").Add(time.Duration(i) * time.Minute)
		many = append(many, tk)
	}
	if _, err := f.store.UpsertTickets(ctx, many, "test"); err != nil {
		t.Fatal(err)
	}
	c := f.login(t, "admin")
	const filter = "intent=咨询&from=2024-06-01" // two filters: counted, not cached
	list := decode[ticketListJSON](t, f.get(t, c, "/api/v1/tickets?"+filter))
	if list.Total != pageCountUpTo+101 { // and a ticket of the fixture
		t.Fatalf("API total %d, want the exact %d", list.Total, pageCountUpTo+101)
	}
	tests := []struct {
		name, page string
		want       string
	}{
		{"first page", "", fmt.Sprintf("超过 <strong>%d</strong> 件工单，第 1 页", pageCountUpTo)},
		{"last pages", fmt.Sprintf("&page=%d", pageCountUpTo/pageSize+1),
			fmt.Sprintf("共 <strong>%d</strong> 件工单，第 %d / %d 页", list.Total, pageCountUpTo/pageSize+1, (list.Total+pageSize-1)/pageSize)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, c, "/tickets?"+filter+tt.page)
			if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(tt.want)) || !bytes.Contains(r.body, []byte("下一页")) {
				t.Errorf("got %d, want %q and a next page in %s", r.status, tt.want, summary(r.body))
			}
		})
	}
}

// summary is the list's summary line of a page, for messages.
func summary(page []byte) string {
	if m := regexp.MustCompile(`<p class="summary">[^\n]*`).Find(page); m != nil {
		return string(m)
	}
	return "(no summary)"
}

// TestGolden checks the JSON of the fixture against testdata; run with
// -update to rewrite it after an intended change.
func TestGolden(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ name, user, path string }{
		{"list_admin", "admin", "/api/v1/tickets"},
		{"list_community", "community", "/api/v1/tickets"},
		{"detail_admin", "admin", "/api/v1/tickets/2"},
		{"me_leader", "leader", "/api/v1/me"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, f.login(t, tt.user), tt.path)
			var buf bytes.Buffer
			if err := json.Indent(&buf, r.body, "", "  "); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".json")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%s differs from %s (run go test -update):\n%s", tt.path, path, buf.Bytes())
			}
		})
	}
}

// BenchmarkTicketsPage measures one /tickets page of 50 rows over 1,000
// tickets, through the whole handler stack and a real SQLite store.
func BenchmarkTicketsPage(b *testing.B) {
	f := newFixture(b)
	var many []core.Ticket
	for i := range 1000 {
		tk := fixtureTickets()[i%3]
		tk.Number = fmt.Sprintf("B%05d", i)
		tk.ReceivedAt = at("2024-06-01 08:00").Add(time.Duration(i) * time.Hour)
		many = append(many, tk)
	}
	if _, err := f.store.UpsertTickets(context.Background(), many, "bench"); err != nil {
		b.Fatal(err)
	}
	c := f.login(b, "community")
	for b.Loop() {
		resp, err := c.Get(f.srv.URL + "/tickets?intent=" + url.QueryEscape("咨询"))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
