package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/hot"
)

// Hot issues (热点问题) cluster every ticket of a period: seconds at a
// district's size. hotCache keeps each board's (scope × period) top issues
// and serves them while fresh ones are computed behind, at most hotFresh
// old; Serve computes the whole street's default period at start-up.
const (
	hotFresh      = 10 * time.Minute
	hotCacheSize  = 64
	hotComputeMax = 2 * time.Minute
	hotTop        = 50 // issues kept per board (the corpus map shows them all)
)

type hotCache = resultCache[[]casework.HotIssue]

func newHotCache() *hotCache {
	return &hotCache{entries: map[string]*cacheEntry[[]casework.HotIssue]{}, fresh: hotFresh, size: hotCacheSize, computeMax: hotComputeMax}
}

// hotIssues returns the top issues of u's board for the days from..to,
// from the cache when they are there, else computed while the request
// waits. The result is shared: do not change it.
func (s *Server) hotIssues(ctx context.Context, u core.User, from, to time.Time) ([]casework.HotIssue, error) {
	key, compute, err := s.hotKey(ctx, u, from, to)
	if err != nil {
		return nil, err
	}
	return s.hotCache.get(ctx, key, s.Clock.Now, compute)
}

// hotIssuesReady returns the issues when the cache has them; otherwise it
// starts their computation and returns ok false (the board then says they
// are being computed, rather than wait seconds for a year of tickets).
func (s *Server) hotIssuesReady(ctx context.Context, u core.User, from, to time.Time) ([]casework.HotIssue, bool, error) {
	key, compute, err := s.hotKey(ctx, u, from, to)
	if err != nil {
		return nil, false, err
	}
	hs, ok := s.hotCache.peek(key, s.Clock.Now, compute)
	return hs, ok, nil
}

// hotKey is the cache key of u's board and period, and its computation.
func (s *Server) hotKey(ctx context.Context, u core.User, from, to time.Time) (string, func(context.Context) ([]casework.HotIssue, error), error) {
	cases := s.cases()
	communities, err := cases.BoardScope(ctx, u)
	if err != nil {
		return "", nil, err
	}
	key := "*"
	if communities != nil {
		key = strings.Join(communities, ",")
	}
	key += "|" + from.Format(time.DateOnly) + "|" + to.Format(time.DateOnly)
	return key, func(ctx context.Context) ([]casework.HotIssue, error) {
		return cases.HotIssues(ctx, u, from, to, hotTop)
	}, nil
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
	Category1   string      `json:"category1"` // the members' most common
	Community   string      `json:"community"` // the members' most common
	Members     []memberRef `json:"members"`
}

type memberRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
}

func (s *Server) toHotJSON(role string, hs []casework.HotIssue, top int) []hotIssueJSON {
	out := []hotIssueJSON{}
	cases := s.cases()
	for i, h := range hs {
		if i == top {
			break
		}
		h = cases.MaskHotIssue(role, h)
		j := hotIssueJSON{Label: h.Label, Heat: h.Heat, Tickets: h.Parts.Volume, Callers: h.Parts.Callers, Growth: h.Parts.Growth,
			First: s.formatTime(h.First), Last: s.formatTime(h.Last), Communities: append([]string{}, h.Communities...),
			Category1: h.Category1, Community: h.Community}
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
	writeJSON(w, http.StatusOK, s.toHotJSON(p.User.Role, hs, top))
}

// The near-duplicate index (合并到工单 X) holds the tickets of the last
// dupDays days; it is built behind the server (at start-up, then when older
// than dupFresh) and a page waits for it at most dupWait.
const (
	dupDays  = 60
	dupFresh = 10 * time.Minute
	dupWait  = 2 * time.Second
)

type dupIndex struct {
	mu       sync.Mutex
	ix       *hot.Index
	at       time.Time
	building chan struct{} // closed when the build in flight ends; nil when none
}

// dups returns the near-duplicate index, starting a build when there is
// none or it is stale; nil when none is ready within dupWait.
func (s *Server) dups(ctx context.Context) *hot.Index {
	d := s.dupIndex
	d.mu.Lock()
	ix, stale := d.ix, d.ix == nil || s.Clock.Now().Sub(d.at) > dupFresh
	if stale && d.building == nil {
		done := make(chan struct{})
		d.building = done
		go func() {
			defer close(done)
			now := s.Clock.Now()
			bctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			nix, err := s.cases().IndexRecent(bctx, now.AddDate(0, 0, -dupDays))
			d.mu.Lock()
			defer d.mu.Unlock()
			d.building = nil
			if err != nil {
				s.Log.Warn("near-duplicate index", "err", err)
				return
			}
			d.ix, d.at = nix, now
		}()
	}
	building := d.building
	d.mu.Unlock()
	if ix != nil || building == nil {
		return ix
	}
	select {
	case <-building:
	case <-time.After(dupWait):
	case <-ctx.Done():
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ix
}

// corpusPage is the data of /corpus (语料地图).
type corpusPage struct {
	From, To string // the period; To inclusive
	Scope    string
	Pending  bool // the period's issues are being computed
	Issues   []hotIssueJSON
	Data     template.JS
}

// handleCorpusPage shows the corpus map: the period's hot issues by
// category and by community, sized by heat.
func (s *Server) handleCorpusPage(w http.ResponseWriter, r *http.Request, p principal) {
	from, to, err := s.dashboardPeriod(r.URL.Query())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	communities, err := s.cases().BoardScope(r.Context(), p.User)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	hs, ready, err := s.hotIssuesReady(r.Context(), p.User, from, to)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := corpusPage{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Scope: "全街道",
		Pending: !ready, Issues: s.toHotJSON(p.User.Role, hs, hotTop)}
	if communities != nil {
		page.Scope = communities[0]
	}
	if page.Data, err = jsonBlock(page.Issues); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "corpus", p, page)
}
