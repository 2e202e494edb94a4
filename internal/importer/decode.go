// Package importer reads tickets from the files street staff export from
// hotline systems and spreadsheets (CSV in UTF-8, GBK or GB18030; XLSX),
// finds the header, maps columns onto the field set, and stores every row
// or rejects it with a precise reason in FILE.rejects.csv.
//
// Reading is streaming: memory does not grow with the file beyond a compact
// set of hashes of ticket numbers used to find duplicates. Decoding and the
// CSV reader are package tabfile's; the XLSX reader is here.
package importer

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"

	"jiceng/internal/core"
	"jiceng/internal/tabfile"
)

// Row is one record of a file (see tabfile.Row).
type Row = tabfile.Row

// RowReader reads the records of a file in order (see tabfile.RowReader).
type RowReader = tabfile.RowReader

// Format of an input file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Limits of the readers.
const (
	// MaxCell, MaxRecord and MaxColumns are the readers' limits on a
	// cell, a row and its width (see tabfile).
	MaxCell    = tabfile.MaxCell
	MaxRecord  = tabfile.MaxRecord
	MaxColumns = tabfile.MaxColumns
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

// shrink cuts the cells of a row rejected for its size (tabfile.Shrink).
func shrink(cells []string) bool { return tabfile.Shrink(cells) }

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
	r, err := tabfile.NewCSVReader(src, f)
	if err != nil {
		f.Close()
		return nil, "", core.Errorf(core.EINVALID, "%s: %s", filepath.Base(path), core.ErrorMessage(err))
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

// decodeSmall reads a whole small text file (a mapping file) into a string,
// in UTF-8, GBK or GB18030 (tabfile.ReadSmall).
func decodeSmall(r io.Reader) (string, error) { return tabfile.ReadSmall(r) }
