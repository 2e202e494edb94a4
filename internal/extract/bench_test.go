package extract

import (
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/demo"
)

// benchTickets are demo tickets of about 300 characters (title + content),
// the size the throughput target is stated for.
func benchTickets(b *testing.B) []core.Ticket {
	b.Helper()
	var out []core.Ticket
	for _, t := range demoTickets(b, 9, 3000) {
		if n := utf8.RuneCountInString(t.Title + t.Content); n >= 250 && n <= 350 {
			out = append(out, t)
		}
	}
	if len(out) < 100 {
		b.Fatalf("only %d tickets of ~300 characters", len(out))
	}
	return out
}

// resetTimer resets b's timer and returns the process's CPU time, for
// report.
func resetTimer(b *testing.B) int64 {
	b.ResetTimer()
	return processCPU()
}

// report adds tickets per second and the process's CPU nanoseconds per
// ticket since cpu (from resetTimer), which other processes on a shared
// machine do not inflate.
func report(b *testing.B, cpu int64) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
	if now := processCPU(); now > 0 {
		b.ReportMetric(float64(now-cpu)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkIntent(b *testing.B) {
	ts := benchTickets(b)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		Intent(t.Title, t.Content)
	}
	report(b, cpu)
}

func BenchmarkPlaces(b *testing.B) {
	ts := benchTickets(b)
	areas := demo.NewStreet(1).Areas
	Places("", areas)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		Places(t.Content, areas)
	}
	report(b, cpu)
}

func BenchmarkUrgency(b *testing.B) {
	ts := benchTickets(b)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		Urgency(t.Title, t.Content)
	}
	report(b, cpu)
}

// BenchmarkAll is the three together, as a ticket is processed on import.
func BenchmarkAll(b *testing.B) {
	ts := benchTickets(b)
	areas := demo.NewStreet(1).Areas
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		t := &ts[i%len(ts)]
		Intent(t.Title, t.Content)
		Places(t.Content, areas)
		Urgency(t.Title, t.Content)
	}
	report(b, cpu)
}

// BenchmarkOrgs is the organisation extractor.
func BenchmarkOrgs(b *testing.B) {
	ts := benchTickets(b)
	cpu := resetTimer(b)
	for i := 0; i < b.N; i++ {
		Orgs(ts[i%len(ts)].Content)
	}
	report(b, cpu)
}
