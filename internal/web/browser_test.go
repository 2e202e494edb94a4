package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// TestBrowser signs in with a real headless Chromium, filters the ticket
// list with the form and opens a ticket, as a street leader would.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	areas, err := f.store.Areas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})
	b.Base = f.srv.URL

	// An anonymous visit lands on the login page; sign in as the street
	// leader.
	b.SignIn("/tickets", "leader", testPasswords["leader"], `table.list`)
	b.Shot("tickets")
	if got := b.Text(`p.summary`); !strings.Contains(got, "共 3 件工单") {
		t.Errorf("summary: got %q, want 共 3 件工单", got)
	}
	// Filter by status with the form.
	b.Do("choose 办结", chromedp.SetValue(`select[name=status]`, "办结"))
	b.Load("filter", chromedp.Submit(`form.filters`))
	b.Do("the filtered list", chromedp.WaitVisible(`table.list`))
	if got := b.Text(`p.summary`); !strings.Contains(got, "共 1 件工单") {
		t.Errorf("after filtering by 办结: got %q, want 共 1 件工单", got)
	}
	if loc := b.Eval(`location.href`); !strings.Contains(loc, "status=") {
		t.Errorf("location after filtering: %q; want the filter in the URL", loc)
	}
	b.Shot("tickets-filtered")
	// Open the ticket: a leader sees the caller's phone masked, and the history.
	b.Load("open the ticket", chromedp.Click(`table.list tbody a`))
	b.Do("the ticket", chromedp.WaitVisible(`dl.fields`))
	page := b.Text(`main`)
	for _, want := range []string{"QHW2501050001", "138****5678", "楼道灯不亮"} {
		if !strings.Contains(page, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	if strings.Contains(page, "13812345678") {
		t.Error("ticket page shows the caller's phone in clear to a leader")
	}
	if got := b.Text(`ol.timeline`); got == "" {
		t.Error("ticket page has no history")
	}
	// The 智能研判 panel, predicted on the fly (nothing is stored in the
	// fixture): intent and urgency with their evidence.
	if got := b.Text(`#prediction`); !strings.Contains(got, "诉求类型") || !strings.Contains(got, "紧急程度") ||
		!strings.Contains(got, "置信度") {
		t.Errorf("智能研判 panel: %q", got)
	}
	b.Shot("ticket")
}

// TestBrowserDispatch: the dispatch desk signs in, finds the waiting
// ticket in the workbench's queue with its suggested unit, dispatches it
// with the ticket page's form, and sees the new status and time limits.
func TestBrowserDispatch(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	ctx0 := context.Background()
	areas, _ := f.store.Areas(ctx0)
	units, _ := f.store.Units(ctx0)
	f.server.Dispatch = &dispatch.Live{}
	f.server.Dispatch.Set(&dispatch.Recommender{Catalogue: dispatch.NewCatalogue(
		[]core.DispatchRule{{Category1: "社会保障", Unit: "社会保障事务所"}}, areas, units)})
	b.Base = f.srv.URL
	b.SignIn("/workbench", "staff", testPasswords["staff"], `#queue`)
	b.Shot("workbench")
	if q := b.Text(`#queue`); !strings.Contains(q, "QHW2502100003") || !strings.Contains(q, "社会保障事务所") {
		t.Fatalf("queue: %q", q)
	}
	b.Load("open the ticket", chromedp.Click(`#queue tbody a`))
	b.Do("open the dispatch form",
		chromedp.WaitVisible(`#workflow`),
		chromedp.Click(`#workflow details.action summary`), // the first action: 派单
		chromedp.WaitVisible(`#workflow select[name=unit]`),
	)
	if unit := b.Value(`#workflow select[name=unit]`); unit != "社会保障事务所" {
		t.Fatalf("preselected unit %q; want the suggestion", unit)
	}
	b.Shot("dispatch-form")
	b.Load("dispatch", chromedp.Click(`#workflow details.action button[type=submit]`))
	b.Do("the ticket after dispatch", chromedp.WaitVisible(`#wf-status`))
	if status := strings.TrimSpace(b.Text(`#wf-status`)); status != "派单" {
		t.Fatalf("status after dispatch: %q", status)
	}
	wf := b.Text(`#workflow`)
	for _, want := range []string{"派单", "社会保障事务所", "联系时限", "办结时限"} {
		if !strings.Contains(wf, want) {
			t.Errorf("workflow panel after dispatch lacks %q: %q", want, wf)
		}
	}
	b.Shot("dispatched")
}

// TestBrowserRatesCharts: the 三率 charts as drawn — the trend's legend
// below the axis (it covered the month labels), the unit bars from 0 (a
// bar cut at 80 made 81 look like nothing), values to two decimals as in
// the tables.
func TestBrowserRatesCharts(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	b.Base = f.srv.URL
	b.SignIn("/rates?period=2025-01", "staff", testPasswords["staff"], `#trend-chart canvas`)
	b.Shot("rates")
	chart := func(id string) string {
		return "echarts.getInstanceByDom(document.getElementById('" + id + "')).getOption()"
	}
	if got := b.Eval("String(" + chart("trend-chart") + ".legend[0].bottom)"); got != "0" {
		t.Errorf("trend legend bottom = %s, want 0 (below the axis)", got)
	}
	if got := b.Eval("String(" + chart("trend-chart") + ".grid[0].bottom >= 50)"); got != "true" {
		t.Errorf("trend grid leaves no room for the legend below the axis")
	}
	if got := b.Eval("String(" + chart("units-chart") + ".xAxis[0].min)"); got != "0" {
		t.Errorf("unit bars start at %s, want 0", got)
	}
	// Every plotted rate has at most two decimals.
	if got := b.Eval("String(" + chart("trend-chart") + ".series.every(function (s) { return s.data.every(function (v) { return v === null || Math.abs(v * 100 - Math.round(v * 100)) < 1e-6; }); }))"); got != "true" {
		t.Errorf("trend values with more than two decimals")
	}
}
