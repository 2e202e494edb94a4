package importtest_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/importer"
)

// TestImportDemoExport imports the demo street's CSV export: every row must
// be stored, with the values the generator made (text trimmed, as the
// field set does).
func TestImportDemoExport(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "demo.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	cw := csv.NewWriter(f)
	cw.Write(demo.Header)
	gen := map[string]core.Ticket{}
	var rec []string
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	err = demo.Tickets(demo.NewStreet(1), demo.Options{Seed: 1, End: end, Tickets: 3000}, func(tk core.Ticket) error {
		gen[tk.Number] = tk
		rec = demo.Record(&tk, rec)
		return cw.Write(rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	f.Close()

	db := mustOpenDB(t)
	sum, err := importer.Import(ctx, db, p, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 0 || sum.Created != len(gen) || len(sum.Unmapped) != 0 {
		rej, _ := os.ReadFile(importer.RejectsPath(p))
		t.Fatalf("summary %+v\n%.2000s", sum, rej)
	}
	flagged := 0
	for _, got := range allTickets(t, db) {
		want := gen[got.Number]
		if !got.ReceivedAt.Equal(want.ReceivedAt) || got.Content != strings.TrimSpace(want.Content) || got.Status != want.Status ||
			got.Community != want.Community || got.Category1 != want.Category1 || got.Unit != want.Unit ||
			got.Satisfaction != want.Satisfaction || !got.ResolvedAt.Equal(want.ResolvedAt) {
			t.Fatalf("ticket %s differs:\n got %+v\nwant %+v", got.Number, got, want)
		}
		if len(got.Flags) > 0 {
			flagged++
		}
	}
	// The generator plants some invalid ID numbers on purpose.
	t.Logf("%d tickets, %d flagged", len(gen), flagged)
}
