package deid

import (
	"strings"
	"unicode/utf8"
)

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF
}

// givenOK reports whether r may be part of a given name.
func givenOK(r rune) bool {
	return isHan(r) && (givenSet.has(r) || !stopSet.has(r))
}

func compound(a, b rune) bool {
	if !compoundFirst.has(a) {
		return false
	}
	var buf [8]byte
	n := utf8.EncodeRune(buf[:], a)
	n += utf8.EncodeRune(buf[n:], b)
	w := string(buf[:n])
	for _, c := range compoundSurnames {
		if c == w {
			return true
		}
	}
	return false
}

// isCommonWord reports whether the runes a, b (and c) start a frequent word
// such as 周围 or 王府井.
func isCommonWord(a, b rune) bool {
	var buf [8]byte
	n := utf8.EncodeRune(buf[:], a)
	n += utf8.EncodeRune(buf[n:], b)
	return commonWordSet[string(buf[:n])]
}

// boundaryBefore reports whether the text before byte i ends a clause: the
// start, or a rune that is not a Chinese character.
func (sc *scanner) boundaryBefore(i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(sc.s[:i])
	return !isHan(r)
}

// nameBefore looks for a name that ends at byte p, where an honorific or
// (verb) a reporting verb starts: 王先生, 李建国师傅, 欧阳女士, ，张伟反映.
// A bare surname counts only before an honorific.
func (sc *scanner) nameBefore(p int, verb bool) {
	s := sc.s
	var rs [4]rune
	var pos [5]int
	pos[0] = p
	n, x := 0, p
	for n < 4 && x > 0 {
		r, sz := utf8.DecodeLastRuneInString(s[:x])
		if !isHan(r) {
			break
		}
		x -= sz
		rs[n] = r
		pos[n+1] = x
		n++
	}
	if n == 0 {
		return
	}
	// okStart: a surname starting at rs[k-1] may begin a k-rune name.
	okStart := func(k int) bool {
		if k > 1 && funcSurSet.has(rs[k-1]) {
			// 由邹龙大爷: a preposition before a shorter name.
			if !sc.boundaryBefore(pos[k]) || surnameSet.has(rs[k-2]) && !funcSurSet.has(rs[k-2]) {
				return false
			}
		}
		if verb && !sc.boundaryBefore(pos[k]) {
			return false
		}
		return true
	}
	best, score := 0, 0.0
	// Compound surnames first: 欧阳女士, 司马光先生.
	for k := 4; k >= 2; k-- {
		if n >= k && compound(rs[k-1], rs[k-2]) {
			good := true
			for g := 0; g < k-2; g++ {
				if !givenOK(rs[g]) {
					good = false
				}
			}
			if good && (!verb || k > 2 && sc.boundaryBefore(pos[k])) && !titleBefore(s, pos[k]) {
				best, score = k, 0.85
				break
			}
		}
	}
	if best == 0 && verb {
		// After a boundary only: ，张伟反映. The boundary decides the length.
		for k := 3; k >= 2; k-- {
			// A particle or preposition before the name counts as a boundary
			// (和李娜说, 听王建国说).
			atBoundary := sc.boundaryBefore(pos[k]) || n > k && (stopSet.has(rs[k]) || strings.ContainsRune("听据跟和与同", rs[k]))
			if n < k || !surnameSet.has(rs[k-1]) || !atBoundary || isCommonWord(rs[k-1], rs[k-2]) && !(k == 3 && givenSet.has(rs[0]) && rs[0] != '一') {
				continue
			}
			good := true
			for g := 0; g < k-1; g++ {
				if !givenOK(rs[g]) {
					good = false
				}
			}
			if good {
				best, score = k, 0.85
				break
			}
		}
	}
	if best == 0 && !verb {
		// A surname right before the honorific; one that is also a word
		// part (部门经理, 班主任) only after a boundary or a particle.
		if surnameSet.has(rs[0]) && !(n >= 2 && isCommonWord(rs[1], rs[0])) &&
			!(funcSurSet.has(rs[0]) && n >= 2 && !stopSet.has(rs[1])) && !strings.HasPrefix(s[pos[1]:], "班主任") {
			best, score = 1, 0.8
		}
		if n >= 2 && surnameSet.has(rs[1]) && givenOK(rs[0]) && !isCommonWord(rs[1], rs[0]) && okStart(2) {
			best, score = 2, 0.85
		}
		if n >= 3 && surnameSet.has(rs[2]) && givenOK(rs[1]) && givenOK(rs[0]) && !isCommonWord(rs[2], rs[1]) && okStart(3) &&
			(givenSet.has(rs[0]) || givenSet.has(rs[1]) || sc.boundaryBefore(pos[3]) || n >= 4 && stopSet.has(rs[3])) {
			best, score = 3, 0.85
		}
	}
	if best == 0 {
		return
	}
	if verb {
		score -= 0.15
	}
	sc.add(Person, pos[best], p, score, "name_before")
}

