package casework

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
)

// The base-data registries (人口, 房屋, 企业, 组织) go through the same
// Service as the tickets: who sees which records (scope), what each role
// sees of them (the masking dictionary), who may correct or retire them
// (stewards) and the audit of values revealed are decided here.
//
// Scope. Administrators (数据管理员), street staff and leaders read the whole
// street; community workers the records of their own community; handlers
// (部门承办人) none: a department handles the tickets dispatched to it and
// keeps its own ledgers, and the street's registry of residents is not
// theirs to read (fail closed; a handler who needs a record asks the
// community). Residents read nothing. A record outside the user's scope
// answers exactly as a missing one (ErrNoRecord).
//
// Masking. Each field of a kind's field set is a target "KIND.FIELD" of the
// masking dictionary (person.id_number, house.owner_phone). A street's own
// dictionary may list such rows; a field it does not list is masked by the
// default derived from the field set's sensitivity (public, internal,
// personal, sensitive) and the value's kind (a name, a phone, an ID
// number, an address, a birth date, free text): see RecordPolicyCSV.
// Leaders see the street masked harder than the desk: names, phones and
// addresses masked or generalised, ID numbers masked, the other sensitive
// fields (key-population marks, disability) not at all — they read counts.
//
// Stewards. Administrators and street staff correct (更正), retire (注销)
// and restore (恢复) any record of the street, community workers those of
// their community (but they cannot move a record to another community).
// Every change names the version it was made on, has a note, and is a
// RecordChange of the record's history (actor, time, old and new values).
//
// Audit. Who saw values in clear that the role sees masked (RevealRecord,
// 查看完整信息) and who exported records (ExportRecords) are entries of the
// audit log, as for the tickets: never a value.

// ErrNoRecord answers a record that is missing and one outside the user's
// scope alike.
var ErrNoRecord = core.Errorf(core.ENOTFOUND, "记录不存在，或不在您的工作范围内")

// MaxRecordNote is the longest note of a fix, retirement or restoration, in
// characters.
const MaxRecordNote = 2000

// recordRoles are the roles that read registry records.
var recordRoles = []string{core.RoleAdmin, core.RoleStaff, core.RoleLeader, core.RoleCommunity}

// stewardRoles correct, retire and restore records of their scope.
var stewardRoles = []string{core.RoleAdmin, core.RoleStaff, core.RoleCommunity}

// recordRevealRoles see some fields masked and may reveal them with a
// reason: community workers (an ID number, to check it with the resident),
// leaders (a name or phone, to call).
var recordRevealRoles = []string{core.RoleCommunity, core.RoleLeader}

// RecordScope is the part of the registries a user reads.
type RecordScope struct {
	// Community limits the scope to one community ("" for the street).
	Community string
	// None is the scope of a role that reads no records, or of a community
	// worker whose account names no community.
	None bool
}

// Whole reports whether the scope is the whole street.
func (sc RecordScope) Whole() bool { return !sc.None && sc.Community == "" }

// Sees reports whether record r is in the scope.
func (sc RecordScope) Sees(r core.Record) bool {
	return !sc.None && (sc.Community == "" || r.Community == sc.Community)
}

// Narrow restricts a record filter to the scope; false when the filter asks
// for another community (nothing to list).
func (sc RecordScope) Narrow(f *core.RecordFilter) bool {
	if sc.None {
		return false
	}
	if sc.Community == "" {
		return true
	}
	if f.Community != "" && f.Community != sc.Community {
		return false
	}
	for _, c := range f.Communities {
		if c != sc.Community {
			return false
		}
	}
	f.Communities = []string{sc.Community}
	return true
}

// ReadsRecords reports whether role reads registry records at all.
func ReadsRecords(role string) bool { return slices.Contains(recordRoles, role) }

// IsSteward reports whether role corrects and retires records (in its
// scope).
func IsSteward(role string) bool { return slices.Contains(stewardRoles, role) }

// RecordScope returns the registry scope of u; EFORBIDDEN for a role that
// reads no records.
func (s *Service) RecordScope(ctx context.Context, u core.User) (RecordScope, error) {
	if !ReadsRecords(u.Role) {
		return RecordScope{None: true}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权查看基础数据", roleLabel(u.Role))
	}
	if u.Role != core.RoleCommunity {
		return RecordScope{}, nil
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return RecordScope{None: true}, err
	}
	if sc.None || sc.Community == "" {
		// A community worker's account that names no community of the
		// registry: nothing (fail closed).
		return RecordScope{None: true}, nil
	}
	return RecordScope{Community: sc.Community}, nil
}

func (s *Service) recordStore() (core.RecordStore, error) {
	rs, ok := s.Store.(core.RecordStore)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "当前数据库不支持基础数据")
	}
	return rs, nil
}

