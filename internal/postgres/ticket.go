package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// ticketCols are the stored columns of a ticket after id
// (dbutil.TicketColumns), in the order of ticketArgs; scanTicket reads id
// followed by these.
var ticketCols = dbutil.TicketColumns

var ticketColumns = dbutil.TicketSelect

// codec is how PostgreSQL holds a ticket's typed values: timestamptz,
// double precision and boolean columns (NULL for none), lists and maps as
// JSON text.
var codec = dbutil.Codec{
	Time: dbutil.Value[time.Time]{Arg: timeArg, Dest: func() any { return new(*time.Time) },
		Read: func(d any) time.Time { return fromTime(*d.(**time.Time)) }},
	Float: dbutil.Value[*float64]{Arg: func(f *float64) any { return f }, Dest: func() any { return new(*float64) },
		Read: func(d any) *float64 { return *d.(**float64) }},
	Bool: dbutil.Value[*bool]{Arg: func(b *bool) any { return b }, Dest: func() any { return new(*bool) },
		Read: func(d any) *bool { return *d.(**bool) }},
	Int: dbutil.Value[int]{Arg: func(i int) any { return int32(i) }, Dest: func() any { return new(int32) },
		Read: func(d any) int { return int(*d.(*int32)) }},
	Text: dbutil.Value[string]{Arg: func(s string) any { return s }, Dest: func() any { return new(*string) },
		Read: func(d any) string {
			if p := *d.(**string); p != nil {
				return *p
			}
			return ""
		}},
}

// ticketArgs are the values of ticketCols.
func ticketArgs(t *core.Ticket) []any { return codec.Args(make([]any, 0, len(ticketCols)), t) }

// scanTicket reads one row of ticketColumns.
func scanTicket(row pgx.Row) (core.Ticket, error) { return codec.Scan(row.Scan) }

var errTicketNotFound = &core.Error{Code: core.ENOTFOUND, Message: "工单不存在"}

// searchVector is the keyword-index value of a ticket: its bigrams with
// their positions, grouped by bigram as tsvector wants. PostgreSQL keeps
// positions up to 16383 and 256 positions per lexeme; later ones are left
// out, which only matters for texts of many thousand characters.
func searchVector(title, content string) pgtype.TSVector {
	idx := make(map[dbutil.Bigram]int, 256)
	lex := make([]pgtype.TSVectorLexeme, 0, 256)
	dbutil.SearchBigrams(title, content, func(bg dbutil.Bigram, pos int) {
		if pos > 16383 {
			return
		}
		i, ok := idx[bg]
		if !ok {
			i = len(lex)
			idx[bg] = i
			lex = append(lex, pgtype.TSVectorLexeme{Word: bg.String()})
		}
		if len(lex[i].Positions) < 256 {
			lex[i].Positions = append(lex[i].Positions, pgtype.TSVectorPosition{Position: uint16(pos)})
		}
	})
	return pgtype.TSVector{Lexemes: lex, Valid: true}
}

