package search

import (
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"jiceng/internal/policy"
)

// supersede marks Superseded, after docs were indexed, the documents of
// the index that a document replaces (policy.Document.Supersedes, "《…》
// 同时废止"): docs that an indexed document names, and indexed documents
// that docs name. A document is named by its 文号, or by its title when it
// is older than the one naming it (a new version of a document often
// keeps the old one's title).
func (ix *Index) supersede(docs []policy.Document) error {
	marks := map[string]string{} // superseded document ID → superseding title or 文号
	for _, s := range docs {
		for _, name := range s.Supersedes {
			targets, err := ix.docsNamed(name)
			if err != nil {
				return err
			}
			for _, t := range targets {
				if t.id != s.ID && (t.number == name || older(t.date, s.Date)) {
					marks[t.id] = by(s)
				}
			}
		}
	}
	// Documents of docs named by an indexed document, looked up by their
	// 文号 and titles in chunks.
	byName := map[string][]int{}
	var names []string
	for i, d := range docs {
		for _, n := range []string{d.Number, d.Title} {
			if n == "" {
				continue
			}
			if _, ok := byName[n]; !ok {
				names = append(names, n)
			}
			byName[n] = append(byName[n], i)
		}
	}
	const chunk = 500
	for lo := 0; lo < len(names); lo += chunk {
		var qs []query.Query
		for _, n := range names[lo:min(lo+chunk, len(names))] {
			tq := bleve.NewTermQuery(n)
			tq.SetField(fSupersedes)
			qs = append(qs, tq)
		}
		for from := 0; ; {
			req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 1000, from, false)
			req.Fields = []string{fDocID, fTitle, fNumber, fDate, fSupersedes}
			req.Score = "none"
			res, err := ix.bi.Search(req)
			if err != nil {
				return fmt.Errorf("search: supersession: %w", err)
			}
			for _, h := range res.Hits {
				s := hitOf(h.ID, h.Fields)
				sd, _ := time.Parse(time.DateOnly, s.Date)
				for _, n := range s.supersedes {
					for _, i := range byName[n] {
						d := docs[i]
						if d.ID != s.DocID && (n == d.Number || n == d.Title && older(d.Date, sd)) {
							marks[d.ID] = by(policy.Document{Title: s.Title, Number: s.Number})
						}
					}
				}
			}
			from += len(res.Hits)
			if len(res.Hits) == 0 || uint64(from) >= res.Total {
				break
			}
		}
	}
	b := ix.bi.NewBatch()
	for id, name := range marks {
		ps, err := ix.storedPassages(id)
		if err != nil {
			return err
		}
		for _, h := range ps {
			if h.Validity == policy.Superseded && h.SupersededBy == name {
				continue
			}
			d, p := docOf(h)
			d.Validity, d.SupersededBy = policy.Superseded, name
			if err := b.Index(h.PassageID, record(d, p)); err != nil {
				return fmt.Errorf("search: index %s: %w", h.PassageID, err)
			}
		}
	}
	if b.Size() == 0 {
		return nil
	}
	ix.written = true
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("search: supersession: %w", err)
	}
	return nil
}

// by names a superseding document: its 文号, or its title.
func by(d policy.Document) string {
	if d.Number != "" {
		return d.Number
	}
	return d.Title
}

// older reports whether date a is known and before b.
func older(a, b time.Time) bool { return !a.IsZero() && !b.IsZero() && a.Before(b) }

type docRef struct {
	id, number string
	date       time.Time
}

// docsNamed returns the indexed documents whose 文号 or title is name.
func (ix *Index) docsNamed(name string) ([]docRef, error) {
	var qs []query.Query
	for _, f := range []string{fNumber, fTitleKW} {
		tq := bleve.NewTermQuery(name)
		tq.SetField(f)
		qs = append(qs, tq)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 1000, 0, false)
	req.Fields = []string{fDocID, fNumber, fDate}
	res, err := ix.bi.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: documents named %s: %w", name, err)
	}
	seen := map[string]bool{}
	var out []docRef
	for _, h := range res.Hits {
		x := hitOf(h.ID, h.Fields)
		if seen[x.DocID] {
			continue
		}
		seen[x.DocID] = true
		d, _ := time.Parse(time.DateOnly, x.Date)
		out = append(out, docRef{x.DocID, x.Number, d})
	}
	return out, nil
}

// storedPassages returns the passages of document id as stored.
func (ix *Index) storedPassages(id string) ([]Hit, error) {
	tq := bleve.NewTermQuery(id)
	tq.SetField(fDocID)
	req := bleve.NewSearchRequestOptions(tq, policy.MaxPassages, 0, false)
	req.Fields = storedFields
	res, err := ix.bi.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: passages of %s: %w", id, err)
	}
	out := make([]Hit, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = hitOf(h.ID, h.Fields)
	}
	return out, nil
}

// docOf is the document and passage a stored passage was indexed from.
func docOf(h Hit) (policy.Document, policy.Passage) {
	d := policy.Document{
		ID: h.DocID, Title: h.Title, Issuer: h.Issuer, Number: h.Number, Validity: h.Validity,
		SupersededBy: h.SupersededBy, Supersedes: h.supersedes, Format: h.Format, Source: h.Source,
	}
	d.Date, _ = time.Parse(time.DateOnly, h.Date)
	p := policy.Passage{ID: h.PassageID, Headings: h.Headings, Article: h.Article, Item: h.Item, Question: h.Question, Text: h.Text}
	return d, p
}
