package importer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// RecordUpserter is what ImportRecords needs of a store (core.RecordStore
// has it).
type RecordUpserter interface {
	UpsertRecords(ctx context.Context, recs []core.RecordUpsert, actor string, at time.Time) ([]core.RecordUpsertResult, error)
	AddRecordLoad(ctx context.Context, l core.RecordLoad) (int64, error)
}

// RecordOptions tune ImportRecords. Kind and Source are required.
type RecordOptions struct {
	// Kind is the registry (fieldset.KindPerson, ...).
	Kind string
	// Source names the department or file series the rows come from
	// ("民政科"); a later load of the same source updates its records.
	Source string
	// Fields is the kind's field set; nil means fieldset.Records(Kind).
	Fields *fieldset.Set
	// Mapping maps column headers the field set does not know onto fields;
	// it takes precedence over the aliases (see Options.Mapping).
	Mapping Mapping
	// Sheet is the XLSX sheet; empty means the first.
	Sheet string
	// BatchSize is the number of records stored per transaction; 0 means
	// DefaultBatch.
	BatchSize int
	// Actor names the load in record histories; empty means
	// "import:" + Source.
	Actor string
	// Now is the clock of the load (its records' SeenAt); nil is
	// time.Now.
	Now func() time.Time
	// Clean, when not nil, is applied to each record before it is stored
	// (see Options.Clean).
	Clean func(*core.RecordUpsert)
	// Log receives counts and row numbers, never cell values; nil discards.
	Log *slog.Logger
}

// RecordSummary is the outcome of a load. Every data row of every file is
// counted once in Created, Updated, Unchanged or Rejected (Rows is their
// sum); Duplicates counts the rejected rows whose key an earlier row of the
// load had.
type RecordSummary struct {
	Files                                 []FileSummary
	Rows                                  int
	Created, Updated, Unchanged, Rejected int
	Duplicates                            int
	// Flagged counts the stored rows with at least one flagged value
	// (kept as read, with the reason).
	Flagged int
	// FixKept counts the records whose steward's fix the load did not
	// overwrite although its value differs (保留人工更正); Retired the
	// rows of retired records (updated, still retired).
	FixKept, Retired int
	// LoadID is the stored load's ID (core.RecordLoad), 0 when the load
	// failed.
	LoadID int64
}

// FileSummary is the outcome of one file of a load.
type FileSummary struct {
	File      string // base name
	Format    string
	HeaderRow int
	Rows      int
	Rejected  int
	// Unmapped lists the headers of columns that name no field: their
	// values are not stored (map them with a mapping to keep them).
	Unmapped []string
	// Repeated lists the headers of columns naming a field an earlier
	// column already names; not stored either.
	Repeated []string
	// Missing lists the labels of required fields without a column; the
	// file is then refused and none of its rows stored or rejected.
	Missing              []string
	TitleRows, BlankRows int
	HeaderRepeats        int
	// RejectsFile is the path of the file's rejects file, or "".
	RejectsFile string
}

