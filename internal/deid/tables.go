package deid

import "strings"

// runeSet is a bitset over the Basic Multilingual Plane: one table lookup
// per rune keeps the scanner's hot loop free of map access.
type runeSet [1 << 16 / 64]uint64

func (s *runeSet) add(r rune) {
	if r >= 0 && r < 1<<16 {
		s[r>>6] |= 1 << (uint(r) & 63)
	}
}

func (s *runeSet) has(r rune) bool {
	return r >= 0 && r < 1<<16 && s[r>>6]&(1<<(uint(r)&63)) != 0
}

func (s *runeSet) addAll(chars string) {
	for _, r := range chars {
		s.add(r)
	}
}

// singleSurnames are the most frequent single-character family names
// (about 300, from the public census frequency lists). Characters that are
// also very common function words (于, 向, 和 ...) are listed in
// funcSurnames too, which makes them weaker starts of a name.
const singleSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由洪阎钮" +
	// more of the census list, and the traditional forms a letter may use (楊书记)
	"赖傅萧郗庹逄隗笪谯禄鄂宦眭缑郦贝韶邴訾桓宓汲糜蓬仰钭蓟璩濮郏庾暨殳厍乜蒯竺" +
	"楊陳劉張黃趙吳鄭謝許鄧蕭蔣葉蘇呂盧鍾譚陸錢賀顧龔嚴賴"

// compoundSurnames are two-character family names.
var compoundSurnames = []string{
	"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "澹台", "端木", "独孤", "南宫",
	"西门", "百里", "呼延", "赫连", "申屠", "太史", "闻人", "万俟", "司空", "东郭",
	"公冶", "濮阳", "淳于", "单于", "仲孙", "拓跋", "纳兰", "完颜", "第五", "左丘",
}

// funcSurnames are surnames that are also frequent function words or word
// starts: they begin a name only right before an honorific or after a
// boundary, never by stretching a shorter candidate backwards.
const funcSurnames = "班于向和由来都国平时明成全高方常文安海强利信相初门云容敬展幸富原计应区居位那查盘楼花官乐单解车房路管宫师卫水山书红东南上下中小大老新好多双业保市院"

// givenChars are characters frequent in given names. A character in this
// set is accepted as a given name even when it is also a surname.
const givenChars = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇鹏飞浩鑫波宁俊峰婷雪琳晶丹慧嘉欣怡雯颖佳悦琪瑶凤梅琴云莉蓉燕丽娟玲倩春香淑珍荣翠兵国庆志新建民永生海林东亮成中光福德寿山金祥贵喜兴旺昌盛安宏龙虎彪鸿博远航翔毅坤晨阳浩然子轩梓涵诗雨思睿泽宸一诺若汐皓铭昊天佑晓颖璐琦蕾薇菲岚洁秋月彤冰琳媛瑞婉静莹晴萌晗煜宁恒康宝家豪锦程卓君庭伦尧舜禹武斌彬凯旭升俊杰楠楠芝兰珊敏捷晖炜烨熙霖瀚钧铎嘉懿璇瑾瑜珂璋琛晟昕晔暄曦朗达维谦逸哲雅静娴淑贤妍姝娇媚婧倩菲霏露霜雯沁清源涛澜波潇洛浚淇渊泓涵沛沐溪澄润滨晓琳桃细菊娥满冬财富根保忠良仁义礼智信孝友乐正坚胜功立卫雄松柏森泉湘岳衡银铁钢锋锐炎焱灿煌淋弘威诚昭芬妹娣姣莲荷茂勤俭克振兆祖宗邦继绍培育槐柳枝青碧鹤莺鸣凰麟骏驰腾群" +
	// seen in names the cues find in real letters, and their kin
	"庚嵘甫迪贻跃蕊凡伯柱亚朝奇仲启植洪顺纯惠扬怀谋健初增星仁贤丰厚铮钰珠琼佩彩艺宪孟季叔欢甜萱茜芸芹蓓莎娅妮姗"

// nameStops are characters that do not occur inside a given name but often
// right after a name: particles, verbs of reporting, measure and address
// words. A candidate given name stops before them.
const nameStops = "多次均皆仍才刚必须并的了是在和与及或找给叫请向跟对把被让说称讲问住家电手联反来表投报致因为所要想已也都就还又再很太非等啊吗呢吧呀某年月日号楼栋室区路街院单元层户小大老先女师阿同经主书生士姐哥爷奶叔婶姨妈爸儿子们这那他她它我你您其此该各每某有无没不可能会将已经从到于以由向往至对即便并且而但却则若如如果虽然所以因此同时另外等等市区县镇乡村组社部门局委办站所处科队中心公司物业业主居民反映投诉诉求来电称表示要求希望认为"

