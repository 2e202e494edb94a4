// Package importer reads tickets from the files street staff export from
// hotline systems and spreadsheets (CSV in UTF-8, GBK or GB18030; XLSX),
// finds the header, maps columns onto the field set, and stores every row
// or rejects it with a precise reason in FILE.rejects.csv.
//
// Reading is streaming: memory does not grow with the file beyond a compact
// set of hashes of ticket numbers used to find duplicates.
package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// Format of an input file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

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
	// MaxExtra is the most values of columns that name no field one ticket
	// keeps (in Ticket.Extra); a header with more such columns refuses the
	// file, a row with more such values is rejected.
	MaxExtra = 200
	// MaxXLSXUnzipped is the largest an XLSX file may be once unzipped, and
	// maxSharedStrings its shared-string table (which is read into memory
	// whole); maxXLSXPart bounds every other part but the sheets.
	MaxXLSXUnzipped  = 1 << 30
	maxSharedStrings = 256 << 20
	maxXLSXPart      = 64 << 20
	// maxRejectCell is how much of each cell of a row rejected for its size
	// goes to the rejects file: enough to find the row, never megabytes.
	maxRejectCell = 256
)

// sizeReason checks a row against MaxCell, MaxRecord and MaxColumns and
// returns why it is too big, or "". width is the number of cells the row
// really had (more than len(cells) when the reader stopped keeping them)
// and wideValue whether one beyond MaxColumns had a value.
func sizeReason(cells []string, total, width int, wideValue bool) string {
	switch {
	case width > MaxColumns && wideValue:
		return fmt.Sprintf("此行有 %d 列，超过上限 %d 列", width, MaxColumns)
	}
	for c, v := range cells {
		if len(v) > MaxCell {
			return fmt.Sprintf("第 %d 列单元格超过 %d MB", c+1, MaxCell>>20)
		}
	}
	if total > MaxRecord {
		return fmt.Sprintf("此行超过 %d MB", MaxRecord>>20)
	}
	return ""
}

// shrink cuts the cells of a row rejected for its size to maxRejectCell
// bytes each (at a character boundary), marking each cut with "…", and
// reports whether it cut any.
func shrink(cells []string) (cut bool) {
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

var (
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// ReadOptions tune Open.
type ReadOptions struct {
	// Sheet is the XLSX sheet to read; empty means the first.
	Sheet string
	// Counter, when not nil, is advanced by the bytes read from the file
	// (CSV only), for a progress bar.
	Counter *int64
}

// Open opens the CSV or XLSX file at path, recognised by its first bytes
// (not its extension, so a renamed file still works). Errors are
// *core.Error with a Chinese message naming the file, never its content.
func Open(path string, opt ReadOptions) (RowReader, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", core.Errorf(core.EINVALID, "无法打开文件 %s", filepath.Base(path))
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, magicZip):
		f.Close()
		r, err := openXLSX(path, opt.Sheet)
		return r, FormatXLSX, err
	case bytes.HasPrefix(head, magicOLE):
		f.Close()
		return nil, "", core.Errorf(core.EINVALID, "%s 是旧版 Excel (.xls) 或加密文件，不支持；请在 Excel 中另存为 .xlsx 或 CSV 后再导入", filepath.Base(path))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, "", err
	}
	var src io.Reader = f
	if opt.Counter != nil {
		src = &countingReader{r: f, n: opt.Counter}
	}
	text, enc, gb, err := decodeText(src)
	if err != nil {
		f.Close()
		return nil, "", core.Errorf(core.EINVALID, "%s: %s", filepath.Base(path), core.ErrorMessage(err))
	}
	r, err := newCSVReader(text, f, enc == "utf-8")
	if r != nil {
		r.gb = gb
	}
	if err != nil {
		f.Close()
		return nil, "", err
	}
	return r, FormatCSV, nil
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	atomic.AddInt64(c.n, int64(n))
	return n, err
}

// sniffSize is how much of a text file is looked at to guess its encoding
// and delimiter.
const sniffSize = 64 << 10

// decodeText returns r decoded to UTF-8 and the name of the encoding found:
// UTF-8 with or without BOM, UTF-16 with BOM, or else GB18030 (a superset of
// GBK and GB2312) when the first chunk is not valid UTF-8.
//
// For GB18030 it also returns the decoder, which remembers where bytes
// could not be decoded. A file whose first chunk is neither UTF-8 nor
// mostly GB18030 (more than 1 in 100 characters undecodable) is refused:
// it is in some other encoding, and every row would be mojibake.
func decodeText(r io.Reader) (*bufio.Reader, string, *gbDecoder, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", nil, core.Errorf(core.EINVALID, "读取文件失败")
	}
	full := err == io.EOF // head is the whole file
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, "utf-8", nil, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), "utf-16", nil, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, "", nil, core.Errorf(core.EINVALID, "不是文本文件（含有空字节），也不是 XLSX；请导出为 CSV 或 XLSX")
	}
	check := head
	if !full {
		// Do not count a character cut by the end of the chunk.
		check = trimPartialRune(head)
	}
	if utf8.Valid(check) {
		return br, "utf-8", nil, nil
	}
	if bad, chars, first := gbDamage(head, full); bad > 0 && bad*100 > chars {
		return nil, "", nil, core.Errorf(core.EINVALID, "编码无法识别：开头 %d KB 中有 %d 处字节既不是 UTF-8 也不是 GBK/GB18030（第一处在文件第 %d 字节）；"+
			"请在 Excel 或 WPS 中另存为“CSV UTF-8”或 GBK 编码的 CSV 后再导入", (len(head)+1023)/1024, bad, first+1)
	}
	dec := newGBDecoder()
	return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), "gb18030", dec, nil
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

// decodeSmall reads a whole small text file (a mapping file) into a string,
// in UTF-8, GBK or GB18030.
func decodeSmall(r io.Reader) (string, error) {
	br, _, _, err := decodeText(r)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if _, err := io.Copy(&b, io.LimitReader(br, 16<<20)); err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	return b.String(), nil
}
