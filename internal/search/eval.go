package search

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"jiceng/internal/core"
)

// LabelledQuestion is one question of an evaluation set: the passage that
// answers it, or none (Kind "none") when the base cannot answer it.
type LabelledQuestion struct {
	ID, Question string
	// Docs and Articles are the answering passages: Docs[i] and
	// Articles[i] together ("dibao_2024|dibao_2024" and "第四条|第五条"
	// in the file), any of them right. An empty article means any passage
	// of the document.
	Docs, Articles []string
	// Item is the numbered item, when the label is that precise; a
	// passage that holds a whole article holds its items.
	Item       string
	Kind, Note string
}

// NoAnswer is the kind of a question the base has no answer to.
const NoAnswer = "none"

// ReadQuestions reads a labelled question set: CSV with the header
// id,question,doc,article,item,kind,note (note may be missing).
func ReadQuestions(r io.Reader) ([]LabelledQuestion, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "问题集为空或不是 CSV")
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"id", "question", "doc", "article", "kind"} {
		if _, ok := col[c]; !ok {
			return nil, core.Errorf(core.EINVALID, "问题集的表头缺少 %s 列（应为 id,question,doc,article,item,kind,note）", c)
		}
	}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var qs []LabelledQuestion
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return qs, nil
		}
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "问题集第 %d 行不是有效的 CSV", line)
		}
		q := LabelledQuestion{
			ID: get(rec, "id"), Question: get(rec, "question"), Item: get(rec, "item"),
			Kind: get(rec, "kind"), Note: get(rec, "note"),
		}
		if q.Question == "" {
			continue
		}
		if doc := get(rec, "doc"); doc != "" {
			q.Docs = strings.Split(doc, "|")
			q.Articles = strings.Split(get(rec, "article"), "|")
			for len(q.Articles) < len(q.Docs) {
				q.Articles = append(q.Articles, "")
			}
		}
		if q.Kind != NoAnswer && len(q.Docs) == 0 {
			return nil, core.Errorf(core.EINVALID, "问题集第 %d 行（%s）没有答案所在的文件，也没有标为 none", line, q.ID)
		}
		qs = append(qs, q)
	}
}

// Ranked is one passage a retriever returns in an evaluation.
type Ranked struct {
	DocID, Article, Item string
	Score                float64
}

// Relevant reports whether r answers q. A label's article is the
// passage's article, or its item in a document without articles (一、 of a
// notice).
func (q LabelledQuestion) Relevant(r Ranked) bool {
	for i, d := range q.Docs {
		a := q.Articles[i]
		if d != r.DocID {
			continue
		}
		if a == "" || a == r.Article && (q.Item == "" || r.Item == "" || r.Item == q.Item) || r.Article == "" && a == r.Item {
			return true
		}
	}
	return false
}

// Retriever returns the best k passages for a question, best first.
type Retriever func(question string, k int) ([]Ranked, error)

// Metrics are retrieval figures over answerable questions.
type Metrics struct {
	N                     int
	Recall1, Recall5, MRR float64 // MRR over the first mrrDepth ranks
}

const mrrDepth = 10

// Evaluation is one retriever's figures on a question set.
type Evaluation struct {
	Name   string
	All    Metrics
	ByKind map[string]Metrics
	// Tops are every question's best score, whether it was answerable
	// and whether the best passage answers it: the material of the
	// no-answer trade-off.
	Tops []Top
}

// Top is the best result of one question.
type Top struct {
	Score                float64
	Answerable, Correct1 bool
}

