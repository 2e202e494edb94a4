package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/linkage"
)

func TestLinkEval(t *testing.T) {
	out, _ := runExpect(t, []string{"link", "eval", "-n", "6000", "-seed", "2"}, 0, "")
	for _, want := range []string{"records           6000", "candidate pairs", "normalise", "peak heap", "EM ", "exact ID number (baseline)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The quality rows must show Fellegi–Sunter clearly ahead of the
	// baseline's recall.
	recall := map[string]float64{}
	for _, line := range strings.Split(out, "\n") {
		for _, m := range []string{"Fellegi–Sunter, clusters", "exact ID number (baseline)"} {
			if strings.HasPrefix(line, m) {
				f := strings.Fields(strings.TrimPrefix(line, m))
				r, err := strconv.ParseFloat(f[1], 64)
				if err != nil {
					t.Fatalf("bad row %q", line)
				}
				recall[m] = r
			}
		}
	}
	if fs, base := recall["Fellegi–Sunter, clusters"], recall["exact ID number (baseline)"]; fs < 0.93 || fs < base+0.05 {
		t.Errorf("cluster recall %.4f, baseline %.4f", fs, base)
	}
}

func TestLinkEvalUsage(t *testing.T) {
	runExpect(t, []string{"link", "eval", "-n", "1"}, 2, "用法")
	runExpect(t, []string{"link", "merge"}, 2, "未知子命令")
	runExpect(t, []string{"link", "-in", "x.csv"}, 2, "用法")
	runExpect(t, []string{"link", "-in", "x.csv", "-out", "y.csv", "-kind", "car"}, 2, "用法")
}

// writeSources writes generated records as two department files with
// Chinese headers and returns their paths and each record's true person
// by source file name and 编号.
func writeSources(t *testing.T, dir string, n int) ([]string, map[string]int32) {
	t.Helper()
	recs, truth := linkage.GeneratePeople(linkage.GenConfig{Records: n, Seed: 4})
	files := map[string]*csv.Writer{}
	var paths []string
	who := map[string]int32{}
	for i, r := range recs {
		name := "police"
		if r.Source != recs[0].Source {
			name = "civil"
		}
		w, ok := files[name]
		if !ok {
			path := filepath.Join(dir, name+".csv")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			w = csv.NewWriter(f)
			w.Write([]string{"编号", "姓名", "身份证号码", "联系电话", "出生日期", "性别", "现住址", "备注"})
			files[name] = w
			paths = append(paths, path)
		}
		id := "R" + strconv.Itoa(i)
		w.Write(append(append([]string{id}, r.Values...), ""))
		who[name+"/"+id] = truth[i]
	}
	for _, w := range files {
		w.Flush()
	}
	return paths, who
}

func TestLinkFiles(t *testing.T) {
	dir := t.TempDir()
	paths, who := writeSources(t, dir, 8000)
	out := filepath.Join(dir, "pairs.csv")
	_, stderr := runExpect(t, []string{"link", "-in", paths[0], "-in", paths[1], "-out", out, "-id", "编号"}, 0, "对匹配")
	if strings.Contains(stderr, "110105") {
		t.Errorf("stderr shows an ID number: %s", stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || strings.TrimPrefix(strings.Join(rows[0][:8], ","), "\ufeff") != "source_a,id_a,source_b,id_b,probability,weight,decision,cluster" {
		t.Fatalf("bad header %v", rows[0])
	}
	matches, correct := 0, 0
	for _, r := range rows[1:] {
		if r[6] != "match" {
			continue
		}
		matches++
		if who[r[0]+"/"+r[1]] == who[r[2]+"/"+r[3]] {
			correct++
		}
		for _, c := range r[8:] {
			if strings.ContainsAny(c, "0123456789") && !strings.ContainsAny(c, "+-") {
				t.Fatalf("explanation cell %q looks like a value, not a level", c)
			}
		}
	}
	if matches < 1000 || float64(correct) < 0.98*float64(matches) {
		t.Errorf("%d matches, %d correct", matches, correct)
	}
}

func TestLinkFilesMissingColumns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(path, []byte("编号,备注\n1,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runExpect(t, []string{"link", "-in", path, "-out", filepath.Join(dir, "o.csv")}, 1, "至少需要 2 个")
	runExpect(t, []string{"link", "-in", path, "-out", filepath.Join(dir, "o.csv"), "-id", "号码"}, 1, `找不到列 "号码"`)
}

func TestLinkFilesRefusedRow(t *testing.T) {
	dir := t.TempDir()
	paths, _ := writeSources(t, dir, 4000)
	// Append a row with an oversized cell to the first file: it is
	// refused by number, the others are linked.
	f, err := os.OpenFile(paths[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("X1,李娜," + strings.Repeat("9", 1<<20+10) + ",,1990-01-01,女,阳光小区1-1-101,\n")
	f.Close()
	out := filepath.Join(dir, "o.csv")
	_, stderr := runExpect(t, []string{"link", "-in", paths[0], "-in", paths[1], "-out", out, "-id", "编号"}, 0, "行未读入")
	if strings.Contains(stderr, "99999") {
		t.Errorf("stderr shows the refused cell: %.200s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), ",match,"); n < 500 {
		t.Errorf("%d matches", n)
	}
}
