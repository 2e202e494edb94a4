package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/dispatch"
	"jiceng/internal/importer/importtest"
	"jiceng/internal/sqlite"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// Sizes of what BenchmarkPages adds to its street before timing.
const (
	benchAuditEntries = 100_000 // about two years of a street's sign-ins, reveals and exports
	benchAccounts     = 500     // accounts on the users page
	benchUploadRows   = 4_500   // rows of the uploaded file, about 1 MB
)

// BenchmarkPages measures the server time of every page and API of the
// workbench, as each role that uses it, on the demo street (about 45,000
// tickets) or, with JICENG_BENCH_1M=1, on a 1,000,000-ticket street (built
// once into the temporary directory, then reused). Before timing it adds to
// the street what a street in use has: 100,000 audit entries over two
// years and 500 accounts (once, kept in the database).
//
// It logs the p50 and p95 of each request (ms), by page group, and reports
// the worst p95 as a metric. The exports (the ticket list's and the audit
// log's) are jobs: it times the request that starts one, the job's page
// while it runs, its status once it ended (waited for off the clock; how
// long the job took is logged apart) and the download of its file, for
// which it logs the time to the first byte apart from the last (the
// worst-p95 metric counts the first). Requests that write (the ticket
// form's save, the ticket API, the uploads, the exports' audit entries)
// add to the benchmark's database on each run. The export jobs of the
// whole ticket list (up to maxPageExport rows) are timed once, before the
// loop.
//
//	go test ./internal/web -run XXX -bench 'Pages$' -benchtime 20x -v
//	JICENG_BENCH_1M=1 go test ./internal/web -run XXX -bench 'Pages$' -benchtime 10x -timeout 60m -v
//
// JICENG_BENCH_SLOW=1 logs every sample over 100 ms with its number.
// JICENG_BENCH_PAGES_DB names the street's database file instead of the
// one named by size and schema version in the temporary directory.
// JICENG_BENCH_GROUPS (a comma list of the groups of the log: 工单, 分拨,
// 三率, 看板, API, 账号, 审计, 设置, 受理, 导入, 导出) times those groups only.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	n, name := 0, "demo"
	if os.Getenv("JICENG_BENCH_1M") != "" {
		n, name = 1_000_000, "1m"
	}
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	now := end.Add(10 * time.Hour)
	path := benchStreet(b, name, n, end)
	db, err := sqlite.Open(ctx, path, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	seedAccounts(b, db)
	// The demo's community outlines (streets built before the demo had
	// them): the map and the space–time scan of the board.
	if _, _, err := db.Setting(ctx, core.SettingBoundaries); core.ErrorCode(err) == core.ENOTFOUND {
		if _, err := db.PutSetting(ctx, core.SettingBoundaries, demo.Boundaries(), "清河湾街道边界.geojson", "demo", now); err != nil {
			b.Fatal(err)
		}
	}
	// The keyword index, as serve completes it at start-up (demo.Build
	// leaves it to be built).
	t0 := time.Now()
	if k, err := db.IndexSearch(ctx); err != nil {
		b.Fatal(err)
	} else if k > 0 {
		b.Logf("keyword index: %d tickets in %s", k, time.Since(t0).Round(time.Second))
	}
	areas, err := db.Areas(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// As serve runs it (the dispatch model untrained: the catalogue alone
	// recommends).
	live, err := dispatch.NewLive(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	srv := &Server{Store: db, Clock: func() time.Time { return now }, Workflow: &workflow.Engine{}, Dispatch: live,
		Understand: understand.New(understand.Options{Areas: areas, Now: func() time.Time { return now }}), ImportDir: b.TempDir()}
	if err := srv.LoadSettings(ctx); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	defer srv.closeJobs()

	// A session per role.
	roles := []string{core.RoleAdmin, core.RoleStaff, core.RoleLeader, core.RoleCommunity, core.RoleHandler}
	tokens := map[string]string{}
	for _, role := range roles {
		u, err := db.UserByUsername(ctx, role)
		if err != nil {
			b.Fatal(err)
		}
		token, err := newSessionToken() // the database is kept between runs
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateSession(ctx, core.Session{Token: token, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		tokens[role] = token
	}
	send := func(role string, req *http.Request) *benchWriter {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tokens[role]})
		if req.Method == http.MethodPost && req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/json")
		}
		w := newBenchWriter()
		h.ServeHTTP(w, req)
		w.end = time.Since(w.start)
		return w
	}
	get := func(p string) func() *http.Request {
		return func() *http.Request { return httptest.NewRequest(http.MethodGet, p, nil) }
	}
	post := func(p, contentType string, body []byte, header ...string) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, p, bytes.NewReader(body))
			if contentType != "" {
				r.Header.Set("Content-Type", contentType)
			}
			for i := 0; i+1 < len(header); i += 2 {
				r.Header.Set(header[i], header[i+1])
			}
			return r
		}
	}

	// The ticket form, as staff and as the community worker (the ticket is
	// of their community), and the ticket API.
	intake := func(role, do string, photos []photo) (string, []byte) {
		v := url.Values{"csrf": {csrfToken(tokens[role])}, "do": {do}, "title": {"楼道灯不亮"},
			"content":     {"3号楼2单元楼道灯不亮一周了，晚上老人上下楼不安全"},
			"caller_name": {"钱七"}, "caller_phone": {"13612345678"}, "channel": {"12345"}}
		ct, body := intakeForm(b, v, photos)
		return ct, body.Bytes()
	}
	png := testPNG(b)
	apiBody := []byte(`{"title": "楼道灯不亮", "content": "3号楼楼道灯不亮", "caller_phone": "13612345678", "channel": "12345"}`)
	// A ticket taken with a photo, for the ticket page with attachments.
	ct, body := intake(core.RoleStaff, "save", []photo{{"现场.png", "image/png", png}})
	w := send(core.RoleStaff, post("/tickets/new", ct, body)())
	withPhoto, ok := strings.CutPrefix(w.header.Get("Location"), "/tickets/")
	if w.status != http.StatusSeeOther || !ok {
		b.Fatalf("save a ticket: %d %.300q", w.status, w.body.Bytes())
	}
	idemKey := "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if w := send(core.RoleStaff, post("/api/v1/tickets", "", apiBody, "Idempotency-Key", idemKey)()); w.status != http.StatusCreated {
		b.Fatalf("API create: %d %.300q", w.status, w.body.Bytes())
	}
	keys := 0

	// The uploaded file, and a job of each desk role to show.
	var csvFile bytes.Buffer
	if err := importtest.WriteCSV(&csvFile, 0, benchUploadRows); err != nil {
		b.Fatal(err)
	}
	uploadBody := func(role string) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", csrfToken(tokens[role]))
		fw, _ := mw.CreateFormFile("file", "工单明细.csv")
		fw.Write(csvFile.Bytes())
		mw.Close()
		return mw.FormDataContentType(), buf.Bytes()
	}
	jobs := map[string]string{}
	for _, role := range []string{core.RoleAdmin, core.RoleStaff} {
		ct, body := uploadBody(role)
		w := send(role, post("/import", ct, body)())
		id, ok := strings.CutPrefix(w.header.Get("Location"), "/import/")
		if w.status != http.StatusSeeOther || !ok {
			b.Fatalf("upload as %s: %d %.300q", role, w.status, w.body.Bytes())
		}
		jobs[role] = id
	}

	month := now.AddDate(0, -1, 0).Format("2006-01")
	quarter := fmt.Sprintf("%dQ%d", now.Year(), (int(now.Month())-1)/3+1)
	lastMonth := now.AddDate(0, -1, 0)
	from, to := lastMonth.Format("2006-01")+"-01", lastMonth.AddDate(0, 1, -lastMonth.Day()).Format("2006-01-02")
	auditMonth := now.AddDate(0, -6, 0).Format("2006-01")
	auditFrom, auditTo := auditMonth+"-01", auditMonth+"-28"

	type request struct {
		group, role, name string
		req               func() *http.Request
		status            int
		download          bool // streamed: the first byte is timed apart
		after             func(*benchWriter)
	}
	var requests []request
	add := func(group string, roles []string, name string, req func() *http.Request, status int) {
		for _, role := range roles {
			requests = append(requests, request{group: group, role: role, name: name, req: req, status: status})
		}
	}
	readers := []string{core.RoleStaff, core.RoleLeader, core.RoleCommunity, core.RoleHandler}
	everyone := append([]string{core.RoleAdmin}, readers...)
	desk := []string{core.RoleAdmin, core.RoleStaff}
	for _, p := range []string{"/tickets", "/tickets?status=" + core.StatusHandling, "/tickets?q=" + "噪音", "/workbench"} {
		add("工单", readers, p, get(p), http.StatusOK)
	}
	// A demo ticket in each role's scope, for the ticket page and its API.
	ticketOf := map[string]int64{}
	for _, role := range readers {
		w := send(role, get("/api/v1/tickets?to="+end.AddDate(0, 0, -1).Format("2006-01-02")+"&limit=1")())
		var list ticketListJSON
		if err := json.Unmarshal(w.body.Bytes(), &list); err != nil || len(list.Items) == 0 {
			b.Fatalf("no ticket for %s: %d %v %.300q", role, w.status, err, w.body.Bytes())
		}
		ticketOf[role] = list.Items[0].ID
		add("工单", []string{role}, "/tickets/{id}", get(fmt.Sprintf("/tickets/%d", list.Items[0].ID)), http.StatusOK)
	}
	add("工单", desk, "/tickets/{id} (with a photo)", get("/tickets/"+withPhoto), http.StatusOK)
	add("工单", desk, "/tickets/{id}/attachments/1", get("/tickets/"+withPhoto+"/attachments/1"), http.StatusOK)
	add("分拨", readers, "/dispatch/rules", get("/dispatch/rules"), http.StatusOK)
	for _, p := range []string{"/rates?period=" + month, "/rates?period=" + quarter,
		"/rates/tickets?period=" + month + "&figure=response&part=den",
		"/rates/tickets?period=" + quarter + "&figure=satisfaction&part=missed"} {
		add("三率", readers, p, get(p), http.StatusOK)
	}
	board := []string{core.RoleStaff, core.RoleLeader, core.RoleCommunity}
	year := "from=" + end.AddDate(-1, 0, 0).Format("2006-01-02") + "&to=" + end.AddDate(0, 0, -1).Format("2006-01-02")
	for _, p := range []string{"/dashboard", "/dashboard?" + year, "/api/v1/dashboard", "/api/v1/dashboard?" + year,
		"/api/v1/hot", "/api/v1/boundaries", "/dashboard/report.xlsx"} {
		add("看板", board, p, get(p), http.StatusOK)
	}
	for _, p := range []string{"/api/v1/tickets", "/api/v1/rates?period=" + month, "/api/v1/deadlines"} {
		add("API", readers, p, get(p), http.StatusOK)
	}
	for _, role := range readers {
		add("API", []string{role}, "/api/v1/tickets/{id}", get(fmt.Sprintf("/api/v1/tickets/%d", ticketOf[role])), http.StatusOK)
	}
	add("账号", []string{core.RoleAdmin}, "/admin/users", get("/admin/users"), http.StatusOK)
	add("账号", everyone, "/account", get("/account"), http.StatusOK)
	for _, p := range []string{"/admin/audit", "/admin/audit?action=" + core.AuditReveal,
		"/admin/audit?action=" + core.AuditReveal + "&from=" + auditFrom + "&to=" + auditTo,
		"/admin/audit?actor=user042", "/admin/audit?ticket=QHW0000012345", "/admin/audit?page=200"} {
		add("审计", []string{core.RoleAdmin}, p, get(p), http.StatusOK)
	}
	add("设置", everyone, "/settings", get("/settings"), http.StatusOK)
	for _, s := range []string{core.SettingAreas, core.SettingBoundaries, core.SettingUnits, core.SettingTaxonomy, core.SettingLimits,
		core.SettingCalendar, core.SettingUrgency, core.SettingDictionary, core.SettingRates} {
		add("设置", []string{core.RoleAdmin, core.RoleStaff}, "/settings/"+s, get("/settings/"+s), http.StatusOK)
	}
	for _, role := range []string{core.RoleStaff, core.RoleCommunity} {
		add("受理", []string{role}, "GET /tickets/new", get("/tickets/new"), http.StatusOK)
		ct, body := intake(role, "preview", nil)
		add("受理", []string{role}, "POST /tickets/new 预览研判", post("/tickets/new", ct, body), http.StatusOK)
		ct, body = intake(role, "save", []photo{{"现场.png", "image/png", png}})
		add("受理", []string{role}, "POST /tickets/new 保存 (1 photo)", post("/tickets/new", ct, body), http.StatusSeeOther)
	}
	add("受理", []string{core.RoleStaff}, "POST /api/v1/tickets", post("/api/v1/tickets", "", apiBody), http.StatusCreated)
	add("受理", []string{core.RoleStaff}, "POST /api/v1/tickets Idempotency-Key", func() *http.Request {
		keys++
		return post("/api/v1/tickets", "", apiBody, "Idempotency-Key", idemKey+"-"+strconv.Itoa(keys))()
	}, http.StatusCreated)
	add("受理", []string{core.RoleStaff}, "POST /api/v1/tickets Idempotency-Key replay",
		post("/api/v1/tickets", "", apiBody, "Idempotency-Key", idemKey), http.StatusCreated)
	for _, role := range desk {
		add("导入", []string{role}, "GET /import", get("/import"), http.StatusOK)
		ct, body := uploadBody(role)
		add("导入", []string{role}, "POST /import (1 MB CSV: upload and preview)", post("/import", ct, body), http.StatusSeeOther)
		requests[len(requests)-1].after = func(w *benchWriter) { jobs[role] = strings.TrimPrefix(w.header.Get("Location"), "/import/") }
		// An upload replaces the user's job not started: the one just made.
		add("导入", []string{role}, "GET /import/{job} (preview)", func() *http.Request { return get("/import/" + jobs[role])() }, http.StatusOK)
		add("导入", []string{role}, "GET /api/v1/imports/{job}", func() *http.Request { return get("/api/v1/imports/" + jobs[role])() }, http.StatusOK)
	}
	// The exports: each starts a job (timed: the answer, a redirect to the
	// job's page), whose page is timed while it runs; then, once it ended
	// (waited for off the clock, its time logged apart), its status and
	// its file.
	exportJobOf := map[string]string{}          // by role and path: the last job started
	exportTimes := map[string][]time.Duration{} // how long the jobs took
	exportRows := map[string]int64{}
	for _, d := range []struct {
		roles []string
		path  string
	}{
		{[]string{core.RoleStaff, core.RoleCommunity}, "/tickets/export?format=csv&from=" + from + "&to=" + to},
		{[]string{core.RoleStaff, core.RoleCommunity}, "/tickets/export?format=xlsx&from=" + from + "&to=" + to},
		{[]string{core.RoleAdmin}, "/admin/audit/export?action=" + core.AuditExport},
	} {
		for _, role := range d.roles {
			key := role + " " + d.path
			var started time.Time
			requests = append(requests, request{group: "导出", role: role, name: d.path + " (start the job)", req: get(d.path), status: http.StatusSeeOther,
				after: func(w *benchWriter) {
					started = w.start
					exportJobOf[key] = strings.TrimPrefix(w.header.Get("Location"), "/exports/")
				}})
			requests = append(requests, request{group: "导出", role: role, name: "  GET /exports/{job} (running)",
				req: func() *http.Request { return get("/exports/" + exportJobOf[key])() }, status: http.StatusOK,
				after: func(*benchWriter) {
					j := srv.exports.jobs[exportJobOf[key]]
					<-j.done
					if j.state != jobDone {
						b.Fatalf("export %s as %s: %s", d.path, role, j.errMsg)
					}
					exportTimes[key] = append(exportTimes[key], time.Since(started))
					exportRows[key] = j.rows.Load()
				}})
			requests = append(requests, request{group: "导出", role: role, name: "  GET /api/v1/exports/{job} (done)",
				req: func() *http.Request { return get("/api/v1/exports/" + exportJobOf[key])() }, status: http.StatusOK})
			requests = append(requests, request{group: "导出", role: role, name: "  GET /exports/{job}/file", download: true,
				req: func() *http.Request { return get("/exports/" + exportJobOf[key] + "/file")() }, status: http.StatusOK})
		}
	}

	// JICENG_BENCH_GROUPS=工单,导出 times those groups only.
	if v := os.Getenv("JICENG_BENCH_GROUPS"); v != "" {
		groups := strings.Split(v, ",")
		requests = slices.DeleteFunc(requests, func(rq request) bool { return !slices.Contains(groups, rq.group) })
		if len(requests) == 0 {
			b.Fatalf("JICENG_BENCH_GROUPS=%s: no such group", v)
		}
	}
	// The first request of a period computes its rates (Serve does it for
	// the recent periods at start-up): reported apart, then served cached.
	// So does a board's first request (of its scope and period).
	for _, rq := range requests {
		if strings.Contains(rq.name, "rates") && rq.role == core.RoleStaff || rq.group == "看板" {
			b.Logf("cold %-9s %-65s %7.1f ms", rq.role, rq.name, ms(send(rq.role, rq.req()).end))
		}
	}
	// The hot issues of the board's default period (Serve computes the
	// whole street's at start-up; each board's first request starts its
	// own): computed once apart, then served from the cache.
	if slices.ContainsFunc(requests, func(rq request) bool { return rq.group == "看板" }) {
		from, to, _ := srv.dashboardPeriod(nil)
		for _, role := range board {
			u, err := db.UserByUsername(ctx, role)
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			if _, err := srv.hotIssues(ctx, u, from, to); err != nil {
				b.Fatal(err)
			}
			b.Logf("cold %-9s hot issues of the last 30 days (computed behind the board) %7.1f ms", role, ms(time.Since(t0)))
			t0 = time.Now()
			if _, err := srv.tagAlertsWait(ctx, u, to); err != nil {
				b.Fatal(err)
			}
			b.Logf("cold %-9s tag alerts (computed behind the board) %7.1f ms", role, ms(time.Since(t0)))
		}
	}
	first := make([][]time.Duration, len(requests))
	last := make([][]time.Duration, len(requests))
	size := make([]int64, len(requests))
	// The whole list's exports (as many rows as a page export allows) take
	// seconds: their jobs are timed once, apart.
	for _, format := range []string{"csv", "xlsx"} {
		if !slices.ContainsFunc(requests, func(rq request) bool { return rq.group == "导出" }) {
			break
		}
		w := send(core.RoleStaff, get("/tickets/export?format="+format)())
		if w.status != http.StatusSeeOther {
			b.Fatalf("export %s: %d %.300q", format, w.status, w.body.Bytes())
		}
		j := srv.exports.jobs[strings.TrimPrefix(w.header.Get("Location"), "/exports/")]
		<-j.done
		took := time.Since(w.start)
		switch {
		case j.state == jobFailed && n > maxPageExport:
			b.Logf("once %-9s /tickets/export?format=%-4s (whole list) refused by its job in %7.1f ms: more than %d rows (start %5.1f ms)",
				core.RoleStaff, format, ms(took), maxPageExport, ms(w.end))
		case j.state != jobDone:
			b.Fatalf("export %s: %s", format, j.errMsg)
		default:
			b.Logf("once %-9s /tickets/export?format=%-4s (whole list) job %8.1f ms, %d rows, %7d KB (start %5.1f ms)",
				core.RoleStaff, format, ms(took), j.rows.Load(), j.size>>10, ms(w.end))
		}
	}
	for b.Loop() {
		for i, rq := range requests {
			w := send(rq.role, rq.req())
			if w.status != rq.status {
				b.Fatalf("%s as %s: status %d, want %d: %.300q", rq.name, rq.role, w.status, rq.status, w.body.Bytes())
			}
			if rq.after != nil {
				rq.after(w)
			}
			if os.Getenv("JICENG_BENCH_SLOW") != "" && w.end > 100*time.Millisecond {
				b.Logf("slow sample %d of %s as %s: %.1f ms", len(first[i]), rq.name, rq.role, ms(w.end))
			}
			first[i] = append(first[i], w.first)
			last[i] = append(last[i], w.end)
			size[i] = w.size
		}
	}
	p95 := func(ds []time.Duration) time.Duration { return ds[min(len(ds)-1, len(ds)*95/100)] }
	var worst time.Duration
	worstOf := map[string]time.Duration{}
	var groups []string
	for i, rq := range requests {
		slices.Sort(first[i])
		slices.Sort(last[i])
		timed := last[i]
		line := fmt.Sprintf("%-4s %-9s %-62s p50 %7.1f ms  p95 %7.1f ms", rq.group, rq.role, rq.name, ms(timed[len(timed)/2]), ms(p95(timed)))
		if rq.download {
			timed = first[i]
			line = fmt.Sprintf("%-4s %-9s %-62s ttfb p50 %7.1f ms  p95 %7.1f ms; total p50 %7.1f ms  p95 %7.1f ms  %6d KB",
				rq.group, rq.role, rq.name, ms(timed[len(timed)/2]), ms(p95(timed)), ms(last[i][len(last[i])/2]), ms(p95(last[i])), size[i]>>10)
		}
		if _, ok := worstOf[rq.group]; !ok {
			groups = append(groups, rq.group)
		}
		worstOf[rq.group] = max(worstOf[rq.group], p95(timed))
		worst = max(worst, p95(timed))
		b.Log(line)
	}
	for _, key := range slices.Sorted(maps.Keys(exportTimes)) {
		ts := exportTimes[key]
		slices.Sort(ts)
		b.Logf("job  %-72s p50 %7.1f ms  p95 %7.1f ms  %d rows (start to file ready, not a request)", key, ms(ts[len(ts)/2]), ms(p95(ts)), exportRows[key])
	}
	for _, g := range groups {
		b.Logf("worst p95 %-4s %7.1f ms", g, ms(worstOf[g]))
	}
	b.ReportMetric(ms(worst), "worst-p95-ms")
}

