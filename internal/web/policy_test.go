package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/demo"
	"jiceng/internal/search"
)

// demoPolicyFile returns the demo base's file name.
func demoPolicyFile(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := demo.Policy(name)
	if !ok {
		t.Fatalf("no demo policy %s", name)
	}
	return b
}

// uploadPolicy posts a file to /policy/files as the user of c.
func uploadPolicy(t testing.TB, f *fixture, c *http.Client, csrf, name string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/policy/files", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return send(t, c, req)
}

// TestPolicyPages: staff keep the base on its page; staff search it,
// residents ask it without signing in, the ticket page suggests its
// passages to those who see the ticket.
func TestPolicyPages(t *testing.T) {
	f := newFixture(t)
	staff := f.login(t, "staff")
	csrf := csrfToken(sessionOf(t, f, staff))
	for _, name := range []string{"dibao_2024.md", "qa.csv", "shigong_zaoyin_2023.md"} {
		if r := uploadPolicy(t, f, staff, csrf, name, demoPolicyFile(t, name)); r.status != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %.300s", name, r.status, r.body)
		}
	}
	for _, tt := range []struct {
		name, content string
		status        int
		want          string
	}{
		{"empty.txt", "", 400, "空文件"},
		{"scan.pdf", "%PDF-1.4\n%%EOF", 400, "PDF"},
	} {
		r := uploadPolicy(t, f, staff, csrf, tt.name, []byte(tt.content))
		if r.status != tt.status || !strings.Contains(string(r.body), tt.want) {
			t.Errorf("%s: %d, want %d with %q: %.300s", tt.name, r.status, tt.status, tt.want, r.body)
		}
	}
	cw := f.login(t, "cw01")
	if r := uploadPolicy(t, f, cw, csrfToken(sessionOf(t, f, cw)), "x.md", []byte("# 标题\n正文")); r.status != http.StatusForbidden {
		t.Errorf("community worker uploads: %d", r.status)
	}

	type files struct {
		Files []policyFileJSON
	}
	list := decode[files](t, f.get(t, staff, "/api/v1/policy/files"))
	if len(list.Files) != 3 || list.Files[0].ID != "dibao_2024" || list.Files[0].Documents[0].Number == "" || list.Files[0].Documents[0].Passages == 0 {
		t.Fatalf("files %+v", list.Files)
	}
	if r := f.get(t, staff, "/policy/files"); r.status != 200 || !strings.Contains(string(r.body), list.Files[0].Documents[0].Number) {
		t.Errorf("files page: %d", r.status)
	}

	// Staff search: the answer with its citation, the passages marked.
	r := f.get(t, staff, "/policy?q="+url.QueryEscape("低保标准是多少"))
	if r.status != 200 || !strings.Contains(string(r.body), "1410") || !strings.Contains(string(r.body), "<mark>") {
		t.Errorf("search page: %d %.500s", r.status, r.body)
	}
	if r := f.get(t, staff, "/policy?q=a&year=abc"); r.status != 200 || !strings.Contains(string(r.body), "year") {
		t.Errorf("bad year: %d", r.status)
	}
	// A resident on the staff page is sent to the Q&A.
	resident := f.login(t, "resident")
	if r := f.get(t, resident, "/policy?q=x"); !strings.Contains(r.header.Get("Location"), "/ask") && !strings.Contains(string(r.body), "政策自助问答") {
		t.Errorf("resident on /policy: %d %s", r.status, r.header.Get("Location"))
	}
	// Anyone asks, signed in or not.
	anon := f.client(t)
	if r := f.get(t, anon, "/ask?q="+url.QueryEscape("晚上工地施工太吵了，几点以后不能施工？")); r.status != 200 || !strings.Contains(string(r.body), "施工") {
		t.Errorf("ask page: %d", r.status)
	}
	a := decode[answerJSON](t, f.get(t, anon, "/api/v1/ask?q="+url.QueryEscape("低保怎么申请")))
	if !a.Confident || len(a.Hits) == 0 || len(a.Sentences) == 0 || a.Sentences[0].Citation == "" {
		t.Errorf("ask API: %+v", a)
	}
	for _, q := range []string{"", "q=" + strings.Repeat("长", 501), "x=1"} {
		if r := f.get(t, anon, "/api/v1/ask?"+q); r.status != http.StatusBadRequest {
			t.Errorf("ask %.20q: %d", q, r.status)
		}
	}
	hits := decode[struct{ Hits []hitJSON }](t, f.get(t, anon, "/api/v1/policy/search?k=2&q="+url.QueryEscape("夜间施工")))
	if len(hits.Hits) == 0 || len(hits.Hits) > 2 || hits.Hits[0].DocID != "shigong_zaoyin_2023" && !strings.HasPrefix(hits.Hits[0].DocID, "qa") {
		t.Errorf("search API: %+v", hits.Hits)
	}

	// Ticket 2 (夜间施工噪音, 柳荫里社区): its page suggests the noise rules;
	// a handler of another unit does not see the ticket, nor its
	// suggestions.
	if r := f.get(t, staff, "/tickets/2"); r.status != 200 || !strings.Contains(string(r.body), `id="policies"`) || !strings.Contains(string(r.body), "施工") {
		t.Errorf("ticket page without the policies panel: %d", r.status)
	}
	if r := f.get(t, f.login(t, "handler"), "/api/v1/tickets/2/policies"); r.status != http.StatusNotFound {
		t.Errorf("another unit's ticket: %d", r.status)
	}
	tp := decode[answerJSON](t, f.get(t, staff, "/api/v1/tickets/2/policies"))
	if len(tp.Hits) == 0 || tp.Hits[0].DocID != "shigong_zaoyin_2023" && !strings.HasPrefix(tp.Hits[0].DocID, "qa") {
		t.Errorf("ticket policies: %+v", tp.Hits)
	}

	// Validity and delete through the page's forms.
	if r := f.postForm(t, staff, "/policy/files/dibao_2024", url.Values{"action": {"validity"}, "validity": {"作废"}}); r.status != http.StatusBadRequest {
		t.Errorf("bad validity: %d", r.status)
	}
	if r := f.postForm(t, staff, "/policy/files/dibao_2024", url.Values{"action": {"validity"}, "validity": {"废止"}}); r.status != http.StatusSeeOther {
		t.Errorf("validity: %d %.300s", r.status, r.body)
	}
	for _, h := range decode[struct{ Hits []hitJSON }](t, f.get(t, anon, "/api/v1/policy/search?q="+url.QueryEscape("低保标准"))).Hits {
		if h.DocID == "dibao_2024" {
			t.Error("a visitor finds a repealed document")
		}
	}
	if r := f.postForm(t, staff, "/policy/files/dibao_2024", url.Values{"action": {"delete"}}); r.status != http.StatusSeeOther {
		t.Errorf("delete: %d", r.status)
	}
	if r := f.postForm(t, staff, "/policy/files/dibao_2024", url.Values{"action": {"delete"}}); r.status != http.StatusNotFound {
		t.Errorf("delete twice: %d", r.status)
	}
}

