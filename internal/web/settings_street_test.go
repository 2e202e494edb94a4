package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/eligibility"
	"jiceng/internal/quality"
)

// addFixtureGrid gives 望春园社区 the grid of 孙悟空's record.
func addFixtureGrid(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	a, err := f.store.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.Grids = append(a.Grids, core.Grid{Code: "QHW01-01", Name: "望春园社区第1网格", Community: "QHW01"},
		core.Grid{Code: "QHW02-01", Name: "柳荫里社区第1网格", Community: "QHW02"})
	if err := f.store.ReplaceAreas(ctx, a); err != nil {
		t.Fatal(err)
	}
}

// TestSettingQualityChecks: the street's check file is listed with its
// built-in default, refused with every bad line, and once confirmed is the
// file of the next run started on the page or by the API.
func TestSettingQualityChecks(t *testing.T) {
	f := newFixture(t)
	seedRecords(t, f)
	admin := f.settings(t, "admin")
	if page := string(f.get(t, admin.c, "/settings").body); !strings.Contains(page, "数据质量检查规则") || !strings.Contains(page, "精准服务规则") ||
		!strings.Contains(page, "网格员") {
		t.Fatalf("settings list without the registries' settings:\n%.3000s", page)
	}
	page := f.get(t, admin.c, "/settings/quality_checks")
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "内置默认") || !strings.Contains(string(page.body), "over_age_count(110) = 0") {
		t.Fatalf("quality_checks page: %d\n%.3000s", page.status, page.body)
	}
	if got := f.get(t, admin.c, "/settings/quality_checks/versions/current"); string(got.body) != quality.DefaultChecksText() ||
		!strings.HasPrefix(got.header.Get("Content-Type"), "text/plain") {
		t.Errorf("download of the built-in file: %q %.200s", got.header.Get("Content-Type"), got.body)
	}
	bad := admin.upload(t, "quality_checks", "检查.txt", []byte("[person]\nmissing_count(phone) = 0\nblank_count(phone) = 0\n[车辆]\nx\n[house]\nmissing_count(uscc) = 0\n"))
	body := string(bad.body)
	if bad.status != http.StatusBadRequest || !strings.Contains(body, "请改正以下 3 处") || !strings.Contains(body, "<li>第 3 行：第 1 列：未知的检查指标") ||
		!strings.Contains(body, "<li>第 4 行：第 2 列：未知的数据类别") || !strings.Contains(body, `<li>第 7 行：第 1 列：房屋 没有字段 &#34;uscc&#34;`) {
		t.Fatalf("bad file: %d\n%.3000s", bad.status, bad.body)
	}
	admin.replace(t, "quality_checks", "检查.txt", []byte("[person]\n本街道电话检查: missing_count(phone) = 0\n"))
	staff := f.login(t, "staff")
	if r := f.postForm(t, staff, "/quality/run", nil); r.status != http.StatusSeeOther {
		t.Fatalf("run: %d %.300s", r.status, r.body)
	}
	r := f.postJSON(t, staff, "/api/v1/quality/runs", nil)
	if r.status != http.StatusCreated {
		t.Fatalf("POST runs: %d %.300s", r.status, r.body)
	}
	for _, res := range []response{r, f.get(t, staff, "/api/v1/quality/run")} {
		if !strings.Contains(string(res.body), "本街道电话检查") || strings.Contains(string(res.body), "over_age_count(110)") {
			t.Errorf("run without the street's check file: %.1000s", res.body)
		}
	}
}

