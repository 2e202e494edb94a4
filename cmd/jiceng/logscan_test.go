package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiceng/internal/deid"
)

// TestLogsHoldNoPersonalData imports demo data full of personal data (names,
// phones, ID and bank card numbers, plates, addresses in the text), a file
// with rows to reject and a file whose header is not recognised, with the
// debug log on, then exports and masks the data, and runs the recognizers
// over every line the commands wrote to stderr (the log and the messages)
// and the import's stdout: none may find anything.
func TestLogsHoldNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "demo.csv")
	jc(t, "generate", "-n", "400", "-seed", "11", "-end", "2025-06-30", "-out", good)
	if b, _ := os.ReadFile(good); len(deid.Spans(string(b))) < 100 {
		t.Fatal("the demo data holds too little personal data for this test")
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("工单编号,来电时间,来电人,联系电话,身份证号,诉求内容\n"+
		"B001,2024-03-05 08:30,王建国,13812345678,110101199003074514,我叫王建国，卡号6222021234567890128\n"+
		"B001,2024-03-05 08:31,王建国,13812345678,110101199003074514,重复编号，电话13812345678\n"+
		"B002,不是日期,李娜,13912345678,,住幸福小区3号楼2单元501室\n"+
		"B003,2024-03-05 09:00,赵敏,1391234,11010119900307451X,\n"+
		"B004 带空格,2024-03-05 09:00,孙丽,010-12345678,,邮箱sunli@example.com\n"), 0o644)
	noHeader := filepath.Join(dir, "noheader.csv")
	os.WriteFile(noHeader, []byte("张三,13812345678,京A12345\n李四,13912345678,110101199003074514\n"), 0o644)

	t.Setenv("JICENG_DEBUG", "1")
	t.Setenv(deidKeyEnv, "")
	db := filepath.Join(dir, "logs.db")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"import", "-db", db, "-progress", "0", good, bad, noHeader},
		strings.NewReader(""), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (the bad files fail); stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "level=DEBUG") {
		t.Fatalf("no debug log on stderr:\n%s", stderr.String())
	}
	if _, err := os.Stat(bad + ".rejects.csv"); err != nil {
		t.Fatalf("no rejects file: %v", err)
	}
	// Export and masking of the same data log too; their outputs go to
	// files, their stderr is scanned.
	for _, args := range [][]string{
		{"export", "-db", db, "-role", "admin", "-out", filepath.Join(dir, "raw.csv")},
		{"export", "-db", db, "-role", "share", "-out", filepath.Join(dir, "share.csv")},
		{"deid", "mask", "-role", "leader", "-in", good, "-out", filepath.Join(dir, "masked.csv")},
		{"deid", "mask", "-role", "export", "-in", bad, "-out", filepath.Join(dir, "fails.csv")},
	} {
		var o bytes.Buffer
		run(context.Background(), args, strings.NewReader(""), &o, &stderr)
	}
	lines := 0
	for _, out := range []*bytes.Buffer{&stderr, &stdout} {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines++
			for _, s := range deid.Spans(sc.Text()) {
				t.Errorf("%s %q (rule %s) in output line %q", s.Type, s.Text, s.Rule, sc.Text())
			}
		}
	}
	if lines < 5 {
		t.Errorf("only %d output lines", lines)
	}
}
