package pdftext

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// predefined says how the codes of a predefined CJK CMap (a Type0 font's
// /Encoding name) are laid out and whether they are Unicode or GBK.
type predefined int

const (
	cidCodes predefined = iota // Identity-H and others: 2-byte CIDs, no text without ToUnicode
	ucs2Codes
	utf16Codes
	utf8Codes
	gbkCodes     // GBK-EUC-H, GBpc-EUC-H, GB-EUC-H
	gb18030Codes // GBK2K-H
	big5Codes    // B5pc-H, ETen-B5-H
)

func predefinedOf(n name) predefined {
	s := string(n)
	switch {
	case strings.Contains(s, "UCS2"):
		return ucs2Codes
	case strings.Contains(s, "UTF16"):
		return utf16Codes
	case strings.Contains(s, "UTF8"):
		return utf8Codes
	case strings.HasPrefix(s, "GBK2K"):
		return gb18030Codes
	case strings.HasPrefix(s, "GBK-") || strings.HasPrefix(s, "GBpc-") || strings.HasPrefix(s, "GB-") || strings.HasPrefix(s, "GBT-"):
		return gbkCodes
	case strings.HasPrefix(s, "B5") || strings.HasPrefix(s, "ETen-B5") || strings.HasPrefix(s, "HKscs-B5"):
		return big5Codes
	}
	return cidCodes
}

// font is what text extraction needs of a font: how to split a string into
// codes, the text of a code and its width.
type font struct {
	composite bool
	enc       *cmap // a Type0 font's embedded encoding CMap (its codespace), or nil
	kind      predefined
	toUni     *cmap
	simple    *[256]string // a simple font's encoding with /Differences
	diffs     map[int]string

	first     int
	widths    []float64 // simple fonts, from /FirstChar
	cidWidths map[uint32]float64
	cidRanges []widthRange
	dw        float64 // default or missing width, in 1/1000 text space units
	scale     float64 // Type3: FontMatrix[0]*1000, else 1
}

type widthRange struct {
	lo, hi uint32
	w      float64
}

// loadFont reads a font dictionary. Nothing here fails: what is missing
// only makes less of the text readable.
func (d *document) loadFont(fd dict) *font {
	f := &font{scale: 1}
	sub := fd.name("Subtype")
	if tu, ok := d.resolve(fd["ToUnicode"]).(*stream); ok {
		f.toUni = d.cmapOf(tu)
	}
	if sub == "Type0" {
		f.composite = true
		f.dw = 1000
		switch e := d.resolve(fd["Encoding"]).(type) {
		case name:
			f.kind = predefinedOf(e)
		case *stream:
			f.enc = d.cmapOf(e)
			if f.enc != nil {
				if nm, ok := d.resolve(e.dict["CMapName"]).(name); ok && predefinedOf(nm) != cidCodes {
					f.kind = predefinedOf(nm)
				} else if f.enc.base != "" {
					f.kind = predefinedOf(f.enc.base)
				}
			}
		}
		desc, _ := d.resolve(fd["DescendantFonts"]).(array)
		if len(desc) > 0 {
			if cf, ok := d.resolve(desc[0]).(dict); ok {
				if v, ok := num(d.resolve(cf["DW"])); ok {
					f.dw = v
				}
				f.loadCIDWidths(d, cf)
			}
		}
		return f
	}
	// A simple font: one byte a code.
	if first, ok := intOf(d.resolve(fd["FirstChar"])); ok && first >= 0 && first < 256 {
		f.first = first
		if wa, ok := d.resolve(fd["Widths"]).(array); ok {
			for i, o := range wa {
				if i >= 256 {
					break
				}
				v, _ := num(d.resolve(o))
				f.widths = append(f.widths, v)
			}
		}
	}
	f.dw = 500
	if desc, ok := d.resolve(fd["FontDescriptor"]).(dict); ok {
		if v, ok := num(d.resolve(desc["MissingWidth"])); ok && v > 0 {
			f.dw = v
		}
	}
	if sub == "Type3" {
		if m, ok := d.resolve(fd["FontMatrix"]).(array); ok && len(m) > 0 {
			if v, ok := num(d.resolve(m[0])); ok {
				f.scale = v * 1000
			}
		}
	}
	base := &standard
	if sub == "TrueType" {
		base = &winAnsi
	}
	var encName name
	switch e := d.resolve(fd["Encoding"]).(type) {
	case name:
		encName = e
	case dict:
		encName, _ = d.resolve(e["BaseEncoding"]).(name)
		if diffs, ok := d.resolve(e["Differences"]).(array); ok {
			f.diffs = map[int]string{}
			code := -1
			for _, o := range diffs {
				switch v := d.resolve(o).(type) {
				case int64:
					code = int(v)
				case float64:
					code = int(v)
				case name:
					if code >= 0 && code < 256 {
						f.diffs[code] = glyphText(string(v))
						code++
					}
				}
			}
		}
	}
	switch encName {
	case "WinAnsiEncoding":
		base = &winAnsi
	case "MacRomanEncoding":
		base = &macRoman
	case "StandardEncoding":
		base = &standard
	}
	f.simple = base
	return f
}

