package search

import (
	"strconv"
	"testing"
	"time"

	"jiceng/internal/demo"
)

// BenchmarkCases indexes 100,000 demo tickets as cases (a street's three
// years) and looks up the similar cases of others: the ticket page's
// 类似案例. Reported: cases indexed per second, and the lookup's time per
// op.
//
//	go test ./internal/search -run XXX -bench Cases -benchtime 200x
func BenchmarkCases(b *testing.B) {
	const n = 100_000
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
	ix, err := OpenCasesMem()
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	if err := ix.Add(cases); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "cases-indexed/s")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		q.ID = ""
		if _, err := ix.Similar(q, 5); err != nil {
			b.Fatal(err)
		}
	}
}
