package deid

import (
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/fieldset"
)

var testKey = []byte("0123456789abcdef-test-key")

func TestMasks(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"name", MaskName, "张三", "张*"},
		{"name three", MaskName, "张三丰", "张**"},
		{"name compound", MaskName, "欧阳娜娜", "欧阳**"},
		{"name surname only", MaskName, "王", "王"},
		{"mobile", MaskPhone, "13812345678", "138****5678"},
		{"mobile +86 grouped", MaskPhone, "+86 138 1234 5678", "138****5678"},
		{"landline", MaskPhone, "010-62345678", "010****5678"},
		{"landline 4-digit area", MaskPhone, "0755-12345678", "0755****5678"},
		{"local", MaskPhone, "62345678", "****5678"},
		{"id", MaskID, "110101199003074514", "110***********4514"},
		{"id 15", MaskID, "110101900307451", "110********7451"},
		{"bank", MaskBankCard, "6222 0212 3456 7890", "************7890"},
		{"email", MaskEmail, "zhang.san@example.com", "z***@example.com"},
		{"time", GeneraliseTime, "2024/3/5 10:30", "2024-03-05"},
		{"time chinese", GeneraliseTime, "2024年3月5日 10时", "2024-03-05"},
		{"time compact", GeneraliseTime, "20240305103000", "2024-03-05"},
		{"time unreadable", GeneraliseTime, "昨天", ""},
		{"birth", GeneraliseBirth, "1990-03-07", "1990"},
		{"age", GeneraliseAge, "37", "30-39"},
		{"age suffix", GeneraliseAge, "8岁", "0-9"},
		{"coord", GeneraliseCoord, "116.397128", "116.40"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.fn(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDictionaryValue(t *testing.T) {
	p, err := DefaultDictionary().WithKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, role, field, in, want string
	}{
		{"admin keeps", "admin", "caller_phone", "13812345678", "13812345678"},
		{"staff keeps", "staff", "caller_name", "张三", "张三"},
		{"leader masks phone", "leader", "caller_phone", "13812345678", "138****5678"},
		{"community masks name", "community", "caller_name", "欧阳娜娜", "欧阳**"},
		{"handler masks id", "handler", "caller_id", "110101199003074514", "110***********4514"},
		{"resident suppresses phone", "resident", "caller_phone", "13812345678", ""},
		{"share suppresses name", "share", "caller_name", "张三", ""},
		{"leader generalises address", "leader", "address", "朝阳区幸福小区3号楼2单元501室", "朝阳区幸福小区"},
		{"leader generalises house number", "leader", "address", "幸福路18号", "幸福路"},
		{"community scans address", "community", "address", "幸福小区3号楼2单元501室", "幸福小区3号楼2单元501室"},
		// Addresses typed with spaces between the parts are generalised
		// like those without (the portal's residents type both).
		{"resident generalises address", "resident", "address", "望春园一区5号楼2单元301", "望春园一区"},
		{"resident generalises address with spaces", "resident", "address", "望春园一区 5 号楼 2 单元 301", "望春园一区"},
		{"resident generalises address with full-width spaces", "resident", "address", "望春园一区　5　号楼　2　单元　301", "望春园一区"},
		{"resident generalises address with spaces between parts", "resident", "address", "望春园一区 5号楼 2单元 301", "望春园一区"},
		{"resident generalises address with tabs and runs of spaces", "resident", "address", "望春园一区\t5  号楼 \u3000 2 单元 301 室", "望春园一区"},
		{"resident keeps spaces before the detailed part", "resident", "address", "海川区 清河湾街道 望春园一区 5 号楼 2 单元 301", "海川区 清河湾街道 望春园一区"},
		{"leader generalises house number with spaces", "leader", "address", "幸福路 18 号", "幸福路"},
		{"share generalises address with full-width digits and spaces", "share", "address", "望春园一区　５　号楼　２　单元", "望春园一区"},
		{"resident address without detail kept", "resident", "address", "望春园一区 北门", "望春园一区 北门"},
		{"community scans address with spaces", "community", "address", "幸福小区 3 号楼 2 单元 501 室", "幸福小区 3 号楼 2 单元 501 室"},
		// The same in free text: the spaces between the parts are read
		// through, other spaces stay.
		{"resident masks address in text", "resident", "content", "住望春园一区5号楼2单元301，楼道灯坏了", "住望春园一区***，楼道灯坏了"},
		{"resident masks address with spaces in text", "resident", "content", "住望春园一区 5 号楼 2 单元 301，楼道灯坏了", "住望春园一区 ***，楼道灯坏了"},
		{"resident masks address with full-width spaces in text", "resident", "content", "住望春园一区　5　号楼　2　单元　301，楼道灯坏了", "住望春园一区　***，楼道灯坏了"},
		{"leader masks spaced address and phone in text", "leader", "content", "我住 3 栋 1203 室 电话 13812345678", "我住 *** 电话 138****5678"},
		{"counted buildings with spaces are no address", "resident", "content", "小区共 3 栋楼，每栋 18 层", "小区共 3 栋楼，每栋 18 层"},
		{"a date with spaces is no address", "resident", "content", "3 月 5 号 晚上 8 点停水", "3 月 5 号 晚上 8 点停水"},
		{"a floor with spaces is no address", "resident", "content", "我家在 3 楼 ， 2 个孩子", "我家在 3 楼 ， 2 个孩子"},
		{"share generalises time", "share", "received_at", "2024-03-05 10:30:00", "2024-03-05"},
		{"share generalises coordinate", "share", "lat", "39.908722", "39.91"},
		{"public field kept", "resident", "category1", "市容环境", "市容环境"},
		{"unknown role suppresses listed field", "guest", "caller_phone", "13812345678", ""},
		{"unknown role suppresses listed public field", "guest", "category1", "市容环境", ""},
		{"unknown role scans unknown column", "guest", "备注", "市容环境，电话13812345678", "市容环境，电话〔电话〕"},
		{"unknown column scanned", "resident", "备注", "请回电13812345678", "请回电138****5678"},
		{"store keeps caller phone", "store", "caller_phone", "13812345678", "13812345678"},
		{"store masks bank card in content", "store", "content", "退款打到6222021234567890128，电话13812345678",
			"退款打到" + maskAs(BankCard, "6222021234567890128") + "，电话13812345678"},
		{"store masks bank card glued to letters", "store", "content", "card6222021234567890003请退款",
			"card" + maskAs(BankCard, "6222021234567890003") + "请退款"},
		{"leader masks phone glued to letters", "leader", "content", "call13800138002now", "call138****8002now"},
		{"resident masks id glued to letters", "resident", "content", "ID110105198001011238", "ID〔证件号〕"},
		{"leader scans content", "leader", "content", "我叫张伟，电话13812345678，住幸福小区3号楼501室",
			"我叫张*，电话138****5678，住幸福小区***"},
		{"resident scans content", "resident", "content", "身份证号110101199003074514", "身份证号〔证件号〕"},
		{"share suppresses names in text", "share", "content", "王先生反映", "〔姓名〕先生反映"},
		{"empty", "leader", "caller_phone", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Value(tc.role, tc.field, tc.in); got != tc.want {
				t.Errorf("Value(%s, %s) = %q, want %q", tc.role, tc.field, got, tc.want)
			}
			// Text of any field a Value would treat as a whole gives the same.
			if got := p.Text(tc.role, tc.field, tc.in); got != tc.want {
				t.Errorf("Text(%s, %s) = %q, want %q", tc.role, tc.field, got, tc.want)
			}
		})
	}
}

