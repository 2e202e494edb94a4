package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/sqlite"
	"jiceng/internal/workflow"
)

// BenchmarkPages measures the server time of every workbench page and the
// main API routes, as each role, on the demo street (about 45,000
// tickets) or, with JICENG_BENCH_1M=1, on a 1,000,000-ticket street (built
// once into the temporary directory, then reused). It reports the p50 and
// p95 of each page (ms, in the log) and the worst p95 as a metric.
//
//	go test ./internal/web -run XXX -bench Pages -benchtime 20x -v
//	JICENG_BENCH_1M=1 go test ./internal/web -run XXX -bench Pages -benchtime 20x -timeout 60m -v
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	n, name := 0, "demo"
	if os.Getenv("JICENG_BENCH_1M") != "" {
		n, name = 1_000_000, "1m"
	}
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("jiceng-bench-pages-%s-v%d.db", name, sqlite.SchemaVersion()))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		db, err := sqlite.Open(ctx, tmp, nil)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		_, err = demo.Build(ctx, db, demo.Options{End: end, Tickets: n}, account.HashPassword)
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Rename(tmp+suffix, path+suffix)
		}
		b.Logf("built %s in %s", path, time.Since(t0).Round(time.Second))
	}
	now := end.Add(10 * time.Hour)
	db, err := sqlite.Open(ctx, path, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv := &Server{Store: db, Clock: func() time.Time { return now }, Workflow: &workflow.Engine{}}
	h := srv.Handler()

	// A session per role.
	cookies := map[string]*http.Cookie{}
	for _, role := range []string{"staff", "leader", "community", "handler"} {
		u, err := db.UserByUsername(ctx, role)
		if err != nil {
			b.Fatal(err)
		}
		token, err := newSessionToken() // the database is kept between runs
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateSession(ctx, core.Session{Token: token, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		cookies[role] = &http.Cookie{Name: sessionCookie, Value: token}
	}
	recent, _, err := db.Tickets(ctx, core.TicketFilter{Limit: 1})
	if err != nil || len(recent) == 0 {
		b.Fatal("no tickets", err)
	}
	id := recent[0].ID
	month := now.AddDate(0, -1, 0).Format("2006-01")
	quarter := fmt.Sprintf("%dQ%d", now.Year(), (int(now.Month())-1)/3+1)
	paths := []string{
		"/tickets", "/tickets?status=" + core.StatusHandling, "/tickets?q=" + "噪音",
		fmt.Sprintf("/tickets/%d", id), "/workbench", "/dispatch/rules",
		"/rates?period=" + month, "/rates?period=" + quarter,
		"/rates/tickets?period=" + month + "&figure=response&part=den",
		"/rates/tickets?period=" + quarter + "&figure=satisfaction&part=missed",
		"/api/v1/tickets", "/api/v1/rates?period=" + month, "/api/v1/deadlines",
	}
	get := func(role, p string) time.Duration {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.AddCookie(cookies[role])
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(t0)
		if w.Code >= 500 {
			b.Fatalf("%s as %s: status %d", p, role, w.Code)
		}
		return d
	}
	// The first request of a period computes its rates (Serve does it for
	// the recent periods at start-up): reported apart, then served cached.
	for _, p := range paths {
		if d := get("staff", p); strings.Contains(p, "rates") {
			b.Logf("cold %-65s %7.1f ms", p, ms(d))
		}
	}
	times := map[string][]time.Duration{}
	for b.Loop() {
		for role := range cookies {
			for _, p := range paths {
				key := role + " " + p
				times[key] = append(times[key], get(role, p))
			}
		}
	}
	var keys []string
	for k := range times {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var worst time.Duration
	for _, k := range keys {
		ds := times[k]
		slices.Sort(ds)
		p50, p95 := ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*95/100)]
		worst = max(worst, p95)
		b.Logf("%-70s p50 %7.1f ms  p95 %7.1f ms", k, ms(p50), ms(p95))
	}
	b.ReportMetric(ms(worst), "worst-p95-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
