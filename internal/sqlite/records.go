package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

var recordSQL = dbutil.RecordSQL{}

// scanRecord reads one row of dbutil.RecordColumns.
func scanRecord(scan func(dest ...any) error) (core.Record, error) {
	var r core.Record
	var vals, flags, fixed string
	var created, updated, seen sql.NullInt64
	if err := scan(&r.ID, &r.Kind, &r.Source, &r.Key, &vals, &flags, &fixed, &r.Community, &r.Grid, &r.Status, &r.Version,
		&created, &updated, &seen); err != nil {
		return core.Record{}, err
	}
	var err error
	if r.Values, err = dbutil.ParseRecordJSON(vals); err != nil {
		return core.Record{}, err
	}
	if r.Flags, err = dbutil.ParseRecordJSON(flags); err != nil {
		return core.Record{}, err
	}
	if r.Fixed, err = dbutil.ParseListJSON(fixed); err != nil {
		return core.Record{}, err
	}
	r.CreatedAt, r.UpdatedAt, r.SeenAt = fromMicros(created), fromMicros(updated), fromMicros(seen)
	return r, nil
}

func recordByID(ctx context.Context, q querier, id int64) (core.Record, error) {
	r, err := scanRecord(q.QueryRowContext(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE id = ?", id).Scan)
	if err != nil {
		return core.Record{}, translate(err)
	}
	return r, nil
}

// recordStmts are the statements that write records, prepared once per
// transaction.
type recordStmts struct {
	insert, update, change *sql.Stmt
	index                  *indexStmts
}

func prepareRecordStmts(ctx context.Context, tx *sql.Tx) (*recordStmts, error) {
	var st recordStmts
	var err error
	if st.insert, err = tx.PrepareContext(ctx, `INSERT INTO records (vals, flags, fixed, name, address, community, grid, status,
		flagged, version, updated_at, seen_at, kind, source, key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`); err != nil {
		return nil, err
	}
	if st.update, err = tx.PrepareContext(ctx, `UPDATE records SET vals = ?, flags = ?, fixed = ?, name = ?, address = ?,
		community = ?, grid = ?, status = ?, flagged = ?, version = ?, updated_at = ?, seen_at = ? WHERE id = ?`); err != nil {
		st.close()
		return nil, err
	}
	if st.change, err = tx.PrepareContext(ctx, `INSERT INTO record_changes (record_id, version, at, actor, action, changes, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`); err != nil {
		st.close()
		return nil, err
	}
	if st.index, err = prepareIndexStmts(ctx, tx); err != nil {
		st.close()
		return nil, err
	}
	return &st, nil
}

func (st *recordStmts) close() {
	for _, s := range []*sql.Stmt{st.insert, st.update, st.change} {
		if s != nil {
			s.Close()
		}
	}
	if st.index != nil {
		st.index.close()
	}
}

// write stores r (inserting it when r.ID is 0) and appends ch to its
// history, and rewrites its rows of the record index (old is the record as
// stored, nil when r is new); it returns r's ID.
func (st *recordStmts) write(ctx context.Context, r core.Record, old *core.Record, ch *core.RecordChange) (int64, error) {
	name, address, community, grid := dbutil.RecordMirror(r)
	args := []any{dbutil.RecordJSON(r.Values), dbutil.RecordJSON(r.Flags), dbutil.ListJSON(r.Fixed), name, address, community, grid,
		r.Status, len(r.Flags) > 0, r.Version, micros(r.UpdatedAt), micros(r.SeenAt)}
	id := r.ID
	if id == 0 {
		if err := st.insert.QueryRowContext(ctx, append(args, r.Kind, r.Source, r.Key, micros(r.CreatedAt))...).Scan(&id); err != nil {
			return 0, err
		}
	} else if _, err := st.update.ExecContext(ctx, append(args, id)...); err != nil {
		return 0, err
	}
	if err := st.index.index(ctx, id, r, old); err != nil {
		return 0, err
	}
	if ch != nil {
		if _, err := st.change.ExecContext(ctx, id, ch.Version, micros(ch.At), ch.Actor, ch.Action, dbutil.ChangesJSON(ch.Changes), ch.Note); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// writeRecord is recordStmts.write for one record.
func writeRecord(ctx context.Context, tx *sql.Tx, r core.Record, old *core.Record, ch *core.RecordChange) (int64, error) {
	st, err := prepareRecordStmts(ctx, tx)
	if err != nil {
		return 0, err
	}
	defer st.close()
	return st.write(ctx, r, old, ch)
}

// UpsertRecords implements core.RecordStore.
func (db *DB) UpsertRecords(ctx context.Context, recs []core.RecordUpsert, actor string, at time.Time) ([]core.RecordUpsertResult, error) {
	for _, u := range recs {
		if err := core.CheckRecordUpsert(u); err != nil {
			return nil, err
		}
	}
	if at.IsZero() {
		at = db.now()
	}
	out := make([]core.RecordUpsertResult, len(recs))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		find, err := tx.PrepareContext(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE kind = ? AND source = ? AND key = ?")
		if err != nil {
			return err
		}
		defer find.Close()
		seen, err := tx.PrepareContext(ctx, "UPDATE records SET seen_at = ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer seen.Close()
		stmts, err := prepareRecordStmts(ctx, tx)
		if err != nil {
			return err
		}
		defer stmts.close()
		for i, u := range recs {
			var cur *core.Record
			r, err := scanRecord(find.QueryRowContext(ctx, u.Kind, u.Source, u.Key).Scan)
			switch {
			case err == nil:
				cur = &r
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			next, ch, res := dbutil.ApplyUpsert(cur, u, actor, at)
			if ch == nil {
				if _, err := seen.ExecContext(ctx, micros(at), next.ID); err != nil {
					return err
				}
			} else if res.ID, err = stmts.write(ctx, next, cur, ch); err != nil {
				return err
			}
			out[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("upsert records: %w", err)
	}
	return out, nil
}

// Record implements core.RecordStore.
func (db *DB) Record(ctx context.Context, id int64) (core.Record, error) {
	r, err := recordByID(ctx, db.read, id)
	if err != nil {
		return core.Record{}, fmt.Errorf("record: %w", err)
	}
	return r, nil
}

// Records implements core.RecordStore.
func (db *DB) Records(ctx context.Context, f core.RecordFilter) ([]core.Record, int, error) {
	total, err := db.CountRecords(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	limit, offset := dbutil.RecordLimit(f)
	out := []core.Record{}
	if offset >= total {
		return out, total, nil
	}
	where, args := recordSQL.Where(f)
	// The page's IDs first, from an index where the filter allows
	// (records_kind_status, records_community), then only their rows.
	rows, err := db.read.QueryContext(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE id IN (SELECT id FROM records WHERE "+
		where+" ORDER BY id LIMIT ? OFFSET ?) ORDER BY id", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("records: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows.Scan)
		if err != nil {
			return nil, 0, fmt.Errorf("records: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("records: %w", translate(err))
	}
	return out, total, nil
}

// CountRecords implements core.RecordStore.
func (db *DB) CountRecords(ctx context.Context, f core.RecordFilter) (int, error) {
	where, args := recordSQL.Where(f)
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM records WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count records: %w", translate(err))
	}
	return n, nil
}

// scanPage is how many records ScanRecords reads at a time.
const scanPage = 1000

// ScanRecords implements core.RecordStore.
func (db *DB) ScanRecords(ctx context.Context, f core.RecordFilter, fn func(core.Record) error) error {
	where, args := recordSQL.Where(f)
	var last int64
	for {
		page, err := func() ([]core.Record, error) {
			rows, err := db.read.QueryContext(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE "+where+" AND id > ? ORDER BY id LIMIT ?",
				append(args[:len(args):len(args)], last, scanPage)...)
			if err != nil {
				return nil, translate(err)
			}
			defer rows.Close()
			var page []core.Record
			for rows.Next() {
				r, err := scanRecord(rows.Scan)
				if err != nil {
					return nil, err
				}
				page = append(page, r)
			}
			return page, translate(rows.Err())
		}()
		if err != nil {
			return fmt.Errorf("scan records: %w", err)
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		last = page[len(page)-1].ID
	}
}

// RecordHistory implements core.RecordStore.
func (db *DB) RecordHistory(ctx context.Context, id int64) ([]core.RecordChange, error) {
	if _, err := recordByID(ctx, db.read, id); err != nil {
		return nil, fmt.Errorf("record history: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT record_id, version, at, actor, action, changes, note FROM record_changes
		WHERE record_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("record history: %w", translate(err))
	}
	defer rows.Close()
	var out []core.RecordChange
	for rows.Next() {
		var c core.RecordChange
		var at sql.NullInt64
		var changes string
		if err := rows.Scan(&c.RecordID, &c.Version, &at, &c.Actor, &c.Action, &changes, &c.Note); err != nil {
			return nil, fmt.Errorf("record history: %w", err)
		}
		c.At = fromMicros(at)
		if c.Changes, err = dbutil.ParseChangesJSON(changes); err != nil {
			return nil, fmt.Errorf("record history: %w", err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// changeRecord reads record id in a write transaction, applies apply to it
// and stores the result with its history entry.
func (db *DB) changeRecord(ctx context.Context, id int64, what string, apply func(cur core.Record, at time.Time) (core.Record, core.RecordChange, error)) (core.Record, error) {
	var out core.Record
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := recordByID(ctx, tx, id)
		if err != nil {
			return err
		}
		next, ch, err := apply(cur, db.now())
		if err != nil {
			return err
		}
		if _, err := writeRecord(ctx, tx, next, &cur, &ch); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return core.Record{}, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// FixRecord implements core.RecordStore.
func (db *DB) FixRecord(ctx context.Context, id int64, fix core.RecordFix) (core.Record, error) {
	return db.changeRecord(ctx, id, "fix record", func(cur core.Record, at time.Time) (core.Record, core.RecordChange, error) {
		return dbutil.ApplyFix(cur, fix, at)
	})
}

// RetireRecord implements core.RecordStore.
func (db *DB) RetireRecord(ctx context.Context, id int64, actor, note string, version int) (core.Record, error) {
	return db.changeRecord(ctx, id, "retire record", func(cur core.Record, at time.Time) (core.Record, core.RecordChange, error) {
		return dbutil.ApplyStatus(cur, core.RecordRetired, actor, note, version, at)
	})
}

// RestoreRecord implements core.RecordStore.
func (db *DB) RestoreRecord(ctx context.Context, id int64, actor, note string, version int) (core.Record, error) {
	return db.changeRecord(ctx, id, "restore record", func(cur core.Record, at time.Time) (core.Record, core.RecordChange, error) {
		return dbutil.ApplyStatus(cur, core.RecordActive, actor, note, version, at)
	})
}

// AddRecordLoad implements core.RecordStore.
func (db *DB) AddRecordLoad(ctx context.Context, l core.RecordLoad) (int64, error) {
	if l.Kind == "" {
		return 0, core.InvalidField("kind", "缺少记录类别")
	}
	if err := core.CheckRecordSource(l.Source); err != nil {
		return 0, err
	}
	if l.At.IsZero() {
		l.At = db.now()
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO record_loads (kind, source, at, actor, files, row_count, created, updated, unchanged,
			rejected, duplicates, fix_kept) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			l.Kind, l.Source, micros(l.At), l.Actor, dbutil.ListJSON(l.Files), l.Rows, l.Created, l.Updated, l.Unchanged,
			l.Rejected, l.Duplicates, l.FixKept).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add record load: %w", err)
	}
	return id, nil
}

const loadColumns = "id, kind, source, at, actor, files, row_count, created, updated, unchanged, rejected, duplicates, fix_kept"

func scanLoad(scan func(dest ...any) error) (core.RecordLoad, error) {
	var l core.RecordLoad
	var at sql.NullInt64
	var files string
	if err := scan(&l.ID, &l.Kind, &l.Source, &at, &l.Actor, &files, &l.Rows, &l.Created, &l.Updated, &l.Unchanged,
		&l.Rejected, &l.Duplicates, &l.FixKept); err != nil {
		return core.RecordLoad{}, err
	}
	l.At = fromMicros(at)
	var err error
	l.Files, err = dbutil.ParseListJSON(files)
	return l, err
}

// RecordLoads implements core.RecordStore.
func (db *DB) RecordLoads(ctx context.Context, kind, source string, limit int) ([]core.RecordLoad, error) {
	if limit <= 0 {
		limit = core.DefaultLimit
	}
	where, args := recordSQL.Where(core.RecordFilter{Kind: kind, Source: source})
	rows, err := db.read.QueryContext(ctx, "SELECT "+loadColumns+" FROM record_loads WHERE "+where+" ORDER BY id DESC LIMIT ?",
		append(args, min(limit, core.MaxLimit))...)
	if err != nil {
		return nil, fmt.Errorf("record loads: %w", translate(err))
	}
	defer rows.Close()
	var out []core.RecordLoad
	for rows.Next() {
		l, err := scanLoad(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("record loads: %w", err)
		}
		out = append(out, l)
	}
	return out, translate(rows.Err())
}

// RecordSources implements core.RecordStore.
func (db *DB) RecordSources(ctx context.Context, kind string) ([]core.RecordSource, error) {
	where, args := recordSQL.Where(core.RecordFilter{Kind: kind})
	rows, err := db.read.QueryContext(ctx, `SELECT kind, source, sum(status = 'active'), sum(status = 'retired'),
		sum(status = 'active' AND flagged <> 0) FROM records WHERE `+where+` GROUP BY kind, source`, args...)
	if err != nil {
		return nil, fmt.Errorf("record sources: %w", translate(err))
	}
	bySource := map[[2]string]*core.RecordSource{}
	var out []*core.RecordSource
	for rows.Next() {
		s := &core.RecordSource{}
		if err := rows.Scan(&s.Kind, &s.Source, &s.Active, &s.Retired, &s.Flagged); err != nil {
			rows.Close()
			return nil, fmt.Errorf("record sources: %w", err)
		}
		bySource[[2]string{s.Kind, s.Source}] = s
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("record sources: %w", translate(err))
	}
	rows, err = db.read.QueryContext(ctx, `SELECT `+loadColumns+` FROM (SELECT *, row_number() OVER (PARTITION BY kind, source
		ORDER BY id DESC) AS rn FROM record_loads WHERE `+where+`) AS l WHERE rn <= 2 ORDER BY kind, source, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("record sources: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLoad(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("record sources: %w", err)
		}
		s := bySource[[2]string{l.Kind, l.Source}]
		if s == nil {
			s = &core.RecordSource{Kind: l.Kind, Source: l.Source}
			bySource[[2]string{l.Kind, l.Source}] = s
			out = append(out, s)
		}
		if s.Last.ID == 0 {
			s.Last = l
		} else {
			s.Previous = l
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("record sources: %w", translate(err))
	}
	return dbutil.SortSources(out), nil
}
