package sqlite

import (
	"context"
	"os"
	"testing"
	"time"

	"jiceng/internal/storetest"
)

func TestProbe(t *testing.T) {
	path := os.Getenv("PROBE")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.read.SetMaxOpenConns(1)
	if v := os.Getenv("MMAP"); v != "" {
		db.read.Exec("PRAGMA mmap_size=" + v)
	}
	for _, q := range storetest.QueryMix(1_000_000) {
		if m := os.Getenv("ONLY"); m != "" && m != q.Name {
			continue
		}
		w, args := where(q.F, true)
		var best [2]time.Duration
		for i := 0; i < 3; i++ {
			t0 := time.Now()
			var n int
			db.read.QueryRow("SELECT count(*) FROM tickets"+w, args...).Scan(&n)
			tc := time.Since(t0)
			t0 = time.Now()
			db.Tickets(ctx, q.F)
			ta := time.Since(t0)
			if i == 0 || tc < best[0] {
				best[0] = tc
			}
			if i == 0 || ta < best[1] {
				best[1] = ta
			}
		}
		t.Logf("%-26s rawcount %7.1f ms  Tickets %7.1f ms", q.Name, ms(best[0]), ms(best[1]))
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
