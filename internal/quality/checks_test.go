package quality

import (
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/fieldset"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// id18 makes a valid 18-digit ID number for a birth date (YYYYMMDD) and a
// sequence whose parity is the gender (odd male).
func id18(birth, seq string) string {
	first := "110105" + birth + seq
	return first + string(fieldset.IDCheckChar(first))
}

// person is a clean person row.
func person(id, src string, kv ...string) Record {
	v := map[string]string{"name": "张三", "updated_at": "2026-05-01 09:00:00"}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "-" {
			delete(v, kv[i])
			continue
		}
		v[kv[i]] = kv[i+1]
	}
	return Record{ID: id, Kind: fieldset.KindPerson, Source: src, Values: v}
}

func house(id string, kv ...string) Record {
	r := person(id, "住建", kv...)
	r.Kind = fieldset.KindHouse
	delete(r.Values, "name")
	if r.Values["address"] == "" {
		r.Values["address"] = "某路" + id + "号"
	}
	return r
}

// failing runs one check over recs and returns its result and the IDs of
// its failing rows.
func failing(t *testing.T, rule string, recs []Record, opt Options) (Result, []string) {
	t.Helper()
	cs, err := ParseChecks(rule)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	opt.Now, opt.Checks, opt.NoImplied = now, cs, true
	opt.OnFail = func(_ *Result, _ *Record, id string) { ids = append(ids, id) }
	run, err := Measure(recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Results) != 1 {
		t.Fatalf("%d results, want 1", len(run.Results))
	}
	return run.Results[0], ids
}

type checkCase struct {
	name   string
	rule   string
	recs   []Record
	opt    Options
	status string
	fail   []string // failing record IDs, in order
}

func runCases(t *testing.T, tests []checkCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, ids := failing(t, tc.rule, tc.recs, tc.opt)
			if res.Status != tc.status {
				t.Errorf("status %s (%s), want %s", res.Status, res.Note, tc.status)
			}
			if strings.Join(ids, ",") != strings.Join(tc.fail, ",") {
				t.Errorf("failing %v, want %v", ids, tc.fail)
			}
			if res.Failing != len(ids) || (res.Checked > 0 && res.Rate != float64(res.Failing)/float64(res.Checked)) {
				t.Errorf("counts %d/%d rate %v inconsistent", res.Failing, res.Checked, res.Rate)
			}
		})
	}
}

func TestCompleteness(t *testing.T) {
	recs := []Record{
		person("1", "a", "phone", "13800138000"),
		person("2", "a", "phone", " "),
		person("3", "a", "phone", "13800138001", "living_alone", "是"),
		person("4", "a", "living_alone", "1"),
	}
	runCases(t, []checkCase{
		{"missing count", "[person]\nmissing_count(phone) = 0", recs, Options{}, StatusFail, []string{"2", "4"}},
		{"percent under warn", "[person]\nmissing_percent(phone) < 60% warn; < 80% fail", recs, Options{}, StatusPass, []string{"2", "4"}},
		{"percent warns", "[person]\nmissing_percent(phone) < 40% warn; < 80% fail", recs, Options{}, StatusWarn, []string{"2", "4"}},
		{"where reads normalised values", "[person]\nmissing_count(phone) = 0 where living_alone = 是", recs, Options{}, StatusFail, []string{"4"}},
		{"compound", "[person]\nmissing_count(name, phone) = 0", append(recs[:1:1], person("5", "a", "name", "-", "phone", "13800138000")), Options{}, StatusFail, []string{"5"}},
	})
}

func TestValidity(t *testing.T) {
	good := id18("19800101", "001")
	bad := good[:17] + map[bool]string{true: "1", false: "2"}[good[17] != '1']
	runCases(t, []checkCase{
		{"id check character", "[person]\ninvalid_count(id_number) = 0", []Record{
			person("1", "a", "id_number", good), person("2", "a", "id_number", bad),
			person("3", "a", "id_number", " "+good+" "), person("4", "a"),
		}, Options{}, StatusFail, []string{"2"}},
		{"full-width digits are valid", "[person]\ninvalid_count(phone) = 0", []Record{
			person("1", "a", "phone", "１３８００１３８０００"), person("2", "a", "phone", "1380013"),
		}, Options{}, StatusFail, []string{"2"}},
		{"uscc", "[enterprise]\ninvalid_count(uscc) = 0", func() []Record {
			u := "91110105MA01ABCDE"
			ok := u + string(fieldset.USCCCheckChar(u))
			wrong := u + string(map[bool]byte{true: '0', false: '1'}[ok[17] != '0'])
			e1, e2 := person("1", "m", "uscc", ok), person("2", "m", "uscc", wrong)
			e1.Kind, e2.Kind = fieldset.KindEnterprise, fieldset.KindEnterprise
			return []Record{e1, e2}
		}(), Options{}, StatusFail, []string{"2"}},
		{"dates and enums", "[person]\ninvalid_percent(birth_date) < 50%", []Record{
			person("1", "a", "birth_date", "1980年1月2日"), person("2", "a", "birth_date", "1980-02-30"),
		}, Options{}, StatusFail, []string{"2"}},
	})
}

