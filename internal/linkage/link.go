package linkage

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Pair is one scored candidate pair: record indexes A < B into the input,
// the comparison vector (4 bits per field, the level of field f at bit 4f),
// the match weight (log2 of the Bayes factor, prior included) and the match
// probability.
type Pair struct {
	A, B   int32
	Gamma  uint64
	Weight float64
	Prob   float64
}

// Level returns the comparison level of field f in p (0 = null).
func (p Pair) Level(f int) uint8 { return uint8(p.Gamma >> (4 * f) & 15) }

// Model is the fitted Fellegi–Sunter model, Splink's way: m (the
// probability of each level among matches) estimated by EM on the candidate
// pairs, u (among non-matches) measured on random record pairs, and the
// prior match probability among all pairs. Scoring with random-pair u and
// the all-pairs prior is what makes the weights mean what they say: two
// records that agree on a birth date are, among all pairs, rarely a
// coincidence, even though among the candidates (blocked on the birth
// date) agreement is the rule.
type Model struct {
	Fields []Field
	// M and U are per field and level (level 0, null, unused); U is the
	// random-pair estimate the weights use.
	M, U [][]float64
	// UBlocked is u among the candidate pairs, as EM estimated it beside m.
	// EM needs it: blocking makes the non-matching candidates far from
	// random (namesakes born the same year share a blocking key), and with
	// u held at its random-pair value EM takes them all for matches. It is
	// reported, not used for weights.
	UBlocked [][]float64
	// Lambda is the share of matches among the candidate pairs (EM);
	// PriorAll the match probability of a random pair of records.
	Lambda, PriorAll float64
	Iters            int
	Converged        bool
}

// Weight returns log2(m/u) of field f at level l; 0 for the null level
// and for a level the field's kind does not have.
func (m *Model) Weight(f int, l uint8) float64 {
	if l == 0 || int(l) >= len(m.M[f]) {
		return 0
	}
	return math.Log2(m.M[f][l] / m.U[f][l])
}

// Stage is the wall time of one stage of Link.
type Stage struct {
	Name string
	Time time.Duration
}

// Stats describes one run of Link.
type Stats struct {
	Records       int
	Candidates    int   // distinct candidate pairs compared
	PerRule       []int // new pairs found by each blocking rule
	SkippedBlocks int   // blocks larger than MaxBlock, not compared
	Patterns      int   // distinct comparison vectors
	Matches       int   // pairs at or above Upper
	Review        int   // pairs in [Lower, Upper)
	Clusters      int   // clusters of two or more records
	Stages        []Stage
}

// Result is the outcome of Link.
type Result struct {
	// Pairs holds every candidate pair scored at or above Lower, ordered by
	// A then B.
	Pairs []Pair
	// Cluster gives each record's cluster: the smallest record index of its
	// connected component of matches (a record alone is its own cluster).
	Cluster []int32
	Model   Model
	Stats   Stats
	Upper   float64
	Lower   float64
}

// Matches returns the pairs at or above the upper threshold.
func (r *Result) Matches() []Pair {
	var out []Pair
	for _, p := range r.Pairs {
		if p.Prob >= r.Upper {
			out = append(out, p)
		}
	}
	return out
}

