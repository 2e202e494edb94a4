package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestHotCommand(t *testing.T) {
	const file = "testdata/hot_tickets.csv"
	base := []string{"hot", "-in", file, "-id", "工单编号", "-text", "标题,诉求内容", "-time", "受理时间"}
	tests := []struct {
		name   string
		args   []string
		code   int
		labels []string // of the clusters printed, in order
		ids    [][]string
		stderr string
	}{
		{"top issues", append(base, "-place", "社区", "-caller", "来电人"), 0,
			[]string{"清河路 · 施工噪音", "幸福小区 · 电梯故障"},
			[][]string{{"GD005", "GD006", "GD007"}, {"GD001", "GD002", "GD003", "GD004"}}, "1 行受理时间无法识别"},
		{"top 1", append(base, "-top", "1"), 0, []string{"清河路 · 施工噪音"}, [][]string{{"GD005", "GD006", "GD007"}}, "1 行文本为空"},
		{"window of one day", append(base, "-window", "1d"), 0, []string{"幸福小区 · 电梯故障", "清河路 · 施工噪音"},
			[][]string{{"GD003", "GD004"}, {"GD006", "GD007"}}, ""},
		{"missing column", []string{"hot", "-in", file, "-id", "编号", "-text", "标题", "-time", "受理时间"}, 1, nil, nil, `找不到列 "编号"`},
		{"missing file", []string{"hot", "-in", "testdata/nonexistent.csv", "-id", "a", "-text", "b", "-time", "c"}, 1, nil, nil, "nonexistent.csv"},
		{"bad window", append(base, "-window", "一个月"), 1, nil, nil, "时间窗口"},
		{"comma in a column name", append(base, "-place", "社区,小区"), 1, nil, nil, "不能含逗号"},
		{"no time column", []string{"hot", "-in", file, "-id", "工单编号", "-text", "标题"}, 2, nil, nil, "用法"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut := runExpect(t, tc.args, tc.code, tc.stderr)
			if strings.Contains(out, "R01") || strings.Contains(errOut, "R01") {
				t.Error("a caller key was printed")
			}
			if tc.code != 0 {
				return
			}
			var got []hotCluster
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, out)
			}
			if len(got) != len(tc.labels) {
				t.Fatalf("got %d clusters, want %d:\n%s", len(got), len(tc.labels), out)
			}
			for i, c := range got {
				if c.Label != tc.labels[i] || strings.Join(c.IDs, ",") != strings.Join(tc.ids[i], ",") {
					t.Errorf("cluster %d: got %q %v, want %q %v", i, c.Label, c.IDs, tc.labels[i], tc.ids[i])
				}
				if c.Heat <= 0 || c.First == "" || c.Last < c.First {
					t.Errorf("cluster %d: heat %v, first %q, last %q", i, c.Heat, c.First, c.Last)
				}
			}
		})
	}
}

// runExpect runs the command line args with no input; the test fails
// unless it exits with code and its stderr contains stderr. It returns
// what the command wrote to stdout and to stderr.
func runExpect(t *testing.T, args []string, code int, stderr string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if got := run(context.Background(), args, strings.NewReader(""), &out, &errb); got != code {
		t.Fatalf("exit %d, want %d; stderr: %s", got, code, errb.String())
	}
	if !strings.Contains(errb.String(), stderr) {
		t.Errorf("stderr %q, want it to contain %q", errb.String(), stderr)
	}
	return out.String(), errb.String()
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"1.5d", 36 * time.Hour, true},
		{"12h", 12 * time.Hour, true},
		{"0d", 0, false},
		{"-3d", 0, false},
		{"d", 0, false},
		{"一周", 0, false},
		{"-1h", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseWindow(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("parseWindow(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

// FuzzHotInput feeds the parsers of "jiceng hot"'s outside input, the time
// column (the field set's date parsing) and the -window flag: they must
// not panic, and a time they accept must print and read back the same.
func FuzzHotInput(f *testing.F) {
	for _, s := range []string{"2025-06-02 08:10", "2024/3/5 下午3:30", "45356.5", "30d", "12h", "1e9d", "NaNd", "", "不是时间"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := parseHotTime(s); err == nil {
			back, err := parseHotTime(tm.Format("2006-01-02 15:04:05"))
			if err != nil || !back.Equal(tm) {
				t.Errorf("%q → %v, read back %v, %v", s, tm, back, err)
			}
		}
		if d, err := parseWindow(s); err == nil && d < 0 {
			t.Errorf("parseWindow(%q) = %v", s, d)
		}
	})
}
