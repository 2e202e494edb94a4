package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

// ticketColumns are the stored columns of a ticket (id, then
// dbutil.TicketColumns), as scanTicket reads them.
var ticketColumns = dbutil.TicketSelect

// ticketCols are the columns of ticketColumns after id, in the order of
// appendTicketArgs.
func ticketCols() []string { return slices.Clone(dbutil.TicketColumns) }

// codec is how SQLite holds a ticket's typed values: times as Unix
// microseconds, booleans as 0/1, lists and maps as JSON text.
var codec = dbutil.Codec{
	Time: dbutil.Value[time.Time]{Arg: micros, Dest: func() any { return new(sql.NullInt64) },
		Read: func(d any) time.Time { return fromMicros(*d.(*sql.NullInt64)) }},
	Float: dbutil.Value[*float64]{Arg: floatArg, Dest: func() any { return new(sql.NullFloat64) },
		Read: func(d any) *float64 {
			if v := d.(*sql.NullFloat64); v.Valid {
				return &v.Float64
			}
			return nil
		}},
	Bool: dbutil.Value[*bool]{Arg: boolArg, Dest: func() any { return new(sql.NullInt64) },
		Read: func(d any) *bool {
			if v := d.(*sql.NullInt64); v.Valid {
				b := v.Int64 != 0
				return &b
			}
			return nil
		}},
	Int: dbutil.Value[int]{Arg: func(i int) any { return i }, Dest: func() any { return new(int) },
		Read: func(d any) int { return *d.(*int) }},
	Text: dbutil.Value[string]{Arg: func(s string) any { return s }, Dest: func() any { return new(sql.NullString) },
		Read: func(d any) string { return d.(*sql.NullString).String }},
}

// appendTicketArgs appends the values of ticketCols to args.
func appendTicketArgs(args []any, t *core.Ticket) []any { return codec.Args(args, t) }

func floatArg(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func boolArg(b *bool) any {
	if b == nil {
		return nil
	}
	if *b {
		return 1
	}
	return 0
}

type scanner interface{ Scan(dest ...any) error }

// scanTicket reads one row of ticketColumns.
func scanTicket(s scanner) (core.Ticket, error) { return codec.Scan(s.Scan) }

var errTicketNotFound = &core.Error{Code: core.ENOTFOUND, Message: "工单不存在"}

// UpsertTickets stores tickets by number in one transaction; see
// core.TicketStore. A ticket whose only differences are SourceFile and
// SourceRow is unchanged (see dbutil.Diff). A later ticket in tickets with
// the number of an earlier one updates it.
//
// The hot path of an import. The existing tickets of the batch are read with
// one query; what happens to each ticket is decided in Go (new tickets get
// their ids from max(id): there is one writer); statements are prepared once
// per call; a create event carries no list of changes. New tickets enter
// the keyword index later, in IndexSearch; an update of an indexed ticket's
// text re-indexes it here, its search bodies built on all cores.
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res = core.UpsertResult{}
		existing, err := existingTickets(ctx, tx, numbers)
		if err != nil {
			return err
		}
		var maxID, indexedTo int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0), (SELECT indexed_to FROM search_state) FROM tickets").Scan(&maxID, &indexedTo); err != nil {
			return fmt.Errorf("max ticket id: %w", err)
		}
		// Decide.
		acts := make([]action, 0, len(in))
		counts := db.countDeltas()
		for i := range in {
			t := &in[i]
			old, ok := existing[t.Number]
			if !ok {
				maxID++
				t.ID, t.CreatedAt, t.UpdatedAt = maxID, now, now
				acts = append(acts, action{t: t}) // indexed later by IndexSearch
				counts.add(nil, t)
				existing[t.Number] = t
				res.Created++
				continue
			}
			changes := dbutil.Diff(old, t)
			if len(changes) == 0 {
				res.Unchanged++
				continue
			}
			t.ID, t.CreatedAt, t.UpdatedAt = old.ID, old.CreatedAt, now
			a := action{t: t, old: old, changes: dbutil.JSONChanges(changes)}
			a.index = old.ID <= indexedTo && (old.Title != t.Title || old.Content != t.Content)
			acts = append(acts, a)
			counts.add(old, t)
			existing[t.Number] = t
			res.Updated++
		}
		searchBodies(acts)
		if err := writeActions(ctx, tx, acts, micros(now), actor); err != nil {
			return err
		}
		return counts.write(ctx, tx)
	})
	if err != nil {
		return core.UpsertResult{}, fmt.Errorf("upsert tickets: %w", err)
	}
	return res, nil
}

