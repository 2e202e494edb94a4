package eligibility

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// Match is a rule that a person meets, with the facts that decide it
// ("年龄 86 ≥ 80", "是否独居 = 是").
type Match struct {
	Rule    *Rule
	Reasons []string
}

// Result is the evaluation of one person.
type Result struct {
	Facts   Facts
	Matches []Match // in rule file order
	// NearMisses are the rules whose condition is a 且 of which exactly
	// one part fails, with the reasons of that part: a missing fact
	// ("是否独居未填": worth checking), an age at most 2 years below a
	// lower bound ("年龄 78 < 80") or a disability level one level short
	// ("残疾等级 三级 > 二级"); only when asked for.
	NearMisses []Match
}

// Evaluate checks every rule against person p (field-set names → stored
// values) at asOf, a moment in core.StreetTime (its calendar day counts).
// With nearMisses it also lists the rules the person nearly meets.
func (rs *Rules) Evaluate(p map[string]string, asOf time.Time, nearMisses bool) Result {
	res := Result{Facts: FactsOf(p, asOf)}
	rs.evaluate(&res, nearMisses)
	return res
}

func (rs *Rules) evaluate(res *Result, nearMisses bool) {
	f := &res.Facts
	for _, r := range rs.List {
		switch r.Condition.root.eval(f) {
		case yes:
			res.Matches = append(res.Matches, Match{Rule: r, Reasons: r.Condition.Explain(f)})
		default:
			if nearMisses {
				if why, ok := r.Condition.whyNot(f); ok {
					res.NearMisses = append(res.NearMisses, Match{Rule: r, Reasons: why})
				}
			}
		}
	}
}

// Person is what a list shows of a person.
type Person struct {
	// Key identifies the person in the visit records: the ID number
	// (normalised when valid), or else 姓名/联系电话.
	Key       string
	Name      string
	Phone     string
	Address   string // address, or else 小区 楼栋-单元-室
	Community string
	Grid      string
	Age       int // when AgeKnown
	AgeKnown  bool
}

// PersonOf returns the list view of p.
func PersonOf(p map[string]string, f *Facts) Person {
	v := func(k string) string { return trim(p[k]) }
	ps := Person{Key: personKey(p, f), Name: v(FieldName), Phone: v(FieldPhone), Address: v(FieldAddress),
		Community: f.Community, Grid: f.Grid, Age: f.Age, AgeKnown: f.AgeFrom != ""}
	if ps.Address == "" {
		var parts []string
		for _, k := range []string{FieldBuilding, FieldUnitNo, FieldRoom} {
			if s := v(k); s != "" {
				parts = append(parts, s)
			}
		}
		ps.Address = strings.TrimSpace(v(FieldEstate) + " " + strings.Join(parts, "-"))
	}
	return ps
}

func personKey(p map[string]string, f *Facts) string {
	if f.IDNumber != "" {
		return f.IDNumber
	}
	if id := strings.ToUpper(strings.TrimSpace(p[FieldIDNumber])); id != "" {
		return id
	}
	name, phone := strings.TrimSpace(p[FieldName]), strings.TrimSpace(p[FieldPhone])
	if name == "" && phone == "" {
		return ""
	}
	return name + "/" + phone
}

// Workers maps a grid (网格) or a whole community (社区) and a role (责任人
// of a rule) to the worker who serves it. A row without a role serves
// every role of its grid or community; a grid's row wins over its
// community's.
type Workers struct {
	byGrid      map[string]map[string]string
	byCommunity map[string]map[string]string
}

// workerColumns: community (optional), grid, role (optional), worker.
var workerColumns = [][]string{{"社区", "community"}, {"网格", "grid", "网格名称"}, {"责任人", "role", "角色", "岗位"}, {"工作人员", "worker", "姓名", "负责人"}}

// LoadWorkers reads the grid → worker table from records (the first is the
// header, e.g. from a CSV or XLSX file): columns 网格, 工作人员 and
// optionally 社区 and 责任人 (the role; empty: every role). A row with a
// 社区 and no 网格 serves every grid of the community. Errors are
// *core.Error with code EINVALID naming each bad row.
func LoadWorkers(records [][]string) (*Workers, error) {
	if len(records) == 0 {
		return nil, core.Errorf(core.EINVALID, "网格责任人表为空：缺少表头 社区,网格,责任人,工作人员")
	}
	cols := headerColumns(records[0], workerColumns)
	for i, names := range workerColumns {
		if cols[i] < 0 && (i == 1 || i == 3) {
			return nil, core.Errorf(core.EINVALID, "网格责任人表第 1 行：表头应为 社区,网格,责任人,工作人员，缺少列「%s」", names[0])
		}
	}
	w := &Workers{byGrid: map[string]map[string]string{}, byCommunity: map[string]map[string]string{}}
	var bad core.RowErrors
	for i, rec := range records[1:] {
		if blank(rec) {
			continue
		}
		get := func(c int) string { return cell(rec, cols[c]) }
		community, grid, role, worker := get(0), get(1), get(2), get(3)
		line := i + 2
		if grid == "" && community == "" || worker == "" {
			bad = append(bad, core.RowError{Row: line, Reason: "网格（或社区）和工作人员不能为空"})
			continue
		}
		table, key, area := w.byGrid, community+"\x00"+grid, community+grid
		if grid == "" {
			table, key = w.byCommunity, community
		}
		roles := table[key]
		if roles == nil {
			roles = map[string]string{}
			table[key] = roles
		}
		if prev, dup := roles[role]; dup && prev != worker {
			bad = append(bad, core.RowError{Row: line, Reason: fmt.Sprintf("「%s」的「%s」已有工作人员，不能再指定另一人", area, cmp.Or(role, "全部岗位"))})
			continue
		}
		roles[role] = worker
	}
	if err := bad.Err("网格责任人表"); err != nil {
		return nil, err
	}
	return w, nil
}

