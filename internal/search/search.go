// Package search is the policy base's search index (政策知识库检索), built
// with bleve: the passages of policy documents (policy.Passage) indexed
// under a Chinese analyzer of the project's own — text folded (full width
// to half, traditional to simplified: text.Fold), cut into words
// (text.Words) with synonyms and abbreviations (低保 / 最低生活保障) as one
// term, and cut again into character bigrams — ranked by BM25 with the
// title, headings and a Q&A's question above the text, then down for a
// document no longer in force and for age. A search returns the passages
// with the document, article and a highlighted snippet; Answer makes a
// short extractive answer of them, or says there is none it is confident
// of.
//
// An Index is safe for concurrent use.
package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"jiceng/internal/core"
	"jiceng/internal/policy"
)

// Index is a search index of policy passages, on disk or in memory.
type Index struct {
	bi  bleve.Index
	now func() time.Time
	syn *synonymMatcher
	// fields are the searched fields and their weights.
	fields []fieldWeight
	// written is set when the index was changed since it was opened;
	// onDisk when it is a directory (an index in memory has no merger to
	// compact it).
	written, onDisk bool
}

// Options configure a new index.
type Options struct {
	// Synonyms are the index's synonym groups; nil means DefaultSynonyms.
	// They are kept in the index: an index opened again uses the groups
	// it was built with, whatever Options says, until it is built anew.
	Synonyms Synonyms
	// Now is the clock of recency; nil means time.Now.
	Now func() time.Time
}

// Open opens the index in dir, creating it (and dir) if there is none.
func Open(dir string, opt Options) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		bi, err := bleve.Open(dir)
		if err != nil {
			return nil, fmt.Errorf("search: open %s: %w", dir, err)
		}
		return newDiskIndex(bi, opt)
	}
	m, err := newMapping(opt.synonyms())
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	bi, err := bleve.New(dir, m)
	if err != nil {
		return nil, fmt.Errorf("search: create %s: %w", dir, err)
	}
	return newDiskIndex(bi, opt)
}

// newMemOnly returns a new bleve index in memory on scorch, the index type
// of the indexes on disk. (bleve.NewMemOnly uses the older upsidedown type
// on a tree of keys, which indexes 75 cases a second under load where
// scorch does thousands.)
func newMemOnly(m mapping.IndexMapping) (bleve.Index, error) {
	return bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
}

// OpenMem returns a new index in memory.
func OpenMem(opt Options) (*Index, error) {
	m, err := newMapping(opt.synonyms())
	if err != nil {
		return nil, err
	}
	bi, err := newMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return newIndex(bi, opt)
}

func (o Options) synonyms() Synonyms {
	if o.Synonyms == nil {
		return DefaultSynonyms()
	}
	return o.Synonyms
}

// newDiskIndex is newIndex for an index in a directory.
func newDiskIndex(bi bleve.Index, opt Options) (*Index, error) {
	ix, err := newIndex(bi, opt)
	if ix != nil {
		ix.onDisk = true
	}
	return ix, err
}

func newIndex(bi bleve.Index, opt Options) (*Index, error) {
	ix := &Index{bi: bi, now: opt.Now, fields: defaultFields}
	if ix.now == nil {
		ix.now = time.Now
	}
	// The synonyms the index was built with, for the snippets' marks.
	syn := opt.synonyms()
	if im, ok := bi.Mapping().(*mapping.IndexMappingImpl); ok {
		if cfg, ok := im.CustomAnalysis.Tokenizers[synTokenizer]; ok {
			if s, err := synonymsFromConfig(cfg["synonyms"]); err == nil {
				syn = s
			}
		}
	}
	ix.syn = newSynonymMatcher(syn)
	return ix, nil
}

// Close closes the index. An index changed since it was opened is first
// merged into one segment: until then the term statistics of the
// segments count replaced passages, so that the scores (and the answers
// under DefaultMinScore) would depend on how far the background merging
// had got when the index was closed.
func (ix *Index) Close() error {
	if ix.written && ix.onDisk {
		if err := ix.compact(); err != nil {
			ix.bi.Close()
			return err
		}
	}
	return ix.bi.Close()
}

// compact merges the segments of a scorch index into one.
func (ix *Index) compact() error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := sc.ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	return nil
}

// Count returns the number of passages in the index.
func (ix *Index) Count() (uint64, error) { return ix.bi.DocCount() }

