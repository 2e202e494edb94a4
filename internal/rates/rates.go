// Package rates computes the 三率 of 接诉即办 — response (响应率),
// resolution (解决率) and satisfaction (满意率) — and their composite score
// for a street, its units and its communities, by month or quarter: the
// figures behind each rate (with the tickets counted, for drill-down), ranks,
// the trend over earlier periods and the tickets that cost the most points.
//
// The package is pure: tickets in, values out. The formulas are in Config;
// DefaultConfig documents the defaults.
package rates

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"jiceng/internal/core"
)

// Group kinds.
const (
	KindStreet    = "street"
	KindUnit      = "unit"
	KindCommunity = "community"
)

// KindLabels gives each group kind's Chinese name.
var KindLabels = map[string]string{KindStreet: "街道", KindUnit: "承办单位", KindCommunity: "社区"}

// Figure is one rate: numerator over denominator.
type Figure struct {
	// Num is the numerator: a ticket count, or for satisfaction
	// 满意 + BasicSatisfied × 基本满意.
	Num float64
	// Den is the denominator, a ticket count.
	Den int
	// Rate is Num/Den in 0..1, and 0 when Den is 0.
	Rate float64
	// Valid is Den > 0: a rate without tickets is not a rate.
	Valid bool
	// NumIDs and DenIDs are the Ticket.IDs counted in Num (for
	// satisfaction: the 满意 and 基本满意 ones) and in Den, ascending. They
	// are filled for the reported period only, not in History.
	NumIDs []int64 `json:",omitempty"`
	DenIDs []int64 `json:",omitempty"`
}

// Summary is a group's figures for one period.
type Summary struct {
	Period Period
	// Received is the number of tickets received in the period.
	Received int
	// Pending is the number of tickets received in the period, not yet
	// contacted and still inside their contact limit at Config.AsOf: they
	// are in no response figure yet.
	Pending                            int
	Response, Resolution, Satisfaction Figure
	// Satisfied, BasicSatisfied and Dissatisfied count the satisfaction
	// answers (满意, 基本满意, 不满意) in the satisfaction denominator.
	Satisfied, BasicSatisfied, Dissatisfied int
	// Composite is the 100-point composite score; Scored tells whether it
	// is defined (some rate with a weight has a denominator).
	Composite float64
	Scored    bool
	// Rank is the place among the groups of the same kind in the period,
	// 1 the best; equal scores share a place (1, 2, 2, 4). 0: not ranked
	// (not scored, or the street).
	Rank int
	// RankOf is how many groups of the kind were ranked in the period.
	RankOf int
}

// Group is a street, unit or community with its figures for the reported
// period and the periods before.
type Group struct {
	Kind string // KindStreet, KindUnit or KindCommunity
	Name string
	Summary
	// SatisfiedIDs, BasicSatisfiedIDs and DissatisfiedIDs split
	// Satisfaction.DenIDs by answer, ascending.
	SatisfiedIDs, BasicSatisfiedIDs, DissatisfiedIDs []int64 `json:",omitempty"`
	// History holds the Config.History periods before the reported one,
	// oldest first (zero figures for a period without tickets).
	History []Summary
}

// Series returns History followed by the reported period's Summary.
func (g *Group) Series() []Summary {
	s := make([]Summary, 0, len(g.History)+1)
	s = append(s, g.History...)
	return append(s, g.Summary)
}

// Prev returns the Summary of the period before, or nil without history.
func (g *Group) Prev() *Summary {
	if len(g.History) == 0 {
		return nil
	}
	return &g.History[len(g.History)-1]
}

// Change returns the composite score minus the previous period's, and
// whether both are defined.
func (g *Group) Change() (float64, bool) {
	p := g.Prev()
	if p == nil || !p.Scored || !g.Scored {
		return 0, false
	}
	return g.Composite - p.Composite, true
}

// Rate names, as in Loss.Rate.
const (
	RateResponse     = "响应率"
	RateResolution   = "解决率"
	RateSatisfaction = "满意率"
)

