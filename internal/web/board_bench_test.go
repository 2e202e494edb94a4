package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/account"
	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/postgres"
	"jiceng/internal/sqlite"
	"jiceng/internal/workflow"
)

// BenchmarkBoard measures the board's requests (the 看板 group of
// BenchmarkPages: the page and its API over the last 30 days and a year,
// the hot issues, the map, the risk report) as staff, a leader and a
// community worker, each request twice per run: cold, its board (scope ×
// period) dropped from the cache before it, then warm. It logs the p50 and
// p95 of each (ms) and reports the worst cold and warm p95 as metrics.
//
// The store is the SQLite street of BenchmarkPages (the demo's size, or
// 1,000,000 tickets with JICENG_BENCH_1M=1), or with JICENG_BENCH_PG (a
// postgres:// URL) that PostgreSQL database, filled with the same street
// when it has no tickets (the load is timed and logged; point it at a
// server that is kept, as scripts/with-pg.sh's is not, to load it once).
// The hot issues of the boards' 30 days are computed before timing, and
// the year's are served from their cache too (the board would otherwise
// compute them behind its first request, for minutes at 1M, taking a core
// from the timed requests): JICENG_BENCH_HOT=1 computes them, else the
// year's board shows the 30 days' issues (as many). With each time the
// process's CPU time over the request is logged: on a machine shared with
// other work it is what the request costs when the cores are free.
//
//	JICENG_BENCH_1M=1 go test ./internal/web -run XXX -bench 'Board$' -benchtime 10x -timeout 60m -v
//	JICENG_BENCH_1M=1 JICENG_BENCH_PG=postgres://... go test ./internal/web -run XXX -bench 'Board$' -benchtime 10x -timeout 60m -v
func BenchmarkBoard(b *testing.B) {
	ctx := context.Background()
	n, name := 0, "demo"
	if os.Getenv("JICENG_BENCH_1M") != "" {
		n, name = 1_000_000, "1m"
	}
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	now := end.Add(10 * time.Hour)
	clock := func() time.Time { return now }
	var store core.Store
	if dsn := os.Getenv("JICENG_BENCH_PG"); dsn != "" {
		store = benchPGStreet(b, dsn, n, end, clock)
	} else {
		db, err := sqlite.Open(ctx, benchStreet(b, name, n, end), clock)
		if err != nil {
			b.Fatal(err)
		}
		store = db
	}
	defer store.Close()
	srv := &Server{Store: store, Clock: clock, Workflow: &workflow.Engine{}}
	if err := srv.LoadSettings(ctx); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	defer srv.closeJobs()

	roles := []string{core.RoleStaff, core.RoleLeader, core.RoleCommunity}
	tokens := map[string]string{}
	users := map[string]core.User{}
	for _, role := range roles {
		u, err := store.UserByUsername(ctx, role)
		if err != nil {
			b.Fatal(err)
		}
		token, err := newSessionToken()
		if err != nil {
			b.Fatal(err)
		}
		if err := store.CreateSession(ctx, core.Session{Token: token, UserID: u.ID, ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
			b.Fatal(err)
		}
		tokens[role], users[role] = token, u
	}
	month, _, _ := srv.dashboardPeriod(nil)
	yearFrom, yearTo := end.AddDate(-1, 0, 0), end
	year := "from=" + yearFrom.Format(time.DateOnly) + "&to=" + yearTo.AddDate(0, 0, -1).Format(time.DateOnly)
	for _, role := range roles {
		t0 := time.Now()
		hs, err := srv.hotIssues(ctx, users[role], month, end.AddDate(0, 0, 1))
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("hot issues %-9s of the last 30 days (computed once, before timing) %9.1f ms", role, ms(time.Since(t0)))
		// A year of them takes minutes at 1M: JICENG_BENCH_HOT=1 computes
		// them, else the year's board shows the 30 days' (as many issues).
		key, compute, err := srv.hotKey(ctx, users[role], yearFrom, yearTo)
		if err != nil {
			b.Fatal(err)
		}
		if os.Getenv("JICENG_BENCH_HOT") == "" {
			compute = func(context.Context) ([]casework.HotIssue, error) { return hs, nil }
		}
		t0 = time.Now()
		if _, err := srv.hotCache.get(ctx, key, srv.Clock.Now, compute); err != nil {
			b.Fatal(err)
		}
		b.Logf("hot issues %-9s of the year %9.1f ms", role, ms(time.Since(t0)))
	}

	type request struct{ role, path string }
	var requests []request
	for _, role := range roles {
		for _, p := range []string{"/dashboard", "/dashboard?" + year, "/api/v1/dashboard", "/api/v1/dashboard?" + year,
			"/api/v1/hot", "/api/v1/boundaries", "/dashboard/report.xlsx"} {
			requests = append(requests, request{role, p})
		}
	}
	send := func(rq request) (wall, cpu time.Duration) {
		var r0, r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		req := httptest.NewRequest(http.MethodGet, rq.path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tokens[rq.role]})
		w := newBenchWriter()
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("%s as %s: status %d: %.300q", rq.path, rq.role, w.status, w.body.Bytes())
		}
		wall = time.Since(w.start)
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		return wall, time.Duration(r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano())
	}
	cold, coldCPU := make([][]time.Duration, len(requests)), make([][]time.Duration, len(requests))
	warm, warmCPU := make([][]time.Duration, len(requests)), make([][]time.Duration, len(requests))
	for b.Loop() {
		for i, rq := range requests {
			srv.boardCache.reset()
			wall, cpu := send(rq)
			cold[i], coldCPU[i] = append(cold[i], wall), append(coldCPU[i], cpu)
			wall, cpu = send(rq)
			warm[i], warmCPU[i] = append(warm[i], wall), append(warmCPU[i], cpu)
		}
	}
	p95 := func(ds []time.Duration) time.Duration { return ds[min(len(ds)-1, len(ds)*95/100)] }
	var worstCold, worstWarm time.Duration
	for i, rq := range requests {
		for _, ds := range [][]time.Duration{cold[i], warm[i], coldCPU[i], warmCPU[i]} {
			slices.Sort(ds)
		}
		b.Logf("%-9s %-48s cold p50 %7.1f p95 %7.1f ms (cpu p95 %6.1f)   warm p50 %6.1f p95 %6.1f ms (cpu p95 %6.1f)", rq.role, rq.path,
			ms(cold[i][len(cold[i])/2]), ms(p95(cold[i])), ms(p95(coldCPU[i])), ms(warm[i][len(warm[i])/2]), ms(p95(warm[i])), ms(p95(warmCPU[i])))
		worstCold, worstWarm = max(worstCold, p95(cold[i])), max(worstWarm, p95(warm[i]))
	}
	b.ReportMetric(ms(worstCold), "cold-p95-ms")
	b.ReportMetric(ms(worstWarm), "warm-p95-ms")
}

