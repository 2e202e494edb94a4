package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"

	"jiceng/internal/rates"
)

//go:embed templates/report.html
var templateFS embed.FS

// page is parsed once; a broken template fails at start-up.
var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"pct":    Pct,
	"score":  Score,
	"num":    Num,
	"change": Change,
	"rank":   Rank,
	"trend":  TrendSVG,
	"bars":   BarsSVG,
	"prevPct": func(g *rates.Group, which string) string {
		p := g.Prev()
		if p == nil {
			return "—"
		}
		switch which {
		case "response":
			return Pct(p.Response)
		case "resolution":
			return Pct(p.Resolution)
		}
		return Pct(p.Satisfaction)
	},
	"prevScore": func(g *rates.Group) string {
		if p := g.Prev(); p != nil {
			return Score(*p)
		}
		return "—"
	},
	"points":          FormatPoints,
	"inc":             func(i int) int { return i + 1 },
	"sharingFormulas": func() []string { return SharingFormulas },
}).ParseFS(templateFS, "templates/report.html"))

// WriteHTML writes rep as one printable HTML page (A4): inline CSS and
// inline SVG charts, no script and no outside reference, so that it can be
// mailed, archived and printed as it is. The output depends on rep only.
func WriteHTML(w io.Writer, rep *Report) error {
	if err := page.Execute(w, rep); err != nil {
		return fmt.Errorf("生成 HTML 失败: %w", err)
	}
	return nil
}
