package quality

import (
	"testing"
	"time"
)

var evalNow = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// TestEvaluate runs the generator's eval at a small size: every check kind
// must find its injected defects with precision and recall of at least
// 0.95.
func TestEvaluate(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 5000
	}
	g := Generate(GenOptions{Persons: n, Seed: 1, Now: evalNow})
	figs, _, err := Evaluate(g, evalNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		t.Logf("%-12s truth %5d found %5d hits %5d P %.4f R %.4f", f.Kind, f.Truth, f.Found, f.Hits, f.Precision, f.Recall)
		if f.Truth == 0 {
			t.Errorf("%s: no defects injected", f.Kind)
			continue
		}
		if f.Precision < 0.95 || f.Recall < 0.95 {
			t.Errorf("%s: precision %.3f recall %.3f, want >= 0.95", f.Kind, f.Precision, f.Recall)
		}
	}
}
