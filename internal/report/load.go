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
// kept in memory: no personal data or free text.
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
	var tickets []core.Ticket
	err := src.EachTicket(ctx, f, func(t core.Ticket) error {
		tickets = append(tickets, core.Ticket{ID: t.ID, Number: t.Number, ReceivedAt: t.ReceivedAt, Street: t.Street,
			Community: t.Community, Category1: t.Category1, Category2: t.Category2, Category3: t.Category3,
			Intent: t.Intent, Urgency: t.Urgency, Unit: t.Unit, Status: t.Status, Deadline: t.Deadline,
			ContactedAt: t.ContactedAt, ResolvedAt: t.ResolvedAt, Resolved: t.Resolved, Satisfaction: t.Satisfaction,
			CallbackAt: t.CallbackAt, Channel: t.Channel})
		return nil
	})
	if err != nil {
		return nil, err
	}
	res, err := rates.Compute(tickets, p, cfg)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "%s", err.Error())
	}
	return res, nil
}
