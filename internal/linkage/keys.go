package linkage

import (
	"strings"
	"unicode/utf8"

	"jiceng/internal/text"
)

// Match keys are the normalised values by which a record is found again
// from outside evidence (a ticket's caller, address or named company)
// without reading the registry: the stores keep them in an index beside
// each record and maintain it with every write. This file is the one place
// that says how a value becomes a key; the ticket side of a lookup uses the
// same functions, so that both sides agree by construction.

// Match key types.
const (
	KeyID      = "id"    // resident ID number, NormalizeID
	KeyPhone   = "phone" // phone number, NormalizePhone
	KeyName    = "name"  // a person's name, NormalizeName
	KeyFirm    = "firm"  // an enterprise's or organisation's name, NormalizeName
	KeyUSCC    = "uscc"  // unified social credit code, NormalizeCode
	KeyAddress = "addr"  // an address at room level, AddressKey
)

// MatchKey is one match key: its type (a Key constant) and normalised value.
type MatchKey struct {
	Type, Value string
}

// kindPerson is fieldset.KindPerson; linkage does not depend on the field sets
// (the kinds are their stable names).
const kindPerson = "person"

// RecordKeys returns the match keys of a record of kind with values (by
// field name, as the registry keeps them), without duplicates. A value the
// normalisers cannot read gives no key.
func RecordKeys(kind string, values map[string]string) []MatchKey {
	var out []MatchKey
	add := func(typ, v string) {
		if v == "" || len(v) > maxKeyBytes {
			return
		}
		k := MatchKey{typ, v}
		for _, o := range out {
			if o == k {
				return
			}
		}
		out = append(out, k)
	}
	if id, ok := NormalizeID(values["id_number"]); ok {
		add(KeyID, id)
	}
	if ph, ok := NormalizePhone(values["phone"]); ok {
		add(KeyPhone, ph)
	}
	if n := NormalizeName(values["name"]); n != "" {
		if kind == kindPerson {
			add(KeyName, n)
		} else {
			add(KeyFirm, n)
		}
	}
	if c := NormalizeCode(values["uscc"]); c != "" {
		add(KeyUSCC, c)
	}
	add(KeyAddress, AddressKey(RecordAddress(values)))
	return out
}

// maxKeyBytes bounds a key's value: longer text is no identifier.
const maxKeyBytes = 400

// RecordAddress is the ladder of a record's address: its parts (estate,
// building, unit_no, room) where it has them, else its address parsed.
func RecordAddress(values map[string]string) Address {
	a := ParseAddress(values["address"])
	if e := values["estate"]; e != "" && a.Estate == "" {
		// The estate alone is not an address (一区 would read as a room).
		a.Estate = NormalizeName(e)
	}
	for _, p := range []struct {
		to    *string
		field string
	}{{&a.Building, "building"}, {&a.Unit, "unit_no"}, {&a.Room, "room"}} {
		if v := values[p.field]; v != "" {
			*p.to = PartNumber(v)
		}
	}
	return a
}

// PartNumber is the number of one part of an address written in its own
// field (3号楼, 3栋, 二单元, 501室, 0501): the number as ParseAddress
// reads it in a whole address, so that a record's parts and a ticket's
// address compare. A value without a number is returned trimmed.
func PartNumber(v string) string {
	var rbuf [24]rune
	rs := rbuf[:0]
	for _, r := range v {
		r = text.Fold(r)
		if r == ' ' || r == '\t' || r == '　' {
			continue
		}
		rs = append(rs, r)
	}
	for i := range rs {
		if num, j := readAddrNumber(rs, i); j > i {
			return num
		}
	}
	return strings.TrimSpace(v)
}

// AddressKey is the key of an address at room level: estate, building and
// room, without the unit (an address written without its unit still names
// the room; the caller compares units). It is "" unless all three are
// known.
func AddressKey(a Address) string {
	if a.Estate == "" || a.Building == "" || a.Room == "" {
		return ""
	}
	return a.Estate + "|" + a.Building + "|" + a.Room
}

// TextGrams returns the search grams of the texts (a record's name and
// address), without duplicates: every pair of adjacent characters, and the
// last character of each text alone. Every substring q of a text has all
// of QueryGrams(q) among them, so that a search reads only the records
// that have its grams and checks the substring on those.
func TextGrams(texts ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		var prev string
		for i, r := range s {
			cur := s[i : i+utf8.RuneLen(r)]
			if prev != "" {
				add(prev + cur)
			}
			prev = cur
		}
		if prev != "" {
			add(prev)
		}
	}
	return out
}

// QueryGrams returns what a search for the substring q looks up: for two
// or more characters, their adjacent pairs (distinct), all of which a
// matching text has; for one character, the range [from, to) of grams
// that begin with it (to is "" when unbounded). A record matches only if
// it has them; the substring itself is still checked.
func QueryGrams(q string) (grams []string, from, to string) {
	q = strings.ToValidUTF8(q, "\uFFFD")
	if utf8.RuneCountInString(q) == 1 {
		r, _ := utf8.DecodeRuneInString(q)
		return nil, q, nextRune(r)
	}
	seen := map[string]bool{}
	var prev string
	for i, r := range q {
		cur := q[i : i+utf8.RuneLen(r)]
		if prev != "" && !seen[prev+cur] {
			seen[prev+cur] = true
			grams = append(grams, prev+cur)
		}
		prev = cur
	}
	return grams, "", ""
}

// nextRune is the string of the rune after r, which sorts (bytewise, as
// UTF-8 does by code point) after every string that begins with r; "" when
// r is the last rune.
func nextRune(r rune) string {
	n := r + 1
	if n >= 0xD800 && n <= 0xDFFF {
		n = 0xE000
	}
	if n > utf8.MaxRune {
		return ""
	}
	return string(n)
}
