package importer

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// How a column of a preview finds its field.
const (
	ByAlias   = "alias"    // its header is a name, label or alias of the field set
	ByMapping = "mapping"  // the mapping names it (to a field, or to none: NoField)
	Unmapped  = "unmapped" // no field: kept as extra information
	Repeated  = "repeated" // names a field an earlier column names: kept as extra
	Unnamed   = "unnamed"  // an empty header: kept as extra under 第N列
)

// PreviewResult is what Preview found at the top of a file: what Import
// would do with its columns, and the first data rows.
type PreviewResult struct {
	Format string
	// HeaderRow is the 1-based row of the header. Guessed says no row named
	// any field, and the first row with a value was taken for the header,
	// so that its columns can be mapped by hand.
	HeaderRow int
	Guessed   bool
	Header    []string
	Columns   []PreviewColumn
	// TitleRows are the rows with a value above the header.
	TitleRows int
	// Rows are the first data rows (blank ones skipped), each cut to the
	// header's width and every cell to MaxPreviewCell bytes.
	Rows []PreviewRow
	// Missing lists the required fields without a column.
	Missing []*fieldset.Field
}

// PreviewColumn is one column of the header.
type PreviewColumn struct {
	Index  int    // 0-based
	Header string // as read, trimmed
	// Fields are the names of the fields the column fills; none for
	// every How but ByAlias and ByMapping (which may also name none).
	Fields []string
	How    string
}

// PreviewRow is one data row of a preview.
type PreviewRow struct {
	Num   int // 1-based row of the file
	Cells []string
	// Err is why the row would be rejected: the reader refuses it (a
	// cell too big, a formula without value) or the field set does (a
	// date that does not exist, a missing required value). Empty when the
	// mapping leaves a required field without a column.
	Err string
}

// MaxPreviewCell is the most bytes of a cell a preview keeps; longer cells
// are cut at a character boundary and end with "…".
const MaxPreviewCell = 300

// Preview reads the top of the CSV or XLSX file at path as Import would
// with opt (field set, mapping, sheet): the header among the first rows,
// the field of each column, and the first n data rows. It reads no more
// rows than that, so its memory does not depend on the file's size (an
// XLSX file's shared strings excepted, which the reader holds, bounded).
// Errors are those of Import for a file it refuses before any row: a file
// that is empty, not CSV or XLSX, or with a header that is too wide.
func Preview(ctx context.Context, path string, opt Options, n int) (PreviewResult, error) {
	im := &importer{opt: opt, set: opt.Fields, path: path, base: filepath.Base(path)}
	if im.set == nil {
		im.set = fieldset.Tickets()
	}
	var res PreviewResult
	rr, format, err := Open(path, ReadOptions{Sheet: opt.Sheet})
	if err != nil {
		return res, err
	}
	defer rr.Close()
	res.Format = format
	var pre []Row
	for len(pre) < headerScan {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, err
		}
		row.Cells = append([]string(nil), row.Cells...)
		pre = append(pre, row)
	}
	h := im.findHeader(pre)
	if h < 0 {
		for i, r := range pre {
			if !blank(r.Cells) {
				h, res.Guessed = i, true
				break
			}
		}
	}
	if h < 0 {
		return res, core.Errorf(core.EINVALID, "%s 是空文件，没有可导入的行", im.base)
	}
	res.HeaderRow = pre[h].Num
	if pre[h].Err != "" {
		return res, core.Errorf(core.EINVALID, "%s: 表头（第 %d 行）%s，文件未导入；请删去多余的列后再导入", im.base, pre[h].Num, pre[h].Err)
	}
	header := pre[h].Cells
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1] // trailing empty cells of a spreadsheet
	}
	im.plan(header)
	if k := len(im.sum.Unmapped) + len(im.sum.Repeated); k > MaxExtra {
		return res, core.Errorf(core.EINVALID, "%s: 表头有 %d 列不对应任何字段，超过上限 %d 列，文件未导入；"+
			"请删去无关的列后再导入", im.base, k, MaxExtra)
	}
	res.Header = im.header
	for c, hd := range im.header {
		col := PreviewColumn{Index: c, Header: hd}
		_, mapped := im.opt.Mapping[fieldset.NormalizeHeader(hd)]
		switch fi := im.colField[c]; {
		case fi >= 0:
			col.Fields = []string{im.set.Fields[fi].Name}
			col.How = ByAlias
			if mapped {
				col.How = ByMapping
			}
		case hd == "":
			col.How = Unnamed
		case im.lookup(hd) != nil:
			col.How = Repeated
		case mapped:
			col.How = ByMapping // to no field
		default:
			col.How = Unmapped
		}
		res.Columns = append(res.Columns, col)
	}
	for i, f := range im.set.Fields {
		if f.Required && im.fieldCol[i] < 0 {
			res.Missing = append(res.Missing, f)
		}
	}
	for _, r := range pre[:h] {
		if !blank(r.Cells) {
			res.TitleRows++
		}
	}
	add := func(r Row) error {
		if len(res.Rows) >= n {
			return io.EOF
		}
		if blank(r.Cells) && r.Err == "" {
			return nil
		}
		cells := make([]string, len(res.Header))
		for c := range cells {
			if c < len(r.Cells) {
				cells[c] = cutCell(r.Cells[c])
			}
		}
		reason := r.Err
		if reason == "" && len(im.sum.Missing) == 0 {
			// The field set's verdict, as the import will give it (a
			// duplicate number is found only by the import).
			_, reason = im.parse(r)
		}
		res.Rows = append(res.Rows, PreviewRow{Num: r.Num, Cells: cells, Err: reason})
		return ctx.Err()
	}
	for _, r := range pre[h+1:] {
		if err := add(r); err != nil {
			return res, stopErr(err)
		}
	}
	for len(res.Rows) < n {
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, err
		}
		if err := add(row); err != nil {
			return res, stopErr(err)
		}
	}
	return res, nil
}

func stopErr(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// cutCell keeps the first MaxPreviewCell bytes of s, at a character
// boundary.
func cutCell(s string) string {
	if len(s) <= MaxPreviewCell {
		return s
	}
	i := MaxPreviewCell
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// MappingLine is one line of a mapping text: a column header and the
// field it fills (a field name, or NoField).
type MappingLine struct {
	Column, Field string
}

// FormatMapping writes lines as a mapping text that ParseMapping and
// LoadMapping read: a header line "列名,字段", then one
// line a column, every cell quoted (so that a header starting with # is
// not a comment).
func FormatMapping(lines []MappingLine) string {
	var b strings.Builder
	b.WriteString("列名,字段\n")
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for _, l := range lines {
		b.WriteString(q(l.Column) + "," + q(l.Field) + "\n")
	}
	return b.String()
}

// maxMappingText bounds a mapping text.
const maxMappingText = 1 << 20

// ParseMapping reads a mapping text as LoadMapping does, bounded; an
// empty text (or a header line alone) is an empty mapping.
func ParseMapping(text string, set *fieldset.Set) (Mapping, error) {
	if len(text) > maxMappingText {
		return nil, core.Errorf(core.EINVALID, "映射文件超过 %d MB", maxMappingText>>20)
	}
	return loadMapping(strings.NewReader(text), set)
}
