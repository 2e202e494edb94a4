package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/areas"
	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/report"
)

// The street's 数据看板: volume and trend, category mix, communities, the
// hour × weekday heat map and the risk alerts, for a period of days (the
// last 30 by default). The figures come from casework.Dashboard, which
// decides the scope; every figure links to its tickets.

// dashboardPeriod reads from and to (YYYY-MM-DD, to inclusive) of q; the
// default is the 30 days ending today.
func (s *Server) dashboardPeriod(q url.Values) (from, to time.Time, err error) {
	for k := range q {
		if k != "from" && k != "to" {
			return from, to, invalidParam(k, "未知参数 %s", k)
		}
	}
	today := s.Clock.Now().In(core.StreetTime)
	to = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, core.StreetTime).AddDate(0, 0, 1)
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, core.StreetTime)
		if err != nil {
			return from, to, invalidParam("to", "参数 to 应为 2025-03-05 这样的日期")
		}
		to = t.AddDate(0, 0, 1)
	}
	from = to.AddDate(0, 0, -30)
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, core.StreetTime)
		if err != nil {
			return from, to, invalidParam("from", "参数 from 应为 2025-03-05 这样的日期")
		}
		from = t
	}
	if !from.Before(to) {
		return from, to, invalidParam("to", "参数 to 不应早于 from")
	}
	return from, to, nil
}

// dashboardJSON is the API's and the page's form of a casework.Dashboard.
type dashboardJSON struct {
	From        string          `json:"from"`
	To          string          `json:"to"` // the last day, inclusive
	Community   string          `json:"community,omitempty"`
	Total       int             `json:"total"`
	Previous    int             `json:"previous"`
	LastYear    int             `json:"last_year"`
	Days        []dayJSON       `json:"days"`
	Categories  []shareJSON     `json:"categories"`
	Communities []shareJSON     `json:"communities"`
	Heat        [7][24]int      `json:"heat"`
	Alerts      []riskAlertJSON `json:"alerts"`
	Clusters    []clusterJSON   `json:"clusters"`
	Tickets     string          `json:"tickets"` // the period's ticket list
	// TagAlertsPending: the tags' alerts are being computed (they are
	// listed on a later request).
	TagAlertsPending bool `json:"tag_alerts_pending,omitempty"`
}

// clusterJSON is a space–time cluster of neighbouring communities.
type clusterJSON struct {
	Category1   string          `json:"category1"`
	Communities []communityLink `json:"communities"`
	From        string          `json:"from"`
	To          string          `json:"to"` // inclusive
	Observed    int             `json:"observed"`
	Expected    float64         `json:"expected"`
	P           float64         `json:"p"`
}

type communityLink struct {
	Name    string `json:"name"`
	Tickets string `json:"tickets"` // the community's tickets of the category over the cluster's days
}

type dayJSON struct {
	Day      string `json:"day"`
	N        int    `json:"n"`
	LastYear int    `json:"last_year"`
	Tickets  string `json:"tickets"`
}

type shareJSON struct {
	Name     string `json:"name"`
	N        int    `json:"n"`
	Previous int    `json:"previous"`
	Tickets  string `json:"tickets"`
}

type riskAlertJSON struct {
	Community   string `json:"community"`
	Category1   string `json:"category1"`     // "" for a tag's alert
	Tag         string `json:"tag,omitempty"` // a tag's alert: its tag
	Granularity string `json:"granularity"`   // 日 or 小时
	Day         string `json:"day"`
	// Hour (an hourly alert) is the last hour the detector alarmed, "09:00",
	// and Hours the length of its window (ending with that hour) whose
	// tickets are Observed and Expected.
	Hour  string `json:"hour,omitempty"`
	Hours int    `json:"hours,omitempty"`
	// When is the alert's day, with an hourly alert's hours
	// ("2025-03-03 08:00–11:00"), as the page shows it.
	When      string  `json:"when"`
	Observed  int     `json:"observed"`
	Expected  float64 `json:"expected"`
	Score     float64 `json:"score"`
	Detector  string  `json:"detector"`
	Severity  string  `json:"severity"`
	Threshold float64 `json:"threshold"` // the series' threshold, raised by dismissals
	State     string  `json:"state,omitempty"`
	StateBy   string  `json:"state_by,omitempty"`
	Tickets   string  `json:"tickets"` // the alert's tickets: its community and category (or tag) over its last week, or its day for an hourly alert
}

// ticketsLink is the ticket list of the filter.
func ticketsLink(from, to time.Time, kv ...string) string {
	q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.AddDate(0, 0, -1).Format(time.DateOnly)}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return "/tickets?" + q.Encode()
}

