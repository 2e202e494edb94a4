package extract

import (
	"slices"
	"strings"

	"jiceng/internal/text"
)

// rung is one suffix of the administrative ladder: NAME + word is a place
// of type typ when NAME has min..max Han runes.
type rung struct {
	word     []rune
	typ      EntityType
	min, max int
	strict   bool    // a common word ending (苑, 院, 园): the name must not end a common word
	score    float64 // confidence of a match
}

func rungs(typ EntityType, min, max int, strict bool, score float64, ws ...string) []rung {
	var out []rung
	for _, w := range ws {
		out = append(out, rung{word: folded(w), typ: typ, min: min, max: max, strict: strict, score: score})
	}
	return out
}

// ladderRungs are tried at each position, longest word first.
var ladderRungs = func() []rung {
	rs := slices.Concat(
		rungs(Town, 2, 5, false, 0.85, "街道"),
		rungs(Town, 2, 4, false, 0.8, "镇", "乡"),
		rungs(Community, 2, 6, false, 0.85, "社区"),
		rungs(Zone, 2, 3, false, 0.7, "新区"),
		rungs(Zone, 2, 4, false, 0.75, "开发区", "高新区", "新港区", "经开区"),
		rungs(Community, 2, 4, false, 0.75, "村"),
		rungs(Compound, 2, 7, false, 0.85, "小区", "花园", "家园", "嘉园", "公寓", "新村", "新城", "宿舍", "华庭", "雅居", "雅苑",
			"名苑", "名园", "安置区", "平房区", "家属院", "家属区", "大院", "宿舍区", "生活区", "山庄", "公馆", "府邸", "国际城", "城邦",
			"北里", "南里", "东里", "西里", "名门", "帝景", "明珠", "华府", "名城", "名都", "世界城", "新世界", "新视界", "府地", "水岸"),
		rungs(Compound, 2, 4, true, 0.6, "苑", "园", "湾", "郡", "城"),
		rungs(Road, 2, 2, false, 0.85, "高速公路", "高速"),
		rungs(Road, 2, 6, false, 0.85, "大街", "胡同", "大道", "国道", "省道", "公路", "连接线", "环线", "路", "街", "巷", "弄"),
	)
	slices.SortStableFunc(rs, func(a, b rung) int { return len(b.word) - len(a.word) })
	return rs
}()

var (
	ladderByFirst = newRuneGroups(len(ladderRungs), func(i int) (rune, bool) { return ladderRungs[i].word[0], true })
	ladderFirst   = ladderByFirst.keys
	ladderStarts  = newStartFilter(func() (ws [][]rune) {
		for _, rg := range ladderRungs {
			ws = append(ws, rg.word)
		}
		return ws
	}())
)

