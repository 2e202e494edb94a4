package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
)

// xlsxReader streams the rows of one sheet with excelize's row iterator,
// taking cell values raw (dates as serial numbers, which the field set
// parses) and formula cells by their cached values.
//
// Two things excelize's iterator cannot tell are found by a quick byte
// scan of the sheet before reading: merged ranges (listed after the rows,
// so they must be known first; the value of a range's top-left cell fills
// the whole range, as staff merge a community column over many rows) and
// formula cells that have no cached value (the row is then rejected: the
// value is unknown until Excel recalculates it).
type xlsxReader struct {
	f     *excelize.File
	rows  *excelize.Rows
	name  string
	num   int
	cells []string

	merges  []mergeRange // sorted by top row
	next    int          // first merge not yet active
	active  []*mergeRange
	noValue map[int][]int  // row → columns of formulas without value
	bigRows map[int]string // row → why it is too big to read
}

// maxMergeFill is the last column a merged range adds to a row that is
// shorter.
const maxMergeFill = 1024

type mergeRange struct {
	r1, c1, r2, c2 int // 1-based, inclusive
	val            string
}

func openXLSX(file, sheet string) (r *xlsxReader, err error) {
	base := filepath.Base(file)
	bad := core.Errorf(core.EINVALID, "%s 不是完整的 XLSX 文件（可能已损坏或被截断），无法读取", base)
	// A malformed file must not crash the import, whatever the library
	// makes of it.
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, &core.Error{Code: core.EINVALID, Message: bad.Message, Err: fmt.Errorf("excelize panic: %v", p)}
		}
	}()
	if err := checkZip(file); err != nil {
		var ce *core.Error
		if errors.As(err, &ce) && ce.Code == core.EINVALID {
			return nil, core.Errorf(core.EINVALID, "%s: %s", base, ce.Message)
		}
		return nil, &core.Error{Code: core.EINVALID, Message: bad.Message, Err: err}
	}
	f, err := excelize.OpenFile(file, excelize.Options{UnzipSizeLimit: MaxXLSXUnzipped, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, &core.Error{Code: core.EINVALID, Message: bad.Message, Err: err}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, bad
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		f.Close()
		return nil, core.Errorf(core.EINVALID, "%s 中没有工作表 %q；工作表有: %s", base, sheet, strings.Join(sheets, "、"))
	}
	r = &xlsxReader{f: f, name: base}
	if err := r.scan(file, sheet); err != nil {
		f.Close()
		var ce *core.Error
		if errors.As(err, &ce) {
			return nil, core.Errorf(core.EINVALID, "%s: %s", base, ce.Message)
		}
		return nil, &core.Error{Code: core.EINVALID, Message: bad.Message, Err: err}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, &core.Error{Code: core.EINVALID, Message: bad.Message, Err: err}
	}
	r.rows = rows
	return r, nil
}

func (r *xlsxReader) Close() error {
	if r.rows != nil {
		r.rows.Close()
	}
	return r.f.Close()
}

// Read returns the next row.
func (r *xlsxReader) Read() (row Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, err = Row{}, &core.Error{Code: core.EINVALID, Message: fmt.Sprintf("%s 第 %d 行无法读取（文件可能已损坏）", r.name, r.num), Err: fmt.Errorf("excelize panic: %v", p)}
		}
	}()
	if !r.rows.Next() {
		if err := r.rows.Error(); err != nil {
			return Row{}, &core.Error{Code: core.EINVALID, Message: fmt.Sprintf("%s 第 %d 行之后无法读取（文件可能已损坏）", r.name, r.num), Err: err}
		}
		return Row{}, io.EOF
	}
	r.num++
	if why := r.bigRows[r.num]; why != "" {
		// Not parsed at all: its XML alone is bigger than any row may be.
		r.cells = r.cells[:0]
		r.fillMerged()
		return Row{Num: r.num, Cells: r.cells, Err: why}, nil
	}
	cells, err := r.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return Row{}, &core.Error{Code: core.EINVALID, Message: fmt.Sprintf("%s 第 %d 行无法读取（文件可能已损坏）", r.name, r.num), Err: err}
	}
	r.cells = append(r.cells[:0], cells...)
	r.fillMerged()
	row = Row{Num: r.num, Cells: r.cells}
	for _, c := range r.noValue[r.num] {
		row.Err = fmt.Sprintf("第 %d 列是公式且没有计算结果（请在 Excel 中打开、重新计算并保存后再导入）", c)
		break
	}
	total, wide := 0, false
	for c, v := range r.cells {
		total += len(v)
		if c >= MaxColumns && !wide && strings.TrimSpace(v) != "" {
			wide = true
		}
	}
	if why := sizeReason(r.cells, total, len(r.cells), wide); why != "" {
		row.Err = why
		if len(r.cells) > MaxColumns {
			r.cells = r.cells[:MaxColumns]
		}
		if shrink(r.cells) {
			row.Err += "（拒绝文件中每格只保留开头）"
		}
		row.Cells = r.cells
	}
	return row, nil
}