// Worker returns who serves role in grid (of community): the grid's
// worker for the role, else the grid's worker for every role, else the
// community's likewise. A row with both 社区 and 网格 names that grid of
// that community only; a row with 网格 alone, that grid in any community.
// Worker returns "" when nobody is named. A nil *Workers names
// nobody.
func (w *Workers) Worker(community, grid, role string) string {
	if w == nil {
		return ""
	}
	// A grid named with its community, a grid named alone (grid names
	// are often reused across communities: 第一网格), then the community.
	for _, roles := range [...]map[string]string{w.byGrid[community+"\x00"+grid], w.byGrid["\x00"+grid], w.byCommunity[community]} {
		if s, ok := roles[role]; ok {
			return s
		}
		if s, ok := roles[""]; ok {
			return s
		}
	}
	return ""
}

// VisitKey names a person (Person.Key) and a rule (Rule.ID).
type VisitKey struct{ Person, Rule string }

// Visits are the last service dates per person and rule.
type Visits map[VisitKey]time.Time

// visitColumns: person, rule, date.
var visitColumns = [][]string{{"身份证号", "id_number", "人员编号", "key"}, {"规则编号", "rule", "编号"}, {"服务日期", "date", "走访日期", "上次服务", "上次走访"}}

// LoadVisits reads service records (the first record is the header):
// columns 身份证号 (or the person key of the lists), 规则编号 and 服务日期
// (any date form of fieldset.ParseDateTime, read in core.StreetTime).
// Several records of one person and rule keep the latest. Errors are
// *core.Error with code EINVALID naming each bad row; a bad ID number is
// reported by row, never quoted.
func LoadVisits(records [][]string) (Visits, error) {
	if len(records) == 0 {
		return nil, core.Errorf(core.EINVALID, "服务记录表为空：缺少表头 身份证号,规则编号,服务日期")
	}
	cols := make([]int, len(visitColumns))
	for i, names := range visitColumns {
		cols[i] = -1
		for j, h := range records[0] {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if slices.Contains(names, h) && cols[i] < 0 {
				cols[i] = j
			}
		}
		if cols[i] < 0 {
			return nil, core.Errorf(core.EINVALID, "服务记录表第 1 行：表头应为 身份证号,规则编号,服务日期，缺少列「%s」", names[0])
		}
	}
	v := Visits{}
	var bad core.RowErrors
	for i, rec := range records[1:] {
		if blank(rec) {
			continue
		}
		get := func(c int) string {
			if cols[c] < len(rec) {
				return strings.TrimSpace(rec[cols[c]])
			}
			return ""
		}
		line := i + 2
		key, rule := strings.ToUpper(get(0)), get(1)
		if n, err := fieldset.ParseIDCard(key); err == nil {
			key = n
		}
		if key == "" || rule == "" {
			bad = append(bad, core.RowError{Row: line, Reason: "身份证号和规则编号都不能为空"})
			continue
		}
		d, err := fieldset.ParseDateTimeIn(get(2), core.StreetTime)
		if err != nil {
			bad = append(bad, core.RowError{Row: line, Reason: "服务日期无法识别"})
			continue
		}
		k := VisitKey{key, rule}
		if d.After(v[k]) {
			v[k] = d
		}
	}
	if err := bad.Err("服务记录表"); err != nil {
		return nil, err
	}
	return v, nil
}

// Entry is one line of a service list: a person that a rule selects, who
// serves them, why, and for a rule with a cycle the state of the visits.
type Entry struct {
	Community string
	Grid      string
	Role      string // the rule's 责任人
	Worker    string // who fills the role in the person's grid; "" when unknown
	Rule      *Rule
	Person    Person
	Reasons   []string
	Visit     VisitDue
}

// Lister turns persons into service-list entries. Its fields are read
// only; one Lister may serve several goroutines.
type Lister struct {
	Rules    *Rules
	Workers  *Workers  // nil: no worker names
	Visits   Visits    // nil: no service recorded
	AsOf     time.Time // the day of the list, in core.StreetTime
	WarnDays int       // a visit due within this many days is 即将到期
}

