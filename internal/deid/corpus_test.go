package deid

import "fmt"

// clause writes one clause of a ticket text into d.
type clause func(g *gen, d *docBuilder)

var issues = []string{
	"楼道灯坏了很久没人修", "小区门口占道经营严重", "楼上漏水把天花板泡坏了", "夜间施工噪音扰民", "垃圾清运不及时有异味",
	"电梯经常停运老人上下楼不便", "暖气不热室温只有十五度", "路面塌陷存在安全隐患", "物业费收费不透明", "楼下饭店油烟扰民",
	"共享单车乱停放堵塞消防通道", "下水道堵塞污水外溢", "小区绿地被私自圈占种菜", "违章搭建影响采光", "停车位被长期占用",
}

var negatives = []func(g *gen) string{
	func(g *gen) string { return "工单编号GD" + g.birth(2023, 2025) + g.digits(4) },
	func(g *gen) string { return "订单号" + g.birth(2023, 2025) + g.digits(g.between(4, 8)) },
	func(g *gen) string { return g.birth(2023, 2025) },
	func(g *gen) string {
		return fmt.Sprintf("%d-%02d-%02d", g.between(2020, 2025), g.between(1, 12), g.between(1, 28))
	},
	func(g *gen) string {
		return fmt.Sprintf("%d年%d月%d号", g.between(2020, 2025), g.between(1, 12), g.between(1, 28))
	},
	func(g *gen) string {
		return fmt.Sprintf("金额%d,%03d.%02d元", g.between(1, 99), g.r.IntN(1000), g.r.IntN(100))
	},
	func(g *gen) string { return fmt.Sprintf("%d元", g.between(50, 9000)) },
	func(g *gen) string { return "邮编" + g.pick("100085", "100020", "200120", "518000", "310012") },
	func(g *gen) string { return fmt.Sprintf("%d:%02d", g.between(6, 23), g.r.IntN(60)) },
	func(g *gen) string { return fmt.Sprintf("共有%d栋楼", g.between(2, 30)) },
	func(g *gen) string { return fmt.Sprintf("%d栋楼都停水", g.between(2, 9)) },
	func(g *gen) string { return fmt.Sprintf("地铁%d号线", g.between(1, 16)) },
	func(g *gen) string { return fmt.Sprintf("%d室%d厅", g.between(1, 4), g.between(1, 2)) },
	func(g *gen) string { return "12345热线" },
	func(g *gen) string { return g.pick("95588", "95533", "10086", "12315", "96110") },
	func(g *gen) string { return "400-" + g.digits(3) + "-" + g.digits(4) },
	func(g *gen) string { return "快递单号SF" + g.digits(12) },
	func(g *gen) string { return fmt.Sprintf("住在%d楼", g.between(2, 30)) },
	func(g *gen) string { return fmt.Sprintf("面积%d.%d平方米", g.between(40, 200), g.r.IntN(10)) },
	func(g *gen) string { return fmt.Sprintf("已经%d次反映", g.between(2, 9)) },
	func(g *gen) string { return fmt.Sprintf("有%d户居民", g.between(3, 90)) },
	func(g *gen) string {
		return g.pick("周围", "高度", "方便", "王府井", "张贴", "任何", "于是", "江边", "马上", "安全", "常常", "白天", "金额", "时间", "明天", "文明", "石子路", "黄色")
	},
	func(g *gen) string {
		return g.pick("物业张贴了通知", "周围邻居都有意见", "高度超过了三米", "希望尽快处理方便居民出行", "于是打了电话", "江边步道的路灯", "王府井附近", "任何人都不管")
	},
	func(g *gen) string { return "受理号" + g.digits(10) },
	func(g *gen) string { return "批次" + g.digits(6) },
	func(g *gen) string { return fmt.Sprintf("温度%d度", g.between(10, 35)) },
	func(g *gen) string { return "第" + fmt.Sprint(g.between(2, 9)) + "号窗口" },
}

