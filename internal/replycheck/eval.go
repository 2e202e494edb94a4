package replycheck

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/core"
)

// PairOf returns the message and reply of a ticket.
func PairOf(t core.Ticket) Pair {
	cat := strings.TrimRight(strings.Join([]string{t.Category1, t.Category2, t.Category3}, "/"), "/")
	return Pair{
		Message: Message{ID: cmpOr(t.Number, t.ID), Title: t.Title, Content: t.Content, Category: cat,
			Community: t.Community, Intent: string(t.Intent), ReceivedAt: t.ReceivedAt, Deadline: t.Deadline},
		Reply: Reply{Text: t.Reply, ResolvedAt: t.ResolvedAt},
	}
}

func cmpOr(number string, id int64) string {
	if number != "" {
		return number
	}
	return strconv.FormatInt(id, 10)
}

// SwapFigures are the AUCs of true pairs against swapped ones.
type SwapFigures struct {
	Random, SameCategory       float64 // AUC of Score
	RandomRel, SameCategoryRel float64 // AUC of the relevance part alone
	N                          int
}

// SwapAUC measures how well the score tells a message's own reply from
// another's: it builds a corpus of the pairs corpus, then checks each pair
// of eval as it is and with the reply of another pair of eval (a random
// one, and one of the same category; the reply's time stays the message's
// own). The swaps are drawn from seed.
func SwapAUC(corpus, eval []Pair, seed uint64) SwapFigures {
	c := NewCorpus(corpus)
	r := rand.New(rand.NewPCG(seed, 1))
	byCat := map[string][]int{}
	for i, p := range eval {
		byCat[p.Message.Category] = append(byCat[p.Message.Category], i)
	}
	var tr, rr, sr, trel, rrel, srel []float64
	rel := func(res Result) float64 { p, _ := res.Part(Relevance); return p.Score }
	for i, p := range eval {
		res := Check(p.Message, p.Reply, c)
		j := r.IntN(len(eval) - 1)
		if j >= i {
			j++
		}
		swapped := func(k int) Result {
			return Check(p.Message, Reply{Text: eval[k].Reply.Text, ResolvedAt: p.Reply.ResolvedAt}, c)
		}
		tr, trel = append(tr, float64(res.Score)), append(trel, rel(res))
		x := swapped(j)
		rr, rrel = append(rr, float64(x.Score)), append(rrel, rel(x))
		same := byCat[p.Message.Category]
		if len(same) > 1 {
			k := same[r.IntN(len(same))]
			for k == i {
				k = same[r.IntN(len(same))]
			}
			y := swapped(k)
			sr, srel = append(sr, float64(y.Score)), append(srel, rel(y))
		}
	}
	return SwapFigures{auc(tr, rr), auc(tr, sr), auc(trel, rrel), auc(trel, srel), len(eval)}
}

// auc returns the area under the ROC curve of scores pos (should be high)
// against neg: the chance a random positive outscores a random negative,
// ties counting half.
func auc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	n := slices.Sorted(slices.Values(neg))
	sum := 0.0
	for _, p := range pos {
		lo, _ := slices.BinarySearch(n, p)
		hi := lo
		for hi < len(n) && n[hi] == p {
			hi++
		}
		sum += float64(lo) + 0.5*float64(hi-lo)
	}
	return sum / float64(len(pos)*len(neg))
}
