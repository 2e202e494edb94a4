package search

import (
	"context"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// CaseIndex is a search index of a street's past tickets (类似案例): their
// title and content, under the same analyzers as the policy passages, with
// their category and community, so that a new ticket finds the tickets
// about the same kind of problem and the replies that closed them. It
// holds no personal data beyond the texts' words and returns ticket IDs
// only: what a user is shown of a case is read and masked by the caller.
type CaseIndex struct {
	bi bleve.Index
}

// Case is a ticket as the case index keeps it.
type Case struct {
	ID                   string
	Text                 string // title and content
	Category1, Category2 string
	Community            string
}

// CaseHit is a past ticket found, with its score (BM25 of the words and
// bigrams, with the category's and community's boosts).
type CaseHit struct {
	ID    string
	Score float64
}

// Case index fields.
const (
	cText      = "text"
	cTextBi    = "text_bi"
	cCategory1 = "category1"
	cCategory2 = "category2"
	cCommunity = "community"
)

// Boosts of a case that shares the ticket's category or community: a
// similar text matters most; the same sub-category makes it more likely
// the same kind of problem, the same community the same handlers.
const (
	caseBigramWeight    = 0.3
	caseCategory2Boost  = 0.5
	caseCategory1Boost  = 0.2
	caseCommunityBoost  = 0.1
	maxCaseQueryRunes   = 1000
	maxCaseK            = 50
	caseIndexBatchLimit = 2000
)

func newCaseMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	if err := im.AddCustomTokenizer(synTokenizer, map[string]any{"type": wordsTokenizer, "synonyms": [][]string(DefaultSynonyms())}); err != nil {
		return nil, fmt.Errorf("search: case mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(wordsAnalyzer, map[string]any{"type": custom.Name, "tokenizer": synTokenizer}); err != nil {
		return nil, fmt.Errorf("search: case mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(bigramsAnalyzer, map[string]any{"type": custom.Name, "tokenizer": bigramsTokenizer}); err != nil {
		return nil, fmt.Errorf("search: case mapping: %w", err)
	}
	text := func(analyzer string) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer, fm.Store, fm.IncludeTermVectors, fm.IncludeInAll, fm.DocValues = analyzer, false, false, false, false
		return fm
	}
	kw := func() *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer, fm.Store, fm.IncludeTermVectors, fm.IncludeInAll, fm.DocValues = keyword.Name, false, false, false, false
		return fm
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(cText, text(wordsAnalyzer))
	dm.AddFieldMappingsAt(cTextBi, text(bigramsAnalyzer))
	for _, f := range []string{cCategory1, cCategory2, cCommunity} {
		dm.AddFieldMappingsAt(f, kw())
	}
	im.DefaultMapping = dm
	im.DefaultAnalyzer = wordsAnalyzer
	return im, nil
}

// OpenCasesMem returns a new, empty case index in memory.
func OpenCasesMem() (*CaseIndex, error) {
	m, err := newCaseMapping()
	if err != nil {
		return nil, err
	}
	bi, err := newMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("search: cases: %w", err)
	}
	return &CaseIndex{bi: bi}, nil
}

// Close closes the index.
func (ix *CaseIndex) Close() error { return ix.bi.Close() }

// Count returns the number of cases in the index.
func (ix *CaseIndex) Count() (uint64, error) { return ix.bi.DocCount() }

// Add indexes cases, each replacing the case of its ID, in batches.
func (ix *CaseIndex) Add(cases []Case) error {
	b := ix.bi.NewBatch()
	for i, c := range cases {
		doc := map[string]any{cText: c.Text, cTextBi: c.Text, cCategory1: c.Category1, cCategory2: c.Category2, cCommunity: c.Community}
		if err := b.Index(c.ID, doc); err != nil {
			return fmt.Errorf("search: case %s: %w", c.ID, err)
		}
		if b.Size() >= caseIndexBatchLimit || i == len(cases)-1 {
			if err := ix.bi.Batch(b); err != nil {
				return fmt.Errorf("search: cases: %w", err)
			}
			b.Reset()
		}
	}
	return nil
}

