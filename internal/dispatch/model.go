package dispatch

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"jiceng/internal/core"
)

// Example is one ticket of the history, as the model learns from it.
type Example struct {
	Text      string    // title and content
	Category  [3]string // category path; levels may be empty
	Community string    // community code or name
	// Unit is the unit that finally handled the ticket (the lead unit);
	// empty when it is not known yet, e.g. a ticket waiting to be
	// redispatched after a return, which still teaches through ReturnedBy.
	Unit    string
	CoUnits []string
	// At is when the ticket was received; with Config.HalfLife, older
	// examples count less. Zero: as recent as the newest.
	At time.Time
	// ReturnedBy are the units that returned the ticket (退单): negative
	// evidence against them for tickets of the same kind.
	ReturnedBy []string
}

// NewExample turns a stored ticket and its workflow state into an Example.
// A ticket in status 退单 counts as returned by its current unit, with the
// final unit unknown; a ticket not yet dispatched (受理) teaches nothing
// about units and gives an Example with neither Unit nor ReturnedBy.
func NewExample(t core.Ticket, w core.Workflow) Example {
	e := Example{
		Text:       t.Title + "\n" + t.Content,
		Category:   [3]string{t.Category1, t.Category2, t.Category3},
		Community:  t.Community,
		Unit:       t.Unit,
		At:         t.ReceivedAt,
		CoUnits:    slices.Clone(w.CoUnits),
		ReturnedBy: slices.Clone(w.ReturnedBy),
	}
	switch t.Status {
	case core.StatusReceived:
		e.Unit, e.CoUnits = "", nil
	case core.StatusReturned:
		if t.Unit != "" && !slices.Contains(e.ReturnedBy, t.Unit) {
			e.ReturnedBy = append(e.ReturnedBy, t.Unit)
		}
		e.Unit, e.CoUnits = "", nil
	}
	return e
}

// Config says how to train a Model. The zero value is usable; Areas and
// Units let the model learn "the ticket's own community" (属地社区) as one
// answer for all communities, which is what most catalogues mean.
type Config struct {
	Areas core.Areas
	Units []core.Unit
	// Smoothing is the pseudo-count pulling a category's unit shares
	// toward those of its parent category (default 5).
	Smoothing float64
	// TextWeight is the exponent of the text classifier's probabilities
	// in the product with the category statistics when the ticket has a
	// category (default 0.05); without a category the text decides alone.
	// -1 turns the text classifier off. The default was chosen on the demo
	// history, whose text says nothing about the unit beyond the category;
	// on a street whose units split categories by subject (电梯 in 物业服务
	// to 市场监管), a larger weight is worth trying (see TestEval).
	TextWeight float64
	// TextTemp scales the text classifier's log-likelihoods before they
	// become probabilities (default 0.3): naive Bayes treats the n-grams
	// of a text as independent evidence, which they are not.
	TextTemp float64
	// MinText is how many examples with a known unit the text classifier
	// needs to be trained (default 200).
	MinText int
	// HalfLife makes an example's weight halve with every HalfLife of age
	// before the newest example, so that the model follows a street that
	// reassigns work (a new 派单目录, a unit merged), where returns then
	// speed up the change (default 90 days; negative: the whole history
	// weighs alike). On the unchanging demo history 90 days cost nothing
	// (45,000 tickets) or 0.6 points of top-1 accuracy (8,000); where work
	// was reassigned three months before, 90 days and the returns took
	// the reassigned category from 0% to 76% top-1 (TestEval).
	HalfLife time.Duration
	// RecentHalfLife weighs the examples for ReturnRate, which should see
	// the recent returns (default 30 days).
	RecentHalfLife time.Duration
	// MinSupport is how many similar historical tickets a reason in the
	// form "相似历史工单 N 件中 M 件由 X 办结" needs (default 5).
	MinSupport int
}

func (c *Config) setDefaults() {
	if c.Smoothing == 0 {
		c.Smoothing = 5
	}
	if c.TextWeight == 0 {
		c.TextWeight = 0.05
	}
	if c.TextWeight < 0 {
		c.TextWeight = 0
	}
	if c.MinText == 0 {
		c.MinText = 200
	}
	if c.HalfLife == 0 {
		c.HalfLife = 90 * 24 * time.Hour
	}
	if c.RecentHalfLife <= 0 {
		c.RecentHalfLife = 30 * 24 * time.Hour
	}
	if c.MinSupport == 0 {
		c.MinSupport = 5
	}
	if c.TextTemp == 0 {
		c.TextTemp = 0.3
	}
}

