package extract

import (
	"strings"

	"jiceng/internal/text"
)

// The gazetteer of China's provincial units and prefecture-level cities:
// general knowledge, found as ZONE with and without their suffix (广东,
// 广东省; 昆明, 昆明市). A name marked * is also a common word or a name
// (大同, 日照, 安康, 中山): only its suffixed form (大同市) is a place.

// gazProvinces are the 34 provincial units with their full suffix; 西地 is
// the anonymised province of the message board.
var gazProvinces = strings.Fields(`北京:市 天津:市 上海:市 重庆:市 河北:省 山西:省 辽宁:省 吉林:省 黑龙江:省 江苏:省 浙江:省
安徽:省 福建:省 江西:省 山东:省 河南:省 湖北:省 湖南:省 广东:省 海南:省 四川:省 贵州:省 云南:省 陕西:省 甘肃:省
青海:省 台湾:省 内蒙古:自治区 广西:壮族自治区 西藏:自治区 宁夏:回族自治区 新疆:维吾尔自治区 香港:特别行政区
澳门:特别行政区 西地:省`)

// gazCities are the prefecture-level cities (市), by province.
var gazCities = strings.Fields(`
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

// gazetteer finds the names of gazProvinces and gazCities.
var gazetteer = func() *lexicon {
	var words []string
	for _, p := range gazProvinces {
		name, suf, _ := strings.Cut(p, ":")
		words = append(words, name+suf)
		if name != "西地" {
			words = append(words, name)
		}
	}
	for _, c := range gazCities {
		name, ambiguous := strings.CutSuffix(c, "*")
		words = append(words, name+"市")
		if !ambiguous {
			words = append(words, name)
		}
	}
	// Development zones named without a place: 经济开发区, 高新区.
	words = append(words, "经济开发区", "经济技术开发区", "高新技术开发区", "高新技术产业开发区", "经开区", "高新区")
	return newLexicon(words)
}()

// gazBare marks the words of gazetteer that are a bare name.
var gazBare = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range gazProvinces {
		m[strings.Split(p, ":")[0]] = true
	}
	for _, c := range gazCities {
		m[c] = true // an ambiguous name keeps its *, never matches
	}
	return m
}()

// gazetteerZones returns the gazetteer's names in rs, the longest at a
// position.
func gazetteerZones(rs []rune) []Entity {
	var out []Entity
	last := -1
	gazetteer.scan(rs, func(h hit) {
		if h.pos == last || len(out) > 0 && h.pos < out[len(out)-1].End {
			return // a shorter name at the same place, or inside the last one
		}
		last = h.pos
		if gazBare[string(rs[h.pos:h.end])] && (h.pos > 0 && rs[h.pos-1] == '第' || namesMore(rs, h.end)) {
			return // 南阳街, 北京御园, 浙江大学, 长春工业园: the start of a longer name
		}
		out = append(out, Entity{Type: Zone, Start: h.pos, End: h.end, Score: 0.8})
	})
	return out
}

// namesMore reports whether a place or organisation suffix follows at i,
// after at most two Han runes that are not stop runes: the bare name
// before i is then the start of a longer name (南阳街, 北京御园, 浙江大学).
func namesMore(rs []rune, i int) bool {
	if hasPrefix(rs[i:], []rune("铁路")) || hasPrefix(rs[i:], []rune("高铁")) {
		return false // 福州铁路: a railway to the city
	}
	for k := i; k <= i+2 && k < len(rs); k++ {
		if k > i && (text.KindOf(rs[k-1]) != text.Han || stopRunes.has(rs[k-1])) {
			return false
		}
		if ladderFirst.has(rs[k]) && nextRungAny(rs, k) || startsWithSuffix(rs[k:]) || startsWithOrg(rs[k:]) {
			return true
		}
	}
	return false
}

// nextRungAny reports whether a ladder suffix starts at rs[i:].
func nextRungAny(rs []rune, i int) bool {
	if i >= len(rs) {
		return false
	}
	for _, k := range ladderByFirst.of(rs[i]) {
		if hasPrefix(rs[i:], ladderRungs[k].word) {
			return true
		}
	}
	return false
}

// startsWithOrg reports whether rs starts with an organisation suffix.
func startsWithOrg(rs []rune) bool {
	return orgStarts.firstAt(rs) >= 0
}
