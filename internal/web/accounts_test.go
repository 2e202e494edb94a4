package web

import (
	"bytes"
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"jiceng/internal/core"
)

// syncBuffer is a log sink that the server's goroutines can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// accountsFixture is the fixture street served with its log kept.
func accountsFixture(t *testing.T) (*fixture, *syncBuffer) {
	t.Helper()
	f := newFixture(t)
	logs := &syncBuffer{}
	f.server = &Server{Store: f.store, Clock: fixedClock, Log: slog.New(slog.NewTextHandler(logs, nil))}
	f.srv = httptest.NewServer(f.server.Handler())
	t.Cleanup(f.srv.Close)
	return f, logs
}

// postForm posts form with the client's form token to path.
func (f *fixture) postForm(t *testing.T, c *http.Client, path string, form url.Values) response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", csrfToken(sessionOf(t, f, c)))
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// signIn posts the sign-in form and returns the answer and the client.
func (f *fixture) signIn(t *testing.T, username, password string) (response, *http.Client) {
	t.Helper()
	c := f.client(t)
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/login",
		strings.NewReader(url.Values{"username": {username}, "password": {password}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req), c
}

var shownPasswordRE = regexp.MustCompile(`<code class="password">([^<]+)</code>`)

// shownPassword is the password a page shows once.
func shownPassword(t *testing.T, r response) string {
	t.Helper()
	m := shownPasswordRE.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("no password shown: %d %.400s", r.status, r.body)
	}
	return string(m[1])
}

// signedInAs reports whether c's session still works.
func (f *fixture) signedInAs(t *testing.T, c *http.Client) bool {
	t.Helper()
	r := f.get(t, c, "/account")
	return r.status == http.StatusOK
}

func (f *fixture) userID(t *testing.T, username string) string {
	t.Helper()
	u, err := f.store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(u.ID, 10)
}

