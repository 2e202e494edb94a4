package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyCommands indexes the small policy base of testdata/policy (a
// regulation and the older version it repeals, a 问/答 sheet, a sheet of
// documents), then searches, answers, searches in batch and evaluates,
// through run().
func TestPolicyCommands(t *testing.T) {
	idx := filepath.Join(t.TempDir(), "policy.bleve")
	td := filepath.Join("testdata", "policy")
	runCode := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	runOK := func(args ...string) (string, string) {
		t.Helper()
		code, out, errs := runCode(args...)
		if code != 0 {
			t.Fatalf("jiceng %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errs)
		}
		return out, errs
	}

	_, errs := runOK("policy", "index", "-index", idx, filepath.Join(td, "dibao_2024.md"), filepath.Join(td, "dibao_2020.md"), filepath.Join(td, "qa.csv"))
	if !strings.Contains(errs, "已索引 3 个文件") {
		t.Errorf("index summary: %q", errs)
	}
	_, errs = runOK("policy", "index", "-index", idx, "-in", filepath.Join(td, "rows.csv"), "-id", "编号", "-text", "正文", "-title", "标题")
	if !strings.Contains(errs, "第 3 行跳过") {
		t.Errorf("the row without text was not reported: %q", errs)
	}

	out, _ := runOK("policy", "search", "-index", idx, "-k", "3", "-q", "低保标准是多少")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first policyHit
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("first line %q: %v", lines[0], err)
	}
	if first.DocID != "dibao_2024" || first.Article != "第四条" || !strings.Contains(first.Snippet, "<mark>低保</mark>") {
		t.Errorf("first hit %+v, want dibao_2024 第四条 with a marked snippet", first)
	}
	for _, l := range lines {
		if strings.Contains(l, `"doc_id":"dibao_2020"`) {
			t.Errorf("the repealed version was searched without -all: %s", l)
		}
	}
	out, _ = runOK("policy", "search", "-index", idx, "-k", "5", "-all", "-q", "低保标准是多少")
	if !strings.Contains(out, `"doc_id":"dibao_2020"`) || !strings.Contains(out, `"validity":"被替代"`) {
		t.Errorf("-all: want the superseded version too:\n%s", out)
	}

	out, _ = runOK("policy", "search", "-index", idx, "-q", "申请低保要提交哪些证件", "-answer", "-min-score", "0.001")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	var ans policyAnswer
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &ans); err != nil {
		t.Fatal(err)
	}
	if !ans.Confident || !strings.Contains(ans.Answer, "户口簿") || !strings.Contains(ans.Answer, "清街发〔2024〕3号") {
		t.Errorf("answer %+v", ans)
	}
	out, _ = runOK("policy", "search", "-index", idx, "-q", "护照怎么办理", "-answer")
	if !strings.Contains(out, `"confident":false`) {
		t.Errorf("a question the base cannot answer was answered:\n%s", out)
	}

	out, _ = runOK("policy", "search", "-index", idx, "-k", "2", "-queries", filepath.Join(td, "queries.csv"), "-id", "编号", "-text", "问题")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 3 || strings.Join(recs[0], ",") != "query_id,rank,doc_id,score" || recs[1][0] != "a1" || recs[1][1] != "1" {
		t.Errorf("batch output:\n%s", out)
	}
	foundQA := false
	for _, r := range recs[1:] {
		foundQA = foundQA || r[0] == "a2" && r[1] == "1" && r[2] == "qa"
	}
	if !foundQA {
		t.Errorf("batch: a2 should find the 问/答 sheet first:\n%s", out)
	}

	out, _ = runOK("policy", "eval", "-index", idx, "-queries", filepath.Join(td, "questions.csv"))
	for _, s := range []string{"recall@1", "recall@5", "MRR", "FTS5", "colloquial", "无答案问题拒答"} {
		if !strings.Contains(out, s) {
			t.Errorf("eval output lacks %q:\n%s", s, out)
		}
	}
}

func TestPolicyErrors(t *testing.T) {
	dir := t.TempDir()
	td := filepath.Join("testdata", "policy")
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no subcommand", []string{"policy"}, 2, "用法"},
		{"unknown subcommand", []string{"policy", "ask"}, 2, "未知子命令"},
		{"index without files", []string{"policy", "index", "-index", filepath.Join(dir, "a")}, 2, "用法"},
		{"search without an index", []string{"policy", "search", "-index", filepath.Join(dir, "none"), "-q", "低保"}, 1, "政策索引"},
		{"search without a question", []string{"policy", "search", "-index", filepath.Join(dir, "none")}, 2, "用法"},
		{"a missing file", []string{"policy", "index", "-index", filepath.Join(dir, "b"), filepath.Join(td, "missing.md")}, 1, "无法打开文件 missing.md"},
		{"a scanned PDF without text", []string{"policy", "index", "-index", filepath.Join(dir, "c"), filepath.Join(td, "scanned.pdf")}, 1, "scanned.pdf"},
		{"eval without questions", []string{"policy", "eval", "-index", filepath.Join(dir, "d")}, 2, "用法"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errb.String(), tt.code, tt.want)
			}
		})
	}
}
