package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

var _ core.HistoryStore = (*DB)(nil)

// CreateWithHistory creates the tickets of hs whose numbers are new, each
// with its events and workflow state, in one transaction; see
// core.HistoryStore. Like UpsertTickets, ids come from the sequence in one
// query and tickets, events and workflow states go in with COPY (events in
// order, so their ids keep it).
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
	create := func(tx pgx.Tx) error {
		created = 0
		existing, err := existingTickets(ctx, tx, numbers)
		if err != nil {
			return err
		}
		var (
			tickets []*core.Ticket
			from    []*core.TicketHistory
		)
		seen := make(map[string]bool, len(hs))
		for i := range hs {
			h := &hs[i]
			if _, ok := existing[h.Ticket.Number]; ok || seen[h.Ticket.Number] {
				continue
			}
			seen[h.Ticket.Number] = true
			t := h.Ticket
			dbutil.Normalize(&t)
			t.CreatedAt, t.UpdatedAt = dbutil.Micro(h.Events[0].At), dbutil.Micro(h.Events[len(h.Events)-1].At)
			tickets = append(tickets, &t)
			from = append(from, h)
		}
		if len(tickets) == 0 {
			return nil
		}
		if err := assignIDs(ctx, tx, tickets); err != nil {
			return err
		}
		rows := make([][]any, len(tickets))
		var events, flows [][]any
		var counts dbutil.CountDeltas
		for i, t := range tickets {
			counts.Add(nil, t)
			rows[i] = append(append([]any{t.ID}, ticketArgs(t)...), searchVector(t.Title, t.Content))
			for _, e := range from[i].Events {
				events = append(events, []any{t.ID, dbutil.Micro(e.At), e.Actor, e.Action, e.Note, dbutil.JSONChanges(e.Changes)})
			}
			w := from[i].Workflow
			flows = append(flows, []any{t.ID, timeArg(dbutil.Micro(w.DispatchedAt)), timeArg(dbutil.Micro(w.SignedAt)),
				timeArg(dbutil.Micro(w.ContactDeadline)), dbutil.JSONList(w.CoUnits), dbutil.JSONList(w.ReturnedBy), w.Extension,
				timeArg(dbutil.Micro(w.ExtensionUntil)), w.ExtensionReason, int32(w.Supervisions), w.MergedInto})
		}
		cols := append(append([]string{"id"}, ticketCols...), "search")
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tickets"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy tickets: %w", translate(err))
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, []string{"ticket_id", "at", "actor", "action", "note", "changes"},
			pgx.CopyFromRows(events)); err != nil {
			return fmt.Errorf("copy events: %w", translate(err))
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ticket_workflow"}, []string{"ticket_id", "dispatched_at", "signed_at",
			"contact_deadline", "co_units", "returned_by", "extension", "extension_until", "extension_reason", "supervisions",
			"merged_into"}, pgx.CopyFromRows(flows)); err != nil {
			return fmt.Errorf("copy workflow: %w", translate(err))
		}
		created = len(tickets)
		return db.writeDayCounts(ctx, tx, &counts)
	}
	err := db.inTx(ctx, create)
	for try := 0; try < 3 && core.ErrorCode(err) == core.ECONFLICT; try++ {
		// Another writer created one of the new numbers meanwhile; run
		// again, and the ticket is found this time.
		err = db.inTx(ctx, create)
	}
	if err != nil {
		return 0, fmt.Errorf("create tickets with history: %w", err)
	}
	return created, nil
}
