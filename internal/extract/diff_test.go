package extract

import (
	"bufio"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/realtext"
)

// diffTexts are the messages the differential tests compare the extractors
// on: demo tickets of several streets, the gold set's real messages,
// testdata/intents.tsv, and, for each, a few mutants (cut at a random byte,
// so that it may end in broken UTF-8, a byte spliced in, the title and the
// content joined), so that edges and invalid input are covered too.
func diffTexts(tb testing.TB) [][2]string {
	tb.Helper()
	var ps [][2]string
	for seed := int64(1); seed <= 3; seed++ {
		n := 1500
		if testing.Short() {
			n = 200
		}
		for _, t := range demoTickets(tb, seed, n) {
			ps = append(ps, [2]string{t.Title, t.Content})
		}
	}
	gold, err := realtext.Load()
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range gold {
		ps = append(ps, [2]string{m.Title, m.Detail})
	}
	f, err := os.Open("testdata/intents.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if c := strings.Split(sc.Text(), "\t"); len(c) == 4 && !strings.HasPrefix(c[0], "#") {
			ps = append(ps, [2]string{c[2], c[3]})
		}
	}
	rng := rand.New(rand.NewPCG(17, 1))
	n := len(ps)
	for _, p := range ps[:n] {
		c := p[1]
		if c == "" {
			continue
		}
		cut := rng.IntN(len(c) + 1)
		at := rng.IntN(len(c) + 1)
		ps = append(ps,
			[2]string{p[0][:rng.IntN(len(p[0])+1)], c[:cut]},
			[2]string{"", c[cut:]},
			[2]string{"", c[:at] + string(rune(0x80+rng.IntN(0x40))) + "\xe4" + c[at:]},
			[2]string{"", p[0] + "\n" + c})
	}
	return ps
}

// diffAreas are the registries Find is compared under.
func diffAreas() map[string]*PlaceFinder {
	opts := []PlaceOption{
		WithCompounds(KnownPlace{Name: "海洋半岛小区", Aliases: []string{"海洋半岛花园"}, Code: "P1"}, KnownPlace{Name: "阳光花园"}),
		WithRoads(KnownPlace{Name: "润泽大街", Aliases: []string{"润泽街"}}),
	}
	return map[string]*PlaceFinder{
		"empty": NewPlaceFinder(core.Areas{}),
		"demo":  NewPlaceFinder(demo.NewStreet(1).Areas),
		"test":  NewPlaceFinder(testAreas, opts...),
	}
}

func refAreas() map[string]*refPlaceFinder {
	opts := []PlaceOption{
		WithCompounds(KnownPlace{Name: "海洋半岛小区", Aliases: []string{"海洋半岛花园"}, Code: "P1"}, KnownPlace{Name: "阳光花园"}),
		WithRoads(KnownPlace{Name: "润泽大街", Aliases: []string{"润泽街"}}),
	}
	return map[string]*refPlaceFinder{
		"empty": refNewPlaceFinder(core.Areas{}),
		"demo":  refNewPlaceFinder(demo.NewStreet(1).Areas),
		"test":  refNewPlaceFinder(testAreas, opts...),
	}
}

type urgencyOut struct {
	Level   core.Urgency
	Limit   time.Duration
	Reasons []string
}

// checkSame compares every extractor with its reference on one message and
// reports the first difference of each kind.
func checkSame(t *testing.T, pfs map[string]*PlaceFinder, refs map[string]*refPlaceFinder, ru *Rules, rr *refRules, title, content string) bool {
	t.Helper()
	ok := true
	if got, want := Intent(title, content), refIntent(title, content); !reflect.DeepEqual(got, want) {
		t.Errorf("Intent(%q, %q)\n got %+v\nwant %+v", title, content, got, want)
		ok = false
	}
	var got, want urgencyOut
	got.Level, got.Limit, got.Reasons = ru.Urgency(title, content)
	want.Level, want.Limit, want.Reasons = rr.Urgency(title, content)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Urgency(%q, %q)\n got %+v\nwant %+v", title, content, got, want)
		ok = false
	}
	for _, s := range []string{title, content} {
		if got, want := Orgs(s), refOrgs(s); !reflect.DeepEqual(got, want) {
			t.Errorf("Orgs(%q)\n got %+v\nwant %+v", s, got, want)
			ok = false
		}
		for name, pf := range pfs {
			if got, want := pf.Find(s), refs[name].Find(s); !reflect.DeepEqual(got, want) {
				t.Errorf("Find[%s](%q)\n got %+v\nwant %+v", name, s, got, want)
				ok = false
			}
		}
	}
	return ok
}

// TestSameAsReference checks that the extractors give exactly what the
// reference implementation (reference_test.go) gives, on every message of
// diffTexts, under the default rules and the test rules.
func TestSameAsReference(t *testing.T) {
	pfs, refs := diffAreas(), refAreas()
	ru := DefaultRules()
	rr := newRefRules(ru)
	fails := 0
	texts := diffTexts(t)
	for _, p := range texts {
		if !checkSame(t, pfs, refs, ru, rr, p[0], p[1]) {
			if fails++; fails >= 10 {
				t.Fatal("too many differences")
			}
		}
	}
	t.Logf("%d messages compared", len(texts))
}

// FuzzSameAsReference is TestSameAsReference on fuzzed input.
func FuzzSameAsReference(f *testing.F) {
	for _, s := range []string{"", "清河湾街道南苑社区3号楼2单元501漏水", "A市永安东路18号院门口燃气泄漏，请尽快派人！",
		"我要投诉物业公司，已经三年了还没解决吗？", "不是投诉，想咨询一下怎么办理", "s217线和207国道路口", "\xe4\xb8", "ＡＢ市Ｃ３区"} {
		f.Add("", s)
		f.Add(s, s)
	}
	pfs, refs := diffAreas(), refAreas()
	ru := DefaultRules()
	rr := newRefRules(ru)
	f.Fuzz(func(t *testing.T, title, content string) {
		checkSame(t, pfs, refs, ru, rr, title, content)
	})
}

// TestSameAsReferenceConcurrent runs the comparison from several
// goroutines at once: the scanners share their pooled buffers and tables,
// and a buffer handed out twice would show as a difference.
func TestSameAsReferenceConcurrent(t *testing.T) {
	pfs, refs := diffAreas(), refAreas()
	ru := DefaultRules()
	rr := newRefRules(ru)
	texts := diffTexts(t)
	if len(texts) > 4000 {
		texts = texts[:4000]
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := g; k < len(texts); k += 2 {
				if !checkSame(t, pfs, refs, ru, rr, texts[k][0], texts[k][1]) {
					return
				}
			}
		}()
	}
	wg.Wait()
}