// stopWords end a name read backwards from a suffix: a place name does not
// contain them (影响小区, 之前小区, 进出小区, 我们村).
var stopWords = runesOf("之前", "以前", "目前", "当前", "现在", "影响", "进出", "居民", "我们", "你们", "他们", "整个", "所在", "所属",
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

var stopWordEnds = newEndings(stopWords)

// isConnector reports whether r is one of 和与及或.
func isConnector(r rune) bool { return r == '和' || r == '与' || r == '及' || r == '或' }

// clanSurnames are common surnames that name villages and towns with 家
// (张家湾, 李家村, 陈家桥乡).
var clanSurnames = runeSetOf("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤易伍聂文欧阳罗左柳童")

// genericNames are whole names that make a generic reference or a common
// word of name + suffix: 本小区, 乡镇, 城乡, 农村, 马路, 道路.
var genericNames = func() map[string]bool {
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

// cityBadEnd are name endings that make NAME城 a town or a market, not a
// residential compound: 县城, 进城, 绕城, 同城, 商贸城, 美食城, 电脑城.
const cityBadEnd = "县省市京进出古老新全满山皇都名长围卫主入攻筑倾空边绕环同返开旧小融拉走一二两三四五六七八九十贸配食玩拿商脑材烤虾体品"

// genericTails end a longer phrase that is not a town or village: 从事城
// 乡, 扶持贫困村.
var genericTails = map[string]bool{"城乡": true, "贫困村": true, "行政村": true, "自然村": true, "城中村": true, "新农村": true,
	"示范村": true, "空心村": true, "乡镇": true, "城镇": true}

// strictBadEnd are endings of a strict suffix's name that make a common
// word: 医院, 学院, 幼儿园, 港湾, 公园.
var strictBadEnd = runeSetOf("医法学剧影庭寺书科究察区楼屋城村群心夜手车店子公乐校游动植物果菜庄道间面外内堂场厅房梯库儿业技件化流创田陵墓茶港海河台")

// afterBad are runes that make the suffix part of a longer common word:
// 路上, 路灯, 路线, 街头, 村民, 乡镇 …
var afterBad = map[EntityType]string{
	Road:      "上边面灯况线费人过途程基牌网由子径数口段头坊区", // 口/段 end the road: handled apart
	Community: "民级干庄落子委道",
	Town:      "村长党镇里办",
	Compound:  "子面头长林艺区村",
}

// ladder finds the places of the ladder below the zone by their suffix,
// left to right: NAME + suffix, NAME read backwards until a stop rune, a
// stop word, a non-Han rune, the start of the text or the end of a place
// found before (stops[i]).
func ladder(rs []rune, stops []bool) []Entity {
	var out []Entity
	for i := 0; i < len(rs); i++ {
		if !ladderStarts.may(rs, i) {
			continue
		}
		for _, k := range ladderByFirst.of(rs[i]) {
			rg := &ladderRungs[k]
			if !hasPrefix(rs[i:], rg.word) {
				continue
			}
			end := i + len(rg.word)
			if rg.typ == Road && rg.word[0] == '路' && end < len(rs) && rs[end] == '口' && i > 0 && strings.ContainsRune("十字岔路", rs[i-1]) {
				continue
			}
			start := nameStart(rs, i, rg.max, stops)
			if i-start < rg.min {
				continue
			}
			if end < len(rs) && strings.ContainsRune(afterBad[rg.typ], rs[end]) && !afterOK(rs, *rg, start, end, stops) {
				continue
			}
			if strings.ContainsRune("两三四五几多各数", rs[i-1]) && i-start == 2 && rg.typ != Road && rg.typ != Compound {
				continue // 系三镇, 几个村: a count
			}
			if rg.typ == Town && rg.word[0] == '镇' && strings.ContainsRune("乡城村集", rs[i-1]) ||
				rg.typ == Community && rg.word[0] == '村' && strings.ContainsRune("农乡渔", rs[i-1]) {
				continue // 乡镇, 城镇, 农村, 乡村
			}
			if rg.strict && strictBadEnd.has(rs[i-1]) {
				continue
			}
			if rg.word[0] == '城' && (strings.ContainsRune(cityBadEnd, rs[i-1]) || nextRungAny(rs, end) ||
				end < len(rs) && strings.ContainsRune("市区管乡镇中关里内外墙北南东西郊际建投门铁", rs[end])) {
				continue // 县城, 绕城, 城市, 城管, 商贸城: a town or a market; 北津城路: a longer name
			}
			if rg.typ == Road && rg.word[0] == '高' && end < len(rs) && rs[end] == '铁' {
				continue // 衡福高速铁路: a railway
			}
			// 本小区, 农村, 马路; a generic tail too: 一条水泥路, 从事城乡 (unless
			// the ladder proves the name: C1区长城乡).
			generic := genericNames[string(rs[start:end])]
			for k := start + 1; rg.typ == Road && k < i && !generic; k++ {
				generic = genericNames[string(rs[k:end])]
			}
			for k := start + 1; (rg.typ == Town || rg.typ == Community) && !stops[start] && k < i && !generic; k++ {
				generic = genericTails[string(rs[k:end])]
			}
			if rg.typ != Road && rg.typ != Compound && joinsTwo(rs[start:i]) {
				continue // 村民和开发区, 村干部和镇政府: two names, not one
			}
			if rs[i-1] == '组' && rg.typ == Community {
				continue // 五组村民: the village group's villagers
			}
			if generic || rs[i-1] == '之' {
				continue
			}
			e := Entity{Type: rg.typ, Start: start, End: end, Score: rg.score}
			switch rg.typ {
			case Road:
				e.Value = string(rs[start:end])
				// 车站路小区, 太平路社区, 北路街道: a place named after the road.
				if t, n := nextRung(rs, end); t != "" && t != Road {
					e.Type, e.End, e.Value = t, end+n, ""
				}
			case Community:
				if t, n := nextRung(rs, end); t == Compound && n > 0 && rg.word[0] == '村' {
					e.Type, e.End = Compound, end+n // 金龙村小区
				}
			case Compound:
				// 春江帝景湾, 春江帝景湾小区: a one-rune suffix after a
				// compound word still names it.
				if k := e.End; !rg.strict && k < len(rs) && strings.ContainsRune("湾苑园郡城府", rs[k]) &&
					(k+1 == len(rs) || text.KindOf(rs[k+1]) != text.Han || nextRungAny(rs, k+1)) {
					e.End++
				}
				if j := compoundPart(rs, e.End); j > e.End {
					if isASCIILetter(rs[e.End]) {
						// 教师新村C区: a lettered part locates a building.
						out = append(out, Entity{Type: Building, Start: e.End, End: j, Score: 0.7})
					} else {
						e.End = j // 一区, 二期, 东区
					}
				}
				if t, n := nextRung(rs, e.End); t == Compound {
					e.End += n // 德馨园小区
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

// afterOK reports whether a rune of afterBad after a suffix still ends a
// place: 路口, 路段 (not part of the road); 街道办; 荷叶镇镇政府; 村道路; a
// 村民 or 镇村 right after a place of the ladder (荷塘镇集坪村民, D4区呆鹰
// 岭镇村民), where the ladder proves the name.
func afterOK(rs []rune, rg rung, start, end int, stops []bool) bool {
	r := rs[end]
	switch rg.typ {
	case Road:
		// 三一路上: a road on which, when nothing but a place or the
		// start of a clause is before it (not 下班路上).
		return r == '口' || r == '段' || r == '区' ||
			r == '上' && (rg.word[0] != '路' || start == 0 || stops[start] || text.KindOf(rs[start-1]) != text.Han)
	case Town:
		return r == '办' && rg.word[0] == '街' || hasPrefix(rs[end:], []rune("镇政府")) || hasPrefix(rs[end:], []rune("镇人民政府")) ||
			r == '村' && start > 0 && stops[start]
	case Community:
		return r == '道' && end+1 < len(rs) && rs[end+1] == '路' || r == '民' && start > 0 && stops[start]
	}
	return false
}

// joinsTwo reports whether a name holds a connector (和, 与, 及) with two
// runes or more on one side: 村干部和镇, 局和下蒋乡, but 太和村, 和平镇.
func joinsTwo(name []rune) bool {
	for k := 1; k < len(name); k++ {
		if strings.ContainsRune("和与及", name[k]) && (k >= 2 || len(name)-k-1 >= 2) {
			return true
		}
	}
	return false
}

// nextRung returns the type and length of a non-strict suffix at rs[i:].
func nextRung(rs []rune, i int) (EntityType, int) {
	if i >= len(rs) {
		return "", 0
	}
	for _, k := range ladderByFirst.of(rs[i]) {
		rg := &ladderRungs[k]
		if !rg.strict && len(rg.word) >= 2 && hasPrefix(rs[i:], rg.word) {
			return rg.typ, len(rg.word)
		}
	}
	return "", 0
}

// nameStart reads a name backwards from i, at most max runes.
func nameStart(rs []rune, i, max int, stops []bool) int {
	start := i
	for start > 0 && i-start < max && !stops[start] && text.KindOf(rs[start-1]) == text.Han && !stopRunes.has(rs[start-1]) &&
		!stopWordEnds.at(rs, start) &&
		!(isConnector(rs[start-1]) && (start > 1 && stops[start-1] || i-start >= 2)) {
		start--
	}
	// 原上马乡: 原 (former) before a name of two runes or more.
	for k := start; k < i-2; k++ {
		if rs[k] == '原' {
			start = k + 1
			break
		}
	}
	// 2016年11月毛里湖镇: a date is not part of a name.
	if start > 1 && start < i && strings.ContainsRune("年月日号", rs[start]) && rs[start-1] >= '0' && rs[start-1] <= '9' {
		start++
	}
	// 史家坳村, 陈家桥乡: SURNAME 家 inside a name, where 家 alone stops it.
	for start > 1 && i-start < max && rs[start-1] == '家' && clanSurnames.has(rs[start-2]) && !stops[start] {
		start -= 2 // the clan name starts the place name
	}
	// A stray 县/市/省/区 left of a name is the end of a zone (X县安平镇), a
	// connector its start (和城乡).
	if i-start >= 2 && strings.ContainsRune("县市省区和与及", rs[start]) {
		start++
	}
	return start
}
