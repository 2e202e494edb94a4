// Command genpinyin builds internal/text/pinyin.dat, the tone-less Mandarin
// reading of every CJK ideograph that has one — densely for U+3400–U+9FFF
// (Extension A and the unified block), sparsely for the rest (the
// supplementary extensions, whose rare characters turn up in names) — from
// the kMandarin field of the Unicode Unihan database
// (Unihan_Readings.txt, as shipped bzip2-compressed in Debian's unicode-data
// package). Only the first reading of each character is kept; surname
// readings are applied at run time by text.SurnamePinyin, not here.
//
// Usage (from the module root):
//
//	dpkg -x unicode-data_15.0.0-1_all.deb /tmp/ud
//	go run ./internal/text/internal/genpinyin \
//	    -in /tmp/ud/usr/share/unicode/Unihan_Readings.txt.bz2 -out internal/text/pinyin.dat
//
// The output format is read by internal/text/pinyin.go: a first line with
// the magic "pinyin2", the first and last code point of the dense range in
// hex, the number of sparse entries in decimal and the syllables separated by
// spaces; then, for every code point of the dense range, a little-endian
// uint16: 0 for no reading, else 1 + the syllable's index; then the sparse
// entries in code-point order, each a little-endian uint32 code point and a
// uint16 code.
package main

import (
	"bufio"
	"compress/bzip2"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
)

const (
	first = 0x3400
	last  = 0x9FFF
)

// plain maps each toned or special Latin letter of kMandarin to its
// tone-less ASCII form; ü is written v, as pinyin input methods do.
var plain = map[rune]string{
	'ā': "a", 'á': "a", 'ǎ': "a", 'à': "a",
	'ē': "e", 'é': "e", 'ě': "e", 'è': "e", 'ê': "e",
	'ī': "i", 'í': "i", 'ǐ': "i", 'ì': "i",
	'ō': "o", 'ó': "o", 'ǒ': "o", 'ò': "o",
	'ū': "u", 'ú': "u", 'ǔ': "u", 'ù': "u",
	'ü': "v", 'ǖ': "v", 'ǘ': "v", 'ǚ': "v", 'ǜ': "v",
	'ḿ': "m", 'ń': "n", 'ň': "n", 'ǹ': "n", 0x0304: "", 0x0300: "", 0x0301: "", 0x030C: "",
}

func toneless(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			b.WriteRune(r)
		default:
			p, ok := plain[r]
			if !ok {
				return "", fmt.Errorf("unknown letter %q in %q", r, s)
			}
			b.WriteString(p)
		}
	}
	return b.String(), nil
}

func main() {
	in := flag.String("in", "", "Unihan_Readings.txt or Unihan_Readings.txt.bz2")
	out := flag.String("out", "pinyin.dat", "output file")
	flag.Parse()
	if *in == "" {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(*in, ".bz2") {
		r = bzip2.NewReader(f)
	}
	readings := make([]string, last-first+1)
	sparse := map[rune]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 || cols[1] != "kMandarin" || !strings.HasPrefix(cols[0], "U+") {
			continue
		}
		cp, err := strconv.ParseUint(cols[0][2:], 16, 32)
		if err != nil {
			log.Fatalf("bad code point %q", cols[0])
		}
		syl, err := toneless(strings.Fields(cols[2])[0])
		if err != nil {
			log.Fatal(err)
		}
		if cp < first || cp > last {
			sparse[rune(cp)] = syl
			continue
		}
		readings[cp-first] = syl
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	set := map[string]bool{}
	for _, s := range readings {
		if s != "" {
			set[s] = true
		}
	}
	for _, s := range sparse {
		set[s] = true
	}
	syls := make([]string, 0, len(set))
	for s := range set {
		syls = append(syls, s)
	}
	sort.Strings(syls)
	index := make(map[string]uint16, len(syls))
	for i, s := range syls {
		index[s] = uint16(i + 1)
	}
	var buf []byte
	buf = fmt.Appendf(buf, "pinyin2 %x %x %d %s\n", first, last, len(sparse), strings.Join(syls, " "))
	n := 0
	for _, s := range readings {
		var v uint16
		if s != "" {
			v = index[s]
			n++
		}
		buf = binary.LittleEndian.AppendUint16(buf, v)
	}
	cps := make([]rune, 0, len(sparse))
	for cp := range sparse {
		cps = append(cps, cp)
	}
	sort.Slice(cps, func(i, j int) bool { return cps[i] < cps[j] })
	for _, cp := range cps {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(cp))
		buf = binary.LittleEndian.AppendUint16(buf, index[sparse[cp]])
	}
	if err := os.WriteFile(*out, buf, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d characters in the dense range, %d outside, %d syllables, %d bytes", n, len(sparse), len(syls), len(buf))
}