func (f *font) loadCIDWidths(d *document, cf dict) {
	w, _ := d.resolve(cf["W"]).(array)
	entries := 0
	for i := 0; i < len(w) && entries < MaxCMapEntries; {
		c, ok := intOf(d.resolve(w[i]))
		if !ok || c < 0 || i+1 >= len(w) {
			return
		}
		switch v := d.resolve(w[i+1]).(type) {
		case array:
			if f.cidWidths == nil {
				f.cidWidths = map[uint32]float64{}
			}
			for k, o := range v {
				x, _ := num(d.resolve(o))
				f.cidWidths[uint32(c+k)] = x
				entries++
			}
			i += 2
		default:
			hi, ok := intOf(v)
			if !ok || i+2 >= len(w) {
				return
			}
			x, _ := num(d.resolve(w[i+2]))
			if hi >= c {
				f.cidRanges = append(f.cidRanges, widthRange{uint32(c), uint32(hi), x})
				entries++
			}
			i += 3
		}
	}
}

// cmapOf parses a CMap stream, once per stream.
func (d *document) cmapOf(s *stream) *cmap {
	if s.num > 0 {
		if m, ok := d.cmaps[s.num]; ok {
			return m
		}
	}
	var m *cmap
	if data, err := d.decode(s); err == nil {
		m = parseCMap(data)
	}
	if s.num > 0 {
		d.cmaps[s.num] = m
	}
	return m
}

// codeLen returns the byte length of the code at the start of b.
func (f *font) codeLen(b []byte) int {
	if !f.composite {
		return 1
	}
	if f.enc != nil && len(f.enc.space) > 0 {
		return min(f.enc.codeLen(b, 2), len(b))
	}
	n := 2
	switch f.kind {
	case utf16Codes:
		if b[0] >= 0xD8 && b[0] <= 0xDB {
			n = 4
		}
	case utf8Codes:
		switch {
		case b[0] < 0x80:
			n = 1
		case b[0] >= 0xF0:
			n = 4
		case b[0] >= 0xE0:
			n = 3
		}
	case gbkCodes, big5Codes:
		if b[0] <= 0x80 {
			n = 1
		}
	case gb18030Codes:
		if b[0] <= 0x80 {
			n = 1
		} else if len(b) >= 4 && b[1] >= 0x30 && b[1] <= 0x39 {
			n = 4
		}
	}
	return min(n, len(b))
}

// text returns the Unicode text of the code c (its bytes), and false when
// the font gives no way to know it.
func (f *font) text(c []byte) (string, bool) {
	code := codeOf(c)
	if f.toUni != nil {
		if s, ok := f.toUni.lookup(code, len(c)); ok && s != "" && s != "\x00" {
			return s, true
		}
	}
	if f.composite {
		switch f.kind {
		case ucs2Codes:
			if len(c) == 2 && !(code >= 0xD800 && code <= 0xDFFF) {
				return string(rune(code)), true
			}
		case utf16Codes:
			return string(utf16.Decode(utf16Units(c))), true
		case utf8Codes:
			if utf8.Valid(c) {
				return string(c), true
			}
		case gbkCodes:
			return decodeWith(simplifiedchinese.GBK, c)
		case gb18030Codes:
			return decodeWith(simplifiedchinese.GB18030, c)
		case big5Codes:
			return decodeWith(traditionalchinese.Big5, c)
		}
		return "", false
	}
	if f.diffs != nil {
		if s, ok := f.diffs[int(code)]; ok {
			return s, s != ""
		}
	}
	if s := f.simple[code&0xFF]; s != "" {
		return s, true
	}
	return "", false
}

func decodeWith(e encoding.Encoding, c []byte) (string, bool) {
	s, err := e.NewDecoder().Bytes(c)
	if err != nil || len(s) == 0 || strings.ContainsRune(string(s), utf8.RuneError) {
		return "", false
	}
	return string(s), true
}

// width returns the advance of code c in 1/1000 text space units.
func (f *font) width(c []byte) float64 {
	code := codeOf(c)
	if f.composite {
		// Widths are by CID: known only when codes are CIDs.
		if f.kind == cidCodes && f.enc == nil {
			if w, ok := f.cidWidths[code]; ok {
				return w
			}
			for _, r := range f.cidRanges {
				if code >= r.lo && code <= r.hi {
					return r.w
				}
			}
		}
		return f.dw
	}
	if i := int(code) - f.first; i >= 0 && i < len(f.widths) && f.widths[i] > 0 {
		return f.widths[i] * f.scale
	}
	return f.dw
}
