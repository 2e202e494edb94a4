package account

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

var now = time.Date(2025, 3, 3, 10, 0, 0, 0, core.StreetTime)

// registry is the street of the tests: two communities, one with a unit
// of its own, and a department.
var (
	testAreas = core.Areas{Communities: []core.Community{{Code: "QHW01", Name: "望春园社区"}, {Code: "QHW02", Name: "柳荫里社区"}}}
	testUnits = []core.Unit{
		{Code: "C01", Name: "望春园社区", Kind: core.UnitCommunity, Community: "QHW01"},
		{Code: "D01", Name: "城市管理办公室", Kind: core.UnitDepartment},
	}
)

// newService returns a Service on a fresh SQLite store; with registry, the
// store holds the test street's units and communities.
func newService(t *testing.T, registry bool) (*Service, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jiceng.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if registry {
		if err := st.ReplaceAreas(ctx, testAreas); err != nil {
			t.Fatal(err)
		}
		if err := st.ReplaceUnits(ctx, testUnits); err != nil {
			t.Fatal(err)
		}
	}
	return &Service{Store: st, Clock: func() time.Time { return now }}, st
}

// wantErr fails unless err has code and a message containing msg (and, when
// field is set, names that field).
func wantErr(t *testing.T, err error, code, field, msg string) {
	t.Helper()
	if core.ErrorCode(err) != code || !strings.Contains(core.ErrorMessage(err), msg) {
		t.Fatalf("got %v, want %s containing %q", err, code, msg)
	}
	var fe *core.FieldError
	if field != "" && (!errors.As(err, &fe) || fe.Field != field) {
		t.Fatalf("got %v, want an error about the field %q", err, field)
	}
}

