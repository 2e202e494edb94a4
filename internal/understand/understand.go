// Package understand applies jiceng's text understanding to tickets: the
// street's category classifier (package classify), the intent detector, the
// urgency rules and the place finder (package extract). It gives one
// core.Prediction per ticket and fills in the predictions of stored tickets
// that lack them. Predictions are kept apart from the human labels of a
// ticket, which always win.
package understand

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"jiceng/internal/classify"
	"jiceng/internal/core"
	"jiceng/internal/extract"
)

// Options configure an Understander. The zero value predicts intent,
// urgency and places with the built-in rules and no category.
type Options struct {
	// Model is the street's category classifier; nil predicts no category.
	Model *classify.Model
	// ModelName names Model in predictions, so that a new model's
	// predictions replace the old ones (see LoadModel).
	ModelName string
	// Rules are the urgency rules; nil means extract.DefaultRules().
	Rules *extract.Rules
	// Areas is the area registry whose communities are recognised in text.
	Areas core.Areas
	// Now stamps predictions; nil means time.Now.
	Now func() time.Time
}

// Understander predicts the category, intent, urgency and places of
// tickets. It is safe for concurrent use.
type Understander struct {
	model  *classify.Model
	name   string
	rules  *extract.Rules
	places *extract.PlaceFinder
	now    func() time.Time
}

// New returns an Understander.
func New(o Options) *Understander {
	u := &Understander{model: o.Model, rules: o.Rules, now: o.Now, places: extract.NewPlaceFinder(o.Areas)}
	if u.rules == nil {
		u.rules = extract.DefaultRules()
	}
	if u.now == nil {
		u.now = time.Now
	}
	if o.Model != nil {
		u.name = o.ModelName
		if u.name == "" {
			u.name = "category"
		}
	}
	return u
}

// WithRules returns a copy of u that predicts urgency by rules (nil:
// extract.DefaultRules()), for a street that changes its urgency rules
// while serving.
func (u *Understander) WithRules(rules *extract.Rules) *Understander {
	if rules == nil {
		rules = extract.DefaultRules()
	}
	c := *u
	c.rules = rules
	return &c
}

// WithAreas returns a copy of u that recognises the communities of areas.
func (u *Understander) WithAreas(areas core.Areas) *Understander {
	c := *u
	c.places = extract.NewPlaceFinder(areas)
	return &c
}

// Model names the classifier model of u's predictions: "" when u predicts
// no category (rules only).
func (u *Understander) Model() string { return u.name }

// Text is the text of a ticket the category model reads: the title, then
// the content. Training documents must be made with it too.
func Text(t *core.Ticket) string {
	if t.Title == "" {
		return t.Content
	}
	return t.Title + "\n" + t.Content
}

// topTerms is how many terms explain a category.
const topTerms = 5

// Predict returns the prediction of t. It reads only the title and content.
func (u *Understander) Predict(t *core.Ticket) core.Prediction {
	p := core.Prediction{TicketID: t.ID, Model: u.name, At: u.now()}
	if u.model != nil {
		if top := u.model.Predict(Text(t), 1); len(top) > 0 {
			c := top[0]
			p.Category1, p.Category2, p.Category3 = c.Labels[0], c.Labels[1], c.Labels[2]
			p.CategoryScore = c.Score
			for i, term := range c.Terms {
				if i == topTerms {
					break
				}
				p.CategoryTerms = append(p.CategoryTerms, strings.TrimSpace(term.Text))
			}
		}
	}
	var reasons []string
	p.Urgency, p.TimeLimit, reasons = u.rules.Urgency(t.Title, t.Content)
	for _, r := range reasons {
		if !slices.Contains(p.UrgencyReasons, r) {
			p.UrgencyReasons = append(p.UrgencyReasons, r)
		}
	}
	// The intent knows the urgency: a danger happening now is the
	// lexicon's to read (see extract.IntentModel.IntentAt).
	in := extract.PredictIntentAt(t.Title, t.Content, p.Urgency)
	p.Intent, p.IntentScore = in.Intent, in.Confidence
	for _, c := range in.Cues {
		if !c.Negated && !slices.Contains(p.IntentCues, c.Text) {
			p.IntentCues = append(p.IntentCues, c.Text)
		}
	}
	for _, f := range [...]struct{ name, text string }{{"title", t.Title}, {"content", t.Content}} {
		if f.text == "" {
			continue
		}
		for _, e := range u.places.Find(f.text) {
			p.Places = append(p.Places, core.Mention{Type: string(e.Type), Field: f.name, Text: e.Text,
				Value: e.Value, Start: e.Start, End: e.End, Score: e.Score})
		}
		for _, e := range extract.Orgs(f.text) {
			p.Places = append(p.Places, core.Mention{Type: string(e.Type), Field: f.name, Text: e.Text,
				Start: e.Start, End: e.End, Score: e.Score})
		}
	}
	return p
}

// PredictAll returns the predictions of ts, in order, using every CPU.
func (u *Understander) PredictAll(ts []core.Ticket) []core.Prediction {
	ps := make([]core.Prediction, len(ts))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ts)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ts); i += workers {
				ps[i] = u.Predict(&ts[i])
			}
		})
	}
	wg.Wait()
	return ps
}

// fillBatch is the number of tickets predicted and stored per transaction.
const fillBatch = 2000

// Fill predicts and stores the predictions of every stored ticket that has
// none by u's model (see core.PredictionStore.Unpredicted), in batches.
// It can be stopped at any point and run again: it carries on where it
// stopped. progress, when not nil, is called after each batch with the
// number of tickets done so far. Fill returns that number.
func (u *Understander) Fill(ctx context.Context, st core.PredictionStore, progress func(done int)) (int, error) {
	done := 0
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		ts, err := st.Unpredicted(ctx, u.name, after, fillBatch)
		if err != nil {
			return done, err
		}
		if len(ts) == 0 {
			return done, nil
		}
		if err := st.PutPredictions(ctx, u.PredictAll(ts)); err != nil {
			return done, err
		}
		done += len(ts)
		after = ts[len(ts)-1].ID
		if progress != nil {
			progress(done)
		}
	}
}

// LoadModel reads a classifier model file and names it by its file name
// and a digest of its content ("category.model@3f2a9c1e"), so that
// predictions record which model made them and a changed file makes new
// ones.
func LoadModel(path string) (*classify.Model, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", core.Errorf(core.EINVALID, "读取分类模型文件 %s 失败: %v", filepath.Base(path), err)
	}
	m, err := classify.Load(bytes.NewReader(b))
	if err != nil {
		return nil, "", core.Errorf(core.EINVALID, "分类模型文件 %s 无法使用: %v", filepath.Base(path), err)
	}
	sum := sha256.Sum256(b)
	return m, fmt.Sprintf("%s@%s", filepath.Base(path), hex.EncodeToString(sum[:4])), nil
}
