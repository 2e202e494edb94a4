package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"jiceng/internal/core"
)

// EachLifeCycle reads the life-cycle fields of the tickets received in
// [from, to), oldest first; see core.LifeCycleReader. It reads a tenth of
// the bytes of EachTicket: no text, no personal data.
func (db *DB) EachLifeCycle(ctx context.Context, from, to time.Time, fn func(core.Ticket) error) error {
	rows, err := db.read.QueryContext(ctx, `SELECT id, number, channel, received_at, street, community,
		category1, category2, category3, intent, urgency, unit, status, deadline, contacted_at, resolved_at,
		resolved, satisfaction, callback_at
		FROM tickets WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id`, micros(from), micros(to))
	if err != nil {
		return fmt.Errorf("each life cycle: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var (
			t                          core.Ticket
			recv, dead, cont, reso, cb sql.NullInt64
			resolved                   sql.NullInt64
		)
		if err := rows.Scan(&t.ID, &t.Number, &t.Channel, &recv, &t.Street, &t.Community, &t.Category1, &t.Category2,
			&t.Category3, &t.Intent, &t.Urgency, &t.Unit, &t.Status, &dead, &cont, &reso, &resolved,
			&t.Satisfaction, &cb); err != nil {
			return fmt.Errorf("each life cycle: %w", err)
		}
		t.ReceivedAt, t.Deadline, t.ContactedAt = fromMicros(recv), fromMicros(dead), fromMicros(cont)
		t.ResolvedAt, t.CallbackAt = fromMicros(reso), fromMicros(cb)
		if resolved.Valid {
			b := resolved.Int64 != 0
			t.Resolved = &b
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each life cycle: %w", translate(err))
	}
	return nil
}
