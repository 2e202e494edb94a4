package policy

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// now is the day the tests judge validity on.
var now = time.Date(2026, 12, 7, 10, 0, 0, 0, core.StreetTime)

// goldenDoc is a document as its golden file shows it: dates as days.
type goldenDoc struct {
	ID, Title, Issuer, Number       string
	Date, EffectiveFrom, ValidUntil string `json:",omitempty"`
	Validity                        Validity
	SupersededBy                    string   `json:",omitempty"`
	Supersedes                      []string `json:",omitempty"`
	Source                          string   `json:",omitempty"`
	Format                          string
	Passages                        []Passage
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func golden(docs ...Document) []byte {
	var out []goldenDoc
	for _, d := range docs {
		out = append(out, goldenDoc{
			ID: d.ID, Title: d.Title, Issuer: d.Issuer, Number: d.Number,
			Date: day(d.Date), EffectiveFrom: day(d.EffectiveFrom), ValidUntil: day(d.ValidUntil),
			Validity: d.Validity, SupersededBy: d.SupersededBy, Supersedes: d.Supersedes,
			Source: d.Source, Format: d.Format, Passages: d.Passages,
		})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
	}
}

// docFiles are the policy documents of testdata, one or more of each
// format.
var docFiles = []string{"dibao.txt", "jiuye_gbk.txt", "jiuzhu.md", "yanglao.html", "canbu.docx", "dianti.pdf"}

func TestParseGolden(t *testing.T) {
	for _, name := range docFiles {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(strings.TrimSuffix(name, filepath.Ext(name)), name, b, Options{Now: now})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkPassages(t, d)
			checkGolden(t, name, golden(d))
		})
	}
}

// checkPassages checks what every document's passages must be: numbered
// in order, with text, within the size limits.
func checkPassages(t *testing.T, d Document) {
	t.Helper()
	if len(d.Passages) == 0 {
		t.Fatalf("no passages")
	}
	for i, p := range d.Passages {
		if want := d.ID + "#" + strconv.Itoa(i+1); p.ID != want {
			t.Errorf("passage %d: ID %q, want %q", i, p.ID, want)
		}
		if strings.TrimSpace(p.Text) == "" {
			t.Errorf("passage %s: empty text", p.ID)
		}
		if n := runes(p.Text); n > hardRunes*2 {
			t.Errorf("passage %s: %d runes", p.ID, n)
		}
	}
}

// checkErr checks that err is an EINVALID *core.Error whose message
// says want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	var e *core.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a *core.Error", err)
	}
	if e.Code != core.EINVALID || !strings.Contains(e.Message, want) {
		t.Errorf("err = %v, want EINVALID saying %q", err, want)
	}
}
