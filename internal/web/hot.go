package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// Hot issues (热点问题) cluster every ticket of a period: seconds at a
// district's size. hotCache keeps each board's (scope × period) top issues
// and serves them while fresh ones are computed behind, at most hotFresh
// old; Serve computes the whole street's default period at start-up.
const (
	hotFresh      = 10 * time.Minute
	hotCacheSize  = 64
	hotComputeMax = 2 * time.Minute
	hotTop        = 10 // issues kept per board
)

type hotCache = resultCache[[]casework.HotIssue]

func newHotCache() *hotCache {
	return &hotCache{entries: map[string]*cacheEntry[[]casework.HotIssue]{}, fresh: hotFresh, size: hotCacheSize, computeMax: hotComputeMax}
}

// hotIssues returns the top issues of u's board for the days from..to,
// from the cache when they are there. The result is shared: do not change
// it.
func (s *Server) hotIssues(ctx context.Context, u core.User, from, to time.Time) ([]casework.HotIssue, error) {
	cases := s.cases()
	communities, err := cases.BoardScope(ctx, u)
	if err != nil {
		return nil, err
	}
	key := "*"
	if communities != nil {
		key = strings.Join(communities, ",")
	}
	key += "|" + from.Format(time.DateOnly) + "|" + to.Format(time.DateOnly)
	return s.hotCache.get(ctx, key, s.Clock.Now, func(ctx context.Context) ([]casework.HotIssue, error) {
		return cases.HotIssues(ctx, u, from, to, hotTop)
	})
}

// warmHot computes the whole street's hot issues of the default period.
func (s *Server) warmHot(ctx context.Context) {
	from, to, _ := s.dashboardPeriod(nil)
	if _, err := s.hotIssues(ctx, core.User{Role: core.RoleStaff}, from, to); err != nil && ctx.Err() == nil {
		s.Log.Warn("hot issues warm-up", "err", err)
	}
}

// hotIssueJSON is a hot issue in the API and the page.
type hotIssueJSON struct {
	Label       string      `json:"label"`
	Heat        float64     `json:"heat"`
	Tickets     int         `json:"tickets"`
	Callers     int         `json:"callers"`
	Growth      float64     `json:"growth"`
	First       string      `json:"first"`
	Last        string      `json:"last"`
	Communities []string    `json:"communities"`
	Members     []memberRef `json:"members"`
}

type memberRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
}

func (s *Server) toHotJSON(hs []casework.HotIssue, top int) []hotIssueJSON {
	out := []hotIssueJSON{}
	for i, h := range hs {
		if i == top {
			break
		}
		j := hotIssueJSON{Label: h.Label, Heat: h.Heat, Tickets: h.Parts.Volume, Callers: h.Parts.Callers, Growth: h.Parts.Growth,
			First: s.formatTime(h.First), Last: s.formatTime(h.Last), Communities: append([]string{}, h.Communities...)}
		for _, r := range h.Tickets {
			j.Members = append(j.Members, memberRef{ID: r.ID, Number: r.Number, Title: r.Title})
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) handleHot(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	top := 5
	if v := q.Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hotTop {
			s.fail(w, r, invalidParam("top", "参数 top 应为 1 到 %d 的整数", hotTop))
			return
		}
		top = n
	}
	q.Del("top")
	from, to, err := s.dashboardPeriod(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hs, err := s.hotIssues(r.Context(), p.User, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toHotJSON(hs, top))
}
