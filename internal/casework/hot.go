package casework

import (
	"context"
	"hash/fnv"
	"strconv"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/hot"
)

// HotIssue is a group of tickets about one problem at one place in a
// period (热点问题), with its heat index (package hot).
type HotIssue struct {
	Label       string
	Heat        float64
	Parts       hot.HeatParts
	First, Last time.Time
	Tickets     []TicketRef // members, oldest first
	Communities []string
}

// TicketRef names a ticket in a list.
type TicketRef struct {
	ID     int64
	Number string
	Title  string
}

// MaxHotTickets is the most tickets HotIssues clusters: a district's month;
// beyond it the most recent are taken.
const MaxHotTickets = 200_000

// HotIssues returns the top hot issues of the days from..to in u's board
// scope (Dashboard's): the whole street, or a community worker's community.
func (s *Service) HotIssues(ctx context.Context, u core.User, from, to time.Time, top int) ([]HotIssue, error) {
	communities, err := s.BoardScope(ctx, u)
	if err != nil {
		return nil, err
	}
	f := core.TicketFilter{From: from, To: to}
	if communities != nil {
		f.Community = communities[0]
	}
	var docs []hot.Doc
	refs := map[string]TicketRef{}
	err = s.Store.EachTicket(ctx, f, func(t core.Ticket) error {
		if t.ReceivedAt.IsZero() {
			return nil
		}
		id := strconv.FormatInt(t.ID, 10)
		docs = append(docs, hot.Doc{ID: id, Text: t.Title + "\n" + t.Content, Place: t.Community,
			Category: t.Category2, Time: t.ReceivedAt, Caller: callerKey(t)})
		refs[id] = TicketRef{ID: t.ID, Number: t.Number, Title: t.Title}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(docs) > MaxHotTickets {
		docs = docs[len(docs)-MaxHotTickets:] // id order: the latest imported
	}
	cl := hot.Clusters(docs, hot.ClusterOptions{Now: to, Window: to.Sub(from)})
	if len(cl) > top {
		cl = cl[:top]
	}
	out := make([]HotIssue, len(cl))
	for i, c := range cl {
		h := HotIssue{Label: c.Label, Heat: c.Heat, Parts: c.Parts, First: c.First, Last: c.Last}
		seen := map[string]bool{}
		for _, id := range c.IDs {
			r := refs[id]
			h.Tickets = append(h.Tickets, r)
		}
		for _, p := range c.Places {
			if !seen[p] {
				seen[p] = true
				h.Communities = append(h.Communities, p)
			}
		}
		out[i] = h
	}
	return out, nil
}

// callerKey is a pseudonym of the ticket's caller for counting distinct
// callers: a hash of the phone (or ID number, or name), never the value.
func callerKey(t core.Ticket) string {
	v := t.CallerPhone
	if v == "" {
		v = t.CallerID
	}
	if v == "" {
		v = t.CallerName
	}
	if v == "" {
		return ""
	}
	h := fnv.New64a()
	h.Write([]byte(v))
	return strconv.FormatUint(h.Sum64(), 36)
}
