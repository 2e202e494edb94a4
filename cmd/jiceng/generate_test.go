package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/demo"
	"jiceng/internal/fieldset"
)

func runGen(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"generate"}, args...), strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("generate %v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String()
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("generated CSV does not parse: %v", err)
	}
	return rows
}

func TestGenerateCSV(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "t.csv")
	runGen(t, "-n", "800", "-out", out, "-end", "2025-06-30", "-seed", "5")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatal("UTF-8 CSV without BOM")
	}
	rows := readCSV(t, b[3:])
	if len(rows) != 801 {
		t.Fatalf("got %d rows, want header + 800", len(rows))
	}
	// Every header names a distinct field of the standard field set.
	set := fieldset.Tickets()
	seen := map[string]string{}
	for i, h := range rows[0] {
		if h != demo.Header[i] {
			t.Errorf("header %d = %q, want %q", i, h, demo.Header[i])
		}
		f := set.Lookup(h)
		if f == nil {
			t.Errorf("header %q is not an alias of any field", h)
			continue
		}
		if prev, dup := seen[f.Name]; dup {
			t.Errorf("headers %q and %q both map to %s", prev, h, f.Name)
		}
		seen[f.Name] = h
	}
	for _, f := range set.Fields {
		if f.Required && seen[f.Name] == "" {
			t.Errorf("required field %s has no column", f.Name)
		}
	}
	numbers := map[string]bool{}
	for _, r := range rows[1:] {
		if numbers[r[0]] || r[11] == "" {
			t.Fatalf("row %v: duplicate number or empty content", r[0])
		}
		numbers[r[0]] = true
	}

	// Same flags, same bytes; GBK holds the same text.
	again := filepath.Join(dir, "again.csv")
	runGen(t, "-n", "800", "-out", again, "-end", "2025-06-30", "-seed", "5", "-workers", "1")
	if b2, _ := os.ReadFile(again); !bytes.Equal(b, b2) {
		t.Error("two runs with the same flags differ")
	}
	gbk := filepath.Join(dir, "gbk.csv")
	runGen(t, "-n", "800", "-out", gbk, "-end", "2025-06-30", "-seed", "5", "-encoding", "gbk")
	g, _ := os.ReadFile(gbk)
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(g)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dec, b[3:]) {
		t.Error("GBK file decodes to different text than the UTF-8 file")
	}
}

func TestGenerateXLSX(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.xlsx")
	runGen(t, "-n", "300", "-out", out, "-end", "2025-06-30")
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 301 || strings.Join(rows[0], ",") != strings.Join(demo.Header, ",") {
		t.Fatalf("got %d rows with header %v", len(rows), rows[0])
	}
}

func TestGenerateUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no out", []string{"-n", "10"}},
		{"bad format", []string{"-out", "x.csv", "-format", "pdf"}},
		{"bad encoding", []string{"-out", "x.csv", "-encoding", "latin1"}},
		{"bad end", []string{"-out", "x.csv", "-end", "30/06/2025"}},
		{"negative", []string{"-out", "x.csv", "-n", "-5"}},
		{"xlsx to stdout", []string{"-out", "-", "-format", "xlsx"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"generate"}, tc.args...), strings.NewReader(""), &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2 (stderr %s)", code, stderr.String())
			}
		})
	}
}
