package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jiceng/internal/core"
)

const policyColumns = `id, name, validity, superseded_by, created_by, created_at, updated_at`

// PutPolicyFile implements core.PolicyStore.
func (db *DB) PutPolicyFile(ctx context.Context, f core.PolicyFile) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO policy_files (`+policyColumns+`, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, content = excluded.content, validity = excluded.validity,
			superseded_by = excluded.superseded_by, updated_at = excluded.updated_at`,
			f.ID, f.Name, f.Validity, f.SupersededBy, f.CreatedBy, micros(f.CreatedAt), micros(f.UpdatedAt), f.Content)
		if err != nil {
			return fmt.Errorf("put policy file: %w", translate(err))
		}
		return nil
	})
}

func scanPolicy(scan func(...any) error, content bool) (core.PolicyFile, error) {
	var (
		f            core.PolicyFile
		created, upd sql.NullInt64
		dest         = []any{&f.ID, &f.Name, &f.Validity, &f.SupersededBy, &f.CreatedBy, &created, &upd}
	)
	if content {
		dest = append(dest, &f.Content)
	}
	err := scan(dest...)
	f.CreatedAt, f.UpdatedAt = fromMicros(created), fromMicros(upd)
	return f, err
}

// PolicyFiles implements core.PolicyStore.
func (db *DB) PolicyFiles(ctx context.Context, content bool) ([]core.PolicyFile, error) {
	cols := policyColumns
	if content {
		cols += ", content"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+cols+` FROM policy_files ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("policy files: %w", translate(err))
	}
	defer rows.Close()
	var out []core.PolicyFile
	for rows.Next() {
		f, err := scanPolicy(rows.Scan, content)
		if err != nil {
			return nil, fmt.Errorf("policy files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// PolicyFile implements core.PolicyStore.
func (db *DB) PolicyFile(ctx context.Context, id string) (core.PolicyFile, error) {
	f, err := scanPolicy(db.read.QueryRowContext(ctx, `SELECT `+policyColumns+`, content FROM policy_files WHERE id = ?`, id).Scan, true)
	if errors.Is(err, sql.ErrNoRows) {
		return f, core.Errorf(core.ENOTFOUND, "政策文件不存在")
	}
	if err != nil {
		return f, fmt.Errorf("policy file: %w", translate(err))
	}
	return f, nil
}

// DeletePolicyFile implements core.PolicyStore.
func (db *DB) DeletePolicyFile(ctx context.Context, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM policy_files WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete policy file: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.Errorf(core.ENOTFOUND, "政策文件不存在")
		}
		return nil
	})
}
