package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"jiceng/internal/core"
)

// ReplaceAreas replaces the whole area registry in one transaction.
func (db *DB) ReplaceAreas(ctx context.Context, a core.Areas) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{"DELETE FROM grids", "DELETE FROM communities", "DELETE FROM streets"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for i, s := range a.Streets {
			if _, err := tx.ExecContext(ctx, "INSERT INTO streets (code, name, pos) VALUES (?, ?, ?)", s.Code, s.Name, i); err != nil {
				return err
			}
		}
		for i, c := range a.Communities {
			if _, err := tx.ExecContext(ctx, "INSERT INTO communities (code, name, street, pos) VALUES (?, ?, ?, ?)",
				c.Code, c.Name, c.Street, i); err != nil {
				return err
			}
		}
		for i, g := range a.Grids {
			if _, err := tx.ExecContext(ctx, "INSERT INTO grids (code, name, community, pos) VALUES (?, ?, ?, ?)",
				g.Code, g.Name, g.Community, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace areas: %w", err)
	}
	return nil
}

// Areas returns the area registry in the order it was stored.
func (db *DB) Areas(ctx context.Context) (core.Areas, error) {
	var a core.Areas
	err := db.query(ctx, "SELECT code, name FROM streets ORDER BY pos", func(r *sql.Rows) error {
		var s core.Street
		err := r.Scan(&s.Code, &s.Name)
		a.Streets = append(a.Streets, s)
		return err
	})
	if err == nil {
		err = db.query(ctx, "SELECT code, name, street FROM communities ORDER BY pos", func(r *sql.Rows) error {
			var c core.Community
			err := r.Scan(&c.Code, &c.Name, &c.Street)
			a.Communities = append(a.Communities, c)
			return err
		})
	}
	if err == nil {
		err = db.query(ctx, "SELECT code, name, community FROM grids ORDER BY pos", func(r *sql.Rows) error {
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM units"); err != nil {
			return err
		}
		for i, u := range units {
			if _, err := tx.ExecContext(ctx, "INSERT INTO units (code, name, kind, community, phone, pos) VALUES (?, ?, ?, ?, ?, ?)",
				u.Code, u.Name, u.Kind, u.Community, u.Phone, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace units: %w", err)
	}
	return nil
}

// Units returns the units in the order they were stored.
func (db *DB) Units(ctx context.Context) ([]core.Unit, error) {
	var us []core.Unit
	err := db.query(ctx, "SELECT code, name, kind, community, phone FROM units ORDER BY pos", func(r *sql.Rows) error {
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM categories"); err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, "INSERT INTO categories (level1, level2, level3, pos) VALUES (?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer st.Close()
		for i, c := range cats {
			if _, err := st.ExecContext(ctx, c.Level1, c.Level2, c.Level3, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace categories: %w", err)
	}
	return nil
}

// Categories returns the taxonomy in the order it was stored.
func (db *DB) Categories(ctx context.Context) ([]core.Category, error) {
	var cs []core.Category
	err := db.query(ctx, "SELECT level1, level2, level3 FROM categories ORDER BY pos", func(r *sql.Rows) error {
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

// query runs q on the read pool and calls fn for each row.
func (db *DB) query(ctx context.Context, q string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := db.read.QueryContext(ctx, q, args...)
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
