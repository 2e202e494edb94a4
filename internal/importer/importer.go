package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/tabfile"
)

// Upserter is what Import needs of a store.
type Upserter interface {
	UpsertTickets(ctx context.Context, tickets []core.Ticket, actor string) (core.UpsertResult, error)
}

// Options tune Import. The zero value imports with the standard field set.
type Options struct {
	// Fields is the field set; nil means fieldset.Tickets().
	Fields *fieldset.Set
	// Mapping maps column headers the field set does not know onto fields
	// (see LoadMapping); it takes precedence over the field set's aliases,
	// and may declare the format and zone of a datetime column.
	Mapping Mapping
	// Zone is the zone of datetimes without an offset, unless the mapping
	// declares one for the column; nil means core.StreetTime.
	Zone *time.Location
	// Mask, when not nil, masks a value of a personal or sensitive field
	// that a reject reason quotes (a date that could not be read), e.g. by
	// the masking dictionary for the role of who reads the rejects; nil
	// shows every letter and digit of such a value as *.
	Mask func(field, value string) string
	// Sheet is the XLSX sheet; empty means the first.
	Sheet string
	// BatchSize is the number of tickets stored per transaction; 0 means
	// DefaultBatch.
	BatchSize int
	// Actor names the import in ticket histories; empty means
	// "import:" + the file's base name.
	Actor string
	// Progress, when not nil, is called after each stored batch, from the
	// goroutine that called Import.
	Progress func(Progress)
	// Counter, when not nil, is advanced by the bytes read (CSV only).
	Counter *int64
	// Log receives counts and row numbers, never cell values; nil discards.
	Log *slog.Logger
	// Clean, when not nil, is applied to each parsed ticket before it is
	// stored: the place where the masking dictionary keeps out of the
	// database what must not be stored in clear (see cmd/jiceng/policy.go).
	// It runs in the reading goroutine, one ticket at a time.
	Clean func(*core.Ticket)

	hash func(string) uint64 // for tests: force hash collisions
}

// DefaultBatch is the number of tickets per transaction: large enough that
// the per-transaction cost is small, small enough that a killed import
// loses little work.
const DefaultBatch = 2000

// headerScan is how many rows are searched for the header.
const headerScan = 10

// Progress is the state of a running import.
type Progress struct {
	Rows     int // data rows read
	Stored   int // tickets in committed batches
	Rejected int
}

// Summary is the outcome of an import. Every data row is counted once in
// Created, Updated, Unchanged or Rejected; title rows above the header and
// blank rows are counted apart.
type Summary struct {
	Format string
	// HeaderRow is the row of the header (1-based); when none was found,
	// the row taken for the header it should be (see Columns), or 0.
	HeaderRow                   int
	Created, Updated, Unchanged int
	Rejected                    int
	TitleRows, BlankRows        int
	// Unmapped lists the headers of columns that name no field; their
	// values are kept in Ticket.Extra under the header.
	Unmapped []string
	// Repeated lists headers of columns naming a field an earlier column
	// already names; they are kept in Extra too.
	Repeated []string
	// Missing lists the labels of required fields without a column; the
	// file is then refused (an error) and no row is stored or rejected.
	Missing []string
	// Columns are the file's column headers (or, when no header was found,
	// the cells of the row most like one; nil when that row looks like
	// data), for the message that shows how to map them.
	Columns []string
	// Guesses are, for each field of Missing, the column that most likely
	// holds it ("" when none), for a mapping line that fixes the file.
	Guesses []Guess
	// HeaderRepeats counts rows equal to the header further down (exports
	// glued together, a header on every printed page): skipped, never
	// taken for data.
	HeaderRepeats int
	// RejectsFile is the path of the rejects file, or "" when none.
	RejectsFile string
	// HashBytes is the memory of the duplicate-number set.
	HashBytes int
}

// The columns the rejects file adds to the file's own.
const (
	rejectsRowColumn    = "行号"
	rejectsReasonColumn = "拒绝原因"
)

// RejectsPath is where the rejects of file go.
func RejectsPath(file string) string { return file + ".rejects.csv" }

