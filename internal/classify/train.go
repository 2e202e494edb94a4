package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// docFeats are the distinct buckets of one training document.
type docFeats struct {
	buckets []uint32
	tfs     []float32
	ns      []uint8
}

func extractAll(docs []Doc, cfg FeatureConfig, tags *tagMatcher) []docFeats {
	out := make([]docFeats, len(docs))
	const chunk = 256
	nChunks := (len(docs) + chunk - 1) / chunk
	parallel(nChunks, func(ci int) {
		ex := newExtractor(cfg, tags)
		for i := ci * chunk; i < min(len(docs), (ci+1)*chunk); i++ {
			fs := ex.extract(docs[i].Text)
			d := docFeats{buckets: make([]uint32, len(fs)), tfs: make([]float32, len(fs)), ns: make([]uint8, len(fs))}
			for j, f := range fs {
				d.buckets[j], d.tfs[j], d.ns[j] = f.bucket, f.tf, f.order()
			}
			out[i] = d
		}
	})
	return out
}

// Train fits a model to docs. Every document needs a level-1 label; deeper
// labels train the finer classifiers under their parent. It never reads
// anything but docs and cfg.
func Train(docs []Doc, cfg Config) (*Model, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := checkDocs(docs); err != nil {
		return nil, err
	}
	tags := newTagMatcher(cfg.Features.Tags, cfg.Features.Bits)
	feats := extractAll(docs, cfg.Features, tags)

	// Vocabulary: the buckets seen in at least MinDF documents, numbered
	// in bucket order so that training is deterministic.
	df := map[uint32]int32{}
	for _, d := range feats {
		for _, b := range d.buckets {
			df[b]++
		}
	}
	buckets := make([]uint32, 0, len(df))
	for b, n := range df {
		if int(n) >= cfg.Features.MinDF {
			buckets = append(buckets, b)
		}
	}
	slices.Sort(buckets)
	if len(buckets) == 0 {
		return nil, errorf("训练文本中没有可用的字符特征")
	}
	m := &Model{cfg: cfg, docs: len(docs), tags: tags}
	idf := make([]float32, len(buckets))
	colOf := newTable(len(buckets))
	for i, b := range buckets {
		colOf.put(b, int32(i))
		idf[i] = idfOf(int(df[b]), len(docs))
	}
	x := buildCSR(feats, &colOf, idf, cfg.Features.PerOrder)

	all := make([]int, len(docs))
	for i := range all {
		all[i] = i
	}
	m.root = trainTree(x, docs, all, 0, cfg, buckets, true)
	if len(m.root.labels) < 2 {
		return nil, errorf("训练数据至少需要两个一级分类")
	}
	if len(m.root.labels) > maxRootClasses {
		return nil, errorf("一级分类最多 %d 个，训练数据中有 %d 个", maxRootClasses, len(m.root.labels))
	}
	m.packRoot(buckets, idf)
	m.link()

	if cfg.CalibFolds >= 2 && len(m.root.labels) > 1 {
		t := calibrate(x, docs, all, m.root.labels, cfg)
		setTemp(m.root, t)
	} else {
		setTemp(m.root, 1)
	}
	fillTopTerms(m.root, docs, cfg.Features, tags)
	return m, nil
}

func checkDocs(docs []Doc) error {
	if len(docs) == 0 {
		return errorf("没有训练数据")
	}
	for i, d := range docs {
		if d.Labels[0] == "" {
			return errorf("第 %d 条训练数据缺少一级分类", i+1)
		}
		if d.Labels[1] == "" && d.Labels[2] != "" {
			return errorf("第 %d 条训练数据有三级分类但缺少二级分类", i+1)
		}
	}
	return nil
}

// buildCSR turns bucket counts into unit-length sublinear-tf × idf rows
// over the vocabulary's columns.
func buildCSR(feats []docFeats, colOf *table, idf []float32, perOrder bool) *csr {
	x := &csr{ptr: make([]int, 1, len(feats)+1), cols: len(idf)}
	var ns []uint8
	for _, d := range feats {
		start := len(x.col)
		ns = ns[:0]
		for j, b := range d.buckets {
			c := colOf.get(b)
			if c < 0 {
				continue
			}
			x.col = append(x.col, c)
			x.val = append(x.val, sublinear(d.tfs[j])*idf[c])
			ns = append(ns, d.ns[j])
		}
		normalise(x.val[start:], ns, perOrder)
		x.ptr = append(x.ptr, len(x.col))
	}
	return x
}

