package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/hot"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the pages; each is templates/NAME.html, executed inside
// templates/layout.html.
var pageNames = []string{"login", "tickets", "ticket", "error", "rates", "rates_tickets", "workbench", "rules", "welcome", "users", "account", "settings", "setting", "ticket_new", "audit", "import", "export", "dashboard", "corpus", "tags", "ask", "policy", "policy_files", "replies", "records", "record", "quality", "services", "links", "keys", "keys_secret", "keys_uses",
	"sharing"}

// templates are parsed once, when the program starts: a missing or broken
// template stops the program before it serves anything.
var templates = mustParseTemplates(templateFS)

func mustParseTemplates(fsys fs.FS) map[string]*template.Template {
	t, err := parseTemplates(fsys)
	if err != nil {
		panic("web: " + err.Error())
	}
	return t
}

// parseTemplates parses the layout and one template set per page.
func parseTemplates(fsys fs.FS) (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(fsys, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	out := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(fsys, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		for _, part := range []string{"title", "content"} {
			if t.Lookup(part) == nil {
				return nil, fmt.Errorf("page %s: missing {{define %q}}", name, part)
			}
		}
		out[name] = t
	}
	return out, nil
}

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // static is embedded; it always exists
	}
	return http.FileServerFS(sub)
}

// layoutData is what the layout sees: the top bar and the page's own data.
type layoutData struct {
	Street    string
	User      *core.User
	RoleLabel string
	CSRF      string
	Page      any
	// Tasks are the user's task boxes (我的待办); TaskTotal their sum,
	// shown in the navigation.
	Tasks     []task
	TaskTotal int
	// Intake offers the ticket form (受理登记) in the navigation.
	Intake bool
}

// render executes page name with data into a buffer, so that a template
// error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p principal, page any) {
	d := layoutData{Street: s.streetName(r), Page: page}
	if p.User.ID != 0 {
		u := p.User
		d.User = &u
		d.RoleLabel = core.RoleLabels[u.Role]
		d.CSRF = csrfToken(p.Session)
		d.Intake = u.Role == core.RoleAdmin || u.Role == core.RoleStaff || u.Role == core.RoleCommunity
		ts, err := s.tasks(r.Context(), u)
		if err != nil {
			s.Log.Error("task counts", "err", err) // the page still renders
		}
		d.Tasks, d.TaskTotal = ts, taskTotal(ts)
	}
	var buf bytes.Buffer
	if err := templates[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		s.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// streetName is the name of the street shown in the top bar.
func (s *Server) streetName(r *http.Request) string {
	a, err := s.Store.Areas(r.Context())
	if err != nil {
		s.Log.Error("load areas", "err", err)
		return ""
	}
	if len(a.Streets) == 0 {
		return ""
	}
	return a.Streets[0].Name
}

type errorPage struct {
	Status  int
	Message string
}

// failPage shows err as an HTML error page; internal errors are logged and
// shown with a generic message.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	s.logFailure(r, code, err)
	status := errorStatus(code)
	var p principal
	if code != core.EUNAUTHORIZED {
		p, _ = s.authenticate(r, false)
	}
	s.render(w, r, status, "error", p, errorPage{Status: status, Message: core.ErrorMessage(err)})
}

// ticketsPage is the data of /tickets.
type ticketsPage struct {
	Form       url.Values
	Error      string
	ErrorField string
	Rows       []ticketRow
	Total      int
	More       int // > 0: the list stopped counting past More (超过 More 件, see pageCountUpTo)
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	// ExportXLSX and ExportCSV export the list's filter (导出).
	ExportXLSX string
	ExportCSV  string

	Statuses    []string
	Intents     []string
	Channels    []string
	Communities []string
	Units       []core.Unit
	Category1   []string
	Category2   []string
	Category3   []string
}

type ticketRow struct {
	ID           int64
	Number       string
	ReceivedAt   string
	Title        string
	Category     string
	Community    string
	Unit         string
	Status       string
	Satisfaction string
}

// pageSize is the number of tickets per page of /tickets.
const pageSize = 50

