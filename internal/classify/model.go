// Package classify assigns tickets to the 3-level category taxonomy
// (问题分类) with a linear model over hashed character n-grams.
//
// Text is folded (see package text), stripped of punctuation and whitespace,
// and cut into character n-grams (1..2 by default) that are hashed into 2^20
// buckets (the hashing trick: no vocabulary, any string is a valid input).
// Each document becomes a sublinear-tf × idf vector of unit length. A
// one-vs-rest L2-loss linear SVM with balanced class weights (dual
// coordinate descent, as in LIBLINEAR) averaged with its NB-SVM variant
// scores the classes; a softmax with a temperature fitted on out-of-fold scores turns
// scores into probabilities. Removing separators makes the features the same
// for "垃圾清运", "垃圾 清运" and "垃圾，清运", so a model trained on
// segmented text reads raw text and vice versa.
//
// The taxonomy is a tree of such classifiers: one over the level-1 classes
// and, under each level-1 class whose training documents carry level-2
// labels, one over its children (and so on for level 3). A deeper prediction
// therefore always sits under the chosen parent.
//
// An optional phrase vocabulary (FeatureConfig.Tags, the street's tag
// library) adds one feature per tag whose name or alias a text contains, so
// that phrases staff merged share one feature. On the dev messages ~1,700
// phrases mined from the training folds raised macro-F1 a little (0.9263
// against 0.9247, 5-fold × 3 seeds, TestDevTags), as long class-selected
// n-grams; alias merges alone changed nothing. Merges matter where a text
// names a problem by an alias the training texts never used
// (TestTagAliasDecides).
//
// The defaults were chosen by stratified 5-fold cross-validation, repeated
// with 3 seeds, on 5,520 real citizen messages with 7 level-1 classes
// (TestDevCrossValidation; the data are not in the repository): macro-F1
// 0.925 for the default (SVM + NB-SVM over character 1..2-grams, balanced
// class weights, C=2), 0.921 for either model alone, 0.920 with 1..3-grams,
// 0.925 with gse word features added (0.9251 against 0.9247, for 3.6 times
// the cross-validation time and a 130 MB dictionary: they were dropped, and
// gse with them). Prediction runs at over 20,000 tickets of ~300 characters
// per second on one core (BenchmarkPredict).
//
// A Model is safe for concurrent use by multiple goroutines.
package classify

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Doc is one labelled training document.
type Doc struct {
	Text string
	// Labels are the category path: level 1 is required, level 2 and 3 may
	// be empty, and a level may be set only when the level above it is.
	Labels [3]string
}

// Config says how to train a model. The zero value is the default.
type Config struct {
	Features FeatureConfig `json:"features"`
	// Model is "svm" (one-vs-rest L2-loss linear SVM), "nbsvm" (the same
	// on features scaled by naive-Bayes log-count ratios) or "ensemble" (the
	// default: the average of both, which was the most accurate on real
	// messages; it costs nothing more to predict, twice as much to train).
	Model string `json:"model"`
	// C is the SVM cost: larger fits the training set more closely
	// (default 2).
	C float64 `json:"c"`
	// Beta interpolates NB-SVM weights toward their mean weight as in
	// Wang & Manning (2012); the default, 1, does not interpolate: 0.25 cost
	// 0.1 macro-F1 on real messages. NBAlpha smooths the NB counts
	// (default 1).
	Beta    float64 `json:"beta,omitempty"`
	NBAlpha float64 `json:"nb_alpha,omitempty"`
	// ClassWeight is "balanced" (the default: each class weighted inversely
	// to its frequency, so small classes are not swallowed by big ones) or
	// "none".
	ClassWeight string `json:"class_weight"`
	// Eps and MaxIter stop the solver (defaults 0.1 and 1000, as LIBLINEAR).
	Eps     float64 `json:"eps"`
	MaxIter int     `json:"max_iter"`
	// CalibFolds is the number of internal folds used to fit the softmax
	// temperature on out-of-fold scores (default 3). A negative value skips
	// calibration (temperature 1), which makes training CalibFolds+1 times
	// faster and leaves the ranking of classes unchanged.
	CalibFolds int `json:"calib_folds"`
	// Seed makes training reproducible (solver order, calibration folds).
	Seed uint64 `json:"seed"`
	// TopTerms is how many decisive n-grams per class the model keeps as its
	// explanation dictionary (default 30).
	TopTerms int `json:"top_terms"`
}

