package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

// The residents' portal over HTTP, as a browser without JavaScript uses
// it: every route's good path and its refusals. The browser test
// (browser_portal_test.go) walks the same path in Chromium on a phone's
// screen. What a resident may see is package casework's (portal_test.go
// there); these tests check the pages, the codes and the abuse guards.

var (
	challengeQuestionRE = regexp.MustCompile(`验证：(\S+?等于几？)`)
	challengeTokenRE    = regexp.MustCompile(`name="challenge" value="([^"]*)"`)
	receiptCodeRE       = regexp.MustCompile(`id="code">([^<]*)<`)
)

// solveChallenge answers a question of the portal's challenge as a person
// reads it ("七加五等于几？", "十四减九等于几？").
func solveChallenge(t testing.TB, q string) int {
	t.Helper()
	q = strings.TrimSuffix(q, "等于几？")
	for _, op := range []string{"加", "减"} {
		a, b, ok := strings.Cut(q, op)
		if !ok {
			continue
		}
		x, okx := parseAnswer(a)
		y, oky := parseAnswer(b)
		if !okx || !oky {
			t.Fatalf("challenge %q: unreadable numbers", q)
		}
		if op == "加" {
			return x + y
		}
		return x - y
	}
	t.Fatalf("challenge %q: no 加 or 减", q)
	return 0
}

// portalChallenge reads the question and token of the request form page
// and returns the token and the right answer.
func portalChallenge(t testing.TB, page []byte) (token, answer string) {
	t.Helper()
	q := challengeQuestionRE.FindSubmatch(page)
	tok := challengeTokenRE.FindSubmatch(page)
	if q == nil || tok == nil {
		t.Fatalf("no challenge on the page:\n%s", page)
	}
	return html.UnescapeString(string(tok[1])), strconv.Itoa(solveChallenge(t, string(q[1])))
}

// portalFields are the fields of a good request, without the challenge.
func portalFields() url.Values {
	return url.Values{"text": {"望春园一区东门的路灯坏了三天，晚上很黑"}, "community": {"望春园社区"},
		"address": {"望春园一区东门"}, "phone": {"138 1234 5678"}, "contact": {core.ContactSMS}}
}

// postMultipart posts fields and photos as the request form does
// (multipart/form-data).
func (f *fixture) postMultipart(t *testing.T, c *http.Client, path string, fields url.Values, photos []photo) response {
	t.Helper()
	ct, body := intakeForm(t, fields, photos)
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return do(t, c, req)
}

// postPortalForm posts a URL-encoded form, as a browser does without
// an account (no csrf token).
func (f *fixture) postPortalForm(t *testing.T, c *http.Client, path string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// submitPortal fetches the request form with c, answers its challenge and
// posts fields (with the session's csrf token when the page has one).
func (f *fixture) submitPortal(t *testing.T, c *http.Client, fields url.Values, photos []photo) response {
	t.Helper()
	page := f.get(t, c, "/portal/new")
	if page.status != http.StatusOK {
		t.Fatalf("/portal/new: %d", page.status)
	}
	tok, ans := portalChallenge(t, page.body)
	form := url.Values{"challenge": {tok}, "answer": {ans}}
	if m := csrfRE.FindSubmatch(page.body); m != nil {
		form.Set("csrf", string(m[1]))
	}
	for k, v := range fields {
		form[k] = v
	}
	return f.postMultipart(t, c, "/portal/new", form, photos)
}

// receiptCode reads the tracking code off a receipt page.
func receiptCode(t testing.TB, r response) string {
	t.Helper()
	m := receiptCodeRE.FindSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("no receipt: %d\n%s", r.status, r.body)
	}
	code := string(m[1])
	if _, err := casework.ParseCode(code); err != nil {
		t.Fatalf("receipt code %q: %v", code, err)
	}
	return code
}