// Suggestion is one recommended unit.
type Suggestion struct {
	Unit    string
	CoUnits []string
	// Confidence is 1 for a catalogue rule; for the model, its
	// probability that the unit is the one that will handle the ticket
	// (roughly calibrated: on the demo history, model suggestions at
	// 0.8–1.0 were right 82% of the time, at 0.6–0.8 68%).
	Confidence float64
	Reason     string // in Chinese, for the dispatcher
	Source     string // SourceCatalogue or SourceModel
	// Rule is the 1-based number of the catalogue rule, for SourceCatalogue.
	Rule int
}

// Suggestion sources.
const (
	SourceCatalogue = "catalogue"
	SourceModel     = "model"
)

// counts are the unit statistics of one group of similar tickets.
type counts struct {
	n    float64            // examples with a known unit (weighted by age)
	unit map[string]float64 // label → examples it resolved (weighted)
	ret  map[string]float64 // label → returns (weighted)
	// recentUnit and recentRet are unit and ret weighted with the short
	// Config.RecentHalfLife, for ReturnRate.
	recentUnit, recentRet map[string]float64
	// Unweighted counts, for reasons: examples, per label resolved and
	// returned.
	rawN            int
	rawUnit, rawRet map[string]int
	co              map[string]map[string]float64
}

func (c *counts) add(label string, w, recent float64) {
	if c.unit == nil {
		c.unit, c.rawUnit, c.recentUnit = map[string]float64{}, map[string]int{}, map[string]float64{}
	}
	c.unit[label] += w
	c.n += w
	c.rawUnit[label]++
	c.rawN++
	c.recentUnit[label] += recent
}

func (c *counts) addReturn(label string, w, recent float64) {
	if c.ret == nil {
		c.ret, c.rawRet, c.recentRet = map[string]float64{}, map[string]int{}, map[string]float64{}
	}
	c.ret[label] += w
	c.rawRet[label]++
	c.recentRet[label] += recent
}

// Model is the learned recommender. It is safe for concurrent use.
type Model struct {
	cfg    Config
	labels []string // every unit label seen, sorted
	// groups holds counts per key: "" (all tickets), then category
	// prefixes "1\x00C1", "2\x00C1\x00C2", "3\x00C1\x00C2\x00C3" and the
	// full path with the community, "4\x00...\x00COMM".
	groups map[string]*counts
	text   *textNB
	// comm maps community code or name to its code; commUnit code → unit
	// name; unitComm unit name → community code.
	comm     map[string]string
	commUnit map[string]string
	unitComm map[string]string
	examples int
}

// groupKeys returns the keys of the groups an example or ticket falls in,
// from the most general to the most specific; a missing level ends the
// chain.
func groupKeys(cat [3]string, comm string) []string {
	keys := []string{""}
	path := ""
	for lvl, l := range cat {
		if l == "" {
			return keys
		}
		path += "\x00" + l
		keys = append(keys, fmt.Sprint(lvl+1)+path)
	}
	if comm != "" {
		keys = append(keys, "4"+path+"\x00"+comm)
	}
	return keys
}

func newMaps(cfg Config) (comm, commUnit, unitComm map[string]string) {
	comm, commUnit, unitComm = map[string]string{}, map[string]string{}, map[string]string{}
	for _, c := range cfg.Areas.Communities {
		comm[c.Code] = c.Code
		if c.Name != "" {
			comm[c.Name] = c.Code
		}
	}
	for _, u := range cfg.Units {
		if u.Kind == core.UnitCommunity && u.Community != "" {
			commUnit[u.Community] = u.Name
			unitComm[u.Name] = u.Community
		}
	}
	return comm, commUnit, unitComm
}

// commCode returns the code of a ticket's community, or its text if the
// areas do not know it.
func (m *Model) commCode(c string) string {
	if code, ok := m.comm[c]; ok {
		return code
	}
	return c
}

// label maps a unit to the label the model learns: OwnCommunity for the
// community unit of the ticket's own community.
func (m *Model) label(unit, comm string) string {
	if unit != "" && comm != "" && m.unitComm[unit] == comm {
		return OwnCommunity
	}
	return unit
}

// unitOf maps a label back to a unit for a ticket of community comm ("" if
// OwnCommunity cannot be resolved).
func (m *Model) unitOf(label, comm string) string {
	if label == OwnCommunity {
		return m.commUnit[comm]
	}
	return label
}

