package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// RiskReport is the risk report (风险报告) of a period: the street's (or a
// community's) volume, its trend, category mix and communities, the risk
// alerts, the clusters across communities and the hot issues. The web
// layer fills it from the dashboard; dates are YYYY-MM-DD.
type RiskReport struct {
	Title                     string
	Scope                     string // 全街道, or a community
	From, To                  string // To inclusive
	Total, Previous, LastYear int
	Days                      []RiskDay
	Categories, Communities   []RiskShare
	Alerts                    []RiskAlert
	Clusters                  []RiskCluster
	Hot                       []RiskHot
}

// RiskDay is one day of the trend.
type RiskDay struct {
	Day         string
	N, LastYear int
}

// RiskShare is a category's or a community's count against the period
// before.
type RiskShare struct {
	Name        string
	N, Previous int
}

// RiskAlert is one alert of the report.
type RiskAlert struct {
	Severity, Community, Category1, Day string
	Observed                            int
	Expected, Score                     float64
	State                               string
}

// RiskCluster is one cluster across communities.
type RiskCluster struct {
	Category1, Communities, From, To string
	Observed                         int
	Expected, P                      float64
}

// RiskHot is one hot issue.
type RiskHot struct {
	Label             string
	Heat              float64
	Tickets, Callers  int
	First, Last, List string
}

// RiskSheetNames are the sheets of the risk workbook, in order.
var RiskSheetNames = []string{"总览", "风险预警", "热点问题", "每日", "分类", "社区"}

// WriteRiskXLSX writes rep as a workbook: 总览 (figures), 风险预警 (alerts and
// clusters), 热点问题, 每日 (with a line chart against last year), 分类 (with
// a bar chart against the period before) and 社区.
func WriteRiskXLSX(w io.Writer, rep *RiskReport) error {
	return writeWorkbook(w, rep.Title, RiskSheetNames, func(x *xlsxWriter) []func() error {
		return []func() error{
			func() error { return x.riskOverview(rep) },
			func() error { return x.riskAlerts(rep) },
			func() error { return x.riskHot(rep) },
			func() error { return x.riskDays(rep) },
			func() error { return x.riskShares(rep, RiskSheetNames[4], "一级分类", rep.Categories, true) },
			func() error { return x.riskShares(rep, RiskSheetNames[5], "社区", rep.Communities, false) },
		}
	})
}

func change(n, before int) any {
	if before == 0 {
		return nil
	}
	return float64(n-before) / float64(before)
}

