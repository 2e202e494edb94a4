package web

import (
	"bytes"
	"context"
	"errors"
	"mime"
	"net/http"
	"os"
	"sync"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/open311"
	"jiceng/internal/taxonomy"
)

// The Open311 GeoReport v2 server (http://wiki.open311.org/GeoReport_v2/)
// under /open311: discovery, the service list and definitions from the
// open311 setting (or, without one, from the taxonomy), POST requests with
// an Open311 API key, GET requests and tokens; XML (which the
// specification requires) and JSON by the path's extension. Reads are
// public and answer only tickets that came in through Open311, masked
// with the resident role (package casework decides); a POST needs a key
// of the open311 purpose.

// open311State is the server's Open311 state, made at the first use.
type open311State struct {
	once   sync.Once
	tokens *open311.Sealer

	mu  sync.Mutex
	cfg open311.Config
	at  time.Time // when cfg was read; zero: read again
}

// open311Fresh is how long the service list is used before it is read
// again (a taxonomy change shows within it; an open311 setting change at
// once).
const open311Fresh = 30 * time.Second

// maxOpen311Body bounds a POSTed request's form.
const maxOpen311Body = 1 << 20

func (s *Server) open311() *open311State {
	st := &s.open311State
	st.once.Do(func() {
		key := s.Open311TokenKey
		if key == nil {
			key = []byte(os.Getenv("JICENG_OPEN311_TOKEN_KEY"))
		}
		st.tokens = open311.NewSealer(key)
	})
	return st
}

// open311Config returns the service list in force: the open311 setting,
// or one service per second-level category of the taxonomy.
func (s *Server) open311Config(ctx context.Context) (open311.Config, error) {
	st := s.open311()
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	if st.cfg != nil && now.Sub(st.at) < open311Fresh {
		return st.cfg, nil
	}
	cfg, err := s.readOpen311Config(ctx)
	if err != nil {
		return nil, err
	}
	st.cfg, st.at = cfg, now
	return cfg, nil
}

// open311Categories is the taxonomy in force (the built-in one when the
// store has none).
func (s *Server) open311Categories(ctx context.Context) ([]core.Category, error) {
	cats, err := s.Store.Categories(ctx)
	if err == nil && len(cats) == 0 {
		cats = taxonomy.Default()
	}
	return cats, err
}

func (s *Server) readOpen311Config(ctx context.Context) (open311.Config, error) {
	cats, err := s.open311Categories(ctx)
	if err != nil {
		return nil, err
	}
	if ss, ok := s.Store.(core.SettingStore); ok {
		content, version, err := ss.Setting(ctx, core.SettingOpen311)
		switch core.ErrorCode(err) {
		case "":
			// A stored list is checked against the taxonomy as it was
			// uploaded; a category removed since keeps its service.
			sv, _, err := ss.SettingVersion(ctx, core.SettingOpen311, version)
			if err != nil {
				return nil, err
			}
			rows, err := readRows(content, sv.Source)
			if err != nil {
				return nil, err
			}
			return open311.ReadConfigRows(rows, nil)
		case core.ENOTFOUND:
		default:
			return nil, err
		}
	}
	return open311.DefaultConfig(cats), nil
}

// open311Doc handles a route of the server: fn answers the document of
// the path segment's name; an error is the specification's error
// document, in the path's format (XML when the path has none).
func (s *Server) open311Doc(segment func(r *http.Request) string, fn func(w http.ResponseWriter, r *http.Request, name, format string) (int, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, format, ok := open311.SplitFormat(segment(r))
		if !ok {
			s.open311Fail(w, r, open311.XML, open311.Errorf(http.StatusNotFound, "unknown resource: paths end in .xml or .json"))
			return
		}
		if err := s.open311Jurisdiction(r); err != nil {
			s.open311Fail(w, r, format, err)
			return
		}
		status, doc, err := fn(w, r, name, format)
		if err != nil {
			s.open311Fail(w, r, format, err)
			return
		}
		s.open311Write(w, format, status, doc)
	}
}

// fixedSegment is the segment of a route without a wildcard.
func fixedSegment(seg string) func(*http.Request) string {
	return func(*http.Request) string { return seg }
}

func fileSegment(r *http.Request) string { return r.PathValue("file") }

// open311Jurisdiction checks jurisdiction_id: any (or none) when the
// server names none, else the server's.
func (s *Server) open311Jurisdiction(r *http.Request) error {
	j := r.URL.Query().Get("jurisdiction_id")
	if r.Method == http.MethodPost {
		j = r.FormValue("jurisdiction_id")
	}
	if s.Open311Jurisdiction != "" && j != "" && j != s.Open311Jurisdiction {
		return open311.Errorf(http.StatusNotFound, "jurisdiction_id not found")
	}
	return nil
}

