package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// filterParams are the query parameters a ticket list accepts.
var filterParams = map[string]bool{
	"from": true, "to": true, "status": true, "category1": true, "category2": true, "category3": true,
	"unit": true, "community": true, "intent": true, "channel": true, "q": true,
	"page": true, "offset": true, "limit": true,
}

const maxKeywordRunes = 100

// parseFilter reads a ticket filter from query parameters. Dates are
// YYYY-MM-DD (in loc) or RFC 3339; a date "to" includes that whole day, an
// RFC 3339 "to" is exclusive. Paging is either offset or page (1-based),
// with limit 1..core.MaxLimit (default core.DefaultLimit). Empty values do
// not filter; unknown parameters are refused, to catch typos.
func parseFilter(q url.Values, loc *time.Location) (core.TicketFilter, error) {
	var f core.TicketFilter
	for k := range q {
		if !filterParams[k] {
			// k is a parameter name the client chose, not a value: safe to echo,
			// but bounded in length.
			if utf8.RuneCountInString(k) > 40 {
				k = string([]rune(k)[:40])
			}
			return f, invalidParam(k, "未知参数 %s", k)
		}
		if len(q[k]) > 1 {
			return f, invalidParam(k, "参数 %s 重复", k)
		}
	}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }

	var err error
	if v := get("from"); v != "" {
		if f.From, _, err = parseTime(v, loc); err != nil {
			return f, invalidParam("from", "参数 from 不是合法日期，应为 2025-03-05 这样的日期，或 2025-03-05T08:30:00+08:00 这样带时区的时间")
		}
	}
	if v := get("to"); v != "" {
		var dateOnly bool
		if f.To, dateOnly, err = parseTime(v, loc); err != nil {
			return f, invalidParam("to", "参数 to 不是合法日期，应为 2025-03-05 这样的日期，或 2025-03-05T08:30:00+08:00 这样带时区的时间")
		}
		if dateOnly {
			f.To = f.To.AddDate(0, 0, 1)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, invalidParam("to", "参数 to 应晚于 from")
	}

	var intent, channel string
	enums := []struct {
		name    string
		dst     *string
		allowed []string
	}{
		{"status", &f.Status, core.Statuses},
		{"intent", &intent, core.Strings(core.Intents)},
		{"channel", &channel, core.Strings(core.Channels)},
	}
	for _, e := range enums {
		v := get(e.name)
		if v != "" && !contains(e.allowed, v) {
			return f, invalidParam(e.name, "参数 %s 应为以下之一: %s", e.name, strings.Join(e.allowed, "、"))
		}
		*e.dst = v
	}
	f.Intent, f.Channel = core.Intent(intent), core.Channel(channel)

	texts := []struct {
		name string
		dst  *string
	}{
		{"category1", &f.Category1}, {"category2", &f.Category2}, {"category3", &f.Category3},
		{"unit", &f.Unit}, {"community", &f.Community}, {"q", &f.Keyword},
	}
	for _, t := range texts {
		v := get(t.name)
		if utf8.RuneCountInString(v) > maxKeywordRunes {
			return f, invalidParam(t.name, "参数 %s 过长（最多 %d 个字）", t.name, maxKeywordRunes)
		}
		if !utf8.ValidString(v) {
			return f, invalidParam(t.name, "参数 %s 不是合法的 UTF-8 文本", t.name)
		}
		*t.dst = v
	}

	f.Limit, f.Offset, err = parsePaging(get)
	return f, err
}

// parsePaging reads the paging parameters of a list: limit (1 to
// core.MaxLimit, default core.DefaultLimit) and either offset or page.
func parsePaging(get func(string) string) (limit, offset int, err error) {
	limit = core.DefaultLimit
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > core.MaxLimit {
			return 0, 0, invalidParam("limit", "参数 limit 应为 1 到 %d 之间的整数", core.MaxLimit)
		}
		limit = n
	}
	off, page := get("offset"), get("page")
	switch {
	case off != "" && page != "":
		return 0, 0, invalidParam("page", "参数 page 与 offset 只能给出一个")
	case off != "":
		n, err := strconv.Atoi(off)
		if err != nil || n < 0 {
			return 0, 0, invalidParam("offset", "参数 offset 应为非负整数")
		}
		offset = n
	case page != "":
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 || n > 1_000_000 {
			return 0, 0, invalidParam("page", "参数 page 应为正整数")
		}
		offset = (n - 1) * limit
	}
	return limit, offset, nil
}

