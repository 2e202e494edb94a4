package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/rates"
	"jiceng/internal/report"
	"jiceng/internal/storetest"
)

// scaleN is the number of tickets of BenchmarkScale, from
// JICENG_BENCH_PG_N; 0 skips it.
func scaleN(b *testing.B) int {
	v := os.Getenv("JICENG_BENCH_PG_N")
	if v == "" {
		b.Skip("set JICENG_BENCH_PG_N (e.g. 1000000) to build (once per server) and query a PostgreSQL district; scripts/bench-pg.sh does")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		b.Fatalf("JICENG_BENCH_PG_N=%q: want a number of tickets, at least 1000", v)
	}
	return n
}

// scaleEnd is the day after the last ticket of ScaleTickets: the "now" of
// the dashboard and the 三率.
var scaleEnd = storetest.NewGen(1).Start.Add(storetest.ScaleSpan).Truncate(24 * time.Hour)

// scaleDB opens the database of n bulk-filled tickets on the server of
// JICENG_TEST_PG, building it when the server has none of this schema
// version: as jiceng_bench_<n>_v<version>, kept for the next run.
func scaleDB(b *testing.B, n int) *DB {
	ctx := context.Background()
	dsn := testDSN(b)
	clock := core.Clock(func() time.Time { return scaleEnd.Add(10 * time.Hour) })
	name := fmt.Sprintf("jiceng_bench_%d_v%d_g1", n, SchemaVersion())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	at := func(db string) string { v := *u; v.Path = "/" + db; return v.String() }
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		tmp := name + "_building"
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)"); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+tmp); err != nil {
			b.Fatal(err)
		}
		db, err := Open(ctx, at(tmp), clock)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		step := max(n/10, 1)
		err = bulkFill(ctx, db, n, 10_000, func(done int) {
			if done%step < 10_000 {
				b.Logf("filled %d tickets in %s", done, time.Since(t0).Round(time.Second))
			}
		})
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s (%d tickets, indexes, VACUUM ANALYZE) in %s: %.0f tickets/s", name, n,
			time.Since(t0).Round(time.Second), float64(n)/time.Since(t0).Seconds())
	}
	var size string
	if err := conn.QueryRow(ctx, "SELECT pg_size_pretty(pg_database_size($1))", name).Scan(&size); err == nil {
		b.Logf("%s: %s", name, size)
	}
	db, err := Open(ctx, at(name), clock)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkScale measures the workbench on a PostgreSQL district of