// Remove takes cases out of the index; an ID not there is no error.
func (ix *CaseIndex) Remove(ids ...string) error {
	b := ix.bi.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("search: cases: %w", err)
	}
	return nil
}

// Query terms of a case: at most caseQueryWords words and caseQueryBigrams
// bigrams of its text, the rarest in the index first, leaving out those in
// more than caseCommonShare of the cases (小区, 反映, 问题 in nearly every
// ticket), unless nothing else is left. A whole ticket has a hundred terms
// or more, and the common ones cost most (their postings are every case)
// and tell least.
const (
	caseQueryWords   = 16
	caseQueryBigrams = 24
	caseCommonShare  = 0.1
)

// queryTerms returns the term queries of text for Similar.
func (ix *CaseIndex) queryTerms(text string) ([]query.Query, error) {
	idx, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: similar cases: %w", err)
	}
	r, err := idx.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: similar cases: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: similar cases: %w", err)
	}
	type term struct {
		text string
		df   uint64
	}
	var out []query.Query
	m := ix.bi.Mapping()
	for _, f := range []struct {
		field, analyzer string
		max             int
		boost           float64
	}{{cText, wordsAnalyzer, caseQueryWords, 1}, {cTextBi, bigramsAnalyzer, caseQueryBigrams, caseBigramWeight}} {
		a := m.AnalyzerNamed(f.analyzer)
		if a == nil {
			return nil, fmt.Errorf("search: similar cases: no analyzer %s", f.analyzer)
		}
		seen := map[string]bool{}
		var terms []term
		for _, tok := range a.Analyze([]byte(text)) {
			t := string(tok.Term)
			if seen[t] {
				continue
			}
			seen[t] = true
			tfr, err := r.TermFieldReader(context.Background(), tok.Term, f.field, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("search: similar cases: %w", err)
			}
			df := tfr.Count()
			tfr.Close()
			if df > 0 {
				terms = append(terms, term{t, df})
			}
		}
		sort.SliceStable(terms, func(i, j int) bool { return terms[i].df < terms[j].df })
		keep := len(terms)
		for keep > 1 && float64(terms[keep-1].df) > caseCommonShare*float64(n) {
			keep--
		}
		for _, t := range terms[:min(keep, f.max)] {
			tq := bleve.NewTermQuery(t.text)
			tq.SetField(f.field)
			tq.SetBoost(f.boost)
			out = append(out, tq)
		}
	}
	return out, nil
}

// Similar returns the k cases most like c (its ID left out), best first.
// A text with nothing to search for finds nothing.
func (ix *CaseIndex) Similar(c Case, k int) ([]CaseHit, error) {
	k = min(max(k, 1), maxCaseK)
	rs := []rune(c.Text)
	text := string(rs[:min(len(rs), maxCaseQueryRunes)])
	terms, err := ix.queryTerms(text)
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return nil, nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(bleve.NewDisjunctionQuery(terms...))
	boost := func(field, value string, by float64) {
		if value == "" {
			return
		}
		tq := bleve.NewTermQuery(value)
		tq.SetField(field)
		tq.SetBoost(by)
		bq.AddShould(tq)
	}
	boost(cCategory2, c.Category2, caseCategory2Boost)
	boost(cCategory1, c.Category1, caseCategory1Boost)
	boost(cCommunity, c.Community, caseCommunityBoost)
	if c.ID != "" {
		not := bleve.NewDocIDQuery([]string{c.ID})
		bq.AddMustNot(not)
	}
	var q query.Query = bq
	res, err := ix.bi.Search(bleve.NewSearchRequestOptions(q, k, 0, false))
	if err != nil {
		return nil, fmt.Errorf("search: similar cases: %w", err)
	}
	out := make([]CaseHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, CaseHit{ID: h.ID, Score: h.Score})
	}
	return out, nil
}
