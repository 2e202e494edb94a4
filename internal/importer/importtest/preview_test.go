package importtest_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/importer/importtest"
)

// column is a column of a preview as the tests compare it.
type column struct {
	Header, How string
	Fields      []string
}

func columnsOf(res importer.PreviewResult) []column {
	var out []column
	for _, c := range res.Columns {
		out = append(out, column{Header: c.Header, How: c.How, Fields: c.Fields})
	}
	return out
}

func labels(fs []*fieldset.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Label)
	}
	return out
}

func mustMapping(t *testing.T, text string) importer.Mapping {
	t.Helper()
	m, err := importer.ParseMapping(text, fieldset.Tickets())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fixture(name string) func(t *testing.T) string {
	return func(t *testing.T) string { return filepath.Join("..", "testdata", name) }
}

func TestPreview(t *testing.T) {
	tests := []struct {
		name      string
		file      func(t *testing.T) string
		mapping   string
		sheet     string
		format    string
		headerRow int
		guessed   bool
		titleRows int
		columns   []column
		rows      []int // row numbers of the preview rows
		firstRow  []string
		missing   []string
		wantErr   string
	}{
		{
			name:   "title row and an unknown column",
			file:   fixture("title.csv"),
			format: importer.FormatCSV, headerRow: 2, titleRows: 1,
			columns: []column{
				{"工单编号", importer.ByAlias, []string{"number"}},
				{"来电时间", importer.ByAlias, []string{"received_at"}},
				{"诉求内容", importer.ByAlias, []string{"content"}},
				{"问题分类", importer.ByAlias, []string{"category1"}},
				{"承办单位", importer.ByAlias, []string{"unit"}},
				{"所属社区", importer.ByAlias, []string{"community"}},
				{"办结时间", importer.ByAlias, []string{"resolved_at"}},
				{"满意度", importer.ByAlias, []string{"satisfaction"}},
				{"联系电话", importer.ByAlias, []string{"caller_phone"}},
				{"备注", importer.Unmapped, nil},
			},
			rows:     []int{3, 4, 5},
			firstRow: []string{"A001", "2024-03-05 08:30", "楼道灯坏了", "市政设施", "城管科", "幸福社区", "2024/3/6 10:00", "非常满意", "138 1234 5678", "请回电"},
		},
		{
			name:   "no known header: the first row is taken, every column to map",
			file:   fixture("noheader.csv"),
			format: importer.FormatCSV, headerRow: 1, guessed: true,
			columns: []column{{"甲", importer.Unmapped, nil}, {"乙", importer.Unmapped, nil}, {"丙", importer.Unmapped, nil}},
			rows:    []int{2, 3},
			missing: []string{"工单编号", "受理时间", "诉求内容"},
		},
		{
			name:    "a mapping names the columns",
			file:    fixture("noheader.csv"),
			mapping: "列名,字段\n甲,number\n乙,来电时间\n",
			format:  importer.FormatCSV, headerRow: 1,
			columns: []column{{"甲", importer.ByMapping, []string{"number"}}, {"乙", importer.ByMapping, []string{"received_at"}}, {"丙", importer.Unmapped, nil}},
			rows:    []int{2, 3},
			missing: []string{"诉求内容"},
		},
		{
			name:    "title rows, blank rows and HTML kept as text",
			file:    fixture("preview_unknown.csv"),
			mapping: FormatMappingOf(map[string]string{"事项号码": "number", "事项时间": "received_at", "事项详情": "content"}),
			format:  importer.FormatCSV, headerRow: 3, titleRows: 1,
			columns: []column{
				{"事项号码", importer.ByMapping, []string{"number"}},
				{"事项时间", importer.ByMapping, []string{"received_at"}},
				{"事项详情", importer.ByMapping, []string{"content"}},
				{"<b>附注</b>", importer.Unmapped, nil},
			},
			rows:     []int{4, 6, 7},
			firstRow: []string{"W001", "2024-03-05 08:30", "<script>alert(1)</script>楼道灯坏了", "请回电"},
		},
		{
			name:   "repeated, unnamed and twice-named columns",
			file:   fixture("preview_repeated.csv"),
			format: importer.FormatCSV, headerRow: 1,
			columns: []column{
				{"工单编号", importer.ByAlias, []string{"number"}},
				{"编号", importer.Repeated, nil},
				{"来电时间", importer.ByAlias, []string{"received_at"}},
				{"诉求内容", importer.ByAlias, []string{"content"}},
				{"", importer.Unnamed, nil},
				{"备注", importer.Unmapped, nil},
				{"备注", importer.Unmapped, nil},
			},
			rows: []int{2},
		},
		{
			name:    "a mapping line to no field frees a column its alias would take",
			file:    fixture("preview_repeated.csv"),
			mapping: "列名,字段\n工单编号,-\n编号,number\n",
			format:  importer.FormatCSV, headerRow: 1,
			columns: []column{
				{"工单编号", importer.ByMapping, nil},
				{"编号", importer.ByMapping, []string{"number"}},
				{"来电时间", importer.ByAlias, []string{"received_at"}},
				{"诉求内容", importer.ByAlias, []string{"content"}},
				{"", importer.Unnamed, nil},
				{"备注", importer.Unmapped, nil},
				{"备注", importer.Unmapped, nil},
			},
			rows: []int{2},
		},
		{
			name: "xlsx on a named sheet",
			file: func(t *testing.T) string {
				return xlsxFixture(t, t.TempDir(), "sheets.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{{"说明"}})
					f.NewSheet("工单")
					f.SetSheetRow("工单", "A1", &[]any{"工单编号", "来电时间", "诉求内容"})
					f.SetSheetRow("工单", "A2", &[]any{"Z001", "2024-03-05 08:30", "内容"})
				})
			},
			sheet:  "工单",
			format: importer.FormatXLSX, headerRow: 1,
			columns: []column{
				{"工单编号", importer.ByAlias, []string{"number"}},
				{"来电时间", importer.ByAlias, []string{"received_at"}},
				{"诉求内容", importer.ByAlias, []string{"content"}},
			},
			rows:     []int{2},
			firstRow: []string{"Z001", "2024-03-05 08:30", "内容"},
		},
		{
			name:    "empty file",
			file:    fixture("empty.csv"),
			wantErr: "空文件",
		},
		{
			name: "not a table",
			file: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "photo.csv")
				os.WriteFile(p, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
				return p
			},
			wantErr: "不是文本文件",
		},
		{
			name: "a zip that is no workbook",
			file: func(t *testing.T) string {
				p := filepath.Join(t.TempDir(), "a.xlsx")
				os.WriteFile(p, []byte("PK\x03\x04garbage"), 0o644)
				return p
			},
			wantErr: "XLSX",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := importer.Options{Sheet: tt.sheet}
			if tt.mapping != "" {
				opt.Mapping = mustMapping(t, tt.mapping)
			}
			res, err := importer.Preview(context.Background(), tt.file(t), opt, 10)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tt.format || res.HeaderRow != tt.headerRow || res.Guessed != tt.guessed || res.TitleRows != tt.titleRows {
				t.Errorf("format %s, header row %d, guessed %v, title rows %d; want %s, %d, %v, %d",
					res.Format, res.HeaderRow, res.Guessed, res.TitleRows, tt.format, tt.headerRow, tt.guessed, tt.titleRows)
			}
			if got := columnsOf(res); !reflect.DeepEqual(got, tt.columns) {
				t.Errorf("columns\n got %q\nwant %q", got, tt.columns)
			}
			var nums []int
			for _, r := range res.Rows {
				nums = append(nums, r.Num)
				if len(r.Cells) != len(res.Header) {
					t.Errorf("row %d has %d cells, header %d", r.Num, len(r.Cells), len(res.Header))
				}
			}
			if !reflect.DeepEqual(nums, tt.rows) {
				t.Errorf("rows %v, want %v", nums, tt.rows)
			}
			if tt.firstRow != nil && (len(res.Rows) == 0 || !reflect.DeepEqual(res.Rows[0].Cells, tt.firstRow)) {
				t.Errorf("first row %+v, want %q", res.Rows, tt.firstRow)
			}
			if got := labels(res.Missing); !reflect.DeepEqual(got, tt.missing) {
				t.Errorf("missing %v, want %v", got, tt.missing)
			}
		})
	}
}

