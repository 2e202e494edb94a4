package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// recordIndexVersion is the migration that creates the record index
// (record_keys, record_grams); its Go step fills them.
const recordIndexVersion = 21

// recordKeysPartsVersion is the migration after which the records' keys
// are rewritten (address parts as numbers, linkage.PartNumber).
const recordKeysPartsVersion = 24

// indexStmts write a record's rows of the record index; each takes the
// record's ID and a JSON array (of [type, value] pairs, of grams).
type indexStmts struct {
	delKeys, delGrams, keys, grams *sql.Stmt
}

func prepareIndexStmts(ctx context.Context, tx *sql.Tx) (*indexStmts, error) {
	var st indexStmts
	for _, p := range []struct {
		to  **sql.Stmt
		sql string
	}{
		{&st.delKeys, "DELETE FROM record_keys WHERE record_id = ?1 AND (type, value) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?2))"},
		{&st.delGrams, "DELETE FROM record_grams WHERE record_id = ?1 AND gram IN (SELECT value FROM json_each(?2))"},
		{&st.keys, "INSERT INTO record_keys (record_id, type, value) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)"},
		{&st.grams, "INSERT INTO record_grams (record_id, gram) SELECT ?, value FROM json_each(?)"},
	} {
		s, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, err
		}
		*p.to = s
	}
	return &st, nil
}

func (st *indexStmts) close() {
	for _, s := range []*sql.Stmt{st.delKeys, st.delGrams, st.keys, st.grams} {
		if s != nil {
			s.Close()
		}
	}
}

// index writes the index rows of record r (stored with ID id). old is
// the record as stored before (nil: it has no rows yet): only the rows of
// old that r lacks are deleted and only r's new ones inserted, which makes
// a re-import that changes a phone a write of two rows, not of thirty.
// The rows of old are computed, not read, so the index must be what the
// current code makes of every record: a change to linkage.RecordKeys or
// TextGrams needs a migration that rebuilds it (as 0024 does).
func (st *indexStmts) index(ctx context.Context, id int64, r core.Record, old *core.Record) error {
	keys, grams := dbutil.RecordIndex(r)
	newKeys := make([][2]string, len(keys))
	for i, k := range keys {
		newKeys[i] = [2]string{k.Type, k.Value}
	}
	addKeys, addGrams := newKeys, grams
	if old != nil {
		okeys, ograms := dbutil.RecordIndex(*old)
		oldKeys := make([][2]string, len(okeys))
		for i, k := range okeys {
			oldKeys[i] = [2]string{k.Type, k.Value}
		}
		var delKeys [][2]string
		delKeys, addKeys = dbutil.SetDiff(oldKeys, newKeys)
		var delGrams []string
		delGrams, addGrams = dbutil.SetDiff(ograms, grams)
		if err := execJSON(ctx, st.delKeys, id, delKeys); err != nil {
			return err
		}
		if err := execJSON(ctx, st.delGrams, id, delGrams); err != nil {
			return err
		}
	}
	if err := execJSON(ctx, st.keys, id, addKeys); err != nil {
		return err
	}
	return execJSON(ctx, st.grams, id, addGrams)
}

// execJSON runs stmt with id and the JSON array of vs, unless vs is empty.
func execJSON[T any](ctx context.Context, stmt *sql.Stmt, id int64, vs []T) error {
	if len(vs) == 0 {
		return nil
	}
	b, err := json.Marshal(vs)
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, id, string(b))
	return err
}

// fillRecordIndex is the Go step of migrations 0021 and 0024: the index
// rows of the records stored before it (0024 emptied the index first).
func fillRecordIndex(ctx context.Context, tx *sql.Tx) error {
	st, err := prepareIndexStmts(ctx, tx)
	if err != nil {
		return err
	}
	defer st.close()
	var last int64
	for {
		n := 0
		rows, err := tx.QueryContext(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE id > ? ORDER BY id LIMIT ?", last, scanPage)
		if err != nil {
			return err
		}
		var page []core.Record
		for rows.Next() {
			r, err := scanRecord(rows.Scan)
			if err != nil {
				rows.Close()
				return err
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range page {
			if err := st.index(ctx, r.ID, r, nil); err != nil {
				return err
			}
			last, n = r.ID, n+1
		}
		if n < scanPage {
			return nil
		}
	}
}

// afterMigration runs the Go step of migration version, if it has one, in
// the migration's transaction.
func afterMigration(ctx context.Context, tx *sql.Tx, version int) error {
	if version == recordIndexVersion || version == recordKeysPartsVersion {
		return fillRecordIndex(ctx, tx)
	}
	return nil
}

// LookupRecords implements core.RecordStore.
func (db *DB) LookupRecords(ctx context.Context, f core.RecordFilter, keys []core.RecordKey) ([]core.Record, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	where, args := recordSQL.Where(f)
	pairs := make([][2]string, len(keys))
	for i, k := range keys {
		pairs[i] = [2]string{k.Type, k.Value}
	}
	b, _ := json.Marshal(pairs)
	// The keys' records first (a read of the key index), then f on those.
	query := `SELECT ` + dbutil.RecordColumns + ` FROM records WHERE id IN (SELECT k.record_id FROM json_each(?) AS j
		JOIN record_keys AS k ON k.type = j.value ->> 0 AND k.value = j.value ->> 1) AND ` + where + ` ORDER BY id LIMIT ?`
	rows, err := db.read.QueryContext(ctx, query, append(append([]any{string(b)}, args...), core.MaxLookup)...)
	if err != nil {
		return nil, fmt.Errorf("lookup records: %w", translate(err))
	}
	defer rows.Close()
	var out []core.Record
	for rows.Next() {
		r, err := scanRecord(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("lookup records: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lookup records: %w", translate(err))
	}
	return out, nil
}
