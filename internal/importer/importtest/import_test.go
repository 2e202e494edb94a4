package importtest_test

// These tests import into a real SQLite database. They live apart from the
// importer's own package so that its fuzz targets are built without the
// SQLite engine, whose size slows coverage-guided fuzzing to a crawl.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
	"jiceng/internal/importer/importtest"
	"jiceng/internal/sqlite"
)

func mustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"), nil)
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func allTickets(tb testing.TB, db core.TicketStore) []core.Ticket {
	tb.Helper()
	var out []core.Ticket
	if err := db.EachTicket(context.Background(), core.TicketFilter{}, func(t core.Ticket) error {
		out = append(out, t)
		return nil
	}); err != nil {
		tb.Fatalf("EachTicket: %v", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// readRejects returns the rows of a rejects file, header first, checking
// its BOM.
func readRejects(tb testing.TB, path string) [][]string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read rejects: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		tb.Errorf("rejects file has no UTF-8 BOM")
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		tb.Fatalf("parse rejects: %v", err)
	}
	return rows
}

// copyFixture copies testdata/name into dir, so that the rejects file is
// written beside the copy.
func copyFixture(tb testing.TB, dir, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func encodeFixture(tb testing.TB, dir, name, to string, enc encoding.Encoding) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := enc.NewEncoder().Bytes(b)
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, to)
	os.WriteFile(p, out, 0o644)
	return p
}

