package casework

import (
	"context"
	"slices"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/eligibility"
	"jiceng/internal/fieldset"
)

// Key populations (重点人群精准服务). The eligibility rules (the street's
// eligibility setting, else the embedded default rules) are evaluated over the person records of the user's
// registry scope: community workers their community, administrators, staff
// and leaders the street; handlers and residents are refused, as for the
// records. Each row names the person record it comes from and is masked as
// that record is for the role; leaders, who read the street masked, get
// no reasons (they would state the sensitive facts the masking hides). The
// services given (走访, 电话问候, ...) are stored visits (core.VisitStore):
// the latest of a person under a rule is the last service the due-visit
// schedule counts from. Each row names the worker of the person's grid
// (the grid_workers setting); a list can be narrowed to one worker's
// grids, and a user who is a grid's worker (by account) gets the rows of
// their own grids first, within the scope the registry gives them.

// ServiceWarnDays is how many days before its due date a visit is 即将到期.
const ServiceWarnDays = 7

// visitRoles record visits: community workers in their community, staff
// and administrators in the street.
var visitRoles = []string{core.RoleAdmin, core.RoleStaff, core.RoleCommunity}

// RecordsVisits reports whether role records services given.
func RecordsVisits(role string) bool { return slices.Contains(visitRoles, role) }

// ServiceFilter narrows a service list. Zero fields do not filter.
type ServiceFilter struct {
	Community string
	Grid      string
	Rule      string // a rule ID
	// Status is a visit state (eligibility.VisitOverdue, ...).
	Status string
	// Worker is a grid worker (网格员) of the grid_workers setting, by
	// name or account: the rows of the persons of their grids.
	Worker string
}

// ServiceRow is one line of a service list: a person record a rule
// selects, masked for the role.
type ServiceRow struct {
	RecordID          int64
	eligibility.Entry // Worker is the grid's worker (网格员), "" when none
	// WorkerPhone is the grid worker's phone, when the table has one.
	WorkerPhone string
	// Own says the person lives in a grid of the user's own (the user is
	// its worker by account).
	Own bool
}

// ServiceList is a list of the key-population services within a user's
// scope.
type ServiceList struct {
	Rows []ServiceRow
	// Persons is the number of person records evaluated (in scope and
	// filter, active).
	Persons int
	// States counts the rows by visit state (rules with a cycle only).
	States map[string]int
	AsOf   time.Time
	Scope  RecordScope
	// Rules are the rules in force, in file order.
	Rules []*eligibility.Rule
	// CanVisit says the user may record visits (RecordVisit).
	CanVisit bool
	// RulesVersion is the version of the eligibility setting in force, 0
	// for the built-in rules.
	RulesVersion int
	// Workers are the names of the grid workers of the table in force
	// in the user's scope (for a filter), OwnGrids the grids in scope
	// whose worker the user is.
	Workers  []string
	OwnGrids []string
}

func (s *Service) visitStore() (core.VisitStore, error) {
	vs, ok := s.Store.(core.VisitStore)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "当前数据库不支持服务记录")
	}
	return vs, nil
}

// ServiceList returns every entry of the rules over the person records in
// u's scope matching f, sorted as eligibility.SortServiceList sorts.
func (s *Service) ServiceList(ctx context.Context, u core.User, f ServiceFilter) (ServiceList, error) {
	l, err := s.serviceEntries(ctx, u, f)
	if err != nil {
		return l, err
	}
	l.pick(func(es []eligibility.Entry) []eligibility.Entry { eligibility.SortServiceList(es); return es })
	return l, nil
}

// DueVisits returns the entries of the rules with a cycle, most urgent
// first (已逾期, 待首次服务, 即将到期, 未到期), with the stored visits.
func (s *Service) DueVisits(ctx context.Context, u core.User, f ServiceFilter) (ServiceList, error) {
	l, err := s.serviceEntries(ctx, u, f)
	if err != nil {
		return l, err
	}
	l.pick(eligibility.DueVisits)
	return l, nil
}

// PolicyPushList returns the entries of the 政策推送 rules.
func (s *Service) PolicyPushList(ctx context.Context, u core.User, f ServiceFilter) (ServiceList, error) {
	l, err := s.serviceEntries(ctx, u, f)
	if err != nil {
		return l, err
	}
	l.pick(eligibility.PolicyList)
	return l, nil
}

