package search

import (
	"testing"
	"time"

	"jiceng/internal/policy"
)

// fixtureDocs is a small policy base: two documents on the minimum living
// allowance (the older one repealed), one on public rental housing, a Q&A
// sheet row on medical insurance.
func fixtureDocs() []policy.Document {
	date := func(s string) time.Time {
		t, _ := time.Parse(time.DateOnly, s)
		return t
	}
	return []policy.Document{
		{
			ID: "dibao2023", Title: "北京市最低生活保障审核确认办法", Issuer: "北京市民政局", Number: "京民社救发〔2023〕12号",
			Date: date("2023-05-10"), Validity: policy.Effective, Format: "md",
			Passages: []policy.Passage{
				{ID: "dibao2023#1", Headings: []string{"第一章 总则"}, Article: "第一条", Text: "为规范最低生活保障审核确认工作，根据有关规定，制定本办法。"},
				{ID: "dibao2023#2", Headings: []string{"第二章 申请"}, Article: "第五条", Text: "申请最低生活保障，由共同生活的家庭成员向户籍所在地的街道办事处提出书面申请，并提供身份证、户口簿和家庭收入证明。"},
				{ID: "dibao2023#3", Headings: []string{"第三章 审核"}, Article: "第九条", Text: "街道办事处应当自受理申请之日起30个工作日内完成审核。情况复杂的，可以延长至45个工作日。"},
			},
		},
		{
			ID: "dibao2015", Title: "北京市城乡居民最低生活保障办法", Issuer: "北京市民政局", Number: "京民社救发〔2015〕3号",
			Date: date("2015-03-01"), Validity: policy.Repealed, Format: "txt",
			Passages: []policy.Passage{
				{ID: "dibao2015#1", Article: "第六条", Text: "申请最低生活保障，应当向户籍所在地的街道办事处提出书面申请，并提供身份证和户口簿。"},
			},
		},
		{
			ID: "gzf", Title: "公共租赁住房管理办法", Issuer: "北京市住房和城乡建设委员会", Number: "京建法〔2022〕8号",
			Date: date("2022-09-01"), Validity: policy.Effective, Format: "docx",
			Passages: []policy.Passage{
				{ID: "gzf#1", Headings: []string{"第二章 申请条件"}, Article: "第八条", Text: "申请公共租赁住房的家庭，人均住房面积低于15平方米，家庭年收入不超过10万元。"},
				{ID: "gzf#2", Headings: []string{"第三章 租金"}, Article: "第十五条", Text: "公共租赁住房租金按照同地段市场租金的一定比例确定，并实行动态调整。"},
			},
		},
		{
			ID: "qa-yb-1", Title: "医疗保险问答", Issuer: "某街道社保所", Format: "qa",
			Passages: []policy.Passage{
				{ID: "qa-yb-1#1", Question: "门诊看病能用医保报销吗？", Text: "参加城乡居民基本医疗保险的，在定点医院门诊发生的费用，起付线以上按50%报销。"},
			},
		},
	}
}

// memIndex returns an in-memory index of the fixture, with a fixed clock.
func memIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := OpenMem(Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Index(fixtureDocs()); err != nil {
		t.Fatal(err)
	}
	return ix
}
