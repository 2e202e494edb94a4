package deid

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Masks keep the part of a value that helps a reader without identifying a
// person: a surname, a phone's carrier prefix and last four digits, a bank
// card's last four digits.

// MaskName keeps the surname (compound surnames whole) and stars the given
// name: 张三 → 张*, 欧阳娜娜 → 欧阳**.
func MaskName(v string) string {
	r := []rune(strings.TrimSpace(v))
	if len(r) == 0 {
		return ""
	}
	keep := 1
	if len(r) >= 3 && compound(r[0], r[1]) {
		keep = 2
	}
	if len(r) == 1 {
		return string(r)
	}
	return string(r[:keep]) + strings.Repeat("*", len(r)-keep)
}

func digitsOf(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// phoneDigits returns the digits of a phone number without a +86 or 0086
// country prefix and without an extension.
func phoneDigits(v string) string {
	d := digitsOf(v)
	for _, cc := range []string{"0086", "86"} {
		if strings.HasPrefix(d, cc) && (mobile(d[len(cc):]) || landline(d[len(cc):])) {
			return d[len(cc):]
		}
	}
	if len(d) > 11 && mobile(d[:11]) {
		return d[:11]
	}
	return d
}

// MaskPhone masks a phone number: 13812345678 → 138****5678, 010-62345678
// → 010****5678, others keep their last four digits.
func MaskPhone(v string) string {
	d := phoneDigits(v)
	switch {
	case mobile(d):
		return d[:3] + "****" + d[7:]
	case len(d) >= 10 && d[0] == '0':
		n := 4
		if areaCode(d[:3]) {
			n = 3
		}
		return d[:n] + "****" + d[len(d)-4:]
	case len(d) > 4:
		return strings.Repeat("*", len(d)-4) + d[len(d)-4:]
	}
	return "****"
}

// MaskID masks a resident ID number, keeping the first three and last four
// characters: 110***********1234.
func MaskID(v string) string {
	r := strings.TrimSpace(strings.ReplaceAll(v, " ", ""))
	if len(r) < 10 || !isASCII(r) {
		return "******"
	}
	return r[:3] + strings.Repeat("*", len(r)-7) + r[len(r)-4:]
}

// MaskBankCard keeps the last four digits: ************5678.
func MaskBankCard(v string) string {
	d := digitsOf(v)
	if len(d) <= 4 {
		return "****"
	}
	return strings.Repeat("*", len(d)-4) + d[len(d)-4:]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// maskKeep keeps the first head and last tail runes of v and stars the
// rest; short values are starred whole.
func maskKeep(v string, head, tail int) string {
	r := []rune(v)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// MaskEmail keeps the first character of the mailbox and the domain.
func MaskEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 {
		return maskKeep(v, 1, 0)
	}
	return v[:1] + "***" + v[at:]
}

// maskAs masks v as personal data of type t.
func maskAs(t Type, v string) string {
	switch t {
	case Person:
		return MaskName(v)
	case Phone:
		return MaskPhone(v)
	case IDCard:
		return MaskID(v)
	case BankCard:
		return MaskBankCard(v)
	case Email:
		return MaskEmail(v)
	case Plate:
		return maskKeep(strings.NewReplacer("·", "", "•", "", "-", "", " ", "").Replace(v), 2, 0)
	case Passport, IMID:
		return maskKeep(v, 1, 2)
	case USCC:
		return maskKeep(v, 8, 0)
	case Address:
		return "***"
	}
	return maskKeep(v, 1, 0)
}

// generaliseAs coarsens v of type t: a name to its surname, a phone to its
// prefix, an ID number to its prefecture, an address to its compound or
// road. Types without a coarser form are masked.
func generaliseAs(t Type, v string) string {
	switch t {
	case Person:
		r := []rune(strings.TrimSpace(v))
		if len(r) >= 3 && compound(r[0], r[1]) {
			return string(r[:2])
		}
		if len(r) > 0 {
			return string(r[:1])
		}
		return ""
	case Phone:
		d := phoneDigits(v)
		if mobile(d) {
			return d[:3] + "********"
		}
		return MaskPhone(v)
	case IDCard:
		r := strings.TrimSpace(v)
		if len(r) >= 15 && isASCII(r) {
			return r[:4] + strings.Repeat("*", len(r)-4)
		}
		return "******"
	case Address:
		return ""
	}
	return maskAs(t, v)
}

// GeneraliseTime cuts a date-time to its day: "2024/3/5 10:30" →
// "2024-03-05". It returns "" for a value it cannot read, so that nothing
// finer leaks.
func GeneraliseTime(v string) string {
	y, m, d, ok := leadingDate(v)
	if !ok {
		return ""
	}
	return strconv.Itoa(y) + "-" + pad2(m) + "-" + pad2(d)
}

// GeneraliseBirth cuts a birth date to its year.
func GeneraliseBirth(v string) string {
	y, _, _, ok := leadingDate(v)
	if !ok {
		if len(v) >= 4 && allDigits(v[:4]) {
			return v[:4]
		}
		return ""
	}
	return strconv.Itoa(y)
}

// GeneraliseAge puts an age into its ten-year band: 37 → "30-39".
func GeneraliseAge(v string) string {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "岁"))
	if err != nil || n < 0 || n > 150 {
		return ""
	}
	lo := n / 10 * 10
	return strconv.Itoa(lo) + "-" + strconv.Itoa(lo+9)
}

// GeneraliseCoord rounds a longitude or latitude to two decimals (about a
// kilometre).
func GeneraliseCoord(v string) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return ""
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// leadingDate reads Y-M-D at the start of v with -, /, . or 年月日 between
// the parts, or YYYYMMDD.
func leadingDate(v string) (y, m, d int, ok bool) {
	v = strings.TrimSpace(v)
	if len(v) >= 8 && validDate(v[:8]) {
		return atoi(v[:4]), atoi(v[4:6]), atoi(v[6:8]), true
	}
	var parts [3]int
	i := 0
	for p := 0; p < 3; p++ {
		j := i
		for j < len(v) && isDigit(v[j]) && j-i < 4 {
			j++
		}
		if j == i {
			return 0, 0, 0, false
		}
		parts[p] = atoi(v[i:j])
		i = j
		if p < 2 {
			switch {
			case i < len(v) && (v[i] == '-' || v[i] == '/' || v[i] == '.'):
				i++
			case strings.HasPrefix(v[i:], "年"), strings.HasPrefix(v[i:], "月"):
				i += 3
			default:
				return 0, 0, 0, false
			}
		}
	}
	y, m, d = parts[0], parts[1], parts[2]
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// MaskSpans returns text with every piece of personal data the recognizers
// find masked by its type (138****5678, 张*, 110***********1234), whatever
// any role may see: for texts that name people's data without holding it,
// such as the reasons in the audit log.
func MaskSpans(text string) string {
	spans := Spans(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		if s.ByteStart < last {
			continue // overlapping spans: the first one is masked
		}
		b.WriteString(text[last:s.ByteStart])
		b.WriteString(maskAs(s.Type, text[s.ByteStart:s.ByteEnd]))
		last = s.ByteEnd
	}
	b.WriteString(text[last:])
	return b.String()
}
