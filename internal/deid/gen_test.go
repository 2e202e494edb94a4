package deid

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// The evaluation corpus: seeded synthetic ticket texts with exact gold
// spans. Its word lists are its own (not the recognizer's tables) and
// include surnames, given-name characters and formats the recognizers were
// not written for, so that the figures are not a mirror of the tables.

type goldSpan struct {
	Type       Type
	Start, End int // runes
}

type doc struct {
	Text string
	Gold []goldSpan
}

type docBuilder struct {
	b     strings.Builder
	runes int
	gold  []goldSpan
}

func (d *docBuilder) t(s string) *docBuilder {
	d.b.WriteString(s)
	d.runes += utf8.RuneCountInString(s)
	return d
}

func (d *docBuilder) pii(t Type, s string) *docBuilder {
	n := utf8.RuneCountInString(s)
	d.gold = append(d.gold, goldSpan{t, d.runes, d.runes + n})
	return d.t(s)
}

type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }
func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// Word lists of the generator.
var (
	genSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲滕屈饶艾尤穆农卓吉缪简项麦褚娄窦戚岑费卜冷晏席米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻迟邝封谈匡鞠惠荆冀郁胥栗燕楚鄢劳谌奚皮粟冼蔺闻厉伊仝郜阚权帅屠朴练廉禹井祖漆巴支卿狄宣晋芮扈晁阙浦戈伏鹿邸雍辜羊乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危亢嵇湛宾戎勾茅揭檀昝智衡")
	genCompound = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "司徒", "夏侯", "公孙", "端木"}
	// Given-name characters, partly outside the recognizer's list.
	genGiven    = []rune("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇鹏飞浩鑫波宁俊峰婷雪琳晶丹慧嘉欣怡雯颖佳悦琪瑶凤梅琴云莉蓉燕娟玲倩春香淑珍荣翠兵庆志新永海亮光福德寿山金祥贵喜兴昌盛宏龙鸿博远航翔毅坤晨阳然子轩梓涵诗雨思睿泽一诺汐皓铭昊佑璐琦蕾薇菲岚洁秋月彤冰媛瑞婉莹晴萌晗煜恒康宝豪锦程卓君庭伦凯旭升楠芝珊晖炜烨熙霖瀚钧嘉璇瑾瑜珂琛晟昕晔曦朗达维谦逸哲雅娴贤妍姝婧霏露沁源澜潇洛浚淇渊泓沛沐溪澄润滨桐柯茜蔚芸蓓莎薇黛玥旻曜骁骏弘毓韬")
	genHonor    = []string{"先生", "女士", "阿姨", "大爷", "大妈", "师傅", "老师", "经理", "同志", "大姐", "奶奶", "主任", "小姐"}
	genPrefix   = []string{"我叫", "我是", "联系人", "联系人：", "业主", "来电人", "姓名：", "户主", "市民", "诉求人", "反映人", "联系人:", "本人", "居民"}
	genCompWord = []string{"阳光", "幸福", "和平", "建设", "光明", "朝阳", "金秋", "锦绣", "翠湖", "望京", "花园", "丽景", "龙泉", "桃源", "康乐", "东风", "新华", "枫林", "长安", "清河"}
	genCompSuf  = []string{"小区", "花园", "家园", "嘉园", "公寓", "新村", "苑", "里", "大厦", "社区"}
	genRoad     = []string{"路", "街", "大街", "大道", "巷", "胡同"}
	provAbbr    = []rune("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
	provCodes   = []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65}
)

func (g *gen) surname() string {
	if g.chance(0.04) {
		return genCompound[g.r.IntN(len(genCompound))]
	}
	return string(genSurnames[g.r.IntN(len(genSurnames))])
}

func (g *gen) fullName() string {
	n := g.surname()
	k := 2
	if g.chance(0.35) {
		k = 1
	}
	for i := 0; i < k; i++ {
		n += string(genGiven[g.r.IntN(len(genGiven))])
	}
	return n
}

func (g *gen) birth(lo, hi int) string {
	y := g.between(lo, hi)
	m := g.between(1, 12)
	d := g.between(1, daysIn(y, m))
	return fmt.Sprintf("%04d%02d%02d", y, m, d)
}

