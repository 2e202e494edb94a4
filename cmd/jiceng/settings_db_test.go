package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/quality"
)

// withStore opens db, calls fn and closes it.
func withStore(t *testing.T, db string, fn func(ctx context.Context, st core.Store)) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db, func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, core.StreetTime) })
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fn(ctx, st)
}

func putTestSetting(t *testing.T, ctx context.Context, st core.Store, name, content string) {
	t.Helper()
	if _, err := st.PutSetting(ctx, name, []byte(content), name+".csv", "admin", time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestEligibilityStoredSettings: "jiceng eligibility -db" lists by the
// street's stored rules and grid workers; -rules and -workers files win.
func TestEligibilityStoredSettings(t *testing.T) {
	const dir = "testdata/eligibility/"
	db := filepath.Join(t.TempDir(), "street.db")
	runExpect(t, []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", dir + "persons.csv"}, 0, "")
	withStore(t, db, func(ctx context.Context, st core.Store) {
		if err := st.ReplaceAreas(ctx, core.Areas{
			Streets:     []core.Street{{Code: "S", Name: "和平街道"}},
			Communities: []core.Community{{Code: "C1", Name: "和平里社区", Street: "S"}, {Code: "C2", Name: "青年沟社区", Street: "S"}},
			Grids: []core.Grid{{Code: "G11", Name: "和平里第一网格", Community: "C1"}, {Code: "G12", Name: "和平里第二网格", Community: "C1"},
				{Code: "G21", Name: "第一网格", Community: "C2"}, {Code: "G22", Name: "第二网格", Community: "C2"}},
		}); err != nil {
			t.Fatal(err)
		}
		putTestSetting(t, ctx, st, core.SettingEligibility, "编号,名称,条件,服务类型,周期,责任人\nT01,本街道七十岁以上走访,年龄 >= 70,上门走访,每月,网格员\n")
		putTestSetting(t, ctx, st, core.SettingGridWorkers, "网格,社区,网格员\n和平里第一网格,,张网格\n第一网格,青年沟社区,李网格\n")
	})
	out, errs := runExpect(t, []string{"eligibility", "-db", db, "-asof", "2026-12-01"}, 0, "精准服务规则：数据库中设置的第 1 版")
	if !strings.Contains(out, ",T01,本街道七十岁以上走访,") || strings.Contains(out, ",R01,") {
		t.Errorf("list not by the stored rules:\n%s", out)
	}
	if !strings.Contains(out, "和平里社区,和平里第一网格,网格员,张网格,T01") || !strings.Contains(errs, "网格员：数据库中设置的第 1 版（2 个网格）") {
		t.Errorf("list without the stored grid workers:\n%s\n%s", out, errs)
	}
	mine, _ := runExpect(t, []string{"eligibility", "-db", db, "-asof", "2026-12-01", "-worker", "张网格"}, 0, "")
	if n := strings.Count(mine, "\n"); n < 2 || strings.Contains(mine, "李网格") || strings.Contains(mine, "青年沟社区") {
		t.Errorf("-worker 张网格:\n%s", mine)
	}
	// Files given on the command line win over the settings.
	def, _ := runExpect(t, []string{"eligibility", "-db", db, "-asof", "2026-12-01", "-workers", dir + "grid_workers.csv", "-rules", writeDefaultRules(t)}, 0, "")
	if strings.Contains(def, "T01") || !strings.Contains(def, ",R01,") || strings.Contains(def, "张网格") || !strings.Contains(def, "网格员甲") {
		t.Errorf("-rules and -workers do not win:\n%s", def)
	}
}

func writeDefaultRules(t *testing.T) string {
	t.Helper()
	out, _ := runExpect(t, []string{"eligibility", "-default-rules"}, 0, "")
	path := filepath.Join(t.TempDir(), "rules.csv")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestQualityStoredChecks: "jiceng quality run -db" checks by the street's
// stored check file, "quality checks -db" prints it; -checks wins.
func TestQualityStoredChecks(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	runExpect(t, []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", "testdata/records_persons.csv"}, 0, "")
	out, _ := runExpect(t, []string{"quality", "checks", "-db", db}, 0, "使用内置检查文件")
	if out != quality.DefaultChecksText() {
		t.Errorf("quality checks -db without a setting: %.200s", out)
	}
	const street = "[person]\n本街道手机号检查: invalid_count(phone) = 0 warn\n"
	withStore(t, db, func(ctx context.Context, st core.Store) {
		putTestSetting(t, ctx, st, core.SettingQualityChecks, street)
	})
	if out, _ := runExpect(t, []string{"quality", "checks", "-db", db}, 0, "第 1 版"); out != street {
		t.Errorf("quality checks -db = %q, want the stored file", out)
	}
	out, _ = runExpect(t, []string{"quality", "run", "-db", db}, 0, "第 1 次检查已保存")
	if !strings.Contains(out, "本街道手机号检查") || strings.Contains(out, "按身份证号年龄超过上限") {
		t.Errorf("run not by the stored check file:\n%s", out)
	}
	own := filepath.Join(t.TempDir(), "own.txt")
	if err := os.WriteFile(own, []byte("[person]\n命令行检查: row_count > 100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _ = runExpect(t, []string{"quality", "run", "-db", db, "-checks", own}, 0, ""); !strings.Contains(out, "命令行检查") || strings.Contains(out, "本街道手机号检查") {
		t.Errorf("-checks does not win:\n%s", out)
	}
	withStore(t, db, func(ctx context.Context, st core.Store) {
		putTestSetting(t, ctx, st, core.SettingQualityChecks, "[person]\nnope(x) = 0\n")
	})
	runExpect(t, []string{"quality", "run", "-db", db}, 1, "第 2 版无法载入")
}

// TestDemoGridWorkers: the demo's table names a worker for every grid of
// the demo street, the demo community logins for a grid of their
// community each, and reads back as an upload would.
func TestDemoGridWorkers(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	withStore(t, db, func(ctx context.Context, st core.Store) {
		street := demo.NewStreet(1)
		if err := st.ReplaceAreas(ctx, street.Areas); err != nil {
			t.Fatal(err)
		}
		if err := st.ReplaceUnits(ctx, street.Units); err != nil {
			t.Fatal(err)
		}
		for _, u := range append(street.Users, street.Clerks...) {
			u.PasswordHash = "!"
			if err := st.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
		}
		e := &env{clock: func() time.Time { return time.Now() }}
		if err := seedDemoSettings(ctx, e, st); err != nil {
			t.Fatal(err)
		}
		w, version, err := (&casework.Service{Store: st}).GridWorkers(ctx)
		if err != nil || version != 1 {
			t.Fatalf("stored table: version %d, %v", version, err)
		}
		if len(w.Rows()) != len(street.Areas.Grids) {
			t.Errorf("%d rows for %d grids", len(w.Rows()), len(street.Areas.Grids))
		}
		for _, login := range []string{"community", "community2"} {
			if rows := w.OfAccount(login); len(rows) != 1 {
				t.Errorf("%s is the worker of %d grids, want 1", login, len(rows))
			}
		}
		for _, gw := range w.Rows() {
			if gw.Name == "" || gw.Phone == "" {
				t.Errorf("row %+v", gw)
			}
			if gw.Account != "" {
				if _, err := st.UserByUsername(ctx, gw.Account); err != nil {
					t.Errorf("account %s: %v", gw.Account, err)
				}
			}
		}
	})
}

// TestDemoSettingsPages: the demo's settings list its check file and
// rules as built-in defaults and its grid workers as stored; the demo
// community worker sees the grid workers in the service list, their own
// grid first.
func TestDemoSettingsPages(t *testing.T) {
	t.Setenv(demoTicketsEnv, "200")
	path := filepath.Join(t.TempDir(), "demo.db")
	stdout, stderr, cancel, done := startCommand(t, "demo", "-addr", "127.0.0.1:0", "-db", path, "-seed", "7")
	base := stdout.waitURL(t, done, stderr)
	defer stopCommand(t, cancel, done, stderr)
	get := func(user, page string) string {
		t.Helper()
		m := regexp.MustCompile(`(?m)^\s+` + user + `\s+(\S+)\s`).FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("no %s login in output:\n%s", user, stdout.String())
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.PostForm(base+"login", url.Values{"username": {user}, "password": {m[1]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		resp, err = c.Get(base + page)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s as %s: %d", page, user, resp.StatusCode)
		}
		return string(b)
	}
	settings := get("admin", "settings")
	for _, want := range []string{`<a href="/settings/quality_checks">数据质量检查规则</a></td><td>内置默认`, `<a href="/settings/eligibility">精准服务规则</a></td><td>内置默认`,
		`<a href="/settings/grid_workers">网格员</a></td><td>第 1 版`} {
		if !strings.Contains(settings, want) {
			t.Errorf("demo /settings without %q", want)
		}
	}
	if page := get("admin", "settings/quality_checks"); !strings.Contains(page, "over_age_count(110) = 0") {
		t.Error("demo quality_checks page without the built-in checks")
	}
	services := get("community", "services")
	for _, want := range []string{"<th>网格员</th>", "周桂兰", `id="services-own"`} {
		if !strings.Contains(services, want) {
			t.Errorf("demo /services for the community worker without %q", want)
		}
	}
}
