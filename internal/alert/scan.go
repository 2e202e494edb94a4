package alert

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// ScanInput is the data of a prospective space–time permutation scan
// (Kulldorff et al., 2005): the daily counts of one category (or tag) in
// each zone (community) over a study period that ends today.
type ScanInput struct {
	// Counts[z][d] is the count of zone z on day d; every zone has the same
	// number of days, the last one today.
	Counts [][]float64
	// Near[z] lists the zones by distance from z, z first: a candidate
	// cluster is a zone and its nearest neighbours (from community
	// centroids, or adjacency by rings).
	Near [][]int
}

// ScanOptions bound the candidate clusters and the Monte Carlo test.
type ScanOptions struct {
	MaxZones     int // zones in a cluster at most (default 5)
	MaxDays      int // days in a cluster at most, ending today (default 7, at most 32)
	Replications int // random permutations for the p-value (default 999)
	Seed         uint64
}

// Cluster is a candidate space–time cluster: zones, and days ending today.
type Cluster struct {
	Zones    []int
	Days     int
	Observed float64
	// Expected is the count the zones would have over those days if where
	// and when tickets arrive were independent (the permutation model: a
	// zone's share of the period times the days' share of all zones).
	Expected float64
	LLR      float64 // the log-likelihood ratio of the scan
	P        float64 // Monte Carlo p-value of the LLR among the permutations
}

// Scan returns the most likely cluster and the secondary ones that share no
// zone with a better one (ten at most), best first, each with its p-value.
// A cluster has at least 2 tickets and more than expected. Counts must be
// whole numbers. A study period with no count returns nil.
func Scan(in ScanInput, opt ScanOptions) []Cluster {
	if opt.MaxZones <= 0 {
		opt.MaxZones = 5
	}
	if opt.MaxDays <= 0 {
		opt.MaxDays = 7
	}
	if opt.Replications <= 0 {
		opt.Replications = 999
	}
	nz := len(in.Counts)
	if nz == 0 {
		return nil
	}
	nd := len(in.Counts[0])
	maxDays := min(opt.MaxDays, nd, 32)
	// Zone totals, day totals and each zone's counts over the last w days.
	zoneTot := make([]float64, nz)
	dayTot := make([]float64, nd)
	var total float64
	for z, row := range in.Counts {
		for d, c := range row {
			zoneTot[z] += c
			dayTot[d] += c
			total += c
		}
	}
	if total == 0 {
		return nil
	}
	// recent[z][w-1]: zone z's count over the last w days.
	recent := make([][]float64, nz)
	fill := func(counts [][]float64) {
		for z := range recent {
			if recent[z] == nil {
				recent[z] = make([]float64, maxDays)
			}
			var s float64
			for w := 1; w <= maxDays; w++ {
				s += counts[z][nd-w]
				recent[z][w-1] = s
			}
		}
	}
	dayShare := make([]float64, maxDays) // Σ of the last w days' totals
	var s float64
	for w := 1; w <= maxDays; w++ {
		s += dayTot[nd-w]
		dayShare[w-1] = s
	}
	sc := newScanner(in, opt, total, zoneTot, dayShare, maxDays)
	fill(in.Counts)
	cands := sc.candidates(recent, true)
	if len(cands) == 0 {
		return nil
	}
	// The permutations: which cases fall on the last maxDays days, and on
	// which of them, is a random draw with the days' totals fixed.
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5851f42d4c957f2d))
	cases := make([]int32, 0, int(total)) // each case's zone
	for z, t := range zoneTot {
		for range int(t) {
			cases = append(cases, int32(z))
		}
	}
	inWindow := int(dayShare[maxDays-1])
	perm := make([][]float64, nz)
	for z := range perm {
		perm[z] = make([]float64, nd)
	}
	// Sequential Monte Carlo (Besag and Clifford, 1991): stop once the
	// most likely cluster's LLR has been reached by enough permutations,
	// when its p-value is plainly large; a significant cluster gets every
	// replication.
	const enough = 20
	maxima := make([]float64, 0, opt.Replications)
	reached := 0
	for len(maxima) < opt.Replications && reached < enough {
		for z := range perm {
			clear(perm[z][nd-maxDays:])
		}
		// A partial Fisher–Yates shuffle picks the cases of the window;
		// they take the window's days in order of the days' totals.
		day, left := nd-1, dayTot[nd-1]
		for i := 0; i < inWindow; i++ {
			j := i + rng.IntN(len(cases)-i)
			cases[i], cases[j] = cases[j], cases[i]
			for left == 0 {
				day--
				left = dayTot[day]
			}
			perm[cases[i]][day]++
			left--
		}
		fill(perm)
		m := 0.0
		if best := sc.candidates(recent, false); len(best) > 0 {
			m = best[0].LLR
		}
		maxima = append(maxima, m)
		if m >= cands[0].LLR {
			reached++
		}
	}
	slices.Sort(maxima)
	full := len(maxima) == opt.Replications
	// Secondary clusters: the best candidate of each zone set not sharing
	// a zone with a better cluster.
	var out []Cluster
	used := make([]bool, nz)
