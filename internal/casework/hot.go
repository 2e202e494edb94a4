package casework

import (
	"context"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/hot"
)

// HotIssue is a group of tickets about one problem at one place in a
// period (热点问题), with its heat index (package hot).
type HotIssue struct {
	Label       string
	Problem     string // the phrase the members share (a tag candidate)
	Heat        float64
	Parts       hot.HeatParts
	First, Last time.Time
	Tickets     []TicketRef // members, oldest first
	Communities []string
	// Category1 and Community are the most common among the members ("" when
	// none has one): where the corpus map files the issue.
	Category1, Community string
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
// Labels and titles are raw: show them through MaskHotIssue.
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
	cat1, comm := map[string]string{}, map[string]string{}
	err = s.Store.EachTicket(ctx, f, func(t core.Ticket) error {
		if t.ReceivedAt.IsZero() {
			return nil
		}
		id := strconv.FormatInt(t.ID, 10)
		docs = append(docs, hot.Doc{ID: id, Text: t.Title + "\n" + t.Content, Place: t.Community,
			Category: t.Category2, Time: t.ReceivedAt, Caller: callerKey(t)})
		refs[id] = TicketRef{ID: t.ID, Number: t.Number, Title: t.Title}
		cat1[id], comm[id] = t.Category1, t.Community
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
		h := HotIssue{Label: c.Label, Problem: c.Problem, Heat: c.Heat, Parts: c.Parts, First: c.First, Last: c.Last}
		seen := map[string]bool{}
		cats, comms := map[string]int{}, map[string]int{}
		for _, id := range c.IDs {
			h.Tickets = append(h.Tickets, refs[id])
			cats[cat1[id]]++
			comms[comm[id]]++
		}
		h.Category1, h.Community = mostCommon(cats), mostCommon(comms)
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

// DupDoc is a ticket as the near-duplicate index sees it.
func DupDoc(t core.Ticket) hot.Doc {
	return hot.Doc{ID: strconv.FormatInt(t.ID, 10), Text: t.Title + "\n" + t.Content, Place: t.Community,
		Category: t.Category2, Time: t.ReceivedAt, Caller: callerKey(t)}
}

// IndexRecent builds the near-duplicate index of the tickets received from
// from on: the candidates of "合并到工单 X". It is the server's own read (the
// index keeps sketches, no text); what a user is shown of it goes through
// Duplicates, which checks scope and masks.
func (s *Service) IndexRecent(ctx context.Context, from time.Time) (*hot.Index, error) {
	ix := hot.NewIndex(hot.Options{})
	err := s.Store.EachTicket(ctx, core.TicketFilter{From: from}, func(t core.Ticket) error {
		ix.Add(DupDoc(t))
		return nil
	})
	return ix, err
}

// Duplicate is a ticket that is probably the same request as another, with
// the evidence.
type Duplicate struct {
	TicketRef
	Community    string
	Received     time.Time
	Status       string
	Score        float64
	SamePlace    bool
	SameCategory bool
	Shared       []string // phrases both tickets have, from the texts as the user sees them
}

// Duplicates returns up to max tickets of ix that are probably the same
// request as the ticket id (hot's duplicate decision, in the same community
// when both name one), within u's scope, best first.
func (s *Service) Duplicates(ctx context.Context, u core.User, ix *hot.Index, id int64, max int) ([]Duplicate, error) {
	raw, _, err := s.Raw(ctx, u, id)
	if err != nil {
		return nil, err
	}
	t := s.MaskTicket(u.Role, raw)
	var out []Duplicate
	for _, m := range ix.Similar(DupDoc(raw), max+1) {
		if !m.Duplicate || m.ID == strconv.FormatInt(id, 10) {
			continue
		}
		o, ok, err := s.visible(ctx, u, m.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // outside the scope, or gone
		}
		if raw.Community != "" && o.Community != "" && raw.Community != o.Community {
			continue // one request is about one place: the same words in another community are another request
		}
		ot := s.MaskTicket(u.Role, o)
		out = append(out, Duplicate{TicketRef: TicketRef{ID: ot.ID, Number: ot.Number, Title: ot.Title},
			Community: ot.Community, Received: ot.ReceivedAt, Status: ot.Status, Score: m.Score,
			SamePlace: m.SamePlace, SameCategory: m.SameCategory,
			Shared: hot.Shared(t.Title+"\n"+t.Content, ot.Title+"\n"+ot.Content, 3, nil)})
		if len(out) == max {
			break
		}
	}
	return out, nil
}

// mostCommon returns the non-empty key of n with the largest count (the
// first in order on a tie), "" when there is none.
func mostCommon(n map[string]int) string {
	best, top := "", 0
	for k, c := range n {
		if k != "" && (c > top || c == top && k < best) {
			best, top = k, c
		}
	}
	return best
}

// MaskHotIssue returns h as role may see it: its label (made of the
// members' words) and the members' titles masked as a title is. HotIssues
// keeps them raw, so that one computation serves every role of a board.
func (s *Service) MaskHotIssue(role string, h HotIssue) HotIssue {
	h.Label = s.MaskValue(role, "title", h.Label)
	h.Problem = s.MaskValue(role, "title", h.Problem)
	h.Tickets = slices.Clone(h.Tickets)
	for i := range h.Tickets {
		h.Tickets[i].Title = s.MaskValue(role, "title", h.Tickets[i].Title)
	}
	return h
}