// UpsertTickets stores tickets by number in one transaction; see
// core.TicketStore. A ticket whose only differences are SourceFile and
// SourceRow is unchanged (see dbutil.Diff). A later ticket in tickets with
// the number of an earlier one updates it.
//
// The existing tickets of the batch are read with one query; new tickets
// get their ids from the sequence in one query and are written with COPY,
// as are all events; updates go in one pipelined batch.
func (db *DB) UpsertTickets(ctx context.Context, tickets []core.Ticket, actor string) (core.UpsertResult, error) {
	var res core.UpsertResult
	if len(tickets) == 0 {
		return res, nil
	}
	in := make([]core.Ticket, len(tickets))
	numbers := make([]string, len(tickets))
	for i := range tickets {
		if tickets[i].Number == "" {
			return res, core.Errorf(core.EINVALID, "第 %d 条工单缺少工单编号", i+1)
		}
		in[i] = tickets[i]
		dbutil.Normalize(&in[i])
		numbers[i] = in[i].Number
	}
	now := dbutil.Micro(db.now())
	upsert := func(tx pgx.Tx) error {
		res = core.UpsertResult{}
		existing, err := existingTickets(ctx, tx, numbers)
		if err != nil {
			return err
		}
		// Decide what happens to each ticket first; ids of new tickets are
		// taken from the sequence once their number is known.
		var (
			creates []*core.Ticket
			updates []*core.Ticket
			events  [][]any // ticket pointer first, replaced by its id below
			counts  dbutil.CountDeltas
		)
		for i := range in {
			t := &in[i]
			old, ok := existing[t.Number]
			if !ok {
				t.CreatedAt, t.UpdatedAt = now, now
				creates = append(creates, t)
				counts.Add(nil, t)
				events = append(events, []any{t, now, actor, core.EventCreate, nil})
				c := *t // the state as created; a later update in the batch changes t's copy
				existing[t.Number] = &c
				res.Created++
				continue
			}
			changes := dbutil.Diff(old, t)
			if len(changes) == 0 {
				res.Unchanged++
				continue
			}
			t.CreatedAt, t.UpdatedAt = old.CreatedAt, now
			t.ID = old.ID // 0 for a ticket created earlier in this batch; set below
			updates = append(updates, t)
			counts.Add(old, t)
			events = append(events, []any{old, now, actor, core.EventUpdate, dbutil.JSONChanges(changes)})
			c := *t
			existing[t.Number] = &c
			res.Updated++
		}
		// Tickets created and updated in this batch take the id of the
		// created row: their copies were made before it had one.
		ids := make(map[string]int64, len(creates))
		if len(creates) > 0 {
			if err := assignIDs(ctx, tx, creates); err != nil {
				return err
			}
			for _, t := range creates {
				ids[t.Number] = t.ID
			}
			for _, t := range updates {
				if t.ID == 0 {
					t.ID = ids[t.Number]
				}
			}
			rows := make([][]any, len(creates))
			for i, t := range creates {
				rows[i] = append(append([]any{t.ID}, ticketArgs(t)...), searchVector(t.Title, t.Content))
			}
			cols := append(append([]string{"id"}, ticketCols...), "search")
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tickets"}, cols, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy tickets: %w", translate(err))
			}
		}
		if len(updates) > 0 {
			var b pgx.Batch
			set := make([]string, len(ticketCols))
			for i, c := range ticketCols {
				set[i] = c + " = $" + strconv.Itoa(i+1)
			}
			q := "UPDATE tickets SET " + strings.Join(set, ", ") + ", search = $" + strconv.Itoa(len(ticketCols)+1) +
				" WHERE id = $" + strconv.Itoa(len(ticketCols)+2)
			for _, t := range updates {
				b.Queue(q, append(ticketArgs(t), searchVector(t.Title, t.Content), t.ID)...)
			}
			if err := tx.SendBatch(ctx, &b).Close(); err != nil {
				return fmt.Errorf("update tickets: %w", translate(err))
			}
		}
		for _, e := range events {
			t := e[0].(*core.Ticket)
			id := t.ID
			if id == 0 { // an update of a ticket created in this batch
				id = ids[t.Number]
			}
			e[0] = id
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ticket_events"}, []string{"ticket_id", "at", "actor", "action", "changes"},
			pgx.CopyFromRows(events)); err != nil {
			return fmt.Errorf("copy events: %w", translate(err))
		}
		return db.writeDayCounts(ctx, tx, &counts)
	}
	err := db.inTx(ctx, upsert)
	for try := 0; try < 3 && core.ErrorCode(err) == core.ECONFLICT; try++ {
		// Another import created one of the new numbers meanwhile; run
		// again, and the ticket is found this time.
		err = db.inTx(ctx, upsert)
	}
	if err != nil {
		return core.UpsertResult{}, fmt.Errorf("upsert tickets: %w", err)
	}
	return res, nil
}

// assignIDs takes one id per ticket from the tickets' identity sequence.
func assignIDs(ctx context.Context, tx pgx.Tx, ts []*core.Ticket) error {
	rows, err := tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence('tickets', 'id')) FROM generate_series(1, $1)", len(ts))
	if err != nil {
		return fmt.Errorf("ticket ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("ticket ids: %w", err)
	}
	for i, t := range ts {
		t.ID = ids[i]
	}
	return nil
}

// existingTickets reads the stored tickets with the given numbers in one
// query, by number.
func existingTickets(ctx context.Context, tx pgx.Tx, numbers []string) (map[string]*core.Ticket, error) {
	rows, err := tx.Query(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE number = ANY($1)", numbers)
	if err != nil {
		return nil, fmt.Errorf("read existing tickets: %w", err)
	}
	defer rows.Close()
	m := make(map[string]*core.Ticket, len(numbers))
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("read existing tickets: %w", err)
		}
		m[t.Number] = &t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read existing tickets: %w", err)
	}
	return m, nil
}