// pageCountUpTo is how far past the page's offset the ticket list counts:
// beyond, it says 超过 N 件. An exact count of a community's or unit's
// tickets of a common word reads every one of them (100 ms at 1,000,000
// tickets); single filters and a keyword alone stay exact, as the API
// always is.
const pageCountUpTo = 1000

// formQuery is the request's query without the empty parameters of a
// form's empty fields (so that links stay short and filters ignore them).
func formQuery(r *http.Request) url.Values {
	q := r.URL.Query()
	for k, v := range q {
		if len(v) == 1 && strings.TrimSpace(v[0]) == "" {
			delete(q, k)
		}
	}
	return q
}

func (s *Server) handleTicketsPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	q := formQuery(r)
	q.Del("limit")
	q.Del("offset")
	page := &ticketsPage{Form: q, Statuses: core.Statuses, Intents: core.Strings(core.Intents), Channels: core.Strings(core.Channels)}
	if err := s.loadChoices(r, page); err != nil {
		s.failPage(w, r, err)
		return
	}

	pq := url.Values{}
	for k, v := range q {
		pq[k] = v
	}
	pq.Set("limit", strconv.Itoa(pageSize))
	f, err := parseFilter(pq, s.Location)
	if err != nil {
		if core.ErrorCode(err) != core.EINVALID {
			s.failPage(w, r, err)
			return
		}
		// Show the form again with the message next to it.
		page.Error = core.ErrorMessage(err)
		if pe, ok := err.(*core.FieldError); ok {
			page.ErrorField = pe.Field
		}
		s.render(w, r, http.StatusBadRequest, "tickets", p, page)
		return
	}
	f.CountUpTo = pageCountUpTo
	tickets, total, err := s.cases().List(r.Context(), p.User, f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if len(tickets) == 1 && tickets[0].Number == strings.TrimSpace(f.Keyword) {
		// A ticket number typed into the search box opens the ticket.
		http.Redirect(w, r, fmt.Sprintf("/tickets/%d", tickets[0].ID), http.StatusSeeOther)
		return
	}
	for _, t := range tickets {
		category := t.CategoryPath()
		if category == "" {
			// Not categorised by a person: show the prediction, marked.
			if pr, err := s.Store.Prediction(r.Context(), t.ID); err == nil && pr.Category1 != "" {
				category = core.CategoryPath(pr.Category1, pr.Category2, pr.Category3) + "（预测）"
			}
		}
		row := s.ticketRow(t)
		row.Category = category
		page.Rows = append(page.Rows, row)
	}
	page.Total = total
	if total > f.Offset+pageCountUpTo {
		page.More = f.Offset + pageCountUpTo
	}
	page.Page = f.Offset/pageSize + 1
	page.Pages = (total + pageSize - 1) / pageSize
	if page.Page > 1 {
		page.PrevURL = pageURL(q, page.Page-1)
	}
	if page.Page < page.Pages {
		page.NextURL = pageURL(q, page.Page+1)
	}
	page.ExportXLSX, page.ExportCSV = exportURL(q, "xlsx"), exportURL(q, "csv")
	s.render(w, r, http.StatusOK, "tickets", p, page)
}

// loadChoices fills the dropdowns of the filter form from the store.
func (s *Server) loadChoices(r *http.Request, page *ticketsPage) error {
	areas, err := s.Store.Areas(r.Context())
	if err != nil {
		return err
	}
	for _, c := range areas.Communities {
		page.Communities = append(page.Communities, c.Name)
	}
	if page.Units, err = s.Store.Units(r.Context()); err != nil {
		return err
	}
	cats, err := s.Store.Categories(r.Context())
	if err != nil {
		return err
	}
	page.Category1, page.Category2, page.Category3 = categoryLevels(cats, page.Form.Get("category1"), page.Form.Get("category2"))
	return nil
}

