package dbutil

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/linkage"
)

// RecordColumns are the columns of the records table in the order
// RecordArgs and ScanRecord use them.
const RecordColumns = "id, kind, source, key, vals, flags, fixed, community, grid, status, version, created_at, updated_at, seen_at"

// RecordJSON is the JSON text of a value or flag map ("{}" when empty);
// encoding/json sorts the keys, so equal maps give equal text.
func RecordJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// ListJSON is the JSON text of a list of strings ("[]" when empty).
func ListJSON(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// ChangesJSON is the JSON text of a record change's fields.
func ChangesJSON(m map[string]core.FieldChange) string {
	if len(m) == 0 {
		return "{}"
	}
	type fc struct {
		Old string `json:"old"`
		New string `json:"new"`
	}
	out := make(map[string]fc, len(m))
	for k, v := range m {
		out[k] = fc{v.Old, v.New}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// ParseRecordJSON reads the text of RecordJSON; an empty map is nil.
func ParseRecordJSON(s string) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("record json: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// ParseListJSON reads the text of ListJSON; an empty list is nil.
func ParseListJSON(s string) ([]string, error) {
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("list json: %w", err)
	}
	if len(l) == 0 {
		return nil, nil
	}
	return l, nil
}

// ParseChangesJSON reads the text of ChangesJSON; an empty map is nil.
func ParseChangesJSON(s string) (map[string]core.FieldChange, error) {
	var m map[string]struct{ Old, New string }
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("changes json: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]core.FieldChange, len(m))
	for k, v := range m {
		out[k] = core.FieldChange{Old: v.Old, New: v.New}
	}
	return out, nil
}

// RecordMirror returns the columns that mirror a record's values: its name
// (a house's is its address), address, community and grid.
func RecordMirror(r core.Record) (name, address, community, grid string) {
	return r.Name(), r.Values["address"], r.Values["community"], r.Values["grid"]
}

// ApplyUpsert decides what a load's record u does to the stored record cur
// (nil: none with its key) at time at (see core.RecordStore.UpsertRecords):
// the record to store (ID 0 when new), the history entry to append (nil
// when only SeenAt moves) and the result to report (without the ID of a new
// record).
func ApplyUpsert(cur *core.Record, u core.RecordUpsert, actor string, at time.Time) (core.Record, *core.RecordChange, core.RecordUpsertResult) {
	if cur == nil {
		values, flags, _ := core.MergeRecord(core.Record{}, u)
		r := core.Record{Kind: u.Kind, Source: u.Source, Key: u.Key, Values: nilIfNone(values), Flags: nilIfNone(flags),
			Status: core.RecordActive, Version: 1, CreatedAt: at, UpdatedAt: at, SeenAt: at}
		r.Community, r.Grid = r.Values["community"], r.Values["grid"]
		return r, &core.RecordChange{Version: 1, At: at, Actor: actor, Action: core.RecordActionImport},
			core.RecordUpsertResult{Outcome: core.Created}
	}
	values, flags, kept := core.MergeRecord(*cur, u)
	next := *cur
	next.SeenAt = at
	res := core.RecordUpsertResult{ID: cur.ID, Outcome: core.Unchanged, FixKept: kept, Retired: cur.Status == core.RecordRetired}
	if core.SameStrings(values, cur.Values) && core.SameStrings(flags, cur.Flags) {
		return next, nil, res
	}
	res.Outcome = core.Updated
	next.Values, next.Flags = nilIfNone(values), nilIfNone(flags)
	next.Community, next.Grid = next.Values["community"], next.Values["grid"]
	next.Version++
	next.UpdatedAt = at
	ch := &core.RecordChange{RecordID: cur.ID, Version: next.Version, At: at, Actor: actor, Action: core.RecordActionImport,
		Changes: core.RecordDiff(cur.Values, values)}
	if len(ch.Changes) == 0 {
		ch.Note = "校验标记变化"
	}
	return next, ch, res
}

// ApplyFix returns the record after a steward's fix and its history entry,
// or the error of a fix that cannot apply (see core.RecordStore.FixRecord).
func ApplyFix(cur core.Record, fix core.RecordFix, at time.Time) (core.Record, core.RecordChange, error) {
	if len(fix.Values) == 0 {
		return core.Record{}, core.RecordChange{}, core.Errorf(core.EINVALID, "没有要更正的字段")
	}
	if fix.Version != cur.Version {
		return core.Record{}, core.RecordChange{}, core.Errorf(core.ECONFLICT, "记录已被修改（当前第 %d 版），请刷新后重试", cur.Version)
	}
	for f, v := range fix.Values {
		if f == "" || len([]rune(v)) > core.MaxRecordValue {
			return core.Record{}, core.RecordChange{}, core.InvalidField(f, "字段值超过 %d 个字", core.MaxRecordValue)
		}
	}
	next := cur
	next.Values = map[string]string{}
	for f, v := range cur.Values {
		next.Values[f] = v
	}
	next.Flags = map[string]string{}
	for f, why := range cur.Flags {
		if _, fixed := fix.Values[f]; !fixed {
			next.Flags[f] = why
		}
	}
	fixed := slices.Clone(cur.Fixed)
	for f, v := range fix.Values {
		if v == "" {
			delete(next.Values, f)
		} else {
			next.Values[f] = v
		}
		if why, ok := fix.Flags[f]; ok {
			next.Flags[f] = why
		}
		if !slices.Contains(fixed, f) {
			fixed = append(fixed, f)
		}
	}
	slices.Sort(fixed)
	next.Fixed = fixed
	next.Values, next.Flags = nilIfNone(next.Values), nilIfNone(next.Flags)
	next.Community, next.Grid = next.Values["community"], next.Values["grid"]
	next.Version++
	next.UpdatedAt = at
	ch := core.RecordChange{RecordID: cur.ID, Version: next.Version, At: at, Actor: fix.Actor, Action: core.RecordActionFix,
		Changes: core.RecordDiff(cur.Values, next.Values), Note: fix.Note}
	return next, ch, nil
}

// ApplyStatus returns the record after retiring (to = core.RecordRetired)
// or restoring it, and its history entry; ECONFLICT when version is not
// the record's or it has the status already.
func ApplyStatus(cur core.Record, to, actor, note string, version int, at time.Time) (core.Record, core.RecordChange, error) {
	if version != cur.Version {
		return core.Record{}, core.RecordChange{}, core.Errorf(core.ECONFLICT, "记录已被修改（当前第 %d 版），请刷新后重试", cur.Version)
	}
	if cur.Status == to {
		if to == core.RecordRetired {
			return core.Record{}, core.RecordChange{}, core.Errorf(core.ECONFLICT, "记录已注销")
		}
		return core.Record{}, core.RecordChange{}, core.Errorf(core.ECONFLICT, "记录未注销，无需恢复")
	}
	action := core.RecordActionRetire
	if to == core.RecordActive {
		action = core.RecordActionRestore
	}
	next := cur
	next.Status = to
	next.Version++
	next.UpdatedAt = at
	return next, core.RecordChange{RecordID: cur.ID, Version: next.Version, At: at, Actor: actor, Action: action, Note: note}, nil
}

func nilIfNone(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// RecordSQL builds the WHERE clauses of record filters in one dialect.
type RecordSQL struct{ Postgres bool }

// Where returns the conditions of f (without "WHERE", "true" when none)
// and their arguments, placeholders numbered from 1.
func (d RecordSQL) Where(f core.RecordFilter) (string, []any) {
	var conds []string
	var args []any
	ph := func(arg any) string {
		args = append(args, arg)
		if d.Postgres {
			return "$" + strconv.Itoa(len(args))
		}
		return "?"
	}
	for _, c := range []struct{ col, v string }{
		{"kind", f.Kind}, {"source", f.Source}, {"community", f.Community}, {"grid", f.Grid}, {"status", f.Status}, {"key", f.Key},
	} {
		if c.v != "" {
			conds = append(conds, c.col+" = "+ph(c.v))
		}
	}
	switch {
	case f.Communities == nil:
	case len(f.Communities) == 0:
		conds = append(conds, "false")
	case d.Postgres:
		conds = append(conds, "community = ANY("+ph(f.Communities)+")")
	default:
		ps := make([]string, len(f.Communities))
		for i, c := range f.Communities {
			ps[i] = ph(c)
		}
		conds = append(conds, "community IN ("+strings.Join(ps, ", ")+")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// The grams narrow the records to those that can contain q (an
		// index read); the substring test below decides.
		if utf8.ValidString(q) {
			switch grams, from, to := linkage.QueryGrams(q); {
			case len(grams) > 0:
				sel := make([]string, len(grams))
				for i, g := range grams {
					sel[i] = "SELECT record_id FROM record_grams WHERE gram = " + ph(g)
				}
				conds = append(conds, "id IN ("+strings.Join(sel, " INTERSECT ")+")")
			case to != "":
				conds = append(conds, "id IN (SELECT record_id FROM record_grams WHERE gram >= "+ph(from)+" AND gram < "+ph(to)+")")
			default:
				conds = append(conds, "id IN (SELECT record_id FROM record_grams WHERE gram >= "+ph(from)+")")
			}
		}
		if d.Postgres {
			p := ph(q)
			conds = append(conds, "(strpos(name, "+p+") > 0 OR strpos(address, "+p+") > 0)")
		} else {
			p1, p2 := ph(q), ph(q)
			conds = append(conds, "(instr(name, "+p1+") > 0 OR instr(address, "+p2+") > 0)")
		}
	}
	if f.Flagged {
		if d.Postgres {
			conds = append(conds, "flagged")
		} else {
			conds = append(conds, "flagged <> 0")
		}
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), args
}

// RecordLimit returns f's page size and offset.
func RecordLimit(f core.RecordFilter) (limit, offset int) {
	limit = f.Limit
	if limit <= 0 {
		limit = core.DefaultLimit
	}
	return min(limit, core.MaxLimit), max(f.Offset, 0)
}

// SortSources returns the sources by kind (in fieldset order is the
// caller's business: here by name) and source.
func SortSources(ss []*core.RecordSource) []core.RecordSource {
	out := make([]core.RecordSource, len(ss))
	for i, s := range ss {
		out[i] = *s
	}
	slices.SortFunc(out, func(a, b core.RecordSource) int {
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Source, b.Source)
	})
	return out
}
