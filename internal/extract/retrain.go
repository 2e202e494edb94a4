package extract

import (
	"errors"
	"math"
	"slices"
	"strings"

	"jiceng/internal/classify"
	"jiceng/internal/core"
)

// IntentDoc is one ticket labelled with its intent, for RetrainIntent.
type IntentDoc struct {
	Title, Content string
	Intent         core.Intent // one of core.Intents
}

// IntentModel combines a trained classifier with the intent lexicon. It is
// safe for concurrent use.
type IntentModel struct {
	model *classify.Model
	// LexiconWeight is the exponent of the lexicon's probabilities in the
	// combination p_model · p_lexicon^LexiconWeight: 0 ignores the
	// lexicon, 1 weighs it like the model. RetrainIntent sets 0.5.
	LexiconWeight float64
	// Temperature flattens the combination (its 1/Temperature power):
	// the product of two peaked distributions is overconfident. 0 or 1
	// leaves it as it is.
	Temperature float64
}

// minIntentDocs is the fewest labelled tickets RetrainIntent accepts: below
// it a model is worse than the lexicon alone.
const minIntentDocs = 50

// RetrainIntent trains a classify model on labelled tickets (title and
// content as one text) and returns it combined with the lexicon. cfg is the
// classifier's configuration (the zero value is its default). Tickets with
// an intent outside core.Intents are an error.
func RetrainIntent(docs []IntentDoc, cfg classify.Config) (*IntentModel, error) {
	if len(docs) < minIntentDocs {
		return nil, errors.New("诉求类型模型: 已标注的工单太少（至少 50 条）")
	}
	cd := make([]classify.Doc, 0, len(docs))
	for i, d := range docs {
		if intentIndex(string(d.Intent)) < 0 {
			return nil, errors.New("诉求类型模型: 第 " + itoa(i+1) + " 条工单的诉求类型不在 咨询、求助、投诉、举报、建议、表扬 之中")
		}
		cd = append(cd, classify.Doc{Text: joinText(d.Title, d.Content), Labels: [3]string{string(intentOf(d.Intent))}})
	}
	m, err := classify.Train(cd, cfg)
	if err != nil {
		return nil, err
	}
	return &IntentModel{model: m, LexiconWeight: 0.5}, nil
}

func intentOf(s core.Intent) core.Intent { return core.Intents[intentIndex(string(s))] }

func joinText(title, content string) string {
	if title == "" {
		return content
	}
	return title + "。" + content
}

// probFloor stands in for the probability of an intent the model never saw
// in training, so that the lexicon can still choose it.
const probFloor = 0.01

// Intent returns the combined intent: the model's probabilities times the
// lexicon's to the power LexiconWeight, renormalised. Cues are the
// lexicon's; Scores are the combined probabilities. A message with no text
// gets the lexicon's (DefaultIntent): the model, given nothing, only says
// which intent its training letters had most.
func (im *IntentModel) Intent(title, content string) IntentResult {
	lex := Intent(title, content)
	if strings.TrimSpace(title) == "" && strings.TrimSpace(content) == "" {
		return lex
	}
	var pl [6]float64
	sum := 0.0
	for i, v := range lex.Scores {
		pl[i] = math.Exp(v - lex.Scores[intentIndex(string(lex.Intent))])
		sum += pl[i]
	}
	var pm [6]float64
	for i := range pm {
		pm[i] = probFloor
	}
	labels := im.model.Labels()
	for i, p := range im.model.Probs(joinText(title, content)) {
		if k := intentIndex(labels[i]); k >= 0 {
			pm[k] = max(p, probFloor)
		}
	}
	var comb [6]float64
	total, best := 0.0, 0
	for i := range comb {
		comb[i] = pm[i] * math.Pow(pl[i]/sum, im.LexiconWeight)
		if im.Temperature > 0 && im.Temperature != 1 {
			comb[i] = math.Pow(comb[i], 1/im.Temperature)
		}
		total += comb[i]
	}
	for i := range comb {
		comb[i] /= total
		if comb[i] > comb[best] {
			best = i
		}
	}
	res := lex
	res.Intent, res.Confidence, res.Scores, res.Probs, res.Default = core.Intents[best], comb[best], comb, comb, false
	return res
}

// IntentAt is Intent for a message whose urgency is known. For a danger
// happening now (紧急) the lexicon decides, and a report of one that names
// no intent is a call for help (求助), not DefaultIntent's complaint that
// something is not done: the model learnt from letters to a message board,
// none of them an emergency (testdata/intent_train.csv labels no 紧急), and
// on a call about a fire or a gas leak it returns the intent of the
// letters whose words it shares (投诉 about a compound, 举报 of a
// suspicion), not the plea the lexicon's request cues (请马上派人) see.
func (im *IntentModel) IntentAt(title, content string, urgency core.Urgency) IntentResult {
	if urgency != core.UrgencyEmergency {
		return im.Intent(title, content)
	}
	return emergencyIntent(title, content)
}

// emergencyHelpWeight is what a danger happening now adds to 求助 when no
// cue fired: one clear cue.
const emergencyHelpWeight = 2.5

// emergencyIntent is the intent of a message reporting a danger happening
// now: the lexicon's, or 求助 when no cue fired.
func emergencyIntent(title, content string) IntentResult {
	res := Intent(title, content)
	if res.Default {
		help := slices.Index(core.Intents, core.IntentHelp)
		res.Scores[help] += emergencyHelpWeight
		res.Probs = softmax(res.Scores, intentTemperature)
		res.Intent, res.Confidence, res.Default = core.IntentHelp, res.Probs[help], false
	}
	return res
}
