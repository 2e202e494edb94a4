// Package export writes the tickets of a filter as a table (CSV or XLSX,
// through a tabfile.RowWriter): one column per field of the field set,
// with the labels as headers, then one per Extra key, so that importing
// the file gives back the same tickets. Tickets are read through the
// casework service, masked for the role the export is made for, and a
// k-anonymity count over quasi-identifiers comes with every export.
//
// The command line ("jiceng export") and the ticket list page (导出
// Excel / 导出 CSV) share it: both only choose the filter, the role, the
// format and where the file goes. Every export is written to the
// service's audit log (core.AuditExport) with its filter, never a value.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
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
	// MaxRows, when not zero, refuses an export of more tickets (before
	// anything is written).
	MaxRows int
	// Address is the client's network address for the audit entry ("" from
	// the command line).
	Address string
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
	rows   int // counted by the first pass
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

// errTooMany stops the first pass of an export over opt.MaxRows.
var errTooMany = errors.New("export: too many rows")

// Prepare makes the first pass over the tickets, which counts them
// (refusing more than opt.MaxRows) and collects the Extra keys so that the
// header is complete before the first row is written, and resolves opt.QI
// against the columns. Both passes stream. It then writes the export to
// the service's audit log, when it has one: an export that cannot be
// audited is refused.
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
	rows := 0
	if opt.MaxRows > 0 {
		// Counted first, by the store's indexes: refusing a district's
		// whole list read every ticket (8 s at 1M tickets).
		lf := f
		lf.Offset, lf.Limit = 0, 1
		if _, total, err := svc.List(ctx, u, lf); err != nil {
			return nil, err
		} else if total > opt.MaxRows {
			return nil, tooMany(opt.MaxRows)
		}
	}
	err := svc.EachExtra(ctx, u, role, f, func(extra map[string]string) error {
		if rows++; opt.MaxRows > 0 && rows > opt.MaxRows {
			return errTooMany
		}
		for k := range extra {
			if set.Field(k) == nil {
				extraSet[k] = true
			}
		}
		return nil
	})
	if errors.Is(err, errTooMany) {
		return nil, tooMany(opt.MaxRows)
	}
	if err != nil {
		return nil, err
	}
	extras := make([]string, 0, len(extraSet))
	for k := range extraSet {
		extras = append(extras, k)
	}
	sort.Strings(extras)
	x := &Export{svc: svc, user: u, role: role, filter: f, opt: opt, rows: rows}
	x.header, x.keys = columns(set, extras)
	qis, err := parseQI(opt.QI, qiNames(set, extras))
	if err != nil {
		return nil, err
	}
	x.qis = qis
	if err := x.audit(ctx); err != nil {
		return nil, err
	}
	return x, nil
}

// tooMany is the refusal of an export over max rows.
func tooMany(max int) error {
	return core.Errorf(core.EINVALID, "符合条件的工单超过单次导出上限 %d 件，请缩小筛选范围（如按受理时间分段）后分批导出", max)
}

// Rows returns the number of tickets the first pass counted.
func (x *Export) Rows() int { return x.rows }

// audit writes the export to the service's audit log: who, the filter,
// the role, the format and the count; never a value.
func (x *Export) audit(ctx context.Context) error {
	if x.svc.Audit == nil {
		return nil
	}
	role := x.role
	if role == "" {
		role = x.user.Role
	}
	e := core.AuditEntry{Actor: x.user.Username, Role: x.user.Role, Action: core.AuditExport,
		Detail: Describe(x.svc, x.filter, x.opt.Format, role, x.rows), Address: x.opt.Address}
	if err := x.svc.Audit.AddAudit(ctx, e); err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	return nil
}

// Describe says what an export of f holds, for the audit log, without
// personal values: the format, the role it is masked for, the count and
// the filter. A keyword is personal data as often as not (a name, a
// phone number): only its use is recorded. A unit, community or category
// is recorded unless the dictionary finds personal data in it (read as
// free text for the most restricted role, share), which a hand-made URL
// could put there.
func Describe(svc *casework.Service, f core.TicketFilter, format, role string, rows int) string {
	if format == "" {
		format = FormatCSV
	}
	parts := []string{"工单导出", "格式 " + format, "按角色 " + role + " 脱敏", fmt.Sprintf("%d 条", rows)}
	const day = "2006-01-02 15:04"
	if !f.From.IsZero() {
		parts = append(parts, "受理时间自 "+f.From.In(core.StreetTime).Format(day))
	}
	if !f.To.IsZero() {
		parts = append(parts, "受理时间早于 "+f.To.In(core.StreetTime).Format(day))
	}
	for _, p := range []struct{ label, v string }{
		{"状态", f.Status}, {"诉求类型", string(f.Intent)}, {"来源渠道", string(f.Channel)},
		{"一级分类", f.Category1}, {"二级分类", f.Category2}, {"三级分类", f.Category3},
		{"承办单位", f.Unit}, {"社区", f.Community},
	} {
		if p.v == "" {
			continue
		}
		v := p.v
		if svc.MaskValue("share", "note", v) != v {
			v = "（含个人信息，未记录）"
		}
		parts = append(parts, p.label+" "+v)
	}
	if f.Keyword != "" {
		parts = append(parts, "关键词（内容未记录）")
	}
	return strings.Join(parts, "；")
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
		if x.opt.MaxRows > 0 && res.Rows >= x.opt.MaxRows {
			return tooMany(x.opt.MaxRows) // tickets came in since Prepare
		}
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

// Format returns the format of an export to out: format itself when given
// (csv or xlsx), else by out's extension, else CSV. XLSX cannot go to the
// standard output ("-").
func Format(format, out string) (string, error) {
	if format == "" {
		format = FormatCSV
		if strings.EqualFold(filepath.Ext(out), ".xlsx") {
			format = FormatXLSX
		}
	}
	if format != FormatCSV && format != FormatXLSX {
		return "", core.Errorf(core.EINVALID, "导出格式应为 csv 或 xlsx")
	}
	if format == FormatXLSX && out == "-" {
		return "", core.Errorf(core.EINVALID, "XLSX 不能写到标准输出，请指定输出文件")
	}
	return format, nil
}

// NewWriter returns the row writer of format to w: CSV in encoding
// (tabfile.UTF8 with a BOM, or tabfile.GBK), or XLSX (w gets the whole
// workbook at Close; rows spill to a temporary file meanwhile). Discard
// it with tabfile.Discard when it is not closed.
func NewWriter(w io.Writer, format, encoding string) (tabfile.RowWriter, error) {
	switch format {
	case FormatXLSX:
		return tabfile.NewXLSXWriter(w)
	case FormatCSV, "":
		if !tabfile.ValidEncoding(encoding) {
			return nil, core.Errorf(core.EINVALID, "CSV 编码应为 utf8 或 gbk")
		}
		return tabfile.NewCSVWriter(w, encoding)
	}
	return nil, core.Errorf(core.EINVALID, "导出格式应为 csv 或 xlsx")
}

// ContentType is the media type of a file of format.
func ContentType(format string) string {
	if format == FormatXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}
