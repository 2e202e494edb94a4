package deid

import (
	"strings"
	"testing"
	"unicode/utf8"
)

type want struct {
	typ  Type
	text string
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"id18", "身份证号110101199003074514。", []want{{IDCard, "110101199003074514"}}},
		{"id18 X", "证件11010519491231002X", []want{{IDCard, "11010519491231002X"}}},
		{"id18 lower x", "身份证11010519491231002x，", []want{{IDCard, "11010519491231002x"}}},
		{"id18 bad check with context", "身份证号110101199003074515", []want{{IDCard, "110101199003074515"}}},
		{"id18 bad check without context", "数字110101199003074515", nil},
		{"id15 legacy", "老证件号110101900307451", []want{{IDCard, "110101900307451"}}},
		{"id spaced", "证件号码 110101 19900307 4514", []want{{IDCard, "110101 19900307 4514"}}},
		{"mobile", "电话13812345678", []want{{Phone, "13812345678"}}},
		{"mobile spaced", "手机 138 1234 5678 联系", []want{{Phone, "138 1234 5678"}}},
		{"mobile dashed", "138-1234-5678", []want{{Phone, "138-1234-5678"}}},
		{"mobile +86", "+86 13812345678", []want{{Phone, "+86 13812345678"}}},
		{"mobile +86 grouped", "+86 138 1234 5678", []want{{Phone, "+86 138 1234 5678"}}},
		{"mobile 0086", "0086-13812345678", []want{{Phone, "0086-13812345678"}}},
		{"landline", "座机010-62345678", []want{{Phone, "010-62345678"}}},
		{"landline 4-digit area", "0755-12345678", []want{{Phone, "0755-12345678"}}},
		{"landline parens", "(010)62345678", []want{{Phone, "(010)62345678"}}},
		{"landline full-width parens", "（021）62345678", []want{{Phone, "（021）62345678"}}},
		{"landline extension 转", "010-62345678转123", []want{{Phone, "010-62345678转123"}}},
		{"landline extension dash", "010-62345678-123", []want{{Phone, "010-62345678-123"}}},
		{"local with context", "电话：62345678", []want{{Phone, "62345678"}}},
		{"service 95", "请拨打95588咨询", nil},
		{"service 400", "客服400-810-8888", nil},
		{"service 400 plain", "客服4008108888", nil},
		{"hotline 12345", "12345热线", nil},
		{"bank 62 with context", "卡号6222020200112233446", []want{{BankCard, "6222020200112233446"}}},
		{"bank-like without luhn or context", "数字7222020200112233446", nil},
		{"bank grouped", "银行卡6222 0212 3456 7890 123", []want{{BankCard, "6222 0212 3456 7890 123"}}},
		{"bank luhn", "转到4111111111111111", []want{{BankCard, "4111111111111111"}}},
		{"bank no luhn with context", "银行卡号6212345678901234", []want{{BankCard, "6212345678901234"}}},
		{"plate", "京A12345", []want{{Plate, "京A12345"}}},
		{"plate dot", "车牌沪A·B1234", []want{{Plate, "沪A·B1234"}}},
		{"plate new energy", "粤BD12345的车", []want{{Plate, "粤BD12345"}}},
		{"plate new energy suffix", "京A12345F", []want{{Plate, "京A12345F"}}},
		{"plate coach", "京A1234学", []want{{Plate, "京A1234学"}}},
		{"plate police", "京A1234警", []want{{Plate, "京A1234警"}}},
		{"plate with I", "京I12345", nil},
		{"uscc bad check with context", "统一社会信用代码91110108MA01KPGM3X", []want{{USCC, "91110108MA01KPGM3X"}}},
		{"uscc bad check without context", "代号91110108MA01KPGM3X", nil},
		{"passport E", "护照E12345678", []want{{Passport, "E12345678"}}},
		{"passport EA", "护照号EA1234567", []want{{Passport, "EA1234567"}}},
		{"home return permit", "回乡证H1234567801", []want{{Passport, "H1234567801"}}},
		{"hk permit", "港澳通行证C12345678", []want{{Passport, "C12345678"}}},
		{"tw compatriot permit", "台胞证12345678", []want{{Passport, "12345678"}}},
		{"email", "邮箱zhang.san@example.com。", []want{{Email, "zhang.san@example.com"}}},
		{"email digits", "123456@qq.com", []want{{Email, "123456@qq.com"}}},
		{"qq", "QQ 12345678", []want{{IMID, "12345678"}}},
		{"qq号", "QQ号：123456789", []want{{IMID, "123456789"}}},
		{"qq glued", "加qq12345678", []want{{IMID, "12345678"}}},
		{"mobile glued to Tel", "Tel13800138002", []want{{Phone, "13800138002"}}},
		{"mobile glued both sides", "call13800138002now", []want{{Phone, "13800138002"}}},
		{"mobile glued before letters", "13800138002abc请回电", []want{{Phone, "13800138002"}}},
		{"id glued to ID", "ID110105198001011238", []want{{IDCard, "110105198001011238"}}},
		{"id X glued", "no11010519491231002Xok", []want{{IDCard, "11010519491231002X"}}},
		{"bank glued to card", "card6222021234567890003", []want{{BankCard, "6222021234567890003"}}},
		{"landline glued", "TEL01062345678", []want{{Phone, "01062345678"}}},
		{"short digits glued are not pii", "A3区iPhone15型号X2000", nil},
		{"wechat", "微信号 abc_123", []want{{IMID, "abc_123"}}},
		{"wechat english", "WeChat: zhangsan88", []want{{IMID, "zhangsan88"}}},
		{"bare number is not IM", "12345678", nil},
		// Real citizen text (issue 12): titles, masked names, words that are not names.
		{"title 总经理", "公司总经理陈明拒绝退款", []want{{Person, "陈明"}}},
		{"title 法人", "该公司法人尹华录是人大代表", []want{{Person, "尹华录"}}},
		{"title 开发商老板", "开发商老板曾华国找不到人", []want{{Person, "曾华国"}}},
		{"title 书记 then name", "社区书记廖祎违规办酒", []want{{Person, "廖祎"}}},
		{"title 副局长", "找了林副局长，", []want{{Person, "林"}}},
		{"title 主任 before", "嵩山办事处颜主任说", []want{{Person, "颜"}}},
		{"cue-less name before a mark", "，陈昭英，每月工资", []want{{Person, "陈昭英"}}},
		{"title, name, soft stop", "原支部书记肖富外私自建设", []want{{Person, "肖富外"}}},
		{"cue-less bare name", "由罗斌华经营的店", []want{{Person, "罗斌华"}}},
		{"bare name not a place", "黄兴新村的村民", nil},
		{"role then two-character name", "网络公司何斌等领导", []want{{Person, "何斌"}}},
		{"colon run is a name", "举报人：杨和清　电话", []want{{Person, "杨和清"}}},
		{"one-character title", "邓局您好，", []want{{Person, "邓"}}},
		{"not a title 旅游局", "A4区旅游局的领导", nil},
		{"place title 乡长", "官庄乡长连村", nil},
		{"a word then a name", "感谢易书记", []want{{Person, "易"}}},
		{"common word 学生时期", "学生时期正是成长期", nil},
		{"masked 某某", "欠款由邱某某、刘某某承担", []want{{Person, "邱某某"}, {Person, "刘某某"}}},
		{"masked 某 given", "举报陈某军。", []want{{Person, "陈某军"}}},
		{"某 before a noun", "于某日在某公司", nil},
		{"name list", "村民陈华雄、朱峰桂等人", []want{{Person, "陈华雄"}, {Person, "朱峰桂"}}},
		{"name again", "我叫汤良国，派出所说汤良国偷鸭", []want{{Person, "汤良国"}, {Person, "汤良国"}}},
		{"not a name 权益", "侵害业主权益，", nil},
		{"not a name 强调", "领导强调，", nil},
		{"not a name 向政府", "业主向政府反映", nil},
		{"not a name 位领导", "这位领导表示", nil},
		{"not a name 门进行", "向有关部门进行投诉", nil},
		{"not a name 马王堆", "我是马王堆陶瓷建材新城的住户", nil},
		{"not a name 社区主任", "社区主任到现场", nil},
		{"not a name 和老师", "，和老师打电话", nil},
		{"thanks then surname", "谢谢易书记！", []want{{Person, "易"}}},
		{"not a name 区长安", "朝阳区长安花园", nil},
		{"masked id full-width", "身份证４３０３２２１９５６０*******，", []want{{IDCard, "４３０３２２１９５６０*******"}}},
		{"masked id stars", "身份证号码：*****************，", []want{{IDCard, "*****************"}}},
		{"masked phone stars", "电话*****************，", []want{{Phone, "*****************"}}},
		{"masked phone zeros", "联系电话：0000-00000000", []want{{Phone, "0000-00000000"}}},
		{"own mask output", "138****5678、110***********1234、4301**************", nil},
		{"plate 楚", "车牌楚A43942，", []want{{Plate, "楚A43942"}}},
		{"plate before list number", "车牌湘A123456、车主", []want{{Plate, "湘A12345"}}},
		{"wechat class group", "微信abc123班级群", nil},
		{"address lettered building", "住E6栋2单元", []want{{Address, "E6栋2单元"}}},
		{"address district code", "A市A3区洋湖", nil},
		{"address same building", "同一栋的住户", nil},
		{"address each building", "每一栋都有", nil},
		{"address building before date", "3栋12月起漏水", []want{{Address, "3栋"}}},
		{"address building then floors", "盖起一栋32层高楼", nil},
		{"address building range", "（A14-16栋）", []want{{Address, "A14-16栋"}}},
		{"address lettered part", "教师新村C区留条路", []want{{Address, "C区"}}},
		{"address count 步梯房", "共4栋电梯房、4栋步梯房", nil},
		{"address range em dash", "近20年了，20—21栋的车库", []want{{Address, "20—21栋"}}},
		{"address house number after 组", "石桥组168号村", []want{{Address, "168号"}}},
		{"masked 某 after a particle", "被胡某建房堵住", []want{{Person, "胡某"}}},
		{"surname before 姓", "过了很久该周姓经理才来", []want{{Person, "周"}}},
		{"surname before 姓 after 一名", "一名赵姓男子在门口闹事", []want{{Person, "赵"}}},
		{"姓 after a word", "孩子随母姓，", nil},
		{"names in a list of sums", "明细如下：张建华3000元，欧阳春明1200元，", []want{{Person, "张建华"}, {Person, "欧阳春明"}}},
		{"name of two before a sum", "另有，吴军800元", []want{{Person, "吴军"}}},
		{"word before a sum", "总共花了，毕竟5000元，不是小数", nil},
		{"sum after a sum", "由7700元涨至9050元", nil},
		{"masked amount", "面积12.5亩*****************元/亩", nil},
		{"weak role then a name", "镇政府领导孙建华私自签字", []want{{Person, "孙建华"}}},
		{"weak role then a verb", "请上级领导查明真相", nil},
		{"a word ending in a surname before a title", "请有关主管部门处理，骨干班主任培训", nil},
		{"a notice addressing its reader", "不予立案通知书。赵永明你于2019年3月提出", []want{{Person, "赵永明"}}},
		{"cue-less name ending in 小", "工地负责人说是指挥部罗建小叫他们干的", []want{{Person, "罗建小"}}},
		{"title then a name ending in 小", "会计钱明小积极配合", []want{{Person, "钱明小"}}},
		{"小 starting a word after a name", "他住在王华小区", nil},
		{"given-name character 仲", "，雷仲升来我局上访", []want{{Person, "雷仲升"}}},
		{"a cue-less name that recurs", "后来，罗福生来我家吵闹。第二天，罗福生又带人来了", []want{{Person, "罗福生"}, {Person, "罗福生"}}},
		{"a recurring word that goes on the same way", "，龙溪中学补课。今年，龙溪中学又补课", nil},
		{"a recurring word with a common start", "，公积金怎么用？现在，公积金能转吗", nil},
		{"masked phone no label", "李主管：*****************）", []want{{Person, "李"}, {Phone, "*****************"}}},
		{"address groups", "子午村2组3组村民", nil},
		{"address document", "省里4号文件", nil},
		{"person 我叫", "我叫张伟，", []want{{Person, "张伟"}}},
		{"person 联系人", "联系人：李娜 电话", []want{{Person, "李娜"}}},
		{"person 姓名", "姓名：王建国，", []want{{Person, "王建国"}}},
		{"person surname honorific", "王先生反映", []want{{Person, "王"}}},
		{"person compound honorific", "欧阳女士", []want{{Person, "欧阳"}}},
		{"person compound given", "联系人欧阳娜娜", []want{{Person, "欧阳娜娜"}}},
		{"person full honorific", "请李建国师傅处理", []want{{Person, "李建国"}}},
		{"person after 的", "物业的刘经理", []want{{Person, "刘"}}},
		{"person preposition", "由邹龙大爷处理", []want{{Person, "邹龙"}}},
		{"person verb", "，张伟反映楼道灯坏了", []want{{Person, "张伟"}}},
		{"person 业主", "业主高先生", []want{{Person, "高"}}},
		{"person 楼长", "楼长孙大姐说", []want{{Person, "孙"}}},
		{"neg 高度", "高度超过三米", nil},
		{"neg 方便", "方便居民出行", nil},
		{"neg 周围", "我是周围的居民", nil},
		{"neg 王府井", "我是王府井的商户", nil},
		{"neg 张贴", "业主张贴通知", nil},
		{"neg 任何", "任何人都不管", nil},
		{"neg 于是", "于是又来电", nil},
		{"neg 江边", "我是江边小区的", nil},
		{"neg place after prefix", "住户 金秋家园", nil},
		{"masked name 某", "业主王某反映", []want{{Person, "王某"}}},
		{"address full", "幸福小区3号楼2单元501室", []want{{Address, "3号楼2单元501室"}}},
		{"address 栋 room", "5栋1203漏水", []want{{Address, "5栋1203"}}},
		{"address 号院", "12号院3号楼", []want{{Address, "12号院3号楼"}}},
		{"address house number", "门牌号幸福路18号", []want{{Address, "18号"}}},
		{"address letter", "A座1605", []want{{Address, "A座1605"}}},
		{"address dash", "3号楼2-501", []want{{Address, "3号楼2-501"}}},
		{"address dashes only", "新华街4-3-304的业主", []want{{Address, "4-3-304"}}},
		{"address 门", "10号楼1门301", []want{{Address, "10号楼1门301"}}},
		{"address numerals", "三号楼二单元", []want{{Address, "三号楼二单元"}}},
		{"address building alone", "3号楼漏水", []want{{Address, "3号楼"}}},
		{"address room then 楼道", "2单元608门口", []want{{Address, "2单元608"}}},
		{"neg floor", "住在3楼", nil},
		{"neg count 栋楼", "有3栋楼停水", nil},
		{"neg count 共", "共5栋", nil},
		{"neg layout", "3室1厅", nil},
		{"neg subway", "地铁3号线", nil},
		{"neg date 号", "3月5号", nil},
		{"neg ordinal", "第2单元门口", nil},
		{"neg order", "订单号20240305123456", nil},
		{"neg ticket", "工单编号GD202403050001", nil},
		{"neg date", "20240305", nil},
		{"neg iso date", "2024-03-05", nil},
		{"neg amount", "金额12,345.67元", nil},
		{"neg postal", "邮编100085", nil},
		{"neg time", "10:30", nil},
		{"neg express", "快递单号SF123456789012", nil},
		{"neg decimal", "13812345678.5", nil},
		{"full-width mobile", "电话１３８１２３４５６７８，", []want{{Phone, "１３８１２３４５６７８"}}},
		{"full-width qq", "ＱＱ：１２３４５６７８", []want{{IMID, "１２３４５６７８"}}},
		{"dotted mobile", "138.1234.5678", []want{{Phone, "138.1234.5678"}}},
		{"landline 4-4", "电话010 6234 5678", []want{{Phone, "010 6234 5678"}}},
		{"intl landline", "+86-10-62345678", []want{{Phone, "+86-10-62345678"}}},
		{"village group", "XX村3组15号", []want{{Address, "3组15号"}}},
		{"neg department manager", "部门经理说", nil},
		{"neg head teacher", "班主任说", nil},
		{"neg repair master", "维修师傅来了", nil},
		{"neg 曾多次", "业主曾多次反映", nil},
		{"surname only", "本人姓王，", []want{{Person, "王"}}},
		{"neg funcsur after prefix", "市民常去公园", nil},
		{"neg preposition after prefix", "居民向社区反映", nil},
		{"funcsur name after prefix", "业主向华，", []want{{Person, "向华"}}},
		{"neg labelled order id-shaped", "订单号110101199003074514", nil},
		{"neg shop", "我是商户", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spans(tc.in)
			var g []want
			for _, s := range got {
				g = append(g, want{s.Type, s.Text})
			}
			if len(g) != len(tc.want) {
				t.Fatalf("Spans(%q) = %v, want %v", tc.in, g, tc.want)
			}
			for i := range g {
				if g[i] != tc.want[i] {
					t.Errorf("Spans(%q)[%d] = %v, want %v", tc.in, i, g[i], tc.want[i])
				}
			}
		})
	}
}

