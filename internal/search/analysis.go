package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"jiceng/internal/core"
	"jiceng/internal/text"
)

// The two tokenizers of the policy base, registered with bleve by name so
// that an index's mapping names them (and carries its synonyms) and an
// index opened again analyses text as when it was built.
const (
	wordsTokenizer   = "jiceng_words"
	bigramsTokenizer = "jiceng_bigrams"
	wordsAnalyzer    = "jiceng_words"
	bigramsAnalyzer  = "jiceng_bigrams"
)

func init() {
	if err := registry.RegisterTokenizer(wordsTokenizer, newWordsTokenizer); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenizer(bigramsTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return bigramTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
}

// synonymMark starts the term that stands for a synonym group in the words
// field: "=最低生活保障" is indexed wherever 最低生活保障, 低保 or 低保金
// occurs, in a document or in a question.
const synonymMark = "="

// Synonyms are groups of terms that mean the same: a full name and its
// abbreviations (最低生活保障 / 低保), or two names of one thing. The first
// term of a group names it. Terms are folded (text.Fold).
type Synonyms [][]string

//go:embed synonyms.txt
var defaultSynonyms string

// DefaultSynonyms returns the built-in synonym groups (synonyms.txt): the
// common abbreviations of social assistance, insurance, housing and the
// bodies that issue them.
func DefaultSynonyms() Synonyms {
	s, err := ReadSynonyms(strings.NewReader(defaultSynonyms))
	if err != nil {
		panic("search: synonyms.txt: " + err.Error())
	}
	return s
}

// DefaultSynonymsFile returns the built-in synonyms file (synonyms.txt),
// the one a street downloads to change.
func DefaultSynonymsFile() []byte { return []byte(defaultSynonyms) }

// ReadSynonyms reads a synonyms file: one group a line, its terms
// separated by spaces, "/" or "、", the first naming the group; lines
// starting with # are comments. A term in two groups merges them. Its
// errors are core.EINVALID with a Chinese message naming the line.
func ReadSynonyms(r io.Reader) (Synonyms, error) {
	sc := bufio.NewScanner(r)
	var groups Synonyms
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !utf8.ValidString(l) {
			return nil, core.Errorf(core.EINVALID, "同义词表第 %d 行不是 UTF-8 文本", line)
		}
		var g []string
		for _, t := range strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\t' || r == '/' || r == '、' || r == '　' }) {
			if t = foldString(t); t != "" {
				g = append(g, t)
			}
		}
		if len(g) < 2 {
			return nil, core.Errorf(core.EINVALID, "同义词表第 %d 行只有一个词：每行至少两个同义的说法", line)
		}
		groups = append(groups, g)
	}
	if err := sc.Err(); err != nil {
		return nil, core.Errorf(core.EINVALID, "读取同义词表失败（第 %d 行附近）: %v", line+1, err)
	}
	return groups.merged(), nil
}

// Merge returns s with the groups of t added; groups that share a term are
// merged.
func (s Synonyms) Merge(t Synonyms) Synonyms {
	all := append(append(Synonyms{}, s...), t...)
	return all.merged()
}

