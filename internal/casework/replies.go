package casework

import (
	"context"
	"strconv"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/replycheck"
)

// The reply-quality check (答复质量, package replycheck) in the service:
// every reply of a period checked against the period's replies (the
// corpus), the worst listed for the leader; and the check of one ticket's
// reply on its page, run when the reply is saved. Scope is the board's;
// what is shown of a ticket goes through the masking.

// ReplyCheck is one reply's verdict, with its ticket.
type ReplyCheck struct {
	TicketRef
	Community, Unit string
	ResolvedAt      time.Time
	Reply           string
	Result          replycheck.Result
}

// ReplyReport is the reply quality of a period.
type ReplyReport struct {
	From, To time.Time
	Checked  int
	Mean     float64
	// Faults counts the replies at fault in each aspect (reasons that
	// are not hints).
	Faults map[replycheck.Aspect]int
	Worst  []ReplyCheck // worst first
}

// Reply report limits: the period's replies read at most, the worst
// listed, and how far before the period a ticket answered in it may
// have been received.
const (
	MaxReplyChecks = 100_000
	WorstReplies   = 20
	replyLookback  = 90 * 24 * time.Hour
)

// ReplyQuality checks the replies given from..to in u's board scope
// (Dashboard's) and returns the period's figures and worst replies, raw:
// show them through MaskReplyReport.
func (s *Service) ReplyQuality(ctx context.Context, u core.User, from, to time.Time) (ReplyReport, error) {
	communities, err := s.BoardScope(ctx, u)
	if err != nil {
		return ReplyReport{}, err
	}
	if !to.After(from) || to.Sub(from) > MaxDashboardDays*24*time.Hour {
		return ReplyReport{}, core.Errorf(core.EINVALID, "统计时段应在 1 到 %d 天之间", MaxDashboardDays)
	}
	f := core.TicketFilter{From: from.Add(-replyLookback), To: to}
	if communities != nil {
		f.Community = communities[0]
	}
	var (
		pairs   []replycheck.Pair
		tickets []core.Ticket
	)
	err = s.Store.EachTicket(ctx, f, func(t core.Ticket) error {
		if t.Reply == "" || t.ResolvedAt.Before(from) || !t.ResolvedAt.Before(to) || len(pairs) >= MaxReplyChecks {
			return nil
		}
		p := replycheck.PairOf(t)
		p.Message.ID = strconv.FormatInt(t.ID, 10)
		pairs = append(pairs, p)
		tickets = append(tickets, core.Ticket{ID: t.ID, Number: t.Number, Title: t.Title, Community: t.Community, Unit: t.Unit,
			ResolvedAt: t.ResolvedAt, Reply: t.Reply})
		return nil
	})
	if err != nil {
		return ReplyReport{}, err
	}
	rep := ReplyReport{From: from, To: to, Checked: len(pairs), Faults: map[replycheck.Aspect]int{}}
	if len(pairs) == 0 {
		return rep, nil
	}
	corpus := replycheck.NewCorpus(pairs)
	results := make([]replycheck.Result, len(pairs))
	byID := map[string]int{}
	sum := 0
	for i, p := range pairs {
		results[i] = replycheck.Check(p.Message, p.Reply, corpus)
		byID[results[i].ID] = i
		sum += results[i].Score
		for _, a := range replycheck.Aspects {
			if results[i].Has(a) {
				rep.Faults[a]++
			}
		}
	}
	rep.Mean = float64(sum) / float64(len(pairs))
	for _, r := range replycheck.Worst(results, WorstReplies) {
		t := tickets[byID[r.ID]]
		rep.Worst = append(rep.Worst, ReplyCheck{TicketRef: TicketRef{ID: t.ID, Number: t.Number, Title: t.Title},
			Community: t.Community, Unit: t.Unit, ResolvedAt: t.ResolvedAt, Reply: t.Reply, Result: r})
	}
	return rep, nil
}

// MaskReplyCheck applies the dictionary to what a check shows of its
// ticket: the title, the reply and the reasons, which quote both.
func (s *Service) MaskReplyCheck(role string, c ReplyCheck) ReplyCheck {
	c.Title = s.MaskValue(role, "title", c.Title)
	c.Reply = s.MaskValue(role, "reply", c.Reply)
	reasons := make([]replycheck.Reason, len(c.Result.Reasons))
	for i, r := range c.Result.Reasons {
		r.Text = s.MaskValue(role, "reply", r.Text)
		ev := make([]string, 0, len(r.Evidence))
		for _, e := range r.Evidence {
			if m := s.MaskValue(role, "reply", e); m != "" {
				ev = append(ev, m)
			}
		}
		r.Evidence = ev
		reasons[i] = r
	}
	c.Result.Reasons = reasons
	return c
}

// MaskReplyReport is MaskReplyCheck of every reply of r.
func (s *Service) MaskReplyReport(role string, r ReplyReport) ReplyReport {
	worst := make([]ReplyCheck, len(r.Worst))
	for i, c := range r.Worst {
		worst[i] = s.MaskReplyCheck(role, c)
	}
	r.Worst = worst
	return r
}

// CheckTicketReply checks the reply of ticket id alone (no corpus: the
// relevance from the message's own words, completeness, timeliness), for
// a user who sees the ticket, masked for the role; false when the ticket
// has no reply.
func (s *Service) CheckTicketReply(ctx context.Context, u core.User, id int64) (ReplyCheck, bool, error) {
	t, _, err := s.Raw(ctx, u, id)
	if err != nil {
		return ReplyCheck{}, false, err
	}
	if t.Reply == "" {
		return ReplyCheck{}, false, nil
	}
	p := replycheck.PairOf(t)
	c := ReplyCheck{TicketRef: TicketRef{ID: t.ID, Number: t.Number, Title: t.Title}, Community: t.Community, Unit: t.Unit,
		ResolvedAt: t.ResolvedAt, Reply: t.Reply, Result: replycheck.Check(p.Message, p.Reply, nil)}
	return s.MaskReplyCheck(u.Role, c), true, nil
}
