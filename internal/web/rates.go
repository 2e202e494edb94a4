package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
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
	if c := s.rates(); c != nil {
		cfg = *c
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

// warmRates computes the rates of the periods people open first (the last
// and the current month, the current quarter) so that nobody waits for them.
func (s *Server) warmRates(ctx context.Context) {
	now := s.Clock.Now().In(s.Location)
	last := now.AddDate(0, 0, -now.Day())
	for _, p := range []rates.Period{rates.Month(last.Year(), last.Month()), rates.Month(now.Year(), now.Month()),
		rates.Quarter(now.Year(), (int(now.Month())-1)/3+1)} {
		if ctx.Err() != nil {
			return
		}
		_, err := s.ratesCache.get(ctx, p.String(), s.Clock.Now, func(ctx context.Context) (*rates.Result, error) {
			return report.Compute(ctx, s.Store, p, s.ratesConfig())
		})
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("rates warm-up", "period", p.String(), "err", err)
		}
	}
}

// computeRates returns the rates of the requested period, from the cache
// when they are there. The result is shared: do not change it.
func (s *Server) computeRates(r *http.Request) (*rates.Result, error) {
	p, err := s.ratesPeriod(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.ratesCache.get(r.Context(), p.String(), s.Clock.Now, func(ctx context.Context) (*rates.Result, error) {
		return report.Compute(ctx, s.Store, p, s.ratesConfig())
	})
}

// The API gives figures unrounded: pages and reports round once, at
// display, with report.FormatRate, FormatScore and FormatChange.
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
	// Mine is the user's own unit or community, for community workers and
	// handlers: the street's figures are shown beside it for comparison.
	Mine *groupJSON `json:"mine,omitempty"`
	// Lost are the lost-points tickets of the user's scope.
	Lost []lostJSON `json:"lost"`
}

func figureOf(f rates.Figure) figureJSON {
	j := figureJSON{Num: f.Num, Den: f.Den}
	if f.Valid {
		r := f.Rate
		j.Rate = &r
	}
	return j
}

func summaryOf(sm rates.Summary) summaryJSON {
	j := summaryJSON{Period: sm.Period.String(), Received: sm.Received, Pending: sm.Pending,
		Response: figureOf(sm.Response), Resolution: figureOf(sm.Resolution), Satisfaction: figureOf(sm.Satisfaction),
		Rank: sm.Rank, RankOf: sm.RankOf}
	if sm.Scored {
		c := sm.Composite
		j.Composite = &c
	}
	return j
}

func groupOf(g *rates.Group) groupJSON {
	j := groupJSON{Kind: g.Kind, Name: g.Name, summaryJSON: summaryOf(g.Summary), Trend: []summaryJSON{}}
	if c, ok := g.Change(); ok {
		j.Change = &c
	}
	for _, sm := range g.Series() {
		j.Trend = append(j.Trend, summaryOf(sm))
	}
	return j
}

// maxLost is how many lost-points tickets the API and the page list.
const maxLost = 100

func (s *Server) toRatesJSON(res *rates.Result, mine *rates.Group) ratesJSON {
	cfg := res.Config
	j := ratesJSON{Period: res.Period.String(), Label: res.Period.Label(), Formulas: cfg.Describe(),
		Street: groupOf(&res.Street), Units: []groupJSON{}, Communities: []groupJSON{}, Lost: []lostJSON{}}
	for i := range res.Units {
		j.Units = append(j.Units, groupOf(&res.Units[i]))
	}
	for i := range res.Communities {
		j.Communities = append(j.Communities, groupOf(&res.Communities[i]))
	}
	if mine != nil {
		g := groupOf(mine)
		j.Mine = &g
	}
	for i := range res.Lost {
		if i == maxLost {
			break
		}
		l := &res.Lost[i]
		j.Lost = append(j.Lost, lostJSON{ID: l.ID, Number: l.Number, Received: s.timeJSON(l.ReceivedAt),
			Category: l.Category, Unit: l.Unit, Community: l.Community, Reason: l.Reason(), Points: l.Points})
	}
	return j
}

func (s *Server) handleRates(w http.ResponseWriter, r *http.Request, p principal) {
	v, ok := s.ratesRequest(w, r, p, false)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.toRatesJSON(v.res, v.mine))
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

// drillPage is one page of the tickets behind a figure, within the
// user's scope: the total and the rows come from the same scoped list.
type drillPage struct {
	Total   int
	Offset  int
	Tickets []core.Ticket // masked
}

