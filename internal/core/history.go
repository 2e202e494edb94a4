package core

import "context"

// TicketHistory is a ticket together with the life cycle it went through:
// its final state, its events oldest first and its final workflow state,
// as a store holds them after the ticket was created and then moved on
// step by step by transitions. The demo street's generator makes them.
type TicketHistory struct {
	// Ticket is the final state; Number is the key. ID, CreatedAt and
	// UpdatedAt are set by the store (created at the first event, updated
	// at the last).
	Ticket Ticket
	// Events is the whole history, oldest first, normally starting with
	// an EventCreate; times are the events' own, not the store's clock.
	// ID and TicketID are set by the store.
	Events []Event
	// Workflow is the final workflow state; TicketID is set by the store.
	Workflow Workflow
}

// HistoryStore is implemented by stores that take tickets with their whole
// history in bulk: a history of many steps per ticket written at once,
// instead of an UpsertTickets and one Transition per step.
type HistoryStore interface {
	// CreateWithHistory stores hs in one transaction, all or nothing:
	// each ticket whose number is new is created with its Events as its
	// history and its Workflow as its workflow state. A ticket whose
	// number is already stored (or came earlier in hs) is left as it is,
	// history included: a history is written once, with the ticket. It
	// returns how many tickets it created. A ticket without a number or
	// events, or an event without a time or an action, is EINVALID.
	CreateWithHistory(ctx context.Context, hs []TicketHistory) (int, error)
}

// Check returns an EINVALID error if h cannot be stored: no number, no
// events, or an event without a time or an action. i is h's index in its
// batch, for the message.
func (h *TicketHistory) Check(i int) error {
	if h.Ticket.Number == "" {
		return Errorf(EINVALID, "第 %d 条工单缺少工单编号", i+1)
	}
	if len(h.Events) == 0 {
		return Errorf(EINVALID, "工单 %s 没有历史记录", h.Ticket.Number)
	}
	for j, e := range h.Events {
		if e.At.IsZero() || e.Action == "" {
			return Errorf(EINVALID, "工单 %s 的第 %d 条历史缺少时间或动作", h.Ticket.Number, j+1)
		}
	}
	return nil
}