func TestPseudonymise(t *testing.T) {
	p, err := DefaultDictionary().WithKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	a := p.Value("export", "caller_phone", "13812345678")
	b := p.Value("export", "caller_phone", "+86 138 1234 5678")
	if !strings.HasPrefix(a, "T_") || a != b {
		t.Errorf("pseudonyms %q, %q: want one stable T_ token", a, b)
	}
	// The same phone inside text gets the same token, so exports join.
	if txt := p.Text("export", "content", "电话138-1234-5678"); txt != "电话"+a {
		t.Errorf("Text = %q, want 电话%s", txt, a)
	}
	other, _ := DefaultDictionary().WithKey([]byte("another key of 16+ bytes"))
	if other.Value("export", "caller_phone", "13812345678") == a {
		t.Error("a different key gives the same token")
	}
	if n := p.Value("export", "caller_name", "张三"); !strings.HasPrefix(n, "P_") || len(n) != 18 {
		t.Errorf("name token %q, want P_ and 16 hex digits", n)
	}
}

func TestPseudonymiseNeedsKey(t *testing.T) {
	p := DefaultDictionary()
	if err := p.Check("export"); !errors.Is(err, ErrNoKey) {
		t.Errorf("Check(export) without key = %v, want ErrNoKey", err)
	}
	if err := p.Check("leader"); err != nil {
		t.Errorf("Check(leader) = %v, want nil", err)
	}
	if got := p.Value("export", "caller_phone", "13812345678"); got != "" {
		t.Errorf("pseudonymise without key = %q, want suppressed", got)
	}
	if got := p.Text("export", "content", "电话13812345678"); got != "电话〔电话〕" {
		t.Errorf("pseudonymise in text without key = %q", got)
	}
	if _, err := p.WithKey([]byte("short")); err == nil {
		t.Error("WithKey accepted a short key")
	}
}

