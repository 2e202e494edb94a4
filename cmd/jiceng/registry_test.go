package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/core"
)

func TestRegistry(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, gbk bool) string {
		t.Helper()
		b := []byte(text)
		if gbk {
			var err error
			if b, err = simplifiedchinese.GBK.NewEncoder().Bytes(b); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	areas := write("areas.csv", "街道,社区,网格\n甲街道,一社区,一网格\n甲街道,一社区,二网格\n甲街道,二社区,\n", false)
	units := write("units.csv", "名称,类型\n城管办,街道科室\n一社区,社区\n", true)
	tax := write("tax.csv", "一级分类,二级分类,三级分类\n城乡建设,供暖,暖气不热\n城乡建设,供水,停水\n", false)
	badUnits := write("bad.csv", "编码\nU1\n", false)
	rules := write("dispatch.csv", "一级分类,二级分类,三级分类,关键词,社区,承办单位,协办单位,优先级\n城乡建设,,,,,城管办,属地社区,\n,,,燃气,一社区,一社区,,2\n", false)
	unknown := write("unknown.csv", "一级分类,二级分类,三级分类,关键词,社区,承办单位,协办单位,优先级\n城乡建设,供暖,,,,热力公司,属地社区,\n,,,燃气,,燃气公司,,2\n", false)
	badRules := write("baddispatch.csv", "一级分类,承办单位\n城乡建设,\n", false)
	db := filepath.Join(dir, "reg.db")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"new database gets the built-in taxonomy", []string{}, 0, "问题分类 517 项（一级 15 类）, 街道 0 个", ""},
		{"areas and GBK units", []string{"-areas", areas, "-units", units}, 0, "街道 1 个, 社区 2 个, 网格 2 个, 承办单位 2 个", ""},
		{"own taxonomy", []string{"-taxonomy", tax}, 0, "问题分类 2 项（一级 1 类）", ""},
		{"bad file changes nothing", []string{"-taxonomy", "default", "-units", badUnits}, 1, "", "缺少列 名称"},
		{"still the own taxonomy", []string{}, 0, "问题分类 2 项", ""},
		{"back to default", []string{"-taxonomy", "default"}, 0, "问题分类 517 项", ""},
		{"missing file", []string{"-areas", filepath.Join(dir, "nope.csv")}, 1, "", "无法打开文件 nope.csv"},
		{"dispatch catalogue", []string{"-dispatch", rules}, 0, "派单目录 2 条", "派单目录已载入为第 1 版（2 条）"},
		{"catalogue naming unknown units changes nothing", []string{"-dispatch", unknown}, 1, "",
			"第2行：承办单位“热力公司”不在单位名录中；分类“城乡建设/供暖”不在问题分类中\nunknown.csv: 第3行：承办单位“燃气公司”不在单位名录中"},
		{"bad catalogue row changes nothing", []string{"-dispatch", badRules}, 1, "", "第2行"},
		{"still the catalogue", []string{}, 0, "派单目录 2 条", ""},
		{"every bad row of a file at once", []string{"-units", write("bad2.csv", "名称,类型\n,街道科室\n甲,科室\n", false)}, 1, "",
			"承办单位文件第 2 行：名称不能为空\n承办单位文件第 3 行：类型应为"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"registry", "-db", db}, tt.args...)
			code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit code: got %d, want %d; stderr: %s", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout: got %q, want containing %q", out.String(), tt.wantOut)
			}
			if tt.wantErr != "" && !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr: got %q, want containing %q", errOut.String(), tt.wantErr)
			}
		})
	}
	// Each file loaded is a version of its setting, as uploaded.
	st, err := openStore(context.Background(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, path := range map[string]string{core.SettingAreas: areas, core.SettingUnits: units, core.SettingTaxonomy: tax} {
		want, _ := os.ReadFile(path)
		got, v, err := st.Setting(context.Background(), name)
		if err != nil || v != 1 || !bytes.Equal(got, want) {
			t.Errorf("setting %s: version %d (%v), content equal %v", name, v, err, bytes.Equal(got, want))
		}
	}
}
