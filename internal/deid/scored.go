package deid

import "strings"

// Names with no cue word (陈凡课、朱斌岳、敖希耐, 我村苏秀元利用职权) are read by
// a score: how likely the surname is (its rank in the census list), how
// much its next characters look like a given name (givenWeights, learned
// from the names the cues find in the development file), and what stands
// on either side (a boundary, a list of names, a role word, a verb, an
// amount, the sex). The parts are in tenths of a log-odds, summed and
// compared with a threshold tuned on the gold set's dev split and
// names_dev2; words that are never names (公平, 繁荣昌盛, places, offices)
// are left by pattern.

// cueOnly turns scoredName and the rules built on it (listBefore,
// lengthenNames) off, for learning its weights from the names the cues
// alone find (TestGenNamesStats).
var cueOnly bool

// surnameWeight is the part of the surname: a frequent one weighs more, one
// that is also a function word or a word's first character less.
func surnameWeight(r rune) int {
	w := -4
	switch {
	case !surnameSet.has(r):
		return -100
	case top100Sur.has(r):
		w = 10
	case top250Sur.has(r):
		w = 4
	}
	if funcSurSet.has(r) {
		w -= 16
	}
	return w
}

// top100Sur and top250Sur hold the 100 and the 250 most frequent surnames.
var top100Sur, top250Sur runeSet

// initScored fills scoredName's tables; tables.go's init calls it last,
// once the sets it reads are filled.
func initScored() {
	fnSet.addAll(fnChars)
	roleSet.addAll(roleChars)
	leadSet.addAll(leadChars)
	placeEndSet.addAll(placeEnds)
	orgSet.addAll(orgEnds)
	for r := range givenTable {
		givenTable[r] = givenPrior(rune(r))
	}
	k := 0
	for _, r := range singleSurnames {
		if k < 100 {
			top100Sur.add(r)
		}
		if k < 250 {
			top250Sur.add(r)
		}
		k++
	}
}

// givenWeight is the part of a character of the given name: its weight
// learned from the names of the development file (givenWeights), else a
// prior from the hand lists. givenTable holds them all, one look-up.
func givenWeight(r rune) int {
	if r < 0 || r >= 1<<16 {
		return -100
	}
	return int(givenTable[r])
}

var givenTable [1 << 16]int8

func givenPrior(r rune) int8 {
	if !isHan(r) {
		return -100
	}
	if nonGivenSet.has(r) {
		return -40
	}
	if numeralSet.has(r) || r == '两' {
		return -100 // 唐杏两个人, 王鸣二
	}
	if fnSet.has(r) {
		return -35
	}
	if w, ok := givenWeights[r]; ok {
		return w
	}
	switch {
	case givenSet.has(r):
		return 15
	case stopSet.has(r):
		return -8
	}
	return -6
}

// fnChars are the function words among the stop runes: no given name
// holds them, and a name often ends before one.
const fnChars = "既曾的了是在和与及或给叫请向跟对把被让说称讲问也都就还又再很太等啊吗呢吧呀某我你您他她它这那其此该各每有无没不可能会将从到于以由往至即便并且而但却则若如虽"

// roleChars end the words for people and their roles that a name follows
// with no cue of its own (干部钟临风, 其妻张玲小, 我村苏秀元, 村长周松基).
const roleChars = "司局队所办院组部处科站委长记任员师书民人妻夫婶兄姐妹哥弟儿女爸妈爷奶叔舅姨村兵商户"

// leadChars are the prepositions and verbs a name follows (叫王某, 找刘明,
// 告诉李娜, 和张伟).
const leadChars = "叫让找诉给向被由和与跟同对及将把请派自年月日号"

// orgEnds end the names of offices and businesses (武阳支局, 蓝田司法所).
const orgEnds = "局所院厂站委办队处科司室"

var fnSet, roleSet, leadSet, placeEndSet, orgSet runeSet

// scoredNameThreshold is the sum a name of three characters needs;
// scoredName2Threshold one of two (which are more often words).
const (
	scoredNameThreshold  = 30
	scoredName2Threshold = 55
)

// leftWeight is the part of what stands before byte i, where the surname
// starts; ok is false when it makes a word with the surname (周围的).
func (sc *scanner) leftWeight(i int, sur rune) (w int, ok bool) {
	s := sc.s
	if i == 0 {
		return 10, true
	}
	p, _ := decodeBefore(s, i)
	if !isHan(p) {
		switch {
		case isAlnum(s[i-1]):
			return -10, true
		case p == '*':
			return -100, false
		case sc.listAfterName(i):
			return 18, true // 钟临风、陈凡课、敖希耐: one more of a list of names
		case sc.roleLabelBefore(i):
			return 18, true // 村支书:刘科发: a role and a colon
		}
		return 10, true
	}
	if p == sur || isCommonWord(p, sur) || compound(p, sur) {
		return 0, false // 周围; 司马岚婷 is read from 司
	}
	switch {
	case roleSet.has(p):
		return 6, true
	case leadSet.has(p):
		return 4, true
	}
	return -20, true
}

