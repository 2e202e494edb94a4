// Package export writes the tickets of a filter as a table (CSV or XLSX,
// through a tabfile.RowWriter): one column per field of the field set,
// with the labels as headers, then one per Extra key, so that importing
// the file gives back the same tickets. Tickets are read through the
// casework service, masked for the role the export is made for, and a
// k-anonymity count over quasi-identifiers comes with every export.
package export

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf16"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/tabfile"
)

// Formats of an export.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// DefaultQI are the quasi-identifiers of a ticket export: where, what and
// when. Together with outside knowledge ("my neighbour complained about
// noise in March") they can single a caller out even with names removed.
const DefaultQI = "community,category1,received_at:month"

// WarnK is the k below which the k-anonymity report warns.
const WarnK = 5

// Options tune an export.
type Options struct {
	// Fields is the field set; nil means the service's (fieldset.Tickets()
	// when that is nil too).
	Fields *fieldset.Set
	// Format is FormatCSV or FormatXLSX; for XLSX a value too long for a
	// cell fails the export. The writer decides the file's format and
	// encoding.
	Format string
	// QI lists the quasi-identifiers: field names (or Extra keys),
	// separated by commas; a time may be generalised with :year, :month or
	// :day. Callers usually pass DefaultQI; empty means none (every ticket
	// in one class).
	QI string
}

// Result is the outcome of an export.
type Result struct {
	// Rows is the number of tickets written.
	Rows int
	// Classes are the equivalence classes of the tickets over QI.
	Classes *deid.Classes
	// QI is the quasi-identifier list the classes are over.
	QI string
}

// Export is an export whose columns are known (Prepare), ready to write.
type Export struct {
	svc    *casework.Service
	user   core.User
	role   string
	filter core.TicketFilter
	opt    Options
	header []string // column headers: field labels, then Extra keys
	keys   []string // casework.Service.Rows keys of the columns
	qis    []quasiID
}

// Tickets writes the tickets of f that u may read, masked for role (see
// casework.Service.Rows), to w: the header, then one row per ticket. It
// does not close w.
func Tickets(ctx context.Context, svc *casework.Service, u core.User, role string, f core.TicketFilter, opt Options, w tabfile.RowWriter) (Result, error) {
	x, err := Prepare(ctx, svc, u, role, f, opt)
	if err != nil {
		return Result{}, err
	}
	return x.Write(ctx, w)
}

