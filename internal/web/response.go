package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// errorStatus maps an application error code to its HTTP status. It is the
// only place where that mapping lives.
func errorStatus(code string) int {
	switch code {
	case core.EINVALID:
		return http.StatusBadRequest
	case core.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case core.EFORBIDDEN:
		return http.StatusForbidden
	case core.ENOTFOUND:
		return http.StatusNotFound
	case core.ECONFLICT:
		return http.StatusConflict
	case core.ETOOMANY:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// invalidParam returns an EINVALID error about request parameter field.
// The message must not quote the parameter's value: it may be personal data.
func invalidParam(field, format string, args ...any) error {
	return core.InvalidField(field, format, args...)
}

// errorBody is the JSON shape of every API error:
// {"error":{"code":"invalid","message":"参数 from 不是合法日期","field":"from"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own response types reach here; a failure is a bug.
		http.Error(w, `{"error":{"code":"internal","message":"内部错误"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// fail writes err as a JSON error. Internal errors are logged with their
// detail and shown with a generic message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	s.logFailure(r, code, err)
	d := errorDetail{Code: code, Message: core.ErrorMessage(err)}
	var pe *core.FieldError
	if errors.As(err, &pe) {
		d.Field = pe.Field
	}
	setRetryAfter(w, err)
	if code == core.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Basic realm="jiceng", charset="UTF-8"`)
	}
	writeJSON(w, errorStatus(code), errorBody{Error: d})
}

// logFailure logs internal errors in full (errors from storage name columns
// and operations, never values) and others at debug level.
func (s *Server) logFailure(r *http.Request, code string, err error) {
	if code == core.EINTERNAL {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	s.Log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "code", code)
}

// pathTicket resolves the {id} path value to a ticket ID: an internal id,
// or the ticket number staff read on the phone (QHW2501050001). It never
// answers "missing" itself: a value it cannot resolve gives an ID no ticket
// has, so that the caller's permission checks come first and a missing
// ticket answers exactly as one outside the user's scope.
func (s *Server) pathTicket(r *http.Request) (int64, error) {
	const none = -1
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err == nil && id > 0 {
		_, err := s.Store.Ticket(r.Context(), id)
		if core.ErrorCode(err) != core.ENOTFOUND {
			return id, err
		}
	} else {
		id = none
	}
	if !casework.LooksLikeNumber(v) {
		return id, nil
	}
	t, err := s.Store.TicketByNumber(r.Context(), v)
	switch core.ErrorCode(err) {
	case "":
		return t.ID, nil
	case core.ENOTFOUND:
		return id, nil
	}
	return 0, err
}