func TestUniqueness(t *testing.T) {
	id := id18("19800101", "001")
	runCases(t, []checkCase{
		{"same id, same source, other writing", "[person]\nduplicate_count(id_number) = 0", []Record{
			person("1", "a", "id_number", id), person("2", "a", "id_number", " "+id+" "), person("3", "b", "id_number", id),
			person("4", "a"),
		}, Options{}, StatusFail, []string{"2"}},
		{"compound key", "[person]\nduplicate_count(name, birth_date) = 0 warn", []Record{
			person("1", "a", "birth_date", "1980-01-01"), person("2", "a", "birth_date", "1980/1/1"),
			person("3", "a", "birth_date", "1980-01-02"), person("4", "a", "name", "李四", "birth_date", "1980-01-01"),
		}, Options{}, StatusWarn, []string{"2"}},
	})
}

func TestFreshness(t *testing.T) {
	old := "2020-01-01 00:00:00"
	areas := &Refs{Areas: []Area{{Community: "东湖社区", Grid: "东湖一网格"}}}
	runCases(t, []checkCase{
		{"freshness levels", "[person]\nfreshness(updated_at) < 1y warn; < 3y fail", []Record{
			person("1", "a"), person("2", "a", "updated_at", "2025-03-01 00:00:00"), person("3", "a", "updated_at", old),
		}, Options{}, StatusFail, []string{"2", "3"}},
		{"freshness warns only", "[person]\nfreshness(updated_at) < 1y warn; < 3y fail", []Record{
			person("1", "a"), person("2", "a", "updated_at", "2025-03-01 00:00:00"),
		}, Options{}, StatusWarn, []string{"2"}},
		{"updated_at falls back to the store's time", "[person]\nfreshness(updated_at) < 1y", func() []Record {
			r := person("1", "a", "updated_at", "-")
			r.Updated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			return []Record{r, person("2", "a", "updated_at", "-")}
		}(), Options{}, StatusFail, []string{"1"}},
		{"stale by update cycle", "[person]\nstale_count(marks, phone) = 0", []Record{
			person("1", "a", "marks", "独居老人", "updated_at", "2026-01-01 00:00:00"),        // quarterly: stale
			person("2", "a", "phone", "13800138000", "updated_at", "2026-01-01 00:00:00"), // yearly: fresh
			person("3", "a", "updated_at", old),                                           // neither field: not checked
			person("4", "a", "marks", "独居老人", "updated_at", "-"),                          // no time: not checked
		}, Options{}, StatusFail, []string{"1"}},
		{"untouched", "[person]\nuntouched_count(5y) = 0 warn", []Record{
			person("1", "a", "updated_at", "2022-01-01 00:00:00"), person("2", "a", "updated_at", "2019-01-01 00:00:00"),
		}, Options{}, StatusWarn, []string{"2"}},
		{"over age by the ID", "[person]\nover_age_count(110) = 0", []Record{
			person("1", "a", "id_number", id18("19150601", "001")), // 111
			person("2", "a", "id_number", id18("19160602", "001")), // 109
			person("3", "a", "id_number", "110105150601001"),       // 15 digits: 1915
		}, Options{}, StatusFail, []string{"1", "3"}},
		{"empty houses need the people", "[house]\nempty_house_count = 0", []Record{house("h1")}, Options{}, StatusSkip, nil},
		{"empty houses", "[house]\nempty_house_count = 0 warn", []Record{
			house("h1", "community", "东湖社区", "estate", "幸福里", "building", "1号楼", "room", "101"),
			house("h2", "community", "东湖社区", "estate", "幸福里", "building", "1号楼", "room", "102"),
			house("h3", "owner_name", "王五"), house("h4", "tenant_count", "2"), house("h5", "tenant_count", "0"),
			person("p1", "a", "community", "东湖社区", "estate", "幸福里", "building", "1号楼", "room", "101"),
		}, Options{Refs: areas}, StatusWarn, []string{"h2", "h5"}},
	})
}