// The fields of a passage in the index. The *Bi fields hold the same text
// as their namesakes, under the bigram analyzer (the title and headings
// have none: at their low weight, their words are enough).
const (
	fDocID      = "doc_id"
	fTitle      = "title"
	fHeadings   = "headings"
	fQuestion   = "question"
	fQuestionBi = "question_bi"
	fText       = "text"
	fTextBi     = "text_bi"
	fArticle    = "article"
	fItem       = "item"
	fIssuer     = "issuer"
	fIssuers    = "issuers" // each issuing body of a joint document, for the filter
	fNumber     = "number"
	fDate       = "date"
	fYear       = "year"
	fValidity   = "validity"
	fSuperseded = "superseded_by"
	fFormat     = "format"
	fSource     = "source"
	fTitleKW    = "title_kw"   // the title as one term, for supersession
	fSupersedes = "supersedes" // the titles and 文号 of the documents it replaces
)

// synTokenizer is the words tokenizer of an index, with its synonyms.
const synTokenizer = "words_syn"

// headingSep joins a passage's headings in the headings field.
const headingSep = " / "

// storedFields are the fields a hit is made of.
var storedFields = []string{fDocID, fTitle, fHeadings, fQuestion, fText, fArticle, fItem, fIssuer, fNumber, fDate, fValidity, fSuperseded, fFormat, fSupersedes, fSource}

type fieldWeight struct {
	field  string
	weight float64
}

// defaultFields are the searched fields and their boosts. A Q&A's
// question weighs as much as a text: few passages have one, so its words
// are rare in the question field and BM25 already gives them a high IDF
// there (at twice the text's weight, a sheet's question on another topic
// that shares one word with the question came first). The title and headings are shared by every passage of a document
// (or chapter), so they choose the document more than the passage: at a
// low weight they break ties, at a high one every article of a matching
// document outranks the right article of another. The bigram fields find
// what the words miss (a word cut otherwise in the question than in the
// text) at a lower weight. Tuned on the labelled questions (see the
// README): title and headings at 2 and 1.5 gave recall@1 0.34, at 0.2
// 0.49.
var defaultFields = []fieldWeight{
	{fTitle, 0.2}, {fHeadings, 0.2}, {fQuestion, 1.0}, {fText, 1.0},
	{fQuestionBi, 0.3}, {fTextBi, 0.3},
}

func newMapping(syn Synonyms) (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	if err := im.AddCustomTokenizer(synTokenizer, map[string]any{"type": wordsTokenizer, "synonyms": [][]string(syn)}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(wordsAnalyzer, map[string]any{"type": custom.Name, "tokenizer": synTokenizer}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(bigramsAnalyzer, map[string]any{"type": custom.Name, "tokenizer": bigramsTokenizer}); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	textField := func(analyzer string, store bool) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = store
		// No term vectors: a phrase is checked in the stored text
		// (phraseFilter), and the snippets are made from it.
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	keywordField := func(indexed bool) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Index = indexed
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fDocID, keywordField(true))
	for _, f := range []string{fTitle, fHeadings, fQuestion, fText} {
		dm.AddFieldMappingsAt(f, textField(wordsAnalyzer, true))
	}
	for _, f := range []string{fQuestionBi, fTextBi} {
		dm.AddFieldMappingsAt(f, textField(bigramsAnalyzer, false))
	}
	for _, f := range []string{fValidity, fFormat, fNumber} {
		dm.AddFieldMappingsAt(f, keywordField(true))
	}
	for _, f := range []string{fIssuers, fTitleKW} {
		fm := keywordField(true)
		fm.Store = false
		dm.AddFieldMappingsAt(f, fm)
	}
	dm.AddFieldMappingsAt(fSupersedes, keywordField(true))
	for _, f := range []string{fIssuer, fArticle, fItem, fDate, fSuperseded, fSource} {
		dm.AddFieldMappingsAt(f, keywordField(false))
	}
	year := bleve.NewNumericFieldMapping()
	year.Store, year.IncludeInAll, year.DocValues = false, false, false
	dm.AddFieldMappingsAt(fYear, year)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = wordsAnalyzer
	return im, nil
}

// batchSize is how many passages go to the index in one batch. Each
// batch waits for its segment to be on disk: fewer, larger batches index
// faster.
const batchSize = 4000

// Index adds docs to the index, each replacing the passages of a document
// of the same ID already there; a document listed twice is indexed as its
// last copy. Passages are written in batches: on an error, the batches
// before it are in the index.
func (ix *Index) Index(docs []policy.Document) error {
	last := map[string]int{}
	for i, d := range docs {
		if d.ID == "" {
			return core.Errorf(core.EINVALID, "政策文件缺少编号（第 %d 个）", i+1)
		}
		last[d.ID] = i
	}
	// A new index has no old passages to replace: the look-ups are skipped.
	n, err := ix.bi.DocCount()
	if err != nil {
		return fmt.Errorf("search: index: %w", err)
	}
	b := ix.bi.NewBatch()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		ix.written = true
		if err := ix.bi.Batch(b); err != nil {
			return fmt.Errorf("search: index: %w", err)
		}
		b.Reset()
		return nil
	}
	for i, d := range docs {
		if last[d.ID] != i {
			continue
		}
		if n > 0 {
			old, err := ix.passageIDs(d.ID)
			if err != nil {
				return err
			}
			for _, id := range old {
				b.Delete(id)
			}
		}
		for _, p := range d.Passages {
			if err := b.Index(p.ID, record(d, p)); err != nil {
				return fmt.Errorf("search: index %s: %w", p.ID, err)
			}
		}
		if b.Size() >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return ix.supersede(docs)
}

// Delete removes the document id's passages from the index. Deleting a
// document that is not there is not an error.
func (ix *Index) Delete(id string) error {
	old, err := ix.passageIDs(id)
	if err != nil {
		return err
	}
	b := ix.bi.NewBatch()
	for _, p := range old {
		b.Delete(p)
	}
	ix.written = true
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("search: delete %s: %w", id, err)
	}
	return nil
}

