package dbutil

import (
	"strconv"
	"strings"

	"jiceng/internal/core"
)

// PointsSQL returns the query of core.PointReader.TicketPoints: id,
// number, lng, lat, received_at, community, category1, status of the
// tickets with coordinates received in [from, to) (in the dialect's time
// values) in q.Communities, newest first, at most limit.
func (d CountSQL) PointsSQL(q core.CountQuery, from, to any, limit int) (string, []any) {
	ph := func(i int) string {
		if d.Postgres {
			return "$" + strconv.Itoa(i)
		}
		return "?"
	}
	where := "received_at >= " + ph(1) + " AND received_at < " + ph(2) + " AND lng IS NOT NULL AND lat IS NOT NULL"
	args := []any{from, to}
	switch {
	case q.Communities == nil:
	case len(q.Communities) == 0:
		where += " AND false"
	case d.Postgres:
		where += " AND community = ANY(" + ph(3) + ")"
		args = append(args, q.Communities)
	default:
		where += " AND community IN (?" + strings.Repeat(", ?", len(q.Communities)-1) + ")"
		for _, c := range q.Communities {
			args = append(args, c)
		}
	}
	return "SELECT id, number, lng, lat, received_at, community, category1, status FROM tickets WHERE " + where +
		" ORDER BY received_at DESC, id DESC LIMIT " + strconv.Itoa(max(limit, 0)), args
}