func (c *Config) setDefaults() {
	c.Features.setDefaults()
	if c.Model == "" {
		c.Model = "ensemble"
	}
	if c.C == 0 {
		c.C = 2
	}
	if c.ClassWeight == "" {
		c.ClassWeight = "balanced"
	}
	if c.Beta == 0 {
		c.Beta = 1
	}
	if c.NBAlpha == 0 {
		c.NBAlpha = 1
	}
	if c.Eps == 0 {
		c.Eps = 0.1
	}
	if c.MaxIter == 0 {
		c.MaxIter = 1000
	}
	if c.CalibFolds == 0 {
		c.CalibFolds = 3
	}
	if c.TopTerms == 0 {
		c.TopTerms = 30
	}
}

func (c Config) validate() error {
	if err := c.Features.validate(); err != nil {
		return err
	}
	switch {
	case c.Model != "svm" && c.Model != "nbsvm" && c.Model != "ensemble":
		return errorf("未知的模型类型 %q（可选 svm、nbsvm、ensemble）", c.Model)
	case c.ClassWeight != "balanced" && c.ClassWeight != "none":
		return errorf("未知的类别权重 %q（可选 balanced、none）", c.ClassWeight)
	case c.C <= 0:
		return errorf("参数 C 必须为正数")
	case c.Beta < 0 || c.Beta > 1:
		return errorf("参数 Beta 应在 0 到 1 之间")
	}
	return nil
}

func errorf(format string, a ...any) error {
	return fmt.Errorf("分类模型: "+format, a...)
}

// Term is an n-gram that pushed a prediction, with its contribution to the
// class score (or, in a model's dictionary, its weight). A tag feature (see
// FeatureConfig.Tags) reads "标签:" and the tag's name.
type Term struct {
	Text   string  `json:"t"`
	Weight float64 `json:"w"`
}

// Prediction is one candidate category path.
type Prediction struct {
	// Labels is the predicted path; deeper levels are empty where the model
	// has no finer classes under the chosen parent.
	Labels [3]string
	// Probs are the calibrated probabilities of each level given the level
	// above; Score is their product over the levels present.
	Probs [3]float64
	Score float64
	// Terms are the n-grams of the text that most raised the level-1 score,
	// strongest first.
	Terms []Term
}

// node is the classifier at one taxonomy node: it chooses among Labels.
type node struct {
	labels []string
	// A node below the root keeps the weights of the buckets it has any
	// for, k float32 a row: keys[j] is the bucket of row j and
	// wts[j*k:(j+1)*k] its weights. Rows of buckets in the root's
	// vocabulary come first, in bucket order; byRoot maps the root row of
	// such a bucket (Model.index) to its row here. Rows of other buckets
	// (only a hand-made file has them) can never be used, since a
	// document's feature absent from the root has no value; they are kept
	// after the others for Save.
	keys   []uint32
	wts    []float32
	byRoot rankIndex
	// w holds the root's weights while it is trained (row = vocabulary
	// column), until packRoot moves them into Model.packed.
	w        []float32
	bias     []float32
	invTemp  float32
	children []*node  // parallel to labels; nil where there is no finer level
	top      [][]Term // per class: the explanation dictionary
	// topBuckets are the buckets of top, kept only until their texts are
	// found during training.
	topBuckets [][]uint32
}

// maxRootClasses bounds the level-1 classes: the root's rows take
// (classes+1) × 2 bytes or a little more a vocabulary bucket.
const maxRootClasses = 255

