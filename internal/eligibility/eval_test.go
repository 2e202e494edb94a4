package eligibility

import (
	"strings"
	"testing"
)

func TestEvaluateCondition(t *testing.T) {
	asOf := day(2026, 12, 1)
	old := map[string]string{FieldBirthDate: "1940-03-15", FieldLivingAlone: "是", FieldMarks: "独居老人、高龄老人",
		FieldGender: "女", FieldResidenceType: "户籍人口", FieldCommunity: "和平里社区", FieldGrid: "和平里第一网格"}
	disabled := map[string]string{FieldIDNumber: testID("19740610", "035"), FieldMarks: "残疾人、低保", FieldLivingAlone: "否",
		FieldDisabilityLevel: "二级", FieldResidenceType: "流动人口"}
	empty := map[string]string{}
	tests := []struct {
		name    string
		cond    string
		person  map[string]string
		holds   bool
		reasons string // Explain joined with "；"
	}{
		{"age and alone", "年龄 >= 80 且 独居", old, true, "年龄 86 ≥ 80；是否独居 = 是"},
		{"age fails", "年龄 >= 90 且 独居", old, false, "年龄 86 < 90（2030-03-15 满 90 周岁）"},
		{"or takes the first true part", "年龄 >= 90 或 独居 或 性别 = 女", old, true, "是否独居 = 是"},
		{"or fails on all parts", "年龄 > 89 或 非 独居", old, false, "年龄 86 ≤ 89（2030-03-15 满 90 周岁）；是否独居 = 是"},
		{"upper bound fails without a date", "年龄 < 80", old, false, "年龄 86 ≥ 80"},
		{"not", `非 重点人群 包含 "低保"`, old, true, "重点人群不含「低保」"},
		{"not not", "非 非 独居", old, true, "是否独居 = 是"},
		{"tags", `重点人群 包含 "残疾人" 且 (重点人群 包含 "低保" 或 重点人群 包含 "低收入")`, disabled, true, "重点人群含「残疾人」；重点人群含「低保」"},
		{"level in set", "残疾等级 属于 (一级、二级)", disabled, true, "残疾等级 二级 ∈ {一级、二级}"},
		{"level order", "残疾等级 <= 二级", disabled, true, "残疾等级 二级 ≤ 二级"},
		{"level order fails", "残疾等级 < 二级", disabled, false, "残疾等级 二级 ≥ 二级"},
		{"age from ID is said", "年龄 >= 50", disabled, true, "年龄 52（据身份证号） ≥ 50"},
		{"gender from ID is said", "性别 = 男", disabled, true, "性别 = 男（据身份证号）"},
		{"enum not equal", "人口类型 != 户籍人口", disabled, true, "人口类型 流动人口 ≠ 户籍人口"},
		{"enum equal fails", "人口类型 = 户籍人口", disabled, false, "人口类型 流动人口 ≠ 户籍人口"},
		{"not in", "人口类型 不属于 (户籍人口、人户分离)", disabled, true, "人口类型 流动人口 ∉ {户籍人口、人户分离}"},
		{"in fails", "人口类型 属于 (户籍人口、人户分离)", disabled, false, "人口类型 流动人口 ∉ {户籍人口、人户分离}"},
		{"bool equals no", "是否独居 = 否", disabled, true, "是否独居 = 否"},
		{"text", "社区 = 和平里社区 且 网格 = 和平里第一网格", old, true, "社区 = 和平里社区；网格 = 和平里第一网格"},
		{"unknown age", "年龄 >= 80", empty, false, "年龄未知（缺少有效的出生日期和身份证号）"},
		{"unknown is not negated", "非 年龄 >= 80", empty, false, "年龄未知（缺少有效的出生日期和身份证号）"},
		{"unknown marks", `非 重点人群 包含 "低保"`, empty, false, "重点人群未登记"},
		{"unknown or true is true", "年龄 >= 80 或 是否独居 = 否", map[string]string{FieldLivingAlone: "否"}, true, "是否独居 = 否"},
		{"unknown and false is false", "年龄 >= 80 且 独居", map[string]string{FieldLivingAlone: "否"}, false, "是否独居 = 否"},
		{"unknown and true is unknown", "年龄 >= 80 且 独居", map[string]string{FieldLivingAlone: "是"}, false, "年龄未知（缺少有效的出生日期和身份证号）"},
		{"missing text", "社区 = 和平里社区", empty, false, "社区未填"},
		{"no disability", "残疾等级 <= 二级", empty, false, "残疾等级：无"},
		{"no disability is not in", "残疾等级 不属于 (一级、二级)", empty, true, "残疾等级：无"},
		{"no disability type", "残疾类别 = 肢体", empty, false, "残疾类别：无"},
		{"unreadable level", "非 残疾等级 <= 二级", map[string]string{FieldDisabilityLevel: "重度"}, false, "残疾等级未填"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCondition(tc.cond)
			if err != nil {
				t.Fatal(err)
			}
			f := FactsOf(tc.person, asOf)
			if got := c.Holds(&f); got != tc.holds {
				t.Errorf("Holds = %v, want %v", got, tc.holds)
			}
			if got := strings.Join(c.Explain(&f), "；"); got != tc.reasons {
				t.Errorf("Explain = %q, want %q", got, tc.reasons)
			}
		})
	}
}

func TestEvaluateNearMisses(t *testing.T) {
	asOf := day(2026, 12, 1)
	tests := []struct {
		name    string
		person  map[string]string
		matches string // rule IDs
		near    string // rule ID: reasons, each
	}{
		{"79 and alone", map[string]string{FieldIDNumber: testID("19461202", "024"), FieldLivingAlone: "是", FieldMarks: "独居老人"},
			"R02", "R01: 年龄 79（据身份证号） < 80（2026-12-02 满 80 周岁） | R15: 人口类型未填"},
		{"80 living alone unknown", map[string]string{FieldBirthDate: "1946-01-01", FieldResidenceType: "户籍人口", FieldMarks: ""},
			"R04", "R01: 是否独居未填"},
		{"disabled without low income", map[string]string{FieldMarks: "残疾人", FieldDisabilityLevel: "三级", FieldLivingAlone: "是"},
			"", "R01: 年龄未知（缺少有效的出生日期和身份证号） | R08: 残疾等级 三级 > 二级 | R17: 年龄未知（缺少有效的出生日期和身份证号）"},
		{"78 is near 80", map[string]string{FieldBirthDate: "1948-06-01", FieldLivingAlone: "是", FieldResidenceType: "户籍人口", FieldMarks: ""},
			"R02", "R01: 年龄 78 < 80（2028-06-01 满 80 周岁） | R04: 年龄 78 < 80（2028-06-01 满 80 周岁）"},
		{"77 is not near 80", map[string]string{FieldBirthDate: "1949-06-01", FieldLivingAlone: "是", FieldResidenceType: "户籍人口", FieldMarks: ""},
			"R02", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := DefaultRules().Evaluate(tc.person, asOf, true)
			var ids, near []string
			for _, m := range res.Matches {
				ids = append(ids, m.Rule.ID)
			}
			for _, m := range res.NearMisses {
				near = append(near, m.Rule.ID+": "+strings.Join(m.Reasons, "；"))
			}
			if got := strings.Join(ids, ","); got != tc.matches {
				t.Errorf("matches = %s, want %s", got, tc.matches)
			}
			if got := strings.Join(near, " | "); got != tc.near {
				t.Errorf("near misses = %s, want %s", got, tc.near)
			}
		})
	}
}