// fillMerged copies the top-left value of every merged range over the
// range's other cells in the current row.
func (r *xlsxReader) fillMerged() {
	for r.next < len(r.merges) && r.merges[r.next].r1 <= r.num {
		m := &r.merges[r.next]
		r.next++
		if m.r1 == r.num {
			if m.c1 <= len(r.cells) {
				m.val = r.cells[m.c1-1]
			}
			r.active = append(r.active, m)
		}
	}
	keep := r.active[:0]
	for _, m := range r.active {
		if m.r2 < r.num {
			continue
		}
		keep = append(keep, m)
		if m.val == "" {
			continue
		}
		// A range may run to the last column of the sheet; filling it
		// whole would make every row 16,384 cells long.
		c2 := min(m.c2, max(len(r.cells), maxMergeFill))
		for len(r.cells) < c2 {
			r.cells = append(r.cells, "")
		}
		for c := m.c1; c <= c2; c++ {
			if r.num == m.r1 && c == m.c1 {
				continue
			}
			if r.cells[c-1] == "" {
				r.cells[c-1] = m.val
			}
		}
	}
	r.active = keep
}

// checkZip refuses an XLSX file that would unzip to more than the
// readers may hold: over MaxXLSXUnzipped in all, a shared-string table
// over maxSharedStrings, another part (not a sheet) over maxXLSXPart, or a
// big part compressed more than a spreadsheet ever is (a zip bomb). The
// sizes are those the zip declares; archive/zip fails a part that unzips
// to more than it declared, so they cannot lie.
func checkZip(file string) error {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return err
	}
	defer zr.Close()
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		name := strings.ToLower(f.Name)
		switch {
		case total > MaxXLSXUnzipped:
			return core.Errorf(core.EINVALID, "解压后超过 %d MB，超出导入上限；请拆分文件或导出为 CSV", MaxXLSXUnzipped>>20)
		case size > 32<<20 && size/max(f.CompressedSize64, 1) > maxZipRatio:
			return core.Errorf(core.EINVALID, "其中 %s 的压缩比异常（%d 倍，疑似压缩炸弹），拒绝读取", path.Base(f.Name), size/max(f.CompressedSize64, 1))
		case name == "xl/sharedstrings.xml" && size > maxSharedStrings:
			return core.Errorf(core.EINVALID, "共享字符串表解压后超过 %d MB，超出导入上限；请拆分文件或导出为 CSV", maxSharedStrings>>20)
		case !strings.HasPrefix(name, "xl/worksheets/") && name != "xl/sharedstrings.xml" && size > maxXLSXPart:
			return core.Errorf(core.EINVALID, "其中 %s 解压后超过 %d MB，不像是表格数据，拒绝读取", path.Base(f.Name), maxXLSXPart>>20)
		}
	}
	return nil
}

// maxZipRatio is the most a big part of an XLSX file may be compressed:
// sheets of real data compress 5 to 30 times, a zip bomb a thousand.
const maxZipRatio = 200

// scan reads the sheet's XML once, byte by byte, for merged ranges and
// formulas without a cached value.
func (r *xlsxReader) scan(file, sheet string) error {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return err
	}
	defer zr.Close()
	part, err := sheetPart(&zr.Reader, sheet)
	if err != nil {
		return err
	}
	var zf *zip.File
	for _, f := range zr.File {
		if f.Name == part {
			zf = f
		}
	}
	if zf == nil {
		return fmt.Errorf("sheet part %s missing", part)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc, err := scanSheet(rc)
	r.merges, r.noValue, r.bigRows = sc.merges, sc.noValue, sc.bigRows
	return err
}

