package tabfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readAll reads every record of CSV bytes b with NewCSVReader.
func readAll(t *testing.T, b []byte) [][]string {
	t.Helper()
	r, err := NewCSVReader(bytes.NewReader(b), io.NopCloser(nil))
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	defer r.Close()
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if row.Err != "" {
			t.Fatalf("row %d refused: %s", row.Num, row.Err)
		}
		rows = append(rows, append([]string(nil), row.Cells...))
	}
}

func TestDecode(t *testing.T) {
	const text = "工单编号,诉求内容\nA1,楼道灯坏了😀\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text[:len(text)-len("😀\n")] + "\n")
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, enc, want string
	}{
		{"UTF-8", text, EncodingUTF8, text},
		{"UTF-8 BOM", "\ufeff" + text, EncodingUTF8, text},
		{"UTF-16 BOM", u16, EncodingUTF16, text},
		{"GB18030", gb, EncodingGB18030, text},
		{"GBK", gbk, EncodingGB18030, strings.Replace(text, "😀", "", 1)},
		{"empty", "", EncodingUTF8, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decode(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(d)
			if d.Encoding != tt.enc || string(got) != tt.want {
				t.Errorf("Decode = %q (%s), want %q (%s)", got, d.Encoding, tt.want, tt.enc)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"NUL bytes", []byte("a,b\x00\nc,d\n"), "空字节"},
		{"other encoding", bytes.Repeat([]byte{0xFF, 'a'}, 100), "编码无法识别"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(bytes.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want %q", err, tt.msg)
			}
		})
	}
}

func TestCSVRoundTrip(t *testing.T) {
	rows := [][]string{
		{"工单编号", "诉求内容", "备注"},
		{"007", "楼道灯坏了，A3区\n第二行", `=HYPERLINK("http://x","点我")`},
		{"E2", "𠀀€😀 生僻字", "'+cmd|' /C calc'!A0"},
		{"E3", "", "  前导空格"},
	}
	tests := []struct {
		name, enc string
		bom       bool
	}{
		{"UTF-8 with BOM", UTF8, true},
		{"GB18030 for gbk", GBK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewCSVWriter(&buf, tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := w.Write(append([]string(nil), r...)); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			if got := bytes.HasPrefix(b, []byte("\ufeff")); got != tt.bom {
				t.Errorf("BOM %v, want %v", got, tt.bom)
			}
			if bytes.Contains(b, []byte(",=HYPERLINK")) || bytes.Contains(b, []byte(`"=HYPERLINK`)) {
				t.Errorf("live formula in %q", b)
			}
			if tt.enc == GBK && utf8.Valid(b) {
				t.Errorf("gbk output is UTF-8: %q", b)
			}
			if got := readAll(t, b); !reflect.DeepEqual(got, rows) {
				t.Errorf("read back %q, want %q", got, rows)
			}
		})
	}
	if _, err := NewCSVWriter(io.Discard, "latin1"); err == nil {
		t.Error("NewCSVWriter accepted latin1")
	}
}

