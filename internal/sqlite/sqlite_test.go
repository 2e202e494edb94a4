package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"strconv"
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

func TestStoreRecords(t *testing.T) {
	storetest.RunRecords(t, func(t *testing.T, clock core.Clock) core.Store { return mustOpen(t, clock) })
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
	ms, err := migrations() // numbered with gaps: one row each
	if err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || n != len(ms) {
		t.Errorf("schema_migrations: %d rows, max %d; want %d, max %d", n, v, len(ms), SchemaVersion())
	}
}

// TestAuditAppendOnly: the audit log refuses changes and deletions, even
// in SQL.
func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, nil)
	if err := db.AddAudit(ctx, core.AuditEntry{Actor: "hd01", Action: core.AuditReveal, Reason: "先行联系"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_log SET reason = ''", "DELETE FROM audit_log"} {
		if _, err := db.write.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	if es, total, err := db.Audit(ctx, core.AuditFilter{}); err != nil || total != 1 || es[0].Reason != "先行联系" {
		t.Errorf("after the refusals: %+v %d %v", es, total, err)
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

// TestAccountsMigration: accounts from before migration 0005 are enabled,
// their password counts as set at creation, and their sessions go on
// working, begun one session lifetime before they expire.
func TestAccountsMigration(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	created, expires := now.Add(-48*time.Hour), now.Add(3*time.Hour)
	path := filepath.Join(t.TempDir(), "old.db")
	migrateUpTo = 4
	db, err := Open(ctx, path, func() time.Time { return now })
	migrateUpTo = 0
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO users (id, username, name, role, unit, password_hash, created_at) VALUES (7, 'old', '老用户', 'admin', '', '$argon2id$x', " +
			strconv.FormatInt(created.UnixMicro(), 10) + ")",
		"INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('" + tokenHash("old-token") + "', 7, " +
			strconv.FormatInt(expires.UnixMicro(), 10) + ")",
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db, err = Open(ctx, path, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.SessionUser(ctx, "old-token")
	if err != nil || u.ID != 7 || u.Disabled || !u.PasswordChangedAt.Equal(created) || !u.CreatedAt.Equal(created) {
		t.Fatalf("user after the upgrade = %+v, %v", u, err)
	}
	var began int64
	if err := db.read.QueryRowContext(ctx, "SELECT created_at FROM sessions WHERE user_id = 7").Scan(&began); err != nil ||
		!time.UnixMicro(began).Equal(expires.Add(-12*time.Hour)) {
		t.Errorf("session began %v (%v), want %v", time.UnixMicro(began), err, expires.Add(-12*time.Hour))
	}
}

// TestPageCacheBuffer: the connections' pages come from the buffer given
// to SQLite at start-up (pagecache.go), so that a reader's cache emptied
// after a write goes back to it instead of to the system.
func TestPageCacheBuffer(t *testing.T) {
	if pageCacheSlots == 0 {
		t.Fatal("the page-cache buffer was not installed")
	}
	db := mustOpen(t, nil)
	if _, _, err := db.Tickets(context.Background(), core.TicketFilter{}); err != nil {
		t.Fatal(err)
	}
	if n := pageCacheUsed(); n == 0 || n > pageCacheSlots {
		t.Fatalf("page-cache slots in use: %d of %d", n, pageCacheSlots)
	}
}
