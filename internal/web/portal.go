package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// The residents' portal (居民端) under /portal: plain HTML forms that work
// without JavaScript, on a small layout of its own (no staff navigation),
// for phones first. A resident submits a request (/portal/new), gets a
// tracking code (查询码) once, follows it (/portal/track) and rates the
// result (/portal/rate); a signed-in resident account lists its own
// requests (/portal/mine). The code travels in form bodies only, never in
// a URL, so that it is not in the request log, the browser's history or a
// Referer. What is shown and allowed is package casework's (Portal*).
//
// Against abuse: per-address rate limits on submitting, tracking and
// rating, a challenge on submitting (portal_challenge.go) and a honeypot
// field that people do not see.

// Rate limits of the portal, per client address and window.
const (
	portalWindow       = 10 * time.Minute
	portalSubmitsLimit = 5  // submissions per window
	portalTracksLimit  = 60 // status look-ups per window
	portalRatesLimit   = 10 // ratings per window
	// maxPortalForm bounds a posted request: its photos and 1 MiB of text.
	maxPortalForm = casework.PortalMaxPhotos*core.MaxAttachmentSize + 1<<20
	// honeypotField is the form field people never see nor fill in.
	honeypotField = "website"
)

// portalState is the portal's memory: the challenge key and used tokens,
// and the rate limits.
type portalState struct {
	challenges             *challenges
	submits, tracks, rates *rateLimit
}

func newPortalState() *portalState {
	return &portalState{challenges: newChallenges(),
		submits: newRateLimit(portalSubmitsLimit, portalWindow),
		tracks:  newRateLimit(portalTracksLimit, portalWindow),
		rates:   newRateLimit(portalRatesLimit, portalWindow)}
}

// portalPages are the portal's pages: templates/portal_NAME.html, each
// executed inside templates/portal_layout.html.
var portalPages = []string{"home", "new", "receipt", "track", "status", "mine", "ask", "error"}

var portalTemplates = mustParsePortalTemplates(templateFS)

func mustParsePortalTemplates(fsys fs.FS) map[string]*template.Template {
	t, err := parsePortalTemplates(fsys)
	if err != nil {
		panic("web: " + err.Error())
	}
	return t
}