func TestCreate(t *testing.T) {
	tests := []struct {
		name     string
		registry bool
		in       NewUser
		// wantUnit is the scope stored; wantCode and wantMsg an error.
		wantUnit                  string
		wantCode, wantField, want string
	}{
		{"staff with a password", true, NewUser{Username: "zhang", Name: "张三", Role: core.RoleStaff, Password: "春天的第十个早晨八点钟"}, "", "", "", ""},
		{"admin with a generated password", true, NewUser{Username: "admin", Role: core.RoleAdmin}, "", "", "", ""},
		{"handler by unit name", true, NewUser{Username: "hd01", Role: core.RoleHandler, Unit: "城市管理办公室"}, "城市管理办公室", "", "", ""},
		{"handler by unit code", true, NewUser{Username: "hd02", Role: core.RoleHandler, Unit: "D01"}, "城市管理办公室", "", "", ""},
		{"community worker by name", true, NewUser{Username: "cw01", Role: core.RoleCommunity, Unit: "柳荫里社区"}, "柳荫里社区", "", "", ""},
		{"community worker by community code", true, NewUser{Username: "cw02", Role: core.RoleCommunity, Unit: "QHW01"}, "望春园社区", "", "", ""},
		{"community worker by its unit's code", true, NewUser{Username: "cw03", Role: core.RoleCommunity, Unit: "C01"}, "望春园社区", "", "", ""},
		{"any unit before the registry is loaded", false, NewUser{Username: "hd03", Role: core.RoleHandler, Unit: "热力公司"}, "热力公司", "", "", ""},
		{"spaces around the username", true, NewUser{Username: "  li.si ", Role: core.RoleLeader}, "", "", "", ""},

		{"taken username", true, NewUser{Username: "taken", Role: core.RoleStaff}, "", core.ECONFLICT, "username", "已被占用"},
		{"username with capitals", true, NewUser{Username: "Zhang", Role: core.RoleStaff}, "", core.EINVALID, "username", "小写字母"},
		{"username of one character", true, NewUser{Username: "z", Role: core.RoleStaff}, "", core.EINVALID, "username", "2 至 32"},
		{"empty username", true, NewUser{Role: core.RoleStaff}, "", core.EINVALID, "username", "请填写用户名"},
		{"unknown role", true, NewUser{Username: "x1", Role: "root"}, "", core.EINVALID, "role", "未知角色“root”"},
		{"no role", true, NewUser{Username: "x2"}, "", core.EINVALID, "role", "请选择角色"},
		{"handler without unit", true, NewUser{Username: "x3", Role: core.RoleHandler}, "", core.EINVALID, "unit", "承办单位"},
		{"community worker without community", true, NewUser{Username: "x4", Role: core.RoleCommunity}, "", core.EINVALID, "unit", "所属的社区"},
		{"unit not in the registry", true, NewUser{Username: "x5", Role: core.RoleHandler, Unit: "热力公司"}, "", core.EINVALID, "unit", "不在单位名录中"},
		{"community not in the registry", true, NewUser{Username: "x6", Role: core.RoleCommunity, Unit: "青石社区"}, "", core.EINVALID, "unit", "不在区域名录中"},
		{"a department is not a community", true, NewUser{Username: "x7", Role: core.RoleCommunity, Unit: "D01"}, "", core.EINVALID, "unit", "不在区域名录中"},
		{"staff with a unit", true, NewUser{Username: "x8", Role: core.RoleStaff, Unit: "D01"}, "", core.EINVALID, "unit", "看全街道的工单"},
		{"short password", true, NewUser{Username: "x9", Role: core.RoleStaff, Password: "short"}, "", core.EINVALID, "password", "至少需要 10 个字符"},
		{"password is the username", true, NewUser{Username: "wangwu2025", Role: core.RoleStaff, Password: "wangwu2025"}, "", core.EINVALID, "password", "不能与用户名相同"},
		{"name with a newline", true, NewUser{Username: "x10", Name: "张\n三", Role: core.RoleStaff}, "", core.EINVALID, "name", "姓名"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, st := newService(t, tt.registry)
			if _, _, err := s.Create(ctx, NewUser{Username: "taken", Role: core.RoleStaff}); err != nil {
				t.Fatal(err)
			}
			u, password, err := s.Create(ctx, tt.in)
			if tt.wantCode != "" {
				wantErr(t, err, tt.wantCode, tt.wantField, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.in.Password != "" && password != tt.in.Password {
				t.Errorf("password in force %q, want the one given", password)
			}
			if tt.in.Password == "" && !generatedRE.MatchString(password) {
				t.Errorf("generated password %q", password)
			}
			stored, err := st.UserByUsername(ctx, strings.TrimSpace(tt.in.Username))
			if err != nil {
				t.Fatal(err)
			}
			if stored.ID != u.ID || stored.Role != tt.in.Role || stored.Unit != tt.wantUnit || stored.Name != tt.in.Name ||
				stored.Disabled || !stored.CreatedAt.Equal(now) || strings.Contains(stored.PasswordHash, password) {
				t.Errorf("stored %+v", stored)
			}
			if got, err := s.SignIn(ctx, stored.Username, password); err != nil || got.ID != u.ID {
				t.Errorf("sign in with the password in force: %+v, %v", got, err)
			}
		})
	}
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, true)
	for _, nu := range []NewUser{
		{Username: "zhang", Role: core.RoleStaff, Password: "zhang-password"},
		{Username: "gone", Role: core.RoleStaff, Password: "gone-password"},
		{Username: "admin", Role: core.RoleAdmin, Password: "admin-password"},
	} {
		if _, _, err := s.Create(ctx, nu); err != nil {
			t.Fatal(err)
		}
	}
	gone, _ := s.ByUsername(ctx, "gone")
	if _, err := s.Disable(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, username, password string
		why                      string // "" for a sign-in
	}{
		{"right password", "zhang", "zhang-password", ""},
		{"wrong password", "zhang", "zhang-passwort", "wrong password"},
		{"unknown user", "nobody", "zhang-password", "unknown user"},
		{"disabled, right password", "gone", "gone-password", "account disabled"},
		{"disabled, wrong password", "gone", "wrong-password", "wrong password"},
		{"empty password", "zhang", "", "wrong password"},
		{"empty username", "", "zhang-password", "wrong password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.SignIn(ctx, tt.username, tt.password)
			if tt.why == "" {
				if err != nil || u.Username != tt.username {
					t.Fatalf("got %+v, %v", u, err)
				}
				return
			}
			// One answer for every refusal; the reason is for the log.
			wantErr(t, err, core.EUNAUTHORIZED, "", "用户名或密码错误")
			if core.ErrorMessage(err) != "用户名或密码错误" || RefusalReason(err) != tt.why || u.ID != 0 {
				t.Fatalf("got %+v, %v (%q); want the refusal for %q", u, err, RefusalReason(err), tt.why)
			}
		})
	}
	if RefusalReason(errors.New("disk full")) != "" {
		t.Error("a store error has a refusal reason")
	}
}