// Prepare makes the first pass over the tickets, which collects the Extra
// keys so that the header is complete before the first row is written,
// and resolves opt.QI against the columns. Both passes stream.
func Prepare(ctx context.Context, svc *casework.Service, u core.User, role string, f core.TicketFilter, opt Options) (*Export, error) {
	set := opt.Fields
	if set == nil {
		set = svc.Fields
	}
	if set == nil {
		set = fieldset.Tickets()
	}
	opt.Fields = set
	extraSet := map[string]bool{}
	if err := svc.Each(ctx, u, role, f, func(t core.Ticket) error {
		for k := range t.Extra {
			if set.Field(k) == nil {
				extraSet[k] = true
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	extras := make([]string, 0, len(extraSet))
	for k := range extraSet {
		extras = append(extras, k)
	}
	sort.Strings(extras)
	x := &Export{svc: svc, user: u, role: role, filter: f, opt: opt}
	x.header, x.keys = columns(set, extras)
	qis, err := parseQI(opt.QI, qiNames(set, extras))
	if err != nil {
		return nil, err
	}
	x.qis = qis
	return x, nil
}

// columns returns the headers and the row keys of an export: the fields
// of set, then the Extra keys extras.
func columns(set *fieldset.Set, extras []string) (header, keys []string) {
	header = make([]string, 0, len(set.Fields)+len(extras))
	for _, fd := range set.Fields {
		header = append(header, fd.Label)
	}
	header = append(header, extras...)
	keys = make([]string, 0, len(header))
	for _, fd := range set.Fields {
		keys = append(keys, fd.Name)
	}
	keys = append(keys, extras...)
	return header, keys
}

// qiNames returns the names by which -qi names the columns: the field
// names, then the Extra keys, where a raw value kept beside a field
// ("联系电话（原值）") is named like the field, as the workbench treats it.
func qiNames(set *fieldset.Set, extras []string) []string {
	names := make([]string, 0, len(set.Fields)+len(extras))
	for _, fd := range set.Fields {
		names = append(names, fd.Name)
	}
	for _, k := range extras {
		names = append(names, set.FieldOf(k))
	}
	return names
}

// Header returns the column headers.
func (x *Export) Header() []string { return x.header }

// Write writes the header and the rows to w and counts the equivalence
// classes. It does not close w.
func (x *Export) Write(ctx context.Context, w tabfile.RowWriter) (Result, error) {
	res := Result{Classes: deid.NewClasses(), QI: x.opt.QI}
	if err := w.Write(append([]string(nil), x.header...)); err != nil {
		return res, err
	}
	qiVals := make([]string, len(x.qis))
	err := x.svc.Rows(ctx, x.user, x.role, x.filter, x.keys, func(t *core.Ticket, row []string) error {
		for i, q := range x.qis {
			qiVals[i] = q.value(row)
		}
		res.Classes.Add(qiVals...)
		if x.opt.Format == FormatXLSX {
			if err := x.checkXLSX(t, row); err != nil {
				return err
			}
		}
		res.Rows++
		return w.Write(row)
	})
	return res, err
}

// checkXLSX refuses a row with a value longer than an XLSX cell holds.
func (x *Export) checkXLSX(t *core.Ticket, row []string) error {
	for i, v := range row {
		// A UTF-16 code unit takes at least 1 and at most 3 bytes of UTF-8
		// (a pair takes 4): shorter values need no counting.
		if len(v) > tabfile.MaxXLSXCell/3 && len(utf16.Encode([]rune(v))) > tabfile.MaxXLSXCell {
			return core.Errorf(core.EINVALID, "工单 %s 的 %s 超过 Excel 单元格 %d 字符的上限，请导出为 CSV",
				t.Number, x.header[i], tabfile.MaxXLSXCell)
		}
	}
	return nil
}

// WriteKAnonymity writes the k-anonymity of the export to w: counts only,
// never values, with a warning when k is below WarnK.
func (r Result) WriteKAnonymity(w io.Writer) {
	c := r.Classes
	fmt.Fprintf(w, "k-匿名性: k=%d，等价类 %d 个，共 %d 条（准标识符: %s）\n", c.K(), c.Len(), c.Records(), r.QI)
	if c.Records() > 0 && c.K() < WarnK {
		fmt.Fprintf(w, "注意: %d 条工单所在的等价类小于 %d 条，可能被单独识别；可减少准标识符、放宽概化或加筛选条件后再发布\n",
			c.Small(WarnK), WarnK)
	}
}

// quasiID is one quasi-identifier of an export: a column, cut to a prefix
// for a time generalised to year, month or day.
type quasiID struct {
	col int
	cut int // runes kept; 0 keeps all
}

func (q quasiID) value(row []string) string {
	v := row[q.col]
	if q.cut > 0 {
		if r := []rune(v); len(r) > q.cut {
			return string(r[:q.cut])
		}
	}
	return v
}

// parseQI resolves a -qi list against the export's column names.
func parseQI(spec string, names []string) ([]quasiID, error) {
	var qis []quasiID
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, gen, _ := strings.Cut(item, ":")
		q := quasiID{col: -1}
		for i, n := range names {
			if n == name {
				q.col = i
				break
			}
		}
		if q.col < 0 {
			return nil, core.Errorf(core.EINVALID, "-qi: 导出中没有字段 %q", name)
		}
		switch gen {
		case "":
		case "year":
			q.cut = 4
		case "month":
			q.cut = 7
		case "day":
			q.cut = 10
		default:
			return nil, core.Errorf(core.EINVALID, "-qi: %s 的概化方式应为 year、month 或 day", name)
		}
		qis = append(qis, q)
	}
	return qis, nil
}
