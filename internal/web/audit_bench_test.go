package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/sqlite"
	"jiceng/internal/workflow"
)

// BenchmarkAuditAndExports measures the server time of the audit page, its
// download and the ticket list's exports on the demo street (about 45,000
// tickets; the database BenchmarkPages builds, shared). It reports p50 and
// p95 per request in the log, and the rows of each export.
//
//	go test ./internal/web -run XXX -bench AuditAndExports -benchtime 5x -v
func BenchmarkAuditAndExports(b *testing.B) {
	ctx := context.Background()
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("jiceng-bench-pages-%s-v%d.db", "demo", sqlite.SchemaVersion()))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		db, err := sqlite.Open(ctx, tmp, nil)
		if err != nil {
			b.Fatal(err)
		}
		_, err = demo.Build(ctx, db, demo.Options{End: end}, account.HashPassword)
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
	}
	now := end.Add(10 * time.Hour)
	db, err := sqlite.Open(ctx, path, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	h := (&Server{Store: db, Clock: func() time.Time { return now }, Workflow: &workflow.Engine{}}).Handler()
	cookies := map[string]*http.Cookie{}
	for _, role := range []string{"admin", "staff", "community"} {
		u, err := db.UserByUsername(ctx, role)
		if err != nil {
			b.Fatal(err)
		}
		token, err := newSessionToken()
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateSession(ctx, core.Session{Token: token, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		cookies[role] = &http.Cookie{Name: sessionCookie, Value: token}
	}
	month := now.AddDate(0, -1, 0)
	from, to := month.Format("2006-01")+"-01", month.AddDate(0, 1, -month.Day()).Format("2006-01-02")
	requests := []struct{ role, path string }{
		{"admin", "/admin/audit"},
		{"admin", "/admin/audit?action=export"},
		{"admin", "/admin/audit/export?action=export"},
		{"staff", "/tickets/export?format=csv&from=" + from + "&to=" + to},
		{"staff", "/tickets/export?format=xlsx&from=" + from + "&to=" + to},
		{"community", "/tickets/export?format=csv"},
		{"staff", "/tickets/export?format=csv"},
		{"staff", "/tickets/export?format=xlsx"},
	}
	times := map[int][]time.Duration{}
	size := map[int]int64{}
	for b.Loop() {
		for i, rq := range requests {
			req := httptest.NewRequest(http.MethodGet, rq.path, nil)
			req.AddCookie(cookies[rq.role])
			w := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(w, req)
			times[i] = append(times[i], time.Since(t0))
			if w.Code != http.StatusOK {
				b.Fatalf("%s as %s: %d %.300s", rq.path, rq.role, w.Code, w.Body.Bytes())
			}
			size[i], _ = io.Copy(io.Discard, w.Body)
		}
	}
	for i, rq := range requests {
		ds := times[i]
		slices.Sort(ds)
		b.Logf("%-10s %-60s p50 %8.1f ms  p95 %8.1f ms  %7d KB", rq.role, rq.path, ms(ds[len(ds)/2]), ms(ds[min(len(ds)-1, len(ds)*95/100)]), size[i]>>10)
	}
}
