package casework

import (
	"context"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/search"
)

// Similar cases (类似案例) and reply drafts: for a ticket, the street's past
// tickets about the same kind of problem that were answered, with their
// replies, and a draft assembled from those replies and the policy base's
// passages — extractive, its sources listed, for the handler to edit. The
// case index (package search) is the server's own; what a user is shown
// goes through Raw and the masking here, so a case outside the user's scope
// is never listed.

// CaseYears is how far back the case index reaches.
const CaseYears = 3

// caseOf is a ticket as the case index keeps it.
func caseOf(t core.Ticket) search.Case {
	return search.Case{ID: strconv.FormatInt(t.ID, 10), Text: t.Title + "\n" + t.Content,
		Category1: t.Category1, Category2: t.Category2, Community: t.Community}
}

// IndexCases adds to ix the tickets received from from on that have a
// reply, and returns how many; a ticket already there is replaced. It is
// the server's own read (the index returns IDs only).
func (s *Service) IndexCases(ctx context.Context, ix *search.CaseIndex, from time.Time) (int, error) {
	var batch []search.Case
	n := 0
	flush := func() error {
		if err := ix.Add(batch); err != nil {
			return err
		}
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	err := s.Store.EachTicket(ctx, core.TicketFilter{From: from}, func(t core.Ticket) error {
		if strings.TrimSpace(t.Reply) == "" {
			return nil
		}
		batch = append(batch, caseOf(t))
		if len(batch) == 2000 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if len(batch) > 0 {
		err = flush()
	}
	return n, err
}

// SimilarCase is a past ticket like another, with the reply that closed it.
type SimilarCase struct {
	TicketRef
	Community    string
	Category     string // the category path
	Received     time.Time
	Status       string
	Reply        string
	Satisfaction core.Satisfaction
	Score        float64
}

// SimilarCases returns up to k answered tickets of ix most like ticket id,
// within u's scope, masked for u's role, best first.
func (s *Service) SimilarCases(ctx context.Context, u core.User, ix *search.CaseIndex, id int64, k int) ([]SimilarCase, error) {
	raw, _, err := s.Raw(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if ix == nil {
		return nil, nil
	}
	hits, err := ix.Similar(caseOf(raw), 3*k)
	if err != nil {
		return nil, err
	}
	var out []SimilarCase
	for _, h := range hits {
		o, ok, err := s.visible(ctx, u, h.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // outside the scope, or gone
		}
		o = s.MaskTicket(u.Role, o)
		if strings.TrimSpace(o.Reply) == "" {
			continue // a reply the role may not see is no case to learn from
		}
		out = append(out, SimilarCase{TicketRef: TicketRef{ID: o.ID, Number: o.Number, Title: o.Title}, Community: o.Community,
			Category: o.CategoryPath(), Received: o.ReceivedAt, Status: o.Status, Reply: o.Reply, Satisfaction: o.Satisfaction, Score: h.Score})
		if len(out) == k {
			break
		}
	}
	return out, nil
}

// ReplyDraft is a draft reply for a ticket, made only of sentences of its
// sources: the policy passages that answer it and the reply of the most
// similar past case; the handler edits it before sending.
type ReplyDraft struct {
	Text    string
	Sources []string // what each part of the text comes from
}

// DraftReply drafts the reply of ticket id for u from the policy base (in
// force) and the similar cases of ix. A draft with no source is empty.
func (s *Service) DraftReply(ctx context.Context, u core.User, ix *search.CaseIndex, id int64) (ReplyDraft, error) {
	cases, err := s.SimilarCases(ctx, u, ix, id, 3)
	if err != nil {
		return ReplyDraft{}, err
	}
	var d ReplyDraft
	var parts []string
	if s.Policies != nil {
		a, err := s.TicketPolicies(ctx, u, id, 3)
		if err != nil {
			return ReplyDraft{}, err
		}
		if a.Confident {
			for _, st := range a.Sentences {
				parts = append(parts, "根据"+st.Citation+"，"+st.Text)
				d.Sources = append(d.Sources, st.Citation)
			}
		}
	}
	// The reply of the best case the resident was satisfied with, else
	// the best.
	best := -1
	for i, c := range cases {
		if c.Satisfaction == core.Satisfied {
			best = i
			break
		}
	}
	if best < 0 && len(cases) > 0 {
		best = 0
	}
	if best >= 0 {
		parts = append(parts, strings.TrimSpace(cases[best].Reply))
		d.Sources = append(d.Sources, "类似工单 "+cases[best].Number+" 的答复")
	}
	d.Text = strings.Join(parts, "\n")
	return d, nil
}