// Loss is one reason a ticket cost points.
type Loss struct {
	Rate   string  // RateResponse, RateResolution or RateSatisfaction
	Reason string  // in Chinese, e.g. "先行联系超时 3.5 小时"
	Points float64 // points of the street's composite score lost
	// Share is the part of a ticket lost in the rate's numerator: 1, or
	// 1 − BasicSatisfied for 基本满意.
	Share float64
}

// LostTicket is a ticket that cost points in the reported period. It holds
// no personal data: no names, phones, addresses or text.
type LostTicket struct {
	ID              int64
	Number          string
	ReceivedAt      time.Time
	Urgency         string
	Category        string // 一级/二级/三级分类, the levels known
	Unit, Community string
	Losses          []Loss
	// Points is the total points of the street's composite score this
	// ticket cost: how much higher the score would be had it gone right.
	Points float64
	// UnitPoints and CommunityPoints are the same for the composite of
	// the ticket's unit and community (0 without one).
	UnitPoints, CommunityPoints float64
}

// Reason joins the reasons of l with "；".
func (l *LostTicket) Reason() string {
	s := ""
	for i, x := range l.Losses {
		if i > 0 {
			s += "；"
		}
		s += x.Reason
	}
	return s
}

// Result is the 三率 of one period.
type Result struct {
	Period Period
	// Periods are the trend's periods, oldest first, ending with Period.
	Periods []Period
	Config  Config
	// Street is the whole street; its Name is the most frequent
	// Ticket.Street of the period, or "全街道".
	Street Group
	// Units and Communities are ordered by rank, then name; unranked ones
	// last. Tickets without a unit (community) count for the street only.
	Units, Communities []Group
	// Lost lists the tickets that cost points, most costly to the street
	// first, then most costly to their unit, then oldest.
	Lost []LostTicket
	// Owners are the unit and community of every ticket in the reported
	// period's figures, by ID: what a drill-down needs to keep the tickets
	// of a user's scope.
	Owners map[int64]Owner
}

// Owner is the unit and community a ticket belongs to.
type Owner struct{ Unit, Community string }

