package eligibility

import (
	"fmt"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// testID returns a valid 18-digit ID number of Chaoyang district (110105)
// for birth (YYYYMMDD) and a three-digit sequence (odd last digit: 男).
func testID(birth, seq string) string {
	s := "110105" + birth + seq
	return s + string(fieldset.IDCheckChar(s))
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, core.StreetTime)
}

func TestFactsAge(t *testing.T) {
	asOf := day(2026, 12, 1)
	tests := []struct {
		name   string
		person map[string]string
		asOf   time.Time
		age    int
		from   string
	}{
		{"birthday today", map[string]string{FieldBirthDate: "1946-12-01"}, asOf, 80, FromBirthDate},
		{"birthday tomorrow", map[string]string{FieldBirthDate: "1946-12-02"}, asOf, 79, FromBirthDate},
		{"birthday yesterday", map[string]string{FieldBirthDate: "1946-11-30"}, asOf, 80, FromBirthDate},
		{"leap day on 28 February", map[string]string{FieldBirthDate: "2008-02-29"}, day(2026, 2, 28), 17, FromBirthDate},
		{"leap day on 1 March", map[string]string{FieldBirthDate: "2008-02-29"}, day(2026, 3, 1), 18, FromBirthDate},
		{"leap day in a leap year", map[string]string{FieldBirthDate: "2008-02-29"}, day(2028, 2, 29), 20, FromBirthDate},
		{"day before leap birthday", map[string]string{FieldBirthDate: "2008-02-29"}, day(2028, 2, 28), 19, FromBirthDate},
		{"other date form", map[string]string{FieldBirthDate: "1946年12月1日"}, asOf, 80, FromBirthDate},
		{"from ID number", map[string]string{FieldIDNumber: testID("19461201", "013")}, asOf, 80, FromIDNumber},
		{"from ID number, day before", map[string]string{FieldIDNumber: testID("19461202", "013")}, asOf, 79, FromIDNumber},
		{"birth date wins over ID", map[string]string{FieldBirthDate: "1950-01-01", FieldIDNumber: testID("19461201", "013")}, asOf, 76, FromBirthDate},
		{"bad birth date falls back to ID", map[string]string{FieldBirthDate: "1946-02-30", FieldIDNumber: testID("19461201", "013")}, asOf, 80, FromIDNumber},
		{"15-digit ID", map[string]string{FieldIDNumber: "110105461201013"}, asOf, 80, FromIDNumber},
		{"lower-case x", map[string]string{FieldIDNumber: "11010519461201013x"}, asOf, 80, FromIDNumber},
		{"bad check digit", map[string]string{FieldIDNumber: "110105194612010131"}, asOf, 0, ""},
		{"nothing", map[string]string{FieldName: "某某"}, asOf, 0, ""},
		{"born after the as-of date", map[string]string{FieldBirthDate: "2027-01-01"}, asOf, 0, ""},
		{"born on the as-of date", map[string]string{FieldBirthDate: "2026-12-01"}, asOf, 0, FromBirthDate},
		{"as-of late in the day counts its calendar day", map[string]string{FieldBirthDate: "1946-12-02"},
			time.Date(2026, 12, 1, 23, 59, 0, 0, core.StreetTime), 79, FromBirthDate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := FactsOf(tc.person, tc.asOf)
			if f.Age != tc.age || f.AgeFrom != tc.from {
				t.Errorf("age %d from %q, want %d from %q", f.Age, f.AgeFrom, tc.age, tc.from)
			}
		})
	}
}

func TestFactsOther(t *testing.T) {
	asOf := day(2026, 12, 1)
	tests := []struct {
		name   string
		person map[string]string
		want   string // a summary of the facts
	}{
		{"gender from ID, odd is male", map[string]string{FieldIDNumber: testID("19500101", "011")}, "男 true"},
		{"gender from ID, even is female", map[string]string{FieldIDNumber: testID("19500101", "012")}, "女 true"},
		{"gender field wins", map[string]string{FieldGender: "女", FieldIDNumber: testID("19500101", "011")}, "女 false"},
		{"gender unknown", map[string]string{FieldGender: "不详"}, " false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := FactsOf(tc.person, asOf)
			if got := fmt.Sprintf("%s %v", f.Gender, f.GenderID); got != tc.want {
				t.Errorf("gender = %q, want %q", got, tc.want)
			}
		})
	}
	f := FactsOf(map[string]string{FieldMarks: " 低保 , 残疾人、低保；独居老人 ", FieldLivingAlone: "否", FieldDisabilityLevel: "2级"}, asOf)
	if got := fmt.Sprint(f.Marks, f.MarksKnown, f.LivingAlone, f.LivingAloneKnown, f.DisabilityLevel); got != "[低保 残疾人 独居老人] true false true 2" {
		t.Errorf("facts = %s", got)
	}
	f = FactsOf(map[string]string{FieldLivingAlone: "不清楚"}, asOf)
	if f.MarksKnown || f.LivingAloneKnown {
		t.Errorf("absent marks and unreadable 是否独居 should be unknown: %+v", f)
	}
}

func TestValidIDMatchesFieldset(t *testing.T) {
	for _, s := range []string{testID("19461201", "013"), testID("19461201", "013")[:17] + "0", "11010519461201013x",
		" " + testID("20000229", "124") + " ", "110105190002290121", "010105194612010131", "110105461201013", "１１０１０５１９４６１２０１０１３Ｘ",
		"11010519461301013X", "abc", "", testID("18991231", "001")} {
		want, err := fieldset.ParseIDCard(s)
		if err != nil {
			want = ""
		}
		if got := validID(s); got != want {
			t.Errorf("validID(%q) = %q, fieldset.ParseIDCard says %q", s, got, want)
		}
	}
}

func TestFactsReaches(t *testing.T) {
	tests := []struct {
		name  string
		birth string
		age   int
		want  string
	}{
		{"ordinary", "1946-12-02", 80, "2026-12-02"},
		{"leap day in a common year", "2008-02-29", 18, "2026-03-01"},
		{"leap day in a leap year", "2008-02-29", 20, "2028-02-29"},
		{"unknown", "", 80, "0001-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := FactsOf(map[string]string{FieldBirthDate: tc.birth}, day(2026, 12, 1))
			if got := f.Reaches(tc.age).Format(time.DateOnly); got != tc.want {
				t.Errorf("Reaches(%d) = %s, want %s", tc.age, got, tc.want)
			}
		})
	}
}
