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

// stage inserts rules as a new version and returns it.
func stage(ctx context.Context, tx *sql.Tx, rules []core.DispatchRule, v core.CatalogueVersion) (core.CatalogueVersion, error) {
	js, err := dbutil.RulesJSON(rules)
	if err != nil {
		return v, err
	}
	v.Rules, v.AppliedAt = len(rules), time.Time{}
	v.CreatedAt = dbutil.Micro(v.CreatedAt)
	err = tx.QueryRowContext(ctx, `INSERT INTO dispatch_catalogue_versions (created_at, created_by, source, rule_count, rules)
		VALUES (?, ?, ?, ?, ?) RETURNING version`, micros(v.CreatedAt), v.CreatedBy, v.Source, v.Rules, js).Scan(&v.Version)
	return v, err
}

// apply makes rules, of version, the catalogue in force.
func apply(ctx context.Context, tx *sql.Tx, version int, rules []core.DispatchRule, at time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE dispatch_catalogue_versions SET applied_at = ? WHERE version = ?", micros(dbutil.Micro(at)), version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM dispatch_rules"); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO dispatch_rules (id, category1, category2, category3, keywords,
		community, unit, co_units, priority, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, r := range rules {
		if _, err := st.ExecContext(ctx, i+1, r.Category1, r.Category2, r.Category3, dbutil.JSONList(r.Keywords),
			r.Community, r.Unit, dbutil.JSONList(r.CoUnits), r.Priority, r.Note); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceDispatchRules makes rules the catalogue at once, as a new version.
func (db *DB) ReplaceDispatchRules(ctx context.Context, rules []core.DispatchRule, v core.CatalogueVersion) (core.CatalogueVersion, error) {
	if err := dbutil.CheckRules(rules); err != nil {
		return v, err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = stage(ctx, tx, rules, v); err != nil {
			return err
		}
		v.AppliedAt = dbutil.Micro(v.CreatedAt)
		return apply(ctx, tx, v.Version, rules, v.AppliedAt)
	})
	if err != nil {
		return v, fmt.Errorf("replace dispatch rules: %w", translate(err))
	}
	return v, nil
}

// StageDispatchRules records rules as a version awaiting confirmation.
func (db *DB) StageDispatchRules(ctx context.Context, rules []core.DispatchRule, v core.CatalogueVersion) (core.CatalogueVersion, error) {
	if err := dbutil.CheckRules(rules); err != nil {
		return v, err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM dispatch_catalogue_versions WHERE applied_at IS NULL AND (created_by = ? OR created_at < ?)`,
			v.CreatedBy, micros(v.CreatedAt.Add(-24*time.Hour))); err != nil {
			return err
		}
		var err error
		v, err = stage(ctx, tx, rules, v)
		return err
	})
	if err != nil {
		return v, fmt.Errorf("stage dispatch rules: %w", translate(err))
	}
	return v, nil
}

// ApplyCatalogueVersion makes a staged version the catalogue.
func (db *DB) ApplyCatalogueVersion(ctx context.Context, version, base int, at time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var js string
		err := tx.QueryRowContext(ctx, "SELECT rules FROM dispatch_catalogue_versions WHERE version = ? AND applied_at IS NULL", version).Scan(&js)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(core.ENOTFOUND, "没有待确认的第 %d 版派单目录（可能已确认或已过期），请重新上传", version)
		}
		if err != nil {
			return err
		}
		cur, err := current(ctx, tx)
		if err != nil {
			return err
		}
		if cur.Version != base {
			return dbutil.CatalogueConflict(cur)
		}
		rules, err := dbutil.ParseRules(js)
		if err != nil {
			return err
		}
		return apply(ctx, tx, version, rules, at)
	})
	if err != nil {
		return fmt.Errorf("apply catalogue version %d: %w", version, translate(err))
	}
	return nil
}

const versionCols = "version, created_at, created_by, source, rule_count, applied_at"

func scanVersion(row scanner) (core.CatalogueVersion, error) {
	var (
		v                  core.CatalogueVersion
		created, appliedAt sql.NullInt64
	)
	err := row.Scan(&v.Version, &created, &v.CreatedBy, &v.Source, &v.Rules, &appliedAt)
	v.CreatedAt, v.AppliedAt = fromMicros(created), fromMicros(appliedAt)
	return v, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// current returns the version applied last, or Version 0.
func current(ctx context.Context, q querier) (core.CatalogueVersion, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, "SELECT "+versionCols+` FROM dispatch_catalogue_versions
		WHERE applied_at IS NOT NULL ORDER BY applied_at DESC, version DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return core.CatalogueVersion{}, nil
	}
	return v, err
}

// CurrentCatalogue returns the version in force (Version 0 when none).
func (db *DB) CurrentCatalogue(ctx context.Context) (core.CatalogueVersion, error) {
	v, err := current(ctx, db.read)
	if err != nil {
		return v, fmt.Errorf("current catalogue: %w", err)
	}
	return v, nil
}

// CatalogueVersions returns the versions, newest first.
func (db *DB) CatalogueVersions(ctx context.Context, limit int) ([]core.CatalogueVersion, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+versionCols+" FROM dispatch_catalogue_versions ORDER BY version DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("catalogue versions: %w", err)
	}
	defer rows.Close()
	var out []core.CatalogueVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("catalogue versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CatalogueVersionRules returns a version and its rules.
func (db *DB) CatalogueVersionRules(ctx context.Context, version int) (core.CatalogueVersion, []core.DispatchRule, error) {
	var (
		v                  core.CatalogueVersion
		created, appliedAt sql.NullInt64
		js                 string
	)
	err := db.read.QueryRowContext(ctx, "SELECT "+versionCols+", rules FROM dispatch_catalogue_versions WHERE version = ?", version).
		Scan(&v.Version, &created, &v.CreatedBy, &v.Source, &v.Rules, &appliedAt, &js)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil, core.Errorf(core.ENOTFOUND, "没有第 %d 版派单目录", version)
	}
	if err != nil {
		return v, nil, fmt.Errorf("catalogue version %d: %w", version, err)
	}
	v.CreatedAt, v.AppliedAt = fromMicros(created), fromMicros(appliedAt)
	rules, err := dbutil.ParseRules(js)
	return v, rules, err
}