// parseTime parses a date (YYYY-MM-DD, in loc) or an RFC 3339 time and
// reports whether it was a date only.
func parseTime(v string, loc *time.Location) (time.Time, bool, error) {
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return t, true, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, false, err
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ticketJSON is the API form of a ticket. Field names are the field set's
// names (internal/fieldset/tickets.csv). Absent times are null.
type ticketJSON struct {
	ID           int64             `json:"id"`
	Number       string            `json:"number"`
	Channel      string            `json:"channel"`
	ReceivedAt   *string           `json:"received_at"`
	CallerName   string            `json:"caller_name"`
	CallerPhone  string            `json:"caller_phone"`
	CallerID     string            `json:"caller_id"`
	Address      string            `json:"address"`
	Street       string            `json:"street"`
	Community    string            `json:"community"`
	Grid         string            `json:"grid"`
	Lng          *float64          `json:"lng"`
	Lat          *float64          `json:"lat"`
	Title        string            `json:"title"`
	Content      string            `json:"content"`
	Category1    string            `json:"category1"`
	Category2    string            `json:"category2"`
	Category3    string            `json:"category3"`
	Intent       string            `json:"intent"`
	Urgency      string            `json:"urgency"`
	Unit         string            `json:"unit"`
	Status       string            `json:"status"`
	Deadline     *string           `json:"deadline"`
	ContactedAt  *string           `json:"contacted_at"`
	ResolvedAt   *string           `json:"resolved_at"`
	Reply        string            `json:"reply"`
	Resolved     *bool             `json:"resolved"`
	Satisfaction string            `json:"satisfaction"`
	CallbackAt   *string           `json:"callback_at"`
	Tags         []string          `json:"tags"`
	SourceFile   string            `json:"source_file"`
	SourceRow    int               `json:"source_row"`
	Extra        map[string]string `json:"extra"`
	Flags        []string          `json:"flags"`
	CreatedAt    *string           `json:"created_at"`
	UpdatedAt    *string           `json:"updated_at"`
}

type eventJSON struct {
	ID      int64        `json:"id"`
	At      *string      `json:"at"`
	Actor   string       `json:"actor"`
	Action  string       `json:"action"`
	Note    string       `json:"note"`
	Changes []changeJSON `json:"changes"`
}

type changeJSON struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type ticketListJSON struct {
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
	Items  []ticketJSON `json:"items"`
}

type ticketDetailJSON struct {
	ticketJSON
	Events []eventJSON `json:"events"`
	// Prediction is the ticket's 智能研判, null when there is none.
	Prediction *predictionJSON `json:"prediction"`
	// Workflow is the ticket's life-cycle state and the actions the
	// signed-in user may take; null when the store keeps none.
	Workflow *workflowJSON `json:"workflow"`
}

type meJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	RoleLabel string `json:"role_label"`
	Unit      string `json:"unit"`
}

func (s *Server) timeJSON(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := t.In(s.Location).Format(time.RFC3339)
	return &v
}

func (s *Server) toTicketJSON(t core.Ticket) ticketJSON {
	j := ticketJSON{
		ID: t.ID, Number: t.Number, Channel: string(t.Channel), ReceivedAt: s.timeJSON(t.ReceivedAt),
		CallerName: t.CallerName, CallerPhone: t.CallerPhone, CallerID: t.CallerID, Address: t.Address,
		Street: t.Street, Community: t.Community, Grid: t.Grid, Lng: t.Lng, Lat: t.Lat,
		Title: t.Title, Content: t.Content,
		Category1: t.Category1, Category2: t.Category2, Category3: t.Category3,
		Intent: string(t.Intent), Urgency: string(t.Urgency), Unit: t.Unit, Status: t.Status,
		Deadline: s.timeJSON(t.Deadline), ContactedAt: s.timeJSON(t.ContactedAt),
		ResolvedAt: s.timeJSON(t.ResolvedAt), Reply: t.Reply, Resolved: t.Resolved,
		Satisfaction: string(t.Satisfaction), CallbackAt: s.timeJSON(t.CallbackAt),
		Tags: t.Tags, SourceFile: t.SourceFile, SourceRow: t.SourceRow, Extra: t.Extra, Flags: t.Flags,
		CreatedAt: s.timeJSON(t.CreatedAt), UpdatedAt: s.timeJSON(t.UpdatedAt),
	}
	// Empty lists and maps are [] and {}, never null, so clients need not
	// check both.
	if j.Tags == nil {
		j.Tags = []string{}
	}
	if j.Flags == nil {
		j.Flags = []string{}
	}
	if j.Extra == nil {
		j.Extra = map[string]string{}
	}
	return j
}

func (s *Server) toEventJSON(e core.Event) eventJSON {
	j := eventJSON{ID: e.ID, At: s.timeJSON(e.At), Actor: e.Actor, Action: e.Action, Note: e.Note,
		Changes: make([]changeJSON, 0, len(e.Changes))}
	for _, c := range e.Changes {
		j.Changes = append(j.Changes, changeJSON{Field: c.Field, Label: s.fieldLabel(c.Field),
			Before: s.changeTime(c.Field, c.Before, time.RFC3339), After: s.changeTime(c.Field, c.After, time.RFC3339)})
	}
	return j
}

// changeTime shows a datetime value of a history change, stored as RFC
// 3339 text in whatever zone, in the server's zone with layout; other
// values are returned as they are.
func (s *Server) changeTime(field, v, layout string) string {
	f := s.Fields.Field(field)
	if v == "" || f == nil || f.Type != fieldset.TypeDateTime {
		return v
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return v
	}
	return t.In(s.Location).Format(layout)
}

// fieldLabel is the Chinese label of a field set field, or name itself.
func (s *Server) fieldLabel(name string) string {
	if f := s.Fields.Field(name); f != nil {
		return f.Label
	}
	return name
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, p principal) {
	u := p.User
	writeJSON(w, http.StatusOK, meJSON{ID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role,
		RoleLabel: core.RoleLabels[u.Role], Unit: u.Unit})
}

func (s *Server) handleTickets(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseFilter(r.URL.Query(), s.Location)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tickets, total, err := s.cases().List(r.Context(), p.User, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := ticketListJSON{Total: total, Offset: f.Offset, Limit: f.Limit, Items: make([]ticketJSON, 0, len(tickets))}
	for _, t := range tickets {
		out.Items = append(out.Items, s.toTicketJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleTicket(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	s.writeTicketDetail(w, r, id, p)
}

// ticketView loads ticket id as u may see it (package casework); a
// ticket outside u's scope is refused as missing.
func (s *Server) ticketView(r *http.Request, id int64, u core.User) (casework.View, error) {
	return s.cases().View(r.Context(), u, id)
}
