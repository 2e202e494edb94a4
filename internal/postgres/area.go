package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

// ReplaceAreas replaces the whole area registry in one transaction.
func (db *DB) ReplaceAreas(ctx context.Context, a core.Areas) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM grids; DELETE FROM communities; DELETE FROM streets"); err != nil {
			return err
		}
		var b pgx.Batch
		for i, s := range a.Streets {
			b.Queue("INSERT INTO streets (code, name, pos) VALUES ($1, $2, $3)", s.Code, s.Name, i)
		}
		for i, c := range a.Communities {
			b.Queue("INSERT INTO communities (code, name, street, pos) VALUES ($1, $2, $3, $4)", c.Code, c.Name, c.Street, i)
		}
		for i, g := range a.Grids {
			b.Queue("INSERT INTO grids (code, name, community, pos) VALUES ($1, $2, $3, $4)", g.Code, g.Name, g.Community, i)
		}
		return tx.SendBatch(ctx, &b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace areas: %w", err)
	}
	return nil
}

// Areas returns the area registry in the order it was stored.
func (db *DB) Areas(ctx context.Context) (core.Areas, error) {
	var a core.Areas
	err := db.query(ctx, "SELECT code, name FROM streets ORDER BY pos", func(r pgx.Rows) error {
		var s core.Street
		err := r.Scan(&s.Code, &s.Name)
		a.Streets = append(a.Streets, s)
		return err
	})
	if err == nil {
		err = db.query(ctx, "SELECT code, name, street FROM communities ORDER BY pos", func(r pgx.Rows) error {
			var c core.Community
			err := r.Scan(&c.Code, &c.Name, &c.Street)
			a.Communities = append(a.Communities, c)
			return err
		})
	}
	if err == nil {
		err = db.query(ctx, "SELECT code, name, community FROM grids ORDER BY pos", func(r pgx.Rows) error {
			var g core.Grid
			err := r.Scan(&g.Code, &g.Name, &g.Community)
			a.Grids = append(a.Grids, g)
			return err
		})
	}
	if err != nil {
		return core.Areas{}, fmt.Errorf("areas: %w", err)
	}
	return a, nil
}

// ReplaceUnits replaces the list of units in one transaction.
func (db *DB) ReplaceUnits(ctx context.Context, units []core.Unit) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM units"); err != nil {
			return err
		}
		var b pgx.Batch
		for i, u := range units {
			b.Queue("INSERT INTO units (code, name, kind, community, phone, pos) VALUES ($1, $2, $3, $4, $5, $6)",
				u.Code, u.Name, u.Kind, u.Community, u.Phone, i)
		}
		return tx.SendBatch(ctx, &b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace units: %w", err)
	}
	return nil
}

// Units returns the units in the order they were stored.
func (db *DB) Units(ctx context.Context) ([]core.Unit, error) {
	var us []core.Unit
	err := db.query(ctx, "SELECT code, name, kind, community, phone FROM units ORDER BY pos", func(r pgx.Rows) error {
		var u core.Unit
		err := r.Scan(&u.Code, &u.Name, &u.Kind, &u.Community, &u.Phone)
		us = append(us, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	return us, nil
}

// ReplaceCategories replaces the taxonomy in one transaction.
func (db *DB) ReplaceCategories(ctx context.Context, cats []core.Category) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM categories"); err != nil {
			return err
		}
		rows := make([][]any, len(cats))
		for i, c := range cats {
			rows[i] = []any{c.Level1, c.Level2, c.Level3, int32(i)}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"categories"}, []string{"level1", "level2", "level3", "pos"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("replace categories: %w", err)
	}
	return nil
}

// Categories returns the taxonomy in the order it was stored.
func (db *DB) Categories(ctx context.Context) ([]core.Category, error) {
	var cs []core.Category
	err := db.query(ctx, "SELECT level1, level2, level3 FROM categories ORDER BY pos", func(r pgx.Rows) error {
		var c core.Category
		err := r.Scan(&c.Level1, &c.Level2, &c.Level3)
		cs = append(cs, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	return cs, nil
}

// query runs q and calls fn for each row.
func (db *DB) query(ctx context.Context, q string, fn func(pgx.Rows) error, args ...any) error {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}
