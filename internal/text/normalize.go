// Package text normalises Chinese ticket text. It is shared by every text
// package (classification, extraction, de-identification, search), so that
// all of them see the same characters: half-width Latin and digits, lower
// case, simplified characters.
//
// The functions here are pure and safe for concurrent use.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold maps one rune to its normal form: full-width ASCII and the ideographic
// space to half-width, Latin upper case to lower case, common traditional
// characters to simplified ones. Every other rune is returned unchanged.
func Fold(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r >= cjkFirst && r <= cjkLast:
		if s := t2s[r-cjkFirst]; s != 0 {
			return s
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
		r -= 0xFF01 - 0x21
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r == 0x3000: // ideographic space
		return ' '
	}
	return unicode.ToLower(r)
}

// Kind classes a folded rune for feature extraction.
type Kind uint8

// Rune kinds returned by KindOf.
const (
	Skip   Kind = iota // punctuation, symbols, whitespace, control: not content
	Han                // a CJK ideograph
	Digit              // 0-9 (after Fold)
	Letter             // any other letter or number
)

// KindOf classes a rune that has already been folded.
func KindOf(r rune) Kind {
	switch {
	case r >= '0' && r <= '9':
		return Digit
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' {
			return Letter
		}
		return Skip
	case r >= cjkFirst && r <= cjkLast, unicode.Is(unicode.Han, r):
		return Han
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		return Letter
	}
	return Skip
}

// Normalize returns s with every rune folded (see Fold), each run of digits
// replaced by a single "0" (numbers are dates, phone numbers and house
// numbers: their value says little about the topic and may be personal
// data), runs of whitespace collapsed to one space and the ends trimmed.
// Punctuation is kept, in half-width form where one exists.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inDigits, inSpace := false, true // inSpace=true trims the front
	for _, r := range s {
		r = Fold(r)
		if r >= '0' && r <= '9' {
			if !inDigits {
				b.WriteByte('0')
			}
			inDigits, inSpace = true, false
			continue
		}
		inDigits = false
		if unicode.IsSpace(r) {
			if !inSpace {
				b.WriteByte(' ')
			}
			inSpace = true
			continue
		}
		inSpace = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// AppendContent appends to dst the content runes of s: folded, with
// punctuation, symbols and whitespace dropped and each run of digits reduced
// to a single '0'. It is the form the classifier's character n-grams are
// taken from: dropping separators makes "垃圾 清运", "垃圾清运" and
// "垃圾，清运" the same text, so a model trained on segmented, stripped text
// still reads raw text with punctuation.
func AppendContent(dst []rune, s string) []rune {
	inDigits := false
	for _, r := range s {
		r = Fold(r)
		switch KindOf(r) {
		case Skip:
			continue // a separator does not end a digit run: "010 1234" is one number
		case Digit:
			if !inDigits {
				dst = append(dst, '0')
			}
			inDigits = true
			continue
		}
		inDigits = false
		dst = append(dst, r)
	}
	return dst
}
