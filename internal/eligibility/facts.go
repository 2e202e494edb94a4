package eligibility

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/fieldset"
)

// Sources of a derived fact.
const (
	FromBirthDate = "出生日期"
	FromIDNumber  = "身份证号"
)

// Facts are what the rules know of one person at an as-of date. A fact
// that is missing or unreadable is unknown: a test of it is neither true
// nor false, so neither it nor its negation (非) makes a rule match.
type Facts struct {
	Age     int    // whole years at the as-of date, when AgeFrom != ""
	AgeFrom string // FromBirthDate, FromIDNumber, or "" when unknown
	// Birth is the birth date the age is counted from (00:00 UTC of the
	// day), zero when the age is unknown.
	Birth     time.Time
	Gender    string // 男 or 女; "" unknown
	GenderID  bool   // Gender was read from the ID number
	Residence string // 人口类型; "" unknown
	Marks     []string
	// MarksKnown is false when the person has no marks field at all; an
	// empty field is known: no marks.
	MarksKnown       bool
	LivingAlone      bool
	LivingAloneKnown bool // LivingAlone is known
	// DisabilityLevel is 1 (一级) .. 4 (四级), 0 when the field is empty (no
	// disability: every level test fails, 不属于 and ≠ hold), -1 when it
	// cannot be read (unknown).
	DisabilityLevel int
	DisabilityType  string // empty: no disability (known, unlike 社区 etc.)
	Community       string
	Grid            string
	Estate          string
	// IDNumber is the normalised ID number when it is valid, else "".
	IDNumber string
}

// FactsOf reads the facts of a person given as field-set names → stored
// values (see the Field* constants) at asOf. The age is counted from
// birth_date (2006-01-02, or any form fieldset.ParseDateTime reads), or
// else from a valid id_number; the gender, when missing, from the ID
// number (its 17th digit, or the 15th of an old 15-digit number: odd is
// 男). Someone born on 29 February turns a year older on 1 March in a
// common year. A birth date after asOf leaves the age unknown.
func FactsOf(p map[string]string, asOf time.Time) Facts {
	var f Facts
	f.IDNumber = validID(p[FieldIDNumber])
	if y, m, d, ok := birthDate(p[FieldBirthDate]); ok {
		f.Age, f.AgeFrom = ageAt(y, m, d, asOf), FromBirthDate
		f.Birth = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	} else if y, m, d, ok := idBirth(f.IDNumber); ok {
		f.Age, f.AgeFrom = ageAt(y, m, d, asOf), FromIDNumber
		f.Birth = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	}
	if f.Age < 0 {
		f.Age, f.AgeFrom, f.Birth = 0, "", time.Time{}
	}
	switch g := trim(p[FieldGender]); g {
	case "男", "男性", "M", "m":
		f.Gender = "男"
	case "女", "女性", "F", "f":
		f.Gender = "女"
	default:
		if s := idGender(f.IDNumber); s != "" {
			f.Gender, f.GenderID = s, true
		}
	}
	f.Residence = trim(p[FieldResidenceType])
	if v, ok := p[FieldMarks]; ok {
		f.MarksKnown = true
		f.Marks = splitTags(v)
	}
	switch v := trim(p[FieldLivingAlone]); v {
	case "":
	case "是":
		f.LivingAlone, f.LivingAloneKnown = true, true
	case "否":
		f.LivingAloneKnown = true
	default:
		if b, err := fieldset.ParseBool(v); err == nil {
			f.LivingAlone, f.LivingAloneKnown = b, true
		}
	}
	if v := trim(p[FieldDisabilityLevel]); v != "" && v != "无" {
		if f.DisabilityLevel = levelOf(v); f.DisabilityLevel == 0 {
			f.DisabilityLevel = -1
		}
	}
	f.DisabilityType = trim(p[FieldDisabilityType])
	f.Community = trim(p[FieldCommunity])
	f.Grid = trim(p[FieldGrid])
	f.Estate = trim(p[FieldEstate])
	return f
}

