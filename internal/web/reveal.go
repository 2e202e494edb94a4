package web

import (
	"net/http"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// reveal records the reveal of ticket id's contact by u (a history event)
// and returns the contact in clear (package casework decides who may).
func (s *Server) reveal(r *http.Request, id int64, u core.User) (casework.Contact, error) {
	c, err := s.cases().Reveal(r.Context(), u, id)
	if err == nil {
		s.Log.Info("contact revealed", "ticket", id, "user_id", u.ID)
	}
	return c, err
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
	id, ok := s.ticketForm(w, r, p)
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
