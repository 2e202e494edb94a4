package demo

import (
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/taxonomy"
)

func TestDispatchCatalogue(t *testing.T) {
	st := NewStreet(1)
	rules := DispatchCatalogue(st)
	if n := len(rules); n < 60 || n > 300 {
		t.Errorf("%d rules, want 60–300", n)
	}
	units := map[string]bool{ownCommunity: true}
	for _, u := range st.Units {
		units[u.Name] = true
	}
	tax := map[core.Category]bool{}
	for _, c := range taxonomy.Default() {
		tax[c] = true
	}
	byCat := map[core.Category]core.DispatchRule{}
	for i, r := range rules {
		if !units[r.Unit] {
			t.Errorf("rule %d: unknown unit %q", i+1, r.Unit)
		}
		for _, u := range r.CoUnits {
			if !units[u] || u == r.Unit {
				t.Errorf("rule %d: bad co-unit %q", i+1, u)
			}
		}
		if r.Category1 == "" && len(r.Keywords) == 0 {
			t.Errorf("rule %d has no condition", i+1)
		}
		if r.Category1 != "" {
			c := core.Category{Level1: r.Category1, Level2: r.Category2, Level3: r.Category3}
			if !tax[c] {
				t.Errorf("rule %d: category %s is not in the taxonomy", i+1, catPath(c))
			}
			if len(r.Keywords) == 0 {
				if _, dup := byCat[c]; dup {
					t.Errorf("rule %d: second rule for %s", i+1, catPath(c))
				}
				byCat[c] = r
			}
		}
	}
	// Consistent with the generator: a category rule names the unit that
	// handles most of that category's tickets; and the catalogue leaves
	// some tickets to the model.
	type tally struct{ n, right int }
	per := map[core.Category]*tally{}
	covered, total := 0, 0
	for _, tk := range defaultHistory(t) {
		total++
		c := core.Category{Level1: tk.Category1, Level2: tk.Category2, Level3: tk.Category3}
		r, ok := byCat[c]
		if !ok {
			continue
		}
		covered++
		unit := r.Unit
		if unit == ownCommunity {
			unit = tk.Community // the demo's community units carry the community's name
		}
		if per[c] == nil {
			per[c] = &tally{}
		}
		per[c].n++
		if tk.Unit == unit {
			per[c].right++
		}
	}
	for c, tl := range per {
		if tl.n >= 50 && float64(tl.right) < 0.55*float64(tl.n) {
			t.Errorf("%s: the rule's unit handles %d of %d tickets", catPath(c), tl.right, tl.n)
		}
	}
	if share := float64(covered) / float64(total); share < 0.75 || share > 0.97 {
		t.Errorf("category rules cover %.3f of the tickets, want most but not all", share)
	}
}
