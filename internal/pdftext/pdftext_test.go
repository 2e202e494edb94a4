package pdftext

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiceng/internal/core"
)

var update = flag.Bool("update", false, "rewrite the golden text files in testdata/golden")

// pageSep separates pages in a golden file.
const pageSep = "\n\f\n"

// checkGolden compares the pages with testdata/golden/name.txt.
func checkGolden(t *testing.T, name string, pages []string) {
	t.Helper()
	got := strings.Join(pages, pageSep) + "\n"
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("text differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestExtractFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			pages, err := Extract(fx.build())
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkGolden(t, fx.name, pages)
		})
	}
}

// TestExtractFiles reads the PDFs made by real producers in testdata.
func TestExtractFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	if len(files) == 0 {
		t.Skip("no PDFs in testdata")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".pdf")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pages, err := Extract(b)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkGolden(t, "file-"+name, pages)
		})
	}
}

func TestExtractErrors(t *testing.T) {
	for _, fx := range errorFixtures {
		t.Run(fx.name, func(t *testing.T) {
			pages, err := Extract(fx.build())
			if err == nil {
				t.Fatalf("got pages %q, want an error", pages)
			}
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.EINVALID {
				t.Fatalf("got %v, want a *core.Error with code %s", err, core.EINVALID)
			}
			if !strings.Contains(ce.Message, fx.msg) {
				t.Errorf("message %q, want it to contain %q", ce.Message, fx.msg)
			}
		})
	}
}

func TestReadSkipped(t *testing.T) {
	var b []byte
	for _, fx := range fixtures {
		if fx.name == "unsupported-filter-one-stream" {
			b = fx.build()
		}
	}
	r, err := Read(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0], "LZWDecode") {
		t.Errorf("Skipped = %q, want one entry naming LZWDecode", r.Skipped)
	}
	if got, want := r.Pages[0], "Readable stream"; got != want {
		t.Errorf("page = %q, want %q", got, want)
	}
}

// TestASCIIHex pins the hex decoding that ASCIIHexDecode streams and the
// lexer's hexadecimal strings share.
func TestASCIIHex(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		n              int
	}{
		{"to the end mark", "48 65\n6C>rest", "Hel", 9},
		{"odd last digit", "486>", "H`", 4},
		{"no end mark", "4g8", "H", 3},
		{"empty", ">", "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, n := asciiHex([]byte(tc.in))
			if string(out) != tc.want || n != tc.n {
				t.Errorf("asciiHex(%q) = %q, %d, want %q, %d", tc.in, out, n, tc.want, tc.n)
			}
		})
	}
}