// Compute computes the figures of period p and of cfg.History periods
// before it from tickets (in any order; tickets outside the periods are
// ignored). It fails only on an invalid cfg or p.
func Compute(tickets []core.Ticket, p Period, cfg Config) (*Result, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("统计期无效")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	loc := cfg.Zone()
	deadline := cfg.contactDeadline()
	n := cfg.History + 1
	first := p.Add(-cfg.History)
	periods := make([]Period, n)
	for i := range periods {
		periods[i] = first.Add(i)
	}
	firstIdx := periodIndex(first.Kind, first.Start(loc), loc)
	idx := func(t time.Time) int {
		if t.IsZero() {
			return -1
		}
		i := periodIndex(p.Kind, t, loc) - firstIdx
		if i < 0 || i >= n {
			return -1
		}
		return i
	}

	accs := make([]*periodAcc, n)
	for i := range accs {
		accs[i] = newPeriodAcc(i == n-1)
	}
	main := accs[n-1]
	owners := map[int64]Owner{}
	lost := map[int]*LostTicket{}
	streetNames := map[string]int{}
	addLoss := func(i int, t *core.Ticket, l Loss) {
		lt := lost[i]
		if lt == nil {
			lt = &LostTicket{ID: t.ID, Number: t.Number, ReceivedAt: t.ReceivedAt, Urgency: string(t.Urgency),
				Category: category(t), Unit: t.Unit, Community: t.Community}
			lost[i] = lt
		}
		lt.Losses = append(lt.Losses, l)
	}

	for i := range tickets {
		t := &tickets[i]
		ri := idx(t.ReceivedAt)
		if ri >= 0 {
			a := accs[ri]
			gs := a.groups(t)
			if a.keepIDs {
				owners[t.ID] = Owner{Unit: t.Unit, Community: t.Community}
			}
			if ri == n-1 && t.Street != "" {
				streetNames[t.Street]++
			}
			for _, g := range gs {
				if g != nil {
					g.Received++
				}
			}
			if cfg.ResponseBase == BaseReceived || dispatched(t) {
				dl := deadline(*t)
				switch {
				case !t.ContactedAt.IsZero():
					ok := !t.ContactedAt.After(dl)
					for _, g := range gs {
						if g != nil {
							g.Response.count(t.ID, ok, a.keepIDs)
						}
					}
					if !ok && a.keepIDs {
						addLoss(i, t, Loss{Rate: RateResponse, Share: 1,
							Reason: "先行联系超时 " + hours(t.ContactedAt.Sub(dl))})
					}
				case !cfg.AsOf.IsZero() && dl.After(cfg.AsOf):
					for _, g := range gs {
						if g != nil {
							g.Pending++
						}
					}
				default:
					for _, g := range gs {
						if g != nil {
							g.Response.count(t.ID, false, a.keepIDs)
						}
					}
					if a.keepIDs {
						addLoss(i, t, Loss{Rate: RateResponse, Share: 1, Reason: "超时未先行联系"})
					}
				}
			}
		}
		if t.CallbackAt.IsZero() {
			continue
		}
		ci := ri
		if cfg.PeriodBasis == BasisCallback {
			ci = idx(t.CallbackAt)
		}
		if ci < 0 {
			continue
		}
		a := accs[ci]
		gs := a.groups(t)
		if a.keepIDs {
			owners[t.ID] = Owner{Unit: t.Unit, Community: t.Community}
		}
		if t.Resolved != nil {
			for _, g := range gs {
				if g != nil {
					g.Resolution.count(t.ID, *t.Resolved, a.keepIDs)
				}
			}
			if !*t.Resolved && a.keepIDs {
				addLoss(i, t, Loss{Rate: RateResolution, Share: 1, Reason: "回访未解决"})
			}
		}
		// tally counts t in each group's tally of its satisfaction value
		// and, when ids are kept, in the value's list.
		tally := func(count func(g *groupAcc) (*int, *[]int64), satisfied bool) {
			for _, g := range gs {
				if g == nil {
					continue
				}
				n, ids := count(g)
				*n++
				g.Satisfaction.count(t.ID, satisfied, a.keepIDs)
				if a.keepIDs {
					*ids = append(*ids, t.ID)
				}
			}
		}
		var share float64
		switch t.Satisfaction {
		case core.Satisfied:
			tally(func(g *groupAcc) (*int, *[]int64) { return &g.Satisfied, &g.satIDs }, true)
			continue
		case core.BasicallySatisfied:
			share = 1 - cfg.BasicSatisfied
			tally(func(g *groupAcc) (*int, *[]int64) { return &g.BasicSatisfied, &g.basicIDs }, true)
		case core.Dissatisfied:
			share = 1
			tally(func(g *groupAcc) (*int, *[]int64) { return &g.Dissatisfied, &g.dissatIDs }, false)
		default:
			continue
		}
		if share > 0 && a.keepIDs {
			addLoss(i, t, Loss{Rate: RateSatisfaction, Share: share, Reason: "回访" + string(t.Satisfaction)})
		}
	}

	res := &Result{Period: p, Periods: periods, Config: cfg, Owners: owners}
	for i, a := range accs {
		a.finish(periods[i], &cfg)
	}
	res.Street = Group{Kind: KindStreet, Name: mostFrequent(streetNames, "全街道"), Summary: main.street.Summary}
	fillIDs(&res.Street, main.street)
	for i := 0; i < n-1; i++ {
		res.Street.History = append(res.Street.History, accs[i].street.Summary)
	}
	res.Units = groups(KindUnit, accs, func(a *periodAcc) map[string]*groupAcc { return a.units })
	res.Communities = groups(KindCommunity, accs, func(a *periodAcc) map[string]*groupAcc { return a.communities })

	// Points lost, against each group's own denominators and weights.
	res.Lost = make([]LostTicket, 0, len(lost))
	for _, lt := range lost {
		for k := range lt.Losses {
			l := &lt.Losses[k]
			l.Points = pointsLost(&main.street.Summary, &cfg, l)
			lt.Points += l.Points
			if g := main.units[lt.Unit]; g != nil && lt.Unit != "" {
				lt.UnitPoints += pointsLost(&g.Summary, &cfg, l)
			}
			if g := main.communities[lt.Community]; g != nil && lt.Community != "" {
				lt.CommunityPoints += pointsLost(&g.Summary, &cfg, l)
			}
		}
		res.Lost = append(res.Lost, *lt)
	}
	sort.Slice(res.Lost, func(i, j int) bool {
		a, b := &res.Lost[i], &res.Lost[j]
		if a.Points != b.Points {
			return a.Points > b.Points
		}
		if a.UnitPoints != b.UnitPoints {
			return a.UnitPoints > b.UnitPoints
		}
		if !a.ReceivedAt.Equal(b.ReceivedAt) {
			return a.ReceivedAt.Before(b.ReceivedAt)
		}
		return a.Number < b.Number
	})
	return res, nil
}

