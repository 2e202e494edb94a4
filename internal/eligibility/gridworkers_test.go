package eligibility

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
)

// gridAreas: two communities each with a 第一网格 (the name is reused) and
// one grid of its own.
var gridAreas = core.Areas{
	Streets:     []core.Street{{Code: "QHW", Name: "清河湾街道"}},
	Communities: []core.Community{{Code: "QHW01", Name: "望春园社区", Street: "QHW"}, {Code: "QHW02", Name: "柳荫里社区", Street: "QHW"}},
	Grids: []core.Grid{{Code: "G11", Name: "第一网格", Community: "QHW01"}, {Code: "G12", Name: "望春园第二网格", Community: "QHW01"},
		{Code: "G21", Name: "第一网格", Community: "QHW02"}},
}

func csvRecords(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		out = append(out, strings.Split(line, ","))
	}
	return out
}

func TestParseGridWorkers(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // community/grid/code/name/phone/account of each row
		rows       []string // the bad rows, "line|reason contains"
	}{
		{"by code, by unique name, by name with community",
			"网格,社区,网格员,电话,账号\nG11,,张网格,010-62301234,cw01\n望春园第二网格,,李网格,,\n第一网格,柳荫里社区,王网格,13800001234,\n",
			[]string{"望春园社区/第一网格/G11/张网格/010-62301234/cw01", "望春园社区/望春园第二网格/G12/李网格//", "柳荫里社区/第一网格/G21/王网格/13800001234/"}, nil},
		{"aliases, columns in any order, blank rows", "\ufeffworker,grid\n\n张网格,G11\n,\n", []string{"望春园社区/第一网格/G11/张网格//"}, nil},
		{"community by code", "网格,社区,网格员\n第一网格,QHW02,王网格", []string{"柳荫里社区/第一网格/G21/王网格//"}, nil},
		{"header only", "网格,网格员", nil, nil},
		{"unknown grid", "网格,网格员\n第九网格,张网格", nil, []string{"2|网格「第九网格」不在区域名录中"}},
		{"ambiguous name", "网格,网格员\n第一网格,张网格", nil, []string{"2|网格「第一网格」在多个社区都有（望春园社区、柳荫里社区）"}},
		{"unknown community", "网格,社区,网格员\nG11,铁路北社区,张网格", nil, []string{"2|社区「铁路北社区」不在区域名录中"}},
		{"grid of another community", "网格,社区,网格员\nG21,望春园社区,张网格\n望春园第二网格,柳荫里社区,李网格", nil,
			[]string{"2|网格「G21」不属于社区「望春园社区」", "3|网格「望春园第二网格」不属于社区「柳荫里社区」"}},
		{"empty grid", "网格,网格员\n,张网格", nil, []string{"2|「网格」为空"}},
		{"empty worker", "网格,网格员\nG11,", nil, []string{"2|网格「G11」的「网格员」为空"}},
		{"bad phone, not quoted", "网格,网格员,电话\nG11,张网格,call 88776655", nil, []string{"2|「电话」格式不对"}},
		{"bad account", "网格,网格员,账号\nG11,张网格,Zhang Wang", nil, []string{"2|「账号」应为登录用户名"}},
		{"duplicate grid", "网格,网格员\nG11,张网格\n第一网格,李网格\nG12,王网格\n", nil, []string{"3|"}},
		{"same grid by code and name", "网格,社区,网格员\nG11,,张网格\n第一网格,望春园社区,李网格", nil, []string{"3|与第 2 行重复"}},
		{"control character", "网格,网格员\nG11,张\x01网格", nil, []string{"2|含有控制字符"}},
		{"too long", "网格,网格员\nG11," + strings.Repeat("张", 201), nil, []string{"2|超过 200 个字"}},
		{"no grid column", "社区,网格员\n望春园社区,张网格", nil, []string{"1|缺少列「网格」"}},
		{"no worker column", "网格,电话\nG11,62301234", nil, []string{"1|缺少列「网格员」"}},
		{"empty file", "", nil, []string{"0|表为空"}},
		{"every bad row", "网格,网格员\n第九网格,甲\nG11,乙\nG11,丙\n,丁\n", nil, []string{"2|不在区域名录中", "4|与第 3 行重复", "5|为空"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := csvRecords(tc.text)
			if tc.text == "" {
				recs = nil
			}
			w, err := ParseGridWorkers(recs, gridAreas)
			if w == nil {
				t.Fatal("nil table")
			}
			if tc.rows == nil {
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, gw := range w.Rows() {
					got = append(got, strings.Join([]string{gw.Community, gw.Grid, gw.GridCode, gw.Name, gw.Phone, gw.Account}, "/"))
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
				return
			}
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			var rs core.RowErrors
			if !errors.As(err, &rs) || len(rs) != len(tc.rows) {
				t.Fatalf("rows %v, want %v", err, tc.rows)
			}
			for i, want := range tc.rows {
				line, reason, _ := strings.Cut(want, "|")
				if got := rs[i]; strings.TrimLeft(line, "0123456789") != "" || itoa(got.Row) != line || !strings.Contains(got.Reason, reason) {
					t.Errorf("row %d = %d %q, want %s %q", i, got.Row, got.Reason, line, reason)
				}
			}
			if strings.Contains(err.Error(), "88776655") {
				t.Errorf("the error quotes the phone: %v", err)
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestGridWorkersLookup: a person record's community and grid names find
// the row, as do a grid's code and a grid name unique in the street; the
// accounts' rows and the names.
func TestGridWorkersLookup(t *testing.T) {
	w, err := ParseGridWorkers(csvRecords("网格,社区,网格员,账号\nG11,,张网格,cw01\n望春园第二网格,,张网格,cw01\nG21,,王网格,\n"), gridAreas)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ community, grid, want string }{
		{"望春园社区", "第一网格", "张网格"},
		{"柳荫里社区", "第一网格", "王网格"},
		{"", "第一网格", ""}, // ambiguous without the community
		{"", "G21", "王网格"},
		{"别的社区", "望春园第二网格", "张网格"}, // a unique grid name
		{"望春园社区", "", ""},
		{"望春园社区", "第三网格", ""},
	} {
		gw, ok := w.Of(tc.community, tc.grid)
		if gw.Name != tc.want || ok != (tc.want != "") {
			t.Errorf("Of(%q, %q) = %q %v, want %q", tc.community, tc.grid, gw.Name, ok, tc.want)
		}
	}
	if got := w.OfAccount("cw01"); len(got) != 2 || got[0].GridCode != "G11" || got[1].GridCode != "G12" {
		t.Errorf("OfAccount(cw01) = %+v", got)
	}
	if got := strings.Join(w.Names(), ","); got != "张网格,王网格" && got != "王网格,张网格" {
		t.Errorf("Names = %s", got)
	}
	if !w.Has("cw01") || !w.Has("王网格") || w.Has("李网格") || w.Has("") {
		t.Error("Has")
	}
	var none *GridWorkers
	if _, ok := none.Of("望春园社区", "第一网格"); ok || none.Has("张网格") || none.Rows() != nil || none.Names() != nil || none.OfAccount("cw01") != nil {
		t.Error("a nil table names somebody")
	}
}

// FuzzParseGridWorkers: any table never panics; every row kept names a
// grid of the areas once, with a worker; the bad rows are within the
// table.
func FuzzParseGridWorkers(f *testing.F) {
	f.Add("网格,社区,网格员,电话,账号\nG11,,张网格,010-62301234,cw01\n第一网格,柳荫里社区,王网格,,")
	f.Add("worker,grid\n张,第一网格\n\n,G12\nG12,李")
	f.Add("网格,网格员\n第一网格,\xff\nG11,张\x00")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		var recs [][]string
		if text != "" {
			recs = csvRecords(text)
		}
		w, err := ParseGridWorkers(recs, gridAreas)
		if w == nil {
			t.Fatal("nil table")
		}
		if err != nil && core.ErrorCode(err) != core.EINVALID {
			t.Fatalf("error %v is not EINVALID", err)
		}
		var rs core.RowErrors
		if errors.As(err, &rs) {
			for _, r := range rs {
				if r.Row < 0 || r.Row > len(recs)+1 || !utf8.ValidString(r.Reason) || r.Reason == "" {
					t.Fatalf("bad row %+v of %d records", r, len(recs))
				}
			}
		}
		seen := map[string]bool{}
		for _, gw := range w.Rows() {
			if seen[gw.GridCode] || gw.Name == "" || gw.Line < 2 || gw.Line > len(recs)+1 {
				t.Fatalf("row %+v", gw)
			}
			seen[gw.GridCode] = true
			if got, ok := w.Of(gw.Community, gw.Grid); !ok || got.GridCode != gw.GridCode {
				t.Fatalf("Of(%q, %q) = %+v, %v", gw.Community, gw.Grid, got, ok)
			}
			found := false
			for _, g := range gridAreas.Grids {
				found = found || g.Code == gw.GridCode && g.Name == gw.Grid
			}
			if !found {
				t.Fatalf("row of a grid not in the areas: %+v", gw)
			}
		}
	})
}
