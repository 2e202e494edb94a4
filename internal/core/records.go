package core

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
)

// Record statuses.
const (
	RecordActive  = "active"  // 在册
	RecordRetired = "retired" // 已注销: retired by a steward; kept with its history
)

// Record actions: what a RecordChange did.
const (
	RecordActionImport  = "import"  // 导入: created or updated by a source's load
	RecordActionFix     = "fix"     // 更正: a steward corrected fields
	RecordActionRetire  = "retire"  // 注销
	RecordActionRestore = "restore" // 恢复
)

// Record is one row of a base-data registry (人口, 房屋, 企业, 组织) as one
// source (a department's spreadsheet, "民政科") holds it. The same person
// may be a record in several sources; linking them is the linkage's work,
// not the store's.
type Record struct {
	ID int64
	// Kind is a fieldset record kind (person, house, enterprise,
	// organisation).
	Kind string
	// Source names who supplied the record: a department or a named
	// file series ("民政科", "市场监管所").
	Source string
	// Key identifies the record within its kind and source
	// (fieldset.RecordKey of its values); a later load of the source with
	// the same key updates the record.
	Key string
	// Values are the normalised values by field name of the kind's field
	// set. A field without a value is absent.
	Values map[string]string
	// Flags are the fields whose kept value failed validation, with the
	// reason (in Chinese, without the value).
	Flags map[string]string
	// Community and Grid mirror Values["community"] and Values["grid"]; the
	// store sets them, for the list filters and role scoping.
	Community, Grid string
	Status          string // RecordActive or RecordRetired
	// Version counts the changes of the record, 1 when created; a fix
	// names the version it was made on.
	Version int
	// Fixed are the fields a steward corrected, sorted. An import does not
	// overwrite them (see UpsertRecords).
	Fixed []string
	// CreatedAt is when the record was first loaded, UpdatedAt when a
	// value, flag or status last changed, SeenAt when a load last
	// contained it (whether or not it changed it).
	CreatedAt, UpdatedAt, SeenAt time.Time
}

// Name returns the record's display name: the person's, enterprise's or
// organisation's name, or a house's address.
func (r Record) Name() string {
	if v := r.Values["name"]; v != "" {
		return v
	}
	return r.Values["address"]
}

// IsFixed reports whether a steward corrected field.
func (r Record) IsFixed(field string) bool {
	_, ok := slices.BinarySearch(r.Fixed, field)
	return ok
}

// FieldChange is the old and new value of one field; "" is no value.
type FieldChange struct {
	Old, New string
}

// RecordChange is one entry of a record's history.
type RecordChange struct {
	RecordID int64
	// Version is the record's version after the change.
	Version int
	At      time.Time
	Actor   string // user name, or the import's actor ("import:民政科")
	Action  string // a RecordAction constant
	// Changes are the fields that changed; empty when a load created the
	// record (its values are the version-1 values) and for retire and
	// restore.
	Changes map[string]FieldChange
	Note    string
}

// RecordFilter selects records. Zero fields do not filter.
type RecordFilter struct {
	Kind   string
	Source string
	// Communities limits the records to these communities (role scoping);
	// nil means all, an empty non-nil slice none.
	Communities []string
	Community   string
	Grid        string
	Status      string // RecordActive or RecordRetired; "" both
	Key         string // exact key (with Kind and Source, at most one record)
	// Query is a substring of the record's name or address.
	Query string
	// Flagged keeps only records with at least one flag.
	Flagged bool

	Offset int
	Limit  int // 0 means DefaultLimit; capped at MaxLimit
}

// RecordUpsert is one record that a load of a source supplies.
type RecordUpsert struct {
	Kind, Source, Key string
	Values            map[string]string
	Flags             map[string]string
}

// RecordUpsertResult is what UpsertRecords did with one RecordUpsert.
type RecordUpsertResult struct {
	ID      int64
	Outcome UpsertOutcome // Created, Updated or Unchanged
	// FixKept are the fields (sorted) whose loaded value differs from a
	// steward's fix that the load did not overwrite (保留人工更正).
	FixKept []string
	// Retired says the record is retired: the load updated its values but
	// not its status.
	Retired bool
}

