package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

const policyColumns = `id, name, validity, superseded_by, created_by, created_at, updated_at`

// PutPolicyFile implements core.PolicyStore.
func (db *DB) PutPolicyFile(ctx context.Context, f core.PolicyFile) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO policy_files (`+policyColumns+`, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, content = excluded.content, validity = excluded.validity,
		superseded_by = excluded.superseded_by, updated_at = excluded.updated_at`,
		f.ID, f.Name, f.Validity, f.SupersededBy, f.CreatedBy, f.CreatedAt, f.UpdatedAt, f.Content)
	if err != nil {
		return fmt.Errorf("put policy file: %w", translate(err))
	}
	return nil
}

func scanPolicy(scan func(...any) error, content bool) (core.PolicyFile, error) {
	var (
		f            core.PolicyFile
		created, upd *time.Time
		dest         = []any{&f.ID, &f.Name, &f.Validity, &f.SupersededBy, &f.CreatedBy, &created, &upd}
	)
	if content {
		dest = append(dest, &f.Content)
	}
	err := scan(dest...)
	f.CreatedAt, f.UpdatedAt = fromTime(created), fromTime(upd)
	return f, err
}

// PolicyFiles implements core.PolicyStore.
func (db *DB) PolicyFiles(ctx context.Context, content bool) ([]core.PolicyFile, error) {
	cols := policyColumns
	if content {
		cols += ", content"
	}
	rows, err := db.pool.Query(ctx, `SELECT `+cols+` FROM policy_files ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("policy files: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.PolicyFile, error) { return scanPolicy(r.Scan, content) })
	if err != nil {
		return nil, fmt.Errorf("policy files: %w", translate(err))
	}
	return out, nil
}

// PolicyFile implements core.PolicyStore.
func (db *DB) PolicyFile(ctx context.Context, id string) (core.PolicyFile, error) {
	f, err := scanPolicy(db.pool.QueryRow(ctx, `SELECT `+policyColumns+`, content FROM policy_files WHERE id = $1`, id).Scan, true)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, core.Errorf(core.ENOTFOUND, "政策文件不存在")
	}
	if err != nil {
		return f, fmt.Errorf("policy file: %w", translate(err))
	}
	return f, nil
}

// DeletePolicyFile implements core.PolicyStore.
func (db *DB) DeletePolicyFile(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM policy_files WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete policy file: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "政策文件不存在")
	}
	return nil
}
