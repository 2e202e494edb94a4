package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

// The role × route matrix: every route of the route table, as every role
// (and as nobody), with tickets in and out of the user's scope and a
// missing one. It is generated from Server.routeTable, so a new route is
// in it from the start and must declare its access.

// matrixUser is a fixture user with the fixture tickets it may see (by id;
// nil for none) and whether it reads tickets at all.
type matrixUser struct {
	name  string // "" for no sign-in
	sees  []string
	reads bool // may read tickets (false: resident)
	desk  bool // may change the street's reference data
	// intake: may take tickets in (the desk, community workers)
	intake bool
	admin  bool // an administrator: users, audit, settings
	// board: sees the 数据看板 (the whole street, or its community's)
	board bool
}

var matrixUsers = []matrixUser{
	{name: ""},
	{name: "admin", sees: []string{"1", "2", "3"}, reads: true, desk: true, intake: true, admin: true, board: true},
	{name: "staff", sees: []string{"1", "2", "3"}, reads: true, desk: true, intake: true, board: true},
	{name: "leader", sees: []string{"1", "2", "3"}, reads: true, board: true},
	{name: "community", sees: []string{"1", "3"}, reads: true, intake: true, board: true}, // 望春园社区
	{name: "cw01", sees: []string{"1", "3"}, reads: true, intake: true, board: true},
	{name: "handler", sees: []string{"1"}, reads: true}, // unit 望春园社区
	{name: "hd01", sees: []string{"2"}, reads: true},    // 城市管理办公室
	{name: "hd00", reads: true}, // a handler without a unit: nothing
	{name: "resident"},
}

// fixtureNumbers are the numbers of the fixture tickets, by id.
var fixtureNumbers = map[string]string{"1": "QHW2501050001", "2": "QHW2501200002", "3": "QHW2502100003"}

// matrixQueries are the query strings a route needs to answer with data.
var matrixQueries = map[string]string{
	"GET /rates/tickets":         "period=2025-01&figure=response&part=den",
	"GET /rates/report":          "period=2025-01&format=html",
	"GET /rates":                 "period=2025-01",
	"GET /api/v1/rates":          "period=2025-01",
	"GET /api/v1/rates/tickets":  "period=2025-01&figure=response&part=den",
	"GET /tickets/export":        "format=csv", // text, so that the ticket numbers are seen
	"GET /dashboard":             "from=2025-01-01&to=2025-02-28",
	"GET /api/v1/dashboard":      "from=2025-01-01&to=2025-02-28",
	"GET /api/v1/hot":            "from=2025-01-01&to=2025-02-28",
	"GET /api/v1/points":         "from=2025-01-01&to=2025-02-28",
	"GET /api/v1/policy/search":  "q=低保",
	"GET /api/v1/ask":            "q=低保怎么申请",
	"GET /policy":                "q=低保",
	"GET /ask":                   "q=低保怎么申请",
	"GET /replies":               "from=2025-01-01&to=2025-02-28",
	"GET /api/v1/replies":        "from=2025-01-01&to=2025-02-28",
	"GET /dashboard/report.xlsx": "from=2025-01-01&to=2025-02-28",
	"GET /corpus":                "from=2025-01-01&to=2025-02-28",
}

// matrixForms are the form fields an administrator's POST needs to
// succeed (besides the form token); {user} is the matrix's own account.
var matrixForms = map[string]url.Values{
	"POST /admin/users":             {"username": {"matrix-new"}, "role": {core.RoleStaff}},
	"POST /admin/users/{user}/role": {"role": {core.RoleLeader}},
	"POST /dashboard/alerts":        {"community": {"望春园社区"}, "category1": {"城乡建设"}, "day": {"2025-02-10"}, "state": {core.AlertAcknowledged}},
	"POST /admin/keys":              {"name": {"矩阵单位"}, "purpose": {core.APIKeyOpen311}},
	"POST /admin/keys/{key}/revoke": {"confirm": {"yes"}},
}

// matrixBodies are the JSON bodies an API POST of a board needs to succeed.
var matrixBodies = map[string]string{
	"POST /api/v1/alerts": `{"community": "望春园社区", "category1": "城乡建设", "day": "2025-02-10", "state": "dismissed", "note": "矩阵"}`,
}

