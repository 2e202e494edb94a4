package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/account"
	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

// printedPasswordRE finds the password a command prints once.
var printedPasswordRE = regexp.MustCompile(`的密码（只显示这一次[^\n]*\n\s+(\S+)`)

// signInWith reports whether username signs in to the database at path
// with password.
func signInWith(t *testing.T, path, username, password string) bool {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = (&account.Service{Store: db}).SignIn(context.Background(), username, password)
	return err == nil
}

// TestUserCommands runs a street's first day at the terminal, step by
// step on one database: init, accounts added, listed, their passwords
// reset, disabled, enabled and given other roles.
func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "street.db")
	passwords := map[string]string{} // printed, by username
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
		// printed: the username whose generated password is printed.
		printed string
	}{
		{"user commands need an existing database", []string{"user", "list", "-db", db}, "", 1, "", "不存在", ""},
		{"init creates the database and the first admin", []string{"init", "-db", db}, "", 0, "已创建数据库: " + db, "", "admin"},
		{"init refuses a second time", []string{"init", "-db", db, "-admin", "boss"}, "", 1, "", "已有 1 个启用的数据管理员账号，未做任何修改", ""},
		{"add with a generated password", []string{"user", "add", "-db", db, "-username", "zhang", "-role", "staff", "-name", "张三"}, "", 0,
			"已创建账号 zhang（街道工作人员）", "", "zhang"},
		{"add with a Chinese role name and a unit", []string{"user", "add", "-db", db, "-username", "hd01", "-role", "部门承办人", "-unit", "城管办"}, "", 0,
			"已创建账号 hd01（部门承办人，范围：城管办）", "", "hd01"},
		{"add with a password from stdin", []string{"user", "add", "-db", db, "-username", "li", "-role", "leader", "-password", "-"},
			"李四的密码已经足够长了\n", 0, "已创建账号 li（街道领导）", "", ""},
		{"add a taken username", []string{"user", "add", "-db", db, "-username", "zhang", "-role", "staff"}, "", 1, "", "用户名 zhang 已被占用", ""},
		{"add a handler without unit", []string{"user", "add", "-db", db, "-username", "hd02", "-role", "handler"}, "", 1, "", "部门承办人须指定所属的承办单位", ""},
		{"add with a short password", []string{"user", "add", "-db", db, "-username", "wang", "-role", "staff", "-password", "short"}, "", 1, "", "密码太短", ""},
		{"add with an unknown role", []string{"user", "add", "-db", db, "-username", "wang", "-role", "root"}, "", 1, "", "未知角色“root”", ""},
		{"add without a username", []string{"user", "add", "-db", db, "-role", "staff"}, "", 1, "", "请填写用户名", ""},
		{"list", []string{"user", "list", "-db", db}, "", 0, "zhang   张三        街道工作人员", "", ""},
		{"passwd generates a new password", []string{"user", "passwd", "-db", db, "-username", "zhang"}, "", 0, "已为账号 zhang 设置新密码", "", "zhang"},
		{"passwd of an unknown account", []string{"user", "passwd", "-db", db, "-username", "nobody"}, "", 1, "", "没有用户名为 nobody 的账号", ""},
		{"the last admin cannot be disabled", []string{"user", "disable", "-db", db, "-username", "admin"}, "", 1, "", "最后一个启用的数据管理员", ""},
		{"the last admin cannot be demoted", []string{"user", "role", "-db", db, "-username", "admin", "-role", "staff"}, "", 1, "", "最后一个启用的数据管理员", ""},
		{"role makes a second admin", []string{"user", "role", "-db", db, "-username", "zhang", "-role", "数据管理员"}, "", 0, "账号 zhang 现为数据管理员", "", ""},
		{"then the first can be disabled", []string{"user", "disable", "-db", db, "-username", "admin"}, "", 0, "已停用账号 admin", "", ""},
		{"disable twice", []string{"user", "disable", "-db", db, "-username", "admin"}, "", 0, "已是停用状态", "", ""},
		{"list shows the disabled", []string{"user", "list", "-db", db}, "", 0, "已停用", "", ""},
		{"enable", []string{"user", "enable", "-db", db, "-username", "admin"}, "", 0, "已启用账号 admin", "", ""},
		{"role with a scope for staff", []string{"user", "role", "-db", db, "-username", "li", "-role", "staff", "-unit", "城管办"}, "", 1, "", "不按单位或社区划分", ""},
		{"role without -username", []string{"user", "role", "-db", db, "-role", "staff"}, "", 2, "", "请用 -username 指定账号", ""},
		{"unknown subcommand", []string{"user", "remove", "-db", db}, "", 2, "", "未知子命令", ""},
		{"no subcommand", []string{"user"}, "", 2, "", "子命令", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; stdout %s; stderr %s", code, tt.wantCode, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q, want containing %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q, want containing %q", errOut.String(), tt.wantErr)
			}
			if strings.Contains(out.String()+errOut.String(), "$argon2id$") {
				t.Error("a password hash is printed")
			}
			m := printedPasswordRE.FindStringSubmatch(out.String())
			if (m != nil) != (tt.printed != "") {
				t.Fatalf("printed password %v, want one for %q:\n%s", m, tt.printed, out.String())
			}
			if m != nil {
				if old, ok := passwords[tt.printed]; ok && signInWith(t, db, tt.printed, old) {
					t.Error("the old password still works")
				}
				passwords[tt.printed] = m[1]
				if !signInWith(t, db, tt.printed, m[1]) {
					t.Errorf("%s does not sign in with the printed password", tt.printed)
				}
			}
		})
	}
	if !signInWith(t, db, "li", "李四的密码已经足够长了") {
		t.Error("li does not sign in with the password from stdin")
	}
	out := new(bytes.Buffer)
	run(context.Background(), []string{"user", "list", "-db", db}, strings.NewReader(""), out, new(bytes.Buffer))
	for _, p := range passwords {
		if strings.Contains(out.String(), p) {
			t.Error("user list prints a password")
		}
	}
}

