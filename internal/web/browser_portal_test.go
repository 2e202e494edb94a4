package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

// scripts switches the page's JavaScript on or off (the DevTools protocol's
// evaluations, which the helpers read the page with, run either way).
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	}
}

// portalPhoneWidth is the viewport of the browser test: a small phone.
const portalPhoneWidth, portalPhoneHeight = 375, 740

// TestBrowserPortal: a resident on a small phone with JavaScript off
// reports a problem on the portal (answering the challenge as a person
// reads it, with a photo), takes the tracking code off the receipt and
// follows the request; the street resolves it through the workflow; the
// resident sees 办结 and the reply, rates it 满意 with a comment — the
// ticket's callback (回访) — and a second rating, from a page opened
// before, is refused in Chinese. With JavaScript on, no portal page is
// wider than the phone.
func TestBrowserPortal(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	b.Base = f.srv.URL
	photo := filepath.Join(t.TempDir(), "路灯.png")
	if err := os.WriteFile(photo, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Emulate(portalPhoneWidth, portalPhoneHeight, true)
	b.Do("switch JavaScript off", scripts(false))
	// The switch holds: a page's script does not run.
	b.Do("a page with a script", chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
	if got := b.Eval(`document.title`); got != "off" {
		t.Fatalf("JavaScript is not off: the page's script set the title to %q", got)
	}

	b.Visit("/portal", `a.p-big.primary`)
	b.Shot("portal-home")
	if st := b.Load("open the form", chromedp.Click(`a.p-big.primary`)); st != 200 {
		t.Fatalf("the request form: status %d", st)
	}
	b.Do("the request form", chromedp.WaitVisible(`#answer`))
	question := strings.TrimSpace(b.Text(`label[for=answer]`)) // 验证：七加五等于几？ 请填数字
	m := challengeQuestionRE.FindStringSubmatch(question)
	if m == nil {
		t.Fatalf("challenge label %q", question)
	}
	b.Do("fill in the form",
		chromedp.SendKeys(`#text`, "望春园一区东门的路灯坏了三天，晚上很黑，老人出门不方便"),
		chromedp.SetValue(`#community`, "望春园社区"),
		chromedp.SendKeys(`#address`, "望春园一区 5 号楼 2 单元 301"),
		chromedp.SetUploadFiles(`#photos`, []string{photo}),
		chromedp.SendKeys(`#phone`, "13812345678"),
		chromedp.SendKeys(`#answer`, strconv.Itoa(solveChallenge(t, m[1]))),
	)
	b.Shot("portal-form")
	if st := b.Load("submit", chromedp.Click(`form[action="/portal/new"] button[type=submit]`)); st != 200 {
		t.Fatalf("submit: status %d; page: %s", st, b.Text("main"))
	}
	b.Do("the receipt", chromedp.WaitVisible(`#code`))
	b.Shot("portal-receipt")
	code := strings.TrimSpace(b.Text(`#code`))
	number := strings.TrimSpace(b.Text(`.p-receipt dl.p-facts dd`)) // 工单编号 comes first
	tk, err := f.store.TicketByNumber(context.Background(), number)
	if err != nil {
		t.Fatalf("the receipt's number %q: %v; receipt: %s", number, err, b.Text(`main`))
	}
	if tk.Channel != core.ChannelWebForm || tk.Address != "望春园一区 5 号楼 2 单元 301" {
		t.Errorf("stored ticket: channel %s, address %q", tk.Channel, tk.Address)
	}
	if atts, _ := f.store.Attachments(context.Background(), tk.ID); len(atts) != 1 {
		t.Errorf("%d photos stored, want 1", len(atts))
	}
	if loc := b.Eval(`location.href`); strings.Contains(loc, strings.ReplaceAll(code, "-", "")) || strings.Contains(loc, code) {
		t.Errorf("the code is in the URL %s", loc)
	}

	track := func(what string) string {
		t.Helper()
		b.Visit("/portal/track", `#code`)
		b.Do("type the code", chromedp.SendKeys(`#code`, strings.ToLower(code)))
		if st := b.Load(what, chromedp.Click(`form[action="/portal/track"] button[type=submit]`)); st != 200 {
			t.Fatalf("%s: status %d; page: %s", what, st, b.Text("main"))
		}
		b.Do(what, chromedp.WaitVisible(`ol.p-steps`))
		return b.Text(`main`)
	}
	page := track("track after submitting")
	b.Shot("portal-status-received")
	if !strings.Contains(page, "已受理，正在分派给承办单位") || !strings.Contains(page, number) {
		t.Errorf("status after submitting: %s", page)
	}
	// The resident column generalises the address, spaces or not, and
	// shows no phone.
	if !strings.Contains(page, "地址\n望春园一区\n") {
		t.Errorf("the address is not generalised to 望春园一区: %s", page)
	}
	for _, leak := range []string{"号楼", "单元", "13812345678", "5678"} {
		if strings.Contains(page, leak) {
			t.Errorf("status page shows %q", leak)
		}
	}

	// The street handles it, as the staff would.
	f.resolvePortalTicket(t, number, "已更换东门路灯灯泡，经夜间测试照明正常。")
	page = track("track after 办结")
	b.Shot("portal-status-resolved")
	for _, want := range []string{"已办结，欢迎您对办理结果进行评价", "已更换东门路灯灯泡，经夜间测试照明正常。", "评价办理结果"} {
		if !strings.Contains(page, want) {
			t.Errorf("status after 办结 lacks %q: %s", want, page)
		}
	}
	// A second tab, opened now, keeps the rating form.
	other, cancel := chromedp.NewContext(b.Context())
	defer cancel()
	// As in browsertest.New: the first run, which opens the tab, has no
	// time limit; each step has one.
	if err := chromedp.Do(other); err != nil {
		t.Fatalf("open a second tab: %v", err)
	}
	inOther := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(other, browsertest.StepTimeout)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	inOther("track in the second tab", scripts(false), chromedp.Navigate(b.Base+"/portal/track"), chromedp.WaitVisible(`#code`),
		chromedp.SendKeys(`#code`, code), chromedp.Click(`form[action="/portal/track"] button[type=submit]`),
		chromedp.WaitVisible(`#rate`))

	b.Do("rate",
		chromedp.Click(`#rate input[name=resolved][value=yes]`),
		chromedp.Click(`#rate input[name=satisfaction][value="满意"]`),
		chromedp.SendKeys(`#comment`, "修得很快，谢谢社区"),
	)
	b.Shot("portal-rate")
	if st := b.Load("send the rating", chromedp.Click(`#rate button[type=submit]`)); st != 200 {
		t.Fatalf("rating: status %d; page: %s", st, b.Text("main"))
	}
	b.Do("the rated status", chromedp.WaitVisible(`p.p-notice`))
	b.Shot("portal-rated")
	if got := b.Text(`p.p-notice`); !strings.Contains(got, "感谢您的评价") {
		t.Errorf("notice %q", got)
	}
	if got := b.Text(`main`); !strings.Contains(got, "评价：满意") || !strings.Contains(got, "已办结，已收到评价") {
		t.Errorf("status after rating: %s", got)
	}
	// The callback is recorded on the ticket, as a desk's after a call.
	tk, _ = f.store.TicketByNumber(context.Background(), number)
	if tk.Status != core.StatusCallback || tk.Satisfaction != core.Satisfied || tk.Resolved == nil || !*tk.Resolved {
		t.Errorf("ticket after rating: status %s, satisfaction %s, resolved %v", tk.Status, tk.Satisfaction, tk.Resolved)
	}
	events, _ := f.store.TicketEvents(context.Background(), tk.ID)
	if last := events[len(events)-1]; last.Action != core.ActionCallback || !strings.Contains(last.Note, "修得很快，谢谢社区") {
		t.Errorf("last event %+v", last)
	}
	// The second tab's form, sent now, is refused.
	var refused string
	inOther("the second rating",
		chromedp.Click(`#rate input[name=resolved][value=no]`),
		chromedp.Click(`#rate input[name=satisfaction][value="不满意"]`),
		chromedp.Click(`#rate button[type=submit]`),
		chromedp.WaitVisible(`p.p-error`),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			var err error
			refused, err = chromedp.Text(`p.p-error`)(ctx, tg)
			return chromedp.Void{}, err
		})
	if !strings.Contains(refused, "您已经评价过这件诉求") {
		t.Errorf("second rating: %q", refused)
	}
	if tk2, _ := f.store.TicketByNumber(context.Background(), number); tk2.Satisfaction != core.Satisfied {
		t.Errorf("the second rating changed the satisfaction to %s", tk2.Satisfaction)
	}

	// With JavaScript on: no page is wider than the phone.
	b.Do("switch JavaScript on", scripts(true))
	fits := func(what string) {
		t.Helper()
		w := b.Eval(`String(document.scrollingElement.scrollWidth)`)
		if n, err := strconv.Atoi(w); err != nil || n > portalPhoneWidth {
			t.Errorf("%s: %s px wide, more than the phone's %d", what, w, portalPhoneWidth)
		}
	}
	for _, p := range []struct{ path, sel string }{
		{"/portal", `a.p-big.primary`}, {"/portal/new", `#answer`}, {"/portal/track", `#code`},
		{"/portal/ask?q=" + "低保怎么申请", `#q`},
	} {
		b.Visit(p.path, p.sel)
		fits(p.path)
	}
	track("track with JavaScript on")
	fits("the status page")
	// The form refused, with its messages, and the receipt.
	b.Visit("/portal/new", `#answer`)
	b.Load("submit an empty form", chromedp.Click(`form[action="/portal/new"] button[type=submit]`))
	b.Do("the refused form", chromedp.WaitVisible(`p.p-field-error`))
	fits("the refused form")
	b.Shot("portal-refused")
	question = b.Text(`label[for=answer]`)
	m = challengeQuestionRE.FindStringSubmatch(question)
	if m == nil {
		t.Fatalf("challenge label %q", question)
	}
	b.Do("fill in the form again",
		chromedp.SendKeys(`#text`, "柳荫街工地夜里十一点还在施工"),
		chromedp.SetValue(`#community`, "柳荫里社区"),
		chromedp.Click(`input[name=contact][value="无需联系"]`),
		chromedp.SendKeys(`#answer`, strconv.Itoa(solveChallenge(t, m[1]))),
	)
	b.Load("submit", chromedp.Click(`form[action="/portal/new"] button[type=submit]`))
	b.Do("the receipt", chromedp.WaitVisible(`#code`))
	fits("the receipt")
	b.Shot("portal-receipt-js")
	// The code is on one line, so that it is copied whole.
	lines := b.Eval(`(function () {
		var r = document.createRange();
		r.selectNodeContents(document.getElementById("code"));
		var tops = {};
		Array.prototype.forEach.call(r.getClientRects(), function (x) { tops[Math.round(x.top)] = true; });
		return String(Object.keys(tops).length);
	})()`)
	if lines != "1" {
		t.Errorf("the code takes %s lines at %d px", lines, portalPhoneWidth)
	}
}

// TestBrowserPortalResident: a resident signs in on a phone and starts on
// 我的诉求; a request submitted while signed in is listed there, and the
// list fits the phone's width.
func TestBrowserPortalResident(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	b.Base = f.srv.URL
	b.Emulate(portalPhoneWidth, portalPhoneHeight, true)
	b.SignIn("/", "resident", testPasswords["resident"], `body.portal`)
	if loc := b.Eval(`location.pathname`); loc != "/portal/mine" {
		t.Fatalf("a resident starts on %s, want /portal/mine", loc)
	}
	if got := b.Text(`main`); !strings.Contains(got, "您还没有通过本账号提交过诉求") {
		t.Errorf("an empty list: %s", got)
	}
	b.Shot("portal-mine-empty")
	if st := b.Load("open the form", chromedp.Click(`a.p-big.primary[href="/portal/new"]`)); st != 200 {
		t.Fatalf("the form: status %d", st)
	}
	b.Do("the form", chromedp.WaitVisible(`#answer`))
	if got := b.Text(`.p-foot nav`); !strings.Contains(got, "我的诉求") {
		t.Errorf("the footer of a signed-in resident lacks 我的诉求: %q", got)
	}
	m := challengeQuestionRE.FindStringSubmatch(b.Text(`label[for=answer]`))
	if m == nil {
		t.Fatal("no challenge")
	}
	b.Do("fill in the form",
		chromedp.SendKeys(`#text`, "望春园一区北门井盖缺失，行人容易跌落"),
		chromedp.SetValue(`#community`, "望春园社区"),
		chromedp.Click(`input[name=contact][value="无需联系"]`),
		chromedp.SendKeys(`#answer`, strconv.Itoa(solveChallenge(t, m[1]))),
	)
	if st := b.Load("submit", chromedp.Click(`form[action="/portal/new"] button[type=submit]`)); st != 200 {
		t.Fatalf("submit: status %d; page: %s", st, b.Text("main"))
	}
	b.Do("the receipt", chromedp.WaitVisible(`#code`))
	number := strings.TrimSpace(b.Text(`.p-receipt dl.p-facts dd`))
	if !strings.Contains(b.Text(`.p-receipt`), "我的诉求") {
		t.Error("the receipt of a signed-in resident does not point to 我的诉求")
	}
	b.Visit("/portal/mine", `section.p-card`)
	b.Shot("portal-mine")
	if got := b.Text(`main`); !strings.Contains(got, number) || !strings.Contains(got, "望春园一区北门井盖缺失") {
		t.Errorf("the list lacks the request %s: %s", number, got)
	}
	w := b.Eval(`String(document.scrollingElement.scrollWidth)`)
	if n, err := strconv.Atoi(w); err != nil || n > portalPhoneWidth {
		t.Errorf("the list is %s px wide, more than the phone's %d", w, portalPhoneWidth)
	}
}
