package extract

import (
	"fmt"
	"math"
	"strings"
	"testing"
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

// TestStack checks the stacked combination: its distribution sums to one,
// a stacker fitted on invented features learns which source to trust, and
// the default model's explanation (cues) stays the lexicon's.
func TestStack(t *testing.T) {
	// Invented training set: the model is right on intents 0-2, the
	// lexicon on intents 3-5, and the wrong source chooses another intent
	// of the same half; each source puts 0.9 on its choice.
	var xs [][13]float64
	var ys []int
	var wt []float64
	one := func(k int) [6]float64 {
		var p [6]float64
		for i := range p {
			p[i] = 0.02
		}
		p[k] = 0.9
		return p
	}
	for n := 0; n < 60; n++ {
		y := n % 6
		half := y / 3 * 3
		wrong := half + (y-half+1+n/6%2)%3
		pm, pl := one(y), one(wrong)
		if y >= 3 {
			pm, pl = pl, pm
		}
		var x [13]float64
		for k := 0; k < 6; k++ {
			x[k], x[6+k] = math.Log(pm[k]), math.Log(pl[k])
		}
		x[12] = 1
		xs, ys, wt = append(xs, x), append(ys, y), append(wt, 1)
	}
	W := fitStack(xs, ys, wt, 0.001)
	right := 0
	for i, x := range xs {
		p := stackProbs(&W, x)
		sum, best := 0.0, 0
		for k := range p {
			sum += p[k]
			if p[k] > p[best] {
				best = k
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("example %d: probabilities sum to %v", i, sum)
		}
		if best == ys[i] {
			right++
		}
	}
	if right < 54 {
		t.Errorf("fitted stacker right on %d of 60 invented examples, want ≥ 54", right)
	}
	if DefaultIntentModel() == nil {
		t.Skip("no embedded model")
	}
	cases := []struct {
		name, title, content string
		cue                  string
	}{
		{"praise", "感谢社区工作人员", "社区王书记耐心细致帮我们解决了下水道堵塞的问题，特此表扬。", "表扬"},
		{"question", "", "请问办理居住证需要哪些材料？在哪里办理？", "请问"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := PredictIntent(tc.title, tc.content)
			sum := 0.0
			for _, p := range got.Probs {
				sum += p
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("probabilities sum to %v", sum)
			}
			lex := Intent(tc.title, tc.content)
			if fmt.Sprint(got.Cues) != fmt.Sprint(lex.Cues) {
				t.Errorf("cues %v, want the lexicon's %v", got.Cues, lex.Cues)
			}
			if !strings.Contains(fmt.Sprint(got.Cues), tc.cue) {
				t.Errorf("cues %v lack %q", got.Cues, tc.cue)
			}
		})
	}
}
