package search

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"jiceng/internal/demo"
	"jiceng/internal/policy"
)

// demoDocs returns the demo street's policy documents, each under its file
// name without extension, as the labelled questions name them.
func demoDocs(t testing.TB) []policy.Document {
	t.Helper()
	var docs []policy.Document
	for _, f := range demo.Policies() {
		if strings.HasSuffix(f.Name, ".csv") {
			continue // the 问/答 sheet: read by the CLI
		}
		d, err := policy.Parse(strings.TrimSuffix(f.Name, filepath.Ext(f.Name)), f.Name, f.Content, policy.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		docs = append(docs, d)
	}
	return docs
}

func demoQuestions(t testing.TB) []LabelledQuestion {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "policy", "testdata", "questions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// TestDemoEval measures retrieval on the labelled questions over the demo
// policies: the index with both analyzers, each alone, and the FTS5
// baseline; it logs the figures (go test -v -run TestDemoEval) and fails
// only when the index falls below a floor.
func TestDemoEval(t *testing.T) {
	ix, err := OpenMem(Options{Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Index(demoDocs(t)); err != nil {
		t.Fatal(err)
	}
	qs := demoQuestions(t)
	passages, err := ix.Passages()
	if err != nil {
		t.Fatal(err)
	}
	fts, err := NewFTS5(passages)
	if err != nil {
		t.Fatal(err)
	}
	defer fts.Close()
	runs := []struct {
		name string
		r    Retriever
	}{
		{"bleve words+bigrams", ix.Retriever(Query{})},
		{"bleve words", ix.Retriever(Query{Analyzer: AnalyzerWords})},
		{"bleve bigrams", ix.Retriever(Query{Analyzer: AnalyzerBigrams})},
		{"fts5 words", fts.Retriever()},
	}
	var evs []Evaluation
	for _, run := range runs {
		ev, err := Evaluate(run.name, qs, run.r)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		t.Logf("%-20s n=%d recall@1 %.3f recall@5 %.3f MRR %.3f", ev.Name, ev.All.N, ev.All.Recall1, ev.All.Recall5, ev.All.MRR)
		kinds := make([]string, 0, len(ev.ByKind))
		for k := range ev.ByKind {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			m := ev.ByKind[k]
			t.Logf("    %-12s n=%d recall@1 %.3f recall@5 %.3f MRR %.3f", k, m.N, m.Recall1, m.Recall5, m.MRR)
		}
	}
	best := evs[0].BestThreshold()
	t.Logf("no-answer threshold %.3f: %.0f%% of none refused, %.0f%% answerable answered, %.0f%% answered right",
		best.Threshold, 100*best.NoneRefused, 100*best.Answered, 100*best.AnsweredCorrectly)
	if evs[0].All.Recall5 < 0.65 {
		t.Errorf("recall@5 %.3f, want at least 0.65", evs[0].All.Recall5)
	}
}
