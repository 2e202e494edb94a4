package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/rates"
)

// Sheet names of the workbook, in order.
var SheetNames = []string{"总览", "单位排名", "社区排名", "趋势", "失分工单"}

// Number formats of the workbook.
const (
	fmtPct    = "0.00%"
	fmtScore  = "0.00"
	fmtPoints = "0.000"
	fmtCount  = "0"
	fmtNum    = "0.0"
)

// xlsxWriter holds the workbook and its styles.
type xlsxWriter struct {
	f      *excelize.File
	title  int
	header int
	styles map[string]int
}

// WriteXLSX writes rep as a workbook with one sheet per view (总览, 单位排名,
// 社区排名, 趋势, 失分工单, and 数据共享 when rep.Sharing is set): a title in row 1, Chinese column headers in
// row 2 (both frozen), numbers as numbers with percentage and score
// formats; an undefined rate is an empty cell.
func WriteXLSX(w io.Writer, rep *Report) error {
	res := rep.Result
	sheets := SheetNames
	if rep.Sharing != nil {
		sheets = append(slices.Clip(sheets), SharingSheet)
	}
	return writeWorkbook(w, rep.Title, sheets, func(x *xlsxWriter) []func() error {
		steps := []func() error{
			func() error { return x.overview(rep) },
			func() error { return x.ranking(rep, SheetNames[1], "承办单位", res.Units) },
			func() error { return x.ranking(rep, SheetNames[2], "社区", res.Communities) },
			func() error { return x.trend(rep) },
			func() error { return x.lost(rep) },
		}
		if rep.Sharing != nil {
			steps = append(steps, func() error { return x.sharing(rep) })
		}
		return steps
	})
}

// writeWorkbook writes a workbook of the named sheets, filled by the steps
// of fill in order, titled title.
func writeWorkbook(w io.Writer, title string, sheets []string, fill func(x *xlsxWriter) []func() error) error {
	x, err := newXLSXWriter()
	if err != nil {
		return err
	}
	defer x.f.Close()
	if err := x.f.SetSheetName("Sheet1", sheets[0]); err != nil {
		return err
	}
	for _, s := range sheets[1:] {
		if _, err := x.f.NewSheet(s); err != nil {
			return err
		}
	}
	for _, step := range fill(x) {
		if err := step(); err != nil {
			return fmt.Errorf("生成 XLSX 失败: %w", err)
		}
	}
	x.f.SetActiveSheet(0)
	if err := x.f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "jiceng"}); err != nil {
		return err
	}
	return x.f.Write(w)
}

// newXLSXWriter returns a new workbook with the styles of jiceng's
// reports.
func newXLSXWriter() (*xlsxWriter, error) {
	x := &xlsxWriter{f: excelize.NewFile(), styles: map[string]int{}}
	var err error
	if x.title, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return nil, err
	}
	x.header, err = x.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	})
	if err != nil {
		return nil, err
	}
	for _, nf := range []string{fmtPct, fmtScore, fmtPoints, fmtCount, fmtNum} {
		nf := nf
		id, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &nf})
		if err != nil {
			return nil, err
		}
		x.styles[nf] = id
	}
	return x, nil
}

// col is one column of a table sheet: header, width and number format
// ("" for text).
type col struct {
	head  string
	width float64
	nf    string
}

