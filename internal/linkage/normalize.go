package linkage

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/text"
)

// Normalisers turn the many ways departments write one value into one form.
// They accept any input (they are fuzzed) and report whether they found a
// value; a value they cannot read counts as missing, never as a mismatch.

// idWeights are the GB 11643 check-digit weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck is the check character for a weighted sum mod 11.
const idCheck = "10X98765432"

// IDCheckDigit returns the GB 11643 check character for the first 17
// digits of an 18-digit ID number, or 0 if they are not 17 ASCII digits.
func IDCheckDigit(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}

// NormalizeID returns the 18-character form of a resident ID number: spaces
// and dashes dropped, full-width folded, x upper-cased, and a 15-digit
// old-form number converted (century 19 inserted, check digit computed). It
// does not require the check digit to be right — a mistyped number is still
// the best evidence there is and the comparator scores the typo — but it
// requires the shape: 17 digits and a digit or X, or 15 digits. A
// pseudonymised token (see IsToken) is returned unchanged.
func NormalizeID(s string) (string, bool) {
	if IsToken(s) {
		return strings.TrimSpace(s), true
	}
	var b [18]byte
	n := 0
	for _, r := range s {
		r = text.Fold(r)
		switch {
		case r >= '0' && r <= '9', r == 'x':
			if n == 18 {
				return "", false
			}
			if r == 'x' {
				r = 'X'
			}
			b[n] = byte(r)
			n++
		case r == ' ' || r == '-' || r == '\t':
		default:
			return "", false
		}
	}
	for i := 0; i < n-1; i++ {
		if b[i] == 'X' {
			return "", false
		}
	}
	switch n {
	case 18:
		return string(b[:]), true
	case 15:
		if b[14] == 'X' {
			return "", false
		}
		var o [18]byte
		copy(o[:6], b[:6])
		o[6], o[7] = '1', '9'
		copy(o[8:17], b[6:15])
		o[17] = IDCheckDigit(string(o[:17]))
		return string(o[:]), true
	}
	return "", false
}

// IsToken reports whether s looks like a pseudonym from the masking
// dictionary (a keyed HMAC-SHA256 token: an optional "X_" type prefix and
// at least 16 hex digits). Tokens compare exact-only: their letters carry no
// similarity.
func IsToken(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[1] == '_' && s[0] >= 'A' && s[0] <= 'Z' {
		s = s[2:]
	}
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	letters := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			letters++
		default:
			return false
		}
	}
	// A 16-digit number is a bank card, not a token.
	return letters > 0
}

// NormalizePhone returns the digits of a phone number in one form: a mobile
// number as its 11 digits (138 1234 5678, +86 138-1234-5678, 008613812345678
// → 13812345678), a landline with its area code and the leading 0
// (010-8765 4321, +86 10 87654321 → 01087654321), a local landline as its 7
// or 8 digits. An extension (转 123, ext 123) is dropped.
func NormalizePhone(s string) (string, bool) {
	if IsToken(s) {
		return strings.TrimSpace(s), true
	}
	var b [24]byte
	n := 0
	plus := false
digits:
	for _, r := range s {
		r = text.Fold(r)
		switch {
		case r >= '0' && r <= '9':
			if n == len(b) {
				return "", false
			}
			b[n] = byte(r)
			n++
		case r == '+':
			plus = n == 0
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '\t' || r == '.':
		case r == '转' || r == 'e' || r == '#' || r == ',' || r == '/' || r == ';':
			break digits // an extension or a second number: keep the first
		default:
			return "", false
		}
	}
	d := string(b[:n])
	// A country code: +86 or 0086 before anything, or a bare 86 before a
	// mobile number.
	switch {
	case strings.HasPrefix(d, "0086"):
		d, plus = d[4:], true
	case plus && strings.HasPrefix(d, "86"):
		d = d[2:]
	case len(d) == 13 && strings.HasPrefix(d, "86") && mobile(d[2:]):
		d, plus = d[2:], false
	}
	if plus && !mobile(d) && d != "" && d[0] != '0' {
		d = "0" + d // +86 10 87654321: the trunk 0 comes back
	}
	switch {
	case mobile(d):
		return d, true
	case len(d) >= 10 && len(d) <= 12 && d[0] == '0' && d[1] != '0':
		return d, true
	case (len(d) == 7 || len(d) == 8) && d[0] != '0' && d[0] != '1':
		return d, true
	}
	return "", false
}

func mobile(d string) bool { return len(d) == 11 && d[0] == '1' && d[1] >= '3' }

// NormalizeDate returns a date as the number yyyymmdd from the forms
// departments write: 1980-01-02, 1980/1/2, 1980.1.2, 1980年1月2日, 19800102,
// with or without a time after it. Years outside 1880–2100 and impossible
// days are refused.
func NormalizeDate(s string) (int32, bool) {
	var parts [3]int
	var lens [3]int
	n := 0
	in := false
scan:
	for _, r := range s {
		r = text.Fold(r)
		if r >= '0' && r <= '9' {
			if !in {
				if n == 3 {
					break scan // a time follows
				}
				n++
				in = true
			}
			if lens[n-1] >= 8 {
				return 0, false
			}
			parts[n-1] = parts[n-1]*10 + int(r-'0')
			lens[n-1]++
			continue
		}
		in = false
		switch r {
		case '-', '/', '.', '年', '月', '日', '号', ' ', '\t':
		default:
			if n == 3 || (n == 1 && lens[0] == 8) {
				break scan // a time or a weekday follows the date
			}
			return 0, false
		}
	}
	var y, m, d int
	switch {
	case n == 1 && lens[0] == 8:
		y, m, d = parts[0]/10000, parts[0]/100%100, parts[0]%100
	case n >= 3 && lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2:
		y, m, d = parts[0], parts[1], parts[2]
	default:
		return 0, false
	}
	if y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return int32(y*10000 + m*100 + d), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Gender values.
const (
	GenderUnknown uint8 = iota
	GenderMale
	GenderFemale
)

// NormalizeGender reads 男/女, M/F, male/female and the codes 1/2 (GB/T
// 2261.1).
func NormalizeGender(s string) uint8 {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "男", "男性", "m", "male", "1":
		return GenderMale
	case "女", "女性", "f", "female", "2":
		return GenderFemale
	}
	return GenderUnknown
}

// NormalizeName returns a personal or organisation name in one form: folded
// (full-width, traditional characters, case), with spaces, the middle dots
// of transcribed names (·•) and other punctuation dropped.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = text.Fold(r)
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeCode returns an identifier such as a unified social credit code
// (USCC) upper-cased with spaces and dashes dropped; "" if nothing is left.
func NormalizeCode(s string) string {
	if IsToken(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for _, r := range s {
		r = text.Fold(r)
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		}
	}
	return b.String()
}
