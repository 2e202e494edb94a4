package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"jiceng/internal/quality"
)

func TestQualityCommand(t *testing.T) {
	const persons = "testdata/quality_persons.csv"
	base := []string{"quality", "check", "-kind", "person", "-in", persons, "-areas", "testdata/street_areas.csv", "-owners", "testdata/quality_owners.csv"}
	out, _ := runExpect(t, base, 0, "")
	for _, want := range []string{"总体得分", "不合格", "身份证号格式或校验不合格", "身份证号重复", "网格不属于所填社区", "出生日期与身份证号不符", "更新时间时效", "派出所"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for _, raw := range []string{"110105198001010010", "1360013", "孙丽"} {
		if strings.Contains(out, raw) {
			t.Errorf("summary shows the raw value %q", raw)
		}
	}

	// JSON, then the same run again with it as the previous one.
	out, _ = runExpect(t, append(base, "-json"), 0, "")
	var run quality.Run
	if err := json.Unmarshal([]byte(out), &run); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if run.Rows["person"] != 6 || run.Fail == 0 || len(run.Owners) != 1 || run.Owners[0].Name != "派出所" {
		t.Errorf("run: rows %v fail %d owners %+v", run.Rows, run.Fail, run.Owners)
	}
	for _, r := range run.Results {
		for _, s := range r.Samples {
			if strings.Contains(s.Value, "110105198001010010") || strings.Contains(s.Value, "1360013") {
				t.Errorf("%s: sample value not masked: %q", r.ID, s.Value)
			}
		}
	}
	dir := t.TempDir()
	prev := filepath.Join(dir, "prev.json")
	if err := os.WriteFile(prev, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	xlsx := filepath.Join(dir, "q.xlsx")
	out, _ = runExpect(t, append(base, "-prev", prev, "-xlsx", xlsx), 0, "质量报告已写入")
	if !strings.Contains(out, "持平") {
		t.Errorf("no trend against the previous run:\n%s", out)
	}
	if fi, err := os.Stat(xlsx); err != nil || fi.Size() == 0 {
		t.Errorf("no report: %v", err)
	}

	// A bad check file names its line and column.
	bad := filepath.Join(dir, "checks.txt")
	os.WriteFile(bad, []byte("[person]\nmissing_percent(phone) < 5% warn\ninvalid_count(phone) = x\n"), 0o644)
	runExpect(t, append(base, "-checks", bad), 1, "第 3 行第 24 列")
	runExpect(t, []string{"quality", "check", "-kind", "car", "-in", persons}, 2, "用法")
	runExpect(t, []string{"quality", "check", "-in", "testdata/missing.csv"}, 1, "missing.csv")
	out, _ = runExpect(t, []string{"quality", "checks"}, 0, "")
	if _, err := quality.ParseChecks(out); err != nil {
		t.Errorf("printed check file does not parse: %v", err)
	}
}

func TestQualityEval(t *testing.T) {
	out, _ := runExpect(t, []string{"quality", "eval", "-n", "3000"}, 0, "")
	for _, want := range []string{"完整性", "有效性", "唯一性", "时效性", "一致性", "引用完整性", "精确率"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval lacks %q:\n%s", want, out)
		}
	}
	// The eval can fail: a bar above 1 is never met.
	runExpect(t, []string{"quality", "eval", "-n", "3000", "-min", "1.01"}, 1, "低于")
}

// TestQualityRunDB: "quality run" checks the database's registries, stores
// the run (the second compares with the first) and pushes the owners'
// reports.
func TestQualityRunDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	var pushes atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { pushes.Add(1) }))
	defer hook.Close()
	steps := []struct {
		name    string
		args    []string
		wantOut string
		wantErr string
	}{
		{"import", []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", "testdata/records_persons.csv"}, "新增 4", ""},
		{"first run", []string{"quality", "run", "-db", db, "-webhook", hook.URL}, "身份证号格式或校验不合格", "第 1 次检查已保存"},
		{"second run compares", []string{"quality", "run", "-db", db}, "持平", "第 2 次检查已保存"},
	}
	for _, st := range steps {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), st.args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", st.name, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), st.wantOut) || !strings.Contains(stderr.String(), st.wantErr) {
			t.Errorf("%s: stdout %q lacks %q or stderr %q lacks %q", st.name, stdout.String(), st.wantOut, stderr.String(), st.wantErr)
		}
	}
	if pushes.Load() != 1 {
		t.Errorf("%d reports pushed, want 1 (one owner)", pushes.Load())
	}
}
