// Package casework is the one path from a user to tickets and the
// personal data in them (办件). Which tickets a user works on (scope), what
// each role sees of them (the masking dictionary) and which life-cycle
// actions a user may take (permissions) are decided here and nowhere else:
// every page, API, export and command reads and changes tickets through a
// Service.
//
// A ticket outside the user's scope answers exactly as a missing one
// (ErrNoTicket), so that the ticket ids and numbers of other communities
// and units cannot be probed.
package casework

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
	"jiceng/internal/workflow"
)

// Store is what a Service reads and changes. A store that is also a
// core.WorkflowStore runs the life cycle; one that is not shows tickets
// read-only.
type Store interface {
	core.TicketStore
	Areas(ctx context.Context) (core.Areas, error)
	Units(ctx context.Context) ([]core.Unit, error)
	Prediction(ctx context.Context, ticketID int64) (core.Prediction, error)
}

// Predictor predicts a ticket that has no stored prediction yet
// (understand.Understander).
type Predictor interface {
	Predict(t *core.Ticket) core.Prediction
}

// Service is the casework of one street. Set the fields, then use it; the
// zero values of the optional fields are sensible defaults. A Service is
// safe for concurrent use when its fields are not changed.
type Service struct {
	Store Store
	// Fields is the ticket field set, whose names the dictionary's rows
	// use; nil means fieldset.Tickets().
	Fields *fieldset.Set
	// Dictionary is the masking dictionary (脱敏字典) that decides what
	// each role sees; nil means deid.DefaultDictionary().
	Dictionary *deid.Dictionary
	// Workflow runs transitions; nil shows tickets read-only.
	Workflow *workflow.Engine
	// Predictor predicts tickets without a stored prediction; nil shows
	// none.
	Predictor Predictor
	Clock     core.Clock // nil means time.Now
	// Location is the street's time zone, in which deadlines count working
	// days; nil means core.StreetTime.
	Location *time.Location
	// Changed, when set, is called after every change to a ticket (caches
	// of rates and task lists drop what they hold).
	Changed func()
	// Audit is the audit log that reveals and exports are written to; nil
	// writes none.
	Audit core.AuditStore
	// Policies is the policy base (政策知识库) the server keeps; nil has
	// none.
	Policies *PolicyBase
}

// ErrNoTicket answers a ticket that is missing and one outside the user's
// scope alike (one message, not found), so that ticket ids and numbers of
// other communities and units cannot be probed.
var ErrNoTicket = core.Errorf(core.ENOTFOUND, "工单不存在，或不在您的工作范围内")

var defaultDictionary = deid.DefaultDictionary()

func (s *Service) dictionary() *deid.Dictionary {
	if s.Dictionary == nil {
		return defaultDictionary
	}
	return s.Dictionary
}

// defaultFields is the built-in field set, loaded once.
var defaultFields = sync.OnceValue(fieldset.Tickets)

func (s *Service) fields() *fieldset.Set {
	if s.Fields == nil {
		return defaultFields()
	}
	return s.Fields
}

func (s *Service) location() *time.Location {
	if s.Location == nil {
		return core.StreetTime
	}
	return s.Location
}

// workflowStore returns the store's life cycle, if it has one.
func (s *Service) workflowStore() (core.WorkflowStore, bool) {
	ws, ok := s.Store.(core.WorkflowStore)
	return ws, ok
}

// List returns the tickets of f within u's scope, masked for u's role, and
// their total. A keyword that is a ticket number finds that ticket (staff
// type the number they hear), when it is in scope.
func (s *Service) List(ctx context.Context, u core.User, f core.TicketFilter) ([]core.Ticket, int, error) {
	sc, err := s.Scope(ctx, u)
	if err != nil || !sc.Narrow(&f) {
		return nil, 0, err
	}
	tickets, total, err := s.list(ctx, sc, f)
	for i := range tickets {
		tickets[i] = s.MaskTicket(u.Role, tickets[i])
	}
	return tickets, total, err
}

func (s *Service) list(ctx context.Context, sc Scope, f core.TicketFilter) ([]core.Ticket, int, error) {
	if kw := strings.TrimSpace(f.Keyword); LooksLikeNumber(kw) {
		t, err := s.Store.TicketByNumber(ctx, kw)
		switch core.ErrorCode(err) {
		case "":
			w, err := s.workflowOf(ctx, t.ID)
			if err != nil {
				return nil, 0, err
			}
			if !sc.Sees(t, w) || f.Offset > 0 {
				return nil, 0, nil
			}
			return []core.Ticket{t}, 1, nil
		case core.ENOTFOUND:
		default:
			return nil, 0, err
		}
	}
	return s.Store.Tickets(ctx, f)
}

