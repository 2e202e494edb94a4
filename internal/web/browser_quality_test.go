package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/workflow"
)

// TestBrowserQuality: in a real headless Chromium street staff open 数据质量,
// run the checks twice and find the score, the checks with their failing
// rows and the trend chart drawn; a failing row opens its record.
func TestBrowserQuality(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	seedRecords(t, f)
	b.Base = f.srv.URL

	b.SignIn("/", "staff", testPasswords["staff"], `a[href="/quality"]`)
	b.Load("open 数据质量", chromedp.Click(`a[href="/quality"]`))
	b.Do("no run yet", chromedp.WaitVisible(`#quality-empty`))
	b.Load("立即检查", chromedp.Click(`#quality-run button`))
	b.Do("the run", chromedp.WaitVisible(`#quality-score`))
	if got := b.Text(`#quality-notice`); !strings.Contains(got, "检查完成") {
		t.Errorf("notice %q", got)
	}
	results := b.Text(`#quality-results`)
	for _, want := range []string{"完整性", "有效性", "时效性"} {
		if !strings.Contains(results, want) {
			t.Errorf("results lack %q", want)
		}
	}
	b.Load("立即检查 again", chromedp.Click(`#quality-run button`))
	b.Do("the trend chart", chromedp.WaitVisible(`#quality-trend canvas`))
	if got := b.Eval(`String(document.querySelectorAll('#quality-runs tbody tr').length)`); got != "2" {
		t.Errorf("%s runs listed, want 2", got)
	}
	b.Shot("quality")
	b.Load("open a failing record", chromedp.Click(`#quality-results a[href^="/records/"]`))
	b.Do("the record", chromedp.WaitVisible(`#record-fields`))
}