// Entries returns the entries of person p, one per rule p meets, in rule
// order.
func (l *Lister) Entries(p map[string]string) []Entry {
	res := Result{Facts: FactsOf(p, l.AsOf)}
	l.Rules.evaluate(&res, false)
	if len(res.Matches) == 0 {
		return nil
	}
	ps := PersonOf(p, &res.Facts)
	out := make([]Entry, len(res.Matches))
	for i, m := range res.Matches {
		var last time.Time
		if ps.Key != "" {
			last = l.Visits[VisitKey{ps.Key, m.Rule.ID}]
		}
		out[i] = Entry{Community: ps.Community, Grid: ps.Grid, Role: m.Rule.Role,
			Worker: l.Workers.Worker(ps.Community, ps.Grid, m.Rule.Role), Rule: m.Rule, Person: ps, Reasons: m.Reasons,
			Visit: Schedule(m.Rule.Cycle, last, l.AsOf, l.WarnDays)}
	}
	return out
}

// SortServiceList sorts a service list: by community, grid, worker, role,
// rule (file order), then person (key, name).
func SortServiceList(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(
			strings.Compare(a.Community, b.Community),
			strings.Compare(a.Grid, b.Grid),
			strings.Compare(a.Worker, b.Worker),
			strings.Compare(a.Role, b.Role),
			cmp.Compare(a.Rule.Line, b.Rule.Line),
			strings.Compare(a.Person.Key, b.Person.Key),
			strings.Compare(a.Person.Name, b.Person.Name))
	})
}

// PolicyList returns the entries of 政策推送 rules, sorted as
// SortServiceList sorts.
func PolicyList(es []Entry) []Entry {
	var out []Entry
	for _, e := range es {
		if e.Rule.Service == ServicePolicy {
			out = append(out, e)
		}
	}
	SortServiceList(out)
	return out
}

// visitOrder ranks visit states, most urgent first.
var visitOrder = map[string]int{VisitOverdue: 0, VisitFirst: 1, VisitNear: 2, VisitOK: 3}

// DueVisits returns the entries of rules with a cycle, most urgent first:
// 已逾期, 待首次服务, 即将到期, 未到期; within a state by due date, then as
// SortServiceList sorts.
func DueVisits(es []Entry) []Entry {
	var out []Entry
	for _, e := range es {
		if e.Rule.Cycle != CycleNone {
			out = append(out, e)
		}
	}
	SortServiceList(out)
	slices.SortStableFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(visitOrder[a.Visit.State], visitOrder[b.Visit.State]), a.Visit.Due.Compare(b.Visit.Due))
	})
	return out
}

// Near returns the rules person p nearly meets (see Result.NearMisses) as
// entries whose Reasons say what is missing; Visit is left empty.
func (l *Lister) Near(p map[string]string) []Entry {
	res := Result{Facts: FactsOf(p, l.AsOf)}
	l.Rules.evaluate(&res, true)
	if len(res.NearMisses) == 0 {
		return nil
	}
	ps := PersonOf(p, &res.Facts)
	out := make([]Entry, len(res.NearMisses))
	for i, m := range res.NearMisses {
		out[i] = Entry{Community: ps.Community, Grid: ps.Grid, Role: m.Rule.Role,
			Worker: l.Workers.Worker(ps.Community, ps.Grid, m.Rule.Role), Rule: m.Rule, Person: ps, Reasons: m.Reasons}
	}
	return out
}

// Count is one line of a summary: the entries of one rule for one worker
// in one grid, and how many of their visits are in each state.
type Count struct {
	Community, Grid, Role, Worker string
	Rule                          *Rule
	Persons                       int // entries (one per person)
	Overdue, First, Near          int // visits 已逾期, 待首次服务, 即将到期
}

// Summarize counts a service list by community, grid, worker, role and
// rule, in the order of SortServiceList.
func Summarize(es []Entry) []Count {
	sorted := slices.Clone(es)
	SortServiceList(sorted)
	var out []Count
	for _, e := range sorted {
		n := len(out)
		if n == 0 || out[n-1].Community != e.Community || out[n-1].Grid != e.Grid || out[n-1].Worker != e.Worker ||
			out[n-1].Role != e.Role || out[n-1].Rule != e.Rule {
			out = append(out, Count{Community: e.Community, Grid: e.Grid, Role: e.Role, Worker: e.Worker, Rule: e.Rule})
			n++
		}
		c := &out[n-1]
		c.Persons++
		switch e.Visit.State {
		case VisitOverdue:
			c.Overdue++
		case VisitFirst:
			c.First++
		case VisitNear:
			c.Near++
		}
	}
	return out
}

// headerColumns returns the index in header of each column (-1: absent),
// each known by any of its names (case and surrounding spaces ignored).
func headerColumns(header []string, columns [][]string) []int {
	cols := make([]int, len(columns))
	for i, names := range columns {
		cols[i] = -1
		for j, h := range header {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if slices.Contains(names, h) && cols[i] < 0 {
				cols[i] = j
			}
		}
	}
	return cols
}

// cell is the trimmed value of column i of rec, "" when i is -1 or past
// the row's end.
func cell(rec []string, i int) string {
	if i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}