// trainTree trains the node choosing among the level-lvl labels of rows,
// then its children. isRoot keeps every vocabulary column in the node's
// table (the root's rows also index idf); other nodes keep only columns
// with a non-zero weight.
func trainTree(x *csr, docs []Doc, rows []int, lvl int, cfg Config, buckets []uint32, isRoot bool) *node {
	labelSet := map[string]bool{}
	for _, r := range rows {
		if l := docs[r].Labels[lvl]; l != "" {
			labelSet[l] = true
		}
	}
	if len(labelSet) == 0 {
		return nil
	}
	nd := &node{invTemp: 1}
	for l := range labelSet {
		nd.labels = append(nd.labels, l)
	}
	sort.Strings(nd.labels)
	var sub []int
	for _, r := range rows {
		if docs[r].Labels[lvl] != "" {
			sub = append(sub, r)
		}
	}
	if len(nd.labels) > 1 {
		y := make([]int, len(sub))
		for i, r := range sub {
			y[i] = slices.Index(nd.labels, docs[r].Labels[lvl])
		}
		ws := trainOvR(x, sub, y, len(nd.labels), cfg)
		nd.setWeights(ws, buckets, isRoot, cfg.TopTerms)
	}
	if lvl < 2 {
		nd.children = make([]*node, len(nd.labels))
		hasChild := false
		for c, l := range nd.labels {
			var sr []int
			for _, r := range sub {
				if docs[r].Labels[lvl] == l && docs[r].Labels[lvl+1] != "" {
					sr = append(sr, r)
				}
			}
			if len(sr) > 0 {
				nd.children[c] = trainTree(x, docs, sr, lvl+1, cfg, buckets, false)
				hasChild = true
			}
		}
		if !hasChild {
			nd.children = nil
		}
	}
	return nd
}

// trainOvR trains one binary classifier per class, in parallel, and returns
// their weights (columns then bias).
func trainOvR(x *csr, rows []int, y []int, k int, cfg Config) [][]float64 {
	counts := make([]int, k)
	for _, c := range y {
		counts[c]++
	}
	cost := make([]float64, len(rows))
	for i, c := range y {
		cost[i] = cfg.C
		if cfg.ClassWeight == "balanced" {
			cost[i] *= float64(len(rows)) / float64(k*counts[c])
		}
	}
	ws := make([][]float64, k)
	parallel(k, func(c int) {
		yy := make([]int8, len(rows))
		for i, ci := range y {
			yy[i] = -1
			if ci == c {
				yy[i] = 1
			}
		}
		p := binaryProblem{x: x, rows: rows, y: yy, cost: cost, seed: cfg.Seed*1000003 + uint64(c)}
		opt := svmOptions{eps: cfg.Eps, maxIter: cfg.MaxIter}
		if cfg.Model == "svm" || cfg.Model == "ensemble" {
			ws[c] = trainSVM(p, opt)
		}
		if cfg.Model == "nbsvm" || cfg.Model == "ensemble" {
			p.scale = nbRatios(x, rows, yy, cfg.NBAlpha)
			p.beta = cfg.Beta
			w := trainSVM(p, opt)
			if ws[c] == nil {
				ws[c] = w
				return
			}
			// Both models are linear in the same features (the NB
			// scaling is folded into w), so averaging their weights
			// averages their scores at no cost in prediction.
			for j := range w {
				ws[c][j] = (ws[c][j] + w[j]) / 2
			}
		}
	})
	return ws
}

// setWeights stores per-class weights as float32 rows and picks each
// class's strongest buckets for the explanation dictionary.
func (nd *node) setWeights(ws [][]float64, buckets []uint32, keepAll bool, topN int) {
	k := len(ws)
	cols := len(buckets)
	var keep []int
	for c := 0; c < cols; c++ {
		nz := keepAll
		for j := 0; j < k && !nz; j++ {
			nz = ws[j][c] != 0
		}
		if nz {
			keep = append(keep, c)
		}
	}
	nd.bias = make([]float32, k)
	if keepAll {
		nd.w = make([]float32, len(keep)*k)
		for row, c := range keep {
			for j := 0; j < k; j++ {
				nd.w[row*k+j] = float32(ws[j][c])
			}
		}
	} else {
		keys := make([]uint32, len(keep))
		wts := make([]float32, len(keep)*k)
		for row, c := range keep {
			keys[row] = buckets[c]
			for j := 0; j < k; j++ {
				wts[row*k+j] = float32(ws[j][c])
			}
		}
		nd.setRows(keys, wts)
	}
	for j := 0; j < k; j++ {
		nd.bias[j] = float32(ws[j][cols])
	}
	nd.topBuckets = make([][]uint32, k)
	for j := 0; j < k; j++ {
		idx := make([]int, 0, len(keep))
		for _, c := range keep {
			if ws[j][c] > 0 {
				idx = append(idx, c)
			}
		}
		sort.Slice(idx, func(a, b int) bool { return ws[j][idx[a]] > ws[j][idx[b]] })
		if len(idx) > topN {
			idx = idx[:topN]
		}
		nd.top = append(nd.top, make([]Term, len(idx)))
		for i, c := range idx {
			nd.top[j][i].Weight = ws[j][c]
			nd.topBuckets[j] = append(nd.topBuckets[j], buckets[c])
		}
	}
}