// commonWords are frequent words that begin with a surname character. A
// name candidate whose first two characters form one of them is dropped
// (高度, 方便, 周围, 王府井 ...): these are the hard negatives of person
// recognition.
var commonWords = strings.Fields(`
高度 高层 高兴 高温 高峰 高空 高速 高架 高压 高中 高校 高低 高档 高大 高处 高铁 高新 高价
方便 方面 方式 方法 方向 方案 方位 方才
周围 周边 周末 周一 周二 周三 周四 周五 周六 周日 周期 周年 周到 周转
王府 王府井 王国
张贴 张开 张家 张望
任何 任务 任意 任职 任期
于是 于今
江边 江南 江北 江岸 江面
黄色 黄金 黄昏 黄豆 黄瓜 黄河
白天 白色 白班 白菜 白酒 白领
金额 金属 金融 金色 金钱 金牌
安全 安装 安排 安置 安静 安心 安稳 安保 安监
常常 常见 常用 常年 常规 常住 常态 常驻 常务
时间 时候 时期 时段 时常 时刻 时效 时限
明天 明显 明年 明确 明白 明细 明亮 明日 明早
文件 文明 文化 文字 文具 文体 文章
石头 石子 石板 石材
万一 万元 万分 万家
马上 马路 马桶 马达
向前 向后 向上 向下 向东 向西 向南 向北 向着 向外 向内 向日
和平 和谐 和睦
谈话 谈判 谈论 谈恋爱 符合 付款 付费 严肃
许多 许可
余下 余额
林地 林木 林荫
孔洞
严重 严格 严禁 严厉
华丽
成本 成为 成功 成立 成果 成员 成绩 成交 成熟 成都
全部 全体 全国 全面 全市 全区 全天 全年 全程 全新 全家 全是
海边 海鲜 海淀 海报
强烈 强制 强行 强度
利用 利益 利息
信息 信号 信件 信用 信访 信箱 信任
相关 相应 相邻 相同 相互 相当 相比
初步 初次 初中
门口 门前 门卫 门禁 门面 门诊 门窗 门店 门牌 门外 门内 门头
云端
容易 容量
敬请
展开 展示 展览
幸福 幸好
富裕
原来 原因 原则 原先 原有 原址 原告
计划 计算 计费
应该 应当 应急 应对 应用
路面 路口 路灯 路段 路边 路上 路过 路线 路况 路由
楼道 楼下 楼上 楼梯 楼房 楼顶 楼内 楼层 楼宇
田地
水平
邻居
宁静
雷雨 雷电
龙头
车辆 车位 车库 车主 车牌 车棚 车道 车站 车费
房屋 房子 房间 房东 房主 房产 房租 房价 房顶
关于 关系 关注 关闭 关心 关键 关门
管理 管道 管网 管线 管控 管辖
司机 车牌 车号 维修 保修 装修 检修 返修
商户 商家 商铺 商场 商店 商业 包工 万达
曾经 曾多 何时 何处 何地 何况 何必 毛病 毛巾 钱包 胡同 胡乱 林业 杨树 柳树 梅花 章程 程度 程序 谢谢 许久 杜绝 范围 汪洋 洪水 宁可 宁愿 祝贺 董事 齐全 庄稼 严肃 陆续 陆地 解放 解除 景观 景区 石油 包含 包括 秦岭 韩国
江苏 江西 甘肃 吉林 宁夏 宁波 贵州 贵阳 海南 海口 安徽 安阳 杭州 南京 武汉 郑州 沈阳 石家庄 太原 济南 合肥 南昌 福州 昆明 兰州 洛阳 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 丰台 通州 顺义 房山 大兴 昌平 平谷 密云 延庆 石景山 怀柔
历史 部门 音乐 语文 党史 居委 村委 项目 客户
楼长 楼门长 楼组长
项目
公民 公共 公开 公安 公交 公司 公园 公示 公告 公厕 公摊 公众
银行 银色
包括 包裹 包装
施工
单位 单元 单独 单号 单价
连续 连接 连日
解决 解释 解答
党员 党委 党建 党支部
宫殿
卫生 卫星 卫浴
游戏 游客 游泳
国家 国内 国外 国庆 国际
平台 平时 平方 平米 平常 平安 平均
都是 都有 都在 都要 都没
由于
来电 来访 来说 来自 来往
和他 和她 和我
居住 居委 居民
区域 区别
花园 花坛 花草
燕郊
乐园
云南
公积 华润 华夏 华联 万科 万达 米兰
有关 相关 攸关 机关 海关 公关 把关 骨干 若干 主干 树干 能干 苦干
明察 公职 如何 申张 公信 杨柳 罗汉 大熊 付清 付款 付费 未曾 儿童 工程 照顾 模范 不顾 其余 路程 凌晨 岳母 岳父 许发 何生 坑子 索取 费用 任课 揭发 江淮 国安 公布 解聘 农历 商谈 干什 门槛 公正 宾馆 左右 单方 公然 严惩 应重 那些 那个 时制 柴棍 包屁 元钱 原系 原来 家庭 对方 呼吁 母亲 母子 母女 父亲 父母 权益 权利 权力 权威 权限 钱财 钱款 普遍 普通 简直 万般 万分 敬上 敬礼 敬爱 商量 商议 修建 修改 修复 修理 施压 施行 国土 国人 来人 来发 来信 焦急 焦虑 支持 支付 殷殷 殷切 郑重 蒙哄 蒙骗 强拆 强调 强烈 房款 房贷 门进 门领 门票 门上 门检 顾客 顾及 农民 农妇 农村 农田 农业 和员 和房 和家 和协 和学 和老 和奶 和书 和先 和女 和儿 和其 和他 和相 向政 向中 向领 向平 向班 向有 向社 向区 向市 向上 向我 向他 位领 位名 位于 任解 任副 任何 任职 任组 区政 区里 区领 社区 前任 现任 上任 原任 新任 继任 时任 兼任 担任 主任 这位 那位 哪位 一位 该位 每位 两位 几位 各位 诸位 此位 本位 总支 支部 主管 何坚 童权 尚未 成一 司一 司进 司刘 关事 曾出 曾经 常听 明明 相信 班班 麻烦 文章 高级 高二 高一 高三 门口 谢谢 感谢 多谢 但听 方强 连班
`)