func (g *gen) idNumber() string {
	p := provCodes[g.r.IntN(len(provCodes))]
	first := fmt.Sprintf("%02d%04d%s%03d", p, g.r.IntN(10000), g.birth(1935, 2012), g.r.IntN(1000))
	s := first + string(IDCheckChar(first))
	if strings.HasSuffix(s, "X") && g.chance(0.3) {
		s = strings.TrimSuffix(s, "X") + "x"
	}
	return s
}

func (g *gen) mobile() string {
	return "1" + g.pick("3", "4", "5", "6", "7", "8", "9") + g.digits(9)
}

func (g *gen) phone() string {
	m := g.mobile()
	switch g.r.IntN(14) {
	case 0:
		return m[:3] + " " + m[3:7] + " " + m[7:]
	case 1:
		return m[:3] + "-" + m[3:7] + "-" + m[7:]
	case 2:
		return "+86" + m
	case 3:
		return "+86 " + m
	case 4:
		return "+86-" + m[:3] + "-" + m[3:7] + "-" + m[7:]
	case 5:
		return "0086" + m
	case 6:
		return "010-" + g.pick("6", "8", "5") + g.digits(7)
	case 7:
		return g.pick("0755", "0571", "0512", "0931", "0371") + "-" + g.pick("2", "8", "6") + g.digits(7)
	case 8:
		return "(" + g.pick("010", "021", "022") + ")" + g.pick("6", "5") + g.digits(7)
	case 9:
		return g.pick("010", "021") + "-" + g.pick("6", "8") + g.digits(7) + g.pick("转", "-", "转") + g.digits(g.between(2, 4))
	case 10:
		return "（" + g.pick("0755", "0351") + "）" + g.pick("8", "2") + g.digits(7)
	case 11:
		return "+86 " + m[:3] + " " + m[3:7] + " " + m[7:]
	}
	return m
}

func luhnFix(prefix string, n int, g *gen) string {
	body := prefix + g.digits(n-len(prefix)-1)
	for c := byte('0'); c <= '9'; c++ {
		if luhn(body + string(c)) {
			return body + string(c)
		}
	}
	return body + "0"
}

func (g *gen) bankCard(ctx bool) string {
	n := g.pick("16", "19", "19", "16", "18", "17")
	ln := int(n[1]-'0') + 10
	prefix := g.pick("62", "6222", "6228", "6217", "6214", "621", "4", "5")
	var c string
	if g.chance(0.85) || !ctx {
		c = luhnFix(prefix, ln, g)
		if prefix == "4" || prefix == "5" {
			c = luhnFix(prefix, 16, g)
		}
	} else {
		c = "62" + g.digits(ln-2)
	}
	if g.chance(0.25) && (len(c) == 16 || len(c) == 19) {
		var parts []string
		for i := 0; i < len(c); i += 4 {
			e := i + 4
			if e > len(c) {
				e = len(c)
			}
			parts = append(parts, c[i:e])
		}
		return strings.Join(parts, " ")
	}
	return c
}

func (g *gen) plate() string {
	p := string(provAbbr[g.r.IntN(len(provAbbr))])
	letters := "ABCDEFGHJKLMNPQRSTUVWXY"
	l := string(letters[g.r.IntN(len(letters))])
	sep := g.pick("", "", "", "·", "-", "·")
	switch g.r.IntN(6) {
	case 0:
		return p + l + sep + g.pick("D", "F") + g.digits(5)
	case 1:
		return p + l + sep + g.digits(5) + g.pick("D", "F")
	case 2:
		return p + l + sep + g.digits(4) + g.pick("学", "挂", "警")
	case 3:
		return p + l + sep + string(letters[g.r.IntN(len(letters))]) + g.digits(4)
	}
	return p + l + sep + g.digits(5)
}

func (g *gen) uscc() string {
	p := provCodes[g.r.IntN(len(provCodes))]
	mid := make([]byte, 9)
	for i := range mid {
		if g.chance(0.3) {
			mid[i] = usccChars[10+g.r.IntN(len(usccChars)-10)]
		} else {
			mid[i] = byte('0' + g.r.IntN(10))
		}
	}
	first := g.pick("91", "92", "12", "52", "93", "11") + fmt.Sprintf("%02d%04d", p, g.r.IntN(10000)) + string(mid)
	return first + string(USCCCheckChar(first))
}

