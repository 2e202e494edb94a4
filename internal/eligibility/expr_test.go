package eligibility

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCondition(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the canonical form
	}{
		{"comparison", "年龄 >= 80", "年龄 >= 80"},
		{"no spaces", "年龄>=80且独居", "年龄 >= 80 且 是否独居"},
		{"ascii operators", "age >= 80 and living_alone", "年龄 >= 80 且 是否独居"},
		{"double ampersand and bars", "年龄>80 && 独居 || 年龄 >= 90", "年龄 > 80 且 是否独居 或 年龄 >= 90"},
		{"unicode comparisons", "年龄 ≥ 60 且 年龄 ≤ 79 且 年龄 ≠ 70", "年龄 >= 60 且 年龄 <= 79 且 年龄 != 70"},
		{"word comparisons", "年龄大于等于60且年龄小于80", "年龄 >= 60 且 年龄 < 80"},
		{"not greater", "年龄不大于17", "年龄 <= 17"},
		{"age unit", "年龄 >= 80周岁 且 年龄 < 90岁", "年龄 >= 80 且 年龄 < 90"},
		{"full-width", "（年龄＞＝８０）且 独居", "年龄 >= 80 且 是否独居"},
		{"contains", `重点人群 包含 "残疾人"`, `重点人群 包含 "残疾人"`},
		{"contains unquoted", "重点人群包含残疾人", `重点人群 包含 "残疾人"`},
		{"contains Chinese quotes", "重点人群 包含 “低保”", `重点人群 包含 "低保"`},
		{"not contains", "重点人群 不包含 「低保」", `重点人群 不包含 "低保"`},
		{"ascii not contains", `marks not contains "低保"`, `重点人群 不包含 "低保"`},
		{"in list", "残疾等级 属于 (一级、二级)", "残疾等级 属于 (一级、二级)"},
		{"in list without parens", "人口类型 属于 户籍人口, 人户分离", `人口类型 属于 ("户籍人口"、"人户分离")`},
		{"ascii not in", `residence_type not in ("流动人口")`, `人口类型 不属于 ("流动人口")`},
		{"level comparison", "残疾等级 <= 2级", "残疾等级 <= 二级"},
		{"bool equals", "是否独居 = 否", "是否独居 = 否"},
		{"enum", "性别 = 女", `性别 = "女"`},
		{"not", "非 独居", "非 是否独居"},
		{"not chain", "非非独居", "非 非 是否独居"},
		{"bang", "!独居", "非 是否独居"},
		{"precedence", "年龄 >= 80 或 独居 且 重点人群 包含 低保", `年龄 >= 80 或 是否独居 且 重点人群 包含 "低保"`},
		{"parentheses kept", "(年龄 >= 80 或 独居) 且 重点人群 包含 低保", `(年龄 >= 80 或 是否独居) 且 重点人群 包含 "低保"`},
		{"not of group", "非 (年龄 >= 80 或 独居)", "非 (年龄 >= 80 或 是否独居)"},
		{"redundant parentheses", "((年龄 >= 80))", "年龄 >= 80"},
		{"text field", "社区 = 和平里社区 且 网格 != '和平里第一网格'", `社区 = "和平里社区" 且 网格 != "和平里第一网格"`},
		{"quoted keyword", `小区 = "非凡家园"`, `小区 = "非凡家园"`},
		{"case-insensitive ascii", "AGE >= 1 OR NOT living_alone", "年龄 >= 1 或 非 是否独居"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCondition(tc.src)
			if err != nil {
				t.Fatalf("ParseCondition(%q): %v", tc.src, err)
			}
			if got := c.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			again, err := ParseCondition(c.String())
			if err != nil || again.String() != c.String() {
				t.Errorf("canonical form does not read back: %v %q", err, again)
			}
		})
	}
}

func TestParseConditionErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		pos  int
		msg  string
	}{
		{"empty", "  ", 1, "条件为空"},
		{"unknown field", "岁数 >= 80", 1, "未知字段「岁数」"},
		{"unknown field later", "年龄 >= 80 且 收入 < 3000", 12, "未知字段「收入」"},
		{"missing value", "年龄 >=", 6, "缺少比较的值"},
		{"number expected", "年龄 >= 八十", 7, "应为数字"},
		{"decimal", "年龄 >= 80.5", 9, "整数"},
		{"unclosed quote", `重点人群 包含 "残疾人`, 9, "引号没有结束"},
		{"unknown tag", `重点人群 包含 "孤寡老人"`, 9, "没有「孤寡老人」这个值"},
		{"tags need contains", `重点人群 = "低保"`, 6, "请用 包含"},
		{"contains on text", `社区 包含 "和平"`, 4, "不是标签字段"},
		{"unknown enum value", "性别 = 男性", 6, "没有「男性」这个值"},
		{"order on text", "性别 > 女", 4, "只能用"},
		{"bad level", "残疾等级 <= 五级", 9, "一级、二级、三级、四级"},
		{"bad bool", "是否独居 = 也许", 8, "是 或 否"},
		{"missing operator", "年龄 80", 4, "后面应为比较符"},
		{"field alone not bool", "年龄", 3, "后面应为比较符"},
		{"unclosed paren", "(年龄 >= 80 且 独居", 15, "缺少与第 1 个字符的左括号配对的右括号"},
		{"extra paren", "年龄 >= 80)", 9, "多余的右括号"},
		{"dangling and", "年龄 >= 80 且", 11, "条件不完整"},
		{"two tests without operator", "年龄 >= 80 独居", 10, "应为 且、或"},
		{"strange character", "年龄 >= 80 # 注释", 10, "不认识的字符「#」"},
		{"number glued to word", "年龄 >= 80abc", 9, "数值后面"},
		{"list without closing", "残疾等级 属于 (一级, 二级", 16, "缺少右括号"},
		{"in on tags", "重点人群 属于 (低保)", 6, "请用 包含"},
		{"not before value", "年龄 >= 非", 7, "应为比较的值"},
		{"keyword inside a bare value", "小区 = 非凡家园", 6, "这里是关键字「非」；值中有这个字时请把值整体加引号"},
		{"number-led bare value", "网格 = 1号网格", 7, "以数字开头的文字请加引号"},
		{"huge number", "年龄 >= 99999999999", 7, "超出范围"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCondition(tc.src)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseCondition(%q) error = %v, want a *ParseError", tc.src, err)
			}
			if pe.Pos != tc.pos || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got position %d %q, want %d containing %q", pe.Pos, pe.Msg, tc.pos, tc.msg)
			}
		})
	}
}

func TestParseConditionDepth(t *testing.T) {
	deep := strings.Repeat("(", 200) + "独居" + strings.Repeat(")", 200)
	if _, err := ParseCondition(deep); err == nil || !strings.Contains(err.Error(), "嵌套过深") {
		t.Errorf("deep nesting: err = %v, want 嵌套过深", err)
	}
	if _, err := ParseCondition(strings.Repeat("独居 且 ", 2000) + "独居"); err == nil || !strings.Contains(err.Error(), "条件过长") {
		t.Errorf("long condition: err = %v, want 条件过长", err)
	}
}

// FuzzParseCondition checks that the parser never panics, that its errors
// point inside the condition, and that a parsed condition's canonical form
// parses back to itself. Run: go test -fuzz=FuzzParseCondition ./internal/eligibility/
func FuzzParseCondition(f *testing.F) {
	for _, r := range DefaultRules().List {
		f.Add(r.Condition.String())
	}
	for _, s := range []string{"年龄>=80且独居", "（年龄＞＝８０）或 非 独居", `marks not contains "低保"`, "残疾等级 属于 一级、二级",
		`社区 = "a'b"`, "((", "年龄 >= -5", "“", "非非非", "年龄 >= 80周"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseCondition(src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if n := len([]rune(src)); pe.Pos < 1 || pe.Pos > n+1 {
				t.Fatalf("error position %d outside 1..%d", pe.Pos, n+1)
			}
			return
		}
		s := c.String()
		again, err := ParseCondition(s)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", s, src, err)
		}
		if again.String() != s {
			t.Fatalf("canonical form changes: %q → %q", s, again.String())
		}
		var facts Facts
		c.Holds(&facts)
		c.Explain(&facts)
	})
}
