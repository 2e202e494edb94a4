package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiceng/internal/rates"
)

// TestRatesCache: one computation per period while nothing changes, even
// for concurrent requests; a change recomputes on the next request; an
// old result is served while a fresh one is computed; failures are not
// kept.
func TestRatesCache(t *testing.T) {
	var calls atomic.Int32
	var fail atomic.Bool
	compute := func(context.Context) (*rates.Result, error) {
		n := calls.Add(1)
		time.Sleep(5 * time.Millisecond)
		if fail.Load() {
			return nil, errors.New("store down")
		}
		return &rates.Result{Street: rates.Group{Name: string(rune('A' + n - 1))}}, nil
	}
	var nowMu sync.Mutex
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { nowMu.Lock(); defer nowMu.Unlock(); return now }
	advance := func(d time.Duration) { nowMu.Lock(); now = now.Add(d); nowMu.Unlock() }
	c := newRatesCache()
	ctx := context.Background()
	get := func() string {
		res, err := c.get(ctx, "2025-01", clock, compute)
		if err != nil {
			return "error"
		}
		return res.Street.Name
	}

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { get() })
	}
	wg.Wait()
	if calls.Load() != 1 || get() != "A" {
		t.Fatalf("concurrent first requests: %d computations, want 1", calls.Load())
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for get() != want {
			if time.Now().After(deadline) {
				t.Fatalf("the background refresh never served %s", want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	c.changed()
	if got := get(); got != "A" {
		t.Fatalf("right after a change: served %s, want the old result while refreshing", got)
	}
	waitFor("B")
	if get(); calls.Load() != 2 {
		t.Fatalf("%d computations, want 2", calls.Load())
	}
	advance(ratesFresh + time.Second)
	if got := get(); got != "B" {
		t.Fatalf("stale: served %s, want the old result while refreshing", got)
	}
	waitFor("C")
	// A failed refresh keeps the old result.
	fail.Store(true)
	c.changed()
	get()
	time.Sleep(50 * time.Millisecond)
	if got := get(); got != "C" {
		t.Fatalf("after a failed refresh: %s, want the old result", got)
	}
	// A failed first computation is not kept.
	if _, err := c.get(ctx, "2025-02", clock, compute); err == nil {
		t.Fatal("failing computation: no error")
	}
	fail.Store(false)
	if _, err := c.get(ctx, "2025-02", clock, compute); err != nil {
		t.Fatal("a failure was kept")
	}
}
