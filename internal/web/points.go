package web

import (
	"net/http"
	"time"

	"jiceng/internal/casework"
)

// pointJSON is a ticket on the board's map.
type pointJSON struct {
	ID         int64   `json:"id"`
	Number     string  `json:"number"`
	Lng        float64 `json:"lng"`
	Lat        float64 `json:"lat"`
	ReceivedAt string  `json:"received_at"`
	Community  string  `json:"community"`
	Category1  string  `json:"category1"`
	Status     string  `json:"status"`
}

// handlePoints is GET /api/v1/points: the tickets of the board's period
// (from, to as the dashboard's) that have coordinates, newest first, at
// most casework.MaxMapPoints, in the user's board scope, coordinates
// masked for the role.
func (s *Server) handlePoints(w http.ResponseWriter, r *http.Request, p principal) {
	from, to, err := s.dashboardPeriod(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.cases().MapPoints(r.Context(), p.User, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		Points []pointJSON `json:"points"`
		Capped bool        `json:"capped"`
		Max    int         `json:"max"`
	}{Points: make([]pointJSON, 0, len(m.Points)), Capped: m.Capped, Max: casework.MaxMapPoints}
	for _, pt := range m.Points {
		out.Points = append(out.Points, pointJSON{ID: pt.ID, Number: pt.Number, Lng: pt.Lng, Lat: pt.Lat,
			ReceivedAt: pt.ReceivedAt.Format(time.RFC3339), Community: pt.Community, Category1: pt.Category1, Status: pt.Status})
	}
	writeJSON(w, http.StatusOK, out)
}
