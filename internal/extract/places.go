package extract

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/text"
)

// PlaceFinder finds places in text: the areas of a registry (by full and
// short name), residential compounds, roads, buildings and district-style
// codes. Build one per registry with NewPlaceFinder; it is safe for
// concurrent use.
type PlaceFinder struct {
	lex    *lexicon
	values []string // registry code of each lexicon word
	scores []float64
	types  []EntityType
}

// KnownPlace is a named place the registry knows beside its areas: a
// residential compound or a road, with the other names people use for it.
type KnownPlace struct {
	Name    string
	Aliases []string
	Code    string // the Value of its mentions; Name when empty
}

// PlaceOption adds names to a PlaceFinder.
type PlaceOption func(*placeNames)

type placeNames struct{ compounds, roads []KnownPlace }

// WithCompounds adds known residential compounds (小区) and their aliases,
// found as COMPOUND with Value the compound's code or name.
func WithCompounds(ps ...KnownPlace) PlaceOption {
	return func(n *placeNames) { n.compounds = append(n.compounds, ps...) }
}

// WithRoads adds known roads and their aliases, found as ROAD.
func WithRoads(ps ...KnownPlace) PlaceOption {
	return func(n *placeNames) { n.roads = append(n.roads, ps...) }
}

// registrySuffixes are cut from registry names to get the short forms people
// say: 南苑社区 ↔ 南苑, 清河湾街道 ↔ 清河湾.
var registrySuffixes = []string{"社区居委会", "居委会", "社区", "街道办事处", "街道办", "街道", "网格", "村委会", "村"}

// NewPlaceFinder returns a finder for the areas of a registry: a street
// (街道, 镇, 乡) is found as TOWN, a community and a grid as COMMUNITY (a
// grid is a part of a community, the level below it that people name),
// with Value the registry code. Options add known compounds and roads.
func NewPlaceFinder(areas core.Areas, opts ...PlaceOption) *PlaceFinder {
	pf := &PlaceFinder{}
	var words []string
	word := func(w, code string, typ EntityType, score float64) {
		words = append(words, w)
		pf.values = append(pf.values, code)
		pf.scores = append(pf.scores, score)
		pf.types = append(pf.types, typ)
	}
	add := func(name, code string, typ EntityType, sufs []string) {
		name = strings.TrimSpace(name)
		if name == "" {
			return
		}
		word(name, code, typ, 0.95)
		for _, suf := range sufs {
			if short, ok := strings.CutSuffix(name, suf); ok && len([]rune(short)) >= 2 {
				word(short, code, typ, 0.75)
				break
			}
		}
	}
	for _, s := range areas.Streets {
		typ := Community
		if strings.Contains(s.Name, "街道") || strings.HasSuffix(s.Name, "镇") || strings.HasSuffix(s.Name, "乡") {
			typ = Town
		}
		add(s.Name, s.Code, typ, registrySuffixes)
	}
	for _, c := range areas.Communities {
		add(c.Name, c.Code, Community, registrySuffixes)
	}
	for _, g := range areas.Grids {
		add(g.Name, g.Code, Community, registrySuffixes)
	}
	var n placeNames
	for _, o := range opts {
		o(&n)
	}
	for _, k := range [...]struct {
		ps  []KnownPlace
		typ EntityType
	}{{n.compounds, Compound}, {n.roads, Road}} {
		for _, p := range k.ps {
			code := cmp.Or(p.Code, strings.TrimSpace(p.Name))
			add(p.Name, code, k.typ, []string{"小区"})
			for _, a := range p.Aliases {
				if a = strings.TrimSpace(a); a != "" {
					word(a, code, k.typ, 0.9)
				}
			}
		}
	}
	pf.lex = newLexicon(words)
	return pf
}

// placeCache keeps the finder of the last registry Places was called with,
// recognised by its slices' identity, so that repeated calls with the same
// core.Areas do not rebuild the lexicon.
var placeCache struct {
	sync.Mutex
	key areasKey
	pf  *PlaceFinder
}

type areasKey struct {
	s      *core.Street
	c      *core.Community
	g      *core.Grid
	n1, n2 int
	n3     int
}