// Evaluate runs retriever r on the questions.
func Evaluate(name string, qs []LabelledQuestion, r Retriever) (Evaluation, error) {
	ev := Evaluation{Name: name, ByKind: map[string]Metrics{}}
	add := func(m *Metrics, rank int) {
		m.N++
		if rank == 1 {
			m.Recall1++
		}
		if rank >= 1 && rank <= 5 {
			m.Recall5++
		}
		if rank >= 1 {
			m.MRR += 1 / float64(rank)
		}
	}
	for _, q := range qs {
		res, err := r(q.Question, mrrDepth)
		if err != nil {
			return ev, fmt.Errorf("question %s: %w", q.ID, err)
		}
		rank := 0
		for i, x := range res {
			if q.Relevant(x) {
				rank = i + 1
				break
			}
		}
		top := Top{Answerable: q.Kind != NoAnswer, Correct1: rank == 1}
		if len(res) > 0 {
			top.Score = res[0].Score
		}
		ev.Tops = append(ev.Tops, top)
		if q.Kind == NoAnswer {
			continue
		}
		add(&ev.All, rank)
		m := ev.ByKind[q.Kind]
		add(&m, rank)
		ev.ByKind[q.Kind] = m
	}
	norm := func(m *Metrics) {
		if m.N > 0 {
			n := float64(m.N)
			m.Recall1, m.Recall5, m.MRR = m.Recall1/n, m.Recall5/n, m.MRR/n
		}
	}
	norm(&ev.All)
	for k, m := range ev.ByKind {
		norm(&m)
		ev.ByKind[k] = m
	}
	return ev, nil
}

// Tradeoff is what one threshold on the best score does: the share of
// unanswerable questions refused, of answerable ones answered, and of
// answerable ones answered with the right passage first.
type Tradeoff struct {
	Threshold                                float64
	NoneRefused, Answered, AnsweredCorrectly float64
}

// Tradeoffs returns the trade-off at each distinct best score of the
// evaluation (the thresholds that change something), lowest first.
func (ev Evaluation) Tradeoffs() []Tradeoff {
	var ths []float64
	seen := map[float64]bool{0: true}
	ths = append(ths, 0)
	for _, t := range ev.Tops {
		if !seen[t.Score] {
			seen[t.Score] = true
			ths = append(ths, t.Score)
		}
	}
	sort.Float64s(ths)
	var out []Tradeoff
	for _, th := range ths {
		out = append(out, ev.TradeoffAt(th))
	}
	return out
}

// TradeoffAt is the trade-off of threshold th: a question is answered when
// its best score is at least th (and above 0).
func (ev Evaluation) TradeoffAt(th float64) Tradeoff {
	var none, refused, ans, answered, correct float64
	for _, t := range ev.Tops {
		ok := t.Score >= th && t.Score > 0
		if !t.Answerable {
			none++
			if !ok {
				refused++
			}
			continue
		}
		ans++
		if ok {
			answered++
			if t.Correct1 {
				correct++
			}
		}
	}
	return Tradeoff{th, ratio(refused, none), ratio(answered, ans), ratio(correct, ans)}
}

// BestThreshold is the trade-off that maximises the share of unanswerable
// questions refused plus the share of answerable ones answered correctly
// (Youden's J with "answered with the right passage" as the positive).
func (ev Evaluation) BestThreshold() Tradeoff {
	var best Tradeoff
	bestJ := -1.0
	for _, t := range ev.Tradeoffs() {
		if j := t.NoneRefused + t.AnsweredCorrectly; j > bestJ {
			best, bestJ = t, j
		}
	}
	return best
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Retriever returns the index's search as a Retriever, with the query's
// filters of base (its Text and K are the question's).
func (ix *Index) Retriever(base Query) Retriever {
	return func(question string, k int) ([]Ranked, error) {
		q := base
		q.Text, q.K = question, k
		hits, err := ix.Search(q)
		if err != nil {
			return nil, err
		}
		out := make([]Ranked, len(hits))
		for i, h := range hits {
			out[i] = Ranked{h.DocID, h.Article, h.Item, h.Score}
		}
		return out, nil
	}
}

// Passages returns every passage in the index, as hits without score or
// snippet, in passage ID order.
func (ix *Index) Passages() ([]Hit, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var out []Hit
	const page = 1000
	for from := 0; uint64(from) < n; from += page {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, from, false)
		req.Fields = storedFields
		req.SortBy([]string{"_id"})
		res, err := ix.bi.Search(req)
		if err != nil {
			return nil, fmt.Errorf("search: passages: %w", err)
		}
		if len(res.Hits) == 0 {
			break
		}
		for _, dm := range res.Hits {
			out = append(out, hitOf(dm.ID, dm.Fields))
		}
	}
	return out, nil
}
