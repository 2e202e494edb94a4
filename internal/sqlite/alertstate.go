package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// SetAlertState implements core.AlertStore.
func (db *DB) SetAlertState(ctx context.Context, s core.AlertState) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO alert_states (community, category1, tag, day, hour, state, by_user, at, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (community, category1, tag, day, hour) DO UPDATE SET state = excluded.state, by_user = excluded.by_user,
			at = excluded.at, note = excluded.note`,
			s.Community, s.Category1, s.Tag, core.StreetDay(s.Day), dbutil.AlertHour(s), s.State, s.By, micros(s.At), s.Note)
		if err != nil {
			return fmt.Errorf("set alert state: %w", err)
		}
		return nil
	})
}

// AlertStates implements core.AlertStore.
func (db *DB) AlertStates(ctx context.Context, q core.CountQuery) ([]core.AlertState, error) {
	where, args := dbutil.CountSQL{}.DayRange(q)
	rows, err := db.read.QueryContext(ctx, `SELECT community, category1, tag, day, hour, state, by_user, at, note FROM alert_states WHERE `+
		where+` ORDER BY day, community, category1, tag, hour`, args...)
	if err != nil {
		return nil, fmt.Errorf("alert states: %w", err)
	}
	defer rows.Close()
	var out []core.AlertState
	for rows.Next() {
		var s core.AlertState
		var day, hour int
		var at sql.NullInt64
		if err := rows.Scan(&s.Community, &s.Category1, &s.Tag, &day, &hour, &s.State, &s.By, &at, &s.Note); err != nil {
			return nil, fmt.Errorf("alert states: %w", err)
		}
		s.Day, s.At = core.DayStart(day), fromMicros(at)
		s.Hourly, s.Hour = hour >= 0, max(hour, 0)
		out = append(out, s)
	}
	return out, rows.Err()
}
