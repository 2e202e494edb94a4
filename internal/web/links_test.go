package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// seedLinks stores the fixture's linkage result: 孙悟空 and his house's
// record (望春园社区) one cluster with their pair for review, and a pair of
// 孙悟空 and 猪八戒 (柳荫里社区). It returns the 望春园 pair's ID.
func seedLinks(t *testing.T, f *fixture, ids map[string]int64) int64 {
	t.Helper()
	ctx := context.Background()
	p1, h1, p2 := ids["孙悟空"], ids["望春园一区6号楼"], ids["猪八戒"]
	if err := f.store.ReplaceLinks(ctx, fieldset.KindPerson, map[int64]int64{p1: p1, h1: p1}, []core.LinkReview{
		{A: p1, B: h1, Prob: 0.5, Explain: []byte(`[{"Field":"name","Level":"exact","Weight":2.5},{"Field":"phone","Level":"null","Weight":0}]`)},
		{A: p1, B: p2, Prob: 0.4, Explain: []byte(`[]`)},
	}, fixedNow); err != nil {
		t.Fatal(err)
	}
	pairs, err := f.store.LinkReviews(ctx, core.LinkReviewFilter{Record: h1})
	if err != nil || len(pairs) != 1 {
		t.Fatalf("LinkReviews = %v, %v", pairs, err)
	}
	return pairs[0].ID
}

// linkMatrix is the role × scope check of a linkage route, for
// TestRouteMatrix: stewards (administrators, staff, community workers)
// review the pairs of their scope and see no record outside it;
// administrators and staff start a run; the others are refused.
func linkMatrix(t *testing.T, f *fixture, c *http.Client, user string, rt route, method, path string, api bool, csrf string, ids map[string]int64) {
	t.Helper()
	pair := seedLinks(t, f, ids)
	path = strings.Replace(path, "{id}", strconv.FormatInt(pair, 10), 1)
	var body, ctype string
	switch {
	case method == http.MethodPost && api && strings.HasSuffix(path, "/decide"):
		body, ctype = `{"decision": "same", "note": "矩阵测试"}`, "application/json"
	case method == http.MethodPost && api:
	case method == http.MethodPost:
		body, ctype = url.Values{"csrf": {csrf}, "decision": {"same"}, "note": {"矩阵测试"}, "kind": {"person"}}.Encode(), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	r := do(t, c, req)
	allowed := slices.Contains([]string{"admin", "staff", "community", "cw01"}, user)
	if strings.Contains(path, "/link") {
		allowed = user == "admin" || user == "staff"
	}
	switch {
	case !allowed && r.status != http.StatusForbidden:
		t.Fatalf("status %d, want 403: %.300s", r.status, r.body)
	case allowed && r.status != http.StatusOK && r.status != http.StatusSeeOther:
		t.Fatalf("status %d, want 200 (or 303 after a form): %.300s", r.status, r.body)
	}
	if allowed {
		noRecords(t, r, recordsSeen(user))
	} else {
		noRecords(t, r, nil)
	}
	noTickets(t, r, nil)
}

// TestReviewPage: the review page shows the pair side by side with the
// fields' levels in Chinese; a decision by form is kept; the cluster API
// lists the other record of the person.
func TestReviewPage(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	pair := seedLinks(t, f, ids)
	c := f.login(t, "cw01")
	r := f.get(t, c, "/records/review")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %.300s", r.status, r.body)
	}
	for _, want := range []string{"一人一档", "完全一致", "缺失", "2.5", "是同一人", "不是同一人", "孙悟空"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	if strings.Contains(string(r.body), "猪八戒") || strings.Contains(string(r.body), `id="links-run"`) {
		t.Errorf("community worker's page shows another community's record or the 重新链接 button")
	}
	form := url.Values{"csrf": {csrfToken(sessionOf(t, f, c))}, "decision": {"different"}, "note": {"入户核实为两人"}}
	res := f.postForm(t, c, "/records/review/"+strconv.FormatInt(pair, 10)+"/decide", form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("decide: status %d: %.300s", res.status, res.body)
	}
	got, err := f.store.LinkReview(context.Background(), pair)
	if err != nil || got.Status != core.LinkDifferent || got.DecidedBy != "cw01" || got.Note != "入户核实为两人" {
		t.Fatalf("decision = %+v, %v", got, err)
	}
	page := f.get(t, c, "/records/"+strconv.FormatInt(ids["孙悟空"], 10))
	if !strings.Contains(string(page.body), "同一人的其他记录") || !strings.Contains(string(page.body), "望春园一区6号楼") {
		t.Errorf("record page lacks the 同一人的其他记录 panel")
	}
	cl := f.get(t, c, "/api/v1/records/"+strconv.FormatInt(ids["孙悟空"], 10)+"/cluster")
	if cl.status != http.StatusOK || !strings.Contains(string(cl.body), "望春园一区6号楼") {
		t.Fatalf("cluster: status %d %.300s", cl.status, cl.body)
	}
}
