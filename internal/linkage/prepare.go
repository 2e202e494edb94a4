package linkage

import (
	"fmt"
	"strconv"
	"sync"

	"jiceng/internal/text"
)

// Record is one row of a source: which source, its own id there, and the
// values of the Config's fields in the Config's order (raw, as the source
// wrote them; "" for missing).
type Record struct {
	Source string
	ID     string
	Values []string
}

// column is one field of every record, normalised and interned, so that
// the comparison loop compares integers and reads slices, never maps.
type column struct {
	field Field
	// ids: the interned normalised value per record (0: missing). For an
	// address, the estate.
	ids []uint32
	// alt: a name's pinyin key; an address's building key.
	alt []uint32
	// alt2: an address's room key.
	alt2 []uint32
	// key1, key2: blocking helpers (surname and given-name pinyin of a name,
	// the region prefix of an ID).
	key1, key2 []uint32
	dates      []int32
	strs       []string // by id
	token      []bool   // by id: a pseudonymised token (exact-only)
	count      []uint32 // by id (alt2 for an address): how many records have it
	n          int      // records with a value
}

// prepared is the normalised form of all records.
type prepared struct {
	cols []column
	n    int
}

// intern assigns small integers to strings; "" is 0.
type intern struct {
	ids  map[string]uint32
	strs []string
}

func newIntern(n int) *intern {
	return &intern{ids: make(map[string]uint32, n), strs: []string{""}}
}

func (in *intern) id(s string) uint32 {
	if s == "" {
		return 0
	}
	if v, ok := in.ids[s]; ok {
		return v
	}
	v := uint32(len(in.strs))
	in.ids[s] = v
	in.strs = append(in.strs, s)
	return v
}

// norm is the normalised form of one field of one record: the value, and
// hashes of its derived keys (0 when missing), interned by hash so that
// normalising allocates no key strings.
type norm struct {
	v      string
	a, b   uint64 // name: pinyin key; address: building key, room key
	k1, k2 uint64 // name: surname and given-name pinyin; ID: region prefix
	date   int32
}

// FNV-1a over 64-bit words.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func mix(h, v uint64) uint64 {
	h ^= v
	h *= fnvPrime
	return h ^ h>>31
}

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return mix(h, 0xff) // a separator, so that ("ab","c") ≠ ("a","bc")
}

