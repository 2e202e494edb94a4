package replycheck

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Message is what a ticket asked: its texts and the facts a reply is
// measured against. Zero values are unknown.
type Message struct {
	ID         string
	Title      string
	Content    string
	Category   string // the category path, levels joined with "/" (城乡建设/…/物业服务); any depth
	Community  string
	Intent     string // 咨询, 求助, 投诉, 举报, 建议, 表扬
	ReceivedAt time.Time
	Deadline   time.Time // the time limit's end (办理时限)
}

// text returns the message's title and content joined.
func (m *Message) text() string {
	if m.Title == "" {
		return m.Content
	}
	return m.Title + "。" + m.Content
}

// Reply is the answer a unit gave: its text and when it was given.
type Reply struct {
	Text       string
	ResolvedAt time.Time
}

// Aspect names one side of a reply's quality.
type Aspect string

// Aspects of a reply.
const (
	Relevance    Aspect = "relevance"    // 答非所问: does it answer this message
	Completeness Aspect = "completeness" // who, what was done, the result, the basis, a contact
	Timeliness   Aspect = "timeliness"   // reply lag vs the time limit
	Boilerplate  Aspect = "boilerplate"  // the same text sent to unrelated messages
)

// Aspects lists the aspects in the order Result.Parts gives them.
var Aspects = []Aspect{Relevance, Completeness, Timeliness, Boilerplate}

// Name returns the aspect's Chinese name.
func (a Aspect) Name() string {
	switch a {
	case Relevance:
		return "相关性"
	case Completeness:
		return "完整性"
	case Timeliness:
		return "及时性"
	case Boilerplate:
		return "模板化"
	}
	return string(a)
}

// Weights of the aspects in the score (see the package doc).
var weights = map[Aspect]float64{Relevance: 40, Completeness: 30, Timeliness: 15, Boilerplate: 15}

// relevanceCap is how far the score may rise above the relevance score.
const relevanceCap = 30

// Part is the score of one aspect, 0 to 100, with its weight.
type Part struct {
	Aspect Aspect  `json:"aspect"`
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
}

// Reason is one thing wrong with a reply, in words a handler understands,
// with the evidence: the place not mentioned, the peers of a boiler-plate
// reply, the lag.
type Reason struct {
	Aspect   Aspect   `json:"aspect"`
	Text     string   `json:"text"`
	Evidence []string `json:"evidence,omitempty"`
	// Hint marks a reason that takes a few points off but does not make a
	// reply poor alone: no contact given, the message's place not named.
	Hint bool `json:"hint,omitempty"`
}

// Result is the verdict on one reply.
type Result struct {
	ID      string   `json:"id"`
	Score   int      `json:"score"` // 0–100
	Parts   []Part   `json:"parts"` // the aspects scored, in the order of Aspects
	Reasons []Reason `json:"reasons,omitempty"`
}

// Part returns the part of aspect a and whether it was scored.
func (r Result) Part(a Aspect) (Part, bool) {
	for _, p := range r.Parts {
		if p.Aspect == a {
			return p, true
		}
	}
	return Part{}, false
}

// Has reports whether a reason of aspect a that is not a hint was given:
// the reply is at fault in that aspect.
func (r Result) Has(a Aspect) bool {
	return slices.ContainsFunc(r.Reasons, func(x Reason) bool { return x.Aspect == a && !x.Hint })
}

// ReasonText returns the reasons joined with "；", for a report cell.
func (r Result) ReasonText() string {
	var b strings.Builder
	for i, x := range r.Reasons {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(x.Text)
	}
	return b.String()
}

// Check scores reply r to message m against the corpus c, which may be nil.
func Check(m Message, r Reply, c *Corpus) Result {
	res := Result{ID: m.ID}
	var reasons []Reason
	add := func(a Aspect, score float64, rs []Reason) {
		res.Parts = append(res.Parts, Part{Aspect: a, Score: math.Round(clamp(score)*10) / 10, Weight: weights[a]})
		reasons = append(reasons, rs...)
	}
	if strings.TrimSpace(r.Text) == "" {
		res.Parts = []Part{{Relevance, 0, weights[Relevance]}, {Completeness, 0, weights[Completeness]}}
		res.Reasons = []Reason{{Aspect: Completeness, Text: "答复为空"}}
		return res
	}
	rf := readReply(r.Text)
	near := c.near(&m)
	s, rs := relevance(&m, r.Text, &rf, c, near)
	add(Relevance, s, rs)
	s, rs = completeness(&m, &rf)
	if stockOnly(r.Text) {
		s = 0 // the parts found are those of the stock phrases: 我单位, 已安排
	}
	add(Completeness, s, rs)
	if s, rs, ok := timeliness(&m, &r); ok {
		add(Timeliness, s, rs)
	}
	if c != nil {
		s, rs = c.boilerplate(&m, r.Text, near)
		add(Boilerplate, s, rs)
	}
	sum, w := 0.0, 0.0
	rel := 0.0
	for _, p := range res.Parts {
		sum += p.Score * p.Weight
		w += p.Weight
		if p.Aspect == Relevance {
			rel = p.Score
		}
	}
	score := min(sum/w, rel+relevanceCap)
	res.Score = int(math.Round(clamp(score)))
	res.Reasons = reasons
	return res
}

func clamp(x float64) float64 { return min(max(x, 0), 100) }

// timeliness scores the reply lag against the time limit.
func timeliness(m *Message, r *Reply) (float64, []Reason, bool) {
	if m.ReceivedAt.IsZero() || m.Deadline.IsZero() || r.ResolvedAt.IsZero() || !m.Deadline.After(m.ReceivedAt) {
		return 0, nil, false
	}
	limit := m.Deadline.Sub(m.ReceivedAt)
	over := r.ResolvedAt.Sub(m.Deadline)
	if over <= 0 {
		return 100, nil, true
	}
	s := 100 * max(0, 1-float64(over)/float64(limit))
	return s, []Reason{{Aspect: Timeliness, Text: "超出时限 " + span(over) + "答复",
		Evidence: []string{"时限 " + span(limit), "用时 " + span(r.ResolvedAt.Sub(m.ReceivedAt))}}}, true
}

// span writes a duration the way a report does: days from one day up,
// else hours, else minutes.
func span(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%d 天", int(math.Round(d.Hours()/24)))
	case d >= time.Hour:
		return fmt.Sprintf("%d 小时", int(math.Round(d.Hours())))
	}
	return fmt.Sprintf("%d 分钟", max(1, int(math.Round(d.Minutes()))))
}

// Worst returns the n results with the lowest scores, worst first (ties
// by ID), for the month's list of the worst replies. The input is not
// modified.
func Worst(results []Result, n int) []Result {
	out := slices.Clone(results)
	slices.SortStableFunc(out, func(a, b Result) int {
		if c := cmp.Compare(a.Score, b.Score); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
