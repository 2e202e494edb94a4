package demo

import (
	"bytes"
	"encoding/csv"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// docNumber is a 文号 such as 海民发〔2024〕15号.
var docNumber = regexp.MustCompile(`[\p{Han}]+〔\d{4}〕\d+号`)

func TestPolicies(t *testing.T) {
	files := Policies()
	if len(files) < 30 {
		t.Fatalf("%d policy files, want at least 30", len(files))
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

// TestPolicyQuestions checks the labelled questions of the policy search
// evaluation (internal/policy/testdata/questions.csv) against the base:
// every label names a file of Policies and a passage that file has, so
// that editing a document cannot silently break the evaluation.
func TestPolicyQuestions(t *testing.T) {
	b, err := os.ReadFile("../policy/testdata/questions.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rows[0], ","), "id,question,doc,article,item,kind,note"; got != want {
		t.Fatalf("header %q, want %q", got, want)
	}
	docs := map[string]string{}
	qaRows := 0
	for _, f := range Policies() {
		if f.Name == "qa.csv" {
			r, err := csv.NewReader(bytes.NewReader(f.Content)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			qaRows = len(r) - 1
			continue
		}
		docs[strings.TrimSuffix(f.Name, ".md")] = string(f.Content)
	}
	kinds := map[string]int{}
	ids := map[string]bool{}
	for _, r := range rows[1:] {
		id, q, doc, article, kind := r[0], r[1], r[2], r[3], r[5]
		if ids[id] {
			t.Errorf("%s: id used twice", id)
		}
		ids[id] = true
		kinds[kind]++
		if q == "" {
			t.Errorf("%s: no question", id)
		}
		switch kind {
		case "none":
			if doc != "" || article != "" {
				t.Errorf("%s: kind none with a passage", id)
			}
			continue
		case "colloquial", "keyword", "paraphrase", "multi":
		default:
			t.Errorf("%s: unknown kind %q", id, kind)
			continue
		}
		ds, as := strings.Split(doc, "|"), strings.Split(article, "|")
		if (kind == "multi") != (len(as) > 1) {
			t.Errorf("%s: kind %s with %d articles", id, kind, len(as))
		}
		if len(ds) != 1 && len(ds) != len(as) {
			t.Errorf("%s: %d docs for %d articles", id, len(ds), len(as))
			continue
		}
		for i, a := range as {
			d := ds[0]
			if len(ds) > 1 {
				d = ds[i]
			}
			if d == "qa" {
				if n, err := strconv.Atoi(a); err != nil || n < 1 || n > qaRows {
					t.Errorf("%s: qa row %q not in 1..%d", id, a, qaRows)
				}
				continue
			}
			text, ok := docs[d]
			if !ok {
				t.Errorf("%s: no document %q", id, d)
				continue
			}
			// An article starts a line with 第X条 and an ideographic
			// space; a notice's numbered part (二、) starts a line or a
			// heading.
			if !regexp.MustCompile(`(?m)^(## )?` + regexp.QuoteMeta(a)).MatchString(text) {
				t.Errorf("%s: %s has no %s", id, d, a)
			}
		}
	}
	if n := len(rows) - 1; n < 200 {
		t.Errorf("%d questions, want at least 200", n)
	}
	if kinds["none"] < 15 {
		t.Errorf("%d questions of kind none, want at least 15", kinds["none"])
	}
}
