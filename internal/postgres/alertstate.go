package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// SetAlertState implements core.AlertStore.
func (db *DB) SetAlertState(ctx context.Context, s core.AlertState) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO alert_states (community, category1, tag, day, hour, state, by_user, at, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (community, category1, tag, day, hour) DO UPDATE SET state = excluded.state, by_user = excluded.by_user,
		at = excluded.at, note = excluded.note`,
		s.Community, s.Category1, s.Tag, core.StreetDay(s.Day), dbutil.AlertHour(s), s.State, s.By, s.At, s.Note)
	if err != nil {
		return fmt.Errorf("set alert state: %w", translate(err))
	}
	return nil
}

// AlertStates implements core.AlertStore.
func (db *DB) AlertStates(ctx context.Context, q core.CountQuery) ([]core.AlertState, error) {
	where, args := dbutil.CountSQL{Postgres: true}.DayRange(q)
	rows, err := db.pool.Query(ctx, `SELECT community, category1, tag, day, hour, state, by_user, at, note FROM alert_states WHERE `+
		where+` ORDER BY day, community, category1, tag, hour`, args...)
	if err != nil {
		return nil, fmt.Errorf("alert states: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.AlertState, error) {
		var s core.AlertState
		var day, hour int32
		var at time.Time
		err := r.Scan(&s.Community, &s.Category1, &s.Tag, &day, &hour, &s.State, &s.By, &at, &s.Note)
		s.Day, s.At = core.DayStart(int(day)), at
		s.Hourly, s.Hour = hour >= 0, int(max(hour, 0))
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("alert states: %w", err)
	}
	return out, nil
}
