package classify

import (
	"math"
	"math/bits"

	"jiceng/internal/text"
)

// FeatureConfig says how text becomes a feature vector. It is stored in the
// model file, so a model always featurises text the way it was trained.
type FeatureConfig struct {
	// Bits is log2 of the number of hash buckets (default 20). Collisions
	// below 2^20 cost accuracy; more buckets cost only training memory,
	// since the model stores the buckets it saw.
	Bits int `json:"bits"`
	// MinN and MaxN bound the character n-gram orders (default 1 and 2:
	// on real messages trigrams and longer lowered macro-F1 — they
	// mostly repeat what the bigrams say and spread the weights thin).
	MinN int `json:"min_n"`
	MaxN int `json:"max_n"`
	// PerOrder normalises each n-gram order separately (each block gets the
	// same length), so the many long n-grams do not drown the unigrams.
	PerOrder bool `json:"per_order,omitempty"`
	// MinDF drops buckets seen in fewer training documents (default 1: keep
	// all). Pruning makes the model smaller at some cost in accuracy.
	MinDF int `json:"min_df"`
	// Tags is an optional phrase vocabulary: each tag whose name or alias
	// occurs in a text adds one feature for the tag (its count of
	// occurrences, weighted by sublinear tf × idf and normalised with the
	// n-grams; under PerOrder the tags are a block of their own). The
	// n-grams already see a phrase's characters; a tag adds that phrases
	// staff merged share one feature, and that a long phrase counts as
	// one. Matching costs one pass over the text for any number of tags.
	Tags []Tag `json:"tags,omitempty"`
}

func (c *FeatureConfig) setDefaults() {
	if c.Bits == 0 {
		c.Bits = 20
	}
	if c.MinN == 0 {
		c.MinN = 1
	}
	if c.MaxN == 0 {
		c.MaxN = 2
	}
	if c.MinDF == 0 {
		c.MinDF = 1
	}
}

func (c FeatureConfig) validate() error {
	switch {
	case c.Bits < 10 || c.Bits > 24:
		return errorf("特征哈希位数应在 10 到 24 之间，实际为 %d", c.Bits)
	case c.MinN < 1 || c.MaxN < c.MinN || c.MaxN > 6:
		return errorf("字符 n 元组范围应满足 1 ≤ MinN ≤ MaxN ≤ 6，实际为 %d..%d", c.MinN, c.MaxN)
	}
	return validateTags(c.Tags)
}

// hashSeed starts every n-gram hash; changing it (or hashGram) changes every
// bucket and so invalidates every model file: bump the format version.
const hashSeed = 0x6a09e667f3bcc908

// hashStep folds one rune into a running n-gram hash (FNV-1a style, over
// whole runes rather than bytes).
func hashStep(h uint64, r rune) uint64 {
	return (h ^ uint64(r)) * 0x100000001b3
}

// bucketOf finalises the running hash of an n-gram of length n into a bucket
// below 2^bits. The murmur3 finaliser spreads FNV's weak low bits.
func bucketOf(h uint64, n, bits int) uint32 {
	x := h + uint64(n)*0x9e3779b97f4a7c15
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return uint32(x >> (64 - bits))
}

// Bucket returns the hash bucket of the character n-gram gram (already in
// content form, see text.AppendContent) under bits. It is exported for tests
// and tools that inspect a model; Predict does not use it.
func Bucket(gram string, bits int) uint32 {
	h := uint64(hashSeed)
	n := 0
	for _, r := range gram {
		h = hashStep(h, r)
		n++
	}
	return bucketOf(h, n, bits)
}

// feat is one distinct bucket of a document: its term frequency and where
// its first n-gram starts, so an explanation can show the n-gram itself.
// For a tag feature, n is tagN and pos the tag's index.
type feat struct {
	bucket uint32
	tf     float32
	pos    int32
	n      int32
}

// order is the normalisation channel of f (see FeatureConfig.PerOrder): its
// n-gram length, or tagN for a tag.
func (f feat) order() uint8 { return uint8(f.n) }

// extractor turns text into distinct bucket counts without allocating in the
// steady state. It is not safe for concurrent use; Model keeps a pool.
type extractor struct {
	cfg   FeatureConfig
	tags  *tagMatcher // nil: no tags
	runes []rune
	hits  []int32 // tags matched, one per occurrence
	// slots is an open-addressing table of the features seen: a slot
	// holds bucket+1 in its high 32 bits (0: empty) and the feature's
	// index in feats in its low 32 bits, so that a probe needs no load
	// from feats.
	slots []uint64
	feats []feat
}

