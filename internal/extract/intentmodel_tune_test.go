package extract

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"

	"jiceng/internal/classify"
	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// go test ./internal/extract -run TestTuneIntent -intent.raw PATH -intent.tune
// compares classifier configurations and lexicon exponents: macro-F1 and
// log-loss out of fold on intent_train.csv (5 folds) and on the gold dev
// split, with the temperature fitted out of fold (never on gold).
var intentTune = flag.Bool("intent.tune", false, "compare intent model configurations (with -intent.raw)")

type tuneScore struct {
	f1, nll float64
	per     string // per-intent F1
}

// scoreIntent scores combined probabilities against gold intents.
func scoreIntent(pm [][6]float64, lex []IntentResult, gold []core.Intent, w, temp float64, bias [6]float64) tuneScore {
	return scoreProbs(gold, func(i int) [6]float64 { return combineIntent(pm[i], lex[i], w, temp, bias) })
}

// scoreProbs is the macro-F1 and log-loss of the probabilities prob(i)
// of the intents against gold[i].
func scoreProbs(gold []core.Intent, prob func(i int) [6]float64) tuneScore {
	var labels []string
	for _, l := range core.Intents {
		labels = append(labels, string(l))
	}
	c := realtext.NewConfusion(labels...)
	nll := 0.0
	for i := range gold {
		p := prob(i)
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		c.Add(string(gold[i]), string(core.Intents[best]))
		nll -= math.Log(max(p[intentIndex(string(gold[i]))], 1e-6))
	}
	per := ""
	for _, l := range labels {
		per += fmt.Sprintf(" %s %.2f", l, c.Class(l).F1())
	}
	return tuneScore{c.MacroF1(), nll / float64(len(gold)), per}
}

func modelProbs(m *classify.Model, text string) [6]float64 {
	var pm [6]float64
	for i := range pm {
		pm[i] = probFloor
	}
	labels := m.Labels()
	for i, p := range m.Probs(text) {
		if k := intentIndex(labels[i]); k >= 0 {
			pm[k] = max(p, probFloor)
		}
	}
	return pm
}