// passageIDs returns the IDs of the passages of document id in the index.
func (ix *Index) passageIDs(id string) ([]string, error) {
	tq := bleve.NewTermQuery(id)
	tq.SetField(fDocID)
	var ids []string
	for from := 0; ; {
		req := bleve.NewSearchRequestOptions(tq, 1000, from, false)
		req.Score = "none"
		res, err := ix.bi.Search(req)
		if err != nil {
			return nil, fmt.Errorf("search: passages of %s: %w", id, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		from += len(res.Hits)
		if len(res.Hits) == 0 || uint64(from) >= res.Total {
			return ids, nil
		}
	}
}

// record is the indexed form of passage p of document d.
func record(d policy.Document, p policy.Passage) map[string]any {
	headings := strings.Join(p.Headings, headingSep)
	r := map[string]any{
		fDocID:      d.ID,
		fTitle:      d.Title,
		fHeadings:   headings,
		fQuestion:   p.Question,
		fQuestionBi: p.Question,
		fText:       p.Text,
		fTextBi:     p.Text,
		fArticle:    p.Article,
		fItem:       p.Item,
		fIssuer:     d.Issuer,
		fIssuers:    issuerNames(d.Issuer),
		fNumber:     d.Number,
		fValidity:   string(validity(d)),
		fSuperseded: d.SupersededBy,
		fFormat:     d.Format,
		fTitleKW:    d.Title,
		fSource:     d.Source,
	}
	if len(d.Supersedes) > 0 {
		r[fSupersedes] = d.Supersedes
	}
	for k, v := range r {
		if v == "" {
			delete(r, k) // nothing to analyze or store
		}
	}
	if !d.Date.IsZero() {
		r[fDate] = d.Date.Format(time.DateOnly)
		r[fYear] = float64(d.Date.Year())
	}
	return r
}

// issuerNames splits the issuers of a joint document (海川区民政局　海川区财政局).
func issuerNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\u3000' || r == '、' || r == ',' || r == '，' || r == ';' || r == '；'
	})
}

func validity(d policy.Document) policy.Validity {
	if d.Validity == "" {
		return policy.Effective
	}
	return d.Validity
}

// Query is one search of the policy base.
type Query struct {
	// Text is the question, in plain Chinese; parts in quotes ("…", “…”,
	// 「…」) are phrases a passage must contain as written.
	Text string
	// K is the number of hits wanted: 5 when 0, at most 100.
	K int
	// Issuer, Year and Format, when set, keep only the passages of
	// documents of that issuing body (one of a joint document's, as
	// written), year of issue and format (txt, md, html, docx, pdf, qa).
	Issuer string
	Year   int
	Format string
	// ValidOnly keeps only documents in force; otherwise repealed,
	// superseded and expired ones are ranked down.
	ValidOnly bool
	// Analyzer, for evaluating the analyzers, searches only the fields of
	// one: AnalyzerWords or AnalyzerBigrams; "" searches both.
	Analyzer string
}