// newExtractor returns an extractor for cfg; tags is the matcher of
// cfg.Tags (nil for none), built once and shared.
func newExtractor(cfg FeatureConfig, tags *tagMatcher) *extractor {
	return &extractor{cfg: cfg, tags: tags}
}

// extract fills e.feats with the distinct buckets of s. The result is valid
// until the next call.
func (e *extractor) extract(s string) []feat {
	e.runes = text.AppendContent(e.runes[:0], s)
	e.feats = e.feats[:0]
	n := len(e.runes)
	e.hits = e.hits[:0]
	if e.tags != nil {
		e.hits = e.tags.appendMatches(e.hits, e.runes)
	}
	orders := e.cfg.MaxN - e.cfg.MinN + 1
	need := 2 * (n*orders + len(e.hits))
	if need < 64 {
		need = 64
	}
	size := 1 << bits.Len(uint(need-1))
	if len(e.slots) < size {
		e.slots = make([]uint64, size)
	}
	slots := e.slots[:size]
	mask := uint32(size - 1)
	b := e.cfg.Bits
	minN, maxN := e.cfg.MinN, e.cfg.MaxN
	rs := e.runes
	for i := 0; i < n; i++ {
		h := uint64(hashSeed)
		for k := 1; k <= maxN && i+k <= n; k++ {
			h = hashStep(h, rs[i+k-1])
			if k < minN {
				continue
			}
			e.add(slots, mask, bucketOf(h, k, b), int32(i), int32(k))
		}
	}
	for _, t := range e.hits {
		e.add(slots, mask, e.tags.buckets[t], t, tagN)
	}
	// Clear only the slots used, so a long document does not make every
	// later short one pay for a big table.
	for _, f := range e.feats {
		j := (f.bucket * 0x9e3779b1) & mask
		for slots[j] != 0 {
			slots[j] = 0
			j = (j + 1) & mask
		}
	}
	return e.feats
}

// add counts one occurrence of bucket bk (first seen at pos, of length n).
func (e *extractor) add(slots []uint64, mask, bk uint32, pos, n int32) {
	j := (bk * 0x9e3779b1) & mask
	key := uint64(bk) + 1
	for {
		sl := slots[j]
		if sl == 0 {
			slots[j] = key<<32 | uint64(len(e.feats))
			e.feats = append(e.feats, feat{bucket: bk, tf: 1, pos: pos, n: n})
			return
		}
		if sl>>32 == key {
			e.feats[uint32(sl)].tf++
			return
		}
		j = (j + 1) & mask
	}
}

// gram returns the n-gram text of f from the last extracted document, or
// "标签:名称" for a tag.
func (e *extractor) gram(f feat) string {
	if f.n == tagN {
		return tagPrefix + e.tags.names[f.pos]
	}
	return string(e.runes[f.pos : f.pos+f.n])
}

// sublinear is the sublinear term-frequency weight 1+ln(tf).
func sublinear(tf float32) float32 {
	if tf <= 1 {
		return tf
	}
	return 1 + float32(math.Log(float64(tf)))
}

// idfOf is the smoothed inverse document frequency used by scikit-learn:
// ln((1+n)/(1+df)) + 1, so a bucket never seen in training still gets a
// finite, maximal weight.
func idfOf(df, n int) float32 {
	return float32(math.Log(float64(1+n)/float64(1+df)) + 1)
}

// normalise scales vals to unit L2 length. With perOrder, the values of
// each n-gram order (ns, parallel to vals) are scaled so that every order
// present has length 1/√k for k orders present; the whole is still unit
// length.
func normalise(vals []float32, ns []uint8, perOrder bool) {
	if !perOrder {
		var norm float64
		for _, v := range vals {
			norm += float64(v) * float64(v)
		}
		if norm > 0 {
			inv := float32(1 / math.Sqrt(norm))
			for i := range vals {
				vals[i] *= inv
			}
		}
		return
	}
	var norms [8]float64
	for i, v := range vals {
		norms[ns[i]] += float64(v) * float64(v)
	}
	k := 0
	for _, n := range norms {
		if n > 0 {
			k++
		}
	}
	var inv [8]float32
	for o, n := range norms {
		if n > 0 {
			inv[o] = float32(1 / math.Sqrt(n*float64(k)))
		}
	}
	for i := range vals {
		vals[i] *= inv[ns[i]]
	}
}