// parsePortalTemplates parses the portal's layout, with the workbench
// layout's shared parts (the policy answer), and one set per page.
func parsePortalTemplates(fsys fs.FS) (map[string]*template.Template, error) {
	layout, err := template.New("portal_layout.html").Funcs(templateFuncs).ParseFS(fsys, "templates/layout.html", "templates/portal_layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse portal layout: %w", err)
	}
	out := make(map[string]*template.Template, len(portalPages))
	for _, name := range portalPages {
		t, err := template.Must(layout.Clone()).ParseFS(fsys, "templates/portal_"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse portal page %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// portalLayout is what the portal's layout sees.
type portalLayout struct {
	Street string
	// Resident is the signed-in resident, nil for anyone else (a staff
	// account is treated as no account here).
	Resident *core.User
	CSRF     string
	Page     any
}

// portalUser is the signed-in resident of r, if any.
func (s *Server) portalUser(r *http.Request) principal {
	p := s.optionalUser(r)
	if p.User.Role != core.RoleResident || p.Session == "" {
		return principal{}
	}
	return p
}

func (s *Server) renderPortal(w http.ResponseWriter, r *http.Request, status int, name string, page any) {
	d := portalLayout{Street: s.streetName(r), Page: page}
	if p := s.portalUser(r); p.User.ID != 0 {
		u := p.User
		d.Resident, d.CSRF = &u, csrfToken(p.Session)
	}
	var buf bytes.Buffer
	if err := portalTemplates[name].ExecuteTemplate(&buf, "portal-layout", d); err != nil {
		s.Log.Error("render portal page", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages with a code or a status are the resident's: never cached, and
	// the browser sends no Referer from them.
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// failPortal shows err on the portal's error page; internal errors are
// logged and shown with a generic message.
func (s *Server) failPortal(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	s.logFailure(r, code, err)
	setRetryAfter(w, err)
	status := errorStatus(code)
	s.renderPortal(w, r, status, "error", errorPage{Status: status, Message: core.ErrorMessage(err)})
}

// limit counts r against l; a refusal is an ETOOMANY error.
func (s *Server) portalLimit(l *rateLimit, r *http.Request) error {
	if wait := l.allow(clientAddress(r), s.Clock.Now()); wait > 0 {
		s.Log.Warn("portal rate limited", "path", r.URL.Path, "wait", wait.Round(time.Second))
		return errRateLimited(wait)
	}
	return nil
}

func (s *Server) handlePortalHome(w http.ResponseWriter, r *http.Request) {
	s.renderPortal(w, r, http.StatusOK, "home", nil)
}

// portalForm is the data of /portal/new.
type portalForm struct {
	Form        map[string]string
	Errors      map[string]string
	Error       string
	Communities []string
	Contacts    []string
	Challenge   challenge
	MaxPhotos   int
	MaxPhotoMB  int
}

// portalFormFields are the text fields of the request form.
var portalFormFields = []string{"text", "community", "address", "phone", "contact"}

func (s *Server) portalForm(r *http.Request, form map[string]string) (*portalForm, error) {
	cs, err := s.cases().PortalCommunities(r.Context())
	if err != nil {
		return nil, err
	}
	if form == nil {
		form = map[string]string{"contact": core.ContactSMS}
	}
	return &portalForm{Form: form, Errors: map[string]string{}, Communities: cs, Contacts: core.Contacts,
		Challenge: s.portal.challenges.new(s.Clock.Now()), MaxPhotos: casework.PortalMaxPhotos,
		MaxPhotoMB: core.MaxAttachmentSize >> 20}, nil
}

func (s *Server) handlePortalNewPage(w http.ResponseWriter, r *http.Request) {
	page, err := s.portalForm(r, nil)
	if err != nil {
		s.failPortal(w, r, err)
		return
	}
	s.renderPortal(w, r, http.StatusOK, "new", page)
}

// portalReceipt is the data of the page after a submission: the code,
// shown this once.
type portalReceipt struct {
	Code       string
	Number     string
	ReceivedAt time.Time
	Warning    string // a photo that could not be stored
}

func (s *Server) handlePortalSubmit(w http.ResponseWriter, r *http.Request) {
	if err := s.portalLimit(s.portal.submits, r); err != nil {
		s.failPortal(w, r, err)
		return
	}
	form, files, readErr := readPhotoForm(w, r, maxPortalForm, casework.PortalMaxPhotos)
	typed := map[string]string{}
	for _, k := range portalFormFields {
		typed[k] = form.Get(k)
	}
	page, err := s.portalForm(r, typed)
	if err != nil {
		s.failPortal(w, r, err)
		return
	}
	refuse := func(err error) {
		msg := core.ErrorMessage(err)
		var fe *core.FieldError
		if errors.As(err, &fe) && fe.Field != "" {
			field := fe.Field
			if field == "attachments" {
				field = "photos"
			}
			page.Errors[field] = msg
		} else {
			page.Error = msg
		}
		status := errorStatus(core.ErrorCode(err))
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			status = http.StatusRequestEntityTooLarge
		}
		s.renderPortal(w, r, status, "new", page)
	}
	if readErr != nil {
		refuse(readErr)
		return
	}
	p := s.portalUser(r)
	if p.User.ID != 0 {
		if err := checkCSRF(r, p); err != nil {
			refuse(err)
			return
		}
	}
	if form.Get(honeypotField) != "" {
		s.Log.Info("portal honeypot filled")
		refuse(core.Errorf(core.EINVALID, "提交未成功：表单中有一项不应填写的内容（可能是浏览器自动填充）。请刷新页面后重新填写"))
		return
	}
	if err := s.portal.challenges.check(form.Get("challenge"), form.Get("answer"), s.Clock.Now()); err != nil {
		refuse(err)
		return
	}
	rc, err := s.cases().PortalSubmit(r.Context(), casework.PortalSubmission{Text: form.Get("text"),
		Community: form.Get("community"), Address: form.Get("address"), Phone: form.Get("phone"),
		Contact: form.Get("contact"), Photos: files, Resident: p.User})
	receipt := portalReceipt{Code: rc.Code, Number: rc.Number, ReceivedAt: rc.ReceivedAt.In(s.Location)}
	if err != nil && rc.Code != "" {
		// The request stands, a photo could not be stored.
		s.Log.Error("portal photos", "err", err)
		receipt.Warning = "诉求已提交，但照片保存失败。如需补充照片，请拨打 12345 热线说明。"
		err = nil
	}
	if err != nil {
		if code := core.ErrorCode(err); code != core.EINVALID && code != core.EFORBIDDEN {
			s.failPortal(w, r, err)
			return
		}
		refuse(err)
		return
	}
	s.Log.Info("portal request", "ticket_number", rc.Number, "signed_in", p.User.ID != 0, "photos", len(files))
	s.renderPortal(w, r, http.StatusOK, "receipt", receipt)
}

// portalTrackPage is the data of /portal/track.
type portalTrackPage struct {
	Code  string
	Error string
}

func (s *Server) handlePortalTrackPage(w http.ResponseWriter, r *http.Request) {
	s.renderPortal(w, r, http.StatusOK, "track", portalTrackPage{})
}

// portalStatusPage is the data of a request's status.
type portalStatusPage struct {
	// Code is the code the resident typed, for the rating form; "" on
	// the resident's own list.
	Code   string
	Status casework.PortalStatus
	// Notice thanks for a rating; Error says why one was refused.
	Notice string
	Error  string
	Form   map[string]string
	// Satisfactions are the ratings offered.
	Satisfactions []string
}

// readSmallForm reads a URL-encoded or multipart form of at most 64 KiB.
func readSmallForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseMultipartForm(64 << 10); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return bodyError(err, 64<<10)
	}
	return nil
}

func (s *Server) handlePortalTrack(w http.ResponseWriter, r *http.Request) {
	if err := s.portalLimit(s.portal.tracks, r); err != nil {
		s.failPortal(w, r, err)
		return
	}
	if err := readSmallForm(w, r); err != nil {
		s.renderPortal(w, r, http.StatusBadRequest, "track", portalTrackPage{Error: core.ErrorMessage(err)})
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	st, err := s.cases().PortalTrack(r.Context(), code)
	if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EINVALID {
		s.renderPortal(w, r, errorStatus(code), "track", portalTrackPage{Code: r.PostFormValue("code"), Error: core.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.failPortal(w, r, err)
		return
	}
	s.renderPortal(w, r, http.StatusOK, "status", portalStatusPage{Code: code, Status: st, Form: map[string]string{},
		Satisfactions: core.Strings(core.Satisfactions)})
}

func (s *Server) handlePortalRate(w http.ResponseWriter, r *http.Request) {
	if err := s.portalLimit(s.portal.rates, r); err != nil {
		s.failPortal(w, r, err)
		return
	}
	if err := readSmallForm(w, r); err != nil {
		s.failPortal(w, r, err)
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	form := map[string]string{"satisfaction": r.PostFormValue("satisfaction"), "resolved": r.PostFormValue("resolved"),
		"comment": r.PostFormValue("comment")}
	rt := casework.PortalRating{Satisfaction: core.Satisfaction(form["satisfaction"]), Comment: form["comment"]}
	switch form["resolved"] {
	case "yes":
		rt.Resolved = ptrTo(true)
	case "no":
		rt.Resolved = ptrTo(false)
	}
	svc := s.cases()
	st, err := svc.PortalRate(r.Context(), code, rt)
	page := portalStatusPage{Code: code, Form: form, Satisfactions: core.Strings(core.Satisfactions)}
	switch c := core.ErrorCode(err); {
	case err == nil:
		page.Status, page.Notice = st, "感谢您的评价！您的意见已记入回访记录。"
		s.Log.Info("portal rating", "satisfaction", rt.Satisfaction)
		s.renderPortal(w, r, http.StatusOK, "status", page)
		return
	case c == core.ENOTFOUND:
		s.renderPortal(w, r, http.StatusNotFound, "track", portalTrackPage{Error: core.ErrorMessage(err)})
		return
	case c == core.EINVALID || c == core.ECONFLICT:
		cur, terr := svc.PortalTrack(r.Context(), code)
		if terr != nil {
			s.failPortal(w, r, terr)
			return
		}
		page.Status, page.Error = cur, core.ErrorMessage(err)
		s.renderPortal(w, r, errorStatus(c), "status", page)
		return
	}
	s.failPortal(w, r, err)
}

func ptrTo[T any](v T) *T { return &v }

// portalMinePage is the data of /portal/mine.
type portalMinePage struct {
	Requests []casework.PortalStatus
}

// handlePortalMine lists the signed-in resident's own requests; other
// accounts are refused (their way in is the workbench).
func (s *Server) handlePortalMine(w http.ResponseWriter, r *http.Request, p principal) {
	list, err := s.cases().PortalMine(r.Context(), p.User)
	if err != nil {
		s.failPortal(w, r, err)
		return
	}
	s.renderPortal(w, r, http.StatusOK, "mine", portalMinePage{Requests: list})
}

// portalAskPage is the data of /portal/ask: the public Q&A (/ask) in the
// portal's layout.
type portalAskPage struct {
	Q      string
	Err    string
	Asked  bool
	Answer answerJSON
}

func (s *Server) handlePortalAsk(w http.ResponseWriter, r *http.Request) {
	page := portalAskPage{Q: r.URL.Query().Get("q")}
	if strings.TrimSpace(page.Q) != "" {
		a, err := s.ask(r.Context(), principal{}, url.Values{"q": {page.Q}})
		switch {
		case core.ErrorCode(err) == core.EINVALID || core.ErrorCode(err) == core.ETOOMANY:
			page.Err = core.ErrorMessage(err)
		case err != nil:
			s.failPortal(w, r, err)
			return
		default:
			page.Asked, page.Answer = true, toAnswerJSON(a)
		}
	}
	s.renderPortal(w, r, http.StatusOK, "ask", page)
}
