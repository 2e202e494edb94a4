package policy

import (
	"strconv"
	"strings"
)

// cnDigits are the values of the Chinese digits policy texts write.
var cnDigits = map[rune]int{
	'〇': 0, '零': 0, '○': 0, 'Ｏ': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// cnUnits are the Chinese place units up to 千.
var cnUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

// parseNumber reads a number written in Arabic digits (full or half
// width), with Chinese units (二十三, 一百零五) or digit by digit
// (二〇二三), and reports whether s was one. Numbers above 9999 are
// refused: no article, item or year needs them.
func parseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := parseArabic(s); ok {
		return n, true
	}
	hasUnit := false
	for _, r := range s {
		if _, ok := cnUnits[r]; ok {
			hasUnit = true
		} else if _, ok := cnDigits[r]; !ok {
			return 0, false
		}
	}
	if !hasUnit {
		n := 0
		for _, r := range s {
			n = n*10 + cnDigits[r]
			if n > 9999 {
				return 0, false
			}
		}
		return n, true
	}
	total, digit, last := 0, -1, 10000
	for _, r := range s {
		if u, ok := cnUnits[r]; ok {
			if u >= last {
				return 0, false
			}
			if digit < 0 {
				digit = 1 // 十二: the 一 before 十 is left out
			}
			total += digit * u
			digit, last = -1, u
			continue
		}
		d := cnDigits[r]
		if digit > 0 {
			return 0, false // two digits without a unit between them
		}
		digit = d
	}
	if digit > 0 {
		total += digit
	}
	return total, total <= 9999
}

// parseArabic reads half- or full-width Arabic digits.
func parseArabic(s string) (int, bool) {
	if len(s) > 12 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		default:
			return 0, false
		}
	}
	return n, n <= 9999
}

// cnNumber writes n in Chinese with units, as articles are numbered
// (十二, 一百零五); n must be in 1..9999.
func cnNumber(n int) string {
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	const digits = "零一二三四五六七八九"
	d := []rune(digits)
	var b strings.Builder
	units := []struct {
		v int
		r string
	}{{1000, "千"}, {100, "百"}, {10, "十"}, {1, ""}}
	zero, started := false, false
	for _, u := range units {
		q := n / u.v % 10
		if q == 0 {
			if started {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteRune('零')
			zero = false
		}
		if !(q == 1 && u.v == 10 && !started) {
			b.WriteRune(d[q])
		}
		b.WriteString(u.r)
		started = true
	}
	return b.String()
}

// cnDigitsOnly writes n digit by digit (一〇, 二〇二三), as Word's
// chineseCounting numbering does.
func cnDigitsOnly(n int) string {
	const digits = "〇一二三四五六七八九"
	d := []rune(digits)
	var b strings.Builder
	for _, c := range strconv.Itoa(n) {
		if c >= '0' && c <= '9' {
			b.WriteRune(d[c-'0'])
		}
	}
	return b.String()
}
