package deid

import (
	"strings"
	"unicode/utf8"
)

// decodeAt decodes the rune at s[i:], with a fast path for the three-byte
// runes that Chinese characters are.
func decodeAt(s string, i int) (rune, int) {
	if i+2 < len(s) && s[i]&0xF0 == 0xE0 && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
		r := rune(s[i]&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
		if r >= 0x800 && (r < 0xD800 || r > 0xDFFF) {
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// decodeBefore decodes the rune that ends at s[:i], fast for three-byte
// runes.
func decodeBefore(s string, i int) (rune, int) {
	if i >= 3 {
		if r, n := decodeAt(s, i-3); n == 3 {
			return r, 3
		}
	}
	return utf8.DecodeLastRuneInString(s[:i])
}

// covered reports whether the last candidate already spans [b, e) as a
// name, so that another rule need not add it again.
func (sc *scanner) covered(b, e int) bool {
	n := len(sc.spans)
	return n > 0 && sc.spans[n-1].Type == Person && sc.spans[n-1].ByteStart <= b && e <= sc.spans[n-1].ByteEnd
}

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF
}

// givenOK reports whether r may be part of a given name.
func givenOK(r rune) bool {
	return isHan(r) && (givenSet.has(r) || !stopSet.has(r))
}

// hardStops are the stop runes that never end a given name, even before a
// verb (肖富外私自建设 ends with 外, 李明的 does not end with 的).
const hardStops = "的了是在和与及或找给叫请向跟对把被让说称讲问住家电手联反来表投报致因为所要想已也都就还又再很太非等啊吗呢吧呀某年月日号楼栋室区路街院单元层户我你您他她它这那其此该各每有无没不可能会将从到于以由往至即便并且而但却则若如虽"

// shortTitleAt reports whether the one-character title 局 or 总 starts
// at byte p: 旅游局 and 汇总 hold one too, so a bare surname before it
// needs a boundary (邓局您好) or 的.
func shortTitleAt(s string, p int) bool {
	return strings.HasPrefix(s[p:], "局") && !strings.HasPrefix(s[p:], "局长") ||
		strings.HasPrefix(s[p:], "总") && !strings.HasPrefix(s[p:], "总经理") && !strings.HasPrefix(s[p:], "总监")
}

// officeTitleAt reports whether the title at byte p is an office's
// (局长, 书记, 村长), not a polite address (女士, 大爷).
func (sc *scanner) officeTitleAt(p int) bool {
	r, _ := decodeAt(sc.s, p)
	for _, m := range markersOf(r) {
		if m.kind == mkHonorific && titlesBeforeName[m.text] && strings.HasPrefix(sc.s[p:], m.text) {
			return true
		}
	}
	return false
}

// placeTitleAt reports whether the title at byte p is one of a place's
// head (乡长, 镇长): before it, a bare surname may be the place's last
// character (官庄乡长连村).
func placeTitleAt(s string, p int) bool {
	for _, t := range []string{"乡长", "镇长", "村长"} {
		if strings.HasPrefix(s[p:], t) {
			return true
		}
	}
	return false
}

// neverSurname reports whether r, a surname in the census lists, is in
// practice a conjunction or preposition where a name could start (和, 与, 及).
func neverSurname(r rune) bool {
	return r == '和' || r == '与' || r == '及' || r == '跟' || r == '都' || r == '但' || r == '区' || r == '居'
}

// neverName reports whether a candidate name (its runes reversed, as
// nameBefore collects them) holds a rune that no given name holds.
func neverName(rev []rune) bool {
	for _, r := range rev[:len(rev)-1] {
		if nonGivenSet.has(r) {
			return true
		}
	}
	return false
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
	if !wordFirst.has(a) {
		return false
	}
	return commonPairs[uint64(a)<<32|uint64(uint32(b))]
}

// boundaryBefore reports whether the text before byte i ends a clause: the
// start, or a rune that is not a Chinese character.
func (sc *scanner) boundaryBefore(i int) bool {
	if i == 0 {
		return true
	}
	r, _ := decodeBefore(sc.s, i)
	return !isHan(r)
}

// hanBefore reads back from byte p the Chinese characters before it, at
// most four: rs[0] is the one right before p, pos[i] the byte where the
// i-th from p starts (pos[0] = p), n how many there are.
func hanBefore(s string, p int) (rs [4]rune, pos [5]int, n int) {
	pos[0] = p
	for x := p; n < 4 && x > 0; n++ {
		r, sz := decodeBefore(s, x)
		if !isHan(r) {
			break
		}
		x -= sz
		rs[n] = r
		pos[n+1] = x
	}
	return rs, pos, n
}

// nameBefore looks for a name that ends at byte p, where an honorific or
// (verb) a reporting verb starts: 王先生, 李建国师傅, 欧阳女士, ，张伟反映.
// A bare surname counts only before an honorific.
func (sc *scanner) nameBefore(p int, verb bool) {
	s := sc.s
	rs, pos, n := hanBefore(s, p)
	if n == 0 {
		return
	}
	// okStart: a surname starting at rs[k-1] may begin a k-rune name.
	okStart := func(k int) bool {
		if n > k && isCommonWord(rs[k], rs[k-1]) {
			return false // 感谢易书记, 相信王局长, 公司刘经理: the word before takes the surname
		}
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
			atBoundary := sc.boundaryBefore(pos[k]) && !(pos[k] > 0 && isAlnum(s[pos[k]-1])) || n > k && (stopSet.has(rs[k]) || strings.ContainsRune("听据跟和与同", rs[k]))
			if n < k || !surnameSet.has(rs[k-1]) || !atBoundary || isCommonWord(rs[k-1], rs[k-2]) && !(k == 3 && givenSet.has(rs[0]) && rs[0] != '一') {
				continue
			}
			if n > k && isCommonWord(rs[k], rs[k-1]) || neverSurname(rs[k-1]) || neverName(rs[:k]) {
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
		if surnameSet.has(rs[0]) && !(n >= 2 && isCommonWord(rs[1], rs[0])) && !strings.HasPrefix(s[pos[1]:], "班主任") &&
			!((rs[0] == '原' || rs[0] == '任' && n >= 2) && sc.officeTitleAt(p)) && // 原村长 (the former), 现任局长 (who serves as); 楼长任女士 is a name
			(!funcSurSet.has(rs[0]) || rs[0] != '和' && sc.boundaryBefore(pos[1]) || n >= 2 && strings.ContainsRune("的敬请望找叫让被给了是问", rs[1])) &&
			!((strings.HasPrefix(s[p:], "哥") || strings.HasPrefix(s[p:], "姐")) && strings.ContainsRune("师大表堂老小帅美", rs[0])) &&
			!(placeTitleAt(s, p) && n >= 2 && !stopSet.has(rs[1])) &&
			!(shortTitleAt(s, p) && !sc.boundaryBefore(pos[1]) && !(n >= 2 && strings.ContainsRune("的敬请望找叫让被给了是问", rs[1]))) {
			best, score = 1, 0.8
		}
		short := shortTitleAt(s, p)
		if n >= 2 && !short && surnameSet.has(rs[1]) && givenOK(rs[0]) && !isCommonWord(rs[1], rs[0]) && okStart(2) && !neverSurname(rs[1]) && !neverName(rs[:2]) {
			best, score = 2, 0.85
		}
		// 小 may end a given name right before the title (刘江小主任).
		xiao := rs[0] == '小' && n >= 3 && givenOK(rs[1]) && !stopSet.has(rs[1]) && plainSurSet.has(rs[2])
		if n >= 3 && !short && surnameSet.has(rs[2]) && givenOK(rs[1]) && (givenOK(rs[0]) || xiao) && !isCommonWord(rs[2], rs[1]) && okStart(3) && !neverSurname(rs[2]) && !neverName(rs[:3]) &&
			(xiao || givenSet.has(rs[0]) || givenSet.has(rs[1]) || sc.boundaryBefore(pos[3]) || n >= 4 && stopSet.has(rs[3])) {
			best, score = 3, 0.85
		}
	}
	if best == 0 {
		return
	}
	if best > 1 && placeTitleAt(s, p) && strings.ContainsRune("湖山岭桥村坪塘湾冲港洲铺", rs[0]) {
		return // 梅田湖镇长福村: a place, then a village
	}
	if verb {
		score -= 0.15
	}
	sc.add(Person, pos[best], p, score, "name_before")
}

// nameAfter looks for a name right after a context word ending at byte q
// (我叫张伟, 联系人：李娜, 业主王先生). It returns the end of the name, or q.
//
// A strict cue (a title or a kinship word: 法人, 老板, 主任, 儿子) also
// precedes ordinary words, so there the name must end where a name may end
// (nameEndsLoose).
func (sc *scanner) nameAfter(q int, strict bool) int {
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
		r, sz := decodeAt(s, x)
		if !isHan(r) {
			break
		}
		x += sz
		rs[n] = r
		n++
		pos[n] = x
	}
	if n == 0 || rs[0] == '何' && k >= 3 && s[k-3:k] == "为" {
		return q // 民警为何连…: 为何, not a name
	}
	if !strict && (n == 2 || n == 3) && k > q && k-q <= 3 && surnameSet.has(rs[0]) && !neverSurname(rs[0]) && !isCommonWord(rs[0], rs[1]) {
		// 举报人：杨和清　电话: a label, a colon and a run of two or three
		// characters that ends there is a name, whatever its characters.
		whole := x >= len(s) || s[x] != '*'
		for g := 1; g < n && whole; g++ {
			whole = !sc.verbAt(pos[g]) && !sc.honorificAt(pos[g])
		}
		if whole && !strings.ContainsRune(hardStops, rs[n-1]) {
			sc.add(Person, k, x, 0.85, "name_after")
			return x
		}
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
		softStop := g == sur+1 && g+1 < n && sc.verbAt(pos[g+1]) && !strings.ContainsRune(hardStops, rs[g])
		if !givenOK(rs[g]) && !softStop && !(rs[g] == '小' && (g+2 >= n || givenSet.has(rs[g+1]) || sc.verbAt(pos[g+1]) || g == sur+1 && sc.xiaoEnds(pos[g+1]))) {
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
			if !givenSet.has(rs[g]) && !nextBoundary && !(rs[g] == '小' && sc.xiaoEnds(pos[g+1])) {
				break
			}
			if sc.verbAt(pos[g]) {
				break
			}
		}
		given++
	}
	if !strict && sur == 1 && given == 1 && n >= 3 && stopSet.has(rs[2]) && !givenSet.has(rs[2]) && !sc.honorificAt(pos[2]) && !sc.verbAt(pos[2]) {
		if r, _ := utf8.DecodeRuneInString(s[pos[3]:]); pos[3] < len(s) && !isHan(r) && r != '*' {
			given = 2 // 我叫李明大，: a last given-name character that is often a particle
		}
	}
	// 周围, 方便, 王府井: a word, not a name — unless a third rune that is
	// clearly a given-name character follows (汪洋霏).
	if sur == 1 && given >= 1 && isCommonWord(rs[0], rs[1]) && !(given == 2 && givenSet.has(rs[2]) && rs[2] != '一' && !strict) {
		return q
	}
	if given == 0 && !sc.honorificAt(pos[sur]) {
		return q
	}
	if sur == 1 && (neverSurname(rs[0]) || given == 1 && rs[1] == rs[0]) {
		return q // 和老师, 迟迟
	}
	for g := sur; g < sur+given; g++ {
		if nonGivenSet.has(rs[g]) {
			return q
		}
		if numeralSet.has(rs[g]) && pos[g+1] < len(s) {
			// 管一下 (do a bit), 连源三中 (a school's number): no name.
			if r, _ := decodeAt(s, pos[g+1]); strings.ContainsRune("下中小厂队组号届", r) {
				return q
			}
		}
	}
	if strict && !sc.nameEndsLoose(pos[sur+given]) {
		return q
	}
	looseFunc := strict && given == 2 && (givenSet.has(rs[1]) || givenSet.has(rs[2])) && !strings.ContainsRune("那来查应云", rs[0]) && sc.nameEndsLoose(pos[sur+given])
	if sur == 1 && given > 0 && funcSurSet.has(rs[0]) && !sc.nameEnds(pos[sur+given]) && !looseFunc {
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
	r, _ := decodeAt(sc.s, i)
	for _, m := range markersOf(r) {
		if m.kind == kind && strings.HasPrefix(sc.s[i:], m.text) {
			return true
		}
	}
	return false
}

// placeSuffixes end place and organisation names; a "name" followed by one
// is the start of a place (金秋公寓, 建设路).
var placeSuffixes = []string{"公路", "国道", "高速", "大桥", "岭", "坪", "塘", "湾", "冲", "堆", "垸", "铺", "港", "洲", "桥", "小区", "公寓", "花园", "大厦", "家园", "嘉园", "社区", "新村", "苑", "大道", "大街", "路", "街", "胡同", "巷", "村", "镇", "乡", "区", "县", "市", "省",
	"公司", "银行", "医院", "学校", "小学", "中学", "大学", "酒店", "饭店", "超市", "广场", "公园", "中心", "集团", "门口", "里"}

// placeFirst holds the first rune of every place suffix.
var placeFirst = func() (set runeSet) {
	for _, p := range placeSuffixes {
		r, _ := utf8.DecodeRuneInString(p)
		set.add(r)
	}
	return set
}()

func placeFollows(rest string) bool {
	if r, _ := decodeAt(rest, 0); len(rest) == 0 || !placeFirst.has(r) {
		return false
	}
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
	r, _ := decodeAt(s, i)
	if r != '长' || i == 0 {
		return false
	}
	p, _ := decodeBefore(s, i)
	return strings.ContainsRune("楼组队院村科处局所站部校社班家市县镇乡厂店船门", p)
}

// nameEndsLoose is nameEnds, or a particle, or a verb that often follows a
// name named after a title (书记廖祎违规办酒, 主任汤壕答应).
func (sc *scanner) nameEndsLoose(i int) bool {
	if sc.nameEnds(i) {
		return true
	}
	r, _ := decodeAt(sc.s, i)
	return stopSet.has(r) || strings.ContainsRune("违私指答拒依带接打却就又已还没把被将亲当擅强非利同现原也患因到去拿开用买卖借欠收交回经曾系今当想能会可应自积", r)
}

// nameEnds reports whether a name may end at byte i: at the end, before a
// character that is not Chinese, an honorific, a reporting verb, or a word
// that usually follows a name in a ticket (电话, 手机, 住, 家).
func (sc *scanner) nameEnds(i int) bool {
	if i >= len(sc.s) {
		return true
	}
	r, _ := decodeAt(sc.s, i)
	if !isHan(r) {
		return true
	}
	if !triggerSet.has(r) && !strings.ContainsRune("电手联住家的等同是在", r) {
		return false // no honorific, verb or word of the list starts here
	}
	if sc.honorificAt(i) || sc.verbAt(i) {
		return true
	}
	for _, w := range []string{"电话", "手机", "联系", "住", "家", "的", "等", "同志", "是", "在"} {
		if strings.HasPrefix(sc.s[i:], w) {
			return true
		}
	}
	return false
}

// mou recognises a name already partly hidden, at the 某 of byte i: a
// surname and 某 or 某某, with perhaps one given-name character after
// (王某, 张某某, 陈某军). 某 alone before a noun (于某日, 某公司) is not one.
func (sc *scanner) mou(i int) int {
	s := sc.s
	j := i + len("某")
	if i == 0 {
		return j
	}
	r, sz := decodeBefore(s, i)
	st := i - sz
	if !surnameSet.has(r) || neverSurname(r) {
		return j
	}
	if p, psz := decodeBefore(s, st); st > 0 && isHan(p) {
		if compound(p, r) {
			st -= psz
		} else if isCommonWord(p, r) {
			return j
		}
	}
	double := strings.HasPrefix(s[j:], "某")
	if double {
		j += len("某")
	}
	next, nsz := decodeAt(s, j)
	if !double {
		if strings.ContainsRune("些种个人日天年月时处地单公部位项件次段类方样物事", next) {
			return j
		}
		if funcSurSet.has(r) && !sc.boundaryBefore(st) {
			return j
		}
	}
	end := j
	if j < len(s) && isHan(next) && givenOK(next) && !sc.honorificAt(j) && !sc.verbAt(j) && sc.nameEndsLoose(j+nsz) && !strings.HasPrefix(s[j:], "生日") {
		end = j + nsz // 陈某军
	} else if !double && !sc.nameEndsLoose(j) {
		if p, _ := decodeBefore(s, st); st > 0 && isHan(p) && !strings.ContainsRune("被由和与向对给让把将叫找", p) {
			return j // A2区某派出所; 被胡某建房 is a name
		}
	}
	sc.add(Person, st, end, 0.85, "name_masked")
	return end
}

// names completes the names found by the cues: a name found once is a
// name wherever it recurs in the text (尹林小找到廖阳述…廖阳述承认), and
// names listed after a name (陈华雄、朱峰桂) are names.
func (sc *scanner) names() {
	sc.repeatedNames()
	if !sc.person {
		return
	}
	s := sc.s
	if !cueOnly {
		sc.lengthenNames()
	}
	for k := 0; k < len(sc.spans) && k < 64; k++ {
		sp := sc.spans[k]
		if sp.Type != Person || sp.Score < DefaultMinScore {
			continue
		}
		if !cueOnly {
			sc.listBefore(sp.ByteStart)
		}
		e := sp.ByteEnd
		for steps := 0; steps < 8; steps++ {
			sep := listSep(s[e:])
			if sep == 0 {
				break
			}
			ne := sc.listedName(e + sep)
			if ne == 0 {
				break
			}
			sc.add(Person, e+sep, ne, 0.8, "name_list")
			e = ne
		}
	}
	var seenBuf [8]string
	seen := seenBuf[:0]
	m := len(sc.spans)
	for k := 0; k < m; k++ {
		sp := sc.spans[k]
		if sp.Type != Person || sp.Score < DefaultMinScore || sp.ByteEnd-sp.ByteStart < 6 {
			continue
		}
		name := s[sp.ByteStart:sp.ByteEnd]
		if slicesContains(seen, name) {
			continue
		}
		seen = append(seen, name)
		for off := 0; ; {
			j := indexName(s[off:], name)
			if j < 0 {
				break
			}
			b := off + j
			off = b + len(name)
			if b == sp.ByteStart {
				continue
			}
			score := 0.8
			covered := false
			for q := 0; q < m; q++ {
				o := sc.spans[q]
				if o.Type == Person && o.ByteStart < off && b < o.ByteEnd {
					if o.ByteStart <= b && off <= o.ByteEnd {
						covered = true
					} else {
						score = o.Score + 0.01 // 廖阳 inside 廖阳述
					}
				}
			}
			if !covered {
				sc.add(Person, b, off, score, "name_again")
			}
		}
	}
}

// lengthenNames adds its third character to a name of two found by a cue
// when the name recurs and the same character follows it every time
// (书记王海先长期…指使王海先派…由王海先垄断: the name is 王海先): a word that
// follows a name changes from one sentence to the next, a given name does
// not.
func (sc *scanner) lengthenNames() {
	s := sc.s
	m := len(sc.spans)
	for k := 0; k < m && k < 64; k++ {
		sp := sc.spans[k]
		if sp.Type != Person || sp.Score < DefaultMinScore || sp.ByteEnd-sp.ByteStart != 6 || sp.ByteEnd+3 > len(s) {
			continue
		}
		c, csz := decodeAt(s, sp.ByteEnd)
		if csz != 3 || !isHan(c) || fnSet.has(c) || nonGivenSet.has(c) || givenWeight(c) <= -30 || sc.nameEnds(sp.ByteEnd) {
			continue
		}
		name := s[sp.ByteStart:sp.ByteEnd]
		count, same := 0, true
		for off := 0; same; {
			j := indexName(s[off:], name)
			if j < 0 {
				break
			}
			e := off + j + len(name)
			count++
			if r, _ := decodeAt(s, e); e >= len(s) || r != c || placeFollows(s[e+csz:]) {
				same = false
			}
			off = e
		}
		if !same || count < 2 {
			continue
		}
		sc.add(Person, sp.ByteStart, sp.ByteEnd+csz, sp.Score+0.01, "name_lengthened")
	}
}

// listSep returns the length of the list separator rest starts with (、，
// or spaces), or 0.
func listSep(rest string) int {
	for _, p := range []string{"、", "，", ",", "　", " "} {
		if strings.HasPrefix(rest, p) {
			n := len(p)
			for {
				switch {
				case strings.HasPrefix(rest[n:], " "):
					n++
					continue
				case strings.HasPrefix(rest[n:], "　"):
					n += len("　")
					continue
				}
				break
			}
			return n
		}
	}
	return 0
}

// indexName is strings.Index for a name of Chinese characters: it looks
// for the name's third byte, a continuation byte far rarer in Chinese text
// than the lead bytes strings.Index would scan for.
func indexName(s, name string) int {
	if len(name) < 3 {
		return strings.Index(s, name)
	}
	c := name[2]
	for i := 2; i < len(s); {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return -1
		}
		if k := i + j - 2; strings.HasPrefix(s[k:], name) {
			return k
		}
		i += j + 1
	}
	return -1
}

func slicesContains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// listedName reads a name of two or three runes at byte i that a list
// separator, a clause end or 等 closes; it returns its end, or 0.
func (sc *scanner) listedName(i int) int {
	s := sc.s
	r, sz := decodeAt(s, i)
	if !surnameSet.has(r) || neverSurname(r) || funcSurSet.has(r) && !sc.honorificAt(i+sz) {
		return 0
	}
	e := i + sz
	for g := 0; g < 2 && e < len(s); g++ {
		c, csz := decodeAt(s, e)
		if !isHan(c) || !givenOK(c) || nonGivenSet.has(c) || g == 0 && isCommonWord(r, c) {
			break
		}
		e += csz
		if g == 0 && e < len(s) {
			if n, _ := decodeAt(s, e); !isHan(n) || n == '等' {
				break
			}
		}
	}
	if e == i+sz {
		return 0
	}
	if e < len(s) {
		if c, _ := decodeAt(s, e); isHan(c) && c != '等' && !sc.honorificAt(e) {
			return 0
		}
	}
	return e
}

// nameClosers are the punctuation marks that close a name written without
// a cue (…，肖求细（轻伤）, 陈刚赵、刘林冬): before one, a three-character name
// is read when it looks like one (nameBeforeMark).
const nameClosers = "，、。；（）：等"

// roleEnds end the role and organisation words that a name written
// without a cue often follows (网络公司何淋等, 队长杨诚，, 书记刘永、).
const roleEnds = "司局队所办院组部处科站委长记任员师书"

// shortNameBeforeMark looks for a two-character name that ends at byte p
// before a punctuation mark and follows a role or an organisation word:
// a plain surname and a frequent given-name character.
func (sc *scanner) shortNameBeforeMark(p int) {
	s := sc.s
	if p < 9 {
		return
	}
	g, gsz := decodeBefore(s, p)
	if !givenSet.has(g) || nonGivenSet.has(g) {
		return
	}
	r, rsz := decodeBefore(s, p-gsz)
	if !plainSurSet.has(r) || isCommonWord(r, g) {
		return
	}
	b := p - gsz - rsz
	q, _ := decodeBefore(s, b)
	if b > 0 && !isHan(q) && !isAlnum(s[b-1]) {
		// ，刘永，: a clause of its own, a plain surname and a given name.
	} else if !strings.ContainsRune(roleEnds, q) || isCommonWord(q, r) {
		return
	}
	sc.add(Person, b, p, 0.7, "name_mark")
}

// nameBeforeMark looks for a name of three characters, with no cue, that
// ends at byte p before a punctuation mark: a surname after a clause
// boundary or a particle, and two characters that are frequent in given
// names (or one, and another that could be one). Two-character names need
// a cue, as they are too often words.
func (sc *scanner) name3BeforeMark(p int) bool {
	s := sc.s
	if p < 9 {
		return false
	}
	if sc.covered(p-3, p) {
		return false // 陈刚赵、: found already
	}
	if r, _ := decodeAt(s, p-9); !surnameSet.has(r) {
		return false // the rune three characters back is not a surname (most often)
	}
	rs, pos, n := hanBefore(s, p)
	if n < 3 || !surnameSet.has(rs[2]) || neverSurname(rs[2]) || funcSurSet.has(rs[2]) {
		return false
	}
	if n == 3 && pos[3] > 0 && isAlnum(s[pos[3]-1]) {
		return false // 8元一天
	}
	if n == 4 && !stopSet.has(rs[3]) && !surnameSet.has(rs[3]) {
		// 村民陈桃梓, 是邓军建: a particle or a role word before; 阳光社区 is not.
		if !strings.ContainsRune("民人长记任员师书管主妻夫弟兄姐妹哥爸爷婆叔舅姨", rs[3]) {
			return false
		}
	}
	if n == 4 && surnameSet.has(rs[3]) && !stopSet.has(rs[3]) {
		return false // a four-character run: a word or a place
	}
	g1, g2 := rs[1], rs[0]
	if n == 4 && (rs[3] == '不' || isCommonWord(rs[3], rs[2])) || g1 == '家' || g2 == '家' {
		return false // 不许建, 其余股, 蒋家冲
	}
	if !givenOK(g1) || !givenOK(g2) || nonGivenSet.has(g1) || nonGivenSet.has(g2) || isCommonWord(rs[2], g1) || isCommonWord(g1, g2) || givenPairWord(g1, g2) {
		return false
	}
	if !(givenSet.has(g1) && givenSet.has(g2)) && !((givenSet.has(g1) || givenSet.has(g2)) && (n == 3 || stopSet.has(rs[3])) && plainSurSet.has(rs[2])) {
		return false // one frequent given-name character is enough after a clause boundary (，唐军送，)
	}
	if placeFollows(s[p:]) || strings.ContainsRune("桥观村庄湾坪岭塘冲港洲铺镇乡寺庙店场厂园院", g2) || rs[2] == '楚' {
		return false // 易家桥, 阳山观: a place
	}
	sc.add(Person, pos[3], p, 0.7, "name_mark")
	return true
}

// nameBeforeMark reads a name without a cue that ends at byte p before a
// punctuation mark: three characters (name3BeforeMark), or two after a
// role or an organisation word (shortNameBeforeMark).
func (sc *scanner) nameBeforeMark(p int) {
	if p < 6 {
		return
	}
	if r, _ := decodeBefore(sc.s, p); !isHan(r) || !givenOK(r) || nonGivenSet.has(r) || sc.covered(p-3, p) {
		return // most marks follow a particle or a word's end
	}
	if !sc.name3BeforeMark(p) {
		sc.shortNameBeforeMark(p)
	}
}

// bareName reads a name with no cue at all at byte i, where a plain
// surname stands (罗斌华经营, 开发商朱文德信誓旦旦): three characters whose
// two last are both frequent in given names, that are not a word with what
// stands before or after them and not the start of a place (黄兴新村). It
// returns the end of the name, or i.
func (sc *scanner) bareName(i, size int, sur rune) int {
	s := sc.s
	j := i + size
	g1, sz1 := decodeAt(s, j)
	if !givenSet.has(g1) || nonGivenSet.has(g1) || isCommonWord(sur, g1) || g1 == '家' {
		return i // 杨家山: a place
	}
	g2, sz2 := decodeAt(s, j+sz1)
	if g2 == '小' && sc.xiaoEnds(j+sz1+sz2) {
		// 许华小叫他: 小 ends the name before a verb or a particle.
	} else if !givenSet.has(g2) || nonGivenSet.has(g2) || isCommonWord(g1, g2) || g2 == '一' || givenPairWord(g1, g2) {
		return i // 伸张正义: a word of given-name characters
	}
	e := j + sz1 + sz2
	if e < len(s) {
		next, _ := decodeAt(s, e)
		if next == g2 || isCommonWord(g2, next) || placeFollows(s[e:]) || strings.ContainsRune("桥观村庄湾坪岭塘冲港洲铺寺庙店场厂园院区县市镇乡矿", next) {
			return i
		}
	}
	if i > 0 {
		prev, _ := decodeBefore(s, i)
		if isHan(prev) && (isCommonWord(prev, sur) || prev == sur) {
			return i
		}
	}
	sc.add(Person, i, e, 0.6, "name_bare")
	return e
}

// amountAt reports whether an amount of money starts at byte i: digits,
// perhaps a decimal part, then 元, 万 or 块.
func amountAt(s string, i int) bool {
	j := i
	for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == ',') {
		j++
	}
	return j > i && (strings.HasPrefix(s[j:], "元") || strings.HasPrefix(s[j:], "万") || strings.HasPrefix(s[j:], "块"))
}

// amountNameEnds are the runes that end a word, not a name, before an
// amount (共计5000元, 每亩1000元, 工资的3000元).
const amountNameEnds = "的了是在等共各每约计额款费价钱资金租税息薪卡票斤"

// nameBeforeAmount reads a name with no cue that ends at byte i, where an
// amount starts, in a list of people and sums (，郭香春10000元，欧阳岳明
// 12000元): after a clause boundary or a role word, a plain or a compound
// surname and one or two characters that are not a word's end.
func (sc *scanner) nameBeforeAmount(i int) {
	s := sc.s
	if !amountAt(s, i) {
		return
	}
	rs, pos, n := hanBefore(s, i)
	if n < 2 || strings.ContainsRune(amountNameEnds, rs[0]) || nonGivenSet.has(rs[0]) {
		return
	}
	// k: the name's length in runes, read back to a boundary or a role word.
	for k := min(n, 4); k >= 2; k-- {
		sur := 1
		if compound(rs[k-1], rs[k-2]) {
			sur = 2
		}
		if k-sur < 1 || k-sur > 2 || sur == 1 && (!surnameSet.has(rs[k-1]) || funcSurSet.has(rs[k-1]) || neverSurname(rs[k-1]) || isCommonWord(rs[k-1], rs[k-2])) {
			continue
		}
		prev, _ := decodeBefore(s, pos[k])
		before := sc.boundaryBefore(pos[k]) && !(pos[k] > 0 && isAlnum(s[pos[k]-1])) || strings.ContainsRune(roleEnds+"组", prev)
		if !before {
			continue
		}
		// One given-name character at least looks like one (毕竟, 包工).
		good, likely := true, 0
		for g := 0; g < k-sur; g++ {
			if nonGivenSet.has(rs[g]) || g > 0 && !givenOK(rs[g]) {
				good = false
			}
			if givenSet.has(rs[g]) {
				likely++
			}
		}
		if good && likely > 0 {
			sc.add(Person, pos[k], i, 0.75, "name_amount")
		}
		return
	}
}

// xiaoWords are the runes that make a word with a 小 before them (小区,
// 小学, 小孩, 小时): there 小 does not end a name.
const xiaoWords = "区学孩组时姐伙子朋商店卖吃型车额微事心镇城屋院巷路道街河山村队部班年月字便说"

// xiaoEnds reports whether a name whose last character is 小 may end at
// byte e, right after the 小 (许华小叫他挖, 刘兵小积极要求): at a text
// or clause end, or before a verb or a particle that is no word with 小.
func (sc *scanner) xiaoEnds(e int) bool {
	if e >= len(sc.s) {
		return true
	}
	r, _ := decodeAt(sc.s, e)
	if !isHan(r) {
		return r != '*'
	}
	return !strings.ContainsRune(xiaoWords, r) && sc.nameEndsLoose(e)
}

// placeEnds are the last characters of place names that look like given
// names (梅溪湖, 白沙湾, 牛角坝).
const placeEnds = "桥观村庄湾坪岭塘冲港洲铺寺庙店场厂园院区县市镇乡矿湖河江山城宫堆坝垸圩溪线站楼"

// clauseOpeners are the full-width marks besides nameClosers after which
// a clause opens (！？ and the full-width space).
const clauseOpeners = "！？　“《"

// wordEnds end words more often than names (龙溪中学, 普惠性, 曾氏家族).
const wordEnds = "中学性氏方富空本地基卡亭沙水泥"

// repeatedNames reads the names with no cue that a letter repeats: three
// characters that open a clause (after a punctuation mark), look like a
// surname and a given name, and recur in the text (，骆洪浪来我家，骆洪浪
// 对他说). A word repeats too, but seldom one made of given-name
// characters; the other occurrences are found by names.
func (sc *scanner) repeatedNames() {
	s := sc.s
	if len(s) < 36 {
		return
	}
	for k := 0; k < sc.nOpens; k++ {
		i := int(sc.opens[k])
		r, sz := decodeAt(s, i)
		if neverSurname(r) || sc.coveredAt(i) {
			continue
		}
		g1, sz1 := decodeAt(s, i+sz)
		g2, sz2 := decodeAt(s, i+sz+sz1)
		if !isHan(g1) || !isHan(g2) || !givenOK(g1) || !givenOK(g2) || nonGivenSet.has(g1) || nonGivenSet.has(g2) ||
			!(givenSet.has(g1) || givenSet.has(g2)) || isCommonWord(r, g1) || isCommonWord(g1, g2) ||
			strings.ContainsRune(placeEnds, g2) || g1 == '家' {
			continue
		}
		e := i + sz + sz1 + sz2
		if e < len(s) {
			if n, _ := decodeAt(s, e); isHan(n) && (n == g2 || isCommonWord(g2, n) || placeFollows(s[e:]) || strings.ContainsRune(placeEnds, n)) {
				continue
			}
		}
		if strings.ContainsRune(wordEnds, g2) {
			continue
		}
		// The name recurs, and ends as a name at least once: a word (龙溪中学,
		// 金山水泥) goes on the same way every time.
		name, count, ends := s[i:e], 1, sc.nameEndsLoose(e)
		for off := e; ; {
			j := indexName(s[off:], name)
			if j < 0 {
				break
			}
			count++
			off += j + len(name)
			ends = ends || sc.nameEndsLoose(off)
		}
		// A surname that also starts words (万, 陆, 包) needs two frequent
		// given-name characters or a third occurrence.
		if count < 2 || !ends || !plainSurSet.has(r) && !(givenSet.has(g1) && givenSet.has(g2)) && count < 3 {
			continue
		}
		sc.add(Person, i, e, 0.7, "name_repeated")
	}
}

// coveredAt reports whether a name candidate already starts at byte i.
func (sc *scanner) coveredAt(i int) bool {
	for _, sp := range sc.spans {
		if sp.Type == Person && sp.ByteStart <= i && i < sp.ByteEnd {
			return true
		}
	}
	return false
}
