package quality

import (
	"testing"

	"jiceng/internal/fieldset"
)

// persons1M returns 1,000,000 generated person rows (defects included).
func persons1M(b *testing.B) []Record {
	b.Helper()
	g := Generate(GenOptions{Persons: 960000, Seed: 1, Now: evalNow})
	recs := make([]Record, 0, 1000000)
	for _, r := range g.Records {
		if r.Kind == fieldset.KindPerson && len(recs) < 1000000 {
			recs = append(recs, r)
		}
	}
	if len(recs) < 1000000 {
		b.Fatalf("only %d person rows", len(recs))
	}
	return recs
}

// BenchmarkRun1M runs the default checks (the check file and the field
// set's implied checks: 37 person checks) over 1,000,000 person rows and
// reports rows per second and allocations:
//
//	go test -run XXX -bench Run1M -benchtime 3x -benchmem ./internal/quality
func BenchmarkRun1M(b *testing.B) {
	recs := persons1M(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Measure(recs, Options{Now: evalNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "rows/s")
}
