package postgres

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"jiceng/internal/core"
)

// keywordProbeRows is how many of the newest tickets of a filter a keyword
// list reads first, in list order, looking for its page among them.
//
// The planner cannot tell how many tickets a keyword matches: it estimates
// a phrase of bigrams as if they were independent (at 1,000,000 tickets it
// expects 956 for 噪音扰民, which 78,000 have) and reads every match
// through the keyword index, checking each phrase in the row, to sort them
// and keep 50: seconds for a common word, growing with the store. Reading
// the newest tickets in the order of the list index and checking them
// instead finds a common word's page in a few thousand rows, however large
// the store; a rare word's is not among them, and its few matches are
// read through the keyword index as before.
var keywordProbeRows = 5000

var placeholder = regexp.MustCompile(`\$(\d+)`)

// keywordProbe answers a keyword list from the newest keywordProbeRows
// tickets of the other conditions of f when its page is among them (ok);
// the total is counted as Tickets counts it, unless the probe saw every
// ticket of the other conditions or more than Offset+CountUpTo matches.
func (db *DB) keywordProbe(ctx context.Context, f core.TicketFilter, limit, offset int) (list []core.Ticket, total int, ok bool, err error) {
	rest := f
	rest.Keyword = ""
	wRest, args := where(rest)
	wKey, keyArgs := where(core.TicketFilter{Keyword: f.Keyword})
	if wKey == "" || keywordProbeRows <= 0 {
		return nil, 0, false, nil
	}
	n := len(args)
	wKey = placeholder.ReplaceAllStringFunc(wKey, func(p string) string {
		i, _ := strconv.Atoi(p[1:])
		return "$" + strconv.Itoa(i+n)
	})
	args = append(slices.Clip(args), keyArgs...)
	need := offset + limit
	q := "SELECT " + ticketColumns + ", count(*) OVER (), seen FROM (SELECT *, count(*) OVER () AS seen FROM (SELECT * FROM tickets" + wRest +
		" ORDER BY received_at DESC NULLS LAST, id DESC LIMIT " + strconv.Itoa(keywordProbeRows) + ") newest) s" + wKey +
		" ORDER BY received_at DESC NULLS LAST, id DESC LIMIT " + strconv.Itoa(need)
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("list tickets: %w", translate(err))
	}
	defer rows.Close()
	matches, seen := 0, 0
	for rows.Next() {
		var m, s int64
		t, err := codec.Scan(func(dest ...any) error { return rows.Scan(append(dest, &m, &s)...) })
		if err != nil {
			return nil, 0, false, fmt.Errorf("list tickets: %w", err)
		}
		matches, seen = int(m), int(s)
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, fmt.Errorf("list tickets: %w", translate(err))
	}
	all := len(list) == 0 || seen < keywordProbeRows // the probe read every ticket of the other conditions
	if len(list) < need && !all {
		return nil, 0, false, nil // not all of the page among the newest: the keyword index finds it
	}
	list = append([]core.Ticket{}, list[min(offset, len(list)):]...)
	switch {
	case all:
		return list, matches, true, nil
	case f.CountUpTo > 0 && matches > offset+f.CountUpTo:
		return list, matches, true, nil
	}
	total, err = db.countTickets(ctx, f, offset)
	return list, total, err == nil, err
}

// countTickets counts the tickets of f as Tickets does: up to one past
// Offset+CountUpTo when CountUpTo is set.
func (db *DB) countTickets(ctx context.Context, f core.TicketFilter, offset int) (int, error) {
	w, args := where(f)
	count := "SELECT count(*) FROM tickets" + w
	if f.CountUpTo > 0 {
		count = "SELECT count(*) FROM (SELECT 1 FROM tickets" + w + " LIMIT $" + strconv.Itoa(len(args)+1) + ") s"
		args = append(slices.Clip(args), offset+f.CountUpTo+1)
	}
	var total int
	if err := db.pool.QueryRow(ctx, count, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count tickets: %w", translate(err))
	}
	return total, nil
}
