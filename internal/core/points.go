package core

import (
	"context"
	"time"
)

// TicketPoint is where a ticket is, for the map: the tickets that have
// coordinates (lng, lat), without text or personal data.
type TicketPoint struct {
	ID         int64
	Number     string
	Lng, Lat   float64
	ReceivedAt time.Time
	Community  string
	Category1  string
	Status     string
}

// PointReader is implemented by stores that read the coordinates of
// tickets.
type PointReader interface {
	// TicketPoints returns the points of the tickets received in
	// [q.From, q.To) in q.Communities (nil: all) that have coordinates,
	// newest first, at most limit.
	TicketPoints(ctx context.Context, q CountQuery, limit int) ([]TicketPoint, error)
}
