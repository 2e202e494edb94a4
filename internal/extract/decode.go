package extract

import (
	"sync"
	"unicode/utf8"

	"jiceng/internal/text"
)

// The scanners work on the folded runes of a text (and, for the Text of
// entities and cues, its runes). decodeFold decodes and folds in one pass
// into a pooled buffer: no counting pass, no allocation per call, and a
// table for folding CJK ideographs and ASCII (built from text.Fold, so the
// same by construction).

// foldLo..foldLo+len(foldTab)-1 is the range of foldTab: the CJK Unified
// Ideographs, where tickets' runes are.
const foldLo = 0x4E00

var (
	foldTab   = buildFoldTab(foldLo, 0xA000) // folded rune, 0 when text.Fold must be asked
	asciiFold = func() (t [utf8.RuneSelf]rune) {
		for r := range t {
			t[r] = text.Fold(rune(r))
		}
		return t
	}()
)

func buildFoldTab(lo, hi rune) []uint16 {
	t := make([]uint16, hi-lo)
	for r := lo; r < hi; r++ {
		if f := text.Fold(r); f > 0 && f < 0x10000 {
			t[r-lo] = uint16(f)
		}
	}
	return t
}

// fold is text.Fold, by table where it can.
func fold(r rune) rune {
	if d := uint32(r - foldLo); d < uint32(len(foldTab)) {
		if f := foldTab[d]; f != 0 {
			return rune(f)
		}
	}
	return text.Fold(r)
}

// decodeFold writes the runes of s into orig (when not nil) and their
// folded form into rs, which have room for len(s) runes, and returns the
// number of runes: the runes of []rune(s), invalid bytes as
// utf8.RuneError one by one.
func decodeFold(s string, orig, rs []rune) int {
	n := 0
	rs = rs[:len(s)]
	if orig != nil {
		orig = orig[:len(s)]
	}
	for i := 0; i < len(s); {
		b := s[i]
		var r rune
		switch {
		case b < utf8.RuneSelf:
			r = rune(b)
			rs[n] = asciiFold[b]
			i++
		case b >= 0xE1 && b <= 0xEF && b != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// A three-byte sequence that cannot be overlong or a surrogate.
			r = rune(b&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			rs[n] = fold(r)
			i += 3
		default:
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			rs[n] = fold(r)
			i += size
		}
		if orig != nil {
			orig[n] = r
		}
		n++
	}
	return n
}

// runeBuf is a scratch buffer of runes, from runePool.
type runeBuf struct{ rs []rune }

var runePool = sync.Pool{New: func() any { return new(runeBuf) }}

// maxPooledRunes bounds the buffers kept in the pool: a huge text gets a
// buffer of its own.
const maxPooledRunes = 1 << 16

// getRunes returns a scratch buffer of at least n runes; give it back with
// putRunes when nothing refers to its runes any more.
func getRunes(n int) *runeBuf {
	b := runePool.Get().(*runeBuf)
	if cap(b.rs) < n {
		b.rs = make([]rune, n)
	}
	b.rs = b.rs[:cap(b.rs)]
	return b
}

func putRunes(b *runeBuf) {
	if cap(b.rs) <= maxPooledRunes {
		runePool.Put(b)
	}
}

// foldedIn returns the runes of s and their folded copy in b (which has
// room for 2·len(s) runes).
func foldedIn(b *runeBuf, s string) (orig, rs []rune) {
	orig, rs = b.rs[:len(s):len(s)], b.rs[len(s):2*len(s):2*len(s)]
	n := decodeFold(s, orig, rs)
	return orig[:n:n], rs[:n:n]
}