// RecordLoad is the summary of one load of a source (一次导入), for the
// volume-change checks and the sources page.
type RecordLoad struct {
	ID     int64
	Kind   string
	Source string
	At     time.Time
	Actor  string
	Files  []string // base names of the loaded files
	// Rows is the number of data rows read; Created + Updated + Unchanged
	// + Rejected = Rows. Duplicates counts the rejected rows that repeat
	// an earlier row's key within the load.
	Rows, Created, Updated, Unchanged, Rejected, Duplicates int
	FixKept                                                 int // records with a kept fix
}

// RecordSource is one source of a kind, as RecordSources reports it.
type RecordSource struct {
	Kind, Source    string
	Active, Retired int // records
	Flagged         int // active records with at least one flag
	// Last and Previous are the latest two loads (Previous.ID is 0 when the
	// source was loaded once, Last.ID 0 when never).
	Last, Previous RecordLoad
}

// RecordFix is a steward's correction of a record.
type RecordFix struct {
	// Values are the corrected fields' new values ("" clears a field).
	Values map[string]string
	// Flags are the flags of the corrected fields after the fix (usually
	// none); the fix replaces their flags by these.
	Flags   map[string]string
	Actor   string
	Note    string
	Version int // the version the fix was made on; another is ECONFLICT
}

// RecordStore keeps the base-data registries.
type RecordStore interface {
	// UpsertRecords stores the records of one batch in one transaction,
	// all or none, at time at by actor, and returns one result per record
	// in order. A record is found by (Kind, Source, Key): a new key is
	// created (version 1); an existing record takes the loaded values and
	// flags (a field absent from Values is cleared), except in its Fixed
	// fields, which keep the steward's value (reported in FixKept when the
	// load's value differs). A record whose values, flags and community
	// are unchanged is Unchanged: only its SeenAt moves. So loading the
	// same rows twice changes nothing. An empty Kind, Source or Key is
	// EINVALID.
	UpsertRecords(ctx context.Context, recs []RecordUpsert, actor string, at time.Time) ([]RecordUpsertResult, error)
	// Record returns the record with id, or ENOTFOUND.
	Record(ctx context.Context, id int64) (Record, error)
	// Records returns one page of the records matching f, by ID (the order
	// they were first loaded in), and the total count of matches.
	Records(ctx context.Context, f RecordFilter) ([]Record, int, error)
	// CountRecords returns the number of records matching f (ignoring
	// paging).
	CountRecords(ctx context.Context, f RecordFilter) (int, error)
	// ScanRecords calls fn for every record matching f (ignoring paging),
	// by ID, reading in pages so that fn may call the store; it stops at
	// fn's first error and returns it.
	ScanRecords(ctx context.Context, f RecordFilter, fn func(Record) error) error
	// RecordHistory returns the history of a record, oldest first, or
	// ENOTFOUND.
	RecordHistory(ctx context.Context, id int64) ([]RecordChange, error)
	// FixRecord applies a steward's fix: the fields of fix.Values take the
	// new values and join Fixed; fields whose value is already the given
	// one are left out of the history. It returns the record after the
	// fix. A version other than the record's is ECONFLICT, an empty fix
	// EINVALID, an unknown id ENOTFOUND.
	FixRecord(ctx context.Context, id int64, fix RecordFix) (Record, error)
	// RetireRecord retires a record (ECONFLICT if version is not its
	// version or it is retired already).
	RetireRecord(ctx context.Context, id int64, actor, note string, version int) (Record, error)
	// RestoreRecord makes a retired record active again (ECONFLICT if
	// version is not its version or it is active).
	RestoreRecord(ctx context.Context, id int64, actor, note string, version int) (Record, error)
	// AddRecordLoad stores the summary of a load and returns its ID.
	AddRecordLoad(ctx context.Context, l RecordLoad) (int64, error)
	// RecordLoads returns the loads of kind and source ("" any), newest
	// first, at most limit (0: DefaultLimit).
	RecordLoads(ctx context.Context, kind, source string, limit int) ([]RecordLoad, error)
	// RecordSources returns the sources of kind ("" any) that have records
	// or loads, by kind and source.
	RecordSources(ctx context.Context, kind string) ([]RecordSource, error)
	// LookupRecords returns the records matching f (ignoring paging) that
	// have at least one of keys among their match keys (linkage.RecordKeys
	// of their values, kept in an index with every write), by ID, at most
	// MaxLookup. No keys find no records.
	LookupRecords(ctx context.Context, f RecordFilter, keys []RecordKey) ([]Record, error)
}

