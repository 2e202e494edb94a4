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
	"time"

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
			name:    "no known column: refused, header not taken for data",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "noheader.csv") },
			wantErr: "找不到表头",
			check: func(t *testing.T, _ []core.Ticket, sum importer.Summary) {
				if !reflect.DeepEqual(sum.Columns, []string{"甲", "乙", "丙"}) {
					t.Errorf("Columns = %q", sum.Columns)
				}
				want := []importer.Guess{{Field: "number", Label: "工单编号", Column: "甲"}, {Field: "received_at", Label: "受理时间", Column: ""}, {Field: "content", Label: "诉求内容", Column: ""}}
				if !reflect.DeepEqual(sum.Guesses, want) {
					t.Errorf("Guesses = %v, want %v", sum.Guesses, want)
				}
			},
		},
		{
			name:    "mapping leaves a required field unmapped: refused with guesses",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "noheader.csv") },
			opt:     importer.Options{Mapping: mapping("甲,number\n乙,received_at\n")},
			wantErr: "没有找到必填字段 诉求内容（content） 的列",
			check: func(t *testing.T, _ []core.Ticket, sum importer.Summary) {
				if !reflect.DeepEqual(sum.Missing, []string{"诉求内容"}) || !reflect.DeepEqual(sum.Guesses, []importer.Guess{{Field: "content", Label: "诉求内容", Column: ""}}) {
					t.Errorf("Missing %v, Guesses %v", sum.Missing, sum.Guesses)
				}
			},
		},
		{
			name:    "unknown headers: each required field guessed from header and values",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "unknownheaders.csv") },
			wantErr: "找不到表头",
			check: func(t *testing.T, _ []core.Ticket, sum importer.Summary) {
				want := []importer.Guess{{Field: "number", Label: "工单编号", Column: "记录号"}, {Field: "received_at", Label: "受理时间", Column: "提问日期"}, {Field: "content", Label: "诉求内容", Column: "提问正文"}}
				if !reflect.DeepEqual(sum.Guesses, want) {
					t.Errorf("Guesses = %v, want %v", sum.Guesses, want)
				}
			},
		},
		{
			name: "unknown headers mapped, one column to two fields",
			file: func(t *testing.T, dir string) string { return copyFixture(t, dir, "unknownheaders.csv") },
			opt: importer.Options{Mapping: mapping("记录号,number\n提问日期,received_at\n提问正文,content\n" +
				"提问者,poster\n类别,category1\n类别,title\n")},
			created: 2,
			check: func(t *testing.T, ts []core.Ticket, sum importer.Summary) {
				a := ts[0]
				if a.Number != "5001" || a.Category1 != "市政设施" || a.Title != "市政设施" || a.Extra["poster"] != "网友甲" ||
					fieldset.FormatDateTime(a.ReceivedAt) != "2024-03-05 08:30:00" || len(a.Extra) != 1 {
					t.Errorf("5001 = %+v", a)
				}
				if len(sum.Unmapped) != 0 || len(sum.Repeated) != 0 {
					t.Errorf("Unmapped %v, Repeated %v", sum.Unmapped, sum.Repeated)
				}
			},
		},
		{
			name: "a column the mapping names wins over an alias",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "both.csv")
				os.WriteFile(p, []byte("工单编号,来电时间,登记时刻,诉求内容\nB001,2024-03-05 08:30,2024-03-05 09:45,内容\n"), 0o644)
				return p
			},
			opt:     importer.Options{Mapping: mapping("登记时刻,received_at\n")},
			created: 1,
			check: func(t *testing.T, ts []core.Ticket, sum importer.Summary) {
				if fieldset.FormatDateTime(ts[0].ReceivedAt) != "2024-03-05 09:45:00" || ts[0].Extra["来电时间"] != "2024-03-05 08:30" {
					t.Errorf("received %v, extra %v", ts[0].ReceivedAt, ts[0].Extra)
				}
				if !reflect.DeepEqual(sum.Repeated, []string{"第 2 列 来电时间"}) {
					t.Errorf("Repeated = %v", sum.Repeated)
				}
			},
		},
		{
			name:    "headerless file: refused, no cell repeated",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "headerless.csv") },
			wantErr: "看起来是数据",
			check: func(t *testing.T, _ []core.Ticket, sum importer.Summary) {
				if sum.Columns != nil || len(sum.Guesses) != 0 {
					t.Errorf("Columns %q, Guesses %v of a data row", sum.Columns, sum.Guesses)
				}
			},
		},
		{
			name: "title row above a wrong header: refused, neither written as data",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "wrong.csv")
				os.WriteFile(p, []byte("2024年3月留言导出,,\n序,发言,日子\n1,楼道灯坏了一个多月了，请尽快修理,2024-03-05\n"), 0o644)
				return p
			},
			wantErr: "找不到表头",
			check: func(t *testing.T, _ []core.Ticket, sum importer.Summary) {
				want := []importer.Guess{{Field: "number", Label: "工单编号", Column: "序"}, {Field: "received_at", Label: "受理时间", Column: "日子"}, {Field: "content", Label: "诉求内容", Column: "发言"}}
				if !reflect.DeepEqual(sum.Columns, []string{"序", "发言", "日子"}) || !reflect.DeepEqual(sum.Guesses, want) {
					t.Errorf("Columns %q, Guesses %v", sum.Columns, sum.Guesses)
				}
			},
		},
		{
			name: "known header without a required column",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "nocontent.csv")
				os.WriteFile(p, []byte("工单编号,来电时间,备注\nA1,2024-03-05 08:30,x\n"), 0o644)
				return p
			},
			wantErr: "诉求内容（content）",
		},
		{
			name:    "header repeated further down is skipped",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "glued.csv") },
			created: 2,
			check: func(t *testing.T, _ []core.Ticket, sum importer.Summary) {
				if sum.HeaderRepeats != 1 {
					t.Errorf("HeaderRepeats = %d", sum.HeaderRepeats)
				}
			},
		},
		{
			name:    "问政 export",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "wenzheng.csv") },
			created: 3,
			check:   checkWenzheng,
		},
		{
			name:    "问政 export in GBK",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "wenzheng-gbk.csv") },
			created: 3,
			check:   checkWenzheng,
		},
		{
			name: "问政 export as XLSX, dates as serials",
			file: func(t *testing.T, dir string) string {
				return xlsxFixture(t, dir, "wenzheng.xlsx", func(f *excelize.File) {
					setRows(f, [][]any{
						{"网上问政留言导出"},
						{"留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间", "点赞数", "反对数"},
						{100017, "A00090519", "楼道灯坏了", 45356.354340277778, "楼道灯坏了两个月", "已修复", 45359.418182870374, 12, 0},
						{100023, "U0008815", "夜间施工", "2024/3/6 23:10:00", "施工噪音", nil, nil, 35.0, 2},
					})
				})
			},
			created: 2,
			check: func(t *testing.T, ts []core.Ticket, sum importer.Summary) {
				a := ts[0]
				if sum.HeaderRow != 2 || a.Number != "100017" || fieldset.FormatDateTime(a.ReceivedAt) != "2024-03-05 08:30:15" ||
					a.Extra["replied_at"] != "2024-03-08 10:02:11" || a.Extra["supports"] != "12" || a.Extra["opposes"] != "0" ||
					a.Extra["poster"] != "A00090519" || ts[1].Extra["supports"] != "35" {
					t.Errorf("xlsx 问政 = %+v / %+v", a, ts[1])
				}
			},
		},
		{
			name:    "12345 export with title rows",
			file:    func(t *testing.T, dir string) string { return copyFixture(t, dir, "hotline12345.csv") },
			created: 3,
			check: func(t *testing.T, ts []core.Ticket, sum importer.Summary) {
				if sum.HeaderRow != 3 || sum.TitleRows != 2 || len(sum.Unmapped) != 0 {
					t.Errorf("header row %d, title rows %d, unmapped %v", sum.HeaderRow, sum.TitleRows, sum.Unmapped)
				}
				a := ts[0]
				if a.Channel != core.ChannelHotline || a.CallerName != "张先生" || a.CallerPhone != "13812345678" ||
					a.Address != "幸福路12号3栋" || a.Unit != "城管科" || a.Reply != "已安排疏通排水管道，积水已排除。" ||
					fieldset.FormatDateTime(a.ResolvedAt) != "2024-03-06 17:20:00" || a.Satisfaction != core.Satisfied ||
					a.Extra["replied_at"] != "2024-03-06 17:25:00" || len(a.Flags) != 0 {
					t.Errorf("GD20240305001 = %+v", a)
				}
				if ts[1].Channel != core.ChannelWebForm || ts[2].CallerPhone != "13900001111" {
					t.Errorf("channel %q, phone %q", ts[1].Channel, ts[2].CallerPhone)
				}
			},
		},
		{
			name:     "AM/PM dates and offsets in the street's zone",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "ampm.csv") },
			created:  3,
			rejected: 1,
			reasons:  []string{"第 2 列 提交时间: 日期无法识别：“13/07/2024 10:00:00 AM”（可识别的形式: 2024-03-05 08:30"},
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				checkTimes(t, ts, []string{"2024-03-05 20:30:15", "2024-03-06 09:05:00", "2024-03-07 00:00:00"},
					"2024-03-06 12:00:00", "2024-03-06 13:00:00")
			},
		},
		{
			name:     "AM/PM dates, format and zone declared by the mapping",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "ampm.csv") },
			opt:      importer.Options{Mapping: mappingFile("ampm.map.csv")},
			created:  3,
			rejected: 1,
			reasons:  []string{"日期与声明的格式不符：“13/07/2024 10:00:00 AM”（该列声明的格式 MM/DD/YYYY hh:mm:ss AM，时区 America/New_York）"},
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				// 20:30 in New York (EST) is 09:30 the next day in Beijing;
				// the offsets of the other columns keep their instants.
				checkTimes(t, ts, []string{"2024-03-06 09:30:15", "2024-03-06 22:05:00", "2024-03-07 13:00:00"},
					"2024-03-06 12:00:00", "2024-03-06 13:00:00")
			},
		},
		{
			name:     "AM/PM dates, the import's zone",
			file:     func(t *testing.T, dir string) string { return copyFixture(t, dir, "ampm.csv") },
			opt:      importer.Options{Zone: newYork},
			created:  3,
			rejected: 1,
			check: func(t *testing.T, ts []core.Ticket, _ importer.Summary) {
				checkTimes(t, ts, []string{"2024-03-06 09:30:15", "2024-03-06 22:05:00", "2024-03-07 13:00:00"},
					"2024-03-06 12:00:00", "2024-03-06 13:00:00")
			},
		},
		{
			name: "a personal date is masked in the reason",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "birth.csv")
				os.WriteFile(p, []byte("工单编号,来电时间,诉求内容,出生日期\nP001,2024-03-05 08:30,内容,1990年2月30日\n"), 0o644)
				return p
			},
			opt:      importer.Options{Fields: withBirth()},
			rejected: 1,
			reasons:  []string{"第 4 列 出生日期: 日期不存在：“****年*月**日”"},
		},
		{
			name: "a personal date is masked in the reason by Options.Mask",
			file: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "birth.csv")
				os.WriteFile(p, []byte("工单编号,来电时间,诉求内容,出生日期\nP001,2024-03-05 08:30,内容,1990年2月30日\n"), 0o644)
				return p
			},
			opt: importer.Options{Fields: withBirth(), Mask: func(field, v string) string {
				return field + ":" + string([]rune(v)[:4]) + "…"
			}},
			rejected: 1,
			reasons:  []string{"第 4 列 出生日期: 日期不存在：“birth:1990…”"},
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

