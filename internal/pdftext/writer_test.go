package pdftext

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
)

// pdfWriter writes small PDF files for the tests: objects by number, then a
// cross-reference table or stream.
type pdfWriter struct {
	objs [][]byte // body of object i+1
}

func (w *pdfWriter) reserve() int {
	w.objs = append(w.objs, nil)
	return len(w.objs)
}

func (w *pdfWriter) set(n int, body string) { w.objs[n-1] = []byte(body) }

func (w *pdfWriter) add(body string) int {
	n := w.reserve()
	w.set(n, body)
	return n
}

// stream adds a stream; extra is more of its dictionary; filter "" writes
// the data as is, "flate" compresses it.
func (w *pdfWriter) stream(extra string, data []byte, filter string) int {
	switch filter {
	case "flate":
		data = deflate(data)
		extra += " /Filter /FlateDecode"
	case "":
	default:
		extra += " /Filter /" + filter
	}
	return w.add(fmt.Sprintf("<< /Length %d%s >>\nstream\n%s\nendstream", len(data), extra, data))
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// file writes the objects and a classic cross-reference table. trailer is
// more of the trailer dictionary (such as /Encrypt).
func (w *pdfWriter) file(root int, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(w.objs))
	for i, body := range w.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(w.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(w.objs)+1, root, trailer, x)
	return b.Bytes()
}

// update appends an incremental update to base: the objects replaced or
// added, a cross-reference section and a trailer whose /Prev points to the
// base's section.
func (w *pdfWriter) update(base []byte, root int, objs map[int]string) []byte {
	i := bytes.LastIndex(base, []byte("startxref"))
	var prev int
	fmt.Sscanf(string(base[i+len("startxref"):]), "%d", &prev)
	var b bytes.Buffer
	b.Write(base)
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	offs := map[int]int{}
	for _, n := range nums {
		offs[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	x := b.Len()
	b.WriteString("xref\n")
	for _, n := range nums {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, offs[n])
	}
	size := len(w.objs) + 1
	if nums[len(nums)-1] >= size {
		size = nums[len(nums)-1] + 1
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", size, root, prev, x)
	return b.Bytes()
}

// fileXrefStream writes a PDF 1.5 file: the objects that are not streams go
// into one object stream, and the cross-reference is a stream compressed
// with the PNG Up predictor.
func (w *pdfWriter) fileXrefStream(root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	type entry struct{ t, f2, f3 int }
	n := len(w.objs)
	stm := n + 1 // the object stream
	xs := n + 2  // the xref stream
	entries := make([]entry, xs+1)
	entries[0] = entry{0, 0, 65535}
	var head, body bytes.Buffer
	idx := 0
	for i, o := range w.objs {
		if bytes.Contains(o, []byte("stream\n")) {
			continue
		}
		fmt.Fprintf(&head, "%d %d ", i+1, body.Len())
		body.Write(o)
		body.WriteByte('\n')
		entries[i+1] = entry{2, stm, idx}
		idx++
	}
	for i, o := range w.objs {
		if entries[i+1].t == 2 {
			continue
		}
		entries[i+1] = entry{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	data := deflate(append(head.Bytes(), body.Bytes()...))
	entries[stm] = entry{1, b.Len(), 0}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n",
		stm, idx, head.Len(), len(data), data)
	entries[xs] = entry{1, b.Len(), 0}
	// Rows of 1 + 4 + 2 bytes, PNG Up predictor.
	const cols = 7
	var rows []byte
	prev := make([]byte, cols)
	for _, e := range entries {
		row := []byte{byte(e.t), byte(e.f2 >> 24), byte(e.f2 >> 16), byte(e.f2 >> 8), byte(e.f2), byte(e.f3 >> 8), byte(e.f3)}
		rows = append(rows, 2)
		for i := range row {
			rows = append(rows, row[i]-prev[i])
		}
		prev = row
	}
	data = deflate(rows)
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns %d >> >>\nstream\n%s\nendstream\nendobj\n",
		xs, xs+1, root, len(data), cols, data)
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", entries[xs].f2)
	return b.Bytes()
}

// pages adds a page tree of pages with the given content stream objects;
// resources go on the /Pages node (inherited by every page).
func (w *pdfWriter) pages(resources string, contents ...int) (root int) {
	pagesN := w.reserve()
	var kids []string
	for _, c := range contents {
		p := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", pagesN, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	w.set(pagesN, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /Resources %s >>", strings.Join(kids, " "), len(kids), resources))
	return w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesN))
}

// cidFont is a Type0 font with Identity-H encoding and a ToUnicode CMap that
// gives CIDs 1, 2, ... to the runes of its text, as Word and WPS do.
type cidFont struct {
	cid map[rune]int
}

func newCIDFont(text string) *cidFont {
	f := &cidFont{cid: map[rune]int{}}
	var rs []rune
	for _, r := range text {
		if _, ok := f.cid[r]; !ok {
			f.cid[r] = 0
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	for i, r := range rs {
		f.cid[r] = i + 1
	}
	return f
}

// hex returns s as a hex string operand of 2-byte codes.
func (f *cidFont) hex(s string) string {
	var sb strings.Builder
	sb.WriteByte('<')
	for _, r := range s {
		fmt.Fprintf(&sb, "%04X", f.cid[r])
	}
	sb.WriteByte('>')
	return sb.String()
}

// toUnicode returns the CMap: runs of consecutive runes as bfrange, the
// rest as bfchar.
func (f *cidFont) toUnicode() []byte {
	type pair struct {
		cid int
		r   rune
	}
	var ps []pair
	for r, c := range f.cid {
		ps = append(ps, pair{c, r})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].cid < ps[j].cid })
	var chars, ranges []string
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1].r == ps[j].r+1 && ps[j+1].r < 0x10000 {
			j++
		}
		if j > i {
			ranges = append(ranges, fmt.Sprintf("<%04X> <%04X> <%s>", ps[i].cid, ps[j].cid, utf16Hex(string(ps[i].r))))
		} else {
			chars = append(chars, fmt.Sprintf("<%04X> <%s>", ps[i].cid, utf16Hex(string(ps[i].r))))
		}
		i = j + 1
	}
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", len(chars), strings.Join(chars, "\n"))
	if len(ranges) > 0 {
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", len(ranges), strings.Join(ranges, "\n"))
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}

func utf16Hex(s string) string {
	var sb strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&sb, "%04X", u)
	}
	return sb.String()
}

// add writes the font's objects and returns the font dictionary's number.
func (f *cidFont) add(w *pdfWriter, filter string, withToUnicode bool) int {
	desc := w.add("<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>")
	cf := w.add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W [1 [500 500] 3 4 1000] /CIDToGIDMap /Identity >>", desc))
	tu := ""
	if withToUnicode {
		tu = fmt.Sprintf(" /ToUnicode %d 0 R", w.stream("", f.toUnicode(), filter))
	}
	return w.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R]%s >>", cf, tu))
}
