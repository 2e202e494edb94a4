package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDeidCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		key    string
		in     string
		code   int
		stdout string
		stderr string
	}{
		{"leader masks content", []string{"deid", "mask", "-role", "leader"}, "", "我叫张伟，电话13812345678\n", 0, "我叫张*，电话138****5678\n", ""},
		{"old form masks", []string{"deid", "-role", "leader"}, "", "我叫张伟，电话13812345678\n", 0, "我叫张*，电话138****5678\n", ""},
		{"field value", []string{"deid", "mask", "-role", "community", "-field", "caller_id"}, "", "110101199003074514\n", 0, "110***********4514\n", ""},
		{"store masks bank card only", []string{"deid", "mask", "-role", "store"}, "", "张先生电话13812345678，卡号6222021234567890128\n", 0, "张先生电话13812345678，卡号***************0128\n", ""},
		{"spans", []string{"deid", "spans"}, "", "电话13812345678\n", 0, `{"spans":[{"type":"PHONE","start":2,"end":13,"text":"13812345678","score":`, ""},
		{"spans empty line", []string{"deid", "spans"}, "\n没有个人信息\n", "", 0, "{\"spans\":[]}\n{\"spans\":[]}\n", ""},
		{"old -spans flag", []string{"deid", "-spans"}, "", "电话13812345678\n", 0, `"type":"PHONE","start":2,"end":13`, ""},
		{"export needs key", []string{"deid", "mask", "-role", "export"}, "", "x\n", 1, "", "JICENG_DEID_KEY"},
		{"export with key", []string{"deid", "mask", "-role", "export", "-field", "caller_phone"}, "0123456789abcdef", "13812345678\n", 0, "T_", ""},
		{"short key", []string{"deid", "mask", "-role", "export"}, "short", "x\n", 1, "", "JICENG_DEID_KEY"},
		{"unknown role", []string{"deid", "mask", "-role", "guest"}, "", "x\n", 1, "", "没有角色"},
		{"unknown subcommand", []string{"deid", "file.txt"}, "", "", 2, "", "未知子命令"},
		{"extra argument", []string{"deid", "spans", "file.txt"}, "", "", 2, "", "用法"},
		{"missing policy", []string{"deid", "mask", "-policy", "/nonexistent/policy.csv"}, "", "", 1, "", "脱敏字典"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(deidKeyEnv, tc.key)
			var out, errb bytes.Buffer
			in := tc.in
			if tc.name == "spans empty line" {
				in = tc.key
				t.Setenv(deidKeyEnv, "")
			}
			code := run(context.Background(), tc.args, strings.NewReader(in), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout %q, want it to contain %q", out.String(), tc.stdout)
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tc.stderr)
			}
			if strings.Contains(errb.String(), "13812345678") {
				t.Errorf("stderr quotes personal data: %q", errb.String())
			}
		})
	}
}

// TestDeidSpansLines: one JSON object per input line, offsets in code
// points.
func TestDeidSpansLines(t *testing.T) {
	in := "我叫张伟，电话13812345678\n\n身份证110101199003074514\n"
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"deid", "spans"}, strings.NewReader(in), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	inLines := strings.Split(strings.TrimSuffix(in, "\n"), "\n")
	if len(lines) != len(inLines) {
		t.Fatalf("%d output lines for %d input lines:\n%s", len(lines), len(inLines), out.String())
	}
	for i, l := range lines {
		var got struct {
			Spans []spanJSON `json:"spans"`
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		r := []rune(inLines[i])
		for _, s := range got.Spans {
			if string(r[s.Start:s.End]) != s.Text {
				t.Errorf("line %d: span %s [%d,%d) is %q in the text, want %q", i+1, s.Type, s.Start, s.End, string(r[s.Start:s.End]), s.Text)
			}
		}
	}
}

