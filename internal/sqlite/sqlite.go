// Package sqlite stores jiceng's data in a SQLite file, through the pure-Go
// driver modernc.org/sqlite (so the binary builds with CGO_ENABLED=0).
//
// A *DB implements core.Store. It keeps two connection pools on the same
// file: one writer connection, because SQLite allows one writer at a time and
// queueing writers in Go is cheaper and fairer than letting them spin on the
// file lock, and a read-only pool, because in WAL mode readers run beside the
// writer and see the last committed state.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is a jiceng database in a SQLite file. It is safe for concurrent use.
type DB struct {
	write *sql.DB // one connection: the single writer
	read  *sql.DB // read-only connections
	clock core.Clock
	// dayCounts is false only in a test's database stopped before the
	// schema version that brought day_counts, months before the one that
	// brought the monthly rollups (month_totals, month_hours).
	dayCounts, months bool
	// urgentCounts is false in a test's database stopped before 0016.
	urgentCounts bool
}

var _ core.Store = (*DB)(nil)

// Open opens (creating it if needed) the SQLite database at path and brings
// its schema up to date. A database whose schema is newer than this binary
// knows is refused. clock stamps histories, created and updated times and
// session expiry; nil means time.Now.
func Open(ctx context.Context, path string, clock core.Clock) (*DB, error) {
	if path == "" {
		return nil, core.Errorf(core.EINVALID, "未指定数据库文件")
	}
	// The pragmas are set on every connection the pools open:
	//   journal_mode=WAL    readers do not block the writer, nor it them;
	//   synchronous=NORMAL  safe with WAL (a power cut may lose the last
	//                       transactions, never corrupt the file) and much
	//                       faster than FULL for imports;
	//   foreign_keys=ON     SQLite does not enforce REFERENCES otherwise;
	//   busy_timeout        wait for a lock held by another process (a second
	//                       jiceng, a backup) instead of failing at once;
	//   temp_store=MEMORY   sorts and temporary indexes stay off the disk;
	//   mmap_size           (readers only) pages are read from a memory map
	//                       instead of with a system call each, which halves
	//                       the time of queries that visit many rows (SQLite
	//                       caps it at its compile-time maximum, 2 GB).
	// The writer begins its transactions IMMEDIATE, taking the write lock at
	// BEGIN, so that a transaction never fails half-way on a lock upgrade.
	pragmas := []string{"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)",
		"busy_timeout(10000)", "temp_store(MEMORY)", fmt.Sprintf("cache_size(-%d)", writerCacheKiB)}
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range q {
		wq[k] = v
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath()

	write, err := sql.Open("sqlite", base+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	db := &DB{write: write, clock: clock, dayCounts: migrateUpTo == 0 || migrateUpTo >= countsVersion,
		months:       migrateUpTo == 0 || migrateUpTo >= monthsVersion,
		urgentCounts: migrateUpTo == 0 || migrateUpTo >= urgentVersion}
	// Migrate on the writer before the readers open, so that WAL mode and the
	// schema exist when they do.
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}

	rq := url.Values{}
	for k, v := range q {
		rq[k] = v
	}
	rq.Add("_pragma", "query_only(ON)")
	rq.Add("_pragma", "mmap_size(2147418112)")
	// The writer, whose cache no one else empties (see pagecache.go), keeps
	// the larger one; the first 2 GB of the file are read from the memory
	// map, not the cache, anyway.
	rq.Add("_pragma", fmt.Sprintf("cache_size(-%d)", readerCacheKiB))
	read, err := sql.Open("sqlite", base+"?"+rq.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := readers()
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(0)
	read.SetConnMaxLifetime(0)
	db.read = read
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.read.Close()
	if err2 := db.write.Close(); err == nil {
		err = err2
	}
	return err
}

// Ping checks that the database answers, for the health endpoint.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
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
// transaction together with its row in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", translate(err))
	}
	var cur int
	if err := db.write.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
		return fmt.Errorf("migrate: %w", translate(err))
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
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			if err := afterMigration(ctx, tx, m.Version); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, micros(db.now()))
			return err
		}); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}

// inTx runs fn in a write transaction, committing if it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// translate turns driver errors into application errors where they have a
// meaning for the user (a taken unique value, a missing row); others pass
// through unchanged for the caller to wrap.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ae *core.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &core.Error{Code: core.ECONFLICT, Message: "记录已存在", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &core.Error{Code: core.EINVALID, Message: "引用的记录不存在", Err: err}
		}
	}
	return err
}

var errNotFound = &core.Error{Code: core.ENOTFOUND, Message: "记录不存在"}

// micros is the stored form of a time: microseconds since the epoch, NULL
// (nil) for the zero time.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// fromMicros is the inverse of micros. Times come back in the local time
// zone, like PostgreSQL's timestamptz through pgx.
func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64)
}
