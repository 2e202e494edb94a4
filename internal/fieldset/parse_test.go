package fieldset

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, on a machine without them

	"jiceng/internal/core"
)

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means an error
	}{
		{"iso minutes", "2024-03-05 08:30", "2024-03-05 08:30:00"},
		{"iso T", "2024-03-05T08:30:00", "2024-03-05 08:30:00"},
		{"rfc3339 utc", "2024-03-05T00:30:00Z", "2024-03-05 08:30:00"},
		{"rfc3339 offset", "2024-03-05T08:30:00+08:00", "2024-03-05 08:30:00"},
		{"fraction", "2024-03-05 08:30:00.123", "2024-03-05 08:30:00"},
		{"slash date", "2024/3/5", "2024-03-05 00:00:00"},
		{"slash time", "2024/3/5 8:30:15", "2024-03-05 08:30:15"},
		{"dots", "2024.03.05", "2024-03-05 00:00:00"},
		{"chinese date", "2024年3月5日", "2024-03-05 00:00:00"},
		{"chinese date no day mark", "2024年3月5", "2024-03-05 00:00:00"},
		{"chinese time", "2024年3月5日 8时30分", "2024-03-05 08:30:00"},
		{"chinese hour", "2024年3月5日8点", "2024-03-05 08:00:00"},
		{"chinese seconds", "2024年3月5日8时30分15秒", "2024-03-05 08:30:15"},
		{"chinese compact", "2024年03月05日08:30", "2024-03-05 08:30:00"},
		{"afternoon", "2024/3/5 下午3:30", "2024-03-05 15:30:00"},
		{"morning noon", "2024/3/5 上午12:10", "2024-03-05 00:10:00"},
		{"full width", "２０２４－０３－０５　０８：３０", "2024-03-05 08:30:00"},
		{"compact date", "20240305", "2024-03-05 00:00:00"},
		{"compact minutes", "202403050830", "2024-03-05 08:30:00"},
		{"compact seconds", "20240305083000", "2024-03-05 08:30:00"},
		{"compact date space time", "20240305 08:30", "2024-03-05 08:30:00"},
		{"excel serial", "45356", "2024-03-05 00:00:00"},
		{"excel serial time", "45356.354166666664", "2024-03-05 08:30:00"},
		{"leap day", "2024-02-29", "2024-02-29 00:00:00"},
		{"spaces", "  2024-03-05 08:30  ", "2024-03-05 08:30:00"},
		{"feb 30", "2024-02-30", ""},
		{"feb 29 non leap", "2023-02-29", ""},
		{"month 13", "2024-13-01", ""},
		{"hour 24", "2024-03-05 24:00", ""},
		{"minute 60", "2024-03-05 08:60", ""},
		{"mixed seps", "2024-03/05", ""},
		{"hour without unit", "2024-03-05 8", ""},
		{"two digit year", "24-03-05", ""},
		{"us order date", "03/05/2024", "2024-03-05 00:00:00"},
		{"us pm", "03/05/2024 08:30:15 PM", "2024-03-05 20:30:15"},
		{"us am", "3/5/2024 8:30:15 AM", "2024-03-05 08:30:15"},
		{"us noon", "03/05/2024 12:00:00 PM", "2024-03-05 12:00:00"},
		{"us midnight", "03/05/2024 12:10:00 AM", "2024-03-05 00:10:00"},
		{"us lower dots", "3/5/2024 8:30 p.m.", "2024-03-05 20:30:00"},
		{"us glued pm", "3/5/2024 8:30PM", "2024-03-05 20:30:00"},
		{"us 24h", "03/05/2024 20:30", "2024-03-05 20:30:00"},
		{"us fraction pm", "03/05/2024 08:30:15.250 PM", "2024-03-05 20:30:15"},
		{"iso pm", "2024-03-05 08:30 PM", "2024-03-05 20:30:00"},
		{"us month 13", "13/05/2024", ""},
		{"us pm 13", "03/05/2024 13:00 PM", ""},
		{"us dashes", "03-05-2024", ""},
		{"us bad meridiem", "03/05/2024 08:30 XM", ""},
		{"us meridiem without time", "03/05/2024 PM", ""},
		{"offset colon", "2024-03-05 00:30:00+00:00", "2024-03-05 08:30:00"},
		{"offset T minus", "2024-03-04T19:30:00-05:00", "2024-03-05 08:30:00"},
		{"offset basic", "2024-03-05T08:30:00+0800", "2024-03-05 08:30:00"},
		{"offset hours", "2024-03-05T09:30:00+09", "2024-03-05 08:30:00"},
		{"offset fraction Z", "2024-03-05T00:30:00.123456Z", "2024-03-05 08:30:00"},
		{"offset fraction", "2024-03-05 00:30:00.5+00:00", "2024-03-05 08:30:00"},
		{"offset minutes only", "2024-03-05T00:30Z", "2024-03-05 08:30:00"},
		{"utc word", "2024-03-05 00:30:00 UTC", "2024-03-05 08:30:00"},
		{"utc plus", "2024-03-05 08:30 UTC+8", "2024-03-05 08:30:00"},
		{"gmt minus", "2024-03-04 19:30 GMT-05:00", "2024-03-05 08:30:00"},
		{"iso basic Z", "20240305T003000Z", "2024-03-05 08:30:00"},
		{"iso basic", "20240305T083000", "2024-03-05 08:30:00"},
		{"lower z", "2024-03-05T00:30:00z", "2024-03-05 08:30:00"},
		{"offset crosses year", "2023-12-31T23:30:00-01:00", "2024-01-01 08:30:00"},
		{"offset too big", "2024-03-05T08:30:00+15:00", ""},
		{"offset bad minutes", "2024-03-05T08:30:00+08:75", ""},
		{"offset three digits", "2024-03-05T08:30:00+080", ""},
		{"date with Z only", "2024-03-05Z", ""},
		{"offset without time", "2024-03-05-05", ""},
		{"Z after text", "2024-03-05 08:30 xZ", ""},
		{"text", "昨天下午", ""},
		{"empty", "", ""},
		{"bare year", "2024", ""},
		{"small number", "123", ""},
		{"serial too big", "99999", ""},
		{"day glued to time", "2024-03-0508:30", ""},
		{"trailing text", "2024-03-05 08:30 左右", ""},
		{"year 1800", "1800-01-01", ""},
		{"compact bad day", "20240230", ""},
		{"compact 10 digits", "2024030508", ""},
		{"pm 13", "2024/3/5 下午13:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDateTime(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseDateTime(%q) = %v, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDateTime(%q): %v", tt.in, err)
			}
			if s := FormatDateTime(got); s != tt.want {
				t.Errorf("ParseDateTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestParseDateTimeZone(t *testing.T) {
	got, err := ParseDateTime("2024-03-05 08:30")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 3, 5, 0, 30, 0, 0, time.UTC)
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got.UTC(), want)
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"mobile", "13812345678", "13812345678"},
		{"mobile spaces", "138 1234 5678", "13812345678"},
		{"mobile dashes", "138-1234-5678", "13812345678"},
		{"plus 86", "+86 138 1234 5678", "13812345678"},
		{"plus 86 dash", "+86-13812345678", "13812345678"},
		{"0086", "008613812345678", "13812345678"},
		{"86", "8613812345678", "13812345678"},
		{"full width", "１３８１２３４５６７８", "13812345678"},
		{"beijing", "010-62345678", "010-62345678"},
		{"beijing glued", "01062345678", "010-62345678"},
		{"beijing parens", "(010)62345678", "010-62345678"},
		{"hangzhou 8", "0571-87654321", "0571-87654321"},
		{"hangzhou 7 glued", "05718765432", "0571-8765432"},
		{"extension zhuan", "010-62345678转123", "010-62345678转123"},
		{"extension dash", "010-62345678-123", "010-62345678转123"},
		{"extension ext", "0571-87654321 ext 8001", "0571-87654321转8001"},
		{"plus 86 landline", "+86 10 62345678", "010-62345678"},
		{"service 400", "400-123-4567", "400-123-4567"},
		{"mobile 12", "12812345678", ""},
		{"mobile short", "1381234567", ""},
		{"mobile long", "138123456789", ""},
		{"local only", "62345678", "62345678"},
		{"local with extension", "62345678转12", "62345678转12"},
		{"local starting 1", "12345678", ""},
		{"short", "12345", ""},
		{"landline local 6", "010-623456", ""},
		{"letters", "138abc45678", ""},
		{"empty", "", ""},
		{"plus 1", "+1 415 555 0100", ""},
		{"mobile with extension", "13812345678转1", ""},
		{"bad extension", "010-62345678转abc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePhone(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParsePhone(%q) = %q, want error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// idWith returns first17 completed with its check character.
func idWith(first17 string) string { return first17 + string(IDCheckChar(first17)) }

func TestParseIDCard(t *testing.T) {
	valid := idWith("11010519491231002")
	if valid != "11010519491231002X" {
		t.Fatalf("check char of the GB 11643 example = %s, want ...X", valid)
	}
	wrong := valid[:17] + "1"
	tests := []struct{ name, in, want string }{
		{"standard example", "11010519491231002X", "11010519491231002X"},
		{"lower x", "11010519491231002x", "11010519491231002X"},
		{"spaces", " 11010519491231002X ", "11010519491231002X"},
		{"digit check", idWith("44030419900307123"), idWith("44030419900307123")},
		{"legacy 15", "110105491231002", "110105491231002"},
		{"wrong check", wrong, ""},
		{"feb 30", idWith("11010520000230123"), ""},
		{"year 1800", idWith("11010518000101123"), ""},
		{"legacy bad date", "110105491331002", ""},
		{"17 chars", "11010519491231002", ""},
		{"letters", "1101051949123100AX", ""},
		{"leading zero", idWith("01010519491231002"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDCard(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseIDCard(%q) = %q, want error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseIDCard(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseEnum(t *testing.T) {
	s := Tickets()
	tests := []struct{ field, in, want string }{
		{"status", "办结", "办结"},
		{"status", "已办结", "办结"},
		{"status", "已完成", "办结"},
		{"status", "待签收", "派单"},
		{"status", "已派单", "派单"},
		{"status", "处理中", "办理"},
		{"status", "办理中", "办理"},
		{"status", "已回访", "回访"},
		{"status", "已退回", "退单"},
		{"status", "退单", "退单"},
		{"status", " 已结案 ", "结案"},
		{"status", "非常满意", ""}, // a synonym of another field's value
		{"status", "进行时", ""},
		{"satisfaction", "非常满意", "满意"},
		{"satisfaction", "满意", "满意"},
		{"satisfaction", "比较满意", "基本满意"},
		{"satisfaction", "基本满意", "基本满意"},
		{"satisfaction", "很不满意", "不满意"},
		{"satisfaction", "不满意", "不满意"},
		{"intent", "投诉类", "投诉"},
		{"intent", "意见建议", "建议"},
		{"channel", "12345热线", "12345"},
		{"channel", "open311", "Open311"},
		{"urgency", "特急", "紧急"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"/"+tt.in, func(t *testing.T) {
			got, err := s.Field(tt.field).ParseEnum(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseEnum(%q) = %q, want error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseEnum(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	for _, in := range []string{"是", "已解决", "解决", "yes", "YES", "1", "Y", "true"} {
		if b, err := ParseBool(in); err != nil || !b {
			t.Errorf("ParseBool(%q) = %v, %v; want true", in, b, err)
		}
	}
	for _, in := range []string{"否", "未解决", "no", "0", "N", "false"} {
		if b, err := ParseBool(in); err != nil || b {
			t.Errorf("ParseBool(%q) = %v, %v; want false", in, b, err)
		}
	}
	for _, in := range []string{"", "部分解决", "2", "maybe"} {
		if _, err := ParseBool(in); err == nil {
			t.Errorf("ParseBool(%q): want error", in)
		}
	}
}

func TestParseFloatInt(t *testing.T) {
	if v, err := ParseFloat("116.39", "-180..180"); err != nil || v != 116.39 {
		t.Errorf("ParseFloat = %v, %v", v, err)
	}
	if _, err := ParseFloat("200", "-180..180"); err != ErrRange {
		t.Errorf("ParseFloat out of range: err = %v", err)
	}
	if _, err := ParseFloat("NaN", ""); err == nil {
		t.Error("ParseFloat(NaN): want error")
	}
	if _, err := ParseFloat("abc", ""); err == nil {
		t.Error("ParseFloat(abc): want error")
	}
	if n, err := ParseInt("12.0"); err != nil || n != 12 {
		t.Errorf("ParseInt(12.0) = %v, %v", n, err)
	}
	if _, err := ParseInt("1.5"); err == nil {
		t.Error("ParseInt(1.5): want error")
	}
}

func TestParseTags(t *testing.T) {
	got := strings.Join(ParseTags(" 噪音,夜间施工；噪音、 扰民 |"), "/")
	if got != "噪音/夜间施工/扰民" {
		t.Errorf("ParseTags = %s", got)
	}
}

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2024-03-05 08:30", "2024/3/5 8:30:15", "2024年3月5日 8时30分", "20240305083000",
		"45356.354", "2024-03-05T08:30:00+08:00", "2024/3/5 下午3:30", "2024-02-30", "２０２４－０３－０５",
		"03/05/2024 08:30:15 PM", "3/5/2024 8:30 a.m.", "2024-03-05 00:30:00+00:00", "2024-03-05T00:30:00.123Z",
		"2024-03-05 08:30 UTC+8", "20240305T003000Z", "2024-03-04 19:30 GMT-05:00"} {
		f.Add(s, "")
		f.Add(s, "America/New_York")
	}
	f.Fuzz(func(t *testing.T, s, zone string) {
		loc, err := LoadZone(zone)
		if err != nil {
			return
		}
		tm, err := ParseDateTimeIn(s, loc)
		if err != nil {
			return
		}
		if tm.Location() != core.StreetTime {
			t.Fatalf("ParseDateTimeIn(%q) in %v", s, tm.Location())
		}
		norm := FormatDateTime(tm)
		back, err := ParseDateTime(norm)
		if err != nil {
			t.Fatalf("ParseDateTime(%q) = %s, which does not parse: %v", s, norm, err)
		}
		if !back.Equal(tm) || FormatDateTime(back) != norm {
			t.Fatalf("round trip of %q: %s → %s", s, norm, FormatDateTime(back))
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138 1234 5678", "010-62345678-123", "0571-87654321转8001",
		"(010)62345678", "400-123-4567", "008613812345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, err := ParsePhone(s)
		if err != nil {
			return
		}
		back, err := ParsePhone(norm)
		if err != nil || back != norm {
			t.Fatalf("ParsePhone(%q) = %q; ParsePhone of that = %q, %v", s, norm, back, err)
		}
	})
}

func FuzzParseIDCard(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105491231002", "11010519491231002x", " 440304199003071234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, err := ParseIDCard(s)
		if err != nil {
			return
		}
		back, err := ParseIDCard(norm)
		if err != nil || back != norm {
			t.Fatalf("ParseIDCard(%q) = %q; ParseIDCard of that = %q, %v", s, norm, back, err)
		}
		if len(norm) == 18 && IDCheckChar(norm[:17]) != norm[17] {
			t.Fatalf("accepted %q with a wrong check character", s)
		}
	})
}
