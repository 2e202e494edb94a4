// Package web is jiceng's HTTP surface: the JSON API under /api/v1, the
// server-rendered workbench pages (Chinese, html/template, embedded CSS),
// sign-in with sessions or HTTP Basic auth, and the health check.
//
// web depends on core's interfaces only, never on a concrete store. Every
// route is listed in Server.routes; handlers are linear: parse, validate, call
// the store, respond through the helpers in response.go.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/dispatch"
	"jiceng/internal/fieldset"
	"jiceng/internal/notify"
	"jiceng/internal/rates"
	"jiceng/internal/search"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// Store is what the web layer needs from storage: tickets, the read side of
// the area registry and users with sessions. A core.Store satisfies it.
type Store interface {
	core.TicketStore
	core.UserStore
	Areas(ctx context.Context) (core.Areas, error)
	Units(ctx context.Context) ([]core.Unit, error)
	Categories(ctx context.Context) ([]core.Category, error)
	Prediction(ctx context.Context, ticketID int64) (core.Prediction, error)
	core.AuditStore
}

// pinger is implemented by stores that can check their connection cheaply;
// /healthz uses it when present.
type pinger interface {
	Ping(ctx context.Context) error
}

// Server serves jiceng's pages and API. Set the fields, then call Handler or
// Serve; the zero values of the optional fields are sensible defaults.
type Server struct {
	Store Store
	Log   *slog.Logger // nil discards logs
	Clock core.Clock   // nil means time.Now
	// Location is the time zone for dates in queries and on pages; nil means
	// China Standard Time (UTC+8, no daylight saving).
	Location *time.Location
	// Fields is the ticket field set, for labels and sensitivities; nil means
	// fieldset.Tickets().
	Fields *fieldset.Set
	// HTTPS says the server is reached over HTTPS (directly or through a
	// TLS-terminating proxy): the session cookie is marked Secure and every
	// response carries Strict-Transport-Security.
	HTTPS bool
	// Dictionary is the masking dictionary (脱敏字典) that decides what
	// each role sees; nil means deid.DefaultDictionary().
	Dictionary *deid.Dictionary
	// Understand predicts a ticket that has no stored prediction yet (the
	// import or the server fills them in behind); nil shows none.
	Understand *understand.Understander
	// Workflow runs ticket transitions and deadlines (package workflow);
	// nil shows tickets read-only.
	Workflow *workflow.Engine
	// Dispatch recommends handling units (智能分拨); nil or empty
	// suggests none.
	Dispatch *dispatch.Live
	// Rates is the 三率 configuration; nil means rates.DefaultConfig().
	Rates *rates.Config
	// Pinned are the settings given by serve flags (-limits, -calendar,
	// -dictionary, -rates), by setting name: they win over the versions
	// stored through the settings pages (settings.go).
	Pinned map[string]PinnedSetting

	// live are the settings changed while serving (settings.go); liveMu
	// serialises their changes, settingsMu the confirmations of uploads.
	live       atomic.Pointer[liveSettings]
	liveMu     sync.Mutex
	settingsMu sync.Mutex
	// MaxImportUpload bounds a file uploaded to the import page; 0 means
	// DefaultMaxImportUpload (1 GiB). ImportDir is where the import jobs
	// keep their files, each in a private directory; "" means the
	// system's temporary directory.
	MaxImportUpload int64
	ImportDir       string
	// ExportDir is where the export jobs write their files, in a private
	// directory; "" means the system's temporary directory.
	ExportDir string

	throttle   *throttle      // of failed sign-ins, set by Handler
	ratesCache *ratesCache    // set by Handler
	hotCache   *hotCache      // set by Handler
	boardCache *boardCache    // set by Handler
	tagCache   *tagAlertCache // set by Handler
	dupIndex   *dupIndex      // set by Handler
	taskCache  taskCache
	loginAudit auditLimiter // of throttled sign-ins in the audit log
	imports    *importJobs  // set by Handler
	exports    *exportJobs  // set by Handler

	// Policies is the policy base's index (政策知识库); nil: Handler opens
	// one in memory, filled from the store at the first search. policies
	// is the one in force: a new synonyms setting replaces it.
	Policies   *casework.PolicyBase
	policies   atomic.Pointer[casework.PolicyBase]
	askSlots   chan struct{} // of the public Q&A, set by Handler
	caseIndex  *caseIndex    // set by Handler
	replyCache *replyCache   // set by Handler
	// QualityHook sends each source's owner its data-quality report after
	// a run (quality.go); nil sends none.
	QualityHook *notify.Webhook

	// recordSources keeps the registry list's source dropdown (records.go).
	recordSources recordSourceCache

	// Open311TokenKey is the key Open311 tokens are sealed with; nil
	// takes $JICENG_OPEN311_TOKEN_KEY, and without it draws one per
	// process (tokens last as long as it runs).
	// Open311Jurisdiction is the jurisdiction_id the Open311 server
	// answers; "" answers any (open311.go).
	Open311TokenKey     []byte
	Open311Jurisdiction string
	open311State        open311State
	portal              *portalState // of the residents' portal (portal.go), set by Handler
}