// TestDeidMaskFile masks a GBK CSV with a title row and an XLSX: columns
// are mapped by the field set's aliases, unknown columns scanned.
func TestDeidMaskFile(t *testing.T) {
	dir := t.TempDir()
	src := "2024年3月工单明细\n" +
		"工单编号,来电人,联系电话,诉求内容,所属社区,备注\n" +
		"E001,张三,13812345678,我叫张三，卡号6222021234567890128,幸福社区,请回电13912345678\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	csvIn := filepath.Join(dir, "in.csv")
	os.WriteFile(csvIn, []byte(gbk), 0o644)

	xlsxIn := filepath.Join(dir, "in.xlsx")
	f := excelize.NewFile()
	for i, row := range [][]any{
		{"工单编号", "来电人", "联系电话", "诉求内容", "所属社区", "备注"},
		{"E001", "张三", "13812345678", "我叫张三，卡号6222021234567890128", "幸福社区", "请回电13912345678"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &row)
	}
	if err := f.SaveAs(xlsxIn); err != nil {
		t.Fatal(err)
	}
	const wantRow = "E001,张*,138****5678,我叫张*，卡号***************0128,幸福社区,请回电139****5678\n"
	for _, tc := range []struct{ name, in, want string }{
		{"gbk csv", csvIn, "\ufeff2024年3月工单明细\n工单编号,来电人,联系电话,诉求内容,所属社区,备注\n" + wantRow},
		{"xlsx", xlsxIn, "\ufeff工单编号,来电人,联系电话,诉求内容,所属社区,备注\n" + wantRow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), []string{"deid", "mask", "-role", "leader", "-in", tc.in, "-out", out}, strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got, _ := os.ReadFile(out)
			if string(got) != tc.want {
				t.Errorf("masked file:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestImportStoresPolicy: the importer stores what the policy's store role
// allows: a bank card dictated into the complaint is stored masked, the
// caller's phone as given (staff call back).
func TestImportStoresPolicy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "cards.csv")
	os.WriteFile(src, []byte("工单编号,来电时间,来电人,联系电话,诉求内容,备注\n"+
		"C001,2024-03-05 08:30,张三,13812345678,退款请打到我的卡6222021234567890128，谢谢,卡号6222021234567890128\n"), 0o644)
	keepAll := filepath.Join(dir, "keep.csv")
	os.WriteFile(keepAll, []byte("target,kind,store\n*,text,keep\n"), 0o644)
	for _, tc := range []struct {
		name           string
		args           []string
		content, extra string
	}{
		{"built-in policy", nil, "退款请打到我的卡***************0128，谢谢", "卡号***************0128"},
		{"policy keeps all", []string{"-policy", keepAll}, "退款请打到我的卡6222021234567890128，谢谢", "卡号6222021234567890128"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(deidKeyEnv, "")
			db := filepath.Join(t.TempDir(), "s.db")
			jc(t, append(append([]string{"import", "-db", db}, tc.args...), src)...)
			got := dump(t, db)
			if len(got) != 1 {
				t.Fatalf("%d tickets stored, want 1", len(got))
			}
			tk := got[0]
			if tk.Content != tc.content || tk.Extra["备注"] != tc.extra {
				t.Errorf("stored content %q, extra %q; want %q, %q", tk.Content, tk.Extra["备注"], tc.content, tc.extra)
			}
			if tk.CallerPhone != "13812345678" || tk.CallerName != "张三" {
				t.Errorf("caller stored as %q, %q; want the raw values", tk.CallerName, tk.CallerPhone)
			}
		})
	}
}

// TestExportRoles: the default export pseudonymises and needs the key;
// -role admin is raw; both report k-anonymity on stderr.
func TestExportRoles(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.csv")
	os.WriteFile(src, []byte(exportFixture), 0o644)
	db := filepath.Join(dir, "one.db")
	t.Setenv(deidKeyEnv, "")
	jc(t, "import", "-db", db, src)
	// 李四 in the 网格员 column is a bare name: without a cue the
	// recognizers do not find names (see deid's package comment), so it is
	// not among the values that must go.
	raw := []string{"张三", "13812345678", "11010519491231002X"}
	tests := []struct {
		name     string
		key      string
		args     []string
		code     int
		has, not []string
		stderr   string
	}{
		{"default needs key", "", nil, 1, nil, nil, "JICENG_DEID_KEY"},
		{"default pseudonymises", "0123456789abcdef", nil, 0, []string{"P_", "T_", "I_", "E001"}, raw, "k-匿名性: k=1，等价类 3 个，共 3 条"},
		{"share suppresses", "", []string{"-role", "share"}, 0, []string{"E001", "2024-03-05"}, append(raw, "2024-03-05 08:30"), "k-匿名性"},
		{"admin raw", "", []string{"-role", "admin"}, 0, raw, nil, "k-匿名性: k=1"},
		{"qi one empty field", "", []string{"-role", "admin", "-qi", "street"}, 0, nil, nil, "k=3，等价类 1 个"},
		{"qi unknown", "", []string{"-role", "admin", "-qi", "shoe_size"}, 1, nil, nil, "-qi"},
		{"unknown role", "", []string{"-role", "guest"}, 1, nil, nil, "没有角色"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(deidKeyEnv, tc.key)
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"export", "-db", db}, tc.args...), strings.NewReader(""), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			for _, s := range tc.has {
				if !strings.Contains(out.String(), s) {
					t.Errorf("export lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tc.not {
				if strings.Contains(out.String(), s) {
					t.Errorf("export contains %q:\n%s", s, out.String())
				}
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tc.stderr)
			}
		})
	}
}