func keyOf(a core.Areas) areasKey {
	k := areasKey{n1: len(a.Streets), n2: len(a.Communities), n3: len(a.Grids)}
	if len(a.Streets) > 0 {
		k.s = &a.Streets[0]
	}
	if len(a.Communities) > 0 {
		k.c = &a.Communities[0]
	}
	if len(a.Grids) > 0 {
		k.g = &a.Grids[0]
	}
	return k
}

// Places returns the places of text (see PlaceFinder.Find). It caches the
// finder of the last registry; callers that switch registries often should
// keep their own PlaceFinder. The registry must not be modified in place
// between calls.
func Places(text string, areas core.Areas) []Entity {
	k := keyOf(areas)
	placeCache.Lock()
	pf := placeCache.pf
	if pf == nil || placeCache.key != k {
		pf = NewPlaceFinder(areas)
		placeCache.key, placeCache.pf = k, pf
	}
	placeCache.Unlock()
	return pf.Find(text)
}

// Find returns the places of s sorted by position, without overlaps (the
// longer span wins), one span per level of the administrative ladder:
// ZONE (A市, A3区, B6县, 西地省; Value upper-case), TOWN (街道, 镇, 乡),
// COMMUNITY (社区, 村; registry areas with Value their code), COMPOUND,
// ROAD (the name without the house number) and BUILDING (house number,
// building, unit, room: 18号, 3号楼2单元501). A name never reaches back into
// the place before it (A市永安东路 is A市 then 永安东路), and generic
// references (本小区, 之前小区, 这条路) and phrases that only look like places
// (必经之路, 教育路线, 马路) are not places.
func (pf *PlaceFinder) Find(s string) []Entity {
	buf := getRunes(2 * len(s))
	defer putRunes(buf)
	orig, rs := foldedIn(buf, s)
	out := zones(rs)
	pf.lex.scan(rs, func(h hit) {
		if pf.scores[h.w] < 0.9 && startsWithSuffix(rs[h.end:]) {
			return // 清河湾东路, 清河湾嘉园: a road or compound named after the area
		}
		out = append(out, Entity{Type: pf.types[h.w], Start: h.pos, End: h.end, Value: pf.values[h.w], Score: pf.scores[h.w]})
	})
	for _, sp := range deid.Spans(s) {
		if sp.Type == deid.Address {
			out = append(out, Entity{Type: Building, Start: sp.Start, End: sp.End, Value: sp.Text, Score: sp.Score})
		}
	}
	// A name does not reach back into a place found so far: 清河湾东社区滨河
	// 家园 is the community, then the compound.
	stops := make([]bool, len(rs)+1)
	for _, e := range out {
		stops[e.End] = true
	}
	n0 := len(out)
	for _, e := range ladder(rs, stops) {
		if !hasSpan(out[:n0], e.Start, e.End) { // the registry's reading wins
			out = append(out, e)
		}
	}
	// A bare 3栋 or 一单元 locates a household only after the place it is
	// in (海洋半岛1栋); alone it is mostly a count or a reference.
	out = slices.DeleteFunc(out, func(e Entity) bool {
		return e.Type == Building && !stops[e.Start] && bareBuilding(rs[e.Start:e.End])
	})
	return townShortForms(orig, rs, resolve(orig, out))
}

// hasSpan reports whether one of es spans [start, end).
func hasSpan(es []Entity, start, end int) bool {
	for i := range es {
		if es[i].Start == start && es[i].End == end {
			return true
		}
	}
	return false
}

