package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

// auditOf returns the audit entries of f, newest first.
func auditOf(t *testing.T, f *fixture, filter core.AuditFilter) []core.AuditEntry {
	t.Helper()
	filter.Limit = core.MaxLimit
	es, _, err := f.store.Audit(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestLoginAudit: sign-ins, failed ones (the username as typed, never the
// password) and throttled ones (once a minute) are in the audit log, with
// the client's address; so are failed Basic-auth requests.
func TestLoginAudit(t *testing.T) {
	f := newFixture(t)
	f.login(t, "leader")
	c := f.client(t)
	post := func(user, password string) int {
		resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {user}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < accountFreeFailures; i++ {
		if st := post("staff", "wrong-secret-"+string(rune('a'+i))); st != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", st)
		}
	}
	post("nobody", "wrong-secret-x") // an unknown account
	for i := 0; i < 3; i++ {
		if st := post("staff", "staff-pass"); st != http.StatusTooManyRequests {
			t.Fatalf("throttled sign-in: %d, want 429", st)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/me", nil)
	req.SetBasicAuth("admin", "wrong-secret-basic")
	if r := do(t, c, req); r.status != http.StatusUnauthorized {
		t.Fatalf("Basic auth with a wrong password: %d", r.status)
	}

	tests := []struct {
		name   string
		filter core.AuditFilter
		want   int
	}{
		{"success", core.AuditFilter{Action: core.AuditLogin, Actor: "leader"}, 1},
		{"failures of staff", core.AuditFilter{Action: core.AuditLoginFailed, Actor: "staff"}, accountFreeFailures},
		{"failure of an unknown account", core.AuditFilter{Action: core.AuditLoginFailed, Actor: "nobody"}, 1},
		{"throttled, once a minute", core.AuditFilter{Action: core.AuditLoginThrottled, Actor: "staff"}, 1},
		{"Basic auth failure", core.AuditFilter{Action: core.AuditLoginFailed, Actor: "admin"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := auditOf(t, f, tt.filter)
			if len(es) != tt.want {
				t.Fatalf("%d entries, want %d: %+v", len(es), tt.want, es)
			}
			for _, e := range es {
				if e.Address != "127.0.0.1" {
					t.Errorf("address %q, want the client's", e.Address)
				}
			}
		})
	}
	if es := auditOf(t, f, core.AuditFilter{Action: core.AuditLogin, Actor: "leader"}); len(es) == 1 && es[0].Role != core.RoleLeader {
		t.Errorf("success recorded with role %q", es[0].Role)
	}
	for _, e := range auditOf(t, f, core.AuditFilter{}) {
		if strings.Contains(e.Actor+e.Detail+e.Reason+e.Field, "secret") || strings.Contains(e.Detail, "pass") {
			t.Errorf("a password in the audit log: %+v", e)
		}
	}
}

func TestAuditLimiter(t *testing.T) {
	var l auditLimiter
	now := fixedNow
	steps := []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"a", 0, true},
		{"a", 30 * time.Second, false},
		{"b", 30 * time.Second, true},
		{"a", 61 * time.Second, true},
		{"a", 0, true}, // a clock that went back
	}
	for i, s := range steps {
		if got := l.first(s.key, now.Add(s.at)); got != s.want {
			t.Errorf("step %d: first(%s, +%v) = %v, want %v", i, s.key, s.at, got, s.want)
		}
	}
}

// TestAuditPage: administrators list the log, filtered and paged, in
// Chinese; other roles are refused; a bad filter is shown with its message.
func TestAuditPage(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		if err := f.store.AddAudit(ctx, core.AuditEntry{At: fixedNow.Add(-time.Duration(i) * time.Hour), Actor: "leader", Role: core.RoleLeader,
			Action: core.AuditExport, Detail: "工单导出；格式 xlsx"}); err != nil {
			t.Fatal(err)
		}
	}
	hd01 := f.login(t, "hd01")
	if r := f.postJSON(t, hd01, "/api/v1/tickets/2/reveal", map[string]any{"fields": []string{"caller_phone"}, "reason": "先行联系<script>x</script>"}); r.status != http.StatusOK {
		t.Fatalf("reveal: %d %s", r.status, r.body)
	}
	admin := f.login(t, "admin")
	tests := []struct {
		name, query string
		status      int
		has, hasNot []string
	}{
		{"everything", "", http.StatusOK, []string{"审计日志", "共 <strong>63</strong> 条记录", "查看完整信息", "联系电话", "先行联系&lt;script&gt;", "QHW2501200002", "部门承办人", "下载 Excel"}, []string{"<script>x"}},
		{"reveals", "action=reveal", http.StatusOK, []string{"共 <strong>1</strong> 条记录", `href="/tickets/2"`}, nil},
		{"an actor", "actor=leader", http.StatusOK, []string{"共 <strong>60</strong> 条记录", "第 1 / 2 页", "下一页"}, []string{"QHW2501200002"}},
		{"page 2", "actor=leader&page=2", http.StatusOK, []string{"第 2 / 2 页", "上一页"}, nil},
		{"a ticket", "ticket=QHW2501200002", http.StatusOK, []string{"共 <strong>1</strong> 条记录"}, nil},
		{"a day", "from=2025-02-28&to=2025-02-28&action=export", http.StatusOK, []string{"共 <strong>24</strong> 条记录"}, nil},
		{"empty values", "action=&actor=&ticket=&from=&to=", http.StatusOK, []string{"共 <strong>63</strong> 条记录"}, nil},
		{"unknown action", "action=delete", http.StatusBadRequest, []string{"参数 action 应为以下之一"}, []string{"下载 Excel"}},
		{"bad date", "from=yesterday", http.StatusBadRequest, []string{"起始日期应为"}, nil},
		{"dates reversed", "from=2025-03-01&to=2025-02-01", http.StatusBadRequest, []string{"截止日期应不早于起始日期"}, nil},
		{"unknown parameter", "role=admin", http.StatusBadRequest, []string{"未知参数 role"}, nil},
		{"repeated", "actor=a&actor=b", http.StatusBadRequest, []string{"参数 actor 重复"}, nil},
		{"long actor", "actor=" + strings.Repeat("a", 65), http.StatusBadRequest, []string{"账号过长"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, admin, "/admin/audit?"+tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.500s", r.status, tt.status, r.body)
			}
			for _, s := range tt.has {
				if !bytes.Contains(r.body, []byte(s)) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.hasNot {
				if bytes.Contains(r.body, []byte(s)) {
					t.Errorf("page shows %q", s)
				}
			}
			if bytes.Contains(r.body, []byte("13700002222")) {
				t.Error("the audit page shows a revealed value")
			}
		})
	}
	for _, u := range []string{"staff", "leader", "hd01", "resident"} {
		if r := f.get(t, f.login(t, u), "/admin/audit"); r.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", u, r.status)
		}
	}
	if r := f.get(t, admin, "/welcome"); !bytes.Contains(r.body, []byte(`href="/admin/audit"`)) {
		t.Error("the administrator's navigation has no 审计日志")
	}
	if r := f.get(t, f.login(t, "staff"), "/welcome"); bytes.Contains(r.body, []byte(`href="/admin/audit"`)) {
		t.Error("staff's navigation offers 审计日志")
	}
}

// TestAuditExport: the filtered log downloads as XLSX, newest first, and
// the download is itself in the log.
func TestAuditExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i, a := range []string{core.AuditReveal, core.AuditExport, core.AuditReveal} {
		if err := f.store.AddAudit(ctx, core.AuditEntry{At: fixedNow.Add(-time.Duration(3-i) * time.Hour), Actor: "hd01", Role: core.RoleHandler,
			Action: a, TicketNumber: "QHW2501200002", Field: "caller_phone", Reason: "先行联系"}); err != nil {
			t.Fatal(err)
		}
	}
	admin := f.login(t, "admin")
	r := f.exported(t, admin, "/admin/audit/export?action=reveal&page=3")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != xlsxType || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", r.status, r.header)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("审计日志")
	if err != nil || len(rows) != 3 || !slices.Equal(rows[0], auditHeader) {
		t.Fatalf("rows %q, %v", rows, err)
	}
	if rows[1][0] != "2025-03-01 09:00:00" || rows[1][3] != "查看完整信息" || rows[1][5] != "联系电话" || rows[2][0] != "2025-03-01 07:00:00" {
		t.Errorf("rows %q", rows)
	}
	es := auditOf(t, f, core.AuditFilter{Action: core.AuditExport, Actor: "admin"})
	if len(es) != 1 || !strings.Contains(es[0].Detail, "审计日志下载；2 条") || !strings.Contains(es[0].Detail, "操作 查看完整信息") {
		t.Errorf("the download's audit entry: %+v", es)
	}
	if r := f.get(t, admin, "/admin/audit/export?from=bad"); r.status != http.StatusBadRequest {
		t.Errorf("bad filter: %d", r.status)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/admin/audit/export", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := do(t, admin, req); r.status != http.StatusForbidden {
		t.Errorf("a download started by another site: %d, want 403", r.status)
	}
	if r := f.get(t, f.login(t, "staff"), "/admin/audit/export"); r.status != http.StatusForbidden {
		t.Errorf("staff downloads the log: %d", r.status)
	}
}

