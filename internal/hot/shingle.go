package hot

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"jiceng/internal/text"
)

// DefaultN is the default shingle length in characters. Bigrams separate
// repeats from other tickets best on the labelled real pairs (see
// TestShingleLength and testdata/README.md): Chinese words are mostly two
// characters long, and two residents describing one problem share words
// more than they share longer strings.
const DefaultN = 2

// content returns the content runes of s: folded, without punctuation and
// spaces, each run of digits reduced to '0' (see text.AppendContent).
func content(s string) []rune { return text.AppendContent(nil, s) }

// gramHash is the hash of the n runes rs: FNV-1a over the code points,
// finished by the splitmix64 mixer so that the low and high bits are both
// uniform (the sketch orders by value).
func gramHash(rs []rune) uint32 {
	h := uint64(14695981039346656037)
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return uint32(h >> 32)
}

// appendShingles appends the hashes of the n-character shingles of rs to
// dst, in text order and with repeats. A text shorter than n but not empty
// is one shingle.
func appendShingles(dst []uint32, rs []rune, n int) []uint32 {
	if len(rs) > 0 && len(rs) < n {
		return append(dst, gramHash(rs))
	}
	for i := 0; i+n <= len(rs); i++ {
		dst = append(dst, gramHash(rs[i:i+n]))
	}
	return dst
}

// sketch returns the bottom-k sketch of the shingle set hs (modified in
// place): its k smallest distinct hashes not in common, ascending. A text
// with fewer than k shingles keeps them all, so that short texts are
// compared exactly.
func sketch(hs []uint32, k int, common map[uint32]struct{}) []uint32 {
	if len(common) > 0 {
		hs = slices.DeleteFunc(hs, func(h uint32) bool { _, ok := common[h]; return ok })
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	if len(hs) > k {
		hs = hs[:k]
	}
	return hs
}

// jaccard estimates the Jaccard similarity of two sets from their bottom-k
// sketches a and b (ascending): of the k smallest hashes of a ∪ b, the
// share found in both. When both sketches hold whole sets (fewer than k
// values) the result is exact.
func jaccard(a, b []uint32, k int) float64 {
	i, j, seen, both := 0, 0, 0, 0
	for seen < k && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			i++
		case i == len(a) || b[j] < a[i]:
			j++
		default:
			both++
			i++
			j++
		}
		seen++
	}
	if seen == 0 {
		return 0
	}
	return float64(both) / float64(seen)
}

// CommonShingles returns the n-character shingles found in more than frac
// of texts and in at least minDocs of them, most frequent first. They are
// the boilerplate of petitions (您好, 领导, 相关部门, 希望, 解决): sharing
// them says nothing about the problem, so the index leaves them out of its
// sketches (Options.Common). n 0 means DefaultN.
func CommonShingles(texts []string, n int, frac float64, minDocs int) []string {
	shares := commonShares(texts, n, frac, minDocs)
	out := slices.Collect(maps.Keys(shares))
	slices.SortFunc(out, func(a, b string) int {
		if c := cmp.Compare(shares[b], shares[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// commonShares returns the common shingles of CommonShingles with the
// share of the texts each is found in.
func commonShares(texts []string, n int, frac float64, minDocs int) map[string]float64 {
	if n <= 0 {
		n = DefaultN
	}
	df := map[uint32]int32{}
	first := map[uint32]string{}
	seen := map[uint32]bool{}
	for _, t := range texts {
		rs := content(t)
		clear(seen)
		for i := 0; i+n <= len(rs); i++ {
			h := gramHash(rs[i : i+n])
			if !seen[h] {
				seen[h] = true
				if df[h] == 0 {
					first[h] = string(rs[i : i+n])
				}
				df[h]++
			}
		}
	}
	limit := frac * float64(len(texts))
	out := map[string]float64{}
	for h, c := range df {
		if float64(c) > limit && int(c) >= minDocs {
			out[first[h]] = float64(c) / float64(len(texts))
		}
	}
	return out
}

// Shared returns up to max phrases that a and b have in common, longest
// first, as written in a: maximal common runs of their content (folded,
// without punctuation, digits as one class; see text.AppendContent) of at
// least three characters without digits, such as "电梯故障" or "渌水大桥".
// Runs made only of common shingles are left out. They are the evidence shown
// with a match.
func Shared(a, b string, max int, common []string) []string {
	const minLen = 3
	ra, pos := contentPos(a)
	rb := content(b)
	if len(ra) < minLen || len(rb) < minLen || max <= 0 {
		return nil
	}
	// Digits (one class after normalising) end a phrase: 编号123 and
	// 编号456 share no evidence.
	inB := map[[2]rune]bool{}
	for i := 0; i+1 < len(rb); i++ {
		if rb[i] != '0' && rb[i+1] != '0' {
			inB[[2]rune{rb[i], rb[i+1]}] = true
		}
	}
	stop := map[[2]rune]bool{}
	for _, c := range common {
		if rs := content(c); len(rs) == 2 {
			stop[[2]rune{rs[0], rs[1]}] = true
		}
	}
	sb := string(rb)
	type run struct{ i, end int }
	var runs []run
	for i := 0; i+1 < len(ra); {
		if !inB[[2]rune{ra[i], ra[i+1]}] {
			i++
			continue
		}
		// The longest substring of a starting at i that b contains.
		end := i + 2
		for end < len(ra) && ra[end] != '0' && strings.Contains(sb, string(ra[i:end+1])) {
			end++
		}
		if end-i < minLen || !strings.Contains(sb, string(ra[i:end])) {
			i++
			continue
		}
		useful := false
		for j := i; j+1 < end; j++ {
			if !stop[[2]rune{ra[j], ra[j+1]}] {
				useful = true
				break
			}
		}
		if useful {
			runs = append(runs, run{i, end})
		}
		i = end
	}
	slices.SortStableFunc(runs, func(x, y run) int { return (y.end - y.i) - (x.end - x.i) })
	var out []string
	seen := map[string]bool{}
	for _, r := range runs {
		key := string(ra[r.i:r.end])
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, strings.TrimSpace(a[pos[r.i]:pos[r.end-1+len(ra)]]))
		if len(out) == max {
			break
		}
	}
	return out
}

// contentPos returns the content runes of s (as content does) and, for
// each, its byte offset in s; pos[i+len(rs)] is the end offset of rune i.
func contentPos(s string) (rs []rune, pos []int) {
	var ends []int
	inDigits := false
	for i, r := range s {
		r = text.Fold(r)
		switch text.KindOf(r) {
		case text.Skip:
			continue
		case text.Digit:
			if inDigits {
				ends[len(ends)-1] = nextRune(s, i)
				continue
			}
			rs = append(rs, '0')
			pos = append(pos, i)
			ends = append(ends, nextRune(s, i))
			inDigits = true
			continue
		}
		inDigits = false
		rs = append(rs, r)
		pos = append(pos, i)
		ends = append(ends, nextRune(s, i))
	}
	return rs, append(pos, ends...)
}

// nextRune returns the offset after the rune of s at i.
func nextRune(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return i + n
}
