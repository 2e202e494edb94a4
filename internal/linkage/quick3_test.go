package linkage

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestQuickBig(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("QN"))
	if n == 0 {
		t.Skip()
	}
	start := time.Now()
	recs, truth := GeneratePeople(GenConfig{Records: n, Seed: 1})
	t.Logf("gen %v", time.Since(start))
	start = time.Now()
	l, err := Link(PeopleConfig(), recs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("link %v", time.Since(start))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap %d MB sys %d MB", ms.HeapAlloc>>20, ms.Sys>>20)
	r := l.Result()
	t.Logf("stats %+v", r.Stats)
	t.Logf("lambda %.4f iters %d conv %v", r.Model.Lambda, r.Model.Iters, r.Model.Converged)
	for _, up := range []float64{0.5, 0.7, 0.8, 0.9, 0.95, 0.99} {
		r.Upper = up
		t.Logf("up %.2f pairwise %+v", up, EvaluatePairs(r, truth))
	}
	r.Upper = 0.9
	fpPatterns(t, l, truth)
	t.Logf("cluster %+v", EvaluateClusters(r.Cluster, truth))
	t.Logf("baseline %+v", EvaluateClusters(ExactKeyClusters(recs, 1), truth))
}

func fpPatterns(t *testing.T, l *Linker, truth []int32) {
	r := l.Result()
	fp := map[string]int{}
	fn := map[string]int{}
	for _, p := range r.Pairs {
		k := ""
		for _, c := range l.Explain(p) {
			k += c.Level[:2] + " "
		}
		if truth[p.A] != truth[p.B] && p.Prob >= r.Upper {
			fp[k]++
		}
		if truth[p.A] == truth[p.B] && p.Prob < r.Upper {
			fn[k]++
		}
	}
	for k, v := range fp {
		if v > 300 {
			t.Logf("fp %s %d", k, v)
		}
	}
	for k, v := range fn {
		if v > 300 {
			t.Logf("fn %s %d", k, v)
		}
	}
	for f := range r.Model.Fields {
		t.Logf("%s m=%.4f u=%.5f ur=%.5f", r.Model.Fields[f].Name, r.Model.M[f], r.Model.U[f], r.Model.URandom[f])
	}
}
