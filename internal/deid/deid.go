// Package deid de-identifies ticket data: recognizers find personal data in
// free text (resident ID numbers, phones, bank cards, plates, credit codes,
// passports and permits, e-mail and IM accounts, names and detailed
// addresses) and a masking dictionary (脱敏字典, Policy) decides, per field and
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
// Everything here is pure and safe for concurrent use.
package deid

import (
	"sort"
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
	sc := scanner{s: text}
	sc.run()
	return finish(text, sc.spans, minScore)
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
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ByteStart != out[j].ByteStart {
			return out[i].ByteStart < out[j].ByteStart
		}
		return out[i].ByteEnd > out[j].ByteEnd
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