// importer is the state of one Import.
type importer struct {
	opt  Options
	set  *fieldset.Set
	path string
	base string

	header    []string             // header cells as read (trimmed)
	colField  []int                // column → (first) field index, or -1
	colFields [][]int              // column → every field index it feeds (a mapping may name several)
	extraKey  []string             // column → Extra key for unmapped columns
	fieldCol  []int                // field index → column, or -1
	forms     []*fieldset.DateForm // field index → how its dates are read; nil entries read ParseDateTime
	numIdx    int                  // field index of number

	vals    []string
	seen    hashSet
	suspect []int   // rows whose number hash was seen before, ascending
	hashes  hashSet // their hashes
	rej     *rejects
	sum     Summary
	// complete is set when the run failed but still accounted for every
	// row: an empty file.
	complete bool
}

// Import reads the CSV or XLSX file at path and stores its tickets through
// st in batches of one transaction each. Every data row is stored or
// written, with its reason, to RejectsPath(path) (UTF-8 with BOM, the
// original header plus 行号 and 拒绝原因 columns); a stale rejects file is
// removed when there are none.
//
// A ticket number repeated within the file: the first row wins and the
// later ones are rejected. Numbers are remembered as 64-bit hashes; a hash
// seen twice is confirmed exactly by reading the rows concerned again at
// the end, so a hash collision never rejects a row.
//
// Import is idempotent (a row equal to the stored ticket is Unchanged) and
// crash-safe: committed batches stay, and running it again stores the rest.
// Errors are *core.Error with a Chinese message; the summary is valid even
// with an error (e.g. a header with no known column, where every row is
// rejected).
func Import(ctx context.Context, st Upserter, path string, opt Options) (Summary, error) {
	im := &importer{opt: opt, set: opt.Fields, path: path, base: filepath.Base(path)}
	if im.set == nil {
		im.set = fieldset.Tickets()
	}
	if im.opt.BatchSize <= 0 {
		im.opt.BatchSize = DefaultBatch
	}
	if im.opt.Actor == "" {
		im.opt.Actor = "import:" + im.base
	}
	if im.opt.Log == nil {
		im.opt.Log = slog.New(slog.DiscardHandler)
	}
	if im.opt.hash == nil {
		seed := maphash.MakeSeed()
		im.opt.hash = func(s string) uint64 { return maphash.String(seed, s) }
	}
	im.numIdx = im.set.Index("number")
	if im.numIdx < 0 {
		return im.sum, core.Errorf(core.EINVALID, "字段集缺少 number（工单编号）字段")
	}
	if err := im.opt.Mapping.Check(im.set); err != nil {
		return im.sum, err
	}
	im.rej = &rejects{path: RejectsPath(path)}
	sum, err := im.run(ctx, st)
	if ferr := im.rej.finish(err == nil || im.complete); ferr != nil && err == nil {
		err = ferr
	}
	if im.rej.written {
		sum.RejectsFile = im.rej.path
	}
	return sum, err
}

func (im *importer) run(ctx context.Context, st Upserter) (Summary, error) {
	rr, format, err := Open(im.path, ReadOptions{Sheet: im.opt.Sheet, Counter: im.opt.Counter})
	if err != nil {
		return im.sum, err
	}
	defer rr.Close()
	im.sum.Format = format

	// Find the header among the first rows.
	var pre []Row
	for len(pre) < headerScan {
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return im.sum, err
		}
		row.Cells = append([]string(nil), row.Cells...)
		pre = append(pre, row)
	}
	if len(pre) == 0 {
		im.complete = true
		return im.sum, core.Errorf(core.EINVALID, "%s 是空文件，没有可导入的行", im.base)
	}
	h := im.findHeader(pre)
	if h < 0 {
		return im.sum, im.noHeader(pre)
	}
	im.sum.HeaderRow = pre[h].Num
	if pre[h].Err != "" {
		return im.sum, core.Errorf(core.EINVALID, "%s: 表头（第 %d 行）%s，文件未导入；请删去多余的列后再导入", im.base, pre[h].Num, pre[h].Err)
	}
	im.plan(pre[h].Cells)
	if len(im.sum.Missing) > 0 {
		return im.sum, im.missing(pre[h+1:])
	}
	if n := len(im.sum.Unmapped) + len(im.sum.Repeated); n > MaxExtra {
		return im.sum, core.Errorf(core.EINVALID, "%s: 表头有 %d 列不对应任何字段，超过上限 %d 列，文件未导入；"+
			"请删去无关的列，或用 -mapping 指定列与字段的对应关系", im.base, n, MaxExtra)
	}
	for _, r := range pre[:h] {
		if blank(r.Cells) {
			im.sum.BlankRows++
		} else {
			im.sum.TitleRows++
		}
	}
	if err := im.rej.open(im.header); err != nil {
		return im.sum, err
	}
	im.opt.Log.Debug("import header", "file", im.base, "row", im.sum.HeaderRow,
		"columns", len(im.header), "unmapped", len(im.sum.Unmapped))

	if err := im.pipeline(ctx, st, rr, pre[h+1:]); err != nil {
		return im.sum, err
	}
	if len(im.suspect) > 0 {
		if err := im.confirmDuplicates(ctx, st); err != nil {
			return im.sum, err
		}
	}
	im.sum.HashBytes = im.seen.bytes()
	return im.sum, nil
}

