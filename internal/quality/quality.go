// Package quality is the data-quality monitor (数据质量) of the base-data
// registries (人/房/企/组织): it runs checks over records and reports, per
// check, pass/warn/fail with counts, a masked sample of failing rows, the
// trend against the previous run and quality scores per source, owner and
// field.
//
// The checks come from two places: the field set (a required field must be
// filled, a value must be valid for its type — GB 11643 and GB 32100 check
// characters included — and a value must be newer than its update cycle)
// and a check file (checks.txt, embedded, replaceable) that a data
// administrator edits, in the spirit of Soda checks:
//
//	[person]
//	missing_percent(phone) < 5% warn; < 20% fail
//	duplicate_count(id_number) = 0
//	freshness(updated_at) < 1y warn; < 3y fail
//
// See ParseChecks for the format and MetricNames for what can be measured.
//
// The package is pure: records, declarations and the previous run go in,
// a Run comes out. It reads no database and writes no log; failing values
// leave it only through the caller's mask function.
package quality

import (
	"time"

	"jiceng/internal/core"
)

// Check kinds (dimensions of quality), in the order reports list them.
const (
	KindCompleteness = "completeness" // 完整性
	KindValidity     = "validity"     // 有效性
	KindUniqueness   = "uniqueness"   // 唯一性
	KindFreshness    = "freshness"    // 时效性（含僵尸数据）
	KindConsistency  = "consistency"  // 一致性
	KindIntegrity    = "integrity"    // 引用完整性
	KindVolume       = "volume"       // 数据量变化
)

// CheckKinds are the check kinds in report order.
var CheckKinds = []string{KindCompleteness, KindValidity, KindUniqueness, KindFreshness, KindConsistency, KindIntegrity, KindVolume}

// KindLabel is the Chinese name of each check kind.
var KindLabel = map[string]string{
	KindCompleteness: "完整性", KindValidity: "有效性", KindUniqueness: "唯一性", KindFreshness: "时效性",
	KindConsistency: "一致性", KindIntegrity: "引用完整性", KindVolume: "数据量",
}

// Statuses of a check result, best first.
const (
	StatusPass = "pass" // 通过
	StatusWarn = "warn" // 警告
	StatusFail = "fail" // 不合格
	StatusSkip = "skip" // 未执行: the input it needs was not given
)

// StatusLabel is the Chinese name of each status.
var StatusLabel = map[string]string{StatusPass: "通过", StatusWarn: "警告", StatusFail: "不合格", StatusSkip: "未执行"}

// Trends of a check against the previous run.
const (
	TrendNew    = "new"    // not in the previous run
	TrendBetter = "better" // a lower failing rate, or a better status
	TrendWorse  = "worse"
	TrendSame   = "same"
)

// TrendLabel is the Chinese name of each trend.
var TrendLabel = map[string]string{TrendNew: "新增", TrendBetter: "好转", TrendWorse: "变差", TrendSame: "持平"}

// Record is one row of a registry as the checks see it, independent of
// storage: the integrator adapts store records to it.
type Record struct {
	// ID identifies the record in the store (never personal data); samples
	// name it.
	ID string
	// Kind is the registry (fieldset.KindPerson, ...).
	Kind string
	// Source is the department file or system the record came from.
	Source string
	// Key is the record's key within its source (fieldset.RecordKey). It
	// may be personal data and is never reported.
	Key string
	// Values are the field values by field name, as stored: normalised
	// when valid, raw when the import flagged them.
	Values map[string]string
	// Flags are the import's flags ("phone: 号码格式不正确"). The checks do
	// not rely on them: they validate the values themselves, so that a
	// value flagged at import and one that was never imported are judged
	// alike.
	Flags []string
	// Community and Grid are the record's areas; empty means
	// Values["community"] and Values["grid"].
	Community, Grid string
	// Status is the record's life-cycle status in the store (active,
	// retired, ...); records whose status is in Options.Retired are not
	// checked.
	Status string
	// Created and Updated are when the record was created and last changed
	// in the store; Seen is when a load last contained it. The data's own
	// age counts from Touched.
	Created, Updated, Seen time.Time
	// Cluster is the record-linkage cluster ("one person") the record is
	// in, when linkage has run; records of different sources with the same
	// cluster are the same real person, house or enterprise.
	Cluster string
}

// community returns the record's community.
func (r *Record) community() string {
	if r.Community != "" {
		return r.Community
	}
	return r.Values["community"]
}

// grid returns the record's grid.
func (r *Record) grid() string {
	if r.Grid != "" {
		return r.Grid
	}
	return r.Values["grid"]
}

// TicketRef is what the referential checks need of a ticket.
type TicketRef struct {
	ID        string
	Community string // community name
	Grid      string // grid name, may be empty
	Unit      string // unit name, may be empty (not yet dispatched)
}

// Area is one grid of the street's area registry and its community, or a
// community without grids (Grid empty), and the unit responsible for the
// community (a unit name, may be empty).
type Area struct {
	Community string
	Grid      string
	Unit      string
}

