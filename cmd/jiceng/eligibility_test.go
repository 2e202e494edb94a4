package main

import (
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestEligibilityCommand(t *testing.T) {
	const dir = "testdata/eligibility/"
	base := []string{"eligibility", "-in", dir + "persons.csv", "-asof", "2026-12-01", "-workers", dir + "grid_workers.csv"}
	tests := []struct {
		name   string
		args   []string
		code   int
		head   string            // the header, joined with ","
		rows   int               // data rows
		cells  map[string]string // "row:column" (1 is the first data row) → cell
		stderr string
	}{
		{"service list", base, 0, "社区,网格,责任人,工作人员,规则编号,规则名称,服务类型,周期,姓名,年龄,联系电话,居住地址,上次服务,下次到期,状态", 25,
			map[string]string{"1:规则编号": "R04", "1:姓名": "孙桂英", "1:工作人员": "民政专干丙", "7:状态": "待首次服务"}, "人员 15 人，规则 18 条，清单 25 行（统计日 2026-12-01）"},
		{"roles without a worker", base, 0, "", 25, nil, "责任人「残疾人专职委员」：2 行在网格责任人表中没有对应的工作人员"},
		{"explain", slices.Concat(base, []string{"-explain"}), 0, "", 25,
			map[string]string{"7:依据": "年龄 86 ≥ 80；是否独居 = 是", "8:依据": "年龄 80（据身份证号） ≥ 80；是否独居 = 是"}, ""},
		{"policy push list", slices.Concat(base, []string{"-list", "policy"}), 0, "社区,网格,责任人,工作人员,规则编号,规则名称,政策依据,说明,姓名,年龄,联系电话,居住地址", 5,
			map[string]string{"1:政策依据": "《特困人员认定办法》", "3:规则编号": "R15"}, ""},
		{"due visits", slices.Concat(base, []string{"-list", "visits", "-visits", dir + "visits.csv"}), 0, "", 20,
			map[string]string{"1:状态": "已逾期", "1:剩余": "逾期 16 天", "1:上次服务": "2026-08-15", "17:剩余": "今天到期", "18:剩余": "还有 4 天", "20:状态": "未到期"}, ""},
		{"near misses", slices.Concat(base, []string{"-list", "near"}), 0, "社区,网格,责任人,工作人员,规则编号,规则名称,姓名,年龄,联系电话,居住地址,未满足", 6,
			map[string]string{"1:未满足": "是否独居未填", "2:未满足": "年龄 79（据身份证号） < 80（2026-12-02 满 80 周岁）"}, ""},
		{"own rules", []string{"eligibility", "-in", dir + "persons.csv", "-asof", "2026-12-01", "-rules", dir + "rules.csv"}, 0, "", 1,
			map[string]string{"1:姓名": "孙桂英", "1:规则名称": "九十岁以上"}, "规则 1 条"},
		{"summary", slices.Concat(base, []string{"-list", "summary", "-visits", dir + "visits.csv"}), 0,
			"社区,网格,责任人,工作人员,规则编号,规则名称,服务类型,周期,人数,已逾期,待首次服务,即将到期", 20,
			map[string]string{"1:规则编号": "R04", "1:人数": "3", "1:待首次服务": "3", "5:规则编号": "R01", "5:人数": "2", "5:即将到期": "2"}, ""},
		{"one worker", slices.Concat(base, []string{"-worker", "网格员甲"}), 0, "", 3,
			map[string]string{"1:规则编号": "R01", "3:规则编号": "R08"}, ""},
		{"one grid", slices.Concat(base, []string{"-community", "青年沟社区", "-grid", "第一网格"}), 0, "", 5, nil, ""},
		{"worker needs the table", []string{"eligibility", "-in", dir + "persons.csv", "-worker", "甲"}, 2, "", 0, nil, "用法"},
		{"field-set names as headers", []string{"eligibility", "-in", dir + "persons_en.csv", "-asof", "2026-12-01"}, 0, "", 1,
			map[string]string{"1:姓名": "甲", "1:规则编号": "R01", "1:年龄": "86"}, "人员 2 人"},
		{"bad rules", []string{"eligibility", "-in", dir + "persons.csv", "-rules", dir + "bad_rules.csv"}, 1, "", 0, nil,
			"bad_rules.csv：规则表第 2 行：规则「A1 高龄」的「条件」第 12 个字符：未知字段「收入」"},
		{"bad visits file", slices.Concat(base, []string{"-visits", dir + "grid_workers.csv"}), 1, "", 0, nil, "服务记录表第 1 行"},
		{"bad date", []string{"eligibility", "-in", dir + "persons.csv", "-asof", "下个月"}, 1, "", 0, nil, "统计日「下个月」无法识别"},
		{"no input", []string{"eligibility"}, 2, "", 0, nil, "用法"},
		{"unknown list", slices.Concat(base, []string{"-list", "all"}), 2, "", 0, nil, "用法"},
		{"not a persons file", []string{"eligibility", "-in", dir + "bad_rules.csv"}, 1, "", 0, nil, "表头中没有人口字段"},
		{"missing file", []string{"eligibility", "-in", dir + "nope.csv"}, 1, "", 0, nil, "无法打开文件 nope.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := runExpect(t, tc.args, tc.code, tc.stderr)
			if tc.code != 0 {
				return
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil || len(recs) == 0 {
				t.Fatalf("stdout is not CSV: %v", err)
			}
			if tc.head != "" && strings.Join(recs[0], ",") != tc.head {
				t.Errorf("header = %s, want %s", strings.Join(recs[0], ","), tc.head)
			}
			if len(recs)-1 != tc.rows {
				t.Errorf("%d rows, want %d:\n%s", len(recs)-1, tc.rows, out)
			}
			for k, want := range tc.cells {
				row, col, _ := strings.Cut(k, ":")
				r, err := strconv.Atoi(row)
				ci := slices.Index(recs[0], col)
				if err != nil || ci < 0 || r >= len(recs) {
					t.Errorf("%s: no such cell", k)
					continue
				}
				if got := recs[r][ci]; got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestEligibilityDefaultRules(t *testing.T) {
	out, _ := runExpect(t, []string{"eligibility", "-default-rules"}, 0, "")
	if !strings.Contains(out, "编号,名称,条件,服务类型,周期,责任人,政策依据,说明\nR01,") {
		t.Errorf("-default-rules does not print the rule file:\n%.300s", out)
	}
}
