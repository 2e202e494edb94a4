// Package report lays out the monthly and quarterly 三率 report (月报季评)
// of a street from a rates.Result: as an XLSX workbook (WriteXLSX) and as a
// printable, self-contained HTML page with inline SVG charts (WriteHTML).
// It reads no store and no clock: the caller passes the generation time.
package report

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"jiceng/internal/rates"
)

// DefaultLostLimit is how many lost-points tickets a report lists.
const DefaultLostLimit = 100

// Options adjust a report.
type Options struct {
	// GeneratedAt is printed on the report (the caller's clock).
	GeneratedAt time.Time
	// LostLimit caps the 失分工单 list (0: DefaultLostLimit; negative: all).
	LostLimit int
	// Title replaces the default title.
	Title string
	// Location is where times are shown (nil: China Standard Time).
	Location *time.Location
}

// Report is one monthly or quarterly report: what WriteXLSX and WriteHTML
// lay out, and what a web page can render.
type Report struct {
	Title       string // e.g. 清河湾街道接诉即办“三率”月报（2025年3月）
	Street      string
	Period      rates.Period
	KindLabel   string // 月报 or 季报
	GeneratedAt time.Time
	// Formulas are the formulas used, in Chinese (口径说明).
	Formulas []string
	Result   *rates.Result
	// Lost is the head of Result.Lost, at most Options.LostLimit tickets;
	// LostTotal the length of the whole list.
	Lost      []rates.LostTicket
	LostTotal int
	// Sharing is the 数据共享 section (sharing.go); nil has none.
	Sharing *Sharing

	loc *time.Location
}

// New builds the report of res.
func New(res *rates.Result, o Options) *Report {
	kind := "月报"
	if res.Period.Kind == rates.Quarterly {
		kind = "季报"
	}
	r := &Report{
		Street:      res.Street.Name,
		Period:      res.Period,
		KindLabel:   kind,
		GeneratedAt: o.GeneratedAt,
		Formulas:    res.Config.Describe(),
		Result:      res,
		Lost:        res.Lost,
		LostTotal:   len(res.Lost),
		loc:         o.Location,
	}
	if r.loc == nil {
		r.loc = res.Config.Zone()
	}
	r.Title = o.Title
	if r.Title == "" {
		r.Title = fmt.Sprintf("%s接诉即办“三率”%s（%s）", r.Street, kind, res.Period.Label())
	}
	limit := o.LostLimit
	if limit == 0 {
		limit = DefaultLostLimit
	}
	if limit > 0 && len(r.Lost) > limit {
		r.Lost = r.Lost[:limit]
	}
	return r
}

// Time formats t in the report's location, "" for the zero time.
func (r *Report) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(r.loc).Format("2006-01-02 15:04")
}

// Pct formats a rate as a percentage with two decimals, "—" when it is
// not defined.
func Pct(f rates.Figure) string {
	if !f.Valid {
		return "—"
	}
	return FormatRate(f.Rate)
}

// FormatRate formats a rate in 0..1 as a percentage with two decimals:
// the one rounding of a rate, shared by the reports and the pages.
func FormatRate(rate float64) string {
	return strconv.FormatFloat(noNegZero(100*rate), 'f', 2, 64) + "%"
}

// Score formats a composite score with two decimals (rounded half away
// from zero, as ranks compare them), "—" when undefined.
func Score(s rates.Summary) string {
	if !s.Scored {
		return "—"
	}
	return FormatScore(s.Composite)
}

// FormatScore formats a composite score with two decimals, rounded half
// away from zero; shared by the reports and the pages.
func FormatScore(v float64) string {
	return strconv.FormatFloat(noNegZero(math.Round(v*100)/100), 'f', 2, 64)
}

// Num formats a numerator: whole numbers plainly, others with one decimal.
func Num(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// Change formats the composite change of g against the previous period:
// "+1.25", "−0.40", "0.00", or "" when either is undefined.
func Change(g *rates.Group) string {
	d, ok := g.Change()
	if !ok {
		return ""
	}
	return FormatChange(d)
}

// FormatChange formats a change of score with its sign and two decimals:
// "+1.25", "−0.40", and "0.00" for what rounds to nothing (never "-0.00").
func FormatChange(d float64) string {
	d = math.Round(d*100) / 100
	switch {
	case d > 0:
		return "+" + strconv.FormatFloat(d, 'f', 2, 64)
	case d < 0:
		return "−" + strconv.FormatFloat(-d, 'f', 2, 64)
	}
	return "0.00"
}

// FormatPoints formats the points a ticket cost, with three decimals.
func FormatPoints(v float64) string {
	return strconv.FormatFloat(noNegZero(math.Round(v*1000)/1000), 'f', 3, 64)
}

// noNegZero turns −0 into 0, which formats without a sign.
func noNegZero(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}

// Rank formats a rank as "3/30", "—" for an unranked group.
func Rank(s rates.Summary) string {
	if s.Rank == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d", s.Rank, s.RankOf)
}
