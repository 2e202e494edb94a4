package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/tabfile"
)

// The access audit on the web: sign-ins are written to the audit log here;
// reveals and exports by packages casework and export; the audit page
// (/admin/audit) lists the log for administrators and downloads it.

// clientAddress is the client's network address as the audit log records
// it: the connection's peer (behind a reverse proxy, the proxy's), as the
// sign-in throttle counts it.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// auditStore returns the server's audit log.
func (s *Server) auditStore() core.AuditStore { return s.Store }

// addAudit appends e with the request's address; a failure is logged (the
// request it records has happened).
func (s *Server) addAudit(r *http.Request, e core.AuditEntry) {
	e.Address = clientAddress(r)
	if err := s.auditStore().AddAudit(r.Context(), e); err != nil {
		s.Log.Error("audit", "action", e.Action, "err", err)
	}
}

// auditLogin records a sign-in attempt with username as typed (never the
// password; personal data typed into it is masked): a success (u is the user), a failure (err EUNAUTHORIZED) or
// a refusal while throttled (ETOOMANY). Refusals while throttled are
// recorded once per account and address per minute, so that an attack
// does not fill the log. Other errors (the store's) are not sign-ins.
func (s *Server) auditLogin(r *http.Request, username string, u core.User, err error) {
	// What was typed as a username may be a phone or an ID number.
	username = deid.MaskSpans(username)
	switch core.ErrorCode(err) {
	case "":
		s.addAudit(r, core.AuditEntry{Actor: u.Username, Role: u.Role, Action: core.AuditLogin})
	case core.EUNAUTHORIZED:
		s.addAudit(r, core.AuditEntry{Actor: username, Action: core.AuditLoginFailed})
	case core.ETOOMANY:
		if s.loginAudit.first(strings.ToLower(username)+"\x00"+clientAddress(r), s.Clock.Now()) {
			s.addAudit(r, core.AuditEntry{Actor: username, Action: core.AuditLoginThrottled,
				Detail: "登录失败次数过多，已暂时限制（此后一分钟内的同类尝试不再逐条记录）"})
		}
	}
}

// auditLimiter tells the first of repeated events per key and minute. The
// zero value is ready; it holds at most maxLimiterKeys keys (then starts
// afresh).
type auditLimiter struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

const maxLimiterKeys = 10_000

func (l *auditLimiter) first(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if last, ok := l.seen[key]; ok && now.Sub(last) < time.Minute && !now.Before(last) {
		return false
	}
	if l.seen == nil || len(l.seen) >= maxLimiterKeys {
		l.seen = map[string]time.Time{}
	}
	l.seen[key] = now
	return true
}

// requireAdmin refuses every role but the administrator's.
func requireAdmin(p principal) error {
	if p.User.Role != core.RoleAdmin {
		return core.Errorf(core.EFORBIDDEN, "只有数据管理员可使用此功能")
	}
	return nil
}

// auditParams are the query parameters of the audit page and its
// download.
var auditParams = map[string]bool{"action": true, "actor": true, "ticket": true, "from": true, "to": true, "page": true}

// maxAuditParam bounds the text parameters of the audit page, in runes.
const maxAuditParam = 64

