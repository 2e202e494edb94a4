package alert

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// grid returns n×n zones on a square grid with each zone's neighbours by
// distance.
func grid(n int) [][]int {
	near := make([][]int, n*n)
	for z := range near {
		zx, zy := z%n, z/n
		order := make([]int, n*n)
		for i := range order {
			order[i] = i
		}
		dist := func(o int) float64 { return math.Hypot(float64(o%n-zx), float64(o/n-zy)) }
		sort.SliceStable(order, func(i, j int) bool { return dist(order[i]) < dist(order[j]) })
		near[z] = order
	}
	return near
}

func scanData(rng *rand.Rand, zones, days int, hot []int, rr float64, hotDays int) [][]float64 {
	c := make([][]float64, zones)
	for z := range c {
		c[z] = make([]float64, days)
		base := 1 + float64(z%3) // zones of different sizes
		for d := range c[z] {
			mu := base
			if d%7 >= 5 {
				mu *= 0.5 // weekends: the same in every zone, as the model assumes
			}
			if slices.Contains(hot, z) && d >= days-hotDays {
				mu *= rr
			}
			c[z][d] = poisson(rng, mu)
		}
	}
	return c
}

// TestScan checks the scan's size and power: without a cluster it finds a
// significant one in about 5 % of the studies, and a tripled rate over the
// last 3 days in a zone and its two nearest neighbours is found in most.
func TestScan(t *testing.T) {
	near := grid(8)
	hot := near[27][:3]
	rng := rand.New(rand.NewPCG(7, 7))
	opt := ScanOptions{Replications: 99}
	const studies = 100
	var falseAlarms, found int
	for i := range studies {
		opt.Seed = uint64(i)
		if cl := Scan(ScanInput{Counts: scanData(rng, 64, 56, nil, 1, 0), Near: near}, opt); len(cl) > 0 && cl[0].P < 0.05 {
			falseAlarms++
		}
		cl := Scan(ScanInput{Counts: scanData(rng, 64, 56, hot, 3, 3), Near: near}, opt)
		if len(cl) > 0 && cl[0].P < 0.05 && overlaps(cl[0].Zones, hot) && cl[0].Days <= 5 {
			found++
		}
	}
	t.Logf("no cluster: %d of %d studies significant at 0.05; tripled rate: found in %d", falseAlarms, studies, found)
	if falseAlarms > 12 {
		t.Errorf("%d of %d null studies significant at 0.05: the test is not of its size", falseAlarms, studies)
	}
	if found < 80 {
		t.Errorf("the injected cluster is found in %d of %d studies, want ≥ 80", found, studies)
	}
}

func overlaps(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func TestScanEdges(t *testing.T) {
	near := grid(2)
	if got := Scan(ScanInput{Counts: [][]float64{{0, 0}, {0, 0}, {0, 0}, {0, 0}}, Near: near}, ScanOptions{}); got != nil {
		t.Errorf("no tickets: %v, want nil", got)
	}
	if got := Scan(ScanInput{}, ScanOptions{}); got != nil {
		t.Errorf("no zones: %v, want nil", got)
	}
	// All of one zone's tickets today: the cluster is that zone, today.
	c := [][]float64{{2, 3, 2, 9}, {2, 2, 3, 2}, {3, 2, 2, 2}, {2, 3, 2, 2}}
	cl := Scan(ScanInput{Counts: c, Near: near}, ScanOptions{Replications: 199, Seed: 1})
	if len(cl) == 0 || !slices.Equal(cl[0].Zones, []int{0}) || cl[0].Days != 1 || cl[0].Observed != 9 {
		t.Fatalf("clusters %+v, want zone 0 today with 9", cl)
	}
	if want := 16.0 * 15 / 43; math.Abs(cl[0].Expected-want) > 1e-9 {
		t.Errorf("expected %v, want %v (zone total × day total / total)", cl[0].Expected, want)
	}
}
