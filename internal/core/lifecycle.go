package core

import (
	"context"
	"time"
)

// LifeCycleReader is implemented by stores that read the life-cycle fields
// of tickets faster than EachTicket: what the 三率 count (ID, Number,
// Channel, ReceivedAt, Street, Community, categories, Intent, Urgency, Unit,
// Status, Deadline, ContactedAt, ResolvedAt, Resolved, Satisfaction,
// CallbackAt), without text or personal data.
type LifeCycleReader interface {
	// EachLifeCycle calls fn with the life-cycle fields of every ticket
	// received in [from, to), oldest first; an error from fn stops it.
	EachLifeCycle(ctx context.Context, from, to time.Time, fn func(Ticket) error) error
}
