package deid_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/deid"
	"jiceng/internal/realtext"
)

var (
	realShow  = flag.Int("real.show", 25, "print up to this many errors of the dev split")
	realSplit = flag.String("real.errors", "dev", "split whose errors are printed (dev; test only to report)")
)

// realTypes are the gold set's personal-data types; BUILDING is deid's
// ADDRESS.
var realTypes = append(append([]string{}, realtext.PersonalTypes...), "BUILDING")

// realFloors are the bars TestRealPersonalData holds on each split, a
// little under the figures reached (see the README's Performance section).
var realFloors = map[string]map[string][2]float64{ // split → type → {precision, recall}
	"dev":  {"PERSON": {0.97, 0.94}, "all": {0.93, 0.93}}, // 300-message gold: 1.000/0.961, 0.955/0.955
	"test": {"PERSON": {0.92, 0.80}, "all": {0.90, 0.78}}, // 0.944/0.827, 0.930/0.804
}

// TestRealPersonalData scores Spans on the real citizen messages of the
// gold set (internal/realtext): exact span and type on the title and the
// detail of every message, per type, for the dev and the test split apart.
// Recognizers may be tuned on the dev split's errors only; the test split
// is measured. It prints the dev split's errors and fails below the floors.
func TestRealPersonalData(t *testing.T) {
	all, err := realtext.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Skip("no gold set")
	}
	for _, split := range []string{"dev", "test"} {
		ms := realtext.Split(all, split)
		ps, errs := scoreSpans(ms, realTypes, func(t deid.Type) string {
			if t == deid.Address {
				return "BUILDING"
			}
			return string(t)
		})
		if split != *realSplit {
			errs = nil
		}
		logScores(t, split+" split", len(ms), ps, errs)
		for _, p := range ps {
			f, ok := realFloors[split][p.Type]
			if !ok {
				continue
			}
			if p.Precision() < f[0] || p.Recall() < f[1] {
				t.Errorf("%s %s: P %.3f R %.3f, floor P %.2f R %.2f", split, p.Type, p.Precision(), p.Recall(), f[0], f[1])
			}
		}
	}
}

// scoreSpans scores the spans Spans finds in the title and detail of each
// message against the gold spans of types, message by message (span keys,
// field and offsets, are only unique within a message); typeOf names a
// found span's gold type ("" leaves it out). It returns the scores and the
// errors of every field.
func scoreSpans(ms []realtext.Message, types []string, typeOf func(deid.Type) string) (ps []realtext.PRF, errs []string) {
	for _, m := range ms {
		for _, field := range []string{"title", "detail"} {
			text := m.Field(field)
			var g, p []realtext.Span
			for _, s := range m.SpansOf(types...) {
				if s.Field == field {
					g = append(g, s)
				}
			}
			for _, s := range deid.Spans(text) {
				if typ := typeOf(s.Type); typ != "" {
					p = append(p, realtext.Span{Field: field, Type: typ, Start: s.Start, End: s.End, Text: s.Text})
				}
			}
			ps = realtext.Sum(ps, realtext.SpanScore(g, p, types, true))
			errs = append(errs, spanErrors(m.ID, text, g, p)...)
		}
	}
	return ps, errs
}

// logScores logs a sample's scores and up to -real.show of its errors.
func logScores(t *testing.T, what string, n int, ps []realtext.PRF, errs []string) {
	t.Helper()
	t.Logf("%s, %d messages:\n%s", what, n, realtext.Report(ps))
	for i, e := range errs {
		if i >= *realShow {
			t.Logf("… %d more errors", len(errs)-i)
			break
		}
		t.Log(e)
	}
}

// spanErrors lists the gold spans not predicted (MISS) and the predicted
// spans not in the gold (FALSE) of one field, with context.
func spanErrors(id int, text string, gold, pred []realtext.Span) []string {
	key := func(s realtext.Span) string { return fmt.Sprintf("%d|%d|%s", s.Start, s.End, s.Type) }
	in := func(list []realtext.Span) map[string]bool {
		m := map[string]bool{}
		for _, s := range list {
			m[key(s)] = true
		}
		return m
	}
	g, p := in(gold), in(pred)
	rs := []rune(text)
	ctx := func(s realtext.Span) string {
		lo, hi := max(s.Start-10, 0), min(s.End+8, len(rs))
		return strings.ReplaceAll(string(rs[lo:s.Start])+"【"+s.Text+"】"+string(rs[s.End:hi]), "\n", " ")
	}
	var out []string
	for _, s := range gold {
		if !p[key(s)] {
			out = append(out, fmt.Sprintf("MISS  %-9s %d %s", s.Type, id, ctx(s)))
		}
	}
	for _, s := range pred {
		if !g[key(s)] {
			out = append(out, fmt.Sprintf("FALSE %-9s %d %s", s.Type, id, ctx(s)))
		}
	}
	return out
}