// merged joins the groups that share a term, keeping the first group's
// name and each term once.
func (s Synonyms) merged() Synonyms {
	parent := make([]int, len(s))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, g := range s {
		for _, t := range g {
			if j, ok := owner[t]; ok {
				a, b := find(i), find(j)
				if a < b {
					a, b = b, a
				}
				parent[a] = b
			} else {
				owner[t] = i
			}
		}
	}
	var out Synonyms
	index := map[int]int{}
	for i, g := range s {
		root := find(i)
		k, ok := index[root]
		if !ok {
			k = len(out)
			index[root] = k
			out = append(out, nil)
		}
		for _, t := range g {
			if !contains(out[k], t) {
				out[k] = append(out[k], t)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// foldString folds every rune of s (text.Fold) and trims it.
func foldString(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		b.WriteRune(text.Fold(r))
	}
	return b.String()
}

// synonymMatcher finds the synonym groups' terms in a folded text.
type synonymMatcher struct {
	terms []synonymTerm
	// byFirst lists, for each first rune, the terms that start with it,
	// longest first.
	byFirst map[rune][]synonymTerm
}

type synonymTerm struct {
	term, group string
}

func newSynonymMatcher(s Synonyms) *synonymMatcher {
	m := &synonymMatcher{byFirst: map[rune][]synonymTerm{}}
	for _, g := range s {
		for _, t := range g {
			if t == "" {
				continue
			}
			st := synonymTerm{t, synonymMark + g[0]}
			m.terms = append(m.terms, st)
			r, _ := utf8.DecodeRuneInString(t)
			m.byFirst[r] = append(m.byFirst[r], st)
		}
	}
	for _, ts := range m.byFirst {
		sort.SliceStable(ts, func(i, j int) bool { return len(ts[i].term) > len(ts[j].term) })
	}
	return m
}

// synonymHit is one occurrence of a group's term: its byte offsets in the
// folded text.
type synonymHit struct {
	group      string
	start, end int
}

// find returns the occurrences of the groups' terms in the folded text f,
// each group at most once per place.
func (m *synonymMatcher) find(f string) []synonymHit {
	if m == nil || len(m.terms) == 0 {
		return nil
	}
	var hits []synonymHit
	for i, r := range f {
		ts := m.byFirst[r]
		if len(ts) == 0 {
			continue
		}
		last := ""
		for _, t := range ts {
			if t.group != last && strings.HasPrefix(f[i:], t.term) {
				// Terms of one group come together rarely; a group is
				// listed once per place when they do.
				if !hasHit(hits, t.group, i) {
					hits = append(hits, synonymHit{t.group, i, i + len(t.term)})
				}
				last = t.group
			}
		}
	}
	return hits
}

func hasHit(hits []synonymHit, group string, start int) bool {
	for j := len(hits) - 1; j >= 0 && hits[j].start == start; j-- {
		if hits[j].group == group {
			return true
		}
	}
	return false
}

// stopWords are the words of a question that say nothing of its topic.
// They are dropped from the words field, in documents and in questions.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`的 了 是 吗 呢 啊 吧 呀 么 在 和 与 及 或 也 都 就 还 又 我 你 他 她 它 我们 你们 他们
		我家 自己 这 那 这个 那个 哪 哪个 哪些 哪里 什么 怎么 怎样 怎么样 如何 多少 几 请问 请 问 想 想要 要 能 能不能
		可以 可不可以 是否 有没有 有 没有 会 该 应该 需要 一下 一个 个 吗? 呢? 谁 为什么 对 把 被 给 让 从 向 到 于 为`) {
		stopWords[w] = true
	}
}

// wordsTokenizerImpl tokenizes the words fields: the words of the text
// (text.Words) without stop words, and, at the place of each synonym
// group's term, the group's term (synonymMark and its name).
type wordsTokenizerImpl struct {
	syn *synonymMatcher
}

func newWordsTokenizer(config map[string]any, _ *registry.Cache) (analysis.Tokenizer, error) {
	syn, err := synonymsFromConfig(config["synonyms"])
	if err != nil {
		return nil, err
	}
	return &wordsTokenizerImpl{newSynonymMatcher(syn)}, nil
}

// synonymsFromConfig reads the synonyms of a tokenizer's configuration:
// [][]string when the mapping was built here, []any of []any once it has
// been stored as JSON and read again.
func synonymsFromConfig(v any) (Synonyms, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case Synonyms:
		return v, nil
	case [][]string:
		return v, nil
	case []any:
		var s Synonyms
		for _, g := range v {
			gs, ok := g.([]any)
			if !ok {
				return nil, fmt.Errorf("search: synonyms: group %v is not a list", g)
			}
			var group []string
			for _, t := range gs {
				ts, ok := t.(string)
				if !ok {
					return nil, fmt.Errorf("search: synonyms: term %v is not a string", t)
				}
				group = append(group, ts)
			}
			s = append(s, group)
		}
		return s, nil
	}
	return nil, fmt.Errorf("search: synonyms: unexpected %T", v)
}

func (t *wordsTokenizerImpl) Tokenize(input []byte) analysis.TokenStream {
	s := string(input)
	words := text.Words(s)
	stream := make(analysis.TokenStream, 0, len(words)+2)
	pos := 0
	for _, w := range words {
		if stopWords[w.Text] {
			continue
		}
		if !w.Part || pos == 0 {
			pos++
		}
		stream = append(stream, &analysis.Token{
			Term: []byte(w.Text), Start: w.Start, End: w.End, Position: pos, Type: tokenType(w.Text),
		})
	}
	if t.syn == nil || len(t.syn.terms) == 0 || len(stream) == 0 {
		return stream
	}
	f := foldedText(s)
	nWords := len(stream)
	for _, h := range t.syn.find(f.s) {
		start, end := f.offs[h.start], f.offs[h.end]
		// The group's term takes the place of the first word it overlaps.
		pos := stream[nWords-1].Position
		for _, tok := range stream[:nWords] {
			if tok.End > start {
				pos = tok.Position
				break
			}
		}
		stream = append(stream, &analysis.Token{
			Term: []byte(h.group), Start: start, End: end, Position: pos, Type: analysis.Ideographic,
		})
	}
	return stream
}

func tokenType(w string) analysis.TokenType {
	r, _ := utf8.DecodeRuneInString(w)
	switch text.KindOf(r) {
	case text.Han:
		return analysis.Ideographic
	case text.Digit:
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// bigramTokenizer tokenizes the bigram fields: text.Bigrams.
type bigramTokenizer struct{}

func (bigramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	grams := text.Bigrams(string(input))
	stream := make(analysis.TokenStream, len(grams))
	for i, g := range grams {
		stream[i] = &analysis.Token{
			Term: []byte(g.Text), Start: g.Start, End: g.End, Position: i + 1, Type: tokenType(g.Text),
		}
	}
	return stream
}

// folded is a text folded rune by rune with, for each byte of the folded
// form, the offset in the original of the rune it comes from.
type folded struct {
	s    string
	offs []int // len(s)+1 entries
}

func foldedText(s string) folded {
	var b strings.Builder
	b.Grow(len(s))
	offs := make([]int, 0, len(s)+1)
	for i, r := range s {
		f := text.Fold(r)
		n := utf8.RuneLen(f)
		if n < 0 {
			f, n = utf8.RuneError, 3
		}
		b.WriteRune(f)
		for range n {
			offs = append(offs, i)
		}
	}
	offs = append(offs, len(s))
	return folded{b.String(), offs}
}