// benchPGStreet opens the PostgreSQL database at dsn and, when it has no
// tickets, fills it with the benchmark's street of n tickets (0: the
// demo's size), the load timed.
func benchPGStreet(b *testing.B, dsn string, n int, end time.Time, clock core.Clock) *postgres.DB {
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, clock)
	if err != nil {
		b.Fatal(err)
	}
	have, err := db.DayCounts(ctx, core.CountQuery{From: core.DayStart(0), To: end.AddDate(1, 0, 0)})
	if err != nil {
		b.Fatal(err)
	}
	if len(have) == 1 && have[0].N > 0 {
		b.Logf("PostgreSQL street: %d tickets", have[0].N)
		return db
	}
	t0 := time.Now()
	if _, err := demo.Build(ctx, db, demo.Options{End: end, Tickets: n}, account.HashPassword); err != nil {
		b.Fatal(err)
	}
	took := time.Since(t0)
	// The counts were updated batch by batch: vacuum them, as autovacuum
	// would soon after a load, so that the timed reads do not step over
	// their dead rows.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE day_counts, day_totals, hour_counts, month_totals, month_hours"); err != nil {
		b.Fatal(err)
	}
	if have, err = db.DayCounts(ctx, core.CountQuery{From: core.DayStart(0), To: end.AddDate(1, 0, 0)}); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the PostgreSQL street (%d tickets) in %s: %.0f tickets/s", have[0].N, took.Round(time.Second), float64(have[0].N)/took.Seconds())
	return db
}
