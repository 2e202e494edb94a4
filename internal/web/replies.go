package web

import (
	"context"
	"net/http"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/replycheck"
)

// 答复质量 on the web: the period's reply-quality report for leaders and
// staff (the worst replies with their reasons), computed behind and
// cached like the hot issues; and the check of a ticket's own reply on its
// page, shown as soon as the reply is saved.

type replyCache = resultCache[casework.ReplyReport]

func newReplyCache() *replyCache {
	return &replyCache{entries: map[string]*cacheEntry[casework.ReplyReport]{}, fresh: 10 * time.Minute, size: 16, computeMax: 10 * time.Minute}
}

// replyCheckJSON is a reply's verdict in the API and on the pages.
type replyCheckJSON struct {
	ID         int64               `json:"id"`
	Number     string              `json:"number"`
	Title      string              `json:"title"`
	Community  string              `json:"community"`
	Unit       string              `json:"unit"`
	ResolvedAt string              `json:"resolved_at"`
	Reply      string              `json:"reply"`
	Score      int                 `json:"score"`
	Parts      []replycheck.Part   `json:"parts"`
	Reasons    []replycheck.Reason `json:"reasons"`
}

func toReplyCheckJSON(c casework.ReplyCheck, loc *time.Location) replyCheckJSON {
	j := replyCheckJSON{ID: c.ID, Number: c.Number, Title: c.Title, Community: c.Community, Unit: c.Unit, Reply: c.Reply,
		Score: c.Result.Score, Parts: c.Result.Parts, Reasons: c.Result.Reasons}
	if !c.ResolvedAt.IsZero() {
		j.ResolvedAt = c.ResolvedAt.In(loc).Format("2006-01-02 15:04")
	}
	if j.Parts == nil {
		j.Parts = []replycheck.Part{}
	}
	if j.Reasons == nil {
		j.Reasons = []replycheck.Reason{}
	}
	return j
}

// replyReportJSON is the period's report.
type replyReportJSON struct {
	From    string           `json:"from"`
	To      string           `json:"to"`
	Ready   bool             `json:"ready"` // false while it is being computed
	Checked int              `json:"checked"`
	Mean    float64          `json:"mean"`
	Faults  map[string]int   `json:"faults"` // by aspect
	Worst   []replyCheckJSON `json:"worst"`
}

// replyReport returns the period's report of r for p, masked, and whether
// it is ready (it is computed behind on first request).
func (s *Server) replyReport(ctx context.Context, r *http.Request, p principal) (replyReportJSON, error) {
	from, to, err := s.dashboardPeriod(r.URL.Query())
	if err != nil {
		return replyReportJSON{}, err
	}
	cases := s.cases()
	communities, err := cases.BoardScope(ctx, p.User)
	if err != nil {
		return replyReportJSON{}, err
	}
	key := "*"
	if communities != nil {
		key = communities[0]
	}
	key += "|" + from.Format(time.DateOnly) + "|" + to.Format(time.DateOnly)
	u := p.User
	rep, ok := s.replyCache.peek(key, s.Clock.Now, func(ctx context.Context) (casework.ReplyReport, error) {
		return cases.ReplyQuality(ctx, u, from, to)
	})
	out := replyReportJSON{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Ready: ok,
		Faults: map[string]int{}, Worst: []replyCheckJSON{}}
	if !ok {
		return out, nil
	}
	rep = cases.MaskReplyReport(p.User.Role, rep)
	out.Checked, out.Mean = rep.Checked, rep.Mean
	for a, n := range rep.Faults {
		out.Faults[string(a)] = n
	}
	for _, c := range rep.Worst {
		out.Worst = append(out.Worst, toReplyCheckJSON(c, s.Location))
	}
	return out, nil
}

// handleReplies is GET /api/v1/replies?from=…&to=…: the reply quality of
// the period (the dashboard's scope and period).
func (s *Server) handleReplies(w http.ResponseWriter, r *http.Request, p principal) {
	out, err := s.replyReport(r.Context(), r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// repliesPage is the data of /replies.
type repliesPage struct {
	R       replyReportJSON
	Aspects []aspectCount
}

type aspectCount struct {
	Name string
	N    int
}

// handleRepliesPage is /replies: 答复质量, the period's worst replies.
func (s *Server) handleRepliesPage(w http.ResponseWriter, r *http.Request, p principal) {
	out, err := s.replyReport(r.Context(), r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := repliesPage{R: out}
	for _, a := range replycheck.Aspects {
		page.Aspects = append(page.Aspects, aspectCount{Name: a.Name(), N: out.Faults[string(a)]})
	}
	s.render(w, r, http.StatusOK, "replies", p, page)
}

// ticketReplyCheck is the check of ticket id's reply for the ticket page;
// nil without a reply.
func (s *Server) ticketReplyCheck(r *http.Request, p principal, id int64) *replyCheckJSON {
	c, ok, err := s.cases().CheckTicketReply(r.Context(), p.User, id)
	if err != nil {
		s.Log.Error("reply check", "ticket", id, "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	j := toReplyCheckJSON(c, s.Location)
	return &j
}