func toDashboardJSON(d casework.Dashboard) dashboardJSON {
	j := dashboardJSON{From: d.From.Format(time.DateOnly), To: d.To.AddDate(0, 0, -1).Format(time.DateOnly), Community: d.Community,
		Total: d.Total, Previous: d.Previous, LastYear: d.LastYear, Heat: d.Heat,
		Days: []dayJSON{}, Categories: []shareJSON{}, Communities: []shareJSON{}, Alerts: []riskAlertJSON{}, Clusters: []clusterJSON{},
		Tickets: ticketsLink(d.From, d.To, "community", d.Community)}
	for _, p := range d.Days {
		j.Days = append(j.Days, dayJSON{Day: p.Day.Format(time.DateOnly), N: p.N, LastYear: p.LastYear,
			Tickets: ticketsLink(p.Day, p.Day.AddDate(0, 0, 1), "community", d.Community)})
	}
	for _, sh := range d.Categories {
		j.Categories = append(j.Categories, shareJSON{Name: sh.Name, N: sh.N, Previous: sh.Previous,
			Tickets: ticketsLink(d.From, d.To, "community", d.Community, "category1", sh.Name)})
	}
	for _, sh := range d.Communities {
		j.Communities = append(j.Communities, shareJSON{Name: sh.Name, N: sh.N, Previous: sh.Previous,
			Tickets: ticketsLink(d.From, d.To, "community", sh.Name)})
	}
	for _, a := range d.Alerts {
		community := a.Community
		if community == "" {
			community = d.Community
		}
		aj := riskAlertJSON{Community: a.Community, Category1: a.Category1, Tag: a.Tag, Granularity: a.Granularity, Day: a.Day.Format(time.DateOnly),
			Observed: a.Observed, Expected: math.Round(a.Expected*100) / 100, Score: math.Round(a.Score*100) / 100,
			Detector: a.Detector, Severity: a.Severity, Threshold: math.Round(a.Threshold*100) / 100, State: a.State, StateBy: a.StateBy,
			Tickets: ticketsLink(a.Day.AddDate(0, 0, -6), a.Day.AddDate(0, 0, 1), "community", community, "category1", a.Category1, "q", a.Tag)}
		if !a.Hour.IsZero() {
			aj.Hour, aj.Hours = a.Hour.In(core.StreetTime).Format("15:04"), a.Hours
			aj.Tickets = ticketsLink(a.Day, a.Day.AddDate(0, 0, 1), "community", community, "category1", a.Category1)
		}
		aj.When = alertWhen(aj)
		j.Alerts = append(j.Alerts, aj)
	}
	for _, c := range d.Clusters {
		cj := clusterJSON{Category1: c.Category1, From: c.From.Format(time.DateOnly), To: c.To.AddDate(0, 0, -1).Format(time.DateOnly),
			Observed: c.Observed, Expected: math.Round(c.Expected*100) / 100, P: c.P}
		for _, name := range c.Communities {
			cj.Communities = append(cj.Communities, communityLink{Name: name, Tickets: ticketsLink(c.From, c.To, "community", name, "category1", c.Category1)})
		}
		j.Clusters = append(j.Clusters, cj)
	}
	return j
}

// board reads the request's period and the user's board of it, from the
// cache when it is there (at most boardFresh old, or computed again behind
// it after a change made through this server). The result is shared: do
// not change it.
func (s *Server) board(r *http.Request, p principal) (d casework.Dashboard, from, to time.Time, err error) {
	if from, to, err = s.dashboardPeriod(r.URL.Query()); err != nil {
		return d, from, to, err
	}
	cases := s.cases()
	communities, err := cases.BoardScope(r.Context(), p.User)
	if err != nil {
		return d, from, to, err
	}
	d, err = s.boardCache.get(r.Context(), boardKey(communities, from, to), s.Clock.Now, func(ctx context.Context) (casework.Dashboard, error) {
		return cases.Dashboard(ctx, p.User, from, to)
	})
	return d, from, to, err
}

// boardKey names a board in the cache: its scope and period.
func boardKey(communities []string, from, to time.Time) string {
	key := "*"
	if communities != nil {
		key = strings.Join(communities, ",")
	}
	return key + "|" + from.Format(time.DateOnly) + "|" + to.Format(time.DateOnly)
}

// warmBoards computes the whole street's boards that leaders open first —
// the default 30 days and the year to today — at start-up, so that no one
// waits for their first computation; the cache then keeps them fresh
// behind (a stale board is served while its successor is computed).
func (s *Server) warmBoards(ctx context.Context) {
	from, to, _ := s.dashboardPeriod(nil)
	cases := s.cases()
	street := core.User{Role: core.RoleLeader}
	for _, f := range []time.Time{from, to.AddDate(-1, 0, 0)} {
		_, err := s.boardCache.get(ctx, boardKey(nil, f, to), s.Clock.Now, func(ctx context.Context) (casework.Dashboard, error) {
			return cases.Dashboard(ctx, street, f, to)
		})
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("board warm-up", "err", err)
		}
	}
}

