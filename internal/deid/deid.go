// Package deid de-identifies ticket data: recognizers find personal data in
// free text (resident ID numbers, phones, bank cards, plates, credit codes,
// passports and permits, e-mail and IM accounts, names and detailed
// addresses) and a masking dictionary (脱敏字典, Dictionary) decides, per field and
// per role, whether a value is kept, masked, pseudonymised, generalised or
// suppressed.
//
// The recognizers are one hand-written scanner: a single pass over the bytes
// of the text that dispatches on ASCII digits, ASCII letters and a small set
// of trigger characters (context words, province abbreviations), with no
// regular expressions and no backtracking, so that the cost is linear and
// small (see BenchmarkSpans). Check characters (GB 11643, GB 32100, Luhn),
// plausible dates and region codes, and context words around a candidate set
// each span's Score, as Presidio's recognizers do.
//
// Span conventions (what the evaluation corpus's gold spans follow too):
//   - PERSON covers the name only, not the honorific: 王先生 → 王, 李建国师傅 →
//     李建国. A bare surname counts before an honorific. Names need context
//     (an honorific after, a word such as 我叫, 联系人, 业主, 姓名 before, or a
//     reporting verb after a clause boundary): a name with no cue at all is
//     not found (see BenchmarkStressRecall), except three characters that
//     look like a name where a clause or a list closes (…，肖求细（轻伤）) or
//     after a plain surname (罗斌华经营). A name already partly hidden is
//     a name (王某, 张某某, 陈某军, 谢XX); a title is never part of it
//     (总经理陈明 → 陈明, 林副局长 → 林).
//   - PHONE includes a +86/0086 prefix and an extension (转123, -123);
//     95xxx, 12345, 10086 and 400/800 numbers are service numbers, not
//     personal data.
//   - ADDRESS is only the detailed part below the compound or road:
//     3号楼2单元501室, 5栋1203, 12号院3号楼, 幸福路18号 → 18号. A building number alone
//     (3号楼) is an ADDRESS; a floor alone (3楼), counts (3栋楼, 共5户), layouts
//     (3室1厅), ordinals (第2单元) and dates (3月5号) are not.
//   - A name found once is found everywhere in the text, and a list of
//     names after one (张三、李四、王五) is a list of names.
//   - IM_ID is the account after a QQ/微信/WeChat label, even when it looks
//     like a phone number (微信号13812345678).
//   - Identifiers already masked in part or in full (身份证４３０３２２１９５６０*******,
//     电话：***********, 0731-0000-00000000) are still spans, typed by their
//     label.
//   - Full-width digits and letters are recognised; offsets stay those of
//     the original text.
//
// Everything here is pure and safe for concurrent use.
package deid

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Type is the kind of personal data a span holds.
type Type string

// The span types.
const (
	IDCard   Type = "ID_CARD"   // 居民身份证号码 (GB 11643, 18 or 15 characters)
	Phone    Type = "PHONE"     // mobile and landline numbers
	BankCard Type = "BANK_CARD" // 银行卡号
	Plate    Type = "PLATE"     // 机动车号牌 (GA 36-2018)
	USCC     Type = "USCC"      // 统一社会信用代码 (GB 32100)
	Passport Type = "PASSPORT"  // passports, 港澳/台湾 travel permits, 回乡证
	Email    Type = "EMAIL"
	Person   Type = "PERSON"  // personal names
	Address  Type = "ADDRESS" // the detailed part of an address: building, unit, room, house number
	IMID     Type = "IM_ID"   // QQ and WeChat accounts named as such
)

// Types lists every span type.
var Types = []Type{IDCard, Phone, BankCard, Plate, USCC, Passport, Email, Person, Address, IMID}

// Span is one recognised piece of personal data.
//
// Start and End are offsets in Unicode code points ([Start, End) of
// []rune(text)); ByteStart and ByteEnd are the same span in bytes, for
// slicing the string. Text is text[ByteStart:ByteEnd]. Score is the
// recognizer's confidence in [0, 1]; Rule names the rule that fired.
type Span struct {
	Type      Type
	Start     int
	End       int
	ByteStart int
	ByteEnd   int
	Text      string
	Score     float64
	Rule      string
}

