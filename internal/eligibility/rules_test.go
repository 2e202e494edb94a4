package eligibility

import (
	"errors"
	"strings"
	"testing"

	"jiceng/internal/core"
)

func TestDefaultRules(t *testing.T) {
	rs := DefaultRules()
	if len(rs.List) < 15 {
		t.Fatalf("default rules: %d, want at least 15", len(rs.List))
	}
	policies, cycles := 0, 0
	for _, r := range rs.List {
		if r.Role == "" || r.Policy == "" || r.Note == "" {
			t.Errorf("rule %s: every default rule names its 责任人, 政策依据 and 说明", r.ID)
		}
		if r.Service == ServicePolicy {
			policies++
		}
		if r.Cycle != CycleNone {
			cycles++
		}
	}
	if policies == 0 || cycles == 0 {
		t.Errorf("default rules: %d policy pushes, %d with a cycle; want some of each", policies, cycles)
	}
	if rs.Rule("R01") == nil || rs.Rule("R01").Cycle != CycleWeekly || rs.Rule("nope") != nil {
		t.Error("Rule(R01) should be the weekly visit of the elderly living alone")
	}
}

func TestLoadRules(t *testing.T) {
	const head = "编号,名称,条件,服务类型,周期,责任人,政策依据,说明\n"
	tests := []struct {
		name  string
		file  string
		ids   string   // loaded rule IDs
		errs  []string // parts of the error message, each must appear
		lines []int    // the bad lines of the error
	}{
		{"minimal columns", "编号,名称,条件,服务类型\nA,高龄,年龄>=80,上门走访\n", "A", nil, nil},
		{"English header in any order", "condition,id,name,service,cycle\n年龄>=80,A,高龄,上门走访,monthly\n", "A", nil, nil},
		{"BOM, comments, blank lines", "\ufeff# 注释\n" + head + "\n,,,\nA,高龄,年龄>=80,上门走访,每月,网格员,,\n", "A", nil, nil},
		{"quoted list with commas", head + `A,残疾,"残疾等级 属于 (一级, 二级)",补贴申领,每年,残疾人专职委员,依据,` + "\n", "A", nil, nil},
		{"condition error names rule, column and position", head + "R1,高龄独居,年龄 >= 80 且 收入 < 3000,上门走访,每月,,,\n",
			"", []string{"规则表第 2 行：规则「R1 高龄独居」的「条件」第 12 个字符：未知字段「收入」"}, []int{2}},
		{"every bad line", head + "R1,甲,年龄 >=,上门走访,,,,\nR2,乙,独居,上门走访,每天,,,\nR3,丙,独居,,,,,\n",
			"", []string{"第 2 行", "缺少比较的值", "第 3 行", "「周期」「每天」应为", "第 4 行", "「服务类型」为空"}, []int{2, 3, 4}},
		{"duplicate id", head + "R1,甲,独居,上门走访,,,,\nR1,乙,独居,电话问候,,,,\n", "", []string{"规则编号「R1」与第 2 行重复"}, []int{3}},
		{"empty id", head + ",甲,独居,上门走访,,,,\n", "", []string{"「编号」为空"}, []int{2}},
		{"empty name", head + "R1,,独居,上门走访,,,,\n", "", []string{"规则「R1」的「名称」为空"}, []int{2}},
		{"policy push needs a basis", head + "R1,告知,独居,政策推送,,,,\n", "", []string{"是政策推送，「政策依据」不能为空"}, []int{2}},
		{"missing column", "编号,名称,服务类型\n", "", []string{"缺少列「条件」"}, nil},
		{"column twice", "编号,名称,条件,条件,服务类型\n", "", []string{"列「条件」出现了两次"}, nil},
		{"empty file", "", "", []string{"规则表为空"}, nil},
		{"no rules", head, "", []string{"规则表没有规则"}, nil},
		{"not UTF-8", head + "R1,\xb8\xdf\xc1\xe4,独居,上门走访,,,,\n", "", []string{"不是 UTF-8"}, []int{2}},
		{"quotes inside a cell", head + `R1,低保,重点人群 包含 "低保",上门走访,,,,` + "\n", "R1", nil, nil},
		{"runaway quote", head + "R1,\"甲,独居\n", "", []string{"规则表第 2 行"}, []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := LoadRules(strings.NewReader(tc.file))
			if tc.errs == nil {
				if err != nil {
					t.Fatalf("LoadRules: %v", err)
				}
				var ids []string
				for _, r := range rs.List {
					ids = append(ids, r.ID)
				}
				if got := strings.Join(ids, ","); got != tc.ids {
					t.Errorf("ids = %s, want %s", got, tc.ids)
				}
				return
			}
			if err == nil {
				t.Fatal("LoadRules: no error")
			}
			if core.ErrorCode(err) != core.EINVALID {
				t.Errorf("code = %s, want %s", core.ErrorCode(err), core.EINVALID)
			}
			msg := core.ErrorMessage(err)
			for _, want := range tc.errs {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q, want it to contain %q", msg, want)
				}
			}
			var rows core.RowErrors
			if tc.lines != nil {
				if !errors.As(err, &rows) {
					t.Fatalf("error is not RowErrors: %v", err)
				}
				var lines []int
				for _, r := range rows {
					lines = append(lines, r.Row)
				}
				if len(lines) != len(tc.lines) {
					t.Errorf("bad lines %v, want %v", lines, tc.lines)
				}
				for i := range lines {
					if i < len(tc.lines) && lines[i] != tc.lines[i] {
						t.Errorf("bad lines %v, want %v", lines, tc.lines)
					}
				}
			}
		})
	}
}

// FuzzLoadRules checks that any rule file loads or fails with an EINVALID
// error, never a panic. Run: go test -fuzz=FuzzLoadRules ./internal/eligibility/
func FuzzLoadRules(f *testing.F) {
	f.Add(string(DefaultRulesCSV()))
	f.Add("编号,名称,条件,服务类型\nA,高龄,年龄>=80,上门走访\n")
	f.Add("condition,id,name,service\n\"x\ny\",1,2,3\n")
	f.Fuzz(func(t *testing.T, file string) {
		rs, err := LoadRules(strings.NewReader(file))
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("error code %s: %v", core.ErrorCode(err), err)
			}
			return
		}
		if len(rs.List) == 0 {
			t.Fatal("no error and no rules")
		}
		for _, r := range rs.List {
			if r.ID == "" || r.Name == "" || r.Service == "" || r.Condition == nil {
				t.Fatalf("incomplete rule %+v", r)
			}
		}
	})
}
