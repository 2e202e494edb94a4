package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/importer"
)

// runExport implements "jiceng export": it streams the tickets matching the
// filters to CSV (UTF-8 with BOM, or GBK) or XLSX, with the field labels as
// headers and one column per Extra key, so that "jiceng import" of the
// output gives back the same tickets. Every value passes through the
// masking dictionary for -role (default export: pseudonymised, needs
// $JICENG_DEID_KEY; -role admin gives the raw data), and a k-anonymity
// report over the -qi quasi-identifiers goes to stderr.
func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "export [-db DSN] [-role ROLE] [-policy FILE] [-qi 字段,...] [-format csv|xlsx] [-encoding utf8|gbk] [-out FILE] [筛选条件]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	format := fs.String("format", "", "输出格式 csv 或 xlsx；默认按 -out 的扩展名，否则 csv")
	encoding := fs.String("encoding", "utf8", "CSV 编码：utf8（带 BOM）或 gbk（GB18030，可表示全部汉字）")
	out := fs.String("out", "-", "输出文件；- 表示标准输出（仅 CSV）")
	fieldsFile := fs.String("fields", "", "字段集声明文件；默认用内置标准字段集")
	role := fs.String("role", "export", "脱敏字典中的角色；export 为假名化导出（需环境变量 "+deidKeyEnv+"），admin 为原始数据")
	policyFile := addPolicyFlag(fs)
	qi := fs.String("qi", defaultQI, "计算 k-匿名性的准标识符：字段名，逗号分隔；时间字段可加 :year、:month 或 :day 表示概化到年、月或日")
	from := fs.String("from", "", "受理时间起（含），如 2024-03-01")
	to := fs.String("to", "", "受理时间止（不含），如 2024-04-01")
	var f core.TicketFilter
	fs.StringVar(&f.Status, "status", "", "工单状态")
	fs.StringVar(&f.Category1, "category", "", "一级分类")
	fs.StringVar(&f.Unit, "unit", "", "承办单位")
	fs.StringVar(&f.Community, "community", "", "社区")
	fs.StringVar(&f.Intent, "intent", "", "诉求类型")
	fs.StringVar(&f.Channel, "channel", "", "来源渠道")
	fs.StringVar(&f.Keyword, "keyword", "", "标题或内容中的关键词")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "jiceng export: 多余的参数 %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	var err error
	if f.From, err = parseDateFlag("from", *from); err != nil {
		return err
	}
	if f.To, err = parseDateFlag("to", *to); err != nil {
		return err
	}
	if *format == "" {
		*format = "csv"
		if filepath.Ext(*out) == ".xlsx" {
			*format = "xlsx"
		}
	}
	if *format != "csv" && *format != "xlsx" {
		return core.Errorf(core.EINVALID, "-format 应为 csv 或 xlsx")
	}
	if *encoding != "utf8" && *encoding != "gbk" {
		return core.Errorf(core.EINVALID, "-encoding 应为 utf8 或 gbk")
	}
	if *format == "xlsx" && *out == "-" {
		return core.Errorf(core.EINVALID, "XLSX 不能写到标准输出，请用 -out 指定文件")
	}
	set, err := loadFields(*fieldsFile)
	if err != nil {
		return err
	}
	policy, err := loadDictionary(*policyFile)
	if err != nil {
		return err
	}
	if err := checkRole(policy, *role); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()

	// Exports read through the casework service, as the workbench does: an
	// operator of the command line is an administrator, who may export as
	// any role of the dictionary.
	svc := &casework.Service{Store: st, Fields: set, Dictionary: policy}
	// A first pass collects the Extra keys, so that the header is complete
	// before the first row is written; both passes stream.
	extraSet := map[string]bool{}
	if err := svc.Each(ctx, cliUser, *role, f, func(t core.Ticket) error {
		for k := range t.Extra {
			if set.Field(k) == nil {
				extraSet[k] = true
			}
		}
		return nil
	}); err != nil {
		return err
	}
	extras := make([]string, 0, len(extraSet))
	for k := range extraSet {
		extras = append(extras, k)
	}
	sort.Strings(extras)
	header := make([]string, 0, len(set.Fields)+len(extras))
	for _, fd := range set.Fields {
		header = append(header, fd.Label)
	}
	header = append(header, extras...)
	keys := make([]string, 0, len(header))
	for _, fd := range set.Fields {
		keys = append(keys, fd.Name)
	}
	keys = append(keys, extras...)
	names := make([]string, 0, len(header))
	for _, fd := range set.Fields {
		names = append(names, fd.Name)
	}
	for _, k := range extras {
		// A raw value kept beside a field ("联系电话（原值）") is treated
		// like the field, as the workbench does.
		if label, ok := strings.CutSuffix(k, fieldset.RawSuffix); ok {
			if fd := set.Lookup(label); fd != nil {
				k = fd.Name
			}
		}
		names = append(names, k)
	}
	qis, err := parseQI(*qi, names)
	if err != nil {
		return err
	}
	classes := deid.NewClasses()
	qiVals := make([]string, len(qis))

	var w rowWriter
	var dst *output
	if *out == "-" {
		w, err = newCSVRowWriter(e.stdout, *encoding)
	} else {
		if dst, err = createOutput(*out); err != nil {
			return err
		}
		defer dst.abort()
		if *format == "xlsx" {
			w, err = newXLSXRowWriter(dst)
		} else {
			w, err = newCSVRowWriter(dst, *encoding)
		}
	}
	if err != nil {
		return err
	}
	if err := w.write(header); err != nil {
		return err
	}
	n := 0
	err = svc.Rows(ctx, cliUser, *role, f, keys, func(t *core.Ticket, row []string) error {
		for i, q := range qis {
			qiVals[i] = q.value(row)
		}
		classes.Add(qiVals...)
		if *format == "xlsx" {
			for i, v := range row {
				if len(v) > excelize.TotalCellChars/3 && len(utf16.Encode([]rune(v))) > excelize.TotalCellChars {
					return core.Errorf(core.EINVALID, "工单 %s 的 %s 超过 Excel 单元格 %d 字符的上限，请导出为 CSV",
						t.Number, header[i], excelize.TotalCellChars)
				}
			}
		}
		n++
		return w.write(row)
	})
	if err != nil {
		return err
	}
	if err := w.close(); err != nil {
		return fmt.Errorf("写入导出文件失败: %w", err)
	}
	if dst != nil {
		if err := dst.commit(); err != nil {
			return fmt.Errorf("写入导出文件失败: %w", err)
		}
		fmt.Fprintf(e.stderr, "已按角色 %s 导出 %d 条工单到 %s\n", *role, n, *out)
	}
	reportKAnonymity(e, classes, *qi)
	return nil
}

