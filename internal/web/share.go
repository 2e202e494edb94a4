package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// The sharing API for other departments (数据共享, /api/share/v1/...): a
// department reads with an API key of the share purpose, sent as
// "Authorization: Bearer jc_…" or "X-Api-Key: jc_…"; a session or cookie is
// not used. What a key reads (communities, fields, masking with the share
// role) is package casework's (ShareRecords, ShareRecord, ShareTickets).
// Every request with a valid key, served or refused, is a row of the usage
// log (the path without the query, the status, the rows returned, the
// ticket the department cites with ticket=); the logs name the key's id,
// never a query value.
//
// The admin page /admin/sharing and GET /api/v1/sharing show the monthly
// figures (casework.SharingReport) and the usage log.

// shareParams are the query parameters of each share route.
var shareParams = map[string]map[string]bool{
	"records": {"kind": true, "community": true, "q": true, "fields": true, "page": true, "page_size": true, "ticket": true},
	"record":  {"fields": true, "ticket": true},
	"tickets": {"community": true, "from": true, "to": true, "category": true, "status": true, "q": true, "fields": true,
		"page": true, "page_size": true, "ticket": true},
}

// maxShareFields bounds the fields a request names.
const maxShareFields = 200

// parseShareQuery reads the query parameters of share route kind
// (records, record, tickets) into a query and the ticket number the
// department cites ("" none). Unknown and repeated parameters are refused;
// fields is a list separated by commas (， too); messages never repeat a
// value.
func parseShareQuery(q url.Values, route string, loc *time.Location) (casework.ShareQuery, string, error) {
	var sq casework.ShareQuery
	allowed := shareParams[route]
	for k := range q {
		if !allowed[k] {
			if k == "" {
				return sq, "", invalidParam("query", "查询参数缺少名称")
			}
			if utf8.RuneCountInString(k) > 40 {
				k = string([]rune(k)[:40])
			}
			if !utf8.ValidString(k) {
				return sq, "", invalidParam("query", "查询参数的名称不是合法的 UTF-8 文本")
			}
			return sq, "", invalidParam(k, "未知参数 %s", k)
		}
		if len(q[k]) > 1 {
			return sq, "", invalidParam(k, "参数 %s 重复", k)
		}
	}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	for _, k := range []string{"kind", "community", "q", "category", "status", "ticket", "fields"} {
		v := get(k)
		if !utf8.ValidString(v) {
			return sq, "", invalidParam(k, "参数 %s 不是合法的 UTF-8 文本", k)
		}
		max := maxKeywordRunes
		if k == "fields" {
			max = 8000
		}
		if utf8.RuneCountInString(v) > max {
			return sq, "", invalidParam(k, "参数 %s 过长（最多 %d 个字）", k, max)
		}
	}
	sq.Kind, sq.Community, sq.Query = get("kind"), get("community"), get("q")
	sq.Category, sq.Status = get("category"), get("status")
	if v := get("fields"); v != "" {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' }) {
			if f = strings.TrimSpace(f); f != "" {
				sq.Fields = append(sq.Fields, f)
			}
		}
		if len(sq.Fields) == 0 {
			return sq, "", invalidParam("fields", "参数 fields 应为以逗号分隔的字段名，如 person.name,person.community")
		}
		if len(sq.Fields) > maxShareFields {
			return sq, "", invalidParam("fields", "参数 fields 最多列出 %d 个字段", maxShareFields)
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
		msg  string
	}{
		{"page", &sq.Page, 1_000_000, "参数 page 应为正整数"},
		{"page_size", &sq.PageSize, casework.MaxSharePage, "参数 page_size 应为 1 到 500 之间的整数"},
	} {
		if v := get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > p.max {
				return sq, "", invalidParam(p.name, "%s", p.msg)
			}
			*p.dst = n
		}
	}
	var err error
	if v := get("from"); v != "" {
		if sq.From, _, err = parseTime(v, loc); err != nil {
			return sq, "", invalidParam("from", "参数 from 不是合法日期，应为 2025-03-05 这样的日期，或 2025-03-05T08:30:00+08:00 这样带时区的时间")
		}
	}
	if v := get("to"); v != "" {
		var dateOnly bool
		if sq.To, dateOnly, err = parseTime(v, loc); err != nil {
			return sq, "", invalidParam("to", "参数 to 不是合法日期，应为 2025-03-05 这样的日期，或 2025-03-05T08:30:00+08:00 这样带时区的时间")
		}
		if dateOnly {
			sq.To = sq.To.AddDate(0, 0, 1)
		}
	}
	if !sq.From.IsZero() && !sq.To.IsZero() && !sq.From.Before(sq.To) {
		return sq, "", invalidParam("to", "参数 to 应晚于 from")
	}
	return sq, get("ticket"), nil
}

// shareSecret is the key a request carries: "Authorization: Bearer …" or
// X-Api-Key; "" none.
func shareSecret(r *http.Request) string {
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, v, ok := strings.Cut(a, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(v)
		}
		return "" // another scheme (Basic): not a key
	}
	return strings.TrimSpace(r.Header.Get("X-Api-Key"))
}

