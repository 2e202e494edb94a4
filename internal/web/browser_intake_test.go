package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jiceng/internal/understand"
)

// TestBrowserIntake: a grid worker reports from a patrol on a phone-sized
// screen: fills the ticket form, attaches a photo, previews the 智能研判
// in place (the page stays, the photo stays chosen), saves, and lands on
// the new ticket with the photo shown and the channel in its history.
// With JICENG_SCREENSHOTS set to a directory, the form and the ticket are
// saved there as PNG.
func TestBrowserIntake(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f := newFixture(t)
	areas, _ := f.store.Areas(context.Background())
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})
	ctx := browser(t, exe)
	photo := filepath.Join(t.TempDir(), "现场.png")
	if err := os.WriteFile(photo, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("JICENG_SCREENSHOTS")
		if dir == "" {
			return
		}
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(f.srv.URL+"/tickets/new"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "cw01"),
		chromedp.SendKeys(`#password`, testPasswords["cw01"]),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`#intake-form`),
	); err != nil {
		t.Fatalf("open the form: %v", err)
	}
	if got := eval(`document.querySelector("select[name=channel]").value`); got != "网格巡查" {
		t.Errorf("a community worker's form starts with channel %q, want 网格巡查", got)
	}
	if got := eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); got != "true" {
		t.Errorf("the form is wider than a phone's screen")
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=title]`, "巡查发现井盖缺失"),
		chromedp.SendKeys(`textarea[name=content]`, "望春园社区北门人行道井盖缺失，行人容易跌落，非常危险"),
		chromedp.SetUploadFiles(`input[name=photos]`, []string{photo}),
		chromedp.Click(`#intake-preview`),
	); err != nil {
		t.Fatalf("preview: %v", err)
	}
	for got := ""; !strings.Contains(got, "紧急程度"); {
		if ctx.Err() != nil {
			t.Fatalf("preview never shown: %q", got)
		}
		got, _ = chromedp.Run(ctx, chromedp.Text(`#preview`))
		time.Sleep(50 * time.Millisecond)
	}
	if got := eval(`String(document.querySelector("input[name=photos]").files.length)`); got != "1" {
		t.Errorf("after the preview %s photos chosen, want 1 (the preview is fetched in place)", got)
	}
	shot("intake-form.png")
	if err := chromedp.Do(ctx,
		chromedp.Click(`button[value=save]`),
		chromedp.WaitVisible(`ul.attachments img`),
	); err != nil {
		t.Fatalf("save: %v", err)
	}
	page, _ := chromedp.Run(ctx, chromedp.Text(`main`))
	for _, want := range []string{"巡查发现井盖缺失", "受理", "受理渠道：网格巡查", "现场.png"} {
		if !strings.Contains(page, want) {
			t.Errorf("the new ticket's page lacks %q", want)
		}
	}
	for loaded := ""; loaded != "true"; {
		if ctx.Err() != nil {
			t.Fatal("the photo's thumbnail did not load")
		}
		loaded = eval(`String(document.querySelector("ul.attachments img").naturalWidth > 0)`)
		time.Sleep(50 * time.Millisecond)
	}
	shot("intake-ticket.png")
}
