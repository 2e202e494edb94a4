package web

import (
	"net/http"
	"sync/atomic"

	"jiceng/internal/core"
	"jiceng/internal/dispatch"
)

// Dispatcher holds the smart-dispatch recommender (package dispatch). The
// server starts with the catalogue alone and swaps in a recommender with
// its trained model when training ends, so it is an atomic pointer.
type Dispatcher struct {
	p atomic.Pointer[dispatch.Recommender]
}

// Set replaces the recommender.
func (d *Dispatcher) Set(rc *dispatch.Recommender) { d.p.Store(rc) }

// Get returns the recommender, or nil.
func (d *Dispatcher) Get() *dispatch.Recommender {
	if d == nil {
		return nil
	}
	return d.p.Load()
}

type suggestionJSON struct {
	Unit       string   `json:"unit"`
	CoUnits    []string `json:"co_units"`
	Confidence float64  `json:"confidence"`
	Reason     string   `json:"reason"`
	Source     string   `json:"source"` // catalogue or model
	Rule       int      `json:"rule,omitempty"`
}

type dispatchJSON struct {
	Suggestions []suggestionJSON `json:"suggestions"`
	NeedsHuman  bool             `json:"needs_human"` // belongs in the human dispatch queue
}

// suggest recommends units for t (top 3); ok is false without a
// recommender.
func (s *Server) suggest(t core.Ticket, w core.Workflow) (dispatch.Result, bool) {
	rc := s.Dispatch.Get()
	if rc == nil {
		return dispatch.Result{}, false
	}
	returned := w.ReturnedBy
	if t.Status == core.StatusReturned && t.Unit != "" {
		returned = append(append([]string(nil), returned...), t.Unit)
	}
	return rc.Recommend(t, returned, 3), true
}

func toDispatchJSON(res dispatch.Result) dispatchJSON {
	out := dispatchJSON{Suggestions: []suggestionJSON{}, NeedsHuman: res.NeedsHuman}
	for _, sg := range res.Suggestions {
		out.Suggestions = append(out.Suggestions, suggestionJSON{Unit: sg.Unit, CoUnits: orEmpty(sg.CoUnits),
			Confidence: round3(sg.Confidence), Reason: sg.Reason, Source: sg.Source, Rule: sg.Rule})
	}
	return out
}

// handleDispatchSuggestions answers GET /api/v1/tickets/{id}/dispatch.
func (s *Server) handleDispatchSuggestions(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	v, err := s.ticketView(r, id, p.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The recommender reads the text: give it the unmasked ticket.
	t, err := s.Store.Ticket(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, ok := s.suggest(t, v.workflow)
	if !ok {
		s.fail(w, r, core.Errorf(core.EINVALID, "本系统未启用智能分拨"))
		return
	}
	writeJSON(w, http.StatusOK, toDispatchJSON(res))
}