// RecordKey is one match key of a record: a linkage key type (id, phone,
// name, firm, uscc, addr) and its normalised value.
type RecordKey struct {
	Type, Value string
}

// MaxLookup is the most records LookupRecords returns: more sharing one
// key are no evidence of one person or house.
const MaxLookup = MaxLimit

// Limits of records.
const (
	MaxRecordSource = 60   // characters of a source name
	MaxRecordKey    = 400  // characters of a key
	MaxRecordValue  = 4000 // characters of one value
)

// CheckRecordSource returns why source cannot name a record source, or nil.
func CheckRecordSource(source string) error {
	if n := len([]rune(source)); source == "" || n > MaxRecordSource ||
		strings.TrimSpace(source) != source || strings.IndexFunc(source, isControl) >= 0 {
		return InvalidField("source", "来源名称不能为空，不超过 %d 个字，不能以空格开头或结尾", MaxRecordSource)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// CheckRecordUpsert returns why u cannot be stored, or nil.
func CheckRecordUpsert(u RecordUpsert) error {
	if u.Kind == "" {
		return InvalidField("kind", "缺少记录类别")
	}
	if err := CheckRecordSource(u.Source); err != nil {
		return err
	}
	if u.Key == "" || len([]rune(u.Key)) > MaxRecordKey {
		return InvalidField("key", "记录键不能为空，且不超过 %d 个字", MaxRecordKey)
	}
	for f, v := range u.Values {
		if f == "" || len([]rune(v)) > MaxRecordValue {
			return InvalidField("values", "字段值超过 %d 个字", MaxRecordValue)
		}
	}
	return nil
}

// RecordDiff returns the changes from old to new values (both by field);
// a field missing in one is "" there. It is empty when they are equal.
func RecordDiff(old, new map[string]string) map[string]FieldChange {
	out := map[string]FieldChange{}
	for f, v := range old {
		if new[f] != v {
			out[f] = FieldChange{Old: v, New: new[f]}
		}
	}
	for f, v := range new {
		if _, ok := old[f]; !ok && v != "" {
			out[f] = FieldChange{Old: "", New: v}
		}
	}
	return out
}

// MergeRecord returns the values and flags a record takes from a load (see
// UpsertRecords): the loaded ones, except in the fixed fields, which keep
// cur's; and the fixed fields whose loaded value differs (sorted). Empty
// values are dropped. Stores share it so that both merge alike.
func MergeRecord(cur Record, u RecordUpsert) (values, flags map[string]string, fixKept []string) {
	values = map[string]string{}
	flags = map[string]string{}
	for f, v := range u.Values {
		if v != "" && !cur.IsFixed(f) {
			values[f] = v
		}
	}
	for f, why := range u.Flags {
		if !cur.IsFixed(f) {
			flags[f] = why
		}
	}
	for _, f := range cur.Fixed {
		if v := cur.Values[f]; v != "" {
			values[f] = v
		}
		if why, ok := cur.Flags[f]; ok {
			flags[f] = why
		}
		if u.Values[f] != cur.Values[f] {
			fixKept = append(fixKept, f)
		}
	}
	return values, flags, fixKept
}

// SameStrings reports whether two value or flag maps are equal, treating
// nil and empty alike.
func SameStrings(a, b map[string]string) bool {
	return len(a) == len(b) && maps.Equal(a, b)
}
