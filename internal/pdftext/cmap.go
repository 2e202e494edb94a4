package pdftext

import (
	"unicode/utf16"
)

// cmap is what this package needs of a CMap: the codespace (how many bytes
// a code takes) and, for a ToUnicode CMap, the Unicode text of codes.
type cmap struct {
	space  []codeRange
	chars  map[uint64]string // key: code | length<<32
	ranges []bfRange
	base   name // a predefined CMap named by usecmap
}

type codeRange struct {
	lo, hi []byte
}

type bfRange struct {
	lo, hi uint32
	n      int      // code length in bytes
	dst    []uint16 // UTF-16 of lo's text; the last unit counts up
	list   []string // or one text per code
}

func codeKey(code uint32, n int) uint64 { return uint64(code) | uint64(n)<<32 }

func codeOf(b []byte) uint32 {
	var v uint32
	for _, c := range b {
		v = v<<8 | uint32(c)
	}
	return v
}

// parseCMap reads a CMap program (ToUnicode or an embedded encoding). It
// keeps what it could read before any error.
func parseCMap(b []byte) *cmap {
	m := &cmap{chars: map[uint64]string{}}
	l := &lexer{b: b}
	var stack []any
	entries := 0
	for {
		o, err := l.object(0)
		if err != nil {
			break
		}
		k, ok := o.(keyword)
		if !ok {
			stack = append(stack, o)
			if len(stack) > 4096 {
				stack = stack[len(stack)-8:]
			}
			continue
		}
		switch k {
		case "usecmap":
			if len(stack) > 0 {
				m.base, _ = stack[len(stack)-1].(name)
			}
		case "endcodespacerange":
			for i := 0; i+1 < len(stack); i += 2 {
				lo, ok1 := stack[i].(pdfString)
				hi, ok2 := stack[i+1].(pdfString)
				if ok1 && ok2 && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
					m.space = append(m.space, codeRange{[]byte(lo), []byte(hi)})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(stack); i += 2 {
				src, ok := stack[i].(pdfString)
				if !ok || len(src) < 1 || len(src) > 4 || entries >= MaxCMapEntries {
					continue
				}
				var dst string
				switch v := stack[i+1].(type) {
				case pdfString:
					dst = utf16Text([]byte(v))
				case name:
					dst = glyphText(string(v))
				}
				m.chars[codeKey(codeOf([]byte(src)), len(src))] = dst
				entries++
			}
		case "endbfrange":
			for i := 0; i+2 < len(stack); i += 3 {
				lo, ok1 := stack[i].(pdfString)
				hi, ok2 := stack[i+1].(pdfString)
				if !ok1 || !ok2 || len(lo) < 1 || len(lo) > 4 || len(hi) != len(lo) || entries >= MaxCMapEntries {
					continue
				}
				r := bfRange{lo: codeOf([]byte(lo)), hi: codeOf([]byte(hi)), n: len(lo)}
				if r.hi < r.lo {
					continue
				}
				switch v := stack[i+2].(type) {
				case pdfString:
					r.dst = utf16Units([]byte(v))
					if len(r.dst) == 0 {
						continue
					}
				case array:
					for _, o := range v {
						s, _ := o.(pdfString)
						r.list = append(r.list, utf16Text([]byte(s)))
					}
				default:
					continue
				}
				m.ranges = append(m.ranges, r)
				entries++
			}
		}
		if k == "begincodespacerange" || k == "beginbfchar" || k == "beginbfrange" ||
			k == "begincidrange" || k == "begincidchar" || k == "beginnotdefrange" {
			stack = stack[:0]
		} else if len(k) > 3 && k[:3] == "end" || k == "def" || k == "usecmap" {
			stack = stack[:0]
		}
	}
	return m
}

// lookup returns the text of code (n bytes) and whether the CMap has it.
func (m *cmap) lookup(code uint32, n int) (string, bool) {
	if s, ok := m.chars[codeKey(code, n)]; ok {
		return s, true
	}
	for i := range m.ranges {
		r := &m.ranges[i]
		if r.n != n || code < r.lo || code > r.hi {
			continue
		}
		off := code - r.lo
		if r.list != nil {
			if int(off) < len(r.list) {
				return r.list[off], true
			}
			return "", false
		}
		u := append([]uint16(nil), r.dst...)
		u[len(u)-1] += uint16(off)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

// codeLen returns the length of the code at the start of b by the
// codespace ranges; def when there are none.
func (m *cmap) codeLen(b []byte, def int) int {
	if m == nil || len(m.space) == 0 {
		return def
	}
	for n := 1; n <= 4 && n <= len(b); n++ {
		for _, r := range m.space {
			if len(r.lo) != n {
				continue
			}
			in := true
			for i := 0; i < n; i++ {
				if b[i] < r.lo[i] || b[i] > r.hi[i] {
					in = false
					break
				}
			}
			if in {
				return n
			}
		}
	}
	// No range matches: take the shortest code length of the codespace.
	short := 4
	for _, r := range m.space {
		short = min(short, len(r.lo))
	}
	return short
}

func utf16Units(b []byte) []uint16 {
	if len(b) == 1 {
		return []uint16{uint16(b[0])}
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return u
}

func utf16Text(b []byte) string {
	return string(utf16.Decode(utf16Units(b)))
}
