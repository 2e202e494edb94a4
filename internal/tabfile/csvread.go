package tabfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"jiceng/internal/core"
)

// csvReader reads RFC 4180 CSV as spreadsheets write it, leniently: a quote
// inside an unquoted cell, or text after a closing quote, is kept as text
// (Excel does the same), and rows may have any number of cells. It is
// written for this job rather than using encoding/csv so that a runaway
// quote cannot pull the rest of a large file into memory, oversized cells
// are reported per row, and a file cut inside a quote is named precisely.
type csvReader struct {
	br        *bufio.Reader
	closer    io.Closer
	delim     byte
	checkUTF8 bool

	num   int
	rec   []byte // kept bytes of the current record's cells
	ends  []int  // end of each cell in rec
	cells []string
	done  bool

	cellLen int  // length of the current cell, kept or not
	cellNL  int  // line breaks inside the current quoted cell
	endsNL  bool // the last bytes read ended with a line break
	cut     bool // some bytes of the record were not kept
	bigCol  int  // 1-based column of the first cell over MaxCell, or 0

	width     int  // cells in the record, kept or not
	total     int  // bytes of the record's cells, kept or not
	skip      bool // the current cell is beyond MaxColumns: not kept
	wideValue bool // a cell beyond MaxColumns has a value

	gb  *gbDecoder // the GB18030 decoder, which knows the undecodable bytes
	pos int64      // decoded bytes consumed
}

// NewCSVReader reads the CSV records of r, decoded as Decode decodes it,
// with the delimiter (comma, tab or semicolon) found in its first lines.
// Cells guarded by SafeCell are unguarded. A row that cannot be taken as
// it is (a cell over MaxCell, a record over MaxRecord, values beyond
// MaxColumns, undecodable bytes, a file cut inside a quote) has Row.Err
// set; Close closes closer. The error is Decode's.
func NewCSVReader(r io.Reader, closer io.Closer) (RowReader, error) {
	t, err := Decode(r)
	if err != nil {
		return nil, err
	}
	return newCSVReader(t, closer), nil
}

func newCSVReader(t *Text, closer io.Closer) *csvReader {
	head, _ := t.Peek(sniffSize)
	return &csvReader{br: t.Reader, closer: closer, delim: sniffDelimiter(head), checkUTF8: t.Encoding == EncodingUTF8, gb: t.gb}
}

func (r *csvReader) Close() error { return r.closer.Close() }

func readErr(err error) error {
	return &core.Error{Code: core.EINVALID, Message: "读取文件失败", Err: err}
}

// Read returns the next record.
func (r *csvReader) Read() (Row, error) {
	if r.done {
		return Row{}, io.EOF
	}
	if _, err := r.br.Peek(1); err != nil {
		r.done = true
		if err == io.EOF {
			return Row{}, io.EOF
		}
		return Row{}, readErr(err)
	}
	r.num++
	r.rec, r.ends, r.cut, r.bigCol = r.rec[:0], r.ends[:0], false, 0
	r.width, r.total, r.wideValue = 0, 0, false
	reason := ""
	for {
		r.skip = len(r.ends) >= MaxColumns
		end, truncated, err := r.readField()
		if err != nil {
			r.done = true
			return Row{}, readErr(err)
		}
		r.width++
		if !r.skip {
			r.ends = append(r.ends, len(r.rec))
		}
		if r.cellLen > MaxCell && r.bigCol == 0 {
			r.bigCol = r.width
		}
		if truncated {
			reason = fmt.Sprintf("文件在第 %d 行被截断（引号未闭合）", r.num)
			if r.cellNL > 0 {
				// A stray quote swallowed the lines after it.
				reason += fmt.Sprintf("，其后 %d 行都在未闭合的引号内，未能读取", r.cellNL)
			}
			r.done = true
			break
		}
		if end != r.delim {
			break
		}
	}
	s := string(r.rec)
	r.cells = r.cells[:0]
	prev := 0
	for _, e := range r.ends {
		c := s[prev:e]
		if len(c) > 1 && c[0] == '\'' {
			c = unguard(c) // a cell SafeCell guarded
		}
		r.cells = append(r.cells, c)
		prev = e
	}
	var bad []badByte
	if r.gb != nil {
		bad = r.gb.take(r.pos)
	}
	if reason == "" {
		switch {
		case r.width > MaxColumns && r.wideValue:
			reason = fmt.Sprintf("此行有 %d 列，超过上限 %d 列", r.width, MaxColumns)
		case r.bigCol > 0:
			reason = fmt.Sprintf("第 %d 列单元格超过 %d MB", r.bigCol, MaxCell>>20)
		case r.total > MaxRecord:
			reason = fmt.Sprintf("此行超过 %d MB", MaxRecord>>20)
		case len(bad) > 0:
			reason = "含有无法按 GBK/GB18030 解码的字节"
			for c, v := range r.cells {
				if strings.Contains(v, "\uFFFD") {
					reason = fmt.Sprintf("第 %d 列含有无法按 GBK/GB18030 解码的字节", c+1)
					break
				}
			}
			reason += fmt.Sprintf("（在文件第 %d 字节", bad[0].in+1)
			if len(bad) > 1 {
				reason += fmt.Sprintf("，此行共 %d 处", len(bad))
			}
			reason += "），此行未导入；请检查文件的编码，或文件是否已损坏"
			return Row{Num: r.num, Cells: r.cells, Err: reason}, nil
		case r.checkUTF8 && firstInvalidUTF8(r.cells) >= 0:
			// Each cell on its own: the bytes of two cells can join into
			// a valid sequence ("\xe5" and "\xa5\x80").
			reason = fmt.Sprintf("第 %d 列含有无效的 UTF-8 字节（文件编码前后不一致），此行未导入", firstInvalidUTF8(r.cells)+1)
			return Row{Num: r.num, Cells: r.cells, Err: reason}, nil
		default:
			return Row{Num: r.num, Cells: r.cells}, nil
		}
		if Shrink(r.cells) || r.cut {
			reason += "（拒绝文件中每格只保留开头）"
		}
	} else if (r.cut || r.bigCol > 0) && Shrink(r.cells) {
		reason += "（拒绝文件中每格只保留开头）"
	}
	return Row{Num: r.num, Cells: r.cells, Err: reason}, nil
}

