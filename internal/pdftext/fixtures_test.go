package pdftext

import (
	"bytes"
	"compress/flate"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The fixtures are PDFs written by pdfWriter, one for each path of the
// reader. Their text is an invented notice of the fictional 海川区清河湾街道.

var noticeLines = []string{
	"海川区清河湾街道关于加强老旧小区加装电梯工作的通知",
	"各社区居委会、各有关单位：",
	"为进一步改善居民出行条件，根据《海川区既有住宅加装电梯实施办法》，现将有关事项通知如下。",
	"一、申请条件：同一单元业主三分之二以上同意，且无重大异议。",
	"二、补贴标准：每台电梯补贴不超过20万元，由街道统一申报。",
	"清河湾街道办事处",
	"2026年3月1日",
}

var noticeText = strings.Join(noticeLines, "")

// cjkContent draws lines with a Type0 font /F1: each line placed with Td,
// the second half of every line shown by TJ with kerning, as Word does.
func cjkContent(f func(string) string, lines []string) []byte {
	var b bytes.Buffer
	b.WriteString("q 1 0 0 1 0 0 cm\nBT\n/F1 12 Tf\n72 770 Td\n")
	for i, l := range lines {
		if i > 0 {
			b.WriteString("0 -20 Td\n")
		}
		rs := []rune(l)
		half := len(rs) / 2
		fmt.Fprintf(&b, "%s Tj\n[%s -12 %s] TJ\n", f(string(rs[:half])), f(string(rs[half:half+1])), f(string(rs[half+1:])))
		// Tj and TJ continue where the last glyph ended: no line break.
		_ = half
	}
	b.WriteString("ET\nQ\n")
	return b.Bytes()
}

// identityH is the common case: Flate content, Type0 Identity-H font with
// a ToUnicode CMap.
func identityH(filter string) *pdfWriter {
	w, _, _ := identityHParts(filter)
	return w
}

// identityHParts also returns the font and the content stream's number.
func identityHParts(filter string) (w *pdfWriter, f *cidFont, content int) {
	w = &pdfWriter{}
	f = newCIDFont(noticeText + "（修订版）")
	font := f.add(w, filter, true)
	content = w.stream("", cjkContent(f.hex, noticeLines), filter)
	w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), content)
	return w, f, content
}