// townShortForms adds the short form of a town found with its suffix (安平
// for 安平镇) where the text names it again without the suffix, alone
// between non-name runes (J市至安平的, “J市—安平”), or right before a
// place of the ladder: the text itself proves the name.
func townShortForms(orig, rs []rune, es []Entity) []Entity {
	var names [][]rune
	for _, e := range es {
		if n := e.End - e.Start; e.Type == Town && n >= 3 && n <= 4 && (rs[e.End-1] == '镇' || rs[e.End-1] == '乡') {
			names = append(names, rs[e.Start:e.End-1])
		}
	}
	if len(names) == 0 {
		return es
	}
	taken := make([]bool, len(rs)+1)
	starts := make([]bool, len(rs)+1)
	for _, e := range es {
		for k := e.Start; k < e.End; k++ {
			taken[k] = true
		}
		starts[e.Start] = true
	}
	edge := func(k int) bool {
		return text.KindOf(rs[k]) != text.Han || stopRunes.has(rs[k]) || strings.ContainsRune("至经由和与及", rs[k])
	}
	n0 := len(es)
	for _, name := range names {
		for i := 0; i+len(name) <= len(rs); i++ {
			end := i + len(name)
			if taken[i] || taken[end-1] || !hasPrefix(rs[i:], name) {
				continue
			}
			if (i == 0 || edge(i-1) || taken[i-1]) && (end == len(rs) || edge(end) || starts[end]) {
				t := string(orig[i:end])
				es = append(es, Entity{Type: Town, Start: i, End: end, Score: 0.7, Text: t, Value: t})
				for k := i; k < end; k++ {
					taken[k] = true
				}
			}
		}
	}
	if len(es) == n0 {
		return es
	}
	slices.SortStableFunc(es, func(a, b Entity) int { return a.Start - b.Start })
	return es
}

// resolve sorts entities, drops overlaps (longer wins, then higher score)
// and fills in Text.
func resolve(orig []rune, es []Entity) []Entity {
	slices.SortStableFunc(es, func(a, b Entity) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return (b.End - b.Start) - (a.End - a.Start)
	})
	res := es[:0]
	for _, e := range es {
		if n := len(res); n > 0 && e.Start < res[n-1].End {
			p := &res[n-1]
			// The longer span wins; a registry match of the same length
			// beats a pattern match.
			if e.End-e.Start > p.End-p.Start || (e.End-e.Start == p.End-p.Start && e.Score > p.Score) {
				*p = e
			}
			continue
		}
		res = append(res, e)
	}
	for i := range res {
		res[i].Text = string(orig[res[i].Start:res[i].End])
		if res[i].Value == "" {
			res[i].Value = res[i].Text
		}
	}
	return res
}

type suffix struct {
	word    []rune
	minName int
	maxName int
	// strict suffixes (苑, 里, 院, 园) are common word endings (医院, 家里):
	// they need a name that does not end a common word.
	strict bool
	score  float64
	bare   bool // the suffix alone is an entity (物业, 居委会)
}

func suffixes(minName, maxName int, strict bool, score float64, ws ...string) []suffix {
	var out []suffix
	for _, w := range ws {
		out = append(out, suffix{word: folded(w), minName: minName, maxName: maxName, strict: strict, score: score})
	}
	return out
}

var (
	compoundSuffixes = slices.Concat(
		suffixes(2, 6, false, 0.85, "小区", "花园", "家园", "嘉园", "公寓", "新村", "新城", "宿舍", "大厦", "华庭", "雅居", "雅苑", "平房区", "商务楼"),
		suffixes(2, 4, true, 0.6, "苑", "里", "院", "园"))
	roadSuffixes = slices.Concat(
		suffixes(2, 5, false, 0.85, "大街", "胡同", "大道", "路", "街", "巷"),
		suffixes(2, 5, true, 0.6, "弄"))
	orgSuffixes = slices.Concat(
		suffixes(2, 12, false, 0.85, "有限公司", "公司", "医院", "学校", "小学", "中学", "幼儿园", "大学", "派出所", "居委会",
			"村委会", "街道办", "办事处", "服务中心", "管理处", "委员会", "大队", "支队", "中队", "银行", "超市", "饭店", "餐厅", "酒店",
			"项目部", "工地", "管理所", "房管所", "事务所", "市场监管所", "卫生院", "物业", "热力", "城管", "执法队", "局", "办公室"),
		// shops, by their sign (老王面馆, 好邻居便利店): 门前三包 lists them so.
		suffixes(2, 8, false, 0.8, "便利店", "便利超市", "饭馆", "餐馆", "面馆", "小吃店", "烧烤店", "火锅店", "快餐店", "理发店", "美发店",
			"洗衣店", "干洗店", "药店", "药房", "大药房", "水果店", "菜店", "粮油店", "五金店", "商店", "商行", "烟酒店", "蛋糕店", "早餐店"),
		[]suffix{{word: folded("物业"), bare: true, score: 0.6}, {word: folded("居委会"), bare: true, score: 0.6},
			{word: folded("派出所"), bare: true, score: 0.6}, {word: folded("街道办"), bare: true, score: 0.6},
			{word: folded("城管"), bare: true, score: 0.6}, {word: folded("热力公司"), bare: true, score: 0.6},
			{word: folded("燃气公司"), bare: true, score: 0.6}, {word: folded("自来水公司"), bare: true, score: 0.6},
			{word: folded("供电公司"), bare: true, score: 0.6}, {word: folded("物业公司"), bare: true, score: 0.6}})
)

