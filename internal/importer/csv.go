package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

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
}

func newCSVReader(br *bufio.Reader, closer io.Closer, checkUTF8 bool) (*csvReader, error) {
	head, _ := br.Peek(sniffSize)
	return &csvReader{br: br, closer: closer, delim: sniffDelimiter(head), checkUTF8: checkUTF8}, nil
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
	reason := ""
	for {
		end, truncated, err := r.readField()
		if err != nil {
			r.done = true
			return Row{}, readErr(err)
		}
		r.ends = append(r.ends, len(r.rec))
		if r.cellLen > MaxCell && r.bigCol == 0 {
			r.bigCol = len(r.ends)
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
		r.cells = append(r.cells, s[prev:e])
		prev = e
	}
	if reason == "" {
		switch {
		case r.bigCol > 0:
			reason = fmt.Sprintf("第 %d 列单元格超过 1 MB", r.bigCol)
			if r.cut {
				reason += "（拒绝文件中的内容已截断）"
			}
		case r.checkUTF8 && !utf8.ValidString(s):
			reason = "含有无效的 UTF-8 字符（文件编码前后不一致）"
		}
	}
	return Row{Num: r.num, Cells: r.cells, Err: reason}, nil
}

// keep appends b to the current cell unless the record is over maxKeep.
func (r *csvReader) keep(b []byte) {
	r.cellLen += len(b)
	if len(r.rec)+len(b) > maxKeep {
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
		r.br.Discard(1)
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
				r.br.Discard(len(buf))
				continue
			}
			r.cellNL += bytes.Count(buf[:i], []byte{'\n'})
			r.keep(buf[:i])
			r.br.Discard(i + 1)
			if nb, err := r.br.Peek(1); err == nil && nb[0] == '"' {
				r.keep(nb)
				r.br.Discard(1)
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
			r.br.Discard(len(buf))
			continue
		}
		end := buf[i]
		r.keep(buf[:i])
		r.br.Discard(i + 1)
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