// benchStreet is the path of the benchmark's street of n tickets (0: the
// demo's size), built into the temporary directory when missing; its audit
// log is seeded when it has fewer than benchAuditEntries entries.
func benchStreet(b *testing.B, name string, n int, end time.Time) string {
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("jiceng-bench-pages-%s-v%d.db", name, sqlite.SchemaVersion()))
	if p := os.Getenv("JICENG_BENCH_PAGES_DB"); p != "" {
		path = p // a street of its own (a copy made with VACUUM INTO), migrated when opened
	}
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		db, err := sqlite.Open(ctx, tmp, nil)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		_, err = demo.Build(ctx, db, demo.Options{End: end, Tickets: n}, account.HashPassword)
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Rename(tmp+suffix, path+suffix)
		}
		b.Logf("built %s in %s", path, time.Since(t0).Round(time.Second))
	}
	if err := seedAudit(ctx, path, end); err != nil {
		b.Fatal(err)
	}
	return path
}

// seedAudit appends benchAuditEntries entries to the audit log of the
// database at path, unless it has that many, over the two years before end: sign-ins mostly, reveals
// (of 50,000 ticket numbers, by 300 accounts), exports, failed sign-ins.
func seedAudit(ctx context.Context, path string, end time.Time) error {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	var have int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM audit_log").Scan(&have); err != nil || have >= benchAuditEntries {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (at, actor, role, action, ticket_id, ticket_number, field, reason, detail, address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	start := end.AddDate(-2, 0, 0)
	step := end.Sub(start) / benchAuditEntries
	actions := []string{core.AuditLogin, core.AuditLogin, core.AuditLogin, core.AuditReveal, core.AuditReveal, core.AuditExport, core.AuditLoginFailed}
	for i := range benchAuditEntries {
		a := actions[i%len(actions)]
		var id any
		number, field, reason, detail := "", "", "", ""
		switch a {
		case core.AuditReveal:
			id, number, field, reason = int64(i%50_000+1), fmt.Sprintf("QHW%010d", i%50_000), "caller_phone", "先行联系来电人"
		case core.AuditExport:
			detail = "工单导出 csv 1200 行"
		}
		if _, err := st.ExecContext(ctx, start.Add(time.Duration(i)*step).UnixMicro(), fmt.Sprintf("user%03d", i%300), core.RoleHandler, a,
			id, number, field, reason, detail, "10.0.0.1"); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "PRAGMA optimize")
	return err
}

