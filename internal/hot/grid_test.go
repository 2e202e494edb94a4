package hot

import "testing"

// TestTuneWeights searches, on the dev half of the pairs only, the weights
// of the place evidence and the threshold (best dev F1, then best dev AUC),
// and prints the choice beside the defaults: the measurement behind
// weightSamePlace, weightDistrict, weightConflict and DefaultThreshold.
func TestTuneWeights(t *testing.T) {
	ps := loadPairs(t)
	ix := NewIndex(Options{Common: pairCommon(ps, DefaultN)})
	type ev struct {
		j    float64
		rel  placeRel
		gold bool
	}
	var evs []ev
	for _, p := range ps {
		if p.Half != "dev" {
			continue
		}
		a, b := p.docs()
		j, rel, _ := ix.parts(a, b)
		evs = append(evs, ev{j, rel, p.Same})
	}
	run := func(ws, wc, wd float64) (a, th, f1 float64) {
		var dev []scored
		for _, e := range evs {
			s := e.j
			switch e.rel {
			case placeSame:
				s += ws
			case placeDistrict:
				s += wd
			case placeConflict:
				s += wc
			}
			dev = append(dev, scored{s, e.gold})
		}
		th, f1 = bestThreshold(dev)
		return auc(dev), th, f1
	}
	var best [6]float64
	for _, ws := range []float64{0, 0.05, 0.1, 0.15, 0.2, 0.3} {
		for _, wc := range []float64{0, -0.05, -0.1, -0.2} {
			for _, wd := range []float64{0, 0.03, 0.06, 0.1} {
				a, th, f1 := run(ws, wc, wd)
				if f1 > best[4] || (f1 == best[4] && a > best[3]) {
					best = [6]float64{ws, wc, wd, a, f1, th}
				}
			}
		}
	}
	a, th, f1 := run(weightSamePlace, weightConflict, weightDistrict)
	t.Logf("best on dev: same place %+.2f, conflict %+.2f, district %+.2f: AUC %.3f F1 %.3f at threshold %.3f", best[0], best[1], best[2], best[3], best[4], best[5])
	t.Logf("defaults on dev: AUC %.3f, best F1 %.3f at %.3f (DefaultThreshold %.2f)", a, f1, th, DefaultThreshold)
}