// drillTickets keeps the ids of u's scope (by the owners the rates
// recorded) and loads the page [offset, offset+limit) of them, masked.
func (s *Server) drillTickets(r *http.Request, u core.User, v ratesView, ids []int64, offset, limit int) (drillPage, error) {
	var kept []int64
	if v.scope.Whole() {
		kept = ids
	} else {
		for _, id := range ids {
			o := v.res.Owners[id]
			if v.scope.SeesPlace(o.Unit, o.Community) {
				kept = append(kept, id)
			}
		}
	}
	page := drillPage{Total: len(kept), Offset: offset}
	if offset >= len(kept) {
		return page, nil
	}
	for _, id := range kept[offset:min(len(kept), offset+limit)] {
		t, err := s.Store.Ticket(r.Context(), id)
		if core.ErrorCode(err) == core.ENOTFOUND {
			continue // removed since the rates were computed
		}
		if err != nil {
			return page, err
		}
		page.Tickets = append(page.Tickets, s.cases().MaskTicket(u.Role, t))
	}
	return page, nil
}

// drillPaging reads offset and limit (API) of a drill-down.
func drillPaging(q url.Values) (offset, limit int, err error) {
	limit = core.DefaultLimit
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > core.MaxLimit {
			return 0, 0, invalidParam("limit", "参数 limit 应为 1 到 %d 的整数", core.MaxLimit)
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, invalidParam("offset", "参数 offset 应为非负整数")
		}
	}
	return offset, limit, nil
}

