package eligibility

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// genPersons returns n generated persons of a street, in the stored form:
// ages skewed to the elderly as in an old Beijing neighbourhood, about one
// in four with a key-population mark, a quarter with only an ID number
// (the age and gender derived from it).
func genPersons(n int, seed uint64) []map[string]string {
	r := rand.New(rand.NewPCG(seed, 1))
	communities := []string{"和平里社区", "青年沟社区", "小黄庄社区", "兴化社区", "民旺社区", "化工社区"}
	out := make([]map[string]string, n)
	for i := range out {
		age := r.IntN(70)
		if r.IntN(3) == 0 {
			age = 60 + r.IntN(42)
		}
		birth := time.Date(2026-age, 11, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -r.IntN(365))
		id17 := fmt.Sprintf("110105%s%03d", birth.Format("20060102"), r.IntN(1000))
		id := id17 + string(idCheck(id17))
		c := communities[r.IntN(len(communities))]
		p := map[string]string{
			FieldName: "居民" + fmt.Sprint(i), FieldIDNumber: id, FieldPhone: fmt.Sprintf("138%08d", i),
			FieldResidenceType: ResidenceTypes[min(r.IntN(6), 3)], FieldAddress: c + "某街" + fmt.Sprint(r.IntN(99)) + "号",
			FieldCommunity: c, FieldGrid: fmt.Sprintf("%s第%d网格", c, 1+r.IntN(8)), FieldMarks: "",
			FieldLivingAlone: []string{"否", "否", "否", "是", ""}[r.IntN(5)], FieldDisabilityLevel: "", FieldUpdatedAt: "2026-10-01",
		}
		if r.IntN(4) > 0 {
			p[FieldBirthDate] = birth.Format(time.DateOnly)
			p[FieldGender] = []string{"男", "女"}[r.IntN(2)]
		}
		if r.IntN(4) == 0 {
			m := Marks[r.IntN(len(Marks))]
			if r.IntN(3) == 0 {
				m += "、" + Marks[r.IntN(len(Marks))]
			}
			p[FieldMarks] = m
		}
		if r.IntN(30) == 0 {
			p[FieldMarks] += "、残疾人"
			p[FieldDisabilityLevel] = DisabilityLevels[r.IntN(4)]
			p[FieldDisabilityType] = "肢体"
		}
		out[i] = p
	}
	return out
}

func idCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// benchPool is how many distinct generated persons the benchmarks cycle
// through: enough to defeat caches, small enough to keep memory low.
const benchPool = 1 << 14

// BenchmarkServiceList1M evaluates the default rules over 1,000,000
// generated persons per op (the pool of benchPool distinct persons, each
// used about 61 times), building every service-list entry with its
// explanation, worker and visit state: the work of "jiceng eligibility"
// minus reading and writing the files. Reproduce:
//
//	go test ./internal/eligibility/ -run '^$' -bench ServiceList1M -benchtime 3x -cpu 1
func BenchmarkServiceList1M(b *testing.B) {
	persons := genPersons(benchPool, 1)
	l := &Lister{Rules: DefaultRules(), AsOf: day(2026, 12, 1), WarnDays: 7, Visits: Visits{}}
	const n = 1_000_000
	b.ResetTimer()
	entries := 0
	for b.Loop() {
		entries = 0
		for i := 0; i < n; i++ {
			entries += len(l.Entries(persons[i%benchPool]))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
	b.ReportMetric(float64(entries)/n, "entries/person")
}

// BenchmarkFactsOf measures reading a person's facts (age from the birth
// date or ID number, tags). Reproduce:
//
//	go test ./internal/eligibility/ -run '^$' -bench FactsOf -cpu 1
func BenchmarkFactsOf(b *testing.B) {
	persons := genPersons(benchPool, 2)
	asOf := day(2026, 12, 1)
	i := 0
	for b.Loop() {
		f := FactsOf(persons[i%benchPool], asOf)
		_ = f
		i++
	}
}

// BenchmarkRulesOnly measures the default rules' conditions alone over
// facts already read. Reproduce:
//
//	go test ./internal/eligibility/ -run '^$' -bench RulesOnly -cpu 1
func BenchmarkRulesOnly(b *testing.B) {
	persons := genPersons(benchPool, 3)
	asOf := day(2026, 12, 1)
	facts := make([]Facts, len(persons))
	for i, p := range persons {
		facts[i] = FactsOf(p, asOf)
	}
	rules := DefaultRules().List
	i, hits := 0, 0
	for b.Loop() {
		f := &facts[i%benchPool]
		for _, r := range rules {
			if r.Condition.Holds(f) {
				hits++
			}
		}
		i++
	}
	_ = hits
}

func TestGeneratedPersonsMatch(t *testing.T) {
	// The benchmark must exercise the rules: a fair share of generated
	// persons meets some rule.
	persons := genPersons(2000, 1)
	l := &Lister{Rules: DefaultRules(), AsOf: day(2026, 12, 1)}
	matched := 0
	for _, p := range persons {
		if len(l.Entries(p)) > 0 {
			matched++
		}
		if f := FactsOf(p, l.AsOf); f.AgeFrom == "" {
			t.Fatalf("generated person without an age: %v", p)
		}
	}
	if matched < 400 || matched > 1800 {
		t.Errorf("%d of 2000 generated persons meet a rule; want a fair share", matched)
	}
}
