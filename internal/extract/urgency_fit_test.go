package extract

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

var (
	urgencyFit   = flag.Bool("urgency.fit", false, "fit the weights of the 复杂 cues of urgency.csv on the training labels (TestFitUrgency)")
	urgencyWrite = flag.Bool("urgency.write", false, "with -urgency.fit, write the fitted weights into urgency.csv")
)

// urgencyExample is a labelled message as the fit sees it: the shares of
// the 复杂 cues (counted), the level the other cues give, the label.
type urgencyExample struct {
	x       []float64 // by fitted cue
	offset  float64   // what the cues not fitted add
	other   core.Urgency
	label   core.Urgency
	complex bool
}

// TestFitUrgency fits the weights of the 复杂 cues of urgency.csv on the
// labelled training messages of testdata/intent_train.csv: a logistic
// regression P(复杂) = σ(a·(Σ weight·share − 1)), whose decision at ½ is
// the rule of urgency.csv (the shares add up to 1), with the weights kept
// ≥ 0 so that each cue only ever speaks for 复杂. The sharpness a and the
// strength of the L2 penalty are chosen by 5-fold cross-validation on the
// training messages, the gold dev split shown beside them (never the test
// split). Only the partial cues are fitted, kept below 1 so that none
// decides alone (a long duration, <时长>, never does): a cue of weight 1 or
// more is 复杂 by the labelling guide's definition (征地拆迁, 强拆, 历史遗留)
// and keeps its weight, and so does a cue in fewer than minFitted training
// messages. The table stays a list of cues that add up, each reason naming
// its cue. -urgency.write writes the weights into urgency.csv:
//
//	JICENG_RAW_MESSAGES=/path/messages_raw.csv go test ./internal/extract -run TestFitUrgency -urgency.fit -v
func TestFitUrgency(t *testing.T) {
	if !*urgencyFit {
		t.Skip("run with -urgency.fit")
	}
	ru := DefaultRules()
	msgs := trainingMessages(t)
	var complexCues []int
	for i, c := range ru.Cues {
		if c.Level == core.UrgencyComplex && c.Weight > 0 {
			complexCues = append(complexCues, i)
		}
	}
	all := urgencyExamples(ru, complexCues, msgs)
	var fitted, fixed []int // positions in complexCues
	for k, i := range complexCues {
		// The messages that hold the cue, counted on the text, so that
		// the choice does not move with the weights (which decide the
		// overlaps).
		n := 0
		for j, e := range all {
			m := msgs[j]
			if ru.Cues[i].Text == DurationCue && e.x[k] > 0 || strings.Contains(m[0]+"\n"+m[1], ru.Cues[i].Text) {
				n++
			}
		}
		if n >= minFitted && ru.Cues[i].Weight < 1 {
			fitted = append(fitted, k)
		} else {
			fixed = append(fixed, k)
		}
	}
	// The examples of the fit: the shares of the fitted cues and, as an
	// offset, what the fixed ones add.
	split := func(es []urgencyExample) []urgencyExample {
		out := make([]urgencyExample, len(es))
		for j, e := range es {
			o := e
			o.x = make([]float64, len(fitted))
			for f, k := range fitted {
				o.x[f] = e.x[k]
			}
			for _, k := range fixed {
				o.offset += e.x[k] * ru.Cues[complexCues[k]].Weight
			}
			out[j] = o
		}
		return out
	}
	train := split(all)
	gold, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	var devMsgs [][3]string
	for _, m := range realtext.Split(gold, "dev") {
		devMsgs = append(devMsgs, [3]string{m.Title, m.Detail, m.Urgency})
	}
	dev := split(urgencyExamples(ru, complexCues, devMsgs))

	current := make([]float64, len(fitted))
	for f, k := range fitted {
		current[f] = ru.Cues[complexCues[k]].Weight
	}
	t.Logf("%d 复杂 cues fitted, %d kept; weights of urgency.csv: train %.3f, dev %.3f", len(fitted), len(fixed), urgencyAccuracy(train, current), urgencyAccuracy(dev, current))
	type choice struct{ a, l2, prior float64 }
	var best choice
	bestScore := -1.0
	for _, prior := range []float64{0, 0.5} {
		for _, a := range []float64{2, 3, 4, 6} {
			for _, l2 := range []float64{0.001, 0.003, 0.01, 0.03} {
				cv := 0.0
				const folds = 5
				for f := range folds {
					var in, out []urgencyExample
					for i, e := range train {
						if i%folds == f {
							out = append(out, e)
						} else {
							in = append(in, e)
						}
					}
					cv += urgencyAccuracy(out, fitComplex(in, a, l2, prior)) * float64(len(out))
				}
				w := fitComplex(train, a, l2, prior)
				d := urgencyAccuracy(dev, w)
				// The choice weighs each message of the folds and of dev alike.
				score := (cv + d*float64(len(dev))) / float64(len(train)+len(dev))
				cv /= float64(len(train))
				t.Logf("prior %g, a %g, L2 %g: cross-validated %.3f, train %.3f, dev %.3f", prior, a, l2, cv, urgencyAccuracy(train, w), d)
				if score > bestScore+1e-9 {
					best, bestScore = choice{a, l2, prior}, score
				}
			}
		}
	}
	w := fitComplex(train, best.a, best.l2, best.prior)
	for f := range fitted {
		w[f] = math.Round(min(max(w[f], 0.05), maxFitted)*100) / 100
	}
	t.Logf("chosen prior %g, a %g, L2 %g (cross-validated and dev together %.3f); rounded weights: train %.3f, dev %.3f", best.prior, best.a, best.l2, bestScore, urgencyAccuracy(train, w), urgencyAccuracy(dev, w))
	var sb strings.Builder
	by := map[string]float64{}
	for f, k := range fitted {
		c := ru.Cues[complexCues[k]]
		by[c.Text] = w[f]
		fmt.Fprintf(&sb, "cue,%s,复杂,%s (was %s)\n", c.Text, strconv.FormatFloat(w[f], 'f', -1, 64), strconv.FormatFloat(c.Weight, 'f', -1, 64))
	}
	t.Logf("fitted 复杂 cues:\n%s", sb.String())
	if *urgencyWrite {
		if err := os.WriteFile("urgency.csv", rewriteComplexWeights(DefaultRulesCSV(), by), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// minFitted is the number of training messages a 复杂 cue needs to have
// its weight fitted; maxFitted bounds a fitted weight below 1, so that a
// fitted cue never decides alone (and stays fitted when the fit is run
// again).
const (
	minFitted = 3
	maxFitted = 0.95
)

// trainingMessages returns title, detail and urgency label of the messages
// of testdata/intent_train.csv, joined by id with the raw message file
// (JICENG_RAW_MESSAGES; skips without it), the detail cut as the labellers
// saw it.
func trainingMessages(t *testing.T) [][3]string {
	t.Helper()
	byID := map[string][]string{}
	for _, r := range realtext.RawRows(t)[1:] {
		byID[r[0]] = r
	}
	var out [][3]string
	for _, r := range realtext.ReadRows(t, "testdata/intent_train.csv")[1:] {
		m, ok := byID[r[0]]
		if !ok {
			t.Fatalf("message %s of intent_train.csv not in the raw file", r[0])
		}
		out = append(out, [3]string{strings.TrimSpace(m[3]), cutDetail(m[4], 400), r[2]})
	}
	return out
}

func urgencyExamples(ru *Rules, fitted []int, msgs [][3]string) []urgencyExample {
	var out []urgencyExample
	for _, m := range msgs {
		xs := make([]float64, len(ru.Cues))
		calm, _ := ru.counted(xs, m[0], m[1])
		e := urgencyExample{x: make([]float64, len(fitted)), label: core.Urgency(m[2]), complex: m[2] == string(core.UrgencyComplex)}
		for k, i := range fitted {
			e.x[k] = xs[i]
		}
		var emergency, hurry float64
		for i, x := range xs {
			switch ru.Cues[i].Level {
			case core.UrgencyEmergency:
				emergency += x * ru.Cues[i].Weight
			case core.UrgencyHurry:
				hurry += x * ru.Cues[i].Weight
			}
		}
		switch {
		case emergency >= 1-1e-9:
			e.other = core.UrgencyEmergency
		case hurry >= 1-1e-9 && !calm:
			e.other = core.UrgencyHurry
		}
		out = append(out, e)
	}
	return out
}

// urgencyAccuracy is the share of examples whose level, with the 复杂
// weights w, is their label.
func urgencyAccuracy(es []urgencyExample, w []float64) float64 {
	ok := 0
	for _, e := range es {
		level := e.other
		if level == "" {
			level = core.UrgencyNormal
			if dot(w, e.x)+e.offset >= 1-1e-9 {
				level = core.UrgencyComplex
			}
		}
		if level == e.label {
			ok++
		}
	}
	return float64(ok) / float64(len(es))
}

// fitComplex fits P(复杂) = σ(a·(w·x + offset − 1)) by projected gradient
// descent on the mean log-loss plus l2·|w − prior|², with w ≥ 0.
func fitComplex(es []urgencyExample, a, l2, prior float64) []float64 {
	w := make([]float64, len(es[0].x))
	for k := range w {
		w[k] = prior
	}
	g := make([]float64, len(w))
	rate := 1 / (a * a)
	for range 2000 {
		clear(g)
		for _, e := range es {
			p := 1 / (1 + math.Exp(-a*(dot(w, e.x)+e.offset-1)))
			y := 0.0
			if e.complex {
				y = 1
			}
			for k, x := range e.x {
				if x != 0 {
					g[k] += a * (p - y) * x
				}
			}
		}
		n := float64(len(es))
		for k := range w {
			w[k] = min(max(0, w[k]-rate*(g[k]/n+2*l2*(w[k]-prior))*10), maxFitted)
		}
	}
	return w
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// rewriteComplexWeights sets the weight of the 复杂 cue lines of an
// urgency.csv whose text is in by, keeping every other line as it is.
func rewriteComplexWeights(csv []byte, by map[string]float64) []byte {
	lines := bytes.Split(csv, []byte("\n"))
	for i, l := range lines {
		f := strings.Split(string(l), ",")
		if len(f) != 4 || f[0] != "cue" || f[2] != string(core.UrgencyComplex) {
			continue
		}
		if w, ok := by[f[1]]; ok {
			f[3] = strconv.FormatFloat(w, 'f', -1, 64)
			lines[i] = []byte(strings.Join(f, ","))
		}
	}
	return bytes.Join(lines, []byte("\n"))
}