// commonPairs holds the two-character commonWords, keyed by their runes.
var commonPairs = func() map[uint64]bool {
	m := make(map[uint64]bool, len(commonWords))
	for _, w := range commonWords {
		if r := []rune(w); len(r) == 2 {
			m[uint64(r[0])<<32|uint64(uint32(r[1]))] = true
		}
	}
	return m
}()

// Honorifics and titles that follow a name (王先生, 李建国师傅). A bare
// surname before one of them is a PERSON too.
var honorifics = []string{
	"先生", "女士", "小姐", "阿姨", "大爷", "大妈", "大姐", "大哥", "大叔", "大娘", "大婶",
	"奶奶", "爷爷", "师傅", "老师", "经理", "同志", "主任", "书记", "医生", "律师",
	"警官", "科长", "处长", "局长", "所长", "队长", "组长", "站长", "老太太", "老先生", "姐", "哥",
	"市长", "县长", "区长", "镇长", "乡长", "村长", "厂长", "院长", "校长", "部长", "厅长", "庭长", "行长",
	"社长", "会长", "省长", "董事长", "总经理", "主席", "支书", "教授", "总监", "专干",
	"政委", "台长", "馆长", "秘书", "干事", "专员", "科员", "指导员", "教导员", "参谋", "主管",
	"局", "总", // 邓局您好, 周总: read only before a clause end or a greeting (shortTitleOK)
}

// titlesBeforeName are the honorifics that are also titles a name follows
// (书记廖祎, 主任张佑天, 局长黄志立).
var titlesBeforeName = map[string]bool{
	"书记": true, "主任": true, "经理": true, "局长": true, "科长": true, "处长": true, "所长": true, "队长": true,
	"组长": true, "站长": true, "老师": true, "医生": true, "律师": true, "警官": true, "市长": true, "县长": true,
	"区长": true, "镇长": true, "乡长": true, "村长": true, "厂长": true, "院长": true, "校长": true, "部长": true,
	"厅长": true, "庭长": true, "行长": true, "社长": true, "会长": true, "董事长": true, "总经理": true, "主席": true,
	"支书": true, "专干": true, "政委": true, "台长": true, "馆长": true, "秘书": true, "干事": true, "专员": true,
	"科员": true, "指导员": true, "教导员": true,
}