// TestTicketsExport: the ticket list's filter exports as CSV or Excel with
// the user's scope and the user's role's masking, exactly what the pages
// show, and every export is in the audit log without personal values.
func TestTicketsExport(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		user, query string
		status      int
		tickets     []string // the fixture ids the file holds
		raw         bool     // the phones in clear
	}{
		{"admin", "format=csv", http.StatusOK, []string{"1", "2", "3"}, true},
		{"staff", "format=csv", http.StatusOK, []string{"1", "2", "3"}, true},
		{"leader", "format=csv", http.StatusOK, []string{"1", "2", "3"}, false},
		{"community", "format=csv", http.StatusOK, []string{"1", "3"}, false},
		{"handler", "format=csv", http.StatusOK, []string{"1"}, false},
		{"hd01", "format=csv", http.StatusOK, []string{"2"}, false},
		{"hd00", "format=csv", http.StatusOK, nil, false},
		{"resident", "format=csv", http.StatusForbidden, nil, false},
		{"staff", "format=csv&community=望春园社区", http.StatusOK, []string{"1", "3"}, true},
		{"staff", "format=csv&q=楼道&page=2", http.StatusOK, []string{"1"}, true},
		{"hd01", "format=csv&community=望春园社区", http.StatusOK, nil, false}, // outside its unit
		{"staff", "format=pdf", http.StatusBadRequest, nil, false},
		{"staff", "format=csv&from=yesterday", http.StatusBadRequest, nil, false},
		{"staff", "format=csv&shoe=42", http.StatusBadRequest, nil, false},
	}
	phones := map[string]string{"1": "13812345678", "2": "13700002222", "3": "13900001111"}
	for _, tt := range tests {
		t.Run(tt.user+"?"+tt.query, func(t *testing.T) {
			before := len(auditOf(t, f, core.AuditFilter{Action: core.AuditExport}))
			r := f.exported(t, f.login(t, tt.user), "/tickets/export?"+tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			after := auditOf(t, f, core.AuditFilter{Action: core.AuditExport})
			if tt.status != http.StatusOK {
				if len(after) != before {
					t.Errorf("a refused export is in the audit log: %+v", after[0])
				}
				return
			}
			if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			noTickets(t, r, tt.tickets)
			for id, n := range fixtureNumbers {
				if slices.Contains(tt.tickets, id) != bytes.Contains(r.body, []byte(n)) {
					t.Errorf("ticket %s in the file: %v, want %v", id, !slices.Contains(tt.tickets, id), slices.Contains(tt.tickets, id))
				}
				if slices.Contains(tt.tickets, id) && bytes.Contains(r.body, []byte(phones[id])) != tt.raw {
					t.Errorf("ticket %s's phone in clear: %v, want %v", id, !tt.raw, tt.raw)
				}
			}
			if len(after) != before+1 {
				t.Fatalf("%d export entries, want %d", len(after), before+1)
			}
			e := after[0]
			if e.Actor != tt.user || e.Address != "127.0.0.1" || !strings.Contains(e.Detail, "格式 csv") {
				t.Errorf("audit entry %+v", e)
			}
			if strings.Contains(tt.query, "q=") && (strings.Contains(e.Detail, "楼道") || !strings.Contains(e.Detail, "关键词（内容未记录）")) {
				t.Errorf("the keyword in the audit entry: %q", e.Detail)
			}
			if strings.Contains(tt.query, "community=") && !strings.Contains(e.Detail, "社区 望春园社区") {
				t.Errorf("the filter is not in the audit entry: %q", e.Detail)
			}
		})
	}

	// Excel by default, with the same rows as the CSV.
	leader := f.login(t, "leader")
	r := f.exported(t, leader, "/tickets/export?status=办理")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != xlsxType {
		t.Fatalf("xlsx: %d %v", r.status, r.header)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("Sheet1")
	if len(rows) != 2 || rows[1][0] != "QHW2501200002" || slices.Contains(rows[1], "13700002222") {
		t.Errorf("xlsx rows %q", rows)
	}

	// The list page links to the exports of its filter.
	page := f.get(t, leader, "/tickets?community=望春园社区&page=1")
	for _, want := range []string{"/tickets/export?community=%E6%9C%9B%E6%98%A5%E5%9B%AD%E7%A4%BE%E5%8C%BA&amp;format=xlsx", "导出 Excel", "导出 CSV"} {
		if !bytes.Contains(page.body, []byte(want)) {
			t.Errorf("list page lacks %q", want)
		}
	}

	// Beyond the bound: refused with a clear message, nothing exported.
	defer func(n int) { maxPageExport = n }(maxPageExport)
	maxPageExport = 2
	before := len(auditOf(t, f, core.AuditFilter{Action: core.AuditExport}))
	r = f.exported(t, leader, "/tickets/export?format=csv")
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("导出未完成")) || !bytes.Contains(r.body, []byte("超过单次导出上限 2 件")) {
		t.Errorf("over the bound: %d %.300s", r.status, r.body)
	}
	if after := len(auditOf(t, f, core.AuditFilter{Action: core.AuditExport})); after != before {
		t.Errorf("a refused export is in the audit log")
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/tickets/export?format=csv", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := do(t, leader, req); r.status != http.StatusForbidden {
		t.Errorf("an export started by another site: %d, want 403", r.status)
	}
}

