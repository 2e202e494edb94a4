package text

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"full-width latin and digits", "ＡＢＣ１２３", "abc0"},
		{"full-width punctuation", "你好，世界！（测试）", "你好,世界!(测试)"},
		{"ideographic space collapsed", "垃圾　　清运", "垃圾 清运"},
		{"whitespace trimmed and collapsed", "  a \t\n b  ", "a b"},
		{"digit runs", "2024年3月15日拨打13800138000", "0年0月0日拨打0"},
		{"traditional to simplified", "這個醫院的電話", "这个医院的电话"},
		{"upper-case latin", "WiFi信号差", "wifi信号差"},
		{"greek lower-cased", "ΑΒΓ", "αβγ"},
		{"unchanged simplified", "小区停水三天", "小区停水三天"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendContent(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"punctuation and spaces dropped", "垃圾，清运 不及时！", "垃圾清运不及时"},
		{"tokens joined by spaces", "垃圾 清运 不 及时", "垃圾清运不及时"},
		{"digits across a separator are one run", "电话 010-1234 5678 转", "电话0转"},
		{"latin folded", "ＡＰＰ无法登录", "app无法登录"},
		{"traditional folded", "噪聲擾民", "噪声扰民"},
		{"symbols dropped", "★★温度30℃", "温度0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendContent(nil, tt.in)); got != tt.want {
				t.Errorf("AppendContent(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldKind(t *testing.T) {
	tests := []struct {
		in   rune
		fold rune
		kind Kind
	}{
		{'A', 'a', Letter},
		{'Ａ', 'a', Letter},
		{'５', '5', Digit},
		{'，', ',', Skip},
		{'　', ' ', Skip},
		{'們', '们', Han},
		{'水', '水', Han},
		{'𠀀', '𠀀', Han}, // CJK extension B
	}
	for _, tt := range tests {
		f := Fold(tt.in)
		if f != tt.fold || KindOf(f) != tt.kind {
			t.Errorf("Fold(%q) = %q kind %d, want %q kind %d", tt.in, f, KindOf(f), tt.fold, tt.kind)
		}
	}
}

const sampleTicket = "市民来电反映：A1区某小区高层二次供水水箱长年不清洗，自来水龙头里的水有严重霉味，" +
	"已多次向物业公司和社区反映，至今没有解决。希望政府和街道领导重视，请环保部门检测水质，" +
	"还居民一个健康安全的生活环境。另外小区门口道路坑洼不平，下雨天积水严重，老人出行不便，" +
	"夜间路灯也不亮，存在安全隐患，请相关部门尽快处理并回复。联系电话13800138000。"

func BenchmarkNormalize(b *testing.B) {
	b.SetBytes(int64(len(sampleTicket)))
	for b.Loop() {
		Normalize(sampleTicket)
	}
}

func BenchmarkAppendContent(b *testing.B) {
	var buf []rune
	b.SetBytes(int64(len(sampleTicket)))
	for b.Loop() {
		buf = AppendContent(buf[:0], sampleTicket)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "ＡＢＣ１２３", "這個醫院", "  a \t b ", "\xff\xfe", "2024年3月"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, again)
		}
		c := string(AppendContent(nil, s))
		if again := string(AppendContent(nil, n)); again != c {
			t.Fatalf("AppendContent(Normalize(%q)) = %q, want %q", s, again, c)
		}
	})
}