// FormatMappingOf is FormatMapping of a map, in header order of the test.
func FormatMappingOf(m map[string]string) string {
	var lines []importer.MappingLine
	for _, c := range []string{"事项号码", "事项时间", "事项详情"} {
		if f, ok := m[c]; ok {
			lines = append(lines, importer.MappingLine{Column: c, Field: f})
		}
	}
	return importer.FormatMapping(lines)
}

// TestPreviewAgreesWithImport: what the preview says of the columns is
// what Import does with them.
func TestPreviewAgreesWithImport(t *testing.T) {
	dir := t.TempDir()
	p := copyFixture(t, dir, "preview_repeated.csv")
	opt := importer.Options{Mapping: mustMapping(t, "列名,字段\n工单编号,-\n编号,number\n")}
	res, err := importer.Preview(context.Background(), p, opt, 10)
	if err != nil {
		t.Fatal(err)
	}
	db := mustOpenDB(t)
	sum, err := importer.Import(context.Background(), db, p, opt)
	if err != nil || sum.Created != 1 {
		t.Fatalf("import: %+v, %v", sum, err)
	}
	tk := allTickets(t, db)[0]
	if tk.Number != "X1" || tk.Extra["工单编号"] != "B001" {
		t.Errorf("imported number %q, extra %v", tk.Number, tk.Extra)
	}
	var unmapped []string
	for _, c := range res.Columns {
		if c.How == importer.Unmapped || (c.How == importer.ByMapping && len(c.Fields) == 0) {
			unmapped = append(unmapped, c.Header)
		}
	}
	if want := sum.Unmapped; !reflect.DeepEqual(unmapped, want) {
		t.Errorf("preview unmapped %v, import %v", unmapped, want)
	}
}