// Analyzers of Query.Analyzer.
const (
	AnalyzerWords   = "words"
	AnalyzerBigrams = "bigrams"
)

// Hit is one passage found.
type Hit struct {
	PassageID, DocID string
	Title            string
	Number           string // 文号
	Issuer           string
	Date             string // YYYY-MM-DD, "" when the document gives none
	Article, Item    string
	Headings         []string
	Question         string // a Q&A passage's question
	Text             string // the passage's whole text
	// Snippet is a part of the text (or of the question, when the text
	// does not match) around the matched terms, HTML-escaped, the terms in
	// <mark>…</mark>.
	Snippet string
	// Matched are the question's terms (its words without stop words, and
	// the terms of its synonym groups) that the passage, its title or its
	// headings contain.
	Matched      []string
	Validity     policy.Validity
	SupersededBy string
	Format       string
	// Source is where the document says it comes from (a 问/答 sheet's
	// 来源: the policy and article an answer rests on, or an address).
	Source string
	// Score is the passage's BM25 score (with the fields' boosts), times
	// the validity and recency factors.
	Score float64

	supersedes []string // the document's Supersedes
}

// Ranking down: a document no longer in force scores this much of what
// it would; every year of age takes recencyPerYear off (1/(1+r·age)), a
// document without a date counting as undatedAge years old.
const (
	invalidFactor  = 0.5
	recencyPerYear = 0.02
	undatedAge     = 2.0
	maxK           = 100
	// maxQueryRunes is as much of a question as is searched: a pasted
	// document is not a question, and its thousands of terms would make
	// one search take seconds.
	maxQueryRunes = 500
)

