package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

var recordSQL = dbutil.RecordSQL{Postgres: true}

// scanRecord reads one row of dbutil.RecordColumns.
func scanRecord(row pgx.Row) (core.Record, error) {
	var r core.Record
	var vals, flags, fixed string
	if err := row.Scan(&r.ID, &r.Kind, &r.Source, &r.Key, &vals, &flags, &fixed, &r.Community, &r.Grid, &r.Status, &r.Version,
		&r.CreatedAt, &r.UpdatedAt, &r.SeenAt); err != nil {
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
	return r, nil
}

type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func recordByID(ctx context.Context, q rowQuerier, id int64, lock bool) (core.Record, error) {
	query := "SELECT " + dbutil.RecordColumns + " FROM records WHERE id = $1"
	if lock {
		query += " FOR UPDATE"
	}
	r, err := scanRecord(q.QueryRow(ctx, query, id))
	if err != nil {
		return core.Record{}, translate(err)
	}
	return r, nil
}

func recordArgs(r core.Record) []any {
	name, address, community, grid := dbutil.RecordMirror(r)
	return []any{dbutil.RecordJSON(r.Values), dbutil.RecordJSON(r.Flags), dbutil.ListJSON(r.Fixed), name, address, community, grid,
		r.Status, len(r.Flags) > 0, r.Version, r.UpdatedAt.Truncate(time.Microsecond), r.SeenAt.Truncate(time.Microsecond)}
}

// updateRecordSQL updates a record and appends its history entry in one
// round trip.
const (
	updateRecordSQL = `WITH r AS (UPDATE records SET vals = $1, flags = $2, fixed = $3, name = $4, address = $5, community = $6,
		grid = $7, status = $8, flagged = $9, version = $10, updated_at = $11, seen_at = $12 WHERE id = $13 RETURNING id)
		INSERT INTO record_changes (record_id, version, at, actor, action, changes, note)
		SELECT id, $14::integer, $15::timestamptz, $16::text, $17::text, $18::text, $19::text FROM r`
)

func changeArgs(ch *core.RecordChange) []any {
	return []any{ch.Version, ch.At.Truncate(time.Microsecond), ch.Actor, ch.Action, dbutil.ChangesJSON(ch.Changes), ch.Note}
}

// UpsertRecords implements core.RecordStore. The stored records of the
// batch are read in one query per kind and source, decided in memory, and
// written as tickets are: new records and every history entry by COPY,
// updates in one batch of statements, the records only seen in one
// statement.
func (db *DB) UpsertRecords(ctx context.Context, recs []core.RecordUpsert, actor string, at time.Time) ([]core.RecordUpsertResult, error) {
	for _, u := range recs {
		if err := core.CheckRecordUpsert(u); err != nil {
			return nil, err
		}
	}
	if at.IsZero() {
		at = db.now()
	}
	at = at.Truncate(time.Microsecond)
	var out []core.RecordUpsertResult
	type rk struct{ kind, source, key string }
	upsert := func(tx pgx.Tx) error {
		out = make([]core.RecordUpsertResult, len(recs))
		keys := map[[2]string][]string{}
		for _, u := range recs {
			ks := [2]string{u.Kind, u.Source}
			keys[ks] = append(keys[ks], u.Key)
		}
		stored := map[rk]*core.Record{}
		for ks, list := range keys {
			rows, err := tx.Query(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE kind = $1 AND source = $2 AND key = ANY($3) FOR UPDATE",
				ks[0], ks[1], list)
			if err != nil {
				return err
			}
			for rows.Next() {
				r, err := scanRecord(rows)
				if err != nil {
					rows.Close()
					return err
				}
				stored[rk{r.Kind, r.Source, r.Key}] = &r
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		type change struct {
			rec *core.Record // its ID is known once the creates have theirs
			ch  *core.RecordChange
		}
		var creates, updates []*core.Record
		var changes []change
		isNew := map[*core.Record]bool{}
		isUpdated := map[*core.Record]bool{}
		var seen []int64
		resRec := make([]*core.Record, len(recs))
		for i, u := range recs {
			k := rk{u.Kind, u.Source, u.Key}
			cur := stored[k]
			next, ch, res := dbutil.ApplyUpsert(cur, u, actor, at)
			out[i] = res
			switch {
			case cur == nil:
				r := &next
				stored[k], isNew[r] = r, true
				creates = append(creates, r)
				changes = append(changes, change{r, ch})
			case ch == nil:
				if !isNew[cur] && !isUpdated[cur] {
					seen = append(seen, cur.ID)
				}
			default:
				*cur = next // the batch's later rows see it; a new record is copied as it ends
				if !isNew[cur] && !isUpdated[cur] {
					isUpdated[cur] = true
					updates = append(updates, cur)
				}
				changes = append(changes, change{cur, ch})
			}
			resRec[i] = stored[k]
		}
		if len(creates) > 0 {
			rows, err := tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence('records', 'id')) FROM generate_series(1, $1)", len(creates))
			if err != nil {
				return err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			copyRows := make([][]any, len(creates))
			for i, r := range creates {
				r.ID = ids[i]
				copyRows[i] = append([]any{r.ID, r.Kind, r.Source, r.Key, r.CreatedAt.Truncate(time.Microsecond)}, recordArgs(*r)...)
			}
			cols := []string{"id", "kind", "source", "key", "created_at", "vals", "flags", "fixed", "name", "address", "community", "grid",
				"status", "flagged", "version", "updated_at", "seen_at"}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"records"}, cols, pgx.CopyFromRows(copyRows)); err != nil {
				return err
			}
		}
		if len(updates) > 0 {
			var b pgx.Batch
			for _, r := range updates {
				b.Queue(`UPDATE records SET vals = $1, flags = $2, fixed = $3, name = $4, address = $5, community = $6, grid = $7,
					status = $8, flagged = $9, version = $10, updated_at = $11, seen_at = $12 WHERE id = $13`, append(recordArgs(*r), r.ID)...)
			}
			if err := tx.SendBatch(ctx, &b).Close(); err != nil {
				return err
			}
		}
		if err := indexRecords(ctx, tx, append(creates[:len(creates):len(creates)], updates...), func(r *core.Record) bool { return isNew[r] }); err != nil {
			return err
		}
		if len(seen) > 0 {
			if _, err := tx.Exec(ctx, "UPDATE records SET seen_at = $1 WHERE id = ANY($2)", at, seen); err != nil {
				return err
			}
		}
		if len(changes) > 0 {
			rows := make([][]any, len(changes))
			for i, c := range changes {
				rows[i] = append([]any{c.rec.ID}, changeArgs(c.ch)...)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"record_changes"}, []string{"record_id", "version", "at", "actor", "action", "changes", "note"},
				pgx.CopyFromRows(rows)); err != nil {
				return err
			}
		}
		for i, r := range resRec {
			out[i].ID = r.ID
		}
		return nil
	}
	err := db.inTx(ctx, upsert)
	for try := 0; try < 3 && core.ErrorCode(err) == core.ECONFLICT; try++ {
		// Another load created one of the new keys meanwhile; run again,
		// and the record is found this time.
		err = db.inTx(ctx, upsert)
	}
	if err != nil {
		return nil, fmt.Errorf("upsert records: %w", err)
	}
	return out, nil
}

