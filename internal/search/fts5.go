package search

import (
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // the FTS5 baseline's engine

	"jiceng/internal/text"
)

// FTS5 is the evaluation's baseline: SQLite FTS5 over the same passages
// and fields as the index, ranked by its bm25() with the same field
// weights. The text is the index's words (text.Words), joined by spaces
// and tokenized by FTS5's unicode61 tokenizer, and a question is the OR of
// its words without stop words: the same tokens as the index's words
// field, without synonyms, bigrams, validity or recency — so that the
// comparison measures those. (FTS5's trigram tokenizer was the other
// choice: it cannot match a two-character word such as 低保 at all, which
// is most of a Chinese question, so it would be the weaker baseline.)
type FTS5 struct {
	db *sql.DB
}

// NewFTS5 builds an in-memory FTS5 table of passages.
func NewFTS5(passages []Hit) (*FTS5, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, fmt.Errorf("fts5: %w", err)
	}
	db.SetMaxOpenConns(1) // one connection: the in-memory database is per connection
	f := &FTS5{db}
	if _, err := db.Exec(`CREATE VIRTUAL TABLE p USING fts5(doc_id UNINDEXED, article UNINDEXED, item UNINDEXED,
		title, headings, question, body, tokenize = 'unicode61')`); err != nil {
		db.Close()
		return nil, fmt.Errorf("fts5: %w", err)
	}
	tx, err := db.Begin()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("fts5: %w", err)
	}
	st, err := tx.Prepare(`INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		tx.Rollback()
		db.Close()
		return nil, fmt.Errorf("fts5: %w", err)
	}
	for _, h := range passages {
		if _, err := st.Exec(h.DocID, h.Article, h.Item, spaced(h.Title), spaced(strings.Join(h.Headings, " ")),
			spaced(h.Question), spaced(h.Text)); err != nil {
			tx.Rollback()
			db.Close()
			return nil, fmt.Errorf("fts5: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, fmt.Errorf("fts5: %w", err)
	}
	return f, nil
}

// Close closes the baseline's database.
func (f *FTS5) Close() error { return f.db.Close() }

// spaced is s's words joined by spaces.
func spaced(s string) string {
	words := text.Words(s)
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

// Search returns the best k passages for question.
func (f *FTS5) Search(question string, k int) ([]Ranked, error) {
	var terms []string
	seen := map[string]bool{}
	for _, w := range text.Words(question) {
		if !stopWords[w.Text] && !seen[w.Text] {
			seen[w.Text] = true
			terms = append(terms, `"`+strings.ReplaceAll(w.Text, `"`, `""`)+`"`)
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	// bm25() is lower for better matches; its weights are the columns'
	// in order, the unindexed ones included.
	rows, err := f.db.Query(fmt.Sprintf(`SELECT doc_id, article, item, -bm25(p, 0, 0, 0, %g, %g, %g, %g) AS s
		FROM p WHERE p MATCH ? ORDER BY s DESC LIMIT ?`,
		weightOf(fTitle), weightOf(fHeadings), weightOf(fQuestion), weightOf(fText)),
		strings.Join(terms, " OR "), k)
	if err != nil {
		return nil, fmt.Errorf("fts5: %w", err)
	}
	defer rows.Close()
	var out []Ranked
	for rows.Next() {
		var r Ranked
		if err := rows.Scan(&r.DocID, &r.Article, &r.Item, &r.Score); err != nil {
			return nil, fmt.Errorf("fts5: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Retriever returns the baseline as a Retriever.
func (f *FTS5) Retriever() Retriever { return f.Search }

func weightOf(field string) float64 {
	for _, fw := range defaultFields {
		if fw.field == field {
			return fw.weight
		}
	}
	return 1
}
