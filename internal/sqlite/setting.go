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

// insertSetting adds content as the next version of name, applied at
// applied (zero: staged).
func insertSetting(ctx context.Context, tx *sql.Tx, name string, content []byte, source, by string, at, applied time.Time) (int, error) {
	var v int
	err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) + 1 FROM settings_versions WHERE name = ?", name).Scan(&v)
	if err != nil {
		return 0, err
	}
	if content == nil {
		content = []byte{}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings_versions (name, version, content, source, created_by, created_at, applied_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, name, v, content, source, by, micros(dbutil.Micro(at)), micros(dbutil.Micro(applied)))
	return v, err
}

// currentSetting is the version of name applied last (0: none).
func currentSetting(ctx context.Context, q querier, name string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM settings_versions WHERE name = ? AND applied_at IS NOT NULL", name).Scan(&v)
	return v, err
}

// PutSetting records content as a new applied version of name.
func (db *DB) PutSetting(ctx context.Context, name string, content []byte, source, by string, at time.Time) (int, error) {
	if err := core.CheckSetting(name, content); err != nil {
		return 0, err
	}
	var v int
	err := db.inTx(ctx, func(tx *sql.Tx) (err error) {
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
	err := db.inTx(ctx, func(tx *sql.Tx) (err error) {
		// The newest row stays, so that a version number is never reused.
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings_versions WHERE name = ? AND applied_at IS NULL
			AND (created_by = ? OR created_at < ?)
			AND version < (SELECT max(version) FROM settings_versions WHERE name = ?)`,
			name, by, micros(at.Add(-24*time.Hour)), name); err != nil {
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM settings_versions
			WHERE name = ? AND version = ? AND applied_at IS NULL AND created_by = ?`, name, version, by).Scan(&n)
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
		_, err = tx.ExecContext(ctx, "UPDATE settings_versions SET applied_at = ? WHERE name = ? AND version = ?",
			micros(dbutil.Micro(at)), name, version)
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
	err := db.read.QueryRowContext(ctx, `SELECT content, version FROM settings_versions
		WHERE name = ? AND applied_at IS NOT NULL ORDER BY version DESC LIMIT 1`, name).Scan(&content, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, core.Errorf(core.ENOTFOUND, "设置 %s 尚无保存的版本", name)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("setting %s: %w", name, err)
	}
	return content, v, nil
}

const settingCols = "name, version, source, created_by, created_at, applied_at, length(content)"

func scanSetting(row scanner, extra ...any) (core.SettingVersion, error) {
	var (
		v                core.SettingVersion
		created, applied sql.NullInt64
	)
	err := row.Scan(append([]any{&v.Name, &v.Version, &v.Source, &v.CreatedBy, &created, &applied, &v.Size}, extra...)...)
	v.CreatedAt, v.AppliedAt = fromMicros(created), fromMicros(applied)
	return v, err
}

// SettingVersions returns the applied versions of name, newest first.
func (db *DB) SettingVersions(ctx context.Context, name string, limit int) ([]core.SettingVersion, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+settingCols+` FROM settings_versions
		WHERE name = ? AND applied_at IS NOT NULL ORDER BY version DESC LIMIT ?`, name, limit)
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
	v, err := scanSetting(db.read.QueryRowContext(ctx, "SELECT "+settingCols+`, content FROM settings_versions
		WHERE name = ? AND version = ?`, name, version), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil, core.Errorf(core.ENOTFOUND, "没有第 %d 版", version)
	}
	if err != nil {
		return v, nil, fmt.Errorf("setting %s version %d: %w", name, version, err)
	}
	return v, content, nil
}
