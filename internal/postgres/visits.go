package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	err := db.pool.QueryRow(ctx, `INSERT INTO service_visits (person_id, rule, day, by_user, note, community, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		v.PersonID, v.Rule, dbutil.VisitDay(v.Date), v.By, v.Note, v.Community, at).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add visit: %w", translate(err))
	}
	return id, nil
}

// Visits implements core.VisitStore.
func (db *DB) Visits(ctx context.Context, f core.VisitFilter) ([]core.Visit, error) {
	q, args := dbutil.VisitsSQL(f, true)
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("visits: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.Visit, error) {
		var (
			v   core.Visit
			day string
			at  time.Time
		)
		if err := r.Scan(&v.ID, &v.PersonID, &v.Rule, &day, &v.By, &v.Note, &v.Community, &at); err != nil {
			return v, err
		}
		d, err := dbutil.ParseVisitDay(day)
		if err != nil {
			return v, fmt.Errorf("visit %d: bad day: %w", v.ID, err)
		}
		v.Date, v.CreatedAt = d, at
		return v, nil
	})
	if err != nil {
		return nil, fmt.Errorf("visits: %w", translate(err))
	}
	return out, nil
}
