package casework

import (
	"context"
	"strconv"
	"time"

	"jiceng/internal/core"
)

// MaxMapPoints is the most tickets the board's map shows as points: the
// newest of the period. Beyond a few thousand points a street's map is one
// blot and the browser slows; the communities' colours carry the rest.
const MaxMapPoints = 2000

// MapPoints are the tickets of a period that have coordinates, for the
// board's map.
type MapPoints struct {
	Points []core.TicketPoint // newest first
	// Capped is set when the period has more points than MaxMapPoints.
	Capped bool
}

// MapPoints returns the points of the tickets received from..to in u's
// board scope (Dashboard's): the whole street, or a community worker's
// community. Points carry no text or personal data, only where and what.
func (s *Service) MapPoints(ctx context.Context, u core.User, from, to time.Time) (MapPoints, error) {
	communities, err := s.BoardScope(ctx, u)
	if err != nil {
		return MapPoints{}, err
	}
	pr, ok := s.Store.(core.PointReader)
	if !ok {
		return MapPoints{}, core.Errorf(core.EINTERNAL, "数据库不支持地图点位")
	}
	if !to.After(from) || to.Sub(from) > MaxDashboardDays*24*time.Hour {
		return MapPoints{}, core.Errorf(core.EINVALID, "统计时段应在 1 到 %d 天之间", MaxDashboardDays)
	}
	ps, err := pr.TicketPoints(ctx, core.CountQuery{From: from, To: to, Communities: communities}, MaxMapPoints+1)
	if err != nil {
		return MapPoints{}, err
	}
	m := MapPoints{Capped: len(ps) > MaxMapPoints}
	ps = ps[:min(len(ps), MaxMapPoints)]
	// Coordinates are masked like the ticket's own (a leader's are
	// generalised); a point whose coordinates the role may not see is not
	// shown.
	for _, p := range ps {
		lng, okLng := s.maskCoord(u.Role, "lng", p.Lng)
		lat, okLat := s.maskCoord(u.Role, "lat", p.Lat)
		if !okLng || !okLat {
			continue
		}
		p.Lng, p.Lat = lng, lat
		m.Points = append(m.Points, p)
	}
	return m, nil
}

// maskCoord is a coordinate as role may see it: kept, generalised, or
// none (false).
func (s *Service) maskCoord(role, field string, v float64) (float64, bool) {
	raw := strconv.FormatFloat(v, 'f', -1, 64)
	masked := s.MaskValue(role, field, raw)
	if masked == raw {
		return v, true
	}
	f, err := strconv.ParseFloat(masked, 64)
	return f, err == nil
}
