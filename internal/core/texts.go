package core

import (
	"context"
	"time"
)

// TicketText is what the tag alerts read of a ticket: when and where it
// came, its category and its words.
type TicketText struct {
	ReceivedAt time.Time
	Community  string
	Category1  string
	Title      string
	Content    string
}

// TicketTextReader reads tickets' texts without the rest of them: at a
// million tickets a narrow read of the detector's 140 days is a fraction of
// EachTicket's. Tickets come in the order of EachTicket; f's Keyword is
// not supported (an error), its paging is ignored.
type TicketTextReader interface {
	EachTicketText(ctx context.Context, f TicketFilter, fn func(TicketText) error) error
}
