package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// The tag alerts of a board (casework.TagAlerts) read the tickets of the
// detector's 140 days to count the tag library on their text: seconds at a
// million tickets. tagCache keeps each board's (scope × period's end ×
// library version) and serves them while fresh ones are computed behind,
// as the hot issues are; the board lists them once they are there and
// says when they are being computed.
const (
	tagFresh      = 10 * time.Minute
	tagCacheSize  = 64
	tagComputeMax = 2 * time.Minute
)

type tagAlertCache = resultCache[[]casework.RiskAlert]

func newTagAlertCache() *tagAlertCache {
	return &tagAlertCache{entries: map[string]*cacheEntry[[]casework.RiskAlert]{}, fresh: tagFresh, size: tagCacheSize, computeMax: tagComputeMax}
}

// tagAlertsKey is the cache key of u's board's tag alerts to the day to
// (exclusive), and their computation. The key holds the tag library's
// version, so that a curated library is counted at once.
func (s *Server) tagAlertsKey(ctx context.Context, u core.User, to time.Time) (string, func(context.Context) ([]casework.RiskAlert, error), error) {
	cases := s.cases()
	communities, err := cases.BoardScope(ctx, u)
	if err != nil {
		return "", nil, err
	}
	version := 0
	if ss, ok := s.Store.(core.SettingStore); ok {
		_, v, err := ss.Setting(ctx, core.SettingTags)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return "", nil, err
		}
		version = v
	}
	key := "*"
	if communities != nil {
		key = strings.Join(communities, ",")
	}
	key += "|" + to.Format(time.DateOnly) + "|v" + strconv.Itoa(version)
	return key, func(ctx context.Context) ([]casework.RiskAlert, error) {
		return cases.TagAlerts(ctx, u, to)
	}, nil
}

// tagAlertsReady returns the board's tag alerts when the cache has them;
// otherwise it starts their computation and returns ok false.
func (s *Server) tagAlertsReady(ctx context.Context, u core.User, to time.Time) ([]casework.RiskAlert, bool, error) {
	key, compute, err := s.tagAlertsKey(ctx, u, to)
	if err != nil {
		return nil, false, err
	}
	as, ok := s.tagCache.peek(key, s.Clock.Now, compute)
	return as, ok, nil
}

// tagAlertsWait returns the board's tag alerts, computing them while the
// request waits when the cache has none (the risk report's workbook).
func (s *Server) tagAlertsWait(ctx context.Context, u core.User, to time.Time) ([]casework.RiskAlert, error) {
	key, compute, err := s.tagAlertsKey(ctx, u, to)
	if err != nil {
		return nil, err
	}
	return s.tagCache.get(ctx, key, s.Clock.Now, compute)
}

// withTagAlerts returns d with the tag alerts among its alerts, in order;
// d's own slice (shared by the board cache) is not changed.
func withTagAlerts(d casework.Dashboard, tags []casework.RiskAlert) casework.Dashboard {
	if len(tags) == 0 {
		return d
	}
	all := make([]casework.RiskAlert, 0, len(d.Alerts)+len(tags))
	d.Alerts = casework.SortAlerts(append(append(all, d.Alerts...), tags...))
	return d
}

// boardWithTags is board with the tag alerts the cache has; pending says
// they are being computed.
func (s *Server) boardWithTags(ctx context.Context, p principal, d casework.Dashboard) (casework.Dashboard, bool, error) {
	tags, ok, err := s.tagAlertsReady(ctx, p.User, d.To)
	if err != nil {
		return d, false, err
	}
	return withTagAlerts(d, tags), !ok, nil
}