// ticketCount is the number of tickets stored.
func (f *fixture) ticketCount(t testing.TB) int {
	t.Helper()
	_, n, err := f.store.Tickets(context.Background(), core.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// resolvePortalTicket takes the ticket of number through the workflow as
// the staff would, through package casework: dispatched to 望春园社区 by
// the desk, signed, contacted and resolved with reply by its community
// worker.
func (f *fixture) resolvePortalTicket(t testing.TB, number, reply string) {
	t.Helper()
	ctx := context.Background()
	tk, err := f.store.TicketByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := f.store.UserByUsername(ctx, "staff")
	if err != nil {
		t.Fatal(err)
	}
	cw, err := f.store.UserByUsername(ctx, "cw01")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		user core.User
		tr   core.Transition
	}{
		{staff, core.Transition{Action: core.ActionDispatch, Unit: "望春园社区"}},
		{cw, core.Transition{Action: core.ActionSign}},
		{cw, core.Transition{Action: core.ActionContact, Note: "已短信联系居民"}},
		{cw, core.Transition{Action: core.ActionResolve, Reply: reply}},
	} {
		if _, _, err := f.server.cases().Transition(ctx, st.user, tk.ID, st.tr); err != nil {
			t.Fatalf("%s: %v", st.tr.Action, err)
		}
	}
}

// portalHeaders checks what every portal page sends: HTML, never cached,
// no Referer.
func portalHeaders(t *testing.T, what string, r response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
	if rp := r.header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("%s: Referrer-Policy %q, want no-referrer", what, rp)
	}
}

