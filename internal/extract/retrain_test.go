package extract

import (
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/classify"
	"jiceng/internal/core"
)

func TestRetrainIntentErrors(t *testing.T) {
	if _, err := RetrainIntent(make([]IntentDoc, 10), classify.Config{}); err == nil || !strings.Contains(err.Error(), "太少") {
		t.Errorf("10 docs: err = %v", err)
	}
	docs := make([]IntentDoc, minIntentDocs)
	for i := range docs {
		docs[i] = IntentDoc{Content: "请问怎么办理", Intent: core.IntentInquiry}
	}
	docs[7].Intent = "闲聊"
	if _, err := RetrainIntent(docs, classify.Config{}); err == nil || !strings.Contains(err.Error(), "第 8 条") {
		t.Errorf("bad label: err = %v", err)
	}
}

// TestRetrainIntent trains on demo tickets (300 and 3,000) and evaluates on
// others: the lexicon alone, the model alone (LexiconWeight 0) and both.
func TestRetrainIntent(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	test := demoTickets(t, 7, 2000)
	for _, n := range []int{300, 3000} {
		train := demoTickets(t, 11, n)
		docs := make([]IntentDoc, len(train))
		for i, tk := range train {
			docs[i] = IntentDoc{Title: tk.Title, Content: tk.Content, Intent: tk.Intent}
		}
		im, err := RetrainIntent(docs, classify.Config{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		lex, model, both := newConfusion(core.Strings(core.Intents)), newConfusion(core.Strings(core.Intents)), newConfusion(core.Strings(core.Intents))
		for _, tk := range test {
			lex.add(string(tk.Intent), string(Intent(tk.Title, tk.Content).Intent))
			im.LexiconWeight = 0
			model.add(string(tk.Intent), string(im.Intent(tk.Title, tk.Content).Intent))
			im.LexiconWeight = 0.5
			r := im.Intent(tk.Title, tk.Content)
			both.add(string(tk.Intent), string(r.Intent))
			if r.Confidence <= 0 || r.Confidence > 1+1e-9 {
				t.Fatalf("confidence %v", r.Confidence)
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "trained on %d demo tickets, tested on %d others\n", n, len(test))
		for _, x := range []struct {
			name string
			c    *confusion
		}{{"lexicon", lex}, {"model", model}, {"model+lexicon", both}} {
			b.WriteString(x.name + ": ")
			x.c.write(&b)
		}
		t.Log("\n" + b.String())
		_, fm := model.f1()
		_, fb := both.f1()
		if fb < fm-0.01 {
			t.Errorf("n=%d: model+lexicon macro-F1 %.3f below the model's %.3f", n, fb, fm)
		}
	}
}