// findHeader returns the index in rows of the row naming the most fields,
// or -1 when no row names any.
func (im *importer) findHeader(rows []Row) int {
	return HeaderRow(rows, func(cell string) bool { return im.lookup(cell) != nil })
}

// HeaderRow returns the index in rows of the row with the most cells that
// known recognises as field names (exports often start with title rows),
// or -1 when no row has any.
func HeaderRow(rows []Row, known func(cell string) bool) int {
	best, bestN := -1, 0
	for i, r := range rows {
		n := 0
		for _, c := range r.Cells {
			if known(c) {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// lookup returns the field column header names: the first target the
// mapping gives it, or else the field set's alias; nil when none.
func (im *importer) lookup(header string) *fieldset.Field {
	if ts, named := im.opt.Mapping[fieldset.NormalizeHeader(header)]; named {
		if len(ts) == 0 {
			return nil // NoField: kept as extra information
		}
		return im.set.Field(ts[0].Field)
	}
	return im.set.Lookup(header)
}

// plan maps the header's columns onto fields: first the columns the
// mapping names (each to every field it lists), then the others by the
// field set's aliases. A field goes to the first column that claims it; a
// column all of whose fields are taken is Repeated and kept in Extra.
func (im *importer) plan(header []string) {
	im.header = make([]string, len(header))
	im.colField = make([]int, len(header))
	im.colFields = make([][]int, len(header))
	im.extraKey = make([]string, len(header))
	im.fieldCol = make([]int, len(im.set.Fields))
	for i := range im.fieldCol {
		im.fieldCol[i] = -1
	}
	im.forms = make([]*fieldset.DateForm, len(im.set.Fields))
	if im.opt.Zone != nil && im.opt.Zone != core.StreetTime {
		for i, f := range im.set.Fields {
			if f.Type == fieldset.TypeDateTime {
				im.forms[i] = &fieldset.DateForm{Zone: im.opt.Zone}
			}
		}
	}
	im.vals = make([]string, len(im.set.Fields))
	claimed := make([]bool, len(header)) // the column named a field (mapped or repeated)
	for pass := 0; pass < 2; pass++ {
		for c, h := range header {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			im.header[c] = h
			ts, named := im.opt.Mapping[fieldset.NormalizeHeader(h)]
			if pass == 0 && !named || pass == 1 && named {
				continue // named with no target (NoField): kept in Extra
			}
			if pass == 1 {
				if f := im.set.Lookup(h); f != nil {
					ts = []Target{{Column: h, Field: f.Name}}
				}
			}
			for _, t := range ts {
				fi := im.set.Index(t.Field)
				if fi < 0 {
					continue
				}
				claimed[c] = true
				if im.fieldCol[fi] >= 0 {
					continue
				}
				im.fieldCol[fi] = c
				im.colFields[c] = append(im.colFields[c], fi)
				if form, _ := t.form(im.set); form != nil {
					if t.Zone == "" && im.opt.Zone != nil {
						form.Zone = im.opt.Zone
					}
					im.forms[fi] = form
				}
			}
		}
	}
	// A rejects file, corrected and imported again, ends with the columns
	// the importer added: they are dropped, not kept as extra values.
	own := 0
	if n := len(im.header); n >= 3 && im.header[n-2] == rejectsRowColumn && im.header[n-1] == rejectsReasonColumn &&
		len(im.colFields[n-2]) == 0 && len(im.colFields[n-1]) == 0 {
		own = 2
	}
	used := map[string]bool{}
	for c, h := range im.header {
		im.colField[c] = -1
		if c >= len(im.header)-own {
			continue
		}
		if len(im.colFields[c]) > 0 {
			im.colField[c] = im.colFields[c][0]
			continue
		}
		if claimed[c] {
			im.sum.Repeated = append(im.sum.Repeated, columnName(c, h))
		} else if h != "" {
			im.sum.Unmapped = append(im.sum.Unmapped, h)
		}
		key := h
		if key == "" {
			key = fmt.Sprintf("第%d列", c+1)
		}
		if used[key] {
			key = fmt.Sprintf("%s（第%d列）", key, c+1)
		}
		used[key] = true
		im.extraKey[c] = key
	}
	for i, f := range im.set.Fields {
		if f.Required && im.fieldCol[i] < 0 {
			im.sum.Missing = append(im.sum.Missing, f.Label)
		}
	}
}

// colLabel names column c of the file for a reason: "第 3 列 诉求内容".
func (im *importer) colLabel(c int) string {
	h := ""
	if c < len(im.header) {
		h = im.header[c]
	}
	return columnName(c, h) + " "
}

func columnName(c int, h string) string {
	if h == "" {
		return fmt.Sprintf("第 %d 列", c+1)
	}
	return fmt.Sprintf("第 %d 列 %s", c+1, h)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parse turns a data row into a ticket, or returns why it is rejected.
func (im *importer) parse(row Row) (core.Ticket, string) {
	if row.Err != "" {
		return core.Ticket{}, row.Err
	}
	for fi, c := range im.fieldCol {
		if c >= 0 && c < len(row.Cells) {
			im.vals[fi] = row.Cells[c]
		} else {
			im.vals[fi] = ""
		}
	}
	for c, v := range row.Cells {
		if strings.ContainsRune(v, utf8.RuneError) {
			// Text already damaged by a wrong conversion: stored, it would
			// replace a good title or content with mojibake.
			return core.Ticket{}, fmt.Sprintf("%s含有乱码替换字符“\uFFFD”（文件在导出或转码时已损坏），此行未导入，以免覆盖正确的内容", im.colLabel(c))
		}
	}
	t, probs := im.set.TicketValuesIn(im.vals, im.forms)
	var reasons []string
	for _, p := range probs {
		if !p.Reject {
			continue
		}
		fi := im.set.Index(p.Field)
		if c := im.fieldCol[fi]; c >= 0 && c < len(row.Cells) && strings.TrimSpace(row.Cells[c]) != "" {
			reasons = append(reasons, fmt.Sprintf("第 %d 列 %s: %s", c+1, im.header[c], im.dateReason(fi, p.Reason, row.Cells[c])))
		} else {
			reasons = append(reasons, p.Reason)
		}
	}
	if len(reasons) > 0 {
		return core.Ticket{}, strings.Join(reasons, "；")
	}
	for c, v := range row.Cells {
		if c < len(im.colField) && im.colField[c] >= 0 {
			continue
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		key := ""
		if c < len(im.extraKey) {
			key = im.extraKey[c]
			if key == "" {
				continue // a rejects file's own column
			}
		} else {
			key = fmt.Sprintf("第%d列", c+1)
		}
		if t.Extra == nil {
			t.Extra = map[string]string{}
		}
		if len(t.Extra) == MaxExtra {
			return core.Ticket{}, fmt.Sprintf("不对应字段的列中有值的超过 %d 个，此行未导入", MaxExtra)
		}
		t.Extra[key] = v
	}
	if t.Channel == "" {
		t.Channel = core.ChannelImport
	}
	if t.SourceFile == "" {
		t.SourceFile = im.base
		t.SourceRow = row.Num
	}
	return t, ""
}

// numberHash returns the hash of the number in a row as parse would
// normalise it, without parsing the row.
func (im *importer) numberHash(row Row) (uint64, bool) {
	c := im.fieldCol[im.numIdx]
	if c < 0 || c >= len(row.Cells) {
		return 0, false
	}
	n := strings.TrimSpace(row.Cells[c])
	if n == "" {
		return 0, false
	}
	h := im.opt.hash(n)
	if h == 0 {
		h = 1
	}
	return h, true
}

type batch struct {
	tickets []core.Ticket
	prog    Progress
}

// pipeline reads and parses rows in one goroutine and stores batches in
// this one, so that decoding and the database work side by side.
func (im *importer) pipeline(ctx context.Context, st Upserter, rr RowReader, pending []Row) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan batch, 2)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		errc <- im.produce(ctx, rr, pending, ch)
	}()
	stored := 0
	for b := range ch {
		res, err := st.UpsertTickets(ctx, b.tickets, im.opt.Actor)
		if err != nil {
			cancel()
			for range ch {
			}
			<-errc
			im.opt.Log.Error("import batch failed", "file", im.base, "stored", stored, "err", err)
			return &core.Error{Code: core.ErrorCode(err), Message: fmt.Sprintf("保存工单失败（已保存 %d 条，重新运行同一命令即可继续）: %s", stored, core.ErrorMessage(err)), Err: err}
		}
		stored += len(b.tickets)
		im.sum.Created += res.Created
		im.sum.Updated += res.Updated
		im.sum.Unchanged += res.Unchanged
		b.prog.Stored = stored
		if im.opt.Progress != nil {
			im.opt.Progress(b.prog)
		}
	}
	return <-errc
}

func (im *importer) produce(ctx context.Context, rr RowReader, pending []Row, ch chan<- batch) error {
	var cur []core.Ticket
	rows := 0
	send := func() error {
		b := batch{tickets: cur, prog: Progress{Rows: rows, Rejected: im.sum.Rejected}}
		cur = make([]core.Ticket, 0, im.opt.BatchSize)
		select {
		case ch <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	handle := func(row Row) error {
		if blank(row.Cells) && row.Err == "" {
			im.sum.BlankRows++
			return nil
		}
		if im.isHeader(row) {
			im.sum.HeaderRepeats++
			return nil
		}
		rows++
		t, reason := im.parse(row)
		if reason != "" {
			return im.reject(row, reason)
		}
		h := im.opt.hash(t.Number)
		if h == 0 {
			h = 1
		}
		if !im.seen.add(h) {
			// Seen before: decided at the end, when the earlier row's
			// number can be compared exactly.
			im.suspect = append(im.suspect, row.Num)
			im.hashes.add(h)
			return nil
		}
		if im.opt.Clean != nil {
			im.opt.Clean(&t)
		}
		cur = append(cur, t)
		if len(cur) >= im.opt.BatchSize {
			return send()
		}
		return nil
	}
	cur = make([]core.Ticket, 0, im.opt.BatchSize)
	if err := eachRow(pending, rr, handle); err != nil {
		return err
	}
	if len(cur) > 0 {
		return send()
	}
	return nil
}

func (im *importer) reject(row Row, reason string) error {
	im.sum.Rejected++
	return im.rej.write(row, reason)
}

// confirmDuplicates reads the file again for the rows whose number hash
// was seen before, compares their numbers exactly with the rows that came
// first, rejects true duplicates and stores the rest (hash collisions).
func (im *importer) confirmDuplicates(ctx context.Context, st Upserter) error {
	rr, _, err := Open(im.path, ReadOptions{Sheet: im.opt.Sheet})
	if err != nil {
		return err
	}
	defer rr.Close()
	first := map[string]int{}
	var keep []core.Ticket
	next := 0 // index in im.suspect of the next suspect row
	for {
		row, err := rr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if row.Num <= im.sum.HeaderRow || im.isHeader(row) {
			continue
		}
		for next < len(im.suspect) && im.suspect[next] < row.Num {
			next++
		}
		isSuspect := next < len(im.suspect) && im.suspect[next] == row.Num
		h, ok := im.numberHash(row)
		if !ok || !im.hashes.has(h) {
			continue
		}
		t, reason := im.parse(row)
		if reason != "" {
			continue // rejected the first time already
		}
		if !isSuspect {
			if _, ok := first[t.Number]; !ok {
				first[t.Number] = row.Num
			}
			continue
		}
		if f, ok := first[t.Number]; ok {
			if err := im.reject(row, fmt.Sprintf("工单编号与第 %d 行重复", f)); err != nil {
				return err
			}
			continue
		}
		first[t.Number] = row.Num
		if im.opt.Clean != nil {
			im.opt.Clean(&t)
		}
		keep = append(keep, t)
	}
	im.opt.Log.Debug("import duplicates", "file", im.base, "suspects", len(im.suspect), "collisions", len(keep))
	for len(keep) > 0 {
		n := min(len(keep), im.opt.BatchSize)
		res, err := st.UpsertTickets(ctx, keep[:n], im.opt.Actor)
		if err != nil {
			return &core.Error{Code: core.ErrorCode(err), Message: "保存工单失败: " + core.ErrorMessage(err), Err: err}
		}
		im.sum.Created += res.Created
		im.sum.Updated += res.Updated
		im.sum.Unchanged += res.Unchanged
		keep = keep[n:]
	}
	return nil
}

// rejects writes the rejects file: to a temporary file first, renamed into
// place at the end, so that an interrupted run never leaves a half file
// under the final name.
type rejects struct {
	path    string
	header  []string
	f       *os.File
	w       *csv.Writer
	written bool
	rec     []string
}

func (r *rejects) open(header []string) error {
	r.header = header
	return nil
}

func (r *rejects) write(row Row, reason string) error {
	if r.f == nil {
		// 0600: the rows hold callers' personal data in clear.
		f, err := os.OpenFile(r.path+".tmp", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return core.Errorf(core.EINVALID, "无法写入拒绝文件 %s", filepath.Base(r.path))
		}
		r.f = f
		f.WriteString("\ufeff")
		r.w = csv.NewWriter(f)
		// LF line ends: csv.Writer would turn a line break inside a cell
		// into CRLF with UseCRLF, and the cells must stay verbatim.
		h := append(append([]string(nil), r.header...), rejectsRowColumn, rejectsReasonColumn)
		if err := r.w.Write(h); err != nil {
			return err
		}
	}
	cells := row.Cells
	for len(cells) > len(r.header) && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	r.rec = append(r.rec[:0], cells...)
	for len(r.rec) < len(r.header) {
		r.rec = append(r.rec, "")
	}
	r.rec = append(r.rec, fmt.Sprint(row.Num), reason)
	return r.w.Write(tabfile.SafeCells(r.rec))
}

// finish ends the rejects file. After a complete run (ok) it moves the
// file into place, or removes a stale one when there were no rejects; after
// a failed run it drops the partial file and leaves any older one alone.
func (r *rejects) finish(ok bool) error {
	if r.f != nil && !ok {
		r.f.Close()
		os.Remove(r.path + ".tmp")
		return nil
	}
	if r.f == nil {
		if ok {
			if err := os.Remove(r.path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return core.Errorf(core.EINVALID, "无法删除旧的拒绝文件 %s", filepath.Base(r.path))
			}
		}
		return nil
	}
	r.w.Flush()
	err := r.w.Error()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(r.path+".tmp", 0o600) // whatever an old .tmp had
	}
	if err == nil {
		err = os.Rename(r.path+".tmp", r.path)
	}
	if err != nil {
		return core.Errorf(core.EINVALID, "无法写入拒绝文件 %s", filepath.Base(r.path))
	}
	r.written = true
	return nil
}

// eachRow calls fn with the rows already read (pending), then with every
// row rr has left, stopping at the first error.
func eachRow(pending []Row, rr RowReader, fn func(Row) error) error {
	for _, r := range pending {
		if err := fn(r); err != nil {
			return err
		}
	}
	for {
		row, err := rr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}
