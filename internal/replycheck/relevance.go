package replycheck

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"jiceng/internal/core"
	"jiceng/internal/extract"
)

// Relevance weights (see the package doc).
const (
	overlapFull      = 0.30 // the overlap that scores 100
	neighbourFull    = 0.40 // the similarity to the neighbours' replies that scores 100
	neighbours       = 10   // similar past messages whose replies are compared
	penaltyPlace     = 25   // the reply names another place
	penaltyNoPlace   = 10   // the message names places, the reply none
	penaltyQuestion  = 30   // a 咨询 not answered in the form asked
	penaltyHalf      = 15   // … by a reply that explains policy without the specifics
	penaltyNoAction  = 25   // a 投诉/举报/求助 answered with an explanation only
	penaltyCategory  = 20   // the reply reads as another category's
	questionIntents  = "咨询"
	complaintIntents = "投诉举报求助"
)

// relevance scores whether reply answers message m.
func relevance(m *Message, reply string, f *replyFacts, c *Corpus) (float64, []Reason) {
	self := c.self(m)
	w := c.weigher(self)
	mg := grams(m.text())
	rg := grams(reply)
	inM := make(map[gram]bool, len(mg))
	for _, g := range mg {
		inM[g] = true
	}
	type wg struct {
		g gram
		w float64
	}
	var shared, total float64
	var off []wg
	for _, g := range rg {
		x := w(g)
		total += x
		if inM[g] {
			shared += x
		} else if x > 0 {
			off = append(off, wg{g, x})
		}
	}
	var rs []Reason
	if total == 0 {
		return 0, []Reason{{Aspect: Relevance, Text: "答复只有套话，没有具体内容"}}
	}
	precision := shared / total
	head := m.Title
	if strings.TrimSpace(head) == "" {
		head = string([]rune(m.Content)[:min(40, len([]rune(m.Content)))])
	}
	inR := make(map[gram]bool, len(rg))
	for _, g := range rg {
		inR[g] = true
	}
	var hs, ht float64
	for _, g := range grams(head) {
		x := w(g)
		ht += x
		if inR[g] {
			hs += x
		}
	}
	recall := 0.0
	if ht > 0 {
		recall = hs / ht
	}
	overlap := 0.6*precision + 0.4*recall
	score := 100 * min(1, overlap/overlapFull)
	nb, peers := c.neighbourFit(m, rg, w)
	score = max(score, 100*min(1, nb/neighbourFull))
	if score < 50 {
		slices.SortFunc(off, func(a, b wg) int { return cmp.Compare(b.w, a.w) })
		var ev []string
		for _, x := range off[:min(5, len(off))] {
			ev = append(ev, string(x.g[:]))
		}
		text := "答复内容与诉求重合少（答非所问）"
		if len(peers) > 0 {
			text = "答复内容与诉求重合少，也不像相似诉求（工单 " + strings.Join(peers, "、") + "）的答复（答非所问）"
		}
		rs = append(rs, Reason{Aspect: Relevance, Text: text, Evidence: ev})
	}

	// Places.
	mp := placeNames(m.text())
	rp := placeNames(reply)
	known := func(p string) bool {
		if m.Community != "" && (strings.Contains(m.Community, p) || strings.Contains(p, m.Community)) {
			return true
		}
		for _, q := range mp {
			if strings.Contains(q, p) || strings.Contains(p, q) {
				return true
			}
		}
		return false
	}
	var other []string
	named := false
	for _, p := range rp {
		if known(p) {
			named = true
		} else {
			other = append(other, p)
		}
	}
	switch {
	case len(other) > 0:
		score -= penaltyPlace
		rs = append(rs, Reason{Aspect: Relevance, Text: "答复提及的地点 " + strings.Join(other, "、") + " 不在诉求中", Evidence: other})
	case len(mp) > 0 && !named:
		score -= penaltyNoPlace
		rs = append(rs, Reason{Aspect: Relevance, Text: "答复未提及诉求中的地点 " + strings.Join(mp[:min(2, len(mp))], "、"), Evidence: mp})
	}

	// The question asked vs the answer given.
	switch {
	case strings.Contains(questionIntents, m.Intent) && m.Intent != "":
		kinds := asked(m.text())
		if !answersAny(f, kinds) || (f.substantive && !f.explained && f.resultNot == "" && len(kinds) == 0) {
			var names []string
			for _, k := range kinds {
				names = append(names, qkindNames[k])
			}
			what := "诉求为咨询"
			if len(names) > 0 {
				what = "诉求询问" + strings.Join(names, "、")
			}
			if f.explained || f.basis != "" {
				score -= penaltyHalf
				rs = append(rs, Reason{Aspect: Relevance, Text: what + "，答复未具体说明", Evidence: names})
			} else {
				score -= penaltyQuestion
				rs = append(rs, Reason{Aspect: Relevance, Text: what + "，答复未作解答", Evidence: names})
			}
		}
	case strings.Contains(complaintIntents, m.Intent) && m.Intent != "":
		if !f.substantive && f.resultDone == "" && f.resultNot == "" {
			score -= penaltyNoAction
			rs = append(rs, Reason{Aspect: Relevance, Text: "诉求为" + m.Intent + "，答复只作解释，未说明如何处理"})
		}
	}

	// The category the reply reads as.
	if l1 := level1(m.Category); l1 != "" {
		if post, ok := c.categoryOf(rg, self); ok {
			mine := slices.Index(c.cats, l1)
			best := 0
			for i := range post {
				if post[i] > post[best] {
					best = i
				}
			}
			if mine >= 0 && best != mine && post[best] >= categoryOdds*post[mine] {
				score -= penaltyCategory
				rs = append(rs, Reason{Aspect: Relevance, Text: "答复内容像「" + c.cats[best] + "」类诉求的答复，与诉求分类「" + l1 + "」不符",
					Evidence: []string{c.cats[best]}})
			}
		}
	}
	return score, rs
}

var finder = sync.OnceValue(func() *extract.PlaceFinder { return extract.NewPlaceFinder(core.Areas{}) })

// placeNames returns the specific places of s: compounds, roads and
// communities (not districts or towns, which a street's replies and
// messages share), deduplicated, in text order.
func placeNames(s string) []string {
	var out []string
	for _, e := range finder().Find(s) {
		switch e.Type {
		case extract.Compound, extract.Road, extract.Community:
		default:
			continue
		}
		name := strings.TrimSpace(e.Text)
		if len([]rune(name)) < 3 || slices.Contains(out, name) {
			continue
		}
		out = append(out, name)
	}
	return out
}