// parseAuditFilter reads an audit filter from query parameters: action
// (one of core.AuditActions), actor (an account), ticket (a number), from
// and to (YYYY-MM-DD in loc, to inclusive; or RFC 3339, to exclusive) and
// page (1-based, auditPageSize entries). Empty values do not filter;
// unknown or repeated parameters are refused.
func parseAuditFilter(q url.Values, loc *time.Location) (core.AuditFilter, error) {
	f := core.AuditFilter{Limit: auditPageSize}
	for k, v := range q {
		if !auditParams[k] {
			if utf8.RuneCountInString(k) > 40 || !utf8.ValidString(k) {
				return f, invalidParam("", "未知参数")
			}
			return f, invalidParam(k, "未知参数 %s", k)
		}
		if len(v) > 1 {
			return f, invalidParam(k, "参数 %s 重复", k)
		}
	}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	if v := get("action"); v != "" {
		if _, ok := core.AuditLabels[v]; !ok {
			return f, invalidParam("action", "参数 action 应为以下之一: %s", strings.Join(core.AuditActions, "、"))
		}
		f.Action = v
	}
	for _, t := range []struct {
		name, label string
		dst         *string
	}{{"actor", "账号", &f.Actor}, {"ticket", "工单编号", &f.Ticket}} {
		v := get(t.name)
		if !utf8.ValidString(v) {
			return f, invalidParam(t.name, "%s不是合法的文本", t.label)
		}
		if utf8.RuneCountInString(v) > maxAuditParam {
			return f, invalidParam(t.name, "%s过长（最多 %d 个字）", t.label, maxAuditParam)
		}
		*t.dst = v
	}
	var err error
	if v := get("from"); v != "" {
		if f.From, _, err = parseTime(v, loc); err != nil {
			return f, invalidParam("from", "起始日期应为 2025-03-05 这样的日期")
		}
	}
	if v := get("to"); v != "" {
		var dateOnly bool
		if f.To, dateOnly, err = parseTime(v, loc); err != nil {
			return f, invalidParam("to", "截止日期应为 2025-03-05 这样的日期")
		}
		if dateOnly {
			f.To = f.To.AddDate(0, 0, 1)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, invalidParam("to", "截止日期应不早于起始日期")
	}
	if v := get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return f, invalidParam("page", "参数 page 应为正整数")
		}
		f.Offset = (n - 1) * auditPageSize
	}
	return f, nil
}

// auditPageSize is the number of entries per page of /admin/audit.
const auditPageSize = 50

// auditPage is the data of /admin/audit.
type auditPage struct {
	Form       url.Values
	Error      string
	ErrorField string
	Actions    []auditChoice
	Rows       []auditRow
	Total      int
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	ExportURL  string
}

type auditChoice struct {
	Value, Label string
}

type auditRow struct {
	At       string
	Actor    string
	Role     string
	Action   string
	TicketID int64
	Ticket   string
	Field    string
	Reason   string
	Detail   string
	Address  string
}