// recordSet returns the field set of a record kind, or an EINVALID error.
func recordSet(kind string) (*fieldset.Set, error) {
	if set := recordSets()[kind]; set != nil {
		return set, nil
	}
	return nil, core.InvalidField("kind", "记录类别应为以下之一：%s", kindList())
}

// recordSets are the built-in field sets of the registries, loaded once.
var recordSets = sync.OnceValue(func() map[string]*fieldset.Set {
	m := map[string]*fieldset.Set{}
	for _, k := range fieldset.RecordKinds {
		m[k] = fieldset.Records(k)
	}
	return m
})

func kindList() string {
	labels := make([]string, len(fieldset.RecordKinds))
	for i, k := range fieldset.RecordKinds {
		labels[i] = k + "（" + fieldset.KindLabel[k] + "）"
	}
	return strings.Join(labels, "、")
}

// ListRecords returns the records of f within u's scope, masked for u's
// role, and their total. f.Kind may be empty (every kind).
func (s *Service) ListRecords(ctx context.Context, u core.User, f core.RecordFilter) ([]core.Record, int, error) {
	rs, sc, err := s.recordAccess(ctx, u)
	if err != nil {
		return nil, 0, err
	}
	if f.Kind != "" {
		if _, err := recordSet(f.Kind); err != nil {
			return nil, 0, err
		}
	}
	if !sc.Narrow(&f) {
		return nil, 0, nil
	}
	recs, total, err := rs.Records(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	m := s.recordMasker()
	for i := range recs {
		recs[i] = m.record(u.Role, recs[i])
	}
	return recs, total, nil
}

// CountRecords returns, per kind, the number of records of f (its kind
// ignored) within u's scope: the counts of a list's tabs, and what a leader
// reads. It counts the kinds named (every kind when none).
func (s *Service) CountRecords(ctx context.Context, u core.User, f core.RecordFilter, kinds ...string) (map[string]int, error) {
	rs, sc, err := s.recordAccess(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		kinds = fieldset.RecordKinds
	}
	for _, k := range kinds {
		if _, err := recordSet(k); err != nil {
			return nil, err
		}
	}
	out := make(map[string]int, len(kinds))
	if !sc.Narrow(&f) {
		for _, k := range kinds {
			out[k] = 0
		}
		return out, nil
	}
	for _, k := range kinds {
		f.Kind = k
		n, err := rs.CountRecords(ctx, f)
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, nil
}

// RecordSources returns the sources of kind ("" every kind) that the user
// may filter by: their names and counts of the whole street (a source's
// name and size is not personal data). Only roles that read records.
func (s *Service) RecordSources(ctx context.Context, u core.User, kind string) ([]core.RecordSource, error) {
	rs, _, err := s.recordAccess(ctx, u)
	if err != nil {
		return nil, err
	}
	return rs.RecordSources(ctx, kind)
}

func (s *Service) recordAccess(ctx context.Context, u core.User) (core.RecordStore, RecordScope, error) {
	sc, err := s.RecordScope(ctx, u)
	if err != nil {
		return nil, sc, err
	}
	rs, err := s.recordStore()
	return rs, sc, err
}

// RecordField is one field of a record as a user sees it.
type RecordField struct {
	Name, Label, Type string
	Required          bool
	Sensitivity       string
	// Options are an enum's values.
	Options []string
	// Value is the value as the user's role may see it; Masked says it
	// differs from the stored one.
	Value  string
	Masked bool
	// Flag is why the stored value failed validation ("" when it did not).
	Flag string
	// Fixed says a steward corrected the field.
	Fixed bool
}

// RecordView is a record as a user may see it.
type RecordView struct {
	// Record has its values masked for the role (its Key is empty unless
	// the role sees every part of it in clear).
	Record core.Record
	// Fields are every field of the kind's set, in its order, with the
	// record's value (masked) or none.
	Fields []RecordField
	// History is the record's history, oldest first, masked.
	History []core.RecordChange
	Scope   RecordScope
	// CanFix says the user may correct, retire and restore the record.
	CanFix bool
	// RevealFields are the fields the user sees masked and may ask to see
	// in clear (see RevealRecord).
	RevealFields []string
}

// GetRecord loads record id for u with its history; a record outside u's
// scope is ErrNoRecord.
func (s *Service) GetRecord(ctx context.Context, u core.User, id int64) (RecordView, error) {
	rs, sc, r, err := s.visibleRecord(ctx, u, id)
	if err != nil {
		return RecordView{}, err
	}
	hist, err := rs.RecordHistory(ctx, id)
	if err != nil {
		return RecordView{}, recordErr(err)
	}
	return s.recordView(u, sc, r, hist), nil
}

// RecordHistory returns the history of record id, oldest first, masked for
// u's role; a record outside u's scope is ErrNoRecord.
func (s *Service) RecordHistory(ctx context.Context, u core.User, id int64) ([]core.RecordChange, error) {
	rs, _, r, err := s.visibleRecord(ctx, u, id)
	if err != nil {
		return nil, err
	}
	hist, err := rs.RecordHistory(ctx, id)
	if err != nil {
		return nil, recordErr(err)
	}
	m := s.recordMasker()
	for i := range hist {
		hist[i] = m.change(u.Role, r.Kind, hist[i])
	}
	return hist, nil
}

// visibleRecord reads record id, unmasked, when it is in u's scope: the
// role is checked first, then the record; out of scope is ErrNoRecord.
func (s *Service) visibleRecord(ctx context.Context, u core.User, id int64) (core.RecordStore, RecordScope, core.Record, error) {
	rs, sc, err := s.recordAccess(ctx, u)
	if err != nil {
		return nil, sc, core.Record{}, err
	}
	if id <= 0 {
		return nil, sc, core.Record{}, ErrNoRecord
	}
	r, err := rs.Record(ctx, id)
	if err != nil {
		return nil, sc, core.Record{}, recordErr(err)
	}
	if !sc.Sees(r) {
		return nil, sc, core.Record{}, ErrNoRecord
	}
	if _, err := recordSet(r.Kind); err != nil {
		return nil, sc, core.Record{}, fmt.Errorf("record %d: unknown kind", id)
	}
	return rs, sc, r, nil
}

// recordErr turns the store's not-found into ErrNoRecord.
func recordErr(err error) error {
	if core.ErrorCode(err) == core.ENOTFOUND {
		return ErrNoRecord
	}
	return err
}

func (s *Service) recordView(u core.User, sc RecordScope, r core.Record, hist []core.RecordChange) RecordView {
	m := s.recordMasker()
	set, _ := recordSet(r.Kind)
	v := RecordView{Scope: sc, CanFix: IsSteward(u.Role)}
	for _, f := range set.Fields {
		raw := r.Values[f.Name]
		shown := m.value(u.Role, r.Kind, f.Name, raw)
		rf := RecordField{Name: f.Name, Label: f.Label, Type: f.Type, Required: f.Required, Sensitivity: f.Sensitivity,
			Value: shown, Masked: shown != raw, Flag: r.Flags[f.Name], Fixed: r.IsFixed(f.Name)}
		if f.Type == fieldset.TypeEnum {
			for _, o := range strings.Split(f.Format, "|") {
				if o = strings.TrimSpace(o); o != "" {
					rf.Options = append(rf.Options, o)
				}
			}
		}
		v.Fields = append(v.Fields, rf)
		if rf.Masked && raw != "" && slices.Contains(recordRevealRoles, u.Role) && m.revealable(u.Role, r.Kind, f.Name) {
			v.RevealFields = append(v.RevealFields, f.Name)
		}
	}
	for i := range hist {
		hist[i] = m.change(u.Role, r.Kind, hist[i])
	}
	v.History = hist
	v.Record = m.record(u.Role, r)
	return v
}

// RecordFixRequest is a steward's correction of a record.
type RecordFixRequest struct {
	// Values are the fields to correct and their new values, as typed (""
	// clears a field). Each is checked and normalised by the kind's field
	// set.
	Values map[string]string
	// Note says why (required).
	Note string
	// Version is the version the user saw; another is ECONFLICT.
	Version int
}

// FixRecord corrects fields of record id for u and returns the record
// after the fix, as u sees it. The request is checked before the record is
// read where it can be (the role, the note, a version); a record outside
// u's scope is ErrNoRecord; a version other than the record's is
// ECONFLICT (before the values are checked: they were typed over another
// version); a value the field set refuses is EINVALID naming the field. A value equal to what
// the user sees of a masked field (the form sent back 138****5678) is no
// change.
func (s *Service) FixRecord(ctx context.Context, u core.User, id int64, req RecordFixRequest) (RecordView, error) {
	if !IsSteward(u.Role) {
		return RecordView{}, s.notSteward(ctx, u)
	}
	note, err := CleanNote(req.Note, "更正说明")
	if err != nil {
		return RecordView{}, err
	}
	if req.Version <= 0 {
		return RecordView{}, core.InvalidField("version", "缺少记录版本号（version），请刷新页面后重试")
	}
	rs, sc, r, err := s.visibleRecord(ctx, u, id)
	if err != nil {
		return RecordView{}, err
	}
	if req.Version != r.Version {
		// Checked before the values: they were typed over another version.
		return RecordView{}, s.changeErr(core.Errorf(core.ECONFLICT, "version"))
	}
	if len(req.Values) == 0 {
		return RecordView{}, core.InvalidField("values", "请填写要更正的字段")
	}
	values, flags, err := s.checkFix(ctx, u, r, req.Values)
	if err != nil {
		return RecordView{}, err
	}
	if len(values) == 0 {
		return RecordView{}, core.InvalidField("values", "所填内容与现有记录相同，没有需要更正的字段")
	}
	r, err = rs.FixRecord(ctx, id, core.RecordFix{Values: values, Flags: flags, Actor: u.Username, Note: note, Version: req.Version})
	if err != nil {
		return RecordView{}, s.changeErr(err)
	}
	return s.afterChange(ctx, u, rs, sc, r)
}

// changeErr words a version conflict for the user.
func (s *Service) changeErr(err error) error {
	switch core.ErrorCode(err) {
	case core.ECONFLICT:
		return core.Errorf(core.ECONFLICT, "记录已被他人修改（或状态已变），请刷新页面，查看最新内容后重新操作")
	case core.ENOTFOUND:
		return ErrNoRecord
	}
	return err
}

func (s *Service) afterChange(ctx context.Context, u core.User, rs core.RecordStore, sc RecordScope, r core.Record) (RecordView, error) {
	hist, err := rs.RecordHistory(ctx, r.ID)
	if err != nil {
		return RecordView{}, recordErr(err)
	}
	return s.recordView(u, sc, r, hist), nil
}

// notSteward is the refusal of a role that may not change records: a role
// that reads none is told so.
func (s *Service) notSteward(ctx context.Context, u core.User) error {
	if _, err := s.RecordScope(ctx, u); err != nil {
		return err
	}
	return core.Errorf(core.EFORBIDDEN, "当前账号（%s）只能查看基础数据，不能更正或注销记录", roleLabel(u.Role))
}

// checkFix checks the typed values against r's field set and returns the
// changes (normalised; what equals the stored value, or what the user sees
// of a masked one, left out) and their flags (none: a fix must be valid).
func (s *Service) checkFix(ctx context.Context, u core.User, r core.Record, typed map[string]string) (map[string]string, map[string]string, error) {
	set, _ := recordSet(r.Kind)
	m := s.recordMasker()
	values := map[string]string{}
	names := make([]string, 0, len(typed))
	for name := range typed {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f := set.Field(name)
		if f == nil {
			// A name the client chose: not quoted.
			return nil, nil, core.InvalidField("values", "要更正的字段不在%s字段集中", fieldset.KindLabel[r.Kind])
		}
		v := strings.TrimSpace(typed[name])
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > core.MaxRecordValue {
			return nil, nil, core.InvalidField(name, "「%s」过长或含有无法识别的字符", f.Label)
		}
		old := r.Values[name]
		if v != "" && v != old && v == m.value(u.Role, r.Kind, name, old) {
			continue // the masked value shown, sent back unchanged
		}
		if v == "" {
			if f.Required {
				return nil, nil, core.InvalidField(name, "「%s」为必填项，不能清空", f.Label)
			}
		} else {
			n, err := f.Normalize(v)
			if err != nil {
				return nil, nil, core.InvalidField(name, "「%s」%s", f.Label, err.Error())
			}
			v = n
		}
		if v == old {
			continue
		}
		values[name] = v
	}
	_, newCommunity := values["community"]
	if newCommunity && u.Role == core.RoleCommunity {
		return nil, nil, core.InvalidField("community", "社区工作者不能把记录改到其他社区，请联系街道数据管理员")
	}
	if _, newGrid := values["grid"]; newCommunity || newGrid {
		community, grid := r.Values["community"], r.Values["grid"]
		if c, ok := values["community"]; ok {
			community = c
		}
		if g, ok := values["grid"]; ok {
			grid = g
		}
		if err := s.knownPlace(ctx, community, grid); err != nil {
			return nil, nil, err
		}
	}
	flags := map[string]string{}
	return values, flags, nil
}

// knownPlace refuses a community the area registry does not have, and a
// grid that is not one of the community's (a registry without communities
// or grids knows every name).
func (s *Service) knownPlace(ctx context.Context, community, grid string) error {
	areas, err := s.Store.Areas(ctx)
	if err != nil {
		return err
	}
	code := ""
	if community != "" && len(areas.Communities) > 0 {
		i := slices.IndexFunc(areas.Communities, func(c core.Community) bool { return c.Name == community })
		if i < 0 {
			return core.InvalidField("community", "「社区」应为本街道的社区名称")
		}
		code = areas.Communities[i].Code
	}
	if grid != "" && len(areas.Grids) > 0 {
		if !slices.ContainsFunc(areas.Grids, func(g core.Grid) bool { return g.Name == grid && (code == "" || g.Community == code) }) {
			return core.InvalidField("grid", "「网格」应为%s的网格", cmp.Or(community, "本街道"))
		}
	}
	return nil
}

// RetireRecord retires record id (注销) for u with a note; RestoreRecord
// makes a retired one active again. The rules are FixRecord's: stewards
// only, within their scope, on the version the user saw.
func (s *Service) RetireRecord(ctx context.Context, u core.User, id int64, note string, version int) (RecordView, error) {
	return s.setRecordStatus(ctx, u, id, note, version, true)
}

// RestoreRecord makes retired record id active again (恢复); see
// RetireRecord.
func (s *Service) RestoreRecord(ctx context.Context, u core.User, id int64, note string, version int) (RecordView, error) {
	return s.setRecordStatus(ctx, u, id, note, version, false)
}

func (s *Service) setRecordStatus(ctx context.Context, u core.User, id int64, note string, version int, retire bool) (RecordView, error) {
	if !IsSteward(u.Role) {
		return RecordView{}, s.notSteward(ctx, u)
	}
	what := "恢复原因"
	if retire {
		what = "注销原因"
	}
	note, err := CleanNote(note, what)
	if err != nil {
		return RecordView{}, err
	}
	rs, sc, r, err := s.visibleRecord(ctx, u, id)
	if err != nil {
		return RecordView{}, err
	}
	switch {
	case retire && r.Status == core.RecordRetired:
		return RecordView{}, core.Errorf(core.ECONFLICT, "记录已注销")
	case !retire && r.Status != core.RecordRetired:
		return RecordView{}, core.Errorf(core.ECONFLICT, "记录未注销，无需恢复")
	case version <= 0:
		return RecordView{}, core.InvalidField("version", "缺少记录版本号（version），请刷新页面后重试")
	}
	if retire {
		r, err = rs.RetireRecord(ctx, id, u.Username, note, version)
	} else {
		r, err = rs.RestoreRecord(ctx, id, u.Username, note, version)
	}
	if err != nil {
		return RecordView{}, s.changeErr(err)
	}
	return s.afterChange(ctx, u, rs, sc, r)
}

// CleanNote checks the note of a change to a record (what names it, as
// 更正说明) and returns it trimmed: required, at most MaxRecordNote
// characters, valid text.
func CleanNote(note, what string) (string, error) {
	if !utf8.ValidString(note) {
		return "", core.InvalidField("note", "%s含有无法识别的字符，请重新填写", what)
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return "", core.InvalidField("note", "请填写%s，它将记入记录的修改历史", what)
	}
	if n := utf8.RuneCountInString(note); n > MaxRecordNote {
		return "", core.InvalidField("note", "%s最多 %d 个字，当前 %d 个字", what, MaxRecordNote, n)
	}
	return note, nil
}

// RevealRecord shows u the fields of record id that req asks for in clear
// (查看完整信息) and writes one audit entry per field (who, when, which
// record, which field, why; never the value). Only the roles that see some
// fields masked (community workers, leaders) reveal, and only the fields the
// dictionary masks, generalises or scans for them; a field it suppresses
// stays hidden. req.Fields are field names of the record's kind. When the
// audit log cannot be written nothing is shown.
func (s *Service) RevealRecord(ctx context.Context, u core.User, id int64, req RevealRequest) (map[string]string, error) {
	if !slices.Contains(recordRevealRoles, u.Role) {
		if _, err := s.RecordScope(ctx, u); err != nil {
			return nil, err
		}
		return nil, core.Errorf(core.EFORBIDDEN, "当前账号（%s）看到的基础数据未经隐藏，无需申请查看", roleLabel(u.Role))
	}
	reason, err := CleanReason(req.Reason)
	if err != nil {
		return nil, err
	}
	if len(req.Fields) == 0 {
		return nil, core.InvalidField("fields", "请选择要查看的字段")
	}
	_, _, r, err := s.visibleRecord(ctx, u, id)
	if err != nil {
		return nil, err
	}
	set, _ := recordSet(r.Kind)
	m := s.recordMasker()
	var fields []string
	for _, f := range set.Fields {
		if !slices.Contains(req.Fields, f.Name) {
			continue
		}
		if !m.revealable(u.Role, r.Kind, f.Name) {
			return nil, core.Errorf(core.EFORBIDDEN, "按脱敏字典，当前账号（%s）不能查看「%s」的完整信息", roleLabel(u.Role), f.Label)
		}
		fields = append(fields, f.Name)
	}
	if len(fields) != len(slices.Compact(slices.Sorted(slices.Values(req.Fields)))) {
		return nil, core.InvalidField("fields", "要查看的字段不在%s字段集中", fieldset.KindLabel[r.Kind])
	}
	if s.Audit == nil {
		return nil, core.Errorf(core.EINVALID, "未配置审计日志，不能查看完整信息")
	}
	at := s.Clock.Now().In(s.location())
	masked := deid.MaskSpans(reason)
	for _, f := range fields {
		e := core.AuditEntry{At: at, Actor: u.Username, Role: u.Role, Action: core.AuditReveal, Field: r.Kind + "." + f,
			Reason: masked, Detail: fmt.Sprintf("基础数据记录 %d（%s）", r.ID, fieldset.KindLabel[r.Kind]), Address: req.Address}
		if err := s.Audit.AddAudit(ctx, e); err != nil {
			return nil, fmt.Errorf("audit record reveal: %w", err)
		}
	}
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		out[f] = r.Values[f]
	}
	return out, nil
}

// The masking of records.

// recordDictRoles are the roles of the default record policy: those of the
// default masking dictionary.
var recordDictRoles = []string{core.RoleAdmin, core.RoleLeader, core.RoleStaff, core.RoleCommunity, core.RoleHandler, core.RoleResident, "export", "share", "store"}

// personNameFields are the fields, by kind, that hold a person's name (a
// value of kind name: 张*), beside the field sets' other personal strings.
var personNameFields = map[string][]string{
	fieldset.KindPerson:       {"name"},
	fieldset.KindHouse:        {"owner_name"},
	fieldset.KindEnterprise:   {"legal_person"},
	fieldset.KindOrganisation: {"leader"},
}

// recordValueKind is the dictionary kind of field f of a record kind: what
// mask and generalise do with its values.
func recordValueKind(kind string, f *fieldset.Field) string {
	switch {
	case f.Type == fieldset.TypeIDCard:
		return "idcard"
	case f.Type == fieldset.TypePhone:
		return "phone"
	case f.Type == fieldset.TypeUSCC:
		return "uscc"
	case slices.Contains(personNameFields[kind], f.Name):
		return "name"
	case f.Name == "address" || f.Name == "household_address":
		return "address"
	case f.Name == "birth_date":
		return "birthdate"
	case f.Type == fieldset.TypeDateTime:
		return "datetime"
	case f.Type == fieldset.TypeText:
		return "text"
	}
	return "string"
}

// recordAction is the default action for a value of dictionary kind vk and
// sensitivity sens, for role.
func recordAction(sens, vk, role string) deid.Action {
	switch role {
	case core.RoleAdmin, core.RoleStaff, "store":
		return deid.Keep
	case core.RoleResident:
		return deid.Suppress
	}
	if vk == "text" {
		return deid.Scan // notes: what the recognizers find, by its type
	}
	switch sens {
	case fieldset.SensPublic:
		return deid.Keep
	case fieldset.SensInternal:
		if role == "share" {
			return deid.Suppress
		}
		return deid.Keep
	case fieldset.SensPersonal:
		switch role {
		case core.RoleCommunity:
			return deid.Keep // they collect and keep these for their community
		case "share":
			if vk == "address" {
				return deid.Generalise
			}
			return deid.Suppress
		case "export":
			switch vk {
			case "address", "birthdate", "datetime":
				return deid.Generalise
			case "text":
				return deid.Scan
			}
			return deid.Pseudonymise
		}
		// leaders and handlers
		switch vk {
		case "address", "birthdate", "datetime":
			return deid.Generalise
		}
		return deid.Mask
	case fieldset.SensSensitive:
		switch {
		case vk == "idcard" && role == "export":
			return deid.Pseudonymise
		case vk == "idcard" && (role == core.RoleCommunity || role == core.RoleLeader):
			return deid.Mask
		case role == core.RoleCommunity:
			return deid.Keep // marks and disability: the community serves them
		}
		return deid.Suppress
	}
	return deid.Suppress
}

// RecordPolicyCSV returns the default masking of the registries' fields in
// the masking dictionary's file form: one row "KIND.FIELD" per field of the
// four field sets, derived from its sensitivity and value kind, and the "*"
// and @TYPE rows of d (the default dictionary's when nil): a value of no
// declared field is treated as d treats an unknown column, and free text
// scanned follows d's types. A street's dictionary that lists a KIND.FIELD row
// overrides that field's default.
func RecordPolicyCSV(d *deid.Dictionary) string {
	if d == nil {
		d = defaultDictionary
	}
	var b strings.Builder
	b.WriteString("target,kind," + strings.Join(recordDictRoles, ",") + "\n")
	for _, k := range fieldset.RecordKinds {
		set, _ := recordSet(k)
		for _, f := range set.Fields {
			vk := recordValueKind(k, f)
			b.WriteString(k + "." + f.Name + "," + vk)
			for _, role := range recordDictRoles {
				b.WriteString("," + string(recordAction(f.Sensitivity, vk, role)))
			}
			b.WriteString("\n")
		}
	}
	header, rows := d.Table()
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, row := range rows {
		if !strings.HasPrefix(row[0], "@") && row[0] != "*" {
			continue
		}
		b.WriteString(row[0] + "," + row[1])
		for _, role := range recordDictRoles {
			a := string(deid.Suppress)
			if i, ok := col[role]; ok {
				a = row[i]
			}
			b.WriteString("," + a)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// recordMasker masks record values: by the street's dictionary where it
// lists the field's KIND.FIELD row, else by the default record policy.
type recordMasker struct {
	street   *deid.Dictionary
	listed   map[string]bool // the KIND.FIELD targets the street's dictionary lists
	defaults *deid.Dictionary
}

type recordPolicy struct {
	listed   map[string]bool
	defaults *deid.Dictionary
}

// recordKinds are the dictionary kinds of the default policy's targets.
var recordKinds = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, k := range fieldset.RecordKinds {
		set, _ := recordSet(k)
		for _, f := range set.Fields {
			m[k+"."+f.Name] = recordValueKind(k, f)
		}
	}
	return m
})

// recordPolicies caches, per dictionary, what the record masking derives
// from it.
var recordPolicies sync.Map // *deid.Dictionary → *recordPolicy

func (s *Service) recordMasker() recordMasker { return maskerOf(s.dictionary()) }

// MaskRecord returns r as role may see it by dictionary d (nil: the
// default dictionary), exactly as the pages and the API show it: for
// callers outside a Service, such as the command line's "records list".
func MaskRecord(d *deid.Dictionary, role string, r core.Record) core.Record {
	if d == nil {
		d = defaultDictionary
	}
	return maskerOf(d).record(role, r)
}

func maskerOf(d *deid.Dictionary) recordMasker {
	p, ok := recordPolicies.Load(d)
	if !ok {
		listed := map[string]bool{}
		_, rows := d.Table()
		for _, row := range rows {
			if strings.Contains(row[0], ".") {
				listed[row[0]] = true
			}
		}
		defaults, err := deid.LoadDictionary(strings.NewReader(RecordPolicyCSV(d)))
		if err != nil {
			// Built from the field sets and rows d loaded, so it loads; if
			// it did not, the built-in dictionary's rows (tested) serve.
			defaults, err = deid.LoadDictionary(strings.NewReader(RecordPolicyCSV(defaultDictionary)))
			if err != nil {
				panic("casework: record policy: " + err.Error())
			}
		}
		p, _ = recordPolicies.LoadOrStore(d, &recordPolicy{listed: listed, defaults: defaults.WithKeyOf(d)})
	}
	rp := p.(*recordPolicy)
	return recordMasker{street: d, listed: rp.listed, defaults: rp.defaults}
}

func (m recordMasker) dict(kind, field string) (*deid.Dictionary, string) {
	target := kind + "." + field
	if m.listed[target] {
		return m.street, target
	}
	return m.defaults, target
}

// value returns a value of field of a record of kind as role may see it:
// by the street's row as ticket values are (Text), by the default policy
// as one value (Value: a masked room is 3**), or as text for the text and
// address fields.
func (m recordMasker) value(role, kind, field, v string) string {
	if v == "" {
		return ""
	}
	d, target := m.dict(kind, field)
	if vk, ok := recordKinds()[target]; ok && d == m.defaults && vk != "text" && vk != "address" {
		return d.Value(role, target, v)
	}
	return d.Text(role, target, v)
}

// revealable reports whether role may ask to see field in clear: the
// dictionary shows it part of the value, or a coarser one.
func (m recordMasker) revealable(role, kind, field string) bool {
	d, target := m.dict(kind, field)
	return slices.Contains(revealActions, d.Action(role, target))
}

// record masks every value of r for role, and its key unless the role sees
// every field of the key in clear. Flags (reasons, never values) are kept.
func (m recordMasker) record(role string, r core.Record) core.Record {
	values := make(map[string]string, len(r.Values))
	for f, v := range r.Values {
		if mv := m.value(role, r.Kind, f, v); mv != "" {
			values[f] = mv
		}
	}
	r.Values = values
	for _, key := range fieldset.RecordKeys[r.Kind] {
		for _, f := range key {
			if d, target := m.dict(r.Kind, f); d.Action(role, target) != deid.Keep {
				r.Key = ""
			}
		}
	}
	if m.value(role, r.Kind, "community", r.Community) != r.Community {
		r.Community = m.value(role, r.Kind, "community", r.Community)
	}
	if m.value(role, r.Kind, "grid", r.Grid) != r.Grid {
		r.Grid = m.value(role, r.Kind, "grid", r.Grid)
	}
	return r
}

// change masks the old and new values of c's fields and its note for role;
// an import's actor names its source, which is kept.
func (m recordMasker) change(role, kind string, c core.RecordChange) core.RecordChange {
	changes := make(map[string]core.FieldChange, len(c.Changes))
	for f, fc := range c.Changes {
		changes[f] = core.FieldChange{Old: m.value(role, kind, f, fc.Old), New: m.value(role, kind, f, fc.New)}
	}
	c.Changes = changes
	c.Note = m.value(role, kind, "note", c.Note)
	return c
}

// RecordActionLabels are the Chinese names of the record actions.
var RecordActionLabels = map[string]string{
	core.RecordActionImport: "导入", core.RecordActionFix: "更正", core.RecordActionRetire: "注销", core.RecordActionRestore: "恢复",
}

// RecordStatusLabels are the Chinese names of the record statuses.
var RecordStatusLabels = map[string]string{core.RecordActive: "在册", core.RecordRetired: "已注销"}

// RecordExport is an export of records (导出): what ExportRecords writes.
type RecordExport struct {
	// Filter selects the records (its paging is ignored); its Kind is
	// required, since the columns are the kind's fields.
	Filter core.RecordFilter
	// Format names the file's format for the audit log (xlsx, csv).
	Format string
	// Max bounds the records; more is EINVALID before anything is written.
	// 0 means no bound.
	Max int
	// Address is the client's network address, for the audit log.
	Address string
}

// RecordExportHeader returns the header of an export of kind: 记录编号,
// 数据来源, 状态, then the labels of the kind's fields (which the importer
// reads back), then 数据问题 (the flags).
func RecordExportHeader(kind string) ([]string, error) {
	set, err := recordSet(kind)
	if err != nil {
		return nil, err
	}
	h := []string{"记录编号", "数据来源", "状态"}
	for _, f := range set.Fields {
		h = append(h, f.Label)
	}
	return append(h, "数据问题"), nil
}

// ExportRecords counts the records of x.Filter within u's scope, writes
// an audit entry (the kind, the filter without personal values, the
// format, the count) and calls start with the count, then row with each
// record as a row of RecordExportHeader's columns, masked for u's role as
// the pages show it, by ID. It returns the count. A count above x.Max is
// refused before the audit entry; when the audit log cannot be written
// nothing is written.
func (s *Service) ExportRecords(ctx context.Context, u core.User, x RecordExport, start func(n int) error, row func([]string) error) (int, error) {
	rs, sc, err := s.recordAccess(ctx, u)
	if err != nil {
		return 0, err
	}
	f := x.Filter
	if f.Kind == "" {
		return 0, core.InvalidField("kind", "请选择要导出的记录类别")
	}
	set, err := recordSet(f.Kind)
	if err != nil {
		return 0, err
	}
	f.Offset, f.Limit = 0, 0
	n := 0
	if sc.Narrow(&f) {
		if n, err = rs.CountRecords(ctx, f); err != nil {
			return 0, err
		}
	}
	if x.Max > 0 && n > x.Max {
		return 0, core.Errorf(core.EINVALID, "符合条件的记录有 %d 条，超过单次导出上限 %d 条，请缩小筛选范围（按社区、网格或来源）", n, x.Max)
	}
	if s.Audit == nil {
		return 0, core.Errorf(core.EINVALID, "未配置审计日志，不能导出基础数据")
	}
	e := core.AuditEntry{At: s.Clock.Now(), Actor: u.Username, Role: u.Role, Action: core.AuditExport,
		Detail: describeRecordExport(x, n, u.Role), Address: x.Address}
	if err := s.Audit.AddAudit(ctx, e); err != nil {
		return 0, fmt.Errorf("audit record export: %w", err)
	}
	if err := start(n); err != nil || n == 0 {
		return n, err
	}
	m := s.recordMasker()
	cells := make([]string, 0, len(set.Fields)+4)
	err = rs.ScanRecords(ctx, f, func(r core.Record) error {
		if !sc.Sees(r) {
			return nil // the filter narrows already; this holds it
		}
		mr := m.record(u.Role, r)
		cells = append(cells[:0], fmt.Sprint(r.ID), r.Source, RecordStatusLabels[r.Status])
		for _, fl := range set.Fields {
			cells = append(cells, mr.Values[fl.Name])
		}
		var flags []string
		for _, fl := range set.Fields {
			if why, ok := r.Flags[fl.Name]; ok {
				flags = append(flags, fl.Label+"："+why)
			}
		}
		return row(append(cells, strings.Join(flags, "；")))
	})
	return n, err
}

// describeRecordExport says what an export holds, for the audit log,
// without personal values: a keyword is recorded only as used (it may be a
// name or a phone number).
func describeRecordExport(x RecordExport, n int, role string) string {
	f := x.Filter
	parts := []string{"基础数据 " + fieldset.KindLabel[f.Kind]}
	for _, p := range []struct{ label, v string }{{"来源", f.Source}, {"社区", f.Community}, {"网格", f.Grid}, {"状态", RecordStatusLabels[f.Status]}} {
		if p.v != "" && len(deid.Spans(p.v)) == 0 {
			parts = append(parts, p.label+" "+p.v)
		}
	}
	if f.Query != "" {
		parts = append(parts, "按关键词")
	}
	if f.Flagged {
		parts = append(parts, "只含有数据问题的记录")
	}
	return fmt.Sprintf("%s；格式 %s；按角色 %s 脱敏；%d 条", strings.Join(parts, "，"), x.Format, roleLabel(role), n)
}
