package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// insertSetting adds content as the next version of name, applied at
// applied (zero: staged). The caller holds the name's lock.
func insertSetting(ctx context.Context, tx pgx.Tx, name string, content []byte, source, by string, at, applied time.Time) (int, error) {
	var v int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) + 1 FROM settings_versions WHERE name = $1", name).Scan(&v); err != nil {
		return 0, err
	}
	if content == nil {
		content = []byte{}
	}
	var appliedAt *time.Time
	if !applied.IsZero() {
		a := dbutil.Micro(applied)
		appliedAt = &a
	}
	_, err := tx.Exec(ctx, `INSERT INTO settings_versions (name, version, content, source, created_by, created_at, applied_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, name, int32(v), content, source, by, dbutil.Micro(at), appliedAt)
	return v, err
}

// lockSetting serialises the changes of one setting's versions.
func lockSetting(ctx context.Context, tx pgx.Tx, name string) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('jiceng.settings.' || $1))", name)
	return err
}

// currentSetting is the version of name applied last (0: none).
func currentSetting(ctx context.Context, q querier, name string) (int, error) {
	var v int
	err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM settings_versions WHERE name = $1 AND applied_at IS NOT NULL", name).Scan(&v)
	return v, err
}

// PutSetting records content as a new applied version of name.
func (db *DB) PutSetting(ctx context.Context, name string, content []byte, source, by string, at time.Time) (int, error) {
	if err := core.CheckSetting(name, content); err != nil {
		return 0, err
	}
	var v int
	err := db.inTx(ctx, func(tx pgx.Tx) (err error) {
		if err := lockSetting(ctx, tx, name); err != nil {
			return err
		}
		v, err = insertSetting(ctx, tx, name, content, source, by, at, at)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("put setting %s: %w", name, err)
	}
	return v, nil
}

// StageSetting records content as a version of name awaiting confirmation.
func (db *DB) StageSetting(ctx context.Context, name string, content []byte, source, by string, at time.Time) (int, error) {
	if err := core.CheckSetting(name, content); err != nil {
		return 0, err
	}
	var v int
	err := db.inTx(ctx, func(tx pgx.Tx) (err error) {
		if err := lockSetting(ctx, tx, name); err != nil {
			return err
		}
		// The newest row stays, so that a version number is never reused.
		if _, err := tx.Exec(ctx, `DELETE FROM settings_versions WHERE name = $1 AND applied_at IS NULL
			AND (created_by = $2 OR created_at < $3)
			AND version < (SELECT max(version) FROM settings_versions WHERE name = $1)`,
			name, by, at.Add(-24*time.Hour)); err != nil {
			return err
		}
		v, err = insertSetting(ctx, tx, name, content, source, by, at, time.Time{})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("stage setting %s: %w", name, err)
	}
	return v, nil
}

// ApplySetting makes a staged version the setting in force.
func (db *DB) ApplySetting(ctx context.Context, name string, version, base int, by string, at time.Time) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockSetting(ctx, tx, name); err != nil {
			return err
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM settings_versions
			WHERE name = $1 AND version = $2 AND applied_at IS NULL AND created_by = $3`, name, int32(version), by).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return core.Errorf(core.ENOTFOUND, "没有待确认的第 %d 版（可能已确认或已过期），请重新上传", version)
		}
		cur, err := currentSetting(ctx, tx, name)
		if err != nil {
			return err
		}
		if cur != base {
			return core.SettingConflict(cur)
		}
		_, err = tx.Exec(ctx, "UPDATE settings_versions SET applied_at = $1 WHERE name = $2 AND version = $3",
			dbutil.Micro(at), name, int32(version))
		return err
	})
	if err != nil {
		return fmt.Errorf("apply setting %s version %d: %w", name, version, err)
	}
	return nil
}

// Setting returns the setting in force.
func (db *DB) Setting(ctx context.Context, name string) ([]byte, int, error) {
	var content []byte
	var v int
	err := db.pool.QueryRow(ctx, `SELECT content, version FROM settings_versions
		WHERE name = $1 AND applied_at IS NOT NULL ORDER BY version DESC LIMIT 1`, name).Scan(&content, &v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, core.Errorf(core.ENOTFOUND, "设置 %s 尚无保存的版本", name)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("setting %s: %w", name, err)
	}
	return content, v, nil
}

const settingCols = "name, version, source, created_by, created_at, applied_at, length(content)"

func scanSetting(row pgx.Row, extra ...any) (core.SettingVersion, error) {
	var (
		v       core.SettingVersion
		applied *time.Time
	)
	err := row.Scan(append([]any{&v.Name, &v.Version, &v.Source, &v.CreatedBy, &v.CreatedAt, &applied, &v.Size}, extra...)...)
	if applied != nil {
		v.AppliedAt = *applied
	}
	return v, err
}

// SettingVersions returns the applied versions of name, newest first.
func (db *DB) SettingVersions(ctx context.Context, name string, limit int) ([]core.SettingVersion, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+settingCols+` FROM settings_versions
		WHERE name = $1 AND applied_at IS NOT NULL ORDER BY version DESC LIMIT $2`, name, limit)
	if err != nil {
		return nil, fmt.Errorf("setting versions %s: %w", name, err)
	}
	defer rows.Close()
	var out []core.SettingVersion
	for rows.Next() {
		v, err := scanSetting(rows)
		if err != nil {
			return nil, fmt.Errorf("setting versions %s: %w", name, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// SettingVersion returns one version with its content.
func (db *DB) SettingVersion(ctx context.Context, name string, version int) (core.SettingVersion, []byte, error) {
	var content []byte
	v, err := scanSetting(db.pool.QueryRow(ctx, "SELECT "+settingCols+`, content FROM settings_versions
		WHERE name = $1 AND version = $2`, name, int32(version)), &content)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, nil, core.Errorf(core.ENOTFOUND, "没有第 %d 版", version)
	}
	if err != nil {
		return v, nil, fmt.Errorf("setting %s version %d: %w", name, version, err)
	}
	return v, content, nil
}
