package tabfile

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"jiceng/internal/core"
)

// Encodings of a CSV file written.
const (
	// UTF8 is UTF-8 with a byte-order mark, so that Excel recognises it.
	UTF8 = "utf8"
	// GBK is GB18030, which equals GBK on every GBK character and can
	// still write all the others (a GBK encoder would fail on them), so
	// that every text round-trips.
	GBK = "gbk"
)

// ValidEncoding reports whether enc is an encoding the writers know.
func ValidEncoding(enc string) bool { return enc == UTF8 || enc == GBK }

// BOM returns what a CSV file in enc starts with: the byte-order mark for
// UTF8, nothing for GBK.
func BOM(enc string) string {
	if enc == GBK {
		return ""
	}
	return "\ufeff"
}

// Encode returns UTF-8 text b in enc (without the BOM): b itself for UTF8,
// GB18030 for GBK. It is safe for concurrent use.
func Encode(b []byte, enc string) ([]byte, error) {
	if enc != GBK {
		return b, nil
	}
	// A new encoder per call: encoders keep state and are not safe for
	// concurrent use.
	return simplifiedchinese.GB18030.NewEncoder().Bytes(b)
}

// RowWriter writes the rows of a table file. Close finishes the file (it
// does not close the io.Writer under it).
type RowWriter interface {
	Write(cells []string) error
	Close() error
}

type csvWriter struct {
	bw *bufio.Writer
	tw io.WriteCloser
	cw *csv.Writer
}

// NewCSVWriter writes CSV to w in enc (UTF8 or GBK, see there), with LF
// line ends, every cell guarded against formula injection (SafeCells; the
// CSV reader takes the guard off again). Write modifies the cells it is
// given in place.
func NewCSVWriter(w io.Writer, enc string) (RowWriter, error) {
	if !ValidEncoding(enc) {
		return nil, core.Errorf(core.EINVALID, "CSV 编码应为 %s 或 %s", UTF8, GBK)
	}
	c := &csvWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	var out io.Writer = c.bw
	if enc == GBK {
		c.tw = transform.NewWriter(c.bw, simplifiedchinese.GB18030.NewEncoder())
		out = c.tw
	} else if _, err := c.bw.WriteString(BOM(enc)); err != nil {
		return nil, err
	}
	// LF line ends: with UseCRLF, csv.Writer also turns line breaks inside
	// cells into CRLF, which would not round-trip. Excel reads either.
	c.cw = csv.NewWriter(out)
	return c, nil
}

func (c *csvWriter) Write(cells []string) error { return c.cw.Write(SafeCells(cells)) }

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	if c.tw != nil {
		if err := c.tw.Close(); err != nil {
			return err
		}
	}
	return c.bw.Flush()
}

// xlsxWriter writes one sheet with excelize's StreamWriter, every cell as
// text so that numbers such as ticket numbers keep their leading zeros.
type xlsxWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	dst io.Writer
	n   int
	buf []any
	// closed is set once f is closed.
	closed bool
}

// NewXLSXWriter writes an XLSX workbook of one sheet, Sheet1, to w; w gets
// the whole file at Close. Memory stays flat: excelize spills rows to a
// temporary file.
func NewXLSXWriter(w io.Writer) (RowWriter, error) { return NewXLSXSheetWriter(w, "") }

// NewXLSXSheetWriter is NewXLSXWriter with the sheet named sheet ("" keeps
// Sheet1).
func NewXLSXSheetWriter(w io.Writer, sheet string) (RowWriter, error) {
	f := excelize.NewFile()
	if sheet == "" {
		sheet = "Sheet1"
	} else if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxWriter{f: f, sw: sw, dst: w}, nil
}

// MaxXLSXRows is the most rows one worksheet holds.
const MaxXLSXRows = excelize.TotalRows

// MaxXLSXCell is the most characters (UTF-16 code units) one XLSX cell
// holds.
const MaxXLSXCell = excelize.TotalCellChars

func (x *xlsxWriter) Write(cells []string) error {
	x.n++
	x.buf = x.buf[:0]
	for _, c := range cells {
		x.buf = append(x.buf, c)
	}
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return core.Errorf(core.EINVALID, "超过 XLSX 的行数上限，请加筛选条件或导出为 CSV")
	}
	return x.sw.SetRow(cell, x.buf)
}

func (x *xlsxWriter) Close() error {
	if x.closed {
		return os.ErrClosed
	}
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if err := x.f.Write(x.dst); err != nil {
		return err
	}
	x.closed = true
	return x.f.Close()
}

// Discard drops a RowWriter that will not be closed, or was: an XLSX
// writer removes the temporary files excelize spilled rows to. It can be
// deferred.
func Discard(w RowWriter) {
	if x, ok := w.(*xlsxWriter); ok && !x.closed {
		x.closed = true
		x.f.Close()
	}
}
