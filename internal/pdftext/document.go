package pdftext

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// xrefEntry says where an object is: at an offset in the file (inStream
// false) or at index idx of object stream stm.
type xrefEntry struct {
	offset   int
	gen      int
	inStream bool
	stm, idx int
}

// document is a parsed PDF file: its cross-reference, trailer and a cache of
// the objects resolved so far.
type document struct {
	b       []byte
	xref    map[int]xrefEntry
	trailer dict

	cache     map[int]any
	resolving map[int]bool
	objstms   map[int]*objStream
	scanned   map[int]xrefEntry // from the fallback scan, built when needed
	didScan   bool

	cmaps map[int]*cmap // parsed CMap streams by object number

	objects  int // objects parsed, against MaxObjects
	inflated int // decoded stream bytes, against MaxTotalBytes
	work     int // content bytes interpreted, against MaxContentBytes
}

type objStream struct {
	data    []byte
	offsets []int // offset of each object, absolute in data
	nums    []int
}

// errLimit reports a limit of this package exceeded.
type errLimit struct{ what string }

func (e *errLimit) Error() string { return "limit exceeded: " + e.what }

// load parses the structure of the file: cross-reference sections along the
// /Prev chain, or, when they are broken, a scan of the whole file for objects.
func load(b []byte) (*document, error) {
	d := &document{b: b, xref: map[int]xrefEntry{}, cache: map[int]any{},
		resolving: map[int]bool{}, objstms: map[int]*objStream{}, cmaps: map[int]*cmap{}}
	err := d.readXrefChain()
	if err == nil {
		if _, ok := d.rootDict(); !ok {
			err = errors.New("no catalog at the cross-reference offsets")
		}
	}
	if err != nil {
		var lim *errLimit
		if errors.As(err, &lim) {
			return nil, err
		}
		if err := d.rebuild(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *document) rootDict() (dict, bool) {
	r, _ := d.resolve(d.trailer["Root"]).(dict)
	return r, r != nil
}

// readXrefChain reads the last cross-reference section and those its /Prev
// (and /XRefStm) entries point to. Entries read first (newer) win.
func (d *document) readXrefChain() error {
	i := bytes.LastIndex(d.b, []byte("startxref"))
	if i < 0 {
		return errors.New("no startxref")
	}
	l := &lexer{b: d.b, pos: i + len("startxref")}
	o, _ := l.object(0)
	off, ok := intOf(o)
	if !ok {
		return errors.New("bad startxref")
	}
	seen := map[int]bool{}
	queue := []int{off}
	for len(queue) > 0 {
		off := queue[0]
		queue = queue[1:]
		if seen[off] {
			continue
		}
		if len(seen) >= maxXrefSections {
			return &errLimit{"cross-reference sections"}
		}
		seen[off] = true
		tr, err := d.readXrefSection(off)
		if err != nil {
			return err
		}
		if d.trailer == nil {
			d.trailer = dict{}
		}
		for k, v := range tr {
			if _, ok := d.trailer[k]; !ok && k != "Prev" && k != "XRefStm" {
				d.trailer[k] = v
			}
		}
		// A hybrid file's /XRefStm holds entries of the same revision: read
		// it before the older revisions.
		if x, ok := intOf(tr["XRefStm"]); ok {
			queue = append([]int{x}, queue...)
		}
		if p, ok := intOf(tr["Prev"]); ok {
			queue = append(queue, p)
		}
	}
	return nil
}

// maxXrefSections bounds the /Prev chain.
const maxXrefSections = 1000

func (d *document) readXrefSection(off int) (dict, error) {
	if off < 0 || off >= len(d.b) {
		return nil, fmt.Errorf("xref offset %d outside the file", off)
	}
	l := &lexer{b: d.b, pos: off}
	l.skipSpace()
	if bytes.HasPrefix(d.b[l.pos:], []byte("xref")) {
		l.pos += 4
		return d.readXrefTable(l)
	}
	// A cross-reference stream: "n g obj << /Type /XRef ... >> stream".
	o, _, err := d.parseIndirectAt(l.pos)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*stream)
	if !ok || s.dict.name("Type") != "XRef" {
		return nil, errors.New("no cross-reference at offset")
	}
	return s.dict, d.readXrefStream(s)
}

func (d *document) readXrefTable(l *lexer) (dict, error) {
	for {
		l.skipSpace()
		if bytes.HasPrefix(d.b[l.pos:], []byte("trailer")) {
			l.pos += len("trailer")
			o, err := l.object(0)
			if err != nil {
				return nil, fmt.Errorf("trailer: %w", err)
			}
			tr, ok := o.(dict)
			if !ok {
				return nil, errors.New("trailer is not a dictionary")
			}
			return tr, nil
		}
		start, ok1 := l.int()
		count, ok2 := l.int()
		if !ok1 || !ok2 || start < 0 || count < 0 {
			return nil, errors.New("bad xref subsection")
		}
		if count > len(d.b)/18+1 {
			return nil, errors.New("xref subsection longer than the file")
		}
		for i := 0; i < count; i++ {
			offv, ok1 := l.int()
			gen, ok2 := l.int()
			l.skipSpace()
			if !ok1 || !ok2 || l.pos >= len(d.b) {
				return nil, errors.New("bad xref entry")
			}
			kind := d.b[l.pos]
			l.pos++
			n := start + i
			if _, done := d.xref[n]; done {
				continue
			}
			switch kind {
			case 'n':
				d.xref[n] = xrefEntry{offset: offv, gen: gen}
			case 'f':
				d.xref[n] = xrefEntry{offset: -1}
			default:
				return nil, errors.New("bad xref entry type")
			}
		}
	}
}

// int reads an unsigned integer token.
func (l *lexer) int() (int, bool) {
	l.skipSpace()
	w := l.regular()
	if len(w) == 0 || len(w) > 12 {
		return 0, false
	}
	n, err := strconv.Atoi(string(w))
	return n, err == nil
}

func (d *document) readXrefStream(s *stream) error {
	data, err := d.decode(s)
	if err != nil {
		return fmt.Errorf("xref stream: %w", err)
	}
	wa, _ := d.resolve(s.dict["W"]).(array)
	if len(wa) < 3 {
		return errors.New("xref stream without /W")
	}
	var w [3]int
	for i := range w {
		v, ok := intOf(d.resolve(wa[i]))
		if !ok || v < 0 || v > 8 {
			return errors.New("bad /W")
		}
		w[i] = v
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return errors.New("bad /W")
	}
	var index []int
	if ia, ok := d.resolve(s.dict["Index"]).(array); ok {
		for _, o := range ia {
			v, ok := intOf(d.resolve(o))
			if !ok || v < 0 {
				return errors.New("bad /Index")
			}
			index = append(index, v)
		}
	} else {
		size, _ := intOf(d.resolve(s.dict["Size"]))
		index = []int{0, size}
	}
	field := func(row []byte, w int, def int) int {
		if w == 0 {
			return def
		}
		v := 0
		for _, c := range row[:w] {
			v = v<<8 | int(c)
		}
		return v
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, count := index[i], index[i+1]
		for j := 0; j < count; j++ {
			if pos+rowLen > len(data) {
				return nil // short stream: keep what was read
			}
			row := data[pos : pos+rowLen]
			pos += rowLen
			t := field(row, w[0], 1)
			f2 := field(row[w[0]:], w[1], 0)
			f3 := field(row[w[0]+w[1]:], w[2], 0)
			n := start + j
			if _, done := d.xref[n]; done {
				continue
			}
			switch t {
			case 0:
				d.xref[n] = xrefEntry{offset: -1}
			case 1:
				d.xref[n] = xrefEntry{offset: f2, gen: f3}
			case 2:
				d.xref[n] = xrefEntry{inStream: true, stm: f2, idx: f3}
			}
		}
	}
	return nil
}

// parseIndirectAt parses "n g obj ... endobj" at off and returns the object
// and its number.
func (d *document) parseIndirectAt(off int) (any, int, error) {
	if off < 0 || off >= len(d.b) {
		return nil, 0, errors.New("offset outside the file")
	}
	d.objects++
	if d.objects > MaxObjects {
		return nil, 0, &errLimit{"objects"}
	}
	l := &lexer{b: d.b, pos: off, refs: true}
	n, ok1 := l.int()
	_, ok2 := l.int()
	l.skipSpace()
	if !ok1 || !ok2 || !bytes.HasPrefix(d.b[l.pos:], []byte("obj")) {
		return nil, 0, errors.New("no object header at offset")
	}
	l.pos += 3
	o, err := l.object(0)
	if err != nil && !errors.Is(err, errSyntax) {
		return nil, n, err
	}
	if dct, ok := o.(dict); ok {
		save := l.pos
		l.skipSpace()
		if bytes.HasPrefix(d.b[l.pos:], []byte("stream")) {
			l.pos += len("stream")
			return d.readStream(l, dct, n), n, nil
		}
		l.pos = save
	}
	return o, n, nil
}

// readStream reads the bytes of a stream whose keyword "stream" ends at
// l.pos, trusting /Length only when "endstream" follows it.
func (d *document) readStream(l *lexer, dct dict, n int) *stream {
	b := d.b
	p := l.pos
	if p < len(b) && b[p] == '\r' {
		p++
	}
	if p < len(b) && b[p] == '\n' {
		p++
	}
	s := &stream{dict: dct, num: n}
	if length, ok := intOf(d.resolveLength(dct["Length"])); ok && length >= 0 && p+length <= len(b) {
		e := p + length
		for e < len(b) && isSpace(b[e]) {
			e++
		}
		if bytes.HasPrefix(b[e:], []byte("endstream")) {
			s.raw = b[p : p+length]
			return s
		}
	}
	e := bytes.Index(b[p:], []byte("endstream"))
	if e < 0 {
		s.raw = b[p:]
		return s
	}
	raw := b[p : p+e]
	// The end of line before "endstream" is not part of the data.
	if len(raw) > 0 && raw[len(raw)-1] == '\n' {
		raw = raw[:len(raw)-1]
	}
	if len(raw) > 0 && raw[len(raw)-1] == '\r' {
		raw = raw[:len(raw)-1]
	}
	s.raw = raw
	return s
}

// resolveLength resolves a /Length, which may be a reference to an object
// that itself cannot be a stream.
func (d *document) resolveLength(o any) any {
	r, ok := o.(ref)
	if !ok {
		return o
	}
	v := d.resolve(r)
	if _, isStream := v.(*stream); isStream {
		return nil
	}
	return v
}

// resolve follows references; anything broken resolves to nil (null), as
// the PDF specification says of references to missing objects.
func (d *document) resolve(o any) any {
	for i := 0; i < 32; i++ {
		r, ok := o.(ref)
		if !ok {
			return o
		}
		o = d.object(r.num)
	}
	return nil
}

// object returns indirect object n, or nil.
func (d *document) object(n int) any {
	if n <= 0 {
		return nil
	}
	if o, ok := d.cache[n]; ok {
		return o
	}
	if d.resolving[n] || len(d.resolving) > MaxDepth {
		// A cycle, such as a /Length that refers to its own stream, or a
		// chain of object streams.
		return nil
	}
	d.resolving[n] = true
	defer delete(d.resolving, n)
	o, ok := d.load(n, d.xref)
	if !ok {
		d.scan()
		o, _ = d.load(n, d.scanned)
	}
	d.cache[n] = o
	return o
}

// load reads object n where table says it is; ok is false when the table
// has no entry or the entry is wrong.
func (d *document) load(n int, table map[int]xrefEntry) (any, bool) {
	e, ok := table[n]
	if !ok {
		return nil, false
	}
	if e.inStream {
		o, err := d.fromObjStream(e.stm, e.idx, n)
		return o, err == nil
	}
	if e.offset < 0 {
		return nil, true // free
	}
	o, got, err := d.parseIndirectAt(e.offset)
	if err != nil || got != n {
		return nil, false
	}
	return o, true
}

func (d *document) fromObjStream(stm, idx, n int) (any, error) {
	os, err := d.objStream(stm)
	if err != nil {
		return nil, err
	}
	// Trust the index, but fall back to the object number in the header.
	if idx < 0 || idx >= len(os.nums) || os.nums[idx] != n {
		idx = -1
		for i, m := range os.nums {
			if m == n {
				idx = i
			}
		}
		if idx < 0 {
			return nil, errors.New("object not in its object stream")
		}
	}
	d.objects++
	if d.objects > MaxObjects {
		return nil, &errLimit{"objects"}
	}
	l := &lexer{b: os.data, pos: os.offsets[idx], refs: true}
	o, err := l.object(0)
	if err != nil && !errors.Is(err, errSyntax) {
		return nil, err
	}
	if _, isKw := o.(keyword); isKw {
		return nil, errors.New("no object in object stream")
	}
	return o, nil
}

func (d *document) objStream(stm int) (*objStream, error) {
	if os, ok := d.objstms[stm]; ok {
		if os == nil {
			return nil, errors.New("bad object stream")
		}
		return os, nil
	}
	d.objstms[stm] = nil
	s, ok := d.object(stm).(*stream)
	if !ok {
		return nil, errors.New("object stream missing")
	}
	data, err := d.decode(s)
	if err != nil {
		return nil, err
	}
	count, _ := intOf(d.resolve(s.dict["N"]))
	first, _ := intOf(d.resolve(s.dict["First"]))
	if count < 0 || first < 0 || first > len(data) || count > len(data)/2+1 {
		return nil, errors.New("bad object stream header")
	}
	os := &objStream{data: data}
	l := &lexer{b: data[:first]}
	for i := 0; i < count; i++ {
		n, ok1 := l.int()
		off, ok2 := l.int()
		if !ok1 || !ok2 || first+off > len(data) || off < 0 {
			break
		}
		os.nums = append(os.nums, n)
		os.offsets = append(os.offsets, first+off)
	}
	d.objstms[stm] = os
	return os, nil
}

// scan builds d.scanned from every "n g obj" in the file (a later one wins,
// as in an incremental update) and from the object streams found.
func (d *document) scan() {
	if d.didScan {
		return
	}
	d.didScan = true
	d.scanned = map[int]xrefEntry{}
	b := d.b
	var stms []int
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("obj"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 3
		if at+3 < len(b) && isRegular(b[at+3]) {
			continue // "objx", not the keyword
		}
		// Back up over " g " and "n".
		p := at
		for p > 0 && isSpace(b[p-1]) {
			p--
		}
		gEnd := p
		for p > 0 && b[p-1] >= '0' && b[p-1] <= '9' {
			p--
		}
		if p == gEnd {
			continue
		}
		gen, _ := strconv.Atoi(string(b[p:gEnd]))
		q := p
		for p > 0 && isSpace(b[p-1]) {
			p--
		}
		if p == q {
			continue
		}
		nEnd := p
		for p > 0 && b[p-1] >= '0' && b[p-1] <= '9' {
			p--
		}
		if p == nEnd || nEnd-p > 10 || (p > 0 && isRegular(b[p-1])) {
			continue
		}
		n, err := strconv.Atoi(string(b[p:nEnd]))
		if err != nil || n <= 0 {
			continue
		}
		d.scanned[n] = xrefEntry{offset: p, gen: gen}
		if bytes.Contains(b[at:min(at+200, len(b))], []byte("/ObjStm")) {
			stms = append(stms, n)
		}
	}
	// Objects in object streams, where no direct copy was found.
	for _, stm := range stms {
		s, ok := d.loadScanned(stm).(*stream)
		if !ok || s.dict.name("Type") != "ObjStm" {
			continue
		}
		os, err := d.objStream(stm)
		if err != nil {
			continue
		}
		for i, n := range os.nums {
			if _, ok := d.scanned[n]; !ok {
				d.scanned[n] = xrefEntry{inStream: true, stm: stm, idx: i}
			}
		}
	}
}

// loadScanned loads an object by the scan without going through the xref.
func (d *document) loadScanned(n int) any {
	if o, ok := d.cache[n]; ok {
		return o
	}
	o, _ := d.load(n, d.scanned)
	d.cache[n] = o
	return o
}

// rebuild replaces a broken cross-reference with the scan: the trailer is
// the last "trailer" dictionary that names a catalog, or a made-up one.
func (d *document) rebuild() error {
	d.xref = map[int]xrefEntry{}
	d.cache = map[int]any{}
	d.objstms = map[int]*objStream{}
	d.didScan = false
	d.scan()
	d.xref = d.scanned
	old := d.trailer
	d.trailer = nil
	for i := len(d.b); ; {
		j := bytes.LastIndex(d.b[:i], []byte("trailer"))
		if j < 0 {
			break
		}
		i = j
		l := &lexer{b: d.b, pos: j + len("trailer"), refs: true}
		if tr, ok := mustDict(l.object(0)); ok {
			if r, ok := d.resolve(tr["Root"]).(dict); ok && r.name("Type") == "Catalog" || ok && r["Pages"] != nil {
				d.trailer = tr
				break
			}
		}
	}
	if d.trailer == nil && old != nil {
		if r, ok := d.resolve(old["Root"]).(dict); ok && r["Pages"] != nil {
			d.trailer = old
		}
	}
	if d.trailer == nil {
		// Any object that is a catalog; prefer the last one in the file.
		best, bestAt := 0, -1
		for n, e := range d.scanned {
			at := e.offset
			if e.inStream {
				at = d.scanned[e.stm].offset
			}
			if at < bestAt || at == bestAt && n < best {
				continue
			}
			if r, ok := d.object(n).(dict); ok && r.name("Type") == "Catalog" && r["Pages"] != nil {
				best, bestAt = n, at
			}
		}
		if best == 0 {
			return errors.New("no catalog found")
		}
		d.trailer = dict{"Root": ref{best, 0}}
		if old != nil && old["Encrypt"] != nil {
			d.trailer["Encrypt"] = old["Encrypt"]
		}
	}
	return nil
}

func mustDict(o any, err error) (dict, bool) {
	dct, ok := o.(dict)
	return dct, ok && err == nil
}
