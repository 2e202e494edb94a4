package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/rates"
	"jiceng/internal/report"
)

// The 三率 views: the same figures as jiceng report, computed from the
// store for the period asked for, with a drill-down from every figure to
// the tickets behind it.

// ratesConfig returns the rates configuration of the server.
func (s *Server) ratesConfig() rates.Config {
	cfg := rates.DefaultConfig()
	if s.Rates != nil {
		cfg = *s.Rates
	}
	cfg.Location = s.Location
	cfg.AsOf = s.Clock.Now()
	return cfg
}

// ratesPeriod reads the period parameter; empty is the last whole month.
func (s *Server) ratesPeriod(q url.Values) (rates.Period, error) {
	v := strings.TrimSpace(q.Get("period"))
	if v == "" {
		now := s.Clock.Now().In(s.Location)
		last := now.AddDate(0, 0, -now.Day()) // the last day of the previous month
		return rates.Month(last.Year(), last.Month()), nil
	}
	p, err := rates.ParsePeriod(v)
	if err != nil {
		return p, invalidParam("period", "参数 period 应为月份 YYYY-MM 或季度 YYYYQn，如 2025-03、2025Q1")
	}
	return p, nil
}

func (s *Server) computeRates(r *http.Request) (*rates.Result, error) {
	p, err := s.ratesPeriod(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return report.Compute(r.Context(), s.Store, p, s.ratesConfig())
}

type figureJSON struct {
	Num  float64  `json:"num"`
	Den  int      `json:"den"`
	Rate *float64 `json:"rate"` // null without tickets
}

type summaryJSON struct {
	Period       string     `json:"period"`
	Received     int        `json:"received"`
	Pending      int        `json:"pending"`
	Response     figureJSON `json:"response"`
	Resolution   figureJSON `json:"resolution"`
	Satisfaction figureJSON `json:"satisfaction"`
	Composite    *float64   `json:"composite"` // null when not scored
	Rank         int        `json:"rank"`
	RankOf       int        `json:"rank_of"`
}

type groupJSON struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	summaryJSON
	Change *float64      `json:"change"` // composite minus the previous period's
	Trend  []summaryJSON `json:"trend"`  // oldest first, ending with this period
}

type lostJSON struct {
	ID        int64   `json:"id"`
	Number    string  `json:"number"`
	Received  *string `json:"received_at"`
	Category  string  `json:"category"`
	Unit      string  `json:"unit"`
	Community string  `json:"community"`
	Reason    string  `json:"reason"`
	Points    float64 `json:"points"`
}

type ratesJSON struct {
	Period      string      `json:"period"`
	Label       string      `json:"label"`
	Formulas    []string    `json:"formulas"`
	Street      groupJSON   `json:"street"`
	Units       []groupJSON `json:"units"`
	Communities []groupJSON `json:"communities"`
	Lost        []lostJSON  `json:"lost"`
}

func figureOf(f rates.Figure) figureJSON {
	j := figureJSON{Num: round3(f.Num), Den: f.Den}
	if f.Valid {
		r := round3(f.Rate)
		j.Rate = &r
	}
	return j
}

func summaryOf(sm rates.Summary) summaryJSON {
	j := summaryJSON{Period: sm.Period.String(), Received: sm.Received, Pending: sm.Pending,
		Response: figureOf(sm.Response), Resolution: figureOf(sm.Resolution), Satisfaction: figureOf(sm.Satisfaction),
		Rank: sm.Rank, RankOf: sm.RankOf}
	if sm.Scored {
		c := round2(sm.Composite)
		j.Composite = &c
	}
	return j
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func groupOf(g *rates.Group) groupJSON {
	j := groupJSON{Kind: g.Kind, Name: g.Name, summaryJSON: summaryOf(g.Summary), Trend: []summaryJSON{}}
	if c, ok := g.Change(); ok {
		c = round2(c)
		j.Change = &c
	}
	for _, sm := range g.Series() {
		j.Trend = append(j.Trend, summaryOf(sm))
	}
	return j
}

// maxLost is how many lost-points tickets the API and the page list.
const maxLost = 100

func (s *Server) toRatesJSON(res *rates.Result) ratesJSON {
	cfg := res.Config
	j := ratesJSON{Period: res.Period.String(), Label: res.Period.Label(), Formulas: cfg.Describe(),
		Street: groupOf(&res.Street), Units: []groupJSON{}, Communities: []groupJSON{}, Lost: []lostJSON{}}
	for i := range res.Units {
		j.Units = append(j.Units, groupOf(&res.Units[i]))
	}
	for i := range res.Communities {
		j.Communities = append(j.Communities, groupOf(&res.Communities[i]))
	}
	for i := range res.Lost {
		if i == maxLost {
			break
		}
		l := &res.Lost[i]
		j.Lost = append(j.Lost, lostJSON{ID: l.ID, Number: l.Number, Received: s.timeJSON(l.ReceivedAt),
			Category: l.Category, Unit: l.Unit, Community: l.Community, Reason: l.Reason(), Points: round3(l.Points)})
	}
	return j
}

func (s *Server) handleRates(w http.ResponseWriter, r *http.Request, p principal) {
	res, ok := s.ratesRequest(w, r, p, false)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.toRatesJSON(res))
}

