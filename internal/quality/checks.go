package quality

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/fieldset"
)

// kindRun runs the checks of one record kind.
type kindRun struct {
	kind string
	set  *fieldset.Set
	recs []*Record
	m    *measure
	// touched caches Record.Touched per record (unix seconds, 0 unknown).
	touched []int64
	// cols caches normalised columns by field name.
	cols map[string]*column
}

// column is one field's values over the records: the normalised value
// ("" when empty) and whether it is invalid (the trimmed raw value is kept
// in val then).
type column struct {
	val []string
	bad []bool
}

// col returns the normalised column of field name.
func (k *kindRun) col(name string) *column {
	if c := k.cols[name]; c != nil {
		return c
	}
	if k.cols == nil {
		k.cols = map[string]*column{}
	}
	f := k.set.Field(name)
	c := &column{val: make([]string, len(k.recs)), bad: make([]bool, len(k.recs))}
	for i, r := range k.recs {
		v := strings.TrimSpace(r.Values[name])
		if v == "" {
			continue
		}
		if f != nil {
			if n, err := f.Normalize(v); err == nil {
				v = n
			} else {
				c.bad[i] = true
			}
		}
		c.val[i] = v
	}
	k.cols[name] = c
	return c
}

func (k *kindRun) touchedAt(i int) int64 {
	if k.touched == nil {
		k.touched = make([]int64, len(k.recs))
		for j, r := range k.recs {
			if t := r.Touched(); !t.IsZero() {
				k.touched[j] = t.Unix()
			}
		}
	}
	return k.touched[i]
}

