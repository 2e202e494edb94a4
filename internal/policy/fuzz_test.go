package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
)

// The fuzz targets check that no input panics, that every error is a
// *core.Error with a message, and that every document read has sane
// passages. Seeds are the testdata documents and a few tricky snippets.

func checkFuzz(t *testing.T, docs []Document, err error) {
	t.Helper()
	if err != nil {
		var e *core.Error
		if !errors.As(err, &e) || e.Message == "" {
			t.Fatalf("error %v is no *core.Error with a message", err)
		}
		return
	}
	total := 0
	for _, d := range docs {
		if len(d.Passages) == 0 {
			t.Fatalf("document %q without passages", d.ID)
		}
		switch d.Validity {
		case Effective, Repealed, Superseded, Expired:
		default:
			t.Fatalf("validity %q", d.Validity)
		}
		for _, p := range d.Passages {
			if strings.TrimSpace(p.Text) == "" {
				t.Fatalf("empty passage %s", p.ID)
			}
			if !utf8.ValidString(p.Text) || !utf8.ValidString(d.Title) {
				t.Fatalf("invalid UTF-8 in %s", p.ID)
			}
			if n := runes(p.Text); n > hardRunes+minRunes && n > 200 {
				t.Fatalf("passage %s of %d runes", p.ID, n)
			}
			if !strings.HasPrefix(p.ID, d.ID+"#") {
				t.Fatalf("passage %s of document %s", p.ID, d.ID)
			}
		}
		total += len(d.Passages)
	}
	if total > MaxPassages {
		t.Fatalf("%d passages", total)
	}
}

func addFiles(f *testing.F, pattern string) {
	recoverPanics = false
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func fuzzParse(f *testing.F, file string) {
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse("d", file, b, Options{Now: now})
		checkFuzz(t, []Document{d}, err)
	})
}

func FuzzParseTXT(f *testing.F) {
	addFiles(f, "*.txt")
	for _, s := range []string{"第一条", "第一章\n第一节\n（一）\n1.\n一、", "第十十条 x", "自2023年2月30日起施行", "有效期99年", "《》同时废止", "\n\n\n", "【已被《》替代】"} {
		f.Add([]byte(s))
	}
	fuzzParse(f, "f.txt")
}

func FuzzParseMD(f *testing.F) {
	addFiles(f, "*.md")
	for _, s := range []string{"---\ntitle: x\n", "# a\n===\n- b\n1. c\n| d | e |\n|---|\n> f\n```\ng", "[x](y) ![z](w) **a** `b` <i>c</i>"} {
		f.Add([]byte(s))
	}
	fuzzParse(f, "f.md")
}

func FuzzParseHTML(f *testing.F) {
	addFiles(f, "*.html")
	for _, s := range []string{"<table><tr><td><table><tr><td>x", "<ol><li><ol><li>a</ol></ol></li>", "<h1><p>x</h1>", "<script>", "<div hidden><div>", "<title>a - b</title>", "<meta name=PubDate content=2023-01-01>"} {
		f.Add([]byte(s))
	}
	fuzzParse(f, "f.html")
}

func FuzzParseDOCX(f *testing.F) {
	addFiles(f, "*.docx")
	fuzzParse(f, "f.docx")
}

// FuzzDOCXParts fuzzes the XML parts of a DOCX rather than its zip.
func FuzzDOCXParts(f *testing.F) {
	recoverPanics = false
	f.Add(`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>条文</w:t></w:r></w:p>`,
		`<w:style w:styleId="1"><w:name w:val="heading 1"/></w:style>`,
		`<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`)
	f.Add(`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`, ``, ``)
	f.Fuzz(func(t *testing.T, body, styles, numbering string) {
		b := makeZip(t,
			"word/document.xml", `<w:document `+wNS+`><w:body>`+body+`</w:body></w:document>`,
			"word/styles.xml", `<w:styles `+wNS+`>`+styles+`</w:styles>`,
			"word/numbering.xml", `<w:numbering `+wNS+`>`+numbering+`</w:numbering>`)
		d, err := Parse("d", "f.docx", b, Options{})
		checkFuzz(t, []Document{d}, err)
	})
}

func FuzzParsePDF(f *testing.F) {
	addFiles(f, "*.pdf")
	fuzzParse(f, "f.pdf")
}

func FuzzReadQA(f *testing.F) {
	addFiles(f, "qa*.csv")
	f.Add([]byte("问,答\n\"a\nb\",c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rr, err := tabfileReader(b)
		if err != nil {
			return
		}
		docs, _, err := ReadQA("q", rr, Options{})
		checkFuzz(t, docs, err)
	})
}

func FuzzReadRows(f *testing.F) {
	addFiles(f, "rows.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		rr, err := tabfileReader(b)
		if err != nil {
			return
		}
		docs, _, err := ReadRows(rr, RowColumns{ID: "编号", Text: "正文", Title: "标题"}, Options{})
		checkFuzz(t, docs, err)
	})
}
