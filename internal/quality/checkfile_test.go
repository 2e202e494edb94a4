package quality

import (
	"errors"
	"strings"
	"testing"
)

func TestParseChecks(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // Rule() of each check, prefixed by its kind and name
	}{
		{"empty and comments", "# 注释\n\n   ＃ 全角注释\n", nil},
		{"percent with levels", "[person]\nmissing_percent(phone) < 5% warn; < 20% fail",
			[]string{"person|missing_percent(phone) < 5% warn; < 20% fail"}},
		{"count default level", "[人口]\nduplicate_count(id_number) = 0",
			[]string{"person|duplicate_count(id_number) = 0"}},
		{"compound key, full-width punctuation", "[person]\nduplicate_count（name，birth_date） = 0 警告",
			[]string{"person|duplicate_count(name, birth_date) = 0 warn"}},
		{"freshness periods", "[person]\nfreshness(updated_at) < 1y warn; < 36m",
			[]string{"person|freshness(updated_at) < 1y warn; < 36m fail"}},
		{"row count change, all kinds", "row_count change < 30%",
			[]string{"|row_count change < 30%"}},
		{"row count", "[house]\nrow_count > 0", []string{"house|row_count > 0"}},
		{"named check with where", "[person]\n独居老人须有电话：missing_count(phone) = 0 where living_alone = 是",
			[]string{"person|独居老人须有电话|missing_count(phone) = 0 where living_alone = 是"}},
		{"where not_empty", "[house]\ninvalid_count(owner_id_number) = 0 where owner_name not_empty",
			[]string{"house|invalid_count(owner_id_number) = 0 where owner_name not_empty"}},
		{"untouched and over age", "[person]\nuntouched_count(5y) = 0 warn\nover_age_count(110) = 0",
			[]string{"person|untouched_count(5y) = 0 warn", "person|over_age_count(110) = 0"}},
		{"trailing comment", "[enterprise]\ninvalid_count(uscc) = 0 # 信用代码校验", []string{"enterprise|invalid_count(uscc) = 0"}},
		{"orphans", "orphan_count(ticket_unit) <= 1", []string{"|orphan_count(ticket_unit) <= 1"}},
		{"no-argument metric", "[person]\ngrid_mismatch_count = 0", []string{"person|grid_mismatch_count = 0"}},
		{"bom and crlf", "\ufeff[person]\r\ninvalid_count(phone) = 0\r\n", []string{"person|invalid_count(phone) = 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := ParseChecks(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				s := c.RecordKind + "|"
				if c.Name != "" {
					s += c.Name + "|"
				}
				got = append(got, s+c.Rule())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			// A rule reads back as itself.
			for _, c := range cs {
				back, err := ParseChecks("[" + orAll(c.RecordKind) + "]\n" + c.Rule())
				if err != nil || len(back) != 1 || back[0].Rule() != c.Rule() {
					t.Errorf("%q does not read back: %v", c.Rule(), err)
				}
			}
		})
	}
}

func orAll(k string) string {
	if k == "" {
		return "all"
	}
	return k
}

func TestParseChecksErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
		msg        string
	}{
		{"unknown metric", "[person]\nmising_count(phone) = 0", 2, 1, "未知的检查指标"},
		{"no suffix", "[person]\nmissing(phone) = 0", 2, 1, "未知的检查指标"},
		{"unknown field", "[person]\nmissing_count(telephone) = 0", 2, 1, "没有字段"},
		{"unknown section", "[cars]\n", 1, 2, "未知的数据类别"},
		{"no threshold", "[person]\nmissing_count(phone)", 2, 21, "缺少阈值"},
		{"bad number", "[person]\nmissing_percent(phone) < abc", 2, 26, "阈值应为数字"},
		{"bad level", "[person]\nmissing_percent(phone) < 5% severe", 2, 29, "级别"},
		{"bad period", "[person]\nfreshness(updated_at) < 1h", 2, 25, "时长单位"},
		{"freshness op", "[person]\nfreshness(updated_at) > 1y", 2, 23, "freshness"},
		{"unclosed args", "[person]\nduplicate_count(name birth_date) = 0", 2, 22, "逗号"},
		{"one argument only", "[person]\ninvalid_count(phone, name) = 0", 2, 26, "只接受一个参数"},
		{"id_mismatch field", "[person]\nid_mismatch_count(phone) = 0", 2, 19, "参数应为"},
		{"trailing text", "[person]\ninvalid_count(phone) = 0 fail extra", 2, 31, "无法识别"},
		{"where field", "[person]\ninvalid_count(phone) = 0 where colour = red", 2, 32, "没有字段"},
		{"second line counts", "[person]\ninvalid_count(phone) = 0\n\ninvalid_count(phone) =", 4, 23, "阈值应为数字"},
		{"chinese columns", "[人口]\n独居：missing_count(电话) = 0", 2, 4, "没有字段"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseChecks(tc.text)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a ParseError", err)
			}
			if pe.Line != tc.line || pe.Col != tc.col || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got %d:%d %s, want %d:%d %s", pe.Line, pe.Col, pe.Msg, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestDefaultChecks(t *testing.T) {
	cs := DefaultChecks()
	if len(cs) < 20 {
		t.Fatalf("%d default checks", len(cs))
	}
	kinds := map[string]bool{}
	for _, c := range cs {
		kinds[c.kind()] = true
	}
	for _, k := range CheckKinds {
		if !kinds[k] {
			t.Errorf("no default check of kind %s", k)
		}
	}
}

// FuzzParseChecks: the parser never panics, and what it accepts writes
// back (Rule) to text that reads back to the same rules.
func FuzzParseChecks(f *testing.F) {
	f.Add(DefaultChecksText())
	f.Add("[person]\nmissing_percent(phone) < 5% warn; < 20% fail where gender = 男")
	f.Add("[人口]\n名称：freshness(updated_at) < 1y warn；< 3年")
	f.Add("row_count change < 30%\n[house]\nempty_house_count = 0")
	f.Fuzz(func(t *testing.T, text string) {
		cs, err := ParseChecks(text)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Col < 1 {
				t.Fatalf("error %v is not a positioned ParseError", err)
			}
			return
		}
		for _, c := range cs {
			if c.Where != nil && strings.ContainsAny(c.Where.Value, "#＃") {
				continue
			}
			back, err := ParseChecks("[" + orAll(c.RecordKind) + "]\n" + c.Rule())
			if err != nil || len(back) != 1 || back[0].Rule() != c.Rule() {
				t.Fatalf("%q does not read back: %v", c.Rule(), err)
			}
		}
	})
}

func TestMetricNames(t *testing.T) {
	if len(MetricNames) != len(metrics) {
		t.Fatalf("%d names, %d metrics", len(MetricNames), len(metrics))
	}
	for _, n := range MetricNames {
		if _, ok := metrics[n]; !ok {
			t.Errorf("%s is not a metric", n)
		}
	}
}
