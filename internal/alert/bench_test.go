package alert

import (
	"math/rand/v2"
	"testing"
	"time"
)

// street returns the daily series of a large street: communities ×
// categories × days, Poisson at a category's rate.
func street(communities, categories, days int) []Series {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Series, 0, communities*categories)
	for c := 0; c < communities*categories; c++ {
		mu := 0.2 + 3*rng.Float64()
		s := Series{Start: start, Counts: make([]float64, days)}
		for d := range s.Counts {
			s.Counts[d] = poisson(rng, mu)
		}
		out = append(out, s)
	}
	return out
}

// BenchmarkStreet runs every detector over 300 communities × 50 categories
// × 2 years of days (11 million series-days): the goal is < 10 s for all.
func BenchmarkStreet(b *testing.B) {
	ss := street(300, 50, 730)
	for _, d := range Detectors() {
		b.Run(d.Name(), func(b *testing.B) {
			for b.Loop() {
				for _, s := range ss {
					d.Run(s, Weekends{})
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ss)*730), "ns/series-day")
		})
	}
}

// BenchmarkScanStreet runs the daily scan of one street: 50 categories, each
// over 300 communities × 56 days, 999 permutations.
func BenchmarkScanStreet(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	near := grid(17)[:289] // 289 communities on a grid
	var ins []ScanInput
	for range 50 {
		ins = append(ins, ScanInput{Counts: scanData(rng, 289, 56, nil, 1, 0), Near: near})
	}
	for b.Loop() {
		for i, in := range ins {
			Scan(in, ScanOptions{Seed: uint64(i)})
		}
	}
}
