package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

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
	ms, err := migrations() // numbers may have gaps
	if err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || n != len(ms) {
		t.Errorf("schema_migrations: %d rows, max %d; want %d, %d", n, v, len(ms), SchemaVersion())
	}
}

// TestCatalogueMigration: the catalogue in force before migration 0004
// becomes version 1, with the same rules, and numbering goes on from it.
func TestCatalogueMigration(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, nil)
	sqlText, err := migrationFS.ReadFile("migrations/0004_catalogue_versions.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP TABLE dispatch_catalogue_versions",
		`INSERT INTO dispatch_rules (id, category1, category2, keywords, unit, co_units, priority, note)
			VALUES (1, '城乡建设', '市政设施', '["路灯","井盖"]', '城管科', NULL, 2, '常见'), (2, '', '', '["噪音"]', '城管科', '["属地社区"]', 0, '')`,
		string(sqlText),
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	want, err := db.DispatchRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, got, err := db.CatalogueVersionRules(ctx, 1)
	if err != nil || v.Rules != 2 || v.AppliedAt.IsZero() || !reflect.DeepEqual(got, want) {
		t.Fatalf("version 1 = %+v %+v, %v; want %+v", v, got, err, want)
	}
	next, err := db.StageDispatchRules(ctx, want, core.CatalogueVersion{CreatedAt: time.Now(), CreatedBy: "staff"})
	if err != nil || next.Version != 2 {
		t.Errorf("next version = %+v, %v", next, err)
	}
}

// TestUpgrade upgrades a database of every older schema that holds data.
func TestUpgrade(t *testing.T) {
	storetest.Upgrade(t, SchemaVersion(), func(t *testing.T) storetest.Reopener {
		path := filepath.Join(t.TempDir(), "old.db")
		return func(upTo int) (core.Store, func()) {
			migrateUpTo = upTo
			defer func() { migrateUpTo = 0 }()
			db, err := Open(context.Background(), path, nil)
			if err != nil {
				t.Fatalf("Open at schema %d: %v", upTo, err)
			}
			return db, func() { db.Close() }
		}
	})
}
