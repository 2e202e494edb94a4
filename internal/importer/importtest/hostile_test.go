package importtest_test

// The hostile files of the outside probe (issue 10), scaled down so that
// the suite stays fast but every limit is crossed: lines of millions of
// tiny cells, headers of 100,000 columns, zip bombs, undecodable GBK bytes
// on a re-import, and text already turned into mojibake.

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/core"
	"jiceng/internal/importer"
)

const hostileHeader = "工单编号,来电时间,诉求内容\n"

func writeFile(tb testing.TB, dir, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestImportHostileFiles(t *testing.T) {
	tests := []struct {
		name     string
		file     func(t *testing.T, dir string) string
		wantErr  string // in the error, when the file is refused
		created  int
		rejected int
		reason   string // in the first reject's reason
		// maxRejects bounds the rejects file, which must never echo
		// megabytes of a hostile row.
		maxRejects int64
	}{
		{
			name: "line of millions of tiny cells",
			file: func(t *testing.T, dir string) string {
				var b bytes.Buffer
				b.WriteString(hostileHeader + "A1,2024-03-05 08:30,好\n")
				b.WriteString("A2,2024-03-05 08:30,")
				b.WriteString(strings.Repeat("a,", 3_000_000))
				b.WriteString("a\nA3,2024-03-05 08:30,好\n")
				return writeFile(t, dir, "wide.csv", b.Bytes())
			},
			created: 2, rejected: 1, reason: "此行有 3000003 列，超过上限 1024 列",
			maxRejects: 8 << 10,
		},
		{
			name: "header of 100,000 columns",
			file: func(t *testing.T, dir string) string {
				var b bytes.Buffer
				b.WriteString("工单编号,来电时间,诉求内容")
				for i := range 100_000 {
					fmt.Fprintf(&b, ",列%d", i)
				}
				b.WriteString("\nA1,2024-03-05 08:30,好\n")
				return writeFile(t, dir, "wideheader.csv", b.Bytes())
			},
			wantErr: "表头（第 1 行）此行有 100003 列，超过上限 1024 列",
		},
		{
			name: "header of 300 unknown columns",
			file: func(t *testing.T, dir string) string {
				var b bytes.Buffer
				b.WriteString("工单编号,来电时间,诉求内容")
				for i := range 300 {
					fmt.Fprintf(&b, ",列%d", i)
				}
				b.WriteString("\nA1,2024-03-05 08:30,好\n")
				return writeFile(t, dir, "unknown.csv", b.Bytes())
			},
			wantErr: "表头有 300 列不对应任何字段，超过上限 200 列",
		},
		{
			name: "values far beyond the header",
			file: func(t *testing.T, dir string) string {
				return writeFile(t, dir, "beyond.csv", []byte(hostileHeader+
					"A1,2024-03-05 08:30,好"+strings.Repeat(",x", 300)+"\n"+
					"A2,2024-03-05 08:30,好"+strings.Repeat(",", 2000)+"\n"))
			},
			created: 1, rejected: 1, reason: "不对应字段的列中有值的超过 200 个",
		},
		{
			name: "row over 4 MB in small cells",
			file: func(t *testing.T, dir string) string {
				cell := strings.Repeat("长", 3000) // 9 KB
				return writeFile(t, dir, "long.csv", []byte(hostileHeader+
					"A1,2024-03-05 08:30,"+strings.Repeat(cell+",", 500)+"\nA2,2024-03-05 08:30,好\n"))
			},
			created: 1, rejected: 1, reason: "此行超过 4 MB（拒绝文件中每格只保留开头）",
			maxRejects: 200 << 10,
		},
		{
			name: "runaway quote",
			file: func(t *testing.T, dir string) string {
				return writeFile(t, dir, "quote.csv", []byte(hostileHeader+
					"A1,2024-03-05 08:30,\""+strings.Repeat("引号没有闭合\n", 600_000)))
			},
			rejected: 1, reason: "引号未闭合",
			maxRejects: 8 << 10,
		},
		{
			name: "text in another encoding",
			file: func(t *testing.T, dir string) string {
				b := []byte(hostileHeader)
				for i := range 4000 {
					b = append(b, 0x80, byte(0x30+i%10), 0xFF, ',')
				}
				return writeFile(t, dir, "big5ish.csv", b)
			},
			wantErr: "编码无法识别",
		},
		{
			name: "mojibake already in UTF-8",
			file: func(t *testing.T, dir string) string {
				return writeFile(t, dir, "fffd.csv", []byte(hostileHeader+
					"A1,2024-03-05 08:30,楼道\uFFFD\uFFFD灯坏了\nA2,2024-03-05 08:30,好\n"))
			},
			created: 1, rejected: 1, reason: "第 3 列 诉求内容 含有乱码替换字符",
		},
		{
			name: "xlsx zip bomb",
			file: func(t *testing.T, dir string) string {
				return zipBomb(t, dir)
			},
			wantErr: "疑似压缩炸弹",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.file(t, dir)
			db := mustOpenDB(t)
			sum, err := importer.Import(context.Background(), db, path, importer.Options{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if len(core.ErrorMessage(err)) > 1000 {
					t.Errorf("error message of %d bytes", len(core.ErrorMessage(err)))
				}
				if n := len(allTickets(t, db)); n != 0 {
					t.Errorf("refused file stored %d tickets", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if sum.Created != tt.created || sum.Rejected != tt.rejected {
				t.Fatalf("created %d, rejected %d; want %d, %d", sum.Created, sum.Rejected, tt.created, tt.rejected)
			}
			rp := importer.RejectsPath(path)
			rows := readRejects(t, rp)
			r := rows[1]
			if got := r[len(r)-1]; !strings.Contains(got, tt.reason) {
				t.Errorf("reason = %q, want %q", got, tt.reason)
			}
			fi, err := os.Stat(rp)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("rejects file mode %v, want 0600", fi.Mode().Perm())
			}
			if tt.maxRejects > 0 && fi.Size() > tt.maxRejects {
				t.Errorf("rejects file of %d bytes, want at most %d", fi.Size(), tt.maxRejects)
			}
		})
	}
}

// zipBomb writes a valid XLSX with one more part: 64 MB of zeros, which
// deflate to about 64 KB.
func zipBomb(t *testing.T, dir string) string {
	t.Helper()
	x := excelize.NewFile()
	setRows(x, [][]any{{"工单编号", "来电时间", "诉求内容"}, {"A1", "2024-03-05 08:30", "好"}})
	var src bytes.Buffer
	if err := x.Write(&src); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.Create("xl/worksheets/sheet2.xml")
	zeros := make([]byte, 1<<20)
	for range 64 {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "bomb.xlsx", out.Bytes())
}

// TestReimportBadGBKKeepsGoodText imports a GBK export, then the same
// export with a few bytes damaged: the damaged rows are rejected naming the
// byte, the others are unchanged, and no stored text gets mojibake.
func TestReimportBadGBKKeepsGoodText(t *testing.T) {
	dir := t.TempDir()
	var text strings.Builder
	text.WriteString(hostileHeader)
	for i := range 20 {
		fmt.Fprintf(&text, "G%03d,2024-03-05 08:30,第%d号楼楼道灯坏了请尽快维修\n", i, i)
	}
	good, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text.String()))
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, dir, "gbk.csv", good)
	db := mustOpenDB(t)
	ctx := context.Background()
	if sum, err := importer.Import(ctx, db, path, importer.Options{}); err != nil || sum.Created != 20 {
		t.Fatalf("first import: %+v, %v", sum, err)
	}
	before := allTickets(t, db)

	// Damage the first byte of 楼 in rows 3 and 12 (file rows 4 and 13).
	bad := append([]byte(nil), good...)
	var offsets []int
	for _, n := range []string{"G002", "G011"} {
		at := bytes.Index(bad, []byte(n))
		lou, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("楼"))
		k := at + bytes.Index(bad[at:], lou)
		bad[k] = 0xFF
		offsets = append(offsets, k)
	}
	os.WriteFile(path, bad, 0o644)
	sum, err := importer.Import(ctx, db, path, importer.Options{})
	if err != nil || sum.Rejected != 2 || sum.Updated != 0 || sum.Unchanged != 18 {
		t.Fatalf("damaged import: %+v, %v; want 2 rejected, 0 updated, 18 unchanged", sum, err)
	}
	rows := readRejects(t, importer.RejectsPath(path))
	for i, want := range []int{4, 13} {
		r := rows[i+1]
		reason := fmt.Sprintf("第 3 列含有无法按 GBK/GB18030 解码的字节（在文件第 %d 字节，", offsets[i]+1)
		if r[len(r)-2] != fmt.Sprint(want) || !strings.Contains(r[len(r)-1], reason) {
			t.Errorf("reject %d = row %s %q, want row %d %q", i, r[len(r)-2], r[len(r)-1], want, reason)
		}
	}
	after := allTickets(t, db)
	for i := range after {
		if after[i].Content != before[i].Content || strings.ContainsRune(after[i].Content, '\uFFFD') {
			t.Errorf("%s content %q, was %q", after[i].Number, after[i].Content, before[i].Content)
		}
	}
}
