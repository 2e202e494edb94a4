package importer

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sheetXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="str"><f>A1&amp;"x"</f><v>ax</v></c></row>
<row r="2"><c r="A2"><f>1+1</f></c><c r="B2"/><c r="C2"><f t="shared" si="0"/></c></row>
<row r="3"><x:c r="D3"><x:f>1</x:f><x:is><x:t>v</x:t></x:is></x:c></row>
</sheetData><mergeCells count="2"><mergeCell ref="D5:C9"/><mergeCell ref="A1:B2"/><mergeCell ref="bad"/></mergeCells></worksheet>`

func TestScanSheet(t *testing.T) {
	sc, err := scanSheet(strings.NewReader(sheetXML))
	if err != nil {
		t.Fatal(err)
	}
	merges, noValue := sc.merges, sc.noValue
	wantM := []mergeRange{{r1: 1, c1: 1, r2: 2, c2: 2}, {r1: 5, c1: 3, r2: 9, c2: 4}}
	if !reflect.DeepEqual(merges, wantM) {
		t.Errorf("merges = %+v, want %+v", merges, wantM)
	}
	if want := map[int][]int{2: {1, 3}}; !reflect.DeepEqual(noValue, want) {
		t.Errorf("formulas without value = %v, want %v", noValue, want)
	}
	if len(sc.bigRows) != 0 {
		t.Errorf("big rows = %v, want none", sc.bigRows)
	}
}

func TestScanSheetBigRows(t *testing.T) {
	big := strings.Repeat("x", 2*MaxCell+10)
	xml := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ok</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>` + big + `</t></is></c></row>` +
		`<row><c t="inlineStr"><is><t>ok</t></is></c></row></sheetData></worksheet>`
	sc, err := scanSheet(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int]string{2: "单元格超过 1 MB"}; !reflect.DeepEqual(sc.bigRows, want) {
		t.Errorf("big rows = %v, want %v", sc.bigRows, want)
	}
	huge := `<worksheet><sheetData><row r="7"><c r="A7" t="inlineStr"><is><t>` + strings.Repeat("y", maxXMLText+1) + `</t></is></c></row></sheetData></worksheet>`
	if _, err := scanSheet(strings.NewReader(huge)); err == nil || !strings.Contains(err.Error(), "第 7 行") {
		t.Errorf("a 64 MB text: err %v, want the file refused naming row 7", err)
	}
}

func FuzzScanSheet(f *testing.F) {
	f.Add([]byte(sheetXML))
	f.Add([]byte(`<c r="A1"><f>1</f></c><mergeCell ref="A1:XFD1048576"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scanSheet(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		merges := sc.merges
		for i, m := range merges {
			if m.r1 > m.r2 || m.c1 > m.c2 || m.r1 < 1 || m.c1 < 1 {
				t.Fatalf("bad range %+v", m)
			}
			if i > 0 && merges[i-1].r1 > m.r1 {
				t.Fatalf("ranges not sorted")
			}
		}
	})
}

func TestCheckZip(t *testing.T) {
	type part struct {
		name       string
		size, comp uint64 // declared sizes
	}
	tests := []struct {
		name  string
		parts []part
		want  string // in the error; "" for none
	}{
		{"ordinary", []part{{"xl/worksheets/sheet1.xml", 300 << 20, 30 << 20}, {"xl/sharedStrings.xml", 90 << 20, 20 << 20}}, ""},
		{"over 1 GB in all", []part{{"xl/worksheets/sheet1.xml", 700 << 20, 70 << 20}, {"xl/worksheets/sheet2.xml", 400 << 20, 40 << 20}}, "解压后超过 1024 MB"},
		{"big shared strings", []part{{"xl/sharedStrings.xml", 300 << 20, 100 << 20}}, "共享字符串表解压后超过 256 MB"},
		{"big other part", []part{{"xl/styles.xml", 80 << 20, 40 << 20}}, "styles.xml 解压后超过 64 MB"},
		{"zip bomb", []part{{"xl/worksheets/sheet1.xml", 500 << 20, 1 << 20}}, "疑似压缩炸弹"},
		{"small part compressed a lot", []part{{"xl/styles.xml", 1 << 20, 1 << 10}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, p := range tt.parts {
				// Only the declared sizes are looked at: the data is a stub.
				w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Store, UncompressedSize64: p.size, CompressedSize64: p.comp})
				if err != nil {
					t.Fatal(err)
				}
				w.Write([]byte("x"))
			}
			zw.Close()
			path := filepath.Join(t.TempDir(), "f.xlsx")
			os.WriteFile(path, buf.Bytes(), 0o644)
			err := checkZip(path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("checkZip: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("checkZip = %v, want %q", err, tt.want)
			}
		})
	}
}
