package quality

import (
	"errors"
	"strings"
	"testing"

	"jiceng/internal/core"
)

// TestParseChecksAll: a good file reads as ParseChecks reads it; every bad
// line of a bad one is a row with its line, column and a Chinese reason.
func TestParseChecksAll(t *testing.T) {
	tests := []struct {
		name, text string
		checks     int      // of a good file
		rows       []string // the bad rows, "line|reason contains"
	}{
		{"built-in file", DefaultChecksText(), len(DefaultChecks()), nil},
		{"one check", "[person]\nmissing_percent(phone) < 5% warn", 1, nil},
		{"bom, crlf, comments", "\ufeff# 本街道\r\n[人口]\r\nduplicate_count(id_number) = 0 # 唯一\r\n", 1, nil},
		{"unknown metric", "[person]\nblank_count(phone) = 0", 0, []string{`2|第 1 列：未知的检查指标 "blank_count"`}},
		{"unknown field", "[person]\nmissing_count(uscc) = 0", 0, []string{`2|人口 没有字段 "uscc"`}},
		{"missing threshold", "[house]\nempty_house_count", 0, []string{"2|缺少阈值"}},
		{"bad threshold", "[person]\nmissing_percent(phone) < x%", 0, []string{"2|第 "}},
		{"bad level", "row_count change < 30% 以后再说", 0, []string{"1|第 24 列：级别应为 warn 或 fail"}},
		{"unknown section, its lines not checked", "[车辆]\nmissing_count(plate) = 0\n[person]\nnope(phone) = 0", 0,
			[]string{"1|未知的数据类别", "4|未知的检查指标"}},
		{"every bad line", "[person]\nmissing_count(phone) = 0\nfoo\nmissing_count(phone)\n\nduplicate_count(x) = 0", 0,
			[]string{"3|", "4|缺少阈值", "6|没有字段"}},
		{"no check", "# 只有注释\n\n", 0, []string{"0|没有检查"}},
		{"empty", "", 0, []string{"0|没有检查"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := ParseChecksAll(tc.text)
			if tc.rows == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(cs) != tc.checks {
					t.Errorf("%d checks, want %d", len(cs), tc.checks)
				}
				if first, ferr := ParseChecks(tc.text); ferr != nil || len(first) != len(cs) {
					t.Errorf("ParseChecks: %d checks, %v", len(first), ferr)
				}
				return
			}
			var rs core.RowErrors
			if !errors.As(err, &rs) {
				t.Fatalf("err = %v (%T), want core.RowErrors", err, err)
			}
			if cs != nil {
				t.Errorf("checks returned with errors: %d", len(cs))
			}
			if len(rs) != len(tc.rows) {
				t.Fatalf("rows %v, want %d of %v", rs, len(tc.rows), tc.rows)
			}
			for i, want := range tc.rows {
				line, reason, _ := strings.Cut(want, "|")
				if got := rs[i]; itoa(got.Row) != line || !strings.Contains(got.Reason, reason) {
					t.Errorf("row %d = %d %q, want %s %q", i, got.Row, got.Reason, line, reason)
				}
			}
			// The first bad row is the one ParseChecks stops at.
			if _, ferr := ParseChecks(tc.text); rs[0].Row > 0 {
				var pe *ParseError
				if !errors.As(ferr, &pe) || pe.Line != rs[0].Row {
					t.Errorf("ParseChecks stops at %v, ParseChecksAll's first row is %d", ferr, rs[0].Row)
				}
			}
		})
	}
}

func itoa(n int) string {
	var b []byte
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