// Model is a trained classifier.
type Model struct {
	cfg  Config
	docs int // training documents
	root *node
	// The root classifier runs for every prediction, so it is stored
	// compactly, one cache line or less per n-gram: index gives the row r
	// of a bucket in the vocabulary, packed[r*stride] is its quantised idf
	// (never 0) and packed[r*stride+1+c] the quantised weight of class c.
	// Rows are in bucket order and stride is k+1 rounded up (rowStride),
	// so that a row does not straddle two cache lines. The file stores
	// the same int16 values, so a loaded model predicts exactly like the
	// one that was saved.
	index   rankIndex
	packed  []int16
	stride  int
	idfStep float32
	wStep   float32
	tags    *tagMatcher // of cfg.Features.Tags; nil for none
	pool    sync.Pool   // *scratch
}

type scratch struct {
	ex *extractor
	// rows[i] is the offset of feature i's row in Model.packed (-1: not in
	// the vocabulary), vals[i] its tf-idf value (0: not in the
	// vocabulary), ranks[i] its root row; present lists the features in
	// the vocabulary, in order.
	rows    []int32
	vals    []float32
	ranks   []int32
	present []int32
	sink    int16 // keeps the loads of vectorize's second pass
	// hitF and hitR are scoreNode's features with weights in a child
	// node and their rows there.
	hitF   []int32
	hitR   []int32
	scores []float64
	acc    []float32
	// rootAcc holds per-order partial root scores; after vectorize its
	// first k values are the root's logits.
	rootAcc []float32
	top     []contrib
}

// contrib is the contribution of the i-th feature to a class score.
type contrib struct {
	i int
	v float32
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{ex: newExtractor(m.cfg.Features, m.tags)}
}

// Config returns the configuration the model was trained with.
func (m *Model) Config() Config { return m.cfg }

// Labels returns the level-1 classes in model order.
func (m *Model) Labels() []string { return slices.Clone(m.root.labels) }

// Paths returns every category path the model can predict, in model order;
// deeper levels are empty where the model has no finer classes.
func (m *Model) Paths() [][3]string {
	var out [][3]string
	var walk func(nd *node, path [3]string, lvl int)
	walk = func(nd *node, path [3]string, lvl int) {
		for i, l := range nd.labels {
			p := path
			p[lvl] = l
			if nd.children != nil && nd.children[i] != nil && lvl < 2 {
				walk(nd.children[i], p, lvl+1)
			} else {
				out = append(out, p)
			}
		}
	}
	walk(m.root, [3]string{}, 0)
	return out
}

// TopTerms returns the explanation dictionary of a level-1 class: the
// n-grams with the largest weights, strongest first (nil for an unknown
// label).
func (m *Model) TopTerms(label string) []Term {
	i := slices.Index(m.root.labels, label)
	if i < 0 || m.root.top == nil {
		return nil
	}
	return slices.Clone(m.root.top[i])
}

