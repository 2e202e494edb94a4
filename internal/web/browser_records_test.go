package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/workflow"
)

// TestBrowserRecordFix: in a real headless Chromium a community worker
// lists the people of 望春园社区 (the tab of 人口), opens one, corrects the
// phone with a note and finds the fix in the record's history; the
// person of 柳荫里社区 is not listed.
func TestBrowserRecordFix(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	seedRecords(t, f)
	b.Base = f.srv.URL

	b.SignIn("/", "cw01", testPasswords["cw01"], `a[href="/records"]`)
	b.Load("open 基础数据", chromedp.Click(`a[href="/records"]`))
	b.Do("the people", chromedp.WaitVisible(`table#records`))
	if tab := b.Text(`#tab-person`); !strings.Contains(tab, "人口") || !strings.Contains(tab, "1") {
		t.Errorf("tab 人口: %q", tab)
	}
	list := b.Text(`table#records`)
	if !strings.Contains(list, "孙悟空") || strings.Contains(list, "猪八戒") {
		t.Errorf("cw01's people: %q", list)
	}
	b.Shot("records")

	b.Load("open 孙悟空", chromedp.Click(`table#records a`))
	b.Do("the record", chromedp.WaitVisible(`#record-fields`))
	if got := b.Text(`#field-id_number`); !strings.Contains(got, "110***********002X") || !strings.Contains(got, "已脱敏") {
		t.Errorf("the ID number as cw01 sees it: %q", got)
	}
	if got := b.Eval(`(() => { const i = document.querySelector('#fix-form input[name="v.phone"]'); const old = i.value; i.value = ""; return old })()`); got != "13811112222" {
		t.Errorf("the fix form's phone: %q", got)
	}
	b.Do("type the new phone and a note",
		chromedp.SendKeys(`#fix-form input[name="v.phone"]`, "139 1111 2222"),
		chromedp.SendKeys(`#fix-form textarea[name=note]`, "入户核实，本人更换了手机号"),
	)
	b.Shot("record-fix")
	b.Load("save the fix", chromedp.Click(`#fix-form button[type=submit]`))
	b.Do("the notice", chromedp.WaitVisible(`#done`))
	if got := b.Text(`#field-phone`); !strings.Contains(got, "13911112222") || !strings.Contains(got, "人工更正") {
		t.Errorf("phone after the fix: %q", got)
	}
	history := b.Text(`#history`)
	for _, want := range []string{"更正", "cw01", "版本 2", "入户核实，本人更换了手机号", "联系电话", "13811112222", "13911112222", "导入"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q: %q", want, history)
		}
	}
	// The ID number the page showed masked went back unchanged: not fixed.
	if got := b.Text(`#field-id_number`); strings.Contains(got, "人工更正") {
		t.Errorf("the masked ID number was taken as a fix: %q", got)
	}
	if got := b.Text(`#record-version`); got != "2" {
		t.Errorf("version %q, want 2", got)
	}
	b.Shot("record-fixed")
}