// mapping reads a mapping file's text for the standard field set.
func mapping(text string) importer.Mapping {
	m, err := importer.LoadMapping(strings.NewReader(text), fieldset.Tickets())
	if err != nil {
		panic(err)
	}
	return m
}

// mappingFile reads testdata/name as a mapping file.
func mappingFile(name string) importer.Mapping {
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		panic(err)
	}
	return mapping(string(b))
}

var newYork = func() *time.Location {
	loc, err := fieldset.LoadZone("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

// withBirth is the standard field set and a personal datetime field.
func withBirth() *fieldset.Set {
	b, err := os.ReadFile(filepath.Join("..", "..", "fieldset", "tickets.csv"))
	if err != nil {
		panic(err)
	}
	set, err := fieldset.Load(strings.NewReader(string(b) + "birth,出生日期,datetime,,no,personal,never,reject,出生日期\n"))
	if err != nil {
		panic(err)
	}
	return set
}

// checkTimes checks the received times of ts and the resolve and reply
// times of the first, in street time.
func checkTimes(t *testing.T, ts []core.Ticket, received []string, resolved, replied string) {
	t.Helper()
	for i, want := range received {
		if got := fieldset.FormatDateTime(ts[i].ReceivedAt); got != want {
			t.Errorf("%s received %s, want %s", ts[i].Number, got, want)
		}
	}
	if got := fieldset.FormatDateTime(ts[0].ResolvedAt); got != resolved {
		t.Errorf("resolved %s, want %s", got, resolved)
	}
	if got := ts[0].Extra["replied_at"]; got != replied {
		t.Errorf("replied %s, want %s", got, replied)
	}
	for _, tk := range ts {
		if len(tk.Flags) != 0 {
			t.Errorf("%s flags %v", tk.Number, tk.Flags)
		}
	}
}

// checkWenzheng checks the tickets of testdata/wenzheng.csv: the headers of
// a 问政 export map without help, the poster, reply time, supports and
// opposes are kept.
func checkWenzheng(t *testing.T, ts []core.Ticket, sum importer.Summary) {
	t.Helper()
	if len(sum.Unmapped) != 0 || len(sum.Repeated) != 0 {
		t.Errorf("Unmapped %v, Repeated %v", sum.Unmapped, sum.Repeated)
	}
	a := ts[0]
	want := map[string]string{"poster": "A00090519", "replied_at": "2024-03-08 10:02:11", "supports": "12", "opposes": "0"}
	if a.Number != "100017" || a.Title != "反映幸福小区楼道照明灯长期损坏的问题" || a.Category1 != "城乡建设" ||
		fieldset.FormatDateTime(a.ReceivedAt) != "2024-03-05 08:30:15" || !strings.HasPrefix(a.Reply, "网友您好") ||
		!strings.Contains(a.Content, "\n多次向物业反映") || !reflect.DeepEqual(a.Extra, want) || len(a.Flags) != 0 {
		t.Errorf("100017 = %+v", a)
	}
	if c := ts[2]; c.Reply != "" || c.Extra["supports"] != "3" || c.Extra["opposes"] != "" || c.Extra["replied_at"] != "" {
		t.Errorf("100031 = %+v", c)
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

// TestImportCorrectedRejects: the rejects file, corrected, imports again
// without its 行号 and 拒绝原因 columns becoming extra values.
func TestImportCorrectedRejects(t *testing.T) {
	dir := t.TempDir()
	path := copyFixture(t, dir, "invalid.csv")
	db := mustOpenDB(t)
	if _, err := importer.Import(context.Background(), db, path, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	rows := readRejects(t, importer.RejectsPath(path))
	rows[1][1] = "2024-02-28 08:30" // R001's impossible date, corrected
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.WriteAll(rows[:2])
	fixed := filepath.Join(dir, "fixed.csv")
	os.WriteFile(fixed, b.Bytes(), 0o644)
	sum, err := importer.Import(context.Background(), db, fixed, importer.Options{})
	if err != nil || sum.Created != 1 || len(sum.Unmapped) != 0 {
		t.Fatalf("re-import: %+v, %v", sum, err)
	}
	tk, err := db.TicketByNumber(context.Background(), "R001")
	if err != nil || len(tk.Extra) != 0 || fieldset.FormatDateTime(tk.ReceivedAt) != "2024-02-28 08:30:00" {
		t.Errorf("R001 = %+v, %v", tk, err)
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
	tests := []struct {
		name, in string
		want     importer.Mapping
		wantErr  string
	}{
		{"GBK with header and comment", gbk, importer.Mapping{
			"事项号":  {{Column: "事项号", Field: "number"}},
			"发生时间": {{Column: "发生时间", Field: "received_at"}},
		}, ""},
		{"format and zone", "提交时间,received_at,MM/DD/YYYY hh:mm:ss AM,America/New_York\n", importer.Mapping{
			"提交时间": {{Column: "提交时间", Field: "received_at", Format: "MM/DD/YYYY hh:mm:ss AM", Zone: "America/New_York"}},
		}, ""},
		{"zone without format, trailing empty cells", "Submit Time,received_at,,+08:00\n类型,标题,,\n", importer.Mapping{
			"submittime": {{Column: "Submit Time", Field: "received_at", Zone: "+08:00"}},
			"类型":         {{Column: "类型", Field: "title"}},
		}, ""},
		{"one column to several fields", "类型,category1\n类型,title\n类型,category1\n", importer.Mapping{
			"类型": {{Column: "类型", Field: "category1"}, {Column: "类型", Field: "title"}},
		}, ""},
		{"unknown field", "a,number\nb,nosuchfield\n", nil, "第 2 行: 未知字段"},
		{"bad format", "a,received_at,YYYY-QQ\n", nil, "第 1 行: 日期格式"},
		{"bad zone", "a,received_at,,Mars/Olympus\n", nil, "第 1 行: 未知时区"},
		{"format on a text field", "a,content,YYYY\n", nil, "不是日期字段"},
		{"five cells", "a,received_at,iso,UTC,x\n", nil, "列名,字段[,格式[,时区]]"},
		{"empty column", "a,number\n ,content\n", nil, "列名为空"},
		{"nothing", "列名,字段\n", nil, "没有任何对应关系"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := importer.LoadMapping(strings.NewReader(tt.in), set)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m, tt.want) {
				t.Errorf("mapping = %v, want %v", m, tt.want)
			}
			back, err := importer.LoadMapping(strings.NewReader(m.MappingText()), set)
			if err != nil || !reflect.DeepEqual(back, m) {
				t.Errorf("MappingText %q reads back as %v, %v", m.MappingText(), back, err)
			}
		})
	}
}

func TestMappingText(t *testing.T) {
	m := importer.Mapping{}
	m.Add(importer.Target{Column: "类型", Field: "title"})
	m.Add(importer.Target{Column: "类型", Field: "category1"})
	m.Add(importer.Target{Column: "提交时间", Field: "received_at", Format: "MM/DD/YYYY hh:mm:ss AM", Zone: "America/New_York"})
	m.Add(importer.Target{Column: "#编号, 主", Field: "number"})
	want := "列名,字段,格式,时区\n" +
		"\" #编号, 主\",number\n" +
		"提交时间,received_at,MM/DD/YYYY hh:mm:ss AM,America/New_York\n" +
		"类型,title\n类型,category1\n"
	if got := m.MappingText(); got != want {
		t.Errorf("MappingText =\n%s\nwant\n%s", got, want)
	}
	back, err := importer.LoadMapping(strings.NewReader(want), fieldset.Tickets())
	if err != nil {
		t.Fatal(err)
	}
	if got := back[fieldset.NormalizeHeader("#编号, 主")]; len(got) != 1 || got[0].Field != "number" {
		t.Errorf("column starting with # read back as %v", got)
	}
}
