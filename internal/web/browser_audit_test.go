package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/workflow"
)

// TestBrowserRevealAudit: the lead unit's handler reveals the caller's
// phone with a reason in a real headless Chromium, and the administrator
// finds the reveal in the audit page.
func TestBrowserRevealAudit(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	b.Base = f.srv.URL

	b.SignIn("/tickets/2", "hd01", testPasswords["hd01"], `details.reveal`)
	if page := b.Text(`main`); strings.Contains(page, "13700002222") {
		t.Fatal("the phone is shown before the reveal")
	}
	b.Do("open the reveal form",
		chromedp.Click(`details.reveal summary`),
		chromedp.WaitVisible(`details.reveal input[name=reason]`),
	)
	b.Shot("reveal-form")
	// Without a reason the browser does not send the form (required).
	b.Do("give a reason", chromedp.SendKeys(`details.reveal input[name=reason]`, "先行联系来电人"))
	b.Load("reveal", chromedp.Click(`details.reveal button[type=submit]`))
	b.Do("the revealed contact", chromedp.WaitVisible(`div.contact`))
	if got := b.Text(`div.contact`); !strings.Contains(got, "13700002222") || !strings.Contains(got, "审计日志") {
		t.Errorf("revealed: %q", got)
	}
	b.Shot("revealed")
	b.SignOut()

	b.SignIn("/", "admin", testPasswords["admin"], `a[href="/admin/audit"]`)
	b.Load("open 审计日志", chromedp.Click(`a[href="/admin/audit"]`))
	b.Do("filter by 查看完整信息",
		chromedp.WaitVisible(`form.filters`),
		chromedp.SetValue(`select[name=action]`, "reveal"),
	)
	b.Load("filter", chromedp.Submit(`form.filters`))
	b.Do("the reveals", chromedp.WaitVisible(`table.audit`))
	row := b.Text(`table.audit tbody`)
	for _, want := range []string{"hd01", "部门承办人", "查看完整信息", "QHW2501200002", "联系电话", "先行联系来电人"} {
		if !strings.Contains(row, want) {
			t.Errorf("audit page lacks %q: %q", want, row)
		}
	}
	if strings.Contains(b.Text(`main`), "13700002222") {
		t.Error("the audit page shows the revealed value")
	}
	b.Shot("audit")
}