// Each calls fn with every ticket of f within u's scope, masked for role
// (u's own role when empty; another role's view is for administrators
// exporting per a column of the dictionary), in id order.
func (s *Service) Each(ctx context.Context, u core.User, role string, f core.TicketFilter, fn func(core.Ticket) error) error {
	role, err := s.bulk(ctx, u, role, &f)
	if err != nil || role == "" {
		return err
	}
	return s.Store.EachTicket(ctx, f, func(t core.Ticket) error { return fn(s.MaskTicket(role, t)) })
}

// EachExtra calls fn with the extra values of every ticket of f within u's
// scope, masked for role as Each masks them (a value masked to nothing is
// not there): what an export's first pass needs (the count and the extra
// columns), without masking each ticket's own fields, which costs most of
// Each at a district's size.
func (s *Service) EachExtra(ctx context.Context, u core.User, role string, f core.TicketFilter, fn func(extra map[string]string) error) error {
	role, err := s.bulk(ctx, u, role, &f)
	if err != nil || role == "" {
		return err
	}
	d, fields := s.dictionary(), s.fields()
	return s.Store.EachTicket(ctx, f, func(t core.Ticket) error { return fn(maskExtra(d, fields, role, t.Extra)) })
}

// bulk checks that u may read f's tickets as role (u's own when empty)
// and narrows f to u's scope. It returns the role, or "" when the scope
// holds nothing of f.
func (s *Service) bulk(ctx context.Context, u core.User, role string, f *core.TicketFilter) (string, error) {
	if role == "" {
		role = u.Role
	} else if role != u.Role && u.Role != core.RoleAdmin {
		return "", core.Errorf(core.EFORBIDDEN, "只有管理员可按其他角色（%s）导出", role)
	}
	sc, err := s.Scope(ctx, u)
	if err != nil || !sc.Narrow(f) {
		return "", err
	}
	return role, nil
}

// Rows calls fn with every ticket of f within u's scope as a row of text
// values, one per key of keys (a field of the set, or an extra key), each
// masked for role as Each masks it. Masking the text form keeps what a
// rule generalises that a typed field cannot hold (a received time
// generalised to its month), which an export wants.
func (s *Service) Rows(ctx context.Context, u core.User, role string, f core.TicketFilter, keys []string, fn func(t *core.Ticket, row []string) error) error {
	role, err := s.bulk(ctx, u, role, &f)
	if err != nil || role == "" {
		return err
	}
	d, fields := s.dictionary(), s.fields()
	row := make([]string, len(keys))
	return s.Store.EachTicket(ctx, f, func(t core.Ticket) error {
		for i, k := range keys {
			row[i] = maskValue(d, fields, role, k, fieldset.Text(&t, k))
		}
		return fn(&t, row)
	})
}

func (s *Service) workflowOf(ctx context.Context, id int64) (core.Workflow, error) {
	if ws, ok := s.workflowStore(); ok {
		return ws.Workflow(ctx, id)
	}
	return core.Workflow{}, nil
}

// View is a ticket as a user may see it: the ticket, its history, its
// prediction and its life-cycle state, masked by the dictionary.
type View struct {
	Ticket        core.Ticket
	Events        []core.Event
	Prediction    core.Prediction
	HasPrediction bool
	Stored        bool // the prediction is stored, not made for this view
	Workflow      core.Workflow
	HasWorkflow   bool
	Scope         Scope
	// Actions are what the user may do next, in the engine's order.
	Actions []string
	// CanReveal says the user may reveal masked fields of the ticket now:
	// RevealFields, the fields whose values the user sees masked (see
	// Service.Reveal).
	CanReveal    bool
	RevealFields []string
}

