package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/hot"
	"jiceng/internal/understand"
)

// TestImportPredicts: an import stores a prediction for every ticket
// (rules only without a model); a model trained on the street's own history
// (classify train -db) and given to the next import replaces them, and the
// human labels are untouched. On SQLite, and PostgreSQL when available.
func TestImportPredicts(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "p.db") }},
		{"postgres", testPG},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			dir := t.TempDir()
			data := filepath.Join(dir, "tickets.csv")
			jc(t, "generate", "-n", "1500", "-end", "2025-06-30", "-out", data)
			jc(t, "import", "-db", dsn, "-model", "", data)

			tickets := dump(t, dsn)
			if len(tickets) != 1500 {
				t.Fatalf("imported %d tickets, want 1500", len(tickets))
			}
			check := func(wantModel string, wantCategory bool) {
				t.Helper()
				ctx := context.Background()
				st, err := openStore(ctx, dsn, time.Now)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				withCategory := 0
				for _, tk := range tickets {
					now, err := st.TicketByNumber(ctx, tk.Number)
					if err != nil {
						t.Fatal(err)
					}
					p, err := st.Prediction(ctx, now.ID)
					if err != nil {
						t.Fatalf("ticket %s: %v", tk.Number, err)
					}
					if p.Model != wantModel || p.Intent == "" || p.Urgency == "" || p.TimeLimit <= 0 {
						t.Fatalf("ticket %s: prediction %+v, want model %q with intent and urgency", tk.Number, p, wantModel)
					}
					if p.Category1 != "" {
						withCategory++
					}
					if now.Category1 != tk.Category1 || now.Intent != tk.Intent || now.Urgency != tk.Urgency {
						t.Fatalf("ticket %s: human labels changed", tk.Number)
					}
				}
				if wantCategory != (withCategory == len(tickets)) {
					t.Errorf("%d of %d predictions have a category, want all: %v", withCategory, len(tickets), wantCategory)
				}
			}
			check("", false)

			// The street's curated tag library (the tags setting) goes into
			// the model with -street-tags.
			func() {
				st, err := openStore(context.Background(), dsn, time.Now)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				lib := hot.WriteTags([]hot.Tag{{Name: "停水", Aliases: []string{"断水"}}})
				if _, err := st.(core.SettingStore).PutSetting(context.Background(), core.SettingTags, lib, "test", "admin", time.Now()); err != nil {
					t.Fatal(err)
				}
			}()
			model := filepath.Join(dir, "street.model")
			jc(t, "classify", "train", "-db", dsn, "-recent", "1000", "-street-tags", "-out", model)
			jc(t, "import", "-db", dsn, "-model", model, data)
			m, name, err := understand.LoadModel(model)
			if err != nil {
				t.Fatal(err)
			}
			if tags := m.Config().Features.Tags; len(tags) != 1 || tags[0].Name != "停水" {
				t.Errorf("model trained with -street-tags has tags %v, want the street's 停水", tags)
			}
			check(name, true)
		})
	}
}
