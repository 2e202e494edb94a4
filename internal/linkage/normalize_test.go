package linkage

import "testing"

func TestNormalizeID(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"18 digits", "110105198001020014", "110105198001020014", true},
		{"lower x", "11010519800102001x", "11010519800102001X", true},
		{"spaces and dashes", "110105 19800102 0014", "110105198001020014", true},
		{"full width", "１１０１０５１９８００１０２００１４", "110105198001020014", true},
		{"15 digits converted", "110105800102001", "110105198001020011", true},
		{"check digit not required", "110105198001020019", "110105198001020019", true},
		{"token kept", "I_0123456789abcdef", "I_0123456789abcdef", true},
		{"17 digits", "11010519800102001", "", false},
		{"letter inside", "1101051980010X0014", "", false},
		{"19 digits", "1101051980010200141", "", false},
		{"chinese", "身份证110105198001020014", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeID(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestIDCheckDigit(t *testing.T) {
	// The standard's worked example: 11010519491231002X.
	if got := IDCheckDigit("11010519491231002"); got != 'X' {
		t.Errorf("check digit = %q, want X", got)
	}
	if got := IDCheckDigit("1101051949123100"); got != 0 {
		t.Errorf("short input gave %q", got)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"mobile", "13812345678", "13812345678", true},
		{"mobile spaced", "138 1234 5678", "13812345678", true},
		{"plus 86 dashes", "+86 138-1234-5678", "13812345678", true},
		{"0086", "008613812345678", "13812345678", true},
		{"bare 86 mobile", "8613812345678", "13812345678", true},
		{"landline", "010-87654321", "01087654321", true},
		{"landline plus 86", "+86 10 8765 4321", "01087654321", true},
		{"landline parens", "(0755)12345678", "075512345678", true},
		{"local landline", "87654321", "87654321", true},
		{"extension dropped", "010-87654321转123", "01087654321", true},
		{"two numbers", "13812345678/13912345678", "13812345678", true},
		{"full width", "１３８１２３４５６７８", "13812345678", true},
		{"too short", "12345", "", false},
		{"bad mobile prefix", "12812345678", "", false},
		{"letters", "138abc45678", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizePhone(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNormalizeDate(t *testing.T) {
	tests := []struct {
		name, in string
		want     int32
		ok       bool
	}{
		{"iso", "1980-01-02", 19800102, true},
		{"chinese", "1980年1月2日", 19800102, true},
		{"compact", "19800102", 19800102, true},
		{"slashes", "1980/1/2", 19800102, true},
		{"dots", "1980.01.02", 19800102, true},
		{"with time", "1980-01-02 00:00:00", 19800102, true},
		{"with T time", "1980-01-02T08:00", 19800102, true},
		{"full width", "１９８０－０１－０２", 19800102, true},
		{"leap day", "2000-02-29", 20000229, true},
		{"not leap", "1900-02-29", 0, false},
		{"month 13", "1980-13-02", 0, false},
		{"day 32", "1980-01-32", 0, false},
		{"two-digit year", "80-01-02", 0, false},
		{"year too old", "1066-10-14", 0, false},
		{"text", "不详", 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeDate(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeDate(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNormalizeGender(t *testing.T) {
	tests := []struct {
		in   string
		want uint8
	}{
		{"男", GenderMale}, {"女", GenderFemale}, {" M ", GenderMale}, {"f", GenderFemale},
		{"1", GenderMale}, {"2", GenderFemale}, {"男性", GenderMale}, {"未知", GenderUnknown}, {"", GenderUnknown},
	}
	for _, tt := range tests {
		if got := NormalizeGender(tt.in); got != tt.want {
			t.Errorf("NormalizeGender(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 张伟 ", "张伟"}, {"张 伟", "张伟"}, {"阿卜杜·热合曼", "阿卜杜热合曼"}, {"劉國華", "刘国华"}, {"ＡＢＣ公司", "abc公司"}, {"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	if got := NormalizeCode("91110105-MA01 abcd2x"); got != "91110105MA01ABCD2X" {
		t.Errorf("NormalizeCode = %q", got)
	}
}

func TestIsToken(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"3f2a9c0d8e7b6a5f4e3d2c1b0a998877665544332211ffeeddccbbaa99887766", true},
		{"I_0123456789abcdef", true},
		{"T_0123456789ABCDEF", true},
		{"1234567890123456", false}, // a bank card, not a token
		{"110105198001020014", false},
		{"0123456789abcde", false}, // too short
		{"0123456789abcdeg", false},
	}
	for _, tt := range tests {
		if got := IsToken(tt.in); got != tt.want {
			t.Errorf("IsToken(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseAddress(t *testing.T) {
	room := Address{Estate: "阳光小区", Building: "3", Unit: "2", Room: "301"}
	tests := []struct {
		name, in string
		want     Address
	}{
		{"ladder", "阳光小区3号楼2单元301", room},
		{"dashes", "阳光小区3-2-301", room},
		{"dong and shi", "阳光小区3栋2单元301室", room},
		{"hash", "阳光小区 3#2-301", room},
		{"full admin prefix", "北京市朝阳区望京街道花家地社区阳光小区3号楼2单元301室", room},
		{"street prefix", "望京街道阳光小区3栋2单元301", room},
		{"road before estate", "幸福路18号阳光小区3号楼2单元301室", room},
		{"chinese numerals", "阳光小区三号楼二单元301", room},
		{"full width digits", "阳光小区３号楼２单元３０１室", room},
		{"no unit", "望京街道阳光小区5栋1203", Address{Estate: "阳光小区", Building: "5", Room: "1203"}},
		{"floor dropped", "和平里3号楼12层1203室", Address{Estate: "和平里", Building: "3", Room: "1203"}},
		{"letter building", "金色家园A座1203", Address{Estate: "金色家园", Building: "A", Room: "1203"}},
		{"compound number", "12号院3号楼501", Address{Estate: "12号院", Building: "3", Room: "501"}},
		{"road house only", "幸福路18号", Address{Estate: "幸福路18号"}},
		{"leading zeros", "阳光小区03-02-0301", room},
		{"estate only", "朝阳区阳光小区", Address{Estate: "阳光小区"}},
		{"no estate", "3号楼2单元301", Address{}},
		{"empty", "", Address{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseAddress(tt.in); got != tt.want {
				t.Errorf("ParseAddress(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
