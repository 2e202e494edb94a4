package casework

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestMapPoints(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	lng, lat := 116.331234, 40.031234
	var ts []core.Ticket
	for i := range MaxMapPoints + 5 {
		c := "望春园社区"
		if i%2 == 1 {
			c = "柳荫里社区"
		}
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("M%04d", i), ReceivedAt: day0.Add(time.Duration(i) * time.Second),
			Community: c, Category1: "城乡建设", Title: "井盖", Lng: &lng, Lat: &lat, Status: core.StatusReceived})
	}
	ts = append(ts, core.Ticket{Number: "M-none", ReceivedAt: day0.Add(time.Hour), Community: "望春园社区", Title: "无坐标"})
	if _, err := s.Store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
	from, to := day0, day0.AddDate(0, 0, 1)
	// 望春园社区 has the even ones and the test street's GD-0001.
	half := (MaxMapPoints+5+1)/2 + 1
	tests := []struct {
		user   string
		code   string
		n      int
		capped bool
		only   string // the community of every point, "" any
		exact  bool   // coordinates shown exactly (a leader's are generalised)
	}{
		{"admin", "", MaxMapPoints, true, "", true},
		{"leader", "", MaxMapPoints, true, "", false},
		{"staff", "", MaxMapPoints, true, "", true},
		{"cw01", "", half, false, "望春园社区", true},
		{"cw02", "", MaxMapPoints + 5 - (half - 1), false, "柳荫里社区", true},
		{"hd01", core.EFORBIDDEN, 0, false, "", false},
		{"resident", core.EFORBIDDEN, 0, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			m, err := s.MapPoints(ctx, users[tt.user], from, to)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if len(m.Points) != tt.n || m.Capped != tt.capped {
				t.Fatalf("%d points capped %v, want %d %v", len(m.Points), m.Capped, tt.n, tt.capped)
			}
			for i, p := range m.Points {
				if tt.only != "" && p.Community != tt.only {
					t.Fatalf("point %s of %s", p.Number, p.Community)
				}
				if exact := p.Lng == lng && p.Lat == lat; p.Number != "GD-0001" && exact != tt.exact {
					t.Fatalf("point %s at %v,%v, exact %v want %v", p.Number, p.Lng, p.Lat, exact, tt.exact)
				}
				if p.Number == "M-none" {
					t.Fatal("a ticket without coordinates is a point")
				}
				if i > 0 && p.ReceivedAt.After(m.Points[i-1].ReceivedAt) {
					t.Fatal("points not newest first")
				}
			}
		})
	}
	if _, err := s.MapPoints(ctx, users["admin"], to, from); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("reversed period: %v", err)
	}
}