// drill finds the ticket IDs behind one figure: kind (street, unit,
// community) and name select the group; figure (response, resolution,
// satisfaction) and part (den: the denominator, num: the numerator, missed:
// the denominator's tickets not in the numerator) the IDs.
func drill(res *rates.Result, q url.Values) ([]int64, string, error) {
	kind, name := q.Get("kind"), q.Get("name")
	var g *rates.Group
	switch kind {
	case "", rates.KindStreet:
		g = &res.Street
	case rates.KindUnit, rates.KindCommunity:
		list := res.Units
		if kind == rates.KindCommunity {
			list = res.Communities
		}
		for i := range list {
			if list[i].Name == name {
				g = &list[i]
			}
		}
		if g == nil {
			return nil, "", invalidParam("name", "本期没有名为该名称的%s", map[string]string{rates.KindUnit: "承办单位", rates.KindCommunity: "社区"}[kind])
		}
	default:
		return nil, "", invalidParam("kind", "参数 kind 应为 street、unit 或 community")
	}
	var f rates.Figure
	var label string
	switch q.Get("figure") {
	case "response":
		f, label = g.Response, rates.RateResponse
	case "resolution":
		f, label = g.Resolution, rates.RateResolution
	case "satisfaction":
		f, label = g.Satisfaction, rates.RateSatisfaction
	default:
		return nil, "", invalidParam("figure", "参数 figure 应为 response、resolution 或 satisfaction")
	}
	title := g.Name + " · " + label
	switch q.Get("part") {
	case "den", "":
		return f.DenIDs, title + "（分母）", nil
	case "num":
		return f.NumIDs, title + "（分子）", nil
	case "missed":
		var out []int64
		for _, id := range f.DenIDs {
			if _, found := slices.BinarySearch(f.NumIDs, id); !found {
				out = append(out, id)
			}
		}
		return out, title + "（失分）", nil
	}
	return nil, "", invalidParam("part", "参数 part 应为 den、num 或 missed")
}

// drillTickets loads the tickets of ids (at most core.MaxLimit), masked
// and within u's scope.
func (s *Server) drillTickets(r *http.Request, u core.User, ids []int64) ([]core.Ticket, error) {
	sc, err := s.userScope(r.Context(), u)
	if err != nil {
		return nil, err
	}
	var out []core.Ticket
	for _, id := range ids {
		if len(out) == core.MaxLimit {
			break
		}
		t, err := s.Store.Ticket(r.Context(), id)
		if err != nil {
			return nil, err
		}
		if sc.sees(t, core.Workflow{}) {
			out = append(out, s.maskTicket(t, u.Role))
		}
	}
	return out, nil
}

