package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testTicketPoints checks the map's points: only tickets with both
// coordinates, in the period and communities asked, newest first, at most
// the limit.
func testTicketPoints(t *testing.T, s core.Store, c *Clock) {
	pr, ok := s.(core.PointReader)
	if !ok {
		t.Skip("store reads no points")
	}
	at := func(n, community string, h int, lng, lat *float64) core.Ticket {
		tk := ticket(n, h)
		tk.Community, tk.Category1, tk.Lng, tk.Lat = community, "城乡建设", lng, lat
		return tk
	}
	upsert(t, s, "test",
		at("P1", "幸福社区", 1, ptr(116.31), ptr(40.01)),
		at("P2", "幸福社区", 2, ptr(116.32), ptr(40.02)),
		at("P3", "和平社区", 3, ptr(116.33), ptr(40.03)),
		at("P4", "和平社区", 4, nil, nil),                 // no coordinates
		at("P5", "和平社区", 5, ptr(116.35), nil),         // half of them
		at("P6", "幸福社区", 30, ptr(116.36), ptr(40.06)), // the next day
	)
	day := core.CountQuery{From: start, To: start.Add(24 * time.Hour)}
	tests := []struct {
		name  string
		q     core.CountQuery
		limit int
		want  []string
	}{
		{"the day, newest first", day, 10, []string{"P3", "P2", "P1"}},
		{"limit keeps the newest", day, 2, []string{"P3", "P2"}},
		{"one community", core.CountQuery{From: day.From, To: day.To, Communities: []string{"幸福社区"}}, 10, []string{"P2", "P1"}},
		{"two communities", core.CountQuery{From: day.From, To: start.Add(48 * time.Hour), Communities: []string{"幸福社区", "和平社区"}}, 10, []string{"P6", "P3", "P2", "P1"}},
		{"no community", core.CountQuery{From: day.From, To: day.To, Communities: []string{}}, 10, nil},
		{"other period", core.CountQuery{From: start.Add(-48 * time.Hour), To: start}, 10, nil},
		{"zero limit", day, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := pr.TicketPoints(context.Background(), tt.q, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Number)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("points %v, want %v", got, tt.want)
			}
		})
	}
	ps, err := pr.TicketPoints(context.Background(), day, 1)
	if err != nil || len(ps) != 1 {
		t.Fatalf("points %v, %v", ps, err)
	}
	p := ps[0]
	if p.ID == 0 || p.Lng != 116.33 || p.Lat != 40.03 || p.Community != "和平社区" || p.Category1 != "城乡建设" ||
		p.Status != core.StatusReceived || !p.ReceivedAt.Equal(start.Add(3*time.Hour)) {
		t.Errorf("point %+v", p)
	}
}
