package web

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
)

// TestBrowserImport: street staff upload an export with unknown headers in
// a real headless Chromium, map them in the page, start the import, follow
// its progress (the page's script polls the job) to the summary, and find
// the rejected row's download.
func TestBrowserImport(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := importFixture(t)
	b.Base = f.srv.URL
	file, err := filepath.Abs("testdata/import_unknown.csv")
	if err != nil {
		t.Fatal(err)
	}
	b.SignIn("/import", "staff", testPasswords["staff"], `input[type=file]`)
	b.Shot("import-form")
	b.Do("choose the file", chromedp.SetUploadFiles(`input[type=file]`, []string{file}))
	b.Load("upload", chromedp.Click(`form[action="/import"] button[type=submit]`))
	b.Do("the preview", chromedp.WaitVisible(`#map-h`))
	b.Shot("import-preview")
	if got := b.Text(`main`); !strings.Contains(got, "<script>alert(1)</script>楼道灯坏了") || !strings.Contains(got, "受理时间、诉求内容") {
		t.Errorf("preview: %q", got)
	}
	// Map the unknown columns in the page; keep the old number as extra.
	b.Do("map",
		chromedp.SetValue(`#field-1`, "number"),
		chromedp.SetValue(`#field-2`, "received_at"),
		chromedp.SetValue(`#field-3`, "content"),
		chromedp.SetValue(`#field-4`, "caller_phone"),
		chromedp.SetValue(`#field-6`, ""),
		chromedp.SendKeys(`input[name=save_as]`, "问政平台导出"),
	)
	// The import waits for the store (held here), so that the progress
	// page and its script are seen before the summary.
	f.server.imports.store <- struct{}{}
	b.Load("start", chromedp.Click(`#map-h ~ form button:not([formaction])`))
	b.Do("the progress", chromedp.WaitVisible(`#import-progress`))
	b.Shot("import-progress")
	if got := b.Text(`#import-progress`); !strings.Contains(got, "正在导入") {
		t.Errorf("progress: %q", got)
	}
	<-f.server.imports.store
	// The script reloads the page when the job is done.
	b.Do("the summary", chromedp.WaitVisible(`#sum-h`))
	b.Shot("import-summary")
	sum := b.Text(`main`)
	for _, want := range []string{"导入完成", "新增", "下载被拒绝的行"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q: %q", want, sum)
		}
	}
	if _, err := f.store.ImportMapping(b.Context(), "问政平台导出"); err != nil {
		t.Errorf("mapping not saved: %v", err)
	}
}
