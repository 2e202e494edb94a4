package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

const qualityColumns = `id, kind, at, by_user, score, status, checks, failed`

// AddQualityRun implements core.QualityStore.
func (db *DB) AddQualityRun(ctx context.Context, r core.QualityRun) (int64, error) {
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO quality_runs (kind, at, by_user, score, status, checks, failed, result)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.Kind, r.At, r.By, r.Score, r.Status, r.Checks, r.Failed, r.Result).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add quality run: %w", translate(err))
	}
	return id, nil
}

func scanQualityRun(scan func(...any) error, result bool) (core.QualityRun, error) {
	var r core.QualityRun
	var checks, failed int32
	dest := []any{&r.ID, &r.Kind, &r.At, &r.By, &r.Score, &r.Status, &checks, &failed}
	if result {
		dest = append(dest, &r.Result)
	}
	err := scan(dest...)
	r.Checks, r.Failed = int(checks), int(failed)
	return r, err
}

// QualityRuns implements core.QualityStore.
func (db *DB) QualityRuns(ctx context.Context, kind string, limit int) ([]core.QualityRun, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+qualityColumns+` FROM quality_runs WHERE $1 = '*' OR kind = $1
		ORDER BY at DESC, id DESC LIMIT $2`, kind, limit)
	if err != nil {
		return nil, fmt.Errorf("quality runs: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.QualityRun, error) { return scanQualityRun(r.Scan, false) })
	if err != nil {
		return nil, fmt.Errorf("quality runs: %w", translate(err))
	}
	return out, nil
}

// QualityRun implements core.QualityStore.
func (db *DB) QualityRun(ctx context.Context, id int64) (core.QualityRun, error) {
	r, err := scanQualityRun(db.pool.QueryRow(ctx, `SELECT `+qualityColumns+`, result FROM quality_runs WHERE id = $1`, id).Scan, true)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, core.Errorf(core.ENOTFOUND, "数据质量检查记录不存在")
	}
	if err != nil {
		return r, fmt.Errorf("quality run: %w", translate(err))
	}
	return r, nil
}
