package replycheck

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
)

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

func TestAUC(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pos, neg []float64
		want     float64
	}{
		{"separated", []float64{3, 4}, []float64{1, 2}, 1},
		{"reversed", []float64{1}, []float64{2, 3}, 0},
		{"ties", []float64{1, 1}, []float64{1}, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := auc(tc.pos, tc.neg); got != tc.want {
				t.Errorf("auc = %v, want %v", got, tc.want)
			}
		})
	}
}

// demoPairs returns the pairs of n demo tickets that have a reply,
// generated once per n.
func demoPairs(tb testing.TB, n int) []Pair {
	tb.Helper()
	demoCache.Lock()
	defer demoCache.Unlock()
	if ps, ok := demoCache.m[n]; ok {
		return ps
	}
	var ps []Pair
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime)
	err := demo.Tickets(demo.NewStreet(1), demo.Options{Seed: 1, End: end, Tickets: n}, func(tk core.Ticket) error {
		if tk.Reply == "" {
			return nil
		}
		ps = append(ps, Pair{
			Message: Message{ID: tk.Number, Title: tk.Title, Content: tk.Content,
				Category: tk.Category1 + "/" + tk.Category2 + "/" + tk.Category3, Community: tk.Community,
				Intent: string(tk.Intent), ReceivedAt: tk.ReceivedAt, Deadline: tk.Deadline},
			Reply: Reply{Text: tk.Reply, ResolvedAt: tk.ResolvedAt},
		})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if demoCache.m == nil {
		demoCache.m = map[int][]Pair{}
	}
	demoCache.m[n] = ps
	return ps
}

var demoCache struct {
	sync.Mutex
	m map[int][]Pair
}

// swapFigures are the AUCs of true pairs against swapped ones.
type swapFigures struct {
	Random, SameCategory       float64 // AUC of Score
	RandomRel, SameCategoryRel float64 // AUC of the relevance part alone
	N                          int
}

// swapAUC checks each pair of eval as it is and with the reply of another
// pair (a random one, and one of the same category; the times stay the
// message's own), against corpus c.
func swapAUC(eval []Pair, c *Corpus, seed uint64) swapFigures {
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
	return swapFigures{auc(tr, rr), auc(tr, sr), auc(trel, rrel), auc(trel, srel), len(eval)}
}

// TestDemoSwapAUC reports how well the score tells a demo ticket's own
// reply from another ticket's: go test -run DemoSwapAUC -v ./internal/replycheck.
// The corpus is the first half of the tickets, the pairs checked the
// second half (none of them in the corpus).
func TestDemoSwapAUC(t *testing.T) {
	ps := demoPairs(t, 6000)
	half := len(ps) / 2
	c := NewCorpus(ps[:half])
	f := swapAUC(ps[half:], c, 1)
	t.Logf("demo: %d pairs checked against a corpus of %d", f.N, c.Len())
	t.Logf("AUC true vs random swap:        score %.3f  relevance %.3f", f.Random, f.RandomRel)
	t.Logf("AUC true vs same-category swap: score %.3f  relevance %.3f", f.SameCategory, f.SameCategoryRel)
	if f.Random < 0.5 {
		t.Errorf("random-swap AUC %.3f is no better than chance", f.Random)
	}
}

var _ = strconv.Itoa
