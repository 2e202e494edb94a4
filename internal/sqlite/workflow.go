package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

const workflowColumns = `dispatched_at, signed_at, contact_deadline, co_units, returned_by, extension,
	extension_until, extension_reason, supervisions, merged_into`

type rowScanner interface{ Scan(dest ...any) error }

// scanWorkflow reads one row of workflowColumns.
func scanWorkflow(s rowScanner, id int64) (core.Workflow, error) {
	w := core.Workflow{TicketID: id}
	var (
		disp, signed, contact, until sql.NullInt64
		co, ret                      sql.NullString
	)
	err := s.Scan(&disp, &signed, &contact, &co, &ret, &w.Extension, &until, &w.ExtensionReason, &w.Supervisions, &w.MergedInto)
	if err != nil {
		return w, err
	}
	w.DispatchedAt, w.SignedAt, w.ContactDeadline, w.ExtensionUntil = fromMicros(disp), fromMicros(signed), fromMicros(contact), fromMicros(until)
	if w.CoUnits, err = dbutil.ParseList(co.String); err != nil {
		return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
	}
	if w.ReturnedBy, err = dbutil.ParseList(ret.String); err != nil {
		return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
	}
	return w, nil
}

// Transition changes a ticket and its workflow state in one transaction;
// see core.WorkflowStore. SQLite has one writer, so transitions of a ticket
// are serialised by the write transaction itself.
func (db *DB) Transition(ctx context.Context, id int64, tr core.Transition, fn func(t *core.Ticket, w *core.Workflow) error) (core.Ticket, core.Workflow, error) {
	var (
		t core.Ticket
		w core.Workflow
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanTicket(tx.QueryRowContext(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return errTicketNotFound
		}
		if err != nil {
			return err
		}
		w, err = scanWorkflow(tx.QueryRowContext(ctx, "SELECT "+workflowColumns+" FROM ticket_workflow WHERE ticket_id = ?", id), id)
		if errors.Is(err, sql.ErrNoRows) {
			w, err = core.Workflow{TicketID: id}, nil
		}
		if err != nil {
			return err
		}
		var (
			at      time.Time
			changes []core.Change
		)
		t, at, changes, err = dbutil.ApplyTransition(old, &w, tr, db.now(), fn)
		if err != nil {
			return err
		}
		if len(changes) > 0 {
			cols := ticketCols()
			args := append(appendTicketArgs(nil, &t), id)
			if _, err := tx.ExecContext(ctx, "UPDATE tickets SET "+strings.Join(cols, " = ?, ")+" = ? WHERE id = ?", args...); err != nil {
				return fmt.Errorf("update ticket: %w", translate(err))
			}
			counts := db.countDeltas()
			counts.add(&old, &t)
			if err := counts.write(ctx, tx); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ticket_workflow (ticket_id, `+workflowColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (ticket_id) DO UPDATE SET dispatched_at = excluded.dispatched_at, signed_at = excluded.signed_at,
			contact_deadline = excluded.contact_deadline, co_units = excluded.co_units, returned_by = excluded.returned_by,
			extension = excluded.extension, extension_until = excluded.extension_until,
			extension_reason = excluded.extension_reason, supervisions = excluded.supervisions,
			merged_into = excluded.merged_into`,
			id, micros(w.DispatchedAt), micros(w.SignedAt), micros(w.ContactDeadline), dbutil.JSONList(w.CoUnits),
			dbutil.JSONList(w.ReturnedBy), w.Extension, micros(w.ExtensionUntil), w.ExtensionReason, w.Supervisions, w.MergedInto)
		if err != nil {
			return fmt.Errorf("store workflow: %w", err)
		}
		var ch any
		if len(changes) > 0 {
			ch = dbutil.JSONChanges(changes)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO ticket_events (ticket_id, at, actor, action, note, changes) VALUES (?, ?, ?, ?, ?, ?)",
			id, micros(at), tr.Actor, tr.Action, tr.Note, ch)
		if err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		return nil
	})
	if err != nil {
		return core.Ticket{}, core.Workflow{}, fmt.Errorf("transition %s of ticket %d: %w", tr.Action, id, err)
	}
	return t, w, nil
}

// Workflow returns the workflow state of a ticket; see core.WorkflowStore.
func (db *DB) Workflow(ctx context.Context, id int64) (core.Workflow, error) {
	w, err := scanWorkflow(db.read.QueryRowContext(ctx, "SELECT "+workflowColumns+" FROM ticket_workflow WHERE ticket_id = ?", id), id)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM tickets WHERE id = ?", id).Scan(&n); err != nil {
			return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
		}
		if n == 0 {
			return w, errTicketNotFound
		}
		return core.Workflow{TicketID: id}, nil
	}
	if err != nil {
		return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
	}
	return w, nil
}

// DueTickets returns open tickets with a deadline or a contact deadline
// before the given time, by deadline; see core.WorkflowStore.
func (db *DB) DueTickets(ctx context.Context, before time.Time, f core.TicketFilter, limit int) ([]core.Ticket, error) {
	f.Keyword, f.Offset, f.Limit = "", 0, 0
	w, args := where(f, false, 0, false)
	// The open tickets' ids and deadlines from the index
	// tickets_open_status_deadline (0010), each one's contact deadline by
	// its key, sorted; then only the rows shown. Reading every transitioned
	// ticket's contact deadline ("id IN (SELECT ... WHERE contact_deadline
	// < ?)") took 3 s at 1M tickets, reading each open row to sort them
	// most of the rest.
	cond := "status IN " + dbutil.OpenStatusesSQL + ` AND ((deadline IS NOT NULL AND deadline < ?)
		OR EXISTS (SELECT 1 FROM ticket_workflow w WHERE w.ticket_id = tickets.id AND w.contact_deadline < ?))`
	if w == "" {
		w = " WHERE " + cond
	} else {
		w += " AND " + cond
	}
	args = append(args, before.UnixMicro(), before.UnixMicro(), limit)
	const order = " ORDER BY deadline IS NULL, deadline, id"
	return db.queryTickets(ctx, "due tickets", "SELECT "+ticketColumns+" FROM tickets WHERE id IN (SELECT id FROM tickets"+w+
		order+" LIMIT ?)"+order, args...)
}

// queryTickets runs a query of ticketColumns and reads all its rows; what
// names the query in errors.
func (db *DB) queryTickets(ctx context.Context, what, q string, args ...any) ([]core.Ticket, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	var list []core.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	return list, nil
}

// DispatchRules returns the dispatch catalogue in its order.
func (db *DB) DispatchRules(ctx context.Context) ([]core.DispatchRule, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, category1, category2, category3, keywords, community, unit,
		co_units, priority, note FROM dispatch_rules ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("dispatch rules: %w", err)
	}
	defer rows.Close()
	rules := []core.DispatchRule{}
	for rows.Next() {
		var (
			r      core.DispatchRule
			kw, co sql.NullString
		)
		if err := rows.Scan(&r.ID, &r.Category1, &r.Category2, &r.Category3, &kw, &r.Community, &r.Unit, &co, &r.Priority, &r.Note); err != nil {
			return nil, fmt.Errorf("dispatch rules: %w", err)
		}
		if r.Keywords, err = dbutil.ParseList(kw.String); err != nil {
			return nil, fmt.Errorf("dispatch rule %d: %w", r.ID, err)
		}
		if r.CoUnits, err = dbutil.ParseList(co.String); err != nil {
			return nil, fmt.Errorf("dispatch rule %d: %w", r.ID, err)
		}
		rules = append(rules, r)
	}
	return rules, rows.Err()
}