// TestPortalPages: the portal's pages open without an account, in the
// portal's own layout; signed in as a resident they link to 我的诉求, and
// a staff account is no account there.
func TestPortalPages(t *testing.T) {
	f := newFixture(t)
	anon := f.client(t)
	resident := f.login(t, "resident")
	staff := f.login(t, "staff")
	for _, tt := range []struct{ path, want string }{
		{"/portal", "我要反映问题"},
		{"/portal/new", "您要反映的问题"},
		{"/portal/track", "查询码"},
		{"/portal/ask", "政策问答"},
		{"/portal/ask?q=" + url.QueryEscape("低保怎么申请"), "低保怎么申请"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r := f.get(t, anon, tt.path)
			if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(tt.want)) {
				t.Fatalf("%d, want 200 with %q:\n%s", r.status, tt.want, r.body)
			}
			portalHeaders(t, tt.path, r)
			page := string(r.body)
			if !strings.Contains(page, `<body class="portal">`) || strings.Contains(page, `href="/workbench"`) {
				t.Error("not the portal's layout")
			}
			if !strings.Contains(page, `href="/login?next=/portal/mine"`) || strings.Contains(page, `href="/portal/mine"`) {
				t.Error("signed out: want the sign-in link, not 我的诉求")
			}
			page = string(f.get(t, resident, tt.path).body)
			if !strings.Contains(page, `<a href="/portal/mine">我的诉求</a>`) || strings.Contains(page, "/login?next=") {
				t.Error("a signed-in resident: want the 我的诉求 link, not the sign-in link")
			}
			if !strings.Contains(page, "测试resident") {
				t.Error("a signed-in resident: the name is not shown")
			}
			page = string(f.get(t, staff, tt.path).body)
			if strings.Contains(page, `href="/portal/mine"`) || strings.Contains(page, "测试staff") {
				t.Error("a staff account is shown as a resident")
			}
		})
	}
	// The home page has the list among its big buttons, too.
	if page := f.get(t, resident, "/portal").body; !bytes.Contains(page, []byte(`<a class="p-big" href="/portal/mine">我的诉求</a>`)) {
		t.Error("home page of a signed-in resident: no 我的诉求 button")
	}
	// A resident signs in and lands on the list (homeFor), via /.
	c := f.client(t)
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {"resident"}, "password": {testPasswords["resident"]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := f.get(t, c, "/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/portal/mine" {
		t.Errorf("a resident's start: %d %q, want /portal/mine", r.status, r.header.Get("Location"))
	}
	if r := f.get(t, c, "/portal/mine"); r.status != http.StatusOK || !bytes.Contains(r.body, []byte("您还没有通过本账号提交过诉求")) {
		t.Errorf("an empty list: %d\n%s", r.status, r.body)
	}
}

// TestPortalLifeCycle: submit, track, the ticket resolved by the staff,
// track again, rate once; the rating is the ticket's callback (回访).
func TestPortalLifeCycle(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	c := f.client(t)
	before := f.ticketCount(t)
	r := f.submitPortal(t, c, portalFields(), []photo{{"路灯.png", "image/png", testPNG(t)}})
	portalHeaders(t, "receipt", r)
	code := receiptCode(t, r)
	if f.ticketCount(t) != before+1 {
		t.Fatal("no ticket stored")
	}
	m := regexp.MustCompile(`<dt>工单编号</dt><dd>([A-Z0-9]+)</dd>`).FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("receipt has no ticket number:\n%s", r.body)
	}
	number := string(m[1])
	tk, err := f.store.TicketByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != core.ChannelWebForm || tk.Community != "望春园社区" || tk.CallerPhone != "13812345678" {
		t.Errorf("stored ticket %+v", tk)
	}
	if atts, _ := f.store.Attachments(context.Background(), tk.ID); len(atts) != 1 || atts[0].ContentType != "image/png" {
		t.Errorf("attachments %+v", atts)
	}

	// Tracked as typed by hand: lower case, spaces, no hyphens.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	st := f.postPortalForm(t, c, "/portal/track", url.Values{"code": {typed}})
	portalHeaders(t, "status", st)
	page := string(st.body)
	if st.status != http.StatusOK || !strings.Contains(page, "已受理，正在分派给承办单位") || !strings.Contains(page, number) {
		t.Fatalf("status after submitting: %d\n%s", st.status, page)
	}
	if strings.Contains(page, `action="/portal/rate"`) {
		t.Error("a request not resolved offers the rating form")
	}
	for _, leak := range []string{"13812345678", "138 1234 5678", "138****5678", "5678"} {
		if strings.Contains(page, leak) {
			t.Errorf("status page shows the phone (%q)", leak)
		}
	}
	// Rating before 办结 is refused, in Chinese.
	rate := url.Values{"code": {code}, "resolved": {"yes"}, "satisfaction": {string(core.Satisfied)}, "comment": {"修得很快，谢谢"}}
	if r := f.postPortalForm(t, c, "/portal/rate", rate); r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("诉求办结后才能评价")) {
		t.Errorf("rating before 办结: %d\n%s", r.status, r.body)
	}

	f.resolvePortalTicket(t, number, "已更换路灯灯泡，经测试照明正常。")
	st = f.postPortalForm(t, c, "/portal/track", url.Values{"code": {code}})
	page = string(st.body)
	for _, want := range []string{"已办结，欢迎您对办理结果进行评价", "已更换路灯灯泡，经测试照明正常。", `action="/portal/rate"`,
		`name="code" value="` + code + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("status after 办结 lacks %q", want)
		}
	}
	for _, leak := range []string{"cw01", "测试cw01", "已短信联系", "13812345678"} {
		if strings.Contains(page, leak) {
			t.Errorf("status page shows %q", leak)
		}
	}
	// A rating missing its answers keeps the form as typed.
	if r := f.postPortalForm(t, c, "/portal/rate", url.Values{"code": {code}, "comment": {"还行"}}); r.status != http.StatusBadRequest ||
		!bytes.Contains(r.body, []byte("请选择满意、基本满意或不满意")) || !bytes.Contains(r.body, []byte(">还行</textarea>")) {
		t.Errorf("rating without answers: %d\n%s", r.status, r.body)
	}

	r = f.postPortalForm(t, c, "/portal/rate", rate)
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("感谢您的评价")) || !bytes.Contains(r.body, []byte("评价：满意")) {
		t.Fatalf("rating: %d\n%s", r.status, r.body)
	}
	if bytes.Contains(r.body, []byte(`action="/portal/rate"`)) {
		t.Error("the rating form is offered after the rating")
	}
	// The rating is the callback a desk records after a call.
	tk, _ = f.store.TicketByNumber(context.Background(), number)
	if tk.Status != core.StatusCallback || tk.Satisfaction != core.Satisfied || tk.Resolved == nil || !*tk.Resolved || tk.CallbackAt.IsZero() {
		t.Errorf("ticket after the rating: status %s, satisfaction %s, resolved %v, callback %v", tk.Status, tk.Satisfaction, tk.Resolved, tk.CallbackAt)
	}
	events, _ := f.store.TicketEvents(context.Background(), tk.ID)
	if last := events[len(events)-1]; last.Action != core.ActionCallback || last.Actor != casework.PortalActor || !strings.Contains(last.Note, "修得很快") {
		t.Errorf("last event %+v", last)
	}
	// Once only.
	r = f.postPortalForm(t, c, "/portal/rate", rate)
	if r.status != http.StatusConflict || !bytes.Contains(r.body, []byte("您已经评价过这件诉求")) {
		t.Errorf("second rating: %d\n%s", r.status, r.body)
	}
	if again, _ := f.store.TicketEvents(context.Background(), tk.ID); len(again) != len(events) {
		t.Error("a second rating changed the ticket")
	}
}

