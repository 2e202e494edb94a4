package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordsCommands loads a department's persons file twice, lists the
// records as two roles and the sources, on one database.
func TestRecordsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "street.db")
	src, err := os.ReadFile(filepath.Join("testdata", "records_persons.csv"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "民政科.csv")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string // each in stdout
		notOut   []string // none in stdout
		wantErr  string   // in stderr
	}{
		{"import", []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", file}, 0,
			[]string{"人口 民政科: 新增 4，更新 0，未变 0，拒绝 3（其中重复 1）", "拒绝 3 行，原因见 " + file + ".rejects.csv"}, nil, "籍贯"},
		{"import again changes nothing", []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", file}, 0,
			[]string{"新增 0，更新 0，未变 4，拒绝 3"}, nil, ""},
		{"list as staff", []string{"records", "list", "-db", db, "-kind", "person"}, 0,
			[]string{"姓名", "张秀英", "110105194501010022", "13800000001", "身份证号：身份证号校验位不正确"}, nil, "共 4 条"},
		{"list as leader masks personal data", []string{"records", "list", "-db", db, "-kind", "person", "-role", "leader"}, 0,
			[]string{"东风社区"}, []string{"张秀英", "13800000001", "110105194501010022", "独居老人", "1945-01-01"}, "角色 leader"},
		{"list as resident shows nothing of a record", []string{"records", "list", "-db", db, "-kind", "person", "-role", "resident"}, 0,
			nil, []string{"东风社区", "张秀英", "13800000001", "110105194501010022", "独居老人", "1945-01-01"}, "角色 resident"},
		{"list by community and text", []string{"records", "list", "-db", db, "-kind", "person", "-community", "东风社区", "-q", "和平街"}, 0,
			[]string{"王建国", "陈明"}, []string{"张秀英", "李桂兰"}, "共 2 条"},
		{"list flagged", []string{"records", "list", "-db", db, "-kind", "person", "-flagged", "-limit", "1"}, 0,
			[]string{"王建国"}, []string{"陈明"}, "共 2 条，显示第 1–1 条"},
		{"sources", []string{"records", "sources", "-db", db}, 0, []string{"人口", "民政科", "4", "7"}, nil, ""},
		{"unknown kind", []string{"records", "list", "-db", db, "-kind", "car"}, 1, nil, nil, "-kind 应为"},
		{"import needs a source", []string{"records", "import", "-db", db, "-kind", "person", file}, 2, nil, nil, "请指定 -kind、-source"},
		{"unknown subcommand", []string{"records", "delete"}, 2, nil, nil, "未知子命令"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(stdout.String(), w) {
					t.Errorf("stdout has %q:\n%s", w, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
		})
	}
}
