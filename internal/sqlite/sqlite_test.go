package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/storetest"
)

// mustOpen opens a fresh database in a temporary directory, closed when t
// ends.
func mustOpen(tb testing.TB, clock core.Clock) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "jiceng.db"), clock)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock core.Clock) core.Store { return mustOpen(t, clock) })
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpsertTickets(ctx, []core.Ticket{{Number: "1"}}, "x"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.TicketByNumber(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, path, nil)
	if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), "9999") {
		t.Fatalf("got %v, want an EINVALID error naming version 9999", err)
	}
}

func TestMigrationsRecorded(t *testing.T) {
	db := mustOpen(t, nil)
	var n, v int
	if err := db.read.QueryRow("SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || n != SchemaVersion() {
		t.Errorf("schema_migrations: %d rows, max %d; want %d", n, v, SchemaVersion())
	}
}
