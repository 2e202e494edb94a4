package deid_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/demo"
)

// TestDemoRecall measures recall on text the recognizers were not tuned
// on: the demo generator (package demo, written separately) puts callers'
// phones, ID numbers and names into ticket text; every occurrence of the
// caller's field value inside the title or content must be covered by a
// span of the right type. It prints recall per type and fails below the
// issue's bars (99.5 % for identifiers, 97 % for names).
func TestDemoRecall(t *testing.T) {
	st := demo.NewStreet(1)
	type count struct{ gold, found int }
	counts := map[deid.Type]*count{deid.Phone: {}, deid.IDCard: {}, deid.Person: {}}
	var misses []string
	check := func(text, value string, typ deid.Type, spans []deid.Span) {
		if len([]rune(value)) < 2 {
			return
		}
		for off := 0; ; {
			i := strings.Index(text[off:], value)
			if i < 0 {
				return
			}
			b := off + i
			e := b + len(value)
			off = e
			counts[typ].gold++
			hit := false
			for _, s := range spans {
				if s.Type == typ && s.ByteStart <= b && e <= s.ByteEnd {
					hit = true
				}
			}
			if hit {
				counts[typ].found++
			} else if len(misses) < 10 {
				misses = append(misses, fmt.Sprintf("%s %q in %q", typ, value, text))
			}
		}
	}
	err := demo.Tickets(st, demo.Options{Seed: 7, End: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Tickets: 20000},
		func(tk core.Ticket) error {
			for _, text := range []string{tk.Title, tk.Content} {
				if text == "" {
					continue
				}
				spans := deid.Spans(text)
				check(text, tk.CallerPhone, deid.Phone, spans)
				check(text, tk.CallerID, deid.IDCard, spans)
				if tk.CallerName != "匿名" && !strings.ContainsAny(tk.CallerName, "先生女士阿姨大爷师傅") {
					check(text, tk.CallerName, deid.Person, spans)
				}
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	bars := map[deid.Type]float64{deid.Phone: 0.995, deid.IDCard: 0.995, deid.Person: 0.97}
	for _, typ := range []deid.Type{deid.Phone, deid.IDCard, deid.Person} {
		c := counts[typ]
		if c.gold == 0 {
			t.Errorf("%s: no occurrences in the demo text", typ)
			continue
		}
		r := float64(c.found) / float64(c.gold)
		t.Logf("%-8s occurrences %5d  found %5d  recall %.4f", typ, c.gold, c.found, r)
		if r < bars[typ] {
			t.Errorf("%s recall %.4f below %.3f", typ, r, bars[typ])
		}
	}
	for _, m := range misses {
		t.Log("miss:", m)
	}
}