// Ticket returns the ticket with id, or ENOTFOUND.
func (db *DB) Ticket(ctx context.Context, id int64) (core.Ticket, error) {
	t, err := scanTicket(db.pool.QueryRow(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE id = $1", id))
	if err == pgx.ErrNoRows {
		return core.Ticket{}, errTicketNotFound
	}
	if err != nil {
		return core.Ticket{}, fmt.Errorf("ticket: %w", translate(err))
	}
	return t, nil
}

// TicketByNumber returns the ticket with number, or ENOTFOUND.
func (db *DB) TicketByNumber(ctx context.Context, number string) (core.Ticket, error) {
	t, err := scanTicket(db.pool.QueryRow(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE number = $1", number))
	if err == pgx.ErrNoRows {
		return core.Ticket{}, errTicketNotFound
	}
	if err != nil {
		return core.Ticket{}, fmt.Errorf("ticket by number: %w", translate(err))
	}
	return t, nil
}

// where builds the WHERE clause of f, with placeholders only.
func where(f core.TicketFilter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = "+arg(v))
		}
	}
	if !f.From.IsZero() {
		conds = append(conds, "received_at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "received_at < "+arg(f.To))
	}
	eq("status", f.Status)
	eq("category1", f.Category1)
	eq("category2", f.Category2)
	eq("category3", f.Category3)
	eq("unit", f.Unit)
	eq("community", f.Community)
	eq("intent", string(f.Intent))
	eq("channel", string(f.Channel))
	if f.Keyword != "" {
		phrases, exact := dbutil.KeywordPhrases(f.Keyword)
		if len(phrases) > 0 {
			var q strings.Builder
			for i, p := range phrases {
				if i > 0 {
					q.WriteString(" & ")
				}
				q.WriteString("(")
				for j, w := range p {
					if j > 0 {
						q.WriteString(" <-> ")
					}
					// Bigrams are letters and digits only: nothing to escape.
					q.WriteString("'" + w.String() + "'")
				}
				q.WriteString(")")
			}
			conds = append(conds, "search @@ "+arg(q.String())+"::tsquery")
		}
		if !exact {
			// The index only narrows (or cannot help): check the substring.
			k := arg(f.Keyword)
			conds = append(conds, "(strpos(lower(title), lower("+k+")) > 0 OR strpos(lower(content), lower("+k+")) > 0)")
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Tickets returns one page of tickets matching f, newest received first
// (tickets without a received time last, ties by id), and the total count.
func (db *DB) Tickets(ctx context.Context, f core.TicketFilter) ([]core.Ticket, int, error) {
	w, args := where(f)
	limit := f.Limit
	if limit <= 0 {
		limit = core.DefaultLimit
	}
	limit = min(limit, core.MaxLimit)
	offset := max(f.Offset, 0)
	if f.Keyword != "" {
		// A common keyword's page is among the newest tickets (see keywordProbe).
		if list, total, ok, err := db.keywordProbe(ctx, f, limit, offset); err != nil || ok {
			return list, total, err
		}
	}

	var total int
	count, countArgs := "SELECT count(*) FROM tickets"+w, args
	if f.CountUpTo > 0 {
		// Stop at one past Offset+CountUpTo matches (see core.TicketFilter).
		count = "SELECT count(*) FROM (SELECT 1 FROM tickets" + w + " LIMIT $" + strconv.Itoa(len(args)+1) + ") s"
		countArgs = append(slices.Clip(args), offset+f.CountUpTo+1)
	}
	if err := db.pool.QueryRow(ctx, count, countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count tickets: %w", translate(err))
	}
	if total == 0 || offset >= total {
		return []core.Ticket{}, total, nil
	}
	n := len(args)
	rows, err := db.pool.Query(ctx, "SELECT "+ticketColumns+" FROM tickets"+w+
		" ORDER BY received_at DESC NULLS LAST, id DESC LIMIT $"+strconv.Itoa(n+1)+" OFFSET $"+strconv.Itoa(n+2),
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list tickets: %w", translate(err))
	}
	defer rows.Close()
	list := make([]core.Ticket, 0, min(limit, total-offset))
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list tickets: %w", err)
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list tickets: %w", translate(err))
	}
	return list, total, nil
}

// EachTicket calls fn for each ticket matching f, oldest received first
// (tickets without a received time first), reading rows as they arrive. fn
// may use the store (on another connection of the pool).
func (db *DB) EachTicket(ctx context.Context, f core.TicketFilter, fn func(core.Ticket) error) error {
	w, args := where(f)
	rows, err := db.pool.Query(ctx, "SELECT "+ticketColumns+" FROM tickets"+w+
		" ORDER BY received_at ASC NULLS FIRST, id ASC", args...)
	if err != nil {
		return fmt.Errorf("each ticket: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return fmt.Errorf("each ticket: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each ticket: %w", translate(err))
	}
	return nil
}

// TicketEvents returns the history of a ticket, oldest first; ENOTFOUND if
// there is no such ticket.
func (db *DB) TicketEvents(ctx context.Context, ticketID int64) ([]core.Event, error) {
	var evs []core.Event
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM tickets WHERE id = $1", ticketID).Scan(&one); err != nil {
			if err == pgx.ErrNoRows {
				return errTicketNotFound
			}
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, ticket_id, at, actor, action, note, changes
			FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, ticketID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e       core.Event
				changes *string
			)
			if err := rows.Scan(&e.ID, &e.TicketID, &e.At, &e.Actor, &e.Action, &e.Note, &changes); err != nil {
				return err
			}
			if e.Changes, err = dbutil.ParseChanges(deref(changes)); err != nil {
				return fmt.Errorf("event %d changes: %w", e.ID, err)
			}
			evs = append(evs, e)
		}
		return rows.Err()
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("ticket events: %w", err)
	}
	return evs, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