// Refs are the lists the referential and area checks take: the tickets,
// the areas (grid → community → unit) and the unit names. A nil Areas
// skips the checks that need it.
type Refs struct {
	Tickets []TicketRef
	Areas   []Area
	Units   []string
}

// Sample is one failing row of a check, masked.
type Sample struct {
	// Record is the record's ID (or the ticket's, or the area's name).
	Record string `json:"record"`
	Source string `json:"source,omitempty"`
	// Field is the field the value is of; empty when the check is about the
	// whole row.
	Field string `json:"field,omitempty"`
	// Value is the value as the caller's mask returned it; empty when no
	// mask was given.
	Value string `json:"value,omitempty"`
	// Reason says in Chinese what is wrong, never quoting a value.
	Reason string `json:"reason"`
}

// SourceCount is a check's counts for one source.
type SourceCount struct {
	Source  string  `json:"source"`
	Checked int     `json:"checked"`
	Failing int     `json:"failing"`
	Rate    float64 `json:"rate"`
	Status  string  `json:"status"`
}

// Result is the outcome of one check.
type Result struct {
	// ID is the check's stable identity across runs: record kind, metric
	// and fields ("person:missing_percent(phone)").
	ID string `json:"id"`
	// Name is the check's Chinese description, or the name the check file
	// gives it.
	Name string `json:"name"`
	// Kind is the check kind (KindCompleteness, ...).
	Kind string `json:"kind"`
	// RecordKind is the registry checked ("ticket" or "area" for the
	// referential checks).
	RecordKind string `json:"record_kind"`
	// Metric is the check file's metric ("missing_percent").
	Metric string   `json:"metric"`
	Fields []string `json:"fields,omitempty"`
	// Origin is "fieldset" for a check implied by the field set, else
	// "checks:LINE" for a line of the check file.
	Origin string `json:"origin"`
	// Rule is the check's text in the check-file syntax.
	Rule   string `json:"rule"`
	Status string `json:"status"`
	// Checked is the number of rows the check looked at, Failing those
	// that fail it, Rate = Failing / Checked (0 when nothing was checked).
	Checked int     `json:"checked"`
	Failing int     `json:"failing"`
	Rate    float64 `json:"rate"`
	// Value is the measured metric the thresholds were compared with
	// (a count, a percentage, a percentage change).
	Value float64 `json:"value"`
	// Note says why a check was skipped.
	Note    string        `json:"note,omitempty"`
	Samples []Sample      `json:"samples,omitempty"`
	Sources []SourceCount `json:"sources,omitempty"`
	// Trend compares with the same check of the previous run; PrevRate is
	// its rate then.
	Trend    string   `json:"trend"`
	PrevRate *float64 `json:"prev_rate,omitempty"`
}

// Score is a quality score of a source, an owner or a field.
type Score struct {
	// Name is the source, the owner or the field's name; Kind and Label
	// are the record kind and Chinese label of a field.
	Name  string `json:"name"`
	Kind  string `json:"kind,omitempty"`
	Label string `json:"label,omitempty"`
	Owner string `json:"owner,omitempty"`
	// Rows is the number of records (of a source or owner).
	Rows int `json:"rows,omitempty"`
	// Score is 0–100 (see Run).
	Score float64 `json:"score"`
	// Kinds are the score per check kind.
	Kinds map[string]float64 `json:"kinds,omitempty"`
	// Fails and Warns count the checks failed and warned.
	Fails int `json:"fails"`
	Warns int `json:"warns"`
	// Prev is the score of the previous run, when there was one.
	Prev *float64 `json:"prev,omitempty"`
}

// Run is the outcome of one run of the checks, serialisable as JSON for the
// history.
//
// Scores: a check's pass rate for a population (a source, an owner's
// sources, the rows that have a field) is 1 − failing/checked over that
// population. The score of a check kind is the mean pass rate of its
// checks that checked anything; the score is 100 × the mean over the check
// kinds that have a score, so that twenty validity checks weigh no more
// than one volume check. A field's score is 100 × the mean pass rate of
// the checks naming the field. Skipped checks do not count.
type Run struct {
	At time.Time `json:"at"`
	// Rows counts the records checked per record kind.
	Rows    map[string]int `json:"rows"`
	Results []Result       `json:"results"`
	// Score is the overall score (all records).
	Score   float64 `json:"score"`
	Sources []Score `json:"sources"`
	Owners  []Score `json:"owners"`
	Fields  []Score `json:"fields"`
	// Counts are the records per record kind and source, for the next
	// run's volume check.
	Counts map[string]map[string]int `json:"counts"`
	// Pass, Warn, Fail and Skip count the results by status.
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// AreasOf returns the area registry as the area checks take it: each
// grid with its community, and each community without grids alone.
func AreasOf(a core.Areas) []Area {
	name := map[string]string{}
	for _, c := range a.Communities {
		name[c.Code] = c.Name
	}
	var out []Area
	has := map[string]bool{}
	for _, g := range a.Grids {
		out = append(out, Area{Community: name[g.Community], Grid: g.Name})
		has[g.Community] = true
	}
	for _, c := range a.Communities {
		if !has[c.Code] {
			out = append(out, Area{Community: c.Name})
		}
	}
	return out
}