// TestInitLoadsTaxonomy: init on a new database loads the built-in
// taxonomy, and a database with an own taxonomy keeps it.
func TestInitLoadsTaxonomy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"init", "-db", path, "-admin", "chief", "-name", "王主任"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("init: %d %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "问题分类: 517 项") || !strings.Contains(out.String(), "jiceng serve -db "+path) {
		t.Errorf("init output: %s", out.String())
	}
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByUsername(ctx, "chief")
	if err != nil || u.Role != core.RoleAdmin || u.Name != "王主任" {
		t.Errorf("first admin %+v, %v", u, err)
	}
	cats, err := db.Categories(ctx)
	if err != nil || len(cats) != 517 {
		t.Errorf("%d categories (%v), want the built-in 517", len(cats), err)
	}
	if code := run(ctx, []string{"init", "-db", path, "-admin", "Bad Name"}, strings.NewReader(""), &out, &errOut); code != 1 {
		t.Errorf("init with a bad username: exit %d", code)
	}
}

// TestServeNeedsAnAdmin: serve refuses a database without an enabled
// administrator and prints the command that creates one; after it, serve
// starts and the administrator signs in with the printed password.
func TestServeNeedsAnAdmin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "imported.db")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"registry", "-db", path}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("registry: %d %s", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"serve", "-db", path, "-addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errOut); code != 1 {
		t.Fatalf("serve without an admin: exit %d", code)
	}
	want := "jiceng user add -db " + path + " -username admin -role admin"
	if !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "jiceng init -db "+path) {
		t.Fatalf("serve without an admin says %q, want the command %q", errOut.String(), want)
	}
	out.Reset()
	if code := run(context.Background(), strings.Fields(want)[1:], strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("%s: exit %d: %s", want, code, errOut.String())
	}
	m := printedPasswordRE.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no password printed: %s", out.String())
	}
	stdout, stderr, cancel, done := startCommand(t, "serve", "-addr", "127.0.0.1:0", "-db", path)
	base := stdout.waitURL(t, done, stderr)
	checkServing(t, base, "admin", m[1])
	stopCommand(t, cancel, done, stderr)
}

func TestShellDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"street.db", "street.db"},
		{"/data/jiceng/street.db", "/data/jiceng/street.db"},
		{"my street.db", "'my street.db'"},
		{"街道.db", "'街道.db'"},
		{"it's.db", `'it'\''s.db'`},
		{"postgres://jiceng:secret@db.local:5432/jiceng?sslmode=disable", "'postgres://jiceng:xxxxx@db.local:5432/jiceng?sslmode=disable'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := shellDSN(tt.in); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestInitPostgres: the first run on PostgreSQL creates the schema and the
// first admin; the account commands then work on it like on SQLite.
func TestInitPostgres(t *testing.T) {
	dsn := testPG(t)
	for _, tt := range []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"init", "-db", dsn}, 0, "PostgreSQL，表结构已就绪"},
		{[]string{"init", "-db", dsn}, 1, "已有 1 个启用的数据管理员账号"},
		{[]string{"user", "add", "-db", dsn, "-username", "zhang", "-role", "staff"}, 0, "已创建账号 zhang"},
		{[]string{"user", "disable", "-db", dsn, "-username", "zhang"}, 0, "已停用账号 zhang"},
		{[]string{"user", "list", "-db", dsn}, 0, "已停用"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errOut); code != tt.wantCode ||
			!strings.Contains(out.String()+errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, %s%s; want %d with %q", tt.args[:2], code, out.String(), errOut.String(), tt.wantCode, tt.want)
		}
	}
}
