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
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// runExport implements "jiceng export": it streams the tickets matching the
// filters to CSV (UTF-8 with BOM, or GBK) or XLSX, with the field labels as
// headers and one column per Extra key, so that "jiceng import" of the
// output gives back the same tickets.
func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "export [-db DSN] [-format csv|xlsx] [-encoding utf8|gbk] [-out FILE] [筛选条件]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	format := fs.String("format", "", "输出格式 csv 或 xlsx；默认按 -out 的扩展名，否则 csv")
	encoding := fs.String("encoding", "utf8", "CSV 编码：utf8（带 BOM）或 gbk（GB18030，可表示全部汉字）")
	out := fs.String("out", "-", "输出文件；- 表示标准输出（仅 CSV）")
	fieldsFile := fs.String("fields", "", "字段集声明文件；默认用内置标准字段集")
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
	set := fieldset.Tickets()
	if *fieldsFile != "" {
		r, err := os.Open(*fieldsFile)
		if err != nil {
			return fmt.Errorf("无法打开字段集文件 %s", filepath.Base(*fieldsFile))
		}
		set, err = fieldset.Load(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("字段集文件 %s: %w", filepath.Base(*fieldsFile), err)
		}
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()

	// A first pass collects the Extra keys, so that the header is complete
	// before the first row is written; both passes stream.
	extraSet := map[string]bool{}
	if err := st.EachTicket(ctx, f, func(t core.Ticket) error {
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

	var w rowWriter
	var dst *os.File
	tmp := ""
	if *out == "-" {
		w, err = newCSVRowWriter(e.stdout, *encoding)
	} else {
		tmp = *out + ".tmp"
		dst, err = os.Create(tmp)
		if err != nil {
			return core.Errorf(core.EINVALID, "无法创建文件 %s", filepath.Base(*out))
		}
		defer func() {
			dst.Close()
			os.Remove(tmp)
		}()
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
	row := make([]string, len(header))
	err = st.EachTicket(ctx, f, func(t core.Ticket) error {
		copy(row, set.Values(&t))
		for i, k := range extras {
			row[len(set.Fields)+i] = t.Extra[k]
		}
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
		if err := dst.Close(); err != nil {
			return fmt.Errorf("写入导出文件失败: %w", err)
		}
		if err := os.Rename(tmp, *out); err != nil {
			return fmt.Errorf("写入导出文件失败: %w", err)
		}
		fmt.Fprintf(e.stderr, "已导出 %d 条工单到 %s\n", n, *out)
	}
	return nil
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

func (c *csvRowWriter) write(cells []string) error { return c.cw.Write(cells) }

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
