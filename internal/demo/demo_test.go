package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/taxonomy"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// history is the default two-year history most shape tests look at,
// generated once.
var (
	historyOnce sync.Once
	historyEnd  = time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	history     []core.Ticket
)

func defaultHistory(t *testing.T) []core.Ticket {
	t.Helper()
	historyOnce.Do(func() {
		err := Tickets(NewStreet(1), Options{Seed: 1, End: historyEnd}, func(tk core.Ticket) error {
			history = append(history, tk)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(history) == 0 {
		t.Fatal("no history generated")
	}
	return history
}

// digest hashes the export rows of the tickets of o.
func digest(t *testing.T, o Options, workers int) string {
	t.Helper()
	p, err := NewPlan(NewStreet(o.Seed), o)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	rec := make([]string, len(Header))
	err = Stream(context.Background(), p, workers, func(day []core.Ticket) ([]core.Ticket, error) { return day, nil },
		func(day []core.Ticket) error {
			for i := range day {
				rec = Record(&day[i], rec)
				h.Write([]byte(strings.Join(rec, "\x1f") + "\n"))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterministicGolden(t *testing.T) {
	o := Options{Seed: 7, End: time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime), Tickets: 5000}
	got := digest(t, o, 1)
	if again := digest(t, o, 4); again != got {
		t.Fatalf("1 worker and 4 workers differ: %s vs %s", got, again)
	}
	golden := filepath.Join("testdata", "golden.sha256")
	if *update {
		if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("digest = %s, want %s (if the change is intended, run go test -update)", got, want)
	}
	if other := digest(t, Options{Seed: 8, End: o.End, Tickets: 5000}, 0); other == got {
		t.Error("seed 8 gives the same tickets as seed 7")
	}
}

func TestStreet(t *testing.T) {
	st := NewStreet(1)
	if len(st.Areas.Streets) != 1 || len(st.Areas.Communities) != 10 || len(st.Areas.Grids) != 40 || len(st.Units) != 30 {
		t.Fatalf("got %d streets, %d communities, %d grids, %d units; want 1, 10, 40, 30",
			len(st.Areas.Streets), len(st.Areas.Communities), len(st.Areas.Grids), len(st.Units))
	}
	codes := map[string]bool{}
	for _, u := range st.Units {
		if codes[u.Code] {
			t.Errorf("duplicate unit code %s", u.Code)
		}
		codes[u.Code] = true
	}
	roles := map[string]bool{}
	for i, u := range st.Users {
		roles[u.Role] = true
		if u.PasswordHash != "" {
			t.Errorf("user %s has a password hash", u.Username)
		}
		if l := st.Logins[i]; l.Username != u.Username || l.Password == "" || l.Role != u.Role {
			t.Errorf("login %d = %+v does not match user %+v", i, l, u)
		}
		if u.Unit != "" && !codes[u.Unit] {
			t.Errorf("user %s has unknown unit %s", u.Username, u.Unit)
		}
	}
	for r := range core.RoleLabels {
		if !roles[r] {
			t.Errorf("no user with role %s", r)
		}
	}
	// Every unit the catalog names exists.
	g, err := sharedGenerator()
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range g.specs {
		for _, u := range sp.units {
			if u != "C" && !codes[u] {
				t.Errorf("%s: unknown unit %s", catPath(sp.cat), u)
			}
		}
	}
}

func TestCatalog(t *testing.T) {
	g, err := sharedGenerator()
	if err != nil {
		t.Fatal(err)
	}
	tax := map[core.Category]bool{}
	for _, c := range taxonomy.Default() {
		tax[c] = true
	}
	leaves := map[core.Category]int{}
	for _, sp := range g.specs {
		if !tax[sp.cat] {
			t.Errorf("%s is not in the default taxonomy", catPath(sp.cat))
		}
		n := 0
		for k := kindIssue; k <= kindReport; k++ {
			n += len(sp.sents[k])
		}
		leaves[sp.cat] += n
	}
	for c, n := range leaves {
		if n < 8 {
			t.Errorf("%s has %d sentences, want at least 8", catPath(c), n)
		}
	}
	if len(leaves) < 120 {
		t.Errorf("catalog covers %d leaves, want at least 120", len(leaves))
	}
	// Every generated ticket's category is in the taxonomy.
	for _, tk := range defaultHistory(t) {
		if !tax[core.Category{Level1: tk.Category1, Level2: tk.Category2, Level3: tk.Category3}] {
			t.Fatalf("ticket %s: category %s/%s/%s not in taxonomy", tk.Number, tk.Category1, tk.Category2, tk.Category3)
		}
	}
}

func TestHistoryShape(t *testing.T) {
	h := defaultHistory(t)
	if n := len(h); n < 40000 || n > 50000 {
		t.Errorf("default volume = %d tickets, want about 45,000", n)
	}
	first := historyEnd.AddDate(-2, 0, 1)
	cutoff := historyEnd.AddDate(0, 0, 1)
	numbers := map[string]bool{}
	var prev time.Time
	counts := map[string]int{}
	for _, tk := range h {
		if numbers[tk.Number] {
			t.Fatalf("duplicate number %s", tk.Number)
		}
		numbers[tk.Number] = true
		if tk.ReceivedAt.Before(prev) {
			t.Fatalf("ticket %s out of received order", tk.Number)
		}
		prev = tk.ReceivedAt
		if tk.ReceivedAt.Before(first) || !tk.ReceivedAt.Before(cutoff) {
			t.Fatalf("ticket %s received %v outside [%v, %v)", tk.Number, tk.ReceivedAt, first, cutoff)
		}
		if !strings.HasPrefix(tk.Number, tk.ReceivedAt.Format("20060102")) || len(tk.Number) != 13 {
			t.Fatalf("number %s does not start with the received date", tk.Number)
		}
		counts["intent:"+string(tk.Intent)]++
		counts["channel:"+string(tk.Channel)]++
		counts["status:"+tk.Status]++
		if tk.Satisfaction != "" {
			counts["sat"]++
			counts["sat:"+string(tk.Satisfaction)]++
		}
	}
	n := float64(len(h))
	share := func(k string) float64 { return float64(counts[k]) / n }
	t.Logf("shares: 投诉 %.3f 求助 %.3f 咨询 %.3f 举报 %.3f 建议 %.3f 表扬 %.3f; 12345 %.3f; 满意 %.3f of rated",
		share("intent:投诉"), share("intent:求助"), share("intent:咨询"), share("intent:举报"), share("intent:建议"),
		share("intent:表扬"), share("channel:12345"), float64(counts["sat:满意"])/float64(counts["sat"]))
	checks := []struct {
		name     string
		got      float64
		min, max float64
	}{
		{"投诉+求助", share("intent:投诉") + share("intent:求助"), 0.6, 0.8},
		{"表扬", share("intent:表扬"), 0.005, 0.03},
		{"咨询", share("intent:咨询"), 0.1, 0.25},
		{"12345 channel", share("channel:12345"), 0.8, 0.92},
		{"网格巡查 channel", share("channel:网格巡查"), 0.03, 0.15},
		{"closed", share("status:结案"), 0.9, 1},
		{"满意 of rated", float64(counts["sat:满意"]) / float64(counts["sat"]), 0.75, 0.85},
	}
	for _, c := range checks {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s share = %.3f, want in [%.2f, %.2f]", c.name, c.got, c.min, c.max)
		}
	}
}

func TestWorkflowConsistent(t *testing.T) {
	cutoff := historyEnd.AddDate(0, 0, 1)
	open := 0
	for _, tk := range defaultHistory(t) {
		limit, ok := timeLimits[string(tk.Urgency)]
		if !ok {
			t.Fatalf("ticket %s: unknown urgency %q", tk.Number, tk.Urgency)
		}
		if tk.Status == core.StatusReceived {
			// At the dispatch desk: no unit, no limit yet.
			if !tk.Deadline.IsZero() || tk.Unit != "" {
				t.Fatalf("ticket %s (受理): deadline %v, unit %q; want neither", tk.Number, tk.Deadline, tk.Unit)
			}
		} else if !tk.Deadline.Equal(tk.ReceivedAt.Add(limit)) {
			t.Fatalf("ticket %s: deadline %v, want received + %v", tk.Number, tk.Deadline, limit)
		}
		times := []time.Time{tk.ReceivedAt.Truncate(time.Second), tk.ContactedAt, tk.ResolvedAt, tk.CallbackAt}
		last := time.Time{}
		for i, x := range times {
			if x.IsZero() {
				for _, y := range times[i:] {
					if !y.IsZero() {
						t.Fatalf("ticket %s: a later step is set after an empty one: %v", tk.Number, times)
					}
				}
				break
			}
			if x.Before(last) || !x.Before(cutoff) {
				t.Fatalf("ticket %s: times out of order or after cutoff: %v", tk.Number, times)
			}
			last = x
		}
		switch tk.Status {
		case core.StatusClosed, core.StatusCallback:
			if tk.CallbackAt.IsZero() || tk.Resolved == nil || tk.Reply == "" {
				t.Fatalf("ticket %s: closed without callback, result or reply", tk.Number)
			}
		case core.StatusResolved:
			if tk.ResolvedAt.IsZero() || !tk.CallbackAt.IsZero() {
				t.Fatalf("ticket %s: 办结 with wrong times", tk.Number)
			}
		default:
			open++
			if tk.Satisfaction != "" || tk.Resolved != nil {
				t.Fatalf("ticket %s: open ticket with a result", tk.Number)
			}
			if cutoff.Sub(tk.ReceivedAt) > 60*24*time.Hour {
				t.Fatalf("ticket %s: still %s after two months", tk.Number, tk.Status)
			}
		}
		if tk.Satisfaction != "" && !slices.Contains(core.Satisfactions, tk.Satisfaction) {
			t.Fatalf("ticket %s: satisfaction %q", tk.Number, tk.Satisfaction)
		}
	}
	if open == 0 {
		t.Error("no open tickets at the end of the history")
	}
}

func TestSpikes(t *testing.T) {
	h := defaultHistory(t)
	spikes := Spikes(historyEnd)
	if len(spikes) != 4 {
		t.Fatalf("got %d spikes, want 4", len(spikes))
	}
	for _, s := range spikes {
		t.Run(s.Name, func(t *testing.T) {
			end := s.Start.AddDate(0, 0, s.Days)
			// Baseline: the same community and category in the 8 weeks
			// around the spike, without the spike.
			from, to := s.Start.AddDate(0, 0, -28), end.AddDate(0, 0, 28)
			in, around := 0, 0
			for _, tk := range h {
				if tk.Community != s.Community || tk.Category3 != s.Category.Level3 || tk.Category2 != s.Category.Level2 {
					continue
				}
				switch {
				case !tk.ReceivedAt.Before(s.Start) && tk.ReceivedAt.Before(end):
					in++
				case !tk.ReceivedAt.Before(from) && tk.ReceivedAt.Before(to):
					around++
				}
			}
			perDayIn := float64(in) / float64(s.Days)
			perDayAround := float64(around) / 56
			t.Logf("%s: %.1f a day in the spike, %.2f a day around it", s.Name, perDayIn, perDayAround)
			if perDayIn < 5*perDayAround+2 {
				t.Errorf("spike %s: %.1f a day vs %.2f around, want at least 5× more", s.Name, perDayIn, perDayAround)
			}
		})
	}
}

func TestSeasonsAndWeeks(t *testing.T) {
	h := defaultHistory(t)
	byMonth := map[string]map[time.Month]int{}
	weekday, weekend := 0, 0
	hours := make([]int, 24)
	for _, tk := range h {
		m := byMonth[tk.Category3]
		if m == nil {
			m = map[time.Month]int{}
			byMonth[tk.Category3] = m
		}
		m[tk.ReceivedAt.Month()]++
		switch tk.ReceivedAt.Weekday() {
		case time.Saturday, time.Sunday:
			weekend++
		default:
			weekday++
		}
		hours[tk.ReceivedAt.Hour()]++
	}
	ratio := func(cat string, hi, lo []time.Month) float64 {
		a, b := 0, 0
		for _, m := range hi {
			a += byMonth[cat][m]
		}
		for _, m := range lo {
			b += byMonth[cat][m]
		}
		return float64(a) / float64(max(b, 1))
	}
	tests := []struct {
		name   string
		cat    string
		hi, lo []time.Month
		min    float64
	}{
		{"heating in winter", "冬季采暖", []time.Month{12, 1}, []time.Month{6, 7}, 8},
		{"noise in summer", "噪音污染", []time.Month{7, 8}, []time.Month{1, 2}, 2},
		{"flooding in summer", "基础设施", []time.Month{7}, []time.Month{1}, 4},
		{"catkins in spring", "园林绿化", []time.Month{4}, []time.Month{12}, 3},
	}
	for _, tc := range tests {
		if r := ratio(tc.cat, tc.hi, tc.lo); r < tc.min {
			t.Errorf("%s: ratio %.1f, want at least %.1f", tc.name, r, tc.min)
		}
	}
	// Per day, weekdays get clearly more than weekends.
	if r := (float64(weekday) / 5) / (float64(weekend) / 2); r < 1.3 {
		t.Errorf("weekday/weekend per-day ratio %.2f, want at least 1.3", r)
	}
	// The Spring Festival week is quiet: 2026-02-16 (除夕) to 02-22 against
	// the two weeks before.
	sf, before := 0, 0
	for _, tk := range h {
		d := tk.ReceivedAt
		switch {
		case !d.Before(time.Date(2026, 2, 16, 0, 0, 0, 0, core.StreetTime)) && d.Before(time.Date(2026, 2, 23, 0, 0, 0, 0, core.StreetTime)):
			sf++
		case !d.Before(time.Date(2026, 2, 2, 0, 0, 0, 0, core.StreetTime)) && d.Before(time.Date(2026, 2, 16, 0, 0, 0, 0, core.StreetTime)):
			before++
		}
	}
	if r := float64(sf) / (float64(before) / 2); r > 0.75 {
		t.Errorf("Spring Festival week has %.2f of a normal week's tickets, want under 0.75", r)
	}
	day, night := 0, 0
	for hr, c := range hours {
		if hr >= 8 && hr < 22 {
			day += c
		} else if hr < 6 {
			night += c
		}
	}
	if float64(day)/float64(len(h)) < 0.85 || float64(night)/float64(len(h)) > 0.03 {
		t.Errorf("hours: %d in 8–22, %d in 0–6 of %d; want most by day, few at night", day, night, len(h))
	}
}

func TestContentRealism(t *testing.T) {
	h := defaultHistory(t)
	var lens []int
	var complaintLens []int
	mobileRe := regexp.MustCompile(`1[3-9]\d{9}`)
	idRe := regexp.MustCompile(`\d{17}[\dX]`)
	withPhone, withID, withTypo, titled := 0, 0, 0, 0
	typoWords := make([]string, len(typos))
	for i, ty := range typos {
		typoWords[i] = ty[1]
	}
	for _, tk := range h {
		n := utf8.RuneCountInString(tk.Content)
		lens = append(lens, n)
		if tk.Intent == "投诉" {
			complaintLens = append(complaintLens, n)
		}
		if mobileRe.MatchString(tk.Content) {
			withPhone++
		}
		if idRe.MatchString(tk.Content) {
			withID++
		}
		for _, w := range typoWords {
			if strings.Contains(tk.Content, w) {
				withTypo++
				break
			}
		}
		if tk.Title != "" {
			titled++
		}
		if strings.Contains(tk.Content, "{") || strings.Contains(tk.Title, "{") || strings.Contains(tk.Reply, "{") {
			t.Fatalf("ticket %s has an unfilled slot: %s", tk.Number, tk.Content)
		}
	}
	sort.Ints(lens)
	sort.Ints(complaintLens)
	q := func(xs []int, p float64) int { return xs[int(p*float64(len(xs)-1))] }
	t.Logf("content length: p5 %d p25 %d median %d p75 %d p95 %d; complaints median %d p75 %d",
		q(lens, .05), q(lens, .25), q(lens, .5), q(lens, .75), q(lens, .95), q(complaintLens, .5), q(complaintLens, .75))
	if m := q(complaintLens, .5); m < 170 || m > 400 {
		t.Errorf("complaint median length %d, want 170–400", m)
	}
	if p := q(lens, .05); p < 20 {
		t.Errorf("5th percentile length %d, want at least 20", p)
	}
	if p := q(lens, .95); p < 250 || p > 700 {
		t.Errorf("95th percentile length %d, want 250–700", p)
	}
	n := float64(len(h))
	if s := float64(withPhone) / n; s < 0.05 {
		t.Errorf("%.3f of texts hold a mobile number, want at least 0.05", s)
	}
	if s := float64(withID) / n; s < 0.003 {
		t.Errorf("%.4f of texts hold an ID number, want some", s)
	}
	if s := float64(withTypo) / n; s < 0.05 {
		t.Errorf("%.3f of texts hold a homophone typo, want at least 0.05", s)
	}
	if s := float64(titled) / n; s < 0.9 {
		t.Errorf("%.3f of tickets have a title, want at least 0.9", s)
	}
}

func TestPartialLastDay(t *testing.T) {
	end := time.Date(2025, 3, 5, 14, 30, 0, 0, core.StreetTime)
	var last core.Ticket
	open := 0
	err := Tickets(NewStreet(1), Options{Seed: 3, End: end, Tickets: 3000}, func(tk core.Ticket) error {
		last = tk
		if !tk.ReceivedAt.Before(end) {
			t.Fatalf("ticket %s received %v, after End %v", tk.Number, tk.ReceivedAt, end)
		}
		if tk.Status != core.StatusClosed && tk.Status != core.StatusCallback {
			open++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if last.ReceivedAt.Before(end.Add(-24 * time.Hour)) {
		t.Errorf("last ticket received %v, want one on the end day", last.ReceivedAt)
	}
	if open == 0 {
		t.Error("no open tickets as of End")
	}
}

func TestExactCount(t *testing.T) {
	for _, n := range []int{1, 7, 731, 2500} {
		got := 0
		err := Tickets(NewStreet(1), Options{Seed: 1, End: historyEnd, Tickets: n}, func(core.Ticket) error {
			got++
			return nil
		})
		if err != nil || got != n {
			t.Errorf("Tickets = %d (err %v), want %d", got, err, n)
		}
	}
}

func TestIDNumber(t *testing.T) {
	tests := []struct {
		name, id string
		valid    bool
	}{
		{"standard example", "11010519491231002X", true},
		{"digit check", "440524188001010014", true},
		{"wrong check", "110105194912310021", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := idCheck(tc.id[:17]) == tc.id[17]; got != tc.valid {
				t.Errorf("idCheck(%s) valid = %v, want %v", tc.id, got, tc.valid)
			}
		})
	}
	r := rand.New(rand.NewPCG(1, 2))
	re := regexp.MustCompile(`^\d{6}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d)\d{3}[\dX]$`)
	for i := 0; i < 1000; i++ {
		valid := i%3 != 0
		id := idNumber(r, valid)
		if !re.MatchString(id) {
			t.Fatalf("idNumber = %s, malformed", id)
		}
		if got := idCheck(id[:17]) == id[17]; got != valid {
			t.Fatalf("idNumber(valid=%v) = %s, check valid %v", valid, id, got)
		}
	}
}

func TestBankCard(t *testing.T) {
	tests := []struct {
		name, card string
		valid      bool
	}{
		{"visa test", "4111111111111111", true},
		{"luhn example", "79927398713", true},
		{"off by one", "79927398710", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := luhnValid(tc.card); got != tc.valid {
				t.Errorf("luhnValid(%s) = %v, want %v", tc.card, got, tc.valid)
			}
		})
	}
	r := rand.New(rand.NewPCG(1, 3))
	for i := 0; i < 1000; i++ {
		c := bankCard(r)
		if (len(c) != 16 && len(c) != 19) || !luhnValid(c) || !strings.HasPrefix(c, "62") {
			t.Fatalf("bankCard = %s, want a Luhn-valid 16/19-digit UnionPay number", c)
		}
	}
}

func TestPhonePlateContact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 4))
	tests := []struct {
		name string
		make func(*rand.Rand) string
		re   *regexp.Regexp
	}{
		{"mobile", mobile, regexp.MustCompile(`^1[3-9]\d{9}$`)},
		{"phone", formatPhone, regexp.MustCompile(`^(\+86 ?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})$|^(010[- ]?|\(010\))?[5-8]\d{3} ?\d{4}$`)},
		{"plate", plate, regexp.MustCompile(`^京[A-HJ-NP-Z](·?[0-9]{3}[0-9A-HJ-NP-Z]{2}|[DF][0-9]{5})$`)},
		{"email", email, regexp.MustCompile(`^[a-z0-9]+@[a-z0-9]+\.com$`)},
		{"wechat", wechat, regexp.MustCompile(`^(wxid_[a-z0-9]{14}|[a-z]+[-_]?[a-z]+\d+)$`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for i := 0; i < 500; i++ {
				v := tc.make(r)
				if !tc.re.MatchString(v) {
					t.Fatalf("%s = %q, does not match %s", tc.name, v, tc.re)
				}
				seen[v] = true
			}
			if len(seen) < 400 {
				t.Errorf("%s: only %d distinct values of 500", tc.name, len(seen))
			}
		})
	}
	// Formats vary: spaces, dashes, +86 and landlines all occur.
	var all strings.Builder
	for i := 0; i < 2000; i++ {
		all.WriteString(formatPhone(r) + "\n")
	}
	for _, want := range []string{" ", "-", "+86", "010", "("} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no phone written with %q", want)
		}
	}
}

func TestCompile(t *testing.T) {
	tests := []struct {
		name, in string
		segs     int
		err      bool
	}{
		{"literal", "暖气不热", 1, false},
		{"slots", "{小区}{楼}号楼", 3, false},
		{"unknown slot", "{什么}", 0, true},
		{"unclosed", "{小区", 0, true},
		{"empty", "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := compile(tc.in)
			if (err != nil) != tc.err || (err == nil && len(got) != tc.segs) {
				t.Errorf("compile(%q) = %d segments, err %v; want %d, err %v", tc.in, len(got), err, tc.segs, tc.err)
			}
		})
	}
}

func TestFmtTime(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2025, 1, 2, 3, 4, 5, 0, core.StreetTime),
		time.Date(2024, 12, 31, 23, 59, 59, 999, core.StreetTime),
		time.Date(2025, 6, 30, 16, 0, 0, 0, time.UTC), // converted to CST
	} {
		if got, want := fmtTime(tm), tm.In(core.StreetTime).Format(TimeLayout); got != want {
			t.Errorf("fmtTime(%v) = %s, want %s", tm, got, want)
		}
	}
	if fmtTime(time.Time{}) != "" {
		t.Error("zero time not empty")
	}
}