// xlsxFixture writes an XLSX built by fill into dir.
func xlsxFixture(tb testing.TB, dir, name string, fill func(f *excelize.File)) string {
	tb.Helper()
	f := excelize.NewFile()
	fill(f)
	p := filepath.Join(dir, name)
	if err := f.SaveAs(p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func setRows(f *excelize.File, rows [][]any) {
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
}

func TestImport(t *testing.T) {
	tests := []struct {
		name     string
		file     func(t *testing.T, dir string) string
		opt      importer.Options
		created  int
		rejected int
		wantErr  string   // substring of the error message
		reasons  []string // substrings of the reject reasons, in order
		check    func(t *testing.T, ts []core.Ticket, sum importer.Summary)
	}{
		{
			name:    "title row, merged-free CSV with every kind of value",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "title.csv") },
			created: 3,
			check: func(t *testing.T, ts []core.Ticket, sum importer.Summary) {
				if sum.HeaderRow != 2 || sum.TitleRows != 1 {
					t.Errorf("header row %d, title rows %d; want 2, 1", sum.HeaderRow, sum.TitleRows)
				}
				if !reflect.DeepEqual(sum.Unmapped, []string{"备注"}) {
					t.Errorf("Unmapped = %v", sum.Unmapped)
				}
				a := ts[0]
				if a.Number != "A001" || fieldset.FormatDateTime(a.ReceivedAt) != "2024-03-05 08:30:00" ||
					a.CallerPhone != "13812345678" || a.Satisfaction != "满意" || a.Community != "幸福社区" ||
					fieldset.FormatDateTime(a.ResolvedAt) != "2024-03-06 10:00:00" || a.Extra["备注"] != "请回电" ||
					a.Channel != "导入" || a.SourceFile != "title.csv" || a.SourceRow != 3 {
					t.Errorf("A001 = %+v", a)
				}
				if ts[1].Content != "噪音扰民,\n晚上施工" || ts[1].CallerPhone != "0571-87654321" {
					t.Errorf("A002 content %q phone %q", ts[1].Content, ts[1].CallerPhone)
				}
				if fieldset.FormatDateTime(ts[2].ReceivedAt) != "2024-03-05 12:00:00" {
					t.Errorf("A003 serial date = %v", ts[2].ReceivedAt)
				}
			},
		},
		{
			name:    "UTF-8 with BOM and CRLF",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "bom.csv") },
			created: 2,
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				if ts[1].Content != "内容二" {
					t.Errorf("content %q", ts[1].Content)
				}
			},
		},
		{
			name: "GBK",
			file: func(t *testing.T, dir string) string {
				return encodeFixture(t, dir, "title.csv", "gbk.csv", simplifiedchinese.GBK)
			},
			created: 3,
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				if ts[0].Content != "楼道灯坏了" || ts[0].Extra["备注"] != "请回电" {
					t.Errorf("GBK decoded as %q, %v", ts[0].Content, ts[0].Extra)
				}
			},
		},
		{
			name: "GB18030",
			file: func(t *testing.T, dir string) string {
				return encodeFixture(t, dir, "title.csv", "gb18030.csv", simplifiedchinese.GB18030)
			},
			created: 3,
		},
		{
			name: "UTF-16 with BOM",
			file: func(t *testing.T, dir string) string {
				return encodeFixture(t, dir, "bom.csv", "utf16.csv", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM))
			},
			created: 2,
		},
		{
			name:    "tab delimited",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "tab.csv") },
			created: 2,
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				if ts[0].Content != "内容, 带逗号" {
					t.Errorf("content %q", ts[0].Content)
				}
			},
		},
		{
			name:    "semicolon delimited",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "semicolon.csv") },
			created: 1,
		},
		{
			name:    "empty file",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "empty.csv") },
			wantErr: "空文件",
		},
		{
			name:     "no known column",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "noheader.csv") },
			rejected: 3,
			wantErr:  "表头无法识别",
			reasons:  []string{"表头无法识别", "表头无法识别", "表头无法识别"},
		},
		{
			name: "mapping file names the columns",
			file: func(t *testing.T, dir string) string { return copyFixture(t, dir, "noheader.csv") },
			opt: importer.Options{Mapping: importer.Mapping{
				fieldset.NormalizeHeader("甲"): "number", fieldset.NormalizeHeader("乙"): "received_at"}},
			rejected: 2,
			reasons:  []string{"缺少必填字段 诉求内容", "缺少必填字段 诉求内容"},
		},
		{
			name:     "duplicate numbers",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "duplicates.csv") },
			created:  2,
			rejected: 2,
			reasons:  []string{"工单编号与第 2 行重复", "工单编号与第 2 行重复"},
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				if ts[0].Content != "第一次" {
					t.Errorf("first row did not win: %q", ts[0].Content)
				}
			},
		},
		{
			name:     "unterminated quote",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "truncated.csv") },
			created:  1,
			rejected: 1,
			reasons:  []string{"文件在第 3 行被截断（引号未闭合），其后 1 行都在未闭合的引号内，未能读取"},
		},
		{
			name:     "invalid values",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "invalid.csv") },
			created:  4,
			rejected: 4,
			reasons: []string{"第 2 列 来电时间: 日期不存在", "缺少必填字段 诉求内容", "缺少必填字段 工单编号",
				"第 1 列 工单编号: 格式不正确"},
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				flags := map[string][]string{}
				for _, tk := range ts {
					flags[tk.Number] = tk.Flags
				}
				want := map[string][]string{
					"R004": {"resolved_at: 早于受理时间"},
					"R005": {"caller_phone: 号码格式不正确"},
					"R006": {"satisfaction: 取值不在允许范围内"},
					"R007": nil,
				}
				if !reflect.DeepEqual(flags, want) {
					t.Errorf("flags = %v, want %v", flags, want)
				}
				if ts[1].CallerPhone != "12345" || ts[2].Extra["满意度（原值）"] != "还行吧" || ts[3].Content != `带"引号"的内容` {
					t.Errorf("raw values not kept: %+v", ts[1:])
				}
			},
		},
		{
			name: "10 MB cell",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "big.csv")
				big := strings.Repeat("长", 10<<20/3)
				os.WriteFile(p, []byte("工单编号,来电时间,诉求内容\nC001,2024-03-05 08:30,\""+big+"\"\nC002,2024-03-05 08:30,正常\n"), 0o644)
				return p
			},
			created:  1,
			rejected: 1,
			reasons:  []string{"第 3 列单元格超过 1 MB"},
		},
		{
			name: "invalid UTF-8 after a valid start",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "mixed.csv")
				var b bytes.Buffer
				b.WriteString("工单编号,来电时间,诉求内容\n")
				for i := 0; i < 5000; i++ {
					fmt.Fprintf(&b, "N%06d,2024-03-05 08:30,正常的内容正常的内容\n", i)
				}
				gbk, _ := simplifiedchinese.GBK.NewEncoder().String("GBK 内容")
				b.WriteString("X001,2024-03-05 08:30," + gbk + "\n")
				os.WriteFile(p, b.Bytes(), 0o644)
				return p
			},
			created:  5000,
			rejected: 1,
			reasons:  []string{"无效的 UTF-8"},
		},
		{
			name: "binary file",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "bin.csv")
				os.WriteFile(p, []byte("abc\x00\x01\x02"), 0o644)
				return p
			},
			wantErr: "不是文本文件",
		},
		{
			name: "old xls",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "old.xls")
				os.WriteFile(p, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), 0o644)
				return p
			},
			wantErr: ".xls",
		},
		{
			name: "xlsx with title, merged community and date serials",
			file: func(t *testing.T, dir string) string {
				return xlsxFixture(t, dir, "merged.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{
						{"2024年3月工单明细"},
						{"工单编号", "来电时间", "诉求内容", "所属社区", "备注"},
						{"X001", 45356.354166666664, "内容一", "幸福社区", ""},
						{"X002", "2024-03-05 09:00", "内容二", nil, "b"},
						{"X003", "2024/3/5 10:00", "内容三", nil, nil},
						{"X004", "2024/3/5 11:00", "内容四", "和平社区", nil},
					})
					f.MergeCell("Sheet1", "A1", "E1")
					f.MergeCell("Sheet1", "D3", "D5")
				})
			},
			created: 4,
			check: func(t *testing.T, ts []core.Ticket, sum importer.Summary) {
				var got []string
				for _, tk := range ts {
					got = append(got, tk.Community)
				}
				if want := []string{"幸福社区", "幸福社区", "幸福社区", "和平社区"}; !reflect.DeepEqual(got, want) {
					t.Errorf("communities = %v, want %v", got, want)
				}
				if fieldset.FormatDateTime(ts[0].ReceivedAt) != "2024-03-05 08:30:00" {
					t.Errorf("serial date = %v", ts[0].ReceivedAt)
				}
				if sum.Format != importer.FormatXLSX || sum.HeaderRow != 2 {
					t.Errorf("format %s header %d", sum.Format, sum.HeaderRow)
				}
			},
		},
		{
			name: "xlsx formulas with and without a cached value",
			file: func(t *testing.T, dir string) string {
				return xlsxFixture(t, dir, "formula.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{
						{"工单编号", "来电时间", "诉求内容"},
						{"F001", "2024-03-05 08:30", nil},
						{"F002", "2024-03-05 08:30", nil},
					})
					f.SetCellFormula("Sheet1", "C2", `="内容"&"一"`)
					f.SetCellStr("Sheet1", "C2", "内容一") // the cached value
					f.SetCellFormula("Sheet1", "C3", `="内容"&"二"`)
				})
			},
			created:  1,
			rejected: 1,
			reasons:  []string{"第 3 列是公式且没有计算结果"},
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				if ts[0].Content != "内容一" {
					t.Errorf("cached value = %q", ts[0].Content)
				}
			},
		},
		{
			name: "xlsx renamed to csv",
			file: func(t *testing.T, dir string) string {
				p := xlsxFixture(t, dir, "renamed.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{{"工单编号", "来电时间", "诉求内容"}, {"Y001", "2024-03-05 08:30", "内容"}})
				})
				q := filepath.Join(dir, "renamed.csv")
				os.Rename(p, q)
				return q
			},
			created: 1,
		},
		{
			name: "xlsx cut in half",
			file: func(t *testing.T, dir string) string {
				p := xlsxFixture(t, dir, "cut.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{{"工单编号", "来电时间", "诉求内容"}, {"Y001", "2024-03-05 08:30", "内容"}})
				})
				b, _ := os.ReadFile(p)
				os.WriteFile(p, b[:len(b)/2], 0o644)
				return p
			},
			wantErr: "被截断",
		},
		{
			name: "xlsx named sheet",
			file: func(t *testing.T, dir string) string {
				return xlsxFixture(t, dir, "sheets.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{{"说明"}})
					f.NewSheet("工单")
					f.SetSheetRow("工单", "A1", &[]any{"工单编号", "来电时间", "诉求内容"})
					f.SetSheetRow("工单", "A2", &[]any{"Z001", "2024-03-05 08:30", "内容"})
				})
			},
			opt:     importer.Options{Sheet: "工单"},
			created: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.file(t, dir)
			db := mustOpenDB(t)
			sum, err := importer.Import(context.Background(), db, path, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if sum.Created != tt.created || sum.Rejected != tt.rejected {
				t.Errorf("created %d, rejected %d; want %d, %d", sum.Created, sum.Rejected, tt.created, tt.rejected)
			}
			ts := allTickets(t, db)
			if len(ts) != tt.created {
				t.Errorf("stored %d tickets, want %d", len(ts), tt.created)
			}
			rp := importer.RejectsPath(path)
			if tt.rejected == 0 {
				if _, err := os.Stat(rp); err == nil {
					t.Errorf("rejects file written without rejects")
				}
			} else {
				rows := readRejects(t, rp)
				if len(rows)-1 != tt.rejected {
					t.Fatalf("rejects file has %d rows, want %d", len(rows)-1, tt.rejected)
				}
				h := rows[0]
				if h[len(h)-2] != "行号" || h[len(h)-1] != "拒绝原因" {
					t.Errorf("rejects header = %v", h)
				}
				for i, want := range tt.reasons {
					r := rows[i+1]
					if got := r[len(r)-1]; !strings.Contains(got, want) {
						t.Errorf("reject %d reason = %q, want %q", i+1, got, want)
					}
				}
			}
			if tt.check != nil && len(ts) == tt.created {
				tt.check(t, ts, sum)
			}
		})
	}
}