// TestSettingEligibility: the street's rules, once confirmed, are those of
// the page and the API.
func TestSettingEligibility(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	admin := f.settings(t, "admin")
	bad := admin.upload(t, "eligibility", "规则.csv", []byte("编号,名称,条件,服务类型\nS01,,年龄 >= 70,上门走访\nS02,独居,年龄 >>= 1,上门走访\nS03,推送,年龄 >= 60,政策推送\n"))
	if body := string(bad.body); bad.status != http.StatusBadRequest || !strings.Contains(body, "<li>第 2 行：规则「S01」的「名称」为空") ||
		!strings.Contains(body, "<li>第 3 行：规则「S02 独居」的「条件」") || !strings.Contains(body, "<li>第 4 行：规则「S03 推送」是政策推送，「政策依据」不能为空") {
		t.Fatalf("bad rules: %d\n%.3000s", bad.status, bad.body)
	}
	admin.replace(t, "eligibility", "规则.csv", []byte("编号,名称,条件,服务类型,周期,责任人\nS01,本街道七十岁以上走访,年龄 >= 70,上门走访,每月,网格员\n"))
	c := f.login(t, "cw01")
	r := f.get(t, c, "/api/v1/services?list=service")
	var out struct {
		RulesVersion int `json:"rules_version"`
		Rows         []struct {
			RecordID int64  `json:"record_id"`
			Rule     string `json:"rule"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("%v: %.300s", err, r.body)
	}
	if out.RulesVersion != 1 || len(out.Rows) != 1 || out.Rows[0].Rule != "S01" || out.Rows[0].RecordID != ids["孙悟空"] {
		t.Errorf("list after the street's rules: %+v", out)
	}
	if page := string(f.get(t, c, "/services").body); !strings.Contains(page, "本街道规则第 1 版") || !strings.Contains(page, "本街道七十岁以上走访") {
		t.Errorf("page without the street's rules:\n%.3000s", page)
	}
	if got := f.get(t, admin.c, "/settings/eligibility"); !strings.Contains(string(got.body), "第 1 版") || !strings.Contains(string(got.body), "年龄 &gt;= 70") {
		t.Errorf("setting page:\n%.2000s", got.body)
	}
	if string(eligibility.DefaultRulesCSV()) == "" {
		t.Fatal("no built-in rules")
	}
}

// TestSettingGridWorkers: an upload is checked against the street's areas
// and accounts, every bad row named; once confirmed the lists show each
// grid's worker, filter by worker, and put a worker's own grids first.
func TestSettingGridWorkers(t *testing.T) {
	f := newFixture(t)
	ids := seedRecords(t, f)
	addFixtureGrid(t, f)
	admin := f.settings(t, "admin")
	if got := f.get(t, admin.c, "/settings/grid_workers"); got.status != http.StatusOK || !strings.Contains(string(got.body), "尚未上传") {
		t.Fatalf("empty grid_workers page: %d\n%.2000s", got.status, got.body)
	}
	bad := admin.upload(t, "grid_workers", "网格员.csv", []byte("网格,网格员,电话,账号\n第九网格,甲,,\nQHW01-01,乙,,nobody\nQHW01-01,丙,,\nQHW02-01,,,\n"))
	body := string(bad.body)
	for _, want := range []string{"请改正以下 4 处", "<li>第 2 行：网格「第九网格」不在区域名录中", "<li>第 3 行：网格「望春园社区第1网格」的账号「nobody」不存在",
		"<li>第 4 行：网格「QHW01-01」与第 3 行重复", "<li>第 5 行：网格「QHW02-01」的「网格员」为空"} {
		if !strings.Contains(body, want) {
			t.Errorf("bad table: no %q", want)
		}
	}
	if bad.status != http.StatusBadRequest {
		t.Fatalf("bad table: %d\n%.3000s", bad.status, bad.body)
	}
	admin.replace(t, "grid_workers", "网格员.csv", []byte("网格,网格员,电话,账号\n望春园社区第1网格,刘网格,010-62301234,cw01\n柳荫里社区第1网格,陈网格,,\n"))
	staff, cw := f.login(t, "staff"), f.login(t, "cw01")
	type list struct {
		Rows []struct {
			RecordID int64  `json:"record_id"`
			Worker   string `json:"worker"`
			Phone    string `json:"worker_phone"`
			Own      bool   `json:"own"`
		} `json:"rows"`
	}
	read := func(c *http.Client, path string) list {
		t.Helper()
		r := f.get(t, c, path)
		var l list
		if err := json.Unmarshal(r.body, &l); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s: %d %v %.300s", path, r.status, err, r.body)
		}
		return l
	}
	l := read(staff, "/api/v1/services?list=service")
	if len(l.Rows) == 0 {
		t.Fatal("no rows")
	}
	for _, row := range l.Rows {
		if row.RecordID == ids["孙悟空"] && (row.Worker != "刘网格" || row.Phone != "010-62301234" || row.Own) {
			t.Errorf("孙悟空's row: %+v", row)
		}
	}
	if l := read(staff, "/api/v1/services?worker=陈网格"); len(l.Rows) != 0 {
		t.Errorf("陈网格's grid has no person: %+v", l.Rows)
	}
	if l := read(staff, "/api/v1/services?worker=cw01"); len(l.Rows) == 0 || l.Rows[0].Worker != "刘网格" {
		t.Errorf("by account: %+v", l.Rows)
	}
	if r := f.get(t, staff, "/api/v1/services?worker=无名氏"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "worker") {
		t.Errorf("unknown worker: %d %.300s", r.status, r.body)
	}
	if l := read(cw, "/api/v1/services"); len(l.Rows) == 0 || !l.Rows[0].Own {
		t.Errorf("cw01's own grid not marked: %+v", l.Rows)
	}
	page := string(f.get(t, cw, "/services").body)
	for _, want := range []string{"<th>网格员</th>", "刘网格", "您是 望春园社区第1网格 的网格员", `<option value="刘网格">`} {
		if !strings.Contains(page, want) {
			t.Errorf("services page without %q", want)
		}
	}
	if strings.Contains(page, `<option value="陈网格">`) {
		t.Error("cw01 is offered the worker of another community")
	}
	if got := string(f.get(t, admin.c, "/settings/grid_workers").body); !strings.Contains(got, "QHW01-01") || !strings.Contains(got, "刘网格") {
		t.Errorf("setting page without the table:\n%.2000s", got)
	}
}