// strictPrefixes are titles, roles and kinship words that a name often
// follows (法人尹华录, 开发商老板X, 配偶唐忠红) but ordinary words too (业主权益,
// 母亲焦急): after them a name must end where names end.
var strictPrefixes = []string{
	"业主", "市民", "居民", "住户", "租户", "房东", "邻居", "老人", "其子", "其女", "女儿", "儿子", "丈夫", "妻子",
	"母亲", "父亲", "家属", "联系", "告知", "转告", "通知", "找到",
	"法人", "法人代表", "法定代表人", "老板", "干警", "民警", "职工", "员工", "会计", "出纳", "办事员", "教师",
	"同学", "配偶", "爱人", "老公", "老婆", "哥哥", "弟弟", "姐姐", "妹妹", "婆婆", "公公", "儿媳", "女婿", "孙子",
	"侄子", "村民", "董事", "股东", "承包人", "包工头", "开发商", "被告", "原告", "受害人", "患者", "学生", "同事",
	"朋友", "亲戚", "叫", "我名", "村干部", "被举报人", "被投诉人", "代表", "嫌疑人", "行为人", "被告人", "上诉人", "申诉人", "控告人", "我妻", "我夫", "死者",
	"领导", "老乡", "人员", "工作人员", "司机", "保安", "门卫", "保姆", "村支书", "网格长", "村主任",
}

// weakRoles are the strictPrefixes that precede a verb as often as a name
// (领导查明, 人员来收取): after them a name needs a plain surname and a
// frequent given-name character (领导何俊喜, 司机唐松伟).
var weakRoles = map[string]bool{"领导": true, "老乡": true, "人员": true, "工作人员": true, "司机": true, "保安": true, "门卫": true, "保姆": true}

// namePrefixes are context words that a name follows (我叫张伟, 联系人：李娜).
var namePrefixes = []string{
	"我叫", "我是", "本人", "名叫", "联系人", "来电人", "姓名", "户主",
	"反映人", "诉求人", "投诉人", "举报人", "申请人", "当事人",
	"委托人", "代理人", "负责人", "网格员",
	"报案人", "报告人", "具报人", "求助人", "请求人", "留言人", "信访人", "检举人", "来信人",
}

// nameVerbs are words that follow a name when it starts a clause
// (，张伟反映……). They only count when the name starts at a boundary.
var nameVerbs = []string{"来电", "反映", "表示", "称", "投诉", "致电", "诉称", "说", "要求", "希望", "咨询", "举报",
	"巡查", "发现", "上报", "报告", "指出", "认为", "介绍",
	// what the people a letter complains of do (，唐新建违规排污, 肖富外私自建设)
	"违规", "违法", "私自", "多次", "非法", "强行", "擅自", "依靠", "指使", "带领", "殴打", "打伤", "威胁", "拒绝",
	"答应", "承认", "声称", "告诉", "利用", "仗着", "伙同", "纠集", "霸占", "侵占", "为首", "同志", "连同", "组织",
	// a notice or a letter addressing its reader (，王营建你于2014年)
	"你于", "您于"}

// provinceAbbr are the one-character province abbreviations that start a
// licence plate (GA 36-2018).
const provinceAbbr = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领楚"

// chineseNumerals may number a building or unit (三号楼, 二单元).
const chineseNumerals = "一二三四五六七八九十零〇"

// roadChars end a road or lane name; a number right after one is a house
// number (幸福路18号).
const roadChars = "路街巷道里弄胡同村坊组"

// nonGiven are characters that follow a surname character in ordinary
// words (权益, 门进行, 区政府, 向领导) and practically never occur in a given
// name.
const nonGiven = "们府导进行央员查访台益票个章施压拆款调接遍般简直商量据未责况题件房医费寓姓宿舍册誉证凳命去入出曾"

// plainSurnames are frequent surnames that seldom start a word: with them
// a cue-less name needs only one frequent given-name character.
const plainSurnames = "王李张刘陈杨黄赵吴周徐孙朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭汪范廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯陶黎贺顾毛郝龚邵覃戴莫汤易颜倪聂章鲁岳翟殷詹申欧耿焦俞左柳祝童凌裴涂"

