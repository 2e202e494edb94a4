// Package dbutil holds what the sqlite and postgres stores share and that is
// independent of SQL dialects: normalising tickets before they are stored,
// detecting which fields of a ticket changed (for its history), the display
// text of field values, the JSON encoding of list and map fields and the
// search tokens of the keyword index.
//
// It imports only core; both storage packages import it, so the two
// backends agree on what "changed" and "matches a keyword" mean.
package dbutil

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// Normalize brings t into the form it has after a round trip through a
// store, so that comparing an input ticket with a stored one reports only
// real changes: times are cut to microseconds (PostgreSQL's precision, used
// by both stores), empty lists and maps become nil.
func Normalize(t *core.Ticket) {
	t.ReceivedAt = Micro(t.ReceivedAt)
	t.Deadline = Micro(t.Deadline)
	t.ContactedAt = Micro(t.ContactedAt)
	t.ResolvedAt = Micro(t.ResolvedAt)
	t.CallbackAt = Micro(t.CallbackAt)
	if len(t.Tags) == 0 {
		t.Tags = nil
	}
	if len(t.Flags) == 0 {
		t.Flags = nil
	}
	if len(t.Extra) == 0 {
		t.Extra = nil
	}
}

// Micro truncates t to whole microseconds; the zero time stays zero.
func Micro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Microsecond)
}

// Diff returns the changes from old to new, one per field whose value
// differs, named as in the standard field set (internal/fieldset/tickets.csv);
// values of Extra are named by their own keys. Number is the key and is not
// compared. SourceFile and SourceRow are provenance, not content: they are
// stored with a real change but do not make one on their own, so that
// re-importing the same data from a renamed file changes nothing.
// Both tickets must be normalised (see Normalize).
//
// Before and After hold personal data verbatim: the history is the audit
// trail in the database. Callers must never log them.
func Diff(old, new *core.Ticket) []core.Change {
	var cs []core.Change
	add := func(field, a, b string) {
		if a != b {
			cs = append(cs, core.Change{Field: field, Before: a, After: b})
		}
	}
	for _, c := range fieldset.Columns {
		switch c.Name {
		case "number", "source_file", "source_row":
			continue
		case "flags":
			// A street's own fields come before the import's flags.
			diffExtra(old.Extra, new.Extra, add)
			if a, b := old.Flags, new.Flags; !slices.Equal(a, b) {
				cs = append(cs, core.Change{Field: c.Name, Before: strings.Join(a, "; "), After: strings.Join(b, "; ")})
			}
			continue
		}
		switch a := c.Ptr(old).(type) {
		case *string:
			add(c.Name, *a, *c.Ptr(new).(*string))
		case *core.Channel, *core.Intent, *core.Urgency, *core.Satisfaction:
			add(c.Name, fieldset.Text(old, c.Name), fieldset.Text(new, c.Name))
		case *time.Time:
			if b := *c.Ptr(new).(*time.Time); !a.Equal(b) {
				cs = append(cs, core.Change{Field: c.Name, Before: TimeText(*a), After: TimeText(b)})
			}
		case **float64:
			if b := *c.Ptr(new).(**float64); !floatEqual(*a, b) {
				cs = append(cs, core.Change{Field: c.Name, Before: FloatText(*a), After: FloatText(b)})
			}
		case **bool:
			if b := *c.Ptr(new).(**bool); !boolEqual(*a, b) {
				cs = append(cs, core.Change{Field: c.Name, Before: BoolText(*a), After: BoolText(b)})
			}
		case *[]string:
			if b := *c.Ptr(new).(*[]string); !slices.Equal(*a, b) {
				cs = append(cs, core.Change{Field: c.Name, Before: strings.Join(*a, ","), After: strings.Join(b, ",")})
			}
		}
	}
	return cs
}

// diffExtra adds the changes of a street's own fields, by key.
func diffExtra(old, new map[string]string, add func(field, a, b string)) {
	if maps.Equal(old, new) {
		return
	}
	keys := slices.Sorted(maps.Keys(old))
	for k := range new {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(k, old[k], new[k])
	}
}

func floatEqual(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func boolEqual(a, b *bool) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// TimeText is the display text of a time in a change: RFC 3339 in the local
// time zone, "" for the zero time.
func TimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(time.Local).Format(time.RFC3339)
}

// FloatText is the display text of an optional number.
func FloatText(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// BoolText is the display text of an optional yes/no value: 是, 否 or "".
func BoolText(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "是"
	default:
		return "否"
	}
}

// JSONList encodes a list for a JSON text column; nil for an empty list,
// which the stores keep as NULL.
func JSONList(l []string) any {
	if len(l) == 0 {
		return nil
	}
	b, _ := json.Marshal(l) // a []string always encodes
	return string(b)
}

// JSONMap encodes a map for a JSON text column; nil for an empty map.
func JSONMap(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// JSONChanges encodes the changes of an event; nil for none, so that the
// many create events cost no JSON at all.
func JSONChanges(cs []core.Change) any {
	if len(cs) == 0 {
		return nil
	}
	b, _ := json.Marshal(cs)
	return string(b)
}

// ParseList decodes a JSON list column; "" is nil.
func ParseList(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var l []string
	err := json.Unmarshal([]byte(s), &l)
	if len(l) == 0 {
		l = nil
	}
	return l, err
}

// ParseMap decodes a JSON map column; "" is nil.
func ParseMap(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]string
	err := json.Unmarshal([]byte(s), &m)
	if len(m) == 0 {
		m = nil
	}
	return m, err
}