// defaultQI are the quasi-identifiers of a ticket export: where, what and
// when. Together with outside knowledge ("my neighbour complained about
// noise in March") they can single a caller out even with names removed.
const defaultQI = "community,category1,received_at:month"

// warnK is the k below which the k-anonymity report warns.
const warnK = 5

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

// reportKAnonymity writes the k-anonymity of an export to stderr: counts
// only, never values.
func reportKAnonymity(e *env, c *deid.Classes, qi string) {
	fmt.Fprintf(e.stderr, "k-匿名性: k=%d，等价类 %d 个，共 %d 条（准标识符: %s）\n", c.K(), c.Len(), c.Records(), qi)
	if c.Records() > 0 && c.K() < warnK {
		fmt.Fprintf(e.stderr, "注意: %d 条工单所在的等价类小于 %d 条，可能被单独识别；可减少准标识符、放宽概化或加筛选条件后再发布\n",
			c.Small(warnK), warnK)
	}
}

// output is a file being written: a temporary file beside the path,
// renamed into place by commit, so that an interrupted run never leaves
// half a file under the final name. A path that is not a regular file
// (/dev/null, a named pipe) is written directly, never replaced.
type output struct {
	*os.File
	tmp, path string
	done      bool
}

func createOutput(path string) (*output, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "无法写入 %s", filepath.Base(path))
		}
		return &output{File: f, path: path}, nil
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "无法创建文件 %s", filepath.Base(path))
	}
	return &output{File: f, tmp: tmp, path: path}, nil
}

// commit closes the file and moves it into place.
func (o *output) commit() error {
	o.done = true
	if err := o.Close(); err != nil {
		return err
	}
	if o.tmp != "" {
		return os.Rename(o.tmp, o.path)
	}
	return nil
}

// abort drops an uncommitted file; after commit it does nothing.
func (o *output) abort() {
	if o.done {
		return
	}
	o.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}

func parseDateFlag(name, v string) (t time.Time, err error) {
	if v == "" {
		return t, nil
	}
	t, err = fieldset.ParseDateTime(v)
	if err != nil {
		return t, core.Errorf(core.EINVALID, "-%s: 日期无法识别，请写成 2024-03-01 或 2024-03-01 08:00", name)
	}
	return t, nil
}

// rowWriter writes the rows of an export.
type rowWriter interface {
	write(cells []string) error
	close() error
}

type csvRowWriter struct {
	bw *bufio.Writer
	tw io.WriteCloser
	cw *csv.Writer
}

// newCSVRowWriter writes CSV: UTF-8
// with a BOM (so that Excel recognises it), or GB18030 for "gbk" (which
// equals GBK on every GBK character and can still write the others).
func newCSVRowWriter(w io.Writer, encoding string) (*csvRowWriter, error) {
	c := &csvRowWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	var out io.Writer = c.bw
	if encoding == "gbk" {
		c.tw = transform.NewWriter(c.bw, simplifiedchinese.GB18030.NewEncoder())
		out = c.tw
	} else if _, err := c.bw.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	// LF line ends: with UseCRLF, csv.Writer also turns line breaks inside
	// cells into CRLF, which would not round-trip. Excel reads either.
	c.cw = csv.NewWriter(out)
	return c, nil
}

// write writes one record, each cell guarded against formula injection
// (importer.SafeCell); import takes the guard off again.
func (c *csvRowWriter) write(cells []string) error { return c.cw.Write(importer.SafeCells(cells)) }

func (c *csvRowWriter) close() error {
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

// xlsxRowWriter writes one sheet with excelize's StreamWriter, every cell
// as text so that numbers such as ticket numbers keep their leading zeros.
type xlsxRowWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	dst io.Writer
	n   int
	buf []any
}

func newXLSXRowWriter(dst io.Writer) (*xlsxRowWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	return &xlsxRowWriter{f: f, sw: sw, dst: dst}, nil
}

func (x *xlsxRowWriter) write(cells []string) error {
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

func (x *xlsxRowWriter) close() error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if err := x.f.Write(x.dst); err != nil {
		return err
	}
	return x.f.Close()
}