// Search returns the best passages for q, best first. An empty question
// (or one of stop words only) finds nothing; only the first 500
// characters of a longer one are searched.
func (ix *Index) Search(q Query) ([]Hit, error) {
	if utf8.RuneCountInString(q.Text) > maxQueryRunes {
		q.Text = string([]rune(q.Text)[:maxQueryRunes])
	}
	k := q.K
	if k <= 0 {
		k = 5
	}
	k = min(k, maxK)
	bq, terms, ok := ix.query(q)
	if !ok {
		return nil, nil
	}
	phrases, _ := splitPhrases(q.Text)
	// Fetch more than k, so that ranking down by validity and age can
	// bring up a passage from below the first k.
	req := bleve.NewSearchRequestOptions(bq, max(2*k, 20), 0, false)
	req.Fields = storedFields
	res, err := ix.bi.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	now := ix.now()
	hits := make([]Hit, 0, len(res.Hits))
	for _, dm := range res.Hits {
		h := hitOf(dm.ID, dm.Fields)
		if !hasPhrases(h, phrases) {
			continue
		}
		h.Score = dm.Score * ix.factor(h, now)
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > k {
		hits = hits[:k]
	}
	for i := range hits {
		hits[i].Snippet = ix.snippet(hits[i], terms)
		hits[i].Matched = matched(hits[i], terms)
	}
	return hits, nil
}

func (ix *Index) factor(h Hit, now time.Time) float64 {
	f := 1.0
	if h.Validity != policy.Effective {
		f *= invalidFactor
	}
	age := undatedAge
	if d, err := time.Parse(time.DateOnly, h.Date); err == nil {
		age = math.Max(0, now.Sub(d).Hours()/24/365.25)
	}
	return f / (1 + recencyPerYear*age)
}

func hitOf(id string, fields map[string]any) Hit {
	str := func(f string) string {
		s, _ := fields[f].(string)
		return s
	}
	h := Hit{
		PassageID: id, DocID: str(fDocID), Title: str(fTitle), Number: str(fNumber), Issuer: str(fIssuer),
		Date: str(fDate), Article: str(fArticle), Item: str(fItem), Question: str(fQuestion), Text: str(fText),
		Validity: policy.Validity(str(fValidity)), SupersededBy: str(fSuperseded), Format: str(fFormat),
		Source: str(fSource),
	}
	if hs := str(fHeadings); hs != "" {
		h.Headings = strings.Split(hs, headingSep)
	}
	h.supersedes = strs(fields[fSupersedes])
	return h
}

// strs is a stored field of one value or several.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// query builds the bleve query of q: the question's words and bigrams in
// every field, its phrases required (as bigram phrases: the same
// characters in a row), the filters as filters (they do not score). It
// also returns the question's terms, for the snippets, and false when the
// question has nothing to search for.
func (ix *Index) query(q Query) (query.Query, []string, bool) {
	phrases, rest := splitPhrases(q.Text)
	all := strings.TrimSpace(rest + " " + strings.Join(phrases, " "))
	terms := ix.queryTerms(all)
	if len(terms) == 0 && len(phrases) == 0 {
		return nil, nil, false
	}
	var should []query.Query
	for _, fw := range ix.fields {
		bi := strings.HasSuffix(fw.field, "_bi")
		if q.Analyzer == AnalyzerWords && bi || q.Analyzer == AnalyzerBigrams && !bi {
			continue
		}
		mq := bleve.NewMatchQuery(all)
		mq.SetField(fw.field)
		mq.SetBoost(fw.weight)
		should = append(should, mq)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddShould(bleve.NewDisjunctionQuery(should...))
	for _, p := range phrases {
		// Every bigram of the phrase in the text or the question; that
		// they are in a row is checked on the hits (phraseFilter).
		var in []query.Query
		for _, f := range []string{fQuestionBi, fTextBi} {
			mq := bleve.NewMatchQuery(p)
			mq.SetField(f)
			mq.SetOperator(query.MatchQueryOperatorAnd)
			mq.SetBoost(0.1)
			in = append(in, mq)
		}
		bq.AddMust(bleve.NewDisjunctionQuery(in...))
	}
	var filters []query.Query
	term := func(field, value string) {
		tq := bleve.NewTermQuery(value)
		tq.SetField(field)
		filters = append(filters, tq)
	}
	if q.Issuer != "" {
		term(fIssuers, strings.TrimSpace(q.Issuer))
	}
	if q.Format != "" {
		term(fFormat, q.Format)
	}
	if q.ValidOnly {
		term(fValidity, string(policy.Effective))
	}
	if q.Year != 0 {
		lo, hi := float64(q.Year), float64(q.Year+1)
		yes, no := true, false
		rq := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &yes, &no)
		rq.SetField(fYear)
		filters = append(filters, rq)
	}
	if len(filters) > 0 {
		bq.AddFilter(bleve.NewConjunctionQuery(filters...))
	}
	return bq, terms, true
}

// queryTerms returns the question's words worth marking in a snippet: its
// words without stop words and, for a synonym group's term in it, every
// term of the group.
func (ix *Index) queryTerms(s string) []string {
	var terms []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	toks := (&wordsTokenizerImpl{syn: ix.syn}).Tokenize([]byte(s))
	for _, t := range toks {
		w := string(t.Term)
		if strings.HasPrefix(w, synonymMark) {
			for _, g := range ix.syn.terms {
				if g.group == w {
					add(g.term)
				}
			}
			continue
		}
		add(w)
	}
	return terms
}

// hasPhrases reports whether the hit's text or question holds every
// phrase as written (folded alike, spaces aside).
func hasPhrases(h Hit, phrases []string) bool {
	if len(phrases) == 0 {
		return true
	}
	squeeze := func(s string) string { return strings.Join(strings.Fields(foldString(s)), "") }
	t, q := squeeze(h.Text), squeeze(h.Question)
	for _, p := range phrases {
		p = squeeze(p)
		if !strings.Contains(t, p) && !strings.Contains(q, p) {
			return false
		}
	}
	return true
}

// splitPhrases takes the quoted phrases out of s.
func splitPhrases(s string) (phrases []string, rest string) {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexAny(s, "\"“「『")
		if i < 0 {
			break
		}
		open, n := utf8.DecodeRuneInString(s[i:])
		closer := map[rune]string{'"': "\"", '“': "”", '「': "」", '『': "』"}[open]
		j := strings.Index(s[i+n:], closer)
		if j < 0 {
			break // an unclosed quote is text
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		if p := strings.TrimSpace(s[i+n : i+n+j]); p != "" {
			phrases = append(phrases, p)
		}
		s = s[i+n+j+len(closer):]
	}
	b.WriteString(s)
	return phrases, strings.TrimSpace(b.String())
}

// ErrNoIndex is returned by OpenExisting for a directory without an index.
var ErrNoIndex = errors.New("search: no index")

// OpenExisting opens the index in dir, ErrNoIndex if there is none.
func OpenExisting(dir string, opt Options) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, ErrNoIndex
	}
	return Open(dir, opt)
}
