package web

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
func (s *Server) suggest(ctx context.Context, t core.Ticket, w core.Workflow) (dispatch.Result, bool) {
	rc := s.Dispatch.Get()
	if rc == nil {
		return dispatch.Result{}, false
	}
	if t.Category1 == "" {
		// Not categorised by a person yet: the catalogue and the model go
		// by the predicted category (智能研判), when there is one.
		if p, err := s.Store.Prediction(ctx, t.ID); err == nil && p.Category1 != "" {
			t.Category1, t.Category2, t.Category3 = p.Category1, p.Category2, p.Category3
		} else if s.Understand != nil {
			p := s.Understand.Predict(&t)
			t.Category1, t.Category2, t.Category3 = p.Category1, p.Category2, p.Category3
		}
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
	if !catalogueDesk(p.User.Role) {
		// Dispatch is the desk's work, and the reasons quote the text.
		s.fail(w, r, core.Errorf(core.EFORBIDDEN, "当前账号无权查看派单建议"))
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
	res, ok := s.suggest(r.Context(), t, v.workflow)
	if !ok {
		s.fail(w, r, core.Errorf(core.EINVALID, "本系统未启用智能分拨"))
		return
	}
	writeJSON(w, http.StatusOK, toDispatchJSON(res))
}

// catalogueDesk are the roles that maintain the dispatch catalogue.
func catalogueDesk(role string) bool { return role == core.RoleAdmin || role == core.RoleStaff }

// rulesPage is the data of /dispatch/rules.
type rulesPage struct {
	Rules   []ruleRow
	CanEdit bool
	Errors  []string // rows of a refused upload
	Saved   int      // rules saved by the last upload
}

type ruleRow struct {
	N                             int
	Category, Keywords, Community string
	Unit, CoUnits, Note           string
	Priority                      int
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, p principal, page rulesPage, status int) {
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !ok {
		s.failPage(w, r, core.Errorf(core.EINVALID, "当前数据库不支持派单目录"))
		return
	}
	rules, err := rs.DispatchRules(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page.CanEdit = catalogueDesk(p.User.Role)
	for i, ru := range rules {
		page.Rules = append(page.Rules, ruleRow{N: i + 1, Category: joinNonEmpty(" / ", ru.Category1, ru.Category2, ru.Category3),
			Keywords: strings.Join(ru.Keywords, "、"), Community: ru.Community, Unit: ru.Unit,
			CoUnits: strings.Join(ru.CoUnits, "、"), Note: ru.Note, Priority: ru.Priority})
	}
	s.render(w, r, status, "rules", p, page)
}

func (s *Server) handleRulesPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.renderRules(w, r, p, rulesPage{Saved: -1}, http.StatusOK)
}

// maxCatalogueUpload bounds an uploaded catalogue file.
const maxCatalogueUpload = 10 << 20

// handleRulesUpload replaces the catalogue with an uploaded CSV/XLSX file:
// all of it or, when a row is bad, nothing, with the reasons.
func (s *Server) handleRulesUpload(w http.ResponseWriter, r *http.Request, p principal) {
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !catalogueDesk(p.User.Role) || !ok {
		// Refused before the upload is read.
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "当前账号无权修改派单目录"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCatalogueUpload)
	if err := r.ParseMultipartForm(maxCatalogueUpload); err != nil {
		s.failPage(w, r, core.Errorf(core.EINVALID, "上传失败：文件过大（上限 10 MB）或格式不对"))
		return
	}
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderRules(w, r, p, rulesPage{Saved: -1, Errors: []string{"请选择派单目录文件（CSV 或 XLSX）"}}, http.StatusBadRequest)
		return
	}
	defer file.Close()
	// LoadCatalogue reads a path (it sniffs CSV or XLSX and the encoding).
	tmp, err := os.CreateTemp("", "jiceng-catalogue-*"+filepath.Ext(hdr.Filename))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, file)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	rules, bad, err := dispatch.LoadCatalogue(tmp.Name())
	if err != nil {
		s.renderRules(w, r, p, rulesPage{Saved: -1, Errors: []string{core.ErrorMessage(err)}}, http.StatusBadRequest)
		return
	}
	if len(bad) > 0 {
		page := rulesPage{Saved: -1}
		for _, b := range bad {
			page.Errors = append(page.Errors, b.Error())
		}
		s.renderRules(w, r, p, page, http.StatusBadRequest)
		return
	}
	if err := rs.ReplaceDispatchRules(r.Context(), rules); err != nil {
		s.failPage(w, r, err)
		return
	}
	// New suggestions use the new catalogue at once; the model stays.
	if rc := s.Dispatch.Get(); rc != nil {
		areas, err1 := s.Store.Areas(r.Context())
		units, err2 := s.Store.Units(r.Context())
		if err1 == nil && err2 == nil {
			s.Dispatch.Set(&dispatch.Recommender{Catalogue: dispatch.NewCatalogue(rules, areas, units), Model: rc.Model,
				Threshold: rc.Threshold, StaleRate: rc.StaleRate, StaleReturns: rc.StaleReturns})
		}
	}
	s.Log.Info("dispatch catalogue replaced", "rules", len(rules), "user_id", p.User.ID)
	s.renderRules(w, r, p, rulesPage{Saved: len(rules)}, http.StatusOK)
}