func TestSatisfactionFollowsQuality(t *testing.T) {
	type tally struct{ rated, happy int }
	byUnit := map[string]*tally{}
	var late, onTime tally
	for _, tk := range defaultHistory(t) {
		if tk.Satisfaction == "" {
			continue
		}
		u := byUnit[tk.Unit]
		if u == nil {
			u = &tally{}
			byUnit[tk.Unit] = u
		}
		happy := 0
		if tk.Satisfaction == "满意" {
			happy = 1
		}
		u.rated++
		u.happy += happy
		if tk.ResolvedAt.After(tk.Deadline) {
			late.rated++
			late.happy += happy
		} else {
			onTime.rated++
			onTime.happy += happy
		}
	}
	rate := func(x *tally) float64 { return float64(x.happy) / float64(max(x.rated, 1)) }
	good, bad := byUnit["清河湾派出所"], byUnit["清河湾物业管理公司"]
	if good == nil || bad == nil || rate(good) < rate(bad)+0.1 {
		t.Errorf("派出所 (quality 0.94) %v vs 物业公司 (0.58) %v: want clearly more 满意", good, bad)
	}
	if rate(&late) > rate(&onTime)-0.05 {
		t.Errorf("满意 late %.2f vs on time %.2f: want fewer when late", rate(&late), rate(&onTime))
	}
}

