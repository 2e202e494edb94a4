package web

import (
	"net/http"
	"slices"

	"jiceng/internal/core"
)

// The handling unit must call the caller within the contact limit, but its
// roles see the phone masked (135****7748). A handler or community worker
// of the lead unit may reveal the caller's name and phone of an open
// ticket; every reveal is a history event (who, when) and a log line, and
// the clear values are shown in that answer only, never stored in a page
// or a session.

// contactJSON is the answer of a reveal.
type contactJSON struct {
	CallerName  string `json:"caller_name"`
	CallerPhone string `json:"caller_phone"`
}

// mayReveal reports whether u, working in sc, may reveal the contact of t:
// a masked role of the lead unit while the ticket is open.
func mayReveal(u core.User, sc scope, t core.Ticket) bool {
	return (u.Role == core.RoleHandler || u.Role == core.RoleCommunity) && !sc.None && sc.Unit != "" &&
		t.Unit == sc.Unit && slices.Contains(core.OpenStatuses, t.Status)
}

// reveal records the reveal of ticket id's contact by u and returns the
// contact in clear.
func (s *Server) reveal(r *http.Request, id int64, u core.User) (contactJSON, error) {
	ws, ok := s.Store.(core.WorkflowStore)
	if !ok {
		return contactJSON{}, core.Errorf(core.EINVALID, "当前数据库不支持查看联系方式的记录")
	}
	if u.Role != core.RoleHandler && u.Role != core.RoleCommunity {
		return contactJSON{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无需查看联系方式", core.RoleLabels[u.Role])
	}
	sc, err := s.userScope(r.Context(), u)
	if err != nil {
		return contactJSON{}, err
	}
	tr := core.Transition{Action: core.EventReveal, Actor: u.Username, At: s.Clock.Now().In(s.Location),
		Note: "为先行联系查看来电人姓名和电话"}
	t, _, err := ws.Transition(r.Context(), id, tr, func(t *core.Ticket, w *core.Workflow) error {
		if !sc.sees(*t, *w) {
			return errNoTicket
		}
		if !mayReveal(u, sc, *t) {
			return core.Errorf(core.EFORBIDDEN, "只有主办单位可在工单办结前查看联系方式")
		}
		return nil
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		err = errNoTicket
	}
	if err != nil {
		return contactJSON{}, err
	}
	s.Log.Info("contact revealed", "ticket", id, "user_id", u.ID)
	return contactJSON{CallerName: t.CallerName, CallerPhone: t.CallerPhone}, nil
}

// handleReveal answers POST /api/v1/tickets/{id}/reveal.
func (s *Server) handleReveal(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	c, err := s.reveal(r, id, p.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// handleRevealForm is the ticket page's 查看联系方式 button: the page again,
// with the contact in clear.
func (s *Server) handleRevealForm(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	id, ok := s.ticketRequest(w, r, p, true)
	if !ok {
		return
	}
	c, err := s.reveal(r, id, p.User)
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