// FuzzParseAuditFilter: any query gives a filter within its bounds or an
// EINVALID error, never a panic.
func FuzzParseAuditFilter(f *testing.F) {
	for _, s := range []string{"", "action=reveal&actor=hd01&ticket=QHW1&from=2025-01-01&to=2025-02-01&page=2",
		"from=2025-03-01&to=2025-02-01", "page=0", "page=99999999999", "actor=%ff", "x=1", "action=reveal&action=export",
		"from=2025-03-01T08:00:00%2B08:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		fl, err := parseAuditFilter(q, core.StreetTime)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("parseAuditFilter(%q): %v, want EINVALID", raw, err)
			}
			return
		}
		if fl.Offset < 0 || fl.Limit != auditPageSize || len([]rune(fl.Actor)) > maxAuditParam || len([]rune(fl.Ticket)) > maxAuditParam {
			t.Fatalf("parseAuditFilter(%q) = %+v", raw, fl)
		}
		if _, ok := core.AuditLabels[fl.Action]; fl.Action != "" && !ok {
			t.Fatalf("unknown action %q accepted", fl.Action)
		}
		if !fl.From.IsZero() && !fl.To.IsZero() && !fl.From.Before(fl.To) {
			t.Fatalf("empty range accepted: %+v", fl)
		}
	})
}

// FuzzParseReveal: any body gives a request or an EINVALID error.
func FuzzParseReveal(f *testing.F) {
	for _, s := range []string{`{"fields":["caller_phone"],"reason":"先行联系"}`, `null`, ``, `{"fields":"x"}`, `{"reason":1}`,
		`{"fields":[],"reason":""} {}`, `{"value":"13800000000"}`, `[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := parseReveal(body); err != nil && core.ErrorCode(err) != core.EINVALID {
			t.Fatalf("parseReveal(%q): %v, want EINVALID", body, err)
		}
	})
}