func TestStreamStops(t *testing.T) {
	p, err := NewPlan(NewStreet(1), Options{Seed: 1, End: historyEnd, Tickets: 20000})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	days := 0
	err = Stream(context.Background(), p, 3, func(d []core.Ticket) (int, error) { return len(d), nil }, func(int) error {
		days++
		if days == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || days != 5 {
		t.Errorf("Stream = %v after %d days, want stop after 5", err, days)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Stream(ctx, p, 2, func(d []core.Ticket) (int, error) { return 0, nil }, func(int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Stream with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := NewPlan(NewStreet(1), Options{Tickets: -1}); err == nil {
		t.Error("NewPlan accepted a negative ticket count")
	}
}

func TestRepeatRequests(t *testing.T) {
	h := defaultHistory(t)
	type key struct{ phone, address, cat string }
	calls := map[key][]time.Time{}
	for _, tk := range h {
		if tk.CallerPhone == "" {
			continue
		}
		k := key{tk.CallerPhone, tk.Address, tk.Category3}
		calls[k] = append(calls[k], tk.ReceivedAt)
	}
	repeats, gapsOK, gaps := 0, 0, 0
	for _, ts := range calls {
		if len(ts) < 2 {
			continue
		}
		repeats += len(ts) - 1
		for i := 1; i < len(ts); i++ {
			gaps++
			if d := ts[i].Sub(ts[i-1]); d > 24*time.Hour && d < 6*24*time.Hour {
				gapsOK++
			}
		}
	}
	share := float64(repeats) / float64(len(h))
	t.Logf("%d repeat calls (%.3f of tickets), %d of %d gaps 1–6 days", repeats, share, gapsOK, gaps)
	if share < 0.02 || share > 0.06 {
		t.Errorf("repeat calls are %.3f of tickets, want 0.02–0.06", share)
	}
	if float64(gapsOK) < 0.9*float64(gaps) {
		t.Errorf("only %d of %d repeat gaps are 1–6 days", gapsOK, gaps)
	}
}