func TestRouteMatrix(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	if _, err := f.store.ReplaceDispatchRules(context.Background(), []core.DispatchRule{{Category1: "社会保障", Unit: "社会保障事务所"}},
		core.CatalogueVersion{CreatedAt: fixedClock(), CreatedBy: "admin", Source: "matrix.csv"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.PutSetting(context.Background(), core.SettingLimits, workflow.DefaultLimitsCSV(), "limits.csv", "admin", fixedClock()); err != nil {
		t.Fatal(err)
	}
	// Every fixture ticket has a photo: attachment 1.
	for id := range fixtureNumbers {
		n, _ := strconv.ParseInt(id, 10, 64)
		addPhoto(t, f, n)
	}
	// An import job of admin's, finished with a rejected row: {job}.
	f.server.ImportDir = t.TempDir()
	t.Cleanup(f.server.closeJobs)
	job := importedJob(t, f, "admin")
	// An export job of admin's, finished: {job} of /exports.
	exportJob := f.startedExport(t, f.login(t, "admin"), "/tickets/export?format=csv").id
	// The registry's records (records_test.go): {id} of the record routes.
	recordIDs := seedRecords(t, f)
	clients := map[string]*http.Client{"": f.client(t)}
	csrf := map[string]string{}
	signIn := func() {
		for _, u := range matrixUsers[1:] {
			clients[u.name] = f.login(t, u.name)
			csrf[u.name] = csrfToken(sessionOf(t, f, clients[u.name]))
		}
	}
	signIn()
	// The account that the users routes ({user}) change: none of the
	// matrix's own.
	target := core.User{Username: "matrix-target", Role: core.RoleStaff, PasswordHash: "!"}
	if err := f.store.CreateUser(context.Background(), &target); err != nil {
		t.Fatal(err)
	}
	// An Open311 request and its token: {file} of the Open311 routes.
	o311 := newOpen311Matrix(t, f)
	// A share key: {key} of the key routes (revoked by the last of them).
	_, matrixKey := open311Key(t, f, "矩阵共享", core.APIKeyShare)
	for _, rt := range f.server.routeTable() {

		method, path, _ := strings.Cut(rt.pattern, " ")
		if path == "" {
			method, path = http.MethodGet, rt.pattern // a pattern without a method
		}
		api := strings.HasPrefix(path, "/api/")
		switch path {
		case "/":
			path = "/no-such-page"
		case "/api/":
			path = "/api/no-such-route"
		case "/static/":
			path = "/static/style.css"
		}
		path = strings.Replace(path, "{$}", "", 1)
		path = strings.Replace(path, "{version}", "1", 1) // the catalogue and setting versions seeded above
		path = strings.Replace(path, "{user}", strconv.FormatInt(target.ID, 10), 1)
		path = strings.Replace(path, "{name}", core.SettingLimits, 1)
		path = strings.Replace(path, "{n}", "1", 1) // the attachment seeded above
		if strings.Contains(path, "/exports/") {
			path = strings.Replace(path, "{job}", exportJob, 1)
		}
		path = strings.Replace(path, "{job}", job, 1)
		path = o311.path(path)
		path = strings.Replace(path, "{key}", strconv.FormatInt(matrixKey, 10), 1)
		if strings.Contains(path, "{") && !strings.Contains(path, "{id}") {
			t.Fatalf("route %q has a path parameter the matrix does not know: add it here", rt.pattern)
		}
		if q := matrixQueries[rt.pattern]; q != "" {
			path += "?" + q
		}
		t.Run(rt.pattern, func(t *testing.T) {
			for _, u := range matrixUsers {
				t.Run("user="+u.name, func(t *testing.T) {
					c := clients[u.name]
					action := "sign"
					send := func(path string) response {
						t.Helper()
						return sendMatrix(t, f, c, method, path, api, csrf[u.name], action)
					}
					switch rt.access {
					case public, portalCode:
						// The portal is open to all; a request needs its
						// code (portal_test.go checks code and account).
						r := send(path)
						if r.status >= 500 {
							t.Fatalf("status %d", r.status)
						}
						noTickets(t, r, nil)
						return
					case open311API:
						o311.check(t, f, c, rt.pattern, method, path)
						return
					case shareKey:
						// A session is not a key: every user, signed in or
						// not, is asked for one (share_test.go checks keys).
						r := send(strings.Replace(path, "{id}", strconv.FormatInt(recordIDs["孙悟空"], 10), 1))
						if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
							t.Fatalf("without a key: status %d %q, want 401 asking for a bearer key", r.status, r.header.Get("WWW-Authenticate"))
						}
						noTickets(t, r, nil)
						return
					case signedIn, ticketID, scoped, reference, desk, intake, admin, owner, board, registry, recordID, dataQuality,
						services, linkReview, residentOwn, sharingReport:
					default:
						t.Fatalf("route %q declares no access", rt.pattern)
					}
					if u.name == "" {
						r := send(strings.Replace(path, "{id}", "1", 1))
						if !signInAsked(r, api) {
							t.Fatalf("without sign-in: status %d %q, want 401 or the sign-in page", r.status, r.header.Get("Location"))
						}
						return
					}
					switch rt.access {
					case registry, recordID:
						recordMatrix(t, f, c, u.name, rt, method, path, api, csrf[u.name], recordIDs)
					case services:
						servicesMatrix(t, f, c, u.name, method, path, api, csrf[u.name], recordIDs)
					case linkReview:
						linkMatrix(t, f, c, u.name, rt, method, path, api, csrf[u.name], recordIDs)
					case dataQuality:
						// Administrators, staff and leaders read the runs;
						// administrators and staff start one.
						var r response
						if method == http.MethodPost && !api {
							r = postMatrixForm(t, f, c, path, csrf[u.name], nil)
						} else {
							r = send(path)
						}
						allowed := u.board && u.name != "community" && u.name != "cw01"
						if method == http.MethodPost {
							allowed = u.desk
						}
						if refused := r.status == http.StatusForbidden; refused == allowed || r.status >= 500 {
							t.Fatalf("status %d, want allowed %v: %.300s", r.status, allowed, r.body)
						}
						noTickets(t, r, nil)
					case sharingReport:
						// Administrators and leaders read the sharing figures.
						allowedOrRefused(t, send(path), u.name == "admin" || u.name == "leader", u.sees)
					case residentOwn:
						r := send(path)
						if want := map[bool]int{true: http.StatusOK, false: http.StatusForbidden}[u.name == "resident"]; r.status != want {
							t.Fatalf("status %d, want %d: %.300s", r.status, want, r.body)
						}
						noTickets(t, r, nil)
					case signedIn:
						r := send(path)
						if r.status >= 500 {
							t.Fatalf("status %d", r.status)
						}
						noTickets(t, r, nil)
					case owner:
						// A job is its owner's (admin's) only: everyone else
						// finds none, administrators too.
						r := send(path)
						missing := send(strings.Replace(path, exportJob, "no-such-job", 1))
						if u.name == "admin" {
							if r.status != http.StatusOK {
								t.Fatalf("owner: status %d, want 200: %.300s", r.status, r.body)
							}
							noTickets(t, r, u.sees)
							return
						}
						if r.status != http.StatusNotFound || !bytes.Equal(r.body, missing.body) {
							t.Fatalf("another user's job: status %d %.200s, want 404 as a missing one", r.status, r.body)
						}
						noTickets(t, r, nil)
					case reference:
						r := send(path)
						if want := u.reads; (r.status == http.StatusOK) != want {
							t.Fatalf("status %d, want 200: %v", r.status, want)
						}
						noTickets(t, r, nil)
					case admin:
						var r response
						if method != http.MethodPost {
							r = send(path)
						} else {
							r = postMatrixForm(t, f, c, path, csrf[u.name], matrixForms[rt.pattern])
						}
						_, formed := matrixForms[rt.pattern]
						switch {
						case !u.admin && r.status != http.StatusForbidden:
							t.Fatalf("status %d, want 403", r.status)
						case u.admin && (r.status == http.StatusForbidden || r.status >= 500 || signInAsked(r, api)):
							t.Fatalf("administrator: status %d: %.300s", r.status, r.body)
						case u.admin && (method != http.MethodPost || formed) && r.status != http.StatusOK && r.status != http.StatusSeeOther:
							t.Fatalf("status %d, want 200 (or 303 after a POST): %.300s", r.status, r.body)
						}
						if u.admin {
							noTickets(t, r, u.sees) // the audit log names tickets
						} else {
							noTickets(t, r, nil)
						}
					case desk:
						r := send(path)
						if refused := r.status == http.StatusForbidden; refused == u.desk {
							t.Fatalf("status %d: refused %v, want %v", r.status, refused, !u.desk)
						}
						// A job is its owner's (admin's): others at the desk
						// find none; admin reads it (a started job is not
						// started again).
						if strings.Contains(rt.pattern, "{job}") && u.desk {
							want := http.StatusNotFound
							if u.name == "admin" {
								want = map[string]int{http.MethodGet: http.StatusOK, http.MethodPost: http.StatusConflict}[method]
							}
							if r.status != want {
								t.Fatalf("job of admin: status %d, want %d", r.status, want)
							}
						}
					case intake:
						if !api {
							r := sendIntakePage(t, f, c, method, path, csrf[u.name])
							want := http.StatusForbidden
							if u.intake && method == http.MethodGet {
								want = http.StatusOK
							} else if u.intake {
								want = http.StatusSeeOther // to the new ticket
							}
							if r.status != want {
								t.Fatalf("status %d, want %d: %.300s", r.status, want, r.body)
							}
							noTickets(t, r, nil)
							return
						}
						req, err := http.NewRequest(method, f.srv.URL+path,
							strings.NewReader(`{"title": "矩阵测试：楼道灯不亮", "content": "3号楼楼道灯不亮，请尽快修"}`))
						if err != nil {
							t.Fatal(err)
						}
						req.Header.Set("Content-Type", "application/json")
						r := do(t, c, req)
						if want := http.StatusForbidden; !u.intake && r.status != want {
							t.Fatalf("status %d, want %d", r.status, want)
						}
						if want := http.StatusCreated; u.intake && r.status != want {
							t.Fatalf("status %d, want %d: %.300s", r.status, want, r.body)
						}
						noTickets(t, r, nil)
					case board:
						var r response
						switch {
						case method == http.MethodPost && api:
							req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(matrixBodies[rt.pattern]))
							if err != nil {
								t.Fatal(err)
							}
							req.Header.Set("Content-Type", "application/json")
							r = do(t, c, req)
						case method == http.MethodPost:
							r = postMatrixForm(t, f, c, path, csrf[u.name], matrixForms[rt.pattern])
							if r.status == http.StatusSeeOther {
								r.status = http.StatusOK // back to the board
							}
						default:
							r = send(path)
						}
						if !allowedOrRefused(t, r, u.board, u.sees) { // the hot issues name tickets of the board's scope only
							return
						}
						// 柳荫里社区 has a fixture ticket in the period: on
						// the street's board, not on 望春园社区's.
						if whole := u.name == "admin" || u.name == "staff" || u.name == "leader"; method == http.MethodGet && strings.Contains(path, "dashboard") && !strings.HasSuffix(rt.pattern, ".xlsx") && whole != bytes.Contains(r.body, []byte("柳荫里社区")) {
							t.Errorf("柳荫里社区 on the board: %v, want %v", !whole, whole)
						}
					case scoped:
						r := send(path)
						if strings.HasPrefix(path, "/tickets/export") && r.status == http.StatusSeeOther {
							r = f.exported(t, c, path) // the file of the job it started
						}
						allowedOrRefused(t, r, u.reads, u.sees)
					case ticketID:
						// POSTs: an action the role may take and one it may not
						// (the refusal must not tell a missing ticket apart).
						actions := []string{"sign"}
						if method == http.MethodPost {
							actions = append(actions, "dispatch")
						}
						for _, action = range actions {
							for _, missingID := range []string{"999", "QHW9999999999"} {
								missing := send(strings.Replace(path, "{id}", missingID, 1))
								for id := range fixtureNumbers {
									r := send(strings.Replace(path, "{id}", id, 1))
									in := slices.Contains(u.sees, id)
									if !u.reads {
										if r.status != http.StatusForbidden {
											t.Errorf("ticket %s: status %d, want 403", id, r.status)
										}
										continue
									}
									if in {
										if r.status == http.StatusNotFound || r.status >= 500 {
											t.Errorf("ticket %s in scope: status %d", id, r.status)
										}
										continue
									}
									// Out of scope answers exactly as missing.
									if r.status != missing.status || !bytes.Equal(r.body, missing.body) {
										t.Errorf("%s ticket %s out of scope: %d %.200s; missing %s: %d %.200s", action, id, r.status, r.body, missingID, missing.status, missing.body)
									}
									noTickets(t, r, nil)
								}
							}
						}
					}
				})
			}
		})
		if strings.Contains(rt.pattern, "/logout") {
			signIn() // signing out ended the sessions
		}
	}
}

