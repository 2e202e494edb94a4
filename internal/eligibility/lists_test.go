package eligibility

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// readCSV reads a testdata CSV file.
func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// readPersons reads testdata/persons.csv as field-set maps.
func readPersons(t *testing.T) []map[string]string {
	t.Helper()
	recs := readCSV(t, "persons.csv")
	var out []map[string]string
	for _, rec := range recs[1:] {
		p := map[string]string{}
		for i, h := range recs[0] {
			if n := PersonField(h); n != "" {
				p[n] = rec[i]
			} else {
				t.Fatalf("header %q is not a person field", h)
			}
		}
		out = append(out, p)
	}
	return out
}

func TestLoadWorkers(t *testing.T) {
	w, err := LoadWorkers(readCSV(t, "grid_workers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                  string
		community, grid, role string
		want                  string
	}{
		{"grid and role", "和平里社区", "和平里第一网格", "网格员", "网格员甲"},
		{"community role", "和平里社区", "和平里第一网格", "民政专干", "民政专干丙"},
		{"community for every role", "和平里社区", "和平里第一网格", "计生专干", "社区综合岗丁"},
		{"grid for every role wins over community", "青年沟社区", "第二网格", "民政专干", "网格员己"},
		{"same grid name in another community", "和平里社区", "第一网格", "网格员", "社区综合岗丁"},
		{"nobody", "别的社区", "第九网格", "网格员", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := w.Worker(tc.community, tc.grid, tc.role); got != tc.want {
				t.Errorf("Worker = %q, want %q", got, tc.want)
			}
		})
	}
	var none *Workers
	if none.Worker("a", "b", "c") != "" {
		t.Error("a nil *Workers names nobody")
	}
	bad := []struct {
		name string
		recs [][]string
		want string
	}{
		{"empty", nil, "网格责任人表为空"},
		{"no worker column", [][]string{{"网格", "责任人"}}, "缺少列「工作人员」"},
		{"empty cells", [][]string{{"网格", "工作人员"}, {"", "甲"}, {"一网格", ""}}, "网格责任人表第 2 行：网格（或社区）和工作人员不能为空\n网格责任人表第 3 行"},
		{"two workers", [][]string{{"网格", "责任人", "工作人员"}, {"一网格", "网格员", "甲"}, {"一网格", "网格员", "乙"}}, "第 3 行：「一网格」的「网格员」已有工作人员"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWorkers(tc.recs)
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tc.want) {
				t.Errorf("err = %v, want EINVALID with %q", err, tc.want)
			}
		})
	}
}

func TestLoadVisits(t *testing.T) {
	v, err := LoadVisits(readCSV(t, "visits.csv"))
	if err != nil {
		t.Fatal(err)
	}
	id := testID("19400315", "022")
	if got := v[VisitKey{id, "R01"}].Format(time.DateOnly); got != "2026-11-28" {
		t.Errorf("latest visit = %s, want 2026-11-28 (the later of two)", got)
	}
	lower := strings.ToLower(testID("19461201", "013"))
	v, err = LoadVisits([][]string{{"身份证号", "规则编号", "服务日期"}, {lower, "R01", "2026/11/24"}})
	if err != nil || v[VisitKey{strings.ToUpper(lower), "R01"}].IsZero() {
		t.Errorf("a lower-case x is normalised: %v %v", v, err)
	}
	bad := []struct {
		name string
		recs [][]string
		want string
	}{
		{"empty", nil, "服务记录表为空"},
		{"missing column", [][]string{{"身份证号", "规则编号"}}, "缺少列「服务日期」"},
		{"bad date", [][]string{{"身份证号", "规则编号", "服务日期"}, {id, "R01", "上周"}}, "服务记录表第 2 行：服务日期无法识别"},
		{"no person", [][]string{{"身份证号", "规则编号", "服务日期"}, {"", "R01", "2026-11-01"}}, "第 2 行：身份证号和规则编号都不能为空"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadVisits(tc.recs)
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tc.want) {
				t.Errorf("err = %v, want EINVALID with %q", err, tc.want)
			}
			if strings.Contains(core.ErrorMessage(err), id) {
				t.Error("the error quotes an ID number")
			}
		})
	}
}

