package casework

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
)

// validID returns a valid resident ID number of the first 17 characters.
func validID(first17 string) string {
	return first17 + string(fieldset.IDCheckChar(first17))
}

// The registry of the tests: P1 a person of 望春园社区 (an elderly man
// living alone), P2 one of 柳荫里社区, H1 a house of 望春园社区, E1 an
// enterprise of 柳荫里社区.
var (
	p1ID = validID("11010519400101123")
	p2ID = validID("11010519850202234")
)

func recordService(t *testing.T) (*Service, map[string]int64) {
	t.Helper()
	s, _, _ := newService(t)
	s.Audit = s.Store.(core.AuditStore)
	rs := s.Store.(core.RecordStore)
	withGrids := areas
	withGrids.Grids = []core.Grid{{Code: "G11", Name: "望春园第一网格", Community: "QHW01"}, {Code: "G12", Name: "望春园第二网格", Community: "QHW01"},
		{Code: "G21", Name: "柳荫里第一网格", Community: "QHW02"}}
	if err := s.Store.(core.AreaStore).ReplaceAreas(context.Background(), withGrids); err != nil {
		t.Fatal(err)
	}
	ups := []core.RecordUpsert{
		{Kind: fieldset.KindPerson, Source: "民政科", Key: p1ID, Values: map[string]string{
			"name": "张三丰", "id_number": p1ID, "phone": "13812345678", "gender": "男", "birth_date": "1940-01-01",
			"address": "海川区望春园一区5号楼2单元301", "estate": "望春园一区", "building": "5", "room": "301",
			"community": "望春园社区", "grid": "望春园第一网格", "marks": "独居老人、高龄老人", "living_alone": "是",
			"note": "儿子电话13912345678"}},
		{Kind: fieldset.KindPerson, Source: "民政科", Key: p2ID, Values: map[string]string{
			"name": "王五", "id_number": p2ID, "phone": "13900001111", "community": "柳荫里社区"},
			Flags: map[string]string{"phone": "号码格式不正确"}},
		{Kind: fieldset.KindHouse, Source: "住建科", Key: "望春园社区|望春园一区|5|2|301", Values: map[string]string{
			"address": "海川区望春园一区5号楼2单元301", "owner_name": "张三丰", "owner_phone": "13812345678",
			"community": "望春园社区", "use": "住宅"}},
		{Kind: fieldset.KindEnterprise, Source: "市场监管所", Key: "海川热力公司", Values: map[string]string{
			"name": "海川热力公司", "legal_person": "李四", "community": "柳荫里社区", "status": "在营"}},
	}
	res, err := rs.UpsertRecords(context.Background(), ups, "import:民政科", now)
	if err != nil {
		t.Fatal(err)
	}
	return s, map[string]int64{"P1": res[0].ID, "P2": res[1].ID, "H1": res[2].ID, "E1": res[3].ID, "missing": res[3].ID + 100}
}