// pick keeps and orders the rows as pick does, and counts their states.
// The rows of the user's own grids come first, in that order.
func (l *ServiceList) pick(pick func([]eligibility.Entry) []eligibility.Entry) {
	l.Rows = sortRows(l.Rows, pick)
	if len(l.OwnGrids) > 0 {
		slices.SortStableFunc(l.Rows, func(a, b ServiceRow) int {
			switch {
			case a.Own == b.Own:
				return 0
			case a.Own:
				return -1
			}
			return 1
		})
	}
	clear(l.States)
	for _, r := range l.Rows {
		if r.Visit.State != "" {
			l.States[r.Visit.State]++
		}
	}
}

// sortRows keeps and orders the rows as pick does their entries (pick may
// drop entries: it filters by identity of the rule and person, which are
// unique per row).
func sortRows(rows []ServiceRow, pick func([]eligibility.Entry) []eligibility.Entry) []ServiceRow {
	type key struct {
		rule *eligibility.Rule
		id   int64
	}
	byKey := make(map[key]ServiceRow, len(rows))
	es := make([]eligibility.Entry, len(rows))
	for i, r := range rows {
		// Person.Key carries the record ID while sorting, so that two
		// persons masked alike stay apart.
		e := r.Entry
		e.Person.Key = strings.Repeat("0", 20-len(itoa64(r.RecordID))) + itoa64(r.RecordID)
		es[i] = e
		byKey[key{r.Rule, r.RecordID}] = r
	}
	es = pick(es)
	out := rows[:0]
	for _, e := range es {
		id := atoi64(e.Person.Key)
		out = append(out, byKey[key{e.Rule, id}])
	}
	clear(rows[len(out):])
	return out
}