// TestPortalUnknownCode: a malformed code, an unknown one and none at all
// get one answer, for tracking and rating: no oracle of which codes exist.
func TestPortalUnknownCode(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	c := f.client(t)
	code := receiptCode(t, f.submitPortal(t, c, portalFields(), nil))
	// An unknown code of the right shape: the real one with one character
	// changed.
	last := code[len(code)-1]
	unknown := code[:len(code)-1] + map[bool]string{true: "1", false: "0"}[last == '0']
	msg := []byte(core.ErrorMessage(casework.ErrNoCode))
	var pages [][]byte
	for _, typed := range []string{unknown, "0000-0000-0000-0000", "nonsense", "", strings.Repeat("A", 300), code + "0"} {
		r := f.postPortalForm(t, c, "/portal/track", url.Values{"code": {typed}})
		if r.status != http.StatusNotFound || !bytes.Contains(r.body, msg) {
			t.Errorf("track %q: %d, want 404 with %s", typed, r.status, msg)
		}
		// The pages differ only by the code echoed into the field.
		pages = append(pages, bytes.Replace(r.body, []byte(`value="`+html.EscapeString(typed)+`"`), []byte(`value=""`), 1))
		rr := f.postPortalForm(t, c, "/portal/rate", url.Values{"code": {typed}, "resolved": {"yes"}, "satisfaction": {"满意"}})
		if rr.status != http.StatusNotFound || !bytes.Contains(rr.body, msg) {
			t.Errorf("rate %q: %d, want 404 with %s", typed, rr.status, msg)
		}
		pages = append(pages, rr.body)
	}
	for i, p := range pages[1:] {
		if !bytes.Equal(p, pages[0]) {
			t.Errorf("answer %d differs from the first:\n%s\n---\n%s", i+1, p, pages[0])
		}
	}
	// The real code still works.
	if r := f.postPortalForm(t, c, "/portal/track", url.Values{"code": {code}}); r.status != http.StatusOK {
		t.Errorf("the real code: %d", r.status)
	}
}

// forgeToken is a challenge token of the right shape expiring at exp, not
// signed by the server.
func forgeToken(exp time.Time) string {
	head := make([]byte, 8+nonceLen)
	binary.BigEndian.PutUint64(head, uint64(exp.Unix()))
	copy(head[8:], "forged-nonce")
	return base64.RawURLEncoding.EncodeToString(head) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, macLen))
}