func TestConsistency(t *testing.T) {
	id := id18("19800101", "001") // male
	areas := &Refs{Areas: []Area{{Community: "东湖社区", Grid: "一网格"}, {Community: "西苑社区", Grid: "一网格"}, {Community: "西苑社区", Grid: "二网格"}}}
	clustered := func(r Record, c string) Record { r.Cluster = c; return r }
	runCases(t, []checkCase{
		{"birth date against the ID", "[person]\nid_mismatch_count(birth_date) = 0", []Record{
			person("1", "a", "id_number", id, "birth_date", "1980年1月1日"), person("2", "a", "id_number", id, "birth_date", "1980-01-02"),
			person("3", "a", "birth_date", "1980-01-02"),
		}, Options{}, StatusFail, []string{"2"}},
		{"gender against the ID", "[person]\nid_mismatch_count(gender) = 0", []Record{
			person("1", "a", "id_number", id, "gender", "男"), person("2", "a", "id_number", id, "gender", "女"),
		}, Options{}, StatusFail, []string{"2"}},
		{"two birth dates by ID", "[person]\nconflict_count(birth_date) = 0", []Record{
			person("1", "a", "id_number", id, "birth_date", "1980-01-01"), person("2", "b", "id_number", id, "birth_date", "1981-01-01"),
			person("3", "c", "id_number", id18("19900101", "002"), "birth_date", "1990-01-01"),
		}, Options{}, StatusFail, []string{"1", "2"}},
		{"two birth dates by cluster", "[person]\nconflict_count(birth_date) = 0", []Record{
			clustered(person("1", "a", "birth_date", "1980-01-01"), "c1"), clustered(person("2", "b", "birth_date", "1980/1/1"), "c1"),
			clustered(person("3", "a", "birth_date", "1970-01-01"), "c2"), clustered(person("4", "b", "birth_date", "1971-01-01"), "c2"),
		}, Options{}, StatusFail, []string{"3", "4"}},
		{"grid of another community", "[person]\ngrid_mismatch_count = 0", []Record{
			person("1", "a", "community", "东湖社区", "grid", "一网格"), person("2", "a", "community", "东湖社区", "grid", "二网格"),
			person("3", "a", "community", "西苑社区", "grid", "一网格"), person("4", "a", "community", "东湖社区", "grid", "未知网格"),
		}, Options{Refs: areas}, StatusFail, []string{"2"}},
		{"grid check needs areas", "[person]\ngrid_mismatch_count = 0", []Record{person("1", "a")}, Options{}, StatusSkip, nil},
	})
}

func TestIntegrity(t *testing.T) {
	refs := &Refs{
		Areas:   []Area{{Community: "东湖社区", Grid: "一网格", Unit: "东湖居委会"}, {Community: "西苑社区", Grid: "二网格"}, {Community: "南街社区", Unit: "撤销单位"}},
		Units:   []string{"东湖居委会", "城管科"},
		Tickets: []TicketRef{{ID: "T1", Community: "东湖社区", Grid: "一网格", Unit: "城管科"}, {ID: "T2", Community: "北关社区", Unit: "城管科"}, {ID: "T3", Community: "东湖社区", Grid: "二网格", Unit: "交通队"}, {ID: "T4"}},
	}
	one := []Record{person("1", "a", "community", "东湖社区", "grid", "三网格")}
	runCases(t, []checkCase{
		{"ticket areas", "orphan_count(ticket_area) = 0", one, Options{Refs: refs}, StatusFail, []string{"T2", "T3"}},
		{"ticket units", "orphan_count(ticket_unit) = 0", one, Options{Refs: refs}, StatusFail, []string{"T3"}},
		{"area units", "orphan_count(area_unit) = 0", one, Options{Refs: refs}, StatusFail, []string{"西苑社区", "南街社区"}},
		{"without lists", "orphan_count(ticket_unit) = 0", one, Options{}, StatusSkip, nil},
		{"records' areas", "[person]\nunknown_area_count = 0", one, Options{Refs: refs}, StatusFail, []string{"1"}},
	})
}

func TestVolume(t *testing.T) {
	recs := []Record{person("1", "a"), person("2", "a"), person("3", "b"), person("4", "c")}
	prev := &Run{Counts: map[string]map[string]int{fieldset.KindPerson: {"a": 2, "b": 2, "d": 5}}}
	res, _ := failing(t, "row_count change < 30% warn; < 60% fail", recs, Options{Previous: prev})
	if res.Status != StatusFail || res.Checked != 3 || res.Failing != 2 || res.Value != 100 {
		t.Errorf("got %s %d/%d value %v", res.Status, res.Failing, res.Checked, res.Value)
	}
	var got []string
	for _, s := range res.Sources {
		got = append(got, s.Source+":"+s.Status)
	}
	if want := "a:pass,b:warn,d:fail"; strings.Join(got, ",") != want {
		t.Errorf("sources %v, want %s", got, want)
	}
	if res, _ := failing(t, "row_count change < 30%", recs, Options{}); res.Status != StatusSkip {
		t.Errorf("no previous run: %s", res.Status)
	}
}

