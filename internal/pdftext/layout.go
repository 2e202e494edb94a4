package pdftext

import (
	"math"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// pageText collects the glyphs of a page in content order and breaks lines
// where the baseline moves.
type pageText struct {
	sb     strings.Builder
	have   bool
	x, y   float64 // origin of the last glyph
	ex, ey float64 // where the last glyph ends
	ux, uy float64 // unit direction of the last glyph's line
	size   float64
	last   rune

	glyphs, decoded int
}

// Thresholds, as fractions of the font size: a baseline that moves more
// than lineGap starts a new line; a gap wider than spaceGap on a line is a
// space between Latin words.
const (
	lineGap  = 0.5
	spaceGap = 0.2
)

// glyph adds the text of one glyph with origin (x, y), end (ex, ey), line
// direction (dx, dy) and font size, all in device space.
func (t *pageText) glyph(s string, x, y, ex, ey, dx, dy, size float64) {
	s = clean(s)
	if s == "" {
		return
	}
	if l := math.Hypot(dx, dy); l > 0 {
		dx, dy = dx/l, dy/l
	} else {
		dx, dy = 1, 0
	}
	size = math.Abs(size)
	first := firstRune(s)
	if t.have {
		ref := math.Max(size, t.size)
		sameDir := dx*t.ux+dy*t.uy > 0.99
		// Distance of the new origin from the last baseline.
		off := math.Abs((x-t.x)*-t.uy + (y-t.y)*t.ux)
		if !sameDir || off > lineGap*ref {
			t.newline()
		} else if gap := (x-t.ex)*t.ux + (y-t.ey)*t.uy; gap > spaceGap*ref &&
			t.last != ' ' && first != ' ' && latin(t.last) && latin(first) {
			t.sb.WriteByte(' ')
			t.last = ' '
		}
	}
	if first == ' ' && (t.last == ' ' || t.last == '\n' || !t.have) {
		s = strings.TrimLeft(s, " ")
	}
	if s != "" {
		t.sb.WriteString(s)
		t.last = lastRune(s)
	}
	t.have = true
	t.x, t.y, t.ex, t.ey, t.ux, t.uy, t.size = x, y, ex, ey, dx, dy, size
}

func (t *pageText) newline() {
	if t.last != '\n' {
		t.sb.WriteByte('\n')
		t.last = '\n'
	}
}

// String returns the page's lines, without trailing spaces or empty lines.
func (t *pageText) String() string {
	lines := strings.Split(t.sb.String(), "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// latin reports runes between which a gap means a space: anything but CJK
// scripts and punctuation, which are written without spaces.
func latin(r rune) bool {
	switch {
	case r == '\n' || r == 0:
		return false
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r),
		unicode.Is(unicode.Hangul, r):
		return false
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF, r >= 0x2E80 && r <= 0x2FDF:
		return false
	}
	return true
}

// clean drops control characters and maps radicals and compatibility
// ideographs, which some Chinese producers put in ToUnicode maps for
// ordinary characters (⾏ for 行), to the unified ideographs.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r < ' ' || r == 0x7F || r == '\uFFFD' || r == '\u00A0' || isRadical(r) || r >= 0xFEFF && r <= 0xFEFF {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\u00A0' || r == '\r' || r == '\n':
			sb.WriteByte(' ')
		case r < ' ' || r == 0x7F || r == '\uFFFD' || r == 0xFEFF:
		case isRadical(r):
			sb.WriteString(norm.NFKC.String(string(r)))
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func isRadical(r rune) bool {
	return r >= 0x2E80 && r <= 0x2FDF || r >= 0xF900 && r <= 0xFAFF || r >= 0x2F800 && r <= 0x2FA1F
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func lastRune(s string) rune {
	r := rune(0)
	for _, c := range s {
		r = c
	}
	return r
}
