package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"jiceng/internal/core"
	"os"
	"testing"

	"jiceng/internal/demo"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json")

// extraction is everything the package reads from one ticket.
type extraction struct {
	Number      string       `json:"number"`
	Title       string       `json:"title"`
	Content     string       `json:"content"`
	Labels      [2]string    `json:"demo_labels"` // intent, urgency the generator meant
	Intent      IntentResult `json:"intent"`
	Urgency     string       `json:"urgency"`
	Limit       string       `json:"limit"`
	Reasons     []string     `json:"urgency_reasons"`
	Places      []Entity     `json:"places"`
	Orgs        []Entity     `json:"orgs"`
	Identifiers []Entity     `json:"identifiers"`
}

// TestGolden compares the full extraction of a handful of demo tickets
// (synthetic: the personal data in them is generated) with
// testdata/golden.json; run with -update to rewrite it after a deliberate
// change, and read the diff.
func TestGolden(t *testing.T) {
	st := demo.NewStreet(1)
	ts := demoTickets(t, 5, 400)
	var out []extraction
	seen := map[string]int{}
	for _, tk := range ts {
		// A few of each intent, and the urgent ones.
		key := string(tk.Intent)
		if tk.Urgency == core.UrgencyEmergency || tk.Urgency == core.UrgencyHurry {
			key = string(tk.Urgency)
		}
		if seen[key] >= 2 {
			continue
		}
		seen[key]++
		lvl, lim, reasons := Urgency(tk.Title, tk.Content)
		text := tk.Title + "\n" + tk.Content
		out = append(out, extraction{
			Number: tk.Number, Title: tk.Title, Content: tk.Content, Labels: [2]string{string(tk.Intent), string(tk.Urgency)},
			Intent: Intent(tk.Title, tk.Content), Urgency: string(lvl), Limit: lim.String(), Reasons: reasons,
			Places: Places(text, st.Areas), Orgs: Orgs(text),
			Identifiers: Identifiers(text),
		})
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const path = "testdata/golden.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("extraction differs from %s; run go test ./internal/extract -run TestGolden -update and review the diff", path)
	}
}
