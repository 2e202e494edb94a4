package extract

import "math"

// The stacked combination: a multinomial logistic layer over the model's
// and the lexicon's log-probabilities, fitted out of fold on the training
// labels (TestBuildIntentModel writes defaultIntentStack, in
// intentstack_table.go). It learns what the product p_model ·
// p_lexicon^w fixes by hand: how far to trust each source for each intent,
// and which intent one source's evidence speaks for in the other's terms.

// intentStack is the stacker's weights: one row per intent (core.Intents'
// order), over stackFeatures.
type intentStack [6][13]float64

// stackFeatures are the stacker's inputs for one message: the model's and
// the lexicon's log-probabilities (clipped) and a constant.
func stackFeatures(pm [6]float64, lex IntentResult) [13]float64 {
	var x [13]float64
	pl := lexiconProbs(lex)
	for k := 0; k < 6; k++ {
		x[k] = max(math.Log(pm[k]), -8)
		x[6+k] = max(math.Log(pl[k]), -8)
	}
	x[12] = 1
	return x
}

// stackProbs is the stacker's distribution over the intents.
func stackProbs(W *intentStack, x [13]float64) [6]float64 {
	var z [6]float64
	top := math.Inf(-1)
	for k := range z {
		for j := range x {
			z[k] += W[k][j] * x[j]
		}
		top = max(top, z[k])
	}
	sum := 0.0
	for k := range z {
		z[k] = math.Exp(z[k] - top)
		sum += z[k]
	}
	for k := range z {
		z[k] /= sum
	}
	return z
}
