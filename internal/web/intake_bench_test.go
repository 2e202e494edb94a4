package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// BenchmarkIntake measures the server time of the ticket form and the
// ticket API on the web test fixture (real SQLite): the form, its
// preview, a save with one photo, an API create, one with an
// Idempotency-Key and its replay. It reports each one's p50 and p95 (ms).
//
//	go test ./internal/web -run XXX -bench Intake -benchtime 200x
func BenchmarkIntake(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	areas, _ := f.store.Areas(ctx)
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})
	f.server.Workflow = &workflow.Engine{}
	h := f.server.Handler()
	u, err := f.store.UserByUsername(ctx, "staff")
	if err != nil {
		b.Fatal(err)
	}
	token, _ := newSessionToken()
	if err := f.store.CreateSession(ctx, core.Session{Token: token, UserID: u.ID, ExpiresAt: fixedNow.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	cookie := &http.Cookie{Name: sessionCookie, Value: token}
	csrf := csrfToken(token)
	fields := url.Values{"csrf": {csrf}, "title": {"楼道灯不亮"}, "content": {"望春园一区3号楼2单元楼道灯不亮一周了，晚上老人上下楼不安全"},
		"caller_name": {"钱七"}, "caller_phone": {"13612345678"}, "channel": {"12345"}, "community": {"望春园社区"}}
	form := func(do string, photos []photo) (string, []byte) {
		v := url.Values{"do": {do}}
		for k, x := range fields {
			v[k] = x
		}
		ct, body := intakeForm(b, v, photos)
		return ct, body.Bytes()
	}
	previewCT, preview := form("preview", nil)
	saveCT, save := form("save", []photo{{"现场.png", "image/png", testPNG(b)}})
	apiBody := []byte(`{"title": "楼道灯不亮", "content": "3号楼楼道灯不亮", "caller_phone": "13612345678", "channel": "12345"}`)
	n := 0
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"GET /tickets/new", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/tickets/new", nil) }, http.StatusOK},
		{"POST /tickets/new 预览研判", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/tickets/new", bytes.NewReader(preview))
			r.Header.Set("Content-Type", previewCT)
			return r
		}, http.StatusOK},
		{"POST /tickets/new 保存 (1 photo)", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/tickets/new", bytes.NewReader(save))
			r.Header.Set("Content-Type", saveCT)
			return r
		}, http.StatusSeeOther},
		{"POST /api/v1/tickets", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/api/v1/tickets", bytes.NewReader(apiBody))
		}, http.StatusCreated},
		{"POST /api/v1/tickets Idempotency-Key", func() *http.Request {
			n++
			r := httptest.NewRequest(http.MethodPost, "/api/v1/tickets", bytes.NewReader(apiBody))
			r.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", n))
			return r
		}, http.StatusCreated},
		{"POST /api/v1/tickets replay", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/tickets", bytes.NewReader(apiBody))
			r.Header.Set("Idempotency-Key", "bench-1")
			return r
		}, http.StatusCreated},
	}
	times := make([][]time.Duration, len(cases))
	for b.Loop() {
		for i, c := range cases {
			req := c.req()
			req.AddCookie(cookie)
			if req.Method == http.MethodPost && req.Header.Get("Content-Type") == "" {
				req.Header.Set("Content-Type", "application/json")
			}
			w := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(w, req)
			times[i] = append(times[i], time.Since(t0))
			if w.Code != c.status {
				b.Fatalf("%s: status %d, want %d: %.300s", c.name, w.Code, c.status, w.Body.String())
			}
		}
	}
	var worst time.Duration
	for i, c := range cases {
		ds := times[i]
		slices.Sort(ds)
		p50, p95 := ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*95/100)]
		worst = max(worst, p95)
		b.Logf("%-40s p50 %6.2f ms  p95 %6.2f ms", c.name, ms(p50), ms(p95))
	}
	b.ReportMetric(ms(worst), "worst-p95-ms")
}
