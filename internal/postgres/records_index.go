package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// recordIndexVersion is the migration that creates the record index
// (record_keys, record_grams); its Go step fills them.
const recordIndexVersion = 21

// recordKeysPartsVersion is the migration after which the records' keys
// are rewritten (address parts as numbers, linkage.PartNumber).
const recordKeysPartsVersion = 24

// indexRecords rewrites the rows of the record index of recs (stored, with
// their IDs): the old rows of those not fresh are deleted, and the rows of
// all are copied in.
func indexRecords(ctx context.Context, tx pgx.Tx, recs []*core.Record, fresh func(*core.Record) bool) error {
	var old []int64
	var keyRows, gramRows [][]any
	for _, r := range recs {
		if !fresh(r) {
			old = append(old, r.ID)
		}
		keys, grams := dbutil.RecordIndex(*r)
		for _, k := range keys {
			keyRows = append(keyRows, []any{k.Type, k.Value, r.ID})
		}
		for _, g := range grams {
			gramRows = append(gramRows, []any{g, r.ID})
		}
	}
	if len(old) > 0 {
		if _, err := tx.Exec(ctx, "DELETE FROM record_keys WHERE record_id = ANY($1)", old); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM record_grams WHERE record_id = ANY($1)", old); err != nil {
			return err
		}
	}
	if len(keyRows) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"record_keys"}, []string{"type", "value", "record_id"}, pgx.CopyFromRows(keyRows)); err != nil {
			return err
		}
	}
	if len(gramRows) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"record_grams"}, []string{"gram", "record_id"}, pgx.CopyFromRows(gramRows)); err != nil {
			return err
		}
	}
	return nil
}

func always(*core.Record) bool { return true }
func never(*core.Record) bool  { return false }

// fillRecordIndex is the Go step of migrations 0021 and 0024: the index
// rows of the records stored before it (0024 emptied the index first).
func fillRecordIndex(ctx context.Context, tx pgx.Tx) error {
	var last int64
	for {
		rows, err := tx.Query(ctx, "SELECT "+dbutil.RecordColumns+" FROM records WHERE id > $1 ORDER BY id LIMIT $2", last, scanPage)
		if err != nil {
			return err
		}
		var page []*core.Record
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				rows.Close()
				return err
			}
			page = append(page, &r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := indexRecords(ctx, tx, page, always); err != nil {
			return err
		}
		if len(page) < scanPage {
			return nil
		}
		last = page[len(page)-1].ID
	}
}

// afterMigration runs the Go step of migration version, if it has one, in
// the migration's transaction.
func afterMigration(ctx context.Context, tx pgx.Tx, version int) error {
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
	types, values := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		types[i], values[i] = k.Type, k.Value
	}
	n := len(args)
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	// The keys' records first (a read of the key index), then f on those.
	query := `SELECT ` + dbutil.RecordColumns + ` FROM records WHERE id IN (SELECT k.record_id FROM unnest(` + p(1) + `::text[], ` + p(2) +
		`::text[]) AS j (type, value) JOIN record_keys AS k ON k.type = j.type AND k.value = j.value) AND ` + where +
		` ORDER BY id LIMIT ` + p(3)
	rows, err := db.pool.Query(ctx, query, append(args, types, values, core.MaxLookup)...)
	if err != nil {
		return nil, fmt.Errorf("lookup records: %w", translate(err))
	}
	defer rows.Close()
	var out []core.Record
	for rows.Next() {
		r, err := scanRecord(rows)
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