// DefaultMinScore is the score below which Spans drops a candidate.
const DefaultMinScore = 0.5

// Spans returns the personal data found in text, sorted by position and
// without overlaps, each with a score of at least DefaultMinScore.
func Spans(text string) []Span {
	return SpansMin(text, DefaultMinScore)
}

// SpansMin is Spans with another score threshold. A lower threshold trades
// precision for recall (for example for a reviewer's highlighting).
func SpansMin(text string, minScore float64) []Span {
	if !hasWide(text) {
		sc := scanner{s: text}
		sc.run()
		sc.names()
		return finish(text, sc.spans, minScore)
	}
	// Full-width digits and letters (１３８…, ＱＱ) are folded to ASCII
	// rune for rune, so that the rune offsets found in the folded copy are
	// those of text; only the byte offsets and texts are mapped back.
	norm := foldWide(text)
	sc := scanner{s: norm}
	sc.run()
	sc.names()
	spans := finish(norm, sc.spans, minScore)
	if len(spans) == 0 {
		return spans
	}
	idx := make([]int, 0, len(text)+1)
	for i := range text {
		idx = append(idx, i)
	}
	idx = append(idx, len(text))
	for i := range spans {
		sp := &spans[i]
		sp.ByteStart, sp.ByteEnd = idx[sp.Start], idx[sp.End]
		sp.Text = text[sp.ByteStart:sp.ByteEnd]
	}
	return spans
}

// wide decodes the rune at s[i] (s[i] == 0xEF) and reports whether it is a
// full-width digit, letter, or one of ＋－．＠＿＊, with its ASCII form.
func wide(s string, i int) (rune, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	if s[i+1] != 0xBC && s[i+1] != 0xBD {
		return 0, false // most full-width punctuation (，：；) is EF BC 8x
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if size != 3 {
		return 0, false
	}
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ',
		r == '＋', r == '－', r == '．', r == '＠', r == '＿', r == '＊':
		return r - 0xFEE0, true
	}
	return 0, false
}

func hasWide(s string) bool {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], 0xEF)
		if j < 0 {
			return false
		}
		i += j
		if _, ok := wide(s, i); ok {
			return true
		}
		i++
	}
	return false
}

// foldWide replaces full-width digits and letters by their ASCII forms,
// one rune for one rune.
func foldWide(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] == 0xEF {
			if r, ok := wide(s, i); ok {
				b.WriteByte(byte(r))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// finish drops weak candidates, resolves overlaps and fills in the rune
// offsets and texts.
func finish(text string, cands []Span, minScore float64) []Span {
	out := cands[:0]
	for _, c := range cands {
		if c.Score >= minScore && c.ByteEnd > c.ByteStart {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b Span) int {
		if a.ByteStart != b.ByteStart {
			return a.ByteStart - b.ByteStart
		}
		return b.ByteEnd - a.ByteEnd
	})
	// Overlaps: the higher score wins, then the longer span.
	res := out[:0]
	for _, c := range out {
		if n := len(res); n > 0 && c.ByteStart < res[n-1].ByteEnd {
			p := &res[n-1]
			if c.Score > p.Score || (c.Score == p.Score && c.ByteEnd-c.ByteStart > p.ByteEnd-p.ByteStart) {
				*p = c
			}
			continue
		}
		res = append(res, c)
	}
	// Rune offsets, counted incrementally: spans are sorted and disjoint.
	pos, runes := 0, 0
	for i := range res {
		c := &res[i]
		runes += utf8.RuneCountInString(text[pos:c.ByteStart])
		c.Start = runes
		runes += utf8.RuneCountInString(text[c.ByteStart:c.ByteEnd])
		c.End = runes
		pos = c.ByteEnd
		c.Text = text[c.ByteStart:c.ByteEnd]
	}
	return res
}
