package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// TicketPoints implements core.PointReader.
func (db *DB) TicketPoints(ctx context.Context, q core.CountQuery, limit int) ([]core.TicketPoint, error) {
	query, args := dbutil.CountSQL{Postgres: true}.PointsSQL(q, q.From, q.To, limit)
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ticket points: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.TicketPoint, error) {
		var (
			p    core.TicketPoint
			recv *time.Time
		)
		err := r.Scan(&p.ID, &p.Number, &p.Lng, &p.Lat, &recv, &p.Community, &p.Category1, &p.Status)
		p.ReceivedAt = fromTime(recv)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("ticket points: %w", translate(err))
	}
	return out, nil
}
