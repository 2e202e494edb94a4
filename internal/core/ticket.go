package core

import (
	"context"
	"time"
)

// Ticket statuses (工单状态). The full life cycle comes with the workflow; the
// importer maps the usual export words onto these.
const (
	StatusReceived   = "受理"
	StatusDispatched = "派单"
	StatusSigned     = "签收"
	StatusContacted  = "先行联系"
	StatusHandling   = "办理"
	StatusResolved   = "办结"
	StatusCallback   = "回访"
	StatusClosed     = "结案"
	StatusReturned   = "退单"
)

// Statuses lists the ticket statuses in life-cycle order.
var Statuses = []string{StatusReceived, StatusDispatched, StatusSigned, StatusContacted,
	StatusHandling, StatusResolved, StatusCallback, StatusClosed, StatusReturned}

// OpenStatuses are the statuses of tickets still to be resolved: their
// time limits run (migration 0003's partial index lists the same).
var OpenStatuses = []string{StatusReceived, StatusDispatched, StatusSigned, StatusContacted,
	StatusHandling, StatusReturned}

// Intent is what a caller wants (诉求类型).
type Intent string

// Intents (诉求类型).
const (
	IntentInquiry    Intent = "咨询"
	IntentHelp       Intent = "求助"
	IntentComplaint  Intent = "投诉"
	IntentReport     Intent = "举报"
	IntentSuggestion Intent = "建议"
	IntentPraise     Intent = "表扬"
)

// Intents lists the intents.
var Intents = []Intent{IntentInquiry, IntentHelp, IntentComplaint, IntentReport, IntentSuggestion, IntentPraise}

// Urgency is how soon a ticket must be resolved (紧急程度); the workflow
// gives each its time limit (2 h / 24 h / 7 d / 15 d by default).
type Urgency string

// Urgencies (紧急程度), most urgent first.
const (
	UrgencyEmergency Urgency = "紧急"
	UrgencyHurry     Urgency = "加急"
	UrgencyNormal    Urgency = "一般"
	UrgencyComplex   Urgency = "复杂"
)

// Urgencies lists the urgencies, most urgent first.
var Urgencies = []Urgency{UrgencyEmergency, UrgencyHurry, UrgencyNormal, UrgencyComplex}

// Satisfaction is a caller's verdict at the callback (满意度).
type Satisfaction string

// Satisfaction values (满意度) of a callback.
const (
	Satisfied          Satisfaction = "满意"
	BasicallySatisfied Satisfaction = "基本满意"
	Dissatisfied       Satisfaction = "不满意"
)

// Satisfactions lists the satisfaction values, best first.
var Satisfactions = []Satisfaction{Satisfied, BasicallySatisfied, Dissatisfied}

// Channel is where a ticket came from (来源渠道).
type Channel string

// Channels (来源渠道).
const (
	ChannelHotline Channel = "12345" // the city's 12345 centre (接诉即办)
	ChannelGrid    Channel = "网格巡查"  // reported by a grid worker
	ChannelWebForm Channel = "网上表单"
	ChannelOpen311 Channel = "Open311"
	ChannelImport  Channel = "导入" // imported without a channel of its own
	ChannelOther   Channel = "其他"
)

// Channels lists the channels.
var Channels = []Channel{ChannelHotline, ChannelGrid, ChannelWebForm, ChannelOpen311, ChannelImport, ChannelOther}