// roleLabelBefore reports whether a colon ends at byte i after a word for
// a role or an office (村支书:, 同大公司：).
func (sc *scanner) roleLabelBefore(i int) bool {
	s := sc.s
	b := i
	switch {
	case b >= 3 && s[b-3:b] == "：":
		b -= 3
	case b > 0 && s[b-1] == ':':
		b--
	default:
		return false
	}
	p, _ := decodeBefore(s, b)
	return b > 0 && (roleSet.has(p) || orgSet.has(p))
}

// listAfterName reports whether a list separator (、，or spaces) ends at
// byte i and a name found already ends right before it.
func (sc *scanner) listAfterName(i int) bool {
	s := sc.s
	b := i
	for b > 0 && s[b-1] == ' ' {
		b--
	}
	switch {
	case b >= 3 && (s[b-3:b] == "、" || s[b-3:b] == "，" || s[b-3:b] == "　"):
		b -= 3
	case b > 0 && s[b-1] == ',':
		b--
	case b == i:
		return false
	}
	for k := len(sc.spans) - 1; k >= 0 && k >= len(sc.spans)-4; k-- {
		if sp := sc.spans[k]; sp.Type == Person && sp.ByteEnd == b && sp.Score >= DefaultMinScore {
			return true
		}
	}
	return false
}

// rightWeight is the part of what follows the name at byte e (last, the
// name's last character); ok is false when the name goes on as a place or
// a word (周家村, 刘海峰 is not 刘海).
func (sc *scanner) rightWeight(e int, last rune) (w int, ok bool) {
	s := sc.s
	if e == sc.listEnd && e > 0 {
		return 18, true // 钟临风、陈凡课: a name before a list of names
	}
	if e >= len(s) {
		return 10, true
	}
	n, _ := decodeAt(s, e)
	if !isHan(n) {
		switch {
		case genderAfter(s[e:]):
			return 20, true // 聂后，男，汉族: a person described
		case n == '*':
			return 0, false
		case amountAt(s, e):
			return 8, true
		case isAlnum(s[e]):
			return -6, true
		}
		return 10, true
	}
	if n == last || isCommonWord(last, n) || placeFollows(s[e:]) || placeEndSet.has(n) || n == '组' {
		return 0, false
	}
	switch {
	case n == '等':
		return 8, true
	case orgSet.has(n) && !strings.HasPrefix(s[e+3:], "长"):
		return 0, false // 武阳支局: an office's name (X所长 is a title)
	case sc.honorificAt(e) || sc.verbAt(e):
		return 6, true
	case givenWeight(n) >= 15:
		return -15, true // 陈娥 before 月: the name goes on
	case fnSet.has(n) || sc.nameEnds(e):
		return 3, true
	}
	return -8, true
}

// recurs reports whether name occurs twice in s at least.
func recurs(s, name string) bool {
	j := indexName(s, name)
	return j >= 0 && indexName(s[j+len(name):], name) >= 0
}

// genderAfter reports whether rest opens with a comma (or 、 or a
// parenthesis) and the sex of a person described: ，男，/（女）.
func genderAfter(rest string) bool {
	for _, p := range []string{"，", ",", "（", "(", "、"} {
		if strings.HasPrefix(rest, p) {
			rest = rest[len(p):]
			if strings.HasPrefix(rest, "男") || strings.HasPrefix(rest, "女") {
				r, _ := decodeAt(rest, 3)
				return len(rest) == 3 || !isHan(r) || strings.HasPrefix(rest[3:], "性")
			}
			return false
		}
	}
	return false
}

