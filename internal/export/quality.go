package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/quality"
)

// QualitySheets are the sheets of the data-quality report, in order.
var QualitySheets = []string{"概览", "检查结果", "问题记录", "字段得分"}

// QualityXLSX writes a data-quality run as a workbook: 概览 (the overall
// score, the counts by status and the score of each source and owner,
// with a bar chart of the source scores), 检查结果 (one row per check),
// 问题记录 (the masked samples of the failing rows) and 字段得分 (the
// score of each field). Samples hold only what the run's mask returned.
func QualityXLSX(w io.Writer, run *quality.Run, title string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", QualitySheets[0]); err != nil {
		return err
	}
	for _, s := range QualitySheets[1:] {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	q := &qualityBook{f: f}
	if err := q.styles(); err != nil {
		return err
	}
	for _, step := range []func() error{
		func() error { return q.overview(run, title) },
		func() error { return q.results(run) },
		func() error { return q.samples(run) },
		func() error { return q.fields(run) },
	} {
		if err := step(); err != nil {
			return fmt.Errorf("生成质量报告失败: %w", err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "jiceng"}); err != nil {
		return err
	}
	return f.Write(w)
}

type qualityBook struct {
	f                          *excelize.File
	bold, head, pct, num, fail int
	warn, pass                 int
}

func (q *qualityBook) styles() error {
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = q.f.NewStyle(s)
		return id
	}
	pct, num := "0.00%", "0.00"
	q.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	q.head = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	q.pct = mk(&excelize.Style{CustomNumFmt: &pct})
	q.num = mk(&excelize.Style{CustomNumFmt: &num})
	q.fail = mk(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F4CCCC"}}})
	q.warn = mk(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
	q.pass = mk(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9EAD3"}}})
	return err
}

// qcell returns the name of the cell at column col (1-based) and row.
func qcell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// put writes values into row from column 1; a nil leaves the cell empty.
// Strings are stored as text, never as formulas, whatever they start
// with.
func (q *qualityBook) put(sheet string, row int, values ...any) error {
	for i, v := range values {
		if v == nil {
			continue
		}
		if err := q.f.SetCellValue(sheet, qcell(i+1, row), v); err != nil {
			return err
		}
	}
	return nil
}

// header writes a header row and the column widths.
func (q *qualityBook) header(sheet string, row int, cols []string, widths []float64) error {
	for i, c := range cols {
		if err := q.f.SetCellValue(sheet, qcell(i+1, row), c); err != nil {
			return err
		}
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := q.f.SetColWidth(sheet, name, name, widths[i]); err != nil {
			return err
		}
	}
	return q.f.SetCellStyle(sheet, qcell(1, row), qcell(len(cols), row), q.head)
}

func (q *qualityBook) statusStyle(sheet, c, status string) error {
	style := map[string]int{quality.StatusFail: q.fail, quality.StatusWarn: q.warn, quality.StatusPass: q.pass}[status]
	if style == 0 {
		return nil
	}
	return q.f.SetCellStyle(sheet, c, c, style)
}

func prevScore(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (q *qualityBook) overview(run *quality.Run, title string) error {
	s := QualitySheets[0]
	if title == "" {
		title = "数据质量报告"
	}
	if err := q.put(s, 1, title); err != nil {
		return err
	}
	if err := q.f.SetCellStyle(s, "A1", "A1", q.bold); err != nil {
		return err
	}
	rows := 0
	var kinds []string
	for _, k := range fieldset.RecordKinds {
		if n := run.Rows[k]; n > 0 {
			rows += n
			kinds = append(kinds, fmt.Sprintf("%s %d", fieldset.KindLabel[k], n))
		}
	}
	lines := [][]any{
		{"检查时间", run.At.In(core.StreetTime).Format("2006-01-02 15:04")},
		{"记录数", rows, strings.Join(kinds, "，")},
		{"总体得分", run.Score},
		{"检查项", len(run.Results), fmt.Sprintf("通过 %d，警告 %d，不合格 %d，未执行 %d", run.Pass, run.Warn, run.Fail, run.Skip)},
	}
	for i, l := range lines {
		if err := q.put(s, i+2, l...); err != nil {
			return err
		}
	}
	// The sources, then the owners.
	r := len(lines) + 3
	cols := []string{"来源", "责任部门", "记录数", "得分", "上次得分", "不合格项", "警告项"}
	if err := q.header(s, r, cols, []float64{20, 16, 10, 10, 10, 10, 10}); err != nil {
		return err
	}
	first := r + 1
	for _, sc := range run.Sources {
		r++
		if err := q.put(s, r, sc.Name, sc.Owner, sc.Rows, sc.Score, prevScore(sc.Prev), sc.Fails, sc.Warns); err != nil {
			return err
		}
	}
	last := r
	r += 2
	if err := q.header(s, r, []string{"责任部门", "", "记录数", "得分", "上次得分", "不合格项", "警告项"}, []float64{20, 16, 10, 10, 10, 10, 10}); err != nil {
		return err
	}
	for _, o := range run.Owners {
		r++
		if err := q.put(s, r, o.Name, nil, o.Rows, o.Score, prevScore(o.Prev), o.Fails, o.Warns); err != nil {
			return err
		}
	}
	if len(run.Sources) == 0 {
		return nil
	}
	return q.f.AddChart(s, "I2", &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$D$%d", s, first-1),
			Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", s, first, last),
			Values:     fmt.Sprintf("'%s'!$D$%d:$D$%d", s, first, last),
		}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "各来源质量得分"}}},
		Format: excelize.GraphicOptions{ScaleX: 1.2, ScaleY: 1.2},
		Legend: excelize.ChartLegend{Position: "none"},
	})
}