// Review returns the clerical-review list: pairs in [Lower, Upper), most
// uncertain (closest to probability 0.5) first.
func (r *Result) Review() []Pair {
	var out []Pair
	for _, p := range r.Pairs {
		if p.Prob < r.Upper {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Pair) int {
		da, db := math.Abs(a.Prob-0.5), math.Abs(b.Prob-0.5)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	return out
}

// Contribution is what one field added to a pair's match weight.
type Contribution struct {
	Field  string
	Level  string
	Weight float64 // log2(m/u), term-frequency adjustment included
	TF     float64 // the term-frequency part of Weight
	// Shared is set when the field agreed but its weight is not counted,
	// because a correlated field (Config.Correlated) agreed too and weighs
	// more.
	Shared bool
}

// Linker holds the normalised records of one Link call, to explain its
// pairs.
type Linker struct {
	cfg  Config
	p    *prepared
	res  *Result
	w    [][16]float64 // per field and level: log2(m/u)
	tfw  [][]float64   // per field: exact-level weight adjustment by value id
	corr [][2]int      // Config.Correlated as field indexes
}

// ErrNoFields is returned for a Config without fields.
var ErrNoFields = errors.New("linkage: no fields")

// Link links recs (their Values in cfg.Fields' order): it normalises them,
// builds candidate pairs from the blocking rules, estimates m and u by EM,
// scores every pair, clusters the matches and returns the pairs at or above
// Lower. Records are compared within and across sources alike, so true
// duplicates inside one source are found too. The model is learnt from the
// records themselves, so it needs a population: with fewer than a few
// hundred records u and m are poorly estimated and the probabilities mean
// little.
func Link(cfg Config, recs []Record) (*Linker, error) {
	cfg.defaults()
	if len(cfg.Fields) == 0 {
		return nil, ErrNoFields
	}
	if len(cfg.Fields) > 16 {
		return nil, fmt.Errorf("linkage: %d fields, at most 16", len(cfg.Fields))
	}
	if len(recs) >= math.MaxInt32 {
		return nil, fmt.Errorf("linkage: %d records, too many", len(recs))
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	res := &Result{Upper: cfg.Upper, Lower: cfg.Lower}
	res.Stats.Records = len(recs)
	lap := time.Now()
	stage := func(name string) {
		now := time.Now()
		res.Stats.Stages = append(res.Stats.Stages, Stage{name, now.Sub(lap)})
		lap = now
	}
	p, err := prepare(&cfg, recs, workers)
	if err != nil {
		return nil, err
	}
	stage("normalise")
	l := &Linker{cfg: cfg, p: p, res: res}
	rules, err := l.resolveRules()
	if err != nil {
		return nil, err
	}
	for _, c := range cfg.Correlated {
		a := slices.IndexFunc(cfg.Fields, func(f Field) bool { return f.Name == c[0] })
		b := slices.IndexFunc(cfg.Fields, func(f Field) bool { return f.Name == c[1] })
		if a < 0 || b < 0 || a == b {
			return nil, fmt.Errorf("linkage: correlated fields %q and %q: not two fields of the config", c[0], c[1])
		}
		l.corr = append(l.corr, [2]int{a, b})
	}
	pairs := l.candidates(rules, workers)
	res.Stats.Candidates = len(pairs)
	patterns := histogram(pairs)
	res.Stats.Patterns = len(patterns)
	stage("block+compare")
	l.randomU()
	l.em(patterns)
	stage("em")
	l.score(pairs, workers)
	stage("score")
	l.cluster()
	stage("cluster")
	return l, nil
}

// Result returns the result of the Link call.
func (l *Linker) Result() *Result { return l.res }

type ruleCols struct {
	cols  []int
	parts []Part
}

func (l *Linker) resolveRules() ([]ruleCols, error) {
	var rules []ruleCols
	for _, r := range l.cfg.Blocking {
		var rc ruleCols
		for _, k := range r.Keys {
			fi := slices.IndexFunc(l.cfg.Fields, func(f Field) bool { return f.Name == k.Field })
			if fi < 0 {
				return nil, fmt.Errorf("linkage: blocking rule %q: no field %q", r.Name, k.Field)
			}
			rc.cols = append(rc.cols, fi)
			rc.parts = append(rc.parts, k.Part)
		}
		if len(rc.cols) == 0 {
			return nil, fmt.Errorf("linkage: blocking rule %q has no keys", r.Name)
		}
		rules = append(rules, rc)
	}
	if len(rules) == 0 {
		return nil, errors.New("linkage: no blocking rules")
	}
	return rules, nil
}

// ruleKey returns record i's key for rule r, 0 if a part is missing.
func (l *Linker) ruleKey(r *ruleCols, i int32) uint64 {
	h := uint64(14695981039346656037)
	for k, fi := range r.cols {
		v := l.p.cols[fi].blockKey(r.parts[k], i)
		if v == 0 {
			return 0
		}
		h ^= v
		h *= 1099511628211
		h ^= h >> 29
	}
	if h == 0 {
		h = 1
	}
	return h
}

// gamma compares records i and j on every field.
func (l *Linker) gamma(i, j int32) uint64 {
	var g uint64
	for f := range l.p.cols {
		g |= uint64(l.p.cols[f].level(i, j)) << (4 * f)
	}
	return g
}

type keyed struct {
	key uint64
	idx int32
}

// candidates applies the blocking rules in order. A pair found by an
// earlier rule is not emitted again: deduplication needs no set of pairs,
// only each record's keys of the earlier rules (Splink does the same), so
// memory stays at one key per record and rule plus the pairs themselves.
func (l *Linker) candidates(rules []ruleCols, workers int) []Pair {
	n := int32(l.p.n)
	keys := make([][]uint64, len(rules))
	var pairs []Pair
	l.res.Stats.PerRule = make([]int, len(rules))
	for ri := range rules {
		ks := make([]uint64, n)
		var sorted []keyed
		for i := range n {
			k := l.ruleKey(&rules[ri], i)
			ks[i] = k
			if k != 0 {
				sorted = append(sorted, keyed{k, i})
			}
		}
		keys[ri] = ks
		slices.SortFunc(sorted, func(a, b keyed) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return int(a.idx - b.idx)
		})
		// Blocks, as [start, end) ranges of sorted.
		var blocks [][2]int
		for s := 0; s < len(sorted); {
			e := s + 1
			for e < len(sorted) && sorted[e].key == sorted[s].key {
				e++
			}
			switch {
			case e-s > l.cfg.MaxBlock:
				// Not compared by this rule, so a later rule must not take
				// these pairs for already seen.
				l.res.Stats.SkippedBlocks++
				for _, k := range sorted[s:e] {
					ks[k.idx] = 0
				}
			case e-s > 1:
				blocks = append(blocks, [2]int{s, e})
			}
			s = e
		}
		earlier := keys[:ri]
		outs := make([][]Pair, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				var out []Pair
				for bi := w; bi < len(blocks); bi += workers {
					b := sorted[blocks[bi][0]:blocks[bi][1]]
					for x := 0; x < len(b); x++ {
						i := b[x].idx
					next:
						for y := x + 1; y < len(b); y++ {
							j := b[y].idx
							for _, ek := range earlier {
								if ek[i] != 0 && ek[i] == ek[j] {
									continue next
								}
							}
							g := l.gamma(i, j)
							out = append(out, Pair{A: i, B: j, Gamma: g})
						}
					}
				}
				outs[w] = out
			}(w)
		}
		wg.Wait()
		for w := range workers {
			l.res.Stats.PerRule[ri] += len(outs[w])
			pairs = append(pairs, outs[w]...)
			outs[w] = nil
		}
	}
	return pairs
}

// pattern is one distinct comparison vector and how many pairs have it.
type pattern struct {
	g uint64
	c float64
}

// histogram counts the distinct comparison vectors of pairs (by sorting a
// copy of the vectors, so that the comparison loop touches no map).
func histogram(pairs []Pair) []pattern {
	gs := make([]uint64, len(pairs))
	for i, p := range pairs {
		gs[i] = p.Gamma
	}
	slices.Sort(gs)
	var out []pattern
	for s := 0; s < len(gs); {
		e := s + 1
		for e < len(gs) && gs[e] == gs[s] {
			e++
		}
		out = append(out, pattern{gs[s], float64(e - s)})
		s = e
	}
	return out
}

// randomU measures u on random pairs of records (nearly all non-matches)
// and initialises the model with it.
func (l *Linker) randomU() {
	nf := len(l.cfg.Fields)
	m := &l.res.Model
	m.Fields = l.cfg.Fields
	m.M, m.U, m.UBlocked = make([][]float64, nf), make([][]float64, nf), make([][]float64, nf)
	counts := make([][]float64, nf)
	for f := range nf {
		nl := len(l.cfg.Fields[f].Kind.Levels())
		counts[f] = make([]float64, nl)
		m.M[f], m.U[f], m.UBlocked[f] = make([]float64, nl), make([]float64, nl), make([]float64, nl)
	}
	n := l.p.n
	if n >= 2 {
		rng := rand.New(rand.NewPCG(l.cfg.Seed, 0x6c696e6b))
		for range l.cfg.RandomPairs {
			i, j := int32(rng.IntN(n)), int32(rng.IntN(n))
			if i == j {
				continue
			}
			g := l.gamma(i, j)
			for f := range nf {
				counts[f][g>>(4*f)&15]++
			}
		}
	}
	for f := range nf {
		nl := len(counts[f])
		var tot float64
		for lv := 1; lv < nl; lv++ {
			tot += counts[f][lv]
		}
		for lv := 1; lv < nl; lv++ {
			// Laplace smoothing keeps unseen levels (an exact ID agreement
			// among random pairs) possible but rare.
			m.U[f][lv] = (counts[f][lv] + 0.5) / (tot + 0.5*float64(nl-1))
			m.UBlocked[f][lv] = m.U[f][lv]
			// m starts where a careful clerk would: matches mostly agree
			// exactly, sometimes at an intermediate level, rarely not at
			// all. Starting "else" low keeps EM from taking the large
			// class of candidates that agree on one blocking field only
			// (namesakes, family members) for the matches.
			switch {
			case lv == 1:
				m.M[f][lv] = 0.9
			case lv == nl-1:
				m.M[f][lv] = 0.02
			default:
				m.M[f][lv] = 0.08 / float64(nl-3)
			}
		}
	}
	m.Lambda = 0.1
}

// em fits m, u among the candidates and λ on the histogram of comparison
// vectors.
func (l *Linker) em(ps []pattern) {
	m := &l.res.Model
	nf := len(l.cfg.Fields)
	if len(ps) == 0 {
		return
	}
	accM, accU := make([][]float64, nf), make([][]float64, nf)
	for f := range nf {
		accM[f], accU[f] = make([]float64, len(m.M[f])), make([]float64, len(m.M[f]))
	}
	// eps floors m and u, so that no level weighs more than about ±20 bits
	// however rarely EM saw it (a gender disagreement among matches).
	const eps = 1e-6
	// The first E-step is the Fellegi–Sunter model over all pairs: u from
	// random pairs and a prior of about one match per record, i.e. λ ≈ 1/n
	// of all pairs. It splits the candidates sensibly (a namesake or a
	// family member is not a match there) and EM then refines m, u and λ
	// on the candidates, starting from that split instead of from a guess
	// that can send it to the wrong optimum (all namesakes as matches).
	lambda0 := min(1/float64(max(l.p.n, 2)), 0.5)
	for it := 1; it <= l.cfg.MaxIterations; it++ {
		m.Iters = it
		uu, lam := m.UBlocked, m.Lambda
		if it == 1 {
			uu, lam = m.U, lambda0
		}
		for f := range nf {
			clear(accM[f])
			clear(accU[f])
		}
		var sumP, sumC float64
		for _, p := range ps {
			lm, lu := math.Log(lam), math.Log(1-lam)
			for f := range nf {
				lv := p.g >> (4 * f) & 15
				if lv == 0 {
					continue
				}
				lm += math.Log(m.M[f][lv])
				lu += math.Log(uu[f][lv])
			}
			post := 1 / (1 + math.Exp(lu-lm))
			sumP += p.c * post
			sumC += p.c
			for f := range nf {
				lv := p.g >> (4 * f) & 15
				accM[f][lv] += p.c * post
				accU[f][lv] += p.c * (1 - post)
			}
		}
		delta := 0.0
		lambda := min(max(sumP/sumC, eps), 1-eps)
		delta = math.Abs(lambda - m.Lambda)
		m.Lambda = lambda
		for f := range nf {
			var tm, tu float64
			for lv := 1; lv < len(accM[f]); lv++ {
				tm += accM[f][lv]
				tu += accU[f][lv]
			}
			for lv := 1; lv < len(accM[f]); lv++ {
				nm := max(accM[f][lv]/max(tm, eps), eps)
				delta = max(delta, math.Abs(nm-m.M[f][lv]))
				m.M[f][lv] = nm
				nu := max(accU[f][lv]/max(tu, eps), eps)
				delta = max(delta, math.Abs(nu-m.UBlocked[f][lv]))
				m.UBlocked[f][lv] = nu
			}
		}
		if delta < l.cfg.Tolerance {
			m.Converged = true
			break
		}
	}
}

// tfLevel is the level whose weight the term-frequency adjustment changes.
func tfLevel(k Kind) uint8 { return 1 }

// score computes each pair's weight and probability and keeps those at or
// above Lower.
func (l *Linker) score(pairs []Pair, workers int) {
	m := &l.res.Model
	nf := len(l.cfg.Fields)
	// Per-level weights as a table, and per-value TF adjustments.
	l.w = make([][16]float64, nf)
	for f := range nf {
		for lv := 1; lv < len(m.M[f]); lv++ {
			l.w[f][lv] = m.Weight(f, uint8(lv))
		}
	}
	l.tfw = make([][]float64, nf)
	for f := range nf {
		c := &l.p.cols[f]
		if !l.cfg.Fields[f].TF || c.count == nil || c.n == 0 {
			continue
		}
		ref := m.U[f][tfLevel(c.field.Kind)]
		adj := make([]float64, len(c.count))
		total := 0.0
		for id, cnt := range c.count {
			if id != 0 {
				total += float64(cnt)
			}
		}
		for id, cnt := range c.count {
			if id == 0 || cnt == 0 {
				continue
			}
			// The chance that a random record with a value has this one.
			pv := float64(cnt) / total
			adj[id] = math.Log2(ref / pv)
		}
		l.tfw[f] = adj
	}
	// The prior over all pairs: the matches EM found among the candidates
	// (blocking is assumed to miss few) over the number of pairs.
	all := float64(l.p.n) * float64(l.p.n-1) / 2
	m.PriorAll = min(max(m.Lambda*float64(len(pairs))/max(all, 1), 1e-12), 0.5)
	prior := m.Prior()
	lower := l.cfg.Lower
	var wg sync.WaitGroup
	chunk := (len(pairs) + workers - 1) / max(workers, 1)
	for w0 := 0; w0 < len(pairs); w0 += max(chunk, 1) {
		part := pairs[w0:min(len(pairs), w0+chunk)]
		wg.Add(1)
		go func(part []Pair) {
			defer wg.Done()
			var ws [16]float64
			var shared [16]bool
			for k := range part {
				p := &part[k]
				s := prior + l.weights(*p, &ws, &shared)
				p.Weight = s
				p.Prob = 1 / (1 + math.Exp2(-s))
			}
		}(part)
	}
	wg.Wait()
	// Keep the pairs at or above Lower, in place.
	kept := pairs[:0]
	for _, p := range pairs {
		if p.Prob >= lower {
			kept = append(kept, p)
		}
	}
	kept = slices.Clip(kept)
	slices.SortFunc(kept, func(a, b Pair) int {
		if a.A != b.A {
			return int(a.A - b.A)
		}
		return int(a.B - b.B)
	})
	l.res.Pairs = kept
	for _, p := range kept {
		if p.Prob >= l.cfg.Upper {
			l.res.Stats.Matches++
		} else {
			l.res.Stats.Review++
		}
	}
}

// weights fills ws with what each field contributes to p's weight (level
// weight plus TF adjustment) and returns their sum. Of two correlated fields
// that both agree at their best level only the larger weight counts; the
// other is set to 0 and marked in shared.
func (l *Linker) weights(p Pair, ws *[16]float64, shared *[16]bool) float64 {
	sum := 0.0
	for f := range l.cfg.Fields {
		lv := p.Level(f)
		v := l.w[f][lv]
		if lv == tfLevel(l.cfg.Fields[f].Kind) && l.tfw[f] != nil {
			v += l.tfw[f][l.tfID(f, p.A)]
		}
		ws[f], shared[f] = v, false
	}
	for _, c := range l.corr {
		a, b := c[0], c[1]
		if p.Level(a) != 1 || p.Level(b) != 1 {
			continue
		}
		if ws[a] < ws[b] {
			b = a
		}
		// b has the smaller weight: it is not counted again.
		if ws[b] > 0 {
			ws[b], shared[b] = 0, true
		}
	}
	for f := range l.cfg.Fields {
		sum += ws[f]
	}
	return sum
}

// tfID is the value id the TF table of field f is indexed by for record i.
func (l *Linker) tfID(f int, i int32) uint32 {
	c := &l.p.cols[f]
	if c.field.Kind == KindAddress {
		return c.alt2[i]
	}
	return c.ids[i]
}

// cluster joins the matches into connected components (union–find).
func (l *Linker) cluster() {
	parent := make([]int32, l.p.n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range l.res.Pairs {
		if p.Prob < l.cfg.Upper {
			continue
		}
		a, b := find(p.A), find(p.B)
		if a == b {
			continue
		}
		if a < b {
			parent[b] = a
		} else {
			parent[a] = b
		}
	}
	size := make([]int32, l.p.n)
	for i := range parent {
		parent[i] = find(int32(i))
		size[parent[i]]++
	}
	for i, s := range size {
		if s > 1 && parent[i] == int32(i) {
			l.res.Stats.Clusters++
		}
	}
	l.res.Cluster = parent
}

// Explain returns what each field contributed to p's match weight; the
// weights plus Model.Prior add up to p.Weight. It names levels
// and weights only, never the values compared.
func (l *Linker) Explain(p Pair) []Contribution {
	var ws [16]float64
	var shared [16]bool
	l.weights(p, &ws, &shared)
	out := make([]Contribution, len(l.cfg.Fields))
	for f, fd := range l.cfg.Fields {
		lv := p.Level(f)
		c := Contribution{Field: fd.Name, Level: fd.Kind.Levels()[lv], Weight: ws[f], Shared: shared[f]}
		if lv == tfLevel(fd.Kind) && l.tfw != nil && l.tfw[f] != nil && !shared[f] {
			c.TF = l.tfw[f][l.tfID(f, p.A)]
		}
		out[f] = c
	}
	return out
}

// Prior returns the weight every pair starts from: log2 of the prior odds
// of a match between two random records.
func (m *Model) Prior() float64 { return math.Log2(m.PriorAll / (1 - m.PriorAll)) }