func itoa64(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func atoi64(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}

// serviceEntries evaluates the rules over the person records of u's scope
// and f, with the stored visits, masked for u's role, unsorted.
func (s *Service) serviceEntries(ctx context.Context, u core.User, f ServiceFilter) (ServiceList, error) {
	rs, sc, err := s.recordAccess(ctx, u)
	if err != nil {
		return ServiceList{}, err
	}
	vs, err := s.visitStore()
	if err != nil {
		return ServiceList{}, err
	}
	rules, version, err := s.ServiceRules(ctx)
	if err != nil {
		return ServiceList{}, err
	}
	workers, _, err := s.GridWorkers(ctx)
	if err != nil {
		return ServiceList{}, err
	}
	asOf := s.Clock.Now().In(s.location())
	out := ServiceList{AsOf: asOf, Scope: sc, Rules: rules.List, CanVisit: RecordsVisits(u.Role), States: map[string]int{},
		RulesVersion: version}
	if f.Rule != "" && rules.Rule(f.Rule) == nil {
		return out, core.InvalidField("rule", "没有编号为「%s」的服务规则", f.Rule)
	}
	if f.Worker != "" && !workers.Has(f.Worker) {
		return out, core.InvalidField("worker", "网格员表中没有「%s」", f.Worker)
	}
	for _, gw := range workers.Rows() {
		if sc.Whole() || gw.Community == sc.Community {
			out.Workers = append(out.Workers, gw.Name)
		}
	}
	slices.Sort(out.Workers)
	out.Workers = slices.Compact(out.Workers)
	own := map[string]bool{}
	for _, gw := range workers.OfAccount(u.Username) {
		if sc.Whole() || gw.Community == sc.Community {
			own[gw.GridCode] = true
			out.OwnGrids = append(out.OwnGrids, gw.Grid)
		}
	}
	rf := core.RecordFilter{Kind: fieldset.KindPerson, Status: core.RecordActive, Community: f.Community, Grid: f.Grid}
	if !sc.Narrow(&rf) {
		return out, nil
	}
	vf := core.VisitFilter{Rule: f.Rule}
	if !sc.Whole() {
		vf.Communities = []string{sc.Community}
	}
	visits, err := vs.Visits(ctx, vf)
	if err != nil {
		return out, err
	}
	type vk struct {
		id   int64
		rule string
	}
	last := make(map[vk]time.Time, len(visits))
	for _, v := range visits {
		if k := (vk{v.PersonID, v.Rule}); v.Date.After(last[k]) {
			last[k] = v.Date
		}
	}
	l := &eligibility.Lister{Rules: rules, AsOf: asOf, WarnDays: ServiceWarnDays}
	m := s.recordMasker()
	err = rs.ScanRecords(ctx, rf, func(r core.Record) error {
		if !sc.Sees(r) {
			return nil
		}
		out.Persons++
		// A stored record holds no empty value: an absent field reads as
		// an empty cell of a persons file, as "jiceng eligibility" reads it.
		if r.Values == nil {
			r.Values = map[string]string{}
		}
		for _, fd := range eligibility.Fields() {
			if _, ok := r.Values[fd.Name]; !ok && fd.Name != "" {
				r.Values[fd.Name] = ""
			}
		}
		gw, hasWorker := workers.Of(r.Community, r.Grid)
		if f.Worker != "" && (!hasWorker || gw.Name != f.Worker && gw.Account != f.Worker) {
			return nil
		}
		es := l.Entries(r.Values)
		if len(es) == 0 {
			return nil
		}
		var (
			mp     eligibility.Person
			masked bool
		)
		for _, e := range es {
			if f.Rule != "" && e.Rule.ID != f.Rule {
				continue
			}
			e.Visit = eligibility.Schedule(e.Rule.Cycle, last[vk{r.ID, e.Rule.ID}], asOf, ServiceWarnDays)
			if f.Status != "" && e.Visit.State != f.Status {
				continue
			}
			if !masked {
				mp, masked = maskPerson(m, u.Role, e.Person), true
			}
			e.Person = mp
			e.Community = mp.Community
			e.Grid = mp.Grid
			if u.Role == core.RoleLeader {
				e.Reasons = nil
			}
			row := ServiceRow{RecordID: r.ID, Entry: e}
			if hasWorker {
				row.Worker, row.WorkerPhone, row.Own = gw.Name, gw.Phone, own[gw.GridCode]
			}
			out.Rows = append(out.Rows, row)
		}
		return nil
	})
	return out, err
}

// maskPerson masks what a list shows of a person as the person record's
// fields are masked for role; the key (an ID number) is never shown.
func maskPerson(m recordMasker, role string, p eligibility.Person) eligibility.Person {
	v := func(field, s string) string { return m.value(role, fieldset.KindPerson, field, s) }
	p.Key = ""
	p.Name = v(eligibility.FieldName, p.Name)
	p.Phone = v(eligibility.FieldPhone, p.Phone)
	p.Address = v(eligibility.FieldAddress, p.Address)
	p.Community = v(eligibility.FieldCommunity, p.Community)
	p.Grid = v(eligibility.FieldGrid, p.Grid)
	if p.AgeKnown && v(eligibility.FieldBirthDate, "1950-01-01") == "" {
		// A role that sees no birth date sees no age.
		p.Age, p.AgeKnown = 0, false
	}
	return p
}

// VisitRequest is a service given, as a user records it.
type VisitRequest struct {
	PersonID int64
	Rule     string
	// Date is the day of the service: not after today.
	Date time.Time
	Note string
}

// RecordVisit stores a service given to person record personID under
// rule (登记走访) by u: community workers for their community, staff and
// administrators for the street. The record must be an active person
// record in u's scope (else ErrNoRecord) that the rule selects today; the
// date not after today; the note is required (what was done).
func (s *Service) RecordVisit(ctx context.Context, u core.User, req VisitRequest) (core.Visit, error) {
	if !RecordsVisits(u.Role) {
		return core.Visit{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权登记走访", roleLabel(u.Role))
	}
	note, err := CleanNote(req.Note, "服务情况")
	if err != nil {
		return core.Visit{}, err
	}
	rules, _, err := s.ServiceRules(ctx)
	if err != nil {
		return core.Visit{}, err
	}
	rule := rules.Rule(req.Rule)
	if rule == nil {
		return core.Visit{}, core.InvalidField("rule", "没有编号为「%s」的服务规则", req.Rule)
	}
	loc := s.location()
	now := s.Clock.Now().In(loc)
	if req.Date.IsZero() {
		return core.Visit{}, core.InvalidField("date", "请填写服务日期")
	}
	y, mo, d := req.Date.In(loc).Date()
	day := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	if ty, tm, td := now.Date(); day.After(time.Date(ty, tm, td, 0, 0, 0, 0, loc)) {
		return core.Visit{}, core.InvalidField("date", "服务日期不能晚于今天")
	}
	vs, err := s.visitStore()
	if err != nil {
		return core.Visit{}, err
	}
	_, _, r, err := s.visibleRecord(ctx, u, req.PersonID)
	if err != nil {
		return core.Visit{}, err
	}
	if r.Kind != fieldset.KindPerson || r.Status != core.RecordActive {
		return core.Visit{}, ErrNoRecord
	}
	if !slices.ContainsFunc(rules.Evaluate(r.Values, now, false).Matches, func(m eligibility.Match) bool { return m.Rule == rule }) {
		return core.Visit{}, core.InvalidField("rule", "该人员目前不符合规则「%s %s」，不能按此规则登记", rule.ID, rule.Name)
	}
	v := core.Visit{PersonID: r.ID, Rule: rule.ID, Date: day, By: u.Username, Note: note, Community: r.Community, CreatedAt: s.Clock.Now()}
	if v.ID, err = vs.AddVisit(ctx, v); err != nil {
		return core.Visit{}, err
	}
	return v, nil
}
