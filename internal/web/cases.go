package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/search"
)

// The case index (类似案例) of the server: built behind at start-up from
// the answered tickets of the last casework.CaseYears years, then kept up
// by indexing again the tickets of the last caseRefreshDays days every
// caseFresh (a reply comes within days of the ticket). Pages and the API
// read it through casework.SimilarCases, which checks scope and masks.
const (
	caseFresh       = 10 * time.Minute
	caseRefreshDays = 30
)

type caseIndex struct {
	mu       sync.Mutex
	ix       *search.CaseIndex
	built    bool      // the first, whole build is done
	at       time.Time // of the last build or refresh
	building bool
}

// cases returns the case index, starting its build or refresh behind when
// it is missing or stale; nil until the first build is done.
func (s *Server) casesIndex() *search.CaseIndex {
	c := s.caseIndex
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.Clock.Now()
	if !c.building && (!c.built || now.Sub(c.at) > caseFresh) {
		c.building = true
		whole := !c.built
		go s.buildCases(whole, now)
	}
	if !c.built {
		return nil
	}
	return c.ix
}

func (s *Server) buildCases(whole bool, now time.Time) {
	c := s.caseIndex
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	c.mu.Lock()
	ix := c.ix
	c.mu.Unlock()
	var err error
	if ix == nil {
		ix, err = search.OpenCasesMem()
	}
	from := now.AddDate(0, 0, -caseRefreshDays)
	if whole {
		from = now.AddDate(-casework.CaseYears, 0, 0)
	}
	start := time.Now()
	n := 0
	if err == nil {
		n, err = s.cases().IndexCases(ctx, ix, from)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.building = false
	if err != nil {
		s.Log.Warn("case index", "err", err)
		return
	}
	c.ix, c.built, c.at = ix, true, now
	if whole {
		s.Log.Info("case index built", "cases", n, "took", time.Since(start).Round(time.Millisecond))
	}
}

// caseJSON is a similar case in the API and on the ticket page.
type caseJSON struct {
	ID           int64   `json:"id"`
	Number       string  `json:"number"`
	Title        string  `json:"title"`
	Community    string  `json:"community"`
	Category     string  `json:"category"`
	Received     string  `json:"received"`
	Status       string  `json:"status"`
	Reply        string  `json:"reply"`
	Satisfaction string  `json:"satisfaction"`
	Score        float64 `json:"score"`
}

// similarJSON is the answer of /api/v1/tickets/{id}/similar.
type similarJSON struct {
	Ready   bool       `json:"ready"` // the case index is built
	Cases   []caseJSON `json:"cases"`
	Draft   string     `json:"draft"`
	Sources []string   `json:"sources"`
}

// similar returns the similar cases and the reply draft of ticket id for
// the user.
func (s *Server) similar(r *http.Request, p principal, id int64) (similarJSON, error) {
	ix := s.casesIndex()
	out := similarJSON{Ready: ix != nil, Cases: []caseJSON{}, Sources: []string{}}
	cases := s.cases()
	cs, err := cases.SimilarCases(r.Context(), p.User, ix, id, 5)
	if err != nil {
		return out, err
	}
	for _, c := range cs {
		out.Cases = append(out.Cases, caseJSON{ID: c.ID, Number: c.Number, Title: c.Title, Community: c.Community, Category: c.Category,
			Received: c.Received.In(s.Location).Format("2006-01-02"), Status: c.Status, Reply: c.Reply, Satisfaction: string(c.Satisfaction), Score: c.Score})
	}
	d, err := cases.DraftReply(r.Context(), p.User, ix, id)
	if err != nil {
		return out, err
	}
	out.Draft = d.Text
	out.Sources = append(out.Sources, d.Sources...)
	return out, nil
}

// handleSimilar is GET /api/v1/tickets/{id}/similar: the ticket's similar
// answered cases with their replies, and a reply draft from them and the
// policy base.
func (s *Server) handleSimilar(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	out, err := s.similar(r, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