func TestTextOnTypedField(t *testing.T) {
	// A bare name has no context for the recognizers; Text on a name field
	// must still mask it whole.
	if got := DefaultDictionary().Text("leader", "caller_name", "张三"); got != "张*" {
		t.Errorf("Text(caller_name) = %q, want 张*", got)
	}
}

func TestRecord(t *testing.T) {
	p := DefaultDictionary()
	in := map[string]string{"caller_name": "李娜", "caller_phone": "13912345678", "category1": "市容环境"}
	got := p.Record("leader", in)
	if got["caller_name"] != "李*" || got["caller_phone"] != "139****5678" || got["category1"] != "市容环境" {
		t.Errorf("Record = %v", got)
	}
	if in["caller_name"] != "李娜" {
		t.Error("Record changed its input")
	}
}

// TestDefaultDictionaryCoversFieldSet: every personal or sensitive field of the
// standard field set has its own row, so none falls to the "*" row.
func TestDefaultDictionaryCoversFieldSet(t *testing.T) {
	p := DefaultDictionary()
	for _, f := range fieldset.Tickets().Fields {
		if f.Sensitivity != fieldset.SensPersonal && f.Sensitivity != fieldset.SensSensitive {
			continue
		}
		if p.fields[f.Name] == nil {
			t.Errorf("field %s (%s) has no row in policy.csv", f.Name, f.Sensitivity)
		}
	}
	for _, ty := range Types {
		if _, ok := p.spans[ty]; !ok {
			t.Errorf("type %s has no @ row in policy.csv", ty)
		}
	}
}

func TestLoadDictionaryErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "为空"},
		{"bad header", "field,admin\n", "表头"},
		{"repeated role", "target,kind,admin,admin\n", "重复"},
		{"unknown action", "target,kind,admin\ncaller_name,name,hide\n", "处理方式"},
		{"unknown kind", "target,kind,admin\ncaller_name,face,keep\n", "未知的字段类型"},
		{"unknown type", "target,kind,admin\n@FACE,,keep\n", "未知的个人信息类型"},
		{"scan on span", "target,kind,admin\n@PHONE,,scan\n", "scan 只用于字段"},
		{"scan on name", "target,kind,admin\ncaller_name,name,scan\n", "kind 为 text 或 address"},
		{"short row", "target,kind,admin,leader\ncaller_name,name,keep\n", "列"},
		{"repeated target", "target,kind,admin\na,string,keep\na,string,keep\n", "字段 a 重复"},
		{"every bad row", "target,kind,admin\na,face,keep\nb,string,hide\nc,string,keep\n@FACE,,keep\n", "第 2 行：未知的字段类型 kind \"face\"\n脱敏字典第 3 行：角色 admin 的处理方式"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadDictionary(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestKAnonymity(t *testing.T) {
	recs := []map[string]string{
		{"community": "幸福", "category1": "噪音"},
		{"community": "幸福", "category1": "噪音"},
		{"community": "幸福", "category1": "停车"},
		{"community": "和平", "category1": "噪音"},
		{"community": "和平", "category1": "噪音"},
		{"community": "和平", "category1": "噪音"},
	}
	if k, c := KAnonymity(recs, []string{"community", "category1"}); k != 1 || c != 3 {
		t.Errorf("k, classes = %d, %d; want 1, 3", k, c)
	}
	if k, c := KAnonymity(recs, []string{"community"}); k != 3 || c != 2 {
		t.Errorf("k, classes = %d, %d; want 3, 2", k, c)
	}
	if k, c := KAnonymity(nil, []string{"community"}); k != 0 || c != 0 {
		t.Errorf("empty: %d, %d", k, c)
	}
}

func FuzzLoadDictionary(f *testing.F) {
	f.Add(defaultDictionaryCSV)
	f.Add("target,kind,admin\ncaller_name,name,keep\n")
	f.Add("target,kind,a,b\n@PHONE,,mask,keep\n*,string,keep,suppress\n")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := LoadDictionary(strings.NewReader(s))
		if err != nil {
			if strings.Contains(err.Error(), "13812345678") {
				t.Fatalf("error quotes a value: %v", err)
			}
			return
		}
		for _, role := range append(p.Roles(), "nobody") {
			p.Value(role, "caller_phone", "13812345678")
			p.Text(role, "content", "我叫张伟，电话13812345678")
			p.Check(role)
		}
	})
}

