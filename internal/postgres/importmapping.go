package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

// PutImportMapping saves m under its name, replacing one of that name;
// UpdatedAt zero means the store's clock.
func (db *DB) PutImportMapping(ctx context.Context, m core.ImportMapping) error {
	if err := core.CheckImportMapping(m); err != nil {
		return err
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = db.now()
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO import_mappings (name, text, created_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET text = excluded.text, created_by = excluded.created_by, updated_at = excluded.updated_at`,
		m.Name, m.Text, m.CreatedBy, m.UpdatedAt.Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("put import mapping: %w", translate(err))
	}
	return nil
}

const mappingCols = "name, text, created_by, updated_at"

func scanMapping(row pgx.Row) (core.ImportMapping, error) {
	var m core.ImportMapping
	err := row.Scan(&m.Name, &m.Text, &m.CreatedBy, &m.UpdatedAt)
	return m, err
}

// ImportMapping returns the mapping called name, or ENOTFOUND.
func (db *DB) ImportMapping(ctx context.Context, name string) (core.ImportMapping, error) {
	m, err := scanMapping(db.pool.QueryRow(ctx, "SELECT "+mappingCols+" FROM import_mappings WHERE name = $1", name))
	if errors.Is(err, pgx.ErrNoRows) {
		return m, core.Errorf(core.ENOTFOUND, "没有名为 %q 的映射", name)
	}
	if err != nil {
		return m, fmt.Errorf("import mapping: %w", translate(err))
	}
	return m, nil
}

// ImportMappings returns every mapping, by name.
func (db *DB) ImportMappings(ctx context.Context) ([]core.ImportMapping, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+mappingCols+` FROM import_mappings ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("import mappings: %w", translate(err))
	}
	defer rows.Close()
	var out []core.ImportMapping
	for rows.Next() {
		m, err := scanMapping(rows)
		if err != nil {
			return nil, fmt.Errorf("import mappings: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import mappings: %w", translate(err))
	}
	return out, nil
}

var _ core.ImportMappingStore = (*DB)(nil)
