package linkage

// JaroWinkler returns the Jaro–Winkler similarity of a and b, rune by rune,
// in [0, 1] (prefix scale 0.1, prefix up to 4 runes; matching window at
// least one rune). Two empty strings give 1.
func JaroWinkler(a, b string) float64 {
	var ab, bb [32]rune
	ra, rb := toRunes(a, ab[:0]), toRunes(b, bb[:0])
	return jaroWinkler(ra, rb)
}

func toRunes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

func jaroWinkler(a, b []rune) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	// The matching window is at least 1, not 0 as the textbook formula
	// gives for strings of three runes or fewer: Chinese names are that
	// short, and two swapped characters (张明伟 for 张伟明) must match.
	window := max(len(b)/2-1, 1)
	var ma, mb [64]bool
	var fa, fb []bool
	if len(b) <= 64 {
		fa, fb = ma[:len(a)], mb[:len(b)]
	} else {
		fa, fb = make([]bool, len(a)), make([]bool, len(b))
	}
	m := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if !fb[j] && b[j] == r {
				fa[i], fb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := range a {
		if !fa[i] {
			continue
		}
		for !fb[j] {
			j++
		}
		if a[i] != b[j] {
			t++
		}
		j++
	}
	fm := float64(m)
	jaro := (fm/float64(len(a)) + fm/float64(len(b)) + (fm-float64(t)/2)/fm) / 3
	p := 0
	for p < len(a) && p < 4 && a[p] == b[p] {
		p++
	}
	return jaro + float64(p)*0.1*(1-jaro)
}

// OneEdit reports whether a and b, of the same length, differ by exactly
// one substituted byte or one transposition of adjacent bytes — the two
// common typing errors in an 18-character ID number.
func OneEdit(a, b string) bool {
	if len(a) != len(b) || a == b {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if a[i+1:] == b[i+1:] {
		return true // one substitution
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// dateNear reports whether two yyyymmdd dates differ in one of year, month
// and day only, or by day and month swapped.
func dateNear(a, b int32) bool {
	ya, ma, da := a/10000, a/100%100, a%100
	yb, mb, db := b/10000, b/100%100, b%100
	same := 0
	if ya == yb {
		same++
	}
	if ma == mb {
		same++
	}
	if da == db {
		same++
	}
	return same == 2 || (ya == yb && ma == db && da == mb)
}
