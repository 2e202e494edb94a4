package account

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("正确的密码")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id", h)
	}
	h2, _ := HashPassword("正确的密码")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"right", h, "正确的密码", true},
		{"wrong", h, "错误的密码", false},
		{"empty", h, "", false},
		{"garbage", "not-a-hash", "正确的密码", false},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "正确的密码", false},
		{"huge memory refused", strings.Replace(h, "m=19456", "m=99999999", 1), "正确的密码", false},
		{"too many passes refused", strings.Replace(h, "t=2", "t=17", 1), "正确的密码", false},
		{"other version", strings.Replace(h, "v=19", "v=16", 1), "正确的密码", false},
		{"truncated", h[:len(h)-10], "正确的密码", false},
		{"no login (demo clerks)", "!", "正确的密码", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkPassword(tt.hash, tt.password); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := HashPassword(""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("empty password: got %v, want EINVALID", err)
	}
}

var generatedRE = regexp.MustCompile(`^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){3}$`)

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 500 {
		p, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if !generatedRE.MatchString(p) || strings.ContainsAny(p, "01ilo") {
			t.Fatalf("generated %q: not four groups of four readable characters", p)
		}
		if utf8.RuneCountInString(p) < 14 {
			t.Fatalf("generated %q is shorter than 14 characters", p)
		}
		if err := ValidatePassword("admin", p); err != nil {
			t.Fatalf("generated %q breaks the rules: %v", p, err)
		}
		if seen[p] {
			t.Fatalf("generated %q twice", p)
		}
		seen[p] = true
		for _, c := range strings.ReplaceAll(p, "-", "") {
			counts[c]++
		}
	}
	// 8,000 characters over 31: every character appears (each about 258
	// times; missing one would be a biased generator).
	if len(counts) != len(passwordAlphabet) {
		t.Errorf("generated passwords use %d of the %d characters", len(counts), len(passwordAlphabet))
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, username, password string
		want                     string // part of the message; "" for valid
	}{
		{"long enough", "zhang", "春天的第十个早晨八点钟", ""},
		{"ten ASCII characters", "zhang", "abcdefghij", ""},
		{"ten Chinese characters", "zhang", "一二三四五六七八九十", ""},
		{"empty", "zhang", "", "请填写密码"},
		{"nine characters", "zhang", "abcdefghi", "至少需要 10 个字符（现在 9 个）"},
		{"too long", "zhang", strings.Repeat("a", 129), "最多 128 个字符"},
		{"the username", "zhangsan01", "zhangsan01", "不能与用户名相同"},
		{"the username in capitals", "zhangsan01", "ZhangSan01", "不能与用户名相同"},
		{"a newline", "zhang", "abcdefghij\n", "控制字符"},
		{"invalid UTF-8", "zhang", "abcdefghij\xff", "无法识别"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.username, tt.password)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.want) {
				t.Fatalf("got %v, want EINVALID containing %q", err, tt.want)
			}
			if tt.password != "" && strings.Contains(core.ErrorMessage(err), tt.password) {
				t.Errorf("message %q quotes the password", core.ErrorMessage(err))
			}
		})
	}
}

// FuzzParseHash: a stored hash of any shape is parsed without a panic,
// and what parses stays within the costs a check may spend.
func FuzzParseHash(f *testing.F) {
	h, err := HashPassword("种子密码-1234")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{h, "", "!", "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=-1,t=1,p=1$$", "$argon2id$v=19$m=19456,t=2,p=300$x$y", "$$$$$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		p, ok := parseHash(encoded)
		if !ok {
			return
		}
		if p.memory < 8 || p.memory > 1<<20 || p.passes < 1 || p.passes > 16 || p.lanes < 1 || len(p.salt) < 8 ||
			len(p.key) < 16 || len(p.key) > 64 {
			t.Fatalf("parsed out of bounds: %+v", p)
		}
	})
}

// FuzzValidatePassword: any input gets an answer, and a refusal never
// quotes the password.
func FuzzValidatePassword(f *testing.F) {
	for _, s := range []string{"", "abcdefghij", "一二三四五六七八九十", "zhangsan01", "a\x00bcdefghij", "\xff\xfe"} {
		f.Add("zhangsan01", s)
	}
	f.Fuzz(func(t *testing.T, username, password string) {
		err := ValidatePassword(username, password)
		if err == nil {
			if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
				t.Fatalf("accepted a password of %d characters", n)
			}
			return
		}
		if core.ErrorCode(err) != core.EINVALID {
			t.Fatalf("code %q", core.ErrorCode(err))
		}
		if len(password) >= 4 && strings.Contains(core.ErrorMessage(err), password) {
			t.Fatalf("message %q quotes the password", core.ErrorMessage(err))
		}
	})
}

func BenchmarkCheckPassword(b *testing.B) {
	h, err := HashPassword("基准测试的密码-2025")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		checkPassword(h, "基准测试的密码-2025")
	}
}