// categoryLevels lists the distinct names of each taxonomy level; levels 2
// and 3 are narrowed to the chosen parent when there is one.
func categoryLevels(cats []core.Category, c1, c2 string) (l1, l2, l3 []string) {
	seen := [3]map[string]bool{{}, {}, {}}
	add := func(level int, list *[]string, v string) {
		if v != "" && !seen[level][v] {
			seen[level][v] = true
			*list = append(*list, v)
		}
	}
	for _, c := range cats {
		add(0, &l1, c.Level1)
		if c1 == "" || c.Level1 == c1 {
			add(1, &l2, c.Level2)
			if c2 == "" || c.Level2 == c2 {
				add(2, &l3, c.Level3)
			}
		}
	}
	sort.Strings(l2)
	sort.Strings(l3)
	return l1, l2, l3
}

func pageURL(q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(page))
	return "/tickets?" + v.Encode()
}

// exportURL exports the list of q (without its page) as format.
func exportURL(q url.Values, format string) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "page" {
			v[k] = vs
		}
	}
	v.Set("format", format)
	return "/tickets/export?" + v.Encode()
}

// ticketTitle is the title of t, or the start of its request text.
func ticketTitle(t core.Ticket) string {
	if t.Title != "" {
		return t.Title
	}
	r := []rune(strings.Join(strings.Fields(t.Content), " "))
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	if len(r) == 0 {
		return "（无标题）"
	}
	return string(r)
}

// displayLayout is how pages show times: to the minute, in s.Location.
const displayLayout = "2006-01-02 15:04"

func (s *Server) formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.Location).Format(displayLayout)
}

// ticketPage is the data of /tickets/{id}.
type ticketPage struct {
	ID     int64
	Number string
	Title  string
	Status string
	Fields []fieldRow
	Flags  []string
	Events []eventRow
	// Prediction is the 智能研判 panel; nil when there is none.
	Prediction *predictionPanel
	// Workflow is the 办理流转 panel; nil when the store keeps no workflow.
	Workflow *workflowPanel
	// Notice is the message of a refused transition.
	Notice string
	// CanReveal offers the fields RevealFields, which the user sees
	// masked, in clear for a reason (查看完整信息); Contact is what was
	// revealed, Revealed its fields as the page shows them.
	CanReveal    bool
	RevealFields []fieldChoice
	Contact      *casework.Contact
	Revealed     []revealedRow
	// Done confirms the action just taken (已完成「签收」).
	Done string
	// Attachments are the ticket's photos (附件), shown as thumbnails.
	Attachments []attachmentRow
	// Duplicates are tickets of the last 60 days that are probably the
	// same request (合并到工单 X); CanMerge offers the merge.
	Duplicates []duplicateRow
	// Policies are the passages of the policy base that answer the
	// ticket; nil when the base has none.
	Policies *answerJSON
	// Similar are the answered past tickets like this one and a reply
	// draft from them and the policy base; nil before the case index is
	// built.
	Similar *similarJSON
	// ReplyCheck is the check of the ticket's reply; nil without one.
	ReplyCheck *replyCheckJSON
	CanMerge   bool
	// LibraryTags are the tags of the library (高频问题标签库) the ticket's
	// text names.
	LibraryTags []string
	// Records are the registry records the ticket links to (关联基础数据);
	// nil for a role that reads no records.
	Records []ticketLinkRow
}

// duplicateRow is a probable duplicate with its evidence, as the page
// shows it.
type duplicateRow struct {
	ID                           int64
	Number, Title, Community     string
	Received, Status, Score, Why string
}

type fieldRow struct {
	Label string
	Value string
	Text  bool // free text, shown with line breaks
}

// fieldChoice is a field offered in a form, by name and label: checked
// (the reveal form), required (the import page's mapping).
type fieldChoice struct {
	Name     string
	Label    string
	Checked  bool
	Required bool
}

type eventRow struct {
	At      string
	Actor   string
	Action  string
	Note    string
	Changes []changeJSON
}

func (s *Server) handleTicketPage(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, true)
	if !ok {
		return
	}
	s.renderTicketPageWith(w, r, p, id, "", http.StatusOK, nil, r.URL.Query().Get("done"))
}

// renderTicketPage shows ticket id; notice, when not empty, is the message
// of a refused transition.
func (s *Server) renderTicketPage(w http.ResponseWriter, r *http.Request, p principal, id int64, notice string, status int) {
	s.renderTicketPageWith(w, r, p, id, notice, status, nil, "")
}