func nonzero(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// nameHashes returns the hashes of a normalised name's pinyin key (as
// text.NamePinyinKey spells it, first character read as a surname when
// surname is set), of its first character's reading and of the rest. A
// character without a reading stands for itself.
func nameHashes(v string, surname bool) (whole, first, rest uint64) {
	whole, rest = fnvOffset, fnvOffset
	i := 0
	for _, r := range v {
		var c uint16
		if i == 0 && surname {
			c = text.SurnamePinyinCode(r)
		} else {
			c = text.PinyinCode(r)
		}
		tok := uint64(c)
		if c == 0 {
			tok = uint64(r) + 1<<20
		}
		whole = mix(whole, tok)
		if i == 0 {
			first = tok
		} else {
			rest = mix(rest, tok)
		}
		i++
	}
	if i < 2 {
		rest = 0
	} else {
		rest = nonzero(rest)
	}
	return nonzero(whole), nonzero(first), rest
}

func normalizeValue(f Field, raw string) norm {
	switch f.Kind {
	case KindName, KindText:
		v := NormalizeName(raw)
		if v == "" {
			return norm{}
		}
		n := norm{v: v}
		n.a, n.k1, n.k2 = nameHashes(v, f.Kind == KindName)
		return n
	case KindID:
		v, ok := NormalizeID(raw)
		if !ok {
			return norm{}
		}
		n := norm{v: v}
		if !IsToken(v) {
			n.k1 = nonzero(hashString(fnvOffset, v[:6]))
		}
		return n
	case KindCode:
		v := NormalizeCode(raw)
		n := norm{v: v}
		if len(v) >= 6 && !IsToken(v) {
			n.k1 = nonzero(hashString(fnvOffset, v[:6]))
		}
		return n
	case KindPhone:
		v, _ := NormalizePhone(raw)
		return norm{v: v}
	case KindDate:
		d, ok := NormalizeDate(raw)
		if !ok {
			return norm{}
		}
		return norm{v: "d", date: d}
	case KindGender:
		switch NormalizeGender(raw) {
		case GenderMale:
			return norm{v: "m"}
		case GenderFemale:
			return norm{v: "f"}
		}
		return norm{}
	case KindAddress:
		a := ParseAddress(raw)
		if a.Empty() {
			return norm{}
		}
		n := norm{v: a.Estate}
		if a.Building != "" {
			h := hashString(hashString(fnvOffset, a.Estate), a.Building)
			n.a = nonzero(h)
			if a.Room != "" {
				n.b = nonzero(hashString(hashString(h, a.Unit), a.Room))
			}
		}
		return n
	default:
		return norm{v: NormalizeName(raw)}
	}
}

// intern64 assigns small integers to hashes; 0 is 0.
type intern64 struct {
	ids map[uint64]uint32
}

func newIntern64(n int) *intern64 { return &intern64{ids: make(map[uint64]uint32, n)} }

func (in *intern64) id(h uint64) uint32 {
	if h == 0 {
		return 0
	}
	if v, ok := in.ids[h]; ok {
		return v
	}
	v := uint32(len(in.ids) + 1)
	in.ids[h] = v
	return v
}

func (in *intern64) size() int { return len(in.ids) + 1 }

// prepare normalises and interns every field of every record.
func prepare(cfg *Config, recs []Record, workers int) (*prepared, error) {
	nf := len(cfg.Fields)
	for i, r := range recs {
		if len(r.Values) != nf {
			return nil, fmt.Errorf("linkage: record %d has %d values, want %d", i, len(r.Values), nf)
		}
	}
	p := &prepared{cols: make([]column, nf), n: len(recs)}
	// One goroutine per field: each interns into its own tables.
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for fi := range cfg.Fields {
		wg.Add(1)
		sem <- struct{}{}
		go func(fi int) {
			defer wg.Done()
			defer func() { <-sem }()
			p.cols[fi] = buildColumn(cfg.Fields[fi], recs, fi)
		}(fi)
	}
	wg.Wait()
	return p, nil
}

func buildColumn(f Field, recs []Record, fi int) column {
	n := len(recs)
	c := column{field: f, ids: make([]uint32, n)}
	in := newIntern(n / 2)
	var inA, inB, in1, in2 *intern64
	switch f.Kind {
	case KindName, KindText:
		c.alt = make([]uint32, n)
		inA = newIntern64(n / 2)
		if f.Kind == KindName {
			c.key1, c.key2 = make([]uint32, n), make([]uint32, n)
			in1, in2 = newIntern64(1024), newIntern64(n/4)
		}
	case KindID, KindCode:
		c.key1 = make([]uint32, n)
		in1 = newIntern64(4096)
	case KindDate:
		c.dates = make([]int32, n)
	case KindAddress:
		c.alt, c.alt2 = make([]uint32, n), make([]uint32, n)
		inA, inB = newIntern64(n/8), newIntern64(n/2)
	}
	for i := range recs {
		v := normalizeValue(f, recs[i].Values[fi])
		c.ids[i] = in.id(v.v)
		if inA != nil {
			c.alt[i] = inA.id(v.a)
		}
		if inB != nil {
			c.alt2[i] = inB.id(v.b)
		}
		if in1 != nil {
			c.key1[i] = in1.id(v.k1)
		}
		if in2 != nil {
			c.key2[i] = in2.id(v.k2)
		}
		if c.dates != nil {
			c.dates[i] = v.date
		}
		if v.v != "" {
			c.n++
		}
	}
	c.strs = in.strs
	if f.Kind == KindID || f.Kind == KindCode || f.Kind == KindPhone {
		c.token = make([]bool, len(c.strs))
		for id, s := range c.strs {
			c.token[id] = s != "" && IsToken(s)
		}
	}
	// Term frequencies: of the value, or of the room for an address.
	src, size := c.ids, len(c.strs)
	if f.Kind == KindAddress {
		src, size = c.alt2, inB.size()
	}
	if f.TF {
		c.count = make([]uint32, size)
		for _, id := range src {
			c.count[id]++
		}
	}
	if f.Kind == KindDate {
		c.ids = nil // dates compare by value
	}
	return c
}

// level compares records i and j on c and returns the level (0 = null).
func (c *column) level(i, j int32) uint8 {
	switch c.field.Kind {
	case KindDate:
		a, b := c.dates[i], c.dates[j]
		switch {
		case a == 0 || b == 0:
			return 0
		case a == b:
			return 1
		case dateNear(a, b):
			return 2
		}
		return 3
	case KindAddress:
		a, b := c.ids[i], c.ids[j]
		switch {
		case a == 0 || b == 0:
			return 0
		case c.alt2[i] != 0 && c.alt2[i] == c.alt2[j]:
			return 1
		case c.alt[i] != 0 && c.alt[i] == c.alt[j]:
			return 2
		case a == b:
			return 3
		}
		return 4
	}
	a, b := c.ids[i], c.ids[j]
	if a == 0 || b == 0 {
		return 0
	}
	if a == b {
		return 1
	}
	switch c.field.Kind {
	case KindName, KindText:
		if c.alt[i] == c.alt[j] && c.alt[i] != 0 {
			return 2
		}
		t := c.field.Threshold
		if t == 0 {
			t = 0.8
		}
		if JaroWinkler(c.strs[a], c.strs[b]) >= t {
			return 3
		}
		return 4
	case KindID, KindCode:
		if !c.token[a] && !c.token[b] && OneEdit(c.strs[a], c.strs[b]) {
			return 2
		}
		return 3
	}
	return 2
}

// blockKey returns the interned value of one blocking key part for record
// i, 0 when missing.
func (c *column) blockKey(part Part, i int32) uint64 {
	switch part {
	case PartValue:
		if c.dates != nil {
			return uint64(c.dates[i])
		}
		return uint64(c.ids[i])
	case PartYear:
		if c.dates != nil {
			return uint64(c.dates[i] / 10000)
		}
	case PartPinyin, PartBuilding:
		if c.alt != nil {
			return uint64(c.alt[i])
		}
	case PartRoom:
		if c.alt2 != nil {
			return uint64(c.alt2[i])
		}
	case PartEstate:
		return uint64(c.ids[i])
	case PartSurname, PartPrefix6:
		if c.key1 != nil {
			return uint64(c.key1[i])
		}
	case PartGiven:
		if c.key2 != nil {
			return uint64(c.key2[i])
		}
	}
	return 0
}

func (p Part) String() string {
	names := [...]string{"", "value", "pinyin", "surname", "given", "year", "prefix6", "estate", "building", "room"}
	if int(p) < len(names) && p > 0 {
		return names[p]
	}
	return "part" + strconv.Itoa(int(p))
}
