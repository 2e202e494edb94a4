package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/eligibility"
)

// The key-population pages (精准服务): the service list (服务清单), the
// due visits (到期走访) with a form to record a visit (登记走访), and the
// policy pushes (政策推送), over the person records of the user's scope,
// masked as the records are; and the API of the same. Who reads and who
// records is the service's (casework.ServiceList, RecordVisit).

// Service lists of the page's tabs and the API's list parameter.
const (
	serviceListService = "service"
	serviceListVisits  = "visits"
	serviceListPolicy  = "policy"
)

// serviceTabs are the page's tabs, in order.
var serviceTabs = []struct{ List, Label string }{
	{serviceListService, "服务清单"}, {serviceListVisits, "到期走访"}, {serviceListPolicy, "政策推送"},
}

// maxServiceRows bounds the rows a page shows (the counts are of all).
const maxServiceRows = 500

// servicesPage is the data of services.html.
type servicesPage struct {
	List     string
	Tabs     []serviceTab
	Filter   casework.ServiceFilter
	Rules    []*eligibility.Rule
	States   []serviceState
	Rows     []serviceRowView
	Total    int
	Shown    int
	Persons  int
	AsOf     string
	Today    string
	CanVisit bool
	Notice   string
	// Workers are the grid workers to filter by, OwnGrids the user's own
	// grids (listed first), RulesVersion the rules' version (0: built-in).
	Workers      []string
	OwnGrids     []string
	RulesVersion int
}

type serviceTab struct {
	List, Label, URL string
	Current          bool
}

type serviceState struct {
	State string
	Count int
}

type serviceRowView struct {
	casework.ServiceRow
	Age, Last, Due, Days string
}

// serviceFilter reads the filter of a list from the query.
func serviceFilter(q url.Values) casework.ServiceFilter {
	return casework.ServiceFilter{Community: q.Get("community"), Grid: q.Get("grid"), Rule: q.Get("rule"), Status: q.Get("status"),
		Worker: q.Get("worker")}
}

