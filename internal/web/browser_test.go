package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// chromium finds the browser for the end-to-end test: $JICENG_CHROMIUM, or
// Debian's chromium. Without one the test is skipped on a developer's
// machine and fails under CI, where scripts/test.sh installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("JICENG_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium: scripts/test.sh installs Debian's chromium package")
	}
	t.Skip("no chromium (install Debian's chromium, or set JICENG_CHROMIUM)")
	return ""
}

// TestBrowser signs in with a real headless Chromium, filters the ticket
// list with the form and opens a ticket, as a street leader would.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f := newFixture(t)
	areas, err := f.store.Areas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})
	ctx := browser(t, exe)

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// An anonymous visit lands on the login page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/tickets"),
		chromedp.WaitVisible(`#username`),
	); err != nil {
		t.Fatalf("open /tickets: %v", err)
	}
	// Sign in as the street leader.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`#username`, "leader"),
		chromedp.SendKeys(`#password`, testPasswords["leader"]),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`table.list`),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if got := text(`p.summary`); !strings.Contains(got, "共 3 件工单") {
		t.Errorf("summary: got %q, want 共 3 件工单", got)
	}
	// Filter by status with the form.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`select[name=status]`, "办结"),
		chromedp.Submit(`form.filters`),
		chromedp.WaitVisible(`table.list`),
	); err != nil {
		t.Fatalf("filter: %v", err)
	}
	if got := text(`p.summary`); !strings.Contains(got, "共 1 件工单") {
		t.Errorf("after filtering by 办结: got %q, want 共 1 件工单", got)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "status=") {
		t.Errorf("location after filtering: %q, %v; want the filter in the URL", loc, err)
	}
	// Open the ticket: a leader sees the caller's phone masked, and the history.
	if err := chromedp.Do(ctx,
		chromedp.Click(`table.list tbody a`),
		chromedp.WaitVisible(`dl.fields`),
	); err != nil {
		t.Fatalf("open ticket: %v", err)
	}
	page := text(`main`)
	for _, want := range []string{"QHW2501050001", "138****5678", "楼道灯不亮"} {
		if !strings.Contains(page, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	if strings.Contains(page, "13812345678") {
		t.Error("ticket page shows the caller's phone in clear to a leader")
	}
	if got := text(`ol.timeline`); got == "" {
		t.Error("ticket page has no history")
	}
	// The 智能研判 panel, predicted on the fly (nothing is stored in the
	// fixture): intent and urgency with their evidence.
	if got := text(`#prediction`); !strings.Contains(got, "诉求类型") || !strings.Contains(got, "紧急程度") ||
		!strings.Contains(got, "置信度") {
		t.Errorf("智能研判 panel: %q", got)
	}
}

// browser starts headless Chromium for a test and returns a context for
// its tab, with a time limit.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first Run starts the browser; its context must not time out.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestBrowserDispatch: the dispatch desk signs in, finds the waiting
// ticket in the workbench's queue with its suggested unit, dispatches it
// with the ticket page's form, and sees the new status and time limits.
func TestBrowserDispatch(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	ctx0 := context.Background()
	areas, _ := f.store.Areas(ctx0)
	units, _ := f.store.Units(ctx0)
	f.server.Dispatch = &dispatch.Live{}
	f.server.Dispatch.Set(&dispatch.Recommender{Catalogue: dispatch.NewCatalogue(
		[]core.DispatchRule{{Category1: "社会保障", Unit: "社会保障事务所"}}, areas, units)})
	ctx := browser(t, exe)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/workbench"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "staff"),
		chromedp.SendKeys(`#password`, testPasswords["staff"]),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`#queue`),
	); err != nil {
		t.Fatalf("sign in to the workbench: %v", err)
	}
	if q := text(`#queue`); !strings.Contains(q, "QHW2502100003") || !strings.Contains(q, "社会保障事务所") {
		t.Fatalf("queue: %q", q)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`#queue tbody a`),
		chromedp.WaitVisible(`#workflow`),
		chromedp.Click(`#workflow details.action summary`), // the first action: 派单
		chromedp.WaitVisible(`#workflow select[name=unit]`),
	); err != nil {
		t.Fatalf("open the dispatch form: %v", err)
	}
	unit, err := chromedp.Run(ctx, chromedp.Value(`#workflow select[name=unit]`))
	if err != nil || unit != "社会保障事务所" {
		t.Fatalf("preselected unit %q, %v; want the suggestion", unit, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#workflow details.action button[type=submit]`)); err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	// Wait for the page after the redirect: the status shows 派单.
	for status := ""; status != "派单"; {
		if ctx.Err() != nil {
			t.Fatalf("status after dispatch: %q", status)
		}
		if s, err := chromedp.Run(ctx, chromedp.Text(`#wf-status`)); err == nil {
			status = strings.TrimSpace(s)
		}
		if status != "派单" {
			time.Sleep(50 * time.Millisecond)
		}
	}
	wf := text(`#workflow`)
	for _, want := range []string{"派单", "社会保障事务所", "联系时限", "办结时限"} {
		if !strings.Contains(wf, want) {
			t.Errorf("workflow panel after dispatch lacks %q: %q", want, wf)
		}
	}
}

// TestBrowserRatesCharts: the 三率 charts as drawn — the trend's legend
// below the axis (it covered the month labels), the unit bars from 0 (a
// bar cut at 80 made 81 look like nothing), values to two decimals as in
// the tables.
func TestBrowserRatesCharts(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f := newFixture(t)
	ctx := browser(t, exe)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "staff"),
		chromedp.SendKeys(`#password`, testPasswords["staff"]),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`nav`),
		chromedp.Navigate(f.srv.URL+"/rates?period=2025-01"),
		chromedp.WaitVisible(`#trend-chart canvas`),
	); err != nil {
		t.Fatalf("open /rates: %v", err)
	}
	opt := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	chart := func(id string) string {
		return "echarts.getInstanceByDom(document.getElementById('" + id + "')).getOption()"
	}
	if got := opt("String(" + chart("trend-chart") + ".legend[0].bottom)"); got != "0" {
		t.Errorf("trend legend bottom = %s, want 0 (below the axis)", got)
	}
	if got := opt("String(" + chart("trend-chart") + ".grid[0].bottom >= 50)"); got != "true" {
		t.Errorf("trend grid leaves no room for the legend below the axis")
	}
	if got := opt("String(" + chart("units-chart") + ".xAxis[0].min)"); got != "0" {
		t.Errorf("unit bars start at %s, want 0", got)
	}
	// Every plotted rate has at most two decimals.
	if got := opt("String(" + chart("trend-chart") + ".series.every(function (s) { return s.data.every(function (v) { return v === null || Math.abs(v * 100 - Math.round(v * 100)) < 1e-6; }); }))"); got != "true" {
		t.Errorf("trend values with more than two decimals")
	}
}