// stopRunes end a name when reading backwards from a suffix: function
// words, pronouns and verbs that rarely occur inside place names.
var stopRunes = runeSetOf("的在是我你他她它住了与跟到从就们这那个为对把被给向往于及或还都也很又已有没不要去来说叫找让请问想找家现查映称示近址边旁报")

// strictBad are name endings that make a strict suffix a common word:
// 医院, 学院, 家里, 这里, 楼里, 公园 (a park is not a compound).
var strictBad = runeSetOf("医法学剧影庭寺书科究察区楼屋城村群心夜手车店子公乐校花游动植物果菜庄道间面外内堂场厅房梯库园")

// badRoads are words ending like a road that are not roads.
var badRoads = runesOf("马路", "道路", "公路", "走路", "一路", "上路", "思路", "电路", "线路", "水路", "老街", "上街", "逛街",
	"小巷", "大马路", "过马路", "沿路", "半路", "近路", "出路", "迷路", "带路", "让路", "修路", "铁路", "管路", "网路", "这条路",
	"那条路", "条路", "条街", "整条街", "商业街", "步行街", "后街", "当街", "满大街", "上大街")

// suffixEntities finds names ending in one of sufs: NAME SUFFIX, with NAME
// 2..max Han characters read backwards until a stop rune, a non-Han rune or
// the start or an offset in stops; for roads, a house number (18号, 18号院) after the suffix is
// included. typ decides the extras.
func suffixEntities(rs []rune, sl *suffixList, typ EntityType, stops []int) []Entity {
	var out []Entity
	sufs := sl.sufs
	// conn are the ends of entities so far, where a connector (和, 及)
	// ends a name: 社区医院和人民医院 are two names.
	conn := slices.Clone(stops)
	for i := 0; i < len(rs); i++ {
		if !sl.starts.may(rs, i) {
			continue
		}
		for _, k := range sl.first.of(rs[i]) {
			sf := &sufs[k]
			if !hasPrefix(rs[i:], sf.word) {
				continue
			}
			end := i + len(sf.word)
			if typ == Road && end < len(rs) && (rs[end] == '道' || rs[end] == '办' || rs[end] == '边' || rs[end] == '上' && sf.word[0] == '路') {
				continue // 街道, 街道办, 路边, 路上
			}
			if typ == Compound && end < len(rs) && sf.strict && (rs[end] == '子' || rs[end] == '面' || rs[end] == '头') {
				continue // 院子, 里面, 里头
			}
			start := i
			for start > 0 && i-start < sf.maxName && text.KindOf(rs[start-1]) == text.Han && !stopRunes.has(rs[start-1]) &&
				!slices.Contains(stops, start) &&
				!((rs[start-1] == '和' || rs[start-1] == '及') && slices.Contains(conn, start-1)) {
				start--
			}
			if sf.bare && i-start < 2 {
				out = append(out, Entity{Type: typ, Start: i, End: end, Score: sf.score})
				conn = append(conn, end)
				i = end - 1
				break
			}
			if i-start < sf.minName {
				continue
			}
			if sf.strict && strictBad.has(rs[i-1]) {
				continue
			}
			if typ == Road && badRoadEnds.at(rs, end) && end-start <= 4 {
				continue
			}
			e := Entity{Type: typ, Start: start, End: end, Score: sf.score}
			switch typ {
			case Road:
				e.Value = string(rs[start:end])
				if j := number(rs, end); j > end && j < len(rs) && rs[j] == '号' {
					e.End = j + 1
					if e.End < len(rs) && rs[e.End] == '院' {
						e.End++
					}
				}
			case Compound:
				// 一区, 二期, 东区, a3区: the part of a compound.
				if j := compoundPart(rs, end); j > end {
					e.End = j
				}
			}
			out = append(out, e)
			conn = append(conn, e.End)
			i = end - 1
			break
		}
	}
	return out
}

