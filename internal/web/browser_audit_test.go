package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/workflow"
)

// TestBrowserRevealAudit: the lead unit's handler reveals the caller's
// phone with a reason in a real headless Chromium, and the administrator
// finds the reveal in the audit page. With JICENG_ARTEFACTS set, a
// screenshot of each page is saved there.
func TestBrowserRevealAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	ctx := browser(t, exe)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("JICENG_ARTEFACTS")
		if dir == "" {
			return
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(user string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(f.srv.URL+"/login"),
			chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, user),
			chromedp.SendKeys(`#password`, testPasswords[user]),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`form.inline`), // the sign-out button
		); err != nil {
			t.Fatalf("sign in as %s: %v", user, err)
		}
	}

	signIn("hd01")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/tickets/2"),
		chromedp.WaitVisible(`details.reveal`),
	); err != nil {
		t.Fatalf("open ticket 2: %v", err)
	}
	if page := text(`main`); strings.Contains(page, "13700002222") {
		t.Fatal("the phone is shown before the reveal")
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`details.reveal summary`),
		chromedp.WaitVisible(`details.reveal input[name=reason]`),
	); err != nil {
		t.Fatalf("open the reveal form: %v", err)
	}
	shot("reveal-form")
	// Without a reason the browser does not send the form (required).
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`details.reveal input[name=reason]`, "先行联系来电人"),
		chromedp.Click(`details.reveal button[type=submit]`),
		chromedp.WaitVisible(`div.contact`),
	); err != nil {
		t.Fatalf("reveal: %v", err)
	}
	if got := text(`div.contact`); !strings.Contains(got, "13700002222") || !strings.Contains(got, "审计日志") {
		t.Errorf("revealed: %q", got)
	}
	shot("revealed")
	if err := chromedp.Do(ctx, chromedp.Click(`form.inline button`), chromedp.WaitVisible(`#username`)); err != nil {
		t.Fatalf("sign out: %v", err)
	}

	signIn("admin")
	if err := chromedp.Do(ctx,
		chromedp.Click(`a[href="/admin/audit"]`),
		chromedp.WaitVisible(`form.filters`),
		chromedp.SetValue(`select[name=action]`, "reveal"),
		chromedp.Submit(`form.filters`),
		chromedp.WaitVisible(`table.audit`),
	); err != nil {
		t.Fatalf("audit page: %v", err)
	}
	row := text(`table.audit tbody`)
	for _, want := range []string{"hd01", "部门承办人", "查看完整信息", "QHW2501200002", "联系电话", "先行联系来电人"} {
		if !strings.Contains(row, want) {
			t.Errorf("audit page lacks %q: %q", want, row)
		}
	}
	if strings.Contains(text(`main`), "13700002222") {
		t.Error("the audit page shows the revealed value")
	}
	shot("audit")
}