// View loads ticket id for u; a ticket outside u's scope is ErrNoTicket.
// The prediction is made from the unmasked ticket, then masked.
func (s *Service) View(ctx context.Context, u core.User, id int64) (View, error) {
	var v View
	t, err := s.Store.Ticket(ctx, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return v, ErrNoTicket
	}
	if err != nil {
		return v, err
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return v, err
	}
	if ws, ok := s.workflowStore(); ok {
		if v.Workflow, err = ws.Workflow(ctx, id); err != nil {
			return v, err
		}
		v.HasWorkflow = true
	}
	// Out of scope reads as missing, before anything else is read.
	if !sc.Sees(t, v.Workflow) {
		return View{}, ErrNoTicket
	}
	events, err := s.Store.TicketEvents(ctx, id)
	if err != nil {
		return v, err
	}
	for i := range events {
		events[i] = s.MaskEvent(u.Role, events[i])
	}
	p, stored, ok, err := s.Prediction(ctx, &t)
	if err != nil {
		return v, err
	}
	if ok {
		v.Prediction, v.HasPrediction, v.Stored = s.MaskPrediction(u.Role, p), true, stored
	}
	v.Scope = sc
	if v.HasWorkflow {
		v.Actions = s.Actions(u, sc, t, v.Workflow)
	}
	v.RevealFields = s.revealOffer(u, sc, t)
	v.CanReveal = len(v.RevealFields) > 0
	v.Workflow = s.MaskWorkflow(u.Role, v.Workflow)
	v.Ticket, v.Events = s.MaskTicket(u.Role, t), events
	return v, nil
}

// visible is Raw of the ticket whose id an index gave (as text): false,
// not an error, when it is outside u's scope, gone or no id at all.
func (s *Service) visible(ctx context.Context, u core.User, id string) (core.Ticket, bool, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return core.Ticket{}, false, nil
	}
	t, _, err := s.Raw(ctx, u, n)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.Ticket{}, false, nil
	}
	return t, err == nil, err
}

// Raw returns ticket id unmasked, for computations made on the user's
// behalf that show no personal data (dispatch suggestions): within u's
// scope only.
func (s *Service) Raw(ctx context.Context, u core.User, id int64) (core.Ticket, core.Workflow, error) {
	t, err := s.Store.Ticket(ctx, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return t, core.Workflow{}, ErrNoTicket
	}
	if err != nil {
		return t, core.Workflow{}, err
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return core.Ticket{}, core.Workflow{}, err
	}
	w, err := s.workflowOf(ctx, id)
	if err != nil {
		return core.Ticket{}, core.Workflow{}, err
	}
	if !sc.Sees(t, w) {
		return core.Ticket{}, core.Workflow{}, ErrNoTicket
	}
	return t, w, nil
}

// Prediction returns t's stored prediction, or one made now, unmasked:
// for computations on a ticket the caller has read through the service
// (dispatch suggestions go by the predicted category); ok is false when
// there is none.
func (s *Service) Prediction(ctx context.Context, t *core.Ticket) (p core.Prediction, stored, ok bool, err error) {
	p, err = s.Store.Prediction(ctx, t.ID)
	switch core.ErrorCode(err) {
	case "":
		return p, true, true, nil
	case core.ENOTFOUND:
	default:
		return p, false, false, err
	}
	if s.Predictor == nil {
		return p, false, false, nil
	}
	return s.Predictor.Predict(t), false, true, nil
}

// LooksLikeNumber reports whether v could be a ticket number: 4 to 64
// letters, digits, '-' and '_', nothing else.
func LooksLikeNumber(v string) bool {
	if len(v) < 4 || len(v) > 64 {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// RawList returns the tickets of f within u's scope unmasked, for
// computations made on the user's behalf that show no personal data
// (dispatch suggestions of the queue); what is shown of them goes through
// MaskTicket.
func (s *Service) RawList(ctx context.Context, u core.User, f core.TicketFilter) ([]core.Ticket, int, error) {
	sc, err := s.Scope(ctx, u)
	if err != nil || !sc.Narrow(&f) {
		return nil, 0, err
	}
	return s.Store.Tickets(ctx, f)
}

// Reminders returns the near (within warn) and overdue time limits of the
// tickets in u's scope, overdue first, at most limit (see
// workflow.Engine.DueReminders). Reminders name tickets, units and
// categories, no personal data.
func (s *Service) Reminders(ctx context.Context, u core.User, warn time.Duration, limit int) ([]workflow.Reminder, error) {
	ws, ok := s.workflowStore()
	if s.Workflow == nil || !ok {
		return nil, core.Errorf(core.EINVALID, "本系统未启用工单流转")
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return nil, err
	}
	var f core.TicketFilter
	if !sc.Narrow(&f) {
		return nil, nil
	}
	return s.Workflow.DueReminders(ctx, ws, f, s.Clock.Now().In(s.location()), warn, limit)
}
