package report

import (
	"context"

	"jiceng/internal/core"
	"jiceng/internal/rates"
)

// TicketSource is what Compute reads tickets from: a core.TicketStore.
type TicketSource interface {
	EachTicket(ctx context.Context, f core.TicketFilter, fn func(core.Ticket) error) error
}

// Compute reads the tickets of period p and of its trend periods from src
// and computes their rates under cfg. Only the fields the rates read are
// kept in memory: no personal data or free text; a store that implements
// core.LifeCycleReader reads only those.
func Compute(ctx context.Context, src TicketSource, p rates.Period, cfg rates.Config) (*rates.Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, core.Errorf(core.EINVALID, "%s", err.Error())
	}
	loc := cfg.Zone()
	f := core.TicketFilter{From: p.Add(-cfg.History).Start(loc), To: p.End(loc)}
	if cfg.PeriodBasis == rates.BasisCallback {
		// Tickets called back in the first period may have been received
		// months before it.
		f.From = f.From.AddDate(0, -6, 0)
	}
	// Tickets are collected in chunks and joined once: a growing slice of
	// a large struct spends most of the time copying.
	var chunks [][]core.Ticket
	n := 0
	keep := func(t core.Ticket) error {
		if len(chunks) == 0 || len(chunks[len(chunks)-1]) == cap(chunks[len(chunks)-1]) {
			chunks = append(chunks, make([]core.Ticket, 0, 4096))
		}
		c := &chunks[len(chunks)-1]
		*c = append(*c, core.Ticket{ID: t.ID, Number: t.Number, ReceivedAt: t.ReceivedAt, Street: t.Street,
			Community: t.Community, Category1: t.Category1, Category2: t.Category2, Category3: t.Category3,
			Intent: t.Intent, Urgency: t.Urgency, Unit: t.Unit, Status: t.Status, Deadline: t.Deadline,
			ContactedAt: t.ContactedAt, ResolvedAt: t.ResolvedAt, Resolved: t.Resolved, Satisfaction: t.Satisfaction,
			CallbackAt: t.CallbackAt, Channel: t.Channel})
		n++
		return nil
	}
	var err error
	if lr, ok := src.(core.LifeCycleReader); ok {
		err = lr.EachLifeCycle(ctx, f.From, f.To, keep)
	} else {
		err = src.EachTicket(ctx, f, keep)
	}
	if err != nil {
		return nil, err
	}
	tickets := make([]core.Ticket, 0, n)
	for _, c := range chunks {
		tickets = append(tickets, c...)
	}
	res, err := rates.Compute(tickets, p, cfg)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "%s", err.Error())
	}
	return res, nil
}
