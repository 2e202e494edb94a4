package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"jiceng/internal/core"
)

const (
	sessionCookie = "jiceng_session"
	sessionTTL    = 12 * time.Hour
)

// principal is the signed-in user of a request and, for browser sessions,
// the session token (empty for HTTP Basic auth).
type principal struct {
	User    core.User
	Session string
}

var errNotSignedIn = core.Errorf(core.EUNAUTHORIZED, "请先登录")

// authenticate finds the user of r: from the session cookie, else from HTTP
// Basic credentials. It returns an EUNAUTHORIZED error when neither is
// present and valid.
func (s *Server) authenticate(r *http.Request, allowBasic bool) (principal, error) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		u, err := s.Store.SessionUser(r.Context(), c.Value)
		switch core.ErrorCode(err) {
		case "":
			return principal{User: u, Session: c.Value}, nil
		case core.ENOTFOUND:
			// Expired or logged out; fall through to Basic auth.
		default:
			return principal{}, fmt.Errorf("session user: %w", err)
		}
	}
	if name, password, ok := r.BasicAuth(); ok && allowBasic {
		u, err := s.checkLogin(r, name, password)
		if err != nil {
			s.auditLogin(r, name, u, err)
			return principal{}, err
		}
		return principal{User: u}, nil
	}
	return principal{}, errNotSignedIn
}

// checkLogin returns the user with username and password, or EUNAUTHORIZED
// with one message for every kind of mismatch.
func (s *Server) checkLogin(r *http.Request, username, password string) (core.User, error) {
	wrong := core.Errorf(core.EUNAUTHORIZED, "用户名或密码错误")
	if username == "" || password == "" {
		return core.User{}, wrong
	}
	account, address := signInKeys(r, username)
	now := s.Clock.Now()
	if wait := max(s.throttle.locked(account, now), s.throttle.locked(address, now)); wait > 0 {
		s.Log.Warn("login throttled", "wait", wait.Round(time.Second))
		return core.User{}, errThrottled(wait)
	}
	// The password, and whether the account is enabled, are decided in
	// package account; a disabled account counts as a failure here too.
	u, err := s.accounts().SignIn(r.Context(), username, password)
	if core.ErrorCode(err) == core.EUNAUTHORIZED {
		s.Log.Info("login refused", "reason", refusalReason(err))
		s.throttle.fail(account, accountFreeFailures, now)
		s.throttle.fail(address, addressFreeFailures, now)
		return core.User{}, wrong
	}
	if err != nil {
		return core.User{}, err
	}
	s.throttle.clear(account)
	return u, nil
}

// authorize refuses roles that may not read tickets: residents (they sign
// in for their own requests only, which comes with the resident portal)
// and any role the workbench does not know (fail closed: the masking
// dictionary may keep raw data for roles such as export or store).
func authorize(p principal) error {
	switch p.User.Role {
	case core.RoleAdmin, core.RoleLeader, core.RoleStaff, core.RoleCommunity, core.RoleHandler:
		return nil
	}
	return core.Errorf(core.EFORBIDDEN, "当前账号无权查看工单")
}

// api wraps an API handler: it requires a signed-in user (session or Basic
// auth) and answers 401 JSON otherwise.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, p)
	}
}

// page wraps a page handler: it requires a browser session and redirects
// to the sign-in page otherwise, coming back to the same page afterwards.
func (s *Server) page(h func(http.ResponseWriter, *http.Request, principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r, false)
		if core.ErrorCode(err) == core.EUNAUTHORIZED {
			next := r.URL.Path
			if r.Method == http.MethodGet && r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		h(w, r, p)
	}
}

// csrfToken is the form token of a session: a hash of the session token,
// which only the holder of the HttpOnly cookie can know. It needs no
// storage and changes with every sign-in.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("jiceng-csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkCSRF verifies the csrf form field of a state-changing form post.
func checkCSRF(r *http.Request, p principal) error {
	got := r.PostFormValue("csrf")
	if p.Session == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(p.Session))) != 1 {
		return core.Errorf(core.EFORBIDDEN, "表单已过期或来源不明，请刷新页面后重试")
	}
	return nil
}

// newSessionToken returns a random 32-byte token, base64url encoded.
func newSessionToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// safeNext returns next if it is a path on this site, else /, so the
// sign-in page cannot be used to redirect elsewhere; "/" sends each role to
// its own start page. Browsers drop tabs and
// newlines from URLs and read a backslash as a slash, so "/\t/host" and
// "/\\host" would leave the site: any control character or backslash, and
// anything that parses with a scheme or a host, is refused.
func safeNext(next string) string {
	const home = "/" // each role's own start page
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return home
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || unicode.IsControl(c) || unicode.Is(unicode.Zs, c) {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return home
	}
	return next
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if p, err := s.authenticate(r, false); err == nil && p.Session != "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", principal{}, loginData{Next: next})
}

type loginData struct {
	Next     string
	Username string
	Error    string
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))

	u, err := s.checkLogin(r, username, password)
	s.auditLogin(r, username, u, err)
	if err != nil {
		code := core.ErrorCode(err)
		if code != core.EUNAUTHORIZED && code != core.ETOOMANY {
			s.failPage(w, r, err)
			return
		}
		s.Log.Info("login failed", "code", code)
		setRetryAfter(w, err)
		s.render(w, r, errorStatus(code), "login", principal{},
			loginData{Next: next, Username: username, Error: core.ErrorMessage(err)})
		return
	}
	token, err := newSessionToken()
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	expires := s.Clock.Now().Add(sessionTTL)
	if err := s.Store.CreateSession(r.Context(), core.Session{Token: token, UserID: u.ID, ExpiresAt: expires}); err != nil {
		s.failPage(w, r, err)
		return
	}
	http.SetCookie(w, s.sessionCookie(token, expires))
	s.Log.Info("login", "user_id", u.ID, "role", u.Role)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := s.Store.DeleteSession(r.Context(), p.Session); err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		s.failPage(w, r, err)
		return
	}
	http.SetCookie(w, s.sessionCookie("", time.Unix(0, 0)))
	s.Log.Info("logout", "user_id", p.User.ID)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) sessionCookie(token string, expires time.Time) *http.Cookie {
	// Max-Age, which browsers prefer to Expires, makes the cookie's life
	// independent of a skew between the server's and the browser's clocks.
	maxAge := int(expires.Sub(s.Clock.Now()).Seconds())
	if maxAge <= 0 {
		maxAge = -1
	}
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.HTTPS,
		SameSite: http.SameSiteLaxMode,
	}
}
