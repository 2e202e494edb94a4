package extract

import (
	"math/bits"
	"slices"
	"sort"
)

// runeIndex numbers a set of runes 0..n-1 without a hash: a bitmap over the
// range of the set's runes below 0x10000 with the count of members before
// each word of it (a rank), so that a lookup is one bit test and, for a
// member, one popcount. Runes above the range's end or beyond the BMP are in
// a map. It replaces rune-keyed maps in the scanners' hot loops.
type runeIndex struct {
	lo   rune
	bits []uint64
	rank []int32
	far  map[rune]int32
	n    int
}

// bmpSpan bounds the bitmap: members beyond lo+bmpSpan go to the map.
const bmpSpan = 0x10000

func newRuneIndex(rs []rune) runeIndex {
	rs = slices.Clone(rs)
	slices.Sort(rs)
	rs = slices.Compact(rs)
	var ix runeIndex
	ix.n = len(rs)
	if len(rs) == 0 {
		return ix
	}
	ix.lo = rs[0]
	hi := ix.lo
	for _, r := range rs {
		if r-ix.lo < bmpSpan && r < 0x10000 {
			hi = r
		}
	}
	ix.bits = make([]uint64, (hi-ix.lo)/64+1)
	var far []rune
	for _, r := range rs {
		if d := r - ix.lo; r <= hi {
			ix.bits[d>>6] |= 1 << (d & 63)
		} else {
			far = append(far, r)
		}
	}
	ix.rank = make([]int32, len(ix.bits))
	c := int32(0)
	for k, w := range ix.bits {
		ix.rank[k] = c
		c += int32(bits.OnesCount64(w))
	}
	if len(far) > 0 {
		ix.far = make(map[rune]int32, len(far))
		for _, r := range far {
			ix.far[r] = c
			c++
		}
	}
	return ix
}

// slot returns the number of r in the set, or -1 when r is not in it.
func (ix *runeIndex) slot(r rune) int {
	d := uint32(r - ix.lo)
	if k := d >> 6; k < uint32(len(ix.bits)) {
		w, m := ix.bits[k], uint64(1)<<(d&63)
		if w&m == 0 {
			return -1
		}
		return int(ix.rank[k]) + bits.OnesCount64(w&(m-1))
	}
	if ix.far != nil {
		if s, ok := ix.far[r]; ok {
			return int(s)
		}
	}
	return -1
}

// has reports whether r is in the set.
func (ix *runeIndex) has(r rune) bool {
	d := uint32(r - ix.lo)
	if k := d >> 6; k < uint32(len(ix.bits)) {
		return ix.bits[k]&(1<<(d&63)) != 0
	}
	if ix.far != nil {
		_, ok := ix.far[r]
		return ok
	}
	return false
}

// runeSetOf is the runeIndex of the runes of s.
func runeSetOf(s string) runeIndex { return newRuneIndex([]rune(s)) }

// runeGroups groups the indices 0..n-1 of a list by one rune of each
// (key(i); false leaves i out), keeping the list's order within a group.
type runeGroups struct {
	keys   runeIndex
	groups [][]int32
}

func newRuneGroups(n int, key func(i int) (rune, bool)) runeGroups {
	var ks []rune
	for i := 0; i < n; i++ {
		if r, ok := key(i); ok {
			ks = append(ks, r)
		}
	}
	g := runeGroups{keys: newRuneIndex(ks)}
	g.groups = make([][]int32, g.keys.n)
	for i := 0; i < n; i++ {
		if r, ok := key(i); ok {
			s := g.keys.slot(r)
			g.groups[s] = append(g.groups[s], int32(i))
		}
	}
	return g
}

// of returns the indices whose key is r, in list order.
func (g *runeGroups) of(r rune) []int32 {
	if s := g.keys.slot(r); s >= 0 {
		return g.groups[s]
	}
	return nil
}

// endings answers endsWithAny(rs, i, words) for a fixed list of words by
// the last rune of each, so that a position no word can end at costs one
// bit test.
type endings struct {
	words [][]rune
	last  runeGroups
	empty bool // an empty word ends everywhere
}

func newEndings(ws [][]rune) *endings {
	e := &endings{words: ws}
	for _, w := range ws {
		e.empty = e.empty || len(w) == 0
	}
	e.last = newRuneGroups(len(ws), func(i int) (rune, bool) {
		if len(ws[i]) == 0 {
			return 0, false
		}
		return ws[i][len(ws[i])-1], true
	})
	return e
}

// at reports whether rs[:i] ends with one of the words.
func (e *endings) at(rs []rune, i int) bool {
	if e.empty {
		return true
	}
	if i <= 0 || i > len(rs) {
		return false
	}
	for _, k := range e.last.of(rs[i-1]) {
		w := e.words[k]
		if len(w) <= i && hasPrefix(rs[i-len(w):], w) {
			return true
		}
	}
	return false
}

// prefixes answers "does rs start with one of words" for a fixed list, by
// the first rune of each; first returns the index of the first such word
// in list order.
type prefixes struct {
	words [][]rune
	first runeGroups
	empty int // the index of the first empty word, or -1
}

func newPrefixes(ws [][]rune) *prefixes {
	p := &prefixes{words: ws, empty: -1}
	for i, w := range ws {
		if len(w) == 0 && p.empty < 0 {
			p.empty = i
		}
	}
	p.first = newRuneGroups(len(ws), func(i int) (rune, bool) {
		if len(ws[i]) == 0 {
			return 0, false
		}
		return ws[i][0], true
	})
	return p
}

// firstAt returns the index of the first word of the list that rs starts
// with, or -1.
func (p *prefixes) firstAt(rs []rune) int {
	best := p.empty
	if len(rs) == 0 {
		return best
	}
	for _, k := range p.first.of(rs[0]) {
		if best >= 0 && int(k) > best {
			break
		}
		if hasPrefix(rs, p.words[k]) {
			return int(k)
		}
	}
	return best
}

// sortedByLen returns ix sorted longest word first, stably.
func sortedByLen(ix []int32, words [][]rune) []int32 {
	sort.SliceStable(ix, func(a, b int) bool { return len(words[ix[a]]) > len(words[ix[b]]) })
	return ix
}