func helveticaContent(lines ...string) []byte {
	var b bytes.Buffer
	b.WriteString("BT /F1 11 Tf 14 TL 72 760 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "(%s) '\n", strings.NewReplacer("(", `\(`, ")", `\)`).Replace(l))
	}
	b.WriteString("ET\n")
	return b.Bytes()
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

type fixture struct {
	name  string
	build func() []byte
}

var fixtures = []fixture{
	{"plain", func() []byte {
		w := &pdfWriter{}
		font := w.add(helvetica)
		c := w.stream("", helveticaContent("Haichuan District (Qinghewan) notice", "Second line: caf\xe9 \\050ok\\051"), "")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}},
	{"identity-h-flate", func() []byte {
		w := identityH("flate")
		return w.file(len(w.objs), "")
	}},
	{"xref-stream", func() []byte {
		w := identityH("flate")
		return w.fileXrefStream(len(w.objs))
	}},
	{"ucs2-no-tounicode", func() []byte {
		w := &pdfWriter{}
		cf := w.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>")
		font := w.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] >>", cf))
		ucs2 := func(s string) string { return "<" + utf16Hex(s) + ">" }
		c := w.stream("", cjkContent(ucs2, noticeLines[:3]), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}},
	{"gbk-no-tounicode", func() []byte {
		w := &pdfWriter{}
		cf := w.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>")
		font := w.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-GBK-EUC-H /Encoding /GBK-EUC-H /DescendantFonts [%d 0 R] >>", cf))
		gbk := func(s string) string {
			b, err := simplifiedchinese.GBK.NewEncoder().String(s)
			if err != nil {
				panic(err)
			}
			return fmt.Sprintf("<%X>", b)
		}
		c := w.stream("", cjkContent(gbk, noticeLines[3:5]), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}},
	{"winansi-differences", func() []byte {
		w := &pdfWriter{}
		font := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Minion /FirstChar 32 /LastChar 126 /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /f_i /uni6D77 /quotedblleft /quotedblright 128 /Euro /emdash] >> >>")
		c := w.stream("", []byte("BT /F1 10 Tf 72 700 Td (\\001nal notice \\002: \\003ok\\004 \\200 5 \\201 end) Tj ET"), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}},
	{"two-pages-kerning", func() []byte {
		w := &pdfWriter{}
		font := w.add(helvetica)
		c1 := w.stream("", []byte("BT /F1 10 Tf 72 700 Td [(Policy)-300(number)-40(s) 20 (and)] TJ 0 -14 Td (Next) Tj ( line) Tj ET"), "flate")
		c2 := w.stream("", []byte("BT /F1 10 Tf 1 0 0 1 72 700 Tm (Page two) Tj 1 0 0 1 200 700 Tm (same line, far right) Tj 1 0 0 1 72 686 Tm (last) Tj ET"), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c1, c2), "")
	}},
	{"form-xobject", func() []byte {
		w := &pdfWriter{}
		f := newCIDFont(noticeText)
		font := f.add(w, "flate", true)
		form := w.stream(fmt.Sprintf(" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 0 -100] /Resources << /Font << /F1 %d 0 R >> >>", font),
			cjkContent(f.hex, noticeLines[2:4]), "flate")
		page := fmt.Sprintf("BT /F1 14 Tf 72 800 Td %s Tj ET\nq /Fm1 Do Q\nBT /F1 12 Tf 72 560 Td %s Tj ET\n", f.hex(noticeLines[0]), f.hex(noticeLines[5]))
		c := w.stream("", []byte(page), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> /XObject << /Fm1 %d 0 R >> >>", font, form), c), "")
	}},
	{"incremental-update", func() []byte {
		w, f, content := identityHParts("flate")
		base := w.file(len(w.objs), "")
		// The second revision replaces the page content with one that has
		// a new first line.
		lines := append([]string{"（修订版）"}, noticeLines[:2]...)
		data := deflate(cjkContent(f.hex, lines))
		return w.update(base, len(w.objs), map[int]string{
			content: fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(data), data),
		})
	}},
	{"broken-xref", func() []byte {
		w := identityH("flate")
		b := w.file(len(w.objs), "")
		// Shift every object by inserting junk after the header: the
		// offsets of the table are all wrong now.
		i := bytes.Index(b, []byte("1 0 obj"))
		return append(append(append([]byte{}, b[:i]...), []byte("% junk inserted by a broken tool\n")...), b[i:]...)
	}},
	{"no-xref-at-all", func() []byte {
		w := identityH("")
		b := w.file(len(w.objs), "")
		return b[:bytes.LastIndex(b, []byte("xref\n"))]
	}},
	{"ascii85-asciihex", func() []byte {
		w := &pdfWriter{}
		font := w.add(helvetica)
		c1 := w.add("<< /Length 62 /Filter /ASCIIHexDecode >>\nstream\n4254202f4631203130205466203732203730302054642028486578292054 6a20>\nendstream")
		c2 := w.add("<< /Filter [/ASCII85Decode /FlateDecode] >>\nstream\n" + ascii85Encode(deflate([]byte("BT /F1 10 Tf 72 680 Td (Ascii85 and Flate) Tj ET"))) + "~>\nendstream")
		pagesN := w.reserve()
		pg := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents [%d 0 R %d 0 R] /Resources << /Font << /F1 %d 0 R >> >> >>", pagesN, c1, c2, font))
		w.set(pagesN, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", pg))
		return w.file(w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesN)), "")
	}},
	{"unsupported-filter-one-stream", func() []byte {
		w := &pdfWriter{}
		font := w.add(helvetica)
		c1 := w.add("<< /Length 4 /Filter /LZWDecode >>\nstream\n\x80\x0b\x60\x50\nendstream")
		c2 := w.stream("", []byte("BT /F1 10 Tf 72 680 Td (Readable stream) Tj ET"), "flate")
		pagesN := w.reserve()
		pg := w.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents [%d 0 R %d 0 R] /Resources << /Font << /F1 %d 0 R >> >> >>", pagesN, c1, c2, font))
		w.set(pagesN, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", pg))
		return w.file(w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesN)), "")
	}},
	{"rotated-watermark", func() []byte {
		w := &pdfWriter{}
		f := newCIDFont(noticeText + "内部资料")
		font := f.add(w, "flate", true)
		page := fmt.Sprintf("BT /F1 12 Tf 72 770 Td %s Tj 0 -20 Td %s Tj ET\nq 0.7071 0.7071 -0.7071 0.7071 200 300 cm BT /F1 48 Tf 0 0 Td %s Tj ET Q\n",
			f.hex(noticeLines[0]), f.hex(noticeLines[1]), f.hex("内部资料"))
		c := w.stream("", []byte(page), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}},
}

