// Package realtext holds the project's gold set of real citizen messages and
// the measures the text stages are scored with on it.
//
// The gold set (testdata/gold.jsonl) is 300 messages drawn at random (seed
// 12) from a city's message board (问政留言, places anonymised as A市, A3区,
// B6县), details cut at the last sentence end within 500 characters, and
// labelled by reading: the places of the administrative ladder, personal
// names and identifiers as spans with offsets, and the category, intent and
// urgency of each message. testdata/README.md says how it was labelled. Half
// the messages are the "dev" split (stages may be tuned on their errors), the
// other half "test" (only measured).
//
// Only tests import this package: the gold set is not part of the binary.
package realtext

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

//go:embed testdata/gold.jsonl
var goldJSONL []byte

// Span is a labelled span of a message field: Field is "title" or
// "detail"; Start and End are code-point offsets ([Start, End)) in that
// field; Text is the span's text.
type Span struct {
	Field string `json:"field"`
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Message is one labelled message.
type Message struct {
	ID        int    `json:"id"`
	Split     string `json:"split"` // "dev" or "test"
	Time      string `json:"time"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Truncated bool   `json:"truncated,omitempty"`
	Category  string `json:"category"`
	Intent    string `json:"intent"`
	Urgency   string `json:"urgency"`
	Spans     []Span `json:"spans"`
	Note      string `json:"note,omitempty"`
}

// Field returns the text of a field ("title" or "detail").
func (m Message) Field(name string) string {
	if name == "title" {
		return m.Title
	}
	return m.Detail
}

// SpansOf returns the message's spans of the given types (all when none).
func (m Message) SpansOf(types ...string) []Span {
	var out []Span
	for _, s := range m.Spans {
		if len(types) == 0 || slices.Contains(types, s.Type) {
			out = append(out, s)
		}
	}
	return out
}

// Place types, personal data types.
var (
	PlaceTypes    = []string{"ZONE", "TOWN", "COMMUNITY", "COMPOUND", "ROAD", "BUILDING"}
	PersonalTypes = []string{"PERSON", "PHONE", "ID_CARD", "PLATE", "BANK_CARD", "IM_ID", "EMAIL", "USCC", "PASSPORT"}
)

// Load returns the gold set, in file order.
func Load() ([]Message, error) {
	return parse(goldJSONL)
}

// Split returns the messages of a split ("dev", "test"; "" for all).
func Split(ms []Message, split string) []Message {
	if split == "" {
		return ms
	}
	var out []Message
	for _, m := range ms {
		if m.Split == split {
			out = append(out, m)
		}
	}
	return out
}

func parse(b []byte) ([]Message, error) {
	var ms []Message
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var m Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("gold line %d: %w", line, err)
		}
		for _, s := range m.Spans {
			rs := []rune(m.Field(s.Field))
			if s.Start < 0 || s.End > len(rs) || s.Start >= s.End || string(rs[s.Start:s.End]) != s.Text {
				return nil, fmt.Errorf("gold line %d (id %d): span %+v does not match its field", line, m.ID, s)
			}
		}
		ms = append(ms, m)
	}
	return ms, sc.Err()
}

// Unmark reads text with inline markup ⟦span|TYPE⟧ (how the set was
// labelled) into the plain text and its spans, offsets in code points.
func Unmark(field, marked string) (string, []Span, error) {
	var plain []rune
	var spans []Span
	rs := []rune(marked)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '⟦' {
			if rs[i] == '⟧' {
				return "", nil, fmt.Errorf("unmatched ⟧ at %d", i)
			}
			plain = append(plain, rs[i])
			continue
		}
		end := slices.Index(rs[i:], '⟧')
		if end < 0 {
			return "", nil, fmt.Errorf("unclosed ⟦ at %d", i)
		}
		inner := string(rs[i+1 : i+end])
		text, typ, ok := strings.Cut(inner, "|")
		if !ok || text == "" || typ == "" || strings.ContainsAny(text, "⟦|") {
			return "", nil, fmt.Errorf("bad span %q", inner)
		}
		start := len(plain)
		plain = append(plain, []rune(text)...)
		spans = append(spans, Span{Field: field, Type: typ, Start: start, End: len(plain), Text: text})
		i += end
	}
	return string(plain), spans, nil
}

// PRF is precision, recall and F1 of one type (or of all types) over a set.
type PRF struct {
	Type       string
	Gold, Pred int // spans labelled, spans predicted
	Match      int // predicted spans equal to a gold span (field, offsets, type)
}

// Precision, Recall and F1 are 0 when undefined… except that a type with no
// gold and no predicted span scores 1.
func (p PRF) Precision() float64 { return ratio(p.Match, p.Pred, p.Gold == 0) }
func (p PRF) Recall() float64    { return ratio(p.Match, p.Gold, p.Pred == 0) }
func (p PRF) F1() float64 {
	pr, rc := p.Precision(), p.Recall()
	if pr+rc == 0 {
		return 0
	}
	return 2 * pr * rc / (pr + rc)
}

func ratio(a, b int, emptyOK bool) float64 {
	if b == 0 {
		if emptyOK {
			return 1
		}
		return 0
	}
	return float64(a) / float64(b)
}

// SpanScore compares the predicted spans of one message with its gold
// spans, exact span and type (typed=false: exact span, any type). It
// returns one PRF per type of types and the total (Type "all") last. Score
// each message on its own and add the results with Sum: spans of
// different messages share offsets.
func SpanScore(gold, pred []Span, types []string, typed bool) []PRF {
	key := func(s Span) string {
		t := s.Type
		if !typed {
			t = ""
		}
		return fmt.Sprintf("%s|%d|%d|%s", s.Field, s.Start, s.End, t)
	}
	g := map[string]Span{}
	for _, s := range gold {
		g[key(s)] = s
	}
	by := map[string]*PRF{}
	out := make([]PRF, len(types)+1)
	for i, t := range types {
		out[i].Type = t
		by[t] = &out[i]
	}
	all := &out[len(types)]
	all.Type = "all"
	for _, s := range gold {
		if p := by[s.Type]; p != nil {
			p.Gold++
			all.Gold++
		}
	}
	for _, s := range pred {
		p := by[s.Type]
		if p == nil {
			continue
		}
		p.Pred++
		all.Pred++
		if gs, ok := g[key(s)]; ok {
			if by[gs.Type] != nil {
				p.Match++
				all.Match++
			}
		}
	}
	return out
}

// Sum adds the counts of b to a (same types in the same order) and returns
// a; a nil a is taken as zero counts of b's types.
func Sum(a, b []PRF) []PRF {
	if a == nil {
		a = make([]PRF, len(b))
		for i := range b {
			a[i].Type = b[i].Type
		}
	}
	for i := range b {
		a[i].Gold += b[i].Gold
		a[i].Pred += b[i].Pred
		a[i].Match += b[i].Match
	}
	return a
}

// Confusion is a confusion matrix of labels: Count[gold][pred].
type Confusion struct {
	Labels []string
	Count  map[string]map[string]int
}

// NewConfusion returns a matrix over labels (others are added as seen).
func NewConfusion(labels ...string) *Confusion {
	return &Confusion{Labels: slices.Clone(labels), Count: map[string]map[string]int{}}
}

// Add counts one decision.
func (c *Confusion) Add(gold, pred string) {
	for _, l := range []string{gold, pred} {
		if !slices.Contains(c.Labels, l) {
			c.Labels = append(c.Labels, l)
		}
	}
	if c.Count[gold] == nil {
		c.Count[gold] = map[string]int{}
	}
	c.Count[gold][pred]++
}

// Accuracy is the share of decisions on the diagonal.
func (c *Confusion) Accuracy() float64 {
	var ok, n int
	for g, row := range c.Count {
		for p, k := range row {
			n += k
			if g == p {
				ok += k
			}
		}
	}
	return ratio(ok, n, false)
}

// Class returns the PRF of one label.
func (c *Confusion) Class(l string) PRF {
	p := PRF{Type: l}
	for g, row := range c.Count {
		for q, k := range row {
			if g == l {
				p.Gold += k
			}
			if q == l {
				p.Pred += k
			}
			if g == l && q == l {
				p.Match += k
			}
		}
	}
	return p
}

// MacroF1 is the mean F1 of the labels that occur in the gold column.
func (c *Confusion) MacroF1() float64 {
	var sum float64
	var n int
	for _, l := range c.Labels {
		p := c.Class(l)
		if p.Gold == 0 {
			continue
		}
		sum += p.F1()
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// String prints the matrix, gold in rows, with per-label P/R/F1.
func (c *Confusion) String() string {
	var b strings.Builder
	labels := c.Labels
	fmt.Fprintf(&b, "%-10s", "gold\\pred")
	for _, l := range labels {
		fmt.Fprintf(&b, " %6s", short(l))
	}
	fmt.Fprintf(&b, " |    P      R     F1\n")
	for _, g := range labels {
		fmt.Fprintf(&b, "%-10s", short(g))
		for _, p := range labels {
			fmt.Fprintf(&b, " %6d", c.Count[g][p])
		}
		p := c.Class(g)
		fmt.Fprintf(&b, " | %.3f  %.3f  %.3f\n", p.Precision(), p.Recall(), p.F1())
	}
	fmt.Fprintf(&b, "accuracy %.3f, macro-F1 %.3f\n", c.Accuracy(), c.MacroF1())
	return b.String()
}

func short(l string) string {
	rs := []rune(l)
	if len(rs) > 4 {
		rs = rs[:4]
	}
	return string(rs)
}

// Report formats span scores one line per type.
func Report(ps []PRF) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%-10s gold %4d  pred %4d  match %4d   P %.3f  R %.3f  F1 %.3f\n", p.Type, p.Gold, p.Pred, p.Match, p.Precision(), p.Recall(), p.F1())
	}
	return b.String()
}