// ImportRecords loads the CSV or XLSX files at paths, in order, as one
// load of a source of a registry, and records the load (AddRecordLoad).
// Each row is mapped onto the kind's field set by its header (aliases,
// then opt.Mapping), validated and normalised: a value that fails a field
// whose on_invalid is flag is kept as read with the reason in the record's
// Flags, one whose field rejects rejects the row. A row is also rejected
// when it has no complete key (fieldset.RecordKey) or repeats the key of an
// earlier row of the load. Rejected rows go, with their row number and
// reason, to RejectsPath(file) as in Import.
//
// ImportRecords is idempotent (loading the same files again leaves every
// record Unchanged) and crash-safe: each batch is a transaction, and a run
// after a failure stores the rest. A file that cannot be read or lacks a
// required column stops the load with a *core.Error in Chinese; the
// summary counts what was done until then and no load is recorded.
func ImportRecords(ctx context.Context, st RecordUpserter, paths []string, opt RecordOptions) (RecordSummary, error) {
	var sum RecordSummary
	if opt.Fields == nil {
		opt.Fields = fieldset.Records(opt.Kind)
	}
	if opt.Fields == nil || fieldset.RecordKeys[opt.Kind] == nil {
		return sum, core.Errorf(core.EINVALID, "未知的基础数据类别 %q（应为 person、house、enterprise 或 organisation）", opt.Kind)
	}
	if err := core.CheckRecordSource(opt.Source); err != nil {
		return sum, err
	}
	if len(paths) == 0 {
		return sum, core.Errorf(core.EINVALID, "没有要导入的文件")
	}
	if err := opt.Mapping.Check(opt.Fields); err != nil {
		return sum, err
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatch
	}
	if opt.Actor == "" {
		opt.Actor = "import:" + opt.Source
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	at := now()
	ld := &recordLoad{opt: opt, st: st, at: at, sum: &sum, seen: map[string]keySeen{}}
	for _, p := range paths {
		fs, err := ld.file(ctx, p)
		sum.Files = append(sum.Files, fs)
		if err != nil {
			return sum, err
		}
	}
	l := core.RecordLoad{Kind: opt.Kind, Source: opt.Source, At: at, Actor: opt.Actor, Rows: sum.Rows, Created: sum.Created,
		Updated: sum.Updated, Unchanged: sum.Unchanged, Rejected: sum.Rejected, Duplicates: sum.Duplicates, FixKept: sum.FixKept}
	for _, f := range sum.Files {
		l.Files = append(l.Files, f.File)
	}
	id, err := st.AddRecordLoad(ctx, l)
	if err != nil {
		return sum, &core.Error{Code: core.ErrorCode(err), Message: "记录导入批次失败（数据已保存）: " + core.ErrorMessage(err), Err: err}
	}
	sum.LoadID = id
	return sum, nil
}

// keySeen is where a key was first seen in a load.
type keySeen struct {
	file int // index in paths
	row  int
}

// recordLoad is the state of one ImportRecords.
type recordLoad struct {
	opt  RecordOptions
	st   RecordUpserter
	at   time.Time
	sum  *RecordSummary
	seen map[string]keySeen
	n    int // files begun
}

// RecordParser turns the data rows of one file into records: the column
// plan of its header. It is what ImportRecords applies to each row, exposed
// for the fuzz target and for previews.
type RecordParser struct {
	kind     string
	set      *fieldset.Set
	header   []string
	fieldCol []int                // field index → column, or -1
	forms    []*fieldset.DateForm // field index → date form, or nil
	summary  FileSummary
}

// NewRecordParser plans the columns of header for kind's field set set
// (nil: the built-in one) and mapping m. Unmapped, Repeated and Missing
// of Summary say how the header was read; with Missing fields the rows
// cannot be parsed (every one would be rejected).
func NewRecordParser(kind string, set *fieldset.Set, m Mapping, header []string) *RecordParser {
	if set == nil {
		set = fieldset.Records(kind)
	}
	p := &RecordParser{kind: kind, set: set, header: make([]string, len(header)), fieldCol: make([]int, len(set.Fields)),
		forms: make([]*fieldset.DateForm, len(set.Fields))}
	for i := range p.fieldCol {
		p.fieldCol[i] = -1
	}
	claimed := make([]bool, len(header))
	for pass := 0; pass < 2; pass++ {
		for c, h := range header {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			p.header[c] = h
			ts, named := m[fieldset.NormalizeHeader(h)]
			if pass == 0 && !named || pass == 1 && named {
				continue
			}
			if pass == 1 {
				if f := set.Lookup(h); f != nil {
					ts = []Target{{Column: h, Field: f.Name}}
				}
			}
			for _, t := range ts {
				fi := set.Index(t.Field)
				if fi < 0 {
					continue
				}
				claimed[c] = true
				if p.fieldCol[fi] >= 0 {
					continue
				}
				p.fieldCol[fi] = c
				if form, _ := t.form(set); form != nil {
					p.forms[fi] = form
				}
			}
		}
	}
	feeds := make([]bool, len(header))
	for _, c := range p.fieldCol {
		if c >= 0 {
			feeds[c] = true
		}
	}
	n := len(p.header)
	own := n >= 3 && p.header[n-2] == rejectsRowColumn && p.header[n-1] == rejectsReasonColumn && !feeds[n-2] && !feeds[n-1]
	for c, h := range p.header {
		switch {
		case feeds[c] || own && c >= n-2:
		case claimed[c]:
			p.summary.Repeated = append(p.summary.Repeated, columnName(c, h))
		case h != "":
			p.summary.Unmapped = append(p.summary.Unmapped, h)
		}
	}
	for i, f := range set.Fields {
		if f.Required && p.fieldCol[i] < 0 {
			p.summary.Missing = append(p.summary.Missing, f.Label)
		}
	}
	return p
}

// Summary returns how the header was read (Unmapped, Repeated, Missing).
func (p *RecordParser) Summary() FileSummary { return p.summary }

// keyLabels names the keys of a kind for a reason: "身份证号；或 姓名+出生日期".
func keyLabels(set *fieldset.Set, kind string) string {
	var alts []string
	for _, key := range fieldset.RecordKeys[kind] {
		var ls []string
		for _, f := range key {
			if fd := set.Field(f); fd != nil {
				ls = append(ls, fd.Label)
			} else {
				ls = append(ls, f)
			}
		}
		alts = append(alts, strings.Join(ls, "+"))
	}
	return strings.Join(alts, "；或 ")
}

// Parse returns the record of a data row (Kind and Key set, Source not),
// or the reason it is rejected (Chinese, naming columns, never quoting a
// value).
func (p *RecordParser) Parse(row Row) (core.RecordUpsert, string) {
	if row.Err != "" {
		return core.RecordUpsert{}, row.Err
	}
	for c, v := range row.Cells {
		if strings.ContainsRune(v, utf8.RuneError) {
			return core.RecordUpsert{}, fmt.Sprintf("%s含有乱码替换字符“\uFFFD”（文件在导出或转码时已损坏），此行未导入，以免覆盖正确的内容", p.colLabel(c))
		}
	}
	u := core.RecordUpsert{Kind: p.kind, Values: map[string]string{}}
	var reasons []string
	for fi, f := range p.set.Fields {
		c := p.fieldCol[fi]
		v := ""
		if c >= 0 && c < len(row.Cells) {
			v = strings.TrimSpace(row.Cells[c])
		}
		if v == "" {
			if f.Required {
				reasons = append(reasons, "缺少必填字段 "+f.Label)
			}
			continue
		}
		var norm string
		var err error
		switch {
		case len(v) > fieldset.MaxTextLen || len([]rune(v)) > core.MaxRecordValue:
			err = fieldset.ErrTooLong
		case !utf8.ValidString(v):
			err = fmt.Errorf("含有无效字符")
		case p.forms[fi] != nil:
			var t time.Time
			if t, err = p.forms[fi].Parse(v); err == nil {
				norm = fieldset.FormatDateTime(t)
			}
		default:
			norm, err = f.Normalize(v)
		}
		if err != nil {
			if f.OnInvalid == fieldset.OnInvalidReject {
				reasons = append(reasons, fmt.Sprintf("%s%s", p.colLabel(c), err.Error()))
				continue
			}
			if u.Flags == nil {
				u.Flags = map[string]string{}
			}
			u.Flags[f.Name] = err.Error()
			norm = v
		}
		if norm != "" {
			u.Values[f.Name] = norm
		}
	}
	if len(reasons) > 0 {
		return core.RecordUpsert{}, strings.Join(reasons, "；")
	}
	// A date that must not be earlier than another (licence_to >=
	// licence_from): both normalised, so they compare as text.
	for _, f := range p.set.Fields {
		other, ok := strings.CutPrefix(f.Format, ">=")
		if !ok || u.Flags[f.Name] != "" || u.Flags[other] != "" {
			continue
		}
		if v, w := u.Values[f.Name], u.Values[other]; v != "" && w != "" && v < w {
			if u.Flags == nil {
				u.Flags = map[string]string{}
			}
			label := other
			if g := p.set.Field(other); g != nil {
				label = g.Label
			}
			u.Flags[f.Name] = "早于" + label
		}
	}
	key, _, ok := fieldset.RecordKey(p.kind, u.Values)
	if !ok {
		return core.RecordUpsert{}, "缺少记录键：需要 " + keyLabels(p.set, p.kind)
	}
	if len([]rune(key)) > core.MaxRecordKey {
		return core.RecordUpsert{}, fmt.Sprintf("记录键超过 %d 个字", core.MaxRecordKey)
	}
	u.Key = key
	return u, ""
}

// colLabel names column c for a reason: "第 3 列 身份证号: ".
func (p *RecordParser) colLabel(c int) string {
	h := ""
	if c >= 0 && c < len(p.header) {
		h = p.header[c]
	}
	return columnName(c, h) + ": "
}

// isHeader reports whether row repeats the header.
func (p *RecordParser) isHeader(row Row) bool {
	named := false
	for c, h := range p.header {
		if h == "" {
			continue
		}
		named = true
		if c >= len(row.Cells) || strings.TrimSpace(strings.TrimPrefix(row.Cells[c], "\ufeff")) != h {
			return false
		}
	}
	return named
}

// file loads one file of the load.
func (ld *recordLoad) file(ctx context.Context, path string) (FileSummary, error) {
	fileIdx := ld.n
	ld.n++
	fs := FileSummary{File: filepath.Base(path)}
	rej := &rejects{path: RejectsPath(path)}
	complete := false
	err := func() error {
		rr, format, err := Open(path, ReadOptions{Sheet: ld.opt.Sheet})
		if err != nil {
			return err
		}
		defer rr.Close()
		fs.Format = format
		var pre []Row
		for len(pre) < headerScan {
			row, err := rr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			row.Cells = append([]string(nil), row.Cells...)
			pre = append(pre, row)
		}
		if len(pre) == 0 {
			complete = true
			return core.Errorf(core.EINVALID, "%s 是空文件，没有可导入的行", fs.File)
		}
		known := func(cell string) bool {
			if _, ok := ld.opt.Mapping[fieldset.NormalizeHeader(cell)]; ok {
				return true
			}
			return ld.opt.Fields.Lookup(cell) != nil
		}
		h := HeaderRow(pre, known)
		if h < 0 {
			return core.Errorf(core.EINVALID, "%s: 前 %d 行中找不到表头（没有一列的名称对应%s字段集中的字段），文件未导入；请检查类别是否选对，或用 -mapping 指定列与字段的对应关系",
				fs.File, headerScan, fieldset.KindLabel[ld.opt.Kind])
		}
		fs.HeaderRow = pre[h].Num
		if pre[h].Err != "" {
			return core.Errorf(core.EINVALID, "%s: 表头（第 %d 行）%s，文件未导入", fs.File, pre[h].Num, pre[h].Err)
		}
		p := NewRecordParser(ld.opt.Kind, ld.opt.Fields, ld.opt.Mapping, pre[h].Cells)
		ps := p.Summary()
		fs.Unmapped, fs.Repeated, fs.Missing = ps.Unmapped, ps.Repeated, ps.Missing
		if len(fs.Missing) > 0 {
			return core.Errorf(core.EINVALID, "%s: 缺少必填字段的列：%s，文件未导入；请用 -mapping 指定哪一列是它", fs.File, strings.Join(fs.Missing, "、"))
		}
		for _, r := range pre[:h] {
			if blank(r.Cells) {
				fs.BlankRows++
			} else {
				fs.TitleRows++
			}
		}
		rej.open(p.header)

		var batch []core.RecordUpsert
		var flagged []bool
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			res, err := ld.st.UpsertRecords(ctx, batch, ld.opt.Actor, ld.at)
			if err != nil {
				ld.opt.Log.Error("record import batch failed", "file", fs.File, "stored", ld.stored(), "err", err)
				return &core.Error{Code: core.ErrorCode(err), Message: fmt.Sprintf("保存记录失败（已保存 %d 条，重新运行同一命令即可继续）: %s",
					ld.stored(), core.ErrorMessage(err)), Err: err}
			}
			for i, r := range res {
				switch r.Outcome {
				case core.Created:
					ld.sum.Created++
				case core.Updated:
					ld.sum.Updated++
				default:
					ld.sum.Unchanged++
				}
				if len(r.FixKept) > 0 {
					ld.sum.FixKept++
				}
				if r.Retired {
					ld.sum.Retired++
				}
				if flagged[i] {
					ld.sum.Flagged++
				}
			}
			batch, flagged = batch[:0], flagged[:0]
			return nil
		}
		reject := func(row Row, reason string) error {
			fs.Rejected++
			ld.sum.Rejected++
			return rej.write(row, reason)
		}
		handle := func(row Row) error {
			if blank(row.Cells) && row.Err == "" {
				fs.BlankRows++
				return nil
			}
			if p.isHeader(row) {
				fs.HeaderRepeats++
				return nil
			}
			fs.Rows++
			ld.sum.Rows++
			u, reason := p.Parse(row)
			if reason != "" {
				return reject(row, reason)
			}
			if first, dup := ld.seen[u.Key]; dup {
				ld.sum.Duplicates++
				where := fmt.Sprintf("第 %d 行", first.row)
				if first.file != fileIdx {
					where = fmt.Sprintf("本次导入的第 %d 个文件第 %d 行", first.file+1, first.row)
				}
				return reject(row, "记录键（"+keyName(p.set, p.kind, u.Values)+"）与"+where+"重复")
			}
			ld.seen[u.Key] = keySeen{file: fileIdx, row: row.Num}
			u.Source = ld.opt.Source
			if ld.opt.Clean != nil {
				ld.opt.Clean(&u)
			}
			batch = append(batch, u)
			flagged = append(flagged, len(u.Flags) > 0)
			if len(batch) >= ld.opt.BatchSize {
				return flush()
			}
			return nil
		}
		if err := eachRow(pre[h+1:], rr, handle); err != nil {
			return err
		}
		return flush()
	}()
	if ferr := rej.finish(err == nil || complete); ferr != nil && err == nil {
		err = ferr
	}
	if rej.written {
		fs.RejectsFile = rej.path
	}
	ld.opt.Log.Debug("record import file", "file", fs.File, "rows", fs.Rows, "rejected", fs.Rejected)
	return fs, err
}

func (ld *recordLoad) stored() int { return ld.sum.Created + ld.sum.Updated + ld.sum.Unchanged }

// keyName names the key fields values has: "身份证号" or "姓名+出生日期".
func keyName(set *fieldset.Set, kind string, values map[string]string) string {
	_, which, _ := fieldset.RecordKey(kind, values)
	var ls []string
	for _, f := range fieldset.RecordKeys[kind][which] {
		if fd := set.Field(f); fd != nil {
			ls = append(ls, fd.Label)
		}
	}
	return strings.Join(ls, "+")
}