// JICENG_BENCH_PG_N tickets (storetest.ScaleTickets: three years, 30
// communities, 60 units): each list kind of storetest.ScaleQueries as the
// /tickets page asks it (counting up to 1,000) and as the API does (exact
// counts), the 三率 of a month (report.Compute: the month and its year of
// trend, what /rates computes behind its cache) and the dashboard of 30
// days and of a year (casework.Dashboard). Each sub-benchmark reports
// p50-ms and p95-ms of one call over its rounds (-benchtime 30x: 30
// rounds, each with other filter values).
//
//	scripts/bench-pg.sh 1000000
func BenchmarkScale(b *testing.B) {
	n := scaleN(b)
	db := scaleDB(b, n)
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		upTo int
	}{{"page", 1000}, {"api", 0}} {
		for _, q := range storetest.ScaleQueries(n, mode.upTo) {
			b.Run(mode.name+"/"+q.Name, func(b *testing.B) {
				var l storetest.Latencies
				total, i := 0, 0
				for b.Loop() {
					f := q.F(i)
					i++
					if err := l.Time(func() error {
						_, t, err := db.Tickets(ctx, f)
						total += t
						return err
					}); err != nil {
						b.Fatal(err)
					}
				}
				if total == 0 && n >= 100_000 { // a small store may lack a rare word
					b.Fatalf("%s: no tickets match", q.Name)
				}
				l.Report(b)
				b.ReportMetric(float64(total)/float64(i), "matches")
			})
		}
	}
	cfg := rates.DefaultConfig()
	cfg.Location, cfg.AsOf = core.StreetTime, db.now()
	b.Run("rates/month", func(b *testing.B) {
		var l storetest.Latencies
		i := 0
		for b.Loop() {
			m := scaleEnd.AddDate(0, -1-i%6, 0)
			i++
			if err := l.Time(func() error {
				_, err := report.Compute(ctx, db, rates.Month(m.Year(), m.Month()), cfg)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
		l.Report(b)
	})
	b.Run("rates/store-read", func(b *testing.B) {
		// What the 三率 of a month ask of the store: the life cycles of
		// the month and its year of trend.
		var l storetest.Latencies
		i, rows := 0, 0
		for b.Loop() {
			m := scaleEnd.AddDate(0, -1-i%6, 0)
			i++
			p := rates.Month(m.Year(), m.Month())
			if err := l.Time(func() error {
				return db.EachLifeCycle(ctx, p.Add(-cfg.History).Start(core.StreetTime), p.End(core.StreetTime),
					func(core.Ticket) error { rows++; return nil })
			}); err != nil {
				b.Fatal(err)
			}
		}
		l.Report(b)
		b.ReportMetric(float64(rows)/float64(i), "rows")
	})
	svc := &casework.Service{Store: db, Clock: db.clock}
	staff := core.User{Username: "staff", Role: core.RoleStaff}
	for _, period := range []struct {
		name string
		days int
	}{{"dashboard/30-days", 30}, {"dashboard/year", 365}} {
		b.Run(period.name, func(b *testing.B) {
			var l storetest.Latencies
			i := 0
			for b.Loop() {
				to := scaleEnd.AddDate(0, 0, -7*(i%8))
				i++
				if err := l.Time(func() error {
					_, err := svc.Dashboard(ctx, staff, to.AddDate(0, 0, -period.days), to)
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
			l.Report(b)
		})
	}
}

// BenchmarkReadsDuringImport times the workbench's first pages (the
// /tickets page's lists of storetest.ScaleQueries, in turn) on a district
// of JICENG_BENCH_PG_N/5 bulk-filled tickets while UpsertTickets imports
// as many new ones again, in batches of 2,000, on other connections of the
// pool: the reads are neither blocked nor failed by the import. It reports
// p50/p95 of the reads during the import, the reads done, and the import's
// tickets/s.
func BenchmarkReadsDuringImport(b *testing.B) {
	n := scaleN(b) / 5
	ctx := context.Background()
	clock := core.Clock(func() time.Time { return scaleEnd.Add(10 * time.Hour) })
	db := mustOpen(b, clock)
	if err := bulkFill(ctx, db, n, 10_000, nil); err != nil {
		b.Fatal(err)
	}
	queries := storetest.ScaleQueries(n, 1000)
	round := 0
	for b.Loop() {
		round++
		var importing atomic.Bool
		importing.Store(true)
		errc := make(chan error, 1)
		t0 := time.Now()
		go func() {
			defer importing.Store(false)
			g := storetest.NewGen(uint64(99 + round))
			for i := 0; i < n; i += benchBatch {
				ts := storetest.ScaleTickets(g, n, i, benchBatch)
				for j := range ts {
					ts[j].Number = fmt.Sprintf("IM%03d-%010d", round, i+j) // new numbers in every round
				}
				if _, err := db.UpsertTickets(ctx, ts, "import:bench"); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
		var l storetest.Latencies
		for i := 0; importing.Load(); i++ {
			q := queries[i%len(queries)]
			if err := l.Time(func() error {
				_, _, err := db.Tickets(ctx, q.F(i))
				return err
			}); err != nil {
				b.Fatalf("%s during the import: %v", q.Name, err)
			}
		}
		took := time.Since(t0)
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
		b.Logf("%d reads during an import of %d tickets (%s): p50 %.1f ms, p95 %.1f ms, max %.1f ms",
			len(l), n, took.Round(time.Second), l.P(50), l.P(95), l.P(100))
		l.Report(b)
		b.ReportMetric(float64(len(l)), "reads")
		b.ReportMetric(float64(n)/took.Seconds(), "import-tickets/s")
	}
}