// The boards (Dashboard) of the scopes and periods asked: a second
// request of one is read from memory.
const (
	boardFresh      = time.Minute
	boardCacheSize  = 64
	boardComputeMax = time.Minute
)

type boardCache = resultCache[casework.Dashboard]

func newBoardCache() *boardCache {
	return &boardCache{entries: map[string]*cacheEntry[casework.Dashboard]{}, fresh: boardFresh, size: boardCacheSize, computeMax: boardComputeMax}
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request, p principal) {
	d, _, _, err := s.board(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, pending, err := s.boardWithTags(r.Context(), p, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j := toDashboardJSON(d)
	j.TagAlertsPending = pending
	writeJSON(w, http.StatusOK, j)
}

// dashboardPage is the data of /dashboard.
type dashboardPage struct {
	J      dashboardJSON
	Change string // against the previous period
	YearOn string // against the same days a year before
	Data   template.JS
	Scope  string
	Hot    []hotIssueJSON
	// HotPending: the period's hot issues are being computed.
	HotPending bool
}

func (s *Server) handleDashboardPage(w http.ResponseWriter, r *http.Request, p principal) {
	d, from, to, err := s.board(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d, tagsPending, err := s.boardWithTags(r.Context(), p, d)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	j := toDashboardJSON(d)
	j.TagAlertsPending = tagsPending
	hs, ready, err := s.hotIssuesReady(r.Context(), p.User, from, to)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := dashboardPage{J: j, Change: change(d.Total, d.Previous), YearOn: change(d.Total, d.LastYear), Scope: "全街道",
		Hot: s.toHotJSON(p.User.Role, hs, 5), HotPending: !ready}
	if d.Community != "" {
		page.Scope = d.Community
	}
	if page.Data, err = jsonBlock(j); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", p, page)
}

// change is n against before as a signed percentage ("+12.5%"), "—" when
// there is nothing to compare with.
func change(n, before int) string {
	if before == 0 {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", 100*float64(n-before)/float64(before))
}

// handleBoundaries answers the community outlines of the user's board (the
// 区域边界 setting, read against the registry) as a GeoJSON
// FeatureCollection whose features carry the community's name: the map of
// the dashboard. No boundaries stored: an empty collection.
func (s *Server) handleBoundaries(w http.ResponseWriter, r *http.Request, p principal) {
	communities, err := s.cases().BoardScope(r.Context(), p.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   json.RawMessage   `json:"geometry"`
	}
	out := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	content, ok, err := s.boundaries(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ok {
		var fc struct {
			Features []struct {
				Geometry json.RawMessage `json:"geometry"`
			} `json:"features"`
		}
		a, err := s.Store.Areas(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// Boundaries that no longer match the registry show no map.
		list, berr := areas.ReadBoundaries(content, a)
		if err := json.Unmarshal(content, &fc); err == nil && berr == nil && len(fc.Features) == len(list) {
			for i, b := range list {
				if b.Level != "社区" || communities != nil && !slices.Contains(communities, b.Name) {
					continue
				}
				out.Features = append(out.Features, feature{Type: "Feature", Properties: map[string]string{"name": b.Name}, Geometry: fc.Features[i].Geometry})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// boundaries is the stored 区域边界 file; ok is false when there is none.
func (s *Server) boundaries(ctx context.Context) (content []byte, ok bool, err error) {
	ss, isSS := s.Store.(core.SettingStore)
	if !isSS {
		return nil, false, nil
	}
	content, _, err = ss.Setting(ctx, core.SettingBoundaries)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, false, nil
	}
	return content, err == nil, err
}

// alertStateRequest is the body of POST /api/v1/alerts and the form of
// POST /dashboard/alerts.
// Tag names a tag's alert (category1 then empty); Hour ("09:00" or "9",
// empty for a daily alert) an hourly alert's hour.
type alertStateRequest struct {
	Community string `json:"community"`
	Category1 string `json:"category1"`
	Tag       string `json:"tag"`
	Day       string `json:"day"`
	Hour      string `json:"hour"`
	State     string `json:"state"`
	Note      string `json:"note"`
}

func (s *Server) setAlertState(r *http.Request, p principal, req alertStateRequest) error {
	day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(req.Day), core.StreetTime)
	if err != nil {
		return invalidParam("day", "参数 day 应为 2025-03-05 这样的日期")
	}
	st := core.AlertState{Community: strings.TrimSpace(req.Community), Category1: strings.TrimSpace(req.Category1),
		Tag: strings.TrimSpace(req.Tag), Day: day, State: req.State, Note: strings.TrimSpace(req.Note)}
	if h := strings.TrimSpace(req.Hour); h != "" {
		h, _, _ = strings.Cut(h, ":")
		n, err := strconv.Atoi(h)
		if err != nil || n < 0 || n > 23 {
			return invalidParam("hour", "参数 hour 应为 0 到 23 的小时（如 09:00）")
		}
		st.Hourly, st.Hour = true, n
	}
	err = s.cases().SetAlertState(r.Context(), p.User, st)
	if err == nil {
		s.boardCache.reset() // the user sees the decision on the board at once
		s.tagCache.reset()
	}
	return err
}

func (s *Server) handleAlertState(w http.ResponseWriter, r *http.Request, p principal) {
	var req alertStateRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体不是合法的 JSON（community、category1、tag、day、hour、state、note）"))
		return
	}
	if err := s.setAlertState(r, p, req); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleAlertStateForm(w http.ResponseWriter, r *http.Request, p principal) {
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	req := alertStateRequest{Community: r.PostFormValue("community"), Category1: r.PostFormValue("category1"), Tag: r.PostFormValue("tag"),
		Day: r.PostFormValue("day"), Hour: r.PostFormValue("hour"), State: r.PostFormValue("state"), Note: r.PostFormValue("note")}
	if err := s.setAlertState(r, p, req); err != nil {
		s.failPage(w, r, err)
		return
	}
	back := "/dashboard"
	if v := r.PostFormValue("back"); strings.HasPrefix(v, "/dashboard") && !strings.HasPrefix(v, "//") {
		back = v
	}
	http.Redirect(w, r, back+"#alerts", http.StatusSeeOther)
}

// handleRiskReport downloads the board of the period as the risk report
// workbook (风险报告).
func (s *Server) handleRiskReport(w http.ResponseWriter, r *http.Request, p principal) {
	d, from, to, err := s.board(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	hs, err := s.hotIssues(r.Context(), p.User, from, to)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	tags, err := s.tagAlertsWait(r.Context(), p.User, d.To)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d = withTagAlerts(d, tags)
	j := toDashboardJSON(d)
	scope := "全街道"
	if d.Community != "" {
		scope = d.Community
	}
	rep := &report.RiskReport{Title: s.streetName(r) + " 风险报告 " + j.From + " 至 " + j.To, Scope: scope, From: j.From, To: j.To,
		Total: d.Total, Previous: d.Previous, LastYear: d.LastYear}
	for _, p := range j.Days {
		rep.Days = append(rep.Days, report.RiskDay{Day: p.Day, N: p.N, LastYear: p.LastYear})
	}
	for _, sh := range d.Categories {
		rep.Categories = append(rep.Categories, report.RiskShare{Name: sh.Name, N: sh.N, Previous: sh.Previous})
	}
	for _, sh := range d.Communities {
		rep.Communities = append(rep.Communities, report.RiskShare{Name: sh.Name, N: sh.N, Previous: sh.Previous})
	}
	for _, a := range j.Alerts {
		rep.Alerts = append(rep.Alerts, report.RiskAlert{Severity: a.Severity, Community: a.Community, Category1: alertSeries(a),
			Day: a.When, Observed: a.Observed, Expected: a.Expected, Score: a.Score, State: a.State})
	}
	for _, c := range j.Clusters {
		var names []string
		for _, cm := range c.Communities {
			names = append(names, cm.Name)
		}
		rep.Clusters = append(rep.Clusters, report.RiskCluster{Category1: c.Category1, Communities: strings.Join(names, "、"),
			From: c.From, To: c.To, Observed: c.Observed, Expected: c.Expected, P: c.P})
	}
	for _, h := range s.toHotJSON(p.User.Role, hs, hotTop) {
		var nums []string
		for _, m := range h.Members {
			nums = append(nums, m.Number)
		}
		rep.Hot = append(rep.Hot, report.RiskHot{Label: h.Label, Heat: h.Heat, Tickets: h.Tickets, Callers: h.Callers,
			First: h.First, Last: h.Last, List: strings.Join(nums, "、")})
	}
	var buf bytes.Buffer
	if err := report.WriteRiskXLSX(&buf, rep); err != nil {
		s.failPage(w, r, err)
		return
	}
	name := "风险报告-" + j.From + "-" + j.To + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// alertSeries names an alert's series: its category, or "标签：" and its
// tag.
func alertSeries(a riskAlertJSON) string {
	if a.Tag != "" {
		return "标签：" + a.Tag
	}
	return a.Category1
}

// alertWhen is an alert's day, with the hours of an hourly alert's window
// ("2025-03-03 08:00–10:00").
func alertWhen(a riskAlertJSON) string {
	if a.Hour == "" {
		return a.Day
	}
	end, _ := time.Parse("15:04", a.Hour)
	start := end.Add(-time.Duration(a.Hours-1) * time.Hour)
	return a.Day + " " + start.Format("15:04") + "–" + end.Add(time.Hour).Format("15:04")
}