// suffixList is a list of suffixes indexed by their first rune, in list
// order.
type suffixList struct {
	sufs   []suffix
	first  runeGroups
	starts *startFilter
}

func newSuffixList(sufs []suffix) *suffixList {
	return &suffixList{sufs: sufs, first: newRuneGroups(len(sufs), func(i int) (rune, bool) { return sufs[i].word[0], true }),
		starts: newStartFilter(suffixWords(sufs))}
}

var (
	orgList     = newSuffixList(orgSuffixes)
	badRoadEnds = newEndings(badRoads)
	// placeSuffixStarts are the road suffixes, then the compound ones.
	placeSuffixStarts = newPrefixes(slices.Concat(suffixWords(roadSuffixes), suffixWords(compoundSuffixes)))
	orgStarts         = newPrefixes(suffixWords(orgSuffixes))
)

func suffixWords(sufs []suffix) [][]rune {
	out := make([][]rune, len(sufs))
	for i, sf := range sufs {
		out[i] = sf.word
	}
	return out
}

// startsWithSuffix reports whether rs starts with a road or compound suffix.
func startsWithSuffix(rs []rune) bool {
	if placeSuffixStarts.firstAt(rs) >= 0 {
		return true
	}
	return len(rs) > 0 && (rs[0] == '东' || rs[0] == '西' || rs[0] == '南' || rs[0] == '北') && len(rs) > 1 &&
		strings.ContainsRune("路街里区", rs[1])
}

// number returns the offset after a run of ASCII or Chinese digits at i.
func number(rs []rune, i int) int {
	j := i
	for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || strings.ContainsRune("〇零一二三四五六七八九十百", rs[j])) {
		j++
	}
	return j
}

func compoundPart(rs []rune, i int) int {
	j := i
	if j < len(rs) && strings.ContainsRune("东南西北", rs[j]) {
		j++
	} else {
		j = number(rs, i)
		if j == i && j < len(rs) && rs[j] >= 'a' && rs[j] <= 'z' {
			j++
		}
	}
	if j > i && j < len(rs) && (rs[j] == '区' || rs[j] == '期' || rs[j] == '里') {
		return j + 1
	}
	return i
}

// bareBuilding reports whether rs is one number and one of 栋, 幢, 单元.
func bareBuilding(rs []rune) bool {
	j := number(rs, 0)
	return j > 0 && j < len(rs) && slices.Contains([]string{"栋", "幢", "单元"}, string(rs[j:]))
}

