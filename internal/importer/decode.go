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

	"golang.org/x/text/encoding/simplifiedchinese"
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
	// maxKeep is how much of one record is kept in memory for the rejects
	// file; beyond it the cells are cut, so that a runaway quote cannot eat
	// the memory.
	maxKeep = 32 << 20
)

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
	text, enc, err := decodeText(src)
	if err != nil {
		f.Close()
		return nil, "", core.Errorf(core.EINVALID, "%s: %s", filepath.Base(path), core.ErrorMessage(err))
	}
	r, err := newCSVReader(text, f, enc == "utf-8")
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
func decodeText(r io.Reader) (*bufio.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", core.Errorf(core.EINVALID, "读取文件失败")
	}
	full := err == io.EOF // head is the whole file
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, "utf-8", nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), "utf-16", nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, "", core.Errorf(core.EINVALID, "不是文本文件（含有空字节），也不是 XLSX；请导出为 CSV 或 XLSX")
	}
	check := head
	if !full {
		// Do not count a character cut by the end of the chunk.
		check = trimPartialRune(head)
	}
	if utf8.Valid(check) {
		return br, "utf-8", nil
	}
	dec := simplifiedchinese.GB18030.NewDecoder()
	return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), "gb18030", nil
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
	br, _, err := decodeText(r)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if _, err := io.Copy(&b, io.LimitReader(br, 16<<20)); err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	return b.String(), nil
}
