package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

var _ core.HistoryStore = (*DB)(nil)

// CreateWithHistory creates the tickets of hs whose numbers are new, each
// with its events and workflow state, in one transaction; see
// core.HistoryStore. Like UpsertTickets, ids come from max(id) (there is
// one writer), each statement is prepared once and writes one row (a
// multi-row INSERT makes SQLite keep a statement journal, which costs more
// than it saves), and the new tickets enter the keyword index later, in
// IndexSearch; but a few tickets (taken in by the form or the API) created
// while the index is complete are indexed with them, so that keyword
// searches do not fall back to scanning the tail past indexed_to.
func (db *DB) CreateWithHistory(ctx context.Context, hs []core.TicketHistory) (int, error) {
	if len(hs) == 0 {
		return 0, nil
	}
	numbers := make([]string, len(hs))
	for i := range hs {
		if err := hs[i].Check(i); err != nil {
			return 0, err
		}
		numbers[i] = hs[i].Ticket.Number
	}
	created := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		created = 0
		existing, err := existingTickets(ctx, tx, numbers)
		if err != nil {
			return err
		}
		var maxID, indexedTo int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0), (SELECT indexed_to FROM search_state) FROM tickets").Scan(&maxID, &indexedTo); err != nil {
			return fmt.Errorf("max ticket id: %w", err)
		}
		var index []action // the new tickets, when indexed now
		indexNow := indexedTo == maxID && len(hs) <= indexWithCreate
		cols := ticketCols()
		insert, err := tx.PrepareContext(ctx, "INSERT INTO tickets (id, "+strings.Join(cols, ", ")+") VALUES (?"+strings.Repeat(", ?", len(cols))+")")
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		defer insert.Close()
		events, err := newRowBatch(ctx, tx, "INSERT INTO ticket_events (ticket_id, at, actor, action, note, changes) VALUES ", 6)
		if err != nil {
			return err
		}
		defer events.close()
		workflow, err := tx.PrepareContext(ctx, "INSERT INTO ticket_workflow (ticket_id, "+workflowColumns+
			") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		defer workflow.Close()

		counts := db.countDeltas()
		seen := make(map[string]bool, len(hs))
		args := make([]any, 0, len(cols)+1)
		for i := range hs {
			h := &hs[i]
			if _, ok := existing[h.Ticket.Number]; ok || seen[h.Ticket.Number] {
				continue
			}
			seen[h.Ticket.Number] = true
			t := h.Ticket
			dbutil.Normalize(&t)
			maxID++
			t.ID = maxID
			t.CreatedAt, t.UpdatedAt = dbutil.Micro(h.Events[0].At), dbutil.Micro(h.Events[len(h.Events)-1].At)
			args = appendTicketArgs(append(args[:0], t.ID), &t)
			if _, err := insert.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert ticket: %w", translate(err))
			}
			counts.add(nil, &t)
			if indexNow {
				index = append(index, action{t: &core.Ticket{ID: t.ID, Title: t.Title, Content: t.Content}, index: true})
			}
			for _, e := range h.Events {
				if err := events.add(ctx, t.ID, micros(e.At), e.Actor, e.Action, e.Note, dbutil.JSONChanges(e.Changes)); err != nil {
					return fmt.Errorf("insert events: %w", err)
				}
			}
			w := h.Workflow
			if _, err := workflow.ExecContext(ctx, t.ID, micros(w.DispatchedAt), micros(w.SignedAt), micros(w.ContactDeadline),
				dbutil.JSONList(w.CoUnits), dbutil.JSONList(w.ReturnedBy), w.Extension, micros(w.ExtensionUntil),
				w.ExtensionReason, w.Supervisions, w.MergedInto); err != nil {
				return fmt.Errorf("store workflow: %w", err)
			}
			created++
		}
		if err := events.flush(ctx); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		if len(index) > 0 {
			searchBodies(index)
			for _, a := range index {
				if _, err := tx.ExecContext(ctx, "INSERT INTO ticket_search (rowid, body) VALUES (?, ?)", a.t.ID, a.body); err != nil {
					return fmt.Errorf("keyword index: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, "UPDATE search_state SET indexed_to = ?", maxID); err != nil {
				return fmt.Errorf("keyword index: %w", err)
			}
		}
		return counts.write(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("create tickets with history: %w", err)
	}
	return created, nil
}

// indexWithCreate is the largest CreateWithHistory batch whose tickets are
// put in the keyword index in its transaction (when the index is complete).
const indexWithCreate = 100

// rowsPerInsert is how many rows one INSERT of a rowBatch writes. Events
// are small rows, many per ticket: one statement for many of them costs
// less than a statement each.
const rowsPerInsert = 64

// rowBatch inserts rows of n columns, rowsPerInsert at a time through one
// prepared statement, the rest one by one.
type rowBatch struct {
	n         int
	many, one *sql.Stmt
	args      []any
}

func newRowBatch(ctx context.Context, tx *sql.Tx, insert string, n int) (*rowBatch, error) {
	row := "(?" + strings.Repeat(", ?", n-1) + ")"
	b := &rowBatch{n: n, args: make([]any, 0, n*rowsPerInsert)}
	var err error
	if b.many, err = tx.PrepareContext(ctx, insert+row+strings.Repeat(", "+row, rowsPerInsert-1)); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if b.one, err = tx.PrepareContext(ctx, insert+row); err != nil {
		b.many.Close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return b, nil
}

// add queues one row, writing a full batch.
func (b *rowBatch) add(ctx context.Context, values ...any) error {
	b.args = append(b.args, values...)
	if len(b.args) < b.n*rowsPerInsert {
		return nil
	}
	_, err := b.many.ExecContext(ctx, b.args...)
	b.args = b.args[:0]
	return err
}

// flush writes the queued rows.
func (b *rowBatch) flush(ctx context.Context) error {
	for i := 0; i < len(b.args); i += b.n {
		if _, err := b.one.ExecContext(ctx, b.args[i:i+b.n]...); err != nil {
			return err
		}
	}
	b.args = b.args[:0]
	return nil
}

func (b *rowBatch) close() {
	b.many.Close()
	b.one.Close()
}