// TestPreviewLongCell: cells are cut for the page, at a character boundary.
func TestPreviewLongCell(t *testing.T) {
	p := filepath.Join(t.TempDir(), "long.csv")
	os.WriteFile(p, []byte("工单编号,来电时间,诉求内容\nL1,2024-03-05 08:30,"+strings.Repeat("长", 1000)+"\n"), 0o644)
	res, err := importer.Preview(context.Background(), p, importer.Options{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Rows[0].Cells[2]
	if len(c) > importer.MaxPreviewCell+len("…") || !strings.HasSuffix(c, "…") || !strings.HasPrefix(c, "长长") || strings.ContainsRune(c, '\uFFFD') {
		t.Errorf("cell of %d bytes: %.40q", len(c), c)
	}
}

// TestPreviewReadsOnlyTheTop: previewing a large file allocates about as
// much as a small one: Preview reads the header and n rows, not the file.
func TestPreviewReadsOnlyTheTop(t *testing.T) {
	small := importtest.CSVFile(t, 100)
	big := importtest.CSVFile(t, 200_000) // ~40 MB
	alloc := func(p string) uint64 {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		if _, err := importer.Preview(context.Background(), p, importer.Options{}, 10); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	s, b := alloc(small), alloc(big)
	fi, _ := os.Stat(big)
	t.Logf("preview allocates %d KB for a %d-row file, %d KB for a %d MB file", s>>10, 100, b>>10, fi.Size()>>20)
	if b > 2*s+(1<<20) {
		t.Errorf("preview of a %d MB file allocates %d KB, of a small one %d KB", fi.Size()>>20, b>>10, s>>10)
	}
}

func TestParseMapping(t *testing.T) {
	set := fieldset.Tickets()
	tests := []struct {
		name    string
		text    string
		want    map[string]string // column → its fields, joined by +
		wantErr string
	}{
		{name: "empty", text: "", want: map[string]string{}},
		{name: "header only and no-field lines", text: "列名,字段\n编号,-\n", want: map[string]string{"编号": ""}},
		{name: "fields and no field", text: "列名,字段\n事项号,number\n发生时间,来电时间\n工单编号,-\n",
			want: map[string]string{"事项号": "number", "发生时间": "received_at", "工单编号": ""}},
		{name: "a header starting with # is quoted", text: importer.FormatMapping([]importer.MappingLine{{Column: "#序号", Field: "number"}, {Column: `a"b,c`, Field: "-"}}),
			want: map[string]string{"#序号": "number", `a"b,c`: ""}},
		{name: "unknown field", text: "列名,字段\n事项号,number\n乙,nosuch\n", wantErr: "未知字段"},
		{name: "empty column", text: "列名,字段\n,-\n", wantErr: "列名为空"},
		{name: "too big", text: strings.Repeat("a", 1<<20+1), wantErr: "超过"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := importer.ParseMapping(tt.text, set)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := mappingFields(m); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mapping %q, want %q", got, tt.want)
			}
		})
	}
}

// mappingFields is m as column → fields joined by + ("" for NoField).
func mappingFields(m importer.Mapping) map[string]string {
	out := map[string]string{}
	for k, ts := range m {
		var fs []string
		for _, t := range ts {
			fs = append(fs, t.Field)
		}
		out[k] = strings.Join(fs, "+")
	}
	return out
}

// FuzzParseMapping: any text gives a mapping or a clear error, never a
// panic; what MappingText writes reads back.
func FuzzParseMapping(f *testing.F) {
	f.Add("列名,字段\n事项号,number\n工单编号,-\n")
	f.Add("\"#a\",\"-\"\n")
	f.Add("a,b,c\n\"x")
	set := fieldset.Tickets()
	f.Fuzz(func(t *testing.T, text string) {
		m, err := importer.ParseMapping(text, set)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		back, err := importer.ParseMapping(m.MappingText(), set)
		if err != nil || !reflect.DeepEqual(mappingFields(back), mappingFields(m)) {
			t.Fatalf("round trip of %q: %q, %v", m, back, err)
		}
	})
}

// TestPreviewRowVerdicts: the preview says which rows the import will
// reject and why, by the field set, as the import does.
func TestPreviewRowVerdicts(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(p, []byte("工单编号,来电时间,诉求内容\n"+
		"V1,2024-03-05 08:30,楼道灯不亮\n"+
		"V2,2025-02-30 09:00,日期不存在的一行\n"+
		"V3,2024-03-06 10:00,\n"), 0o644)
	res, err := importer.Preview(context.Background(), p, importer.Options{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "日期", "诉求内容"}
	if len(res.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(res.Rows), len(want))
	}
	for i, w := range want {
		if got := res.Rows[i].Err; w == "" && got != "" || w != "" && !strings.Contains(got, w) {
			t.Errorf("row %d: verdict %q, want one naming %q", res.Rows[i].Num, got, w)
		}
	}
}