var errNoShareKey = core.Errorf(core.EUNAUTHORIZED, "缺少接口密钥：请在请求头 Authorization: Bearer jc_… 或 X-Api-Key 中提供数据共享密钥")

// shareHandler answers a share route: it returns the response body and
// the rows it holds.
type shareHandler func(r *http.Request, svc *casework.Service, key core.APIKey, q casework.ShareQuery) (any, int, error)

// shareAPI wraps a share route: the key (401 for a missing, unknown,
// revoked or other-purpose key), the parameters (400), the cited ticket
// (400 when it is no ticket of the street), the answer, and one row of
// the usage log per request with a valid key.
func (s *Server) shareAPI(route string, h shareHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		svc := s.cases()
		secret := shareSecret(r)
		if secret == "" {
			s.shareFail(w, r, errNoShareKey)
			return
		}
		key, err := svc.APIClient(r.Context(), secret, core.APIKeyShare)
		if err != nil {
			s.shareFail(w, r, err)
			return
		}
		status, rows, cited := http.StatusOK, 0, ""
		var body any
		q, ticket, err := parseShareQuery(r.URL.Query(), route, s.Location)
		if err == nil {
			cited, err = svc.CheckCitedTicket(r.Context(), ticket)
		}
		if err == nil {
			body, rows, err = h(r, svc, key, q)
		}
		if err != nil {
			status, rows = errorStatus(core.ErrorCode(err)), 0
		}
		if lerr := svc.LogAPIUse(context.WithoutCancel(r.Context()), core.APIUse{KeyID: key.ID, At: s.Clock.Now(), Method: r.Method,
			Path: r.URL.Path, Status: status, Rows: rows, Ticket: cited}); lerr != nil {
			s.Log.Error("api use not logged", "key", key.ID, "err", lerr)
		}
		s.Log.Info("share request", "key", key.ID, "path", r.URL.Path, "status", status, "rows", rows)
		if err != nil {
			s.shareFail(w, r, err)
			return
		}
		writeJSON(w, status, body)
	}
}

// shareFail writes err as the API's JSON error; a 401 asks for a bearer
// key, not a password.
func (s *Server) shareFail(w http.ResponseWriter, r *http.Request, err error) {
	if core.ErrorCode(err) != core.EUNAUTHORIZED {
		s.fail(w, r, err)
		return
	}
	s.logFailure(r, core.EUNAUTHORIZED, err)
	w.Header().Set("WWW-Authenticate", `Bearer realm="jiceng-share", charset="UTF-8"`)
	writeJSON(w, http.StatusUnauthorized, errorBody{Error: errorDetail{Code: core.EUNAUTHORIZED, Message: core.ErrorMessage(err)}})
}

// sharedRecordJSON is a record of the sharing API: the values of the
// key's fields, masked for share; a value masked to nothing is absent.
type sharedRecordJSON struct {
	ID     int64             `json:"id"`
	Kind   string            `json:"kind"`
	Values map[string]string `json:"values"`
}

type sharedTicketJSON struct {
	Number string            `json:"number"`
	Values map[string]string `json:"values"`
}

type sharePageJSON[T any] struct {
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
	Items    []T `json:"items"`
}

func (s *Server) handleShareRecords(r *http.Request, svc *casework.Service, key core.APIKey, q casework.ShareQuery) (any, int, error) {
	p, err := svc.ShareRecords(r.Context(), key, q)
	if err != nil {
		return nil, 0, err
	}
	out := sharePageJSON[sharedRecordJSON]{Total: p.Total, Page: p.Page, PageSize: p.PageSize, Items: make([]sharedRecordJSON, 0, len(p.Items))}
	for _, rec := range p.Items {
		out.Items = append(out.Items, sharedRecordJSON(rec))
	}
	return out, len(out.Items), nil
}

func (s *Server) handleShareRecord(r *http.Request, svc *casework.Service, key core.APIKey, q casework.ShareQuery) (any, int, error) {
	rec, err := svc.ShareRecord(r.Context(), key, pathRecord(r), q.Fields)
	if err != nil {
		return nil, 0, err
	}
	return sharedRecordJSON(rec), 1, nil
}

func (s *Server) handleShareTickets(r *http.Request, svc *casework.Service, key core.APIKey, q casework.ShareQuery) (any, int, error) {
	p, err := svc.ShareTickets(r.Context(), key, q)
	if err != nil {
		return nil, 0, err
	}
	out := sharePageJSON[sharedTicketJSON]{Total: p.Total, Page: p.Page, PageSize: p.PageSize, Items: make([]sharedTicketJSON, 0, len(p.Items))}
	for _, t := range p.Items {
		out.Items = append(out.Items, sharedTicketJSON(t))
	}
	return out, len(out.Items), nil
}

// The sharing figures (数据共享统计): administrators and leaders.

// sharingParams are the query parameters of the figures page and API.
var sharingParams = map[string]bool{"from": true, "to": true, "page": true}

// sharingPageSize is the usage log's page on /admin/sharing.
const sharingPageSize = 50

