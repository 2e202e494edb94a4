package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

const workflowColumns = `dispatched_at, signed_at, contact_deadline, co_units, returned_by, extension,
	extension_until, extension_reason, supervisions, merged_into`

// scanWorkflow reads one row of workflowColumns.
func scanWorkflow(row pgx.Row, id int64) (core.Workflow, error) {
	w := core.Workflow{TicketID: id}
	var (
		disp, signed, contact, until *time.Time
		co, ret                      *string
		sup                          int32
	)
	if err := row.Scan(&disp, &signed, &contact, &co, &ret, &w.Extension, &until, &w.ExtensionReason, &sup, &w.MergedInto); err != nil {
		return w, err
	}
	w.Supervisions = int(sup)
	w.DispatchedAt, w.SignedAt, w.ContactDeadline, w.ExtensionUntil = fromTime(disp), fromTime(signed), fromTime(contact), fromTime(until)
	var err error
	if w.CoUnits, err = dbutil.ParseList(deref(co)); err != nil {
		return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
	}
	if w.ReturnedBy, err = dbutil.ParseList(deref(ret)); err != nil {
		return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
	}
	return w, nil
}

// Transition changes a ticket and its workflow state in one transaction;
// see core.WorkflowStore. The ticket's row is locked (FOR UPDATE), so
// concurrent transitions of one ticket run one after the other.
func (db *DB) Transition(ctx context.Context, id int64, tr core.Transition, fn func(t *core.Ticket, w *core.Workflow) error) (core.Ticket, core.Workflow, error) {
	var (
		t core.Ticket
		w core.Workflow
	)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		old, err := scanTicket(tx.QueryRow(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE id = $1 FOR UPDATE", id))
		if errors.Is(err, pgx.ErrNoRows) {
			return errTicketNotFound
		}
		if err != nil {
			return err
		}
		w, err = scanWorkflow(tx.QueryRow(ctx, "SELECT "+workflowColumns+" FROM ticket_workflow WHERE ticket_id = $1", id), id)
		if errors.Is(err, pgx.ErrNoRows) {
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
			set := make([]string, len(ticketCols))
			for i, c := range ticketCols {
				set[i] = c + " = $" + strconv.Itoa(i+1)
			}
			q := "UPDATE tickets SET " + strings.Join(set, ", ") + " WHERE id = $" + strconv.Itoa(len(ticketCols)+1)
			if _, err := tx.Exec(ctx, q, append(ticketArgs(&t), id)...); err != nil {
				return fmt.Errorf("update ticket: %w", translate(err))
			}
			var counts dbutil.CountDeltas
			counts.Add(&old, &t)
			if err := db.writeDayCounts(ctx, tx, &counts); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO ticket_workflow (ticket_id, `+workflowColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (ticket_id) DO UPDATE SET dispatched_at = excluded.dispatched_at, signed_at = excluded.signed_at,
			contact_deadline = excluded.contact_deadline, co_units = excluded.co_units, returned_by = excluded.returned_by,
			extension = excluded.extension, extension_until = excluded.extension_until,
			extension_reason = excluded.extension_reason, supervisions = excluded.supervisions,
			merged_into = excluded.merged_into`,
			id, timeArg(w.DispatchedAt), timeArg(w.SignedAt), timeArg(w.ContactDeadline), dbutil.JSONList(w.CoUnits),
			dbutil.JSONList(w.ReturnedBy), w.Extension, timeArg(w.ExtensionUntil), w.ExtensionReason, int32(w.Supervisions), w.MergedInto)
		if err != nil {
			return fmt.Errorf("store workflow: %w", err)
		}
		var ch any
		if len(changes) > 0 {
			ch = dbutil.JSONChanges(changes)
		}
		_, err = tx.Exec(ctx, "INSERT INTO ticket_events (ticket_id, at, actor, action, note, changes) VALUES ($1, $2, $3, $4, $5, $6)",
			id, at, tr.Actor, tr.Action, tr.Note, ch)
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
	w, err := scanWorkflow(db.pool.QueryRow(ctx, "SELECT "+workflowColumns+" FROM ticket_workflow WHERE ticket_id = $1", id), id)
	if errors.Is(err, pgx.ErrNoRows) {
		var exists bool
		if err := db.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM tickets WHERE id = $1)", id).Scan(&exists); err != nil {
			return w, fmt.Errorf("workflow of ticket %d: %w", id, err)
		}
		if !exists {
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
	w, args := where(f)
	n := len(args)
	// The open tickets' ids and deadlines from the index
	// tickets_open_status_deadline (0010), each one's contact deadline by
	// its key, sorted; then only the rows shown (as in the SQLite store,
	// where reading every transitioned ticket's contact deadline, then each
	// open row to sort them, took seconds at 1M tickets).
	cond := "status IN " + dbutil.OpenStatusesSQL + " AND ((deadline IS NOT NULL AND deadline < $" + strconv.Itoa(n+1) +
		") OR EXISTS (SELECT 1 FROM ticket_workflow w WHERE w.ticket_id = tickets.id AND w.contact_deadline < $" + strconv.Itoa(n+1) + "))"
	if w == "" {
		w = " WHERE " + cond
	} else {
		w += " AND " + cond
	}
	args = append(args, before, limit)
	const order = " ORDER BY deadline IS NULL, deadline, id"
	return db.queryTickets(ctx, "due tickets", "SELECT "+ticketColumns+" FROM tickets WHERE id IN (SELECT id FROM tickets"+w+
		order+" LIMIT $"+strconv.Itoa(n+2)+")"+order, args...)
}

// queryTickets runs a query of ticketColumns and reads all its rows; what
// names the query in errors.
func (db *DB) queryTickets(ctx context.Context, what, q string, args ...any) ([]core.Ticket, error) {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
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
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}

// DispatchRules returns the dispatch catalogue in its order.
func (db *DB) DispatchRules(ctx context.Context) ([]core.DispatchRule, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, category1, category2, category3, keywords, community, unit,
		co_units, priority, note FROM dispatch_rules ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("dispatch rules: %w", err)
	}
	defer rows.Close()
	rules := []core.DispatchRule{}
	for rows.Next() {
		var (
			r      core.DispatchRule
			kw, co *string
			prio   int32
		)
		if err := rows.Scan(&r.ID, &r.Category1, &r.Category2, &r.Category3, &kw, &r.Community, &r.Unit, &co, &prio, &r.Note); err != nil {
			return nil, fmt.Errorf("dispatch rules: %w", err)
		}
		r.Priority = int(prio)
		if r.Keywords, err = dbutil.ParseList(deref(kw)); err != nil {
			return nil, fmt.Errorf("dispatch rule %d: %w", r.ID, err)
		}
		if r.CoUnits, err = dbutil.ParseList(deref(co)); err != nil {
			return nil, fmt.Errorf("dispatch rule %d: %w", r.ID, err)
		}
		rules = append(rules, r)
	}
	return rules, rows.Err()
}