func (x *xlsxWriter) riskOverview(rep *RiskReport) error {
	s := RiskSheetNames[0]
	if err := x.table(s, rep.Title, []col{{"项目", 24, ""}, {"数值", 18, ""}}, 0); err != nil {
		return err
	}
	rows := [][]any{
		{"范围", rep.Scope}, {"时段", rep.From + " 至 " + rep.To},
		{"受理工单", rep.Total}, {"上一时段", rep.Previous}, {"较上一时段", change(rep.Total, rep.Previous)},
		{"去年同期", rep.LastYear}, {"同比", change(rep.Total, rep.LastYear)},
		{"风险预警（近 7 天）", len(rep.Alerts)}, {"跨社区聚集", len(rep.Clusters)}, {"热点问题", len(rep.Hot)},
	}
	for i, r := range rows {
		if err := x.row(s, i+3, r...); err != nil {
			return err
		}
	}
	for _, n := range []int{7, 9} {
		if err := x.f.SetCellStyle(s, fmt.Sprintf("B%d", n), fmt.Sprintf("B%d", n), x.styles[fmtPct]); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) riskAlerts(rep *RiskReport) error {
	s := RiskSheetNames[1]
	cols := []col{{"级别", 8, ""}, {"社区", 16, ""}, {"分类", 16, ""}, {"日期", 12, ""}, {"当日件数", 10, fmtCount},
		{"预期", 10, fmtNum}, {"统计量", 10, fmtScore}, {"处理", 10, ""}}
	if err := x.table(s, rep.Title+" · 风险预警", cols, len(rep.Alerts)); err != nil {
		return err
	}
	for i, a := range rep.Alerts {
		community := a.Community
		if community == "" {
			community = "全街道"
		}
		state := map[string]string{"ack": "已确认"}[a.State]
		if err := x.row(s, i+3, a.Severity, community, a.Category1, a.Day, a.Observed, a.Expected, a.Score, state); err != nil {
			return err
		}
	}
	if len(rep.Clusters) == 0 {
		return nil
	}
	at := len(rep.Alerts) + 5
	if err := x.row(s, at, "跨社区聚集"); err != nil {
		return err
	}
	if err := x.f.SetCellStyle(s, fmt.Sprintf("A%d", at), fmt.Sprintf("A%d", at), x.title); err != nil {
		return err
	}
	if err := x.row(s, at+1, "分类", "社区", "起", "止", "件数", "预期", "p 值"); err != nil {
		return err
	}
	for i, c := range rep.Clusters {
		if err := x.row(s, at+2+i, c.Category1, c.Communities, c.From, c.To, c.Observed, c.Expected, c.P); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) riskHot(rep *RiskReport) error {
	s := RiskSheetNames[2]
	cols := []col{{"热点", 30, ""}, {"热度", 8, fmtNum}, {"工单", 8, fmtCount}, {"来电人", 8, fmtCount},
		{"首次", 18, ""}, {"最近", 18, ""}, {"工单编号", 60, ""}}
	if err := x.table(s, rep.Title+" · 热点问题", cols, len(rep.Hot)); err != nil {
		return err
	}
	for i, h := range rep.Hot {
		if err := x.row(s, i+3, h.Label, h.Heat, h.Tickets, h.Callers, h.First, h.Last, h.List); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) riskDays(rep *RiskReport) error {
	s := RiskSheetNames[3]
	cols := []col{{"日期", 12, ""}, {"工单", 10, fmtCount}, {"去年同期", 10, fmtCount}}
	if err := x.table(s, rep.Title+" · 每日工单", cols, len(rep.Days)); err != nil {
		return err
	}
	for i, d := range rep.Days {
		if err := x.row(s, i+3, d.Day, d.N, d.LastYear); err != nil {
			return err
		}
	}
	if len(rep.Days) == 0 {
		return nil
	}
	last := len(rep.Days) + 2
	return x.f.AddChart(s, "E3", &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{
			{Name: fmt.Sprintf("'%s'!$B$2", s), Categories: fmt.Sprintf("'%s'!$A$3:$A$%d", s, last), Values: fmt.Sprintf("'%s'!$B$3:$B$%d", s, last)},
			{Name: fmt.Sprintf("'%s'!$C$2", s), Categories: fmt.Sprintf("'%s'!$A$3:$A$%d", s, last), Values: fmt.Sprintf("'%s'!$C$3:$C$%d", s, last)},
		},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "每日工单量与去年同期"}}},
		Format: excelize.GraphicOptions{ScaleX: 1.6, ScaleY: 1.2},
		Legend: excelize.ChartLegend{Position: "bottom"},
	})
}

func (x *xlsxWriter) riskShares(rep *RiskReport, s, name string, shares []RiskShare, chart bool) error {
	cols := []col{{name, 20, ""}, {"工单", 10, fmtCount}, {"上一时段", 10, fmtCount}, {"变化", 10, fmtPct}}
	if err := x.table(s, rep.Title+" · "+name, cols, len(shares)); err != nil {
		return err
	}
	for i, sh := range shares {
		label := sh.Name
		if strings.TrimSpace(label) == "" {
			label = "（未填）"
		}
		if err := x.row(s, i+3, label, sh.N, sh.Previous, change(sh.N, sh.Previous)); err != nil {
			return err
		}
	}
	if !chart || len(shares) == 0 {
		return nil
	}
	last := min(len(shares), 15) + 2
	return x.f.AddChart(s, "F3", &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{
			{Name: fmt.Sprintf("'%s'!$B$2", s), Categories: fmt.Sprintf("'%s'!$A$3:$A$%d", s, last), Values: fmt.Sprintf("'%s'!$B$3:$B$%d", s, last)},
			{Name: fmt.Sprintf("'%s'!$C$2", s), Categories: fmt.Sprintf("'%s'!$A$3:$A$%d", s, last), Values: fmt.Sprintf("'%s'!$C$3:$C$%d", s, last)},
		},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: name + "工单量与上一时段"}}},
		Format: excelize.GraphicOptions{ScaleX: 1.4, ScaleY: 1.6},
		Legend: excelize.ChartLegend{Position: "bottom"},
	})
}
