package classify

// The prediction path as it was before the compact root layout and the
// allocation-free extraction (issue 17), kept as the reference the
// differential tests compare the fast path with: a dense table of every
// bucket's root row, an open-addressing table per child node, one pass over
// the features, and text.AppendContent.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"math/bits"
	"slices"
	"strings"

	"jiceng/internal/text"
)

// refModel predicts with the old layout, built from a Model.
type refModel struct {
	m      *Model
	dense  []int16 // dense[b*stride]: idf of bucket b (0: none), then k weights
	stride int
	child  map[*node]map[uint32][]float32
	ex     *refExtractor
	rows   []int32
	vals   []float32
	ns     []uint8
	// rootAcc as in scratch.
	rootAcc []float32
	scores  []float64
	acc     []float32
	top     []contrib
}

func newRefModel(m *Model) *refModel {
	k := len(m.root.labels)
	r := &refModel{m: m, stride: k + 1, child: map[*node]map[uint32][]float32{}, ex: &refExtractor{cfg: m.cfg.Features, tags: m.tags}}
	r.dense = make([]int16, (1<<m.cfg.Features.Bits)*r.stride)
	for row, b := range m.rootBuckets() {
		copy(r.dense[int(b)*r.stride:], m.packed[row*m.stride:row*m.stride+1+k])
	}
	var walk func(nd *node)
	walk = func(nd *node) {
		for _, ch := range nd.children {
			if ch != nil {
				walk(ch)
			}
		}
		if nd == m.root {
			return
		}
		t := map[uint32][]float32{}
		kk := len(nd.labels)
		for j, b := range nd.keys {
			t[b] = nd.wts[j*kk : (j+1)*kk]
		}
		r.child[nd] = t
	}
	walk(m.root)
	return r
}

// refFromFile reads a model file on its own, independently of decode and
// the packed layout, into the old layout.
func refFromFile(b []byte) (*refModel, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b[len(fileMagic)+2:]))
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(zr)
	var hl uint32
	if err := binary.Read(r, binary.LittleEndian, &hl); err != nil {
		return nil, err
	}
	hj := make([]byte, hl)
	if _, err := io.ReadFull(r, hj); err != nil {
		return nil, err
	}
	var h fileHeader
	if err := json.Unmarshal(hj, &h); err != nil {
		return nil, err
	}
	m := &Model{cfg: h.Config, docs: h.Docs, tags: newTagMatcher(h.Config.Features.Tags, h.Config.Features.Bits)}
	ref := &refModel{m: m, child: map[*node]map[uint32][]float32{}, ex: &refExtractor{cfg: m.cfg.Features, tags: m.tags}}
	nodes := make([]*node, len(h.Nodes))
	for i, fn := range h.Nodes {
		k := len(fn.Labels)
		nd := &node{labels: fn.Labels, invTemp: fn.InvTemp, top: fn.Top}
		nodes[i] = nd
		if i > 0 && k < 2 {
			continue
		}
		buckets := make([]uint32, fn.Rows)
		var bk uint64
		for j := range buckets {
			d, err := binary.ReadUvarint(r)
			if err != nil {
				return nil, err
			}
			bk += d
			buckets[j] = uint32(bk)
		}
		var idf []int16
		if i == 0 {
			idf = make([]int16, fn.Rows)
			if err := binary.Read(r, binary.LittleEndian, idf); err != nil {
				return nil, err
			}
		}
		q := make([]int16, fn.Rows*k)
		if err := binary.Read(r, binary.LittleEndian, q); err != nil {
			return nil, err
		}
		nd.bias = make([]float32, k)
		if err := binary.Read(r, binary.LittleEndian, nd.bias); err != nil {
			return nil, err
		}
		if i == 0 {
			m.root, m.wStep, m.idfStep = nd, fn.Step, fn.IdfStep
			ref.stride = k + 1
			ref.dense = make([]int16, (1<<h.Config.Features.Bits)*ref.stride)
			for j, b := range buckets {
				ref.dense[int(b)*ref.stride] = idf[j]
				copy(ref.dense[int(b)*ref.stride+1:], q[j*k:(j+1)*k])
			}
			continue
		}
		t := map[uint32][]float32{}
		for j, b := range buckets {
			row := make([]float32, k)
			for c := range row {
				row[c] = float32(q[j*k+c]) * fn.Step
			}
			t[b] = row
		}
		ref.child[nd] = t
	}
	for i, fn := range h.Nodes {
		if fn.Children == nil {
			continue
		}
		nodes[i].children = make([]*node, len(fn.Children))
		for j, c := range fn.Children {
			if c >= 0 {
				nodes[i].children[j] = nodes[c]
			}
		}
	}
	return ref, nil
}