// FuzzDictionaryTable: a dictionary uploaded through the settings pages
// loads, or fails with a message, and what loads writes back to a table
// that loads the same.
func FuzzDictionaryTable(f *testing.F) {
	f.Add(defaultDictionaryCSV)
	f.Add("target,kind,admin\ncaller_phone,phone,hide\n@PHONE,,scan\n")
	f.Add("target,kind,a,b\n*,text,scan,keep\nx,string,keep\n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := LoadDictionary(strings.NewReader(in))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		head, rows := d.Table()
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write(head)
		w.WriteAll(rows)
		d2, err := LoadDictionary(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("table of a loaded dictionary does not load: %v\n%s", err, b.String())
		}
		if h2, r2 := d2.Table(); !reflect.DeepEqual(h2, head) || !reflect.DeepEqual(r2, rows) {
			t.Fatalf("round trip changed the dictionary")
		}
	})
}

// TestAddressSpans: the spans of an address typed with spaces are those of
// the same address without, at the offsets of the value as typed.
func TestAddressSpans(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // the spans' texts
	}{
		{"no spaces", "望春园一区5号楼2单元301", []string{"5号楼2单元301"}},
		{"spaces", "望春园一区 5 号楼 2 单元 301", []string{"5 号楼 2 单元 301"}},
		{"full-width spaces", "望春园一区　5　号楼　2　单元　301", []string{"5　号楼　2　单元　301"}},
		{"leading and trailing spaces", "  幸福路 18 号  ", []string{"18 号"}},
		{"two numbers stay apart", "幸福小区 3号楼 2 301", []string{"3号楼"}},
		{"nothing", "望春园一区 北门 ", nil},
		{"only spaces", " \u3000 ", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, sp := range addressSpans(tc.in) {
				if sp.Type != Address {
					continue
				}
				if tc.in[sp.ByteStart:sp.ByteEnd] != sp.Text {
					t.Errorf("span %q at bytes %d-%d of %q", sp.Text, sp.ByteStart, sp.ByteEnd, tc.in)
				}
				if r := []rune(tc.in); string(r[sp.Start:sp.End]) != sp.Text {
					t.Errorf("span %q at runes %d-%d of %q", sp.Text, sp.Start, sp.End, tc.in)
				}
				got = append(got, sp.Text)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("addressSpans(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzSpacedSpans: the spans of any address or text typed with spaces lie
// within it, in order, each Text the value's own bytes at its byte and
// rune offsets; nothing panics.
func FuzzSpacedSpans(f *testing.F) {
	for _, s := range []string{"望春园一区 5 号楼 2 单元 301", "望春园一区　５　号楼　２　单元", " \u3000 ", "住 3 栋 1203 室 电话 138 1234 5678",
		"5 \xff 号楼", "\t5\n号\r楼", "A 座 12 层", "幸福路 18 号 院内"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for name, spans := range map[string][]Span{"address": addressSpans(v), "text": textSpans(v)} {
			last := 0
			for _, sp := range spans {
				if sp.ByteStart < last || sp.ByteEnd < sp.ByteStart || sp.ByteEnd > len(v) || v[sp.ByteStart:sp.ByteEnd] != sp.Text {
					t.Fatalf("%s spans of %q: %+v", name, v, sp)
				}
				if sp.Start != utf8.RuneCountInString(v[:sp.ByteStart]) || sp.End-sp.Start != utf8.RuneCountInString(sp.Text) {
					t.Fatalf("%s spans of %q: rune offsets of %+v", name, v, sp)
				}
				last = sp.ByteEnd
			}
		}
	})
}