// scanSheet reads a worksheet's XML byte by byte for merged ranges (sorted
// by top row) and the cells, by row, of formulas without a cached value. It
// looks only at tag names and two attributes, so it is fast and tolerant of
// whatever else the XML holds.
func scanSheet(rd io.Reader) (sheetScan, error) {
	var (
		sc           sheetScan
		cellRef      string
		inCell       bool
		hasF, hasVal bool
		row          int   // current row number
		rowStart     int64 // offset of the current row's tag
		text         int   // length of the current text run
	)
	var n int64
	br := bufio.NewReaderSize(&countingReader{r: rd, n: &n}, 256<<10)
	pos := func() int64 { return n - int64(br.Buffered()) }
	markBig := func(why string) {
		if sc.bigRows == nil {
			sc.bigRows = map[int]string{}
		}
		if sc.bigRows[row] == "" {
			sc.bigRows[row] = why
		}
	}
	for {
		chunk, err := br.ReadSlice('<')
		text += len(chunk)
		if text > maxXMLText {
			return sc, core.Errorf(core.EINVALID, "第 %d 行有一个超过 %d MB 的单元格，文件无法导入", row, maxXMLText>>20)
		}
		if err != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				break
			}
			return sc, err
		}
		if text > 2*MaxCell && row > 0 {
			markBig(fmt.Sprintf("单元格超过 %d MB", MaxCell>>20))
		}
		text = 0
		tagAt := pos() - 1
		tag, err := readTag(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return sc, err
		}
		name, attrs, _ := strings.Cut(tag, " ")
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		selfClosing := strings.HasSuffix(tag, "/")
		name = strings.TrimSuffix(name, "/")
		switch name {
		case "row":
			if r, err := strconv.Atoi(attr(attrs, "r")); err == nil && r > 0 {
				row = r
			} else {
				row++
			}
			rowStart = tagAt
		case "/row":
			if pos()-rowStart > maxRowXML {
				markBig(fmt.Sprintf("此行超过 %d MB", MaxRecord>>20))
			}
		case "c":
			cellRef = attr(attrs, "r")
			inCell, hasF, hasVal = !selfClosing, false, false
		case "f":
			hasF = hasF || inCell
		case "v", "is":
			hasVal = hasVal || inCell
		case "/c":
			if inCell && hasF && !hasVal && cellRef != "" {
				if col, row, err := excelize.CellNameToCoordinates(cellRef); err == nil {
					if sc.noValue == nil {
						sc.noValue = map[int][]int{}
					}
					sc.noValue[row] = append(sc.noValue[row], col)
				}
			}
			inCell = false
		case "mergeCell":
			a, b, ok := strings.Cut(attr(attrs, "ref"), ":")
			if !ok {
				continue
			}
			c1, r1, err1 := excelize.CellNameToCoordinates(a)
			c2, r2, err2 := excelize.CellNameToCoordinates(b)
			if err1 != nil || err2 != nil {
				continue
			}
			sc.merges = append(sc.merges, mergeRange{r1: min(r1, r2), c1: min(c1, c2), r2: max(r1, r2), c2: max(c1, c2)})
		}
	}
	sort.Slice(sc.merges, func(i, j int) bool { return sc.merges[i].r1 < sc.merges[j].r1 })
	return sc, nil
}

// sheetScan is what scanSheet finds.
type sheetScan struct {
	merges  []mergeRange  // sorted by top row
	noValue map[int][]int // row → columns of formulas without a cached value
	bigRows map[int]string
}

// Bounds of a sheet's XML. A row whose XML is over maxRowXML, or with a
// text over twice MaxCell (escaping can double it), is rejected without
// being parsed; one text over maxXMLText refuses the file, since even
// skipping it the XML decoder would hold it whole.
const (
	maxRowXML  = 2*MaxRecord + 1<<20
	maxXMLText = 64 << 20
)

// readTag reads up to the next '>' and returns the tag text without the
// brackets (names of elements we look at are short; long text content is
// not inside a tag).
func readTag(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('>')
		if len(b)+len(chunk) < 4096 {
			b = append(b, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		return string(bytes.TrimSuffix(b, []byte(">"))), nil
	}
}

// attr returns the value of attribute name in the attribute text of a tag.
func attr(attrs, name string) string {
	for attrs != "" {
		attrs = strings.TrimLeft(attrs, " \t\r\n")
		k, rest, ok := strings.Cut(attrs, "=")
		if !ok || len(rest) < 2 {
			return ""
		}
		q := rest[0]
		end := strings.IndexByte(rest[1:], q)
		if end < 0 {
			return ""
		}
		if strings.TrimSpace(k) == name {
			return rest[1 : 1+end]
		}
		attrs = rest[end+2:]
	}
	return ""
}

// sheetPart finds the zip part of the sheet named sheet through
// xl/workbook.xml and its relationships.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(zr, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	if err := readXMLPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, rel := range rels.Rels {
			if rel.ID == s.RID {
				if strings.HasPrefix(rel.Target, "/") {
					return strings.TrimPrefix(rel.Target, "/"), nil
				}
				return path.Join("xl", rel.Target), nil
			}
		}
	}
	return "", fmt.Errorf("sheet %q not in workbook", sheet)
}

func readXMLPart(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
	}
	return fmt.Errorf("part %s missing", name)
}