func TestSpanOffsets(t *testing.T) {
	s := "我叫张伟，电话13812345678"
	got := Spans(s)
	if len(got) != 2 {
		t.Fatalf("got %d spans, want 2", len(got))
	}
	r := []rune(s)
	for _, sp := range got {
		if string(r[sp.Start:sp.End]) != sp.Text || s[sp.ByteStart:sp.ByteEnd] != sp.Text {
			t.Errorf("span %+v: offsets do not match its text", sp)
		}
	}
	if got[0].Start != 2 || got[0].End != 4 || got[1].Start != 7 || got[1].End != 18 {
		t.Errorf("offsets = %d,%d %d,%d; want 2,4 7,18", got[0].Start, got[0].End, got[1].Start, got[1].End)
	}
}

func TestCheckChars(t *testing.T) {
	if c := IDCheckChar("11010519491231002"); c != 'X' {
		t.Errorf("IDCheckChar = %c, want X", c)
	}
	// 91350100M000100Y43 is the GB 32100 example code.
	if c := USCCCheckChar("91350100M000100Y4"); c != '3' {
		t.Errorf("USCCCheckChar = %c, want 3", c)
	}
	if got := Spans("统一社会信用代码91350100M000100Y43"); len(got) != 1 || got[0].Type != USCC {
		t.Errorf("USCC not found: %v", got)
	}
}