// TestBrowserPolicy: a resident asks on the Q&A page in a real browser,
// staff search with filters.
func TestBrowserPolicy(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	staff := f.login(t, "staff")
	csrf := csrfToken(sessionOf(t, f, staff))
	for _, name := range []string{"dibao_2024.md", "dianti_2023.md", "qa.csv"} {
		if r := uploadPolicy(t, f, staff, csrf, name, demoPolicyFile(t, name)); r.status != http.StatusSeeOther {
			t.Fatalf("upload %s: %d", name, r.status)
		}
	}
	b.Base = f.srv.URL
	b.Visit("/ask", `form.ask`)
	b.Load("ask", chromedp.SendKeys(`form.ask input[name=q]`, "老楼想加装电梯，需要多少业主同意？"), chromedp.Submit(`form.ask`))
	if got := b.Text(`#answer`); !strings.Contains(got, "〔") {
		t.Errorf("answer: %q", got)
	}
	b.Shot("ask")
	b.SignIn("/policy", "staff", testPasswords["staff"], `form.filters`)
	b.Load("search", chromedp.SendKeys(`form.filters input[name=q]`, "低保 申请材料"), chromedp.Click(`form.filters input[name=valid]`), chromedp.Submit(`form.filters`))
	if got := b.Text(`main`); !strings.Contains(got, "条文") || !strings.Contains(got, "低保") {
		t.Errorf("search: %q", got)
	}
	b.Shot("policy-search")
	b.Visit("/policy/files", `form.upload`)
	b.Shot("policy-files")
}

// TestPolicySynonyms: a street's own synonyms (设置 · 政策同义词表) are
// put into the index at once: a name residents use that the documents do
// not finds them.
func TestPolicySynonyms(t *testing.T) {
	f := newFixture(t)
	staff := f.login(t, "staff")
	if r := uploadPolicy(t, f, staff, csrfToken(sessionOf(t, f, staff)), "dianti_2023.md", demoPolicyFile(t, "dianti_2023.md")); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	const q = "/api/v1/policy/search?q=%E5%8D%87%E9%99%8D%E6%A2%AF" // 升降梯
	search := func() []hitJSON { return decode[struct{ Hits []hitJSON }](t, f.get(t, f.client(t), q)).Hits }
	if hs := search(); len(hs) != 0 {
		t.Fatalf("升降梯 found before the synonym: %+v", hs[0])
	}
	f.settings(t, "admin").replace(t, "synonyms", "同义词.txt", append(demoSynonyms(), []byte("\n电梯 升降梯\n")...))
	hs := search()
	if len(hs) == 0 || hs[0].DocID != "dianti_2023" {
		t.Fatalf("升降梯 after the synonym: %+v", hs)
	}
	// A bad file is refused with its line.
	if r := f.settings(t, "admin").upload(t, "synonyms", "bad.txt", []byte("低保\n")); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "第 1 行") {
		t.Errorf("bad synonyms: %d %.300s", r.status, r.body)
	}
}

func demoSynonyms() []byte { return search.DefaultSynonymsFile() }