// check runs c over the records of the kind.
func (k *kindRun) check(c *Check) Result {
	res := newResult(c)
	if res.Name == "" {
		res.Name = label(c, k.set)
	}
	switch c.Metric {
	case "row_count":
		return k.rowCount(c, res)
	case "row_count_change":
		return k.rowCountChange(c, res)
	}
	eval, note := k.evaluator(c)
	if eval == nil {
		res.Status, res.Note = StatusSkip, note
		return res
	}
	var where func(i int) bool
	if c.Where != nil {
		col := k.col(c.Where.Field)
		w := c.Where
		where = func(i int) bool {
			v := col.val[i]
			switch w.Op {
			case "=":
				return v == w.Value
			case "!=":
				return v != w.Value
			case "contains":
				return strings.Contains(v, w.Value)
			case "empty":
				return v == ""
			case "not_empty":
				return v != ""
			}
			return false
		}
	}
	type counts struct{ checked, failing int }
	bySource := map[string]*counts{}
	var clauseFails uint64
	for i, r := range k.recs {
		if where != nil && !where(i) {
			continue
		}
		o := eval(i)
		if !o.checked {
			continue
		}
		sc := bySource[r.Source]
		if sc == nil {
			sc = &counts{}
			bySource[r.Source] = sc
		}
		sc.checked++
		res.Checked++
		if o.fails == 0 {
			continue
		}
		clauseFails |= o.fails
		sc.failing++
		res.Failing++
		if len(res.Samples) < k.m.opt.SampleSize {
			s := Sample{Record: r.ID, Source: r.Source, Field: o.field, Reason: o.reason}
			if o.field != "" && k.m.opt.Mask != nil {
				s.Value = k.m.opt.Mask(r.Kind, o.field, strings.TrimSpace(r.Values[o.field]))
			}
			res.Samples = append(res.Samples, s)
		}
		if k.m.opt.OnFail != nil {
			k.m.opt.OnFail(&res, r, r.ID)
		}
	}
	res.Rate = rate(res.Checked, res.Failing)
	if c.Metric == "freshness" {
		res.Value = float64(res.Failing)
		res.Status = StatusPass
		for j, cl := range c.Clauses {
			if clauseFails&(1<<j) != 0 {
				res.Status = worse(res.Status, cl.Level)
			}
		}
	} else {
		res.Value = value(c, res.Checked, res.Failing)
		res.Status = status(c, res.Value)
	}
	srcs := make([]string, 0, len(bySource))
	for s := range bySource {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for _, s := range srcs {
		sc := bySource[s]
		st := status(c, value(c, sc.checked, sc.failing))
		if c.Metric == "freshness" {
			st = res.Status
			if sc.failing == 0 {
				st = StatusPass
			}
		}
		res.Sources = append(res.Sources, SourceCount{Source: s, Checked: sc.checked, Failing: sc.failing, Rate: rate(sc.checked, sc.failing), Status: st})
	}
	return res
}

// evaluator returns the per-row evaluation of c, or nil and why the check
// cannot run.
func (k *kindRun) evaluator(c *Check) (func(i int) outcome, string) {
	set := k.set
	labelOf := func(f string) string {
		if fd := set.Field(f); fd != nil {
			return fd.Label
		}
		return f
	}
	switch c.base() {
	case "missing":
		cols := make([]*column, len(c.Fields))
		for j, f := range c.Fields {
			cols[j] = k.col(f)
		}
		return func(i int) outcome {
			for j, col := range cols {
				if col.val[i] == "" {
					return outcome{checked: true, fails: 1, reason: "缺少" + labelOf(c.Fields[j])}
				}
			}
			return outcome{checked: true}
		}, ""
	case "invalid":
		name := c.Fields[0]
		valid := validator(set.Field(name))
		return func(i int) outcome {
			v := strings.TrimSpace(k.recs[i].Values[name])
			if v == "" {
				return outcome{}
			}
			if err := valid(v); err != nil {
				return outcome{checked: true, fails: 1, field: name, reason: invalidReason(labelOf(name), err)}
			}
			return outcome{checked: true}
		}, ""
	case "duplicate":
		return k.duplicates(c, labelOf), ""
	case "stale":
		return k.stale(c, labelOf), ""
	case "untouched":
		cut := c.Period.before(k.m.opt.Now).Unix()
		return func(i int) outcome {
			t := k.touchedAt(i)
			if t == 0 {
				return outcome{}
			}
			if t < cut {
				return outcome{checked: true, fails: 1, reason: "超过 " + c.Period.String() + " 未更新"}
			}
			return outcome{checked: true}
		}, ""
	case "over_age":
		if set.Field("id_number") == nil {
			return nil, "没有身份证号字段"
		}
		ids := k.col("id_number")
		now := k.m.opt.Now
		return func(i int) outcome {
			if ids.bad[i] || ids.val[i] == "" {
				return outcome{}
			}
			birth, _, ok := idBirthGender(ids.val[i])
			if !ok {
				return outcome{}
			}
			if float64(age(birth, now)) > c.Num {
				return outcome{checked: true, fails: 1, field: "id_number", reason: "按身份证号年龄超过 " + strconv.FormatFloat(c.Num, 'f', -1, 64) + " 岁"}
			}
			return outcome{checked: true}
		}, ""
	case "empty_house":
		return k.emptyHouses()
	case "conflict":
		return k.conflicts(c, labelOf)
	case "id_mismatch":
		return k.idMismatch(c, labelOf)
	case "grid_mismatch":
		if k.m.gridComm == nil {
			return nil, "未提供区域名录（网格→社区）"
		}
		return func(i int) outcome {
			r := k.recs[i]
			comm, grid := strings.TrimSpace(r.community()), strings.TrimSpace(r.grid())
			cs, known := k.m.gridComm[grid]
			if comm == "" || grid == "" || !known {
				return outcome{}
			}
			for _, x := range cs {
				if x == comm {
					return outcome{checked: true}
				}
			}
			return outcome{checked: true, fails: 1, field: "grid", reason: "网格不属于所填社区"}
		}, ""
	case "unknown_area":
		if k.m.comms == nil {
			return nil, "未提供区域名录"
		}
		return func(i int) outcome {
			r := k.recs[i]
			comm, grid := strings.TrimSpace(r.community()), strings.TrimSpace(r.grid())
			if comm == "" && grid == "" {
				return outcome{}
			}
			if comm != "" && !k.m.comms[comm] {
				return outcome{checked: true, fails: 1, field: "community", reason: "社区不在区域名录中"}
			}
			if _, ok := k.m.gridComm[grid]; grid != "" && !ok {
				return outcome{checked: true, fails: 1, field: "grid", reason: "网格不在区域名录中"}
			}
			return outcome{checked: true}
		}, ""
	case "freshness":
		name := c.Fields[0]
		f := set.Field(name)
		if f == nil || (f.Type != fieldset.TypeDateTime && f.Type != fieldset.TypeDate) {
			return nil, labelOf(name) + "不是日期字段"
		}
		cuts := make([]int64, len(c.Clauses))
		for j, cl := range c.Clauses {
			cuts[j] = cl.Period.before(k.m.opt.Now).Unix()
		}
		col := k.col(name)
		return func(i int) outcome {
			var t int64
			switch {
			case col.val[i] != "" && !col.bad[i]:
				tm, err := fieldset.ParseDateTime(col.val[i])
				if err != nil {
					return outcome{}
				}
				t = tm.Unix()
			case name == "updated_at":
				t = k.touchedAt(i)
			}
			if t == 0 {
				return outcome{}
			}
			o := outcome{checked: true, field: name}
			for j, cut := range cuts {
				if t < cut || (c.Clauses[j].Op == "<" && t == cut) {
					o.fails |= 1 << j
					if o.reason == "" {
						o.reason = labelOf(name) + "早于 " + c.Clauses[j].Period.String() + " 前"
					}
				}
			}
			return o
		}, ""
	}
	return nil, "未知指标"
}

// lengthPattern is the form of most string fields' format: one line of 1
// to N characters.
var lengthPattern = regexp.MustCompile(`^\^\.\{1,([0-9]+)\}\$$`)

// validator returns f's validation: Normalize, with a fast path for a
// string field whose format only limits its length (a regular expression
// match per value was a third of a run's time). A string value of such a
// field is valid when it is one line of at most N characters, as the
// pattern says ("." matches any character but a line break; Normalize
// refuses \r and \n in a string field).
func validator(f *fieldset.Field) func(v string) error {
	if m := lengthPattern.FindStringSubmatch(f.Format); m != nil && f.Type == fieldset.TypeString {
		n, _ := strconv.Atoi(m[1])
		return func(v string) error {
			if strings.ContainsAny(v, "\r\n") {
				return fieldset.ErrMultiRow
			}
			if utf8.RuneCountInString(v) > n {
				return fieldset.ErrFormat
			}
			return nil
		}
	}
	return func(v string) error {
		_, err := f.Normalize(v)
		return err
	}
}

// invalidReason says why a value of the field labelled label is invalid:
// the parse error's reason, which never quotes the value, with the label
// when the reason does not start with it.
func invalidReason(label string, err error) string {
	if strings.HasPrefix(err.Error(), label) {
		return err.Error()
	}
	return label + "：" + err.Error()
}

// duplicates marks the rows whose key (the fields' normalised values, all
// present) an earlier row of the same source has.
func (k *kindRun) duplicates(c *Check, labelOf func(string) string) func(i int) outcome {
	cols := make([]*column, len(c.Fields))
	names := make([]string, len(c.Fields))
	for j, f := range c.Fields {
		cols[j] = k.col(f)
		names[j] = labelOf(f)
	}
	first := make(map[string]struct{}, len(k.recs))
	dup := make([]bool, len(k.recs))
	has := make([]bool, len(k.recs))
	var b []byte
	for i, r := range k.recs {
		b = append(b[:0], r.Source...)
		complete := true
		for _, col := range cols {
			if col.val[i] == "" {
				complete = false
				break
			}
			b = append(b, 0)
			b = append(b, col.val[i]...)
		}
		if !complete {
			continue
		}
		has[i] = true
		// The lookup does not allocate; only a new key is copied.
		if _, ok := first[string(b)]; ok {
			dup[i] = true
		} else {
			first[string(b)] = struct{}{}
		}
	}
	field := ""
	if len(c.Fields) == 1 {
		field = c.Fields[0]
	}
	reason := "与同一来源的前一条记录" + strings.Join(names, "+") + "相同"
	return func(i int) outcome {
		if !has[i] {
			return outcome{}
		}
		if dup[i] {
			return outcome{checked: true, fails: 1, field: field, reason: reason}
		}
		return outcome{checked: true}
	}
}

// stale marks the rows with a value in one of the fields that were not
// touched (Record.Touched) within the shortest update cycle of those
// fields; rows without any time are not checked.
func (k *kindRun) stale(c *Check, labelOf func(string) string) func(i int) outcome {
	type fc struct {
		name string
		cut  int64
		per  Period
	}
	var fs []fc
	for _, f := range c.Fields {
		if p, ok := cyclePeriod(k.set.Field(f).UpdateCycle); ok {
			fs = append(fs, fc{f, p.before(k.m.opt.Now).Unix(), p})
		}
	}
	return func(i int) outcome {
		r := k.recs[i]
		var worst *fc
		for j := range fs {
			if r.Values[fs[j].name] != "" && (worst == nil || fs[j].cut > worst.cut) {
				worst = &fs[j]
			}
		}
		if worst == nil {
			return outcome{}
		}
		t := k.touchedAt(i)
		if t == 0 {
			return outcome{} // no time to tell: missing_percent(updated_at) asks for one
		}
		if t < worst.cut {
			return outcome{checked: true, fails: 1, field: "updated_at", reason: labelOf(worst.name) + "超过更新周期（" + worst.per.String() + "）未更新"}
		}
		return outcome{checked: true}
	}
}

// emptyHouses marks houses with no owner, no tenant count and no person of
// the run living at their address parts or address.
func (k *kindRun) emptyHouses() (func(i int) outcome, string) {
	if k.kind != fieldset.KindHouse {
		return nil, "只适用于房屋"
	}
	people := k.m.byKind[fieldset.KindPerson]
	if len(people) == 0 {
		return nil, "需要同时检查人口数据"
	}
	home := make(map[string]bool, len(people))
	for _, p := range people {
		if key, ok := placeKey(p.Values, p.community()); ok {
			home[key] = true
		}
		if a := strings.TrimSpace(p.Values["address"]); a != "" {
			home["@"+a] = true
		}
	}
	return func(i int) outcome {
		h := k.recs[i]
		if strings.TrimSpace(h.Values["owner_name"]) != "" || strings.TrimSpace(h.Values["owner_id_number"]) != "" {
			return outcome{checked: true}
		}
		if n := strings.TrimSpace(h.Values["tenant_count"]); n != "" && n != "0" {
			return outcome{checked: true}
		}
		if key, ok := placeKey(h.Values, h.community()); ok && home[key] {
			return outcome{checked: true}
		}
		if a := strings.TrimSpace(h.Values["address"]); a != "" && home["@"+a] {
			return outcome{checked: true}
		}
		return outcome{checked: true, fails: 1, reason: "无居住人员且无产权人"}
	}, ""
}

// placeKey joins community, estate, building, unit and room; ok when
// estate, building and room are present.
func placeKey(v map[string]string, community string) (string, bool) {
	parts := []string{community, v["estate"], v["building"], v["unit_no"], v["room"]}
	for j := range parts {
		parts[j] = strings.TrimSpace(parts[j])
	}
	if parts[1] == "" || parts[2] == "" || parts[4] == "" {
		return "", false
	}
	return strings.Join(parts, "\x00"), true
}

// conflicts marks the records of one real person (the same cluster, else
// the same valid ID number) that disagree on the field.
func (k *kindRun) conflicts(c *Check, labelOf func(string) string) (func(i int) outcome, string) {
	name := c.Fields[0]
	idField := ""
	for _, f := range []string{"id_number", "uscc"} {
		if k.set.Field(f) != nil {
			idField = f
			break
		}
	}
	var ids *column
	if idField != "" {
		ids = k.col(idField)
	}
	vals := k.col(name)
	group := func(i int) string {
		if cl := k.recs[i].Cluster; cl != "" {
			return "c" + cl
		}
		if ids != nil && !ids.bad[i] && ids.val[i] != "" {
			return "i" + ids.val[i]
		}
		return ""
	}
	// first value of each group, and whether the group disagrees
	first := map[string]string{}
	split := map[string]bool{}
	for i := range k.recs {
		g := group(i)
		v := vals.val[i]
		if g == "" || v == "" || vals.bad[i] {
			continue
		}
		if f, ok := first[g]; !ok {
			first[g] = v
		} else if f != v {
			split[g] = true
		}
	}
	if len(first) == 0 && idField == "" {
		return nil, "没有可用于识别同一对象的字段（聚类编号或证件号）"
	}
	reason := "同一对象在不同记录中" + labelOf(name) + "不同"
	return func(i int) outcome {
		g := group(i)
		if g == "" || vals.val[i] == "" || vals.bad[i] {
			return outcome{}
		}
		if split[g] {
			return outcome{checked: true, fails: 1, field: name, reason: reason}
		}
		return outcome{checked: true}
	}, ""
}

// idMismatch marks persons whose birth_date or gender contradicts their
// ID number.
func (k *kindRun) idMismatch(c *Check, labelOf func(string) string) (func(i int) outcome, string) {
	name := c.Fields[0]
	if k.set.Field("id_number") == nil || k.set.Field(name) == nil {
		return nil, "没有身份证号或" + name + "字段"
	}
	ids, vals := k.col("id_number"), k.col(name)
	reason := labelOf(name) + "与身份证号不符"
	return func(i int) outcome {
		if ids.bad[i] || ids.val[i] == "" || vals.bad[i] || vals.val[i] == "" {
			return outcome{}
		}
		birth, male, ok := idBirthGender(ids.val[i])
		if !ok {
			return outcome{}
		}
		var agree bool
		if name == "birth_date" {
			agree = vals.val[i] == birth.Format(time.DateOnly)
		} else {
			agree = (vals.val[i] == "男") == male
		}
		if !agree {
			return outcome{checked: true, fails: 1, field: name, reason: reason}
		}
		return outcome{checked: true}
	}, ""
}

// idBirthGender reads the birth date and gender of a valid ID number (18
// or 15 characters).
func idBirthGender(id string) (birth time.Time, male bool, ok bool) {
	var y, m, d int
	var g byte
	switch len(id) {
	case 18:
		y, m, d, g = atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14]), id[16]
	case 15:
		y, m, d, g = 1900+atoi(id[6:8]), atoi(id[8:10]), atoi(id[10:12]), id[14]
	default:
		return time.Time{}, false, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), (g-'0')%2 == 1, true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// age is the age in whole years at now of someone born on birth.