func TestImportRejectsKeepCellsVerbatim(t *testing.T) {
	dir := t.TempDir()
	path := copyFixture(t, dir, "invalid.csv")
	if _, err := importer.Import(context.Background(), mustOpenDB(t), path, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	rows := readRejects(t, importer.RejectsPath(path))
	want := []string{"R001", "2024-02-30 08:30", "日期不存在", "", "", "", "2"}
	if got := rows[1][:7]; !reflect.DeepEqual(got, want) {
		t.Errorf("reject row = %q, want %q", got, want)
	}
}

func TestImportIdempotentAndUpdates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "export.csv")
	write := func(mod func(i int, rec []string)) {
		f, _ := os.Create(path)
		cw := csv.NewWriter(f)
		cw.Write(importtest.Header)
		for i := 0; i < 5000; i++ {
			rec := importtest.Row(i, nil)
			if mod != nil {
				mod(i, rec)
			}
			cw.Write(rec)
		}
		cw.Flush()
		f.Close()
	}
	write(nil)
	db := mustOpenDB(t)
	opt := importer.Options{BatchSize: 700}
	sum, err := importer.Import(ctx, db, path, opt)
	if err != nil || sum.Created != 5000 || sum.Updated != 0 || sum.Rejected != 0 {
		t.Fatalf("first import: %+v, %v", sum, err)
	}
	// A stale rejects file goes away.
	os.WriteFile(importer.RejectsPath(path), []byte("old"), 0o644)
	sum, err = importer.Import(ctx, db, path, opt)
	if err != nil || sum.Created != 0 || sum.Updated != 0 || sum.Unchanged != 5000 {
		t.Fatalf("same file again: %+v, %v", sum, err)
	}
	if _, err := os.Stat(importer.RejectsPath(path)); err == nil {
		t.Error("stale rejects file kept")
	}
	// An updated export: three rows change status, rows shift by one.
	write(func(i int, rec []string) {
		if i == 10 || i == 20 || i == 4999 {
			rec[11] = "已结案"
		}
	})
	sum, err = importer.Import(ctx, db, path, opt)
	if err != nil || sum.Created != 0 || sum.Updated != 3 || sum.Unchanged != 4997 {
		t.Fatalf("updated export: %+v, %v", sum, err)
	}
	tk, err := db.TicketByNumber(ctx, importtest.Number(20))
	if err != nil || tk.Status != core.StatusClosed {
		t.Fatalf("ticket 20 = %+v, %v", tk.Status, err)
	}
	if n := len(allTickets(t, db)); n != 5000 {
		t.Errorf("%d tickets, want 5000", n)
	}
}

func TestLoadMapping(t *testing.T) {
	set := fieldset.Tickets()
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("列名,字段\n事项号,number\n发生时间,来电时间\n# 注释\n")
	m, err := importer.LoadMapping(strings.NewReader(gbk), set)
	if err != nil {
		t.Fatal(err)
	}
	want := importer.Mapping{"事项号": "number", "发生时间": "received_at"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("mapping = %v, want %v", m, want)
	}
	if _, err := importer.LoadMapping(strings.NewReader("a,number\nb,nosuchfield\n"), set); err == nil ||
		!strings.Contains(core.ErrorMessage(err), "第 2 行") {
		t.Errorf("unknown field: err = %v", err)
	}
}