// Train learns a Model from the history. It needs at least one example
// with a known unit.
func Train(history []Example, cfg Config) (*Model, error) {
	cfg.setDefaults()
	m := &Model{cfg: cfg, groups: map[string]*counts{}}
	m.comm, m.commUnit, m.unitComm = newMaps(cfg)
	var texts, tlabels []string
	seen := map[string]bool{}
	var newest time.Time
	for _, e := range history {
		if e.At.After(newest) {
			newest = e.At
		}
	}
	for _, e := range history {
		w, recent := 1.0, 1.0
		if !e.At.IsZero() {
			age := float64(newest.Sub(e.At))
			if cfg.HalfLife > 0 {
				w = math.Exp2(-age / float64(cfg.HalfLife))
			}
			recent = math.Exp2(-age / float64(cfg.RecentHalfLife))
		}
		comm := m.commCode(strings.TrimSpace(e.Community))
		keys := groupKeys(e.Category, comm)
		if e.Unit != "" {
			lab := m.label(e.Unit, comm)
			seen[lab] = true
			m.examples++
			for _, k := range keys {
				g := m.groups[k]
				if g == nil {
					g = &counts{}
					m.groups[k] = g
				}
				g.add(lab, w, recent)
				for _, cu := range e.CoUnits {
					if cu == e.Unit {
						continue
					}
					if g.co == nil {
						g.co = map[string]map[string]float64{}
					}
					if g.co[lab] == nil {
						g.co[lab] = map[string]float64{}
					}
					g.co[lab][m.label(cu, comm)] += w
				}
			}
			if cfg.TextWeight > 0 && strings.TrimSpace(e.Text) != "" {
				texts, tlabels = append(texts, e.Text), append(tlabels, lab)
			}
		}
		for _, r := range e.ReturnedBy {
			if r == "" || r == e.Unit {
				continue
			}
			lab := m.label(r, comm)
			seen[lab] = true
			for _, k := range keys {
				g := m.groups[k]
				if g == nil {
					g = &counts{}
					m.groups[k] = g
				}
				g.addReturn(lab, w, recent)
			}
		}
	}
	if m.examples == 0 {
		return nil, core.Errorf(core.EINVALID, "智能分拨：历史工单中没有已知承办单位的工单，无法训练")
	}
	for l := range seen {
		m.labels = append(m.labels, l)
	}
	slices.Sort(m.labels)
	if len(texts) >= cfg.MinText {
		m.text = trainNB(texts, tlabels, 1)
	}
	return m, nil
}

// scored is a label with its score and what explains it.
type scored struct {
	label string
	p     float64
}

