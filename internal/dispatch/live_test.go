package dispatch

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

// TestLive runs a Live recommender on a real store: the catalogue at
// once, the model after Train, a catalogue change that keeps the model,
// and a model trained while the catalogue changed that keeps the new
// catalogue.
func TestLive(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jiceng.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.ReplaceAreas(ctx, testAreas); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceUnits(ctx, testUnits); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReplaceDispatchRules(ctx, testRules[:2], core.CatalogueVersion{CreatedAt: now, CreatedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	// History: water tickets go to the water company; one old ticket (more
	// than History months back) and unassigned ones are not learnt from.
	var tickets []core.Ticket
	for i := range 60 {
		tickets = append(tickets, core.Ticket{Number: fmt.Sprintf("W%03d", i), ReceivedAt: now.AddDate(0, -1, 0),
			Category1: "城乡建设", Category2: "城市建设和市政管理", Category3: "自来水供应", Community: "望春园社区",
			Title: "家里停水，自来水发黄", Unit: "海川区自来水公司"})
	}
	tickets = append(tickets,
		core.Ticket{Number: "OLD", ReceivedAt: now.AddDate(-2, 0, 0), Category1: "城乡建设", Title: "暖气不热", Unit: "海川热力公司"},
		core.Ticket{Number: "NEW", ReceivedAt: now, Category1: "城乡建设", Title: "暖气不热"})
	if _, err := st.UpsertTickets(ctx, tickets, "test"); err != nil {
		t.Fatal(err)
	}
	water := core.Ticket{Category1: "城乡建设", Category2: "城市建设和市政管理", Category3: "自来水供应", Community: "望春园社区", Title: "停水了"}
	leadOf := func(l *Live) (string, string) {
		res := l.Get().Recommend(water, nil, 3)
		if len(res.Suggestions) == 0 {
			return "", ""
		}
		return res.Suggestions[0].Unit, res.Suggestions[0].Source
	}

	l, err := NewLive(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if l.Get().Model != nil || l.Get().Catalogue.Len() != 2 {
		t.Fatalf("NewLive: model %v, %d rules; want catalogue of 2 alone", l.Get().Model, l.Get().Catalogue.Len())
	}
	if u, src := leadOf(l); u != "城市管理办公室" || src != SourceCatalogue {
		t.Errorf("catalogue alone: %s (%s), want 城市管理办公室 by rule 1", u, src)
	}

	n, err := l.Train(ctx, st, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 60 {
		t.Errorf("Train learnt from %d tickets, want 60 (old and unassigned left out)", n)
	}
	if l.Get().Model == nil || l.Get().Catalogue.Len() != 2 {
		t.Fatalf("after Train: model %v, %d rules", l.Get().Model, l.Get().Catalogue.Len())
	}

	// A catalogue with the water rule: it wins, and the model stays.
	l.SetCatalogue(testRules[:3], testAreas, testUnits)
	if l.Get().Model == nil || l.Get().Catalogue.Len() != 3 {
		t.Fatalf("SetCatalogue lost the model or the rules")
	}
	if u, src := leadOf(l); u != "海川区自来水公司" || src != SourceCatalogue {
		t.Errorf("with water rule: %s (%s)", u, src)
	}
	// An empty catalogue: the model recommends.
	l.SetCatalogue(nil, testAreas, testUnits)
	if u, src := leadOf(l); u != "海川区自来水公司" || src != SourceModel {
		t.Errorf("model alone: %s (%s)", u, src)
	}

	// Training concurrent with catalogue changes: whatever the order, the
	// end state has a model and the last catalogue.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := l.Train(ctx, st, now); err != nil {
			t.Error(err)
		}
	}()
	for i := range 4 {
		l.SetCatalogue(testRules[:i+1], testAreas, testUnits)
	}
	wg.Wait()
	if l.Get().Model == nil || l.Get().Catalogue.Len() != 4 {
		t.Errorf("after concurrent changes: model %v, %d rules; want a model and 4 rules", l.Get().Model != nil, l.Get().Catalogue.Len())
	}

	// No recommender (dispatch off): changes are ignored, nil is safe.
	var off *Live
	off.SetCatalogue(testRules, testAreas, testUnits)
	if off.Get() != nil {
		t.Error("nil Live returned a recommender")
	}
	var zero Live
	zero.SetCatalogue(testRules, testAreas, testUnits)
	if zero.Get() != nil {
		t.Error("SetCatalogue on an empty Live made a recommender")
	}
}
