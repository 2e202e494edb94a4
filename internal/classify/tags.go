package classify

import (
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"jiceng/internal/text"
)

// Tag is one entry of a phrase vocabulary (FeatureConfig.Tags): a canonical
// name and the phrases merged into it. A text that contains the name or an
// alias (in content form, see text.AppendContent) gets one feature for the
// tag, the same for every phrase: what staff merged, the model sees as one.
// (The street's high-frequency problem tag library, hot.Tag, converts to
// it; its category is not used, the model learns what a tag says.)
type Tag struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

// Limits of a phrase vocabulary, so that a damaged model file cannot ask
// for an unbounded automaton.
const (
	maxTags       = 1 << 16
	maxTagPhrases = 1 << 18
	maxPhraseLen  = 64      // runes
	maxTagRunes   = 1 << 20 // all phrases together: the automaton's states
)

// tagN marks a tag feature in feat.n: no n-gram is that long (MaxN ≤ 6),
// and it is also the tag features' normalisation channel under PerOrder.
const tagN = 7

// tagPrefix starts the text of a tag feature in explanations.
const tagPrefix = "标签:"

// validateTags refuses an unusable vocabulary: an empty or repeated name,
// a phrase with no content (only punctuation), too many or too long
// phrases.
func validateTags(tags []Tag) error {
	if len(tags) > maxTags {
		return errorf("标签最多 %d 个，实际为 %d 个", maxTags, len(tags))
	}
	seen := make(map[string]bool, len(tags))
	phrases, runes := 0, 0
	var buf []rune
	for _, t := range tags {
		if seen[t.Name] {
			return errorf("标签 %q 重复", t.Name)
		}
		seen[t.Name] = true
		phrases += 1 + len(t.Aliases)
		if phrases > maxTagPhrases {
			return errorf("标签及别名最多 %d 个", maxTagPhrases)
		}
		for _, p := range append([]string{t.Name}, t.Aliases...) {
			if utf8.RuneCountInString(p) > maxPhraseLen {
				return errorf("标签或别名 %q 超过 %d 个字", p, maxPhraseLen)
			}
			if buf = text.AppendContent(buf[:0], p); len(buf) == 0 {
				return errorf("标签或别名 %q 没有文字", p)
			}
			if runes += len(buf); runes > maxTagRunes {
				return errorf("标签及别名总长超过 %d 个字", maxTagRunes)
			}
		}
	}
	return nil
}

// tagBucket is the hash bucket of the tag named name. It is hashed with
// length 0, which no n-gram has, behind a prefix, so it shares a bucket with
// an n-gram only by a collision of the hash, like two n-grams.
func tagBucket(name string, bits int) uint32 {
	h := uint64(hashSeed)
	for _, r := range tagPrefix + name {
		h = hashStep(h, r)
	}
	return bucketOf(h, 0, bits)
}

// tagMatcher finds the tags of a text in one pass over its runes: an
// Aho–Corasick automaton over the phrases' content forms. It is read-only
// once built and so safe for concurrent use.
type tagMatcher struct {
	names   []string
	buckets []uint32 // per tag
	// The goto function: an open-addressing table keyed by state<<32|rune
	// (emptyKey: empty), with the next state.
	mask  uint64
	shift uint8
	keys  []uint64
	next  []int32
	fail  []int32 // per state
	// outPtr[s]..outPtr[s+1] index outTags: the tags of every phrase that
	// ends at state s, its own and its suffixes' (so a match never walks
	// the failure chain).
	outPtr  []int32
	outTags []int32
}

const emptyKey = ^uint64(0)