var clauses = []clause{
	// caller introduces themselves
	func(g *gen, d *docBuilder) {
		d.t(g.pick("", "您好，", "市民来电：", "来电反映：")).t(g.pick(genPrefix...)).pii(Person, g.fullName())
		d.t(g.pick("，", "，住", "来电，", "反映，", "称"))
	},
	func(g *gen, d *docBuilder) {
		s := g.surname()
		d.t(g.pick("", "来电人", "市民", "业主")).pii(Person, s).t(g.pick(genHonor...)).t(g.pick("来电反映", "反映", "称", "表示", "来电"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("请", "已联系", "转告", "由", "已通知")).t(g.pick("物业", "社区", "网格员", "")).pii(Person, g.fullName()).t(g.pick(genHonor...)).t(g.pick("处理", "回复", "跟进", "到场查看"))
	},
	func(g *gen, d *docBuilder) {
		d.t("，").pii(Person, g.fullName()).t(g.pick("反映", "来电称", "表示", "投诉"))
	},
	// phones
	func(g *gen, d *docBuilder) {
		d.t(g.pick("联系电话", "电话：", "手机号", "联系方式：", "回电号码", "手机", "请拨打", "致电")).pii(Phone, g.phone())
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("，", "（", " ")).pii(Phone, g.mobile()).t(g.pick("", "）", "，"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("座机", "电话")).t(g.pick("", "：")).pii(Phone, g.pick("6", "8", "5")+g.digits(7))
	},
	// ids
	func(g *gen, d *docBuilder) {
		d.t(g.pick("身份证号", "身份证号码：", "证件号", "公民身份号码", "身份证")).pii(IDCard, g.idNumber())
	},
	func(g *gen, d *docBuilder) {
		id := g.idNumber()
		if g.chance(0.5) {
			// A typo in the check character: found through the context.
			last := id[17]
			bad := byte('0' + (int(last-'0')+1+g.r.IntN(8))%10)
			if last == 'X' || last == 'x' {
				bad = '3'
			}
			id = id[:17] + string(bad)
			d.t(g.pick("身份证号", "身份证号码")).pii(IDCard, id)
			return
		}
		if g.chance(0.3) {
			p := provCodes[g.r.IntN(len(provCodes))]
			d.t("老身份证号").pii(IDCard, fmt.Sprintf("%02d%04d%s%03d", p, g.r.IntN(10000), g.birth(1940, 1999)[2:], g.r.IntN(1000)))
			return
		}
		d.t("，").pii(IDCard, id).t("，")
	},
	// bank cards
	func(g *gen, d *docBuilder) {
		d.t(g.pick("银行卡号", "卡号：", "退款账号", "工资卡", "银行账户")).pii(BankCard, g.bankCard(true))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("打到", "转至", "")).pii(BankCard, luhnFix("62"+g.pick("22", "28", "17", "14", "15"), g.pick2(16, 19), g)).t(g.pick("这张卡", "", "上"))
	},
	// plates
	func(g *gen, d *docBuilder) {
		d.t(g.pick("车牌号", "车牌", "一辆", "号牌为", "")).pii(Plate, g.plate()).t(g.pick("的车长期占用车位", "的车辆堵住消防通道", "僵尸车", "，"))
	},
	// uscc
	func(g *gen, d *docBuilder) {
		d.t(g.pick("统一社会信用代码", "信用代码：", "该公司（", "商户")).pii(USCC, g.uscc()).t(g.pick("", "）", "，"))
	},
	// passports
	func(g *gen, d *docBuilder) {
		c, n := g.passport()
		d.t(c).t(g.pick("", "：", "号")).pii(Passport, n)
	},
	// email
	func(g *gen, d *docBuilder) {
		d.t(g.pick("邮箱", "电子邮箱：", "请回复至", "Email: ", "")).pii(Email, g.email()).t(g.pick("", "，", "。"))
	},
	// IM
	func(g *gen, d *docBuilder) {
		l, id := g.imID()
		d.t(g.pick("", "加", "我的")).t(l).t(g.pick("", " ")).pii(IMID, id)
	},
	// addresses
	func(g *gen, d *docBuilder) {
		d.t(g.pick("住", "家住", "地址：", "位于", "我家在", "")).t(g.pick("朝阳区", "海淀区", "", "")).t(g.compound()).pii(Address, g.detail())
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("门牌号", "地址", "位于", "在")).t(g.road()).pii(Address, fmt.Sprint(g.between(1, 300))+g.pick("号", "号院", "号"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.compound()).pii(Address, g.detail()).t(g.pick("的住户", "门口", "楼道", "外墙", "楼下"))
	},
	// issue descriptions and hard negatives
	func(g *gen, d *docBuilder) { d.t(g.pick(issues...)) },
	func(g *gen, d *docBuilder) { d.t(g.pick(issues...)).t("，").t(negatives[g.r.IntN(len(negatives))](g)) },
	func(g *gen, d *docBuilder) { d.t(negatives[g.r.IntN(len(negatives))](g)) },
	func(g *gen, d *docBuilder) { d.t(negatives[g.r.IntN(len(negatives))](g)).t(g.pick("，", "", "。")) },
}

// genCorpus returns n documents of 3–8 clauses each.
func genCorpus(seed uint64, n int) []doc {
	g := newGen(seed)
	docs := make([]doc, n)
	for i := range docs {
		var d docBuilder
		k := g.between(3, 8)
		for j := 0; j < k; j++ {
			clauses[g.r.IntN(len(clauses))](g, &d)
			d.t(g.pick("，", "。", "；", "，", " "))
		}
		docs[i] = doc{Text: d.b.String(), Gold: d.gold}
	}
	return docs
}
