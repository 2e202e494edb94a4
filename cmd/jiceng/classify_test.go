package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"jiceng/internal/classify"
)

// TestClassifyCommands trains on the classifier's synthetic fixture, then
// predicts a small file and runs a cross-validation, through run().
func TestClassifyCommands(t *testing.T) {
	dir := t.TempDir()
	fixture := filepath.Join("..", "..", "internal", "classify", "testdata", "tickets.csv")
	model := filepath.Join(dir, "model.bin")
	runOK := func(args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("jiceng %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errb.String())
		}
		return out.String(), errb.String()
	}

	runOK("classify", "train", "-in", fixture, "-text", "text", "-label", "level1,level2", "-out", model)

	in := filepath.Join(dir, "in.csv")
	rows := "编号,标题,内容\n" +
		"a1,停水,家里停水三天了\n" +
		"a2,噪音,夜间施工噪音扰民\n" +
		"a3,,\n" +
		"a4,公交,公交车太少\n"
	if err := os.WriteFile(in, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := runOK("classify", "predict", "-model", model, "-in", in, "-text", "标题,内容", "-id", "编号")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"id", "label"}, {"a1", "城乡建设/供水"}, {"a2", "环境保护/噪声"}, {"a3", ""}, {"a4", "交通运输/公交"}}
	if len(recs) != len(want) {
		t.Fatalf("predict wrote %d records, want %d:\n%s", len(recs), len(want), out)
	}
	for i, w := range want {
		if recs[i][0] != w[0] || recs[i][1] != w[1] {
			t.Errorf("record %d = %q, want id %q label %q", i, recs[i], w[0], w[1])
		}
	}

	out, _ = runOK("classify", "eval", "-in", fixture, "-text", "text", "-label", "level1,level2", "-folds", "4")
	for _, s := range []string{"macro-F1", "confusion", "throughput", "环境保护"} {
		if !strings.Contains(out, s) {
			t.Errorf("eval output lacks %q:\n%s", s, out)
		}
	}

	// A tag library (as the /tags page downloads it) becomes features saved
	// with the model: an alias never seen in training names the tag.
	tags := filepath.Join(dir, "tags.csv")
	if err := os.WriteFile(tags, []byte("标签,一级分类,别名\n停水,城乡建设,断供自来水\n噪音扰民,,吵得睡不着\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tagged := filepath.Join(dir, "tagged.bin")
	_, stderr := runOK("classify", "train", "-in", fixture, "-text", "text", "-label", "level1,level2", "-tags", tags, "-out", tagged)
	if !strings.Contains(stderr, "2 tags") {
		t.Errorf("train -tags: stderr %q does not say 2 tags", stderr)
	}
	f, err := os.Open(tagged)
	if err != nil {
		t.Fatal(err)
	}
	m, err := classify.Load(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want2 := []classify.Tag{{Name: "停水", Aliases: []string{"断供自来水"}}, {Name: "噪音扰民", Aliases: []string{"吵得睡不着"}}}
	if got := m.Config().Features.Tags; !reflect.DeepEqual(got, want2) {
		t.Errorf("model tags = %v, want %v", got, want2)
	}
	out, _ = runOK("classify", "eval", "-in", fixture, "-text", "text", "-label", "level1,level2", "-folds", "4", "-fast", "-tags", tags)
	if !strings.Contains(out, "macro-F1") {
		t.Errorf("eval -tags output lacks macro-F1:\n%s", out)
	}
}

func TestClassifyErrors(t *testing.T) {
	dir := t.TempDir()
	notModel := filepath.Join(dir, "x.csv")
	os.WriteFile(notModel, []byte("id,text\n1,停水\n"), 0o600)
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no subcommand", []string{"classify"}, "用法"},
		{"unknown subcommand", []string{"classify", "fit"}, "未知子命令"},
		{"missing flags", []string{"classify", "train", "-in", notModel}, "用法"},
		{"not a model", []string{"classify", "predict", "-model", notModel, "-in", notModel, "-text", "text", "-id", "id"}, "不是分类模型文件"},
		{"unknown column", []string{"classify", "eval", "-in", notModel, "-text", "内容", "-label", "label"}, "找不到列"},
		{"street tags without a database", []string{"classify", "train", "-in", notModel, "-text", "text", "-label", "id", "-street-tags", "-out", notModel + ".m"}, "用法"},
		{"no tag file", []string{"classify", "train", "-in", notModel, "-text", "text", "-label", "id", "-tags", notModel + ".none", "-out", notModel + ".m"}, "无法读取标签库文件"},
		{"bad tag file", []string{"classify", "train", "-in", notModel, "-text", "text", "-label", "id", "-tags", notModel, "-out", notModel + ".m"}, "表头"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb); code == 0 {
				t.Fatalf("exit 0, want failure")
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tt.want)
			}
		})
	}
}