// Handler returns the HTTP handler with every route, request logging,
// security headers and cross-origin protection.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Location == nil {
		s.Location = core.StreetTime
	}
	if s.Fields == nil {
		s.Fields = fieldset.Tickets()
	}
	if s.throttle == nil {
		s.throttle = newThrottle()
	}
	if s.ratesCache == nil {
		s.ratesCache = newRatesCache()
	}
	if s.hotCache == nil {
		s.hotCache = newHotCache()
	}
	if s.boardCache == nil {
		s.boardCache = newBoardCache()
	}
	if s.tagCache == nil {
		s.tagCache = newTagAlertCache()
	}
	if s.dupIndex == nil {
		s.dupIndex = &dupIndex{}
	}
	if s.imports == nil {
		s.imports = newImportJobs()
	}
	if s.exports == nil {
		s.exports = newExportJobs(s.ExportDir, s.Clock.Now)
	}
	if s.Policies == nil {
		ix, err := search.OpenMem(search.Options{})
		if err != nil {
			panic("web: policy index: " + err.Error()) // an empty index in memory
		}
		s.Policies = casework.NewPolicyBase(ix)
	}
	if s.policies.Load() == nil {
		s.policies.Store(s.Policies)
	}
	if s.replyCache == nil {
		s.replyCache = newReplyCache()
	}
	if s.caseIndex == nil {
		s.caseIndex = &caseIndex{}
	}
	if s.askSlots == nil {
		s.askSlots = make(chan struct{}, askSlots)
	}
	if s.portal == nil {
		s.portal = newPortalState()
	}
	mux := http.NewServeMux()
	s.routes(mux)
	// CrossOriginProtection refuses non-safe cross-origin browser requests
	// (Sec-Fetch-Site / Origin); forms additionally carry a per-session
	// token, checked in checkCSRF.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, core.Errorf(core.EFORBIDDEN, "跨站请求已被拒绝"))
	}))
	return s.logRequests(securityHeaders(cop.Handler(mux), s.HTTPS))
}

// access says who may use a route and how its scope is checked; the role ×
// route test (routes_test.go) walks every route by its access, so a route
// cannot be added without saying how it is protected.
type access int

