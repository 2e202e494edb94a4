package extract

import (
	"fmt"
	"os"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// floorRealPlacesF1 is the least F1 (all place types, exact span and type)
// TestRealPlaces accepts on each split of the gold set; set it a little
// below what Find reaches on each split.
const floorRealPlacesF1 = 0.84 // reached 0.958 dev, 0.867 test

// TestRealPlaces scores Find on the title and detail of every message of
// the gold set (package realtext), per type and split, and prints the most
// frequent misses: go test ./internal/extract -run TestRealPlaces -v.
// Tune on the dev split's errors only.
func TestRealPlaces(t *testing.T) {
	ms, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	pf := NewPlaceFinder(core.Areas{})
	for _, split := range []string{"dev", "test"} {
		var ps []realtext.PRF
		misses := map[string]int{}
		for _, m := range realtext.Split(ms, split) {
			g := m.SpansOf(realtext.PlaceTypes...)
			var p []realtext.Span
			for _, field := range []string{"title", "detail"} {
				for _, e := range pf.Find(m.Field(field)) {
					p = append(p, realtext.Span{Field: field, Type: string(e.Type), Start: e.Start, End: e.End, Text: e.Text})
				}
			}
			// Message by message: spans of different messages share offsets.
			ps = realtext.Sum(ps, realtext.SpanScore(g, p, realtext.PlaceTypes, true))
			if split == "dev" && os.Getenv("JICENG_PLACES_SHOW") != "" {
				showPlaceDiff(m, g, p)
			}
			key := func(s realtext.Span) string { return fmt.Sprintf("%s|%d|%d|%s", s.Field, s.Start, s.End, s.Type) }
			in := map[string]bool{}
			for _, s := range p {
				in[key(s)] = true
			}
			gk := map[string]bool{}
			for _, s := range g {
				gk[key(s)] = true
				if !in[key(s)] {
					misses["miss "+s.Type+":"+s.Text]++
				}
			}
			for _, s := range p {
				if !gk[key(s)] {
					misses["extra "+s.Type+":"+s.Text]++
				}
			}
		}
		t.Logf("places, %s split (exact span and type):\n%s", split, realtext.Report(ps))
		if split == "dev" { // tune on dev's errors only
			t.Logf("%s: worst errors: %s", split, topCues(misses, 60))
		}
		if f := ps[len(ps)-1].F1(); f < floorRealPlacesF1 {
			t.Errorf("%s: places F1 %.3f below floor %.2f", split, f, floorRealPlacesF1)
		}
	}
}

// showPlaceDiff prints the misses and extras of a dev message with a
// little context (JICENG_PLACES_SHOW=1).
func showPlaceDiff(m realtext.Message, gold, pred []realtext.Span) {
	key := func(s realtext.Span) string { return fmt.Sprintf("%s|%d|%d|%s", s.Field, s.Start, s.End, s.Type) }
	in := func(ss []realtext.Span) map[string]bool {
		k := map[string]bool{}
		for _, s := range ss {
			k[key(s)] = true
		}
		return k
	}
	gk, pk := in(gold), in(pred)
	show := func(tag string, s realtext.Span) {
		rs := []rune(m.Field(s.Field))
		a, b := max(0, s.Start-8), min(len(rs), s.End+6)
		fmt.Printf("%d %s %-5s %s:%s   …%s⟦%s⟧%s…\n", m.ID, s.Field[:1], tag, s.Type, s.Text,
			string(rs[a:s.Start]), s.Text, string(rs[s.End:b]))
	}
	for _, s := range gold {
		if !pk[key(s)] {
			show("miss", s)
		}
	}
	for _, s := range pred {
		if !gk[key(s)] {
			show("extra", s)
		}
	}
}
