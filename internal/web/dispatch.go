package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/dispatch"
)

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
		if p, _, ok, err := s.cases().Prediction(ctx, &t); err == nil && ok {
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
	// The recommender reads the text: give it the unmasked ticket, in
	// scope. The reasons it gives quote categories and units, not text.
	t, wf, err := s.cases().Raw(r.Context(), p.User, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, ok := s.suggest(r.Context(), t, wf)
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
	Rules    []ruleRow
	CanEdit  bool
	Errors   []string // rows of a refused upload
	Notice   string   // after a confirmation
	Current  versionRow
	Versions []versionRow
	Preview  *previewPage // a staged upload awaiting confirmation
}

type ruleRow struct {
	N                             int
	Category, Keywords, Community string
	Unit, CoUnits, Note           string
	Priority                      int
}

type versionRow struct {
	Version           int
	CreatedAt, Author string
	Source            string
	Rules             int
	Current           bool
}

// previewPage shows what a staged catalogue changes, for confirmation.
type previewPage struct {
	Version, Base int
	Source        string
	Total, Same   int
	Added         []ruleRow
	Removed       []ruleRow
	Changed       []changeRow
	Empty         bool
}

type changeRow struct{ Old, New ruleRow }

func toRuleRow(n int, ru core.DispatchRule) ruleRow {
	return ruleRow{N: n, Category: core.CategoryPath(ru.Category1, ru.Category2, ru.Category3),
		Keywords: strings.Join(ru.Keywords, "、"), Community: ru.Community, Unit: ru.Unit,
		CoUnits: strings.Join(ru.CoUnits, "、"), Note: ru.Note, Priority: ru.Priority}
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, p principal, page rulesPage, status int) {
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !ok {
		s.failPage(w, r, core.Errorf(core.EINVALID, "当前数据库不支持派单目录"))
		return
	}
	ctx := r.Context()
	rules, err := rs.DispatchRules(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	cur, err := rs.CurrentCatalogue(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	versions, err := rs.CatalogueVersions(ctx, 30)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	names := map[string]string{}
	row := func(v core.CatalogueVersion) versionRow {
		return versionRow{Version: v.Version, CreatedAt: s.formatTime(v.CreatedAt), Author: s.actorName(r, v.CreatedBy, names),
			Source: v.Source, Rules: v.Rules, Current: v.Version == cur.Version && cur.Version > 0}
	}
	if cur.Version > 0 {
		page.Current = row(cur)
	}
	for _, v := range versions {
		if !v.AppliedAt.IsZero() { // staged uploads are previews, not versions yet
			page.Versions = append(page.Versions, row(v))
		}
	}
	page.CanEdit = catalogueDesk(p.User.Role)
	for i, ru := range rules {
		page.Rules = append(page.Rules, toRuleRow(i+1, ru))
	}
	s.render(w, r, status, "rules", p, page)
}

func (s *Server) handleRulesPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	page := rulesPage{}
	if n, err := strconv.Atoi(r.URL.Query().Get("applied")); err == nil && n > 0 {
		page.Notice = fmt.Sprintf("已启用第 %d 版派单目录，新的派单建议即按此目录。", n)
	}
	s.renderRules(w, r, p, page, http.StatusOK)
}

// maxCatalogueUpload bounds an uploaded catalogue file.
const maxCatalogueUpload = 10 << 20

// ruleDesk returns the catalogue store when p may change the catalogue;
// otherwise it answers 403 and returns false. It runs before any upload is
// read.
func (s *Server) ruleDesk(w http.ResponseWriter, r *http.Request, p principal) (core.DispatchRuleStore, bool) {
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !catalogueDesk(p.User.Role) || !ok {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "当前账号无权修改派单目录"))
		return nil, false
	}
	return rs, true
}

// catalogueRegistry is what an uploaded catalogue is checked against.
func (s *Server) catalogueRegistry(ctx context.Context) (dispatch.Registry, error) {
	var reg dispatch.Registry
	var err error
	if reg.Units, err = s.Store.Units(ctx); err != nil {
		return reg, err
	}
	if reg.Areas, err = s.Store.Areas(ctx); err != nil {
		return reg, err
	}
	reg.Categories, err = s.Store.Categories(ctx)
	return reg, err
}

