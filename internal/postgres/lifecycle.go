package postgres

import (
	"context"
	"fmt"
	"time"

	"jiceng/internal/core"
)

// EachLifeCycle reads the life-cycle fields of the tickets received in
// [from, to), oldest first; see core.LifeCycleReader.
func (db *DB) EachLifeCycle(ctx context.Context, from, to time.Time, fn func(core.Ticket) error) error {
	rows, err := db.pool.Query(ctx, `SELECT id, number, channel, received_at, street, community,
		category1, category2, category3, intent, urgency, unit, status, deadline, contacted_at, resolved_at,
		resolved, satisfaction, callback_at
		FROM tickets WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at, id`, from, to)
	if err != nil {
		return fmt.Errorf("each life cycle: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var (
			t                          core.Ticket
			recv, dead, cont, reso, cb *time.Time
		)
		if err := rows.Scan(&t.ID, &t.Number, &t.Channel, &recv, &t.Street, &t.Community, &t.Category1, &t.Category2,
			&t.Category3, &t.Intent, &t.Urgency, &t.Unit, &t.Status, &dead, &cont, &reso, &t.Resolved,
			&t.Satisfaction, &cb); err != nil {
			return fmt.Errorf("each life cycle: %w", err)
		}
		t.ReceivedAt, t.Deadline, t.ContactedAt = fromTime(recv), fromTime(dead), fromTime(cont)
		t.ResolvedAt, t.CallbackAt = fromTime(reso), fromTime(cb)
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each life cycle: %w", translate(err))
	}
	return nil
}