// vectorize extracts the features of text into s.rows (root rows) and
// s.vals (unit-length tf-idf values). Buckets unseen in training are
// ignored, as a vocabulary-based vectoriser would.
//
// It runs in three passes so that the memory loads of a document's
// features overlap instead of waiting for each other: the first looks
// every bucket up in the (cached) index and lists the features in the
// vocabulary without a branch, the second touches their rows (a short loop
// of independent loads, which the processor runs many at a time), the
// third computes. The values and scores are those of one pass over the
// features in order: the same floating-point operations in the same order.
func (m *Model) vectorize(s *scratch, text string) []feat {
	feats := s.ex.extract(text)
	n := len(feats)
	s.rows = slices.Grow(s.rows[:0], n)[:n]
	s.vals = slices.Grow(s.vals[:0], n)[:n]
	s.ranks = slices.Grow(s.ranks[:0], n)[:n]
	s.present = slices.Grow(s.present[:0], n)[:n]
	rows, vals, ranks, present := s.rows, s.vals, s.ranks, s.present
	index, packed, stride := m.index, m.packed, int32(m.stride)
	np := 0
	for i := range feats {
		r, in := index.rank(feats[i].bucket)
		ranks[i] = r | (in - 1) // -1 when absent
		rows[i] = r*stride | (in - 1)
		present[np] = int32(i)
		np += int(in)
	}
	present = present[:np]
	s.present = present
	var touch int16
	for _, i := range present {
		touch |= packed[rows[i]]
	}
	s.sink = touch
	clear(vals)

	k := len(m.root.labels)
	// The root's scores are accumulated in the same pass, on unnormalised
	// values (per n-gram order when PerOrder), and scaled once the norms
	// are known.
	const orders = 8
	s.rootAcc = slices.Grow(s.rootAcc[:0], orders*k)[:orders*k]
	clear(s.rootAcc)
	var norms [orders]float32
	idfStep := m.idfStep
	perOrder := m.cfg.Features.PerOrder
	for _, i := range present {
		f := &feats[i]
		base := int(rows[i])
		row := packed[base : base+1+k]
		v := sublinear(f.tf) * float32(row[0]) * idfStep
		vals[i] = v
		o := 0
		if perOrder {
			o = int(f.order())
		}
		norms[o] += v * v
		acc := s.rootAcc[o*k : o*k+k]
		for c, w := range row[1 : 1+k] {
			acc[c] += v * float32(w)
		}
	}
	nOrders := 0
	for _, nv := range norms {
		if nv > 0 {
			nOrders++
		}
	}
	var inv [orders]float32
	for o, nv := range norms {
		if nv > 0 {
			inv[o] = float32(1 / math.Sqrt(float64(nv)*float64(nOrders)))
		}
	}
	if !perOrder {
		inv[0] = 0
		if norms[0] > 0 {
			inv[0] = float32(1 / math.Sqrt(float64(norms[0])))
		}
	}
	if perOrder {
		for _, i := range s.present {
			vals[i] *= inv[feats[i].order()]
		}
	} else {
		for _, i := range s.present {
			vals[i] *= inv[0]
		}
	}
	logits := s.rootAcc[:k] // order 0 is never used with perOrder (n ≥ 1)
	for o := 1; o < orders && perOrder; o++ {
		for c := 0; c < k; c++ {
			logits[c] += s.rootAcc[o*k+c] * inv[o]
		}
	}
	if !perOrder {
		for c := range logits {
			logits[c] *= inv[0]
		}
	}
	for c := range logits {
		logits[c] = logits[c]*m.wStep + m.root.bias[c]
	}
	return feats
}

// scoreNode fills s.scores with the class probabilities of nd for the
// vectorised document. Only the root's rows are in s.rows, so a child node
// looks each feature's root row up in its own index.
func (m *Model) scoreNode(s *scratch, nd *node, feats []feat) []float64 {
	k := len(nd.labels)
	s.scores = slices.Grow(s.scores[:0], k)[:k]
	sc := s.scores
	if k == 1 {
		sc[0] = 1
		return sc
	}
	s.acc = slices.Grow(s.acc[:0], k)[:k]
	acc := s.acc
	if nd == m.root {
		copy(acc, s.rootAcc[:k]) // computed by vectorize
	} else {
		copy(acc, nd.bias)
		if len(nd.byRoot) > 0 {
			// As in vectorize: first the (cached) index, listing the
			// features this node has weights for without a branch,
			// then their rows, in feature order.
			byRoot, wts := nd.byRoot, nd.wts
			np := len(s.present)
			s.hitF = slices.Grow(s.hitF[:0], np)[:np]
			s.hitR = slices.Grow(s.hitR[:0], np)[:np]
			hitF, hitR := s.hitF, s.hitR
			nh := 0
			for _, i := range s.present {
				r, in := byRoot.rank(uint32(s.ranks[i]))
				hitF[nh], hitR[nh] = i, r*int32(k)
				nh += int(in)
			}
			for j, i := range hitF[:nh] {
				v := s.vals[i]
				if v == 0 {
					continue
				}
				base := int(hitR[j])
				for c, w := range wts[base : base+k] {
					acc[c] += v * w
				}
			}
		}
	}
	softmax(sc, acc, nd.invTemp)
	return sc
}

