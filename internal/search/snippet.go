package search

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// Snippet lengths, in characters: the window shown, and how much of it
// comes before the first matched term.
const (
	snippetRunes = 120
	snippetLead  = 20
)

// span is a matched term's place in a text, in bytes.
type span struct {
	start, end int
	term       string
}

// matchSpans returns the places of terms in s (folded as the index folds
// it), sorted and without overlaps. Single characters are not marked: one
// Han character matches everywhere.
func matchSpans(s string, terms []string) []span {
	f := foldedText(s)
	var spans []span
	for _, t := range terms {
		if utf8.RuneCountInString(t) < 2 {
			continue
		}
		for from := 0; ; {
			i := strings.Index(f.s[from:], t)
			if i < 0 {
				break
			}
			start := from + i
			spans = append(spans, span{f.offs[start], f.offs[start+len(t)], t})
			from = start + len(t)
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	out := spans[:0]
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.start < out[n-1].end {
			if sp.end > out[n-1].end {
				out[n-1].end = sp.end
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// snippet returns the part of the hit's text around the terms, marked
// (see Hit.Snippet).
func (ix *Index) snippet(h Hit, terms []string) string {
	src := h.Text
	spans := matchSpans(src, terms)
	if len(spans) == 0 && h.Question != "" {
		if qs := matchSpans(h.Question, terms); len(qs) > 0 {
			src, spans = h.Question, qs
		}
	}
	return markWindow(src, spans, snippetRunes)
}

// markWindow returns the window of about width characters of s that holds
// the most distinct terms of spans, HTML-escaped, with the spans marked.
func markWindow(s string, spans []span, width int) string {
	start, end := 0, runeOffset(s, 0, width)
	if len(spans) > 0 {
		best := -1
		for i, sp := range spans {
			ws := backRunes(s, sp.start, snippetLead)
			we := runeOffset(s, ws, width)
			seen := map[string]bool{}
			for _, o := range spans[i:] {
				if o.end > we {
					break
				}
				seen[o.term] = true
			}
			if len(seen) > best {
				best, start, end = len(seen), ws, we
			}
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	at := start
	for _, sp := range spans {
		if sp.start < start || sp.end > end {
			continue
		}
		b.WriteString(html.EscapeString(s[at:sp.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(s[sp.start:sp.end]))
		b.WriteString("</mark>")
		at = sp.end
	}
	b.WriteString(html.EscapeString(s[at:end]))
	if end < len(s) {
		b.WriteString("…")
	}
	return b.String()
}

// runeOffset returns the byte offset n characters after from in s, or
// len(s).
func runeOffset(s string, from, n int) int {
	i := from
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// backRunes returns the byte offset n characters before at in s, or 0.
func backRunes(s string, at, n int) int {
	i := at
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// matched returns the terms of terms found in the hit's title, headings,
// question or text.
func matched(h Hit, terms []string) []string {
	all := foldString(strings.Join(append([]string{h.Title, h.Question, h.Text}, h.Headings...), "\n"))
	var out []string
	for _, t := range terms {
		if strings.Contains(all, t) {
			out = append(out, t)
		}
	}
	return out
}
