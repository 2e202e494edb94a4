package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"jiceng/internal/core"
)

// EachTicketText implements core.TicketTextReader.
func (db *DB) EachTicketText(ctx context.Context, f core.TicketFilter, fn func(core.TicketText) error) error {
	if f.Keyword != "" {
		return fmt.Errorf("each ticket text: a keyword filter is not supported")
	}
	w, args := where(f, false, 0, false)
	rows, err := db.read.QueryContext(ctx, "SELECT received_at, community, category1, title, content FROM tickets"+w+
		" ORDER BY received_at, id", args...)
	if err != nil {
		return fmt.Errorf("each ticket text: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var t core.TicketText
		var at sql.NullInt64
		if err := rows.Scan(&at, &t.Community, &t.Category1, &t.Title, &t.Content); err != nil {
			return fmt.Errorf("each ticket text: %w", err)
		}
		t.ReceivedAt = fromMicros(at)
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each ticket text: %w", translate(err))
	}
	return nil
}
