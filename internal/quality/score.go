package quality

import (
	"math"
	"sort"
)

// tally accumulates pass rates per check kind for one population.
type tally struct {
	sum   map[string]float64
	n     map[string]int
	fails int
	warns int
}

func newTally() *tally { return &tally{sum: map[string]float64{}, n: map[string]int{}} }

func (t *tally) add(kind string, checked, failing int, st string) {
	if checked == 0 {
		return
	}
	t.sum[kind] += 1 - float64(failing)/float64(checked)
	t.n[kind]++
	switch st {
	case StatusFail:
		t.fails++
	case StatusWarn:
		t.warns++
	}
}

// score is 100 × the mean over check kinds of the mean pass rate, and the
// per-kind scores; 100 when nothing was checked.
func (t *tally) score() (float64, map[string]float64) {
	kinds := map[string]float64{}
	total, n := 0.0, 0
	for k, s := range t.sum {
		v := s / float64(t.n[k])
		kinds[k] = round2(100 * v)
		total += v
		n++
	}
	if n == 0 {
		return 100, kinds
	}
	return round2(100 * total / float64(n)), kinds
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// scores computes the scores of a run (see Run): per source, per owner
// (its sources' counts summed per check), per field, and overall.
func scores(run *Run, owners map[string]string, labels map[string]map[string]string) (sources, owns, fields []Score, overall float64) {
	all := newTally()
	bySource := map[string]*tally{}
	ownerCounts := map[string]map[int]*SourceCount{} // owner → result index → summed counts
	byField := map[string]*tally{}
	fieldKey := func(kind, f string) string { return kind + "\x00" + f }
	ownerOf := func(s string) string {
		if o := owners[s]; o != "" {
			return o
		}
		return s
	}
	for i := range run.Results {
		r := &run.Results[i]
		if r.Status == StatusSkip {
			continue
		}
		all.add(r.Kind, r.Checked, r.Failing, r.Status)
		for _, sc := range r.Sources {
			t := bySource[sc.Source]
			if t == nil {
				t = newTally()
				bySource[sc.Source] = t
			}
			t.add(r.Kind, sc.Checked, sc.Failing, sc.Status)
			o := ownerOf(sc.Source)
			if ownerCounts[o] == nil {
				ownerCounts[o] = map[int]*SourceCount{}
			}
			oc := ownerCounts[o][i]
			if oc == nil {
				oc = &SourceCount{Status: StatusPass}
				ownerCounts[o][i] = oc
			}
			oc.Checked += sc.Checked
			oc.Failing += sc.Failing
			oc.Status = worse(oc.Status, sc.Status)
		}
		for _, f := range scoredFields(r) {
			if labels[r.RecordKind] == nil {
				continue
			}
			k := fieldKey(r.RecordKind, f)
			t := byField[k]
			if t == nil {
				t = newTally()
				byField[k] = t
			}
			// One kind for fields: the mean over the checks naming it.
			t.add("field", r.Checked, r.Failing, r.Status)
		}
	}
	overall, _ = all.score()
	for s, t := range bySource {
		sc, kinds := t.score()
		rows := 0
		for _, counts := range run.Counts {
			rows += counts[s]
		}
		sources = append(sources, Score{Name: s, Owner: ownerOf(s), Rows: rows, Score: sc, Kinds: kinds, Fails: t.fails, Warns: t.warns})
	}
	sort.Slice(sources, func(i, j int) bool { return sources[i].Name < sources[j].Name })
	for o, byRes := range ownerCounts {
		t := newTally()
		idx := make([]int, 0, len(byRes))
		for i := range byRes {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			c := byRes[i]
			t.add(run.Results[i].Kind, c.Checked, c.Failing, c.Status)
		}
		sc, kinds := t.score()
		rows := 0
		for _, s := range sources {
			if s.Owner == o {
				rows += s.Rows
			}
		}
		owns = append(owns, Score{Name: o, Rows: rows, Score: sc, Kinds: kinds, Fails: t.fails, Warns: t.warns})
	}
	sort.Slice(owns, func(i, j int) bool { return owns[i].Name < owns[j].Name })
	for k, t := range byField {
		var kind, f string
		for i := 0; i < len(k); i++ {
			if k[i] == 0 {
				kind, f = k[:i], k[i+1:]
			}
		}
		sc, _ := t.score()
		fields = append(fields, Score{Name: f, Kind: kind, Label: labels[kind][f], Score: sc, Fails: t.fails, Warns: t.warns})
	}
	sort.Slice(fields, func(i, j int) bool {
		if fields[i].Kind != fields[j].Kind {
			return fields[i].Kind < fields[j].Kind
		}
		return fields[i].Name < fields[j].Name
	})
	return sources, owns, fields, overall
}

// scoredFields are the fields a result's score counts for: its field
// arguments, and the fields a whole-row check reads.
func scoredFields(r *Result) []string {
	c := Check{Metric: r.Metric}
	switch c.base() {
	case "grid_mismatch", "unknown_area":
		return []string{"community", "grid"}
	case "over_age":
		return []string{"id_number"}
	case "untouched":
		return []string{"updated_at"}
	case "empty_house":
		return []string{"owner_name"}
	case "id_mismatch":
		return append([]string{"id_number"}, r.Fields...)
	case "row_count", "row_count_change", "orphan":
		return nil
	}
	return r.Fields
}