// serviceList reads the list named by list.
func (s *Server) serviceList(r *http.Request, p principal, list string, f casework.ServiceFilter) (casework.ServiceList, error) {
	svc := s.cases()
	switch list {
	case "", serviceListService:
		return svc.ServiceList(r.Context(), p.User, f)
	case serviceListVisits:
		return svc.DueVisits(r.Context(), p.User, f)
	case serviceListPolicy:
		return svc.PolicyPushList(r.Context(), p.User, f)
	}
	return casework.ServiceList{}, invalidParam("list", "list 应为 service（服务清单）、visits（到期走访）或 policy（政策推送）")
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func (s *Server) handleServicesPage(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	list := q.Get("list")
	if list == "" {
		list = serviceListService
	}
	f := serviceFilter(q)
	l, err := s.serviceList(r, p, list, f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := servicesPage{List: list, Filter: f, Rules: l.Rules, Total: len(l.Rows), Persons: l.Persons,
		AsOf: l.AsOf.Format(time.DateOnly), Today: l.AsOf.Format(time.DateOnly), CanVisit: l.CanVisit && list == serviceListVisits,
		Notice: q.Get("notice"), Workers: l.Workers, OwnGrids: l.OwnGrids, RulesVersion: l.RulesVersion}
	for _, t := range serviceTabs {
		v := url.Values{"list": {t.List}}
		for k, x := range map[string]string{"community": f.Community, "grid": f.Grid, "rule": f.Rule, "worker": f.Worker} {
			if x != "" {
				v.Set(k, x)
			}
		}
		page.Tabs = append(page.Tabs, serviceTab{List: t.List, Label: t.Label, URL: "/services?" + v.Encode(), Current: t.List == list})
	}
	for _, st := range []string{eligibility.VisitOverdue, eligibility.VisitNear, eligibility.VisitFirst, eligibility.VisitOK} {
		page.States = append(page.States, serviceState{st, l.States[st]})
	}
	for i, row := range l.Rows {
		if i == maxServiceRows {
			break
		}
		v := serviceRowView{ServiceRow: row, Last: dateText(row.Visit.Last), Due: dateText(row.Visit.Due)}
		if row.Person.AgeKnown {
			v.Age = strconv.Itoa(row.Person.Age)
		}
		switch d := row.Visit.Days; {
		case row.Visit.Due.IsZero():
		case d < 0:
			v.Days = "逾期 " + strconv.Itoa(-d) + " 天"
		case d == 0:
			v.Days = "今天到期"
		default:
			v.Days = "还有 " + strconv.Itoa(d) + " 天"
		}
		page.Rows = append(page.Rows, v)
	}
	page.Shown = len(page.Rows)
	s.render(w, r, http.StatusOK, "services", p, page)
}

// handleServiceVisitForm records a visit from the page's 登记走访 form and
// returns to the due visits.
func (s *Server) handleServiceVisitForm(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	req, err := visitForm(r.PostFormValue("person_id"), r.PostFormValue("rule"), r.PostFormValue("date"), r.PostFormValue("note"))
	if err == nil {
		_, err = s.cases().RecordVisit(r.Context(), p.User, req)
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/services?list=visits&notice="+url.QueryEscape("已登记走访。"), http.StatusSeeOther)
}

// visitForm reads a visit's fields as typed.
func visitForm(person, rule, date, note string) (casework.VisitRequest, error) {
	id, err := strconv.ParseInt(person, 10, 64)
	if err != nil || id <= 0 {
		return casework.VisitRequest{}, invalidParam("person_id", "person_id 应为人口记录编号")
	}
	req := casework.VisitRequest{PersonID: id, Rule: rule, Note: note}
	if date != "" {
		d, err := time.ParseInLocation(time.DateOnly, date, core.StreetTime)
		if err != nil {
			return req, invalidParam("date", "服务日期应如 2026-12-01")
		}
		req.Date = d
	}
	return req, nil
}

// serviceRowJSON is a row of a service list in the API.
type serviceRowJSON struct {
	RecordID  int64    `json:"record_id"`
	Community string   `json:"community"`
	Grid      string   `json:"grid"`
	Rule      string   `json:"rule"`
	RuleName  string   `json:"rule_name"`
	Service   string   `json:"service"`
	Cycle     string   `json:"cycle,omitempty"`
	Role      string   `json:"role"`
	Worker    string   `json:"worker,omitempty"`
	WorkerTel string   `json:"worker_phone,omitempty"`
	Own       bool     `json:"own,omitempty"`
	Policy    string   `json:"policy,omitempty"`
	Name      string   `json:"name"`
	Age       *int     `json:"age,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Address   string   `json:"address,omitempty"`
	Reasons   []string `json:"reasons,omitempty"`
	State     string   `json:"state,omitempty"`
	Last      string   `json:"last,omitempty"`
	Due       string   `json:"due,omitempty"`
	Days      *int     `json:"days,omitempty"`
}

// handleServices is GET /api/v1/services?list=service|visits|policy with
// the filters community, grid, rule, status, worker (a grid worker's name
// or account).
func (s *Server) handleServices(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	l, err := s.serviceList(r, p, q.Get("list"), serviceFilter(q))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]serviceRowJSON, 0, len(l.Rows))
	for _, row := range l.Rows {
		j := serviceRowJSON{RecordID: row.RecordID, Community: row.Community, Grid: row.Grid, Rule: row.Rule.ID, RuleName: row.Rule.Name,
			Service: row.Rule.Service, Role: row.Rule.Role, Worker: row.Worker, WorkerTel: row.WorkerPhone, Own: row.Own, Policy: row.Rule.Policy, Name: row.Person.Name, Phone: row.Person.Phone,
			Address: row.Person.Address, Reasons: row.Reasons, State: row.Visit.State, Last: dateText(row.Visit.Last), Due: dateText(row.Visit.Due)}
		if row.Rule.Cycle != eligibility.CycleNone {
			j.Cycle = row.Rule.Cycle.String()
		}
		if row.Person.AgeKnown {
			j.Age = &row.Person.Age
		}
		if !row.Visit.Due.IsZero() {
			j.Days = &row.Visit.Days
		}
		rows = append(rows, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"as_of": l.AsOf.Format(time.DateOnly), "persons": l.Persons, "total": len(rows),
		"states": l.States, "rules_version": l.RulesVersion, "rows": rows})
}

// visitJSON is a visit in the API.
type visitJSON struct {
	ID       int64  `json:"id,omitempty"`
	PersonID int64  `json:"person_id"`
	Rule     string `json:"rule"`
	Date     string `json:"date"`
	Note     string `json:"note"`
	By       string `json:"by,omitempty"`
}

// handleAddServiceVisit is POST /api/v1/services/visits: record a visit,
// {"person_id": N, "rule": "R01", "date": "2026-12-01", "note": "…"} (date
// defaults to today).
func (s *Server) handleAddServiceVisit(w http.ResponseWriter, r *http.Request, p principal) {
	if !casework.RecordsVisits(p.User.Role) {
		// The role's refusal comes before the body.
		_, err := s.cases().RecordVisit(r.Context(), p.User, casework.VisitRequest{})
		s.fail(w, r, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16+1))
	if err != nil || len(body) > 1<<16 {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体过大"))
		return
	}
	var j visitJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		s.fail(w, r, core.Errorf(core.EINVALID, `请求体应为 JSON 对象：{"person_id": 人口记录编号, "rule": "规则编号", "date": "2026-12-01", "note": "服务情况"}`))
		return
	}
	req, err := visitForm(strconv.FormatInt(j.PersonID, 10), j.Rule, j.Date, j.Note)
	if err == nil && req.Date.IsZero() {
		req.Date = s.Clock.Now()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.cases().RecordVisit(r.Context(), p.User, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, visitJSON{ID: v.ID, PersonID: v.PersonID, Rule: v.Rule, Date: dateText(v.Date), Note: v.Note, By: v.By})
}
