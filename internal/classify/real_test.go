package classify

import (
	"os"
	"testing"

	"jiceng/internal/realtext"
)

// TestRealCategory trains on the labelled dev messages (segmented, stop
// words removed; not part of the repository) and classifies the gold set's
// real messages as written (title and detail, punctuation and all), the
// shift a street meets when a model trained on one export reads new tickets:
//
//	JICENG_DEV_MESSAGES=/path/messages_dev.csv go test ./internal/classify -run TestRealCategory -v
//
// JICENG_DEV_VARIANTS picks configurations (names of TestDevCrossValidation,
// default "default").
func TestRealCategory(t *testing.T) {
	path, gold := devAndGold(t)
	docs := readDevDocs(t, path, "")
	m, err := Train(docs, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, split := range []string{"dev", "test", ""} {
		c := realtext.NewConfusion()
		for _, g := range realtext.Split(gold, split) {
			p := m.Predict(g.Title+"。"+g.Detail, 1)[0]
			c.Add(g.Category, p.Labels[0])
		}
		name := split
		if name == "" {
			name = "all"
		}
		t.Logf("split %s (%d messages):\n%s", name, len(realtext.Split(gold, split)), c)
	}
}

// devAndGold returns the path of the dev messages (JICENG_DEV_MESSAGES) and
// the gold set's real messages; without either the test is skipped.
func devAndGold(t *testing.T) (string, []realtext.Message) {
	t.Helper()
	path := os.Getenv("JICENG_DEV_MESSAGES")
	if path == "" {
		t.Skip("JICENG_DEV_MESSAGES not set")
	}
	gold, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) == 0 {
		t.Skip("gold set not built")
	}
	return path, gold
}