// seedAccounts adds accounts to db until it has benchAccounts, for the
// users page (once: the database is kept between runs).
func seedAccounts(b *testing.B, db *sqlite.DB) {
	ctx := context.Background()
	have, err := db.Users(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := len(have); i < benchAccounts; i++ {
		u := core.User{Username: "clerk" + strconv.Itoa(i), Name: "办事员" + strconv.Itoa(i), Role: core.RoleHandler,
			Unit: "城市管理办公室", PasswordHash: "!", Disabled: i%10 == 0}
		if err := db.CreateUser(ctx, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// benchWriter is a ResponseWriter that times the first byte of the body
// from its creation, counts the body and keeps its start (for errors).
type benchWriter struct {
	header      http.Header
	status      int
	start       time.Time
	first, end  time.Duration
	size        int64
	body        bytes.Buffer
	wroteHeader bool
}

func newBenchWriter() *benchWriter {
	return &benchWriter{header: http.Header{}, start: time.Now()}
}

func (w *benchWriter) Header() http.Header { return w.header }

func (w *benchWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
}

func (w *benchWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.size == 0 && len(p) > 0 {
		w.first = time.Since(w.start)
	}
	w.size += int64(len(p))
	if w.body.Len() < 64<<10 {
		w.body.Write(p[:min(len(p), 64<<10)])
	}
	return len(p), nil
}

func (w *benchWriter) Flush() {}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