func age(birth, now time.Time) int {
	y, m, d := now.Date()
	a := y - birth.Year()
	if time.Month(m) < birth.Month() || (time.Month(m) == birth.Month() && d < birth.Day()) {
		a--
	}
	return a
}

// rowCount measures the rows of the kind (row_count > 0 and the like).
func (k *kindRun) rowCount(c *Check, res Result) Result {
	res.Checked = len(k.recs)
	res.Value = float64(len(k.recs))
	res.Status = status(c, res.Value)
	if res.Status != StatusPass {
		res.Failing = res.Checked
	}
	res.Rate = rate(res.Checked, res.Failing)
	return res
}

// rowCountChange compares each source's rows with the previous run's: the
// value is the largest change in percent, checked and failing count the
// sources.
func (k *kindRun) rowCountChange(c *Check, res Result) Result {
	p := k.m.opt.Previous
	if p == nil || p.Counts[k.kind] == nil {
		res.Status, res.Note = StatusSkip, "没有上次运行的记录数"
		return res
	}
	prev, cur := p.Counts[k.kind], k.m.run.Counts[k.kind]
	var srcs []string
	for s := range prev {
		srcs = append(srcs, s)
	}
	for s := range cur {
		if _, ok := prev[s]; !ok {
			srcs = append(srcs, s)
		}
	}
	sort.Strings(srcs)
	res.Status = StatusPass
	for _, s := range srcs {
		was, ok := prev[s]
		if !ok || was == 0 {
			continue // a new source: nothing to compare with
		}
		change := 100 * math.Abs(float64(cur[s]-was)) / float64(was)
		st := status(c, change)
		sc := SourceCount{Source: s, Checked: 1, Status: st}
		res.Checked++
		if st != StatusPass {
			sc.Failing, sc.Rate = 1, 1
			res.Failing++
			if len(res.Samples) < k.m.opt.SampleSize {
				res.Samples = append(res.Samples, Sample{Record: s, Source: s,
					Reason: fmt.Sprintf("记录数由 %d 变为 %d（%+.1f%%）", was, cur[s], 100*float64(cur[s]-was)/float64(was))})
			}
		}
		res.Value = math.Max(res.Value, change)
		res.Status = worse(res.Status, st)
		res.Sources = append(res.Sources, sc)
	}
	res.Rate = rate(res.Checked, res.Failing)
	return res
}

