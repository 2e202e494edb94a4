package demo

import (
	"testing"
	"time"

	"jiceng/internal/core"
)

// BenchmarkTickets measures generation speed in tickets per second, on all
// cores: go test -run XXX -bench Tickets -benchtime 200000x ./internal/demo (one
// ticket per op).
func BenchmarkTickets(b *testing.B) {
	st := NewStreet(1)
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	err := Tickets(st, Options{Seed: 1, End: end, Tickets: b.N}, func(t core.Ticket) error {
		n++
		return nil
	})
	if err != nil || n != b.N {
		b.Fatalf("got %d tickets, err %v; want %d", n, err, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
}

// BenchmarkRecord measures turning a ticket into an export row.
func BenchmarkRecord(b *testing.B) {
	var tks []core.Ticket
	Tickets(NewStreet(1), Options{Seed: 1, End: time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime), Tickets: 1000}, func(t core.Ticket) error {
		tks = append(tks, t)
		return nil
	})
	rec := make([]string, len(Header))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec = Record(&tks[i%len(tks)], rec)
	}
}
