package main

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestRepliesCommand(t *testing.T) {
	const file = "testdata/replies.csv"
	base := []string{"replies", "check", "-in", file, "-id", "工单编号", "-text", "标题,诉求内容", "-reply", "答复内容", "-intent", "诉求类型"}
	timed := slices.Concat(base, []string{"-time", "受理时间", "-replied", "办结时间", "-limit", "7d"})
	tests := []struct {
		name   string
		args   []string
		code   int
		ids    []string          // of the rows printed, in order
		reason map[string]string // id → a substring of its reasons
		stderr string
	}{
		{"check all", timed, 0, []string{"HF001", "HF002", "HF003", "HF004", "HF005", "HF006", "HF007"},
			map[string]string{"HF002": "模板化", "HF006": "超出时限 19 天答复", "HF007": "答复为空", "HF005": "答复只有套话"}, ""},
		{"worst two", slices.Concat(timed, []string{"-worst", "2"}), 0, []string{"HF007", "HF002"}, nil, ""},
		{"no times", base, 0, []string{"HF001", "HF002", "HF003", "HF004", "HF005", "HF006", "HF007"}, nil, ""},
		{"missing column", []string{"replies", "check", "-in", file, "-id", "编号", "-text", "标题", "-reply", "答复内容"}, 1, nil, nil, `找不到列 "编号"`},
		{"time without replied", slices.Concat(base, []string{"-time", "受理时间"}), 2, nil, nil, "用法"},
		{"no reply column", []string{"replies", "check", "-in", file, "-id", "工单编号", "-text", "标题"}, 2, nil, nil, "用法"},
		{"bad limit", slices.Concat(timed, []string{"-limit", "一周"}), 1, nil, nil, "时间窗口"},
		{"comma in a column name", slices.Concat(base, []string{"-community", "社区,小区"}), 1, nil, nil, "不能含逗号"},
		{"unknown subcommand", []string{"replies", "draft"}, 2, nil, nil, "未知子命令"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := runExpect(t, tc.args, tc.code, tc.stderr)
			if tc.code != 0 {
				return
			}
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatalf("stdout is not CSV: %v", err)
			}
			if len(recs) == 0 || strings.Join(recs[0], ",") != "id,score,reasons" {
				t.Fatalf("header = %v, want id,score,reasons", recs)
			}
			var ids []string
			for _, r := range recs[1:] {
				ids = append(ids, r[0])
				if want, ok := tc.reason[r[0]]; ok && !strings.Contains(r[2], want) {
					t.Errorf("%s: reasons %q, want %q", r[0], r[2], want)
				}
			}
			if strings.Join(ids, ",") != strings.Join(tc.ids, ",") {
				t.Errorf("ids = %v, want %v", ids, tc.ids)
			}
		})
	}
}
