package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/understand"
)

// TestBrowserIntake: a grid worker reports from a patrol on a phone-sized
// screen: fills the ticket form, attaches a photo, previews the 智能研判
// in place (the page stays, the photo stays chosen), saves, and lands on
// the new ticket with the photo shown and the channel in its history.
func TestBrowserIntake(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	areas, _ := f.store.Areas(context.Background())
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})
	b.Base = f.srv.URL
	photo := filepath.Join(t.TempDir(), "现场.png")
	if err := os.WriteFile(photo, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Emulate(390, 844, true)
	b.SignIn("/tickets/new", "cw01", testPasswords["cw01"], `#intake-form`)
	if got := b.Value(`select[name=channel]`); got != "网格巡查" {
		t.Errorf("a community worker's form starts with channel %q, want 网格巡查", got)
	}
	if got := b.Eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); got != "true" {
		t.Errorf("the form is wider than a phone's screen")
	}
	b.Do("fill in the form and preview",
		chromedp.SendKeys(`input[name=title]`, "巡查发现井盖缺失"),
		chromedp.SendKeys(`textarea[name=content]`, "望春园社区北门人行道井盖缺失，行人容易跌落，非常危险"),
		chromedp.SetUploadFiles(`input[name=photos]`, []string{photo}),
		chromedp.Click(`#intake-preview`),
		// The script replaces the panel with the one fetched.
		chromedp.WaitVisible(`#preview dl.fields`),
	)
	if got := b.Text(`#preview`); !strings.Contains(got, "紧急程度") {
		t.Errorf("preview: %q", got)
	}
	if got := b.Eval(`String(document.querySelector("input[name=photos]").files.length)`); got != "1" {
		t.Errorf("after the preview %s photos chosen, want 1 (the preview is fetched in place)", got)
	}
	b.Shot("intake-form")
	b.Load("save", chromedp.Click(`button[value=save]`))
	b.Do("the new ticket", chromedp.WaitVisible(`ul.attachments img`))
	page := b.Text(`main`)
	for _, want := range []string{"巡查发现井盖缺失", "受理", "受理渠道：网格巡查", "现场.png"} {
		if !strings.Contains(page, want) {
			t.Errorf("the new ticket's page lacks %q", want)
		}
	}
	b.Until("the photo's thumbnail", `(function () { var i = document.querySelector("ul.attachments img"); return !!i && i.complete && i.naturalWidth > 0; })()`)
	b.Shot("intake-ticket")
}