func (g *gen) passport() (ctx, num string) {
	switch g.r.IntN(6) {
	case 0:
		return g.pick("护照号", "护照号码", "护照"), "E" + g.digits(8)
	case 1:
		return g.pick("护照号", "护照"), "E" + string("ABCDEFGHJKLMNPQRSTUVWXYZ"[g.r.IntN(24)]) + g.digits(7)
	case 2:
		return "护照", "G" + g.digits(8)
	case 3:
		return g.pick("回乡证", "港澳居民来往内地通行证"), g.pick("H", "M") + g.digits(g.pick2(8, 10))
	case 4:
		return g.pick("港澳通行证", "往来港澳通行证"), "C" + g.pick("", "A", "B", "D") + g.digitsFix(8)
	}
	return g.pick("台湾通行证", "台胞证"), g.pick("T", "") + g.digits(8)
}

func (g *gen) pick2(a, b int) int {
	if g.chance(0.5) {
		return a
	}
	return b
}

func (g *gen) digitsFix(n int) string { return g.digits(n) }

var pinyin = []string{"zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "hu", "zhu", "gao", "lin", "he", "guo", "ma", "luo", "xiaoming", "lili", "wei", "fang", "jun", "hua", "tao", "yan"}

func (g *gen) email() string {
	local := g.pick(pinyin...)
	switch g.r.IntN(4) {
	case 0:
		local += g.digits(g.between(2, 6))
	case 1:
		local += g.pick(".", "_") + g.pick(pinyin...)
	case 2:
		local = g.digits(g.between(6, 10))
	}
	return local + "@" + g.pick("qq.com", "163.com", "126.com", "gmail.com", "sina.com", "foxmail.com", "example.org.cn", "bjedu.gov.cn", "outlook.com")
}

func (g *gen) imID() (label, id string) {
	if g.chance(0.5) {
		return g.pick("QQ", "QQ号", "QQ号码", "qq", "QQ："), g.pick("1", "2", "3", "5", "8", "9") + g.digits(g.between(5, 10))
	}
	label = g.pick("微信号", "微信", "微信号：", "WeChat:", "wechat ", "微信：")
	id = g.pick(pinyin...) + g.pick("_", "", "-", "_") + g.pick(pinyin...) + g.digits(g.between(0, 4))
	for len(id) < 6 {
		id += g.digits(1)
	}
	if g.chance(0.2) {
		id = "wxid_" + strings.ToLower(fmt.Sprintf("%x", g.r.Uint32()))
	}
	return label, id
}

func (g *gen) compound() string {
	return g.pick(genCompWord...) + g.pick(genCompSuf...)
}

func (g *gen) road() string {
	return g.pick(genCompWord...) + g.pick(genRoad...)
}

// detail returns a detailed address part; the generator's grammar is wider
// than the examples in the brief.
func (g *gen) detail() string {
	b := func() string { return fmt.Sprint(g.between(1, 30)) }
	room := func() string { return fmt.Sprintf("%d%02d", g.between(1, 28), g.between(1, 12)) }
	switch g.r.IntN(14) {
	case 0:
		return b() + "号楼" + fmt.Sprint(g.between(1, 6)) + "单元" + room() + "室"
	case 1:
		return b() + "栋" + room()
	case 2:
		return b() + "号院" + b() + "号楼"
	case 3:
		return string("ABCDEFG"[g.r.IntN(7)]) + "座" + room()
	case 4:
		return b() + "号楼" + fmt.Sprint(g.between(1, 6)) + "-" + room()
	case 5:
		return b() + "幢" + room() + "室"
	case 6:
		return b() + "号楼" + fmt.Sprint(g.between(1, 6)) + "单元"
	case 7:
		return fmt.Sprint(g.between(1, 6)) + "单元" + room()
	case 8:
		return room() + "室"
	case 9:
		return b() + "号楼"
	case 10:
		return b() + "栋" + fmt.Sprint(g.between(1, 6)) + "单元" + room() + "室"
	case 11:
		return g.pick("一", "二", "三", "五", "八") + "号楼" + g.pick("一", "二", "三") + "单元" + room()
	case 12:
		return b() + "号楼" + fmt.Sprint(g.between(2, 30)) + "层" + room() + "室"
	}
	return b() + "号院"
}
