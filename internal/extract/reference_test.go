// Code generated from the extractors before issue 17 (commit 17436a0) by
// a one-off copy that prefixed every name with ref; DO NOT EDIT.

package extract

// The reference implementation: the extractors as they were before they
// were made cheaper (issue 17). The differential tests (diff_test.go)
// check that the new code gives exactly what these give.

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/text"
)

// refRules are Rules read by the reference lexicon.
type refRules struct {
	*Rules
	lex *refLexicon
}

// newRefRules returns the reference reading of ru, built as Rules.build
// built its lexicon.
func newRefRules(ru *Rules) *refRules {
	var ws []string
	for _, c := range ru.Cues {
		if c.Text == DurationCue {
			ws = append(ws, "\x00")
			continue
		}
		ws = append(ws, c.Text)
	}
	ws = append(ws, ru.Resolved...)
	ws = append(ws, ru.Calm...)
	for _, c := range ru.Contexts {
		ws = append(ws, c.Text)
	}
	return &refRules{Rules: ru, lex: refNewLexicon(ws)}
}

func refFolded(s string) []rune {
	rs := make([]rune, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		rs = append(rs, text.Fold(r))
	}
	return rs
}

func refFoldRunes(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = text.Fold(r)
	}
	return out
}

type refLexicon struct {
	first map[rune][]int
	words [][]rune
}

func refNewLexicon(words []string) *refLexicon {
	lx := &refLexicon{first: make(map[rune][]int)}
	for i, w := range words {
		rs := refFolded(w)
		lx.words = append(lx.words, rs)
		if len(rs) > 0 {
			lx.first[rs[0]] = append(lx.first[rs[0]], i)
		}
	}
	for r, ix := range lx.first {
		sort.SliceStable(ix, func(a, b int) bool { return len(lx.words[ix[a]]) > len(lx.words[ix[b]]) })
		lx.first[r] = ix
	}
	return lx
}

type refHit struct{ w, pos, end int }

func (lx *refLexicon) scan(rs []rune, fn func(h refHit)) {
	for i, r := range rs {
		ix, ok := lx.first[r]
		if !ok {
			continue
		}
		for _, w := range ix {
			wr := lx.words[w]
			if refHasPrefix(rs[i:], wr) {
				fn(refHit{w, i, i + len(wr)})
			}
		}
	}
}

