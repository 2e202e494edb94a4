package hot

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Doc is one ticket as the package sees it.
type Doc struct {
	ID       string
	Text     string    // title and content, joined
	Place    string    // the ticket's community or compound field, if any
	Category string    // its category, if any
	Time     time.Time // received
	Caller   string    // a stable caller key (phone or pseudonym), if any
	Supports int       // likes or supports of a web or app post, if the channel has them
}

// Match is one indexed ticket similar to a query.
type Match struct {
	ID           string   `json:"id"`
	Score        float64  `json:"score"`   // Jaccard with the place and category evidence, in [0, 1]
	Jaccard      float64  `json:"jaccard"` // estimated Jaccard similarity of the shingle sets
	SamePlace    bool     `json:"same_place"`
	SameCategory bool     `json:"same_category"`
	Duplicate    bool     `json:"duplicate"`        // Score ≥ Options.Threshold: offer to merge
	Shared       []string `json:"shared,omitempty"` // phrases both texts have (needs Options.Text)
}

// Default options. DefaultThreshold is chosen on the dev half of the
// labelled real pairs (testdata/pairs.jsonl, TestPairs).
const (
	DefaultK             = 64
	DefaultPostings      = 32
	DefaultMaxCandidates = 400
	DefaultThreshold     = 0.09
)

// Weights of the evidence beside the shingles' Jaccard similarity in
// Match.Score, chosen with DefaultThreshold on the dev half of the pairs.
const (
	weightSamePlace = 0.05  // a shared compound, road, community or town
	weightDistrict  = 0.03  // a shared district only
	weightConflict  = -0.10 // different districts
	weightCategory  = 0.05
)

// Options configure an Index. The zero value is usable.
type Options struct {
	N             int      // shingle length in characters; 0 means DefaultN
	K             int      // sketch size (hashes kept per ticket); 0 means DefaultK
	Postings      int      // sketch values indexed per ticket for candidate search; 0 means DefaultPostings
	MaxCandidates int      // candidates scored per lookup; 0 means DefaultMaxCandidates
	Threshold     float64  // Match.Duplicate threshold on Score; 0 means DefaultThreshold
	Common        []string // shingles too common to be evidence (see CommonShingles)
	// Text, if set, returns the text of an indexed ticket; Similar then
	// fills Match.Shared. The index itself keeps no text.
	Text func(id string) (string, bool)
}

func (o Options) withDefaults() Options {
	o.N = cmp.Or(o.N, DefaultN)
	o.K = cmp.Or(o.K, DefaultK)
	o.Postings = min(cmp.Or(o.Postings, DefaultPostings), o.K)
	o.MaxCandidates = cmp.Or(o.MaxCandidates, DefaultMaxCandidates)
	o.Threshold = cmp.Or(o.Threshold, DefaultThreshold)
	return o
}

// Index finds, for a new ticket, the indexed tickets that are probably the
// same problem. Each ticket is kept as a bottom-k MinHash sketch of its
// character shingles (Options.K hashes of 4 bytes) and its place keys; the
// Options.Postings smallest hashes of each sketch are indexed, and a lookup
// scores the tickets that share the most of them. It is safe for
// concurrent use: Add takes a write lock, Similar a read lock.
type Index struct {
	o      Options
	common map[uint32]struct{}

	mu     sync.RWMutex
	ids    []string
	sk     []uint32 // sketches, concatenated
	skEnd  []uint32 // end of each ticket's sketch in sk
	pk     []uint32 // place keys, concatenated
	pkEnd  []uint32
	field  []uint32 // hash of the Place field, 0 if none
	cat    []uint32 // category number, 0 if none
	cats   map[string]uint32
	post   map[uint32][]uint32
	counts sync.Pool // *scratch
}

type scratch struct {
	count   []uint8
	touched []uint32
	hs      []uint32
}

