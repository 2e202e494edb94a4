package classify

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// csr is a sparse document-by-column matrix of L2-normalised tf-idf rows.
type csr struct {
	ptr  []int   // row i is col[ptr[i]:ptr[i+1]]
	col  []int32 // compact column ids
	val  []float32
	cols int
}

func (m *csr) row(i int) ([]int32, []float32) {
	return m.col[m.ptr[i]:m.ptr[i+1]], m.val[m.ptr[i]:m.ptr[i+1]]
}

// binaryProblem is one one-vs-rest problem over a subset of rows.
type binaryProblem struct {
	x     *csr
	rows  []int     // rows of x taking part
	y     []int8    // +1 / -1, parallel to rows
	cost  []float64 // per-row C (class weighting), parallel to rows
	scale []float32 // optional per-column feature scale (NB-SVM), nil for none
	beta  float64   // NB-SVM interpolation toward the mean weight; 1 (or 0) = none
	seed  uint64
}

// svmOptions bound the dual coordinate descent.
type svmOptions struct {
	eps     float64 // stopping tolerance on the projected gradient (LIBLINEAR: 0.1)
	maxIter int
}

// trainSVM solves the L2-regularised, L2-loss (squared hinge) linear SVM in
// the dual by coordinate descent with shrinking: the algorithm of LIBLINEAR's
// solve_l2r_l1l2_svc (Hsieh et al., ICML 2008). It returns the weights over
// p.x's columns followed by the bias (a constant feature of value 1,
// regularised like the others, as LIBLINEAR does).
func trainSVM(p binaryProblem, opt svmOptions) []float64 {
	l := len(p.rows)
	nw := p.x.cols + 1
	bias := nw - 1
	w := make([]float64, nw)
	alpha := make([]float64, l)
	diag := make([]float64, l)
	qd := make([]float64, l)
	for i, r := range p.rows {
		diag[i] = 0.5 / p.cost[i]
		cols, vals := p.x.row(r)
		s := 1.0 // the bias feature
		for k, c := range cols {
			v := float64(vals[k])
			if p.scale != nil {
				v *= float64(p.scale[c])
			}
			s += v * v
		}
		qd[i] = diag[i] + s
	}
	index := make([]int, l)
	for i := range index {
		index[i] = i
	}
	rng := rand.New(rand.NewPCG(p.seed, 0x5eed))
	active := l
	// The L2-loss dual has no upper bound, so only variables at 0 are
	// shrunk, against the previous pass's largest projected gradient.
	pgMaxOld := math.Inf(1)
	for iter := 0; iter < opt.maxIter; iter++ {
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		for i := 0; i < active; i++ {
			j := i + rng.IntN(active-i)
			index[i], index[j] = index[j], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			yi := float64(p.y[i])
			cols, vals := p.x.row(p.rows[i])
			dot := w[bias]
			if p.scale != nil {
				for k, c := range cols {
					dot += w[c] * float64(vals[k]*p.scale[c])
				}
			} else {
				for k, c := range cols {
					dot += w[c] * float64(vals[k])
				}
			}
			g := yi*dot - 1 + diag[i]*alpha[i]
			pg := 0.0
			if alpha[i] == 0 {
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g < 0 {
					pg = g
				}
			} else {
				pg = g
			}
			pgMax = math.Max(pgMax, pg)
			pgMin = math.Min(pgMin, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = math.Max(old-g/qd[i], 0)
				d := (alpha[i] - old) * yi
				if p.scale != nil {
					for k, c := range cols {
						w[c] += d * float64(vals[k]*p.scale[c])
					}
				} else {
					for k, c := range cols {
						w[c] += d * float64(vals[k])
					}
				}
				w[bias] += d
			}
		}
		if pgMax-pgMin <= opt.eps {
			if active == l {
				break
			}
			active = l
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMax
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
	if p.scale != nil && p.beta > 0 && p.beta < 1 {
		// Interpolate between the SVM and the mean weight magnitude
		// (Wang & Manning's β), still in the scaled space.
		var mean float64
		for c := 0; c < p.x.cols; c++ {
			mean += math.Abs(w[c])
		}
		mean /= float64(p.x.cols)
		for c := 0; c < p.x.cols; c++ {
			w[c] = (1-p.beta)*mean + p.beta*w[c]
		}
	}
	if p.scale != nil {
		// Fold the NB scaling into the weights: w·(r∘x) = (w∘r)·x, so
		// prediction costs the same as for a plain SVM.
		for c := 0; c < p.x.cols; c++ {
			w[c] *= float64(p.scale[c])
		}
	}
	return w
}

// nbRatios returns the NB-SVM log-count ratios of Wang & Manning (2012) for
// one class over rows: r = ln((p/|p|₁)/(q/|q|₁)) with p, q the smoothed sums
// of the (binarised) features of positive and negative rows.
func nbRatios(x *csr, rows []int, y []int8, alpha float64) []float32 {
	p := make([]float64, x.cols)
	q := make([]float64, x.cols)
	for i := range p {
		p[i], q[i] = alpha, alpha
	}
	for i, r := range rows {
		cols, _ := x.row(r)
		t := q
		if y[i] > 0 {
			t = p
		}
		for _, c := range cols {
			t[c]++
		}
	}
	var sp, sq float64
	for i := range p {
		sp += p[i]
		sq += q[i]
	}
	out := make([]float32, x.cols)
	for i := range out {
		out[i] = float32(math.Log((p[i] / sp) / (q[i] / sq)))
	}
	return out
}

// parallel runs f(0..n-1) on up to GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
