package tabfile

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// gbDecoder decodes GB18030 (a superset of GBK and GB2312) like x/text's
// decoder, and also remembers where it met bytes that are not GB18030
// text: each becomes U+FFFD in the output, and bad records the output
// offset of that U+FFFD with the file offset of the byte, so that the CSV
// reader can reject the row naming where the damage is instead of storing
// mojibake.
type gbDecoder struct {
	inner   transform.Transformer
	in, out int64 // bytes consumed and produced so far
	bad     []badByte
}

// badByte is an undecodable byte: its U+FFFD's offset in the decoded text
// and its own offset in the file.
type badByte struct{ out, in int64 }

func newGBDecoder() *gbDecoder {
	return &gbDecoder{inner: simplifiedchinese.GB18030.NewDecoder()}
}

func (d *gbDecoder) Reset() { d.inner.Reset(); d.in, d.out, d.bad = 0, 0, nil }

var replacement = []byte("\uFFFD")

// gbSeq returns the length of the GB18030 sequence at the start of b: 1,
// 2 or 4 when it is well formed, 0 when b ends inside one, -1 when its
// first byte starts none.
func gbSeq(b []byte) int {
	c := b[0]
	switch {
	case c < 0x80:
		return 1
	case c == 0x80 || c == 0xFF:
		return -1
	}
	if len(b) < 2 {
		return 0
	}
	switch t := b[1]; {
	case t >= 0x40 && t <= 0xFE && t != 0x7F:
		return 2
	case t >= 0x30 && t <= 0x39:
		if len(b) < 4 {
			if len(b) == 3 && (b[2] < 0x81 || b[2] == 0xFF) {
				return -1
			}
			return 0
		}
		if b[2] >= 0x81 && b[2] <= 0xFE && b[3] >= 0x30 && b[3] <= 0x39 {
			return 4
		}
	}
	return -1
}

func (d *gbDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		// The well-formed run ahead goes to the inner decoder whole.
		j := nSrc
		for j < len(src) {
			n := gbSeq(src[j:])
			if n <= 0 {
				break
			}
			j += n
		}
		if j > nSrc {
			nd, ns, ierr := d.inner.Transform(dst[nDst:], src[nSrc:j], atEOF && j == len(src))
			if bytes.Contains(dst[nDst:nDst+nd], replacement) {
				// Well formed but unmapped (a four-byte code beyond
				// U+10FFFF): the offset of the run is as close as it gets.
				for k, o := 0, dst[nDst:nDst+nd]; ; {
					i := bytes.Index(o[k:], replacement)
					if i < 0 {
						break
					}
					d.bad = append(d.bad, badByte{out: d.out + int64(nDst+k+i), in: d.in + int64(nSrc)})
					k += i + len(replacement)
				}
			}
			nDst += nd
			nSrc += ns
			if ierr != nil {
				d.commit(nDst, nSrc)
				return nDst, nSrc, ierr
			}
			continue
		}
		n := gbSeq(src[nSrc:])
		if n == 0 && !atEOF {
			d.commit(nDst, nSrc)
			return nDst, nSrc, transform.ErrShortSrc
		}
		// An undecodable byte (or a sequence the file cuts short).
		if len(dst)-nDst < len(replacement) {
			d.commit(nDst, nSrc)
			return nDst, nSrc, transform.ErrShortDst
		}
		d.bad = append(d.bad, badByte{out: d.out + int64(nDst), in: d.in + int64(nSrc)})
		nDst += copy(dst[nDst:], replacement)
		nSrc++
	}
	d.commit(nDst, nSrc)
	return nDst, nSrc, nil
}

func (d *gbDecoder) commit(nDst, nSrc int) {
	d.in += int64(nSrc)
	d.out += int64(nDst)
}

// take returns the undecodable bytes whose U+FFFD lies before the decoded
// offset end, and forgets them.
func (d *gbDecoder) take(end int64) []badByte {
	i := 0
	for i < len(d.bad) && d.bad[i].out < end {
		i++
	}
	got := d.bad[:i:i]
	d.bad = d.bad[i:]
	return got
}

// gbDamage counts the undecodable sequences in head, a file's first bytes,
// and returns the file offset of the first; a text file in some other
// encoding (Big5, Shift-JIS, UTF-16 without its mark) shows many.
func gbDamage(head []byte, full bool) (bad, chars int, first int64) {
	first = -1
	for i := 0; i < len(head); {
		n := gbSeq(head[i:])
		if n == 0 {
			if !full {
				break
			}
			n = -1
		}
		chars++
		if n < 0 {
			if first < 0 {
				first = int64(i)
			}
			bad++
			n = 1
		}
		i += n
	}
	return bad, chars, first
}

// firstInvalidUTF8 returns the index of the first cell that is not valid
// UTF-8, or -1.
func firstInvalidUTF8(cells []string) int {
	for c, v := range cells {
		if !utf8.ValidString(v) {
			return c
		}
	}
	return -1
}
