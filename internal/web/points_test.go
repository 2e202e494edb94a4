package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jiceng/internal/core"
)

// TestPointsAPI: the map's points are the period's tickets with
// coordinates in the user's board scope, coordinates masked for the role.
func TestPointsAPI(t *testing.T) {
	f := newFixture(t)
	// A ticket of 柳荫里社区 with coordinates, beside fixture ticket 1 of
	// 望春园社区 (116.3312, 40.0321).
	if _, err := f.store.UpsertTickets(context.Background(), []core.Ticket{{Number: "QHW2502150009", Channel: "12345",
		ReceivedAt: at("2025-02-15 10:00"), Community: "柳荫里社区", Category1: "城乡建设", Title: "井盖缺失",
		Lng: ptr(116.341234), Lat: ptr(40.029876), Status: core.StatusReceived}}, "import"); err != nil {
		t.Fatal(err)
	}
	type points struct {
		Points []pointJSON
		Capped bool
		Max    int
	}
	tests := []struct {
		user, query string
		status      int
		want        string // numbers, newest first
		exact       bool   // 柳荫里's point at its own coordinates
	}{
		{"staff", "from=2025-01-01&to=2025-02-28", 200, "QHW2502150009 QHW2501050001", true},
		{"admin", "from=2025-01-01&to=2025-02-28", 200, "QHW2502150009 QHW2501050001", true},
		{"leader", "from=2025-01-01&to=2025-02-28", 200, "QHW2502150009 QHW2501050001", false},
		{"cw01", "from=2025-01-01&to=2025-02-28", 200, "QHW2501050001", true},
		{"staff", "from=2025-02-01&to=2025-02-28", 200, "QHW2502150009", true},
		{"staff", "from=2025-03-01&to=2025-03-31", 200, "", true},
		{"hd01", "from=2025-01-01&to=2025-02-28", 403, "", false},
		{"resident", "from=2025-01-01&to=2025-02-28", 403, "", false},
		{"staff", "from=2025-02-28&to=2025-01-01", 400, "", false},
		{"staff", "bbox=1,2,3,4", 400, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.query, func(t *testing.T) {
			r := f.get(t, f.login(t, tt.user), "/api/v1/points?"+tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != http.StatusOK {
				return
			}
			got := decode[points](t, r)
			var nums []string
			for _, p := range got.Points {
				nums = append(nums, p.Number)
				if p.Number == "QHW2502150009" {
					if exact := p.Lng == 116.341234 && p.Lat == 40.029876; exact != tt.exact {
						t.Errorf("point at %v,%v, exact %v want %v", p.Lng, p.Lat, exact, tt.exact)
					}
					if p.Community != "柳荫里社区" || p.Category1 != "城乡建设" || p.Status != core.StatusReceived || p.ID == 0 {
						t.Errorf("point %+v", p)
					}
				}
			}
			if strings.Join(nums, " ") != tt.want || got.Capped || got.Max == 0 {
				t.Errorf("points %v capped %v max %d, want %q", nums, got.Capped, got.Max, tt.want)
			}
		})
	}
}
