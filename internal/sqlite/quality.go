package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jiceng/internal/core"
)

const qualityColumns = `id, kind, at, by_user, score, status, checks, failed`

// AddQualityRun implements core.QualityStore.
func (db *DB) AddQualityRun(ctx context.Context, r core.QualityRun) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO quality_runs (kind, at, by_user, score, status, checks, failed, result)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.Kind, micros(r.At), r.By, r.Score, r.Status, r.Checks, r.Failed, r.Result)
		if err != nil {
			return fmt.Errorf("add quality run: %w", translate(err))
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

func scanQualityRun(scan func(...any) error, result bool) (core.QualityRun, error) {
	var (
		r    core.QualityRun
		at   sql.NullInt64
		dest = []any{&r.ID, &r.Kind, &at, &r.By, &r.Score, &r.Status, &r.Checks, &r.Failed}
	)
	if result {
		dest = append(dest, &r.Result)
	}
	err := scan(dest...)
	r.At = fromMicros(at)
	return r, err
}

// QualityRuns implements core.QualityStore.
func (db *DB) QualityRuns(ctx context.Context, kind string, limit int) ([]core.QualityRun, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+qualityColumns+` FROM quality_runs WHERE ? = '*' OR kind = ?
		ORDER BY at DESC, id DESC LIMIT ?`, kind, kind, limit)
	if err != nil {
		return nil, fmt.Errorf("quality runs: %w", translate(err))
	}
	defer rows.Close()
	var out []core.QualityRun
	for rows.Next() {
		r, err := scanQualityRun(rows.Scan, false)
		if err != nil {
			return nil, fmt.Errorf("quality runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// QualityRun implements core.QualityStore.
func (db *DB) QualityRun(ctx context.Context, id int64) (core.QualityRun, error) {
	r, err := scanQualityRun(db.read.QueryRowContext(ctx, `SELECT `+qualityColumns+`, result FROM quality_runs WHERE id = ?`, id).Scan, true)
	if errors.Is(err, sql.ErrNoRows) {
		return r, core.Errorf(core.ENOTFOUND, "数据质量检查记录不存在")
	}
	if err != nil {
		return r, fmt.Errorf("quality run: %w", translate(err))
	}
	return r, nil
}