var (
	anySet      runeSet // cueSet and the surnames together
	cueSet      runeSet // triggerSet, plainSurSet, closerSet and openerSet together
	closerSet   runeSet
	openerSet   runeSet // the full-width marks after which repeatedNames looks for a name
	wordFirst   runeSet // first runes of commonWords
	plainSurSet runeSet
	nonGivenSet runeSet
	surnameSet  runeSet
	funcSurSet  runeSet
	givenSet    runeSet
	stopSet     runeSet
	provinceSet runeSet
	numeralSet  runeSet
	roadSet     runeSet
	// triggerSet holds the first rune of every CJK context word the scanner
	// reacts to, plus plate and numeral starts: any other CJK rune is
	// skipped with one table look-up.
	triggerSet runeSet
	// compoundFirst holds the first rune of every compound surname.
	compoundFirst runeSet
	// markerSets maps a trigger rune to the context words starting with it,
	// longest first (see markersOf); built in init.
	markerSets = map[rune][]marker{}
	// markerIdx indexes markerList by rune: an array look-up instead of a
	// map access on the scanner's hot path.
	markerIdx  [1 << 16]uint16
	markerList = [][]marker{nil}
)

type markerKind uint8

const (
	mkHonorific markerKind = iota + 1
	mkPrefix
	mkPrefixStrict
	mkVerb
	mkIM
	mkSurname       // 我姓王: a surname alone
	mkSurnameBefore // 该李姓主管: a surname alone, before 姓
)

type marker struct {
	text string
	kind markerKind
}

// markersOf returns the context words that start with r, longest first.
func markersOf(r rune) []marker {
	if r < 0 || r >= 1<<16 {
		return nil
	}
	return markerList[markerIdx[r]]
}

func init() {
	nonGivenSet.addAll(nonGiven)
	plainSurSet.addAll(plainSurnames)
	surnameSet.addAll(singleSurnames)
	funcSurSet.addAll(funcSurnames)
	givenSet.addAll(givenChars)
	stopSet.addAll(nameStops)
	provinceSet.addAll(provinceAbbr)
	numeralSet.addAll(chineseNumerals)
	roadSet.addAll(roadChars)
	for _, c := range compoundSurnames {
		for _, r := range c {
			compoundFirst.add(r)
			break
		}
	}
	add := func(words []string, k markerKind) {
		for _, w := range words {
			var first rune
			for _, r := range w {
				first = r
				break
			}
			triggerSet.add(first)
			markerSets[first] = append(markerSets[first], marker{w, k})
		}
	}
	add(honorifics, mkHonorific)
	add(namePrefixes, mkPrefix)
	add(strictPrefixes, mkPrefixStrict)
	add(nameVerbs, mkVerb)
	add([]string{"微信号", "微信", "微信ID", "企业微信"}, mkIM)
	add([]string{"我姓", "本人姓", "免贵姓", "贵姓", "姓氏"}, mkSurname)
	add([]string{"个姓", "位姓", "名姓"}, mkSurname)
	add([]string{"姓"}, mkSurnameBefore)
	for r, ms := range markerSets {
		// Longest first, so that 来电人 wins over 来电.
		for i := 1; i < len(ms); i++ {
			for j := i; j > 0 && len(ms[j].text) > len(ms[j-1].text); j-- {
				ms[j], ms[j-1] = ms[j-1], ms[j]
			}
		}
		markerSets[r] = ms
		if r < 1<<16 {
			markerIdx[r] = uint16(len(markerList))
			markerList = append(markerList, ms)
		}
	}
	triggerSet.addAll(provinceAbbr)
	triggerSet.addAll(chineseNumerals)
	triggerSet.add('幺')
	triggerSet.add('某')
	triggerSet.add('（')
	closerSet.addAll(nameClosers)
	openerSet.addAll(clauseOpeners)
	triggerSet.addAll(nameClosers)
	for _, w := range commonWords {
		for _, r := range w {
			wordFirst.add(r)
			break
		}
	}
	triggerSet.add('＋')
	for k := range anySet {
		cueSet[k] = triggerSet[k] | plainSurSet[k] | closerSet[k] | openerSet[k]
		anySet[k] = cueSet[k] | surnameSet[k]
	}
	initScored()
}
