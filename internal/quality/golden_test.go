package quality

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixture is a small registry with defects (testdata/fixture.json, made
// once by Generate and kept, so that generator changes do not move it).
type fixture struct {
	Records []Record
	Refs    *Refs
	// Previous are the counts of a previous load, for the volume check.
	Previous map[string]map[string]int
}

// maskTail keeps the last character of a value.
func maskTail(_, _, v string) string {
	n := utf8.RuneCountInString(v)
	if n <= 1 {
		return "*"
	}
	_, size := utf8.DecodeLastRuneInString(v)
	return string(bytes.Repeat([]byte("*"), n-1)) + v[len(v)-size:]
}

func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "fixture.json")
	if *update && os.Getenv("QUALITY_NEW_FIXTURE") != "" {
		g := Generate(GenOptions{Persons: 60, Seed: 3, Now: evalNow, Rate: 0.03})
		b, _ := json.MarshalIndent(fixture{Records: g.Records, Refs: g.Refs, Previous: map[string]map[string]int{"person": {"公安户籍": 10, "民政": 30}}}, "", " ")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	run, err := Measure(fx.Records, Options{Now: evalNow, Refs: fx.Refs, Mask: maskTail,
		Owners:   map[string]string{"公安户籍": "派出所", "社区网格": "网格中心", "卫健": "卫健办", "民政": "民政科"},
		Previous: &Run{Counts: fx.Previous}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "run.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("run differs from %s (go test -run TestGolden -update ./internal/quality to accept)", golden)
	}
	// The JSON reads back to the same run, for the history.
	var back Run
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.MarshalIndent(&back, "", "  ")
	if !bytes.Equal(again, got) {
		t.Error("run does not round-trip through JSON")
	}
}
