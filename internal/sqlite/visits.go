package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// AddVisit implements core.VisitStore.
func (db *DB) AddVisit(ctx context.Context, v core.Visit) (int64, error) {
	if err := core.CheckVisit(v); err != nil {
		return 0, err
	}
	at := v.CreatedAt
	if at.IsZero() {
		at = db.now()
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO service_visits (person_id, rule, day, by_user, note, community, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, v.PersonID, v.Rule, dbutil.VisitDay(v.Date), v.By, v.Note, v.Community, micros(at))
		if err != nil {
			return fmt.Errorf("add visit: %w", translate(err))
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// Visits implements core.VisitStore.
func (db *DB) Visits(ctx context.Context, f core.VisitFilter) ([]core.Visit, error) {
	q, args := dbutil.VisitsSQL(f, false)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("visits: %w", translate(err))
	}
	defer rows.Close()
	var out []core.Visit
	for rows.Next() {
		var (
			v   core.Visit
			day string
			at  sql.NullInt64
		)
		if err := rows.Scan(&v.ID, &v.PersonID, &v.Rule, &day, &v.By, &v.Note, &v.Community, &at); err != nil {
			return nil, fmt.Errorf("visits: %w", err)
		}
		if v.Date, err = dbutil.ParseVisitDay(day); err != nil {
			return nil, fmt.Errorf("visit %d: bad day: %w", v.ID, err)
		}
		v.CreatedAt = fromMicros(at)
		out = append(out, v)
	}
	return out, rows.Err()
}