// orphans runs a referential check over the tickets or the areas.
func (m *measure) orphans(c *Check) Result {
	c.RecordKind = "ticket"
	if c.Fields[0] == "area_unit" {
		c.RecordKind = "area"
	}
	res := newResult(c)
	if res.Name == "" {
		res.Name = label(c, nil)
	}
	refs := m.opt.Refs
	if refs == nil || refs.Areas == nil || (c.RecordKind == "ticket" && refs.Tickets == nil) || (c.Fields[0] != "ticket_area" && refs.Units == nil) {
		res.Status, res.Note = StatusSkip, "未提供工单、区域或单位名录"
		return res
	}
	units := map[string]bool{}
	for _, u := range refs.Units {
		units[u] = true
	}
	fail := func(id, reason string) {
		res.Failing++
		if len(res.Samples) < m.opt.SampleSize {
			res.Samples = append(res.Samples, Sample{Record: id, Reason: reason})
		}
		if m.opt.OnFail != nil {
			m.opt.OnFail(&res, nil, id)
		}
	}
	switch c.Fields[0] {
	case "ticket_area":
		for _, t := range refs.Tickets {
			if t.Community == "" && t.Grid == "" {
				continue
			}
			res.Checked++
			switch cs, ok := m.gridComm[t.Grid]; {
			case t.Community != "" && !m.comms[t.Community]:
				fail(t.ID, "社区不在区域名录中")
			case t.Grid != "" && !ok:
				fail(t.ID, "网格不在区域名录中")
			case t.Grid != "" && t.Community != "" && !containsStr(cs, t.Community):
				fail(t.ID, "网格不属于所填社区")
			}
		}
	case "ticket_unit":
		for _, t := range refs.Tickets {
			if t.Unit == "" {
				continue
			}
			res.Checked++
			if !units[t.Unit] {
				fail(t.ID, "承办单位不在单位名录中")
			}
		}
	case "area_unit":
		unitOf := map[string]string{}
		var comms []string
		for _, a := range refs.Areas {
			if _, ok := unitOf[a.Community]; !ok {
				comms = append(comms, a.Community)
				unitOf[a.Community] = ""
			}
			if a.Unit != "" {
				unitOf[a.Community] = a.Unit
			}
		}
		for _, cm := range comms {
			res.Checked++
			switch u := unitOf[cm]; {
			case u == "":
				fail(cm, "社区没有对应的承办单位")
			case !units[u]:
				fail(cm, "社区的承办单位不在单位名录中")
			}
		}
	}
	res.Rate = rate(res.Checked, res.Failing)
	res.Value = value(c, res.Checked, res.Failing)
	res.Status = status(c, res.Value)
	return res
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