// TestEncodeMatchesWriter: Encode (for writers that encode in parallel)
// gives the bytes the CSV writer writes, and GBK text as GBK encodes it.
func TestEncodeMatchesWriter(t *testing.T) {
	const s = "楼道灯坏了,A3区\n"
	for _, enc := range []string{UTF8, GBK} {
		b, err := Encode([]byte(s), enc)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w, _ := NewCSVWriter(&buf, enc)
		w.Write([]string{"楼道灯坏了", "A3区"})
		w.Close()
		if want := buf.String(); BOM(enc)+string(b) != want {
			t.Errorf("%s: Encode %q, writer %q", enc, b, want)
		}
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(s)
	if b, _ := Encode([]byte(s), GBK); string(b) != gbk {
		t.Errorf("gbk text encoded %q, GBK %q", b, gbk)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	rows := [][]string{
		{"工单编号", "诉求内容", "备注"},
		{"007", "楼道灯坏了\n第二行", `=HYPERLINK("http://x","点我")`},
		{"E2", "𠀀€😀", "-2+3"},
	}
	for _, tt := range []struct{ name, sheet string }{{"Sheet1", ""}, {"named sheet", "工单"}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewXLSXSheetWriter(&buf, tt.sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			Discard(w) // after Close: nothing
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			sheet := x.GetSheetName(0)
			if want := cmpOr(tt.sheet, "Sheet1"); sheet != want {
				t.Errorf("sheet %q, want %q", sheet, want)
			}
			got, err := x.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, rows) {
				t.Errorf("rows %q, want %q", got, rows)
			}
			if f, _ := x.GetCellFormula(sheet, "C2"); f != "" {
				t.Errorf("C2 is a formula %q", f)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// leftovers returns the names in dir other than keep.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !strings.Contains(strings.Join(keep, "\x00"), e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestOutput(t *testing.T) {
	tests := []struct {
		name   string
		old    string // content at the path before, "" for none
		commit bool
		want   string // content after, "" for no file
	}{
		{"commit", "", true, "complete"},
		{"abort leaves no file", "", false, ""},
		{"commit replaces", "old", true, "complete"},
		{"abort keeps the old file", "old", false, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if tt.old != "" {
				os.WriteFile(path, []byte(tt.old), 0o600)
			}
			o, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(o, "comp")
			if b, _ := os.ReadFile(path); string(b) != tt.old {
				t.Errorf("before commit the path holds %q", b)
			}
			io.WriteString(o, "lete")
			if tt.commit {
				if err := o.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			o.Abort() // deferred in real use: a no-op after Commit
			b, err := os.ReadFile(path)
			switch {
			case tt.want == "" && !errors.Is(err, os.ErrNotExist):
				t.Errorf("file left: %q, %v", b, err)
			case tt.want != "" && string(b) != tt.want:
				t.Errorf("file holds %q, %v; want %q", b, err, tt.want)
			}
			if tt.commit {
				if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
					t.Errorf("mode %v, want 0644", fi.Mode().Perm())
				}
			}
			if l := leftovers(t, dir, "out.csv"); len(l) > 0 {
				t.Errorf("left in the directory: %v", l)
			}
		})
	}
}

func TestOutputNotRegular(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip(err)
	}
	o, err := Create(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(o, "x"); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Errorf("%s replaced: %v %v", os.DevNull, fi, err)
	}
}

func TestCreateFails(t *testing.T) {
	_, err := Create(filepath.Join(t.TempDir(), "no", "such", "dir.csv"))
	if err == nil || !strings.Contains(err.Error(), "无法创建文件 dir.csv") {
		t.Errorf("err = %v", err)
	}
}

// FuzzCSVReader: whatever the outside bytes, the reader does not fail
// apart from refusing the whole text in Decode, numbers its rows in order,
// and gives valid UTF-8 in every row it does not refuse.
func FuzzCSVReader(f *testing.F) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("工单编号;诉求内容\nA1;楼道\n")
	for _, s := range []string{
		"a,b\n1,2\n", "\ufeff工单编号\t内容\r\nA1\t\"x\"\"y\"\n", "\"runaway\n,\n", gb,
		"a,b\nA1,\xC2\xA5\xFF\xB5\xC0\x81\x30\n", "\xFF\xFEa\x00,\x00", "'=1,''+x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewCSVReader(bytes.NewReader(b), io.NopCloser(nil))
		if err != nil {
			return // refused as a whole, with a reason
		}
		for n := 1; ; n++ {
			row, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if row.Num != n {
				t.Fatalf("row %d numbered %d", n, row.Num)
			}
			if row.Err == "" {
				for _, c := range row.Cells {
					if !utf8.ValidString(c) {
						t.Fatalf("row %d: invalid UTF-8 %q", n, c)
					}
				}
			}
		}
	})
}

// FuzzCSVRoundTrip: a record written by NewCSVWriter in either encoding
// reads back the same, when the header names the delimiter (as every
// export's does) and the bytes cannot be taken for the other encoding.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("楼道灯坏了", "=1+2", "'-x\n\"y\"")
	f.Add("", " ", "\r")
	f.Add("\ue4c6", "0", "0")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		rec := []string{a, b, c}
		for _, s := range rec {
			// Not text a file of tickets holds, or refused by design: NUL,
			// U+FFFD (damage), invalid UTF-8; tab and semicolon compete
			// with the comma as delimiter.
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\uFFFD\t;") {
				return
			}
			// x/text's GB18030 maps some private-use characters to others
			// (U+E4C6 reads back as U+F4DA): not text of a ticket.
			if strings.ContainsFunc(s, func(r rune) bool { return r >= 0xE000 && r <= 0xF8FF }) {
				return
			}
		}
		header := []string{"工单编号", "来电时间", "诉求内容"}
		for _, enc := range []string{UTF8, GBK} {
			var buf bytes.Buffer
			w, err := NewCSVWriter(&buf, enc)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(append([]string(nil), header...))
			w.Write(append([]string(nil), rec...))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if enc == GBK && utf8.Valid(buf.Bytes()) && !isASCII(a+b+c) {
				// GB18030 bytes that happen to be valid UTF-8 (C2 A5 is
				// both): read as UTF-8, as any reader would.
				continue
			}
			got := readAll(t, buf.Bytes())
			if len(got) != 2 || !reflect.DeepEqual(got[1], rec) {
				t.Fatalf("%s: wrote %q, read %q", enc, rec, got)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
