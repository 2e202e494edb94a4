package replycheck

import (
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
)

func TestAUC(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pos, neg []float64
		want     float64
	}{
		{"separated", []float64{3, 4}, []float64{1, 2}, 1},
		{"reversed", []float64{1}, []float64{2, 3}, 0},
		{"ties", []float64{1, 1}, []float64{1}, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := auc(tc.pos, tc.neg); got != tc.want {
				t.Errorf("auc = %v, want %v", got, tc.want)
			}
		})
	}
}

// demoPairs returns the pairs of n demo tickets that have a reply,
// generated once per n.
func demoPairs(tb testing.TB, n int) []Pair {
	tb.Helper()
	demoCache.Lock()
	defer demoCache.Unlock()
	if ps, ok := demoCache.m[n]; ok {
		return ps
	}
	var ps []Pair
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime)
	err := demo.Tickets(demo.NewStreet(1), demo.Options{Seed: 1, End: end, Tickets: n}, func(tk core.Ticket) error {
		if tk.Reply == "" {
			return nil
		}
		ps = append(ps, PairOf(tk))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if demoCache.m == nil {
		demoCache.m = map[int][]Pair{}
	}
	demoCache.m[n] = ps
	return ps
}

var demoCache struct {
	sync.Mutex
	m map[int][]Pair
}

// TestDemoSwapAUC reports how well the score tells a demo ticket's own
// reply from another ticket's: go test -run DemoSwapAUC -v ./internal/replycheck.
// The corpus is the first half of the tickets, the pairs checked the
// second half (none of them in the corpus).
func TestDemoSwapAUC(t *testing.T) {
	ps := demoPairs(t, 6000)
	half := len(ps) / 2
	f := SwapAUC(ps[:half], ps[half:], 1)
	t.Logf("demo: %d pairs checked against a corpus of %d", f.N, half)
	t.Logf("AUC true vs random swap:        score %.3f  relevance %.3f", f.Random, f.RandomRel)
	t.Logf("AUC true vs same-category swap: score %.3f  relevance %.3f", f.SameCategory, f.SameCategoryRel)
	if f.Random < 0.5 {
		t.Errorf("random-swap AUC %.3f is no better than chance", f.Random)
	}
}