// dispatched tells whether t reached a unit: the BaseDispatched base.
func dispatched(t *core.Ticket) bool {
	return t.Unit != "" && t.Status != core.StatusReceived && t.Status != core.StatusReturned
}

func category(t *core.Ticket) string {
	s := t.Category1
	for _, c := range []string{t.Category2, t.Category3} {
		if c != "" {
			s += "/" + c
		}
	}
	return s
}

// hours formats an overrun: "35 分钟", "3.5 小时", "2.1 天".
func hours(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d 分钟", int(math.Ceil(d.Minutes())))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f 小时", d.Hours())
	}
	return fmt.Sprintf("%.1f 天", d.Hours()/24)
}

// periodIndex numbers the months (or quarters) of t in loc consecutively.
func periodIndex(kind string, t time.Time, loc *time.Location) int {
	y, m, _ := t.In(loc).Date()
	if kind == Quarterly {
		return y*4 + (int(m)-1)/3
	}
	return y*12 + int(m) - 1
}

func mostFrequent(m map[string]int, none string) string {
	best, bn := none, 0
	for k, n := range m {
		if n > bn || n == bn && k < best {
			best, bn = k, n
		}
	}
	return best
}

// effectiveWeight is the weight of rate in s's composite over the weights
// of the rates s has.
func effectiveWeight(s *Summary, c *Config, rate string) float64 {
	w := c.Weights
	sum := 0.0
	if s.Response.Valid {
		sum += w.Response
	}
	if s.Resolution.Valid {
		sum += w.Resolution
	}
	if s.Satisfaction.Valid {
		sum += w.Satisfaction
	}
	if sum == 0 {
		return 0
	}
	switch rate {
	case RateResponse:
		return w.Response / sum
	case RateResolution:
		return w.Resolution / sum
	}
	return w.Satisfaction / sum
}

func pointsLost(s *Summary, c *Config, l *Loss) float64 {
	var den int
	switch l.Rate {
	case RateResponse:
		den = s.Response.Den
	case RateResolution:
		den = s.Resolution.Den
	default:
		den = s.Satisfaction.Den
	}
	if den == 0 {
		return 0
	}
	return 100 * effectiveWeight(s, c, l.Rate) * l.Share / float64(den)
}

// groupAcc accumulates one group's figures for one period.
type groupAcc struct {
	Summary
	satIDs, basicIDs, dissatIDs []int64
}

func (f *Figure) count(id int64, ok, keep bool) {
	f.Den++
	if keep {
		f.DenIDs = append(f.DenIDs, id)
	}
	if ok {
		f.Num++
		if keep {
			f.NumIDs = append(f.NumIDs, id)
		}
	}
}

func (f *Figure) finish() {
	f.Valid = f.Den > 0
	if f.Valid {
		f.Rate = f.Num / float64(f.Den)
	}
	sortIDs(f.NumIDs)
	sortIDs(f.DenIDs)
}

func sortIDs(ids []int64) { slices.Sort(ids) }

func (g *groupAcc) finish(p Period, c *Config) {
	g.Period = p
	g.Response.finish()
	g.Resolution.finish()
	g.Satisfaction.finish()
	// Num counted 满意 and 基本满意 as 1 each; weigh 基本满意 now, from the
	// counts, so that no rounding piles up.
	g.Satisfaction.Num = float64(g.Satisfied) + c.BasicSatisfied*float64(g.BasicSatisfied)
	if g.Satisfaction.Valid {
		g.Satisfaction.Rate = g.Satisfaction.Num / float64(g.Satisfaction.Den)
	}
	sortIDs(g.satIDs)
	sortIDs(g.basicIDs)
	sortIDs(g.dissatIDs)
	w := c.Weights
	sum, score := 0.0, 0.0
	for _, x := range []struct {
		f *Figure
		w float64
	}{{&g.Response, w.Response}, {&g.Resolution, w.Resolution}, {&g.Satisfaction, w.Satisfaction}} {
		if x.f.Valid {
			sum += x.w
			score += x.w * x.f.Rate
		}
	}
	if sum > 0 {
		g.Scored = true
		g.Composite = 100 * score / sum
	}
}

