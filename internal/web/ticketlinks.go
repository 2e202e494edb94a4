package web

import (
	"fmt"
	"net/http"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// ticketLinkJSON is a registry record a ticket links to, as the API gives
// it: the record masked for the user's role, why it is linked and how sure.
type ticketLinkJSON struct {
	Record     recordJSON `json:"record"`
	Reason     string     `json:"reason"`
	Confidence float64    `json:"confidence"`
}

// handleTicketRecords is GET /api/v1/tickets/{id}/records: the registry
// records (人口, 房屋, 企业) the ticket links to (关联基础数据). A ticket out of
// the user's scope answers as a missing one; a role that reads no records
// (a handler) is refused.
func (s *Server) handleTicketRecords(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	links, err := s.cases().TicketRecords(r.Context(), p.User, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]ticketLinkJSON, 0, len(links))
	for _, l := range links {
		out = append(out, ticketLinkJSON{Record: s.toRecordJSON(l.Record), Reason: l.Reason, Confidence: l.Confidence})
	}
	writeJSON(w, http.StatusOK, struct {
		Records []ticketLinkJSON `json:"records"`
	}{out})
}

// ticketLinkRow is a linked record as the ticket page's 关联基础数据 panel
// shows it (masked already).
type ticketLinkRow struct {
	ID                    int64
	Kind, Name, Community string
	Reason, Confidence    string
}

// ticketLinkRows are the ticket page's linked records; nil for a role that
// reads no records, or when the lookup fails (the page still shows the
// ticket; the error is logged by code, never a value).
func (s *Server) ticketLinkRows(r *http.Request, u core.User, id int64) []ticketLinkRow {
	if !casework.ReadsRecords(u.Role) {
		return nil
	}
	links, err := s.cases().TicketRecords(r.Context(), u, id)
	if err != nil {
		s.Log.Error("ticket records", "ticket", id, "err", core.ErrorCode(err))
		return nil
	}
	var out []ticketLinkRow
	for _, l := range links {
		out = append(out, ticketLinkRow{ID: l.Record.ID, Kind: fieldset.KindLabel[l.Record.Kind], Name: l.Record.Name(),
			Community: l.Record.Community, Reason: l.Reason, Confidence: fmt.Sprintf("%.0f%%", 100*l.Confidence)})
	}
	return out
}