// ParseChanges decodes the changes of an event; "" is nil.
func ParseChanges(s string) ([]core.Change, error) {
	if s == "" {
		return nil, nil
	}
	var cs []core.Change
	err := json.Unmarshal([]byte(s), &cs)
	return cs, err
}

// The keyword index.
//
// Chinese text has no spaces between words and most words people search for
// are two characters long (噪音, 停车, 漏水), which a trigram index cannot
// find. So both stores index the overlapping character bigrams of title and
// content: "小区噪音" gives 小区 区噪 噪音 at consecutive positions. Only
// letters and digits make bigrams; any other character (space, punctuation)
// ends a run and leaves a gap of one position, so that a phrase never matches
// across it. A keyword of two or more letters and digits is then the phrase
// of its bigrams, which matches exactly the texts that contain it (Latin
// letters compare case-insensitively). Shorter keywords and keywords with
// other characters fall back to, or are checked by, a substring scan.

// Bigram is two characters of the keyword index, lower-cased, packed into a
// number: cheap to compare, sort and hash while indexing.
type Bigram uint64

func makeBigram(a, b rune) Bigram { return Bigram(uint64(a)<<21 | uint64(b)) }

// String returns the two characters.
func (b Bigram) String() string {
	var buf [8]byte
	return string(b.Append(buf[:0]))
}

// Append appends the two characters to dst in UTF-8.
func (b Bigram) Append(dst []byte) []byte {
	dst = utf8.AppendRune(dst, rune(b>>21))
	return utf8.AppendRune(dst, rune(b&(1<<21-1)))
}

// isWord reports whether r makes bigrams: a letter or a digit. The common
// cases are decided without Unicode tables.
func isWord(r rune) bool {
	switch {
	case r < 0x80:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case 0x4E00 <= r && r <= 0x9FFF: // CJK Unified Ideographs
		return true
	case 0x3000 <= r && r <= 0x303F, 0xFF00 <= r && r <= 0xFF0F: // CJK and full-width punctuation
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// lower folds the case of r.
func lower(r rune) rune {
	switch {
	case 'A' <= r && r <= 'Z':
		return r + 'a' - 'A'
	case r < 0x80 || 0x4E00 <= r && r <= 0x9FFF:
		return r
	}
	return unicode.ToLower(r)
}

// SearchBigrams calls fn with the bigrams of title and content, in order,
// and their positions, from 1, leaving a gap of one position after each run
// of letters and digits and between the two texts.
func SearchBigrams(title, content string, fn func(b Bigram, pos int)) {
	pos := 1
	add := func(s string) {
		var prev rune = -1
		for _, r := range s {
			if !isWord(r) {
				if prev >= 0 {
					pos++ // the gap
				}
				prev = -1
				continue
			}
			r = lower(r)
			if prev >= 0 {
				fn(makeBigram(prev, r), pos)
				pos++
			}
			prev = r
		}
		pos += 2
	}
	add(title)
	add(content)
}

// KeywordPhrases splits a keyword into runs of letters and digits and returns
// the bigrams of each run of two or more; exact reports whether matching
// all phrases (each bigram of a phrase at consecutive positions) is the same
// as containing the keyword: the keyword is one run. No phrases means the
// index cannot help.
func KeywordPhrases(keyword string) (phrases [][]Bigram, exact bool) {
	runs := 0
	var cur []Bigram
	var prev rune = -1
	end := func() {
		if len(cur) > 0 {
			phrases = append(phrases, cur)
		}
		cur = nil
	}
	other := false
	for _, r := range keyword {
		if !isWord(r) {
			other = true
			if prev >= 0 {
				end()
			}
			prev = -1
			continue
		}
		r = lower(r)
		if prev < 0 {
			runs++
		} else {
			cur = append(cur, makeBigram(prev, r))
		}
		prev = r
	}
	end()
	return phrases, runs == 1 && !other && len(phrases) == 1
}

// ApplyTransition is the part of a store's Transition that does not depend
// on the database: it runs fn on a copy of old and on w, restores what a
// transition may not change (ID, number, creation time, title and content:
// the keyword index is not touched), normalises the result and returns it
// with the event's time (tr.At, or now) and the changed fields.
func ApplyTransition(old core.Ticket, w *core.Workflow, tr core.Transition, now time.Time,
	fn func(t *core.Ticket, w *core.Workflow) error) (core.Ticket, time.Time, []core.Change, error) {
	t := old
	t.Tags, t.Flags = append([]string(nil), old.Tags...), append([]string(nil), old.Flags...)
	id := w.TicketID
	if err := fn(&t, w); err != nil {
		return core.Ticket{}, time.Time{}, nil, err
	}
	t.ID, t.Number, t.CreatedAt, w.TicketID = old.ID, old.Number, old.CreatedAt, id
	t.Title, t.Content = old.Title, old.Content
	Normalize(&t)
	at := tr.At
	if at.IsZero() {
		at = now
	}
	at = Micro(at)
	changes := Diff(&old, &t)
	if len(changes) > 0 {
		t.UpdatedAt = at
	}
	return t, at, changes, nil
}

// OpenStatusesSQL is core.OpenStatuses as an SQL list, ('受理', …): the
// condition of the stores' deadline list, which matches their partial
// index tickets_open_deadline.
var OpenStatusesSQL = func() string {
	q := make([]string, len(core.OpenStatuses))
	for i, s := range core.OpenStatuses {
		q[i] = "'" + s + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}()
