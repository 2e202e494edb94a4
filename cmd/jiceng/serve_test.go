package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/demo"
	"jiceng/internal/sqlite"
)

// serveOutput collects what a command writes and wakes up waiters on each
// write; the command runs in another goroutine.
type serveOutput struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newServeOutput() *serveOutput { return &serveOutput{changed: make(chan struct{}, 1)} }

func (o *serveOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return o.buf.Write(p)
}

func (o *serveOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

var serveURLRE = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`)

// waitURL waits until the command printed its URL or exited.
func (o *serveOutput) waitURL(t *testing.T, done <-chan int, stderr *serveOutput) string {
	t.Helper()
	for {
		if u := serveURLRE.FindString(o.String()); u != "" {
			return u
		}
		select {
		case <-o.changed:
		case code := <-done:
			t.Fatalf("command exited with %d before serving:\n%s\n%s", code, o.String(), stderr.String())
		}
	}
}

// startCommand runs jiceng with args in a goroutine and returns its output,
// a cancel function and the channel of its exit code.
func startCommand(t *testing.T, args ...string) (stdout, stderr *serveOutput, cancel func(), done chan int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = newServeOutput(), newServeOutput()
	done = make(chan int, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), stdout, stderr) }()
	t.Cleanup(cancel)
	return stdout, stderr, cancel, done
}

func checkServing(t *testing.T, base, username, password string) {
	t.Helper()
	resp, err := http.Get(base + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: got %d, want 200", resp.StatusCode)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = c.PostForm(base+"login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Fatalf("login as %s: got %d, want 303 with a session cookie", username, resp.StatusCode)
	}
}

func stopCommand(t *testing.T, cancel func(), done <-chan int, stderr *serveOutput) {
	t.Helper()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d after cancel, want 0; stderr:\n%s", code, stderr.String())
	}
}

var demoLoginRE = regexp.MustCompile(`(?m)^\s+admin\s+(\S+)\s+数据管理员`)

func TestDemoCommand(t *testing.T) {
	t.Setenv(demoTicketsEnv, "200")
	path := filepath.Join(t.TempDir(), "demo.db")
	// A previous demo database is replaced, not added to.
	if err := os.WriteFile(path, []byte("SQLite format 3\x00old"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, cancel, done := startCommand(t, "demo", "-addr", "127.0.0.1:0", "-db", path, "-seed", "7")
	base := stdout.waitURL(t, done, stderr)
	out := stdout.String()
	for _, want := range []string{"删除并重建", "演示账号", "用户名", "街道领导", "200 件工单"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	m := demoLoginRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no admin login in output:\n%s", out)
	}
	checkServing(t, base, "admin", m[1])
	stopCommand(t, cancel, done, stderr)
}

func TestDemoRefusesNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("我的笔记"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := newServeOutput(), newServeOutput()
	if code := run(context.Background(), []string{"demo", "-db", path}, strings.NewReader(""), stdout, stderr); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if b, _ := os.ReadFile(path); string(b) != "我的笔记" {
		t.Fatal("file was changed")
	}
	if !strings.Contains(stderr.String(), "不是 SQLite 数据库") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

func TestServeCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "street.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := demo.Build(ctx, db, demo.Options{Seed: 3, End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Tickets: 50}, account.HashPassword)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	stdout, stderr, cancel, done := startCommand(t, "serve", "-addr", "127.0.0.1:0", "-db", path)
	base := stdout.waitURL(t, done, stderr)
	checkServing(t, base, st.Logins[0].Username, st.Logins[0].Password)
	stopCommand(t, cancel, done, stderr)
}

// TestServeOpen311Jurisdiction: with -open311-jurisdiction the Open311
// server answers its own jurisdiction_id (and none), and 404 for another.
func TestServeOpen311Jurisdiction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "street.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 3, End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Tickets: 20}, account.HashPassword); err != nil {
		t.Fatal(err)
	}
	db.Close()
	stdout, stderr, cancel, done := startCommand(t, "serve", "-addr", "127.0.0.1:0", "-db", path, "-open311-jurisdiction", "qhw.example.gov.cn")
	base := stdout.waitURL(t, done, stderr)
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"", http.StatusOK}, {"?jurisdiction_id=qhw.example.gov.cn", http.StatusOK}, {"?jurisdiction_id=other.example.org", http.StatusNotFound},
	} {
		resp, err := http.Get(base + "open311/v2/services.json" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("services.json%s: %d, want %d", tt.query, resp.StatusCode, tt.want)
		}
	}
	stopCommand(t, cancel, done, stderr)
}

func TestServeRefusesMissingDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing file", []string{"serve", "-db", path}, 1, "不存在"},
		{"missing file with file: prefix", []string{"serve", "-db", "file:" + path + "?mode=rw"}, 1, "不存在"},
		{"stray argument", []string{"serve", "extra"}, 2, "多余的参数"},
		{"unknown flag", []string{"serve", "-port", "80"}, 2, "-port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := newServeOutput(), newServeOutput()
			if code := run(context.Background(), tt.args, strings.NewReader(""), stdout, stderr); code != tt.code {
				t.Fatalf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Fatalf("stderr lacks %q: %s", tt.want, stderr.String())
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatal("serve created the database file")
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	writeTable(&b, [][]string{{"用户名", "角色"}, {"admin", "数据管理员"}})
	want := "  用户名  角色\n  admin   数据管理员\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}

func TestDemoBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	path := filepath.Join(t.TempDir(), "demo.db")
	stdout, stderr := newServeOutput(), newServeOutput()
	if code := run(context.Background(), []string{"demo", "-addr", ln.Addr().String(), "-db", path},
		strings.NewReader(""), stdout, stderr); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "无法监听") {
		t.Fatalf("stderr: %s", stderr.String())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("demo built a database although it cannot serve it")
	}
}

// TestServeRefusesBadFlags: bad reminder, webhook and policy settings stop
// serve before it opens anything, with a clear message.
func TestServeRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	badPolicy := filepath.Join(dir, "policy.csv")
	if err := os.WriteFile(badPolicy, []byte("target,kind,admin\ncaller_name,name,keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"zero interval", []string{"-remind-every", "0"}, "-remind-every"},
		{"webhook not a URL", []string{"-webhook", "gateway.local/hook?token=secret"}, "-webhook"},
		{"dictionary without the workbench roles", []string{"-dictionary", badPolicy}, "脱敏字典中没有角色"},
		{"the same under the old flag name", []string{"-policy", badPolicy}, "脱敏字典中没有角色"},
		{"missing rates config", []string{"-rates", filepath.Join(dir, "none.csv")}, "口径配置文件"},
		{"jurisdiction with a space", []string{"-open311-jurisdiction", "qhw example"}, "-open311-jurisdiction"},
		{"jurisdiction too long", []string{"-open311-jurisdiction", strings.Repeat("a", 101)}, "-open311-jurisdiction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"serve", "-db", filepath.Join(dir, "x.db")}, tt.args...)
			if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code == 0 {
				t.Fatalf("exit 0, want an error")
			}
			if !strings.Contains(errb.String(), tt.want) || strings.Contains(errb.String(), "secret") {
				t.Errorf("stderr %q, want %q and no token", errb.String(), tt.want)
			}
		})
	}
}