// renderTicketPageWith renders the ticket page; contact, when set, is the
// caller's contact just revealed (shown in this answer only); done, the
// action just taken, is confirmed on the page.
func (s *Server) renderTicketPageWith(w http.ResponseWriter, r *http.Request, p principal, id int64, notice string, status int, contact *casework.Contact, done string) {
	v, err := s.ticketView(r, id, p.User)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	t, events := v.Ticket, v.Events
	page := ticketPage{ID: t.ID, Number: t.Number, Title: ticketTitle(t), Status: t.Status, Flags: t.Flags}
	if v.HasPrediction {
		page.Prediction = s.toPredictionPanel(t, v.Prediction, v.Stored)
	}
	if v.HasWorkflow {
		page.Workflow = s.toWorkflowPanel(r, p.User, t, v.Workflow, v.Actions)
	}
	page.Notice = notice
	if label, ok := core.ActionLabels[done]; ok && notice == "" {
		page.Done = "已完成「" + label + "」"
	}
	page.Contact = contact
	page.Attachments = s.attachmentRows(r, p.User, t.ID)
	page.Duplicates = s.duplicateRows(r, p.User, t.ID)
	page.Policies = s.ticketPolicyPanel(r, p.User, t.ID)
	page.Records = s.ticketLinkRows(r, p.User, t.ID)
	page.ReplyCheck = s.ticketReplyCheck(r, p, t.ID)
	if sim, err := s.similar(r, p, t.ID); err != nil {
		s.Log.Error("similar cases", "ticket", t.ID, "err", err)
	} else if sim.Ready && (len(sim.Cases) > 0 || sim.Draft != "") {
		page.Similar = &sim
	}
	page.CanMerge = slices.Contains(v.Actions, core.ActionMerge)
	if lib, err := s.tagLibrary(r.Context()); err == nil {
		page.LibraryTags = hot.MatchTags(lib, t.Category1, t.Title+"\n"+t.Content)
	} else {
		s.Log.Error("tag library", "err", core.ErrorCode(err))
	}
	page.CanReveal = contact == nil && v.CanReveal
	if page.CanReveal {
		// The phone is checked when offered (the first contact needs it),
		// else the first field.
		phone := slices.Contains(v.RevealFields, "caller_phone")
		for i, f := range v.RevealFields {
			page.RevealFields = append(page.RevealFields, fieldChoice{Name: f, Label: s.fieldLabel(f),
				Checked: f == "caller_phone" || !phone && i == 0})
		}
	}
	if contact != nil {
		page.Revealed = revealedRows(s, contact)
	}
	values := s.ticketValues(t)
	for _, f := range s.Fields.Fields {
		page.Fields = append(page.Fields, fieldRow{Label: f.Label, Value: values[f.Name], Text: f.Type == "text"})
		delete(values, f.Name)
	}
	// Extra values outside the field set, such as raw values the importer
	// kept under "label（原值）", follow under their own keys.
	var rest []string
	for k, v := range values {
		if v != "" && !fieldset.IsColumn(k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		page.Fields = append(page.Fields, fieldRow{Label: k, Value: values[k]})
	}
	if s.Fields.Field("flags") != nil {
		page.Flags = nil // shown as a field
	}
	// Newest first: the timeline reads from the latest change down.
	names := map[string]string{}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		row := eventRow{At: s.formatTime(e.At), Actor: s.actorName(r, e.Actor, names), Action: core.ActionLabel(e.Action), Note: e.Note}
		for _, c := range e.Changes {
			row.Changes = append(row.Changes, changeJSON{Field: c.Field, Label: s.fieldLabel(c.Field),
				Before: s.changeTime(c.Field, c.Before, displayLayout), After: s.changeTime(c.Field, c.After, displayLayout)})
		}
		page.Events = append(page.Events, row)
	}
	s.render(w, r, status, "ticket", p, page)
}