const (
	// public routes need no sign-in (health, static files, sign-in).
	public access = iota + 1
	// signedIn routes need a sign-in and show only the user's own data
	// (me, sign-out).
	signedIn
	// ticketID routes read or act on the ticket of the {id} path value:
	// a ticket outside the user's scope answers exactly as a missing one.
	ticketID
	// scoped routes list or aggregate tickets, narrowed to the user's scope.
	scoped
	// reference routes show the street's reference data (the dispatch
	// catalogue), no tickets, to every role that reads tickets.
	reference
	// desk routes change the street's reference data: administrators and
	// street staff only.
	desk
	// board routes aggregate the street's counts (数据看板): the whole street
	// for administrators, leaders and staff, their community for community
	// workers; handlers and residents are refused (package casework
	// decides).
	board
	// intake routes take tickets in: the desk and community workers, for
	// their community (package casework decides).
	intake
	// admin routes are for administrators only: users, audit, settings.
	admin
	// owner routes show a job of the {job} path value (an export): its
	// owner's only; anyone else's answers exactly as a missing one.
	owner
	// registry routes list the base-data registries (基础数据): the whole
	// street for administrators, staff and leaders, their community for
	// community workers; handlers and residents are refused (package
	// casework decides).
	registry
	// recordID routes read or change the record of the {id} path value: a
	// record outside the user's scope answers exactly as a missing one.
	recordID
	// dataQuality routes show the data-quality runs (数据质量) to
	// administrators, staff and leaders; administrators and staff start
	// them (package casework decides).
	dataQuality
	// services routes list the key-population services (精准服务) over the
	// person records: the registry's scope (handlers and residents
	// refused); administrators, staff and community workers record visits
	// (package casework decides).
	services
	// linkReview routes are the record linkage's (一人一档): stewards
	// review the uncertain pairs of their scope, administrators and staff
	// start a run (package casework decides).
	linkReview
	// open311API routes are the Open311 GeoReport v2 server's: no sign-in
	// (a session is not used); reads are public and show only requests
	// that came in through Open311, masked with the resident role; a
	// POST needs an API key of the open311 purpose (package casework
	// decides).
	open311API
	// portalCode routes are the residents' portal's (居民端): no sign-in; a
	// request is read or rated only with its tracking code, never by id
	// (package casework decides).
	portalCode
	// residentOwn routes list a signed-in resident's own portal requests;
	// every other role is refused.
	residentOwn
	// shareKey routes are the sharing API for other departments (数据共享):
	// no sign-in (a session or cookie is not used); an API key of the share
	// purpose, and what it reads is the key's scope (package casework
	// decides).
	shareKey
	// sharingReport routes show the sharing figures and usage log (数据共享
	// 统计): administrators and leaders (package casework decides).
	sharingReport
)

// route is one entry of the route table.
type route struct {
	pattern string // method and path, as http.ServeMux takes them
	access  access
	handler http.HandlerFunc
}