// TestRecordScope: who reads which records, by ListRecords, CountRecords
// and GetRecord alike; out of scope answers as missing.
func TestRecordScope(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	users := map[string]core.User{
		"admin": users["admin"], "staff": users["staff"], "leader": users["leader"], "cw01": users["cw01"], "cw02": users["cw02"],
		"hd01": users["hd01"], "resident": users["resident"],
		"cwNone":   {Username: "cwNone", Role: core.RoleCommunity},
		"cwGone":   {Username: "cwGone", Role: core.RoleCommunity, Unit: "X99"},
		"stranger": {Username: "stranger", Role: "visitor"},
	}
	for _, tc := range []struct {
		user      string
		sees      []string // of P1, P2, H1, E1
		forbidden bool
	}{
		{"admin", []string{"P1", "P2", "H1", "E1"}, false},
		{"staff", []string{"P1", "P2", "H1", "E1"}, false},
		{"leader", []string{"P1", "P2", "H1", "E1"}, false},
		{"cw01", []string{"P1", "H1"}, false},
		{"cw02", []string{"P2", "E1"}, false},
		{"cwNone", nil, false}, // no community: nothing, fail closed
		{"cwGone", nil, false}, // a unit the registry does not have
		{"hd01", nil, true},
		{"resident", nil, true},
		{"stranger", nil, true},
	} {
		t.Run(tc.user, func(t *testing.T) {
			u := users[tc.user]
			var listed []string
			for _, kind := range fieldset.RecordKinds {
				recs, total, err := s.ListRecords(ctx, u, core.RecordFilter{Kind: kind})
				if tc.forbidden {
					if core.ErrorCode(err) != core.EFORBIDDEN {
						t.Fatalf("ListRecords: %v, want EFORBIDDEN", err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if total != len(recs) {
					t.Errorf("%s: total %d, %d listed", kind, total, len(recs))
				}
				for _, r := range recs {
					for name, id := range ids {
						if id == r.ID {
							listed = append(listed, name)
						}
					}
				}
			}
			slices.Sort(listed)
			if want := slices.Sorted(slices.Values(tc.sees)); !slices.Equal(listed, want) {
				t.Errorf("listed %v, want %v", listed, want)
			}
			counts, err := s.CountRecords(ctx, u, core.RecordFilter{})
			if tc.forbidden != (core.ErrorCode(err) == core.EFORBIDDEN) || !tc.forbidden && err != nil {
				t.Fatalf("CountRecords: %v", err)
			}
			if n := counts[fieldset.KindPerson] + counts[fieldset.KindHouse] + counts[fieldset.KindEnterprise] + counts[fieldset.KindOrganisation]; n != len(tc.sees) {
				t.Errorf("counts %v, want %d in all", counts, len(tc.sees))
			}
			_, missing := s.GetRecord(ctx, u, ids["missing"])
			for _, name := range []string{"P1", "P2", "H1", "E1"} {
				v, err := s.GetRecord(ctx, u, ids[name])
				_, herr := s.RecordHistory(ctx, u, ids[name])
				switch {
				case tc.forbidden:
					if core.ErrorCode(err) != core.EFORBIDDEN || core.ErrorCode(herr) != core.EFORBIDDEN {
						t.Errorf("%s: %v, %v; want EFORBIDDEN", name, err, herr)
					}
				case slices.Contains(tc.sees, name):
					if err != nil || herr != nil || v.Record.ID != ids[name] {
						t.Errorf("%s in scope: %v, %v", name, err, herr)
					}
				default:
					if err == nil || err.Error() != missing.Error() || core.ErrorMessage(err) != core.ErrorMessage(ErrNoRecord) {
						t.Errorf("%s out of scope: %v; missing: %v", name, err, missing)
					}
				}
			}
		})
	}
	// A filter for another community lists nothing for a community worker.
	recs, total, err := s.ListRecords(ctx, users["cw01"], core.RecordFilter{Kind: fieldset.KindPerson, Community: "柳荫里社区"})
	if err != nil || total != 0 || len(recs) != 0 {
		t.Errorf("cw01 asking for 柳荫里社区: %d records, %v", total, err)
	}
	if _, _, err := s.ListRecords(ctx, users["admin"], core.RecordFilter{Kind: "car"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("unknown kind: %v, want EINVALID", err)
	}
}

// TestRecordMasking: what each role sees of P1, by the default record
// policy (the field set's sensitivity), in a list and in the detail.
func TestRecordMasking(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	for _, tc := range []struct {
		user string
		want map[string]string // field → value shown ("" absent)
		key  bool              // the record's key is shown
	}{
		{"admin", map[string]string{"name": "张三丰", "id_number": p1ID, "phone": "13812345678", "birth_date": "1940-01-01",
			"marks": "独居老人、高龄老人", "address": "海川区望春园一区5号楼2单元301", "community": "望春园社区", "note": "儿子电话13912345678"}, true},
		{"staff", map[string]string{"name": "张三丰", "id_number": p1ID, "marks": "独居老人、高龄老人"}, true},
		// Community workers keep their residents' contacts and marks; the
		// ID number is masked (revealed with a reason).
		{"cw01", map[string]string{"name": "张三丰", "id_number": deid.MaskID(p1ID), "phone": "13812345678",
			"marks": "独居老人、高龄老人", "living_alone": "是", "birth_date": "1940-01-01", "note": "儿子电话139****5678"}, false},
		// Leaders: masked harder; sensitive fields other than the ID
		// number not at all.
		{"leader", map[string]string{"name": "张**", "id_number": deid.MaskID(p1ID), "phone": "138****5678", "birth_date": "1940",
			"marks": "", "living_alone": "", "gender": "*", "community": "望春园社区", "address": "海川区望春园一区", "note": "儿子电话139****5678"}, false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			u := users[tc.user]
			v, err := s.GetRecord(ctx, u, ids["P1"])
			if err != nil {
				t.Fatal(err)
			}
			recs, _, err := s.ListRecords(ctx, u, core.RecordFilter{Kind: fieldset.KindPerson, Query: "张三丰"})
			if err != nil || len(recs) != 1 {
				t.Fatalf("list: %d, %v", len(recs), err)
			}
			for field, want := range tc.want {
				if got := v.Record.Values[field]; got != want {
					t.Errorf("detail %s = %q, want %q", field, got, want)
				}
				if got := recs[0].Values[field]; got != want {
					t.Errorf("list %s = %q, want %q", field, got, want)
				}
				i := slices.IndexFunc(v.Fields, func(f RecordField) bool { return f.Name == field })
				if i < 0 || v.Fields[i].Value != want {
					t.Errorf("field %s of the detail: %+v", field, v.Fields)
				}
			}
			if (v.Record.Key != "") != tc.key || (recs[0].Key != "") != tc.key {
				t.Errorf("key shown %q, want shown %v", v.Record.Key, tc.key)
			}
		})
	}
}

// TestRecordPolicy: the default policy has a row per field of every kind
// and loads as a dictionary; a street's KIND.FIELD row overrides it.
func TestRecordPolicy(t *testing.T) {
	d, err := deid.LoadDictionary(strings.NewReader(RecordPolicyCSV(nil)))
	if err != nil {
		t.Fatal(err)
	}
	_, rows := d.Table()
	for _, k := range fieldset.RecordKinds {
		for _, f := range fieldset.Records(k).Fields {
			if !slices.ContainsFunc(rows, func(r []string) bool { return r[0] == k+"."+f.Name }) {
				t.Errorf("no row for %s.%s", k, f.Name)
			}
		}
	}
	for _, tc := range []struct {
		target, role string
		want         deid.Action
	}{
		{"person.id_number", core.RoleAdmin, deid.Keep},
		{"person.id_number", core.RoleCommunity, deid.Mask},
		{"person.id_number", core.RoleLeader, deid.Mask},
		{"person.id_number", core.RoleResident, deid.Suppress},
		{"person.id_number", "export", deid.Pseudonymise},
		{"person.marks", core.RoleLeader, deid.Suppress},
		{"person.marks", core.RoleCommunity, deid.Keep},
		{"person.address", core.RoleLeader, deid.Generalise},
		{"person.community", core.RoleLeader, deid.Keep},
		{"house.owner_name", core.RoleLeader, deid.Mask},
		{"enterprise.name", core.RoleLeader, deid.Keep},
		{"enterprise.legal_person", core.RoleHandler, deid.Mask},
		{"person.note", core.RoleCommunity, deid.Scan},
		{"person.phone", "visitor", deid.Suppress},    // a role without a column: fail closed
		{"person.salary", core.RoleLeader, deid.Scan}, // no such field: as an unknown column
		{"person.salary", core.RoleResident, deid.Scan},
	} {
		if got := d.Action(tc.role, tc.target); got != tc.want {
			t.Errorf("%s for %s: %s, want %s", tc.target, tc.role, got, tc.want)
		}
	}

	// A street's dictionary that suppresses the phone for community
	// workers wins over the default.
	csv := string(deid.DefaultDictionaryCSV()) + "person.phone,phone,keep,mask,keep,suppress,mask,suppress,pseudonymise,suppress,keep\n"
	street, err := deid.LoadDictionary(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	s, ids := recordService(t)
	s.Dictionary = street
	v, err := s.GetRecord(context.Background(), users["cw01"], ids["P1"])
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Record.Values["phone"]; got != "" {
		t.Errorf("phone with the street's row: %q, want none", got)
	}
	if got := v.Record.Values["name"]; got != "张三丰" {
		t.Errorf("name (default row): %q", got)
	}
	// MaskRecord, for callers outside a Service, masks as the service does.
	raw, err := s.Store.(core.RecordStore).Record(context.Background(), ids["P1"])
	if err != nil {
		t.Fatal(err)
	}
	if m := MaskRecord(street, core.RoleCommunity, raw); m.Values["phone"] != "" || m.Values["id_number"] != deid.MaskID(p1ID) || raw.Values["phone"] == "" {
		t.Errorf("MaskRecord: %v (raw phone %q)", m.Values, raw.Values["phone"])
	}
	if m := MaskRecord(nil, core.RoleLeader, raw); m.Values["name"] != "张**" || m.Values["marks"] != "" {
		t.Errorf("MaskRecord with the default dictionary: %v", m.Values)
	}
}

// TestFixRecord: who may correct what, and what is refused, with its field.
func TestFixRecord(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		user   string
		record string
		values map[string]string
		note   string
		stale  bool // the version is an old one
		code   string
		field  string
		want   map[string]string // stored values after the fix
	}{
		{name: "staff fixes the phone", user: "staff", record: "P1", values: map[string]string{"phone": "139 0000 2222"}, note: "本人来电更正",
			want: map[string]string{"phone": "13900002222"}},
		{name: "admin clears the grid", user: "admin", record: "P1", values: map[string]string{"grid": ""}, note: "网格调整",
			want: map[string]string{"grid": ""}},
		{name: "community worker of the record", user: "cw02", record: "P2", values: map[string]string{"phone": "13900001112"}, note: "入户核实",
			want: map[string]string{"phone": "13900001112"}},
		{name: "community worker fixes an ID check digit", user: "cw01", record: "P1", values: map[string]string{"id_number": validID("11010519400101124")}, note: "核对户口簿",
			want: map[string]string{"id_number": validID("11010519400101124")}},
		{name: "the masked ID sent back is no change", user: "cw01", record: "P1", values: map[string]string{"id_number": deid.MaskID(p1ID)}, note: "未改",
			code: core.EINVALID, field: "values"},
		{name: "the same value is no change", user: "staff", record: "P1", values: map[string]string{"phone": "13812345678"}, note: "未改",
			code: core.EINVALID, field: "values"},
		{name: "community worker of another community", user: "cw01", record: "P2", values: map[string]string{"phone": "13900001112"}, note: "x",
			code: core.ENOTFOUND},
		{name: "community worker moves a record", user: "cw01", record: "P1", values: map[string]string{"community": "柳荫里社区"}, note: "搬家",
			code: core.EINVALID, field: "community"},
		{name: "staff moves a record", user: "staff", record: "P1", values: map[string]string{"community": "柳荫里社区", "grid": "柳荫里第一网格"}, note: "搬家",
			want: map[string]string{"community": "柳荫里社区", "grid": "柳荫里第一网格"}},
		{name: "staff moves a record, not its grid", user: "staff", record: "P1", values: map[string]string{"community": "柳荫里社区"}, note: "搬家",
			code: core.EINVALID, field: "grid"},
		{name: "grid of another community", user: "cw01", record: "P1", values: map[string]string{"grid": "柳荫里第一网格"}, note: "x",
			code: core.EINVALID, field: "grid"},
		{name: "grid of the community", user: "cw01", record: "P1", values: map[string]string{"grid": "望春园第二网格"}, note: "网格调整",
			want: map[string]string{"grid": "望春园第二网格"}},
		{name: "a date in another form", user: "staff", record: "P1", values: map[string]string{"birth_date": "1940年1月2日"}, note: "核对户口簿",
			want: map[string]string{"birth_date": "1940-01-02"}},
		{name: "an impossible date", user: "staff", record: "P1", values: map[string]string{"birth_date": "1940-02-30"}, note: "x",
			code: core.EINVALID, field: "birth_date"},
		{name: "unknown community", user: "staff", record: "P1", values: map[string]string{"community": "火星社区"}, note: "x",
			code: core.EINVALID, field: "community"},
		{name: "leader", user: "leader", record: "P1", values: map[string]string{"phone": "13900002222"}, note: "x", code: core.EFORBIDDEN},
		{name: "handler", user: "hd01", record: "P1", values: map[string]string{"phone": "13900002222"}, note: "x", code: core.EFORBIDDEN},
		{name: "resident", user: "resident", record: "P1", values: map[string]string{"phone": "13900002222"}, note: "x", code: core.EFORBIDDEN},
		{name: "invalid phone", user: "staff", record: "P1", values: map[string]string{"phone": "12345"}, note: "x", code: core.EINVALID, field: "phone"},
		{name: "invalid ID", user: "staff", record: "P1", values: map[string]string{"id_number": "110105194001011230"}, note: "x", code: core.EINVALID, field: "id_number"},
		{name: "value outside the enum", user: "staff", record: "P1", values: map[string]string{"gender": "未知"}, note: "x", code: core.EINVALID, field: "gender"},
		{name: "required field cleared", user: "staff", record: "P1", values: map[string]string{"name": ""}, note: "x", code: core.EINVALID, field: "name"},
		{name: "unknown field", user: "staff", record: "P1", values: map[string]string{"salary": "1"}, note: "x", code: core.EINVALID, field: "values"},
		{name: "no note", user: "staff", record: "P1", values: map[string]string{"phone": "13900002222"}, note: "  ", code: core.EINVALID, field: "note"},
		{name: "no values", user: "staff", record: "P1", note: "x", code: core.EINVALID, field: "values"},
		{name: "stale version", user: "staff", record: "P1", values: map[string]string{"phone": "13900002222"}, note: "x", stale: true, code: core.ECONFLICT},
		{name: "missing record", user: "staff", record: "missing", values: map[string]string{"phone": "13900002222"}, note: "x", code: core.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ids := recordService(t)
			rs := s.Store.(core.RecordStore)
			version := 1
			if tc.stale {
				// Someone else fixed it first.
				if _, err := s.FixRecord(ctx, users["admin"], ids[tc.record], RecordFixRequest{Values: map[string]string{"room": "302"}, Note: "先改", Version: 1}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := s.FixRecord(ctx, users[tc.user], ids[tc.record], RecordFixRequest{Values: tc.values, Note: tc.note, Version: version})
			if tc.code != "" {
				if core.ErrorCode(err) != tc.code || fieldOf(err) != tc.field {
					t.Fatalf("%v (field %q), want %s (field %q)", err, fieldOf(err), tc.code, tc.field)
				}
				if tc.code == core.ENOTFOUND && err.Error() != ErrNoRecord.Error() {
					t.Errorf("not found as %v, want ErrNoRecord", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Record.Version != 2 {
				t.Errorf("version %d, want 2", v.Record.Version)
			}
			stored, err := rs.Record(ctx, ids[tc.record])
			if err != nil {
				t.Fatal(err)
			}
			for f, want := range tc.want {
				if stored.Values[f] != want || !stored.IsFixed(f) {
					t.Errorf("stored %s = %q (fixed %v), want %q", f, stored.Values[f], stored.IsFixed(f), want)
				}
				if _, flagged := stored.Flags[f]; flagged {
					t.Errorf("%s still flagged after the fix", f)
				}
			}
			last := v.History[len(v.History)-1]
			if last.Action != core.RecordActionFix || last.Actor != users[tc.user].Username || last.Note != tc.note || last.Version != 2 || len(last.Changes) != len(tc.want) {
				t.Errorf("history entry %+v", last)
			}
		})
	}
}

// TestFixKeptByImport: a re-import does not undo a steward's fix; it says
// so, and the history shows the fix with old and new values, masked for
// the reader.
func TestFixKeptByImport(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	if _, err := s.FixRecord(ctx, users["staff"], ids["P1"], RecordFixRequest{Values: map[string]string{"phone": "13900002222"}, Note: "本人来电", Version: 1}); err != nil {
		t.Fatal(err)
	}
	rs := s.Store.(core.RecordStore)
	res, err := rs.UpsertRecords(ctx, []core.RecordUpsert{{Kind: fieldset.KindPerson, Source: "民政科", Key: p1ID, Values: map[string]string{
		"name": "张三丰", "id_number": p1ID, "phone": "13812345678", "community": "望春园社区"}}}, "import:民政科", now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res[0].FixKept, []string{"phone"}) {
		t.Errorf("FixKept %v, want [phone]", res[0].FixKept)
	}
	v, err := s.GetRecord(ctx, users["admin"], ids["P1"])
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Record.Values["phone"]; got != "13900002222" {
		t.Errorf("phone after the re-import: %q", got)
	}
	hist, err := s.RecordHistory(ctx, users["leader"], ids["P1"])
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(hist, func(c core.RecordChange) bool { return c.Action == core.RecordActionFix })
	if i < 0 {
		t.Fatalf("no fix in %+v", hist)
	}
	if c := hist[i].Changes["phone"]; c.Old != "138****5678" || c.New != "139****2222" {
		t.Errorf("leader's history of the phone: %+v", c)
	}
}

// TestRetireRestore: stewards retire and restore with a reason, each a
// history entry; the state must be the one the user saw.
func TestRetireRestore(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	cw := users["cw01"]
	if _, err := s.RetireRecord(ctx, cw, ids["P1"], "", 1); core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "note" {
		t.Errorf("retire without a note: %v", err)
	}
	if _, err := s.RetireRecord(ctx, cw, ids["P2"], "已迁出", 1); err == nil || err.Error() != ErrNoRecord.Error() {
		t.Errorf("retire out of scope: %v", err)
	}
	if _, err := s.RetireRecord(ctx, users["leader"], ids["P1"], "已迁出", 1); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("leader retires: %v", err)
	}
	v, err := s.RetireRecord(ctx, cw, ids["P1"], "已迁出", 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.Record.Status != core.RecordRetired || v.Record.Version != 2 {
		t.Errorf("after retire: %s v%d", v.Record.Status, v.Record.Version)
	}
	if _, err := s.RetireRecord(ctx, cw, ids["P1"], "又迁出", 2); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("retire twice: %v", err)
	}
	if _, err := s.RestoreRecord(ctx, cw, ids["P1"], "迁回", 1); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("restore on a stale version: %v", err)
	}
	v, err = s.RestoreRecord(ctx, users["staff"], ids["P1"], "迁回", 2)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, c := range v.History {
		actions = append(actions, c.Action)
	}
	if want := []string{core.RecordActionImport, core.RecordActionRetire, core.RecordActionRestore}; !slices.Equal(actions, want) {
		t.Errorf("history %v, want %v", actions, want)
	}
	if v.Record.Status != core.RecordActive {
		t.Errorf("after restore: %s", v.Record.Status)
	}
}

// TestRevealRecord: community workers and leaders reveal the fields they
// see masked, with a reason, each field an audit entry without the value;
// a field suppressed for the role, a role that sees everything and a
// record out of scope are refused.
func TestRevealRecord(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	v, err := s.GetRecord(ctx, users["cw01"], ids["P1"])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.RevealFields, []string{"id_number", "note"}) {
		t.Errorf("cw01 may reveal %v", v.RevealFields)
	}
	got, err := s.RevealRecord(ctx, users["cw01"], ids["P1"], RevealRequest{Fields: []string{"id_number"}, Reason: "入户核对身份证号", Address: "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got["id_number"] != p1ID || len(got) != 1 {
		t.Errorf("revealed %v", got)
	}
	entries, _, err := s.Audit.Audit(ctx, core.AuditFilter{Action: core.AuditReveal})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %d entries, %v", len(entries), err)
	}
	if e := entries[0]; e.Actor != "cw01" || e.Field != "person.id_number" || e.Reason != "入户核对身份证号" || strings.Contains(e.Detail+e.Reason, p1ID) {
		t.Errorf("audit entry %+v", e)
	}
	for _, tc := range []struct {
		name, user, record string
		fields             []string
		reason             string
		code               string
	}{
		{"suppressed for leaders", "leader", "P1", []string{"marks"}, "走访", core.EFORBIDDEN},
		{"leader reveals the phone", "leader", "P1", []string{"phone"}, "督办回访", ""},
		{"staff sees everything", "staff", "P1", []string{"phone"}, "x", core.EFORBIDDEN},
		{"handler", "hd01", "P1", []string{"phone"}, "x", core.EFORBIDDEN},
		{"out of scope", "cw01", "P2", []string{"id_number"}, "x", core.ENOTFOUND},
		{"no reason", "cw01", "P1", []string{"id_number"}, " ", core.EINVALID},
		{"unknown field", "cw01", "P1", []string{"id_number", "salary"}, "x", core.EINVALID},
		{"no field", "cw01", "P1", nil, "x", core.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.RevealRecord(ctx, users[tc.user], ids[tc.record], RevealRequest{Fields: tc.fields, Reason: tc.reason})
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("%v, want %q", err, tc.code)
			}
			if tc.code != "" && got != nil {
				t.Errorf("refused, yet shows %v", got)
			}
		})
	}
}

// TestExportRecords: an export holds the user's scope masked for the
// role, as the pages show it; it is one audit entry without personal
// values; over the bound nothing is written.
func TestExportRecords(t *testing.T) {
	s, _ := recordService(t)
	ctx := context.Background()
	header, err := RecordExportHeader(fieldset.KindPerson)
	if err != nil || header[0] != "记录编号" || header[3] != "姓名" || header[len(header)-1] != "数据问题" {
		t.Fatalf("header %v, %v", header, err)
	}
	idCol := slices.Index(header, "身份证号")
	for _, tc := range []struct {
		name   string
		user   string
		filter core.RecordFilter
		max    int
		rows   []string // the names exported
		ids    []string // the ID numbers as exported
		code   string
	}{
		{name: "staff", user: "staff", filter: core.RecordFilter{Kind: fieldset.KindPerson}, rows: []string{"张三丰", "王五"}, ids: []string{p1ID, p2ID}},
		{name: "community worker", user: "cw01", filter: core.RecordFilter{Kind: fieldset.KindPerson}, rows: []string{"张三丰"}, ids: []string{deid.MaskID(p1ID)}},
		{name: "community worker asks for another community", user: "cw01", filter: core.RecordFilter{Kind: fieldset.KindPerson, Community: "柳荫里社区"}},
		{name: "leader", user: "leader", filter: core.RecordFilter{Kind: fieldset.KindPerson, Query: "张三丰"}, rows: []string{"张**"}, ids: []string{deid.MaskID(p1ID)}},
		{name: "over the bound", user: "staff", filter: core.RecordFilter{Kind: fieldset.KindPerson}, max: 1, code: core.EINVALID},
		{name: "no kind", user: "staff", code: core.EINVALID},
		{name: "handler", user: "hd01", filter: core.RecordFilter{Kind: fieldset.KindPerson}, code: core.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, before, err := s.Audit.Audit(ctx, core.AuditFilter{Action: core.AuditExport})
			if err != nil {
				t.Fatal(err)
			}
			var names, ids []string
			counted := -1
			n, err := s.ExportRecords(ctx, users[tc.user], RecordExport{Filter: tc.filter, Format: "csv", Max: tc.max},
				func(n int) error { counted = n; return nil },
				func(row []string) error {
					if len(row) != len(header) {
						t.Fatalf("row of %d cells, header %d", len(row), len(header))
					}
					names, ids = append(names, row[3]), append(ids, row[idCol])
					return nil
				})
			entries, after, aerr := s.Audit.Audit(ctx, core.AuditFilter{Action: core.AuditExport})
			if aerr != nil {
				t.Fatal(aerr)
			}
			if tc.code != "" {
				if core.ErrorCode(err) != tc.code || after != before || names != nil {
					t.Fatalf("%v (audit %d → %d, rows %v), want %s and nothing", err, before, after, names, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tc.rows) || counted != n || !slices.Equal(names, tc.rows) || !slices.Equal(ids, tc.ids) {
				t.Errorf("exported %d (counted %d): %v %v, want %v %v", n, counted, names, ids, tc.rows, tc.ids)
			}
			if after != before+1 {
				t.Fatalf("audit entries %d → %d", before, after)
			}
			d := entries[0].Detail
			if !strings.Contains(d, "基础数据 人口") || strings.Contains(d, "张三丰") || !strings.Contains(d, "条") {
				t.Errorf("audit detail %q", d)
			}
		})
	}
}

// FuzzCleanNote: a note is required, bounded, valid text, trimmed; any
// other input is an EINVALID error about note.
func FuzzCleanNote(f *testing.F) {
	for _, s := range []string{"本人来电更正", "", " \n\t", strings.Repeat("注", MaxRecordNote+1), "\xff", "  已迁出\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CleanNote(in, "更正说明")
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "note" {
				t.Fatalf("CleanNote(%q): %v, want an EINVALID error about note", in, err)
			}
			return
		}
		if out == "" || !utf8.ValidString(out) || utf8.RuneCountInString(out) > MaxRecordNote || strings.TrimSpace(out) != out {
			t.Fatalf("CleanNote(%q) = %q", in, out)
		}
	})
}