func TestTuneIntent(t *testing.T) {
	if !*intentTune || *intentRaw == "" {
		t.Skip("-intent.tune and -intent.raw not given")
	}
	docs := intentTrainDocs(t, *intentRaw)
	gold, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	dev := realtext.Split(gold, "dev")
	var devLex []IntentResult
	var devGold []core.Intent
	for _, m := range dev {
		devLex = append(devLex, Intent(m.Title, m.Detail))
		devGold = append(devGold, core.Intent(m.Intent))
	}
	var trLex []IntentResult
	var trGold []core.Intent
	for _, d := range docs {
		trLex = append(trLex, Intent(d.Title, d.Content))
		trGold = append(trGold, d.Intent)
	}
	base := intentTrainConfig
	type tcase struct {
		name string
		cfg  classify.Config
	}
	with := func(f func(c *classify.Config)) classify.Config { c := base; f(&c); return c }
	cases := []tcase{
		{"default", base},
		{"C=1", with(func(c *classify.Config) { c.C = 1 })},
		{"C=0.5", with(func(c *classify.Config) { c.C = 0.5 })},
		{"C=0.25", with(func(c *classify.Config) { c.C = 0.25 })},
		{"svm C=0.5", with(func(c *classify.Config) { c.Model = "svm"; c.C = 0.5 })},
		{"C=4", with(func(c *classify.Config) { c.C = 4 })},
		{"svm", with(func(c *classify.Config) { c.Model = "svm" })},
		{"nbsvm", with(func(c *classify.Config) { c.Model = "nbsvm" })},
		{"MaxN=3", with(func(c *classify.Config) { c.Features.MaxN = 3 })},
		{"MaxN=3 perorder", with(func(c *classify.Config) { c.Features.MaxN = 3; c.Features.PerOrder = true })},
		{"MinN=2", with(func(c *classify.Config) { c.Features.MinN = 2 })},
		{"MinDF=1", with(func(c *classify.Config) { c.Features.MinDF = 1 })},
		{"MinDF=3", with(func(c *classify.Config) { c.Features.MinDF = 3 })},
		{"weight none", with(func(c *classify.Config) { c.ClassWeight = "none" })},
	}
	if *intentTuneOnly != "" {
		var keep []tcase
		for _, c := range cases {
			if strings.Contains(c.name, *intentTuneOnly) {
				keep = append(keep, c)
			}
		}
		cases = keep
	}
	const folds = 5
	for _, tc := range cases {
		for _, titleRep := range tuneTitleRepeats {
			text := func(title, content string) string {
				return strings.Repeat(title+"。", titleRep-1) + joinText(title, content)
			}
			// Out-of-fold model probabilities on the training labels.
			oof := make([][6]float64, len(docs))
			for f := 0; f < folds; f++ {
				var tr []classify.Doc
				for i, d := range docs {
					if i%folds != f {
						tr = append(tr, classify.Doc{Text: text(d.Title, d.Content), Labels: [3]string{string(d.Intent)}})
					}
				}
				m, err := classify.Train(tr, tc.cfg)
				if err != nil {
					t.Fatal(err)
				}
				for i, d := range docs {
					if i%folds == f {
						oof[i] = modelProbs(m, text(d.Title, d.Content))
					}
				}
			}
			var all []classify.Doc
			for _, d := range docs {
				all = append(all, classify.Doc{Text: text(d.Title, d.Content), Labels: [3]string{string(d.Intent)}})
			}
			m, err := classify.Train(all, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			devPM := make([][6]float64, len(dev))
			for i, d := range dev {
				devPM[i] = modelProbs(m, text(d.Title, d.Detail))
			}
			var b strings.Builder
			for _, w := range []float64{0, 0.5, 0.75, 1, 1.5} {
				bestT, bestNLL := 1.0, math.Inf(1)
				for temp := 0.5; temp <= 4; temp += 0.25 {
					if s := scoreIntent(oof, trLex, trGold, w, temp, [6]float64{}); s.nll < bestNLL {
						bestT, bestNLL = temp, s.nll
					}
				}
				var zero [6]float64
				o := scoreIntent(oof, trLex, trGold, w, bestT, zero)
				d := scoreIntent(devPM, devLex, devGold, w, bestT, zero)
				bias := fitIntentBias(oof, trLex, trGold, w, bestT)
				ob := scoreIntent(oof, trLex, trGold, w, bestT, bias)
				db := scoreIntent(devPM, devLex, devGold, w, bestT, bias)
				fmt.Fprintf(&b, "  w=%.2f T=%.2f | cv F1 %.3f nll %.3f | dev F1 %.3f nll %.3f || bias %.1f: cv F1 %.3f nll %.3f | dev F1 %.3f nll %.3f | cv%s\n", w, bestT, o.f1, o.nll, d.f1, d.nll, bias, ob.f1, ob.nll, db.f1, db.nll, o.per)
			}
			// The learned combination: a stacker fitted out of fold.
			var xs [][13]float64
			var ys []int
			for i := range docs {
				xs = append(xs, stackFeatures(oof[i], trLex[i]))
				ys = append(ys, intentIndex(string(trGold[i])))
			}
			count := map[int]float64{}
			for _, y := range ys {
				count[y]++
			}
			for _, bal := range []float64{0, 0.5} {
				for _, l2 := range []float64{0.001, 0.003, 0.01, 0.03, 0.1} {
					wt := make([]float64, len(ys))
					for i, y := range ys {
						wt[i] = math.Pow(float64(len(ys))/(6*count[y]), bal)
					}
					// Out of fold: the stacker of each fold is fitted on the
					// other folds' out-of-fold features.
					var Wf [folds]intentStack
					for f := 0; f < folds; f++ {
						var fx [][13]float64
						var fy []int
						var fw []float64
						for i := range xs {
							if i%folds != f {
								fx, fy, fw = append(fx, xs[i]), append(fy, ys[i]), append(fw, wt[i])
							}
						}
						Wf[f] = fitStack(fx, fy, fw, l2)
					}
					o := scoreProbs(trGold, func(i int) [6]float64 { return stackProbs(&Wf[i%folds], xs[i]) })
					W := fitStack(xs, ys, wt, l2)
					d := scoreProbs(devGold, func(i int) [6]float64 { return stackProbs(&W, stackFeatures(devPM[i], devLex[i])) })
					fmt.Fprintf(&b, "  stack bal=%.1f l2=%.3f | cv F1 %.3f nll %.3f | dev F1 %.3f nll %.3f | cv%s\n", bal, l2, o.f1, o.nll, d.f1, d.nll, o.per)
				}
			}
			t.Logf("%s title×%d\n%s", tc.name, titleRep, b.String())
		}
	}
}

// fitIntentBias fits the combination's per-intent log-multipliers out of
// fold: coordinate ascent on macro-F1 (ties to the smaller multiplier), two
// rounds, 表扬 left alone (too few labels to fit).
func fitIntentBias(pm [][6]float64, lex []IntentResult, gold []core.Intent, w, temp float64) [6]float64 {
	var bias [6]float64
	praise := intentIndex(string(core.IntentPraise))
	for round := 0; round < 2; round++ {
		for k := range bias {
			if k == praise {
				continue
			}
			best, bestF := bias[k], -1.0
			for v := -1.5; v <= 1.501; v += 0.1 {
				b := bias
				b[k] = v
				f := scoreIntent(pm, lex, gold, w, temp, b).f1
				if f > bestF+1e-9 || (math.Abs(f-bestF) <= 1e-9 && math.Abs(v) < math.Abs(best)) {
					best, bestF = v, f
				}
			}
			bias[k] = best
		}
	}
	return bias
}

// tuneTitleRepeats are the title weightings TestTuneIntent compares.
var tuneTitleRepeats = []int{1, 2, 3}

var intentTuneOnly = flag.String("intent.only", "", "with -intent.tune, only the cases whose name contains this")
