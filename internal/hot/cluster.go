package hot

import (
	"cmp"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// ClusterOptions configure Clusters. The zero value is usable.
type ClusterOptions struct {
	Index Options // shingles, sketches and candidate search; Common nil means computed from the docs
	// Now is the end of the window and the reference of recency; zero means
	// the time of the latest ticket.
	Now time.Time
	// Window is the length of the window ending at Now; tickets outside it
	// are left out. Zero means every ticket (the window then starts at the
	// earliest ticket, for the growth part of the heat).
	Window time.Duration
	// HalfLife is the recency half-life of the heat; zero means
	// DefaultHalfLife.
	HalfLife time.Duration
	// Threshold is the Score two tickets need to be joined in one issue;
	// zero means DefaultClusterThreshold.
	Threshold float64
	MinSize   int // smallest cluster returned; zero means 2
	Workers   int // goroutines; zero means GOMAXPROCS
}

// Defaults of ClusterOptions.
const (
	DefaultHalfLife         = 7 * 24 * time.Hour
	DefaultClusterThreshold = 0.15
	// clusterMinJaccard is the Jaccard similarity two tickets need besides:
	// a shared place alone does not make one issue.
	clusterMinJaccard = 0.08
	// commonFraction is the document frequency above which a shingle of the
	// clustered tickets is common (and commonMinDocs the count it must
	// reach too, so that small files keep every shingle).
	commonFraction = 0.02
	commonMinDocs  = 50
	// maxReps is how many of an issue's first tickets represent it.
	maxReps = 3
	// clusterCandidates is the default MaxCandidates of the clustering's
	// index of representatives.
	clusterCandidates = 100
)

// Cluster is one hot issue: tickets about the same problem at the same
// place.
type Cluster struct {
	Label   string    `json:"label"`   // place · problem, e.g. "幸福小区 · 电梯故障"
	Place   string    `json:"place"`   // the place most members name ("" if none)
	Problem string    `json:"problem"` // the phrase most members share
	Heat    float64   `json:"heat"`
	Parts   HeatParts `json:"parts"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
	IDs     []string  `json:"ids"`     // members, oldest first
	Places  []string  `json:"places"`  // distinct Place fields of the members, or the places their texts name
	Callers []string  `json:"callers"` // distinct non-empty callers
}

// HeatParts are the figures the heat index is made of (see the package
// documentation).
type HeatParts struct {
	Volume   int     `json:"volume"`   // tickets
	Callers  int     `json:"callers"`  // distinct callers; a ticket without a caller counts as one
	Growth   float64 `json:"growth"`   // (tickets in the window's second half + 1) / (first half + 1)
	Recency  float64 `json:"recency"`  // mean of 2^(-age/half-life) over the tickets
	Spread   int     `json:"spread"`   // distinct places (communities) among the tickets
	Supports int     `json:"supports"` // likes and supports
}

// heat computes the heat index from its parts.
func heat(p HeatParts) float64 {
	base := float64(p.Callers) + 0.5*float64(p.Volume-p.Callers) + 0.2*float64(p.Supports)
	growth := math.Sqrt(min(max(p.Growth, 0.25), 4))
	spread := 1 + 0.1*float64(min(max(p.Spread-1, 0), 5))
	h := base * (0.25 + 0.75*p.Recency) * growth * spread
	return math.Round(h*10) / 10
}

// Clusters groups the tickets of the window into hot issues and returns
// those of at least MinSize tickets, hottest first. Two tickets are joined
// when their Score (Jaccard of the shingles, with the place and category
// evidence, as Index.Similar computes it) reaches Threshold, their Jaccard
// similarity alone reaches 0.08 and they do not name different districts;
// issues are the connected groups. Docs is not
// modified.
func Clusters(docs []Doc, o ClusterOptions) []Cluster {
	o.HalfLife = cmp.Or(o.HalfLife, DefaultHalfLife)
	o.Threshold = cmp.Or(o.Threshold, DefaultClusterThreshold)
	o.MinSize = max(o.MinSize, 2)
	o.Workers = cmp.Or(o.Workers, runtime.GOMAXPROCS(0))
	now := o.Now
	if now.IsZero() {
		for _, d := range docs {
			if d.Time.After(now) {
				now = d.Time
			}
		}
	}
	var in []*Doc
	start := now
	for i := range docs {
		d := &docs[i]
		if o.Window > 0 && (d.Time.After(now) || !d.Time.After(now.Add(-o.Window))) {
			continue
		}
		if d.Time.Before(start) {
			start = d.Time
		}
		in = append(in, d)
	}
	if o.Window > 0 {
		start = now.Add(-o.Window)
	}
	if len(in) < o.MinSize {
		return nil
	}
	// The bigrams common to the window's tickets, with their shares, for
	// the labels; the index leaves them out unless given its own list.
	ts := make([]string, len(in))
	for i, d := range in {
		ts[i] = d.Text
	}
	shares := commonShares(ts, 2, commonFraction, commonMinDocs)
	if o.Index.Common == nil {
		if cmp.Or(o.Index.N, DefaultN) == 2 {
			o.Index.Common = slices.Sorted(maps.Keys(shares))
		} else {
			o.Index.Common = CommonShingles(ts, o.Index.N, commonFraction, commonMinDocs)
		}
	}
	o.Index.MaxCandidates = cmp.Or(o.Index.MaxCandidates, clusterCandidates)
	ix := NewIndex(o.Index)
	feats := make([]features, len(in))
	places := make([][]place, len(in))
	parallel(len(in), o.Workers, func(i int, s *scratch) {
		feats[i], s.hs = ix.features(in[i], s.hs)
		places[i] = placesOf(in[i])
	})
	// One pass in time order (single-pass leader clustering): a ticket
	// joins the issue of the best-matching representative, or opens an
	// issue and represents it. Each issue is represented by its first
	// maxReps tickets, so that it does not drift from what it was about
	// (linking every similar pair would chain a street's tickets into one
	// issue through their common wording).
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return in[a].Time.Compare(in[b].Time) })
	var (
		groups  [][]int
		repOf   []int // issue of each indexed representative
		repDocs []int // ticket of each representative
		s       = new(scratch)
	)
	for _, i := range order {
		f := &feats[i]
		cat := ix.cats[f.cat]
		best, bestScore := -1, 0.0
		for _, r := range ix.candidates(f, s, -1) {
			g := &feats[repDocs[r]]
			if f.cat != "" && g.cat != "" && f.cat != g.cat {
				continue
			}
			m := ix.match(f, cat, r)
			if m.Score >= o.Threshold && m.Jaccard >= clusterMinJaccard && m.Score > bestScore && !conflict(f, g) {
				best, bestScore = int(r), m.Score
			}
		}
		if best < 0 {
			groups = append(groups, []int{i})
			repOf = append(repOf, len(groups)-1)
			repDocs = append(repDocs, i)
			ix.add(in[i].ID, *f)
			continue
		}
		c := repOf[best]
		groups[c] = append(groups[c], i)
		if len(groups[c]) <= maxReps {
			repOf = append(repOf, c)
			repDocs = append(repDocs, i)
			ix.add(in[i].ID, *f)
		}
	}
	// Issues that come out with the same place and problem are one issue
	// the single pass split (two wordings of 停电 in 翠湖南社区): they are
	// merged and described again.
	var out []Cluster
	byLabel := map[string]int{}
	var merged [][]int
	for _, g := range groups {
		if len(g) < o.MinSize {
			continue
		}
		c := describe(in, places, g, shares, start, now, o.HalfLife)
		if c.Place != "" && c.Problem != "" {
			if k, ok := byLabel[c.Label]; ok {
				merged[k] = append(merged[k], g...)
				continue
			}
			byLabel[c.Label] = len(out)
		}
		out = append(out, c)
		merged = append(merged, g)
	}
	for k, g := range merged {
		if len(g) > len(out[k].IDs) {
			c := describe(in, places, g, shares, start, now, o.HalfLife)
			c.Label, c.Place, c.Problem = out[k].Label, out[k].Place, out[k].Problem
			out[k] = c
		}
	}
	slices.SortFunc(out, func(a, b Cluster) int {
		if c := cmp.Compare(b.Heat, a.Heat); c != 0 {
			return c
		}
		return cmp.Compare(a.IDs[0], b.IDs[0])
	})
	return out
}

// conflict reports whether two tickets name different districts and no
// common specific place, or different Place fields.
func conflict(a, b *features) bool {
	rel := relate(a.pk, b.pk)
	if a.field != 0 && b.field != 0 && a.field != b.field && rel != placeSame {
		return true
	}
	return rel == placeConflict
}

// candidates returns the indexed tickets sharing the most indexed sketch
// hashes with f (at most MaxCandidates), skipping position self.
func (ix *Index) candidates(f *features, s *scratch, self int) []uint32 {
	ix.countPostings(f, s)
	var hist [256]int
	for _, i := range s.touched {
		hist[s.count[i]]++
	}
	// The lowest count still taken, so that at most MaxCandidates are.
	floor, n := 1, 0
	for c := 255; c > 0; c-- {
		if n+hist[c] > ix.o.MaxCandidates {
			floor = c + 1
			break
		}
		n += hist[c]
	}
	out := s.hs[:0]
	for _, i := range s.touched {
		if int(s.count[i]) >= floor && int(i) != self {
			out = append(out, i)
		}
		s.count[i] = 0
	}
	s.hs = out
	return out
}

// parallel calls fn(i) for i in [0, n) on workers goroutines, each with
// its own scratch.
func parallel(n, workers int, fn func(i int, s *scratch)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := new(scratch)
			for i := w; i < n; i += workers {
				fn(i, s)
			}
		}()
	}
	wg.Wait()
}

// describe builds the Cluster of the members g of in.
func describe(in []*Doc, places [][]place, g []int, shares map[string]float64, start, now time.Time, halfLife time.Duration) Cluster {
	slices.SortFunc(g, func(a, b int) int {
		if c := in[a].Time.Compare(in[b].Time); c != 0 {
			return c
		}
		return cmp.Compare(in[a].ID, in[b].ID)
	})
	c := Cluster{First: in[g[0]].Time, Last: in[g[len(g)-1]].Time}
	callers := map[string]bool{}
	fields := map[string]bool{}
	anonymous, recent, early := 0, 0, 0
	mid := start.Add(now.Sub(start) / 2)
	var rec float64
	for _, i := range g {
		d := in[i]
		c.IDs = append(c.IDs, d.ID)
		if d.Caller == "" {
			anonymous++
		} else if !callers[d.Caller] {
			callers[d.Caller] = true
			c.Callers = append(c.Callers, d.Caller)
		}
		if p := strings.TrimSpace(d.Place); p != "" && !fields[p] {
			fields[p] = true
			c.Places = append(c.Places, p)
		}
		age := max(now.Sub(d.Time), 0)
		rec += math.Exp2(-float64(age) / float64(halfLife))
		if d.Time.After(mid) {
			recent++
		} else {
			early++
		}
		c.Parts.Supports += max(d.Supports, 0)
	}
	c.Place = commonPlace(places, g)
	if len(c.Places) == 0 && c.Place != "" {
		c.Places = []string{c.Place}
	}
	c.Parts.Volume = len(g)
	c.Parts.Callers = len(c.Callers) + anonymous
	c.Parts.Growth = math.Round(float64(recent+1)/float64(early+1)*100) / 100
	c.Parts.Recency = math.Round(rec/float64(len(g))*1000) / 1000
	c.Parts.Spread = max(len(c.Places), 1)
	c.Heat = heat(c.Parts)
	texts := make([]string, 0, min(len(g), maxLabelDocs))
	for _, i := range g[:min(len(g), maxLabelDocs)] {
		texts = append(texts, in[i].Text)
	}
	var avoid []string
	for _, i := range g[:min(len(g), maxLabelDocs)] {
		for _, p := range places[i] {
			avoid = append(avoid, p.name)
		}
	}
	c.Problem = problemPhrase(texts, shares, avoid)
	c.Label = label(c.Place, c.Problem)
	return c
}

// maxLabelDocs is how many members the problem phrase is mined from.
const maxLabelDocs = 60

func label(place, problem string) string {
	switch {
	case place != "" && problem != "":
		return place + " · " + problem
	case place != "":
		return place + " · 多人反映"
	}
	return problem
}

// commonPlace returns the place named by the most members, the most
// specific first among equals... weighted by specificity: a compound named
// by half the members beats a district named by all.
func commonPlace(places [][]place, g []int) string {
	count := map[string]int{}
	rank := map[string]int{}
	for _, i := range g {
		for _, p := range places[i] {
			count[p.name]++
			rank[p.name] = max(rank[p.name], p.rank)
		}
	}
	best, bestScore := "", 0.0
	for name, n := range count {
		if n < 2 && len(g) > 1 {
			continue
		}
		s := float64(n) * (1 + 0.5*float64(rank[name]))
		if s > bestScore || (s == bestScore && name < best) {
			best, bestScore = name, s
		}
	}
	return best
}