// TestUsersPage: an administrator creates accounts (password generated and
// shown once, or typed), and the form refuses what package account refuses,
// with the form kept and every value escaped.
func TestUsersPage(t *testing.T) {
	f, _ := accountsFixture(t)
	admin := f.login(t, "admin")

	r := f.get(t, admin, "/admin/users")
	for _, want := range []string{"用户管理", "数据管理员", "cw01", "望春园社区", "城市管理办公室", "未指定（看不到任何工单）", "新建账号"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("users page lacks %q", want)
		}
	}
	if r.status != http.StatusOK || bytes.Contains(r.body, []byte("$argon2id$")) {
		t.Fatalf("users page: %d, or it shows a password hash", r.status)
	}

	tests := []struct {
		name   string
		form   url.Values
		status int
		want   []string // in the page
		// signIn: the new account signs in with the password shown (or
		// the one typed).
		signIn string
	}{
		{"generated password", url.Values{"username": {"zhao"}, "name": {"赵六"}, "role": {core.RoleStaff}}, http.StatusOK,
			[]string{"已创建账号 zhao", "只显示这一次"}, "shown"},
		{"typed password", url.Values{"username": {"qian"}, "role": {core.RoleLeader}, "password": {"钱七的密码已经足够长了"}}, http.StatusOK,
			[]string{"已创建账号 qian", "密码为您填写的密码"}, "钱七的密码已经足够长了"},
		{"handler with a unit from the picker", url.Values{"username": {"hd02"}, "role": {core.RoleHandler}, "unit": {"社会保障事务所"},
			"community": {"柳荫里社区"}}, http.StatusOK, []string{"已创建账号 hd02"}, "shown"},
		{"community worker with a community", url.Values{"username": {"cw02"}, "role": {core.RoleCommunity}, "unit": {"D01"},
			"community": {"柳荫里社区"}}, http.StatusOK, []string{"已创建账号 cw02"}, "shown"},
		{"staff ignore the pickers", url.Values{"username": {"sun"}, "role": {core.RoleStaff}, "unit": {"D01"}}, http.StatusOK,
			[]string{"已创建账号 sun"}, "shown"},
		{"taken username", url.Values{"username": {"staff"}, "role": {core.RoleStaff}}, http.StatusConflict,
			[]string{"用户名 staff 已被占用", `value="staff"`}, ""},
		{"short password", url.Values{"username": {"li"}, "role": {core.RoleStaff}, "password": {"short"}}, http.StatusBadRequest,
			[]string{"密码太短"}, ""},
		{"handler without unit", url.Values{"username": {"hd03"}, "role": {core.RoleHandler}}, http.StatusBadRequest,
			[]string{"部门承办人须指定所属的承办单位"}, ""},
		{"unknown community", url.Values{"username": {"cw03"}, "role": {core.RoleCommunity}, "community": {"青石社区"}}, http.StatusBadRequest,
			[]string{"不在区域名录中"}, ""},
		{"unknown role", url.Values{"username": {"x1"}, "role": {"root"}}, http.StatusBadRequest, []string{"未知角色"}, ""},
		{"script in the name is escaped", url.Values{"username": {"zhou"}, "name": {`<script>alert(1)</script>`}, "role": {"root"}},
			http.StatusBadRequest, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.postForm(t, admin, "/admin/users", tt.form)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.400s", r.status, tt.status, r.body)
			}
			for _, want := range tt.want {
				if !strings.Contains(string(r.body), want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if bytes.Contains(r.body, []byte("<script>alert")) {
				t.Error("a form value is shown unescaped")
			}
			if tt.signIn == "" {
				if shownPasswordRE.Match(r.body) {
					t.Error("a refused form shows a password")
				}
				return
			}
			password := tt.signIn
			if password == "shown" {
				password = html.UnescapeString(shownPassword(t, r))
			} else if shownPasswordRE.Match(r.body) {
				t.Error("a typed password is shown")
			}
			if r, _ := f.signIn(t, tt.form.Get("username"), password); r.status != http.StatusSeeOther {
				t.Errorf("sign-in of the new account: %d", r.status)
			}
			// The password is shown in this answer only.
			if again := f.get(t, admin, "/admin/users"); bytes.Contains(again.body, []byte(password)) {
				t.Error("the users page shows the password again")
			}
		})
	}
	for name, want := range map[string]string{"hd02": "社会保障事务所", "cw02": "柳荫里社区", "sun": ""} {
		if u, err := f.store.UserByUsername(context.Background(), name); err != nil || u.Unit != want {
			t.Errorf("%s: unit %q (%v), want %q", name, u.Unit, err, want)
		}
	}
}