// TestPortalSubmitRefused: a submission refused stores nothing and shows
// the form again, as typed, with the reason in Chinese and a new
// challenge.
func TestPortalSubmitRefused(t *testing.T) {
	big := make([]byte, core.MaxAttachmentSize+1)
	copy(big, testPNG(t))
	tests := []struct {
		name   string
		edit   func(f *fixture, form url.Values) // the posted form, challenge answered
		photos []photo
		status int
		want   string
	}{
		{"honeypot filled", func(_ *fixture, form url.Values) { form.Set(honeypotField, "http://spam.example") }, nil,
			http.StatusBadRequest, "表单中有一项不应填写的内容"},
		{"wrong answer", func(_ *fixture, form url.Values) {
			n, _ := strconv.Atoi(form.Get("answer"))
			form.Set("answer", strconv.Itoa(n+1))
		}, nil, http.StatusBadRequest, "验证题回答不正确"},
		{"answer not a number", func(_ *fixture, form url.Values) { form.Set("answer", "不知道") }, nil,
			http.StatusBadRequest, "验证题回答不正确"},
		{"no answer", func(_ *fixture, form url.Values) { form.Del("answer") }, nil, http.StatusBadRequest, "验证题回答不正确"},
		{"expired challenge", func(f *fixture, form url.Values) {
			old := f.server.portal.challenges.new(fixedNow.Add(-challengeTTL - time.Second))
			form.Set("challenge", old.Token)
		}, nil, http.StatusBadRequest, "验证题已过期或已使用"},
		{"challenge from the future", func(f *fixture, form url.Values) {
			form.Set("challenge", f.server.portal.challenges.new(fixedNow.Add(2*time.Minute)).Token)
		}, nil, http.StatusBadRequest, "验证题已过期或已使用"},
		{"forged challenge", func(_ *fixture, form url.Values) { form.Set("challenge", forgeToken(fixedNow.Add(time.Minute))) }, nil,
			http.StatusBadRequest, "验证题已过期或已使用"},
		{"no challenge", func(_ *fixture, form url.Values) { form.Del("challenge") }, nil, http.StatusBadRequest, "验证题已过期或已使用"},
		{"text too short", func(_ *fixture, form url.Values) { form.Set("text", "路灯") }, nil, http.StatusBadRequest, "请把问题描述得具体一些"},
		{"no community", func(_ *fixture, form url.Values) { form.Set("community", "") }, nil, http.StatusBadRequest, "请选择问题所在的社区"},
		{"sms without a phone", func(_ *fixture, form url.Values) { form.Set("phone", "") }, nil, http.StatusBadRequest, "请留下联系电话"},
		{"photo too large", nil, []photo{{"大.png", "image/png", big}}, http.StatusBadRequest, "第 1 张照片超过 10 MB"},
		{"photo of the wrong type", nil, []photo{{"路灯.png", "image/png", []byte("<html><script>alert(1)</script></html>")}},
			http.StatusBadRequest, "第 1 个附件不是 JPEG、PNG、WebP 或 GIF 图片"},
		{"too many photos", nil, []photo{{"1.png", "image/png", testPNG(t)}, {"2.png", "image/png", testPNG(t)}, {"3.png", "image/png", testPNG(t)}, {"4.png", "image/png", testPNG(t)}},
			http.StatusBadRequest, "最多上传 3 张照片"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			c := f.client(t)
			page := f.get(t, c, "/portal/new")
			tok, ans := portalChallenge(t, page.body)
			form := portalFields()
			form.Set("challenge", tok)
			form.Set("answer", ans)
			if tt.edit != nil {
				tt.edit(f, form)
			}
			before := f.ticketCount(t)
			r := f.postMultipart(t, c, "/portal/new", form, tt.photos)
			if r.status != tt.status || !bytes.Contains(r.body, []byte(tt.want)) {
				t.Fatalf("%d, want %d with %q:\n%s", r.status, tt.status, tt.want, r.body)
			}
			portalHeaders(t, "refusal", r)
			if f.ticketCount(t) != before {
				t.Error("a refused submission stored a ticket")
			}
			if receiptCodeRE.Match(r.body) {
				t.Error("a refused submission shows a code")
			}
			// The form again, as typed, with a new challenge.
			newTok, _ := portalChallenge(t, r.body)
			if newTok == tok {
				t.Error("the form comes back with the challenge used")
			}
			if tt.name != "text too short" && !bytes.Contains(r.body, []byte("望春园一区东门的路灯坏了三天")) {
				t.Error("the text typed is lost")
			}
		})
	}
}

// TestPortalChallengeOnce: a challenge answered (right or wrong) cannot
// be used again, and a token signed by another server is refused.
func TestPortalChallengeOnce(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	page := f.get(t, c, "/portal/new")
	tok, ans := portalChallenge(t, page.body)
	form := portalFields()
	form.Set("challenge", tok)
	form.Set("answer", ans)
	receiptCode(t, f.postMultipart(t, c, "/portal/new", form, nil))
	before := f.ticketCount(t)
	if r := f.postMultipart(t, c, "/portal/new", form, nil); r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("验证题已过期或已使用")) {
		t.Errorf("the same challenge again: %d\n%s", r.status, r.body)
	}
	other := newChallenges().new(fixedNow)
	form.Set("challenge", other.Token)
	if r := f.postMultipart(t, c, "/portal/new", form, nil); r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("验证题已过期或已使用")) {
		t.Errorf("another server's challenge: %d\n%s", r.status, r.body)
	}
	if f.ticketCount(t) != before {
		t.Error("a refused submission stored a ticket")
	}
}