// allowedOrRefused checks a route the user may use (200, tickets of sees
// only) or may not (403, no ticket); it reports whether the user may.
func allowedOrRefused(t *testing.T, r response, may bool, sees []string) bool {
	t.Helper()
	if !may {
		if r.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.status)
		}
		noTickets(t, r, nil)
		return false
	}
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %.300s", r.status, r.body)
	}
	noTickets(t, r, sees)
	return true
}

// postMatrixForm posts the form fields with the user's form token.
func postMatrixForm(t *testing.T, f *fixture, c *http.Client, path, csrf string, fields url.Values) response {
	t.Helper()
	form := url.Values{"csrf": {csrf}}
	for k, v := range fields {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// sendMatrix sends one request of the matrix: a GET, or a POST with the
// user's form token (pages) or a JSON transition (API) that cannot succeed
// on any fixture ticket (sign from 受理, 办理 or 办结 is refused; dispatch
// names no unit). A reveal asks for the phone with a reason.
func sendMatrix(t *testing.T, f *fixture, c *http.Client, method, path string, api bool, csrf, action string) response {
	t.Helper()
	var body *strings.Reader
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	reveal := strings.HasSuffix(path, "/reveal")
	if method == http.MethodPost {
		if api && reveal {
			b, _ := json.Marshal(map[string]any{"fields": []string{"caller_phone"}, "reason": "矩阵测试"})
			req, err = http.NewRequest(method, f.srv.URL+path, bytes.NewReader(b))
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
			}
		} else if reveal {
			body = strings.NewReader(url.Values{"csrf": {csrf}, "field": {"caller_phone"}, "reason": {"矩阵测试"}}.Encode())
			req, err = http.NewRequest(method, f.srv.URL+path, body)
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		} else if api {
			b, _ := json.Marshal(map[string]any{"action": action})
			body = strings.NewReader(string(b))
			req, err = http.NewRequest(method, f.srv.URL+path, body)
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
			}
		} else {
			body = strings.NewReader(url.Values{"csrf": {csrf}, "action": {action}}.Encode())
			req, err = http.NewRequest(method, f.srv.URL+path, body)
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

// sendIntakePage sends a request of the ticket form: the form, or a
// ticket saved through it.
func sendIntakePage(t *testing.T, f *fixture, c *http.Client, method, path, csrf string) response {
	t.Helper()
	if method == http.MethodGet {
		return f.get(t, c, path)
	}
	body := url.Values{"csrf": {csrf}, "do": {"save"}, "title": {"矩阵测试：楼道灯不亮"}, "content": {"3号楼楼道灯不亮"}}.Encode()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// signInAsked reports whether r asks for a sign-in: 401 from the API, a
// redirect to the sign-in page from pages.
func signInAsked(r response, api bool) bool {
	if api {
		return r.status == http.StatusUnauthorized
	}
	return r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/login")
}

// noTickets fails when r shows a fixture ticket number outside sees.
func noTickets(t *testing.T, r response, sees []string) {
	t.Helper()
	for id, n := range fixtureNumbers {
		if !slices.Contains(sees, id) && bytes.Contains(r.body, []byte(n)) {
			t.Errorf("response shows ticket %s (%s), out of scope", id, n)
		}
	}
}

// sessionOf is the session token of a signed-in client.
func sessionOf(t *testing.T, f *fixture, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(f.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}
