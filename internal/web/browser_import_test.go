package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserImport: street staff upload an export with unknown headers in
// a real headless Chromium, map them in the page, start the import, follow
// its progress (the page's script polls the job) to the summary, and find
// the rejected row's download. With JICENG_SCREENSHOTS=DIR the pages are
// saved there as PNG.
func TestBrowserImport(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f := importFixture(t)
	ctx := browser(t, exe)
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("JICENG_SCREENSHOTS")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	file, err := filepath.Abs("testdata/import_unknown.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/import"),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, "staff"),
		chromedp.SendKeys(`#password`, testPasswords["staff"]),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`input[type=file]`),
	); err != nil {
		t.Fatalf("sign in to /import: %v", err)
	}
	shot("import-form")
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(`input[type=file]`, []string{file}),
		chromedp.Click(`form[action="/import"] button[type=submit]`),
		chromedp.WaitVisible(`#map-h`),
	); err != nil {
		t.Fatalf("upload: %v", err)
	}
	shot("import-preview")
	if got := text(`main`); !strings.Contains(got, "<script>alert(1)</script>楼道灯坏了") || !strings.Contains(got, "受理时间、诉求内容") {
		t.Errorf("preview: %q", got)
	}
	// Map the unknown columns in the page; keep the old number as extra.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`#field-1`, "number"),
		chromedp.SetValue(`#field-2`, "received_at"),
		chromedp.SetValue(`#field-3`, "content"),
		chromedp.SetValue(`#field-4`, "caller_phone"),
		chromedp.SetValue(`#field-6`, ""),
		chromedp.SendKeys(`input[name=save_as]`, "问政平台导出"),
	); err != nil {
		t.Fatalf("map: %v", err)
	}
	// The import waits for the store (held here), so that the progress
	// page and its script are seen before the summary.
	f.server.imports.store <- struct{}{}
	if err := chromedp.Do(ctx,
		chromedp.Click(`#map-h ~ form button:not([formaction])`),
		chromedp.WaitVisible(`#import-progress`),
	); err != nil {
		t.Fatalf("start: %v", err)
	}
	shot("import-progress")
	if got := text(`#import-progress`); !strings.Contains(got, "正在导入") {
		t.Errorf("progress: %q", got)
	}
	<-f.server.imports.store
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#sum-h`)); err != nil {
		t.Fatalf("summary (the script reloads the page when the job is done): %v", err)
	}
	shot("import-summary")
	sum := text(`main`)
	for _, want := range []string{"导入完成", "新增", "下载被拒绝的行"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q: %q", want, sum)
		}
	}
	if _, err := f.store.ImportMapping(ctx, "问政平台导出"); err != nil {
		t.Errorf("mapping not saved: %v", err)
	}
}
