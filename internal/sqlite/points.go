package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// TicketPoints implements core.PointReader.
func (db *DB) TicketPoints(ctx context.Context, q core.CountQuery, limit int) ([]core.TicketPoint, error) {
	query, args := dbutil.CountSQL{}.PointsSQL(q, micros(q.From), micros(q.To), limit)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ticket points: %w", translate(err))
	}
	defer rows.Close()
	var out []core.TicketPoint
	for rows.Next() {
		var (
			p    core.TicketPoint
			recv sql.NullInt64
		)
		if err := rows.Scan(&p.ID, &p.Number, &p.Lng, &p.Lat, &recv, &p.Community, &p.Category1, &p.Status); err != nil {
			return nil, fmt.Errorf("ticket points: %w", err)
		}
		p.ReceivedAt = fromMicros(recv)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket points: %w", translate(err))
	}
	return out, nil
}
