package quality

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// DefaultSampleSize is the number of failing rows kept per check.
const DefaultSampleSize = 5

// Options are the inputs of a run beside the records.
type Options struct {
	// Now is the time of the run: ages and freshness count to it.
	Now time.Time
	// Checks are the declared checks; nil means DefaultChecks(). The
	// checks the field sets imply are added unless NoImplied.
	Checks    []Check
	NoImplied bool
	// Fields are the field sets per record kind; a missing kind uses
	// fieldset.Records(kind).
	Fields map[string]*fieldset.Set
	// Owners maps a source to its owner (责任部门); a source without one is
	// its own owner.
	Owners map[string]string
	// Mask masks a failing value of a field of a record of kind for the
	// samples (the masking dictionary's policy for the report's reader,
	// casework.MaskRecord). Nil leaves the samples without values: a raw
	// value never leaves the run.
	Mask func(kind, field, value string) string
	// Previous is the previous run, for the trend and the volume change.
	Previous *Run
	// Refs are the tickets, areas and units for the referential and area
	// checks; nil skips them.
	Refs *Refs
	// Retired are record statuses that are not checked (retired records).
	Retired []string
	// SampleSize is the number of failing rows kept per check; 0 means
	// DefaultSampleSize, a negative number none.
	SampleSize int
	// OnFail, when not nil, is called for every failing record of every
	// record check (rec is nil for ticket and area rows, and id is then
	// theirs). It is for evaluation; a report needs only the samples.
	OnFail func(res *Result, rec *Record, id string)
}

