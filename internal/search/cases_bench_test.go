package search

import (
	"os"
	"strconv"
	"testing"
	"time"

	"jiceng/internal/demo"
)

// BenchmarkCases indexes 100,000 demo tickets as cases (a street's three
// years) and looks up the similar cases of others: the ticket page's
// 类似案例 (JICENG_BENCH_CASES sets another size). Reported: cases indexed per second, and the lookup's time per
// op.
//
//	go test ./internal/search -run XXX -bench Cases -benchtime 200x
func BenchmarkCases(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("JICENG_BENCH_CASES")); err == nil && v > 0 {
		n = v
	}
	start := time.Now()
	p, err := demo.NewPlan(demo.NewStreet(1), demo.Options{Seed: 1, End: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Tickets: n + 1000})
	if err != nil {
		b.Fatal(err)
	}
	var cases []Case
	for d := 0; d < p.Days(); d++ {
		for _, t := range p.Day(d) {
			cases = append(cases, Case{ID: strconv.Itoa(len(cases)), Text: t.Title + "\n" + t.Content,
				Category1: t.Category1, Category2: t.Category2, Community: t.Community})
		}
	}
	queries := cases[n:]
	cases = cases[:n]
	b.Logf("generated %d cases in %s", n, time.Since(start).Round(time.Millisecond))
	ix, err := OpenCasesMem()
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	start = time.Now()
	if err := ix.Add(cases); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.Logf("indexed %d cases in %s", n, took.Round(time.Millisecond))
	i, hits, same := 0, 0, 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		q.ID = ""
		hs, err := ix.Similar(q, 5)
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range hs {
			c, _ := strconv.Atoi(h.ID)
			hits++
			if cases[c].Category2 == q.Category2 {
				same++
			}
		}
	}
	b.ReportMetric(float64(n)/took.Seconds(), "cases-indexed/s")
	if hits > 0 {
		// A proxy of relevance: the share of the hits in the question's
		// second-level category (which the query boosts a little).
		b.ReportMetric(float64(same)/float64(hits), "same-category2")
	}
}
