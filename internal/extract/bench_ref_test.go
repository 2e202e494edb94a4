package extract

import (
	"testing"

	"jiceng/internal/demo"
)

// The benchmarks of bench_test.go on the reference implementation
// (reference_test.go), to compare before and after in one run, under the
// same load: go test ./internal/extract -run '^$' -bench 'Places|Orgs|Urgency|Intent$|All'.

func BenchmarkRefIntent(b *testing.B) {
	ts := benchTickets(b)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		refIntent(t.Title, t.Content)
	}
	report(b, cpu)
}

func BenchmarkRefPlaces(b *testing.B) {
	ts := benchTickets(b)
	pf := refNewPlaceFinder(demo.NewStreet(1).Areas)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		pf.Find(ts[i%len(ts)].Content)
	}
	report(b, cpu)
}

func BenchmarkRefUrgency(b *testing.B) {
	ts := benchTickets(b)
	ru := newRefRules(DefaultRules())
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		ru.Urgency(t.Title, t.Content)
	}
	report(b, cpu)
}

func BenchmarkRefAll(b *testing.B) {
	ts := benchTickets(b)
	pf := refNewPlaceFinder(demo.NewStreet(1).Areas)
	ru := newRefRules(DefaultRules())
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		refIntent(t.Title, t.Content)
		pf.Find(t.Content)
		ru.Urgency(t.Title, t.Content)
	}
	report(b, cpu)
}

func BenchmarkRefOrgs(b *testing.B) {
	ts := benchTickets(b)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		refOrgs(ts[i%len(ts)].Content)
	}
	report(b, cpu)
}

// BenchmarkPlacesDeid is the part of Find that package deid does
// (deid.Spans, for the BUILDING spans), which this package does not change.
func BenchmarkPlacesDeid(b *testing.B) {
	ts := benchTickets(b)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		Identifiers(ts[i%len(ts)].Content)
	}
	report(b, cpu)
}
