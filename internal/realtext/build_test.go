package realtext

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// go test ./internal/realtext -run TestBuildGold -gold.from DIR rebuilds
// testdata/gold.jsonl from the labellers' files in DIR: batchN.jsonl (the
// sample) and batchN.labelled.jsonl (the markup and labels).
var goldFrom = flag.String("gold.from", "", "directory of labelled batches to rebuild testdata/gold.jsonl from")

type labelled struct {
	ID           int    `json:"id"`
	TitleMarked  string `json:"title_marked"`
	DetailMarked string `json:"detail_marked"`
	Category     string `json:"category"`
	Intent       string `json:"intent"`
	Urgency      string `json:"urgency"`
	Note         string `json:"note"`
}

func readLines[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

func TestBuildGold(t *testing.T) {
	if *goldFrom == "" {
		t.Skip("-gold.from not given")
	}
	var out []byte
	for b := 1; ; b++ {
		src, err := readLines[Message](filepath.Join(*goldFrom, fmt.Sprintf("batch%d.jsonl", b)))
		if os.IsNotExist(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lab, err := readLines[labelled](filepath.Join(*goldFrom, fmt.Sprintf("batch%d.labelled.jsonl", b)))
		if os.IsNotExist(err) {
			t.Logf("batch %d: not labelled, left out", b)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(lab) != len(src) {
			// A labeller who ran out of time leaves a prefix.
			t.Logf("batch %d: %d labelled of %d, the rest left out", b, len(lab), len(src))
		}
		for i, m := range src[:min(len(src), len(lab))] {
			l := lab[i]
			if l.ID != m.ID {
				t.Fatalf("batch %d line %d: id %d, want %d", b, i+1, l.ID, m.ID)
			}
			title, ts, err := Unmark("title", l.TitleMarked)
			if err != nil || title != m.Title {
				t.Fatalf("id %d title: %v (%q)", m.ID, err, title)
			}
			detail, ds, err := Unmark("detail", l.DetailMarked)
			if err != nil || detail != m.Detail {
				t.Fatalf("id %d detail: %v", m.ID, err)
			}
			m.Spans = append(ts, ds...)
			m.Category, m.Intent, m.Urgency, m.Note = l.Category, l.Intent, l.Urgency, l.Note
			line, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			out = append(append(out, line...), '\n')
		}
	}
	if err := os.WriteFile("testdata/gold.jsonl", out, 0o644); err != nil {
		t.Fatal(err)
	}
}
