package tabfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"jiceng/internal/core"
)

// Row is one record of a file.
type Row struct {
	// Num is the 1-based record number, as a spreadsheet shows the row.
	Num int
	// Cells are the cell texts; the slice is reused by the next Read.
	Cells []string
	// Err, when not empty, is why the reader itself refuses the row
	// (an oversized cell, a truncated file, a formula without value).
	Err string
}

// RowReader reads the records of a file in order.
type RowReader interface {
	// Read returns the next record, or io.EOF after the last. Any other
	// error is fatal for the file.
	Read() (Row, error)
	Close() error
}

// Limits of the readers.
const (
	// MaxCell is the largest cell accepted; a row with a bigger one is
	// rejected.
	MaxCell = 1 << 20
	// MaxRecord is the largest row accepted, all its cells together; a
	// bigger row is rejected and only its start is kept, so that a runaway
	// quote or a line of millions of cells cannot eat the memory.
	MaxRecord = 4 << 20
	// MaxColumns is the widest row read: a row with values beyond it is
	// rejected, and a header wider than it refuses the file.
	MaxColumns = 1024
	// maxRejectCell is how much of each cell of a row rejected for its size
	// goes to the rejects file: enough to find the row, never megabytes.
	maxRejectCell = 256
)

// Shrink cuts the cells of a row rejected for its size to a few hundred
// bytes each (at a character boundary), marking each cut with "…", and
// reports whether it cut any.
func Shrink(cells []string) (cut bool) {
	for i, v := range cells {
		if len(v) > maxRejectCell {
			j := maxRejectCell
			for j > 0 && !utf8.RuneStart(v[j]) {
				j--
			}
			cells[i] = v[:j] + "…"
			cut = true
		}
	}
	return cut
}

// sniffSize is how much of a text file is looked at to guess its encoding
// and delimiter.
const sniffSize = 64 << 10

// Encodings Decode finds.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF16   = "utf-16"
	EncodingGB18030 = "gb18030"
)

// Text is outside text decoded to UTF-8.
type Text struct {
	*bufio.Reader
	// Encoding is the encoding found: EncodingUTF8, EncodingUTF16 or
	// EncodingGB18030.
	Encoding string
	gb       *gbDecoder // for GB18030: knows the undecodable bytes
}

// Decode returns r decoded to UTF-8: UTF-8 with or without BOM (the BOM
// dropped), UTF-16 with BOM, or else GB18030 (a superset of GBK and
// GB2312) when the first chunk is not valid UTF-8.
//
// For GB18030 every undecodable byte becomes U+FFFD and is remembered
// (the CSV reader rejects its row naming where the damage is). A text
// whose first chunk is neither UTF-8 nor mostly GB18030 (more than 1 in
// 100 characters undecodable) is refused: it is in some other encoding,
// and every row would be mojibake. Errors are *core.Error with a Chinese
// message that quotes none of the content.
func Decode(r io.Reader) (*Text, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, core.Errorf(core.EINVALID, "读取文件失败")
	}
	full := err == io.EOF // head is the whole file
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return &Text{Reader: br, Encoding: EncodingUTF8}, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return &Text{Reader: bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), Encoding: EncodingUTF16}, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, core.Errorf(core.EINVALID, "不是文本文件（含有空字节），也不是 XLSX；请导出为 CSV 或 XLSX")
	}
	check := head
	if !full {
		// Do not count a character cut by the end of the chunk.
		check = trimPartialRune(head)
	}
	if utf8.Valid(check) {
		return &Text{Reader: br, Encoding: EncodingUTF8}, nil
	}
	if bad, chars, first := gbDamage(head, full); bad > 0 && bad*100 > chars {
		return nil, core.Errorf(core.EINVALID, "编码无法识别：开头 %d KB 中有 %d 处字节既不是 UTF-8 也不是 GBK/GB18030（第一处在文件第 %d 字节）；"+
			"请在 Excel 或 WPS 中另存为“CSV UTF-8”或 GBK 编码的 CSV 后再导入", (len(head)+1023)/1024, bad, first+1)
	}
	dec := newGBDecoder()
	return &Text{Reader: bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), Encoding: EncodingGB18030, gb: dec}, nil
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < utf8.RuneSelf {
			return b // ASCII: nothing cut
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// sniffDelimiter picks the delimiter (comma, tab or semicolon) that occurs
// most often outside quotes in the first lines of head.
func sniffDelimiter(head []byte) byte {
	counts := map[byte]int{',': 0, '\t': 0, ';': 0}
	lines, quoted := 0, false
	for _, c := range head {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			lines++
		case c == ',' || c == '\t' || c == ';':
			counts[c]++
		}
		if lines >= 20 {
			break
		}
	}
	best := byte(',')
	for _, d := range []byte{'\t', ';'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// maxSmall is the most ReadSmall reads.
const maxSmall = 16 << 20

// ReadSmall reads a whole small text file (a mapping file) into a string,
// in UTF-8, GBK or GB18030 as Decode finds it; it stops after 16 MB.
func ReadSmall(r io.Reader) (string, error) {
	t, err := Decode(r)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if _, err := io.Copy(&b, io.LimitReader(t, maxSmall)); err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	return b.String(), nil
}
