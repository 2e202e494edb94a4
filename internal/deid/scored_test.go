package deid

import "testing"

// TestScoredNames holds the names with no cue word that scoredName reads,
// and the words of given-name characters it leaves (invented sentences).
func TestScoredNames(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"list after a role", "参加分红的有干部黄丽芳、陈凡课、朱斌岳、赵希耐等人。", []string{"黄丽芳", "陈凡课", "朱斌岳", "赵希耐"}},
		{"list by commas", "分别是刘生应，肖平生，刘元济，他们都是老党员。", []string{"刘生应", "肖平生", "刘元济"}},
		{"list goes on backwards", "县水务局干部钟临风、陈凡兵、朱斌岳等人。", []string{"钟临风", "陈凡兵", "朱斌岳"}},
		{"role before, verb after", "我村苏秀元利用职权多收费用。", []string{"苏秀元"}},
		{"kin before", "我婶婶庞枚春是村民。", []string{"庞枚春"}},
		{"signature", "此致敬礼！　　唐治族，夏平文，尹红伟", []string{"唐治族", "夏平文", "尹红伟"}},
		{"neg justice", "希望为我们老百姓伸张正义，严惩凶手。", nil},
		{"neg prosperity", "祝愿祖国繁荣昌盛！", nil},
		{"neg runs into a word", "严冬逼近，孩子们不给战友增添麻烦。", nil},
		{"neg place", "村民在白鹤山种树，全红组村民反映。", nil},
		{"neg numeral", "唐杏两个人都走了。", nil},
		{"title then do a bit", "请易书记管一下。", []string{"易"}},
		{"neg school number", "我是连源三中的学生。", nil},
		{"neg former", "彭龙英（原村长）不管事。", []string{"彭龙英"}},
		{"neg serves as", "他现任局长以来从不步行。", nil},
		{"title after 请问", "请问向书记，这种情况怎么办？", []string{"向"}},
		{"given name ends in 小 before a title", "已向卫计委刘江小主任反映过。", []string{"刘江小"}},
		{"reporting verb 指出", "，杨庄文指出：这个做法不合法。", []string{"杨庄文"}},
		{"a name recurs with the same third character", "支部书记王海先长期垄断工程，还指使王海先派人守场。", []string{"王海先", "王海先"}},
		{"neg the same word after a name", "业主王丽住三楼，王丽住的房子漏水。", []string{"王丽", "王丽"}},
		{"neg mid-word", "项目建在市东江德福人家旁边。", nil},
		{"neg love", "这样下去，谈恋爱的都要分手。", nil},
		{"neg office", "，武阳支局每月收费，教育局纪检室的人也不管。", nil},
		{"neg words of name characters", "从世纪阳光到长龙中学，公司利润下降。", nil},
		{"neg adverb after a name", "受害人王鸣曾与人争吵。", []string{"王鸣"}},
		{"a label of the writer", "我是报案人：聂后，男，汉族。", []string{"聂后"}},
		{"sex after a name", "，梁希葵，女，汉族，", []string{"梁希葵"}},
		{"a name named again", "，柏运娟是村民，柏运娟的丈夫也是。", []string{"柏运娟", "柏运娟"}},
		{"neg a name once", "，柏运娟是村民。", nil},
		{"a role and a colon", "到场的有村支书:刘科发　　监督方:梁希春等", []string{"刘科发", "梁希春"}},
		{"neg a colon before a word", "物业公司:高度重视此事，马上处理。", nil},
		{"compound surname after a role word", "请物业司马娴涵奶奶回复。", []string{"司马娴涵"}},
		{"任 before a polite address", "楼长任女士反映，老党员任大爷称", []string{"任", "任"}},
		{"neg talk", "领导多次找其谈话要求整改。", nil},
		{"neg meets", "还有符合上报条件的吗？", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range Spans(tc.in) {
				if s.Type == Person {
					got = append(got, s.Text)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Spans(%q) names = %q, want %q", tc.in, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("Spans(%q) names = %q, want %q", tc.in, got, tc.want)
				}
			}
		})
	}
}
