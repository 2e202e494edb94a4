package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jiceng/internal/core"
)

// AddAudit appends e to the audit log (cleaned, see core.AuditEntry.Clean);
// a zero At is the store's clock.
func (db *DB) AddAudit(ctx context.Context, e core.AuditEntry) error {
	if err := e.Check(); err != nil {
		return err
	}
	e = e.Clean()
	if e.At.IsZero() {
		e.At = db.now()
	}
	var ticketID any
	if e.TicketID != 0 {
		ticketID = e.TicketID
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, role, action, ticket_id, ticket_number, field, reason, detail, address)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.At.UnixMicro(), e.Actor, e.Role, e.Action, ticketID, e.TicketNumber, e.Field, e.Reason, e.Detail, e.Address)
		return err
	})
	if err != nil {
		return fmt.Errorf("add audit: %w", err)
	}
	return nil
}

// Audit returns the entries of f, newest first, and their total.
func (db *DB) Audit(ctx context.Context, f core.AuditFilter) ([]core.AuditEntry, int, error) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Ticket != "" {
		add("ticket_number = ?", f.Ticket)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UnixMicro())
	}
	w := ""
	if len(conds) > 0 {
		w = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM audit_log"+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit: %w", translate(err))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = core.DefaultLimit
	}
	limit = min(limit, core.MaxLimit)
	offset := max(f.Offset, 0)
	out := []core.AuditEntry{}
	if offset >= total {
		return out, total, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, role, action, coalesce(ticket_id, 0), ticket_number, field, reason, detail, address
		FROM audit_log`+w+" ORDER BY at DESC, id DESC LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var e core.AuditEntry
		var at sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Role, &e.Action, &e.TicketID, &e.TicketNumber, &e.Field, &e.Reason, &e.Detail, &e.Address); err != nil {
			return nil, 0, fmt.Errorf("list audit: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", translate(err))
	}
	return out, total, nil
}
