package linkage

import "slices"

// Quality is precision, recall and F1 of predicted pairs against the truth.
type Quality struct {
	TruePairs      int64 // pairs of records of the same true entity
	PredictedPairs int64
	Correct        int64
	Precision      float64
	Recall         float64
	F1             float64
}

func quality(truePairs, predicted, correct int64) Quality {
	q := Quality{TruePairs: truePairs, PredictedPairs: predicted, Correct: correct}
	if predicted > 0 {
		q.Precision = float64(correct) / float64(predicted)
	}
	if truePairs > 0 {
		q.Recall = float64(correct) / float64(truePairs)
	}
	if q.Precision+q.Recall > 0 {
		q.F1 = 2 * q.Precision * q.Recall / (q.Precision + q.Recall)
	}
	return q
}

// truePairCount counts the pairs of records that share a truth id.
func truePairCount(truth []int32) int64 {
	return groupPairs(truth, nil)
}

// groupPairs counts pairs within groups of equal key; with sub, only pairs
// that also share sub.
func groupPairs(key []int32, sub []int32) int64 {
	type kv struct{ k, s int32 }
	xs := make([]kv, len(key))
	for i, k := range key {
		xs[i].k = k
		if sub != nil {
			xs[i].s = sub[i]
		}
	}
	slices.SortFunc(xs, func(a, b kv) int {
		if a.k != b.k {
			return int(a.k - b.k)
		}
		return int(a.s - b.s)
	})
	var n int64
	for s := 0; s < len(xs); {
		e := s + 1
		for e < len(xs) && xs[e] == xs[s] {
			e++
		}
		c := int64(e - s)
		n += c * (c - 1) / 2
		s = e
	}
	return n
}

// EvaluatePairs scores the pairwise matches of res (pairs at or above its
// upper threshold) against truth (the true entity of each record).
func EvaluatePairs(res *Result, truth []int32) Quality {
	var pred, ok int64
	for _, p := range res.Pairs {
		if p.Prob < res.Upper {
			continue
		}
		pred++
		if truth[p.A] == truth[p.B] {
			ok++
		}
	}
	return quality(truePairCount(truth), pred, ok)
}

// EvaluateClusters scores a clustering (cluster id per record) at the
// cluster level: every pair of records inside one predicted cluster is a
// predicted pair, so the transitive closure's false joins count.
func EvaluateClusters(cluster, truth []int32) Quality {
	return quality(truePairCount(truth), groupPairs(cluster, nil), groupPairs(cluster, truth))
}

// ExactKeyClusters is the exact-key baseline: records with the same
// normalised value of field fi (for an ID number: NormalizeID, so the
// 15-digit form joins its 18-digit form) are one cluster; records without
// a value are alone.
func ExactKeyClusters(recs []Record, fi int) []int32 {
	first := map[string]int32{}
	out := make([]int32, len(recs))
	for i, r := range recs {
		out[i] = int32(i)
		v, ok := NormalizeID(r.Values[fi])
		if !ok {
			continue
		}
		if c, seen := first[v]; seen {
			out[i] = c
		} else {
			first[v] = int32(i)
		}
	}
	return out
}