// Measure runs the checks over records and returns the run. Records of
// several kinds may come together (the empty-house check needs the people
// of the same run). The result is deterministic for the same input in the
// same order. The error is about the options (an unknown record kind, a
// check naming a field its kind lacks), never about a record.
func Measure(records []Record, opt Options) (*Run, error) {
	if opt.Now.IsZero() {
		return nil, errors.New("quality: Options.Now is required")
	}
	if opt.SampleSize == 0 {
		opt.SampleSize = DefaultSampleSize
	}
	checks := opt.Checks
	if checks == nil {
		checks = DefaultChecks()
	}
	m := &measure{opt: opt, run: &Run{At: opt.Now, Rows: map[string]int{}, Counts: map[string]map[string]int{}}}
	byKind := map[string][]*Record{}
	for i := range records {
		r := &records[i]
		if slices.Contains(opt.Retired, r.Status) {
			continue
		}
		if fieldset.KindLabel[r.Kind] == "" {
			return nil, fmt.Errorf("quality: record %s: unknown kind %q", r.ID, r.Kind)
		}
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	m.byKind = byKind
	if opt.Refs != nil && opt.Refs.Areas != nil {
		m.indexAreas()
	}
	seen := map[string]int{}
	for _, kind := range fieldset.RecordKinds {
		recs := byKind[kind]
		if len(recs) == 0 {
			continue
		}
		set := opt.Fields[kind]
		if set == nil {
			set = builtinSet(kind)
		}
		counts := map[string]int{}
		for _, r := range recs {
			counts[r.Source]++
		}
		m.run.Rows[kind] = len(recs)
		m.run.Counts[kind] = counts
		k := &kindRun{kind: kind, set: set, recs: recs, m: m}
		var own []Check
		for _, c := range checks {
			if (c.RecordKind == kind || c.RecordKind == "") && c.base() != "orphan" {
				c.RecordKind = kind
				for _, f := range append(slices.Clone(c.Fields), condField(c.Where)...) {
					if metrics[c.base()].oneOf == nil && set.Field(f) == nil {
						return nil, fmt.Errorf("quality: check on line %d: %s has no field %q", c.Line, fieldset.KindLabel[kind], f)
					}
				}
				own = append(own, c)
			}
		}
		all := own
		if !opt.NoImplied {
			all = append(Implied(kind, set, own), own...)
		}
		var results []Result
		for i := range all {
			results = append(results, k.check(&all[i]))
		}
		sort.SliceStable(results, func(i, j int) bool {
			return kindOrder(results[i].Kind) < kindOrder(results[j].Kind)
		})
		for _, res := range results {
			m.add(res, seen)
		}
	}
	// The referential checks, once each.
	done := map[string]bool{}
	for i := range checks {
		c := checks[i]
		if c.base() != "orphan" || done[c.Fields[0]] {
			continue
		}
		done[c.Fields[0]] = true
		m.add(m.orphans(&c), seen)
	}
	m.finish()
	return m.run, nil
}

func condField(c *Cond) []string {
	if c == nil {
		return nil
	}
	return []string{c.Field}
}

func kindOrder(k string) int { return slices.Index(CheckKinds, k) }

// measure is one run in progress.
type measure struct {
	opt    Options
	run    *Run
	byKind map[string][]*Record
	// gridComm maps a grid name to the communities that have a grid of
	// that name; comms is the set of community names.
	gridComm map[string][]string
	comms    map[string]bool
}

func (m *measure) indexAreas() {
	m.gridComm = map[string][]string{}
	m.comms = map[string]bool{}
	for _, a := range m.opt.Refs.Areas {
		m.comms[a.Community] = true
		if a.Grid != "" && !slices.Contains(m.gridComm[a.Grid], a.Community) {
			m.gridComm[a.Grid] = append(m.gridComm[a.Grid], a.Community)
		}
	}
}

// add appends res to the run with a unique ID and its trend.
func (m *measure) add(res Result, seen map[string]int) {
	if n := seen[res.ID]; n > 0 {
		seen[res.ID] = n + 1
		res.ID += "#" + strconv.Itoa(n+1)
	} else {
		seen[res.ID] = 1
	}
	res.Trend = TrendNew
	if p := m.opt.Previous; p != nil {
		for i := range p.Results {
			old := &p.Results[i]
			if old.ID != res.ID || old.Status == StatusSkip {
				continue
			}
			rate := old.Rate
			res.PrevRate = &rate
			switch so, sn := statusRank(old.Status), statusRank(res.Status); {
			case res.Status == StatusSkip:
				res.Trend = TrendSame
			case sn < so:
				res.Trend = TrendBetter
			case sn > so:
				res.Trend = TrendWorse
			case math.Abs(res.Rate-rate) < 1e-9:
				res.Trend = TrendSame
			case res.Rate < rate:
				res.Trend = TrendBetter
			default:
				res.Trend = TrendWorse
			}
			break
		}
	}
	switch res.Status {
	case StatusPass:
		m.run.Pass++
	case StatusWarn:
		m.run.Warn++
	case StatusFail:
		m.run.Fail++
	case StatusSkip:
		m.run.Skip++
	}
	m.run.Results = append(m.run.Results, res)
}

func statusRank(s string) int {
	switch s {
	case StatusWarn:
		return 1
	case StatusFail:
		return 2
	}
	return 0
}

// worse returns the worse of two statuses.
func worse(a, b string) string {
	if statusRank(b) > statusRank(a) {
		return b
	}
	return a
}

// Implied returns the checks the field set of kind implies, less those the
// declared checks replace: missing_count(f) = 0 for each required field;
// invalid_percent(f) < 1% warn; < 5% fail for each field whose type
// validates (not free text or tags); and stale_percent(fields) < 10% warn;
// < 30% fail for the fields of each update cycle from daily to yearly. A
// declared check of the same metric base on the same single field
// replaces an implied one (a stale check takes its fields out of the
// implied groups).
func Implied(kind string, set *fieldset.Set, declared []Check) []Check {
	replaced := map[string]bool{}
	for _, c := range declared {
		if c.Where != nil {
			continue
		}
		if c.base() == "stale" {
			for _, f := range c.Fields {
				replaced["stale:"+f] = true
			}
		} else if len(c.Fields) == 1 {
			replaced[c.base()+":"+c.Fields[0]] = true
		}
	}
	var out []Check
	add := func(metric string, fields []string, clauses ...Clause) {
		out = append(out, Check{RecordKind: kind, Metric: metric, Fields: fields, Clauses: clauses})
	}
	for _, f := range set.Fields {
		if f.Required && !replaced["missing:"+f.Name] {
			add("missing_count", []string{f.Name}, Clause{Op: "=", Value: 0, Level: LevelFail})
		}
	}
	for _, f := range set.Fields {
		if f.Type == fieldset.TypeText || f.Type == fieldset.TypeTags || replaced["invalid:"+f.Name] {
			continue
		}
		add("invalid_percent", []string{f.Name},
			Clause{Op: "<", Value: 1, Percent: true, Level: LevelWarn},
			Clause{Op: "<", Value: 5, Percent: true, Level: LevelFail})
	}
	for _, cycle := range []string{"daily", "weekly", "monthly", "quarterly", "yearly"} {
		var fields []string
		for _, f := range set.Fields {
			if f.UpdateCycle == cycle && !replaced["stale:"+f.Name] {
				fields = append(fields, f.Name)
			}
		}
		if len(fields) > 0 {
			add("stale_percent", fields,
				Clause{Op: "<", Value: 10, Percent: true, Level: LevelWarn},
				Clause{Op: "<", Value: 30, Percent: true, Level: LevelFail})
		}
	}
	return out
}

// cyclePeriod is the length of an update cycle; ok is false for event and
// never.
func cyclePeriod(cycle string) (Period, bool) {
	switch cycle {
	case "daily":
		return Period{Days: 1}, true
	case "weekly":
		return Period{Days: 7}, true
	case "monthly":
		return Period{Months: 1}, true
	case "quarterly":
		return Period{Months: 3}, true
	case "yearly":
		return Period{Years: 1}, true
	}
	return Period{}, false
}

// before returns the instant p before t.
func (p Period) before(t time.Time) time.Time { return t.AddDate(-p.Years, -p.Months, -p.Days) }

// Touched returns when the record's data was last confirmed: its
// updated_at value (更新时间/核查时间) when it parses, else Updated, else
// Seen, else Created; zero when none is known.
func (r *Record) Touched() time.Time {
	if v := r.Values["updated_at"]; v != "" {
		if t, err := time.ParseInLocation(fieldset.DateTimeLayout, v, core.StreetTime); err == nil {
			return t
		}
		if t, err := fieldset.ParseDateTime(v); err == nil {
			return t
		}
	}
	for _, t := range []time.Time{r.Updated, r.Seen, r.Created} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// outcome is one row's outcome for a check.
type outcome struct {
	checked bool
	// fails is a bit set of the clauses the row fails (freshness), or 1
	// for a failing row of another check.
	fails  uint64
	field  string // the field of the sample's value, or ""
	reason string
}

// status compares a metric's value with the clauses.
func status(c *Check, value float64) string {
	st := StatusPass
	for _, cl := range c.Clauses {
		if !holds(value, cl.Op, cl.Value) {
			st = worse(st, cl.Level)
		}
	}
	return st
}

func holds(v float64, op string, x float64) bool {
	const eps = 1e-9
	switch op {
	case "<":
		return v < x-eps
	case "<=":
		return v <= x+eps
	case ">":
		return v > x+eps
	case ">=":
		return v >= x-eps
	case "=":
		return math.Abs(v-x) <= eps
	case "!=":
		return math.Abs(v-x) > eps
	}
	return false
}

// value is the metric of a check over checked and failing rows.
func value(c *Check, checked, failing int) float64 {
	if c.percent() {
		if checked == 0 {
			return 0
		}
		return 100 * float64(failing) / float64(checked)
	}
	return float64(failing)
}

func rate(checked, failing int) float64 {
	if checked == 0 {
		return 0
	}
	return float64(failing) / float64(checked)
}

// newResult starts the result of c.
func newResult(c *Check) Result {
	res := Result{
		ID:         c.RecordKind + ":" + c.metricText(),
		Name:       c.Name,
		Kind:       c.kind(),
		RecordKind: c.RecordKind,
		Metric:     c.Metric,
		Fields:     c.Fields,
		Origin:     "fieldset",
		Rule:       c.Rule(),
	}
	if c.Where != nil {
		res.ID += " where " + c.Where.Field + " " + c.Where.Op + " " + c.Where.Value
	}
	if c.Line > 0 {
		res.Origin = "checks:" + strconv.Itoa(c.Line)
	}
	return res
}

// finish computes the scores and sorts them.
func (m *measure) finish() {
	m.run.Sources, m.run.Owners, m.run.Fields, m.run.Score = scores(m.run, m.opt.Owners, m.fieldLabels())
	if p := m.opt.Previous; p != nil {
		prev := func(list []Score, name, kind string) *float64 {
			for _, s := range list {
				if s.Name == name && s.Kind == kind {
					v := s.Score
					return &v
				}
			}
			return nil
		}
		for i := range m.run.Sources {
			m.run.Sources[i].Prev = prev(p.Sources, m.run.Sources[i].Name, "")
		}
		for i := range m.run.Owners {
			m.run.Owners[i].Prev = prev(p.Owners, m.run.Owners[i].Name, "")
		}
		for i := range m.run.Fields {
			m.run.Fields[i].Prev = prev(p.Fields, m.run.Fields[i].Name, m.run.Fields[i].Kind)
		}
	}
}

// fieldLabels maps kind → field → label.
func (m *measure) fieldLabels() map[string]map[string]string {
	out := map[string]map[string]string{}
	for kind := range m.byKind {
		set := m.opt.Fields[kind]
		if set == nil {
			set = builtinSet(kind)
		}
		out[kind] = map[string]string{}
		for _, f := range set.Fields {
			out[kind][f.Name] = f.Label
		}
	}
	return out
}

// label names a check in Chinese when the check file gives no name.
func label(c *Check, set *fieldset.Set) string {
	names := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		names[i] = f
		if set != nil && set.Field(f) != nil {
			names[i] = set.Field(f).Label
		}
	}
	joined := strings.Join(names, "+")
	if len(names) > 3 {
		joined = strings.Join(names[:3], "、") + "等 " + strconv.Itoa(len(names)) + " 个字段"
	}
	switch c.Metric {
	case "row_count":
		return "记录数"
	case "row_count_change":
		return "记录数较上次变化"
	case "freshness":
		return joined + "时效"
	}
	def := metrics[c.base()]
	switch c.base() {
	case "orphan":
		return orphanLabel[c.Fields[0]]
	case "untouched":
		return c.Period.String() + "未更新（僵尸数据）"
	case "over_age":
		return "按身份证号年龄超过 " + strconv.FormatFloat(c.Num, 'f', -1, 64) + " 岁（僵尸数据）"
	case "id_mismatch":
		return joined + def.label
	}
	if joined != "" {
		return joined + def.label
	}
	return def.label
}