// splitTags splits a tag list as fieldset.ParseTags does (, ， ; ； | 、
// and line breaks), without its map: a person has few tags.
func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, ",，;；|、\n\r")
		tag := s
		if i >= 0 {
			tag = s[:i]
		}
		if tag = strings.TrimSpace(tag); tag != "" && !contains(out, tag) {
			out = append(out, tag)
		}
		if i < 0 {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		s = s[i+size:]
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// birthDate reads a stored date: YYYY-MM-DD directly (the stored form),
// anything else through fieldset.ParseDateTime.
func birthDate(s string) (y, m, d int, ok bool) {
	s = trim(s)
	if s == "" {
		return 0, 0, 0, false
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && digits(s[:4]) && digits(s[5:7]) && digits(s[8:]) {
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
		return y, m, d, validDate(y, m, d)
	}
	t, err := fieldset.ParseDateTime(s)
	if err != nil {
		return 0, 0, 0, false
	}
	return t.Year(), int(t.Month()), t.Day(), true
}

// idBirth returns the birth date in a valid (normalised) ID number.
func idBirth(id string) (y, m, d int, ok bool) {
	switch len(id) {
	case 18:
		y, m, d = atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14])
	case 15:
		y, m, d = 1900+atoi(id[6:8]), atoi(id[8:10]), atoi(id[10:12])
	default:
		return 0, 0, 0, false
	}
	return y, m, d, validDate(y, m, d)
}

// idGender returns 男 or 女 from the sequence digit of a valid ID number.
func idGender(id string) string {
	var c byte
	switch len(id) {
	case 18:
		c = id[16]
	case 15:
		c = id[14]
	default:
		return ""
	}
	if (c-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// ageAt is the age in whole years on asOf's calendar day of someone born
// on y-m-d: a year is complete on the birthday, and for 29 February on
// 1 March of a common year.
func ageAt(y, m, d int, asOf time.Time) int {
	ay, am, ad := asOf.Date()
	age := ay - y
	if int(am) < m || int(am) == m && ad < d {
		age--
	}
	return age
}

func validDate(y, m, d int) bool {
	if y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// trim is strings.TrimSpace, quick for the usual value that has no space
// at either end (TrimSpace is slow on text that starts with Chinese).
func trim(s string) string {
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsSpace(first) && !unicode.IsSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// idWeights are the ISO 7064 MOD 11-2 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// validID returns the ID number s normalised as fieldset.ParseIDCard does
// (trimmed, full-width digits folded, upper-case X), or "" when it is not
// valid; the common 18-character form is checked here without
// allocating, anything else by fieldset.ParseIDCard.
func validID(s string) string {
	s = trim(s)
	if len(s) != 18 {
		if s == "" {
			return ""
		}
		n, err := fieldset.ParseIDCard(s)
		if err != nil {
			return ""
		}
		return n
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			n, _ := fieldset.ParseIDCard(s)
			return n
		}
		sum += int(c-'0') * idWeights[i]
	}
	if s[0] == '0' {
		return ""
	}
	y, m, d := atoi(s[6:10]), atoi(s[10:12]), atoi(s[12:14])
	if y < 1900 || y > 2099 || !validDate(y, m, d) {
		return ""
	}
	want := "10X98765432"[sum%11]
	switch c := s[17]; {
	case c == want:
		return s
	case c == 'x' && want == 'X':
		return s[:17] + "X"
	}
	return ""
}

// Reaches returns the day f's person turns age (a 29 February birthday
// counts on 1 March of a common year), or the zero time when the age is
// unknown.
func (f *Facts) Reaches(age int) time.Time {
	if f.AgeFrom == "" {
		return time.Time{}
	}
	y, m, d := f.Birth.Date()
	t := time.Date(y+age, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 29 February of a common year became 1 March
		t = time.Date(y+age, m+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}