// checkSpans verifies the invariants of Spans' output.
func checkSpans(t *testing.T, s string, got []Span) {
	t.Helper()
	r := []rune(s)
	end := 0
	for _, sp := range got {
		if sp.Start < end || sp.Start >= sp.End || sp.End > len(r) {
			t.Fatalf("span %+v out of order or range (len %d, previous end %d)", sp, len(r), end)
		}
		end = sp.End
		if string(r[sp.Start:sp.End]) != string([]rune(sp.Text)) {
			t.Fatalf("span %+v: text is not the runes at its offsets", sp)
		}
		if sp.ByteStart < 0 || sp.ByteEnd > len(s) || s[sp.ByteStart:sp.ByteEnd] != sp.Text {
			t.Fatalf("span %+v: byte offsets do not match", sp)
		}
		if sp.Score < DefaultMinScore || sp.Score > 1 {
			t.Fatalf("span %+v: score out of range", sp)
		}
	}
}

func FuzzSpans(f *testing.F) {
	for _, d := range genCorpus(3, 40) {
		f.Add(d.Text)
	}
	for _, s := range []string{"", "1", "+86", "(010", "（0", "京A", "qq", "微信号", "我叫", "先生", "3号楼2-", "1-2-", "a@b.c", "\xff\xfe", "身份证号11010119900307451"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Spans(s)
		checkSpans(t, s, got)
		if !utf8.ValidString(s) {
			return
		}
		// Masking never panics and never returns a value that keeps a
		// masked phone in full.
		p := DefaultDictionary()
		out := p.Text("resident", "content", s)
		for _, sp := range got {
			if sp.Type == Phone && len(sp.Text) >= 11 && strings.Contains(out, sp.Text) && !strings.Contains(strings.Replace(s, sp.Text, "", 1), sp.Text) {
				t.Fatalf("phone %q kept in %q", sp.Text, out)
			}
		}
	})
}