// table starts a sheet: the title, the header row, widths, frozen panes
// and each column's number format for rows 3…last.
func (x *xlsxWriter) table(sheet, title string, cols []col, rows int) error {
	f := x.f
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", x.title); err != nil {
		return err
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellValue(sheet, name+"2", c.head); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, name, name, c.width); err != nil {
			return err
		}
		if c.nf != "" && rows > 0 {
			if err := f.SetCellStyle(sheet, fmt.Sprintf("%s3", name), fmt.Sprintf("%s%d", name, rows+2), x.styles[c.nf]); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A2", last+"2", x.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 2, 30); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// row writes values from column A of row n; a nil value leaves the cell
// empty.
func (x *xlsxWriter) row(sheet string, n int, values ...any) error {
	for i, v := range values {
		if v == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(i+1, n)
		if err != nil {
			return err
		}
		if err := x.f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
	}
	return nil
}

// rate is a figure's rate for a cell, nil when undefined.
func rate(f rates.Figure) any {
	if !f.Valid {
		return nil
	}
	return f.Rate
}

func score(s rates.Summary) any {
	if !s.Scored {
		return nil
	}
	return s.Composite
}

func rankCell(s rates.Summary) any {
	if s.Rank == 0 {
		return nil
	}
	return s.Rank
}

func (x *xlsxWriter) overview(rep *Report) error {
	sheet := SheetNames[0]
	s := &rep.Result.Street
	prev := s.Prev()
	cols := []col{{"指标", 16, ""}, {"分子", 10, ""}, {"分母", 10, fmtCount}, {"本期", 12, ""}, {"上期", 12, ""}, {"变化", 12, ""}}
	if err := x.table(sheet, rep.Title, cols, 6); err != nil {
		return err
	}
	type line struct {
		name     string
		num, den any
		cur, old any
		nf       string
	}
	var lines []line
	for _, r := range []struct {
		name string
		f    func(*rates.Summary) rates.Figure
	}{
		{"响应率", func(s *rates.Summary) rates.Figure { return s.Response }},
		{"解决率", func(s *rates.Summary) rates.Figure { return s.Resolution }},
		{"满意率", func(s *rates.Summary) rates.Figure { return s.Satisfaction }},
	} {
		l := line{name: r.name, num: r.f(&s.Summary).Num, den: r.f(&s.Summary).Den, cur: rate(r.f(&s.Summary)), nf: fmtPct}
		if prev != nil {
			l.old = rate(r.f(prev))
		}
		lines = append(lines, l)
	}
	l := line{name: "综合得分", cur: score(s.Summary), nf: fmtScore}
	if prev != nil {
		l.old = score(*prev)
	}
	lines = append(lines, l)
	l = line{name: "受理工单", cur: s.Received, nf: fmtCount}
	if prev != nil {
		l.old = prev.Received
	}
	lines = append(lines, l)
	lines = append(lines, line{name: "尚未到期未联系", cur: s.Pending, nf: fmtCount})
	for i, l := range lines {
		n := i + 3
		var change any
		if c, ok := l.cur.(float64); ok {
			if o, ok := l.old.(float64); ok {
				change = c - o
			}
		}
		if c, ok := l.cur.(int); ok && l.old != nil {
			change = c - l.old.(int)
		}
		if err := x.row(sheet, n, l.name, l.num, l.den, l.cur, l.old, change); err != nil {
			return err
		}
		if err := x.f.SetCellStyle(sheet, fmt.Sprintf("D%d", n), fmt.Sprintf("F%d", n), x.styles[l.nf]); err != nil {
			return err
		}
	}
	n := len(lines) + 4
	info := [][2]string{
		{"街道", rep.Street},
		{"统计期", rep.Period.Label()},
		{"生成时间", rep.Time(rep.GeneratedAt)},
	}
	for _, kv := range info {
		if err := x.row(sheet, n, kv[0], kv[1]); err != nil {
			return err
		}
		n++
	}
	n++
	if err := x.row(sheet, n, "口径说明"); err != nil {
		return err
	}
	for _, f := range rep.Formulas {
		n++
		if err := x.row(sheet, n, f); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) ranking(rep *Report, sheet, name string, groups []rates.Group) error {
	cols := []col{
		{"排名", 6, fmtCount}, {name, 22, ""}, {"受理量", 8, fmtCount},
		{"及时联系", 9, fmtCount}, {"应联系", 8, fmtCount}, {"响应率", 9, fmtPct},
		{"已解决", 8, fmtCount}, {"回访数", 8, fmtCount}, {"解决率", 9, fmtPct},
		{"满意", 7, fmtCount}, {"基本满意", 9, fmtCount}, {"不满意", 8, fmtCount}, {"参评数", 8, fmtCount}, {"满意率", 9, fmtPct},
		{"综合得分", 10, fmtScore}, {"上期得分", 10, fmtScore}, {"得分变化", 10, fmtScore}, {"上期排名", 9, fmtCount},
	}
	if err := x.table(sheet, rep.Title+" · "+name+"排名", cols, len(groups)); err != nil {
		return err
	}
	for i := range groups {
		g := &groups[i]
		var prevScore, change, prevRank any
		if p := g.Prev(); p != nil {
			prevScore, prevRank = score(*p), rankCell(*p)
			if d, ok := g.Change(); ok {
				change = d
			}
		}
		if err := x.row(sheet, i+3, rankCell(g.Summary), g.Name, g.Received,
			g.Response.Num, g.Response.Den, rate(g.Response),
			g.Resolution.Num, g.Resolution.Den, rate(g.Resolution),
			g.Satisfied, g.BasicSatisfied, g.Dissatisfied, g.Satisfaction.Den, rate(g.Satisfaction),
			score(g.Summary), prevScore, change, prevRank); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	return x.f.AutoFilter(sheet, fmt.Sprintf("A2:%s%d", last, len(groups)+2), nil)
}

func (x *xlsxWriter) trend(rep *Report) error {
	sheet := SheetNames[3]
	series := rep.Result.Street.Series()
	cols := []col{
		{"统计期", 14, ""}, {"受理量", 8, fmtCount},
		{"及时联系", 9, fmtCount}, {"应联系", 8, fmtCount}, {"响应率", 9, fmtPct},
		{"已解决", 8, fmtCount}, {"回访数", 8, fmtCount}, {"解决率", 9, fmtPct},
		{"满意分", 8, fmtNum}, {"参评数", 8, fmtCount}, {"满意率", 9, fmtPct}, {"综合得分", 10, fmtScore},
	}
	if err := x.table(sheet, rep.Title+" · 街道趋势", cols, len(series)); err != nil {
		return err
	}
	for i, s := range series {
		if err := x.row(sheet, i+3, s.Period.Label(), s.Received,
			s.Response.Num, s.Response.Den, rate(s.Response),
			s.Resolution.Num, s.Resolution.Den, rate(s.Resolution),
			s.Satisfaction.Num, s.Satisfaction.Den, rate(s.Satisfaction), score(s)); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) lost(rep *Report) error {
	sheet := SheetNames[4]
	cols := []col{
		{"序号", 6, fmtCount}, {"工单编号", 18, ""}, {"受理时间", 17, ""}, {"紧急程度", 9, ""},
		{"承办单位", 20, ""}, {"社区", 14, ""}, {"问题分类", 30, ""}, {"失分原因", 40, ""},
		{"街道失分", 10, fmtPoints}, {"单位失分", 10, fmtPoints}, {"社区失分", 10, fmtPoints},
	}
	title := rep.Title + " · 失分工单"
	if len(rep.Lost) < rep.LostTotal {
		title += fmt.Sprintf("（失分最多的 %d 件，共 %d 件）", len(rep.Lost), rep.LostTotal)
	}
	if err := x.table(sheet, title, cols, len(rep.Lost)); err != nil {
		return err
	}
	for i := range rep.Lost {
		l := &rep.Lost[i]
		if err := x.row(sheet, i+3, i+1, l.Number, rep.Time(l.ReceivedAt), l.Urgency, l.Unit, l.Community, l.Category,
			l.Reason(), l.Points, l.UnitPoints, l.CommunityPoints); err != nil {
			return err
		}
	}
	return nil
}