// periodAcc accumulates one period.
type periodAcc struct {
	keepIDs     bool
	street      *groupAcc
	units       map[string]*groupAcc
	communities map[string]*groupAcc
	gs          [3]*groupAcc
}

func newPeriodAcc(keepIDs bool) *periodAcc {
	return &periodAcc{keepIDs: keepIDs, street: &groupAcc{},
		units: map[string]*groupAcc{}, communities: map[string]*groupAcc{}}
}

// groups returns the street, unit and community accumulators of t (nil
// without a unit or community); the array is reused by the next call.
func (a *periodAcc) groups(t *core.Ticket) []*groupAcc {
	a.gs = [3]*groupAcc{a.street, get(a.units, t.Unit), get(a.communities, t.Community)}
	return a.gs[:]
}

func get(m map[string]*groupAcc, k string) *groupAcc {
	if k == "" {
		return nil
	}
	g := m[k]
	if g == nil {
		g = &groupAcc{}
		m[k] = g
	}
	return g
}

func (a *periodAcc) finish(p Period, c *Config) {
	a.street.finish(p, c)
	for _, m := range []map[string]*groupAcc{a.units, a.communities} {
		names := make([]string, 0, len(m))
		for k, g := range m {
			g.finish(p, c)
			names = append(names, k)
		}
		rank(m, names)
	}
}

// roundScore is a score as displayed: ranks compare scores to two
// decimals, so that two groups shown with the same score share a place.
func roundScore(f float64) float64 { return math.Round(f*100) / 100 }

// rank sorts names by score (then name) and sets Rank and RankOf.
func rank(m map[string]*groupAcc, names []string) {
	sortGroups(names, func(k string) *Summary { return &m[k].Summary })
	ranked := 0
	for _, k := range names {
		if m[k].Scored {
			ranked++
		}
	}
	for i, k := range names {
		g := m[k]
		if !g.Scored {
			continue
		}
		g.RankOf = ranked
		g.Rank = i + 1
		if i > 0 {
			if prev := m[names[i-1]]; roundScore(prev.Composite) == roundScore(g.Composite) {
				g.Rank = prev.Rank
			}
		}
	}
}

func sortGroups(names []string, s func(string) *Summary) {
	sort.Slice(names, func(i, j int) bool {
		a, b := s(names[i]), s(names[j])
		if a.Scored != b.Scored {
			return a.Scored
		}
		if ra, rb := roundScore(a.Composite), roundScore(b.Composite); ra != rb {
			return ra > rb
		}
		return names[i] < names[j]
	})
}

func fillIDs(g *Group, a *groupAcc) {
	g.SatisfiedIDs, g.BasicSatisfiedIDs, g.DissatisfiedIDs = a.satIDs, a.basicIDs, a.dissatIDs
}

// groups builds the groups of a kind present in the reported period, in
// rank order, with their history.
func groups(kind string, accs []*periodAcc, m func(*periodAcc) map[string]*groupAcc) []Group {
	n := len(accs)
	cur := m(accs[n-1])
	names := make([]string, 0, len(cur))
	for k := range cur {
		names = append(names, k)
	}
	sortGroups(names, func(k string) *Summary { return &cur[k].Summary })
	out := make([]Group, len(names))
	for i, k := range names {
		g := Group{Kind: kind, Name: k, Summary: cur[k].Summary, History: make([]Summary, n-1)}
		fillIDs(&g, cur[k])
		for j := 0; j < n-1; j++ {
			if h := m(accs[j])[k]; h != nil {
				g.History[j] = h.Summary
			} else {
				g.History[j] = Summary{Period: accs[j].street.Period}
			}
		}
		out[i] = g
	}
	return out
}