// TestPortalRateLimits: each of submitting, tracking and rating has its
// own limit per address; past it the answer is 429 with a Chinese page
// that says when to come back.
func TestPortalRateLimits(t *testing.T) {
	check := func(t *testing.T, r response) {
		t.Helper()
		if r.status != http.StatusTooManyRequests || !bytes.Contains(r.body, []byte("操作过于频繁，请 10 分钟后再试")) {
			t.Fatalf("past the limit: %d\n%s", r.status, r.body)
		}
		if ra := r.header.Get("Retry-After"); ra != "600" {
			t.Errorf("Retry-After %q, want 600", ra)
		}
		portalHeaders(t, "rate limited", r)
	}
	t.Run("submit", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t)
		for i := range portalSubmitsLimit {
			if r := f.submitPortal(t, c, portalFields(), nil); r.status != http.StatusOK {
				t.Fatalf("submission %d: %d", i+1, r.status)
			}
		}
		before := f.ticketCount(t)
		check(t, f.submitPortal(t, c, portalFields(), nil))
		if f.ticketCount(t) != before {
			t.Error("a submission past the limit stored a ticket")
		}
		// The form itself stays open.
		if r := f.get(t, c, "/portal/new"); r.status != http.StatusOK {
			t.Errorf("the form past the limit: %d", r.status)
		}
	})
	t.Run("track", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t)
		code := receiptCode(t, f.submitPortal(t, c, portalFields(), nil))
		for i := range portalTracksLimit {
			typed := "0000-0000-0000-0000"
			if i == 0 {
				typed = code
			}
			if r := f.postPortalForm(t, c, "/portal/track", url.Values{"code": {typed}}); r.status == http.StatusTooManyRequests {
				t.Fatalf("look-up %d refused", i+1)
			}
		}
		// Past the limit the right code is refused too: guessing gains nothing.
		check(t, f.postPortalForm(t, c, "/portal/track", url.Values{"code": {code}}))
	})
	t.Run("rate", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t)
		for i := range portalRatesLimit {
			if r := f.postPortalForm(t, c, "/portal/rate", url.Values{"code": {"0000-0000-0000-0000"}}); r.status != http.StatusNotFound {
				t.Fatalf("rating %d: %d, want 404", i+1, r.status)
			}
		}
		check(t, f.postPortalForm(t, c, "/portal/rate", url.Values{"code": {"0000-0000-0000-0000"}}))
	})
}

// addResident creates a second resident account and signs it in.
func (f *fixture) addResident(t *testing.T, username, name string) *http.Client {
	t.Helper()
	const password = "another-resident-pass"
	h, err := account.HashPasswordAt(password, account.LightCost)
	if err != nil {
		t.Fatal(err)
	}
	u := core.User{Username: username, Name: name, Role: core.RoleResident, PasswordHash: h}
	if err := f.store.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	return c
}

