package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/tabfile"
)

// The base-data registries (基础数据: 人口, 房屋, 企业, 组织): the list and
// detail pages, the steward's fix, retire and restore forms, and the API.
// Who sees which records and what of them, and who may change them, is
// package casework's (Service.ListRecords, GetRecord, FixRecord ...).

// recordParams are the query parameters a record list accepts.
var recordParams = map[string]bool{
	"kind": true, "source": true, "community": true, "grid": true, "status": true, "q": true, "flagged": true,
	"page": true, "offset": true, "limit": true,
}

// parseRecordFilter reads a record filter from query parameters: kind
// (person, house, enterprise, organisation; "" every kind), source,
// community, grid, status (active 在册, retired 已注销), q (a part of the
// name or address), flagged (1: records with a flag), paging as
// parseFilter's. Unknown parameters are refused, to catch typos.
func parseRecordFilter(q url.Values) (core.RecordFilter, error) {
	var f core.RecordFilter
	for k := range q {
		if k == "" {
			return f, invalidParam("query", "查询参数缺少名称（如 kind=person）")
		}
		if !recordParams[k] {
			if utf8.RuneCountInString(k) > 40 {
				k = string([]rune(k)[:40])
			}
			return f, invalidParam(k, "未知参数 %s", k)
		}
		if len(q[k]) > 1 {
			return f, invalidParam(k, "参数 %s 重复", k)
		}
	}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	if k := get("kind"); k != "" {
		if !slices.Contains(fieldset.RecordKinds, k) {
			return f, invalidParam("kind", "参数 kind 应为以下之一：%s", strings.Join(fieldset.RecordKinds, "、"))
		}
		f.Kind = k
	}
	switch v := get("status"); v {
	case "", "all":
	case core.RecordActive, "在册":
		f.Status = core.RecordActive
	case core.RecordRetired, "已注销":
		f.Status = core.RecordRetired
	default:
		return f, invalidParam("status", "参数 status 应为 active（在册）、retired（已注销）或 all（全部）")
	}
	switch get("flagged") {
	case "", "0", "false":
	case "1", "true", "on":
		f.Flagged = true
	default:
		return f, invalidParam("flagged", "参数 flagged 应为 1 或 0")
	}
	for _, t := range []struct {
		name string
		dst  *string
	}{{"source", &f.Source}, {"community", &f.Community}, {"grid", &f.Grid}, {"q", &f.Query}} {
		v := get(t.name)
		if !utf8.ValidString(v) {
			return f, invalidParam(t.name, "参数 %s 不是合法的 UTF-8 文本", t.name)
		}
		if utf8.RuneCountInString(v) > maxKeywordRunes {
			return f, invalidParam(t.name, "参数 %s 过长（最多 %d 个字）", t.name, maxKeywordRunes)
		}
		*t.dst = v
	}
	var err error
	f.Limit, f.Offset, err = parsePaging(get)
	return f, err
}