// Recommend returns up to k units for t, best first, never one of
// returnedBy (the units that already returned this ticket). k < 1 means 1.
func (m *Model) Recommend(t core.Ticket, returnedBy []string, k int) []Suggestion {
	if k < 1 {
		k = 1
	}
	comm := m.commCode(strings.TrimSpace(t.Community))
	cat := [3]string{t.Category1, t.Category2, t.Category3}
	keys := groupKeys(cat, comm)

	// Category statistics: each group's unit shares, smoothed toward its
	// parent's (hierarchical Dirichlet smoothing), from the whole history
	// down to the most specific group that has data.
	nl := len(m.labels)
	p := make([]float64, nl)
	for i := range p {
		p[i] = 1 / float64(nl)
	}
	var deepest *counts
	deepestKey := ""
	var path []*counts // the groups of t that exist, general to specific
	a := m.cfg.Smoothing
	for _, key := range keys {
		g := m.groups[key]
		if g == nil {
			break
		}
		path = append(path, g)
		if g.n > 0 {
			for i, l := range m.labels {
				p[i] = (g.unit[l] + a*p[i]) / (g.n + a)
			}
			if key != "" {
				deepest, deepestKey = g, key
			}
		}
	}
	// Returns: a unit's score is multiplied by the share of the
	// dispatches of such tickets to it that it accepted (smoothed toward
	// 1), taken from the most specific group with returns by it.
	for i, l := range m.labels {
		for j := len(path) - 1; j >= 0; j-- {
			g := path[j]
			if r := g.ret[l]; r > 0 {
				acc := g.unit[l] + 1
				p[i] *= acc / (acc + r)
				break
			}
		}
	}
	// Text classifier: a full vote where the history has nothing on the
	// ticket's category, a damped one where the category statistics
	// already speak.
	var terms []string
	var textTop string
	if m.text != nil && m.cfg.TextWeight > 0 {
		w := m.cfg.TextWeight
		if deepest == nil {
			w = 1
		}
		tp, tt := m.text.predict(t.Title+"\n"+t.Content, m.cfg.TextTemp)
		best := 0
		for j := range tp {
			if tp[j] > tp[best] {
				best = j
			}
		}
		terms, textTop = tt, m.text.labels[best]
		for i, l := range m.labels {
			v := 1e-6
			if j, ok := slices.BinarySearch(m.text.labels, l); ok {
				v = max(tp[j], 1e-6)
			}
			p[i] *= math.Pow(v, w)
		}
	}
	// Exclude units that returned this ticket and labels that cannot be
	// resolved for it, then normalise.
	var sum float64
	cands := make([]scored, 0, nl)
	for i, l := range m.labels {
		u := m.unitOf(l, comm)
		if u == "" || slices.Contains(returnedBy, u) {
			continue
		}
		sum += p[i]
		cands = append(cands, scored{l, p[i]})
	}
	if sum == 0 {
		return nil
	}
	slices.SortStableFunc(cands, func(x, y scored) int {
		if d := cmp.Compare(y.p, x.p); d != 0 {
			return d
		}
		return cmp.Compare(x.label, y.label)
	})
	if len(cands) > k {
		cands = cands[:k]
	}
	out := make([]Suggestion, len(cands))
	for i, c := range cands {
		u := m.unitOf(c.label, comm)
		s := Suggestion{Unit: u, Confidence: c.p / sum, Source: SourceModel}
		s.Reason = m.reason(c.label, u, deepest, deepestKey, terms, textTop)
		if deepest != nil && deepest.co != nil && deepest.unit[c.label] > 0 {
			for cu, n := range deepest.co[c.label] {
				if n/deepest.unit[c.label] >= 0.3 {
					if cuu := m.unitOf(cu, comm); cuu != "" && cuu != u {
						s.CoUnits = append(s.CoUnits, cuu)
					}
				}
			}
			slices.Sort(s.CoUnits)
		}
		out[i] = s
	}
	return out
}

// reason explains a model suggestion: by the similar historical tickets
// when there are enough of them, else by the decisive words of the text.
func (m *Model) reason(label, unit string, g *counts, key string, terms []string, textTop string) string {
	who := unit
	if label == OwnCommunity {
		who = "属地社区（" + unit + "）"
	}
	if g != nil && g.rawN >= m.cfg.MinSupport && g.rawUnit[label] > 0 {
		s := fmt.Sprintf("相似历史工单（%s）%d 件中 %d 件由 %s 办结", describeKey(key), g.rawN, g.rawUnit[label], who)
		if r := g.rawRet[label]; r > 0 {
			s += fmt.Sprintf("，退单 %d 次", r)
		}
		return s
	}
	if label == textTop && len(terms) > 0 {
		var b strings.Builder
		b.WriteString("模型依据：")
		for i, t := range terms {
			if i > 0 {
				b.WriteString("、")
			}
			b.WriteString("“" + t + "”")
		}
		b.WriteString(" 常由 " + who + " 办理")
		return b.String()
	}
	return "模型依据：历史上同类工单偶有由 " + who + " 办理"
}

// describeKey names a group for a reason: its deepest category level, and
// the community if the group is per community.
func describeKey(key string) string {
	parts := strings.Split(key, "\x00")
	switch parts[0] {
	case "4":
		return "同为“" + parts[3] + "”，同一社区"
	case "1", "2", "3":
		return "同为“" + parts[len(parts)-1] + "”"
	}
	return "全部"
}

// ReturnRate tells how often unit returned tickets like t lately (the
// deepest category level of t with returns by unit, all communities
// together, so that one community's few tickets do not decide): the recent
// returns (weighted with Config.RecentHalfLife, so "about how many in the
// last half-life or so") and the share of recent dispatches of such
// tickets to unit that came back. It is 0, 0 without returns.
func (m *Model) ReturnRate(t core.Ticket, unit string) (recent, rate float64) {
	comm := m.commCode(strings.TrimSpace(t.Community))
	lab := m.label(unit, comm)
	keys := groupKeys([3]string{t.Category1, t.Category2, t.Category3}, "")
	for i := len(keys) - 1; i > 0; i-- {
		g := m.groups[keys[i]]
		if g == nil || g.rawRet[lab] == 0 {
			continue
		}
		r := g.recentRet[lab]
		return r, r / (r + g.recentUnit[lab])
	}
	return 0, 0
}