func kindLabel(k string) string {
	if l := fieldset.KindLabel[k]; l != "" {
		return l
	}
	return map[string]string{"ticket": "工单", "area": "区域"}[k]
}

func trendLabel(r *quality.Result) string {
	return quality.TrendLabel[r.Trend]
}

func (q *qualityBook) results(run *quality.Run) error {
	s := QualitySheets[1]
	cols := []string{"数据类别", "维度", "检查项", "规则", "结果", "检查数", "问题数", "问题率", "上次问题率", "趋势", "说明", "来源"}
	if err := q.header(s, 1, cols, []float64{10, 12, 34, 40, 10, 10, 10, 10, 12, 8, 24, 10}); err != nil {
		return err
	}
	for i := range run.Results {
		r := &run.Results[i]
		var prev any
		if r.PrevRate != nil {
			prev = *r.PrevRate
		}
		row := i + 2
		if err := q.put(s, row, kindLabel(r.RecordKind), quality.KindLabel[r.Kind], r.Name, r.Rule, quality.StatusLabel[r.Status],
			r.Checked, r.Failing, r.Rate, prev, trendLabel(r), r.Note, originLabel(r.Origin)); err != nil {
			return err
		}
		if err := q.statusStyle(s, qcell(5, row), r.Status); err != nil {
			return err
		}
	}
	if n := len(run.Results); n > 0 {
		if err := q.f.SetCellStyle(s, "H2", fmt.Sprintf("I%d", n+1), q.pct); err != nil {
			return err
		}
	}
	return q.f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func originLabel(o string) string {
	if o == "fieldset" {
		return "字段集"
	}
	return strings.Replace(o, "checks:", "检查文件第 ", 1) + " 行"
}

func (q *qualityBook) samples(run *quality.Run) error {
	s := QualitySheets[2]
	cols := []string{"检查项", "结果", "记录", "来源", "字段", "值（已脱敏）", "问题"}
	if err := q.header(s, 1, cols, []float64{34, 10, 14, 16, 14, 22, 40}); err != nil {
		return err
	}
	row := 1
	for i := range run.Results {
		r := &run.Results[i]
		for _, sm := range r.Samples {
			row++
			if err := q.put(s, row, r.Name, quality.StatusLabel[r.Status], sm.Record, sm.Source, sm.Field, sm.Value, sm.Reason); err != nil {
				return err
			}
			if err := q.statusStyle(s, qcell(2, row), r.Status); err != nil {
				return err
			}
		}
	}
	return q.f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func (q *qualityBook) fields(run *quality.Run) error {
	s := QualitySheets[3]
	cols := []string{"数据类别", "字段", "名称", "得分", "上次得分", "不合格项", "警告项"}
	if err := q.header(s, 1, cols, []float64{10, 20, 16, 10, 10, 10, 10}); err != nil {
		return err
	}
	for i, fs := range run.Fields {
		if err := q.put(s, i+2, kindLabel(fs.Kind), fs.Name, fs.Label, fs.Score, prevScore(fs.Prev), fs.Fails, fs.Warns); err != nil {
			return err
		}
	}
	if n := len(run.Fields); n > 0 {
		if err := q.f.SetCellStyle(s, "D2", fmt.Sprintf("E%d", n+1), q.num); err != nil {
			return err
		}
	}
	return q.f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
