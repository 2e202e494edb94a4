package policy

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// render shows a passage as headings|article|item|text.
func render(p Passage) string {
	return strings.Join(p.Headings, "/") + "|" + p.Article + "|" + p.Item + "|" + p.Text
}

func TestPassages(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{
			name: "article with clauses and items is one passage",
			text: "第二章　保障对象\n第四条　申请低保应当同时具备下列条件：\n（一）持有本区户籍；\n（二）家庭人均收入低于低保标准。\n不符合前款规定的，不予受理。\n",
			want: []string{"第二章 保障对象|第四条||第四条 申请低保应当同时具备下列条件：\n（一）持有本区户籍；\n（二）家庭人均收入低于低保标准。\n不符合前款规定的，不予受理。"},
		},
		{
			name: "Arabic article numbers",
			text: "第1条 本规定适用于清河湾街道辖区内的住宅小区。\n第2条 物业服务企业应当公示收费标准。\n",
			want: []string{"|第1条||第1条 本规定适用于清河湾街道辖区内的住宅小区。", "|第2条||第2条 物业服务企业应当公示收费标准。"},
		},
		{
			name: "a citation of an article starts none",
			text: "第三条　居民应当分类投放生活垃圾。\n第三条规定的分类标准由区城市管理委员会另行公布，各社区应当张贴宣传。\n",
			want: []string{"|第三条||第三条 居民应当分类投放生活垃圾。\n第三条规定的分类标准由区城市管理委员会另行公布，各社区应当张贴宣传。"},
		},
		{
			name: "parts, chapters and sections nest",
			text: "第一编　总则\n第一章　一般规定\n第一条　为了规范管理，制定本办法。\n第二章　管理职责\n第一节　区级职责\n第二条　区民政局负责统筹协调全区的社会救助工作。\n第二编　附则\n第三条　本办法自公布之日起施行。\n",
			want: []string{
				"第一编 总则/第一章 一般规定|第一条||第一条 为了规范管理，制定本办法。",
				"第一编 总则/第二章 管理职责/第一节 区级职责|第二条||第二条 区民政局负责统筹协调全区的社会救助工作。",
				"第二编 附则|第三条||第三条 本办法自公布之日起施行。",
			},
		},
		{
			name: "numbered headings over paragraphs",
			text: "一、总体要求\n坚持以居民需求为导向，推进社区养老服务设施建设，到年底实现社区养老驿站全覆盖。\n二、主要任务\n（一）完善设施\n每个社区至少建设一处养老驿站，面积不少于200平方米，并配备必要的助餐设施。\n（二）提升服务\n养老驿站应当提供助餐、助洁、助浴、助医等服务，服务价格应当向社会公示。\n",
			want: []string{
				"一、总体要求|||坚持以居民需求为导向，推进社区养老服务设施建设，到年底实现社区养老驿站全覆盖。",
				"二、主要任务/（一）完善设施|||每个社区至少建设一处养老驿站，面积不少于200平方米，并配备必要的助餐设施。",
				"二、主要任务/（二）提升服务|||养老驿站应当提供助餐、助洁、助浴、助医等服务，服务价格应当向社会公示。",
			},
		},
		{
			name: "sibling items stay items",
			text: "办理低保需要提交以下材料：\n（一）身份证\n（二）户口簿\n（三）收入证明\n",
			want: []string{"|||办理低保需要提交以下材料：\n（一）身份证\n（二）户口簿\n（三）收入证明"},
		},
		{
			name: "long items after a lead-in are passages of their own",
			text: "现就本街道采暖季供暖工作通知如下：\n一、供暖时间。本采暖季正式供暖时间为11月15日至次年3月15日，各供热单位应于11月1日起开始试供暖，遇极端天气将视情况提前供暖或者延长供暖。\n二、温度标准。供暖期间，居民住宅卧室、起居室室温应当不低于18℃，居民认为室温不达标的，可以拨打供热单位客服电话报修，也可以拨打12345热线反映。\n",
			want: []string{
				"|||现就本街道采暖季供暖工作通知如下：\n一、供暖时间。本采暖季正式供暖时间为11月15日至次年3月15日，各供热单位应于11月1日起开始试供暖，遇极端天气将视情况提前供暖或者延长供暖。",
				"||二、|二、温度标准。供暖期间，居民住宅卧室、起居室室温应当不低于18℃，居民认为室温不达标的，可以拨打供热单位客服电话报修，也可以拨打12345热线反映。",
			},
		},
		{
			name: "annexes are headings",
			text: "第一条　本规范自公布之日起施行，各社区应当认真遵照执行。\n附件1\n答复范例：您好，您反映的问题已转交社区居委会处理，社区将于三个工作日内与您联系。\n",
			want: []string{
				"|第一条||第一条 本规范自公布之日起施行，各社区应当认真遵照执行。",
				"附件1|||答复范例：您好，您反映的问题已转交社区居委会处理，社区将于三个工作日内与您联系。",
			},
		},
		{
			name: "a short fragment joins its neighbour",
			text: "申请临时救助的，由申请人向所在社区居委会提出书面申请，并如实提供家庭收入和财产情况。\n咨询电话：12345。\n",
			want: []string{"|||申请临时救助的，由申请人向所在社区居委会提出书面申请，并如实提供家庭收入和财产情况。\n咨询电话：12345。"},
		},
		{
			name: "a lead-in keeps its items",
			text: "符合下列条件之一的老年人，可以向街道申请居家养老服务补贴，补贴按月发放到老年人的社会保障卡：\n1. 失能老年人；\n2. 低保老年人。\n",
			want: []string{"|||符合下列条件之一的老年人，可以向街道申请居家养老服务补贴，补贴按月发放到老年人的社会保障卡：\n1. 失能老年人；\n2. 低保老年人。"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("d", "d.txt", []byte(tt.text), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range d.Passages {
				got = append(got, render(p))
			}
			if strings.Join(got, "\n---\n") != strings.Join(tt.want, "\n---\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n---\n"), strings.Join(tt.want, "\n---\n"))
			}
		})
	}
}

