package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAlertsBacktest(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		alarms []string // date|series of the rows with alarm 1
	}{
		{"default detector: the last 3 days' rise, not the Spring Festival", []string{}, []string{
			"2026-03-27|A社区/环境卫生", "2026-03-28|A社区/环境卫生", "2026-03-29|A社区/环境卫生"}},
		{"C1 knows no holidays: the day after the Spring Festival alarms", []string{"-detector", "C1"}, []string{
			"2026-02-24|A社区/环境卫生", "2026-03-27|A社区/环境卫生"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"alerts", "backtest", "-in", "testdata/alerts_counts.csv"}, tc.args...)
			if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			recs, err := csv.NewReader(&out).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(recs[0], ","); got != "date,series,count,expected,alarm,score" {
				t.Fatalf("header %q", got)
			}
			if len(recs) != 1+84+84 {
				t.Errorf("%d rows, want 168: every day of both series, days without a row as 0", len(recs)-1)
			}
			var alarms []string
			zeros := 0
			for _, r := range recs[1:] {
				if r[4] == "1" {
					alarms = append(alarms, r[0]+"|"+r[1])
				}
				if r[1] == "B社区/物业管理" && r[2] == "0" {
					zeros++
				}
			}
			if strings.Join(alarms, " ") != strings.Join(tc.alarms, " ") {
				t.Errorf("alarms %v, want %v", alarms, tc.alarms)
			}
			if zeros != 9 {
				t.Errorf("B has %d zero days, want the 9 days without a row", zeros)
			}
			if recs[1][3] != "" || recs[84][3] == "" {
				t.Errorf("expected %q on the first day and %q on the last: want none before a week of history, a value after", recs[1][3], recs[84][3])
			}
		})
	}
}

func TestAlertsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file named", []string{"alerts", "backtest"}, "用法"},
		{"unknown subcommand", []string{"alerts", "forecast"}, "未知子命令"},
		{"unknown detector", []string{"alerts", "backtest", "-in", "testdata/alerts_counts.csv", "-detector", "C9"}, "没有预警方法 \"C9\""},
		{"a column missing", []string{"alerts", "backtest", "-in", write("a.csv", "date,series\n2026-03-02,A\n")}, "缺少列 count"},
		{"a bad count, with its row", []string{"alerts", "backtest", "-in", write("b.csv", "日期,序列,数量\n2026-03-02,A,3\n2026-03-03,A,很多\n")}, "第 3 行：数量 \"很多\" 不是非负整数"},
		{"a bad date", []string{"alerts", "backtest", "-in", write("c.csv", "date,series,count\n03/02,A,3\n")}, "第 2 行：日期 \"03/02\" 无法识别"},
		{"only a header", []string{"alerts", "backtest", "-in", write("d.csv", "date,series,count\n")}, "没有数据行"},
		{"replicates out of range", []string{"alerts", "eval", "-replicates", "0"}, "-replicates 应在 1 到 100 之间"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errb); code == 0 {
				t.Fatalf("exit 0, want an error; stdout %q", out.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tc.want)
			}
		})
	}
}

func TestAlertsEval(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"alerts", "eval", "-replicates", "1"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"detector  outbreaks  sensitivity", "NBCUSUM", "C3", "spike/1d/4.0sd", "EARS study"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestAlertsEvalHourly(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"alerts", "eval", "-hourly", "-replicates", "1"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Hourly evaluation", "kind      outbreaks  sensitivity", "all ", "6h/4.0sd", "median delay (h)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