func (s *Server) open311Write(w http.ResponseWriter, format string, status int, doc any) {
	var b bytes.Buffer
	if err := open311.Encode(&b, format, doc); err != nil {
		// Only the package's own documents reach here: a failure is a bug.
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", open311.ContentType(format))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// open311Fail writes err as the specification's error document: an
// open311.Error as it is, an application error by its code (its message
// is safe to show), anything else as a 500 with a generic description.
func (s *Server) open311Fail(w http.ResponseWriter, r *http.Request, format string, err error) {
	var oe *open311.Error
	if !errors.As(err, &oe) {
		code := core.ErrorCode(err)
		s.logFailure(r, code, err)
		status := errorStatus(code)
		desc := core.ErrorMessage(err)
		if status == http.StatusInternalServerError {
			desc = "internal error"
		}
		oe = &open311.Error{Code: status, Description: desc}
	} else {
		s.Log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "code", oe.Code)
	}
	if oe.Code == http.StatusTooManyRequests {
		setRetryAfter(w, err)
	}
	s.open311Write(w, format, oe.Code, open311.Errors{Errors: []open311.Error{*oe}})
}

func (s *Server) handleOpen311Discovery(w http.ResponseWriter, r *http.Request, name, format string) (int, any, error) {
	if name != "discovery" {
		return 0, nil, open311.Errorf(http.StatusNotFound, "unknown resource")
	}
	scheme := "http"
	if s.HTTPS || r.TLS != nil {
		scheme = "https"
	}
	changeset := open311Changeset
	if ss, ok := s.Store.(core.SettingStore); ok {
		if vs, err := ss.SettingVersions(r.Context(), core.SettingOpen311, 1); err == nil && len(vs) > 0 {
			changeset = vs[0].AppliedAt
		}
	}
	cs := open311.Time(changeset, s.Location)
	return http.StatusOK, open311.Discovery{Changeset: cs, Contact: "街道接诉即办（12345）工作台",
		KeyService: "向街道数据管理员申请 Open311 用途的 API 密钥",
		Endpoints: []open311.Endpoint{{Specification: open311.Specification, URL: scheme + "://" + r.Host + "/open311/v2",
			Changeset: cs, Type: "production", Formats: []string{"text/xml", "application/json"}}}}, nil
}

// open311Changeset is the discovery's changeset while the street has no
// open311 setting: the day this server's Open311 interface was written.
var open311Changeset = time.Date(2026, 12, 7, 0, 0, 0, 0, core.StreetTime)

func (s *Server) handleOpen311Services(w http.ResponseWriter, r *http.Request, name, format string) (int, any, error) {
	cfg, err := s.open311Config(r.Context())
	if err != nil {
		return 0, nil, err
	}
	doc := open311.Services{Services: make([]open311.Service, len(cfg))}
	for i, d := range cfg {
		doc.Services[i] = d.Service()
	}
	return http.StatusOK, doc, nil
}

func (s *Server) handleOpen311Definition(w http.ResponseWriter, r *http.Request, code, format string) (int, any, error) {
	cfg, err := s.open311Config(r.Context())
	if err != nil {
		return 0, nil, err
	}
	d, ok := cfg.Service(code)
	if !ok {
		return 0, nil, open311.Errorf(http.StatusNotFound, "service_code not found")
	}
	return http.StatusOK, d.Definition(), nil
}

func (s *Server) handleOpen311Requests(w http.ResponseWriter, r *http.Request, name, format string) (int, any, error) {
	f, err := open311.ParseFilter(r.URL.Query(), s.Clock.Now(), s.Location)
	if err != nil {
		return 0, nil, err
	}
	cfg, err := s.open311Config(r.Context())
	if err != nil {
		return 0, nil, err
	}
	reqs, err := s.cases().Open311Requests(r.Context(), cfg, f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, open311.Requests{Requests: reqs}, nil
}

func (s *Server) handleOpen311Request(w http.ResponseWriter, r *http.Request, id, format string) (int, any, error) {
	cfg, err := s.open311Config(r.Context())
	if err != nil {
		return 0, nil, err
	}
	req, err := s.cases().Open311Request(r.Context(), cfg, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return 0, nil, open311.Errorf(http.StatusNotFound, "service_request_id not found")
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, open311.Requests{Requests: []open311.Request{req}}, nil
}

func (s *Server) handleOpen311Token(w http.ResponseWriter, r *http.Request, token, format string) (int, any, error) {
	id, err := s.open311().tokens.Open(token)
	if err != nil {
		return 0, nil, open311.Errorf(http.StatusNotFound, "token not found")
	}
	return http.StatusOK, open311.Tokens{Requests: []open311.Token{{ServiceRequestID: id, Token: token}}}, nil
}

// handleOpen311Create answers POST requests: the form (application/
// x-www-form-urlencoded) of a request with an api_key of the open311
// purpose, taken in as a ticket (casework.Service.CreateOpen311). It
// answers the ticket's number as service_request_id and a token for it.
// Every use of a key, refused or not, goes into the key's usage log.
func (s *Server) handleOpen311Create(w http.ResponseWriter, r *http.Request, name, format string) (int, any, error) {
	if name != "requests" {
		return 0, nil, open311.Errorf(http.StatusNotFound, "unknown resource")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return 0, nil, open311.Errorf(http.StatusBadRequest, "the request must be form-encoded (application/x-www-form-urlencoded)")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxOpen311Body)
	if err := r.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return 0, nil, open311.Errorf(http.StatusRequestEntityTooLarge, "the request is larger than %d MB", maxOpen311Body>>20)
		}
		return 0, nil, open311.Errorf(http.StatusBadRequest, "the form cannot be read")
	}
	svc := s.cases()
	key, err := svc.Open311Client(r.Context(), r.Form.Get("api_key"))
	if err != nil {
		return 0, nil, err
	}
	status, doc, err := s.open311Take(r, svc, key)
	logged := status
	if err != nil {
		logged = open311Status(err)
	}
	number, rows := "", 0
	if l, ok := doc.(open311.CreatedList); ok && len(l.Requests) > 0 {
		number, rows = l.Requests[0].ServiceRequestID, 1
	}
	if ks, ok := s.Store.(core.APIKeyStore); ok {
		if lerr := ks.LogAPIUse(context.WithoutCancel(r.Context()), core.APIUse{KeyID: key.ID, At: s.Clock.Now(), Method: r.Method,
			Path: r.URL.Path, Status: logged, Rows: rows, Ticket: number}); lerr != nil {
			s.Log.Error("api use not logged", "key", key.ID, "err", lerr)
		}
	}
	return status, doc, err
}

func (s *Server) open311Take(r *http.Request, svc *casework.Service, key core.APIKey) (int, any, error) {
	c, err := open311.ParseCreate(r.Form)
	if err != nil {
		return 0, nil, err
	}
	cfg, err := s.open311Config(r.Context())
	if err != nil {
		return 0, nil, err
	}
	t, err := svc.CreateOpen311(r.Context(), key, cfg, c)
	if err != nil {
		return 0, nil, err
	}
	s.Log.Info("ticket created", "ticket", t.ID, "channel", t.Channel, "api_key", key.ID, "via", "open311")
	return http.StatusOK, open311.CreatedList{Requests: []open311.Created{{ServiceRequestID: t.Number,
		Token:         s.open311().tokens.Seal(t.Number),
		ServiceNotice: "已受理，工单编号 " + t.Number + "；办理进度请按 service_request_id 查询"}}}, nil
}

// open311Status is the HTTP status an error answers.
func open311Status(err error) int {
	var oe *open311.Error
	if errors.As(err, &oe) {
		return oe.Code
	}
	return errorStatus(core.ErrorCode(err))
}

// The open311 setting is kept like a registry setting (settings.go): its
// download is the list in force written as a table — without an upload,
// the list made from the street's own taxonomy, which no built-in file
// could be.

// parseOpen311Config reads an uploaded open311 setting (CSV or XLSX),
// checking its paths against the taxonomy in force.
func parseOpen311Config(s *Server, ctx context.Context, content []byte, file string) (any, error) {
	cats, err := s.open311Categories(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := readRows(content, file)
	if err != nil {
		return nil, err
	}
	return open311.ReadConfigRows(rows, cats)
}

func currentOpen311(s *Server, ctx context.Context) (any, error) { return s.readOpen311Config(ctx) }

// applyOpen311 puts the new list in force at once (it is stored as the
// setting's version right after).
func applyOpen311(s *Server, _ context.Context, v any) error {
	st := s.open311()
	st.mu.Lock()
	st.cfg, st.at = v.(open311.Config), time.Now()
	st.mu.Unlock()
	return nil
}

func open311Table(v any) settingTable {
	t := settingTable{Columns: open311.ConfigColumns}
	for _, d := range v.(open311.Config) {
		t.Rows = append(t.Rows, open311.ConfigRow(d))
	}
	return t
}
