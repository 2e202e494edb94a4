// Package extract reads the facts a street needs from a ticket's free text:
// the citizen's intent (诉求类型: 咨询, 求助, 投诉, 举报, 建议, 表扬), entities
// (places, organisations and, through package deid, identifiers) and
// the urgency (紧急程度) with the time limit it implies.
//
// Everything here works without training data: weighted cue lexicons and a
// few hand-written scanners, so that a street gets useful answers from its
// first ticket, and staff can see which cues fired (every result carries its
// reasons). When labelled tickets exist, RetrainIntent combines a trained
// classify.Model with the lexicon.
//
// Offsets are in Unicode code points of the text given ([Start, End) of
// []rune(text)), as in package deid. Matching is done on folded runes (see
// text.Fold: full-width to half-width, traditional to simplified), which maps
// one rune to one rune, so offsets stay those of the original text.
//
// All functions are pure and safe for concurrent use.
package extract

import (
	"unicode/utf8"

	"jiceng/internal/text"
)

// EntityType is the kind of an Entity.
type EntityType string

// Entity types. Identifier types (PHONE, ID_CARD, PLATE, ...) are those of
// package deid.
const (
	Community EntityType = "COMMUNITY" // a 社区 or 村 (or a grid of the area registry)
	Town      EntityType = "TOWN"      // a 街道, 镇 or 乡 (a street of the registry, or by its suffix)
	Compound  EntityType = "COMPOUND"  // 小区, 花园, 家园, 苑, 里, 院 ...
	Road      EntityType = "ROAD"      // 路, 街, 大街, 胡同, 巷 (the house number is a BUILDING)
	Building  EntityType = "BUILDING"  // 3号楼2单元501 (found by deid as ADDRESS)
	Zone      EntityType = "ZONE"      // 省, 市, 区, 县, and their codes: A市, A3区, B6县
	Org       EntityType = "ORG"       // 公司, 物业, 医院, 学校, 派出所, 居委会, 街道办 ...
)

// Entity is one thing found in the text.
//
// Start and End are code-point offsets ([Start, End)); Text is the original
// text of the span; Value is a normalised form (the registry code of a
// community, the road name without the house number); Score is the
// confidence in [0, 1].
type Entity struct {
	Type  EntityType `json:"type"`
	Text  string     `json:"text"`
	Start int        `json:"start"`
	End   int        `json:"end"`
	Value string     `json:"value,omitempty"`
	Score float64    `json:"score"`
}

// folded returns the folded runes of s (one rune per rune of s).
func folded(s string) []rune {
	rs := make([]rune, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		rs = append(rs, text.Fold(r))
	}
	return rs
}

// lexicon finds every occurrence of a set of words in a rune slice. Words
// are indexed by their first rune (a runeIndex, no hashing), longest first,
// so that a scan costs one bit test per rune plus the comparisons of the
// few words that share it.
type lexicon struct {
	first  runeGroups // first rune → word indices, longest first
	words  [][]rune
	starts *startFilter
}

// startFilter is a Bloom filter of the first two runes of a list of words
// of two runes or more, with the first runes of the words of one: a
// position whose two runes are in neither cannot start a word.
type startFilter struct {
	pairs  [1 << 10]uint64
	single runeIndex
}

// pairBit is the bit of the rune pair (a, b) in startFilter.pairs.
func pairBit(a, b rune) uint32 {
	return (uint32(a)*0x9E3779B1 ^ uint32(b)*0x85EBCA77) >> (32 - 16)
}

func newStartFilter(words [][]rune) *startFilter {
	f := &startFilter{}
	var singles []rune
	for _, w := range words {
		switch {
		case len(w) == 1:
			singles = append(singles, w[0])
		case len(w) >= 2:
			b := pairBit(w[0], w[1])
			f.pairs[b>>6] |= 1 << (b & 63)
		}
	}
	f.single = newRuneIndex(singles)
	return f
}

// may reports whether a word of the list may start at rs[i] (i < len(rs)):
// false means none does.
func (f *startFilter) may(rs []rune, i int) bool {
	if i+1 < len(rs) {
		if b := pairBit(rs[i], rs[i+1]); f.pairs[b>>6]&(1<<(b&63)) != 0 {
			return true
		}
	}
	return f.single.has(rs[i])
}

func newLexicon(words []string) *lexicon {
	lx := &lexicon{}
	for _, w := range words {
		lx.words = append(lx.words, folded(w))
	}
	lx.first = newRuneGroups(len(lx.words), func(i int) (rune, bool) {
		if len(lx.words[i]) == 0 {
			return 0, false
		}
		return lx.words[i][0], true
	})
	for _, ix := range lx.first.groups {
		sortedByLen(ix, lx.words)
	}
	lx.starts = newStartFilter(lx.words)
	return lx
}

// hit is one occurrence of word w at rune offset pos.
type hit struct{ w, pos, end int }

// scan calls fn for each occurrence of each word at each position
// (overlapping occurrences included), longest word first at a position.
func (lx *lexicon) scan(rs []rune, fn func(h hit)) {
	keys := &lx.first.keys
	for i, r := range rs {
		if !lx.starts.may(rs, i) {
			continue
		}
		s := keys.slot(r)
		if s < 0 {
			continue
		}
		for _, w := range lx.first.groups[s] {
			wr := lx.words[w]
			if hasPrefix(rs[i:], wr) {
				fn(hit{int(w), i, i + len(wr)})
			}
		}
	}
}

func hasPrefix(s, p []rune) bool {
	if len(p) > len(s) {
		return false
	}
	for i, r := range p {
		if s[i] != r {
			return false
		}
	}
	return true
}

// endsWithAny reports whether rs[:i] ends with one of ws.
func endsWithAny(rs []rune, i int, ws [][]rune) bool {
	for _, w := range ws {
		if len(w) <= i && hasPrefix(rs[i-len(w):], w) {
			return true
		}
	}
	return false
}

func runesOf(ws ...string) [][]rune {
	out := make([][]rune, len(ws))
	for i, w := range ws {
		out[i] = folded(w)
	}
	return out
}

// isBoundary reports whether r ends a clause: punctuation and whitespace.
func isBoundary(r rune) bool {
	return text.KindOf(r) == text.Skip
}
