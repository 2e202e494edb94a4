package search

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"jiceng/internal/policy"
	"jiceng/internal/text"
)

// Answered is the short extractive answer to a question: sentences of the
// passages found, as written, each with where it comes from — or no
// answer, and why, when the passages found are not good enough to answer
// from, so that the question goes to a person.
type Answered struct {
	Confident bool
	// Reason says, in Chinese, why there is no confident answer; "" when
	// there is one.
	Reason    string
	Sentences []Sentence
	// Text is the sentences in order, each followed by its citation in
	// brackets.
	Text string
}

// Sentence is one sentence of a passage, and its citation.
type Sentence struct {
	Text                string
	PassageID, DocID    string
	Title, Number       string
	Article, Item       string
	Validity            policy.Validity
	Citation            string // 《标题》（文号）第X条
	Covers              []string
	hitRank, sentenceNo int
}

// Answer limits: at most maxSentences sentences, about maxAnswerRunes
// characters, from the first answerHits hits that score at least
// closeScore of the best.
const (
	maxSentences   = 3
	maxAnswerRunes = 240
	answerHits     = 3
	closeScore     = 0.5
)

// DefaultMinScore is the best hit's score under which Answer gives no
// confident answer. It was calibrated on the labelled questions over the
// demo policies (internal/policy/testdata/questions.csv): at 0.08, 86 % of
// the 22 questions the base cannot answer are refused and 63 % of the 348
// answerable ones answered (jiceng policy eval prints the whole trade-off).
// Scores depend on the base: a street calibrates its own with policy eval.
const DefaultMinScore = 0.08

// Answer assembles the answer to question from hits (best first, as
// Search returns them) using only their sentences: the fewest sentences of
// the best passages that cover the most of the question's terms (the
// hits' Matched terms and the question's words). It is not confident when
// there are no hits or the best scores less than minScore. Answer is pure.
func Answer(question string, hits []Hit, minScore float64) Answered {
	if len(hits) == 0 {
		return Answered{Reason: "政策库中没有找到与问题相关的条文，请转人工答复"}
	}
	if hits[0].Score < minScore {
		return Answered{Reason: fmt.Sprintf("最相关条文的匹配度（%.3f）低于阈值 %.3f，没有把握自动解答，请转人工答复", hits[0].Score, minScore)}
	}
	terms := answerTerms(question, hits)
	var cands []Sentence
	for r, h := range hits {
		if r >= answerHits || h.Score < closeScore*hits[0].Score {
			break
		}
		ss := sentences(h.Text)
		if r == 0 && h.Question != "" && utf8.RuneCountInString(h.Text) <= maxAnswerRunes {
			// The best passage is a question and its answer: the answer
			// is whole, as written.
			ss = []string{strings.TrimSpace(h.Text)}
		}
		for i, s := range ss {
			cands = append(cands, Sentence{
				Text: s, PassageID: h.PassageID, DocID: h.DocID, Title: h.Title, Number: h.Number,
				Article: h.Article, Item: h.Item, Validity: h.Validity, Citation: citation(h),
				Covers: covered(s, terms), hitRank: r, sentenceNo: i,
			})
		}
	}
	chosen := cover(cands, terms)
	if len(chosen) == 0 {
		// No sentence holds a term of the question (the passage matched
		// by its title or question): the best passage's first sentence.
		for _, c := range cands {
			if c.hitRank == 0 {
				chosen = []Sentence{c}
				break
			}
		}
	}
	if len(chosen) == 0 {
		return Answered{Reason: "最相关的条文没有可以引用的句子，请转人工答复"}
	}
	var b strings.Builder
	for _, s := range chosen {
		b.WriteString(s.Text)
		b.WriteString("〔")
		b.WriteString(s.Citation)
		b.WriteString("〕")
	}
	return Answered{Confident: true, Sentences: chosen, Text: b.String()}
}

// answerTerms are the terms an answer should cover: the hits' matched
// terms and the question's own words of two characters or more.
func answerTerms(question string, hits []Hit) []string {
	var terms []string
	seen := map[string]bool{}
	add := func(t string) {
		if utf8.RuneCountInString(t) >= 2 && !seen[t] && !stopWords[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	for _, h := range hits {
		for _, t := range h.Matched {
			add(t)
		}
	}
	for _, w := range text.Words(question) {
		add(w.Text)
	}
	return terms
}

// cover picks the sentences greedily: each time the one that covers the
// most characters of terms not covered yet (the earlier hit and sentence
// on a tie), until none adds any or the answer is long enough; it returns
// them in the hits' order and the passages' order.
func cover(cands []Sentence, terms []string) []Sentence {
	done := map[string]bool{}
	used := make([]bool, len(cands))
	var chosen []Sentence
	length := 0
	for len(chosen) < maxSentences {
		best, bestGain := -1, 0
		for i, c := range cands {
			if used[i] {
				continue
			}
			gain := 0
			for _, t := range c.Covers {
				if !done[t] {
					gain += utf8.RuneCountInString(t)
				}
			}
			if gain > bestGain {
				best, bestGain = i, gain
			}
		}
		if best < 0 {
			break
		}
		n := utf8.RuneCountInString(cands[best].Text)
		if len(chosen) > 0 && length+n > maxAnswerRunes {
			break
		}
		used[best] = true
		length += n
		for _, t := range cands[best].Covers {
			done[t] = true
		}
		chosen = append(chosen, cands[best])
	}
	// In reading order.
	for i := 1; i < len(chosen); i++ {
		for j := i; j > 0 && before(chosen[j], chosen[j-1]); j-- {
			chosen[j], chosen[j-1] = chosen[j-1], chosen[j]
		}
	}
	return chosen
}

func before(a, b Sentence) bool {
	if a.hitRank != b.hitRank {
		return a.hitRank < b.hitRank
	}
	return a.sentenceNo < b.sentenceNo
}

// covered returns the terms found in sentence s.
func covered(s string, terms []string) []string {
	f := foldString(s)
	var out []string
	for _, t := range terms {
		if strings.Contains(f, t) {
			out = append(out, t)
		}
	}
	return out
}

// sentences splits a passage's text into its sentences, each with its
// closing punctuation, trimmed; a line break also ends one.
func sentences(s string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if t := strings.TrimSpace(s[start:end]); t != "" {
			out = append(out, t)
		}
		start = end
	}
	for i, r := range s {
		switch r {
		case '。', '！', '？', '；', '!', '?', ';':
			flush(i + utf8.RuneLen(r))
		case '\n':
			flush(i + 1)
		}
	}
	flush(len(s))
	return out
}

// citation names where a hit's passage comes from: 《标题》（文号）第X条
// 第Y项, and (已废止) for a document no longer in force; for a Q&A, its
// source when the sheet gives one.
func citation(h Hit) string {
	var b strings.Builder
	if h.Question != "" && h.Source != "" {
		b.WriteString("问答：" + h.Question)
		if h.Title != "" {
			b.WriteString("（" + h.Title + "）")
		}
		b.WriteString("，依据 " + h.Source)
		return b.String()
	}
	if h.Title != "" {
		b.WriteString("《" + h.Title + "》")
	}
	if h.Number != "" {
		b.WriteString("（" + h.Number + "）")
	}
	b.WriteString(h.Article)
	b.WriteString(h.Item)
	if h.Validity != "" && h.Validity != policy.Effective {
		b.WriteString("（" + string(h.Validity) + "）")
	}
	if b.Len() == 0 && h.Question != "" {
		return "问答：" + h.Question
	}
	if b.Len() == 0 {
		return h.PassageID
	}
	return b.String()
}