func TestImpliedAndScores(t *testing.T) {
	good := id18("19800101", "001")
	recs := []Record{
		person("1", "公安", "id_number", good, "phone", "13800138000"),
		person("2", "公安", "id_number", good[:17]+"0", "phone", "13800138000"),
		person("3", "民政", "name", "-", "phone", "138"),
		person("4", "民政", "phone", "13900139000"),
	}
	var masked []string
	run, err := Measure(recs, Options{Now: now, Checks: []Check{}, Owners: map[string]string{"公安": "派出所", "民政": "民政科"},
		Mask: func(_, field, v string) string { masked = append(masked, field); return "***" }})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Result{}
	for _, r := range run.Results {
		byID[r.ID] = r
	}
	if r := byID["person:missing_count(name)"]; r.Status != StatusFail || r.Failing != 1 {
		t.Errorf("required name: %+v", r)
	}
	if r := byID["person:invalid_percent(phone)"]; r.Status != StatusFail || r.Failing != 1 || r.Samples[0].Value != "***" || r.Samples[0].Record != "3" {
		t.Errorf("phone validity: %+v", r)
	}
	if !slices.Contains(masked, "phone") {
		t.Error("mask not called for the phone sample")
	}
	for _, r := range run.Results {
		for _, s := range r.Samples {
			if strings.Contains(s.Value, "138") || strings.Contains(s.Reason, "138") {
				t.Errorf("%s: raw value in a sample: %+v", r.ID, s)
			}
		}
	}
	if len(run.Sources) != 2 || len(run.Owners) != 2 || run.Owners[0].Name != "民政科" {
		t.Fatalf("sources %+v owners %+v", run.Sources, run.Owners)
	}
	for _, s := range run.Sources {
		if s.Score <= 0 || s.Score >= 100 {
			t.Errorf("%s score %v", s.Name, s.Score)
		}
	}
	// The overall score moves with a fix, and the trend says so.
	recs[2].Values["phone"] = "13700137000"
	next, err := Measure(recs, Options{Now: now, Checks: []Check{}, Previous: run})
	if err != nil {
		t.Fatal(err)
	}
	if next.Score <= run.Score {
		t.Errorf("score %v after a fix, was %v", next.Score, run.Score)
	}
	for _, r := range next.Results {
		want := TrendSame
		if r.ID == "person:invalid_percent(phone)" {
			want = TrendBetter
		}
		if r.Trend != want {
			t.Errorf("%s: trend %s, want %s", r.ID, r.Trend, want)
		}
	}
	// A declared check replaces the implied one of the same metric and field.
	cs, _ := ParseChecks("[person]\ninvalid_count(phone) = 0 warn")
	run, _ = Measure(recs, Options{Now: now, Checks: cs})
	n := 0
	for _, r := range run.Results {
		if slices.Equal(r.Fields, []string{"phone"}) && r.Kind == KindValidity {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d phone validity checks, want 1", n)
	}
}

func TestMeasureErrors(t *testing.T) {
	if _, err := Measure(nil, Options{}); err == nil {
		t.Error("no Now: no error")
	}
	if _, err := Measure([]Record{{ID: "1", Kind: "car"}}, Options{Now: now}); err == nil {
		t.Error("unknown kind: no error")
	}
	retired := person("1", "a", "name", "-")
	retired.Status = "retired"
	run, err := Measure([]Record{retired}, Options{Now: now, Retired: []string{"retired"}})
	if err != nil || run.Rows[fieldset.KindPerson] != 0 {
		t.Errorf("retired record checked: %v %v", err, run)
	}
}

// TestValidatorFastPath: the length fast path agrees with Normalize.
func TestValidatorFastPath(t *testing.T) {
	for _, kind := range fieldset.RecordKinds {
		for _, f := range fieldset.Records(kind).Fields {
			valid := validator(f)
			for _, v := range []string{"a", "张三", strings.Repeat("长", 20), strings.Repeat("长", 41), strings.Repeat("x", 61), strings.Repeat("x", 201), "a\nb", "a\rb", "\xff\xfe", "1号楼"} {
				_, want := f.Normalize(v)
				got := valid(v)
				if (got == nil) != (want == nil) {
					t.Errorf("%s.%s %q: fast %v, Normalize %v", kind, f.Name, v, got, want)
				}
			}
		}
	}
}