// TestUserActions: disable (the account is signed out at once and cannot
// sign in; the log says why without naming it), enable, reset the
// password, change the role; the administrator cannot disable
// themselves, nor leave the street without an administrator.
func TestUserActions(t *testing.T) {
	f, logs := accountsFixture(t)
	admin := f.login(t, "admin")
	staff := f.login(t, "staff")
	id := f.userID(t, "staff")

	// Disable: signed out at once, cannot sign in, counts for the throttle.
	r := f.postForm(t, admin, "/admin/users/"+id+"/disable", nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/users?done=disabled&user="+id {
		t.Fatalf("disable: %d %q", r.status, r.header.Get("Location"))
	}
	if page := f.get(t, admin, r.header.Get("Location")); !bytes.Contains(page.body, []byte("已停用账号 staff")) ||
		!bytes.Contains(page.body, []byte("已停用")) {
		t.Errorf("users page after the disable: %.300s", page.body)
	}
	if f.signedInAs(t, staff) {
		t.Error("the disabled account's session still works")
	}
	r, _ = f.signIn(t, "staff", testPasswords["staff"])
	if r.status != http.StatusUnauthorized || !bytes.Contains(r.body, []byte("用户名或密码错误")) {
		t.Fatalf("sign-in of a disabled account: %d", r.status)
	}
	refused := regexp.MustCompile(`(?m)^.*login refused.*$`).FindString(logs.String())
	if !strings.Contains(refused, `reason="account disabled"`) || strings.Contains(refused, "staff") ||
		strings.Contains(logs.String(), testPasswords["staff"]) {
		t.Errorf("log of the refused sign-in: %q", refused)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
	req.SetBasicAuth("staff", testPasswords["staff"])
	if r := do(t, f.client(t), req); r.status != http.StatusUnauthorized {
		t.Errorf("Basic auth of a disabled account: %d", r.status)
	}
	for range accountFreeFailures - 2 {
		f.signIn(t, "staff", testPasswords["staff"])
	}
	if r, _ := f.signIn(t, "staff", testPasswords["staff"]); r.status != http.StatusTooManyRequests ||
		!bytes.Contains(r.body, []byte("登录失败次数过多")) {
		t.Errorf("sign-ins of a disabled account are not throttled: %d", r.status)
	}
	f.server.throttle.clear("user:staff")

	// Enable: the old password works again.
	if r := f.postForm(t, admin, "/admin/users/"+id+"/enable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.status)
	}
	if r, _ := f.signIn(t, "staff", testPasswords["staff"]); r.status != http.StatusSeeOther {
		t.Fatalf("sign-in after enabling: %d", r.status)
	}

	// Reset: a generated password shown once; the sessions end.
	staff = f.login(t, "staff")
	r = f.postForm(t, admin, "/admin/users/"+id+"/password", nil)
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("已重置账号 staff 的密码")) {
		t.Fatalf("reset: %d %.300s", r.status, r.body)
	}
	password := html.UnescapeString(shownPassword(t, r))
	if f.signedInAs(t, staff) {
		t.Error("a session survived the reset")
	}
	if r, _ := f.signIn(t, "staff", testPasswords["staff"]); r.status != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", r.status)
	}
	if r, _ := f.signIn(t, "staff", password); r.status != http.StatusSeeOther {
		t.Errorf("the new password does not work: %d", r.status)
	}

	// Role and scope, from the pickers of the edit form.
	if r := f.get(t, admin, "/admin/users?edit="+id); !bytes.Contains(r.body, []byte(`action="/admin/users/`+id+`/role"`)) ||
		!bytes.Contains(r.body, []byte("修改账号 staff 的角色和范围")) {
		t.Errorf("the edit form is not shown: %.300s", r.body)
	}
	if r := f.get(t, admin, "/admin/users"); bytes.Contains(r.body, []byte(`/role"`)) {
		t.Error("the users page shows an edit form unasked")
	}
	for _, tt := range []struct {
		form     url.Values
		status   int
		wantRole string
		wantUnit string
	}{
		{url.Values{"role": {core.RoleHandler}, "unit": {"城市管理办公室"}}, http.StatusSeeOther, core.RoleHandler, "城市管理办公室"},
		{url.Values{"role": {core.RoleCommunity}, "community": {"柳荫里社区"}, "unit": {"城市管理办公室"}}, http.StatusSeeOther, core.RoleCommunity, "柳荫里社区"},
		{url.Values{"role": {core.RoleHandler}}, http.StatusBadRequest, core.RoleCommunity, "柳荫里社区"}, // the form stays open
		{url.Values{"role": {core.RoleStaff}, "community": {"柳荫里社区"}}, http.StatusSeeOther, core.RoleStaff, ""},
	} {
		r := f.postForm(t, admin, "/admin/users/"+id+"/role", tt.form)
		u, _ := f.store.UserByUsername(context.Background(), "staff")
		if r.status != tt.status || u.Role != tt.wantRole || u.Unit != tt.wantUnit {
			t.Errorf("role %v: %d, now %s %q; want %d, %s %q", tt.form, r.status, u.Role, u.Unit, tt.status, tt.wantRole, tt.wantUnit)
		}
		if r.status == http.StatusBadRequest && !bytes.Contains(r.body, []byte(`action="/admin/users/`+id+`/role"`)) {
			t.Error("a refused role change closes its form")
		}
	}

	// Not oneself, and never the last administrator.
	adminID := f.userID(t, "admin")
	for _, tt := range []struct{ path, want string }{
		{"/admin/users/" + adminID + "/disable", "不能停用自己的账号"},
		{"/admin/users/" + adminID + "/password", "我的账号"},
		{"/admin/users/" + adminID + "/role", "最后一个启用的数据管理员"},
	} {
		r := f.postForm(t, admin, tt.path, url.Values{"role": {core.RoleLeader}})
		if r.status != http.StatusConflict || !bytes.Contains(r.body, []byte(tt.want)) {
			t.Errorf("%s: %d, want 409 with %q", tt.path, r.status, tt.want)
		}
	}
	if u, _ := f.store.UserByUsername(context.Background(), "admin"); u.Role != core.RoleAdmin || u.Disabled {
		t.Errorf("the last admin is now %+v", u)
	}
	if !f.signedInAs(t, admin) {
		t.Error("the administrator was signed out")
	}
	if r := f.postForm(t, admin, "/admin/users/999999/disable", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown account: %d", r.status)
	}
	if r := f.postForm(t, admin, "/admin/users/abc/enable", nil); r.status != http.StatusNotFound {
		t.Errorf("bad account id: %d", r.status)
	}
	// The form token is required.
	req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/admin/users/"+id+"/disable", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, admin, req); r.status != http.StatusForbidden {
		t.Errorf("disable without the form token: %d", r.status)
	}
}