// TestPortalMine: a signed-in resident's requests are the account's; its
// list shows those only, never another resident's nor anonymous ones, and
// only residents have one.
func TestPortalMine(t *testing.T) {
	f := newFixture(t)
	me := f.login(t, "resident")
	other := f.addResident(t, "resident2", "另一位居民")
	anon := f.client(t)
	submit := func(c *http.Client, text string) string {
		t.Helper()
		fields := portalFields()
		fields.Set("text", text)
		r := f.submitPortal(t, c, fields, nil)
		receiptCode(t, r)
		m := regexp.MustCompile(`<dt>工单编号</dt><dd>([A-Z0-9]+)</dd>`).FindSubmatch(r.body)
		if m == nil {
			t.Fatal("no number on the receipt")
		}
		return string(m[1])
	}
	mine1 := submit(me, "我的第一件诉求：楼道灯不亮")
	theirs := submit(other, "别人的诉求：垃圾桶满了没人清")
	anonymous := submit(anon, "匿名的诉求：夜间施工噪音")
	mine2 := submit(me, "我的第二件诉求：井盖缺失")

	page := string(f.get(t, me, "/portal/mine").body)
	for _, want := range []string{mine1, mine2, "我的第一件诉求", "我的第二件诉求"} {
		if !strings.Contains(page, want) {
			t.Errorf("my list lacks %q", want)
		}
	}
	for _, never := range []string{theirs, anonymous, "别人的诉求", "匿名的诉求"} {
		if strings.Contains(page, never) {
			t.Errorf("my list shows %q", never)
		}
	}
	page = string(f.get(t, other, "/portal/mine").body)
	if !strings.Contains(page, theirs) || strings.Contains(page, mine1) || strings.Contains(page, mine2) || strings.Contains(page, anonymous) {
		t.Errorf("the other resident's list:\n%s", page)
	}
	// Signed out: the sign-in page; staff: refused (their way in is the workbench).
	if r := f.get(t, anon, "/portal/mine"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Errorf("signed out: %d %q", r.status, r.header.Get("Location"))
	}
	if r := f.get(t, f.login(t, "staff"), "/portal/mine"); r.status != http.StatusForbidden {
		t.Errorf("staff: %d, want 403", r.status)
	}
	// A signed-in resident's form needs the session's token.
	page = string(f.get(t, me, "/portal/new").body)
	tok, ans := portalChallenge(t, []byte(page))
	form := portalFields()
	form.Set("challenge", tok)
	form.Set("answer", ans)
	before := f.ticketCount(t)
	if r := f.postMultipart(t, me, "/portal/new", form, nil); r.status != http.StatusForbidden || !bytes.Contains(r.body, []byte("表单已过期或来源不明")) {
		t.Errorf("a resident's submission without csrf: %d\n%s", r.status, r.body)
	}
	if f.ticketCount(t) != before {
		t.Error("a submission without csrf stored a ticket")
	}
}

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		in   string
		want int // -1: refused
	}{
		{"7", 7}, {" 12 ", 12}, {"05", 5}, {"１４", 14}, {"1４", 14}, {"0", 0}, {"99", 99},
		{"九", 9}, {"十", 10}, {"十四", 14}, {"一十四", 14}, {"二十", 20}, {"两", 2}, {"〇", 0}, {"九十九", 99},
		{"", -1}, {"   ", -1}, {"100", -1}, {"999", -1}, {"0005", -1}, {"１００", -1}, {"-3", -1}, {"3.0", -1},
		{"十零", -1}, {"零十", -1}, {"二十零", -1}, {"七加五", -1}, {"fourteen", -1}, {"一二", -1}, {"\xff", -1},
	}
	for _, tt := range tests {
		got, ok := parseAnswer(tt.in)
		if tt.want < 0 {
			if ok {
				t.Errorf("parseAnswer(%q) = %d, want refused", tt.in, got)
			}
			continue
		}
		if !ok || got != tt.want {
			t.Errorf("parseAnswer(%q) = %d, %v; want %d", tt.in, got, ok, tt.want)
		}
	}
	// Every number the challenge can ask or answer reads back, in words
	// and in digits.
	for n := range 100 {
		if got, ok := parseAnswer(chineseNumber(n)); !ok || got != n {
			t.Errorf("parseAnswer(%q) = %d, %v", chineseNumber(n), got, ok)
		}
		if got, ok := parseAnswer(strconv.Itoa(n)); !ok || got != n {
			t.Errorf("parseAnswer(%d) = %d, %v", n, got, ok)
		}
	}
}

// TestChallengeQuestions: every challenge drawn is a sum a person can do,
// its answer within maxAnswer, and the token checks with that answer only.
func TestChallengeQuestions(t *testing.T) {
	c := newChallenges()
	for range 200 {
		ch := c.new(fixedNow)
		ans := solveChallenge(t, ch.Question)
		if ans < 0 || ans > maxAnswer {
			t.Fatalf("%s: answer %d", ch.Question, ans)
		}
		if err := c.check(ch.Token, chineseNumber((ans+1)%(maxAnswer+1)), fixedNow); err != errChallenge {
			t.Fatalf("%s: a wrong answer: %v", ch.Question, err)
		}
		ch = c.new(fixedNow)
		if err := c.check(ch.Token, strconv.Itoa(solveChallenge(t, ch.Question)), fixedNow.Add(challengeTTL)); err != nil {
			t.Fatalf("%s: the right answer at the last second: %v", ch.Question, err)
		}
	}
}