// parseSharingPeriod reads from and to, months (2025-03) or dates; to is
// inclusive (its whole month or day). Zero: casework's default (the last
// six months).
func parseSharingPeriod(q url.Values, loc *time.Location, paged bool) (from, to time.Time, page int, err error) {
	for k := range q {
		if !sharingParams[k] || k == "page" && !paged {
			if utf8.RuneCountInString(k) > 40 || !utf8.ValidString(k) {
				k = "query"
			}
			return from, to, 0, invalidParam(k, "未知参数 %s", k)
		}
		if len(q[k]) > 1 {
			return from, to, 0, invalidParam(k, "参数 %s 重复", k)
		}
	}
	parse := func(name string, end bool) (time.Time, error) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.ParseInLocation("2006-01", v, loc); err == nil {
			if end {
				t = t.AddDate(0, 1, 0)
			}
			return t, nil
		}
		if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
			if end {
				t = t.AddDate(0, 0, 1)
			}
			return t, nil
		}
		return time.Time{}, invalidParam(name, "参数 %s 应为月份（2025-03）或日期（2025-03-05）", name)
	}
	if from, err = parse("from", false); err != nil {
		return
	}
	if to, err = parse("to", true); err != nil {
		return
	}
	page = 1
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 100_000 {
			return from, to, 0, invalidParam("page", "参数 page 应为正整数")
		}
	}
	return from, to, page, nil
}

type sharingRowJSON struct {
	Month      string `json:"month"`
	Department string `json:"department"`
	Served     int    `json:"served"`
	Refused    int    `json:"refused"`
	Rows       int    `json:"rows"`
	Cited      int    `json:"tickets_cited"`
	Solved     int    `json:"tickets_solved"`
}

type sharingJSON struct {
	From  *string          `json:"from"`
	To    *string          `json:"to"`
	Rows  []sharingRowJSON `json:"rows"`
	Total sharingRowJSON   `json:"total"`
}

func toSharingRowJSON(r casework.SharingRow) sharingRowJSON {
	return sharingRowJSON{Month: r.Month, Department: r.Department, Served: r.Served, Refused: r.Refused, Rows: r.Rows, Cited: r.Cited, Solved: r.Solved}
}

// handleSharing answers GET /api/v1/sharing?from=&to=.
func (s *Server) handleSharing(w http.ResponseWriter, r *http.Request, p principal) {
	from, to, _, err := parseSharingPeriod(r.URL.Query(), s.Location, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.cases().SharingReport(r.Context(), p.User, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := sharingJSON{From: s.timeJSON(rep.From), To: s.timeJSON(rep.To), Rows: make([]sharingRowJSON, 0, len(rep.Rows)),
		Total: toSharingRowJSON(rep.Total)}
	for _, row := range rep.Rows {
		out.Rows = append(out.Rows, toSharingRowJSON(row))
	}
	writeJSON(w, http.StatusOK, out)
}

// sharingPage is the data of /admin/sharing.
type sharingPage struct {
	Form       url.Values
	Error      string
	ErrorField string
	From, To   string // the period shown, months
	Report     casework.SharingReport
	Uses       []sharingUseRow
	Page       int
	PrevURL    string
	NextURL    string
}

type sharingUseRow struct {
	At, Department, Prefix, Method, Path, Ticket string
	Status, Rows                                 int
}

// handleSharingPage shows the figures by month × department and the
// usage log, newest first, paged.
func (s *Server) handleSharingPage(w http.ResponseWriter, r *http.Request, p principal) {
	q := formQuery(r)
	page := &sharingPage{Form: q}
	from, to, n, err := parseSharingPeriod(q, s.Location, true)
	if err != nil {
		page.Error = core.ErrorMessage(err)
		if pe, ok := err.(*core.FieldError); ok {
			page.ErrorField = pe.Field
		}
		if _, rerr := s.cases().SharingReport(r.Context(), p.User, time.Time{}, time.Time{}); core.ErrorCode(rerr) == core.EFORBIDDEN {
			s.failPage(w, r, rerr) // the role's refusal first
			return
		}
		s.render(w, r, http.StatusBadRequest, "sharing", p, page)
		return
	}
	svc := s.cases()
	rep, err := svc.SharingReport(r.Context(), p.User, from, to)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	uses, more, err := svc.SharingUses(r.Context(), p.User, rep.From, rep.To, n, sharingPageSize)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page.Report, page.Page = rep, n
	page.From, page.To = rep.From.In(s.Location).Format("2006-01"), rep.To.Add(-time.Nanosecond).In(s.Location).Format("2006-01")
	for _, u := range uses {
		page.Uses = append(page.Uses, sharingUseRow{At: u.At.In(s.Location).Format("2006-01-02 15:04:05"), Department: u.Department,
			Prefix: u.Prefix, Method: u.Method, Path: u.Path, Ticket: u.Ticket, Status: u.Status, Rows: u.Rows})
	}
	link := func(n int) string {
		v := url.Values{"from": {page.From}, "to": {page.To}}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return "/admin/sharing?" + v.Encode()
	}
	if n > 1 {
		page.PrevURL = link(n - 1)
	}
	if more {
		page.NextURL = link(n + 1)
	}
	s.render(w, r, http.StatusOK, "sharing", p, page)
}
