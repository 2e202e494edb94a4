package replycheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"jiceng/internal/core"
)

// labelled is one row of testdata/replies.jsonl: a real message (trimmed)
// with a reply written for it and the reply's label (see testdata/README.md).
type labelled struct {
	ID       int      `json:"id"`
	Time     string   `json:"time"`
	Deadline string   `json:"deadline"`
	Category string   `json:"category"`
	Intent   string   `json:"intent"`
	Title    string   `json:"title"`
	Text     string   `json:"text"`
	Reply    string   `json:"reply"`
	Replied  string   `json:"replied"`
	Kind     string   `json:"kind"`  // good, incomplete, boiler, offtopic, late
	Label    string   `json:"label"` // good or poor
	Aspects  []string `json:"aspects"`
}

// loadLabelled reads the labelled sample, or skips the test without it.
func loadLabelled(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/replies.jsonl")
	if os.IsNotExist(err) {
		t.Skip("testdata/replies.jsonl not found")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (l labelled) pair(t *testing.T) Pair {
	at := func(s string) time.Time {
		x, err := time.ParseInLocation(time.DateTime, s, core.StreetTime)
		if err != nil {
			t.Fatalf("message %d: %v", l.ID, err)
		}
		return x
	}
	return Pair{
		Message: Message{ID: strconv.Itoa(l.ID), Title: l.Title, Content: l.Text, Category: l.Category,
			Intent: l.Intent, ReceivedAt: at(l.Time), Deadline: at(l.Deadline)},
		Reply: Reply{Text: l.Reply, ResolvedAt: at(l.Replied)},
	}
}

// TestLabelledReplies reports, on 120 real messages with replies written
// for them, how well the score separates true pairs from swapped ones and
// good replies from poor ones, and the precision and recall of each
// aspect's reasons against the labels: go test -run LabelledReplies -v
// ./internal/replycheck. Two folds: each half is checked against a corpus
// of the other half.
func TestLabelledReplies(t *testing.T) {
	ls := loadLabelled(t)
	var folds [2][]Pair
	var lab [2][]labelled
	for i, l := range ls {
		folds[i%2] = append(folds[i%2], l.pair(t))
		lab[i%2] = append(lab[i%2], l)
	}
	var good, poor []float64
	type count struct{ tp, fp, fn int }
	counts := map[Aspect]*count{}
	for _, a := range Aspects {
		counts[a] = &count{}
	}
	var sw [2]SwapFigures
	var worst []Result
	kinds := map[string][]float64{}
	for k := range 2 {
		c := NewCorpus(folds[1-k])
		sw[k] = SwapAUC(folds[1-k], folds[k], uint64(k+1))
		for i, p := range folds[k] {
			res := Check(p.Message, p.Reply, c)
			worst = append(worst, res)
			l := lab[k][i]
			kinds[l.Kind] = append(kinds[l.Kind], float64(res.Score))
			if l.Label == "good" {
				good = append(good, float64(res.Score))
			} else {
				poor = append(poor, float64(res.Score))
			}
			for _, a := range Aspects {
				got, want := res.Has(a), slices.Contains(l.Aspects, string(a))
				switch {
				case got && want:
					counts[a].tp++
				case got:
					counts[a].fp++
				case want:
					counts[a].fn++
				}
			}
			if testing.Verbose() && os.Getenv("REPLYCHECK_SHOW") != "" {
				fmt.Printf("%3d %-10s %s | %s\n    %s\n", res.Score, l.Kind, l.Title, l.Reply, res.ReasonText())
			}
		}
	}
	t.Logf("labelled real sample: %d messages (%d good, %d poor replies), two folds", len(ls), len(good), len(poor))
	t.Logf("AUC true vs random swap:        score %.3f / %.3f (folds)  relevance %.3f / %.3f",
		sw[0].Random, sw[1].Random, sw[0].RandomRel, sw[1].RandomRel)
	t.Logf("AUC true vs same-category swap: score %.3f / %.3f (folds)  relevance %.3f / %.3f",
		sw[0].SameCategory, sw[1].SameCategory, sw[0].SameCategoryRel, sw[1].SameCategoryRel)
	t.Logf("AUC good vs poor replies:       %.3f", auc(good, poor))
	for _, k := range []string{"good", "incomplete", "boiler", "offtopic", "late"} {
		xs := kinds[k]
		sum := 0.0
		for _, x := range xs {
			sum += x
		}
		t.Logf("  mean score of %-10s replies: %5.1f (%d)", k, sum/float64(max(1, len(xs))), len(xs))
	}
	for _, a := range Aspects {
		c := counts[a]
		t.Logf("reasons of %-12s precision %.2f  recall %.2f  (tp %d, fp %d, fn %d)", a,
			ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn), c.tp, c.fp, c.fn)
	}
	for _, r := range Worst(worst, 3) {
		t.Logf("among the worst: message %s, score %d: %s", r.ID, r.Score, r.ReasonText())
	}
	if auc(good, poor) < 0.5 {
		t.Errorf("good vs poor AUC %.3f is no better than chance", auc(good, poor))
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
