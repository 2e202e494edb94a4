package extract

import (
	"math"
)

// fitStack fits a multinomial logistic regression on (x, y), each example
// weighted by wt, with L2 penalty l2 (not on the constant), by gradient
// descent.
func fitStack(xs [][13]float64, ys []int, wt []float64, l2 float64) intentStack {
	var W intentStack
	for k := 0; k < 6; k++ {
		W[k][k], W[k][6+k] = 1, 0.5 // start at the product
	}
	tot := 0.0
	for _, w := range wt {
		tot += w
	}
	const lr = 0.05
	var m, v [6][13]float64
	for it := 1; it <= 1500; it++ {
		var g [6][13]float64
		for i, x := range xs {
			p := stackProbs(&W, x)
			for k := 0; k < 6; k++ {
				d := p[k]
				if k == ys[i] {
					d--
				}
				d *= wt[i] / tot
				for j := range x {
					g[k][j] += d * x[j]
				}
			}
		}
		for k := 0; k < 6; k++ {
			for j := 0; j < 13; j++ {
				if j < 12 {
					g[k][j] += l2 * W[k][j]
				}
				// Adam.
				m[k][j] = 0.9*m[k][j] + 0.1*g[k][j]
				v[k][j] = 0.999*v[k][j] + 0.001*g[k][j]*g[k][j]
				mh := m[k][j] / (1 - math.Pow(0.9, float64(it)))
				vh := v[k][j] / (1 - math.Pow(0.999, float64(it)))
				W[k][j] -= lr * mh / (math.Sqrt(vh) + 1e-8)
			}
		}
	}
	return W
}

// combineIntent is IntentModel.Intent's combination (retrain.go) with
// per-intent log-multipliers bias: pm × lexicon softmax^w, to the power
// 1/temp, times exp(bias), renormalised.
func combineIntent(pm [6]float64, lex IntentResult, w, temp float64, bias [6]float64) [6]float64 {
	var pl [6]float64
	sum := 0.0
	top := lex.Scores[intentIndex(string(lex.Intent))]
	for i, v := range lex.Scores {
		pl[i] = math.Exp(v - top)
		sum += pl[i]
	}
	var comb [6]float64
	total := 0.0
	for i := range comb {
		comb[i] = pm[i] * math.Pow(pl[i]/sum, w)
		if temp > 0 && temp != 1 {
			comb[i] = math.Pow(comb[i], 1/temp)
		}
		comb[i] *= math.Exp(bias[i])
		total += comb[i]
	}
	for i := range comb {
		comb[i] /= total
	}
	return comb
}
