package dispatch

import (
	"fmt"
	"slices"
	"strings"

	"jiceng/internal/core"
)

// Registry is what a catalogue is checked against: the street's units,
// areas and taxonomy. An empty list is not checked (a street that has not
// loaded its units yet).
type Registry struct {
	Units      []core.Unit
	Areas      core.Areas
	Categories []core.Category
}

// Check returns, for every rule that names something the registry does not
// know, one RowError with all its problems: a lead or co-unit that is not a
// unit (OwnCommunity is), a category path that is not in the taxonomy, a
// community that is neither a code nor a name. rows gives each rule's row
// in its file (nil: rules are numbered 1, 2, ...). A near name is offered
// where there is one (城管可 → 城管科).
func Check(rules []core.DispatchRule, rows []int, reg Registry) []RowError {
	units := map[string]bool{}
	var names []string
	for _, u := range reg.Units {
		units[u.Name] = true
		names = append(names, u.Name)
	}
	comms := map[string]bool{}
	var commNames []string
	for _, c := range reg.Areas.Communities {
		comms[c.Code] = true
		if c.Name != "" {
			comms[c.Name] = true
			commNames = append(commNames, c.Name)
		}
	}
	paths := map[string]bool{}
	for _, c := range reg.Categories {
		paths[c.Level1] = true
		paths[c.Level1+"/"+c.Level2] = true
		paths[c.Level1+"/"+c.Level2+"/"+c.Level3] = true
	}
	var bad []RowError
	for i, r := range rules {
		var why []string
		unit := func(label, u string) {
			if len(units) > 0 && u != OwnCommunity && !units[u] {
				why = append(why, fmt.Sprintf("%s“%s”不在单位名录中%s", label, u, near(u, names)))
			}
		}
		unit("承办单位", r.Unit)
		for _, u := range r.CoUnits {
			unit("协办单位", u)
		}
		if len(paths) > 0 && r.Category1 != "" {
			p := joinNonEmpty("/", r.Category1, r.Category2, r.Category3)
			if !paths[p] {
				why = append(why, fmt.Sprintf("分类“%s”不在问题分类中", p))
			}
		}
		if len(comms) > 0 && r.Community != "" && !comms[r.Community] {
			why = append(why, fmt.Sprintf("社区“%s”不在区划名录中%s", r.Community, near(r.Community, commNames)))
		}
		if len(why) > 0 {
			row := i + 1
			if i < len(rows) {
				row = rows[i]
			}
			bad = append(bad, RowError{Row: row, Reason: strings.Join(why, "；")})
		}
	}
	return bad
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// near names the known name that holds most of the characters of s, when
// it holds at least two and most of them: "（是否为“城管科”？）", or "".
func near(s string, known []string) string {
	rs := []rune(s)
	best, bestN := "", 0
	for _, k := range known {
		n := 0
		for _, r := range rs {
			if strings.ContainsRune(k, r) {
				n++
			}
		}
		if n > bestN || n == bestN && best != "" && len(k) < len(best) {
			best, bestN = k, n
		}
	}
	if bestN < 2 || 2*bestN < len(rs) {
		return ""
	}
	return fmt.Sprintf("（是否为“%s”？）", best)
}

// Diff is what a new catalogue changes: rules are matched by their
// conditions (category, keywords, community and priority), so a rule whose
// conditions stay but whose units or note change is Changed.
type Diff struct {
	Added   []core.DispatchRule
	Removed []core.DispatchRule
	Changed []RuleChange
	Same    int
}

// RuleChange is a rule whose conditions stay and whose outcome changes.
type RuleChange struct {
	Old, New core.DispatchRule
}

// Empty reports whether the new catalogue changes nothing (the order of
// rules aside).
func (d Diff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

// Compare returns the differences from old to new, in new's order (removed
// rules in old's order).
func Compare(old, new []core.DispatchRule) Diff {
	byKey := map[string][]int{}
	for i, r := range old {
		k := conditionKey(r)
		byKey[k] = append(byKey[k], i)
	}
	used := make([]bool, len(old))
	var d Diff
	for _, r := range new {
		k := conditionKey(r)
		idx := byKey[k]
		if len(idx) == 0 {
			d.Added = append(d.Added, r)
			continue
		}
		i := idx[0]
		byKey[k] = idx[1:]
		used[i] = true
		o := old[i]
		if o.Unit == r.Unit && slices.Equal(o.CoUnits, r.CoUnits) && o.Note == r.Note {
			d.Same++
		} else {
			d.Changed = append(d.Changed, RuleChange{Old: o, New: r})
		}
	}
	for i, r := range old {
		if !used[i] {
			d.Removed = append(d.Removed, r)
		}
	}
	return d
}