func refHasPrefix(s, p []rune) bool {
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

func refEndsWithAny(rs []rune, i int, ws [][]rune) bool {
	for _, w := range ws {
		if len(w) <= i && refHasPrefix(rs[i-len(w):], w) {
			return true
		}
	}
	return false
}

func refRunesOf(ws ...string) [][]rune {
	out := make([][]rune, len(ws))
	for i, w := range ws {
		out[i] = refFolded(w)
	}
	return out
}

func refIsBoundary(r rune) bool {
	return text.KindOf(r) == text.Skip
}

type refPlaceFinder struct {
	lex    *refLexicon
	values []string
	scores []float64
	types  []EntityType
}

var refRegistrySuffixes = []string{"社区居委会", "居委会", "社区", "街道办事处", "街道办", "街道", "网格", "村委会", "村"}

func refNewPlaceFinder(areas core.Areas, opts ...PlaceOption) *refPlaceFinder {
	pf := &refPlaceFinder{}
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
		add(s.Name, s.Code, typ, refRegistrySuffixes)
	}
	for _, c := range areas.Communities {
		add(c.Name, c.Code, Community, refRegistrySuffixes)
	}
	for _, g := range areas.Grids {
		add(g.Name, g.Code, Community, refRegistrySuffixes)
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
	pf.lex = refNewLexicon(words)
	return pf
}

func (pf *refPlaceFinder) Find(s string) []Entity {
	orig := []rune(s)
	rs := refFoldRunes(orig)
	out := refZones(rs)
	pf.lex.scan(rs, func(h refHit) {
		if pf.scores[h.w] < 0.9 && refStartsWithSuffix(rs[h.end:]) {
			return
		}
		out = append(out, Entity{Type: pf.types[h.w], Start: h.pos, End: h.end, Value: pf.values[h.w], Score: pf.scores[h.w]})
	})
	for _, sp := range deid.Spans(s) {
		if sp.Type == deid.Address {
			out = append(out, Entity{Type: Building, Start: sp.Start, End: sp.End, Value: sp.Text, Score: sp.Score})
		}
	}

	stops := make([]bool, len(rs)+1)
	found := map[[2]int]bool{}
	for _, e := range out {
		stops[e.End] = true
		found[[2]int{e.Start, e.End}] = true
	}
	for _, e := range refLadder(rs, stops) {
		if !found[[2]int{e.Start, e.End}] {
			out = append(out, e)
		}
	}

	out = slices.DeleteFunc(out, func(e Entity) bool {
		return e.Type == Building && !stops[e.Start] && refBareBuilding(rs[e.Start:e.End])
	})
	return refTownShortForms(orig, rs, refResolve(orig, out))
}

func refTownShortForms(orig, rs []rune, es []Entity) []Entity {
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
		return text.KindOf(rs[k]) != text.Han || refStopRunes[rs[k]] || strings.ContainsRune("至经由和与及", rs[k])
	}
	n0 := len(es)
	for _, name := range names {
		for i := 0; i+len(name) <= len(rs); i++ {
			end := i + len(name)
			if taken[i] || taken[end-1] || !refHasPrefix(rs[i:], name) {
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

func refResolve(orig []rune, es []Entity) []Entity {
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

type refSuffix struct {
	word    []rune
	minName int
	maxName int

	strict bool
	score  float64
	bare   bool
}

func refSuffixes(minName, maxName int, strict bool, score float64, ws ...string) []refSuffix {
	var out []refSuffix
	for _, w := range ws {
		out = append(out, refSuffix{word: refFolded(w), minName: minName, maxName: maxName, strict: strict, score: score})
	}
	return out
}

var (
	refCompoundSuffixes = slices.Concat(
		refSuffixes(2, 6, false, 0.85, "小区", "花园", "家园", "嘉园", "公寓", "新村", "新城", "宿舍", "大厦", "华庭", "雅居", "雅苑", "平房区", "商务楼"),
		refSuffixes(2, 4, true, 0.6, "苑", "里", "院", "园"))
	refRoadSuffixes = slices.Concat(
		refSuffixes(2, 5, false, 0.85, "大街", "胡同", "大道", "路", "街", "巷"),
		refSuffixes(2, 5, true, 0.6, "弄"))
	refOrgSuffixes = slices.Concat(
		refSuffixes(2, 12, false, 0.85, "有限公司", "公司", "医院", "学校", "小学", "中学", "幼儿园", "大学", "派出所", "居委会",
			"村委会", "街道办", "办事处", "服务中心", "管理处", "委员会", "大队", "支队", "中队", "银行", "超市", "饭店", "餐厅", "酒店",
			"项目部", "工地", "管理所", "房管所", "事务所", "市场监管所", "卫生院", "物业", "热力", "城管", "执法队", "局", "办公室"),

		refSuffixes(2, 8, false, 0.8, "便利店", "便利超市", "饭馆", "餐馆", "面馆", "小吃店", "烧烤店", "火锅店", "快餐店", "理发店", "美发店",
			"洗衣店", "干洗店", "药店", "药房", "大药房", "水果店", "菜店", "粮油店", "五金店", "商店", "商行", "烟酒店", "蛋糕店", "早餐店"),
		[]refSuffix{{word: refFolded("物业"), bare: true, score: 0.6}, {word: refFolded("居委会"), bare: true, score: 0.6},
			{word: refFolded("派出所"), bare: true, score: 0.6}, {word: refFolded("街道办"), bare: true, score: 0.6},
			{word: refFolded("城管"), bare: true, score: 0.6}, {word: refFolded("热力公司"), bare: true, score: 0.6},
			{word: refFolded("燃气公司"), bare: true, score: 0.6}, {word: refFolded("自来水公司"), bare: true, score: 0.6},
			{word: refFolded("供电公司"), bare: true, score: 0.6}, {word: refFolded("物业公司"), bare: true, score: 0.6}})
)

var refStopRunes = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "的在是我你他她它住了与跟到从就们这那个为对把被给向往于及或还都也很又已有没不要去来说叫找让请问想找家现查映称示近址边旁报" {
		m[r] = true
	}
	return m
}()

var refStrictBad = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "医法学剧影庭寺书科究察区楼屋城村群心夜手车店子公乐校花游动植物果菜庄道间面外内堂场厅房梯库园" {
		m[r] = true
	}
	return m
}()

var refBadRoads = refRunesOf("马路", "道路", "公路", "走路", "一路", "上路", "思路", "电路", "线路", "水路", "老街", "上街", "逛街",
	"小巷", "大马路", "过马路", "沿路", "半路", "近路", "出路", "迷路", "带路", "让路", "修路", "铁路", "管路", "网路", "这条路",
	"那条路", "条路", "条街", "整条街", "商业街", "步行街", "后街", "当街", "满大街", "上大街")

func refSuffixEntities(rs []rune, sufs []refSuffix, typ EntityType, stops []int) []Entity {
	var out []Entity
	first := refFirstRunes(sufs)

	conn := slices.Clone(stops)
	for i := 0; i < len(rs); i++ {
		if !first[rs[i]] {
			continue
		}
		for _, sf := range sufs {
			if rs[i] != sf.word[0] || !refHasPrefix(rs[i:], sf.word) {
				continue
			}
			end := i + len(sf.word)
			if typ == Road && end < len(rs) && (rs[end] == '道' || rs[end] == '办' || rs[end] == '边' || rs[end] == '上' && sf.word[0] == '路') {
				continue
			}
			if typ == Compound && end < len(rs) && sf.strict && (rs[end] == '子' || rs[end] == '面' || rs[end] == '头') {
				continue
			}
			start := i
			for start > 0 && i-start < sf.maxName && text.KindOf(rs[start-1]) == text.Han && !refStopRunes[rs[start-1]] &&
				!slices.Contains(stops, start) &&
				!(strings.ContainsRune("和及", rs[start-1]) && slices.Contains(conn, start-1)) {
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
			if sf.strict && refStrictBad[rs[i-1]] {
				continue
			}
			if typ == Road && refEndsWithAny(rs, end, refBadRoads) && end-start <= 4 {
				continue
			}
			e := Entity{Type: typ, Start: start, End: end, Score: sf.score}
			switch typ {
			case Road:
				e.Value = string(rs[start:end])
				if j := refNumber(rs, end); j > end && j < len(rs) && rs[j] == '号' {
					e.End = j + 1
					if e.End < len(rs) && rs[e.End] == '院' {
						e.End++
					}
				}
			case Compound:

				if j := refCompoundPart(rs, end); j > end {
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

var refFirstRuneSets sync.Map

func refFirstRunes(sufs []refSuffix) map[rune]bool {
	if len(sufs) == 0 {
		return nil
	}
	if m, ok := refFirstRuneSets.Load(&sufs[0]); ok {
		return m.(map[rune]bool)
	}
	m := map[rune]bool{}
	for _, sf := range sufs {
		m[sf.word[0]] = true
	}
	refFirstRuneSets.Store(&sufs[0], m)
	return m
}

func refStartsWithSuffix(rs []rune) bool {
	for _, sfs := range [][]refSuffix{refRoadSuffixes, refCompoundSuffixes} {
		for _, sf := range sfs {
			if refHasPrefix(rs, sf.word) {
				return true
			}
		}
	}
	return len(rs) > 0 && (rs[0] == '东' || rs[0] == '西' || rs[0] == '南' || rs[0] == '北') && len(rs) > 1 &&
		strings.ContainsRune("路街里区", rs[1])
}

func refNumber(rs []rune, i int) int {
	j := i
	for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || strings.ContainsRune("〇零一二三四五六七八九十百", rs[j])) {
		j++
	}
	return j
}

func refCompoundPart(rs []rune, i int) int {
	j := i
	if j < len(rs) && strings.ContainsRune("东南西北", rs[j]) {
		j++
	} else {
		j = refNumber(rs, i)
		if j == i && j < len(rs) && rs[j] >= 'a' && rs[j] <= 'z' {
			j++
		}
	}
	if j > i && j < len(rs) && (rs[j] == '区' || rs[j] == '期' || rs[j] == '里') {
		return j + 1
	}
	return i
}

func refBareBuilding(rs []rune) bool {
	j := refNumber(rs, 0)
	return j > 0 && j < len(rs) && slices.Contains([]string{"栋", "幢", "单元"}, string(rs[j:]))
}

func refZones(rs []rune) []Entity {
	out := refGazetteerZones(rs)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if (r >= '0' && r <= '9' || r == 'g' || r == 's' || r == 'x' || r == 'y') && i+2 < len(rs) {
			if e, ok := refNumberedRoad(rs, i); ok {
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
			j++
		}
		if j < len(rs) && (rs[j] == '市' || j > d && strings.ContainsRune("区县州", rs[j])) &&
			(j+1 == len(rs) || rs[j+1] != '级') {
			e := Entity{Type: Zone, Start: i, End: j + 1, Score: 0.8,
				Value: strings.ToUpper(strings.Join(strings.Fields(string(rs[i:j+1])), ""))}

			for _, w := range [...]string{"大道", "大街", "路"} {
				if k := j + 1 + len([]rune(w)); refHasPrefix(rs[j+1:], []rune(w)) &&
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

var refHighwaySuffixes = refRunesOf("国道", "省道", "县道", "乡道", "县级公路", "旅游公路", "公路", "高速", "环线", "线")

func refNumberedRoad(rs []rune, i int) (Entity, bool) {
	if i > 0 && (refIsASCIILetter(rs[i-1]) || rs[i-1] >= '0' && rs[i-1] <= '9') {
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
	if j < len(rs) && (refIsASCIILetter(rs[j]) || rs[j] >= '0' && rs[j] <= '9') {
		return Entity{}, false
	}
	if !letter && j > d && j-d <= 2 && refHasPrefix(rs[j:], []rune("号线")) {
		return Entity{Type: Road, Start: i, End: j + 2, Score: 0.8}, true
	}
	if j-d != 3 {
		return Entity{}, false
	}
	for _, w := range refHighwaySuffixes {
		if refHasPrefix(rs[j:], w) {
			return Entity{Type: Road, Start: i, End: j + len(w), Score: 0.8}, true
		}
	}
	if letter && d == i+1 {
		return Entity{Type: Road, Start: i, End: j, Score: 0.7}, true
	}
	return Entity{}, false
}

func refIsASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func refOrgs(s string) []Entity {
	orig := []rune(s)
	rs := refFoldRunes(orig)
	return refResolve(orig, refSuffixEntities(rs, refOrgSuffixes, Org, nil))
}

type refRung struct {
	word     []rune
	typ      EntityType
	min, max int
	strict   bool
	score    float64
}

func refRungs(typ EntityType, min, max int, strict bool, score float64, ws ...string) []refRung {
	var out []refRung
	for _, w := range ws {
		out = append(out, refRung{word: refFolded(w), typ: typ, min: min, max: max, strict: strict, score: score})
	}
	return out
}

var refLadderRungs = func() []refRung {
	rs := slices.Concat(
		refRungs(Town, 2, 5, false, 0.85, "街道"),
		refRungs(Town, 2, 4, false, 0.8, "镇", "乡"),
		refRungs(Community, 2, 6, false, 0.85, "社区"),
		refRungs(Zone, 2, 3, false, 0.7, "新区"),
		refRungs(Zone, 2, 4, false, 0.75, "开发区", "高新区", "新港区", "经开区"),
		refRungs(Community, 2, 4, false, 0.75, "村"),
		refRungs(Compound, 2, 7, false, 0.85, "小区", "花园", "家园", "嘉园", "公寓", "新村", "新城", "宿舍", "华庭", "雅居", "雅苑",
			"名苑", "名园", "安置区", "平房区", "家属院", "家属区", "大院", "宿舍区", "生活区", "山庄", "公馆", "府邸", "国际城", "城邦",
			"北里", "南里", "东里", "西里", "名门", "帝景", "明珠", "华府", "名城", "名都", "世界城", "新世界", "新视界", "府地", "水岸"),
		refRungs(Compound, 2, 4, true, 0.6, "苑", "园", "湾", "郡", "城"),
		refRungs(Road, 2, 2, false, 0.85, "高速公路", "高速"),
		refRungs(Road, 2, 6, false, 0.85, "大街", "胡同", "大道", "国道", "省道", "公路", "连接线", "环线", "路", "街", "巷", "弄"),
	)
	slices.SortStableFunc(rs, func(a, b refRung) int { return len(b.word) - len(a.word) })
	return rs
}()

var refLadderFirst = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range refLadderRungs {
		m[r.word[0]] = true
	}
	return m
}()

var refStopWords = refRunesOf("之前", "以前", "目前", "当前", "现在", "影响", "进出", "居民", "我们", "你们", "他们", "整个", "所在", "所属",
	"附近", "周边", "周围", "旁边", "对面", "隔壁", "进入", "位于", "居住", "入住", "属于", "关于", "对于", "根据", "依照", "按照",
	"来自", "就是", "还是", "但是", "而且", "并且", "导致", "造成", "经过", "通过", "沿着", "前往", "回到", "来到", "到达", "管辖",
	"辖区", "业主", "村民", "市民", "群众", "领导", "一个", "这个", "那个", "各个", "多个", "部分", "很多", "其他", "其它", "全体",
	"这些", "那些", "以及", "包括", "多次", "反映", "投诉", "举报", "咨询", "要求", "希望", "请求", "恳请", "建议", "请问", "试问",
	"作为", "同时", "严重", "随意", "开发商", "物业", "本人", "老旧", "开放式", "普通", "农村", "偏远", "周边", "一些", "成熟",
	"办事处", "委会", "政府", "人民政府", "位置", "地址", "门口", "里面", "外面", "期间", "时候", "认为", "发现", "处于", "一条",
	"这条", "那条", "整条", "该条", "每条", "两条", "几条", "条", "到", "从", "在", "向", "给", "本", "该", "此",
	"小区", "社区", "历次", "追究", "电话", "当地", "如今", "地处", "随后", "形成", "考虑", "应由", "征得", "承担", "离", "以", "等", "半年", "路基", "物流园", "园区", "城乡", "更何况", "正常", "各", "至", "乡镇",
	"知道", "一下", "确认", "后方", "前方", "未经", "楼盘", "压坏", "损坏", "破坏", "什么", "如果", "当年", "当时", "最后",
	"其间", "难道", "一点", "加上", "寻求", "某些", "广大", "村里", "乡里", "村级", "两级", "镇委", "进行", "管理", "由")

var refClanSurnames = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤易伍聂文欧阳罗左柳童" {
		m[r] = true
	}
	return m
}()

var refGenericNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`本小区 该小区 此小区 我小区 全小区 各小区 老小区 新小区 大小区 小小区 安置小区 居民小区 住宅小区 开放小区 封闭小区
	乡镇 城镇 村镇 集镇 小镇 重镇 古镇 新镇 全镇 本镇 该镇 各镇 我镇 城乡 家乡 老乡 故乡 下乡 回乡 返乡 他乡 异乡 水乡 山乡 同乡 全乡 本乡 该乡 各乡 我乡 父老乡
	农村 乡村 山村 渔村 全村 本村 我村 该村 各村 邻村 同村 外村 驻村 进村 出村 回村 村村 新农村 美丽乡村 城中村 度假村 自然村 行政村 空心村 贫困村 示范村
	社区 本社区 该社区 各社区 我社区 全社区 老社区 新社区 大社区 成熟社区 街道 各街道 本街道 该街道 我街道 老街道 大街道
	马路 大马路 道路 公路 铁路 高速公路 高速铁路 水路 山路 小路 大路 土路 泥路 泥巴路 水泥路 泥泞路 柏油路 沥青路 砂石路 石子路 渣石路 十字路 丁字路 交叉路 岔路 断头路
	级公路 机耕路 人行路 沙石公路 无路 高路 旅游公路 髙速公路 必经之路 走投无路 维权之路 出路 走路 上路 思路 电路 线路 近路 迷路 带路 让路 修路 管路 网路 套路 堵路 好路 半路 沿路 老路 新路 便道 过街 上街 逛街 老街 小巷 后街 当街 商业街 步行街 小吃街 美食街 满大街
	高速 国道 省道 县道 乡道 村道 主干道 快速路 人行道 盲道
	花园 家园 公寓 宿舍 新城 大院 公园 校园 乐园 菜园 果园 茶园 田园 游园 陵园 墓园 庄园 工业园 产业园 科技园 软件园 农业园 文化园 幼儿园 动物园 植物园 物流园 创业园 生活区 家属区 家属院 宿舍区 安置区`) {
		m[w] = true
	}
	return m
}()

const refCityBadEnd = "县省市京进出古老新全满山皇都名长围卫主入攻筑倾空边绕环同返开旧小融拉走一二两三四五六七八九十贸配食玩拿商脑材烤虾体品"

var refGenericTails = map[string]bool{"城乡": true, "贫困村": true, "行政村": true, "自然村": true, "城中村": true, "新农村": true,
	"示范村": true, "空心村": true, "乡镇": true, "城镇": true}

var refStrictBadEnd = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "医法学剧影庭寺书科究察区楼屋城村群心夜手车店子公乐校游动植物果菜庄道间面外内堂场厅房梯库儿业技件化流创田陵墓茶港海河台" {
		m[r] = true
	}
	return m
}()

var refAfterBad = map[EntityType]string{
	Road:      "上边面灯况线费人过途程基牌网由子径数口段头坊区",
	Community: "民级干庄落子委道",
	Town:      "村长党镇里办",
	Compound:  "子面头长林艺区村",
}

func refLadder(rs []rune, stops []bool) []Entity {
	var out []Entity
	for i := 0; i < len(rs); i++ {
		if !refLadderFirst[rs[i]] {
			continue
		}
		for _, rg := range refLadderRungs {
			if !refHasPrefix(rs[i:], rg.word) {
				continue
			}
			end := i + len(rg.word)
			if rg.typ == Road && rg.word[0] == '路' && end < len(rs) && rs[end] == '口' && i > 0 && strings.ContainsRune("十字岔路", rs[i-1]) {
				continue
			}
			start := refNameStart(rs, i, rg.max, stops)
			if i-start < rg.min {
				continue
			}
			if end < len(rs) && strings.ContainsRune(refAfterBad[rg.typ], rs[end]) && !refAfterOK(rs, rg, start, end, stops) {
				continue
			}
			if strings.ContainsRune("两三四五几多各数", rs[i-1]) && i-start == 2 && rg.typ != Road && rg.typ != Compound {
				continue
			}
			if rg.typ == Town && rg.word[0] == '镇' && strings.ContainsRune("乡城村集", rs[i-1]) ||
				rg.typ == Community && rg.word[0] == '村' && strings.ContainsRune("农乡渔", rs[i-1]) {
				continue
			}
			if rg.strict && refStrictBadEnd[rs[i-1]] {
				continue
			}
			if rg.word[0] == '城' && (strings.ContainsRune(refCityBadEnd, rs[i-1]) || refNextRungAny(rs, end) ||
				end < len(rs) && strings.ContainsRune("市区管乡镇中关里内外墙北南东西郊际建投门铁", rs[end])) {
				continue
			}
			if rg.typ == Road && rg.word[0] == '高' && end < len(rs) && rs[end] == '铁' {
				continue
			}

			generic := refGenericNames[string(rs[start:end])]
			for k := start + 1; rg.typ == Road && k < i && !generic; k++ {
				generic = refGenericNames[string(rs[k:end])]
			}
			for k := start + 1; (rg.typ == Town || rg.typ == Community) && !stops[start] && k < i && !generic; k++ {
				generic = refGenericTails[string(rs[k:end])]
			}
			if rg.typ != Road && rg.typ != Compound && refJoinsTwo(rs[start:i]) {
				continue
			}
			if rs[i-1] == '组' && rg.typ == Community {
				continue
			}
			if generic || rs[i-1] == '之' {
				continue
			}
			e := Entity{Type: rg.typ, Start: start, End: end, Score: rg.score}
			switch rg.typ {
			case Road:
				e.Value = string(rs[start:end])

				if t, n := refNextRung(rs, end); t != "" && t != Road {
					e.Type, e.End, e.Value = t, end+n, ""
				}
			case Community:
				if t, n := refNextRung(rs, end); t == Compound && n > 0 && rg.word[0] == '村' {
					e.Type, e.End = Compound, end+n
				}
			case Compound:

				if k := e.End; !rg.strict && k < len(rs) && strings.ContainsRune("湾苑园郡城府", rs[k]) &&
					(k+1 == len(rs) || text.KindOf(rs[k+1]) != text.Han || refNextRungAny(rs, k+1)) {
					e.End++
				}
				if j := refCompoundPart(rs, e.End); j > e.End {
					if refIsASCIILetter(rs[e.End]) {

						out = append(out, Entity{Type: Building, Start: e.End, End: j, Score: 0.7})
					} else {
						e.End = j
					}
				}
				if t, n := refNextRung(rs, e.End); t == Compound {
					e.End += n
				}
			}
			out = append(out, e)
			stops[e.End] = true
			i = e.End - 1
			break
		}
	}
	return out
}

func refAfterOK(rs []rune, rg refRung, start, end int, stops []bool) bool {
	r := rs[end]
	switch rg.typ {
	case Road:

		return r == '口' || r == '段' || r == '区' ||
			r == '上' && (rg.word[0] != '路' || start == 0 || stops[start] || text.KindOf(rs[start-1]) != text.Han)
	case Town:
		return r == '办' && rg.word[0] == '街' || refHasPrefix(rs[end:], []rune("镇政府")) || refHasPrefix(rs[end:], []rune("镇人民政府")) ||
			r == '村' && start > 0 && stops[start]
	case Community:
		return r == '道' && end+1 < len(rs) && rs[end+1] == '路' || r == '民' && start > 0 && stops[start]
	}
	return false
}

func refJoinsTwo(name []rune) bool {
	for k := 1; k < len(name); k++ {
		if strings.ContainsRune("和与及", name[k]) && (k >= 2 || len(name)-k-1 >= 2) {
			return true
		}
	}
	return false
}

func refNextRung(rs []rune, i int) (EntityType, int) {
	for _, rg := range refLadderRungs {
		if !rg.strict && len(rg.word) >= 2 && refHasPrefix(rs[i:], rg.word) {
			return rg.typ, len(rg.word)
		}
	}
	return "", 0
}

func refNameStart(rs []rune, i, max int, stops []bool) int {
	start := i
	for start > 0 && i-start < max && !stops[start] && text.KindOf(rs[start-1]) == text.Han && !refStopRunes[rs[start-1]] &&
		!refEndsWithAny(rs, start, refStopWords) &&
		!(strings.ContainsRune("和与及或", rs[start-1]) && (start > 1 && stops[start-1] || i-start >= 2)) {
		start--
	}

	for k := start; k < i-2; k++ {
		if rs[k] == '原' {
			start = k + 1
			break
		}
	}

	if start > 1 && start < i && strings.ContainsRune("年月日号", rs[start]) && rs[start-1] >= '0' && rs[start-1] <= '9' {
		start++
	}

	for start > 1 && i-start < max && rs[start-1] == '家' && refClanSurnames[rs[start-2]] && !stops[start] {
		start -= 2
	}

	if i-start >= 2 && strings.ContainsRune("县市省区和与及", rs[start]) {
		start++
	}
	return start
}

var refGazProvinces = strings.Fields(`北京:市 天津:市 上海:市 重庆:市 河北:省 山西:省 辽宁:省 吉林:省 黑龙江:省 江苏:省 浙江:省
安徽:省 福建:省 江西:省 山东:省 河南:省 湖北:省 湖南:省 广东:省 海南:省 四川:省 贵州:省 云南:省 陕西:省 甘肃:省
青海:省 台湾:省 内蒙古:自治区 广西:壮族自治区 西藏:自治区 宁夏:回族自治区 新疆:维吾尔自治区 香港:特别行政区
澳门:特别行政区 西地:省`)

var refGazCities = strings.Fields(`
石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德* 沧州 廊坊 衡水
太原 大同* 阳泉 长治* 晋城 朔州 晋中 运城 忻州 临汾 吕梁
呼和浩特 包头* 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布
沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳* 葫芦岛
长春 辽源 松原 四平* 通化* 白山* 白城*
哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆* 伊春 佳木斯 七台河 牡丹江 黑河* 绥化
南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江* 泰州 宿迁
杭州 宁波 温州 嘉兴 湖州 绍兴 金华* 衢州 舟山 台州 丽水*
合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆* 黄山* 滁州 阜阳 宿州 六安 亳州 池州 宣城
福州 厦门 莆田 三明 泉州 漳州 南平* 龙岩 宁德
南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安* 宜春 抚州 上饶
济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安* 威海 日照* 临沂 德州 聊城 滨州 菏泽
郑州 开封* 洛阳 平顶山 安阳 鹤壁 新乡* 焦作 濮阳 许昌* 漯河 三门峡 南阳 商丘 信阳 周口 驻马店
武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施
长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西
广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源* 阳江* 清远* 东莞 中山* 潮州 揭阳 云浮
南宁 柳州 桂林 梧州 北海* 防城港 钦州 贵港 玉林* 百色 贺州 河池 来宾* 崇左
海口 三亚 三沙 儋州
成都 自贡 攀枝花* 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳
贵阳 六盘水 遵义 安顺 铜仁 毕节
昆明 曲靖 玉溪 保山 昭通 丽江 普洱* 临沧
拉萨 日喀则 昌都 林芝 山南* 那曲
西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康* 商洛
兰州 嘉峪关 金昌 白银* 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南
西宁 海东*
银川 石嘴山 吴忠 固原 中卫*
乌鲁木齐 克拉玛依 吐鲁番 哈密`)

var refGazetteer = func() *refLexicon {
	var words []string
	for _, p := range refGazProvinces {
		name, suf, _ := strings.Cut(p, ":")
		words = append(words, name+suf)
		if name != "西地" {
			words = append(words, name)
		}
	}
	for _, c := range refGazCities {
		name, ambiguous := strings.CutSuffix(c, "*")
		words = append(words, name+"市")
		if !ambiguous {
			words = append(words, name)
		}
	}

	words = append(words, "经济开发区", "经济技术开发区", "高新技术开发区", "高新技术产业开发区", "经开区", "高新区")
	return refNewLexicon(words)
}()

var refGazBare = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range refGazProvinces {
		m[strings.Split(p, ":")[0]] = true
	}
	for _, c := range refGazCities {
		m[c] = true
	}
	return m
}()

func refGazetteerZones(rs []rune) []Entity {
	var out []Entity
	last := -1
	refGazetteer.scan(rs, func(h refHit) {
		if h.pos == last || len(out) > 0 && h.pos < out[len(out)-1].End {
			return
		}
		last = h.pos
		if refGazBare[string(rs[h.pos:h.end])] && (h.pos > 0 && rs[h.pos-1] == '第' || refNamesMore(rs, h.end)) {
			return
		}
		out = append(out, Entity{Type: Zone, Start: h.pos, End: h.end, Score: 0.8})
	})
	return out
}

func refNamesMore(rs []rune, i int) bool {
	if refHasPrefix(rs[i:], []rune("铁路")) || refHasPrefix(rs[i:], []rune("高铁")) {
		return false
	}
	for k := i; k <= i+2 && k < len(rs); k++ {
		if k > i && (text.KindOf(rs[k-1]) != text.Han || refStopRunes[rs[k-1]]) {
			return false
		}
		if refLadderFirst[rs[k]] && refNextRungAny(rs, k) || refStartsWithSuffix(rs[k:]) || refStartsWithOrg(rs[k:]) {
			return true
		}
	}
	return false
}

func refNextRungAny(rs []rune, i int) bool {
	for _, rg := range refLadderRungs {
		if refHasPrefix(rs[i:], rg.word) {
			return true
		}
	}
	return false
}

func refStartsWithOrg(rs []rune) bool {
	for _, sf := range refOrgSuffixes {
		if refHasPrefix(rs, sf.word) {
			return true
		}
	}
	return false
}

var refLevelRank = []core.Urgency{core.UrgencyEmergency, core.UrgencyHurry, core.UrgencyComplex, core.UrgencyNormal}

var (
	refUrgencyNegators = refRunesOf("没有", "防止", "预防", "避免", "是否", "会不会", "以防", "担心", "如果", "万一", "要是",
		"容易", "可能", "一旦", "真要", "怕")

	refUrgencyNegatorRunes = []rune("不没未无别一")
)

func refUrgencyNegated(rs []rune, pos int) bool {
	if pos > 0 && slices.Contains(refUrgencyNegatorRunes, rs[pos-1]) {
		return true
	}
	for k := pos; k >= 0 && k >= pos-3; k-- {
		if k < pos && refIsBoundary(rs[k]) {
			return false
		}
		if refEndsWithAny(rs, k, refUrgencyNegators) {
			return true
		}
	}
	return false
}

var refRequestWords = refRunesOf("请", "尽快", "希望", "要求", "赶紧", "赶快", "早日", "及时", "何时", "什么时候", "能否", "能不能",
	"等待", "等着", "盼", "才能", "还没", "没有", "没")

func refRequested(rs []rune, pos int) bool {
	for k := pos; k >= 0 && k >= pos-4; k-- {
		if k < pos && refIsBoundary(rs[k]) {
			return false
		}
		if refEndsWithAny(rs, k, refRequestWords) {
			return true
		}
	}
	return false
}

const refTitleDiscount = 0.5

func (ru *refRules) Urgency(title, content string) (level core.Urgency, limit time.Duration, reasons []string) {
	var buf [256]float64
	var xs []float64
	if ru.nCues <= len(buf) {
		xs = buf[:ru.nCues]
	} else {
		xs = make([]float64, ru.nCues)
	}
	calm, reasons := ru.counted(xs, title, content)
	var score [4]float64
	for i, x := range xs {
		if x > 0 {
			score[slices.Index(core.Urgencies, ru.Cues[i].Level)] += x * ru.Cues[i].Weight
		}
	}
	level = core.UrgencyNormal
	for _, l := range refLevelRank {
		if score[slices.Index(core.Urgencies, l)] >= 1-1e-9 {
			level = l
			break
		}
	}
	if calm && level == core.UrgencyHurry {
		level = core.UrgencyNormal
		reasons = append(reasons, "来电人表示不急，加急降为一般")
	}
	return level, ru.Limits[level], reasons
}

type refCueHit struct {
	cue      int
	pos, end int
	text     string
}

func (ru *refRules) counted(xs []float64, title, content string) (calm bool, reasons []string) {
	for f, s := range [2]string{title, content} {
		if s == "" {
			continue
		}
		where := "正文"
		if f == 0 {
			where = "标题"
		}
		rs := refFolded(s)
		var hits []refCueHit
		var contexts []refHit
		var solved []int
		var solvedAt refSentenceCursor
		ru.lex.scan(rs, func(h refHit) {
			switch {
			case h.w < ru.nCues:
				hits = ru.keepStronger(hits, refCueHit{h.w, h.pos, h.end, ""})
			case h.w < ru.nCues+ru.nSolved:
				if refRequested(rs, h.pos) {
					return
				}
				s, _ := solvedAt.of(rs, h.pos)
				solved = append(solved, s)
				reasons = append(reasons, fmt.Sprintf("已恢复: %s（%s）", string(rs[h.pos:h.end]), where))
			case h.w < ru.nCues+ru.nSolved+ru.nCalm:
				calm = true
				reasons = append(reasons, fmt.Sprintf("不急: %s（%s）", string(rs[h.pos:h.end]), where))
			default:
				contexts = append(contexts, h)
			}
		})
		if ru.durationCue >= 0 {
			hits = ru.addDurations(hits, rs, ru.durationCue)
		}
		var at refSentenceCursor
		for _, h := range hits {
			c := ru.Cues[h.cue]
			if c.Weight == 0 {
				continue
			}
			shown := c.Text
			if h.text != "" {
				shown = strings.Trim(c.Text, "<>") + "：" + h.text
			}
			if refUrgencyNegated(rs, h.pos) {
				reasons = append(reasons, fmt.Sprintf("不计: %s（%s，前有否定）", shown, where))
				continue
			}
			sentence, nth := at.of(rs, h.pos)
			if slices.Contains(solved, sentence) {
				reasons = append(reasons, fmt.Sprintf("不计: %s（%s，已恢复）", shown, where))
				continue
			}
			if c.Level != core.UrgencyComplex {
				kind, word := ru.context(rs, contexts, h.pos, h.end, sentence, c.Level == core.UrgencyHurry)
				switch {
				case kind != "" && kind != ContextPresent:
					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，%s：%s）", shown, where, kind, word))
					continue
				case c.Level == core.UrgencyEmergency && f == 1 && nth >= 2 && h.pos >= 50 && kind != ContextPresent:

					reasons = append(reasons, fmt.Sprintf("不计: %s（%s，不在开头且未说正在发生）", shown, where))
					continue
				}
			}
			x := 1.0
			if f == 0 && c.Level != core.UrgencyEmergency {

				x = refTitleDiscount
			}
			xs[h.cue] = max(xs[h.cue], x)
			if r := fmt.Sprintf("%s: %s（%s）", c.Level, shown, where); !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
		}
	}
	return calm, reasons
}

func (ru *refRules) keepStronger(hits []refCueHit, h refCueHit) []refCueHit {
	n := len(hits)
	if n == 0 || hits[n-1].end <= h.pos {
		return append(hits, h)
	}
	last := hits[n-1]
	switch {
	case last.pos <= h.pos && h.end <= last.end:
		return hits
	case h.pos <= last.pos && last.end <= h.end:
		hits[n-1] = h
	case ru.stronger(h.cue, last.cue):
		hits[n-1] = h
	}
	return hits
}

func (ru *refRules) stronger(a, b int) bool {
	ca, cb := ru.Cues[a], ru.Cues[b]
	if (ca.Weight == 0) != (cb.Weight == 0) {
		return ca.Weight == 0
	}
	ra, rb := slices.Index(refLevelRank, ca.Level), slices.Index(refLevelRank, cb.Level)
	if ra != rb {
		return ra < rb
	}
	return ca.Weight > cb.Weight
}

func (ru *refRules) addDurations(hits []refCueHit, rs []rune, cue int) []refCueHit {
	var found []refCueHit
	refLongDurations(rs, func(pos, end int, text string) { found = append(found, refCueHit{cue, pos, end, text}) })
	if len(found) == 0 {
		return hits
	}
	all := append(hits, found...)
	slices.SortStableFunc(all, func(a, b refCueHit) int {
		if a.pos != b.pos {
			return a.pos - b.pos
		}
		return b.end - a.end
	})
	out := all[:0:0]
	for _, h := range all {
		out = ru.keepStronger(out, h)
	}
	return out
}

type refSentenceCursor struct{ scanned, start, nth int }

func (c *refSentenceCursor) of(rs []rune, i int) (start, nth int) {
	for ; c.scanned < i; c.scanned++ {
		if refIsSentenceEnd(rs[c.scanned]) {
			c.start, c.nth = c.scanned+1, c.nth+1
		}
	}
	return c.start, c.nth
}

func refIsSentenceEnd(r rune) bool {
	switch r {
	case '。', '!', '?', '！', '？', ';', '；', '\n':
		return true
	}
	return false
}

func (ru *refRules) context(rs []rune, contexts []refHit, pos, end, sentence int, outage bool) (ContextKind, string) {
	cs, ce := pos, end
	for cs > sentence && !refIsBoundary(rs[cs-1]) {
		cs--
	}
	for ce < len(rs) && !refIsBoundary(rs[ce]) {
		ce++
	}
	_, se := refSentenceAt(rs, sentence)
	present := ""
	for _, h := range contexts {
		k := ru.Contexts[h.w-ru.nCues-ru.nSolved-ru.nCalm].Kind
		inClause := h.pos >= cs && h.end <= ce
		inSentence := h.pos >= sentence && h.end <= se
		switch {
		case k == ContextPresent, outage && k == ContextPast && inClause && refHasPrefix(rs[h.pos:h.end], refStillWord):

			if inClause {
				present = string(rs[h.pos:h.end])
			}
		case inClause, inSentence && (k == ContextHazard || k == ContextQuote):
			return k, string(rs[h.pos:h.end])
		}
	}
	if end < len(rs) && rs[end] == '过' {
		return ContextPast, "过"
	}
	if present != "" {
		return ContextPresent, present
	}
	date := ""
	for i := sentence; i < min(se, len(rs))-1 && date == ""; i++ {
		if rs[i] >= '0' && rs[i] <= '9' && (rs[i+1] == '年' || rs[i+1] == '月' || rs[i+1] == '日') {
			date = string(rs[i : i+2])
		}
	}
	if date == "" {
		return "", ""
	}

	if !outage {
		return ContextPast, date
	}
	for _, h := range contexts {
		if ru.Contexts[h.w-ru.nCues-ru.nSolved-ru.nCalm].Kind == ContextPresent && h.pos >= sentence && h.end <= se {
			return ContextPresent, string(rs[h.pos:h.end])
		}
	}
	return ContextPast, date
}

var refStillWord = []rune("至今")

func refSentenceAt(rs []rune, i int) (int, int) {
	for j := i; j < len(rs); j++ {
		if refIsSentenceEnd(rs[j]) {
			return i, j + 1
		}
	}
	return i, len(rs) + 1
}

var (
	refDurationNumerals = []rune("0123456789一二两三四五六七八九十几数多")

	refDurationAfter = []rune("多来了之以有未没不都也还仍时间里过的")

	refDurationSuffixes = refRunesOf("多来", "多了", "以来", "之久", "有余", "多", "来", "了")

	refDurationPrefixes = refRunesOf("已经", "已近", "将近", "长达", "整整", "拖了", "近", "已", "好", "这么")

	refSinceWords = refRunesOf("至今", "到现在", "到目前", "到今天", "以来")
)

func refLongDurations(rs []rune, fn func(pos, end int, text string)) {
	for i := 0; i < len(rs); i++ {
		if rs[i] != '年' {
			continue
		}
		j := i
		for j > 0 && i-j < 5 && slices.Contains(refDurationNumerals, rs[j-1]) {
			j--
		}
		if j == i {
			continue
		}
		if i-j == 4 && refIsDigits(rs[j:i]) {
			if p, ok := refSinceAfter(rs, i+1); ok {
				fn(j, i+1, string(rs[j:i+1])+"…"+string(p))
			}
			continue
		}
		if !refIsLongYears(rs, j, i) {
			continue
		}
		start, end := j, i+1
		for _, p := range refDurationPrefixes {
			if refEndsWithAny(rs, start, [][]rune{p}) {
				start -= len(p)
				break
			}
		}
		for _, s := range refDurationSuffixes {
			if refHasPrefix(rs[end:], s) {
				end += len(s)
				break
			}
		}
		fn(start, end, string(rs[start:end]))
		i = end - 1
	}
}

func refIsLongYears(rs []rune, j, i int) bool {
	num := rs[j:i]
	next := rune(0)
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	if j > 0 && (rs[j-1] == '每' || rs[j-1] == '第') {
		return false
	}
	if next != 0 && !refIsBoundary(next) && !slices.Contains(refDurationAfter, next) {
		return false
	}
	if refIsDigits(num) {
		switch {
		case len(num) == 1 && num[0] >= '2':
			return true
		case len(num) == 1 || num[0] == '0':
			return false
		default:

			return slices.Contains([]rune("多来之以有"), next)
		}
	}
	return len(num) > 1 || num[0] != '一'
}

func refSinceAfter(rs []rune, i int) ([]rune, bool) {
	for k := i; k < len(rs) && !refIsSentenceEnd(rs[k]); k++ {
		for _, w := range refSinceWords {
			if refHasPrefix(rs[k:], w) {
				return w, true
			}
		}
	}
	return nil, false
}

func refIsDigits(rs []rune) bool {
	for _, r := range rs {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(rs) > 0
}

type refIntentCue struct {
	word   string
	intent int
	weight float64
}

var refIntentCues = func() []refIntentCue {
	var cs []refIntentCue
	add := func(intent core.Intent, weight float64, words ...string) {
		i := slices.Index(core.Intents, intent)
		for _, w := range words {
			cs = append(cs, refIntentCue{w, i, weight})
		}
	}
	add(core.IntentInquiry, 3, "咨询", "请问", "问一下", "想问", "问个事", "打听一下")
	add(core.IntentInquiry, 2, "想了解", "了解一下", "怎么办理", "如何办理", "需要什么材料", "需要哪些材料", "带什么材料",
		"什么条件", "怎么申请", "如何申请", "办理流程", "去哪儿办", "去哪办", "在哪里办", "怎么补办", "能不能办",
		"是真的吗", "怎么规定", "怎么交", "给讲清楚", "答复一下", "解释一下")
	add(core.IntentInquiry, 1.2, "标准是", "什么标准", "收费标准", "哪个部门", "找哪个", "归谁管", "多少钱", "可以吗", "行不行",
		"请教", "问问", "何时")

	add(core.IntentInquiry, 0.4, "是否", "如何", "能否", "政策", "流程", "手续")
	add(core.IntentInquiry, 0.8, "什么时候")
	add(core.IntentInquiry, 0.3, "怎么", "有没有", "能不能", "多少", "哪里", "哪天", "办理")
	add(core.IntentHelp, 3, "求助", "求求", "救命", "请求帮助", "请求解决")
	add(core.IntentHelp, 2, "帮忙", "帮帮", "帮个忙", "帮一下", "帮助", "救救", "帮我", "能否上门", "上门办理", "无法自己")
	add(core.IntentHelp, 1.2, "请马上派人", "请尽快派人", "请尽快恢复", "恢复供水", "恢复供电", "请派人", "派人修", "修一下", "维修一下", "需相关部门处置", "请相关部门处置", "困难", "协调一下", "给协调", "派人来看", "派人来", "派人处理", "派人过来", "来看一下", "联系一下相关")
	add(core.IntentHelp, 0.5, "没办法了", "无法", "协调解决", "麻烦", "怎么办")
	add(core.IntentComplaint, 3, "投诉", "投述", "长期得不到解决")
	add(core.IntentComplaint, 2, "不满", "给个说法", "追究责任", "推来推去", "推诿", "不作为", "受不了", "又是我",
		"再反映", "再反应", "老问题", "追究", "暴力执法", "效率低", "效率太低", "效率也太低", "多次反映", "反映过好几次", "严肃处理", "不负责任", "问责")
	add(core.IntentComplaint, 1.2, "一直没解决", "没有解决", "根本没解决", "没人管", "没有下文", "没了下文", "没有动静", "次反映",
		"次反应", "次打电话", "要求尽快解决", "态度差", "态度恶劣", "态度特别不好", "没有结果", "又开始了", "太不像话", "凭什么", "没解决", "动静都没有", "乱七八糟")
	add(core.IntentComplaint, 0.5, "好几次", "还是没", "说了好几次")

	add(core.IntentComplaint, 1.5, "扰民", "严重影响", "侵害", "侵犯", "损害", "维权", "霸王条款", "乱收费", "强行", "强制",
		"拒不", "拒绝", "拖欠", "欠薪", "克扣", "不退", "欺骗", "欺诈", "坑害", "敷衍", "置之不理", "不闻不问", "无人问津",
		"迟迟", "拖延", "至今没有", "至今未", "得不到解决", "无人管", "不管不顾", "恳请", "强烈要求", "请求解决", "讨个说法", "做主")
	add(core.IntentComplaint, 0.8, "为何", "为什么", "凭什么", "影响", "权益", "赔偿", "补偿", "至今", "一直", "要求", "质疑")
	add(core.IntentReport, 3, "举报", "偷排", "依法查处", "实名", "传销", "卖淫", "嫖娼", "赌博", "黑作坊", "偷倒")
	add(core.IntentReport, 2, "违法", "非法", "违规", "查处", "严查", "涉嫌", "无照", "无证", "偷偷", "黑车", "假冒",
		"举报人")
	add(core.IntentReport, 1, "私自", "违章", "私搭乱建", "乱倒", "排放", "怀疑", "倾倒")
	add(core.IntentSuggestion, 3, "建议", "提个建议", "提点建议", "希望增设", "能否考虑", "可否考虑", "意见建议", "提议")
	add(core.IntentSuggestion, 2, "增设", "增加一些", "多设置", "纳入", "出台", "统筹考虑", "多听听", "多宣传", "加强管理",
		"考虑一下", "完善", "优化", "改进", "我觉得可以", "最好能", "就好了")
	add(core.IntentPraise, 3, "表扬", "点赞", "锦旗", "致谢", "记一功", "感谢信")
	add(core.IntentPraise, 2, "感谢", "非常负责", "特别负责", "很负责", "态度特别好", "效率高", "又快又好", "服务热情", "特别热情", "耐心", "认真负责",
		"好人好事")
	add(core.IntentPraise, 1, "满意", "很认真", "辛苦了")
	add(core.IntentPraise, 0.2, "谢谢")
	return cs
}()

var refIntentLex = func() *refLexicon {
	ws := make([]string, len(refIntentCues))
	for i, c := range refIntentCues {
		ws[i] = c.word
	}
	return refNewLexicon(ws)
}()

var (
	refNegators     = refRunesOf("不是", "不想", "不要", "并非", "无意", "不打算", "不算", "不用", "没有要", "并不是", "不需要", "不必", "没什么好", "有什么好", "不值得")
	refNegatorRunes = []rune("不没别未")

	refNotNegation = refRunesOf("不满", "不作为", "不负责任", "不像话")
)

func refNegated(rs []rune, pos int) bool {
	for _, w := range refNotNegation {
		if refHasPrefix(rs[pos:], w) {
			return false
		}
	}
	if pos > 0 && slices.Contains(refNegatorRunes, rs[pos-1]) {
		return true
	}
	for k := pos; k >= 0 && k >= pos-4; k-- {
		if k < pos && refIsBoundary(rs[k]) {
			return false
		}
		if refEndsWithAny(rs, k, refNegators) {
			return true
		}
	}
	return false
}

const (
	refTitleWeight = 2.0
	refFirstWeight = 1.5
)

const refQuestionWeight = 0.6

const (
	refRepeatWeight      = 0.25
	refMaxQuestions      = 2
	refLateInquiryWeight = 0.5
	refLongLetter        = 150
)

const refDefaultPrior = 0.5

func refIntent(title, content string) IntentResult {
	var res IntentResult
	var sc [6]float64
	sc[slices.Index(core.Intents, DefaultIntent)] = refDefaultPrior
	fired := false
	seen := map[int]int{}
	for f, s := range [2]string{title, content} {
		if s == "" {
			continue
		}
		field := "content"
		if f == 0 {
			field = "title"
		}
		orig := []rune(s)
		rs := refFoldRunes(orig)
		firstEnd := len(rs)
		if f == 1 {
			firstEnd = refFirstSentenceEnd(rs)
		}
		refIntentLex.scan(rs, func(h refHit) {
			c := refIntentCues[h.w]

			for _, p := range res.Cues {
				if p.Field == field && p.Start <= h.pos && h.end <= p.End && !(p.Start == h.pos && p.End == h.end) {
					return
				}
			}
			cue := Cue{Label: string(core.Intents[c.intent]), Text: string(orig[h.pos:h.end]),
				Field: field, Start: h.pos, End: h.end}
			if refNegated(rs, h.pos) {
				cue.Negated = true
				res.Cues = append(res.Cues, cue)
				return
			}
			w := c.weight
			switch {
			case f == 0:
				w *= refTitleWeight
			case h.pos < firstEnd:
				w *= refFirstWeight
			}

			if c.intent == 0 && f == 1 && h.pos >= firstEnd && len(rs) > refLongLetter {
				w *= refLateInquiryWeight
			}

			seen[h.w]++
			if seen[h.w] > 1 {
				w *= refRepeatWeight
			}
			cue.Weight = w
			sc[c.intent] += w
			fired = true
			res.Cues = append(res.Cues, cue)
		})

		for k, q := range refQuestions(rs) {
			w := refQuestionWeight
			if k >= refMaxQuestions && f == 1 {
				w = 0
			}
			sc[0] += w
			fired = true
			res.Cues = append(res.Cues, Cue{Label: string(core.IntentInquiry), Text: string(orig[q[0]:q[1]]), Field: field,
				Start: q[0], End: q[1], Weight: w})
		}
	}
	best := 0
	for i := range sc {
		if sc[i] > sc[best] {
			best = i
		}
	}
	res.Intent = core.Intents[best]
	res.Scores = sc
	res.Probs = refSoftmax(sc, refIntentTemperature)
	res.Confidence = res.Probs[best]
	res.Default = !fired
	return res
}

func refSoftmax(sc [6]float64, temp float64) [6]float64 {
	top := slices.Max(sc[:])
	var p [6]float64
	sum := 0.0
	for i, v := range sc {
		p[i] = math.Exp((v - top) / temp)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

const refIntentTemperature = 2.0

func refFirstSentenceEnd(rs []rune) int {
	for i, r := range rs {
		switch r {
		case '。', '!', '?', '！', '？', '.', ';', '；', '\n':
			if i >= 4 {
				return i + 1
			}
		}
	}
	return len(rs)
}

func refQuestions(rs []rune) [][2]int {
	var out [][2]int
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		isQ := r == '?' || r == '？'
		if !isQ && r == '吗' && (i+1 == len(rs) || refIsBoundary(rs[i+1])) {
			isQ = true
		}
		if !isQ {
			continue
		}
		j := i + 1
		for j < len(rs) && (rs[j] == '?' || rs[j] == '？') {
			j++
		}
		if r == '吗' && j < len(rs) && (rs[j] == '?' || rs[j] == '？') {
			for j < len(rs) && (rs[j] == '?' || rs[j] == '？') {
				j++
			}
		}
		out = append(out, [2]int{i, j})
		i = j - 1
	}
	return out
}
