package importer

import (
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
	merges, noValue, err := scanSheet(strings.NewReader(sheetXML))
	if err != nil {
		t.Fatal(err)
	}
	wantM := []mergeRange{{r1: 1, c1: 1, r2: 2, c2: 2}, {r1: 5, c1: 3, r2: 9, c2: 4}}
	if !reflect.DeepEqual(merges, wantM) {
		t.Errorf("merges = %+v, want %+v", merges, wantM)
	}
	if want := map[int][]int{2: {1, 3}}; !reflect.DeepEqual(noValue, want) {
		t.Errorf("formulas without value = %v, want %v", noValue, want)
	}
}

func FuzzScanSheet(f *testing.F) {
	f.Add([]byte(sheetXML))
	f.Add([]byte(`<c r="A1"><f>1</f></c><mergeCell ref="A1:XFD1048576"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		merges, _, err := scanSheet(strings.NewReader(string(data)))
		if err != nil {
			return
		}
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
