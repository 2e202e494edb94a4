package policy

import (
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, core.StreetTime) }

func TestParseMeta(t *testing.T) {
	tests := []struct {
		name, file, text string
		now              time.Time
		want             Document // ID, Format and Passages are not compared
	}{
		{
			name: "red-head notice",
			file: "a.txt",
			text: "北京市海川区民政局文件\n京海民发〔2023〕7号\n北京市海川区民政局关于调整低保标准的通知\n各街道办事处：\n自2023年7月1日起，本区低保标准调整为每人每月1420元。\n北京市海川区民政局\n2023年6月20日\n",
			want: Document{Title: "北京市海川区民政局关于调整低保标准的通知", Issuer: "北京市海川区民政局", Number: "京海民发〔2023〕7号",
				Date: date(2023, 6, 20), Validity: Effective},
		},
		{
			name: "labels as a site prints them",
			file: "a.txt",
			text: "标题：清河湾街道养老驿站服务规范\n发文机关：北京市海川区清河湾街道办事处　文号：清街发[2024]11号\n成文日期：2024-04-08　时效性：有效\n养老驿站应当为辖区老年人提供助餐、助洁、助浴等基本服务，服务价格应当公示。\n",
			want: Document{Title: "清河湾街道养老驿站服务规范", Issuer: "北京市海川区清河湾街道办事处", Number: "清街发[2024]11号",
				Date: date(2024, 4, 8), Validity: Effective},
		},
		{
			name: "Chinese numerals in the date",
			file: "a.txt",
			text: "海川区停车管理办法\n第一条　为规范停车秩序，制定本办法。\n海川区人民政府\n二〇二二年十一月三十日\n",
			want: Document{Title: "海川区停车管理办法", Issuer: "海川区人民政府", Date: date(2022, 11, 30), Validity: Effective},
		},
		{
			name: "order number",
			file: "a.txt",
			text: "海川区人民政府令\n第12号\n海川区市容环境卫生管理规定\n第一条　为加强市容环境卫生管理，制定本规定。\n",
			want: Document{Title: "海川区市容环境卫生管理规定", Issuer: "海川区人民政府", Number: "第12号", Validity: Effective},
		},
		{
			name: "period of validity past now",
			file: "a.txt",
			text: "海川区冬季采暖补贴实施方案\n一、补贴对象为本区低保、特困家庭。\n本方案自2020年11月1日起施行，有效期至2023年3月31日。\n",
			now:  now,
			want: Document{Title: "海川区冬季采暖补贴实施方案", EffectiveFrom: date(2020, 11, 1), ValidUntil: date(2023, 3, 31), Validity: Expired},
		},
		{
			name: "period of validity not yet past",
			file: "a.txt",
			text: "海川区冬季采暖补贴实施方案\n本方案自2025年11月1日起施行，有效期3年。\n",
			now:  now,
			want: Document{Title: "海川区冬季采暖补贴实施方案", EffectiveFrom: date(2025, 11, 1), ValidUntil: date(2028, 10, 31), Validity: Effective},
		},
		{
			name: "expiry needs a now",
			file: "a.txt",
			text: "海川区冬季采暖补贴实施方案\n本方案有效期至2023年3月31日。\n",
			want: Document{Title: "海川区冬季采暖补贴实施方案", ValidUntil: date(2023, 3, 31), Validity: Effective},
		},
		{
			name: "repealed in the title",
			file: "a.txt",
			text: "海川区门前三包责任制管理办法（已废止）\n第一条　为落实门前三包责任，制定本办法。\n",
			want: Document{Title: "海川区门前三包责任制管理办法", Validity: Repealed},
		},
		{
			name: "repealed on a status line",
			file: "a.txt",
			text: "【失效】\n海川区临时停车收费标准\n路侧临时停车首小时收费5元。\n",
			want: Document{Title: "海川区临时停车收费标准", Validity: Expired},
		},
		{
			name: "superseded by another",
			file: "a.txt",
			text: "海川区社区公益金管理办法\n注：本办法已被《海川区社区公益金使用管理办法》替代。\n第一条　社区公益金用于社区公益事业。\n",
			want: Document{Title: "海川区社区公益金管理办法", Validity: Superseded, SupersededBy: "海川区社区公益金使用管理办法"},
		},
		{
			name: "repeals others",
			file: "a.txt",
			text: "海川区物业管理办法\n第三十条　本办法自2024年1月1日起施行。《海川区物业服务管理暂行办法》（海政发〔2015〕9号）和《海川区住宅小区管理规定》同时废止。\n",
			want: Document{Title: "海川区物业管理办法", EffectiveFrom: date(2024, 1, 1), Validity: Effective,
				Supersedes: []string{"海川区物业服务管理暂行办法", "海川区住宅小区管理规定", "海政发〔2015〕9号"}},
		},
		{
			name: "citing a law is no repeal",
			file: "a.txt",
			text: "海川区物业管理办法\n第一条　根据《物业管理条例》，制定本办法。\n",
			want: Document{Title: "海川区物业管理办法", Validity: Effective},
		},
		{
			name: "effective on issue",
			file: "a.txt",
			text: "关于开展垃圾分类入户指导的通知\n请各社区于本月底前完成入户指导。\n本通知自印发之日起施行。\n海川区清河湾街道办事处\n2025年9月1日\n",
			want: Document{Title: "关于开展垃圾分类入户指导的通知", Issuer: "海川区清河湾街道办事处", Date: date(2025, 9, 1), EffectiveFrom: date(2025, 9, 1), Validity: Effective},
		},
		{
			name: "html title without site name",
			file: "a.html",
			text: "<html><head><title>海川区老年人优待办法_海川区人民政府网站</title></head><body><p>本区户籍65周岁以上老年人免费乘坐区内公交。</p></body></html>",
			want: Document{Title: "海川区老年人优待办法", Validity: Effective},
		},
		{
			name: "html breadcrumbs above the h1 are no title",
			file: "a.html",
			text: "<body><div class=crumb>首页 &gt; 政策文件 &gt; 区级文件</div><h1>海川区困难群众冬季取暖补助实施细则</h1><p>发文机关：北京市海川区民政局</p><p>取暖补助每户每年不低于1000元，于每年11月底前发放到位。</p></body>",
			want: Document{Title: "海川区困难群众冬季取暖补助实施细则", Issuer: "北京市海川区民政局", Validity: Effective},
		},
		{
			name: "joint issuers",
			file: "a.txt",
			text: "海川区临时救助实施细则\n发文机关：海川区民政局　海川区财政局\n第一条　为规范临时救助工作，制定本细则。\n",
			want: Document{Title: "海川区临时救助实施细则", Issuer: "海川区民政局、海川区财政局", Validity: Effective},
		},
		{
			name: "repealed as a note says",
			file: "a.txt",
			text: "清河湾街道临时停车收费暂行规定\n【已废止】本规定已于2022年2月28日废止。\n第一条　为规范临时停车收费，制定本规定。\n",
			want: Document{Title: "清河湾街道临时停车收费暂行规定", Validity: Repealed},
		},
		{
			name: "signature above the annexes",
			file: "a.txt",
			text: "清河湾街道接诉即办工作规范\n第一条　为做好接诉即办工作，制定本规范。\n第二条　本规范自2024年2月1日起施行。\n海川区清河湾街道办事处\n2024年1月16日\n附件1\n答复范例\n1. 您好，您反映的问题已转交社区处理。\n",
			want: Document{Title: "清河湾街道接诉即办工作规范", Issuer: "海川区清河湾街道办事处", Date: date(2024, 1, 16), EffectiveFrom: date(2024, 2, 1), Validity: Effective},
		},
		{
			name: "markdown front matter",
			file: "a.md",
			text: "---\ntitle: 清河湾街道便民服务指南\nissuer: 清河湾街道办事处\nnumber: 清街办〔2025〕1号\ndate: 2025年1月6日\n---\n\n便民服务中心工作日9:00至17:00对外办公，提供社保、民政、计生等服务。\n",
			want: Document{Title: "清河湾街道便民服务指南", Issuer: "清河湾街道办事处", Number: "清街办〔2025〕1号", Date: date(2025, 1, 6), Validity: Effective},
		},
		{
			name: "a question is no title: the file name is",
			file: "低保问答.txt",
			text: "低保申请需要多长时间？\n一般在受理后15个工作日内作出决定。\n",
			want: Document{Title: "低保问答", Validity: Effective},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("d", tt.file, []byte(tt.text), Options{Now: tt.now})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkPassages(t, d)
			got := d
			got.ID, got.Format, got.Passages, got.Source = "", "", nil, ""
			w := tt.want
			if got.Title != w.Title || got.Issuer != w.Issuer || got.Number != w.Number || !got.Date.Equal(w.Date) ||
				!got.EffectiveFrom.Equal(w.EffectiveFrom) || !got.ValidUntil.Equal(w.ValidUntil) || got.Validity != w.Validity ||
				got.SupersededBy != w.SupersededBy || !slices.Equal(got.Supersedes, w.Supersedes) {
				t.Errorf("got  %s\nwant %s", golden(got), golden(w))
			}
		})
	}
}