func (m *refModel) vectorize(text string) []feat {
	feats := m.ex.extract(text)
	m.rows, m.vals, m.ns = m.rows[:0], m.vals[:0], m.ns[:0]
	k := len(m.m.root.labels)
	const orders = 8
	m.rootAcc = slices.Grow(m.rootAcc[:0], orders*k)[:orders*k]
	clear(m.rootAcc)
	var norms [orders]float32
	dense, stride, idfStep := m.dense, m.stride, m.m.idfStep
	perOrder := m.m.cfg.Features.PerOrder
	for _, f := range feats {
		base := int(f.bucket) * stride
		row := dense[base : base+stride]
		n := f.order()
		m.ns = append(m.ns, n)
		if row[0] == 0 {
			m.rows = append(m.rows, -1)
			m.vals = append(m.vals, 0)
			continue
		}
		v := sublinear(f.tf) * float32(row[0]) * idfStep
		m.rows = append(m.rows, int32(base))
		m.vals = append(m.vals, v)
		o := 0
		if perOrder {
			o = int(n)
		}
		norms[o] += v * v
		acc := m.rootAcc[o*k : o*k+k]
		for c, w := range row[1 : 1+k] {
			acc[c] += v * float32(w)
		}
	}
	present := 0
	for _, nv := range norms {
		if nv > 0 {
			present++
		}
	}
	var inv [orders]float32
	for o, nv := range norms {
		if nv > 0 {
			inv[o] = float32(1 / math.Sqrt(float64(nv)*float64(present)))
		}
	}
	if !perOrder {
		inv[0] = 0
		if norms[0] > 0 {
			inv[0] = float32(1 / math.Sqrt(float64(norms[0])))
		}
	}
	for i := range m.vals {
		o := 0
		if perOrder {
			o = int(m.ns[i])
		}
		m.vals[i] *= inv[o]
	}
	logits := m.rootAcc[:k]
	for o := 1; o < orders && perOrder; o++ {
		for c := 0; c < k; c++ {
			logits[c] += m.rootAcc[o*k+c] * inv[o]
		}
	}
	if !perOrder {
		for c := range logits {
			logits[c] *= inv[0]
		}
	}
	for c := range logits {
		logits[c] = logits[c]*m.m.wStep + m.m.root.bias[c]
	}
	return feats
}

func (m *refModel) scoreNode(nd *node, feats []feat) []float64 {
	k := len(nd.labels)
	m.scores = slices.Grow(m.scores[:0], k)[:k]
	sc := m.scores
	if k == 1 {
		sc[0] = 1
		return sc
	}
	m.acc = slices.Grow(m.acc[:0], k)[:k]
	acc := m.acc
	if nd == m.m.root {
		copy(acc, m.rootAcc[:k])
	} else {
		copy(acc, nd.bias)
		for i, f := range feats {
			v := m.vals[i]
			if v == 0 {
				continue
			}
			row := m.child[nd][f.bucket]
			for c, w := range row {
				acc[c] += v * w
			}
		}
	}
	softmax(sc, acc, nd.invTemp)
	return sc
}

func (m *refModel) Predict(text string, k int) []Prediction {
	feats := m.vectorize(text)
	p1 := slices.Clone(m.scoreNode(m.m.root, feats))
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
		p.Labels[0], p.Probs[0], p.Score = m.m.root.labels[c], p1[c], p1[c]
		var nd *node
		if m.m.root.children != nil {
			nd = m.m.root.children[c]
		}
		for lvl := 1; lvl < 3 && nd != nil; lvl++ {
			sc := m.scoreNode(nd, feats)
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
		p.Terms = m.explain(feats, c, 5)
	}
	return out
}

func (m *refModel) Probs(text string) []float64 {
	return slices.Clone(m.scoreNode(m.m.root, m.vectorize(text)))
}

func (m *refModel) explain(feats []feat, c, n int) []Term {
	k := len(m.m.root.labels)
	if k < 2 {
		return nil
	}
	const keep = 4 * 8
	top := m.top[:0]
	for i, r := range m.rows {
		if r < 0 {
			continue
		}
		v := m.vals[i] * float32(m.dense[int(r)+1+c]) * m.m.wStep
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
		top[j] = contrib{i, v}
	}
	m.top = top
	var out []Term
	for _, ct := range top {
		if len(out) == n {
			break
		}
		f := feats[ct.i]
		g := m.ex.gram(f)
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

// refExtractor is the extractor as it was: text.AppendContent, then the
// n-grams of every position counted in an open-addressing table of
// indexes into feats.
type refExtractor struct {
	cfg   FeatureConfig
	tags  *tagMatcher
	runes []rune
	hits  []int32
	slots []int32
	feats []feat
}

func (e *refExtractor) extract(s string) []feat {
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
		e.slots = make([]int32, size)
		for i := range e.slots {
			e.slots[i] = -1
		}
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
	for _, f := range e.feats {
		j := (f.bucket * 0x9e3779b1) & mask
		for slots[j] >= 0 {
			slots[j] = -1
			j = (j + 1) & mask
		}
	}
	return e.feats
}

func (e *refExtractor) add(slots []int32, mask, bk uint32, pos, n int32) {
	j := (bk * 0x9e3779b1) & mask
	for {
		fi := slots[j]
		if fi < 0 {
			slots[j] = int32(len(e.feats))
			e.feats = append(e.feats, feat{bucket: bk, tf: 1, pos: pos, n: n})
			return
		}
		if e.feats[fi].bucket == bk {
			e.feats[fi].tf++
			return
		}
		j = (j + 1) & mask
	}
}

func (e *refExtractor) gram(f feat) string {
	if f.n == tagN {
		return tagPrefix + e.tags.names[f.pos]
	}
	return string(e.runes[f.pos : f.pos+f.n])
}