// handleRulesUpload reads an uploaded CSV/XLSX catalogue, checks every row
// (the file's own rules and the units, categories and communities it
// names) and, when all are good, stages it and shows what it changes for
// confirmation. Nothing changes before the confirmation; a bad file lists
// every bad row.
func (s *Server) handleRulesUpload(w http.ResponseWriter, r *http.Request, p principal) {
	rs, ok := s.ruleDesk(w, r, p)
	if !ok {
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
		s.renderRules(w, r, p, rulesPage{Errors: []string{"请选择派单目录文件（CSV 或 XLSX）"}}, http.StatusBadRequest)
		return
	}
	defer file.Close()
	// ReadCatalogue reads a path (it sniffs CSV or XLSX and the encoding).
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
	reg, err := s.catalogueRegistry(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	rules, bad, err := dispatch.ReadCatalogue(tmp.Name(), reg)
	if err != nil {
		s.renderRules(w, r, p, rulesPage{Errors: []string{core.ErrorMessage(err)}}, http.StatusBadRequest)
		return
	}
	if len(bad) > 0 {
		var page rulesPage
		for _, b := range bad {
			page.Errors = append(page.Errors, b.Error())
		}
		s.renderRules(w, r, p, page, http.StatusBadRequest)
		return
	}
	s.stageAndPreview(w, r, p, rs, rules, filepath.Base(hdr.Filename))
}

// stageAndPreview stages rules as a version awaiting confirmation and shows
// the differences from the catalogue in force.
func (s *Server) stageAndPreview(w http.ResponseWriter, r *http.Request, p principal, rs core.DispatchRuleStore, rules []core.DispatchRule, source string) {
	ctx := r.Context()
	cur, err := rs.CurrentCatalogue(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	old, err := rs.DispatchRules(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	v, err := rs.StageDispatchRules(ctx, rules, core.CatalogueVersion{CreatedAt: s.Clock.Now(), CreatedBy: p.User.Username, Source: source})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d := dispatch.Compare(old, rules)
	pv := &previewPage{Version: v.Version, Base: cur.Version, Source: source, Total: len(rules), Same: d.Same, Empty: d.Empty()}
	for _, ru := range d.Added {
		pv.Added = append(pv.Added, toRuleRow(0, ru))
	}
	for _, ru := range d.Removed {
		pv.Removed = append(pv.Removed, toRuleRow(0, ru))
	}
	for _, c := range d.Changed {
		pv.Changed = append(pv.Changed, changeRow{Old: toRuleRow(0, c.Old), New: toRuleRow(0, c.New)})
	}
	s.Log.Info("dispatch catalogue staged", "version", v.Version, "rules", len(rules), "user_id", p.User.ID)
	s.renderRules(w, r, p, rulesPage{Preview: pv}, http.StatusOK)
}

// confirmForm reads the confirmation of a staged upload (the catalogue's
// or a setting's): the form token, the staged version and the version in
// force it was compared with. It answers the refusal itself.
func (s *Server) confirmForm(w http.ResponseWriter, r *http.Request, p principal) (version, base int, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return 0, 0, false
	}
	version, err1 := strconv.Atoi(r.PostFormValue("version"))
	base, err2 := strconv.Atoi(r.PostFormValue("base"))
	if err1 != nil || err2 != nil || version < 1 || base < 0 {
		s.failPage(w, r, invalidParam("version", "参数 version、base 应为版本号"))
		return 0, 0, false
	}
	return version, base, true
}

// handleRulesConfirm makes a staged catalogue the one in force, provided
// the catalogue has not changed since its differences were shown.
func (s *Server) handleRulesConfirm(w http.ResponseWriter, r *http.Request, p principal) {
	rs, ok := s.ruleDesk(w, r, p)
	if !ok {
		return
	}
	version, base, ok := s.confirmForm(w, r, p)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := rs.ApplyCatalogueVersion(ctx, version, base, s.Clock.Now()); err != nil {
		if c := core.ErrorCode(err); c == core.ECONFLICT || c == core.ENOTFOUND {
			s.renderRules(w, r, p, rulesPage{Errors: []string{core.ErrorMessage(err)}}, http.StatusConflict)
			return
		}
		s.failPage(w, r, err)
		return
	}
	rules, err := rs.DispatchRules(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.useCatalogue(ctx, rules)
	s.Log.Info("dispatch catalogue applied", "version", version, "rules", len(rules), "user_id", p.User.ID)
	http.Redirect(w, r, fmt.Sprintf("/dispatch/rules?applied=%d", version), http.StatusSeeOther)
}

// useCatalogue makes new suggestions use rules at once; the model stays.
func (s *Server) useCatalogue(ctx context.Context, rules []core.DispatchRule) {
	if s.Dispatch.Get() == nil {
		return
	}
	areas, err1 := s.Store.Areas(ctx)
	units, err2 := s.Store.Units(ctx)
	if err1 != nil || err2 != nil {
		s.Log.Error("dispatch catalogue not refreshed", "err", errors.Join(err1, err2))
		return
	}
	s.Dispatch.SetCatalogue(rules, areas, units)
}

// appliedVersion reads {version} and returns that catalogue version's
// rules; a malformed, unknown or never applied version answers 404.
func (s *Server) appliedVersion(w http.ResponseWriter, r *http.Request, rs core.DispatchRuleStore) (int, []core.DispatchRule, bool) {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "没有这一版派单目录"))
		return 0, nil, false
	}
	v, rules, err := rs.CatalogueVersionRules(r.Context(), n)
	if err == nil && v.AppliedAt.IsZero() {
		err = core.Errorf(core.ENOTFOUND, "第 %d 版派单目录尚未确认", n)
	}
	if err != nil {
		s.failPage(w, r, err)
		return 0, nil, false
	}
	return n, rules, true
}

// handleRulesVersion downloads a version of the catalogue as XLSX, in the
// form an upload takes.
func (s *Server) handleRulesVersion(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !ok {
		s.failPage(w, r, core.Errorf(core.EINVALID, "当前数据库不支持派单目录"))
		return
	}
	n, rules, ok := s.appliedVersion(w, r, rs)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := dispatch.WriteCatalogue(&buf, rules); err != nil {
		s.failPage(w, r, err)
		return
	}
	name := fmt.Sprintf("派单目录-第%d版.xlsx", n)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// handleRulesRestore stages an earlier version again, checked against
// today's registry, and shows what restoring it changes for confirmation.
func (s *Server) handleRulesRestore(w http.ResponseWriter, r *http.Request, p principal) {
	rs, ok := s.ruleDesk(w, r, p)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	n, rules, ok := s.appliedVersion(w, r, rs)
	if !ok {
		return
	}
	reg, err := s.catalogueRegistry(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if bad := dispatch.Check(rules, nil, reg); len(bad) > 0 {
		page := rulesPage{}
		for _, b := range bad {
			page.Errors = append(page.Errors, fmt.Sprintf("第 %d 版第 %d 条：%s", n, b.Row, b.Reason))
		}
		s.renderRules(w, r, p, page, http.StatusBadRequest)
		return
	}
	s.stageAndPreview(w, r, p, rs, rules, fmt.Sprintf("恢复第 %d 版", n))
}
