package understand

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"jiceng/internal/classify"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/sqlite"
)

var at = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// demoTickets returns n generated tickets of the demo street.
func demoTickets(t testing.TB, n int) (demo.Street, []core.Ticket) {
	t.Helper()
	st := demo.NewStreet(1)
	var ts []core.Ticket
	err := demo.Tickets(st, demo.Options{Seed: 1, End: at, Tickets: n}, func(tk core.Ticket) error {
		ts = append(ts, tk)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, ts
}

var (
	modelOnce sync.Once
	model     *classify.Model
	modelErr  error
)

// testModel is a classifier trained on 3,000 demo tickets (a few seconds).
func testModel(t testing.TB) *classify.Model {
	t.Helper()
	modelOnce.Do(func() {
		_, ts := demoTickets(t, 3000)
		docs := make([]classify.Doc, 0, len(ts))
		for _, tk := range ts {
			if tk.Category1 != "" {
				docs = append(docs, classify.Doc{Text: Text(&tk),
					Labels: [3]string{tk.Category1, tk.Category2, tk.Category3}})
			}
		}
		model, modelErr = classify.Train(docs, classify.Config{CalibFolds: -1})
	})
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	return model
}

func TestPredict(t *testing.T) {
	st, _ := demoTickets(t, 0)
	community := st.Areas.Communities[0].Name
	u := New(Options{Model: testModel(t), ModelName: "m", Areas: st.Areas, Now: func() time.Time { return at }})
	rules := New(Options{Areas: st.Areas})
	tests := []struct {
		name                   string
		u                      *Understander
		ticket                 core.Ticket
		category1              string // "" for no category
		intent, urgency        string
		limit                  time.Duration
		placeTypes             []string // the types of the places found, in order
		wantModel              string
		wantTermsWithCategory1 bool
	}{
		{name: "gas leak is an emergency",
			u:      u,
			ticket: core.Ticket{Title: "燃气泄漏", Content: "我家楼道里有很浓的燃气味，怀疑燃气泄漏，请马上派人来处理。"},
			intent: "求助", urgency: "紧急", limit: 2 * time.Hour, category1: "城乡建设", wantModel: "m",
			wantTermsWithCategory1: true},
		{name: "no water is a 24 h matter",
			u:      u,
			ticket: core.Ticket{Content: community + "幸福家园3号楼从昨天晚上开始停水，到现在还没有来水，家里有老人，请尽快恢复供水。"},
			intent: "求助", urgency: "加急", limit: 24 * time.Hour, category1: "城乡建设", wantModel: "m",
			placeTypes: []string{"COMMUNITY", "COMPOUND", "BUILDING"}, wantTermsWithCategory1: true},
		{name: "rules only: no category",
			u:      rules,
			ticket: core.Ticket{Title: "咨询", Content: "请问办理居住证需要带什么材料？"},
			intent: "咨询", urgency: "一般", limit: 7 * 24 * time.Hour},
		{name: "empty ticket",
			u:      rules,
			ticket: core.Ticket{},
			intent: "投诉", urgency: "一般", limit: 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.ticket
			p := tt.u.Predict(&tt.ticket)
			if !reflect.DeepEqual(tt.ticket, before) {
				t.Errorf("Predict changed the ticket")
			}
			if p.Category1 != tt.category1 {
				t.Errorf("Category1 = %q, want %q", p.Category1, tt.category1)
			}
			if tt.category1 != "" && (p.CategoryScore <= 0 || p.CategoryScore > 1) {
				t.Errorf("CategoryScore = %v, want in (0, 1]", p.CategoryScore)
			}
			if tt.wantTermsWithCategory1 && len(p.CategoryTerms) == 0 {
				t.Errorf("no category terms")
			}
			if p.Intent != core.Intent(tt.intent) {
				t.Errorf("Intent = %q, want %q (cues %v)", p.Intent, tt.intent, p.IntentCues)
			}
			if p.Urgency != core.Urgency(tt.urgency) || p.TimeLimit != tt.limit {
				t.Errorf("Urgency = %q %v, want %q %v (reasons %v)", p.Urgency, p.TimeLimit, tt.urgency, tt.limit, p.UrgencyReasons)
			}
			var types []string
			for _, m := range p.Places {
				if m.Type != "ORG" {
					types = append(types, m.Type)
				}
				if m.Field != "title" && m.Field != "content" {
					t.Errorf("place %+v: field %q", m, m.Field)
				}
			}
			if !slices.Equal(types, tt.placeTypes) {
				t.Errorf("place types = %v, want %v (%+v)", types, tt.placeTypes, p.Places)
			}
			if p.Model != tt.wantModel {
				t.Errorf("Model = %q, want %q", p.Model, tt.wantModel)
			}
		})
	}
}

// TestPredictAllMatchesPredict: the parallel form gives the same results
// in the same order.
func TestPredictAllMatchesPredict(t *testing.T) {
	st, ts := demoTickets(t, 500)
	u := New(Options{Model: testModel(t), ModelName: "m", Areas: st.Areas, Now: func() time.Time { return at }})
	all := u.PredictAll(ts)
	for i := range ts {
		if p := u.Predict(&ts[i]); p.Category3 != all[i].Category3 || p.Urgency != all[i].Urgency ||
			p.Intent != all[i].Intent || len(p.Places) != len(all[i].Places) {
			t.Fatalf("ticket %d: PredictAll %+v, Predict %+v", i, all[i], p)
		}
	}
}

func TestFill(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"), func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, ts := demoTickets(t, 4500)
	if _, err := db.UpsertTickets(ctx, ts, "test"); err != nil {
		t.Fatal(err)
	}
	rules := New(Options{Areas: st.Areas, Now: func() time.Time { return at }})
	withModel := New(Options{Model: testModel(t), ModelName: "m@1", Areas: st.Areas, Now: func() time.Time { return at }})
	steps := []struct {
		name     string
		u        *Understander
		want     int
		progress []int
	}{
		{"rules on every ticket, in batches", rules, 4500, []int{2000, 4000, 4500}},
		{"again: nothing left", rules, 0, nil},
		{"a model replaces the rules-only predictions", withModel, 4500, []int{2000, 4000, 4500}},
		{"the same model again: nothing", withModel, 0, nil},
	}
	for _, s := range steps {
		var progress []int
		n, err := s.u.Fill(ctx, db, func(done int) { progress = append(progress, done) })
		if err != nil {
			t.Fatalf("%s: Fill: %v", s.name, err)
		}
		if n != s.want || !slices.Equal(progress, s.progress) {
			t.Errorf("%s: Fill = %d (progress %v), want %d (%v)", s.name, n, progress, s.want, s.progress)
		}
	}
	// The stored prediction is the one Predict makes, and the ticket's
	// human labels are untouched.
	tk, err := db.TicketByNumber(ctx, ts[10].Number)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Prediction(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := withModel.Predict(&tk)
	if got.Category3 != want.Category3 || got.Model != "m@1" || got.Urgency != want.Urgency || !got.At.Equal(at) {
		t.Errorf("stored prediction %+v, want %+v", got, want)
	}
	if tk.Category1 != ts[10].Category1 || tk.Category3 != ts[10].Category3 {
		t.Errorf("ticket labels changed: %q/%q, want %q/%q", tk.Category1, tk.Category3, ts[10].Category1, ts[10].Category3)
	}

	// A cancelled Fill stops and says so.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := New(Options{ModelName: "x"}).Fill(cctx, db, nil); err == nil {
		t.Errorf("cancelled Fill: no error")
	}
}

func TestLoadModel(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := testModel(t).Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "street.model")
	if err := os.WriteFile(good, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.model")
	if err := os.WriteFile(bad, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		wantName string
		wantErr  bool
	}{
		{name: "good", path: good, wantName: "street.model@"},
		{name: "missing", path: filepath.Join(dir, "none.model"), wantErr: true},
		{name: "not a model", path: bad, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, name, err := LoadModel(tt.path)
			if tt.wantErr {
				if err == nil || core.ErrorMessage(err) == "" {
					t.Fatalf("LoadModel: err %v, want a user message", err)
				}
				return
			}
			if err != nil || m == nil {
				t.Fatalf("LoadModel: %v", err)
			}
			if len(name) != len(tt.wantName)+8 || name[:len(tt.wantName)] != tt.wantName {
				t.Errorf("name = %q, want %s + 8 hex digits", name, tt.wantName)
			}
		})
	}
}
