package hot

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Bounds of the problem phrases mined for a cluster's label.
const (
	phraseMin   = 2   // characters
	phraseMax   = 12  // characters
	titleSpan   = 60  // characters of the first sentence (the title, when the text is title。content)
	bodySpan    = 160 // characters of the text mined when the titles share nothing
	titleShare  = 0.2 // share of the members whose titles a phrase must occur in
	bodyShare   = 0.3 // share whose texts it must occur in, failing that
	lengthPower = 0.7 // a phrase's score is members × length^lengthPower
	edgeRunes   = "的了在和与及对被把将是有无请求问向为让给从等之又也都还就并而且或"
)

// zoneCode matches the anonymised district codes of real data: A市, B5县.
var zoneCode = regexp.MustCompile(`[A-Za-z][0-9]*[省市县区]`)

// problemPhrase returns the phrase that best names what the texts share.
// It looks first in the texts' first sentences (the titles, when a text is
// title。content), where a phrase must occur in a fifth of them, and then
// in their first bodySpan characters, where it must occur in 30%: with
// place names (avoid) and district codes cut out and the text split at
// punctuation, the substring found in two texts or more with the most texts times its length^0.7, without a
// function character at either end or digits, and, when all its bigrams
// are common, found minLift times more often than in all the tickets. It
// returns "" when the texts share nothing.
func problemPhrase(texts []string, shares map[string]float64, avoid []string) string {
	// Longest first, so that 幸福里小区 does not cut 江南幸福里小区 short.
	places := slices.Compact(slices.Sorted(slices.Values(avoid)))
	slices.SortStableFunc(places, func(a, b string) int { return len(b) - len(a) })
	for _, span := range []int{titleSpan, bodySpan} {
		share := bodyShare
		if span == titleSpan {
			share = titleShare
		}
		need := max(2, int(math.Ceil(share*float64(len(texts)))))
		// Substrings are counted by hash; a string is made only for those
		// that reach need.
		cf := map[uint64]int32{}
		found := map[uint64]string{}
		seen := map[uint64]bool{}
		for _, t := range texts {
			if span == titleSpan {
				if i := strings.IndexAny(t, "。\n"); i >= 0 {
					t = t[:i]
				}
			}
			clear(seen)
			for _, seg := range segments(t, places, span) {
				for i := range seg {
					h := uint64(14695981039346656037)
					for n := 1; n <= phraseMax && i+n <= len(seg); n++ {
						h ^= uint64(seg[i+n-1])
						h *= 1099511628211
						if n < phraseMin || seen[h] {
							continue
						}
						seen[h] = true
						cf[h]++
						if int(cf[h]) == need {
							found[h] = string(seg[i : i+n])
						}
					}
				}
			}
		}
		best, bestScore := "", 0.0
		for h, s := range found {
			if !clean(s) || float64(cf[h]) < minLift*corpusShare(s, shares)*float64(len(texts)) {
				continue
			}
			score := float64(cf[h]) * math.Pow(float64(len([]rune(s))), lengthPower)
			if score > bestScore || (score == bestScore && s < best) {
				best, bestScore = s, score
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
}

// segments returns the content of the first span characters of t, without
// the place names of avoid and district codes, split where they were cut
// and at punctuation.
func segments(t string, avoid []string, span int) [][]rune {
	rs := []rune(t)
	t = string(rs[:min(len(rs), span)])
	for _, a := range avoid {
		if len([]rune(a)) >= 2 {
			t = strings.ReplaceAll(t, a, "|")
		}
	}
	t = zoneCode.ReplaceAllString(t, "|")
	var out [][]rune
	for _, part := range strings.FieldsFunc(t, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) || r == '|'
	}) {
		if c := content(part); len(c) >= phraseMin {
			out = append(out, c)
		}
	}
	return out
}

// clean reports whether s can be a problem phrase: no digits or Latin
// letters, no function character at either end.
func clean(s string) bool {
	rs := []rune(s)
	for _, r := range rs {
		if r < 0x80 {
			return false
		}
	}
	return !strings.ContainsRune(edgeRunes, rs[0]) && !strings.ContainsRune(edgeRunes, rs[len(rs)-1])
}

// minLift is how many times more often than in all the tickets a phrase
// made of common bigrams must occur in an issue's tickets: 停电 in a
// power-cut issue passes, 您好 or 来电反映 does not.
const minLift = 3

// corpusShare bounds the share of all tickets that contain s: the smallest
// share of its bigrams among the common ones (shares), 0 when one of them
// is not common.
func corpusShare(s string, shares map[string]float64) float64 {
	rs := []rune(s)
	m := 1.0
	for i := 0; i+2 <= len(rs); i++ {
		v, ok := shares[string(rs[i:i+2])]
		if !ok {
			return 0
		}
		m = min(m, v)
	}
	return m
}