// Strings returns the values of a list of domain words as strings (for
// forms and messages).
func Strings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// Ticket is one citizen request or reported event (工单), from any channel.
// Zero values mean "not known": a zero time is no time, an empty string no value,
// a nil pointer no value.
type Ticket struct {
	ID           int64
	Number       string // 工单编号, unique
	Channel      Channel
	ReceivedAt   time.Time
	CallerName   string
	CallerPhone  string
	CallerID     string // resident ID number, optional
	Address      string
	Street       string
	Community    string
	Grid         string
	Lng, Lat     *float64
	Title        string
	Content      string
	Category1    string
	Category2    string
	Category3    string
	Intent       Intent
	Urgency      Urgency
	Unit         string // 承办单位
	Status       string
	Deadline     time.Time
	ContactedAt  time.Time
	ResolvedAt   time.Time
	Reply        string
	Resolved     *bool // 是否解决
	Satisfaction Satisfaction
	CallbackAt   time.Time
	Tags         []string
	SourceFile   string
	SourceRow    int
	// Extra holds values of fields that a street declared in its own field set
	// beyond the standard ones, by field name.
	Extra map[string]string
	// Flags are data-quality notes the importer attached to values it kept
	// although they failed validation, e.g. "caller_phone: 号码格式不正确".
	Flags []string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Event is one change to a ticket in its append-only history.
type Event struct {
	ID       int64
	TicketID int64
	At       time.Time
	Actor    string // user name, or "import:FILE" etc.
	Action   string // e.g. EventCreate, EventUpdate
	Note     string
	Changes  []Change
}

// Event actions.
const (
	EventCreate = "create"
	EventUpdate = "update"
)

// Change is one field's before and after value in an Event, as display text.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// TicketFilter selects tickets. Empty fields do not filter. Times are
// half-open: From <= received_at < To.
type TicketFilter struct {
	From, To  time.Time
	Status    string
	Category1 string
	Category2 string
	Category3 string
	Unit      string
	Community string
	Intent    Intent
	Channel   Channel
	Keyword   string // substring of title or content

	Offset int
	Limit  int // 0 means DefaultLimit; capped at MaxLimit
	// CountUpTo, when > 0, lets a list stop counting: a total above
	// Offset+CountUpTo may be returned as any number above it (the ticket
	// list page shows 超过 N 件 rather than count a district's tickets of a
	// common word). 0 counts exactly, as the API does.
	CountUpTo int
}

// Paging limits for TicketFilter.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// UpsertOutcome tells what UpsertTickets did with one ticket.
type UpsertOutcome int

const (
	Created UpsertOutcome = iota + 1
	Updated
	Unchanged
)

// UpsertResult counts the outcomes of one UpsertTickets call.
type UpsertResult struct {
	Created, Updated, Unchanged int
}

// TicketStore stores tickets and their histories.
type TicketStore interface {
	// UpsertTickets stores tickets by Number in one transaction: a new
	// number is created, an existing one updated in the fields that changed
	// (CreatedAt and ID are kept). Each create or change appends an Event
	// by actor. Either all tickets are stored or none.
	UpsertTickets(ctx context.Context, tickets []Ticket, actor string) (UpsertResult, error)
	// Ticket returns the ticket with id, or an error with code ENOTFOUND.
	Ticket(ctx context.Context, id int64) (Ticket, error)
	// TicketByNumber returns the ticket with number, or ENOTFOUND.
	TicketByNumber(ctx context.Context, number string) (Ticket, error)
	// Tickets returns one page of tickets matching f, newest received first,
	// and the total count of matches.
	Tickets(ctx context.Context, f TicketFilter) ([]Ticket, int, error)
	// EachTicket calls fn for every ticket matching f (ignoring paging), in
	// received order, streaming; it stops at fn's first error.
	EachTicket(ctx context.Context, f TicketFilter, fn func(Ticket) error) error
	// TicketEvents returns the history of a ticket, oldest first.
	TicketEvents(ctx context.Context, ticketID int64) ([]Event, error)
}

// SearchIndexer is implemented by stores that build their keyword index
// after the rows are stored rather than inside UpsertTickets, so that an
// import is not slowed by it. Until IndexSearch has run, keyword filters
// still find the new tickets, only more slowly. The importer calls it after
// each file; servers call it at start-up.
type SearchIndexer interface {
	// IndexSearch indexes every ticket not yet in the keyword index, in
	// transactions that each leave the index consistent, and returns how
	// many it indexed.
	IndexSearch(ctx context.Context) (int, error)
}

// CategoryPath is the category of a ticket as people read it: the levels
// that are set, joined by " / " ("城乡建设 / 住房保障与房地产 / 物业服务").
func CategoryPath(levels ...string) string {
	out := ""
	for _, l := range levels {
		if l == "" {
			continue
		}
		if out != "" {
			out += " / "
		}
		out += l
	}
	return out
}

// CategoryPath returns t's category path (see the function CategoryPath).
func (t Ticket) CategoryPath() string { return CategoryPath(t.Category1, t.Category2, t.Category3) }