// errorFixtures are PDFs that must fail, with the message they must give.
var errorFixtures = []struct {
	name  string
	build func() []byte
	msg   string
}{
	{"not-a-pdf", func() []byte { return []byte("PK\x03\x04 this is a zip, not a PDF") }, "不是 PDF 文件"},
	{"empty", func() []byte { return nil }, "不是 PDF 文件"},
	{"encrypted", func() []byte {
		w := identityH("flate")
		enc := w.add("<< /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -3904 >>")
		return w.file(len(w.objs)-1, fmt.Sprintf(" /Encrypt %d 0 R /ID [<01><01>]", enc))
	}, "加密"},
	{"scan", func() []byte {
		w := &pdfWriter{}
		img := w.stream(" /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0, 255, 255, 0}, "flate")
		c := w.stream("", []byte("q 595 0 0 842 0 0 cm /Im1 Do Q"), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /XObject << /Im1 %d 0 R >> >>", img), c), "")
	}, "没有文字层"},
	{"identity-h-without-tounicode", func() []byte {
		w := &pdfWriter{}
		f := newCIDFont(noticeText)
		font := f.add(w, "flate", false)
		c := w.stream("", cjkContent(f.hex, noticeLines), "flate")
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}, "无法解码"},
	{"only-unsupported-filter", func() []byte {
		w := &pdfWriter{}
		c := w.add("<< /Length 4 /Filter /JBIG2Decode >>\nstream\n\x00\x01\x02\x03\nendstream")
		return w.file(w.pages("<< >>", c), "")
	}, "不支持的压缩方式 JBIG2Decode"},
	{"truncated", func() []byte {
		w := identityH("flate")
		b := w.file(len(w.objs), "")
		return b[:60]
	}, "已损坏"},
	{"flate-bomb", func() []byte {
		w := &pdfWriter{}
		font := w.add(helvetica)
		data := flateBomb(MaxStreamBytes + 1)
		c := w.add(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(data), data))
		return w.file(w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", font), c), "")
	}, "解压后的大小超过上限"},
	{"page-tree-cycle", func() []byte {
		w := &pdfWriter{}
		w.add("<< /Type /Pages /Kids [1 0 R 2 0 R] /Count 1 >>")
		w.add("<< /Type /Pages /Kids [1 0 R] /Count 1 >>")
		return w.file(w.add("<< /Type /Catalog /Pages 1 0 R >>"), "")
	}, "已损坏"},
}

// flateBomb returns a zlib stream of at least n zero bytes, made of one
// compressed MiB repeated: deflate blocks that refer back only within
// themselves can be concatenated.
func flateBomb(n int) []byte {
	var blk bytes.Buffer
	fw, _ := flate.NewWriter(&blk, flate.BestSpeed)
	fw.Write(make([]byte, 1<<20))
	fw.Flush()
	b := []byte{0x78, 0x9c}
	for i := 0; i <= n>>20; i++ {
		b = append(b, blk.Bytes()...)
	}
	return append(b, 0x03, 0x00) // a final, empty block; no checksum
}

// ascii85Encode is the ASCII85 encoding of b without the "~>".
func ascii85Encode(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i += 4 {
		var v uint32
		n := min(4, len(b)-i)
		for k := 0; k < 4; k++ {
			v <<= 8
			if k < n {
				v |= uint32(b[i+k])
			}
		}
		if n == 4 && v == 0 {
			sb.WriteByte('z')
			continue
		}
		var c [5]byte
		for k := 4; k >= 0; k-- {
			c[k] = byte(v%85) + '!'
			v /= 85
		}
		sb.Write(c[:n+1])
	}
	return sb.String()
}
