package dispatch

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
)

// wantFixture is what testdata/catalogue.csv holds: a title row, the header
// (with an extra 序号 column) and rules, good and bad.
var (
	wantRules = []core.DispatchRule{
		{Category1: "城乡建设", Category2: "城市建设和市政管理", Category3: "冬季采暖", Unit: "海川热力公司",
			CoUnits: []string{"清河湾物业管理公司", "属地社区"}, Note: "供暖季"},
		{Category1: "城乡建设", Category2: "城市建设和市政管理", Keywords: []string{"停水", "自来水", "水压低"},
			Unit: "海川区自来水公司", Priority: 1},
		{Keywords: []string{"燃气", "天然气"}, Community: "QHW03", Unit: "海川燃气公司", Priority: 2, Note: "枫林苑社区燃气"},
		{Category1: "城乡建设", Category2: "城市建设和市政管理", Category3: "小区管理", Unit: "属地社区",
			CoUnits: []string{"清河湾物业管理公司"}},
	}
	wantErrors = []RowError{
		{6, "承办单位为空"},
		{7, "填写了二级分类，但一级分类为空"},
		{8, "与第3行的条件完全相同"},
		{9, "优先级“高”不是整数"},
		{10, "分类、关键词、社区都为空：这条规则会匹配所有工单"},
		{11, "承办单位只能填一个；其余单位请填在“协办单位”列"},
		{13, "关键词“。。”不含文字"},
	}
)

func TestLoadCatalogue(t *testing.T) {
	xlsx := writeXLSX(t, "testdata/catalogue.csv")
	tests := []struct {
		name, path string
	}{
		{"utf-8 csv", "testdata/catalogue.csv"},
		{"gb18030 csv", "testdata/catalogue_gbk.csv"},
		{"xlsx", xlsx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, bad, err := LoadCatalogue(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rules, wantRules) {
				t.Errorf("rules:\n got %+v\nwant %+v", rules, wantRules)
			}
			if !reflect.DeepEqual(bad, wantErrors) {
				t.Errorf("rejected rows:\n got %v\nwant %v", bad, wantErrors)
			}
		})
	}
}

// writeXLSX copies a CSV fixture into an XLSX file and returns its path.
func writeXLSX(t *testing.T, csvPath string) string {
	t.Helper()
	rules, err := readCSVCells(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rules {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "目录.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadCatalogueRefuses(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content, want string
	}{
		{"no header", "a,b,c\n1,2,3\n", "找不到表头"},
		{"no unit column", "一级分类,关键词\n城乡建设,停水\n", "找不到表头"},
		{"empty file", "", "找不到表头"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".csv")
			writeFile(t, path, tt.content)
			_, _, err := LoadCatalogue(path)
			if err == nil || !strings.Contains(core.ErrorMessage(err), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, _, err := LoadCatalogue(filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"停水", []string{"停水"}},
		{"停水、没水；水压低;断水,停水，漏水 渗水\u3000跑水", []string{"停水", "没水", "水压低", "断水", "漏水", "渗水", "跑水"}},
		{" 、、 ", nil},
	}
	for _, tt := range tests {
		if got := splitList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseRule(f *testing.F) {
	cells, err := readCSVCells("testdata/catalogue.csv")
	if err != nil {
		f.Fatal(err)
	}
	cols, ok := findColumns(cells[1])
	if !ok {
		f.Fatal("fixture header not recognised")
	}
	for _, row := range cells[2:] {
		f.Add(strings.Join(row, "\t"))
	}
	f.Add("\t城乡建设\t\t\t、、\t\t单位\t\t-0\t")
	f.Fuzz(func(t *testing.T, line string) {
		row := strings.Split(line, "\t")
		r, reason := parseRule(cols, row)
		if reason != "" {
			return
		}
		if r.Unit == "" || strings.ContainsAny(r.Unit, "、;；,，") {
			t.Errorf("accepted rule with unit %q", r.Unit)
		}
		if r.Category1 == "" && len(r.Keywords) == 0 && r.Community == "" {
			t.Errorf("accepted rule without conditions: %+v", r)
		}
		for _, k := range r.Keywords {
			if keyForm(k) == "" {
				t.Errorf("accepted empty keyword %q", k)
			}
		}
		for _, u := range r.CoUnits {
			if u == "" || u == r.Unit {
				t.Errorf("bad co-unit %q in %+v", u, r)
			}
		}
		// A rule built from an accepted row matches without panicking.
		c := NewCatalogue([]core.DispatchRule{r}, core.Areas{}, nil)
		c.Match(core.Ticket{Title: line, Category1: r.Category1, Category2: r.Category2, Category3: r.Category3, Community: r.Community})
	})
}
