package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
)

// countStore counts what it is given.
type countStore struct{ n int }

func (c *countStore) UpsertTickets(_ context.Context, t []core.Ticket, _ string) (core.UpsertResult, error) {
	c.n += len(t)
	return core.UpsertResult{Created: len(t)}, nil
}

// checkAccounting reads the file at p with the row reader and imports it,
// and checks that every row read is accounted for: stored, rejected, blank,
// a title row, the header or a repeat of it.
func checkAccounting(t *testing.T, p string) {
	r, _, err := importer.Open(p, importer.ReadOptions{})
	if err != nil {
		return // a clear error for the whole file
	}
	n := 0
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			break
		}
		n++
		if row.Num != n {
			t.Fatalf("row %d numbered %d", n, row.Num)
		}
	}
	r.Close()
	var st countStore
	sum, err := importer.Import(context.Background(), &st, p, importer.Options{BatchSize: 3})
	if err != nil && sum.Rejected == 0 && n > 0 && sum.HeaderRow > 0 {
		return // a read error past the header (e.g. a broken XLSX part)
	}
	if st.n != sum.Created {
		t.Fatalf("store got %d tickets, summary says %d", st.n, sum.Created)
	}
	header := 0
	if sum.HeaderRow > 0 {
		header = 1
	}
	if err == nil || sum.Rejected > 0 {
		if got := sum.Created + sum.Rejected + sum.BlankRows + sum.TitleRows + sum.HeaderRepeats + header; got != n {
			t.Fatalf("%d rows read, %d accounted for (%+v, err %v)", n, got, sum, err)
		}
	}
	if sum.Rejected > 0 {
		b, err := os.ReadFile(importer.RejectsPath(p))
		if err != nil || !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Fatalf("rejects file missing or without BOM: %v", err)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"title.csv", "bom.csv", "tab.csv", "duplicates.csv", "truncated.csv", "invalid.csv", "noheader.csv",
		"wenzheng.csv", "wenzheng-gbk.csv", "hotline12345.csv", "ampm.csv", "unknownheaders.csv", "glued.csv", "headerless.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("工单编号,来电时间,诉求内容\n\"a\"b,\"\",\"\"\"\n"))
	for _, b := range hostileSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, p)
	})
}

// FuzzLoadMapping: LoadMapping never panics; a mapping it reads is
// valid, and its MappingText reads back to the same mapping.
func FuzzLoadMapping(f *testing.F) {
	for _, s := range []string{
		"列名,字段\n事项号,number\n发生时间,来电时间\n# 注释\n",
		"提交时间,received_at,MM/DD/YYYY hh:mm:ss AM,America/New_York\n",
		"类型,category1\n类型,title\n",
		"\" #a, b\",number\nx,received_at,,+08:00\n",
		"a,received_at,YYYY-QQ\n",
		"a,received_at,excel,UTC\nb,resolved_at,2006-01-02 15:04 -0700\n",
	} {
		f.Add([]byte(s))
	}
	b, err := os.ReadFile(filepath.Join("testdata", "ampm.map.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	set := fieldset.Tickets()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := importer.LoadMapping(bytes.NewReader(data), set)
		if err != nil {
			return
		}
		if err := m.Check(set); err != nil {
			t.Fatalf("LoadMapping accepted a mapping Check refuses: %v", err)
		}
		text := m.MappingText()
		back, err := importer.LoadMapping(strings.NewReader(text), set)
		if err != nil {
			t.Fatalf("MappingText %q does not read back: %v", text, err)
		}
		if !reflect.DeepEqual(normal(back), normal(m)) {
			t.Fatalf("MappingText %q reads back as %v, want %v", text, back, m)
		}
	})
}

// normal drops the spelling of the columns, which MappingText may change
// (it keeps the folded form).
func normal(m importer.Mapping) map[string][]importer.Target {
	out := map[string][]importer.Target{}
	for k, ts := range m {
		for _, t := range ts {
			t.Column = ""
			out[k] = append(out[k], t)
		}
	}
	return out
}

func FuzzReadXLSX(f *testing.F) {
	for _, rows := range [][][]any{
		{{"工单编号", "来电时间", "诉求内容"}, {"X1", 45356.5, "内容"}, {"X2", "2024-03-05", nil}},
		{{"标题"}, {"工单编号", "来电时间", "诉求内容", "社区"}, {"X1", "2024-03-05", "a", "幸福"}, {"X1", "2024-03-05", "b", nil}},
	} {
		x := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			x.SetSheetRow("Sheet1", cell, &r)
		}
		x.MergeCell("Sheet1", "D2", "D4")
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.xlsx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, p)
	})
}