// countColumns are the columns whose counts by value ticket_counts keeps:
// the single-value filters of core.TicketFilter.
var countColumns = []string{"status", "category1", "category2", "category3", "unit", "community", "intent", "channel"}

// countValues returns t's values of countColumns.
func countValues(t *core.Ticket) [8]string {
	return [8]string{t.Status, t.Category1, t.Category2, t.Category3, t.Unit, t.Community, string(t.Intent), string(t.Channel)}
}

// countDeltas are the changes of a batch to ticket_counts and to the
// day and hour counts (0012_counts.sql). The zero value is ready to use.
type countDeltas struct {
	cols map[[2]string]int
	dbutil.CountDeltas
	noDays   bool // a test's database stopped before 0012: no day counts yet
	noMonths bool // or before 0015: no monthly rollups yet
	noUrgent bool // or before 0016: no urgent hour counts
}

// countDeltas returns the deltas of a transaction of db.
func (db *DB) countDeltas() countDeltas {
	return countDeltas{noDays: !db.dayCounts, noMonths: !db.months, noUrgent: !db.urgentCounts}
}

// add counts the change from old to t; old is nil for a new ticket.
func (d *countDeltas) add(old, t *core.Ticket) {
	if d.cols == nil {
		d.cols = map[[2]string]int{}
	}
	d.CountDeltas.Add(old, t)
	nv := countValues(t)
	if old == nil {
		d.cols[[2]string{"", ""}]++
		for i, c := range countColumns {
			d.cols[[2]string{c, nv[i]}]++
		}
		return
	}
	ov := countValues(old)
	for i, c := range countColumns {
		if ov[i] != nv[i] {
			d.cols[[2]string{c, ov[i]}]--
			d.cols[[2]string{c, nv[i]}]++
		}
	}
}

func (d *countDeltas) write(ctx context.Context, tx *sql.Tx) error {
	if err := d.writeCols(ctx, tx); err != nil {
		return err
	}
	if d.noDays {
		return nil
	}
	return writeDayCounts(ctx, tx, &d.CountDeltas, !d.noMonths, d.noUrgent)
}

func (d *countDeltas) writeCols(ctx context.Context, tx *sql.Tx) error {
	if len(d.cols) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO ticket_counts (col, value, n) VALUES (?, ?, ?)
		ON CONFLICT (col, value) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer st.Close()
	for k, n := range d.cols {
		if n == 0 {
			continue
		}
		if _, err := st.ExecContext(ctx, k[0], k[1], n); err != nil {
			return fmt.Errorf("update ticket counts: %w", err)
		}
	}
	return nil
}

// cachedCount returns the total of f from ticket_counts when f is at most
// one single-value filter (no time range, no keyword); ok is false
// otherwise.
func (db *DB) cachedCount(ctx context.Context, f core.TicketFilter) (n int, ok bool, err error) {
	if !f.From.IsZero() || !f.To.IsZero() || f.Keyword != "" {
		return 0, false, nil
	}
	col, value := "", ""
	for i, v := range countValues(&core.Ticket{Status: f.Status, Category1: f.Category1, Category2: f.Category2,
		Category3: f.Category3, Unit: f.Unit, Community: f.Community, Intent: f.Intent, Channel: f.Channel}) {
		if v == "" {
			continue
		}
		if col != "" {
			return 0, false, nil // two filters: count them
		}
		col, value = countColumns[i], v
	}
	err = db.read.QueryRowContext(ctx, "SELECT n FROM ticket_counts WHERE col = ? AND value = ?", col, value).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("count tickets: %w", err)
	}
	return n, true, nil
}

// action is a decided write of UpsertTickets: a create (old == nil) or an
// update with its changes.
type action struct {
	t, old  *core.Ticket
	changes any  // JSON text of the changes of an update
	index   bool // title or content are new: (re)index them
	body    string
	oldBody string
}

// searchBodies fills the search bodies of the actions that need them, on
// all cores: tokenising is a good part of an import's work.
func searchBodies(acts []action) {
	workers := min(runtime.GOMAXPROCS(0), 1+len(acts)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			body := func(title, content string) (s string) {
				s, buf = searchBody(buf, title, content)
				return s
			}
			for i := w; i < len(acts); i += workers {
				a := &acts[i]
				if !a.index {
					continue
				}
				a.body = body(a.t.Title, a.t.Content)
				if a.old != nil {
					a.oldBody = body(a.old.Title, a.old.Content)
				}
			}
		}()
	}
	wg.Wait()
}

