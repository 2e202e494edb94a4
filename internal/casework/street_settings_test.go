package casework

import (
	"context"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/quality"
)

// putSetting stores content as the setting name in force.
func putSetting(t *testing.T, s *Service, name, content string) int {
	t.Helper()
	v, err := s.Store.(core.SettingStore).PutSetting(context.Background(), name, []byte(content), name+".csv", "admin", now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// namedResult finds the result of the check with name (the check file's
// 名称:) in a run.
func namedResult(run *quality.Run, name string) (quality.Result, bool) {
	i := slices.IndexFunc(run.Results, func(r quality.Result) bool { return r.Name == name })
	if i < 0 {
		return quality.Result{}, false
	}
	return run.Results[i], true
}

// TestQualityRunUsesStoredChecks: without a stored check file a run uses
// the built-in one; a stored quality_checks version replaces it for the
// next run (the implied checks stay); a version that no longer loads
// stops the run with its version named.
func TestQualityRunUsesStoredChecks(t *testing.T) {
	s, _ := recordService(t)
	ctx := context.Background()
	admin := users["admin"]
	hasRule := func(run *quality.Run, rule string) bool {
		return slices.ContainsFunc(run.Results, func(r quality.Result) bool { return r.Rule == rule })
	}
	v, err := s.RunQuality(ctx, admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !hasRule(v.Run, "over_age_count(110) = 0") {
		t.Fatal("built-in check over_age_count(110) missing from the run")
	}
	if _, version, err := s.QualityChecks(ctx); version != 0 || err != nil {
		t.Errorf("QualityChecks version %d, %v; want the built-in file", version, err)
	}

	putSetting(t, s, core.SettingQualityChecks, "[person]\n老人须有地址: missing_count(address) = 0 where living_alone = 是\nover_age_count(70) = 0 warn\n")
	v, err = s.RunQuality(ctx, admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hasRule(v.Run, "over_age_count(110) = 0") || hasRule(v.Run, "duplicate_count(id_number) = 0") {
		t.Error("the built-in checks still run after the street's file")
	}
	res, ok := namedResult(v.Run, "老人须有地址")
	if !ok || res.Checked != 1 || res.Failing != 0 {
		t.Errorf("street's check = %+v, %v; want 1 living-alone person checked, with an address", res, ok)
	}
	// P1 (born 1940) is over 70: the street's own age limit warns.
	if i := slices.IndexFunc(v.Run.Results, func(r quality.Result) bool { return r.Rule == "over_age_count(70) = 0 warn" }); i < 0 ||
		v.Run.Results[i].Status != quality.StatusWarn || v.Run.Results[i].Failing != 1 {
		t.Errorf("over_age_count(70) not run as the street's file says: %+v", v.Run.Results)
	}
	if !slices.ContainsFunc(v.Run.Results, func(r quality.Result) bool { return strings.HasPrefix(r.Rule, "invalid_percent(") }) {
		t.Error("the checks the field sets imply are gone")
	}
	// Explicit checks (jiceng quality run -checks FILE) win over the setting.
	own, err := quality.ParseChecks("[house]\nrow_count > 0")
	if err != nil {
		t.Fatal(err)
	}
	if v, err = s.RunQuality(ctx, admin, own); err != nil || !hasRule(v.Run, "row_count > 0") || hasRule(v.Run, "over_age_count(70) = 0 warn") {
		t.Errorf("explicit checks: %v", err)
	}

	version := putSetting(t, s, core.SettingQualityChecks, "[person]\nnope_count(phone) = 0\n")
	_, err = s.RunQuality(ctx, admin, nil)
	if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), "第 "+itoa64(int64(version))+" 版无法载入") {
		t.Errorf("broken stored file: %v", err)
	}
}

// TestServiceListUsesStoredRules: a stored eligibility version replaces
// the built-in rules for the lists and the visits.
func TestServiceListUsesStoredRules(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	admin := users["admin"]
	l, err := s.ServiceList(ctx, admin, ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rowOf(l, ids["P1"], "R01"); !ok || l.RulesVersion != 0 {
		t.Fatalf("built-in R01 missing for P1 (version %d)", l.RulesVersion)
	}
	version := putSetting(t, s, core.SettingEligibility, "编号,名称,条件,服务类型,周期,责任人\nS01,本街道百岁老人关爱,年龄 >= 80 且 独居,上门走访,每两周,网格员\n")
	l, err = s.ServiceList(ctx, admin, ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rowOf(l, ids["P1"], "R01"); ok {
		t.Error("built-in R01 still listed")
	}
	if r, ok := rowOf(l, ids["P1"], "S01"); !ok || r.Rule.Name != "本街道百岁老人关爱" || l.RulesVersion != version || len(l.Rules) != 1 {
		t.Errorf("street's S01 not listed for P1: %+v (version %d, %d rules)", l.Rows, l.RulesVersion, len(l.Rules))
	}
	if _, err := s.ServiceList(ctx, admin, ServiceFilter{Rule: "R01"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("filter by a rule no longer in force: %v", err)
	}
	if _, err := s.RecordVisit(ctx, admin, VisitRequest{PersonID: ids["P1"], Rule: "S01", Date: now, Note: "上门"}); err != nil {
		t.Errorf("visit under the street's rule: %v", err)
	}
	if _, err := s.RecordVisit(ctx, admin, VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: now, Note: "上门"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("visit under a built-in rule no longer in force: %v", err)
	}
	putSetting(t, s, core.SettingEligibility, "编号,名称\nS01,缺条件\n")
	if _, err := s.ServiceList(ctx, admin, ServiceFilter{}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("broken stored rules: %v", err)
	}
}

// TestServiceListGridWorkers: the rows name the worker of the person's
// grid; a list narrows to one worker by name or account; the worker's own
// grids come first for their account, within their scope only.
func TestServiceListGridWorkers(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	// P2 (柳荫里社区) gets a grid and is 80+ living alone too.
	if _, err := s.Store.(core.RecordStore).UpsertRecords(ctx, []core.RecordUpsert{{Kind: "person", Source: "民政科", Key: p2ID,
		Values: map[string]string{"name": "王五", "id_number": p2ID, "phone": "13900001111", "community": "柳荫里社区", "grid": "柳荫里第一网格",
			"birth_date": "1938-03-03", "living_alone": "是"}}}, "import:民政科", now); err != nil {
		t.Fatal(err)
	}
	l, err := s.ServiceList(ctx, users["admin"], ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := rowOf(l, ids["P1"], "R01"); r.Worker != "" || len(l.Workers) != 0 {
		t.Fatalf("a worker without a table: %q", r.Worker)
	}
	putSetting(t, s, core.SettingGridWorkers, "网格,网格员,电话,账号\n望春园第一网格,刘网格,010-62301234,cw01\nG21,陈网格,,admin\n")
	for _, tc := range []struct {
		user, worker string
		rows         []string // record:worker, in order
		own          []string
	}{
		{"admin", "", []string{"P2:陈网格", "P1:刘网格"}, []string{"柳荫里第一网格"}}, // admin is 陈网格: own grid first
		{"staff", "", []string{"P1:刘网格", "P2:陈网格"}, nil},                 // sorted by community (望 < 柳)
		{"staff", "刘网格", []string{"P1:刘网格"}, nil},
		{"staff", "cw01", []string{"P1:刘网格"}, nil},
		{"cw01", "", []string{"P1:刘网格"}, []string{"望春园第一网格"}},
		{"cw02", "", []string{"P2:陈网格"}, nil},
		{"cw02", "刘网格", nil, nil}, // another community's worker: nothing in scope
	} {
		t.Run(tc.user+"/"+tc.worker, func(t *testing.T) {
			l, err := s.ServiceList(ctx, users[tc.user], ServiceFilter{Worker: tc.worker, Rule: "R01"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range l.Rows {
				name := "P1"
				if r.RecordID == ids["P2"] {
					name = "P2"
				}
				got = append(got, name+":"+r.Worker)
				if r.Own != slices.Contains(tc.own, map[string]string{"P1": "望春园第一网格", "P2": "柳荫里第一网格"}[name]) {
					t.Errorf("row %s own = %v", name, r.Own)
				}
			}
			if !slices.Equal(got, tc.rows) || !slices.Equal(l.OwnGrids, tc.own) {
				t.Errorf("rows %v own %v, want %v own %v", got, l.OwnGrids, tc.rows, tc.own)
			}
		})
	}
	if r, _ := rowOf(l, ids["P1"], "R01"); r.WorkerPhone != "" {
		t.Error("phone before the table") // l is from before the table
	}
	l, _ = s.ServiceList(ctx, users["staff"], ServiceFilter{})
	if r, _ := rowOf(l, ids["P1"], "R01"); r.WorkerPhone != "010-62301234" || !slices.Equal(l.Workers, []string{"刘网格", "陈网格"}) {
		t.Errorf("worker phone %q, workers %v", r.WorkerPhone, l.Workers)
	}
	if l, _ := s.ServiceList(ctx, users["cw01"], ServiceFilter{}); !slices.Equal(l.Workers, []string{"刘网格"}) {
		t.Errorf("cw01's workers %v, want those of 望春园社区", l.Workers)
	}
	if _, err := s.ServiceList(ctx, users["staff"], ServiceFilter{Worker: "无名氏"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("unknown worker: %v", err)
	}
	// The areas lose G21 after the upload: its row is left out, the rest serves.
	a, _ := s.Store.Areas(ctx)
	a.Grids = slices.DeleteFunc(a.Grids, func(g core.Grid) bool { return g.Code == "G21" })
	if err := s.Store.(core.AreaStore).ReplaceAreas(ctx, a); err != nil {
		t.Fatal(err)
	}
	w, _, err := s.GridWorkers(ctx)
	if err != nil || len(w.Rows()) != 1 || w.Rows()[0].Name != "刘网格" {
		t.Errorf("after the areas changed: %+v, %v", w, err)
	}
}

func TestReadGridWorkersCSV(t *testing.T) {
	s, _ := recordService(t)
	a, _ := s.Store.Areas(context.Background())
	for _, tc := range []struct {
		name, content string
		rows          int
		bad           string
	}{
		{"utf-8 with bom", "\ufeff网格,网格员\nG11,刘网格\n", 1, ""},
		{"gbk", "", 1, ""},
		{"bad row numbered at its line", "网格,网格员\n\nG99,刘网格\n", 0, "网格员表第 3 行：网格「G99」不在区域名录中"},
		{"formula guard undone", "网格,网格员\nG11,'=刘网格\n", 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			content := []byte(tc.content)
			if tc.name == "gbk" {
				content = []byte{0xcd, 0xf8, 0xb8, 0xf1, ',', 0xcd, 0xf8, 0xb8, 0xf1, 0xd4, 0xb1, '\n', 'G', '1', '1', ',', 0xc1, 0xf5, '\n'} // 网格,网格员 / G11,刘
			}
			w, err := ReadGridWorkers(content, a)
			if tc.bad != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tc.bad) {
					t.Errorf("err = %v, want %q", err, tc.bad)
				}
				return
			}
			if err != nil || len(w.Rows()) != tc.rows {
				t.Fatalf("%+v, %v", w, err)
			}
			if tc.name == "gbk" && w.Rows()[0].Name != "刘" {
				t.Errorf("GBK read as %q", w.Rows()[0].Name)
			}
		})
	}
}
