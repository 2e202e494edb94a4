package pdftext

import (
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Simple-font encodings: code → text. WinAnsi and MacRoman come from
// golang.org/x/text's code pages; StandardEncoding is written out here.
var (
	winAnsi  = codePage(charmap.Windows1252)
	macRoman = codePage(charmap.Macintosh)
	standard [256]string // set in init, after glyphNames
)

func codePage(cm *charmap.Charmap) (t [256]string) {
	for c := 32; c < 256; c++ {
		r := cm.DecodeByte(byte(c))
		if r != '\uFFFD' {
			t[c] = string(r)
		}
	}
	return t
}

// standardHigh is Adobe StandardEncoding above 0x7E: code then glyph name.
const standardHigh = `a1 exclamdown a2 cent a3 sterling a4 fraction a5 yen a6 florin a7 section
a8 currency a9 quotesingle aa quotedblleft ab guillemotleft ac guilsinglleft ad guilsinglright ae fi af fl
b1 endash b2 dagger b3 daggerdbl b4 periodcentered b6 paragraph b7 bullet b8 quotesinglbase b9 quotedblbase
ba quotedblright bb guillemotright bc ellipsis bd perthousand bf questiondown c1 grave c2 acute c3 circumflex
c4 tilde c5 macron c6 breve c7 dotaccent c8 dieresis ca ring cb cedilla cd hungarumlaut ce ogonek cf caron
d0 emdash e1 AE e3 ordfeminine e8 Lslash e9 Oslash ea OE eb ordmasculine f1 ae f5 dotlessi f8 lslash
f9 oslash fa oe fb germandbls`

func standardEncoding() (t [256]string) {
	for c := 32; c < 127; c++ {
		t[c] = string(rune(c))
	}
	t['\''] = "\u2019"
	t['`'] = "\u2018"
	f := strings.Fields(standardHigh)
	for i := 0; i+1 < len(f); i += 2 {
		c, _ := strconv.ParseUint(f[i], 16, 8)
		t[c] = glyphText(f[i+1])
	}
	return t
}

// glyphNames maps the common glyph names of Latin text fonts (from the Adobe
// Glyph List) to Unicode; letters and uniXXXX names are handled in
// glyphText.
var glyphNames = map[string]rune{}

const glyphList = `space 20 exclam 21 quotedbl 22 numbersign 23 dollar 24 percent 25 ampersand 26
quotesingle 27 quoteright 2019 parenleft 28 parenright 29 asterisk 2a plus 2b comma 2c hyphen 2d period 2e
slash 2f zero 30 one 31 two 32 three 33 four 34 five 35 six 36 seven 37 eight 38 nine 39 colon 3a
semicolon 3b less 3c equal 3d greater 3e question 3f at 40 bracketleft 5b backslash 5c bracketright 5d
asciicircum 5e underscore 5f grave 60 quoteleft 2018 braceleft 7b bar 7c braceright 7d asciitilde 7e
nbspace a0 exclamdown a1 cent a2 sterling a3 currency a4 yen a5 brokenbar a6 section a7 dieresis a8
copyright a9 ordfeminine aa guillemotleft ab logicalnot ac sfthyphen ad registered ae macron af degree b0
plusminus b1 twosuperior b2 threesuperior b3 acute b4 mu b5 paragraph b6 periodcentered b7 middot b7
cedilla b8 onesuperior b9 ordmasculine ba guillemotright bb onequarter bc onehalf bd threequarters be
questiondown bf Agrave c0 Aacute c1 Acircumflex c2 Atilde c3 Adieresis c4 Aring c5 AE c6 Ccedilla c7
Egrave c8 Eacute c9 Ecircumflex ca Edieresis cb Igrave cc Iacute cd Icircumflex ce Idieresis cf Eth d0
Ntilde d1 Ograve d2 Oacute d3 Ocircumflex d4 Otilde d5 Odieresis d6 multiply d7 Oslash d8 Ugrave d9
Uacute da Ucircumflex db Udieresis dc Yacute dd Thorn de germandbls df agrave e0 aacute e1 acircumflex e2
atilde e3 adieresis e4 aring e5 ae e6 ccedilla e7 egrave e8 eacute e9 ecircumflex ea edieresis eb
igrave ec iacute ed icircumflex ee idieresis ef eth f0 ntilde f1 ograve f2 oacute f3 ocircumflex f4
otilde f5 odieresis f6 divide f7 oslash f8 ugrave f9 uacute fa ucircumflex fb udieresis fc yacute fd
thorn fe ydieresis ff dotlessi 131 Lslash 141 lslash 142 OE 152 oe 153 Scaron 160 scaron 161
Ydieresis 178 Zcaron 17d zcaron 17e florin 192 circumflex 2c6 caron 2c7 breve 2d8 dotaccent 2d9 ring 2da
ogonek 2db tilde 2dc hungarumlaut 2dd endash 2013 emdash 2014 quotesinglbase 201a quotedblleft 201c
quotedblright 201d quotedblbase 201e dagger 2020 daggerdbl 2021 bullet 2022 ellipsis 2026 perthousand 2030
guilsinglleft 2039 guilsinglright 203a fraction 2044 Euro 20ac trademark 2122 minus 2212 ff fb00 fi fb01
fl fb02 ffi fb03 ffl fb04 Delta 2206 Omega 2126 pi 3c0 infinity 221e lessequal 2264 greaterequal 2265
notequal 2260 approxequal 2248 partialdiff 2202 summation 2211 product 220f radical 221a integral 222b
lozenge 25ca arrowright 2192 arrowleft 2190 arrowup 2191 arrowdown 2193 checkmark 2713 degree b0`

func init() {
	f := strings.Fields(glyphList)
	for i := 0; i+1 < len(f); i += 2 {
		v, err := strconv.ParseUint(f[i+1], 16, 32)
		if err == nil {
			glyphNames[f[i]] = rune(v)
		}
	}
	standard = standardEncoding()
}

// glyphText returns the Unicode text of a glyph name, "" if unknown: a name
// of the list, a single letter or digit, uniXXXX[XXXX...], uXXXX[XX], a
// ligature of names joined by '_', and any of these with a ".suffix".
func glyphText(n string) string {
	if i := strings.IndexByte(n, '.'); i > 0 {
		n = n[:i]
	}
	if strings.Contains(n, "_") {
		var sb strings.Builder
		for _, p := range strings.Split(n, "_") {
			sb.WriteString(glyphText(p))
		}
		return sb.String()
	}
	if r, ok := glyphNames[n]; ok {
		return string(r)
	}
	if len(n) == 1 && (n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z') {
		return n
	}
	if strings.HasPrefix(n, "uni") && len(n) >= 7 && (len(n)-3)%4 == 0 {
		var sb strings.Builder
		for i := 3; i < len(n); i += 4 {
			v, err := strconv.ParseUint(n[i:i+4], 16, 16)
			if err != nil || v >= 0xD800 && v <= 0xDFFF {
				return ""
			}
			sb.WriteRune(rune(v))
		}
		return sb.String()
	}
	if len(n) >= 5 && len(n) <= 7 && n[0] == 'u' {
		v, err := strconv.ParseUint(n[1:], 16, 32)
		if err == nil && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF) {
			return string(rune(v))
		}
	}
	return ""
}