// writeActions performs acts in order: tickets and events first, then the
// keyword index. Each statement writes one row: a multi-row INSERT makes
// SQLite keep a statement journal, which costs more than it saves here.
func writeActions(ctx context.Context, tx *sql.Tx, acts []action, at any, actor string) error {
	cols := ticketCols()
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.PrepareContext(ctx, q)
		return s
	}
	insert := prep("INSERT INTO tickets (id, " + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)) + ")")
	update := prep("UPDATE tickets SET " + strings.Join(cols, " = ?, ") + " = ? WHERE id = ?")
	event := prep("INSERT INTO ticket_events (ticket_id, at, actor, action, changes) VALUES (?, ?, ?, ?, ?)")
	// A contentless FTS5 table forgets a row by being told the tokens it was
	// indexed with.
	unindex := prep("INSERT INTO ticket_search (ticket_search, rowid, body) VALUES ('delete', ?, ?)")
	index := prep("INSERT INTO ticket_search (rowid, body) VALUES (?, ?)")
	defer func() {
		for _, s := range []*sql.Stmt{insert, update, event, unindex, index} {
			if s != nil {
				s.Close()
			}
		}
	}()
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}

	args := make([]any, 0, len(cols)+1)
	for _, a := range acts {
		if a.old == nil {
			args = appendTicketArgs(append(args[:0], a.t.ID), a.t)
			if _, err := insert.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert ticket: %w", translate(err))
			}
			if _, err := event.ExecContext(ctx, a.t.ID, at, actor, core.EventCreate, nil); err != nil {
				return fmt.Errorf("insert event: %w", err)
			}
			continue
		}
		args = append(appendTicketArgs(args[:0], a.t), a.t.ID)
		if _, err := update.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("update ticket: %w", translate(err))
		}
		if _, err := event.ExecContext(ctx, a.t.ID, at, actor, core.EventUpdate, a.changes); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
	}
	// The keyword index last: FTS5 writes its pending terms to disk at
	// every statement savepoint in the transaction, so it should see none.
	for _, a := range acts {
		if !a.index {
			continue
		}
		if a.old != nil {
			if _, err := unindex.ExecContext(ctx, a.t.ID, a.oldBody); err != nil {
				return fmt.Errorf("update search index: %w", err)
			}
		}
		if _, err := index.ExecContext(ctx, a.t.ID, a.body); err != nil {
			return fmt.Errorf("update search index: %w", err)
		}
	}
	return nil
}

// existingTickets reads the stored tickets with the given numbers in one
// query, by number.
func existingTickets(ctx context.Context, tx *sql.Tx, numbers []string) (map[string]*core.Ticket, error) {
	list, err := json.Marshal(numbers)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+ticketColumns+
		" FROM tickets WHERE number IN (SELECT value FROM json_each(?))", string(list))
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

// searchBody returns the text of the FTS5 row of a ticket: the bigrams of
// title and content in order, separated by spaces. FTS5 numbers tokens by
// their order, so a gap in positions becomes the filler token "0", which no
// bigram equals. buf is scratch space, returned for reuse.
func searchBody(buf []byte, title, content string) (string, []byte) {
	buf = buf[:0]
	last := 0
	dbutil.SearchBigrams(title, content, func(bg dbutil.Bigram, pos int) {
		if len(buf) > 0 {
			buf = append(buf, ' ')
			if pos > last+1 {
				buf = append(buf, "0 "...)
			}
		}
		buf = bg.Append(buf)
		last = pos
	})
	return string(buf), buf
}