// FuzzParseChallengeToken: any token is refused or split into a head of
// the expiry and nonce and a signature of the right sizes, which encode
// back to a token of the same parts; it never panics.
func FuzzParseChallengeToken(f *testing.F) {
	c := newChallenges()
	for _, s := range []string{c.new(fixedNow).Token, forgeToken(fixedNow), "", ".", "a.b", "AAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAA=.AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.x", strings.Repeat("A", 101)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		exp, nonce, head, sig, ok := parseChallengeToken(tok)
		if !ok {
			if exp != 0 || head != nil || sig != nil {
				t.Fatalf("refused %q with parts %d %x %x", tok, exp, head, sig)
			}
			return
		}
		if len(tok) > 100 || len(head) != 8+nonceLen || len(sig) != macLen {
			t.Fatalf("%q: head %x, sig %x", tok, head, sig)
		}
		if exp != int64(binary.BigEndian.Uint64(head[:8])) || !bytes.Equal(nonce[:], head[8:]) {
			t.Fatalf("%q: exp %d, nonce %x of head %x", tok, exp, nonce, head)
		}
		again := base64.RawURLEncoding.EncodeToString(head) + "." + base64.RawURLEncoding.EncodeToString(sig)
		exp2, nonce2, head2, sig2, ok := parseChallengeToken(again)
		if !ok || exp2 != exp || nonce2 != nonce || !bytes.Equal(head2, head) || !bytes.Equal(sig2, sig) {
			t.Fatalf("%q re-encoded as %q does not parse back", tok, again)
		}
	})
}

// FuzzParseAnswer: any answer is refused or a number from 0 to 99 that
// reads back from its digits and words; it never panics.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{"7", "12", "１４", "十四", "一十四", "二十", "两", "〇", "九十九", "100", " 3 ", "十零", "-1", "\xff", "四十二"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseAnswer(s)
		if !ok {
			return
		}
		if n < 0 || n > 99 {
			t.Fatalf("parseAnswer(%q) = %d", s, n)
		}
		if m, ok := parseAnswer(chineseNumber(n)); !ok || m != n {
			t.Fatalf("parseAnswer(%q) = %d, but %q reads %d, %v", s, n, chineseNumber(n), m, ok)
		}
	})
}

// FuzzChallengeCheck: no answer to a token made up by the fuzzer is taken
// (it is not signed by the server), and a genuine token is taken with its
// answer once only; check never panics.
func FuzzChallengeCheck(f *testing.F) {
	for _, s := range []string{"7", "十四", "", "99"} {
		f.Add(forgeToken(fixedNow.Add(time.Minute)), s)
		f.Add(newChallenges().new(fixedNow).Token, s) // another server's
	}
	f.Fuzz(func(t *testing.T, tok, answer string) {
		// A server of its own per input: the used tokens it remembers
		// stay few.
		c := newChallenges()
		if err := c.check(tok, answer, fixedNow); err == nil {
			t.Fatalf("check(%q, %q) took a token not made by the server", tok, answer)
		} else if err != errChallenge && err != errChallengeOld {
			t.Fatalf("check(%q, %q): %v", tok, answer, err)
		}
		// A genuine token, answered with the fuzzer's answer: taken when
		// it is the right one, and never twice.
		ch := c.new(fixedNow)
		right := solveChallenge(t, ch.Question)
		n, ok := parseAnswer(answer)
		err := c.check(ch.Token, answer, fixedNow)
		if (err == nil) != (ok && n == right) {
			t.Fatalf("%s answered %q: %v", ch.Question, answer, err)
		}
		if err := c.check(ch.Token, strconv.Itoa(right), fixedNow); err != errChallengeOld {
			t.Fatalf("%s used twice: %v", ch.Question, err)
		}
	})
}