// fillTopTerms finds the text of every dictionary bucket in the tree by
// scanning the training documents once, then drops entries whose text was
// not found (cannot happen) and the bucket lists.
func fillTopTerms(root *node, docs []Doc, fc FeatureConfig, tags *tagMatcher) {
	want := map[uint32]string{}
	var walk func(nd *node, f func(nd *node))
	walk = func(nd *node, f func(nd *node)) {
		if nd == nil {
			return
		}
		f(nd)
		for _, ch := range nd.children {
			walk(ch, f)
		}
	}
	walk(root, func(nd *node) {
		for _, bs := range nd.topBuckets {
			for _, b := range bs {
				want[b] = ""
			}
		}
	})
	missing := len(want)
	ex := newExtractor(fc, tags)
	for _, d := range docs {
		if missing == 0 {
			break
		}
		for _, f := range ex.extract(d.Text) {
			if s, ok := want[f.bucket]; ok && s == "" {
				want[f.bucket] = ex.gram(f)
				missing--
			}
		}
	}
	walk(root, func(nd *node) {
		for j, bs := range nd.topBuckets {
			terms := nd.top[j][:0]
			for i, b := range bs {
				if s := want[b]; s != "" {
					t := nd.top[j][i]
					t.Text = s
					terms = append(terms, t)
				}
			}
			nd.top[j] = terms
		}
		nd.topBuckets = nil
	})
}

func setTemp(nd *node, invTemp float32) {
	if nd == nil {
		return
	}
	nd.invTemp = invTemp
	for _, ch := range nd.children {
		setTemp(ch, invTemp)
	}
}

// calibrate fits the softmax inverse temperature of the level-1 scores on
// out-of-fold scores from cfg.CalibFolds internal folds, by minimising the
// log-loss (temperature scaling, Guo et al. 2017). The same temperature is
// used for the deeper levels, whose data are usually too small to fit one.
func calibrate(x *csr, docs []Doc, rows []int, labels []string, cfg Config) float32 {
	y := make([]int, len(rows))
	for i, r := range rows {
		y[i] = slices.Index(labels, docs[r].Labels[0])
	}
	folds := stratifiedFolds(y, cfg.CalibFolds, cfg.Seed+7)
	k := len(labels)
	scores := make([][]float64, len(rows)) // out-of-fold raw scores
	for f := 0; f < cfg.CalibFolds; f++ {
		var tr, te []int
		var ytr []int
		for i := range rows {
			if folds[i] == f {
				te = append(te, i)
			} else {
				tr = append(tr, rows[i])
				ytr = append(ytr, y[i])
			}
		}
		if len(te) == 0 {
			continue
		}
		ws := trainOvR(x, tr, ytr, k, cfg)
		for _, i := range te {
			cols, vals := x.row(rows[i])
			sc := make([]float64, k)
			for c := 0; c < k; c++ {
				s := ws[c][x.cols]
				for j, col := range cols {
					s += ws[c][col] * float64(vals[j])
				}
				sc[c] = s
			}
			scores[i] = sc
		}
	}
	nll := func(a float64) float64 {
		var sum float64
		for i, sc := range scores {
			if sc == nil {
				continue
			}
			mx := math.Inf(-1)
			for _, s := range sc {
				mx = math.Max(mx, a*s)
			}
			var z float64
			for _, s := range sc {
				z += math.Exp(a*s - mx)
			}
			sum += math.Log(z) + mx - a*sc[y[i]]
		}
		return sum
	}
	// Golden-section search on log(a) over [0.1, 100]: the log-loss is
	// unimodal in the temperature.
	lo, hi := math.Log(0.1), math.Log(100)
	g := (math.Sqrt(5) - 1) / 2
	c1, c2 := hi-g*(hi-lo), lo+g*(hi-lo)
	f1, f2 := nll(math.Exp(c1)), nll(math.Exp(c2))
	for i := 0; i < 40; i++ {
		if f1 < f2 {
			hi, c2, f2 = c2, c1, f1
			c1 = hi - g*(hi-lo)
			f1 = nll(math.Exp(c1))
		} else {
			lo, c1, f1 = c1, c2, f2
			c2 = lo + g*(hi-lo)
			f2 = nll(math.Exp(c2))
		}
	}
	return float32(math.Exp((lo + hi) / 2))
}

// stratifiedFolds assigns each item (by class y) to one of k folds so that
// every class is spread evenly; seed fixes the shuffle.
func stratifiedFolds(y []int, k int, seed uint64) []int {
	byClass := map[int][]int{}
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	classes := make([]int, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Ints(classes)
	rng := rand.New(rand.NewPCG(seed, 0xf01d5))
	out := make([]int, len(y))
	offset := 0
	for _, c := range classes {
		idx := byClass[c]
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for j, i := range idx {
			out[i] = (offset + j) % k
		}
		offset += len(idx) // continue the rotation so small classes do not all start at fold 0
	}
	return out
}
