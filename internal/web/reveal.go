package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// revealJSON is the body of POST /api/v1/tickets/{id}/reveal:
// {"fields": ["caller_phone"], "reason": "先行联系来电人"}.
type revealJSON struct {
	Fields []string `json:"fields"`
	Reason string   `json:"reason"`
}

// maxRevealBody bounds a reveal's body: a few field names and a reason.
const maxRevealBody = 8 << 10

// parseReveal reads a reveal request from a JSON body. Unknown keys and
// anything after the object are refused; what the fields and the reason
// may be is casework's to check.
func parseReveal(body []byte) (casework.RevealRequest, error) {
	var j revealJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	bad := core.Errorf(core.EINVALID, `请求体应为 JSON 对象：{"fields": ["caller_phone"], "reason": "查看原因"}`)
	if err := dec.Decode(&j); err != nil {
		return casework.RevealRequest{}, bad
	}
	if _, err := dec.Token(); err != io.EOF {
		return casework.RevealRequest{}, bad
	}
	return casework.RevealRequest{Fields: j.Fields, Reason: j.Reason}, nil
}

// reveal shows u the fields req asks for of ticket id, in clear (package
// casework decides who may, records the reveal in the history and the
// audit log).
func (s *Server) reveal(r *http.Request, id int64, u core.User, req casework.RevealRequest) (casework.Contact, error) {
	req.Address = clientAddress(r)
	c, err := s.cases().Reveal(r.Context(), u, id, req)
	if err == nil {
		s.Log.Info("fields revealed", "ticket", id, "user_id", u.ID, "fields", len(c.Fields))
	}
	return c, err
}

// handleReveal answers POST /api/v1/tickets/{id}/reveal.
func (s *Server) handleReveal(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRevealBody+1))
	if err != nil || len(body) > maxRevealBody {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体过大"))
		return
	}
	req, err := parseReveal(body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.reveal(r, id, p.User, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// handleRevealForm is the ticket page's 查看完整信息 form (the fields, the
// reason): the page again, with the fields in clear.
func (s *Server) handleRevealForm(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketForm(w, r, p)
	if !ok {
		return
	}
	req := casework.RevealRequest{Fields: r.PostForm["field"], Reason: r.PostFormValue("reason")}
	c, err := s.reveal(r, id, p.User, req)
	if err != nil {
		if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EINTERNAL {
			s.failPage(w, r, err)
			return
		}
		s.renderTicketPage(w, r, p, id, core.ErrorMessage(err), errorStatus(core.ErrorCode(err)))
		return
	}
	s.renderTicketPageWith(w, r, p, id, "", http.StatusOK, &c, "")
}

// revealedRow is a field of a reveal as the ticket page shows it; a
// phone is a link to call.
type revealedRow struct {
	Label string
	Value string
	Phone bool
}

// revealedRows are the fields of a reveal as the ticket page shows them.
func revealedRows(s *Server, c *casework.Contact) []revealedRow {
	var rows []revealedRow
	for _, f := range c.Fields {
		var v string
		switch f {
		case "caller_name":
			v = c.CallerName
		case "caller_phone":
			v = c.CallerPhone
		case "caller_id":
			v = c.CallerID
		case "address":
			v = c.Address
		}
		rows = append(rows, revealedRow{Label: s.fieldLabel(f), Value: v, Phone: f == "caller_phone"})
	}
	return rows
}