// scoredName scores the names of two and three characters (a compound
// surname and one or two more) that start at byte i, where the surname sur
// of size bytes stands, and adds the best one that reaches its threshold.
func (sc *scanner) scoredName(i, size int, sur rune) {
	s := sc.s
	if i+size+3 > len(s) {
		return
	}
	// Most surname characters start a word: the next character tells, and
	// what stands before. The bound is the most the rest could add.
	if neverSurname(sur) {
		return
	}
	first, fsz := decodeAt(s, i+size)
	if fsz != 3 {
		return
	}
	g := givenWeight(first)
	single := !compoundFirst.has(sur)
	if single && g <= -30 {
		return
	}
	lw, ok := sc.leftWeight(i, sur)
	if !ok || single && lw < 6 && g < 0 {
		return // inside a run of characters, a name needs given-name characters
	}
	if single && lw < 0 && i+size+6 <= len(s) {
		// There only three characters can reach the threshold, both given
		// ones looking like one.
		if r, sz := decodeAt(s, i+size+3); sz != 3 || givenWeight(r) < 0 {
			return
		}
	}
	var rs [3]rune
	var pos [4]int
	pos[0] = i + size
	n := 0
	for x := i + size; n < 3 && x < len(s); n++ {
		r, sz := decodeAt(s, x)
		if !isHan(r) {
			break
		}
		rs[n] = r
		x += sz
		pos[n+1] = x
	}
	if n == 0 {
		return
	}
	sw := 0
	given := rs[:n]
	gpos := pos[:n+1]
	if n >= 2 && compound(sur, rs[0]) {
		sw = 15
		given, gpos = rs[1:n], pos[1:n+1]
	} else {
		if isCommonWord(sur, rs[0]) {
			return
		}
		sw = surnameWeight(sur)
	}
	if len(given) == 0 || sw < -20 {
		return
	}
	// k: the given name's length; a part of it never holds an honorific,
	// a verb or a word that follows names (黎局长, 王明说, 王丽住).
	maxK := min(2, len(given))
	for g := 0; g < maxK; g++ {
		if sc.nameEnds(gpos[g]) {
			maxK = g
		}
	}
	best, bestEnd := -1000, 0
	for k := maxK; k >= 1; k-- {
		t := sw + lw
		weak := false
		for g := 0; g < k; g++ {
			w := givenWeight(given[g])
			t += w
			weak = weak || w < 0
		}
		if k == 2 && isCommonWord(given[0], given[1]) {
			continue
		}
		if placeEndSet.has(given[k-1]) || orgSet.has(given[k-1]) || given[k-1] == '组' || given[k-1] == '家' {
			continue // 白鹤山, 武功山: a place; 纪检室: an office; 王丽家: her home
		}
		if t+10 < scoredNameThreshold-20 || weak && lw < 6 {
			continue // short of the lowest threshold whatever follows
		}
		rw, ok := sc.rightWeight(gpos[k], given[k-1])
		if !ok {
			continue
		}
		if weak && (lw < 6 || rw < 3) || k == 1 && rw < 3 {
			continue // a character seldom in names, or a short name, needs a clear side
		}
		t += rw
		th := scoredNameThreshold
		if k == 1 && sw != 15 {
			th = scoredName2Threshold
		}
		if rw < 0 {
			th += 10 // the name runs on into a word: 战友增添, 蓝田建筑
		}
		if lw < 0 {
			th += 10 // a word runs on into the name: 东江德福人家
		}
		if lw == 18 && rw >= 8 || rw == 18 && lw >= 6 || rw == 20 && lw >= 6 {
			th -= 20 // in a list of names (刘生应，刘元济，) or before the sex (，梁希葵，女，)
		}
		if t < th && t+10 >= th && k == 2 && recurs(s, s[i:gpos[k]]) {
			t += 10 // the letter names the person again (桑显瑛到…自桑显瑛)
		}
		if t >= th {
			if sw != 15 && givenPairWord(sur, given[0]) || k == 2 && givenPairWord(given[0], given[1]) {
				continue // 公平, 伸张正义: a word
			}
			best, bestEnd = t-th, gpos[k]
			break // the longer reading first
		}
	}
	if bestEnd == 0 {
		return
	}
	score := min(0.6+float64(best)/200, 0.8)
	if best >= 20 && bestEnd-i >= 9 {
		score = 0.86 // over a shorter reading by a cue (支部书记王海先长期)
	}
	sc.add(Person, i, bestEnd, score, "name_scored")
}

// givenPairWords are ordinary words made of characters frequent in given
// names: after a surname they are the rest of a phrase (伸张正义, 爱党爱国,
// 繁荣昌盛), not a given name.
var givenPairWords = strings.Fields(`
正义 爱国 昌盛 意义 培训 清楚 平等 公平 明白 文明 建设 发展 和平 光明 安全 幸福 美丽 永远 兴旺 繁荣
国家 人民 群众 干部 工作 生活 社会 经济 文化 教育 卫生 健康 环境 保护 管理 服务 政府 政策 民生 民主
恋爱 利润 阳光 中学 小学 大学 学校 建国 荣誉 荣耀 英明 英雄 成功 成长 成立 成绩 立即 立刻 东西 南北 春节 春天 秋天 冬天 天天 明天 今天
`)

var givenPairSet = func() map[[2]rune]bool {
	m := map[[2]rune]bool{}
	for _, w := range givenPairWords {
		r := []rune(w)
		m[[2]rune{r[0], r[1]}] = true
	}
	return m
}()

func givenPairWord(a, b rune) bool { return givenPairSet[[2]rune{a, b}] }

// listBefore reads, with scoredName, a name that ends before the list
// separator in front of the name found at byte b (钟临风、陈凡课: the list
// goes on backwards).
func (sc *scanner) listBefore(b int) {
	s := sc.s
	e := b
	for e > 0 && s[e-1] == ' ' {
		e--
	}
	switch {
	case e >= 3 && (s[e-3:e] == "、" || s[e-3:e] == "，" || s[e-3:e] == "　"):
		e -= 3
	case e > 0 && s[e-1] == ',':
		e--
	default:
		return
	}
	sc.listEnd = e
	defer func() { sc.listEnd = 0 }()
	for k := 3; k >= 2; k-- {
		i := e - 3*k
		if i < 0 || sc.coveredAt(i) || sc.coveredAt(e-3) {
			continue
		}
		if r, sz := decodeAt(s, i); sz == 3 && surnameSet.has(r) {
			n := len(sc.spans)
			sc.scoredName(i, sz, r)
			if len(sc.spans) > n {
				return
			}
		}
	}
}
