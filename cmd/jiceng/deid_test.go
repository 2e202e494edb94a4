package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDeidCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		key    string
		in     string
		code   int
		stdout string
		stderr string
	}{
		{"leader masks content", []string{"deid", "-role", "leader"}, "", "我叫张伟，电话13812345678\n", 0, "我叫张*，电话138****5678\n", ""},
		{"field value", []string{"deid", "-role", "community", "-field", "caller_id"}, "", "110101199003074514\n", 0, "110***********4514\n", ""},
		{"spans", []string{"deid", "-spans"}, "", "电话13812345678\n", 0, `"type":"PHONE","start":2,"end":13`, ""},
		{"export needs key", []string{"deid", "-role", "export"}, "", "x\n", 1, "", "JICENG_DEID_KEY"},
		{"export with key", []string{"deid", "-role", "export", "-field", "caller_phone"}, "0123456789abcdef", "13812345678\n", 0, "T_", ""},
		{"short key", []string{"deid", "-role", "export"}, "short", "x\n", 1, "", "JICENG_DEID_KEY"},
		{"extra argument", []string{"deid", "file.txt"}, "", "", 2, "", "用法"},
		{"missing policy", []string{"deid", "-policy", "/nonexistent/policy.csv"}, "", "", 1, "", "脱敏字典"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(deidKeyEnv, tc.key)
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(tc.in), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout %q, want it to contain %q", out.String(), tc.stdout)
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tc.stderr)
			}
			if strings.Contains(errb.String(), "13812345678") {
				t.Errorf("stderr quotes personal data: %q", errb.String())
			}
		})
	}
}