func (s *Server) handleRatesTickets(w http.ResponseWriter, r *http.Request, p principal) {
	v, ok := s.ratesRequest(w, r, p, false)
	if !ok {
		return
	}
	ids, _, err := drill(v.res, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	offset, limit, err := drillPaging(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dp, err := s.drillTickets(r, p.User, v, ids, offset, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := ticketListJSON{Total: dp.Total, Offset: offset, Limit: limit, Items: make([]ticketJSON, 0, len(dp.Tickets))}
	for _, t := range dp.Tickets {
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
	// Mine is the user's own unit or community (community workers and
	// handlers), shown first with the street beside it.
	Mine               *groupJSON
	Units, Communities []groupJSON
	// Whole is true for the roles that see the whole street: every
	// figure drills down to its tickets; the others drill into their own.
	Whole      bool
	Scope      casework.Scope
	Lost       []lostJSON
	Formulas   []string
	ComputedAt string
	ChartData  template.JS // JSON for rates.js, in a data block
}

func (s *Server) handleRatesPage(w http.ResponseWriter, r *http.Request, p principal) {
	v, ok := s.ratesRequest(w, r, p, true)
	if !ok {
		return
	}
	res := v.res
	j := s.toRatesJSON(res, v.mine)
	page := ratesPage{Period: j.Period, Label: j.Label, Prev: res.Period.Add(-1).String(), Next: res.Period.Add(1).String(),
		Street: j.Street, Mine: j.Mine, Units: j.Units, Communities: j.Communities, Lost: j.Lost, Formulas: j.Formulas,
		Whole: v.scope.Whole(), Scope: v.scope, ComputedAt: s.formatTime(res.Config.AsOf)}
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
		Mine    *groupJSON  `json:"mine,omitempty"`
		Units   []groupJSON `json:"units"`
	}{Street: j.Street, Mine: j.Mine, Units: j.Units}
	for _, per := range res.Periods {
		chart.Periods = append(chart.Periods, per.ShortLabel())
	}
	var err error
	if page.ChartData, err = jsonBlock(chart); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "rates", p, page)
}

// ratesTicketsPage is the data of /rates/tickets.
type ratesTicketsPage struct {
	Title, Back      string
	Total            int
	Page, Pages      int
	PrevURL, NextURL string
	Rows             []ticketRow
}

func (s *Server) handleRatesTicketsPage(w http.ResponseWriter, r *http.Request, p principal) {
	v, ok := s.ratesRequest(w, r, p, true)
	if !ok {
		return
	}
	q := r.URL.Query()
	ids, title, err := drill(v.res, q)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	n := 1
	if pv := q.Get("page"); pv != "" {
		if n, err = strconv.Atoi(pv); err != nil || n < 1 || n > 1_000_000 {
			s.failPage(w, r, invalidParam("page", "参数 page 应为正整数"))
			return
		}
	}
	dp, err := s.drillTickets(r, p.User, v, ids, (n-1)*pageSize, pageSize)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := ratesTicketsPage{Title: v.res.Period.Label() + " · " + title, Total: dp.Total, Page: n,
		Pages: (dp.Total + pageSize - 1) / pageSize, Back: "/rates?period=" + v.res.Period.String()}
	if !v.scope.Whole() {
		page.Title += "（本单位/本社区）"
	}
	link := func(n int) string {
		lq := url.Values{}
		for k, vs := range q {
			lq[k] = vs
		}
		lq.Set("page", strconv.Itoa(n))
		return "/rates/tickets?" + lq.Encode()
	}
	if n > 1 {
		page.PrevURL = link(n - 1)
	}
	if n < page.Pages {
		page.NextURL = link(n + 1)
	}
	for _, t := range dp.Tickets {
		page.Rows = append(page.Rows, s.ticketRow(t))
	}
	s.render(w, r, http.StatusOK, "rates_tickets", p, page)
}

// handleRatesReport downloads the period's report as XLSX, or opens its
// printable HTML page.
func (s *Server) handleRatesReport(w http.ResponseWriter, r *http.Request, p principal) {
	v, ok := s.ratesRequest(w, r, p, true)
	if !ok {
		return
	}
	res := v.res
	rep := report.New(res, report.Options{GeneratedAt: s.Clock.Now(), LostLimit: report.DefaultLostLimit, Location: s.Location})
	sharing, err := s.cases().ReportSharing(r.Context(), p.User, res.Period, s.Location) // 数据共享
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	rep.Sharing = sharing
	var buf bytes.Buffer
	name := "三率报表-" + res.Period.String()
	disposition := "attachment"
	switch r.URL.Query().Get("format") {
	case "xlsx", "":
		err = report.WriteXLSX(&buf, rep)
		name += ".xlsx"
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "html":
		err = report.WriteHTML(&buf, rep)
		name += ".html"
		disposition = "inline" // 打印版 opens in the browser, to print
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	default:
		s.failPage(w, r, invalidParam("format", "参数 format 应为 xlsx 或 html"))
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("%s; filename*=UTF-8''%s", disposition, url.PathEscape(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// templateFuncs are the functions pages may call.
var templateFuncs = template.FuncMap{
	// dict builds the data of a sub-template: dict "Rows" .X "N" true.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, errors.New("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, errors.New("dict: key is not a string")
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	// pct shows a rate as 96.24%, or — without tickets: rounded once,
	// here, as the downloads round it.
	"pct": func(f figureJSON) string {
		if f.Rate == nil {
			return "—"
		}
		return report.FormatRate(*f.Rate)
	},
	// missed is the number of the denominator's tickets not in the
	// numerator (whole tickets: 基本满意 counts as missed).
	"missed": func(f figureJSON) int { return f.Den - int(f.Num) },
	"score": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return report.FormatScore(*v)
	},
	"signed":  report.FormatChange,
	"points":  report.FormatPoints,
	"list":    func(v ...string) []string { return v },
	"join":    func(v []string) string { return strings.Join(v, "、") },
	"percent": percent,
	// ranking passes the page and its groups to the ranking template.
	"ranking": func(page ratesPage, groups []groupJSON) map[string]any {
		return map[string]any{"Page": page, "Groups": groups}
	},
}

// ratesView is the rates of a period as a user sees them: the street's
// figures and rankings (public within the street), the lost-points tickets
// of the user's scope, and the user's own group.
type ratesView struct {
	res   *rates.Result // Lost scoped; otherwise shared with the cache
	scope casework.Scope
	mine  *rates.Group // the user's unit or community; nil for the street
}

// ratesRequest checks that p may read the rates and computes those of the
// requested period as p sees them; when it returns false it has answered
// the request, as a page or as JSON.
func (s *Server) ratesRequest(w http.ResponseWriter, r *http.Request, p principal, page bool) (ratesView, bool) {
	var v ratesView
	err := authorize(p)
	var res *rates.Result
	if err == nil {
		res, err = s.computeRates(r)
	}
	if err == nil {
		v.scope, err = s.cases().Scope(r.Context(), p.User)
	}
	if err == nil {
		v.res, v.mine = scopeRates(res, v.scope)
		return v, true
	}
	if page {
		s.failPage(w, r, err)
	} else {
		s.fail(w, r, err)
	}
	return v, false
}

// scopeRates returns a copy of res with the lost-points tickets of scope
// sc, and sc's own group: a community worker's community (or unit), a
// handler's unit. The cached res is not changed.
func scopeRates(res *rates.Result, sc casework.Scope) (*rates.Result, *rates.Group) {
	if sc.Whole() {
		return res, nil
	}
	cp := *res
	cp.Lost = make([]rates.LostTicket, 0, len(res.Lost))
	for _, l := range res.Lost {
		if sc.SeesPlace(l.Unit, l.Community) {
			cp.Lost = append(cp.Lost, l)
		}
	}
	find := func(gs []rates.Group, name string) *rates.Group {
		for i := range gs {
			if name != "" && gs[i].Name == name {
				return &gs[i]
			}
		}
		return nil
	}
	mine := find(res.Communities, sc.Community)
	if mine == nil {
		mine = find(res.Units, sc.Unit)
	}
	return &cp, mine
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