// Ticket returns the ticket with id, or ENOTFOUND.
func (db *DB) Ticket(ctx context.Context, id int64) (core.Ticket, error) {
	t, err := scanTicket(db.read.QueryRowContext(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return core.Ticket{}, errTicketNotFound
	}
	if err != nil {
		return core.Ticket{}, fmt.Errorf("ticket: %w", translate(err))
	}
	return t, nil
}

// TicketByNumber returns the ticket with number, or ENOTFOUND.
func (db *DB) TicketByNumber(ctx context.Context, number string) (core.Ticket, error) {
	t, err := scanTicket(db.read.QueryRowContext(ctx, "SELECT "+ticketColumns+" FROM tickets WHERE number = ?", number))
	if err == sql.ErrNoRows {
		return core.Ticket{}, errTicketNotFound
	}
	if err != nil {
		return core.Ticket{}, fmt.Errorf("ticket by number: %w", translate(err))
	}
	return t, nil
}

// keywordQuery returns the FTS5 query of a keyword: the phrase of the
// bigrams of each run of letters and digits, all required; exact tells that
// a match is exactly a text containing the keyword. "" when the index cannot
// help (a keyword of single characters).
func keywordQuery(keyword string) (q string, exact bool) {
	phrases, exact := dbutil.KeywordPhrases(keyword)
	var b strings.Builder
	for _, p := range phrases {
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		// A phrase in double quotes: its bigrams at consecutive positions,
		// read as terms, never as operators.
		b.WriteByte('"')
		for i, w := range p {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w.String())
		}
		b.WriteByte('"')
	}
	return b.String(), exact
}

