package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jiceng/internal/core"
)

// transitionJSON is the body of POST /api/v1/tickets/{id}/transitions.
type transitionJSON struct {
	Action       string   `json:"action"`
	Note         string   `json:"note"`
	Unit         string   `json:"unit"`
	CoUnits      []string `json:"co_units"`
	Reply        string   `json:"reply"`
	Until        string   `json:"until"` // RFC 3339 or YYYY-MM-DD[ HH:MM]
	Resolved     *bool    `json:"resolved"`
	Satisfaction string   `json:"satisfaction"`
	MergeInto    string   `json:"merge_into"`
}

// workflowJSON is the API form of core.Workflow.
type workflowJSON struct {
	Status          string   `json:"status"`
	Actions         []string `json:"actions"` // what the signed-in user may do next
	DispatchedAt    *string  `json:"dispatched_at"`
	SignedAt        *string  `json:"signed_at"`
	ContactDeadline *string  `json:"contact_deadline"`
	Deadline        *string  `json:"deadline"`
	CoUnits         []string `json:"co_units"`
	ReturnedBy      []string `json:"returned_by"`
	Extension       string   `json:"extension"`
	ExtensionUntil  *string  `json:"extension_until"`
	ExtensionReason string   `json:"extension_reason"`
	Supervisions    int      `json:"supervisions"`
	MergedInto      string   `json:"merged_into"`
}

func (s *Server) toWorkflowJSON(t core.Ticket, w core.Workflow, actions []string) workflowJSON {
	return workflowJSON{
		Status: t.Status, Actions: orEmpty(actions),
		DispatchedAt: s.timeJSON(w.DispatchedAt), SignedAt: s.timeJSON(w.SignedAt),
		ContactDeadline: s.timeJSON(w.ContactDeadline), Deadline: s.timeJSON(t.Deadline),
		CoUnits: orEmpty(w.CoUnits), ReturnedBy: orEmpty(w.ReturnedBy), Extension: w.Extension,
		ExtensionUntil: s.timeJSON(w.ExtensionUntil), ExtensionReason: w.ExtensionReason,
		Supervisions: w.Supervisions, MergedInto: w.MergedInto,
	}
}

// maxBody bounds request bodies of the API.
const maxBody = 1 << 20

// transition runs tr on ticket id for user u (package casework decides
// whether u may) and logs it.
func (s *Server) transition(r *http.Request, id int64, u core.User, tr core.Transition) error {
	_, _, err := s.cases().Transition(r.Context(), u, id, tr)
	if err == nil {
		s.Log.Info("ticket transition", "ticket", id, "action", tr.Action, "user_id", u.ID)
	}
	return err
}

// parseUntil reads a deadline: RFC 3339, "YYYY-MM-DD HH:MM" or a date (the
// end of that day) in the server's zone.
func (s *Server) parseUntil(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, s.Location); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, s.Location); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	return time.Time{}, invalidParam("until", "延期时间格式不对，应为 2025-03-05、2025-03-05 17:30 或 2025-03-05T17:30:00+08:00 这样的时间")
}

func (s *Server) handleTransition(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	var in transitionJSON
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体不是合法的 JSON 流转请求（action、note、unit、co_units、reply、until、resolved、satisfaction、merge_into）"))
		return
	}
	until, err := s.parseUntil(in.Until)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr := core.Transition{Action: strings.TrimSpace(in.Action), Note: in.Note, Unit: strings.TrimSpace(in.Unit),
		CoUnits: in.CoUnits, Reply: in.Reply, Until: until, Resolved: in.Resolved,
		Satisfaction: core.Satisfaction(strings.TrimSpace(in.Satisfaction)), MergeInto: strings.TrimSpace(in.MergeInto)}
	if err := s.transition(r, id, p.User, tr); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeTicketDetail(w, r, id, p)
}

// writeTicketDetail answers with the ticket detail JSON, as GET would.
func (s *Server) writeTicketDetail(w http.ResponseWriter, r *http.Request, id int64, p principal) {
	s.writeTicketDetailStatus(w, r, id, p, http.StatusOK)
}

// writeTicketDetailStatus answers with the ticket detail JSON and status.
func (s *Server) writeTicketDetailStatus(w http.ResponseWriter, r *http.Request, id int64, p principal, status int) {
	v, err := s.ticketView(r, id, p.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := ticketDetailJSON{ticketJSON: s.toTicketJSON(v.Ticket), Events: make([]eventJSON, 0, len(v.Events))}
	for _, e := range v.Events {
		out.Events = append(out.Events, s.toEventJSON(e))
	}
	if v.HasPrediction {
		out.Prediction = s.toPredictionJSON(v.Ticket, v.Prediction, v.Stored)
	}
	if v.HasWorkflow {
		wf := s.toWorkflowJSON(v.Ticket, v.Workflow, v.Actions)
		out.Workflow = &wf
	}
	writeJSON(w, status, out)
}

// handleTransitionForm is the ticket page's form for a transition: on
// success it goes back to the ticket; on a refusal it shows the ticket with
// the message.
func (s *Server) handleTransitionForm(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketForm(w, r, p)
	if !ok {
		return
	}
	f := r.PostFormValue
	tr := core.Transition{Action: f("action"), Note: strings.TrimSpace(f("note")), Unit: strings.TrimSpace(f("unit")),
		Reply: strings.TrimSpace(f("reply")), Satisfaction: core.Satisfaction(f("satisfaction")), MergeInto: strings.TrimSpace(f("merge_into"))}
	if co := strings.FieldsFunc(f("co_units"), func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ' ' }); len(co) > 0 {
		tr.CoUnits = co
	}
	switch f("resolved") {
	case "是":
		b := true
		tr.Resolved = &b
	case "否":
		b := false
		tr.Resolved = &b
	}
	var err error
	if tr.Until, err = s.parseUntil(f("until")); err == nil {
		err = s.transition(r, id, p.User, tr)
	}
	if err != nil {
		code := core.ErrorCode(err)
		if code == core.EINTERNAL || code == "" {
			s.failPage(w, r, err) // logged there
			return
		}
		// Refused: the ticket again, with the reason.
		s.renderTicketPage(w, r, p, id, core.ErrorMessage(err), errorStatus(code))
		return
	}
	http.Redirect(w, r, "/tickets/"+r.PathValue("id")+"?done="+url.QueryEscape(tr.Action)+"#workflow", http.StatusSeeOther)
}

