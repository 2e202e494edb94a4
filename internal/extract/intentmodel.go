package extract

import (
	"bytes"
	_ "embed"
	"sync"

	"jiceng/internal/classify"
	"jiceng/internal/core"
)

// intentModelBin is the default intent model: a classify model trained on
// real citizen messages that the project labelled by hand (see
// testdata/intent_train.csv and TestBuildIntentModel), combined with the
// lexicon by PredictIntent. It holds hashed n-gram weights, not the
// messages.
//
//go:embed intent_model.bin
var intentModelBin []byte

var (
	defaultIntentOnce  sync.Once
	defaultIntentModel *IntentModel
)

// defaultIntentLexiconWeight is the lexicon's exponent in the default
// combination and defaultIntentTemperature flattens it, both chosen on the
// gold set's dev split with the model of 400 labels (macro-F1 0.644 at
// weight 0.5, 0.674 at 1, 0.634 at 2; log-loss 0.902 at temperature 1,
// 0.754 at 2, 0.852 at 3).
const (
	defaultIntentLexiconWeight = 1.0
	defaultIntentTemperature   = 2.0
)

// DefaultIntentModel returns the embedded intent model combined with the
// lexicon, or nil when the binary was built without one.
func DefaultIntentModel() *IntentModel {
	defaultIntentOnce.Do(func() {
		if len(intentModelBin) == 0 {
			return
		}
		m, err := classify.Load(bytes.NewReader(intentModelBin))
		if err != nil {
			panic("extract: embedded intent_model.bin: " + err.Error())
		}
		defaultIntentModel = &IntentModel{model: m, LexiconWeight: defaultIntentLexiconWeight, Temperature: defaultIntentTemperature}
	})
	return defaultIntentModel
}

// PredictIntent returns the intent of a message with the default model and
// the lexicon (Intent alone when there is no model), its urgency read with
// the default rules (see IntentModel.IntentAt). Cues are the lexicon's.
func PredictIntent(title, content string) IntentResult {
	level, _, _ := Urgency(title, content)
	return PredictIntentAt(title, content, level)
}

// PredictIntentAt is PredictIntent for a message whose urgency is known
// (under a street's own rules, say).
func PredictIntentAt(title, content string, urgency core.Urgency) IntentResult {
	switch im := DefaultIntentModel(); {
	case im != nil:
		return im.IntentAt(title, content, urgency)
	case urgency == core.UrgencyEmergency:
		return emergencyIntent(title, content)
	}
	return Intent(title, content)
}
