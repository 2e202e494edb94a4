package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/sqlite"
	"jiceng/internal/taxonomy"
)

func fakeHash(p string) (string, error) { return "plain:" + p, nil }

func openDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "demo.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestBuild(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	o := demo.Options{Seed: 1, End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Tickets: 3000}
	st, err := demo.Build(ctx, db, o, fakeHash)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := db.Tickets(ctx, core.TicketFilter{Limit: 1})
	if err != nil || total != 3000 {
		t.Fatalf("stored %d tickets (err %v), want 3000", total, err)
	}
	areas, err := db.Areas(ctx)
	if err != nil || len(areas.Communities) != 10 || len(areas.Grids) != 40 {
		t.Fatalf("areas: %d communities, %d grids (err %v)", len(areas.Communities), len(areas.Grids), err)
	}
	units, err := db.Units(ctx)
	if err != nil || len(units) != 30 {
		t.Fatalf("units: %d (err %v)", len(units), err)
	}
	cats, err := db.Categories(ctx)
	if err != nil || len(cats) != len(taxonomy.Default()) {
		t.Fatalf("categories: %d (err %v)", len(cats), err)
	}
	for i, l := range st.Logins {
		u, err := db.UserByUsername(ctx, l.Username)
		if err != nil {
			t.Fatalf("user %s: %v", l.Username, err)
		}
		if u.PasswordHash != "plain:"+l.Password || u.Role != l.Role || u.ID != st.Users[i].ID {
			t.Errorf("user %s = %+v, want hash of %q, role %s, ID %d", l.Username, u, l.Password, l.Role, st.Users[i].ID)
		}
	}
	// The first ticket comes back as generated.
	var first core.Ticket
	demo.Tickets(st, o, func(tk core.Ticket) error {
		if first.Number == "" {
			first = tk
		}
		return nil
	})
	got, err := db.TicketByNumber(ctx, first.Number)
	if err != nil || got.Content != first.Content || got.Unit != first.Unit || !got.ReceivedAt.Equal(first.ReceivedAt) {
		t.Fatalf("ticket %s read back differs (err %v)", first.Number, err)
	}

	// Building again over the same database keeps users and changes nothing.
	if _, err := demo.Build(ctx, db, o, fakeHash); err != nil {
		t.Fatalf("second Build: %v", err)
	}
	if _, total, _ := db.Tickets(ctx, core.TicketFilter{Limit: 1}); total != 3000 {
		t.Errorf("after second Build %d tickets, want 3000", total)
	}
}

// BenchmarkBuild measures building the default demo street (about 45,000
// tickets) into SQLite: go test -run XXX -bench Build -benchtime 1x.
func BenchmarkBuild(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db := openDB(b)
		if _, err := demo.Build(context.Background(), db, demo.Options{End: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}, fakeHash); err != nil {
			b.Fatal(err)
		}
	}
}