// zones finds zones: codes of Latin letters then digits then 区, 县 or 市,
// or a letter then 市 (A市, A3区, B6县, K10县), not inside a longer Latin
// word, and provinces (湖南省).
func zones(rs []rune) []Entity {
	out := gazetteerZones(rs)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if (r >= '0' && r <= '9' || r == 'g' || r == 's' || r == 'x' || r == 'y') && i+2 < len(rs) {
			if e, ok := numberedRoad(rs, i); ok {
				out = append(out, e)
				i = e.End - 1
				continue
			}
		}
		if !(r >= 'a' && r <= 'z') || i > 0 && (rs[i-1] >= 'a' && rs[i-1] <= 'z' || rs[i-1] >= '0' && rs[i-1] <= '9') {
			continue
		}
		j := i + 1
		for j < len(rs) && j-i < 2 && rs[j] >= 'a' && rs[j] <= 'z' {
			j++
		}
		d := j
		for j < len(rs) && j-d < 3 && rs[j] >= '0' && rs[j] <= '9' {
			j++
		}
		if j > d && j+1 < len(rs) && unicode.IsSpace(rs[j]) && strings.ContainsRune("区县州", rs[j+1]) {
			j++ // J10 县
		}
		if j < len(rs) && (rs[j] == '市' || j > d && strings.ContainsRune("区县州", rs[j])) &&
			(j+1 == len(rs) || rs[j+1] != '级') { // X003县级公路 is a road
			e := Entity{Type: Zone, Start: i, End: j + 1, Score: 0.8,
				Value: strings.ToUpper(strings.Join(strings.Fields(string(rs[i:j+1])), ""))}
			// A3区大道, E市大道: a road named after the zone.
			for _, w := range [...]string{"大道", "大街", "路"} {
				if k := j + 1 + len([]rune(w)); hasPrefix(rs[j+1:], []rune(w)) &&
					(k == len(rs) || !strings.ContainsRune("口段面边上况灯线网", rs[k])) {
					e = Entity{Type: Road, Start: i, End: k, Score: 0.8}
					break
				}
			}
			out = append(out, e)
			i = e.End - 1
		}
	}
	return out
}

// highwaySuffixes end a numbered road: 207国道, s217线, S256旅游公路.
var highwaySuffixes = runesOf("国道", "省道", "县道", "乡道", "县级公路", "旅游公路", "公路", "高速", "环线", "线")

// numberedRoad reads a numbered road at i: a highway letter (g, s, x, y),
// an optional space, three digits and an optional highway suffix (g107国道,
// s 217线, S315), or three digits and a suffix (315线, 207国道), or a metro
// line (3号线); not inside a longer Latin word or number.
func numberedRoad(rs []rune, i int) (Entity, bool) {
	if i > 0 && (isASCIILetter(rs[i-1]) || rs[i-1] >= '0' && rs[i-1] <= '9') {
		return Entity{}, false
	}
	j, letter := i, false
	if strings.ContainsRune("gsxy", rs[i]) {
		j, letter = i+1, true
		if j < len(rs) && unicode.IsSpace(rs[j]) {
			j++
		}
	}
	d := j
	for j < len(rs) && j-d < 4 && rs[j] >= '0' && rs[j] <= '9' {
		j++
	}
	if j < len(rs) && (isASCIILetter(rs[j]) || rs[j] >= '0' && rs[j] <= '9') {
		return Entity{}, false
	}
	if !letter && j > d && j-d <= 2 && hasPrefix(rs[j:], []rune("号线")) {
		return Entity{Type: Road, Start: i, End: j + 2, Score: 0.8}, true
	}
	if j-d != 3 {
		return Entity{}, false
	}
	for _, w := range highwaySuffixes {
		if hasPrefix(rs[j:], w) {
			return Entity{Type: Road, Start: i, End: j + len(w), Score: 0.8}, true
		}
	}
	if letter && d == i+1 {
		return Entity{Type: Road, Start: i, End: j, Score: 0.7}, true // S315
	}
	return Entity{}, false
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// Orgs returns the organisations of s: NAME + 公司, 物业, 医院, 学校, 派出所,
// 居委会, 街道办 …, and a few bare ones (物业, 居委会, 派出所) that name the
// caller's own.
func Orgs(s string) []Entity {
	buf := getRunes(2 * len(s))
	defer putRunes(buf)
	orig, rs := foldedIn(buf, s)
	return resolve(orig, suffixEntities(rs, orgList, Org, nil))
}

// Identifiers returns the personal identifiers of s (phones, ID numbers,
// plates, …) as package deid finds them, as entities whose Type is the deid
// type. Detailed addresses are left to Places (BUILDING).
func Identifiers(s string) []Entity {
	var out []Entity
	for _, sp := range deid.Spans(s) {
		if sp.Type == deid.Address || sp.Type == deid.Person {
			continue
		}
		out = append(out, Entity{Type: EntityType(sp.Type), Text: sp.Text, Start: sp.Start, End: sp.End,
			Value: sp.Text, Score: sp.Score})
	}
	return out
}

// itoa is strconv.Itoa, kept short for the messages built with it.
func itoa(n int) string { return strconv.Itoa(n) }