// routeTable lists every route of the server. Keep it the only place where
// routes are declared.
func (s *Server) routeTable() []route {
	return []route{
		{"GET /healthz", public, s.handleHealth},
		{"GET /static/", public, http.StripPrefix("/static/", staticHandler()).ServeHTTP},

		// Pages.
		{"GET /{$}", signedIn, s.page(s.handleHome)},
		{"GET /welcome", signedIn, s.page(s.handleWelcome)},
		{"GET /login", public, s.handleLoginPage},
		{"POST /login", public, s.handleLogin},
		{"POST /logout", signedIn, s.page(s.handleLogout)},
		{"GET /tickets", scoped, s.page(s.handleTicketsPage)},
		{"GET /tickets/new", intake, s.page(s.handleIntakePage)},
		{"POST /tickets/new", intake, s.page(s.handleIntakeForm)},
		{"GET /tickets/{id}", ticketID, s.page(s.handleTicketPage)},
		{"GET /tickets/{id}/attachments/{n}", ticketID, s.page(s.handleAttachment)},
		{"POST /tickets/{id}/transition", ticketID, s.page(s.handleTransitionForm)},
		{"POST /tickets/{id}/reveal", ticketID, s.page(s.handleRevealForm)},
		{"GET /workbench", scoped, s.page(s.handleWorkbenchPage)},
		{"GET /dispatch/rules", reference, s.page(s.handleRulesPage)},
		{"POST /dispatch/rules", desk, s.page(s.handleRulesUpload)},
		{"POST /dispatch/rules/confirm", desk, s.page(s.handleRulesConfirm)},
		{"GET /dispatch/rules/versions/{version}", reference, s.page(s.handleRulesVersion)},
		{"POST /dispatch/rules/versions/{version}/restore", desk, s.page(s.handleRulesRestore)},
		{"GET /settings", reference, s.page(s.handleSettingsPage)},
		{"GET /settings/{name}", reference, s.page(s.handleSettingPage)},
		{"POST /settings/{name}", admin, s.page(s.handleSettingUpload)},
		{"POST /settings/{name}/confirm", admin, s.page(s.handleSettingConfirm)},
		{"GET /settings/{name}/versions/{version}", reference, s.page(s.handleSettingVersion)},
		{"GET /import", desk, s.page(s.handleImportPage)},
		{"POST /import", desk, s.page(s.handleImportUpload)},
		{"GET /import/{job}", desk, s.page(s.handleImportJobPage)},
		{"POST /import/{job}/mapping", desk, s.page(s.handleImportMapping)},
		{"POST /import/{job}/start", desk, s.page(s.handleImportStart)},
		{"GET /import/{job}/rejects.xlsx", desk, s.page(s.handleImportRejects)},
		{"GET /dashboard", board, s.page(s.handleDashboardPage)},
		{"GET /ask", public, s.handleAskPage},
		{"GET /replies", board, s.page(s.handleRepliesPage)},
		{"GET /policy", reference, s.page(s.handlePolicyPage)},
		{"GET /policy/files", desk, s.page(s.handlePolicyFilesPage)},
		{"POST /policy/files", desk, s.page(s.handlePolicyUpload)},
		{"POST /policy/files/{id}", desk, s.page(s.handlePolicyFileForm)},
		{"POST /dashboard/alerts", board, s.page(s.handleAlertStateForm)},
		{"GET /dashboard/report.xlsx", board, s.page(s.handleRiskReport)},
		{"GET /corpus", board, s.page(s.handleCorpusPage)},
		{"GET /tags", desk, s.page(s.handleTagsPage)},
		{"POST /tags", desk, s.page(s.handleTagsForm)},
		{"GET /rates", scoped, s.page(s.handleRatesPage)},
		{"GET /rates/tickets", scoped, s.page(s.handleRatesTicketsPage)},
		{"GET /rates/report", scoped, s.page(s.handleRatesReport)},
		{"GET /admin/users", admin, s.page(s.handleUsersPage)},
		{"POST /admin/users", admin, s.page(s.handleCreateUser)},
		{"POST /admin/users/{user}/disable", admin, s.page(s.handleUserAction("disable"))},
		{"POST /admin/users/{user}/enable", admin, s.page(s.handleUserAction("enable"))},
		{"POST /admin/users/{user}/password", admin, s.page(s.handleUserAction("password"))},
		{"POST /admin/users/{user}/role", admin, s.page(s.handleUserAction("role"))},
		{"GET /account", signedIn, s.page(s.handleAccountPage)},
		{"POST /account/password", signedIn, s.page(s.handleChangePassword)},
		{"POST /account/logout", signedIn, s.page(s.handleSignOutEverywhere)},
		{"GET /tickets/export", scoped, s.page(s.handleTicketsExport)},
		{"GET /admin/audit", admin, s.page(s.handleAuditPage)},
		{"GET /admin/audit/export", admin, s.page(s.handleAuditExport)},
		{"GET /admin/keys", admin, s.page(s.handleKeysPage)},
		{"POST /admin/keys", admin, s.page(s.handleIssueKey)},
		{"GET /admin/keys/{key}", admin, s.page(s.handleKeyPage)},
		{"POST /admin/keys/{key}/revoke", admin, s.page(s.handleRevokeKey)},
		{"GET /exports", signedIn, s.page(s.handleExportsPage)},
		{"GET /exports/{job}", owner, s.page(s.handleExportPage)},
		{"GET /exports/{job}/file", owner, s.page(s.handleExportFile)},
		{"GET /records", registry, s.page(s.handleRecordsPage)},
		{"GET /records/export", registry, s.page(s.handleRecordsExport)},
		{"GET /records/{id}", recordID, s.page(s.handleRecordPage)},
		{"POST /records/{id}/fix", recordID, s.page(s.handleRecordFixForm)},
		{"POST /records/{id}/status", recordID, s.page(s.handleRecordStatusForm)},
		{"POST /records/{id}/reveal", recordID, s.page(s.handleRecordRevealForm)},
		{"GET /records/review", linkReview, s.page(s.handleReviewPage)},
		{"POST /records/review/{id}/decide", linkReview, s.page(s.handleReviewForm)},
		{"POST /records/link", linkReview, s.page(s.handleLinkForm)},
		{"GET /quality", dataQuality, s.page(s.handleQualityPage)},
		{"POST /quality/run", dataQuality, s.page(s.handleQualityRunForm)},
		{"GET /quality/report.xlsx", dataQuality, s.page(s.handleQualityXLSX)},
		{"GET /services", services, s.page(s.handleServicesPage)},
		{"POST /services/visits", services, s.page(s.handleServiceVisitForm)},
		{"GET /portal", portalCode, s.handlePortalHome},
		{"GET /portal/new", portalCode, s.handlePortalNewPage},
		{"POST /portal/new", portalCode, s.handlePortalSubmit},
		{"GET /portal/track", portalCode, s.handlePortalTrackPage},
		{"POST /portal/track", portalCode, s.handlePortalTrack},
		{"POST /portal/rate", portalCode, s.handlePortalRate},
		{"GET /portal/ask", portalCode, s.handlePortalAsk},
		{"GET /portal/mine", residentOwn, s.page(s.handlePortalMine)},
		{"/", public, func(w http.ResponseWriter, r *http.Request) {
			s.failPage(w, r, core.Errorf(core.ENOTFOUND, "页面不存在"))
		}},

		// Open311 GeoReport v2 (open311.go).
		{"GET /open311/discovery.xml", open311API, s.open311Doc(fixedSegment("discovery.xml"), s.handleOpen311Discovery)},
		{"GET /open311/discovery.json", open311API, s.open311Doc(fixedSegment("discovery.json"), s.handleOpen311Discovery)},
		{"GET /open311/v2/services.xml", open311API, s.open311Doc(fixedSegment("services.xml"), s.handleOpen311Services)},
		{"GET /open311/v2/services.json", open311API, s.open311Doc(fixedSegment("services.json"), s.handleOpen311Services)},
		{"GET /open311/v2/services/{file}", open311API, s.open311Doc(fileSegment, s.handleOpen311Definition)},
		{"POST /open311/v2/requests.xml", open311API, s.open311Doc(fixedSegment("requests.xml"), s.handleOpen311Create)},
		{"POST /open311/v2/requests.json", open311API, s.open311Doc(fixedSegment("requests.json"), s.handleOpen311Create)},
		{"GET /open311/v2/requests.xml", open311API, s.open311Doc(fixedSegment("requests.xml"), s.handleOpen311Requests)},
		{"GET /open311/v2/requests.json", open311API, s.open311Doc(fixedSegment("requests.json"), s.handleOpen311Requests)},
		{"GET /open311/v2/requests/{file}", open311API, s.open311Doc(fileSegment, s.handleOpen311Request)},
		{"GET /open311/v2/tokens/{file}", open311API, s.open311Doc(fileSegment, s.handleOpen311Token)},
		{"/open311/", open311API, s.open311Doc(func(*http.Request) string { return "" }, nil)},

		// The sharing API for other departments (share.go).
		{"GET /api/share/v1/records", shareKey, s.shareAPI("records", s.handleShareRecords)},
		{"GET /api/share/v1/records/{id}", shareKey, s.shareAPI("record", s.handleShareRecord)},
		{"GET /api/share/v1/tickets", shareKey, s.shareAPI("tickets", s.handleShareTickets)},
		{"GET /admin/sharing", sharingReport, s.page(s.handleSharingPage)},
		{"GET /api/v1/sharing", sharingReport, s.api(s.handleSharing)},

		// API.
		{"GET /api/v1/me", signedIn, s.api(s.handleMe)},
		{"GET /api/v1/tickets", scoped, s.api(s.handleTickets)},
		{"POST /api/v1/tickets", intake, s.api(s.handleCreateTicket)},
		{"POST /api/v1/tickets/{id}/transitions", ticketID, s.api(s.handleTransition)},
		{"POST /api/v1/tickets/{id}/reveal", ticketID, s.api(s.handleReveal)},
		{"GET /api/v1/dashboard", board, s.api(s.handleDashboard)},
		{"GET /api/v1/hot", board, s.api(s.handleHot)},
		{"GET /api/v1/boundaries", board, s.api(s.handleBoundaries)},
		{"GET /api/v1/points", board, s.api(s.handlePoints)},
		{"GET /api/v1/policy/search", public, s.handlePolicySearch},
		{"GET /api/v1/policy/files", desk, s.api(s.handlePolicyFiles)},
		{"GET /api/v1/ask", public, s.handleAsk},
		{"GET /api/v1/tickets/{id}/policies", ticketID, s.api(s.handleTicketPolicies)},
		{"GET /api/v1/tickets/{id}/similar", ticketID, s.api(s.handleSimilar)},
		{"GET /api/v1/tickets/{id}/records", ticketID, s.api(s.handleTicketRecords)},
		{"GET /api/v1/replies", board, s.api(s.handleReplies)},
		{"POST /api/v1/alerts", board, s.api(s.handleAlertState)},
		{"GET /api/v1/rates", scoped, s.api(s.handleRates)},
		{"GET /api/v1/deadlines", scoped, s.api(s.handleDeadlines)},
		{"GET /api/v1/rates/tickets", scoped, s.api(s.handleRatesTickets)},
		{"GET /api/v1/tickets/{id}", ticketID, s.api(s.handleTicket)},
		{"GET /api/v1/tickets/{id}/dispatch", ticketID, s.api(s.handleDispatchSuggestions)},
		{"GET /api/v1/imports/{job}", desk, s.api(s.handleImportStatus)},
		{"GET /api/v1/exports/{job}", owner, s.api(s.handleExportStatus)},
		{"GET /api/v1/records", registry, s.api(s.handleRecords)},
		{"GET /api/v1/records/{id}", recordID, s.api(s.handleRecord)},
		{"GET /api/v1/records/{id}/history", recordID, s.api(s.handleRecordHistory)},
		{"PATCH /api/v1/records/{id}", recordID, s.api(s.handlePatchRecord)},
		{"POST /api/v1/records/{id}/reveal", recordID, s.api(s.handleRevealRecord)},
		{"GET /api/v1/records/{id}/cluster", recordID, s.api(s.handleRecordCluster)},
		{"POST /api/v1/records/link", linkReview, s.api(s.handleLinkRecords)},
		{"GET /api/v1/records/review", linkReview, s.api(s.handleReviewQueue)},
		{"POST /api/v1/records/review/{id}/decide", linkReview, s.api(s.handleDecideReview)},
		{"GET /api/v1/quality/runs", dataQuality, s.api(s.handleQualityRuns)},
		{"POST /api/v1/quality/runs", dataQuality, s.api(s.handleStartQualityRun)},
		{"GET /api/v1/quality/run", dataQuality, s.api(s.handleQualityRun)},
		{"GET /api/v1/services", services, s.api(s.handleServices)},
		{"POST /api/v1/services/visits", services, s.api(s.handleAddServiceVisit)},
		{"/api/", public, func(w http.ResponseWriter, r *http.Request) {
			s.fail(w, r, core.Errorf(core.ENOTFOUND, "接口不存在"))
		}},
	}
}

// routes registers the route table on mux.
func (s *Server) routes(mux *http.ServeMux) {
	for _, rt := range s.routeTable() {
		mux.HandleFunc(rt.pattern, rt.handler)
	}
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully,
// giving requests in flight up to 10 seconds. It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	h := s.Handler()
	defer s.closeJobs() // at the end: running imports and exports stop, their files go
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // large pages and exports
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	go s.warmRates(ctx)
	go s.warmHot(ctx)
	go s.warmBoards(ctx)
	go s.dups(ctx)
	go s.warmPolicies(ctx)
	go s.casesIndex()
	go hourly(ctx, func() { s.imports.sweep(s.Clock.Now()) })
	go hourly(ctx, func() { s.exports.sweep(s.Clock.Now()) })
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	var err error
	if p, ok := s.Store.(pinger); ok {
		err = p.Ping(r.Context())
	} else {
		_, _, err = s.Store.Tickets(r.Context(), core.TicketFilter{Limit: 1})
	}
	if err != nil {
		s.Log.Error("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