// where builds the WHERE clause of f, with placeholders only. byKeyword
// chooses how the keyword index joins: by looking up the matching ids
// (right for a selective keyword), or, with the id hidden from the planner
// by a unary +, as a test on the rows that the other conditions and the
// order select (right for a common keyword).
func where(f core.TicketFilter, byKeyword bool, indexedTo int64, tail bool) (string, []any) {
	var conds []string
	var args []any
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	if !f.From.IsZero() {
		conds = append(conds, "received_at >= ?")
		args = append(args, f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		conds = append(conds, "received_at < ?")
		args = append(args, f.To.UnixMicro())
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
		const substr = "(instr(lower(title), lower(?)) > 0 OR instr(lower(content), lower(?)) > 0)"
		q, exact := keywordQuery(f.Keyword)
		switch {
		case q != "" && tail:
			// Tickets past indexed_to are not in the index yet: scan them.
			conds = append(conds, "(id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?) OR (id > ? AND "+substr+"))")
			args = append(args, q, indexedTo, f.Keyword, f.Keyword)
		case q != "":
			id := "+id"
			if byKeyword {
				id = "id"
			}
			conds = append(conds, id+" IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)")
			args = append(args, q)
		}
		if !exact || q == "" {
			// The index only narrows (or cannot help): check the substring.
			conds = append(conds, substr)
			args = append(args, f.Keyword, f.Keyword)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// selectiveKeyword is the number of keyword matches up to which a list is
// driven by the keyword index rather than by the other conditions.
const selectiveKeyword = 5000

// countQuery is the count of the tickets of WHERE clause w; with
// f.CountUpTo it stops at one past Offset+CountUpTo matches (countArgs
// appends that limit).
func countQuery(w string, f core.TicketFilter) string {
	if f.CountUpTo > 0 {
		return "SELECT count(*) FROM (SELECT 1 FROM tickets" + w + " LIMIT ?)"
	}
	return "SELECT count(*) FROM tickets" + w
}

func countArgs(args []any, f core.TicketFilter) []any {
	if f.CountUpTo > 0 {
		return append(slices.Clip(args), max(f.Offset, 0)+f.CountUpTo+1)
	}
	return args
}

// Tickets returns one page of tickets matching f, newest received first
// (tickets without a received time last, ties by id), and the total count.
func (db *DB) Tickets(ctx context.Context, f core.TicketFilter) ([]core.Ticket, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = core.DefaultLimit
	}
	limit = min(limit, core.MaxLimit)
	offset := max(f.Offset, 0)

	total := -1
	byKeyword := true
	indexedTo, tail, err := db.searchTail(ctx, f.Keyword)
	if err != nil {
		return nil, 0, err
	}
	if f.Keyword != "" && !tail {
		if q, exact := keywordQuery(f.Keyword); q != "" {
			var n int
			if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM ticket_search WHERE ticket_search MATCH ?", q).Scan(&n); err != nil {
				return nil, 0, fmt.Errorf("count keyword: %w", translate(err))
			}
			byKeyword = n <= selectiveKeyword
			if exact && (f == core.TicketFilter{Keyword: f.Keyword, Offset: f.Offset, Limit: f.Limit, CountUpTo: f.CountUpTo}) {
				total = n // the keyword is the only condition
			}
		}
	}
	w, args := where(f, byKeyword, indexedTo, tail)
	if total < 0 {
		if n, ok, err := db.cachedCount(ctx, f); err != nil {
			return nil, 0, err
		} else if ok {
			total = n
		} else if err := db.read.QueryRowContext(ctx, countQuery(w, f), countArgs(args, f)...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count tickets: %w", translate(err))
		}
	}
	if total == 0 || offset >= total {
		return []core.Ticket{}, total, nil
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+ticketColumns+" FROM tickets"+w+
		" ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?", append(args, limit, offset)...)
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
// (tickets without a received time first), reading rows as it goes. fn may
// use the store; the read holds a snapshot of the database until it ends.
func (db *DB) EachTicket(ctx context.Context, f core.TicketFilter, fn func(core.Ticket) error) error {
	indexedTo, tail, err := db.searchTail(ctx, f.Keyword)
	if err != nil {
		return err
	}
	w, args := where(f, true, indexedTo, tail)
	rows, err := db.read.QueryContext(ctx, "SELECT "+ticketColumns+" FROM tickets"+w+
		" ORDER BY received_at, id", args...)
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
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("ticket events: %w", err)
	}
	defer tx.Rollback()
	var one int
	if err := tx.QueryRowContext(ctx, "SELECT 1 FROM tickets WHERE id = ?", ticketID).Scan(&one); err != nil {
		if err == sql.ErrNoRows {
			return nil, errTicketNotFound
		}
		return nil, fmt.Errorf("ticket events: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, ticket_id, at, actor, action, note, changes
		FROM ticket_events WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("ticket events: %w", err)
	}
	defer rows.Close()
	var evs []core.Event
	for rows.Next() {
		var (
			e       core.Event
			at      sql.NullInt64
			changes sql.NullString
		)
		if err := rows.Scan(&e.ID, &e.TicketID, &at, &e.Actor, &e.Action, &e.Note, &changes); err != nil {
			return nil, fmt.Errorf("ticket events: %w", err)
		}
		e.At = fromMicros(at)
		if e.Changes, err = dbutil.ParseChanges(changes.String); err != nil {
			return nil, fmt.Errorf("ticket events: event %d changes: %w", e.ID, err)
		}
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket events: %w", err)
	}
	return evs, nil
}

// searchTail tells, for a keyword filter, whether some tickets are not yet
// in the keyword index (the tail past indexed_to, left by an import that has
// not run IndexSearch, or was killed before it did).
func (db *DB) searchTail(ctx context.Context, keyword string) (indexedTo int64, tail bool, err error) {
	if keyword == "" {
		return 0, false, nil
	}
	var maxID int64
	err = db.read.QueryRowContext(ctx, "SELECT indexed_to, (SELECT coalesce(max(id), 0) FROM tickets) FROM search_state").Scan(&indexedTo, &maxID)
	if err != nil {
		return 0, false, fmt.Errorf("search state: %w", translate(err))
	}
	return indexedTo, maxID > indexedTo, nil
}

// indexChunk is how many tickets IndexSearch indexes per transaction.
const indexChunk = 4000

// IndexSearch puts every ticket past indexed_to into the keyword index, in
// transactions of indexChunk tickets that each advance indexed_to, so that
// a killed run loses nothing and the next one goes on where it stopped.
// Tokenising runs on all cores; it returns how many tickets it indexed.
func (db *DB) IndexSearch(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			var from int64
			if err := tx.QueryRowContext(ctx, "SELECT indexed_to FROM search_state").Scan(&from); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, "SELECT id, title, content FROM tickets WHERE id > ? ORDER BY id LIMIT ?", from, indexChunk)
			if err != nil {
				return err
			}
			var acts []action
			for rows.Next() {
				t := new(core.Ticket)
				if err := rows.Scan(&t.ID, &t.Title, &t.Content); err != nil {
					rows.Close()
					return err
				}
				acts = append(acts, action{t: t, index: true})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(acts) == 0 {
				return nil
			}
			searchBodies(acts)
			st, err := tx.PrepareContext(ctx, "INSERT INTO ticket_search (rowid, body) VALUES (?, ?)")
			if err != nil {
				return err
			}
			defer st.Close()
			for _, a := range acts {
				if _, err := st.ExecContext(ctx, a.t.ID, a.body); err != nil {
					return err
				}
			}
			n = len(acts)
			_, err = tx.ExecContext(ctx, "UPDATE search_state SET indexed_to = ?", acts[len(acts)-1].t.ID)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("index search: %w", translate(err))
		}
		if n == 0 {
			return total, nil
		}
		total += n
	}
}
