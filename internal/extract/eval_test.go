package extract

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
)

// demoTickets generates n demo tickets with a fixed seed and end date, so
// that every run sees the same data.
func demoTickets(tb testing.TB, seed int64, n int) []core.Ticket {
	tb.Helper()
	var ts []core.Ticket
	err := demo.Tickets(demo.NewStreet(seed), demo.Options{Seed: seed, Tickets: n,
		End: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}, func(t core.Ticket) error {
		ts = append(ts, t)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ts
}

// confusion is a confusion matrix over labels with accuracy and macro-F1.
type confusion struct {
	labels []string
	m      map[[2]string]int
	n, ok  int
}

func newConfusion(labels []string) *confusion {
	return &confusion{labels: labels, m: make(map[[2]string]int)}
}

func (c *confusion) add(truth, pred string) {
	c.m[[2]string{truth, pred}]++
	c.n++
	if truth == pred {
		c.ok++
	}
}

func (c *confusion) accuracy() float64 { return float64(c.ok) / float64(max(c.n, 1)) }

// f1 returns per-label F1 and the macro average over labels present in
// the truth.
func (c *confusion) f1() (map[string]float64, float64) {
	out := map[string]float64{}
	sum, k := 0.0, 0
	for _, l := range c.labels {
		tp, fp, fn := 0, 0, 0
		for key, v := range c.m {
			switch {
			case key[0] == l && key[1] == l:
				tp += v
			case key[1] == l:
				fp += v
			case key[0] == l:
				fn += v
			}
		}
		if tp+fn == 0 {
			continue
		}
		p := float64(tp) / float64(max(tp+fp, 1))
		r := float64(tp) / float64(tp+fn)
		f := 0.0
		if p+r > 0 {
			f = 2 * p * r / (p + r)
		}
		out[l] = f
		sum += f
		k++
	}
	return out, sum / float64(max(k, 1))
}

func (c *confusion) write(w io.Writer) {
	per, macro := c.f1()
	fmt.Fprintf(w, "n=%d accuracy=%.3f macro-F1=%.3f\n", c.n, c.accuracy(), macro)
	fmt.Fprintf(w, "%-6s", "真\\预")
	for _, l := range c.labels {
		fmt.Fprintf(w, "%6s", l)
	}
	fmt.Fprintf(w, "%8s\n", "F1")
	for _, t := range c.labels {
		fmt.Fprintf(w, "%-6s", t)
		for _, p := range c.labels {
			fmt.Fprintf(w, "%8d", c.m[[2]string{t, p}])
		}
		fmt.Fprintf(w, "%8.3f\n", per[t])
	}
}

// topCues lists the most frequent cue texts behind wrong predictions, for
// tuning by hand (printed with -v).
func topCues(counts map[string]int, k int) string {
	type kv struct {
		k string
		v int
	}
	var xs []kv
	for a, b := range counts {
		xs = append(xs, kv{a, b})
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].v > xs[j].v || xs[i].v == xs[j].v && xs[i].k < xs[j].k })
	var b strings.Builder
	for i, x := range xs {
		if i == k {
			break
		}
		fmt.Fprintf(&b, "%s×%d ", x.k, x.v)
	}
	return b.String()
}

// Floors of TestEval, set a little below what the lexicon reached on the
// demo tickets when it was written. The demo's
// wording was written by the same team as the lexicon, so these figures
// flatter it: they guard against regressions, they do not predict the
// accuracy on real calls.
const (
	evalN                = 5000
	floorIntentAccuracy  = 0.78 // reached 0.801 (0.847 before DefaultIntent became 投诉 for real letters: the generator calls a plain problem 求助)
	floorIntentMacroF1   = 0.85 // reached 0.874
	floorUrgencyAccuracy = 0.80 // reached 0.824
	floorUrgencyMacroF1  = 0.45 // reached 0.490
)

func TestEval(t *testing.T) {
	ts := demoTickets(t, 7, evalN)
	ci := newConfusion(core.Strings(core.Intents))
	cu := newConfusion(core.Strings(core.Urgencies))
	wrong := map[string]int{}
	wrongU := map[string]int{}
	for _, tk := range ts {
		r := Intent(tk.Title, tk.Content)
		ci.add(string(tk.Intent), string(r.Intent))
		if r.Intent != tk.Intent {
			for _, c := range r.Cues {
				if !c.Negated && c.Label == string(r.Intent) {
					wrong[string(tk.Intent)+"→"+c.Label+":"+c.Text]++
				}
			}
		}
		lvl, _, reasons := Urgency(tk.Title, tk.Content)
		cu.add(string(tk.Urgency), string(lvl))
		if lvl != tk.Urgency {
			for _, r := range reasons {
				if strings.HasPrefix(r, string(lvl)) {
					wrongU[string(tk.Urgency)+"→"+r]++
				}
			}
		}
	}
	var b strings.Builder
	b.WriteString("intent (lexicon only):\n")
	ci.write(&b)
	b.WriteString("urgency:\n")
	cu.write(&b)
	t.Log("\n" + b.String())
	t.Logf("cues behind wrong intents: %s", topCues(wrong, 40))
	t.Logf("cues behind wrong urgencies: %s", topCues(wrongU, 40))
	_, fi := ci.f1()
	_, fu := cu.f1()
	if ci.accuracy() < floorIntentAccuracy || fi < floorIntentMacroF1 {
		t.Errorf("intent accuracy %.3f macro-F1 %.3f below floor %.2f / %.2f", ci.accuracy(), fi, floorIntentAccuracy, floorIntentMacroF1)
	}
	if cu.accuracy() < floorUrgencyAccuracy || fu < floorUrgencyMacroF1 {
		t.Errorf("urgency accuracy %.3f macro-F1 %.3f below floor %.2f / %.2f", cu.accuracy(), fu, floorUrgencyAccuracy, floorUrgencyMacroF1)
	}
}
