package replycheck

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"

	"jiceng/internal/core"
	"jiceng/internal/extract"
	"jiceng/internal/hot"
	"jiceng/internal/text"
)

// Relevance weights (see the package doc).
const (
	overlapFull      = 0.30 // the overlap that scores 100
	neighbourFull    = 0.40 // the similarity to the neighbours' replies that scores 100
	neighbours       = 10   // similar past messages whose replies are compared
	penaltyPlace     = 15   // the reply names another place, none of the message's
	minContent       = 6    // characters a reply needs beyond stock phrases to say something
	phraseFull       = 8    // characters of shared phrases that score 100
	stockRelevance   = 40   // the relevance of a reply of stock phrases: it answers nothing, and nothing else
	penaltyNoPlace   = 10   // the message names places, the reply none
	penaltyQuestion  = 30   // a 咨询 not answered in the form asked
	penaltyNoAction  = 25   // a 投诉/举报/求助 answered with an explanation only
	penaltyCategory  = 20   // the reply reads as another category's
	complaintIntents = "投诉举报求助"
)

// relevance scores whether reply answers message m.
func relevance(m *Message, reply string, f *replyFacts, c *Corpus, near []hot.Match) (float64, []Reason) {
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
	if stockOnly(reply) {
		// A reply of stock phrases answers nothing: that is a want of
		// content (completeness), not an answer to another question.
		return stockRelevance, []Reason{{Aspect: Completeness, Text: "答复只有套话，没有针对诉求的具体内容"}}
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
	nb, peers := c.neighbourFit(near, rg, w)
	score = max(score, 100*min(1, nb/neighbourFull))
	// Phrases of three characters or more that the reply takes from the
	// message, places left out (a reply about another problem at the same
	// place shares the place): 开发猕猴桃, 液化气供应站.
	phrases := problemPhrases(reply, m.text())
	n := 0
	for _, p := range phrases {
		n += len([]rune(p))
	}
	score = max(score, 100*min(1, float64(n)/phraseFull))
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

	// Places: those of the title (the place the message is about; all of
	// its text when it has no title) against those of the reply.
	mp := placeNames(head)
	if len(mp) == 0 && m.Title == "" {
		mp = placeNames(m.text())
	}
	rp := placeNames(reply)
	all := placeNames(m.text())
	mtext := string(text.AppendContent(nil, m.text()+m.Community))
	known := func(p string) bool {
		pc := string(text.AppendContent(nil, p))
		if strings.Contains(mtext, pc) {
			return true
		}
		for _, q := range all {
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
	case named:
	case len(other) > 0:
		// Replies name the office to go to and the road of the works:
		// another place is a hint, not proof.
		score -= penaltyPlace
		rs = append(rs, Reason{Aspect: Relevance, Text: "答复提及的地点 " + strings.Join(other, "、") + " 不在诉求中", Evidence: other, Hint: true})
	case len(mp) > 0:
		score -= penaltyNoPlace
		rs = append(rs, Reason{Aspect: Relevance, Text: "答复未提及诉求中的地点 " + strings.Join(mp[:min(2, len(mp))], "、"), Evidence: mp, Hint: true})
	}

	// The question asked vs the answer given: a question answered with
	// what was done, or a complaint answered with an explanation of policy.
	// (A reply that answers nothing at all is incomplete: completeness
	// says so.)
	switch {
	case m.Intent == "咨询":
		kinds := asked(m.text())
		if f.substantive && !f.explained && f.basis == "" && !answersAny(f, kinds) {
			var names []string
			for _, k := range kinds {
				names = append(names, qkindNames[k])
			}
			what := "诉求为咨询"
			if len(names) > 0 {
				what = "诉求询问" + strings.Join(names, "、")
			}
			score -= penaltyQuestion
			rs = append(rs, Reason{Aspect: Relevance, Text: what + "，答复说的是处理情况，未作解答", Evidence: append(names, f.done)})
		}
	case m.Intent != "" && strings.Contains(complaintIntents, m.Intent):
		if f.explained && !f.substantive && f.resultDone == "" && f.resultNot == "" {
			score -= penaltyNoAction
			rs = append(rs, Reason{Aspect: Relevance, Text: "诉求为" + m.Intent + "，答复只作政策解释，未说明如何处理"})
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

// minPlaceScore is the confidence a place needs to be evidence: the
// suffix guesses of names (增设社区, 相关路) are below it.
const minPlaceScore = 0.6

// reNotPlace are words a guessed place name does not hold: verbs and
// references of replies read as the name before a suffix (约谈小区, 属地
// 社区, 将其划入枫林路, 中华人民共和国道路交通安全法).
var reNotPlace = regexp.MustCompile(`相关|有关|属地|约谈|增设|新建|划入|联系|建局|输厅|中队|大队|共和国|所在|该|本|其|各|全|此|这|那|附近|周边|好事|女方|男方|我|你|他`)

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
		if len([]rune(name)) < 3 || e.Score < minPlaceScore || slices.Contains(out, name) || reNotPlace.MatchString(name) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// problemPhrases returns the phrases (three characters or more) reply
// shares with message that are not within a place of either.
func problemPhrases(reply, message string) []string {
	var places []string
	for _, e := range finder().Find(reply) {
		places = append(places, string(text.AppendContent(nil, e.Text)))
	}
	for _, e := range extract.Orgs(reply) {
		places = append(places, string(text.AppendContent(nil, e.Text)))
	}
	var out []string
	for _, p := range hot.Shared(reply, message, 6, nil) {
		pc := string(text.AppendContent(nil, p))
		if slices.ContainsFunc(places, func(q string) bool { return strings.Contains(q, pc) || strings.Contains(pc, q) }) {
			continue
		}
		if stockOnly(p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// stockOnly reports whether s says nothing beyond stock phrases: with them
// taken out, fewer than minContent characters are left in runs of two or
// more.
func stockOnly(s string) bool {
	t := string(text.AppendContent(nil, s))
	for _, w := range stockWords {
		t = strings.ReplaceAll(t, w, "|")
	}
	n := 0
	for _, run := range strings.Split(t, "|") {
		if k := len([]rune(run)); k >= 2 {
			n += k
		}
	}
	return n < minContent
}
