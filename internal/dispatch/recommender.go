package dispatch

import (
	"fmt"
	"slices"
	"strings"

	"jiceng/internal/core"
)

// DefaultThreshold is the confidence below which a model recommendation
// goes to the human dispatch queue.
const DefaultThreshold = 0.5

// Recommender combines the catalogue and the model: a matching rule wins
// (confidence 1); otherwise the model ranks the units. Either may be nil.
type Recommender struct {
	Catalogue *Catalogue
	Model     *Model
	// Threshold is the confidence below which the result NeedsHuman
	// (default DefaultThreshold when zero; negative: never).
	Threshold float64
	// StaleRate is the share of returns above which a rule is taken for
	// stale: when the rule's unit recently returned at least StaleReturns
	// tickets like this one and at least StaleRate of its recent such
	// dispatches (see Model.ReturnRate), the model's recommendation wins
	// over the rule (defaults 0.6 and 8; a negative StaleRate: rules
	// always win).
	StaleRate    float64
	StaleReturns float64
}

// Result is the recommendation for one ticket.
type Result struct {
	// Suggestions are the candidate units, best first; the first is the
	// recommended lead unit, with its co-units.
	Suggestions []Suggestion
	// NeedsHuman says the ticket belongs in the human dispatch queue
	// (人工分拨队列): no rule matched and the model is not confident
	// enough, or there is no suggestion at all.
	NeedsHuman bool
}

// Lead returns the recommended lead unit and co-units, if any.
func (r Result) Lead() (unit string, coUnits []string, ok bool) {
	if len(r.Suggestions) == 0 {
		return "", nil, false
	}
	return r.Suggestions[0].Unit, r.Suggestions[0].CoUnits, true
}

// Recommend returns up to k suggestions for t (k < 1 means 1), never a unit
// of returnedBy. A catalogue rule whose unit already returned the ticket,
// or that looks stale (see StaleRate), is passed over and said so in the
// model's reason.
func (rc *Recommender) Recommend(t core.Ticket, returnedBy []string, k int) Result {
	if k < 1 {
		k = 1
	}
	var res Result
	i, rule, ok, skipped := rc.Catalogue.match(t)
	if ok {
		staleRate, staleN := rc.StaleRate, rc.StaleReturns
		if staleRate == 0 {
			staleRate = 0.6
		}
		if staleN == 0 {
			staleN = 8
		}
		var n, rate float64
		if rc.Model != nil && staleRate > 0 {
			n, rate = rc.Model.ReturnRate(t, rule.Unit)
		}
		switch {
		case slices.Contains(returnedBy, rule.Unit):
			skipped = fmt.Sprintf("派单目录第%d条指定的%s已退单；", i+1, rule.Unit)
		case n >= staleN && rate >= staleRate:
			skipped = fmt.Sprintf("派单目录第%d条指定的%s近期退回同类工单约 %.0f 件（退单率 %.0f%%），目录可能已过时；", i+1, rule.Unit, n, 100*rate)
		default:
			co := make([]string, 0, len(rule.CoUnits))
			for _, u := range rule.CoUnits {
				if !slices.Contains(returnedBy, u) {
					co = append(co, u)
				}
			}
			res.Suggestions = append(res.Suggestions, Suggestion{
				Unit: rule.Unit, CoUnits: co, Confidence: 1, Source: SourceCatalogue, Rule: i + 1,
				Reason: fmt.Sprintf("派单目录第%d条：%s", i+1, describeRule(rule)),
			})
		}
	}
	if rc.Model != nil && len(res.Suggestions) < k {
		for _, s := range rc.Model.Recommend(t, returnedBy, k) {
			if len(res.Suggestions) == k {
				break
			}
			if slices.ContainsFunc(res.Suggestions, func(x Suggestion) bool { return x.Unit == s.Unit }) {
				continue
			}
			if skipped != "" && len(res.Suggestions) == 0 {
				s.Reason = skipped + s.Reason
			}
			res.Suggestions = append(res.Suggestions, s)
		}
	}
	th := rc.Threshold
	if th == 0 {
		th = DefaultThreshold
	}
	res.NeedsHuman = len(res.Suggestions) == 0 ||
		(res.Suggestions[0].Source == SourceModel && res.Suggestions[0].Confidence < th)
	return res
}

// describeRule says what a rule matches and where it sends the ticket.
func describeRule(r core.DispatchRule) string {
	var conds []string
	var cat []string
	for _, l := range []string{r.Category1, r.Category2, r.Category3} {
		if l != "" {
			cat = append(cat, l)
		}
	}
	if len(cat) > 0 {
		conds = append(conds, "分类 "+strings.Join(cat, "/"))
	}
	if len(r.Keywords) > 0 {
		conds = append(conds, "关键词 "+strings.Join(r.Keywords, "、"))
	}
	if r.Community != "" {
		conds = append(conds, "社区 "+r.Community)
	}
	s := strings.Join(conds, "，") + " → " + r.Unit
	if len(r.CoUnits) > 0 {
		s += "（协办：" + strings.Join(r.CoUnits, "、") + "）"
	}
	if r.Note != "" {
		s += "；" + r.Note
	}
	return s
}