// workflowPanel is the 办理流转 panel of the ticket page.
type workflowPanel struct {
	Status          string
	Unit            string
	CoUnits         string
	DispatchedAt    string
	SignedAt        string
	ContactDeadline string
	Deadline        string
	ReturnedBy      string
	Extension       string // Chinese state with the time asked for
	ExtensionReason string
	Supervisions    int
	MergedInto      string
	Actions         []actionForm
	Units           []string // choices for 派单/改派
	Satisfactions   []string
	// Suggestions are the recommended units for 派单/改派, best first;
	// NeedsHuman says the recommender is not sure (人工分拨).
	Suggestions []suggestionJSON
	NeedsHuman  bool
}

// actionForm is one action the user may take, with the inputs it needs.
type actionForm struct {
	Action, Label                                    string
	NeedsUnit, NeedsReply, NeedsUntil, NeedsCallback bool
	NeedsMerge, NoteRequired                         bool
	NoteLabel                                        string
}

var extensionLabels = map[string]string{
	core.ExtensionPending: "待审批", core.ExtensionApproved: "已批准", core.ExtensionDenied: "已驳回",
}

func (s *Server) toWorkflowPanel(r *http.Request, u core.User, t core.Ticket, w core.Workflow, actions []string) *workflowPanel {
	wp := &workflowPanel{
		Status: t.Status, Unit: t.Unit, CoUnits: strings.Join(w.CoUnits, "、"),
		DispatchedAt: s.formatTime(w.DispatchedAt), SignedAt: s.formatTime(w.SignedAt),
		ContactDeadline: s.formatTime(w.ContactDeadline), Deadline: s.formatTime(t.Deadline),
		ReturnedBy: strings.Join(w.ReturnedBy, "、"), ExtensionReason: w.ExtensionReason,
		Supervisions: w.Supervisions, MergedInto: w.MergedInto, Satisfactions: core.Strings(core.Satisfactions),
	}
	if w.Extension != "" {
		wp.Extension = extensionLabels[w.Extension] + "，延至 " + s.formatTime(w.ExtensionUntil)
	}
	for _, a := range actions {
		f := actionForm{Action: a, Label: core.ActionLabel(a), NoteLabel: "备注"}
		switch a {
		case core.ActionDispatch, core.ActionRedispatch:
			f.NeedsUnit, f.NoteLabel = true, "派单说明"
		case core.ActionResolve, core.ActionAnswer:
			f.NeedsReply = true
		case core.ActionExtendRequest:
			f.NeedsUntil, f.NoteRequired, f.NoteLabel = true, true, "延期理由"
		case core.ActionCallback:
			f.NeedsCallback, f.NoteLabel = true, "回访记录"
		case core.ActionMerge:
			f.NeedsMerge, f.NoteLabel = true, "合并说明"
		case core.ActionReturn:
			f.NoteRequired, f.NoteLabel = true, "退单理由"
		case core.ActionSupervise:
			f.NoteRequired, f.NoteLabel = true, "督办意见"
		case core.ActionContact:
			f.NoteLabel = "联系情况"
		case core.ActionExtendDeny:
			f.NoteLabel = "驳回理由"
		case core.ActionReopen:
			f.NoteRequired, f.NoteLabel = true, "重办理由"
		}
		wp.Actions = append(wp.Actions, f)
		if f.NeedsUnit && wp.Suggestions == nil && s.Dispatch.Get() != nil {
			if raw, rw, err := s.cases().Raw(r.Context(), u, t.ID); err == nil {
				res, _ := s.suggest(r.Context(), raw, rw)
				d := toDispatchJSON(res)
				wp.Suggestions, wp.NeedsHuman = d.Suggestions, d.NeedsHuman
			}
		}
		if f.NeedsUnit && wp.Units == nil {
			if units, err := s.Store.Units(r.Context()); err == nil {
				for _, un := range units {
					wp.Units = append(wp.Units, un.Name)
				}
			}
		}
	}
	return wp
}

// ticketForm checks a form posted on the ticket page (size, the session's
// form token, p's access to the {id} ticket) and returns the ticket id;
// when it returns false it has answered with an error page.
func (s *Server) ticketForm(w http.ResponseWriter, r *http.Request, p principal) (int64, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return 0, false
	}
	return s.ticketRequest(w, r, p, true)
}

// ticketRequest checks that p may read tickets and reads the ticket id of
// the path; when it returns false it has answered the request, as a page
// or as JSON.
func (s *Server) ticketRequest(w http.ResponseWriter, r *http.Request, p principal, page bool) (int64, bool) {
	err := authorize(p)
	var id int64
	if err == nil {
		id, err = s.pathTicket(r)
	}
	switch {
	case err == nil:
		return id, true
	case page:
		s.failPage(w, r, err)
	default:
		s.fail(w, r, err)
	}
	return 0, false
}