// hostileSeeds are small versions of the outside probe's hostile files
// (issue 10): rows wider than MaxColumns, headers naming too many unknown
// columns, undecodable GBK bytes, replacement characters, a runaway quote,
// and formula-looking cells.
func hostileSeeds() [][]byte {
	h := "工单编号,来电时间,诉求内容"
	gbk := []byte(h + "\nA1,2024-03-05 08:30,")
	gbk = append(gbk, 0xC2, 0xA5, 0xFF, 0xB5, 0xC0, 0x81, 0x30, '\n')
	return [][]byte{
		[]byte(h + "\nA1,2024-03-05 08:30,x" + strings.Repeat(",a", importer.MaxColumns+10) + "\n"),
		[]byte(h + "\nA1,2024-03-05 08:30,x" + strings.Repeat(",", importer.MaxColumns+10) + "\n"),
		[]byte(h + strings.Repeat(",未知", importer.MaxExtra+1) + "\nA1,2024-03-05 08:30,x\n"),
		[]byte(h + "\nA1,2024-03-05 08:30,x" + strings.Repeat(",v", importer.MaxExtra+1) + "\n"),
		gbk,
		[]byte(h + "\nA1,2024-03-05 08:30,\uFFFD\nA2,2024-03-05,ok\n"),
		[]byte(h + "\nA1,2024-03-05 08:30,\"" + strings.Repeat("未闭合\n", 1000)),
		[]byte(h + "\nA1,2024-03-05 08:30,=HYPERLINK(\"http://x\")\nA2,2024-03-05,'+cmd|' /C calc'!A0\n"),
	}
}

// TestHostileSeeds runs the accounting check on every hostile seed, so
// they are covered in CI without -fuzz.
func TestHostileSeeds(t *testing.T) {
	dir := t.TempDir()
	for i, b := range hostileSeeds() {
		p := filepath.Join(dir, fmt.Sprintf("h%d.csv", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, p)
	}
}

// TestHashCollisions forces every number to the same hash: rows with
// different numbers must all be stored, true duplicates still rejected.
func TestHashCollisions(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("testdata", "duplicates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "dup.csv")
	os.WriteFile(p, b, 0o644)
	var st countStore
	opt := importer.WithHash(importer.Options{}, func(string) uint64 { return 42 })
	sum, err := importer.Import(context.Background(), &st, p, opt)
	if err != nil || sum.Created != 2 || st.n != 2 || sum.Rejected != 2 {
		t.Fatalf("created %d (store %d), rejected %d, err %v; want 2, 2, nil", sum.Created, st.n, sum.Rejected, err)
	}
	rej, _ := os.ReadFile(importer.RejectsPath(p))
	if got := strings.Count(string(rej), "工单编号与第 2 行重复"); got != 2 {
		t.Errorf("rejects:\n%s", rej)
	}
}

// TestMutatedFiles runs the fuzz targets' check on a fixed set of randomly
// damaged files (bytes changed, dropped, inserted, the end cut), so that
// every test run covers broken input even where coverage-guided fuzzing of
// excelize is slow.
func TestMutatedFiles(t *testing.T) {
	var seeds [][]byte
	for _, name := range []string{"title.csv", "duplicates.csv", "truncated.csv", "invalid.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"工单编号", "来电时间", "诉求内容", "社区"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"X1", 45356.5, "内容", "幸福"})
	x.SetSheetRow("Sheet1", "A3", &[]any{"X2", "2024-03-05", "内容"})
	x.MergeCell("Sheet1", "D2", "D3")
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, buf.Bytes())
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for i := range 300 {
		b := append([]byte(nil), seeds[i%len(seeds)]...)
		for range 1 + rng.IntN(4) {
			switch j := rng.IntN(len(b) + 1); rng.IntN(4) {
			case 0:
				if j < len(b) {
					b[j] = byte(rng.IntN(256))
				}
			case 1:
				if j < len(b) {
					b = append(b[:j], b[j+1:]...)
				}
			case 2:
				b = append(b[:j], append([]byte{"\",\n\r\t;\x00"[rng.IntN(7)]}, b[j:]...)...)
			case 3:
				b = b[:j]
			}
		}
		p := filepath.Join(dir, fmt.Sprintf("m%d.csv", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, p)
	}
}
