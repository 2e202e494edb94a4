package deid

// Check-character algorithms and plausibility tests, all over ASCII bytes.

// provinceCodes are the first two digits of a valid administrative
// division code (GB/T 2260): 11 Beijing … 65 Xinjiang, 71 Taiwan, 81/82
// Hong Kong/Macao, 83 (residence permits for Taiwan residents).
var provinceCodes = func() (t [100]bool) {
	for _, c := range []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83} {
		t[c] = true
	}
	return t
}()

func validProvince(s string) bool {
	if len(s) < 2 || !isDigit(s[0]) || !isDigit(s[1]) {
		return false
	}
	return provinceCodes[int(s[0]-'0')*10+int(s[1]-'0')]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
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

// validDate reports whether YYYYMMDD (8 digits) is a date between 1900 and
// 2030.
func validDate(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	y, m, d := atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	return y >= 1900 && y <= 2030 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// idWeights and idCheck implement ISO 7064 MOD 11-2 as GB 11643 uses it.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// IDCheckChar returns the check character of an 18-character resident ID
// number from its first 17 digits, or 0 if they are not 17 digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11]
}

// idShape describes an 18-character candidate: whether its region and birth
// date are plausible and whether the check character is right.
func idShape(s string) (plausible, checkOK bool) {
	if len(s) != 18 || !allDigits(s[:17]) {
		return false, false
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if !isDigit(last) && last != 'X' {
		return false, false
	}
	plausible = validProvince(s) && validDate(s[6:14])
	return plausible, IDCheckChar(s[:17]) == last
}

// legacyID reports whether 15 digits look like a first-generation ID
// number: region prefix and a YYMMDD birth date in the 1900s.
func legacyID(s string) bool {
	return len(s) == 15 && allDigits(s) && validProvince(s) && validDate("19"+s[6:12])
}

// luhn reports whether the digits pass the Luhn check used by bank cards.
func luhn(s string) bool {
	sum, dbl := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if dbl {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		dbl = !dbl
	}
	return sum%10 == 0
}

// usccChars is the GB 32100 alphabet (no I, O, S, V, Z).
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var usccValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(usccChars); i++ {
		t[usccChars[i]] = int8(i)
	}
	return t
}()

// USCCCheckChar returns the check character of a unified social credit
// code from its first 17 characters, or 0 if they are not in the alphabet.
func USCCCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue[first17[i]]
		if v < 0 {
			return 0
		}
		sum += int(v) * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccChars[c]
}

// usccShape reports whether s is an 18-character code in the GB 32100
// alphabet with a plausible registration authority and region, and whether
// its check character is right.
func usccShape(s string) (plausible, checkOK bool) {
	if len(s) != 18 {
		return false, false
	}
	for i := 0; i < 18; i++ {
		if usccValue[s[i]] < 0 {
			return false, false
		}
	}
	switch s[0] {
	case '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'N', 'Y':
	default:
		return false, false
	}
	plausible = validProvince(s[2:4])
	return plausible, USCCCheckChar(s[:17]) == s[17]
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isLetter(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
