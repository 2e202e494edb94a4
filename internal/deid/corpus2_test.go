package deid

import "fmt"

// A second family of clause templates (B), written after the recognizers
// with phrasings that the tables were not tuned on: Beijing-style 门 units,
// dash-only room numbers, labels with 为/是, bare names before 说, mixed
// case e-mail, full IDs with spaces. TestEval -eval.family B uses it.

var clausesB = []clause{
	func(g *gen, d *docBuilder) {
		d.t(g.pick("来电人：", "反映人姓名：", "诉求人姓名", "联系人 ", "姓名 ", "当事人")).pii(Person, g.fullName()).t(g.pick("（男）", "（女）", "，", " ", "，年约七十岁，"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("老党员", "市民", "居民", "物业的", "小区的", "楼长")).pii(Person, g.surname()).t(g.pick("大爷", "阿姨", "先生", "女士", "师傅", "大姐")).t(g.pick("说", "多次来电", "称", "反映"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("。", "；", "，")).pii(Person, g.fullName()).t(g.pick("说", "表示", "反映", "来电称"))
	},
	func(g *gen, d *docBuilder) {
		d.pii(Person, g.fullName()).t(g.pick("女士", "先生", "老师")).t(g.pick("（电话", "（手机")).pii(Phone, g.mobile()).t("）")
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("电话是", "手机号码为", "联系电话为", "电话号码：", "tel:", "Tel ")).pii(Phone, g.phone())
	},
	func(g *gen, d *docBuilder) {
		m := g.mobile()
		d.pii(Phone, m).t(g.pick("（本人）", "（家属）", "为来电人号码"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("身份证：", "证件号码 ", "身份证号码为", "身份证号是")).pii(IDCard, g.idNumber())
	},
	func(g *gen, d *docBuilder) {
		id := g.idNumber()
		d.t("证件号码 ").pii(IDCard, id[:6]+" "+id[6:14]+" "+id[14:])
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("开户行工商银行，账号", "卡号 ", "收款账号为", "社保卡号")).pii(BankCard, g.bankCard(true))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("车牌号码为", "一辆白色轿车（", "机动车", "车号")).pii(Plate, g.plate()).t(g.pick("）", "", "长期停放"))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("护照号码 ", "港澳通行证号码：", "回乡证号", "护照：")).pii(Passport, g.pick("E", "G")+g.digits(8))
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("营业执照号", "企业信用代码", "统一社会信用代码：")).pii(USCC, g.uscc())
	},
	func(g *gen, d *docBuilder) {
		d.t(g.pick("邮箱地址", "发到邮箱 ", "E-mail：")).pii(Email, g.pick("Zhang_San", "WangLi", "li.na", "chen-jun")+g.digits(2)+"@"+g.pick("Company.COM.CN", "vip.163.com", "qq.com", "yeah.net"))
	},
	func(g *gen, d *docBuilder) {
		l, id := g.imID()
		d.t(g.pick("加我", "对方", "")).t(g.pick(l, "微信号:", "QQ:", "加我微信 ")).pii(IMID, id)
	},
	func(g *gen, d *docBuilder) {
		b := fmt.Sprint(g.between(1, 25))
		room := fmt.Sprintf("%d%02d", g.between(1, 20), g.between(1, 8))
		var det string
		switch g.r.IntN(6) {
		case 0:
			det = b + "号楼" + fmt.Sprint(g.between(1, 6)) + "门" + room
		case 1:
			det = b + "-" + fmt.Sprint(g.between(1, 6)) + "-" + room
		case 2:
			det = b + "号楼" + room
		case 3:
			det = fmt.Sprint(g.between(1, 200)) + "号" + b + "号楼"
		case 4:
			det = g.pick("十二", "七", "二十") + "号楼" + room + "室"
		case 5:
			det = b + "栋" + fmt.Sprint(g.between(1, 4)) + "单元" + fmt.Sprint(g.between(2, 30)) + "楼" + room
		}
		if g.r.IntN(6) == 3 {
			d.t(g.road()).pii(Address, det)
		} else {
			d.t(g.pick("住", "在", "家住", "")).t(g.compound()).pii(Address, det)
		}
		d.t(g.pick("东侧", "的业主", "，", "楼下"))
	},
	func(g *gen, d *docBuilder) {
		// 王某, 李某某: a name already partly hidden is still a name (the
		// real-text gold set's convention).
		neg := g.pick("2024年03月05日", "投诉3次", "工单号：BJ2024030500123", "金额：1,234元", "身份证复印件2份", "排名第3", "编号：110101",
			"维修基金12万元", "4S店", "已办结", "提供门牌号", "加装电梯", "高度约2米", "周围三个小区", "方便居民", "张贴公告", "任何单位", "于是又来电",
			"江边公园", "王府井大街", "第2单元门口", "5层以上", "两栋楼之间", "王某反映", "李某某称", "3月5日", "早上7点", "共3户", "电话打不通",
			"手机号已停机", "车位不足", "100085", "6月份", "热线12345", "拨打110")
		switch neg {
		case "王某反映":
			d.pii(Person, "王某").t("反映")
		case "李某某称":
			d.pii(Person, "李某某").t("称")
		default:
			d.t(neg)
		}
	},
	func(g *gen, d *docBuilder) { d.t(g.pick(issues...)) },
}

func genCorpusB(seed uint64, n int) []doc {
	g := newGen(seed)
	docs := make([]doc, n)
	for i := range docs {
		var d docBuilder
		k := g.between(3, 8)
		for j := 0; j < k; j++ {
			clausesB[g.r.IntN(len(clausesB))](g, &d)
			d.t(g.pick("，", "。", "；", "，", " "))
		}
		docs[i] = doc{Text: d.b.String(), Gold: d.gold}
	}
	return docs
}