// NewIndex returns an empty index.
func NewIndex(o Options) *Index {
	o = o.withDefaults()
	ix := &Index{o: o, common: map[uint32]struct{}{}, cats: map[string]uint32{}, post: map[uint32][]uint32{}}
	for _, c := range o.Common {
		if rs := content(c); len(rs) > 0 {
			ix.common[gramHash(rs)] = struct{}{}
		}
	}
	ix.counts.New = func() any { return new(scratch) }
	return ix
}

// Len returns the number of indexed tickets.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// features are what the index keeps of a ticket.
type features struct {
	sk    []uint32
	pk    []uint32
	field uint32
	cat   string
}

func (ix *Index) features(d *Doc, hs []uint32) (features, []uint32) {
	hs = appendShingles(hs[:0], content(d.Text), ix.o.N)
	f := features{cat: strings.TrimSpace(d.Category)}
	f.sk = slices.Clone(sketch(hs, ix.o.K, ix.common))
	f.pk = placeKeys(placesOf(d), nil)
	if p := strings.TrimSpace(d.Place); p != "" {
		f.field = gramHash([]rune(p)) | 1
	}
	return f, hs
}

// Add indexes d. Adding a second ticket with the same ID indexes it again.
func (ix *Index) Add(d Doc) {
	s := ix.counts.Get().(*scratch)
	f, hs := ix.features(&d, s.hs)
	s.hs = hs
	ix.counts.Put(s)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.add(d.ID, f)
}

func (ix *Index) add(id string, f features) {
	n := uint32(len(ix.ids))
	ix.ids = append(ix.ids, id)
	ix.sk = append(ix.sk, f.sk...)
	ix.skEnd = append(ix.skEnd, uint32(len(ix.sk)))
	ix.pk = append(ix.pk, f.pk...)
	ix.pkEnd = append(ix.pkEnd, uint32(len(ix.pk)))
	ix.field = append(ix.field, f.field)
	var c uint32
	if f.cat != "" {
		c = ix.cats[f.cat]
		if c == 0 {
			c = uint32(len(ix.cats) + 1)
			ix.cats[f.cat] = c
		}
	}
	ix.cat = append(ix.cat, c)
	for _, h := range f.sk[:min(len(f.sk), ix.o.Postings)] {
		ix.post[h] = append(ix.post[h], n)
	}
}

func (ix *Index) sketchOf(i uint32) []uint32 {
	start := uint32(0)
	if i > 0 {
		start = ix.skEnd[i-1]
	}
	return ix.sk[start:ix.skEnd[i]]
}

func (ix *Index) placesAt(i uint32) []uint32 {
	start := uint32(0)
	if i > 0 {
		start = ix.pkEnd[i-1]
	}
	return ix.pk[start:ix.pkEnd[i]]
}

// score combines the evidence of a pair into Match.Score.
func score(j float64, rel placeRel, sameCat bool) float64 {
	s := j
	switch rel {
	case placeSame:
		s += weightSamePlace
	case placeDistrict:
		s += weightDistrict
	case placeConflict:
		s += weightConflict
	}
	if sameCat {
		s += weightCategory
	}
	return min(max(s, 0), 1)
}

// match scores indexed ticket i against the query's features.
func (ix *Index) match(f *features, cat uint32, i uint32) Match {
	j := jaccard(f.sk, ix.sketchOf(i), ix.o.K)
	rel := relate(f.pk, ix.placesAt(i))
	if f.field != 0 && ix.field[i] != 0 {
		if f.field == ix.field[i] {
			rel = placeSame
		} else if rel != placeSame {
			rel = placeConflict
		}
	}
	sameCat := cat != 0 && cat == ix.cat[i]
	s := score(j, rel, sameCat)
	return Match{ID: ix.ids[i], Score: s, Jaccard: j, SamePlace: rel == placeSame, SameCategory: sameCat, Duplicate: s >= ix.o.Threshold}
}