// Record implements core.RecordStore.
func (db *DB) Record(ctx context.Context, id int64) (core.Record, error) {
	r, err := recordByID(ctx, db.pool, id, false)
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
	n := len(args)
	// The page's IDs first, from an index where the filter allows
	// (records_kind_status, records_community), then only their rows.
	rows, err := db.pool.Query(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE id IN (SELECT id FROM records WHERE "+where+
		" ORDER BY id LIMIT $"+strconv.Itoa(n+1)+" OFFSET $"+strconv.Itoa(n+2)+") ORDER BY id", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("records: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
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
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM records WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count records: %w", translate(err))
	}
	return n, nil
}

// scanPage is how many records ScanRecords reads at a time.
const scanPage = 1000

// ScanRecords implements core.RecordStore.
func (db *DB) ScanRecords(ctx context.Context, f core.RecordFilter, fn func(core.Record) error) error {
	where, args := recordSQL.Where(f)
	n := len(args)
	query := "SELECT " + dbutil.RecordColumns + " FROM records WHERE " + where + " AND id > $" + strconv.Itoa(n+1) +
		" ORDER BY id LIMIT $" + strconv.Itoa(n+2)
	var last int64
	for {
		page, err := func() ([]core.Record, error) {
			rows, err := db.pool.Query(ctx, query, append(args[:n:n], last, scanPage)...)
			if err != nil {
				return nil, translate(err)
			}
			defer rows.Close()
			var page []core.Record
			for rows.Next() {
				r, err := scanRecord(rows)
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
	if _, err := recordByID(ctx, db.pool, id, false); err != nil {
		return nil, fmt.Errorf("record history: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT record_id, version, at, actor, action, changes, note FROM record_changes
		WHERE record_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("record history: %w", translate(err))
	}
	defer rows.Close()
	var out []core.RecordChange
	for rows.Next() {
		var c core.RecordChange
		var changes string
		if err := rows.Scan(&c.RecordID, &c.Version, &c.At, &c.Actor, &c.Action, &changes, &c.Note); err != nil {
			return nil, fmt.Errorf("record history: %w", err)
		}
		if c.Changes, err = dbutil.ParseChangesJSON(changes); err != nil {
			return nil, fmt.Errorf("record history: %w", err)
		}
		out = append(out, c)
	}
	return out, translate(rows.Err())
}

// changeRecord reads and locks record id in a transaction, applies apply
// to it and stores the result with its history entry.
func (db *DB) changeRecord(ctx context.Context, id int64, what string, apply func(cur core.Record, at time.Time) (core.Record, core.RecordChange, error)) (core.Record, error) {
	var out core.Record
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := recordByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		next, ch, err := apply(cur, db.now().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, updateRecordSQL, append(append(recordArgs(next), next.ID), changeArgs(&ch)...)...); err != nil {
			return err
		}
		if err := indexRecords(ctx, tx, []*core.Record{&next}, never); err != nil {
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
	err := db.pool.QueryRow(ctx, `INSERT INTO record_loads (kind, source, at, actor, files, row_count, created, updated, unchanged,
		rejected, duplicates, fix_kept) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		l.Kind, l.Source, l.At.Truncate(time.Microsecond), l.Actor, dbutil.ListJSON(l.Files), l.Rows, l.Created, l.Updated, l.Unchanged,
		l.Rejected, l.Duplicates, l.FixKept).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add record load: %w", translate(err))
	}
	return id, nil
}

const loadColumns = "id, kind, source, at, actor, files, row_count, created, updated, unchanged, rejected, duplicates, fix_kept"

func scanLoad(row pgx.Row) (core.RecordLoad, error) {
	var l core.RecordLoad
	var files string
	if err := row.Scan(&l.ID, &l.Kind, &l.Source, &l.At, &l.Actor, &files, &l.Rows, &l.Created, &l.Updated, &l.Unchanged,
		&l.Rejected, &l.Duplicates, &l.FixKept); err != nil {
		return core.RecordLoad{}, err
	}
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
	rows, err := db.pool.Query(ctx, "SELECT "+loadColumns+" FROM record_loads WHERE "+where+" ORDER BY id DESC LIMIT $"+
		strconv.Itoa(len(args)+1), append(args, min(limit, core.MaxLimit))...)
	if err != nil {
		return nil, fmt.Errorf("record loads: %w", translate(err))
	}
	defer rows.Close()
	var out []core.RecordLoad
	for rows.Next() {
		l, err := scanLoad(rows)
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
	rows, err := db.pool.Query(ctx, `SELECT kind, source, count(*) FILTER (WHERE status = 'active'),
		count(*) FILTER (WHERE status = 'retired'), count(*) FILTER (WHERE status = 'active' AND flagged)
		FROM records WHERE `+where+` GROUP BY kind, source`, args...)
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
	rows, err = db.pool.Query(ctx, `SELECT `+loadColumns+` FROM (SELECT *, row_number() OVER (PARTITION BY kind, source
		ORDER BY id DESC) AS rn FROM record_loads WHERE `+where+`) AS l WHERE rn <= 2 ORDER BY kind, source, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("record sources: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLoad(rows)
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
