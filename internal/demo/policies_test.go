package demo

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// docNumber is a 文号 such as 海民发〔2024〕15号.
var docNumber = regexp.MustCompile(`[\p{Han}]+〔\d{4}〕\d+号`)

func TestPolicies(t *testing.T) {
	files := Policies()
	if len(files) < 10 {
		t.Fatalf("%d policy files, want at least 10", len(files))
	}
	numbers := map[string]string{}
	qa := 0
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			if !utf8.Valid(f.Content) {
				t.Fatal("not valid UTF-8")
			}
			if bytes.HasPrefix(f.Content, []byte("\xef\xbb\xbf")) {
				t.Error("starts with a byte order mark")
			}
			if strings.HasSuffix(f.Name, ".csv") {
				qa++
				checkQASheet(t, f.Content)
				return
			}
			text := string(f.Content)
			first, _, _ := strings.Cut(text, "\n")
			if !strings.HasPrefix(first, "# ") || len(strings.TrimSpace(first[2:])) == 0 {
				t.Errorf("first line %q is not a title", first)
			}
			// The document's own 文号 is the first one, in its header;
			// later ones are documents it cites or repeals.
			num := docNumber.FindString(text)
			if num == "" {
				t.Fatal("no 文号")
			}
			if other, dup := numbers[num]; dup {
				t.Errorf("文号 %s also in %s", num, other)
			}
			numbers[num] = f.Name
			if !strings.Contains(text, "第一条") && !strings.Contains(text, "一、") {
				t.Error("neither articles (第一条) nor numbered parts (一、)")
			}
		})
	}
	if qa != 1 {
		t.Errorf("%d 问答 sheets, want 1", qa)
	}
}

func checkQASheet(t *testing.T, b []byte) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 {
		t.Fatal("no rows")
	}
	if got := strings.Join(rows[0], ","); got != "问,答,来源" {
		t.Errorf("header %q, want 问,答,来源", got)
	}
	for i, r := range rows[1:] {
		if r[0] == "" || r[1] == "" || r[2] == "" {
			t.Errorf("row %d has an empty cell", i+1)
		}
	}
}
