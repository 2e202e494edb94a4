package dispatch_test

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/dispatch"
)

// The evaluation uses the demo street's history: train on the earlier
// months, test on the last evalTestMonths. The small version (always run)
// generates evalSmall tickets over the two years; JICENG_EVAL=1 runs the full
// history (about 45,000 tickets).
const (
	evalSmall      = 8000
	evalTestMonths = 4
)

var evalEnd = time.Date(2025, 6, 30, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

type history struct {
	st          demo.Street
	train, test []core.Ticket
}

var (
	histOnce sync.Map // int → *history
)

func loadHistory(tb testing.TB, n int) *history {
	tb.Helper()
	if h, ok := histOnce.Load(n); ok {
		return h.(*history)
	}
	h := &history{st: demo.NewStreet(1)}
	cut := evalEnd.AddDate(0, -evalTestMonths, 0)
	err := demo.Tickets(h.st, demo.Options{Seed: 1, End: evalEnd, Tickets: n}, func(t core.Ticket) error {
		if t.ReceivedAt.Before(cut) {
			h.train = append(h.train, t)
		} else {
			h.test = append(h.test, t)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	histOnce.Store(n, h)
	return h
}

func examples(ts []core.Ticket) []dispatch.Example {
	out := make([]dispatch.Example, 0, len(ts))
	for _, t := range ts {
		out = append(out, dispatch.NewExample(t, core.Workflow{}))
	}
	return out
}

// graded reports whether a test ticket has a known final unit.
func graded(t core.Ticket) bool {
	return t.Unit != "" && t.Status != core.StatusReceived && t.Status != core.StatusReturned
}

type score struct{ n, top1, top3 int }

func (s *score) add(truth string, units []string) {
	s.n++
	if len(units) > 0 && units[0] == truth {
		s.top1++
	}
	if slices.Contains(units[:min(3, len(units))], truth) {
		s.top3++
	}
}

func (s score) String() string {
	return fmt.Sprintf("top-1 %.3f  top-3 %.3f  (n=%d)", frac(s.top1, s.n), frac(s.top3, s.n), s.n)
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func unitsOf(ss []dispatch.Suggestion) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Unit)
	}
	return out
}

func modelConfig(st demo.Street) dispatch.Config {
	cfg := dispatch.Config{Areas: st.Areas, Units: st.Units}
	if v := os.Getenv("TW"); v != "" {
		fmt.Sscan(v, &cfg.TextWeight)
	}
	if v := os.Getenv("TT"); v != "" {
		fmt.Sscan(v, &cfg.TextTemp)
	}
	return cfg
}

// TestEval prints top-1 and top-3 accuracy of the catalogue, the model and
// both combined on the later months of the demo history, and the effect of
// returns (退单) fed back. It checks only floors far below the measured
// figures, so that it catches a broken recommender, not noise.
func TestEval(t *testing.T) {
	n := evalSmall
	if os.Getenv("JICENG_EVAL") == "1" {
		n = 0
	}
	h := loadHistory(t, n)
	cat := dispatch.NewCatalogue(demo.DispatchCatalogue(h.st), h.st.Areas, h.st.Units)
	start := time.Now()
	m, err := dispatch.Train(examples(h.train), modelConfig(h.st))
	if err != nil {
		t.Fatal(err)
	}
	trainTime := time.Since(start)
	rec := &dispatch.Recommender{Catalogue: cat, Model: m}

	var catS, modelS, textS, combS, autoS, queueS, retry score
	matched, wrongFirst, fixedSecond := 0, 0, 0
	var calib [5]struct{ n, ok int }
	for _, tk := range h.test {
		if !graded(tk) {
			continue
		}
		var cu []string
		if r, ok := cat.Match(tk); ok {
			matched++
			cu = append([]string{r.Unit}, r.CoUnits...)
		}
		catS.add(tk.Unit, cu)
		ms := m.Recommend(tk, nil, 3)
		modelS.add(tk.Unit, unitsOf(ms))
		if len(ms) > 0 {
			b := min(int(ms[0].Confidence*5), 4)
			calib[b].n++
			if ms[0].Unit == tk.Unit {
				calib[b].ok++
			}
		}
		blind := tk
		blind.Category1, blind.Category2, blind.Category3 = "", "", ""
		textS.add(tk.Unit, unitsOf(m.Recommend(blind, nil, 3)))
		res := rec.Recommend(tk, nil, 3)
		us := unitsOf(res.Suggestions)
		combS.add(tk.Unit, us)
		if res.NeedsHuman {
			queueS.add(tk.Unit, us)
		} else {
			autoS.add(tk.Unit, us)
		}
		// Feedback within the ticket: the first unit was wrong and
		// returned it; what does the recommender say next?
		if len(us) > 0 && us[0] != tk.Unit {
			wrongFirst++
			res2 := rec.Recommend(tk, []string{us[0]}, 3)
			us2 := unitsOf(res2.Suggestions)
			retry.add(tk.Unit, us2)
			if len(us2) > 0 && us2[0] == tk.Unit {
				fixedSecond++
			}
		}
	}
	t.Logf("demo history: %d training tickets, %d test tickets (last %d months); catalogue %d rules; train %v",
		len(h.train), catS.n, evalTestMonths, cat.Len(), trainTime.Round(time.Millisecond))
	t.Logf("catalogue only: %v; matches %.3f of tickets, right on %.3f of those",
		catS, frac(matched, catS.n), frac(catS.top1, matched))
	t.Logf("model only:     %v", modelS)
	t.Logf("model, no category (text only): %v", textS)
	t.Logf("combined:       %v; human queue %.3f of tickets (auto top-1 %.3f, queue top-1 %.3f)",
		combS, frac(queueS.n, combS.n), frac(autoS.top1, autoS.n), frac(queueS.top1, queueS.n))
	for b, c := range calib {
		if c.n > 0 {
			t.Logf("model confidence %.1f–%.1f: %d tickets, top-1 right %.3f", float64(b)/5, float64(b+1)/5, c.n, frac(c.ok, c.n))
		}
	}
	t.Logf("after one return: of %d wrong first recommendations, the next is right for %.3f (top-3 %.3f); right within two dispatches %.3f",
		wrongFirst, frac(fixedSecond, wrongFirst), frac(retry.top3, retry.n), frac(combS.top1+fixedSecond, combS.n))

	// Feedback through training: a recommender trained on the first half
	// of the training months dispatches the second half; each wrong first
	// dispatch comes back as a return (退单) of that unit. The model
	// trained on all training months with those returns is compared with
	// the one trained without them.
	half := len(h.train) / 2
	early, err := dispatch.Train(examples(h.train[:half]), modelConfig(h.st))
	if err != nil {
		t.Fatal(err)
	}
	rec0 := &dispatch.Recommender{Catalogue: cat, Model: early}
	withRet := examples(h.train)
	returns := 0
	for i := half; i < len(h.train); i++ {
		tk := h.train[i]
		if !graded(tk) {
			continue
		}
		if l, _, ok := rec0.Recommend(tk, nil, 1).Lead(); ok && l != tk.Unit {
			withRet[i].ReturnedBy = append(withRet[i].ReturnedBy, l)
			returns++
		}
	}
	mRet, err := dispatch.Train(withRet, modelConfig(h.st))
	if err != nil {
		t.Fatal(err)
	}
	recRet := &dispatch.Recommender{Catalogue: cat, Model: mRet}
	var modelRet, combRet score
	for _, tk := range h.test {
		if graded(tk) {
			modelRet.add(tk.Unit, unitsOf(mRet.Recommend(tk, nil, 3)))
			combRet.add(tk.Unit, unitsOf(recRet.Recommend(tk, nil, 3).Suggestions))
		}
	}
	t.Logf("returns fed into training: %d simulated returns on %d tickets of the later training months", returns, len(h.train)-half)
	t.Logf("  model only: without returns %v; with returns %v", modelS, modelRet)
	t.Logf("  combined:   without returns %v; with returns %v", combS, combRet)

	// The cost of a half-life where nothing changes.
	for _, days := range []int{-1, 180} {
		cfg := modelConfig(h.st)
		cfg.HalfLife = time.Duration(days) * 24 * time.Hour
		if days < 0 {
			cfg.HalfLife = -1
		}
		md, err := dispatch.Train(examples(h.train), cfg)
		if err != nil {
			t.Fatal(err)
		}
		var sc score
		for _, tk := range h.test {
			if graded(tk) {
				sc.add(tk.Unit, unitsOf(md.Recommend(tk, nil, 3)))
			}
		}
		t.Logf("model only, half-life %s: %v", halfLife(cfg.HalfLife), sc)
	}
	driftEval(t, h, cat)

	if combS.top1 < catS.top1 || frac(combS.top1, combS.n) < 0.5 || frac(modelS.top3, modelS.n) < 0.7 {
		t.Errorf("accuracy too low: catalogue %v, model %v, combined %v", catS, modelS, combS)
	}
}

// driftEval: the street reassigns work. From three months before the test
// period, property complaints (物业服务) that went to the property company
// go to the ticket's own community instead; dispatchers, used to the old
// way, first send them to the property company, which returns them. The
// model (no catalogue: its rule is the stale one) is trained with and
// without those returns, and with and without a half-life on old history.
func driftEval(t *testing.T, h *history, cat *dispatch.Catalogue) {
	const property = "清河湾物业管理公司"
	driftAt := evalEnd.AddDate(0, -evalTestMonths-3, 0)
	drifted := func(tk core.Ticket) bool {
		return tk.Category3 == "物业服务" && !tk.ReceivedAt.Before(driftAt) && tk.Unit == property
	}
	relabel := func(ts []core.Ticket) []core.Ticket {
		out := slices.Clone(ts)
		for i := range out {
			if drifted(out[i]) {
				out[i].Unit = out[i].Community // a demo community unit is named after its community
			}
		}
		return out
	}
	train, test := relabel(h.train), relabel(h.test)
	plain := examples(train)
	withRet := examples(train)
	for i, tk := range h.train {
		if drifted(tk) && graded(tk) {
			withRet[i].ReturnedBy = []string{property}
		}
	}
	var base, best float64 // 物业服务 top-1 with the stale catalogue: no half-life nor returns; default half-life and returns
	for _, hl := range []time.Duration{-1, 0, 180 * 24 * time.Hour} {
		for _, ret := range []bool{false, true} {
			cfg := modelConfig(h.st)
			cfg.HalfLife = hl
			ex := plain
			if ret {
				ex = withRet
			}
			m, err := dispatch.Train(ex, cfg)
			if err != nil {
				t.Fatal(err)
			}
			rec := &dispatch.Recommender{Catalogue: cat, Model: m}
			var prop, all, comb score
			for _, tk := range test {
				if !graded(tk) {
					continue
				}
				us := unitsOf(m.Recommend(tk, nil, 3))
				all.add(tk.Unit, us)
				if tk.Category3 == "物业服务" {
					prop.add(tk.Unit, us)
					comb.add(tk.Unit, unitsOf(rec.Recommend(tk, nil, 3).Suggestions))
				}
			}
			switch {
			case hl < 0 && !ret:
				base = frac(comb.top1, comb.n)
			case hl == 0 && ret:
				best = frac(comb.top1, comb.n)
			}
			t.Logf("drift: half-life %-8s returns %-5v: 物业服务 model %v, with the stale catalogue %v; all tickets, model %v",
				halfLife(hl), ret, prop, comb, all)
		}
	}
	if best < base+0.3 {
		t.Errorf("after the reassignment, returns and the half-life raised 物业服务 top-1 from %.3f to only %.3f", base, best)
	}
}

func halfLife(d time.Duration) string {
	switch {
	case d < 0:
		return "off"
	case d == 0:
		return "90d(def)"
	}
	return fmt.Sprintf("%.0fd", d.Hours()/24)
}