// session signs u in with a fresh session token.
func session(t *testing.T, st *sqlite.DB, u core.User, token string) {
	t.Helper()
	if err := st.CreateSession(context.Background(), core.Session{Token: token, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

func signedIn(st *sqlite.DB, token string) bool {
	_, err := st.SessionUser(context.Background(), token)
	return err == nil
}

func TestPasswords(t *testing.T) {
	const old = "zhang-old-password"
	tests := []struct {
		name   string
		change func(s *Service, u core.User) (string, error) // returns the new password
		// wantCode: the change is refused (the old password stays).
		wantCode, wantField, want string
	}{
		{"reset to a generated password", func(s *Service, u core.User) (string, error) {
			return s.SetPassword(context.Background(), u.ID, "")
		}, "", "", ""},
		{"reset to a typed password", func(s *Service, u core.User) (string, error) {
			return s.SetPassword(context.Background(), u.ID, "新的密码-已经够长了")
		}, "", "", ""},
		{"reset to a short password", func(s *Service, u core.User) (string, error) {
			return s.SetPassword(context.Background(), u.ID, "short")
		}, core.EINVALID, "password", "至少需要"},
		{"reset of an unknown account", func(s *Service, u core.User) (string, error) {
			return s.SetPassword(context.Background(), 4242, "")
		}, core.ENOTFOUND, "", "用户不存在"},
		{"change my password", func(s *Service, u core.User) (string, error) {
			return "我自己选的新密码-2025", s.ChangePassword(context.Background(), u.ID, old, "我自己选的新密码-2025")
		}, "", "", ""},
		{"change with a wrong current password", func(s *Service, u core.User) (string, error) {
			return "", s.ChangePassword(context.Background(), u.ID, "not-the-password", "我自己选的新密码-2025")
		}, core.EINVALID, "current", "当前密码不正确"},
		{"change to the same password", func(s *Service, u core.User) (string, error) {
			return "", s.ChangePassword(context.Background(), u.ID, old, old)
		}, core.EINVALID, "password", "不能与当前密码相同"},
		{"change to the username", func(s *Service, u core.User) (string, error) {
			return "", s.ChangePassword(context.Background(), u.ID, old, "zhangsan01")
		}, core.EINVALID, "password", "不能与用户名相同"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, st := newService(t, false)
			u, _, err := s.Create(ctx, NewUser{Username: "zhangsan01", Role: core.RoleStaff, Password: old})
			if err != nil {
				t.Fatal(err)
			}
			session(t, st, u, "tok-1")
			session(t, st, u, "tok-2")
			password, err := tt.change(s, u)
			if tt.wantCode != "" {
				wantErr(t, err, tt.wantCode, tt.wantField, tt.want)
				if _, err := s.SignIn(ctx, u.Username, old); err != nil {
					t.Errorf("the old password stopped working: %v", err)
				}
				if !signedIn(st, "tok-1") {
					t.Error("a refused change ended the sessions")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SignIn(ctx, u.Username, password); err != nil {
				t.Errorf("the new password does not work: %v", err)
			}
			if _, err := s.SignIn(ctx, u.Username, old); err == nil {
				t.Error("the old password still works")
			}
			if signedIn(st, "tok-1") || signedIn(st, "tok-2") {
				t.Error("sessions survived the new password")
			}
			got, _ := s.User(ctx, u.ID)
			if !got.PasswordChangedAt.Equal(now) {
				t.Errorf("password changed at %v, want the store's clock %v", got.PasswordChangedAt, now)
			}
		})
	}
}

func TestRolesAndDisable(t *testing.T) {
	type step struct {
		do       func(s *Service, ids map[string]int64) error
		wantCode string
		want     string
	}
	setRole := func(name, role, unit string) func(*Service, map[string]int64) error {
		return func(s *Service, ids map[string]int64) error {
			_, err := s.SetRole(context.Background(), ids[name], role, unit)
			return err
		}
	}
	disable := func(name string) func(*Service, map[string]int64) error {
		return func(s *Service, ids map[string]int64) error {
			_, err := s.Disable(context.Background(), ids[name])
			return err
		}
	}
	enable := func(name string) func(*Service, map[string]int64) error {
		return func(s *Service, ids map[string]int64) error {
			_, err := s.Enable(context.Background(), ids[name])
			return err
		}
	}
	tests := []struct {
		name  string
		steps []step
		// want: each account's role, unit and disabled flag at the end.
		want map[string]core.User
	}{
		{"the only admin cannot be disabled", []step{{disable("admin"), core.ECONFLICT, "最后一个启用的数据管理员"}},
			map[string]core.User{"admin": {Role: core.RoleAdmin}}},
		{"the only admin cannot be demoted", []step{{setRole("admin", core.RoleStaff, ""), core.ECONFLICT, "不能更改其角色"}},
			map[string]core.User{"admin": {Role: core.RoleAdmin}}},
		{"an admin stays admin", []step{{setRole("admin", core.RoleAdmin, ""), "", ""}},
			map[string]core.User{"admin": {Role: core.RoleAdmin}}},
		{"with a second admin, the first can go", []step{
			{setRole("zhang", core.RoleAdmin, ""), "", ""},
			{disable("admin"), "", ""},
			{disable("zhang"), core.ECONFLICT, "最后一个"},
		}, map[string]core.User{"admin": {Role: core.RoleAdmin, Disabled: true}, "zhang": {Role: core.RoleAdmin}}},
		{"a disabled admin does not count", []step{
			{setRole("zhang", core.RoleAdmin, ""), "", ""},
			{disable("zhang"), "", ""},
			{setRole("admin", core.RoleLeader, ""), core.ECONFLICT, "最后一个"},
			{enable("zhang"), "", ""},
			{setRole("admin", core.RoleLeader, ""), "", ""},
		}, map[string]core.User{"admin": {Role: core.RoleLeader}, "zhang": {Role: core.RoleAdmin}}},
		{"staff becomes a handler with a unit", []step{{setRole("zhang", core.RoleHandler, "D01"), "", ""}},
			map[string]core.User{"zhang": {Role: core.RoleHandler, Unit: "城市管理办公室"}}},
		{"a handler becomes staff and loses the unit", []step{
			{setRole("zhang", core.RoleHandler, "城市管理办公室"), "", ""},
			{setRole("zhang", core.RoleStaff, ""), "", ""},
		}, map[string]core.User{"zhang": {Role: core.RoleStaff}}},
		{"a handler needs a unit", []step{{setRole("zhang", core.RoleHandler, ""), core.EINVALID, "承办单位"}},
			map[string]core.User{"zhang": {Role: core.RoleStaff}}},
		{"a community worker needs a known community", []step{{setRole("zhang", core.RoleCommunity, "青石社区"), core.EINVALID, "不在区域名录中"}},
			map[string]core.User{"zhang": {Role: core.RoleStaff}}},
		{"unknown role", []step{{setRole("zhang", "superuser", ""), core.EINVALID, "未知角色"}},
			map[string]core.User{"zhang": {Role: core.RoleStaff}}},
		{"disable and enable twice", []step{
			{disable("zhang"), "", ""}, {disable("zhang"), "", ""}, {enable("zhang"), "", ""}, {enable("zhang"), "", ""},
		}, map[string]core.User{"zhang": {Role: core.RoleStaff}}},
		{"unknown account", []step{{disable("nobody"), core.ENOTFOUND, "用户不存在"}, {setRole("nobody", core.RoleStaff, ""), core.ENOTFOUND, ""}},
			map[string]core.User{"zhang": {Role: core.RoleStaff}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, _ := newService(t, true)
			ids := map[string]int64{"nobody": 4242}
			for _, nu := range []NewUser{{Username: "admin", Role: core.RoleAdmin}, {Username: "zhang", Role: core.RoleStaff}} {
				u, _, err := s.Create(ctx, nu)
				if err != nil {
					t.Fatal(err)
				}
				ids[nu.Username] = u.ID
			}
			for i, st := range tt.steps {
				err := st.do(s, ids)
				if st.wantCode == "" && err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				if st.wantCode != "" {
					wantErr(t, err, st.wantCode, "", st.want)
				}
			}
			for name, want := range tt.want {
				got, err := s.ByUsername(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if got.Role != want.Role || got.Unit != want.Unit || got.Disabled != want.Disabled {
					t.Errorf("%s: role %s, unit %q, disabled %v; want %s, %q, %v", name, got.Role, got.Unit, got.Disabled,
						want.Role, want.Unit, want.Disabled)
				}
			}
		})
	}
}

// TestDisableEndsSessions: a disabled account is signed out at once and
// cannot sign in; enabled again, it signs in with its password.
func TestDisableEndsSessions(t *testing.T) {
	ctx := context.Background()
	s, st := newService(t, false)
	u, password, err := s.Create(ctx, NewUser{Username: "zhang", Role: core.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	session(t, st, u, "tok")
	if _, err := s.Disable(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if signedIn(st, "tok") {
		t.Error("the session survived the disable")
	}
	if _, err := s.SignIn(ctx, "zhang", password); RefusalReason(err) != "account disabled" {
		t.Errorf("sign-in of a disabled account: %v", err)
	}
	if _, err := s.Enable(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, "zhang", password); err != nil {
		t.Errorf("sign-in after enabling: %v", err)
	}
	session(t, st, u, "tok-2")
	session(t, st, u, "tok-3")
	if err := s.SignOutEverywhere(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if signedIn(st, "tok-2") || signedIn(st, "tok-3") {
		t.Error("a session survived signing out everywhere")
	}
}

// TestLastAdminConcurrently: two administrators disabling each other at
// the same moment leave one of them enabled.
func TestLastAdminConcurrently(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, false)
	var ids []int64
	for _, name := range []string{"admin1", "admin2"} {
		u, _, err := s.Create(ctx, NewUser{Username: name, Role: core.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range ids {
		wg.Go(func() { _, errs[i] = s.Disable(ctx, id) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("errors %v and %v: want exactly one refusal", errs[0], errs[1])
	}
	if n, err := s.Admins(ctx); err != nil || n != 1 {
		t.Fatalf("%d enabled admins (%v), want 1", n, err)
	}
}