// TestAccountPage: every user changes their own password (current + new
// twice; then signs in again everywhere) and signs out everywhere.
func TestAccountPage(t *testing.T) {
	f, _ := accountsFixture(t)
	const fresh = "我的新密码-2025年春"
	for _, user := range []string{"resident", "hd01"} {
		t.Run(user, func(t *testing.T) {
			c := f.login(t, user)
			other := f.login(t, user) // another device
			r := f.get(t, c, "/account")
			if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("修改密码")) || !bytes.Contains(r.body, []byte(user)) {
				t.Fatalf("account page: %d", r.status)
			}
			for _, tt := range []struct {
				name string
				form url.Values
				want string
			}{
				{"wrong current password", url.Values{"current": {"wrong"}, "password": {fresh}, "password2": {fresh}}, "当前密码不正确"},
				{"not the same twice", url.Values{"current": {testPasswords[user]}, "password": {fresh}, "password2": {fresh + "x"}}, "两次输入的新密码不一致"},
				{"too short", url.Values{"current": {testPasswords[user]}, "password": {"short"}, "password2": {"short"}}, "密码太短"},
			} {
				r := f.postForm(t, c, "/account/password", tt.form)
				if r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte(tt.want)) {
					t.Errorf("%s: %d, want 400 with %q", tt.name, r.status, tt.want)
				}
			}
			if !f.signedInAs(t, c) {
				t.Fatal("a refused change signed the user out")
			}
			r = f.postForm(t, c, "/account/password", url.Values{"current": {testPasswords[user]}, "password": {fresh}, "password2": {fresh}})
			if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("密码已修改")) {
				t.Fatalf("change: %d %.300s", r.status, r.body)
			}
			if f.signedInAs(t, c) || f.signedInAs(t, other) {
				t.Error("a session survived the password change")
			}
			if r, _ := f.signIn(t, user, testPasswords[user]); r.status != http.StatusUnauthorized {
				t.Errorf("old password: %d", r.status)
			}
			r, c = f.signIn(t, user, fresh)
			if r.status != http.StatusSeeOther {
				t.Fatalf("new password: %d", r.status)
			}
			_, other = f.signIn(t, user, fresh)

			// Sign out everywhere.
			r = f.postForm(t, c, "/account/logout", nil)
			if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("已在所有设备上退出登录")) {
				t.Fatalf("sign out everywhere: %d", r.status)
			}
			if f.signedInAs(t, c) || f.signedInAs(t, other) {
				t.Error("a session survived signing out everywhere")
			}
		})
	}
	// The navigation links.
	admin := f.login(t, "admin")
	if r := f.get(t, admin, "/account"); !bytes.Contains(r.body, []byte(`href="/admin/users"`)) {
		t.Error("an administrator's page lacks the link to the users page")
	}
	staff := f.login(t, "staff")
	if r := f.get(t, staff, "/account"); bytes.Contains(r.body, []byte(`href="/admin/users"`)) ||
		!bytes.Contains(r.body, []byte(`href="/account"`)) {
		t.Error("staff's page: link to the users page, or none to the account page")
	}
}