// discard consumes n decoded bytes.
func (r *csvReader) discard(n int) {
	r.br.Discard(n)
	r.pos += int64(n)
}

// keep appends b to the current cell unless the record is over MaxRecord
// or the cell beyond MaxColumns.
func (r *csvReader) keep(b []byte) {
	r.cellLen += len(b)
	r.total += len(b)
	if r.skip {
		if !r.wideValue && len(bytes.TrimSpace(b)) > 0 {
			r.wideValue = true
		}
		return
	}
	if len(r.rec)+len(b) > MaxRecord {
		r.cut = true
		return
	}
	r.rec = append(r.rec, b...)
}

// buffered returns the bytes buffered, reading more when there are none.
func (r *csvReader) buffered() ([]byte, error) {
	if r.br.Buffered() == 0 {
		if _, err := r.br.Peek(1); err != nil {
			return nil, err
		}
	}
	b, _ := r.br.Peek(r.br.Buffered())
	return b, nil
}

// readField reads one cell and returns what ended it: the delimiter, '\n',
// or 0 at the end of the file. truncated means the file ended inside a
// quoted cell.
func (r *csvReader) readField() (end byte, truncated bool, err error) {
	r.cellLen, r.cellNL = 0, 0
	b, err := r.br.Peek(1)
	if err == io.EOF {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if b[0] == '"' {
		r.discard(1)
		for {
			buf, err := r.buffered()
			if err == io.EOF {
				if r.endsNL {
					r.cellNL-- // the line break ending the file ends no line of its own
				}
				return 0, true, nil
			}
			if err != nil {
				return 0, false, err
			}
			r.endsNL = buf[len(buf)-1] == '\n'
			i := bytes.IndexByte(buf, '"')
			if i < 0 {
				r.cellNL += bytes.Count(buf, []byte{'\n'})
				r.keep(buf)
				r.discard(len(buf))
				continue
			}
			r.cellNL += bytes.Count(buf[:i], []byte{'\n'})
			r.keep(buf[:i])
			r.discard(i + 1)
			if nb, err := r.br.Peek(1); err == nil && nb[0] == '"' {
				r.keep(nb)
				r.discard(1)
				continue
			}
			break
		}
	}
	// The unquoted cell, or text after a closing quote.
	start := len(r.rec)
	for {
		buf, err := r.buffered()
		if err == io.EOF {
			r.trimCR(start)
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		i := 0
		for i < len(buf) && buf[i] != r.delim && buf[i] != '\n' {
			i++
		}
		if i == len(buf) {
			r.keep(buf)
			r.discard(len(buf))
			continue
		}
		end := buf[i]
		r.keep(buf[:i])
		r.discard(i + 1)
		if end == '\n' {
			r.trimCR(start)
		}
		return end, false, nil
	}
}

// trimCR drops the \r of a \r\n line end.
func (r *csvReader) trimCR(start int) {
	if len(r.rec) > start && r.rec[len(r.rec)-1] == '\r' {
		r.rec = r.rec[:len(r.rec)-1]
		r.cellLen--
	}
}
