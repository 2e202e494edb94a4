package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	_, err := db.pool.Exec(ctx, `INSERT INTO audit_log (at, actor, role, action, ticket_id, ticket_number, field, reason, detail, address)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.At.Truncate(time.Microsecond), e.Actor, e.Role, e.Action, ticketID, e.TicketNumber, e.Field, e.Reason, e.Detail, e.Address)
	if err != nil {
		return fmt.Errorf("add audit: %w", translate(err))
	}
	return nil
}

// Audit returns the entries of f, newest first, and their total.
func (db *DB) Audit(ctx context.Context, f core.AuditFilter) ([]core.AuditEntry, int, error) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.Action != "" {
		add("action =", f.Action)
	}
	if f.Actor != "" {
		add("actor =", f.Actor)
	}
	if f.Ticket != "" {
		add("ticket_number =", f.Ticket)
	}
	if !f.From.IsZero() {
		add("at >=", f.From)
	}
	if !f.To.IsZero() {
		add("at <", f.To)
	}
	w := ""
	if len(conds) > 0 {
		w = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM audit_log"+w, args...).Scan(&total); err != nil {
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
	n := len(args)
	rows, err := db.pool.Query(ctx, `SELECT id, at, actor, role, action, coalesce(ticket_id, 0), ticket_number, field, reason, detail, address
		FROM audit_log`+w+" ORDER BY at DESC, id DESC LIMIT $"+strconv.Itoa(n+1)+" OFFSET $"+strconv.Itoa(n+2),
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var e core.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Role, &e.Action, &e.TicketID, &e.TicketNumber, &e.Field, &e.Reason, &e.Detail, &e.Address); err != nil {
			return nil, 0, fmt.Errorf("list audit: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", translate(err))
	}
	return out, total, nil
}