func softmax(dst []float64, z []float32, invTemp float32) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, float64(v*invTemp))
	}
	var sum float64
	for i, v := range z {
		dst[i] = math.Exp(float64(v*invTemp) - mx)
		sum += dst[i]
	}
	for i := range dst {
		dst[i] /= sum
	}
}

// Predict returns the k most probable level-1 classes for text, each with
// its most probable path below, the calibrated probabilities and the
// decisive n-grams. k < 1 means 1. Empty text gets the class priors of the
// model's bias terms.
func (m *Model) Predict(text string, k int) []Prediction {
	s := m.getScratch()
	defer m.pool.Put(s)
	feats := m.vectorize(s, text)
	p1 := slices.Clone(m.scoreNode(s, m.root, feats))
	order := argsort(p1)
	if k < 1 {
		k = 1
	}
	if k > len(order) {
		k = len(order)
	}
	out := make([]Prediction, k)
	for i := 0; i < k; i++ {
		c := order[i]
		p := &out[i]
		p.Labels[0], p.Probs[0], p.Score = m.root.labels[c], p1[c], p1[c]
		var nd *node
		if m.root.children != nil {
			nd = m.root.children[c]
		}
		for lvl := 1; lvl < 3 && nd != nil; lvl++ {
			sc := m.scoreNode(s, nd, feats)
			best := 0
			for j := range sc {
				if sc[j] > sc[best] {
					best = j
				}
			}
			p.Labels[lvl], p.Probs[lvl] = nd.labels[best], sc[best]
			p.Score *= sc[best]
			if nd.children == nil {
				break
			}
			nd = nd.children[best]
		}
		p.Terms = m.explain(s, feats, c, 5)
	}
	return out
}

// Probs returns the calibrated level-1 probabilities of text, in the order
// of Labels: Predict without the deeper levels and the explanations, for
// callers that combine the model with other evidence.
func (m *Model) Probs(text string) []float64 {
	s := m.getScratch()
	defer m.pool.Put(s)
	return slices.Clone(m.scoreNode(s, m.root, m.vectorize(s, text)))
}

// argsort returns the indexes of p by decreasing value.
func argsort(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	return idx
}

// explain returns up to n n-grams of the last vectorised text with the
// largest positive contribution to root class c. An n-gram overlapping one
// already chosen ("垃" after "垃圾", or after the tag "标签:垃圾清运") is
// skipped: it adds nothing to read. A tag is never skipped: it says what
// its n-grams do not.
func (m *Model) explain(s *scratch, feats []feat, c, n int) []Term {
	k := len(m.root.labels)
	if k < 2 {
		return nil
	}
	// Keep the strongest few contributions in a small sorted buffer
	// rather than sorting them all: a ticket has hundreds of positive ones.
	const keep = 4 * 8
	top := s.top[:0]
	for _, i := range s.present {
		r := s.rows[i]
		v := s.vals[i] * float32(m.packed[int(r)+1+c]) * m.wStep
		if v <= 0 || (len(top) == keep && v <= top[keep-1].v) {
			continue
		}
		j := len(top)
		if j < keep {
			top = append(top, contrib{})
		} else {
			j--
		}
		for j > 0 && top[j-1].v < v {
			top[j] = top[j-1]
			j--
		}
		top[j] = contrib{int(i), v}
	}
	s.top = top
	cs := top
	var out []Term
	for _, ct := range cs {
		if len(out) == n {
			break
		}
		f := feats[ct.i]
		g := s.ex.gram(f)
		if g == "0" {
			continue
		}
		dup := false
		for _, t := range out {
			if f.n == tagN {
				break
			}
			tt, isTag := strings.CutPrefix(t.Text, tagPrefix)
			if strings.Contains(tt, g) || (!isTag && strings.Contains(g, tt)) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, Term{Text: g, Weight: float64(ct.v)})
		}
	}
	return out
}