func TestSplitLongArticle(t *testing.T) {
	var b strings.Builder
	b.WriteString("第九条　")
	for i := range 40 {
		fmt.Fprintf(&b, "街道应当在第%d个工作日内完成对申请材料的审核并书面告知申请人。", i+1)
	}
	b.WriteString("\n（一）对符合条件的，予以批准；\n（二）对不符合条件的，说明理由。\n")
	d, err := Parse("d", "d.txt", []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Passages) < 3 {
		t.Fatalf("%d passages, want the article split in several", len(d.Passages))
	}
	for _, p := range d.Passages {
		if p.Article != "第九条" {
			t.Errorf("%s: Article %q, want 第九条 on every part", p.ID, p.Article)
		}
		if n := utf8.RuneCountInString(p.Text); n > TargetRunes+minRunes {
			t.Errorf("%s: %d runes, want at most about %d", p.ID, n, TargetRunes)
		}
		last, _ := utf8.DecodeLastRuneInString(p.Text)
		if !terminal(last) {
			t.Errorf("%s ends mid-sentence: …%s", p.ID, string([]rune(p.Text)[utf8.RuneCountInString(p.Text)-5:]))
		}
	}
	if !strings.HasPrefix(d.Passages[0].Text, "第九条") {
		t.Errorf("first part %q does not start with the article", d.Passages[0].Text[:20])
	}
}

func TestSplitWithoutSentenceEnds(t *testing.T) {
	text := strings.Repeat("居民反映小区停车难问题，", 400) // 4,800 runes, no sentence end
	d, err := Parse("d", "d.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range d.Passages {
		n := utf8.RuneCountInString(p.Text)
		total += n
		if n > hardRunes {
			t.Errorf("%s: %d runes, want at most %d", p.ID, n, hardRunes)
		}
		if !strings.HasSuffix(p.Text, "，") {
			t.Errorf("%s not cut at a comma", p.ID)
		}
	}
	if total != utf8.RuneCountInString(text) {
		t.Errorf("passages hold %d runes, the text %d", total, utf8.RuneCountInString(text))
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"十二", 12, true}, {"二十", 20, true}, {"一百零五", 105, true}, {"一百一十", 110, true},
		{"两千零二十三", 2023, true}, {"二〇二三", 2023, true}, {"12", 12, true}, {"１２", 12, true},
		{"十十", 0, false}, {"一二十", 0, false}, {"", 0, false}, {"abc", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseNumber(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseNumber(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
	for n := 1; n <= 2000; n++ {
		if got, ok := parseNumber(cnNumber(n)); !ok || got != n {
			t.Fatalf("parseNumber(cnNumber(%d) = %q) = %d, %v", n, cnNumber(n), got, ok)
		}
	}
}