// Similar returns up to k indexed tickets most similar to d, best first;
// a ticket with d's ID is skipped. Only tickets that share sketch hashes
// with d are scored (at most Options.MaxCandidates, those sharing the
// most), so a ticket with nothing in common is never returned.
func (ix *Index) Similar(d Doc, k int) []Match {
	if k <= 0 {
		return nil
	}
	s := ix.counts.Get().(*scratch)
	defer ix.counts.Put(s)
	var f features
	f, s.hs = ix.features(&d, s.hs)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ms := ix.similar(&f, d.ID, k, s, -1)
	if ix.o.Text != nil && d.Text != "" {
		for i := range ms {
			if t, ok := ix.o.Text(ms[i].ID); ok {
				ms[i].Shared = Shared(d.Text, t, 3, ix.o.Common)
			}
		}
	}
	return ms
}

// countPostings counts, in s.count, the indexed sketch hashes each indexed
// ticket shares with f, listing the tickets counted in s.touched.
func (ix *Index) countPostings(f *features, s *scratch) {
	if len(s.count) < len(ix.ids) {
		s.count = make([]uint8, len(ix.ids)+len(ix.ids)/4)
	}
	s.touched = s.touched[:0]
	for _, h := range f.sk[:min(len(f.sk), ix.o.Postings)] {
		for _, i := range ix.post[h] {
			if s.count[i] == 0 {
				s.touched = append(s.touched, i)
			}
			if s.count[i] < 255 {
				s.count[i]++
			}
		}
	}
}

// similar is Similar under the read lock: self, if not negative, is the
// query's own position in the index.
func (ix *Index) similar(f *features, id string, k int, s *scratch, self int) []Match {
	ix.countPostings(f, s)
	// The candidates sharing the most postings first; ties in index order.
	var byCount [256][]uint32
	for _, i := range s.touched {
		c := s.count[i]
		s.count[i] = 0
		if int(i) == self {
			continue
		}
		byCount[c] = append(byCount[c], i)
	}
	var cat uint32
	if f.cat != "" {
		cat = ix.cats[f.cat]
	}
	var ms []Match
	scored := 0
	for c := 255; c > 0 && scored < ix.o.MaxCandidates; c-- {
		for _, i := range byCount[c] {
			if scored == ix.o.MaxCandidates {
				break
			}
			scored++
			if id != "" && ix.ids[i] == id {
				continue
			}
			ms = append(ms, ix.match(f, cat, i))
		}
	}
	slices.SortStableFunc(ms, func(a, b Match) int { return cmp.Compare(b.Score, a.Score) })
	if len(ms) > k {
		ms = ms[:k]
	}
	return ms
}

// Compare scores two tickets against each other as Similar would, without
// indexing them, and fills Shared from their texts.
func (ix *Index) Compare(a, b Doc) Match {
	j, rel, sameCat := ix.parts(a, b)
	sc := score(j, rel, sameCat)
	return Match{ID: b.ID, Score: sc, Jaccard: j, SamePlace: rel == placeSame, SameCategory: sameCat,
		Duplicate: sc >= ix.o.Threshold, Shared: Shared(a.Text, b.Text, 3, ix.o.Common)}
}

// parts returns the evidence of a pair: Jaccard, places and category.
func (ix *Index) parts(a, b Doc) (float64, placeRel, bool) {
	s := ix.counts.Get().(*scratch)
	defer ix.counts.Put(s)
	var fa, fb features
	fa, s.hs = ix.features(&a, s.hs)
	fb, s.hs = ix.features(&b, s.hs)
	j := jaccard(fa.sk, fb.sk, ix.o.K)
	rel := relate(fa.pk, fb.pk)
	if fa.field != 0 && fb.field != 0 {
		if fa.field == fb.field {
			rel = placeSame
		} else if rel != placeSame {
			rel = placeConflict
		}
	}
	return j, rel, fa.cat != "" && fa.cat == fb.cat
}
