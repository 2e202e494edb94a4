package policy

import (
	"strings"
	"time"

	"jiceng/internal/core"
)

// build makes the document of a draft: its metadata, then the passages of
// the blocks the metadata did not use up.
func (d *draft) build(id, format string, opt Options) (Document, error) {
	m := scanMeta(d)
	body := make([]block, 0, len(d.blocks))
	for i, b := range d.blocks {
		if !m.drop[i] {
			body = append(body, b)
		}
	}
	ps, err := passages(id, structure(body))
	if err != nil {
		return Document{}, err
	}
	if len(ps) == 0 {
		if m.title == "" {
			return Document{}, core.Errorf(core.EINVALID, "文档中没有可读的文字")
		}
		// A document that is only a title (a notice whose body is an
		// attachment) is its title.
		ps = []Passage{{ID: id + "#1", Text: m.title}}
	}
	doc := Document{
		ID:           id,
		Title:        m.title,
		Issuer:       first(m.issuerLabel, m.issuerHead, m.issuerSign, m.issuerTitle),
		Number:       m.number,
		Source:       m.source,
		Format:       format,
		Passages:     ps,
		SupersededBy: m.supersededBy,
		Supersedes:   m.supersedes,
	}
	doc.Date = first2(m.dateLabel, first2(m.dateSign, m.datePub))
	doc.EffectiveFrom = m.effective
	if doc.EffectiveFrom.IsZero() && m.effectOnIssue {
		doc.EffectiveFrom = doc.Date
	}
	doc.ValidUntil = m.until
	if doc.ValidUntil.IsZero() && m.untilYears > 0 {
		if start := first2(doc.EffectiveFrom, doc.Date); !start.IsZero() {
			doc.ValidUntil = start.AddDate(m.untilYears, 0, -1)
		}
	}
	doc.Validity = validity(m.status, doc.SupersededBy, doc.ValidUntil, opt.Now)
	return doc, nil
}

// validity decides a document's validity: replaced, repealed or expired
// as its text states, expired when its period of validity ended before
// now's day, else effective.
func validity(status Validity, supersededBy string, until, now time.Time) Validity {
	switch {
	case supersededBy != "" || status == Superseded:
		return Superseded
	case status == Repealed || status == Expired:
		return status
	case !until.IsZero() && !now.IsZero() && !now.Before(until.AddDate(0, 0, 1)):
		return Expired
	}
	return Effective
}

func first(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func first2(a, b time.Time) time.Time {
	if !a.IsZero() {
		return a
	}
	return b
}