// newTagMatcher builds the matcher of a validated vocabulary, or returns
// nil for none. A phrase that contains another phrase of the same tag is
// dropped: every occurrence of it is one of the shorter phrase, and would
// otherwise count the tag twice.
func newTagMatcher(tags []Tag, hashBits int) *tagMatcher {
	if len(tags) == 0 {
		return nil
	}
	m := &tagMatcher{names: make([]string, len(tags)), buckets: make([]uint32, len(tags))}
	type phrase struct {
		rs  []rune
		tag int32
	}
	var phrases []phrase
	for i, t := range tags {
		m.names[i], m.buckets[i] = t.Name, tagBucket(t.Name, hashBits)
		var own [][]rune
		for _, p := range append([]string{t.Name}, t.Aliases...) {
			own = append(own, text.AppendContent(nil, p))
		}
		slices.SortStableFunc(own, func(a, b []rune) int { return len(a) - len(b) })
		var kept []string
		for _, rs := range own {
			s := string(rs)
			if !slices.ContainsFunc(kept, func(k string) bool { return strings.Contains(s, k) }) {
				kept = append(kept, s)
				phrases = append(phrases, phrase{rs, int32(i)})
			}
		}
	}

	// The trie, with a Go map while it is built.
	trie := map[uint64]int32{}
	parent, depth := []int32{-1}, []int32{0}
	in := []rune{0}
	own := [][]int32{nil}
	for _, p := range phrases {
		s := int32(0)
		for _, r := range p.rs {
			k := uint64(s)<<32 | uint64(uint32(r))
			nx, ok := trie[k]
			if !ok {
				nx = int32(len(parent))
				trie[k] = nx
				parent, depth, in = append(parent, s), append(depth, depth[s]+1), append(in, r)
				own = append(own, nil)
			}
			s = nx
		}
		own[s] = append(own[s], p.tag)
	}
	n := len(parent)
	size := 1 << bits.Len(uint(2*len(trie)+1))
	m.mask, m.shift = uint64(size-1), uint8(64-bits.Len(uint(size-1)))
	m.keys, m.next = make([]uint64, size), make([]int32, size)
	for i := range m.keys {
		m.keys[i] = emptyKey
	}
	for k, v := range trie {
		j := m.slot(k)
		for m.keys[j] != emptyKey {
			j = (j + 1) & m.mask
		}
		m.keys[j], m.next[j] = k, v
	}

	// Failure links and output sets, in order of depth: each needs those
	// of shallower states only.
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return int(depth[a] - depth[b]) })
	m.fail = make([]int32, n)
	outs := make([][]int32, n)
	for _, s := range order[1:] {
		if p := parent[s]; p != 0 {
			f := m.fail[p]
			for {
				if nx := m.step(f, in[s]); nx >= 0 {
					m.fail[s] = nx
					break
				}
				if f == 0 {
					break
				}
				f = m.fail[f]
			}
		}
		outs[s] = append(slices.Clone(own[s]), outs[m.fail[s]]...)
	}
	m.outPtr = make([]int32, n+1)
	for s, o := range outs {
		m.outTags = append(m.outTags, o...)
		m.outPtr[s+1] = int32(len(m.outTags))
	}
	return m
}

func (m *tagMatcher) slot(k uint64) uint64 {
	return (k * 0x9e3779b97f4a7c15) >> m.shift & m.mask
}

// step returns the goto of state s on r, or -1.
func (m *tagMatcher) step(s int32, r rune) int32 {
	k := uint64(s)<<32 | uint64(uint32(r))
	j := m.slot(k)
	for {
		switch m.keys[j] {
		case k:
			return m.next[j]
		case emptyKey:
			return -1
		}
		j = (j + 1) & m.mask
	}
}

// appendMatches appends the tag of every phrase occurrence in rs (content
// form) to dst, one entry per occurrence.
func (m *tagMatcher) appendMatches(dst []int32, rs []rune) []int32 {
	s := int32(0)
	for _, r := range rs {
		for {
			if nx := m.step(s, r); nx >= 0 {
				s = nx
				break
			}
			if s == 0 {
				break
			}
			s = m.fail[s]
		}
		dst = append(dst, m.outTags[m.outPtr[s]:m.outPtr[s+1]]...)
	}
	return dst
}