// rowStride is the length of a root row for k classes, the idf and k
// weights, rounded up to a power of two (to a multiple of 8 past 32), so
// that a row of up to 31 classes never straddles two cache lines.
func rowStride(k int) int {
	n := k + 1
	if n <= 32 {
		return 1 << bits.Len(uint(n-1))
	}
	return (n + 7) &^ 7
}

// packRoot moves the root's weights (one row per vocabulary column, in
// bucket order) and the idf into the compact, quantised layout.
func (m *Model) packRoot(buckets []uint32, idf []float32) {
	nd := m.root
	k := len(nd.labels)
	m.stride = rowStride(k)
	m.packed = make([]int16, len(buckets)*m.stride)
	var maxIdf, maxW float32
	for _, v := range idf {
		maxIdf = max(maxIdf, v)
	}
	for _, v := range nd.w {
		maxW = max(maxW, float32(math.Abs(float64(v))))
	}
	m.idfStep = maxIdf / 32767
	m.wStep = maxW / 32767
	if m.wStep == 0 {
		m.wStep = 1
	}
	for col := range buckets {
		base := col * m.stride
		m.packed[base] = max(1, int16(math.Round(float64(idf[col]/m.idfStep))))
		for c := 0; c < k; c++ {
			m.packed[base+1+c] = int16(math.Round(float64(nd.w[col*k+c] / m.wStep)))
		}
	}
	m.index = newRankIndex(1<<m.cfg.Features.Bits, buckets)
	nd.w = nil
}

// rootBuckets returns the root's vocabulary, in bucket order (row order).
func (m *Model) rootBuckets() []uint32 {
	out := make([]uint32, 0, len(m.packed)/m.stride)
	m.index.members(func(b uint32) { out = append(out, b) })
	return out
}

// setRows stores the weights of a node below the root: keys are its
// buckets and wts their weights, k a row. The node is not usable until
// link.
func (nd *node) setRows(keys []uint32, wts []float32) {
	nd.keys, nd.wts, nd.byRoot = keys, wts, nil
}

// link builds every child node's index over the root's rows, once the
// root is packed: rows of buckets in the root's vocabulary first, in
// bucket order, then the others.
func (m *Model) link() {
	vocab := len(m.packed) / m.stride
	var walk func(nd *node)
	walk = func(nd *node) {
		for _, ch := range nd.children {
			if ch != nil {
				walk(ch)
			}
		}
		if nd == m.root || len(nd.keys) == 0 {
			return
		}
		k := len(nd.labels)
		type row struct {
			b    uint32
			r    int32 // root row, -1: none
			from int
		}
		rs := make([]row, len(nd.keys))
		for j, b := range nd.keys {
			r, in := m.index.rank(b)
			if in == 0 {
				r = -1
			}
			rs[j] = row{b, r, j}
		}
		slices.SortFunc(rs, func(a, b row) int {
			if (a.r < 0) != (b.r < 0) {
				if a.r < 0 {
					return 1
				}
				return -1
			}
			return int(int64(a.b) - int64(b.b))
		})
		keys := make([]uint32, len(rs))
		wts := make([]float32, len(rs)*k)
		var ranks []uint32
		for j, e := range rs {
			keys[j] = e.b
			copy(wts[j*k:(j+1)*k], nd.wts[e.from*k:(e.from+1)*k])
			if e.r >= 0 {
				ranks = append(ranks, uint32(e.r))
			}
		}
		nd.keys, nd.wts = keys, wts
		nd.byRoot = nil
		if len(ranks) > 0 {
			nd.byRoot = newRankIndex(vocab, ranks)
		}
	}
	walk(m.root)
}