// TestServiceListGolden builds the lists of testdata/persons.csv with the
// default rules and compares them with testdata/lists.golden. Update:
// go test ./internal/eligibility/ -run TestServiceListGolden -update
func TestServiceListGolden(t *testing.T) {
	w, err := LoadWorkers(readCSV(t, "grid_workers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := LoadVisits(readCSV(t, "visits.csv"))
	if err != nil {
		t.Fatal(err)
	}
	l := &Lister{Rules: DefaultRules(), Workers: w, Visits: v, AsOf: day(2026, 12, 1), WarnDays: 7}
	var all, near []Entry
	for _, p := range readPersons(t) {
		all = append(all, l.Entries(p)...)
		near = append(near, l.Near(p)...)
	}
	SortServiceList(all)
	SortServiceList(near)
	var b strings.Builder
	line := func(e Entry, extra ...string) {
		age := "?"
		if e.Person.AgeKnown {
			age = fmt.Sprint(e.Person.Age)
		}
		cells := append([]string{e.Community, e.Grid, e.Role, e.Worker, e.Rule.ID, e.Person.Name, age}, extra...)
		cells = append(cells, strings.Join(e.Reasons, "；"))
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(time.DateOnly)
	}
	b.WriteString("# service list\n")
	for _, e := range all {
		line(e, e.Rule.Service, e.Rule.Cycle.String())
	}
	b.WriteString("# policy push\n")
	for _, e := range PolicyList(all) {
		line(e, e.Rule.Policy)
	}
	b.WriteString("# due visits\n")
	for _, e := range DueVisits(all) {
		line(e, e.Visit.State, date(e.Visit.Last), date(e.Visit.Due), fmt.Sprint(e.Visit.Days))
	}
	b.WriteString("# summary\n")
	for _, c := range Summarize(all) {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n", c.Community, c.Grid, c.Role, c.Worker, c.Rule.ID, c.Persons, c.Overdue, c.First, c.Near)
	}
	b.WriteString("# near misses\n")
	for _, e := range near {
		line(e)
	}
	golden := filepath.Join("testdata", "lists.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("lists differ from %s (run with -update after checking):\n%s", golden, b.String())
	}
}

func TestPersonOf(t *testing.T) {
	p := map[string]string{FieldName: "甲", FieldEstate: "和平里小区", FieldBuilding: "5", FieldUnitNo: "1", FieldRoom: "302",
		FieldIDNumber: "", FieldPhone: "13800000000"}
	f := FactsOf(p, day(2026, 12, 1))
	ps := PersonOf(p, &f)
	if ps.Address != "和平里小区 5-1-302" || ps.Key != "甲/13800000000" || ps.AgeKnown {
		t.Errorf("PersonOf = %+v", ps)
	}
	p[FieldIDNumber] = "bad id"
	if ps := PersonOf(p, &f); ps.Key != "BAD ID" {
		t.Errorf("an ID number that is not valid is still the key: %q", ps.Key)
	}
	for _, h := range []string{"身份证号", "id_number", "ID_NUMBER", "\ufeff姓名", " 重点人群 "} {
		if PersonField(h) == "" {
			t.Errorf("PersonField(%q) is empty", h)
		}
	}
	if PersonField("收入") != "" {
		t.Error("PersonField(收入) should be empty")
	}
}

// FuzzLoadTables checks that the worker and visit tables load or fail
// with an EINVALID error that quotes no ID number, never a panic. Run:
// go test -fuzz=FuzzLoadTables ./internal/eligibility/
func FuzzLoadTables(f *testing.F) {
	f.Add("社区,网格,责任人,工作人员\n和平里社区,,民政专干,甲\n,第一网格,,乙\n")
	f.Add("身份证号,规则编号,服务日期\n" + testID("19400315", "022") + ",R01,2026-11-20\n")
	f.Add("网格,工作人员\n,\n")
	f.Fuzz(func(t *testing.T, file string) {
		r := csv.NewReader(strings.NewReader(file))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			return
		}
		if _, err := LoadWorkers(recs); err != nil && core.ErrorCode(err) != core.EINVALID {
			t.Fatalf("LoadWorkers: %v", err)
		}
		v, err := LoadVisits(recs)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("LoadVisits: %v", err)
			}
			for _, rec := range recs {
				for _, c := range rec {
					if len(c) >= 15 && validID(c) != "" && strings.Contains(core.ErrorMessage(err), c) {
						t.Fatalf("error quotes an ID number: %s", core.ErrorMessage(err))
					}
				}
			}
			return
		}
		for k, d := range v {
			if k.Person == "" || k.Rule == "" || d.IsZero() {
				t.Fatalf("bad visit %v %v", k, d)
			}
		}
	})
}
