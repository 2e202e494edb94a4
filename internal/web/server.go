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
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/rates"
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
	// SecureCookie marks the session cookie Secure; set it when the server
	// is reached over HTTPS (directly or through a proxy).
	SecureCookie bool
	// Policy is the masking dictionary that decides what each role sees;
	// nil means deid.DefaultPolicy().
	Policy *deid.Policy
	// Understand predicts a ticket that has no stored prediction yet (the
	// import or the server fills them in behind); nil shows none.
	Understand *understand.Understander
	// Workflow runs ticket transitions and deadlines (package workflow);
	// nil shows tickets read-only.
	Workflow *workflow.Engine
	// Dispatch recommends handling units (智能分拨); nil or empty
	// suggests none.
	Dispatch *Dispatcher
	// Rates is the 三率 configuration; nil means rates.DefaultConfig().
	Rates *rates.Config
}

// chinaTime is UTC+8; a fixed zone avoids depending on a tzdata install.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Handler returns the HTTP handler with every route, request logging,
// security headers and cross-origin protection.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Location == nil {
		s.Location = chinaTime
	}
	if s.Fields == nil {
		s.Fields = fieldset.Tickets()
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
	return s.logRequests(securityHeaders(cop.Handler(mux)))
}

// routes registers every route of the server. Keep this the only place
// where routes are declared.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))

	// Pages.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/tickets", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /login", s.handleLoginPage)
	mux.HandleFunc("POST /login", s.handleLogin)
	mux.HandleFunc("POST /logout", s.page(s.handleLogout))
	mux.HandleFunc("GET /tickets", s.page(s.handleTicketsPage))
	mux.HandleFunc("GET /tickets/{id}", s.page(s.handleTicketPage))
	mux.HandleFunc("POST /tickets/{id}/transition", s.page(s.handleTransitionForm))
	mux.HandleFunc("GET /workbench", s.page(s.handleWorkbenchPage))
	mux.HandleFunc("GET /dispatch/rules", s.page(s.handleRulesPage))
	mux.HandleFunc("POST /dispatch/rules", s.page(s.handleRulesUpload))
	mux.HandleFunc("GET /rates", s.page(s.handleRatesPage))
	mux.HandleFunc("GET /rates/tickets", s.page(s.handleRatesTicketsPage))
	mux.HandleFunc("GET /rates/report", s.page(s.handleRatesReport))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "页面不存在"))
	})

	// API.
	mux.HandleFunc("GET /api/v1/me", s.api(s.handleMe))
	mux.HandleFunc("GET /api/v1/tickets", s.api(s.handleTickets))
	mux.HandleFunc("POST /api/v1/tickets/{id}/transitions", s.api(s.handleTransition))
	mux.HandleFunc("GET /api/v1/rates", s.api(s.handleRates))
	mux.HandleFunc("GET /api/v1/deadlines", s.api(s.handleDeadlines))
	mux.HandleFunc("GET /api/v1/rates/tickets", s.api(s.handleRatesTickets))
	mux.HandleFunc("GET /api/v1/tickets/{id}", s.api(s.handleTicket))
	mux.HandleFunc("GET /api/v1/tickets/{id}/dispatch", s.api(s.handleDispatchSuggestions))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, core.Errorf(core.ENOTFOUND, "接口不存在"))
	})
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully,
// giving requests in flight up to 10 seconds. It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	h := s.Handler()
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