// ticketValues gives the display text of each field of t by field-set name,
// from the one table of ticket fields (fieldset.Columns): times to the
// minute in the street's zone, coordinates to six decimals, data-quality
// flags one after another; fields a street declared beyond the standard
// ones come from t.Extra, which cannot override a standard one.
func (s *Server) ticketValues(t core.Ticket) map[string]string {
	v := make(map[string]string, len(fieldset.Columns)+len(t.Extra))
	for _, c := range fieldset.Columns {
		var text string
		switch p := c.Ptr(&t).(type) {
		case *time.Time:
			text = s.formatTime(*p)
		case **float64:
			if *p != nil {
				text = strconv.FormatFloat(**p, 'f', 6, 64)
			}
		case *[]string:
			sep := "、"
			if c.Name == "flags" {
				sep = "；"
			}
			text = strings.Join(*p, sep)
		default:
			text = fieldset.Text(&t, c.Name)
		}
		if text != "" {
			v[c.Name] = text
		}
	}
	for k, x := range t.Extra {
		if !fieldset.IsColumn(k) {
			v[k] = x
		}
	}
	return v
}

// ticketRow is the list row of t (masked already).
func (s *Server) ticketRow(t core.Ticket) ticketRow {
	return ticketRow{ID: t.ID, Number: t.Number, ReceivedAt: s.formatTime(t.ReceivedAt), Title: ticketTitle(t),
		Category: t.CategoryPath(), Community: t.Community, Unit: t.Unit, Status: t.Status, Satisfaction: string(t.Satisfaction)}
}

// actorName is how the history names who acted: a user's name (with the
// account), an import by its file, anything else as recorded. names caches
// the lookups of one page.
func (s *Server) actorName(r *http.Request, actor string, names map[string]string) string {
	if n, ok := names[actor]; ok {
		return n
	}
	n := actor
	switch {
	case strings.HasPrefix(actor, "import:"):
		n = "导入 " + strings.TrimPrefix(actor, "import:")
	case actor == "demo":
		n = "演示数据"
	case actor != "":
		if u, err := s.Store.UserByUsername(r.Context(), actor); err == nil && u.Name != "" {
			n = u.Name + "（" + actor + "）"
		}
	}
	names[actor] = n
	return n
}

// duplicateRows finds the ticket's probable duplicates; none while the
// index is being built (the page does not wait for it long).
// ticketPolicyPanel is the policy base's answer to ticket id for the
// ticket page; nil when nothing answers it (or the base fails: the page
// still shows the ticket).
func (s *Server) ticketPolicyPanel(r *http.Request, u core.User, id int64) *answerJSON {
	a, err := s.cases().TicketPolicies(r.Context(), u, id, 3)
	if err != nil {
		s.Log.Error("ticket policies", "ticket", id, "err", err)
		return nil
	}
	if len(a.Hits) == 0 {
		return nil
	}
	j := toAnswerJSON(a)
	return &j
}

func (s *Server) duplicateRows(r *http.Request, u core.User, id int64) []duplicateRow {
	ix := s.dups(r.Context())
	if ix == nil {
		return nil
	}
	ds, err := s.cases().Duplicates(r.Context(), u, ix, id, 3)
	if err != nil {
		s.Log.Error("near duplicates", "ticket", id, "err", err)
		return nil
	}
	var out []duplicateRow
	for _, d := range ds {
		var why []string
		if d.SamePlace {
			why = append(why, "同一地点")
		}
		if d.SameCategory {
			why = append(why, "同一分类")
		}
		if len(d.Shared) > 0 {
			why = append(why, "共同内容：“"+strings.Join(d.Shared, "”“")+"”")
		}
		out = append(out, duplicateRow{ID: d.ID, Number: d.Number, Title: d.Title, Community: d.Community,
			Received: s.formatTime(d.Received), Status: d.Status, Score: fmt.Sprintf("%.0f%%", 100*d.Score), Why: strings.Join(why, "；")})
	}
	return out
}

// jsonBlock is v as the content of a <script type="application/json">
// block: JSON with what could end the block escaped.
func jsonBlock(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return template.JS(strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`).Replace(string(b))), nil
}
