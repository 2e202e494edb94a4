package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/storetest"
)

// testDSN returns the server the tests use, from JICENG_TEST_PG. Without it
// the test is skipped, except in CI (CI set), where PostgreSQL must never be
// skipped silently.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("JICENG_TEST_PG")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("JICENG_TEST_PG is not set: run the tests with scripts/test.sh")
		}
		tb.Skip("JICENG_TEST_PG not set: PostgreSQL tests skipped (scripts/test.sh runs them)")
	}
	return dsn
}

// freshDatabase creates an empty database with a unique name on the test
// server, dropped when tb ends, and returns its DSN.
func freshDatabase(tb testing.TB) string {
	tb.Helper()
	dsn := testDSN(tb)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to JICENG_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "jiceng_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("drop database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		tb.Fatalf("JICENG_TEST_PG must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String()
}

// mustOpen opens a store on a fresh database, closed when tb ends.
func mustOpen(tb testing.TB, clock core.Clock) *DB {
	tb.Helper()
	dsn := freshDatabase(tb)
	db, err := Open(context.Background(), dsn, clock)
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

func TestReopenAndNewerSchema(t *testing.T) {
	ctx := context.Background()
	dsn := freshDatabase(t)
	db, err := Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, dsn, nil) // migrations already applied
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	var n int
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != len(must(migrations())) {
		t.Errorf("schema_migrations has %d rows (%v), want one per migration (%d)", n, err, len(must(migrations())))
	}
	if _, err := db.pool.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', now())"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, dsn, nil)
	if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), "9999") {
		t.Fatalf("got %v, want an EINVALID error naming version 9999", err)
	}
}

func TestBadDSN(t *testing.T) {
	_, err := Open(context.Background(), "postgres://%zz", nil)
	if core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
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
		if _, err := db.pool.Exec(ctx, q); err != nil {
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
		dsn := freshDatabase(t)
		return func(upTo int) (core.Store, func()) {
			migrateUpTo = upTo
			defer func() { migrateUpTo = 0 }()
			db, err := Open(context.Background(), dsn, nil)
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
	dsn := freshDatabase(t)
	migrateUpTo = 4
	db, err := Open(ctx, dsn, func() time.Time { return now })
	migrateUpTo = 0
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, "INSERT INTO users (id, username, name, role, unit, password_hash, created_at) VALUES (7, 'old', '老用户', 'admin', '', '$argon2id$x', $1)", created); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, 7, $2)", tokenHash("old-token"), expires); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, dsn, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.SessionUser(ctx, "old-token")
	if err != nil || u.ID != 7 || u.Disabled || !u.PasswordChangedAt.Equal(created) || !u.CreatedAt.Equal(created) {
		t.Fatalf("user after the upgrade = %+v, %v", u, err)
	}
	var began time.Time
	if err := db.pool.QueryRow(ctx, "SELECT created_at FROM sessions WHERE user_id = 7").Scan(&began); err != nil ||
		!began.Equal(expires.Add(-12*time.Hour)) {
		t.Errorf("session began %v (%v), want %v", began, err, expires.Add(-12*time.Hour))
	}
}

// must returns v, panicking on err (test set-up only).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestAuditAppendOnly: the audit log refuses changes, deletions and
// truncation, even in SQL.
func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, nil)
	if err := db.AddAudit(ctx, core.AuditEntry{Actor: "hd01", Action: core.AuditReveal, Reason: "先行联系"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_log SET reason = ''", "DELETE FROM audit_log", "TRUNCATE audit_log"} {
		if _, err := db.pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	if es, total, err := db.Audit(ctx, core.AuditFilter{}); err != nil || total != 1 || es[0].Reason != "先行联系" {
		t.Errorf("after the refusals: %+v %d %v", es, total, err)
	}
}
