package extract

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// TestRealIntentUrgency scores intent and urgency on the gold set of real
// messages (internal/realtext), per split, with confusion matrices, the
// false 紧急 rate and the intent confidences' calibration:
//
//	go test ./internal/extract -run TestRealIntentUrgency -v
//
// It fails below floors a little under the figures reached, so that a
// change that loses ground on real text is seen.
func TestRealIntentUrgency(t *testing.T) {
	gold, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) == 0 {
		t.Fatal("gold set is empty")
	}
	var labels []string
	for _, l := range core.Intents {
		labels = append(labels, string(l))
	}
	for _, split := range []string{"dev", "test"} {
		ms := realtext.Split(gold, split)
		lexicon := realtext.NewConfusion(labels...)
		for _, m := range ms {
			lexicon.Add(m.Intent, string(Intent(m.Title, m.Detail).Intent))
		}
		intents := realtext.NewConfusion(labels...)
		urg := realtext.NewConfusion(string(core.UrgencyEmergency), string(core.UrgencyHurry), string(core.UrgencyNormal), string(core.UrgencyComplex))
		falseEmergency := 0
		var nll, conf float64
		var wrongSure []string
		for _, m := range ms {
			r := PredictIntent(m.Title, m.Detail)
			intents.Add(m.Intent, string(r.Intent))
			conf += r.Confidence
			p := r.Probs[slices.Index(core.Intents, core.Intent(m.Intent))]
			if string(r.Intent) != m.Intent {
				if r.Confidence >= 0.9 {
					wrongSure = append(wrongSure, fmt.Sprintf("%d %s→%s %.2f", m.ID, m.Intent, r.Intent, r.Confidence))
				}
			}
			nll -= math.Log(max(p, 1e-6))
			level, _, reasons := Urgency(m.Title, m.Detail)
			urg.Add(m.Urgency, string(level))
			if level == core.UrgencyEmergency && m.Urgency != string(core.UrgencyEmergency) {
				falseEmergency++
				t.Logf("false 紧急: %d %s %v", m.ID, m.Title, reasons)
			}
		}
		fe := float64(falseEmergency) / float64(len(ms))
		t.Logf("split %s, %d messages\nintent, lexicon alone:\n%sintent (PredictIntent: model and lexicon):\n%smean confidence %.3f, log-loss %.3f, wrong at ≥ 0.90: %s\nurgency:\n%sfalse 紧急 %d (%.1f %%)",
			split, len(ms), lexicon, intents, conf/float64(len(ms)), nll/float64(len(ms)), strings.Join(wrongSure, "; "), urg, falseEmergency, 100*fe)
		floors := realFloors[split]
		if f := intents.MacroF1(); f < floors.intentF1 {
			t.Errorf("split %s: intent macro-F1 %.3f below its floor %.3f", split, f, floors.intentF1)
		}
		if a := urg.Accuracy(); a < floors.urgencyAcc {
			t.Errorf("split %s: urgency accuracy %.3f below its floor %.3f", split, a, floors.urgencyAcc)
		}
		if fe > 0.02 {
			t.Errorf("split %s: false 紧急 %.1f %% above 2 %%", split, 100*fe)
		}
	}
}

// realFloors are the figures TestRealIntentUrgency must keep, per split.
var realFloors = map[string]struct{ intentF1, urgencyAcc float64 }{
	"dev":  {0.71, 0.84}, // reached 0.734 (stacked model and lexicon, 1,600 labels; the lexicon alone 0.642), urgency 0.853
	"test": {0.76, 0.80}, // reached 0.807 (lexicon alone 0.538; one 表扬 in the split moves it by 0.17), urgency 0.820
}
