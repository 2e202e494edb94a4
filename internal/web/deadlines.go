package web

import (
	"net/http"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/workflow"
)

// defaultWarn is how long before a deadline a ticket shows as near.
const defaultWarn = 4 * time.Hour

// maxDue bounds the tickets a deadline list reads.
const maxDue = 500

// reminders returns the near and overdue limits of the tickets in u's
// scope, overdue first (see workflow.Engine.Reminders).
func (s *Server) reminders(r *http.Request, u core.User, warn time.Duration) ([]workflow.Reminder, error) {
	return s.cases().Reminders(r.Context(), u, warn, maxDue)
}

// parseWarn reads the warn parameter: a Go duration (4h, 30m) or whole
// days (2d); empty is defaultWarn.
func parseWarn(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return defaultWarn, nil
	}
	if d, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := time.ParseDuration(d + "h"); err == nil && n > 0 && n <= 30*time.Hour {
			return n * 24, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 && d <= 30*24*time.Hour {
		return d, nil
	}
	return 0, invalidParam("warn", "参数 warn 应为 1 小时到 30 天之间的时长，如 4h、90m、2d")
}

type reminderJSON struct {
	TicketID     int64   `json:"ticket_id"`
	Number       string  `json:"number"`
	Kind         string  `json:"kind"` // contact or resolve
	KindLabel    string  `json:"kind_label"`
	Due          *string `json:"due"`
	Overdue      bool    `json:"overdue"`
	LeftMinutes  int     `json:"left_minutes"` // negative when overdue
	Urgency      string  `json:"urgency"`
	Unit         string  `json:"unit"`
	Community    string  `json:"community"`
	Category     string  `json:"category"`
	Supervisions int     `json:"supervisions"`
	Text         string  `json:"text"`
}

func (s *Server) toReminderJSON(m workflow.Reminder) reminderJSON {
	return reminderJSON{TicketID: m.TicketID, Number: m.Number, Kind: m.Kind, KindLabel: workflow.KindLabels[m.Kind],
		Due: s.timeJSON(m.Due), Overdue: m.Overdue, LeftMinutes: int(m.Left / time.Minute), Urgency: string(m.Urgency),
		Unit: m.Unit, Community: m.Community, Category: m.Category, Supervisions: m.Supervisions, Text: m.Text}
}

func (s *Server) handleDeadlines(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.fail(w, r, err)
		return
	}
	warn, err := parseWarn(r.URL.Query().Get("warn"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.reminders(r, p.User, warn)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		WarnHours float64        `json:"warn_hours"`
		Overdue   int            `json:"overdue"`
		Near      int            `json:"near"`
		Items     []reminderJSON `json:"items"`
	}{WarnHours: warn.Hours(), Items: []reminderJSON{}}
	for _, m := range ms {
		if m.Overdue {
			out.Overdue++
		} else {
			out.Near++
		}
		out.Items = append(out.Items, s.toReminderJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// workbenchPage is the data of /workbench (待办提醒).
type workbenchPage struct {
	Warn          string
	WarnChoices   []choice
	Overdue, Near []reminderRow
	Queue         []queueRow // 待派单, for the dispatch desk
	Desk          bool       // the user dispatches (admin, staff)
}

type reminderRow struct {
	TicketID                               int64
	Number, Kind, Due, Left, Urgency, Unit string
	Community, Category                    string
	Supervisions                           int
}

func (s *Server) handleWorkbenchPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	warnText := r.URL.Query().Get("warn")
	warn, err := parseWarn(warnText)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	ms, err := s.reminders(r, p.User, warn)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := workbenchPage{Warn: warnText, Desk: p.User.Role == core.RoleAdmin || p.User.Role == core.RoleStaff,
		WarnChoices: warnChoices}
	if page.Queue, err = s.dispatchQueue(r, p.User); err != nil {
		s.failPage(w, r, err)
		return
	}
	if page.Warn == "" {
		page.Warn = "4h"
	}
	for _, m := range ms {
		left := workflow.FormatDuration(m.Left)
		if m.Overdue {
			left = "已超时 " + workflow.FormatDuration(-m.Left)
		}
		row := reminderRow{TicketID: m.TicketID, Number: m.Number, Kind: workflow.KindLabels[m.Kind],
			Due: s.formatTime(m.Due), Left: left, Urgency: string(m.Urgency), Unit: m.Unit, Community: m.Community,
			Category: m.Category, Supervisions: m.Supervisions}
		if m.Overdue {
			page.Overdue = append(page.Overdue, row)
		} else {
			page.Near = append(page.Near, row)
		}
	}
	s.render(w, r, http.StatusOK, "workbench", p, page)
}

// queueRow is a ticket waiting to be dispatched, with the recommendation.
type queueRow struct {
	TicketID                          int64
	Number, ReceivedAt, Title, Status string
	Community, Category               string
	Suggestion, Reason                string
	Confidence                        string
	NeedsHuman                        bool
}

// maxQueue bounds the dispatch queue shown on the workbench.
const maxQueue = 50

// dispatchQueue lists the tickets waiting for a unit (受理, 退单), newest
// first, with the recommended unit; those the recommender is not sure of
// are marked for a human (人工分拨).
func (s *Server) dispatchQueue(r *http.Request, u core.User) ([]queueRow, error) {
	if u.Role != core.RoleAdmin && u.Role != core.RoleStaff {
		return nil, nil
	}
	var rows []queueRow
	for _, status := range []string{core.StatusReceived, core.StatusReturned} {
		// The recommender reads the text: the raw tickets; the row shows
		// the masked title.
		ts, _, err := s.cases().RawList(r.Context(), u, core.TicketFilter{Status: status, Limit: maxQueue})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			row := queueRow{TicketID: t.ID, Number: t.Number, ReceivedAt: s.formatTime(t.ReceivedAt),
				Status: t.Status, Community: t.Community,
				Category: t.CategoryPath()}
			var w core.Workflow
			if ws, ok := s.Store.(core.WorkflowStore); ok {
				if w, err = ws.Workflow(r.Context(), t.ID); err != nil {
					return nil, err
				}
			}
			if res, ok := s.suggest(r.Context(), t, w); ok {
				row.NeedsHuman = res.NeedsHuman
				if len(res.Suggestions) > 0 {
					sg := res.Suggestions[0]
					row.Suggestion, row.Reason, row.Confidence = sg.Unit, sg.Reason, percent(sg.Confidence)
				}
			}
			row.Title = ticketTitle(s.cases().MaskTicket(u.Role, t))
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// choice is an option of a select: the value sent and the Chinese label.
type choice struct{ Value, Label string }

// warnChoices are the lead times of the 临期 list.
var warnChoices = []choice{{"2h", "2 小时"}, {"4h", "4 小时"}, {"8h", "8 小时"}, {"24h", "1 天"}, {"2d", "2 天"}}