// pathRecord is the {id} path value as a record id; a value that is not
// one gives 0, which casework answers as a missing record after its role
// check.
func pathRecord(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// recordJSON is the API form of a record. Values are by the field names of
// the kind's field set (internal/fieldset/persons.csv ...), masked for the
// user's role; a value the role may not see is absent.
type recordJSON struct {
	ID          int64             `json:"id"`
	Kind        string            `json:"kind"`
	KindLabel   string            `json:"kind_label"`
	Source      string            `json:"source"`
	Key         string            `json:"key"`
	Name        string            `json:"name"`
	Values      map[string]string `json:"values"`
	Flags       map[string]string `json:"flags"`
	Community   string            `json:"community"`
	Grid        string            `json:"grid"`
	Status      string            `json:"status"`
	StatusLabel string            `json:"status_label"`
	Version     int               `json:"version"`
	Fixed       []string          `json:"fixed"`
	CreatedAt   *string           `json:"created_at"`
	UpdatedAt   *string           `json:"updated_at"`
	SeenAt      *string           `json:"seen_at"`
}

type recordFieldJSON struct {
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Type        string   `json:"type"`
	Sensitivity string   `json:"sensitivity"`
	Required    bool     `json:"required"`
	Options     []string `json:"options,omitempty"`
	Value       string   `json:"value"`
	Masked      bool     `json:"masked"`
	Flag        string   `json:"flag,omitempty"`
	Fixed       bool     `json:"fixed"`
}

type recordDetailJSON struct {
	recordJSON
	Fields []recordFieldJSON `json:"fields"`
	// CanFix says the user may correct, retire and restore the record.
	CanFix       bool     `json:"can_fix"`
	RevealFields []string `json:"reveal_fields"`
}

type recordListJSON struct {
	Total  int            `json:"total"`
	Offset int            `json:"offset"`
	Limit  int            `json:"limit"`
	Counts map[string]int `json:"counts"`
	Items  []recordJSON   `json:"items"`
}

type recordChangeJSON struct {
	Version     int                     `json:"version"`
	At          *string                 `json:"at"`
	Actor       string                  `json:"actor"`
	Action      string                  `json:"action"`
	ActionLabel string                  `json:"action_label"`
	Note        string                  `json:"note"`
	Changes     []recordFieldChangeJSON `json:"changes"`
}

type recordFieldChangeJSON struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

func (s *Server) toRecordJSON(r core.Record) recordJSON {
	j := recordJSON{ID: r.ID, Kind: r.Kind, KindLabel: fieldset.KindLabel[r.Kind], Source: r.Source, Key: r.Key,
		Name: r.Name(), Values: r.Values, Flags: r.Flags, Community: r.Community, Grid: r.Grid, Status: r.Status,
		StatusLabel: casework.RecordStatusLabels[r.Status], Version: r.Version, Fixed: r.Fixed,
		CreatedAt: s.timeJSON(r.CreatedAt), UpdatedAt: s.timeJSON(r.UpdatedAt), SeenAt: s.timeJSON(r.SeenAt)}
	if j.Values == nil {
		j.Values = map[string]string{}
	}
	if j.Flags == nil {
		j.Flags = map[string]string{}
	}
	if j.Fixed == nil {
		j.Fixed = []string{}
	}
	return j
}

func (s *Server) toRecordDetailJSON(v casework.RecordView) recordDetailJSON {
	j := recordDetailJSON{recordJSON: s.toRecordJSON(v.Record), CanFix: v.CanFix, RevealFields: v.RevealFields}
	for _, f := range v.Fields {
		j.Fields = append(j.Fields, recordFieldJSON{Name: f.Name, Label: f.Label, Type: f.Type, Sensitivity: f.Sensitivity,
			Required: f.Required, Options: f.Options, Value: f.Value, Masked: f.Masked, Flag: f.Flag, Fixed: f.Fixed})
	}
	if j.RevealFields == nil {
		j.RevealFields = []string{}
	}
	return j
}

// toRecordChangeJSON is a history entry with its changes in the field
// set's order.
func (s *Server) toRecordChangeJSON(kind string, c core.RecordChange) recordChangeJSON {
	j := recordChangeJSON{Version: c.Version, At: s.timeJSON(c.At), Actor: c.Actor, Action: c.Action,
		ActionLabel: casework.RecordActionLabels[c.Action], Note: c.Note, Changes: []recordFieldChangeJSON{}}
	for _, name := range changedFields(kind, c.Changes) {
		fc := c.Changes[name]
		j.Changes = append(j.Changes, recordFieldChangeJSON{Field: name, Label: recordFieldLabel(kind, name), Old: fc.Old, New: fc.New})
	}
	return j
}

// changedFields are the fields of changes in the order of kind's field set
// (others after, by name).
func changedFields(kind string, changes map[string]core.FieldChange) []string {
	set := fieldset.Records(kind)
	names := make([]string, 0, len(changes))
	for n := range changes {
		names = append(names, n)
	}
	index := func(n string) int {
		if set != nil {
			for i, f := range set.Fields {
				if f.Name == n {
					return i
				}
			}
		}
		return 1 << 20
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := index(a) - index(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return names
}

func recordFieldLabel(kind, name string) string {
	if set := fieldset.Records(kind); set != nil {
		if f := set.Field(name); f != nil {
			return f.Label
		}
	}
	return name
}

// handleRecords answers GET /api/v1/records.
func (s *Server) handleRecords(w http.ResponseWriter, r *http.Request, p principal) {
	if !casework.ReadsRecords(p.User.Role) {
		_, err := s.cases().RecordScope(r.Context(), p.User) // the role's refusal first
		s.fail(w, r, err)
		return
	}
	f, err := parseRecordFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recs, total, err := s.cases().ListRecords(r.Context(), p.User, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.recordCounts(r, p, f, total)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := recordListJSON{Total: total, Offset: f.Offset, Limit: f.Limit, Counts: counts, Items: make([]recordJSON, 0, len(recs))}
	for _, rec := range recs {
		out.Items = append(out.Items, s.toRecordJSON(rec))
	}
	writeJSON(w, http.StatusOK, out)
}

// recordCounts are the counts of f's records by kind, the tabs of a list:
// the list's own kind is its total, counted already.
func (s *Server) recordCounts(r *http.Request, p principal, f core.RecordFilter, total int) (map[string]int, error) {
	var others []string
	for _, k := range fieldset.RecordKinds {
		if k != f.Kind {
			others = append(others, k)
		}
	}
	counts, err := s.cases().CountRecords(r.Context(), p.User, f, others...)
	if err == nil && f.Kind != "" {
		counts[f.Kind] = total
	}
	return counts, err
}

// recordSourceTTL is how long the list's source dropdown is kept: the
// names of a kind's sources change only with a load of a new source, and
// reading them counts every record.
const recordSourceTTL = time.Minute

// recordSourceCache keeps the source names of each kind for the list's
// dropdown; the zero value is empty and ready.
type recordSourceCache struct {
	mu    sync.Mutex
	names map[string][]string
	at    map[string]time.Time
}

// recordSourceNames returns the names of kind's sources, from the cache
// when it is fresh. Only roles that read records read them.
func (s *Server) recordSourceNames(r *http.Request, p principal, kind string) ([]string, error) {
	c := &s.recordSources
	now := s.Clock.Now()
	c.mu.Lock()
	names, at := c.names[kind], c.at[kind]
	c.mu.Unlock()
	if !at.IsZero() && now.Sub(at) < recordSourceTTL && now.After(at.Add(-time.Second)) {
		if _, err := s.cases().RecordScope(r.Context(), p.User); err != nil {
			return nil, err
		}
		return names, nil
	}
	sources, err := s.cases().RecordSources(r.Context(), p.User, kind)
	if err != nil {
		return nil, err
	}
	names = []string{}
	for _, src := range sources {
		names = append(names, src.Source)
	}
	c.mu.Lock()
	if c.names == nil {
		c.names, c.at = map[string][]string{}, map[string]time.Time{}
	}
	c.names[kind], c.at[kind] = names, now
	c.mu.Unlock()
	return names, nil
}

// handleRecord answers GET /api/v1/records/{id}.
func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request, p principal) {
	v, err := s.cases().GetRecord(r.Context(), p.User, pathRecord(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toRecordDetailJSON(v))
}

// handleRecordHistory answers GET /api/v1/records/{id}/history.
func (s *Server) handleRecordHistory(w http.ResponseWriter, r *http.Request, p principal) {
	v, err := s.cases().GetRecord(r.Context(), p.User, pathRecord(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]recordChangeJSON, 0, len(v.History))
	for _, c := range v.History {
		items = append(items, s.toRecordChangeJSON(v.Record.Kind, c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// recordPatchJSON is the body of PATCH /api/v1/records/{id}: field
// changes ({"values": {"phone": "13800138000"}, "version": 3, "note":
// "居民本人来电更正"}), or a change of status ({"status": "retired",
// "version": 3, "note": "已迁出"}).
type recordPatchJSON struct {
	Values  map[string]string `json:"values"`
	Status  string            `json:"status"`
	Version *int              `json:"version"`
	Note    string            `json:"note"`
}

// maxRecordBody bounds a PATCH body: the fields of one record and a note.
const maxRecordBody = 64 << 10

// parseRecordPatch reads a PATCH body. Unknown keys and anything after the
// object are refused; the values and the note are casework's to check.
func parseRecordPatch(body []byte) (recordPatchJSON, error) {
	var j recordPatchJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	bad := core.Errorf(core.EINVALID, `请求体应为 JSON 对象：{"values": {"字段名": "新值"}, "version": 版本号, "note": "更正说明"}，或 {"status": "retired" 或 "active", "version": 版本号, "note": "原因"}`)
	if err := dec.Decode(&j); err != nil {
		return j, bad
	}
	if _, err := dec.Token(); err != io.EOF {
		return j, bad
	}
	switch {
	case j.Version == nil:
		return j, invalidParam("version", "缺少 version：记录的当前版本号（GET /api/v1/records/{id} 的 version）")
	case len(j.Values) > 0 && j.Status != "":
		return j, invalidParam("status", "values 与 status 只能给出一个：更正字段与注销、恢复请分开提交")
	case len(j.Values) == 0 && j.Status == "":
		return j, invalidParam("values", "请给出要更正的字段 values，或要改成的状态 status")
	case j.Status != "" && j.Status != core.RecordActive && j.Status != core.RecordRetired:
		return j, invalidParam("status", "status 应为 retired（注销）或 active（恢复）")
	}
	return j, nil
}

// handlePatchRecord answers PATCH /api/v1/records/{id}: the record after
// the change, as the user sees it; 409 when the version is not the
// record's.
func (s *Server) handlePatchRecord(w http.ResponseWriter, r *http.Request, p principal) {
	id := pathRecord(r)
	if !casework.IsSteward(p.User.Role) {
		// The role's refusal comes before the body and the record.
		_, err := s.cases().FixRecord(r.Context(), p.User, id, casework.RecordFixRequest{})
		s.fail(w, r, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRecordBody+1))
	if err != nil || len(body) > maxRecordBody {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体过大"))
		return
	}
	j, err := parseRecordPatch(body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v casework.RecordView
	switch j.Status {
	case core.RecordRetired:
		v, err = s.cases().RetireRecord(r.Context(), p.User, id, j.Note, *j.Version)
	case core.RecordActive:
		v, err = s.cases().RestoreRecord(r.Context(), p.User, id, j.Note, *j.Version)
	default:
		v, err = s.cases().FixRecord(r.Context(), p.User, id, casework.RecordFixRequest{Values: j.Values, Note: j.Note, Version: *j.Version})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("record changed", "record", id, "user_id", p.User.ID, "version", v.Record.Version)
	writeJSON(w, http.StatusOK, s.toRecordDetailJSON(v))
}

// handleRevealRecord answers POST /api/v1/records/{id}/reveal:
// {"fields": ["id_number"], "reason": "核对身份证号"} → {"fields": [...],
// "values": {"id_number": "..."}}.
func (s *Server) handleRevealRecord(w http.ResponseWriter, r *http.Request, p principal) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRevealBody+1))
	if err != nil || len(body) > maxRevealBody {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体过大"))
		return
	}
	req, err := parseReveal(body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req.Address = clientAddress(r)
	values, err := s.cases().RevealRecord(r.Context(), p.User, pathRecord(r), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Log.Info("record fields revealed", "record", pathRecord(r), "user_id", p.User.ID, "fields", len(values))
	fields := make([]string, 0, len(values))
	for f := range values {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	writeJSON(w, http.StatusOK, map[string]any{"fields": fields, "values": values})
}

// The pages.

// recordColumns are, per kind, the fields the list shows.
var recordColumns = map[string][]string{
	fieldset.KindPerson:       {"name", "gender", "birth_date", "phone", "estate", "marks"},
	fieldset.KindHouse:        {"address", "owner_name", "use", "rented", "tenant_count"},
	fieldset.KindEnterprise:   {"name", "uscc", "legal_person", "industry", "status"},
	fieldset.KindOrganisation: {"name", "kind", "leader", "members", "status"},
}

// recordPageSize is the number of records per page of /records.
const recordPageSize = 50

type recordTab struct {
	Kind, Label, URL string
	Count            int
	Active           bool
}

type recordRow struct {
	ID        int64
	Cells     []string
	Community string
	Grid      string
	Source    string
	Status    string
	Retired   bool
	Flags     int
	Fixed     int
}

// recordsPage is the data of /records.
type recordsPage struct {
	Form        url.Values
	Kind        string
	KindLabel   string
	Tabs        []recordTab
	Columns     []string // labels
	Rows        []recordRow
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
	Error       string
	ErrorField  string
	Communities []string
	Grids       []string
	Sources     []string
	// ExportXLSX and ExportCSV export the list's filter (导出).
	ExportXLSX, ExportCSV string
	// Community is the user's own community, for a community worker: the
	// filter is fixed to it.
	Community string
	Leader    bool
}

func (s *Server) handleRecordsPage(w http.ResponseWriter, r *http.Request, p principal) {
	svc := s.cases()
	sc, err := svc.RecordScope(r.Context(), p.User)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	q := formQuery(r)
	q.Del("limit")
	q.Del("offset")
	if q.Get("kind") == "" {
		q.Set("kind", fieldset.KindPerson)
	}
	page := &recordsPage{Form: q, Community: sc.Community, Leader: p.User.Role == core.RoleLeader}
	pq := url.Values{}
	for k, v := range q {
		pq[k] = v
	}
	pq.Set("limit", strconv.Itoa(recordPageSize))
	f, err := parseRecordFilter(pq)
	if err != nil {
		if core.ErrorCode(err) != core.EINVALID {
			s.failPage(w, r, err)
			return
		}
		page.Error = core.ErrorMessage(err)
		if pe, ok := err.(*core.FieldError); ok {
			page.ErrorField = pe.Field
		}
		page.Kind = fieldset.KindPerson
		page.KindLabel = fieldset.KindLabel[page.Kind]
		s.render(w, r, http.StatusBadRequest, "records", p, page)
		return
	}
	page.Kind, page.KindLabel = f.Kind, fieldset.KindLabel[f.Kind]
	if err := s.recordChoices(r, p, sc, page); err != nil {
		s.failPage(w, r, err)
		return
	}
	recs, total, err := svc.ListRecords(r.Context(), p.User, f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	counts, err := s.recordCounts(r, p, f, total)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	for _, k := range fieldset.RecordKinds {
		tq := url.Values{}
		for key, v := range q {
			if key != "page" && key != "source" {
				tq[key] = v
			}
		}
		tq.Set("kind", k)
		page.Tabs = append(page.Tabs, recordTab{Kind: k, Label: fieldset.KindLabel[k], URL: "/records?" + tq.Encode(), Count: counts[k], Active: k == f.Kind})
	}
	cols := recordColumns[f.Kind]
	for _, c := range cols {
		page.Columns = append(page.Columns, recordFieldLabel(f.Kind, c))
	}
	for _, rec := range recs {
		row := recordRow{ID: rec.ID, Community: rec.Community, Grid: rec.Grid, Source: rec.Source,
			Status: casework.RecordStatusLabels[rec.Status], Retired: rec.Status == core.RecordRetired, Flags: len(rec.Flags), Fixed: len(rec.Fixed)}
		for _, c := range cols {
			row.Cells = append(row.Cells, rec.Values[c])
		}
		page.Rows = append(page.Rows, row)
	}
	page.Total = total
	page.Page = f.Offset/recordPageSize + 1
	page.Pages = (total + recordPageSize - 1) / recordPageSize
	if page.Page > 1 {
		page.PrevURL = recordsPageURL(q, page.Page-1)
	}
	if page.Page < page.Pages {
		page.NextURL = recordsPageURL(q, page.Page+1)
	}
	for _, format := range []string{"xlsx", "csv"} {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" {
				v[k] = vs
			}
		}
		v.Set("format", format)
		if format == "xlsx" {
			page.ExportXLSX = "/records/export?" + v.Encode()
		} else {
			page.ExportCSV = "/records/export?" + v.Encode()
		}
	}
	s.render(w, r, http.StatusOK, "records", p, page)
}

func recordsPageURL(q url.Values, n int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(n))
	return "/records?" + v.Encode()
}

// recordChoices fills the dropdowns of the list's filter: the communities
// (a community worker's own only), their grids and the kind's sources.
func (s *Server) recordChoices(r *http.Request, p principal, sc casework.RecordScope, page *recordsPage) error {
	areas, err := s.Store.Areas(r.Context())
	if err != nil {
		return err
	}
	codes := map[string]bool{}
	for _, c := range areas.Communities {
		if sc.Community == "" || c.Name == sc.Community {
			page.Communities = append(page.Communities, c.Name)
			if want := page.Form.Get("community"); (want == "" && sc.Community == "") || c.Name == want || c.Name == sc.Community {
				codes[c.Code] = true
			}
		}
	}
	for _, g := range areas.Grids {
		if codes[g.Community] {
			page.Grids = append(page.Grids, g.Name)
		}
	}
	page.Sources, err = s.recordSourceNames(r, p, page.Kind)
	return err
}

// recordPage is the data of /records/{id}.
type recordPage struct {
	casework.RecordView
	KindLabel   string
	StatusLabel string
	Retired     bool
	Name        string
	CreatedAt   string
	UpdatedAt   string
	SeenAt      string
	History     []recordChangeJSON
	Flags       int
	// Notice is why the last form was refused; Done what it did.
	Notice      string
	NoticeField string
	Done        string
	// Form are the values typed into a refused fix form, by field.
	Form map[string]string
	Note string
	// Revealed are the fields shown in clear by a reveal, for this answer
	// only.
	Revealed []revealedRow
	// RevealOffer are the fields the user may reveal, with their labels.
	RevealOffer []revealOption
	// Cluster are the other records of the same person (一人一档) in the
	// user's scope, masked (links.go).
	Cluster []recordJSON
}

type revealOption struct{ Name, Label string }

func (s *Server) pageTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.Location).Format("2006-01-02 15:04")
}

func (s *Server) handleRecordPage(w http.ResponseWriter, r *http.Request, p principal) {
	done := ""
	switch r.URL.Query().Get("done") {
	case "fix":
		done = "已保存更正，已记入修改历史。"
	case "retire":
		done = "记录已注销，已记入修改历史。"
	case "restore":
		done = "记录已恢复，已记入修改历史。"
	}
	s.renderRecordPage(w, r, p, http.StatusOK, recordPage{Done: done})
}

// renderRecordPage renders record {id} with the page's notice, typed form
// values or revealed fields.
func (s *Server) renderRecordPage(w http.ResponseWriter, r *http.Request, p principal, status int, page recordPage) {
	v, err := s.cases().GetRecord(r.Context(), p.User, pathRecord(r))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page.RecordView = v
	rec := v.Record
	page.KindLabel, page.StatusLabel, page.Retired = fieldset.KindLabel[rec.Kind], casework.RecordStatusLabels[rec.Status], rec.Status == core.RecordRetired
	page.Name = rec.Name()
	page.CreatedAt, page.UpdatedAt, page.SeenAt = s.pageTime(rec.CreatedAt), s.pageTime(rec.UpdatedAt), s.pageTime(rec.SeenAt)
	page.Flags = len(rec.Flags)
	for i := len(v.History) - 1; i >= 0; i-- { // newest first
		c := s.toRecordChangeJSON(rec.Kind, v.History[i])
		if c.At != nil {
			if t, err := time.Parse(time.RFC3339, *c.At); err == nil {
				at := s.pageTime(t)
				c.At = &at
			}
		}
		page.History = append(page.History, c)
	}
	for _, f := range v.RevealFields {
		page.RevealOffer = append(page.RevealOffer, revealOption{Name: f, Label: recordFieldLabel(rec.Kind, f)})
	}
	if page.Form != nil {
		for i, f := range page.Fields {
			if typed, ok := page.Form[f.Name]; ok {
				page.Fields[i].Value = typed
			}
		}
	}
	page.Cluster = s.recordClusterRows(r, p, rec.ID)
	s.render(w, r, status, "record", p, page)
}

// recordForm checks a record form's token and reads it; false when it has
// answered.
func (s *Server) recordForm(w http.ResponseWriter, r *http.Request, p principal) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxRecordBody)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return false
	}
	return true
}

// formRefused shows the record page again with why a form was refused; a
// missing record (or one outside the scope) and internal errors are the
// error page.
func (s *Server) formRefused(w http.ResponseWriter, r *http.Request, p principal, err error, page recordPage) {
	if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EINTERNAL || code == core.EFORBIDDEN {
		s.failPage(w, r, err)
		return
	}
	page.Notice = core.ErrorMessage(err)
	if pe, ok := err.(*core.FieldError); ok {
		page.NoticeField = pe.Field
	}
	s.renderRecordPage(w, r, p, errorStatus(core.ErrorCode(err)), page)
}

// handleRecordFixForm is the detail page's 更正 form: every field's value
// as shown (v.FIELD), the version and a note. Only what the user changed
// from what the page showed is sent to casework.
func (s *Server) handleRecordFixForm(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.recordForm(w, r, p) {
		return
	}
	id := pathRecord(r)
	svc := s.cases()
	cur, err := svc.GetRecord(r.Context(), p.User, id)
	if err == nil && !cur.CanFix {
		_, err = svc.FixRecord(r.Context(), p.User, id, casework.RecordFixRequest{})
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	typed := map[string]string{}
	changes := map[string]string{}
	for _, f := range cur.Fields {
		vs, ok := r.PostForm["v."+f.Name]
		if !ok {
			continue
		}
		v := strings.TrimSpace(strings.Join(vs, "、")) // tags may come as several values
		typed[f.Name] = v
		if v != f.Value {
			changes[f.Name] = v
		}
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	note := r.PostFormValue("note")
	_, err = svc.FixRecord(r.Context(), p.User, id, casework.RecordFixRequest{Values: changes, Note: note, Version: version})
	if err != nil {
		s.formRefused(w, r, p, err, recordPage{Form: typed, Note: note})
		return
	}
	s.Log.Info("record fixed", "record", id, "user_id", p.User.ID, "fields", len(changes))
	http.Redirect(w, r, fmt.Sprintf("/records/%d?done=fix#history", id), http.StatusSeeOther)
}

// handleRecordStatusForm is the detail page's 注销 / 恢复 form (action
// retire or restore, the version, a note).
func (s *Server) handleRecordStatusForm(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.recordForm(w, r, p) {
		return
	}
	id := pathRecord(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	note := r.PostFormValue("note")
	var err error
	action := r.PostFormValue("action")
	switch action {
	case "retire":
		_, err = s.cases().RetireRecord(r.Context(), p.User, id, note, version)
	case "restore":
		_, err = s.cases().RestoreRecord(r.Context(), p.User, id, note, version)
	default:
		if _, err = s.cases().GetRecord(r.Context(), p.User, id); err == nil {
			err = invalidParam("action", "操作应为注销（retire）或恢复（restore）")
		}
	}
	if err != nil {
		s.formRefused(w, r, p, err, recordPage{Note: note})
		return
	}
	s.Log.Info("record status changed", "record", id, "user_id", p.User.ID, "action", action)
	http.Redirect(w, r, fmt.Sprintf("/records/%d?done=%s#history", id, action), http.StatusSeeOther)
}

// handleRecordRevealForm is the detail page's 查看完整信息 form: the page
// again with the fields in clear, for this answer only.
func (s *Server) handleRecordRevealForm(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.recordForm(w, r, p) {
		return
	}
	id := pathRecord(r)
	req := casework.RevealRequest{Fields: r.PostForm["field"], Reason: r.PostFormValue("reason"), Address: clientAddress(r)}
	values, err := s.cases().RevealRecord(r.Context(), p.User, id, req)
	if err != nil {
		s.formRefused(w, r, p, err, recordPage{})
		return
	}
	s.Log.Info("record fields revealed", "record", id, "user_id", p.User.ID, "fields", len(values))
	v, err := s.cases().GetRecord(r.Context(), p.User, id)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	var rows []revealedRow
	for _, f := range v.Fields {
		if val, ok := values[f.Name]; ok {
			rows = append(rows, revealedRow{Label: f.Label, Value: val, Phone: f.Type == fieldset.TypePhone})
		}
	}
	s.renderRecordPage(w, r, p, http.StatusOK, recordPage{Revealed: rows})
}

// maxRecordExport bounds an export from the registry's list page.
var maxRecordExport = 100_000

// handleRecordsExport answers GET /records/export?format=xlsx|csv&kind=…:
// it starts the export of the list's filter (the parameters of /records;
// paging is ignored), every field of the kind, masked for the user's role
// as the pages show it, and sends the user to the job's page. The count,
// the bound and the audit entry are the job's (casework.ExportRecords).
func (s *Server) handleRecordsExport(w http.ResponseWriter, r *http.Request, p principal) {
	if _, err := s.cases().RecordScope(r.Context(), p.User); err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := sameSite(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	q := formQuery(r)
	format := q.Get("format")
	if len(q["format"]) > 1 {
		format = "?"
	}
	switch format {
	case "":
		format = "xlsx"
	case "xlsx", "csv":
	default:
		s.failPage(w, r, invalidParam("format", "参数 format 应为 xlsx 或 csv"))
		return
	}
	for _, k := range []string{"format", "page", "offset", "limit"} {
		q.Del(k)
	}
	if q.Get("kind") == "" {
		q.Set("kind", fieldset.KindPerson)
	}
	f, err := parseRecordFilter(q)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	u, address := p.User, clientAddress(r)
	name := "基础数据-" + fieldset.KindLabel[f.Kind] + "-" + s.Clock.Now().In(s.Location).Format("20060102-150405") + "." + format
	s.startExport(w, r, p, "基础数据", format, name, func(ctx context.Context, j *exportJob, out io.Writer) error {
		header, err := casework.RecordExportHeader(f.Kind)
		if err != nil {
			return err
		}
		var tw tabfile.RowWriter
		if format == "csv" {
			tw, err = tabfile.NewCSVWriter(out, tabfile.UTF8)
		} else {
			tw, err = tabfile.NewXLSXWriter(out)
		}
		if err != nil {
			return err
		}
		defer tabfile.Discard(tw)
		cw := &countRows{RowWriter: tw, n: &j.rows}
		n, err := s.cases().ExportRecords(ctx, u, casework.RecordExport{Filter: f, Format: format, Max: maxRecordExport, Address: address},
			func(n int) error { j.setTotal(n); return cw.Write(header) }, cw.Write)
		if err != nil {
			return err
		}
		if format == "xlsx" {
			j.setPhase("生成文件")
		}
		if err := tw.Close(); err != nil {
			return err
		}
		s.Log.Info("records exported", "job", j.id, "user_id", u.ID, "rows", n, "format", format)
		return nil
	})
}
