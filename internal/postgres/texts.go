package postgres

import (
	"context"
	"fmt"
	"time"

	"jiceng/internal/core"
)

// EachTicketText implements core.TicketTextReader.
func (db *DB) EachTicketText(ctx context.Context, f core.TicketFilter, fn func(core.TicketText) error) error {
	if f.Keyword != "" {
		return fmt.Errorf("each ticket text: a keyword filter is not supported")
	}
	w, args := where(f)
	rows, err := db.pool.Query(ctx, "SELECT received_at, community, category1, title, content FROM tickets"+w+
		" ORDER BY received_at ASC NULLS FIRST, id ASC", args...)
	if err != nil {
		return fmt.Errorf("each ticket text: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var t core.TicketText
		var at *time.Time
		if err := rows.Scan(&at, &t.Community, &t.Category1, &t.Title, &t.Content); err != nil {
			return fmt.Errorf("each ticket text: %w", err)
		}
		if at != nil {
			t.ReceivedAt = *at
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each ticket text: %w", translate(err))
	}
	return nil
}
