package understand

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"jiceng/internal/sqlite"
)

// BenchmarkPredict is the whole prediction of one demo ticket on one
// goroutine: category (model), intent, urgency, places and organisations.
func BenchmarkPredict(b *testing.B) {
	st, ts := demoTickets(b, 2000)
	u := New(Options{Model: testModel(b), ModelName: "m", Areas: st.Areas})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		u.Predict(&ts[i%len(ts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
}

// BenchmarkFill predicts and stores 10,000 tickets in SQLite, on all cores.
func BenchmarkFill(b *testing.B) {
	ctx := context.Background()
	st, ts := demoTickets(b, 10000)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "f.db"), time.Now)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.UpsertTickets(ctx, ts, "bench"); err != nil {
			b.Fatal(err)
		}
		u := New(Options{Model: testModel(b), ModelName: "m", Areas: st.Areas})
		b.StartTimer()
		if _, err := u.Fill(ctx, db, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*len(ts))/b.Elapsed().Seconds(), "tickets/s")
}
