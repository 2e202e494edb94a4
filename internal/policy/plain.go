package policy

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// readPlain reads plain text: each line a paragraph, but lines wrapped
// at a fixed width (text copied out of a PDF or a mail) joined again.
func readPlain(text string) draft {
	return draft{blocks: joinWrapped(splitLines(text))}
}

// splitLines returns the non-empty lines of text, trimmed, each marked
// when a blank line came before it.
func splitLines(text string) []block {
	var out []block
	gap := false
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\t", " "))
		line = strings.Trim(line, "　")
		line = strings.TrimSpace(line)
		if line == "" {
			gap = true
			continue
		}
		out = append(out, block{text: line, gap: gap})
		gap = false
	}
	return out
}

var pageNumberRe = regexp.MustCompile(`^(?:[-－—–]\s*[0-9０-９]{1,4}\s*[-－—–]|第\s*[0-9０-９]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9０-９]{1,4}\s*页)?|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4}|[0-9]{1,3})$`)

// width is a line's display width: two for a wide (CJK) character.
func width(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// joinWrapped joins lines that a fixed width wrapped: a line nearly as
// wide as the text's usual full line that ends no sentence continues on
// the next, unless a blank line or a new heading, article or item comes
// first.
func joinWrapped(lines []block) []block {
	if len(lines) < 3 {
		return lines
	}
	ws := make([]int, 0, len(lines))
	for _, l := range lines {
		if w := width(l.text); w >= 20 {
			ws = append(ws, w)
		}
	}
	if len(ws) < 3 {
		return lines
	}
	sort.Ints(ws)
	full := ws[len(ws)*9/10]
	// Wrapping shows as several lines of the same full width.
	near := 0
	for _, w := range ws {
		if w*10 >= full*9 {
			near++
		}
	}
	if near < 3 {
		return lines
	}
	var out []block
	lastW := 0 // width of the last line read
	for _, l := range lines {
		w := width(l.text)
		if k := len(out); k > 0 && !l.gap && lastW >= full*8/10 && continues(out[k-1].text, l.text) {
			out[k-1].text = joinText(out[k-1].text, l.text)
		} else {
			out = append(out, l)
		}
		lastW = w
	}
	return out
}

// continues reports whether next continues prev, a full-width line: prev
// ends no sentence and next starts no heading, article or item.
func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	if terminal(last) || last == '：' || last == ':' {
		return false
	}
	if hasTitleEnd(prev) || partHeading(prev) > 0 || partHeading(next) > 0 {
		return false
	}
	if art, _ := articleStart(next); art != "" {
		return false
	}
	if m, _ := itemMarker(next); m != "" {
		return false
	}
	return true
}

// joinText joins two pieces of one paragraph: directly between Chinese
// text, with a space between Latin words.
func joinText(a, b string) string {
	x, _ := utf8.DecodeLastRuneInString(a)
	y, _ := utf8.DecodeRuneInString(b)
	if x < utf8.RuneSelf && y < utf8.RuneSelf && x != '-' {
		return a + " " + b
	}
	return a + b
}