// nameAfter looks for a name right after a context word ending at byte q
// (我叫张伟, 联系人：李娜, 业主王先生). It returns the end of the name, or q.
func (sc *scanner) nameAfter(q int) int {
	s := sc.s
	k := q
	for steps := 0; steps < 2 && k < len(s); steps++ {
		switch {
		case s[k] == ':' || s[k] == ' ':
			k++
		case strings.HasPrefix(s[k:], "："), strings.HasPrefix(s[k:], "为"), strings.HasPrefix(s[k:], "是"), strings.HasPrefix(s[k:], "叫"):
			k += 3
		default:
			steps = 2
		}
	}
	var rs [4]rune
	var pos [5]int
	pos[0] = k
	n, x := 0, k
	for n < 4 && x < len(s) {
		r, sz := utf8.DecodeRuneInString(s[x:])
		if !isHan(r) {
			break
		}
		x += sz
		rs[n] = r
		n++
		pos[n] = x
	}
	if n == 0 {
		return q
	}
	sur := 0
	switch {
	case n >= 2 && compound(rs[0], rs[1]):
		sur = 2
	case surnameSet.has(rs[0]):
		sur = 1
	default:
		return q
	}
	given := 0
	for g := sur; g < n && g < sur+2; g++ {
		if sc.honorificAt(pos[g]) {
			break
		}
		if !givenOK(rs[g]) && !(rs[g] == '小' && (g+2 >= n || givenSet.has(rs[g+1]) || sc.verbAt(pos[g+1]))) {
			// 小 is a stop rune (小区, 小孩), but after a name cue it is a
			// given-name character when a given-name character, a verb or
			// the end of the phrase follows: 李小倩, 刘彬小，
			break
		}
		if pos[g+1] < len(s) && isUpper(s[pos[g+1]]) && provinceSet.has(rs[g]) {
			break // 桂F95200D: a plate starts here
		}
		if g == sur+1 {
			// A second given rune must look like one, or end the phrase.
			nextBoundary := g+1 >= n || sc.honorificAt(pos[g+1]) || stopSet.has(rs[g+1]) || sc.verbAt(pos[g+1])
			if !givenSet.has(rs[g]) && !nextBoundary {
				break
			}
			if sc.verbAt(pos[g]) {
				break
			}
		}
		given++
	}
	// 周围, 方便, 王府井: a word, not a name — unless a third rune that is
	// clearly a given-name character follows (汪洋霏).
	if sur == 1 && given >= 1 && isCommonWord(rs[0], rs[1]) && !(given == 2 && givenSet.has(rs[2]) && rs[2] != '一') {
		return q
	}
	if given == 0 && !sc.honorificAt(pos[sur]) {
		return q
	}
	if sur == 1 && given > 0 && funcSurSet.has(rs[0]) && !sc.nameEnds(pos[sur+given]) {
		return q // 市民常去公园, 居民向社区反映
	}
	for g := 1; g <= given; g++ {
		if placeFollows(s[pos[sur+g]:]) {
			return q // 金秋公寓, 金秋家园, 长安街: a place, not a name
		}
	}
	score := 0.85
	if given == 0 {
		score = 0.8
	}
	end := pos[sur+given]
	sc.add(Person, k, end, score, "name_after")
	return end
}

// honorificAt reports whether an honorific starts at byte i.
func (sc *scanner) honorificAt(i int) bool {
	return sc.markerAt(i, mkHonorific)
}

// verbAt reports whether a reporting verb starts at byte i.
func (sc *scanner) verbAt(i int) bool {
	return sc.markerAt(i, mkVerb)
}

func (sc *scanner) markerAt(i int, kind markerKind) bool {
	if i >= len(sc.s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(sc.s[i:])
	for _, m := range markers[r] {
		if m.kind == kind && strings.HasPrefix(sc.s[i:], m.text) {
			return true
		}
	}
	return false
}

// placeSuffixes end place and organisation names; a "name" followed by one
// is the start of a place (金秋公寓, 建设路).
var placeSuffixes = []string{"小区", "公寓", "花园", "大厦", "家园", "嘉园", "社区", "新村", "苑", "大道", "大街", "路", "街", "胡同", "巷", "村", "镇", "乡", "区", "县", "市", "省",
	"公司", "银行", "医院", "学校", "小学", "中学", "大学", "酒店", "饭店", "超市", "广场", "公园", "中心", "集团", "门口", "里"}

func placeFollows(rest string) bool {
	for _, p := range placeSuffixes {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// titleBefore reports whether a title ending in 长 stands before byte i, so
// that 长孙 there is 楼长 + 孙, not the compound surname.
func titleBefore(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r != '长' || i == 0 {
		return false
	}
	p, _ := utf8.DecodeLastRuneInString(s[:i])
	return strings.ContainsRune("楼组队院村科处局所站部校社班家市县镇乡厂店船门", p)
}

// nameEnds reports whether a name may end at byte i: at the end, before a
// character that is not Chinese, an honorific, a reporting verb, or a word
// that usually follows a name in a ticket (电话, 手机, 住, 家).
func (sc *scanner) nameEnds(i int) bool {
	if i >= len(sc.s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(sc.s[i:])
	if !isHan(r) || sc.honorificAt(i) || sc.verbAt(i) {
		return true
	}
	for _, w := range []string{"电话", "手机", "联系", "住", "家", "的", "等", "同志", "是", "在"} {
		if strings.HasPrefix(sc.s[i:], w) {
			return true
		}
	}
	return false
}