next:
	for _, c := range cands {
		for _, z := range c.Zones {
			if used[z] {
				continue next
			}
		}
		for _, z := range c.Zones {
			used[z] = true
		}
		above := len(maxima) - sort.SearchFloat64s(maxima, c.LLR)
		if full {
			c.P = float64(above+1) / float64(len(maxima)+1)
		} else {
			c.P = float64(above) / float64(len(maxima))
		}
		out = append(out, c)
		if len(out) == 10 {
			break
		}
	}
	return out
}

type scanner struct {
	in       ScanInput
	opt      ScanOptions
	total    float64
	zoneTot  []float64
	dayShare []float64
	maxDays  int
	// logs of the whole numbers up to total, of the days' shares and of
	// total: an LLR then costs one logarithm.
	logInt   []float64
	logShare []float64
	logTotal float64
}

func newScanner(in ScanInput, opt ScanOptions, total float64, zoneTot, dayShare []float64, maxDays int) *scanner {
	sc := &scanner{in: in, opt: opt, total: total, zoneTot: zoneTot, dayShare: dayShare, maxDays: maxDays}
	sc.logInt = make([]float64, int(total)+1)
	for i := 1; i < len(sc.logInt); i++ {
		sc.logInt[i] = math.Log(float64(i))
	}
	sc.logShare = make([]float64, len(dayShare))
	for i, d := range dayShare {
		sc.logShare[i] = math.Log(d)
	}
	sc.logTotal = math.Log(total)
	return sc
}

// candidates returns, for each centre, its best cluster (all of them sorted
// by LLR when all, else only the best one).
func (sc *scanner) candidates(recent [][]float64, all bool) []Cluster {
	var out []Cluster
	var best Cluster
	for _, near := range sc.in.Near {
		var obs [32]float64 // by window length
		var zt float64
		var top Cluster
		for k := 0; k < len(near) && k < sc.opt.MaxZones; k++ {
			z := near[k]
			zt += sc.zoneTot[z]
			if zt == 0 {
				continue
			}
			lzt := math.Log(zt)
			for w := 1; w <= sc.maxDays; w++ {
				obs[w-1] += recent[z][w-1]
				c := obs[w-1]
				mu := zt * sc.dayShare[w-1] / sc.total
				if c <= mu || c < 2 {
					continue
				}
				// c·ln(c/μ) + (C−c)·ln((C−c)/(C−μ))
				llr := c * (sc.logInt[int(c)] - lzt - sc.logShare[w-1] + sc.logTotal)
				if rest := sc.total - c; rest > 0 {
					llr += rest * (sc.logInt[int(rest)] - math.Log(sc.total-mu))
				}
				if llr > top.LLR {
					top = Cluster{Days: w, Observed: c, Expected: mu, LLR: llr, Zones: near[:k+1]}
				}
			}
		}
		if top.LLR == 0 {
			continue
		}
		if all {
			top.Zones = slices.Clone(top.Zones)
			out = append(out, top)
		} else if top.LLR > best.LLR {
			best = top
		}
	}
	if !all {
		if best.LLR > 0 {
			return []Cluster{best}
		}
		return nil
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LLR > out[j].LLR })
	return out
}
