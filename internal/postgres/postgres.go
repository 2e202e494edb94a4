// Package postgres stores jiceng's data in PostgreSQL, through pgx's native
// connection pool (github.com/jackc/pgx/v5/pgxpool): imports use COPY and
// batched statements, which database/sql cannot express.
//
// A *DB implements core.Store and behaves like internal/sqlite's; both pass
// the suite in internal/storetest.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is a jiceng database in PostgreSQL. It is safe for concurrent use.
type DB struct {
	pool  *pgxpool.Pool
	clock core.Clock
	// dayCounts is false only in a test's database stopped before the
	// schema version that brought day_counts, months before the one that
	// brought the monthly rollups (month_totals, month_hours).
	dayCounts, months bool
	// urgentCounts is false in a test's database stopped before 0016.
	urgentCounts bool
}

var _ core.Store = (*DB)(nil)

// migrationLock is the key of the advisory lock that serialises migrations
// of jiceng processes starting at the same time.
const migrationLock = 0x6a6963656e67 // "jiceng"

// Open connects to the database at dsn (a postgres:// URL or key=value
// string) and brings its schema up to date. A database whose schema is newer
// than this binary knows is refused. clock stamps histories, created and
// updated times and session expiry; nil means time.Now.
func Open(ctx context.Context, dsn string, clock core.Clock) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, &core.Error{Code: core.EINVALID, Message: "PostgreSQL 连接串格式不正确", Err: err}
	}
	// EachTicket holds a connection while its callback may use the store, so
	// the pool must have more than one.
	cfg.MaxConns = max(cfg.MaxConns, 4)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := &DB{pool: pool, clock: clock, dayCounts: migrateUpTo == 0 || migrateUpTo >= countsVersion,
		months:       migrateUpTo == 0 || migrateUpTo >= monthsVersion,
		urgentCounts: migrateUpTo == 0 || migrateUpTo >= urgentVersion}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers, for the health endpoint.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

func (db *DB) now() time.Time { return db.clock.Now() }

// migrateUpTo, when not zero, stops migrations after that version: tests
// build a database of an older schema, fill it and upgrade it.
var migrateUpTo int

// migrations returns the embedded migrations in version order.
func migrations() ([]dbutil.Migration, error) { return dbutil.Migrations(migrationFS, "migrations") }

// SchemaVersion is the newest schema version this binary knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// migrate applies the migrations the database has not seen, each in its own
// transaction together with its row in schema_migrations, holding an
// advisory lock so that two processes starting together do not both apply
// them.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var cur int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest := ms[len(ms)-1].Version; cur > latest {
		return &core.Error{Code: core.EINVALID,
			Message: fmt.Sprintf("数据库结构版本为 %d，高于本程序支持的版本 %d：请使用更新版本的 jiceng 打开此数据库。", cur, latest)}
	}
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		if migrateUpTo > 0 && m.Version > migrateUpTo {
			break
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// No arguments: the simple protocol runs the whole file.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			if err := afterMigration(ctx, tx, m.Version); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.Version, m.Name, db.now())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committing if it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return translate(pgx.BeginFunc(ctx, db.pool, fn))
}

var errNotFound = &core.Error{Code: core.ENOTFOUND, Message: "记录不存在"}

// translate turns driver errors into application errors where they have a
// meaning for the user (a taken unique value, a missing reference or row);
// others pass through unchanged for the caller to wrap.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ae *core.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return errNotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return &core.Error{Code: core.ECONFLICT, Message: "记录已存在", Err: err}
		case "23503": // foreign_key_violation
			return &core.Error{Code: core.EINVALID, Message: "引用的记录不存在", Err: err}
		}
	}
	return err
}

// timeArg is the stored form of a time: NULL (nil) for the zero time.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fromTime is the inverse of timeArg.
func fromTime(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return *p
}
