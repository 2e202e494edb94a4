package text

import (
	_ "embed"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Pinyin readings. pinyin.dat holds the tone-less Mandarin reading of every
// ideograph the Unicode Unihan database gives one (41,419 characters: CJK
// Extension A and the unified block densely, the supplementary extensions,
// whose rare characters turn up in names, sparsely), taken as the first
// kMandarin reading; UNIHAN-LICENSE.txt is its licence. Rebuild it with
//
//	dpkg -x unicode-data_15.0.0-1_all.deb /tmp/ud
//	go run ./internal/text/internal/genpinyin \
//	    -in /tmp/ud/usr/share/unicode/Unihan_Readings.txt.bz2 -out internal/text/pinyin.dat
//
// The first reading is not always the one a surname takes (单 dan, but the
// surname is Shan); SurnamePinyin and NamePinyinKey apply a short list of
// surname readings. Readings carry no tone, so 张 and 章 (zhang) or 王 and
// 汪 (wang) compare equal: that is the point, as clerks type names by ear.

//go:embed pinyin.dat
var pinyinData []byte

type pinyinTable struct {
	first, last rune
	codes       []uint16 // per code point of [first, last]: 0, or 1 + index into syllables
	sparse      []rune   // code points outside [first, last] with a reading, ascending
	sparseCodes []uint16 // their codes
	syllables   []string
	byName      map[string]uint16
}

var loadPinyin = sync.OnceValue(func() *pinyinTable {
	nl := strings.IndexByte(string(pinyinData[:min(len(pinyinData), 8192)]), '\n')
	if nl < 0 {
		panic("text: pinyin.dat has no header")
	}
	head := strings.Fields(string(pinyinData[:nl]))
	if len(head) < 5 || head[0] != "pinyin2" {
		panic("text: pinyin.dat has a bad header")
	}
	first, err1 := strconv.ParseUint(head[1], 16, 32)
	last, err2 := strconv.ParseUint(head[2], 16, 32)
	nsparse, err3 := strconv.Atoi(head[3])
	body := pinyinData[nl+1:]
	dense := 2 * int(last-first+1)
	if err1 != nil || err2 != nil || err3 != nil || last < first || nsparse < 0 || len(body) != dense+6*nsparse {
		panic("text: pinyin.dat has a bad range")
	}
	t := &pinyinTable{first: rune(first), last: rune(last), syllables: head[4:], byName: map[string]uint16{}}
	code := func(b []byte) uint16 {
		c := binary.LittleEndian.Uint16(b)
		if int(c) > len(t.syllables) {
			panic("text: pinyin.dat has a bad code")
		}
		return c
	}
	t.codes = make([]uint16, last-first+1)
	for i := range t.codes {
		t.codes[i] = code(body[2*i:])
	}
	t.sparse, t.sparseCodes = make([]rune, nsparse), make([]uint16, nsparse)
	for i := range nsparse {
		e := body[dense+6*i:]
		t.sparse[i] = rune(binary.LittleEndian.Uint32(e))
		t.sparseCodes[i] = code(e[4:])
	}
	for i, s := range t.syllables {
		t.byName[s] = uint16(i + 1)
	}
	return t
})

func (t *pinyinTable) code(r rune) uint16 {
	if r >= t.first && r <= t.last {
		return t.codes[r-t.first]
	}
	if i, ok := slices.BinarySearch(t.sparse, r); ok {
		return t.sparseCodes[i]
	}
	return 0
}

// PinyinCode returns the code of r's tone-less reading, 0 if r has none.
// Codes are small positive integers, one per syllable, stable for one build
// of the table; Syllable turns a code back into its spelling. r is folded
// first (full-width to half-width, traditional to simplified), which matters
// only for the few folded characters whose own reading is missing.
func PinyinCode(r rune) uint16 {
	if r < 0x3400 {
		return 0 // below every ideograph: Latin, digits, punctuation
	}
	t := loadPinyin()
	if c := t.code(r); c != 0 {
		return c
	}
	if f := Fold(r); f != r {
		return t.code(f)
	}
	return 0
}

// Syllable returns the spelling of a code from PinyinCode ("zhang"; ü is
// written v: "lv"), or "" for 0 or an unknown code.
func Syllable(code uint16) string {
	t := loadPinyin()
	if code == 0 || int(code) > len(t.syllables) {
		return ""
	}
	return t.syllables[code-1]
}

// Pinyin returns the tone-less reading of the ideograph r (张 → "zhang") and
// whether it has one.
func Pinyin(r rune) (string, bool) {
	s := Syllable(PinyinCode(r))
	return s, s != ""
}

// surnameReadings are the surnames whose first kMandarin reading is not the
// surname's.
var surnameReadings = map[rune]string{
	'单': "shan", '曾': "zeng", '解': "xie", '仇': "qiu", '区': "ou", '朴': "piao",
	'查': "zha", '覃': "qin", '盖': "ge", '乐': "yue", '缪': "miao", '种': "chong",
	'长': "chang", '重': "chong", '员': "yun", '句': "gou", '繁': "po", '折': "she",
	'翟': "zhai", '祭': "zhai", '黑': "he", '召': "shao", '秘': "bi", '能': "nai",
}

// SurnamePinyinCode is PinyinCode for r as a surname (单 → shan, 曾 → zeng).
func SurnamePinyinCode(r rune) uint16 {
	if s, ok := surnameReadings[r]; ok {
		if c, ok := loadPinyin().byName[s]; ok {
			return c
		}
	}
	return PinyinCode(r)
}

// SurnamePinyin returns the tone-less reading of r as a surname: the surname
// reading where it differs from the character's first reading (单 → "shan",
// 区 → "ou"), else Pinyin(r).
func SurnamePinyin(r rune) (string, bool) {
	s := Syllable(SurnamePinyinCode(r))
	return s, s != ""
}

// PinyinKey returns the tone-less syllables of s joined by single spaces
// (张伟 → "zhang wei"): ideographs by their first reading, runs of Latin
// letters and digits (folded to lower case) as words of their own, every
// other rune dropped. Homophones share a key (章伟 → "zhang wei").
func PinyinKey(s string) string { return pinyinKey(s, false) }

// NamePinyinKey is PinyinKey for a personal name: the first ideograph is read
// as a surname (单明 → "shan ming", not "dan ming").
func NamePinyinKey(name string) string { return pinyinKey(name, true) }

func pinyinKey(s string, name bool) string {
	var b strings.Builder
	word := false // inside a Latin or digit word
	firstHan := name
	for _, r := range s {
		r = Fold(r)
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			if !word && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			word = true
			continue
		}
		word = false
		var c uint16
		if firstHan {
			c = SurnamePinyinCode(r)
		} else {
			c = PinyinCode(r)
		}
		if c == 0 {
			continue
		}
		firstHan = false
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Syllable(c))
	}
	return b.String()
}
