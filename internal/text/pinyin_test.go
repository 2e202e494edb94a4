package text

import "testing"

func TestPinyin(t *testing.T) {
	tests := []struct {
		name string
		r    rune
		want string
		ok   bool
	}{
		{"zhang", '张', "zhang", true},
		{"zhang homophone", '章', "zhang", true},
		{"wang", '王', "wang", true},
		{"wang homophone", '汪', "wang", true},
		{"chen", '陈', "chen", true},
		{"cheng", '程', "cheng", true},
		{"lv written v", '吕', "lv", true},
		{"nv", '女', "nv", true},
		{"traditional", '陳', "chen", true},
		{"extension A", '㐀', "qiu", true},
		{"first reading of dan", '单', "dan", true},
		{"latin", 'a', "", false},
		{"digit", '3', "", false},
		{"extension B", '\U0002A6A5', "zhe", true},
		{"extension C", '\U0002B5AF', "fu", true},
		{"no reading in Unihan", '𠮷', "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Pinyin(tt.r)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Pinyin(%q) = %q, %v; want %q, %v", tt.r, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSurnamePinyin(t *testing.T) {
	tests := []struct {
		r    rune
		want string
	}{
		{'单', "shan"}, {'曾', "zeng"}, {'解', "xie"}, {'仇', "qiu"}, {'区', "ou"},
		{'朴', "piao"}, {'查', "zha"}, {'覃', "qin"}, {'盖', "ge"}, {'乐', "yue"},
		{'张', "zhang"}, {'陈', "chen"},
	}
	for _, tt := range tests {
		if got, _ := SurnamePinyin(tt.r); got != tt.want {
			t.Errorf("SurnamePinyin(%q) = %q, want %q", tt.r, got, tt.want)
		}
	}
	// Every override must name a syllable of the table, or it would silently
	// fall back to the first reading.
	for r, s := range surnameReadings {
		if _, ok := loadPinyin().byName[s]; !ok {
			t.Errorf("surname reading %q of %q is not a syllable of the table", s, r)
		}
	}
}

func TestPinyinKey(t *testing.T) {
	tests := []struct {
		name, in, want string
		person         bool
	}{
		{"name", "张伟", "zhang wei", false},
		{"homophone surname", "章伟", "zhang wei", false},
		{"wang", "汪芳", "wang fang", false},
		{"chen is not cheng", "陈明", "chen ming", false},
		{"cheng", "程明", "cheng ming", false},
		{"latin and digits", "3号楼A座", "3 hao lou a zuo", false},
		{"full width", "ＡＢ１２", "ab12", false},
		{"punctuation dropped", "李·小龙", "li xiao long", false},
		{"surname reading", "单明", "shan ming", true},
		{"surname only first", "曾曾", "zeng ceng", true},
		{"plain key keeps first reading", "单明", "dan ming", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := PinyinKey
			if tt.person {
				f = NamePinyinKey
			}
			if got := f(tt.in); got != tt.want {
				t.Errorf("key(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPinyinTableCoverage(t *testing.T) {
	// Every character of the unified block that people write in names has
	// a reading; count the whole block so that a broken table shows.
	n := 0
	for r := rune(0x4E00); r <= 0x9FA5; r++ {
		if PinyinCode(r) != 0 {
			n++
		}
	}
	if n < 20000 {
		t.Errorf("%d characters of U+4E00–U+9FA5 have a reading, want ≥ 20000", n)
	}
}

func BenchmarkNamePinyinKey(b *testing.B) {
	for b.Loop() {
		NamePinyinKey("欧阳建国")
	}
}

func FuzzPinyinKey(f *testing.F) {
	f.Add("张伟")
	f.Add("3号楼A座\xff")
	f.Fuzz(func(t *testing.T, s string) {
		k := PinyinKey(s)
		if len(k) > 0 && (k[0] == ' ' || k[len(k)-1] == ' ') {
			t.Errorf("PinyinKey(%q) = %q has outer spaces", s, k)
		}
	})
}

func TestSurnameReadingsDiffer(t *testing.T) {
	for r, s := range surnameReadings {
		if p, _ := Pinyin(r); p == s {
			t.Errorf("surname reading of %q is its first reading %q: drop it from the list", r, s)
		}
	}
}