func (s *Server) handleRatesTickets(w http.ResponseWriter, r *http.Request, p principal) {
	res, ok := s.ratesRequest(w, r, p, false)
	if !ok {
		return
	}
	ids, _, err := drill(res, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ts, err := s.drillTickets(r, p.User, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := ticketListJSON{Total: len(ids), Limit: core.MaxLimit, Items: make([]ticketJSON, 0, len(ts))}
	for _, t := range ts {
		out.Items = append(out.Items, s.toTicketJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
}

// ratesPage is the data of /rates.
type ratesPage struct {
	Period, Label, Prev, Next string
	Months                    []string // recent months to choose from
	Quarters                  []string // and quarters (季评)
	Street                    groupJSON
	Units, Communities        []groupJSON
	Lost                      []lostJSON
	Formulas                  []string
	ChartData                 template.JS // JSON for rates.js, in a data block
}

func (s *Server) handleRatesPage(w http.ResponseWriter, r *http.Request, p principal) {
	res, ok := s.ratesRequest(w, r, p, true)
	if !ok {
		return
	}
	j := s.toRatesJSON(res)
	page := ratesPage{Period: j.Period, Label: j.Label, Prev: res.Period.Add(-1).String(), Next: res.Period.Add(1).String(),
		Street: j.Street, Units: j.Units, Communities: j.Communities, Lost: j.Lost, Formulas: j.Formulas}
	if len(page.Lost) > 30 {
		page.Lost = page.Lost[:30]
	}
	for i := range page.Lost {
		// The page shows times as the other pages do.
		if at, err := time.Parse(time.RFC3339, deref(page.Lost[i].Received)); err == nil {
			t := s.formatTime(at)
			page.Lost[i].Received = &t
		}
	}
	now := s.Clock.Now().In(s.Location)
	for i := 0; i < 24; i++ {
		m := now.AddDate(0, -i, 1-now.Day())
		page.Months = append(page.Months, m.Format("2006-01"))
	}
	q := rates.Quarter(now.Year(), (int(now.Month())-1)/3+1)
	for i := 0; i < 8; i++ {
		page.Quarters = append(page.Quarters, q.Add(-i).String())
	}
	chart := struct {
		Periods []string    `json:"periods"`
		Street  groupJSON   `json:"street"`
		Units   []groupJSON `json:"units"`
	}{Street: j.Street, Units: j.Units}
	for _, per := range res.Periods {
		chart.Periods = append(chart.Periods, per.ShortLabel())
	}
	b, err := json.Marshal(chart)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	// In a <script type="application/json"> block: escape what could end
	// the block.
	page.ChartData = template.JS(strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`).Replace(string(b)))
	s.render(w, r, http.StatusOK, "rates", p, page)
}

// ratesTicketsPage is the data of /rates/tickets.
type ratesTicketsPage struct {
	Title, Back string
	Total       int
	Rows        []ticketRow
}

func (s *Server) handleRatesTicketsPage(w http.ResponseWriter, r *http.Request, p principal) {
	res, ok := s.ratesRequest(w, r, p, true)
	if !ok {
		return
	}
	ids, title, err := drill(res, r.URL.Query())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	ts, err := s.drillTickets(r, p.User, ids)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := ratesTicketsPage{Title: res.Period.Label() + " · " + title, Total: len(ids), Back: "/rates?period=" + res.Period.String()}
	for _, t := range ts {
		page.Rows = append(page.Rows, s.ticketRow(t))
	}
	s.render(w, r, http.StatusOK, "rates_tickets", p, page)
}

// handleRatesReport downloads the period's report as XLSX or printable HTML.
func (s *Server) handleRatesReport(w http.ResponseWriter, r *http.Request, p principal) {
	res, ok := s.ratesRequest(w, r, p, true)
	if !ok {
		return
	}
	rep := report.New(res, report.Options{GeneratedAt: s.Clock.Now(), LostLimit: report.DefaultLostLimit, Location: s.Location})
	var (
		buf bytes.Buffer
		err error
	)
	name := "三率报表-" + res.Period.String()
	switch r.URL.Query().Get("format") {
	case "xlsx", "":
		err = report.WriteXLSX(&buf, rep)
		name += ".xlsx"
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "html":
		err = report.WriteHTML(&buf, rep)
		name += ".html"
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	default:
		s.failPage(w, r, invalidParam("format", "参数 format 应为 xlsx 或 html"))
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", url.PathEscape(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())

}

// templateFuncs are the functions pages may call.
var templateFuncs = template.FuncMap{
	// pct shows a rate as 96.24%, or — without tickets.
	"pct": func(f figureJSON) string {
		if f.Rate == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f%%", *f.Rate*100)
	},
	// missed is the number of the denominator's tickets not in the
	// numerator (whole tickets: 基本满意 counts as missed).
	"missed": func(f figureJSON) int { return f.Den - int(f.Num) },
	"score": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", *v)
	},
	"signed":  func(v float64) string { return fmt.Sprintf("%+.2f", v) },
	"list":    func(v ...string) []string { return v },
	"join":    func(v []string) string { return strings.Join(v, "、") },
	"percent": percent,
	// ranking passes a period and its groups to the ranking template.
	"ranking": func(period string, groups []groupJSON) map[string]any {
		return map[string]any{"Period": period, "Groups": groups}
	},
}

// ratesRequest checks that p may read the rates and computes those of the
// requested period; when it returns false it has answered the request, as
// a page or as JSON.
func (s *Server) ratesRequest(w http.ResponseWriter, r *http.Request, p principal, page bool) (*rates.Result, bool) {
	err := authorize(p)
	var res *rates.Result
	if err == nil {
		res, err = s.computeRates(r)
	}
	if err == nil {
		err = s.scopeLost(r, p.User, res)
	}
	switch {
	case err == nil:
		return res, true
	case page:
		s.failPage(w, r, err)
	default:
		s.fail(w, r, err)
	}
	return nil, false
}

// scopeLost keeps in res the lost-points tickets of u's scope, for every
// view of the rates (page, API, downloads): the figures and rankings are
// public within the street, the tickets are not.
func (s *Server) scopeLost(r *http.Request, u core.User, res *rates.Result) error {
	sc, err := s.userScope(r.Context(), u)
	if err != nil || sc.whole() {
		return err
	}
	lost := make([]rates.LostTicket, 0, len(res.Lost))
	for _, l := range res.Lost {
		if sc.sees(core.Ticket{Unit: l.Unit, Community: l.Community}, core.Workflow{}) {
			lost = append(lost, l)
		}
	}
	res.Lost = lost
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
