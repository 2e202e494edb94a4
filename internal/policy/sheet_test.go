package policy

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/importer"
	"jiceng/internal/tabfile"
)

func tabfileReader(b []byte) (tabfile.RowReader, error) {
	return tabfile.NewCSVReader(bytes.NewReader(b), io.NopCloser(nil))
}

func csvRows(t testing.TB, b []byte) tabfile.RowReader {
	t.Helper()
	rr, err := tabfileReader(b)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

func openRows(t *testing.T, name string) tabfile.RowReader {
	t.Helper()
	rr, _, err := importer.Open(filepath.Join("testdata", name), importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rr.Close() })
	return rr
}

func TestReadQAGolden(t *testing.T) {
	for _, name := range []string{"qa.csv", "qa_gbk.csv"} {
		t.Run(name, func(t *testing.T) {
			docs, skips, err := ReadQA(strings.TrimSuffix(name, ".csv"), openRows(t, name), Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				checkPassages(t, d)
			}
			checkGolden(t, name, append(golden(docs...), skipsText(skips)...))
		})
	}
}

func skipsText(skips []Skip) []byte {
	var b bytes.Buffer
	for _, s := range skips {
		b.WriteString("skipped row " + strconv.Itoa(s.Row) + ": " + s.Reason + "\n")
	}
	return b.Bytes()
}

func TestReadQAXLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qa.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	xw, err := tabfile.NewXLSXWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]string{{"问题", "回答"}, {"低保标准是多少？", "本区低保标准为每人每月1395元。"}} {
		if err := xw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rr, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Close()
	docs, _, err := ReadQA("x", rr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || len(docs[0].Passages) != 1 || docs[0].Passages[0].Question != "低保标准是多少？" || docs[0].Format != FormatQA {
		t.Errorf("got %s", golden(docs...))
	}
}

func TestReadQAErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"no header", "a,b\nc,d\n", "表头"},
		{"only a header", "问题,答案\n", "没有一行"},
		{"empty", "\n", "空"},
		{"half rows only", "问题,答案\n只有问题,\n", "没有一行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadQA("x", csvRows(t, []byte(tt.csv)), Options{})
			checkErr(t, err, tt.want)
		})
	}
}

func TestReadRowsGolden(t *testing.T) {
	docs, skips, err := ReadRows(openRows(t, "rows.csv"), RowColumns{ID: "编号", Text: "正文", Title: "标题"}, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		checkPassages(t, d)
	}
	checkGolden(t, "rows.csv", append(golden(docs...), skipsText(skips)...))
}

func TestReadRowsErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		cols      RowColumns
		want      string
	}{
		{"no such column", "id,text\n1,x\n", RowColumns{ID: "id", Text: "正文"}, "没有“正文”列"},
		{"columns by number", "id,text\n,\n", RowColumns{ID: "1", Text: "2"}, "没有一行"},
		{"no columns given", "id,text\n", RowColumns{}, "请指定"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadRows(csvRows(t, []byte(tt.csv)), tt.cols, Options{})
			checkErr(t, err, tt.want)
		})
	}
}