// handleAuditPage is /admin/audit: the audit log, newest first, filtered
// and paged.
func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := requireAdmin(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	q := formQuery(r)
	page := &auditPage{Form: q}
	for _, a := range core.AuditActions {
		page.Actions = append(page.Actions, auditChoice{a, core.AuditLabels[a]})
	}
	f, err := parseAuditFilter(q, s.Location)
	if err != nil {
		page.Error = core.ErrorMessage(err)
		if pe, ok := err.(*core.FieldError); ok {
			page.ErrorField = pe.Field
		}
		s.render(w, r, http.StatusBadRequest, "audit", p, page)
		return
	}
	entries, total, err := s.auditStore().Audit(r.Context(), f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	for _, e := range entries {
		page.Rows = append(page.Rows, s.toAuditRow(e))
	}
	page.Total = total
	page.Page = f.Offset/auditPageSize + 1
	page.Pages = (total + auditPageSize - 1) / auditPageSize
	link := func(path string, page int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("page")
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if page.Page > 1 {
		page.PrevURL = link("/admin/audit", page.Page-1)
	}
	if page.Page < page.Pages {
		page.NextURL = link("/admin/audit", page.Page+1)
	}
	page.ExportURL = link("/admin/audit/export", 0)
	s.render(w, r, http.StatusOK, "audit", p, page)
}

func (s *Server) toAuditRow(e core.AuditEntry) auditRow {
	row := auditRow{At: e.At.In(s.Location).Format("2006-01-02 15:04:05"), Actor: e.Actor, Role: core.RoleLabels[e.Role],
		Action: core.AuditLabels[e.Action], TicketID: e.TicketID, Ticket: e.TicketNumber, Field: e.Field,
		Reason: e.Reason, Detail: e.Detail, Address: e.Address}
	if row.Role == "" {
		row.Role = e.Role
	}
	if row.Action == "" {
		row.Action = e.Action
	}
	if e.Field != "" {
		row.Field = s.fieldLabel(e.Field)
	}
	return row
}

// maxAuditExport bounds a download of the audit log.
const maxAuditExport = 100_000

// auditHeader are the columns of the audit log's download.
var auditHeader = []string{"时间", "账号", "角色", "操作", "工单编号", "字段", "原因", "详情", "地址"}

// handleAuditExport starts the export of the filtered audit log as XLSX
// (at most maxAuditExport entries, newest first, counted here) and sends
// the user to the job's page. The download is itself in the log, written
// before the file is ready: when it cannot be recorded, there is no file.
func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request, p principal) {
	if err := requireAdmin(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := sameSite(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	q := formQuery(r)
	q.Del("page")
	f, err := parseAuditFilter(q, s.Location)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	// The entries before now: offsets stay put while others are added.
	now := s.Clock.Now()
	if f.To.IsZero() || f.To.After(now) {
		f.To = now.Add(time.Microsecond)
	}
	f.Offset, f.Limit = 0, 1
	_, total, err := s.auditStore().Audit(r.Context(), f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if total > maxAuditExport {
		s.failPage(w, r, core.Errorf(core.EINVALID, "符合条件的审计记录有 %d 条，超过单次下载上限 %d 条，请缩小日期范围后分批下载", total, maxAuditExport))
		return
	}
	name := "审计日志-" + now.In(s.Location).Format("20060102-150405") + ".xlsx"
	u, address, what := p.User, clientAddress(r), describeAuditFilter(q)
	s.startExport(w, r, p, "审计日志", "xlsx", name, func(ctx context.Context, j *exportJob, out io.Writer) error {
		j.setTotal(total)
		xw, err := tabfile.NewXLSXSheetWriter(out, "审计日志")
		if err != nil {
			return err
		}
		defer tabfile.Discard(xw)
		tw := &countRows{RowWriter: xw, n: &j.rows}
		err = tw.Write(auditHeader)
		for f.Limit = core.MaxLimit; err == nil && f.Offset < total; f.Offset += f.Limit {
			var entries []core.AuditEntry
			if entries, _, err = s.auditStore().Audit(ctx, f); err != nil {
				break
			}
			for _, e := range entries {
				row := s.toAuditRow(e)
				if err = tw.Write([]string{row.At, row.Actor, row.Role, row.Action, row.Ticket, row.Field, row.Reason, row.Detail, row.Address}); err != nil {
					break
				}
			}
			if len(entries) == 0 {
				break
			}
		}
		if err != nil {
			return err
		}
		// In the log before the file is ready: when it cannot be
		// recorded, there is no file.
		detail := fmt.Sprintf("审计日志下载；%d 条；%s", total, what)
		if err := s.auditStore().AddAudit(ctx, core.AuditEntry{Actor: u.Username, Role: u.Role,
			Action: core.AuditExport, Detail: detail, Address: address}); err != nil {
			return err
		}
		j.setPhase("生成文件")
		return xw.Close()
	})
}

// describeAuditFilter says which entries a download of the log holds. The
// log names accounts and tickets, no personal values: the filter is
// recorded as given (bounded by parseAuditFilter).
func describeAuditFilter(q url.Values) string {
	var parts []string
	for _, p := range []struct{ key, label string }{{"action", "操作"}, {"actor", "账号"}, {"ticket", "工单编号"}, {"from", "起"}, {"to", "止"}} {
		if v := strings.TrimSpace(q.Get(p.key)); v != "" {
			if p.key == "action" {
				v = core.AuditLabels[v]
			}
			parts = append(parts, p.label+" "+v)
		}
	}
	if len(parts) == 0 {
		return "全部记录"
	}
	return strings.Join(parts, "；")
}
