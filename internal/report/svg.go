package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"jiceng/internal/rates"
)

// Chart colours and dash patterns: the three lines stay apart on a
// black-and-white printout too.
var trendLines = []struct {
	name, color, dash string
	f                 func(*rates.Summary) rates.Figure
}{
	{"响应率", "#1f6fb4", "", func(s *rates.Summary) rates.Figure { return s.Response }},
	{"解决率", "#2e8b3e", "6 3", func(s *rates.Summary) rates.Figure { return s.Resolution }},
	{"满意率", "#c0392b", "2 3", func(s *rates.Summary) rates.Figure { return s.Satisfaction }},
}

// esc escapes text for SVG inside HTML.
func esc(s string) string { return template.HTMLEscapeString(s) }

// f1 formats a coordinate with one decimal, so that output is stable.
func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

// TrendSVG draws the three rates of series (oldest first) as lines over
// the periods, in percent: an inline SVG with no script or outside
// reference. The vertical axis starts at the tens below the lowest rate.
func TrendSVG(series []rates.Summary) template.HTML {
	const (
		w, h                     = 720.0, 260.0
		left, right, top, bottom = 46.0, 116.0, 16.0, 34.0
	)
	pw, ph := w-left-right, h-top-bottom
	lo := 1.0
	for i := range series {
		for _, l := range trendLines {
			if f := l.f(&series[i]); f.Valid && f.Rate < lo {
				lo = f.Rate
			}
		}
	}
	lo = math.Max(0, math.Floor(lo*10-0.0001)/10)
	if lo > 0.9 {
		lo = 0.9
	}
	step := 0.1
	if 1-lo <= 0.2 {
		step = 0.05
	}
	y := func(r float64) float64 { return top + ph*(1-(r-lo)/(1-lo)) }
	x := func(i int) float64 {
		if len(series) == 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(len(series)-1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="三率趋势">`, w, h)
	b.WriteString(`<g font-size="11" fill="#555">`)
	for v := lo; v <= 1.00001; v += step {
		yy := f1(y(v))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`, f1(left), yy, f1(left+pw), yy)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%.0f%%</text>`, f1(left-6), yy, v*100)
	}
	for i, s := range series {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, f1(x(i)), f1(h-bottom+18), esc(s.Period.ShortLabel()))
	}
	b.WriteString(`</g>`)
	for k, l := range trendLines {
		dash := ""
		if l.dash != "" {
			dash = ` stroke-dasharray="` + l.dash + `"`
		}
		// A line breaks where a period has no rate.
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`, l.color, dash, strings.Join(pts, " "))
			}
			pts = pts[:0]
		}
		last := -1
		for i := range series {
			f := l.f(&series[i])
			if !f.Valid {
				flush()
				continue
			}
			pts = append(pts, f1(x(i))+","+f1(y(f.Rate)))
			last = i
		}
		flush()
		for i := range series {
			if f := l.f(&series[i]); f.Valid {
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"><title>%s %s %s</title></circle>`,
					f1(x(i)), f1(y(f.Rate)), l.color, esc(series[i].Period.Label()), l.name, Pct(f))
			}
		}
		// Legend on the right, with the latest value.
		ly := top + 14 + float64(k)*20
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`,
			f1(w-right+10), f1(ly), f1(w-right+30), f1(ly), l.color, dash)
		val := ""
		if last >= 0 && last == len(series)-1 {
			val = " " + Pct(l.f(&series[last]))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" dominant-baseline="middle" fill="#333">%s%s</text>`,
			f1(w-right+34), f1(ly), l.name, esc(val))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// BarsSVG draws the composite scores of groups as horizontal bars, in the
// given order, with the street's score as a dashed reference line
// (street.Scored false: none). Unscored groups are marked 无样本.
func BarsSVG(groups []rates.Group, street rates.Summary) template.HTML {
	const (
		w, rowH, left, right, top = 720.0, 18.0, 150.0, 56.0, 22.0
	)
	h := top + rowH*float64(len(groups)) + 8
	pw := w - left - right
	x := func(v float64) float64 { return left + pw*v/100 }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="综合得分">`, w, h)
	b.WriteString(`<g font-size="11" fill="#555">`)
	for v := 0.0; v <= 100; v += 20 {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`, f1(x(v)), f1(top-4), f1(x(v)), f1(h-6))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%.0f</text>`, f1(x(v)), f1(top-8), v)
	}
	b.WriteString(`</g>`)
	for i, g := range groups {
		y := top + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="end" dominant-baseline="middle" fill="#333">%s</text>`,
			f1(left-6), f1(y+rowH/2), esc(g.Name))
		if !g.Scored {
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" dominant-baseline="middle" fill="#999">无样本</text>`, f1(left+4), f1(y+rowH/2))
			continue
		}
		color := "#4a7fb5"
		if street.Scored && g.Composite < street.Composite {
			color = "#d98c3a"
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s</title></rect>`,
			f1(left), f1(y+3), f1(math.Max(0.5, pw*g.Composite/100)), f1(rowH-6), color, esc(g.Name), Score(g.Summary))
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" dominant-baseline="middle" fill="#333">%s</text>`,
			f1(x(g.Composite)+4), f1(y+rowH/2), Score(g.Summary))
	}
	if street.Scored {
		sx := f1(x(street.Composite))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333" stroke-dasharray="4 3"/>`, sx, f1(top-2), sx, f1(h-6))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
