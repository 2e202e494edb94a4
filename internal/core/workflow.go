package core

import (
	"context"
	"time"
)

// Workflow actions (流转动作): the transitions of the 接诉即办 life cycle. An
// Event of a transition has one of these as its Action.
const (
	ActionDispatch      = "dispatch"       // 派单: 受理 or 退单 → 派单, to a unit (and co-units)
	ActionSign          = "sign"           // 签收: 派单 → 签收, by the unit
	ActionContact       = "contact"        // 先行联系: 签收 → 先行联系, the resident was contacted
	ActionHandle        = "handle"         // 办理: 先行联系 → 办理
	ActionResolve       = "resolve"        // 办结: 先行联系 or 办理 → 办结, with the reply text
	ActionCallback      = "callback"       // 回访: 办结 → 回访, resolved yes/no and satisfaction
	ActionClose         = "close"          // 结案: 回访 → 结案
	ActionReturn        = "return"         // 退单: 派单 or 签收 → 退单, the unit returns a wrong dispatch, with a reason
	ActionRedispatch    = "redispatch"     // 改派: 派单, 签收 or 退单 → 派单, to another unit
	ActionExtendRequest = "extend_request" // 延期申请: the unit asks for a later deadline; status unchanged
	ActionExtendApprove = "extend_approve" // 延期批准: the new deadline applies
	ActionExtendDeny    = "extend_deny"    // 延期驳回
	ActionSupervise     = "supervise"      // 督办/催办: escalation of an open ticket; status unchanged
	ActionMerge         = "merge"          // 合并: a repeat request merged into an open ticket → 结案
	ActionAnswer        = "answer"         // 直接答复: answered at intake (受理 → 办结), e.g. a policy question
	ActionReopen        = "reopen"         // 重办: 回访 → 派单 after a callback found it unsolved or the caller dissatisfied
)

// ActionLabels gives each action's Chinese name; EventCreate and
// EventUpdate are included.
var ActionLabels = map[string]string{
	EventCreate: "创建", EventUpdate: "更新",
	ActionDispatch: "派单", ActionSign: "签收", ActionContact: "先行联系", ActionHandle: "办理",
	ActionResolve: "办结", ActionCallback: "回访", ActionClose: "结案", ActionReturn: "退单",
	ActionRedispatch: "改派", ActionExtendRequest: "延期申请", ActionExtendApprove: "延期批准",
	ActionExtendDeny: "延期驳回", ActionSupervise: "督办", ActionMerge: "合并", ActionAnswer: "直接答复",
	ActionReopen: "重办", EventReveal: "查看完整信息",
}

// ActionLabel returns action a's Chinese name, or a itself when it has
// none.
func ActionLabel(a string) string {
	if l, ok := ActionLabels[a]; ok {
		return l
	}
	return a
}

// EventReveal records that a masked role was shown masked fields of the
// ticket (the caller's name, phone, ID number, address) in clear, for a
// reason (先行联系, 督办): an audited reveal, not a life-cycle step.
const EventReveal = "reveal"

// Extension states.
const (
	ExtensionPending  = "pending"
	ExtensionApproved = "approved"
	ExtensionDenied   = "denied"
)

// Workflow is the life-cycle state of a ticket beyond its own fields (the
// ticket keeps Status, Unit, Deadline, ContactedAt, ResolvedAt, Reply,
// Resolved, Satisfaction, CallbackAt). Zero values mean "not yet".
type Workflow struct {
	TicketID        int64
	DispatchedAt    time.Time
	SignedAt        time.Time
	ContactDeadline time.Time // 先行联系时限; the resolve limit is Ticket.Deadline
	CoUnits         []string  // 协办单位; Ticket.Unit is the lead unit
	ReturnedBy      []string  // units that returned the ticket (退单), oldest first
	Extension       string    // "", ExtensionPending, ExtensionApproved, ExtensionDenied
	ExtensionUntil  time.Time // the deadline asked for (and, approved, granted)
	ExtensionReason string
	Supervisions    int    // 督办 count
	MergedInto      string // number of the open ticket this one was merged into
}

// Transition is one requested life-cycle step: the action and what it
// carries. Fields an action does not use are ignored.
type Transition struct {
	Action       string
	Actor        string       // user name
	At           time.Time    // when; set by the service from its clock
	Note         string       // reason (退单, 延期, 督办), comment
	Unit         string       // 派单/改派: the lead unit
	CoUnits      []string     // 派单/改派: co-units
	Reply        string       // 办结/直接答复: the reply to the resident
	Until        time.Time    // 延期申请: the deadline asked for
	Resolved     *bool        // 回访: was the problem solved
	Satisfaction Satisfaction // 回访: one of Satisfactions
	MergeInto    string       // 合并: number of the open ticket
}

// WorkflowStore keeps the life-cycle state of tickets.
type WorkflowStore interface {
	// Transition loads ticket id and its workflow state in one
	// transaction, calls fn to change them, and stores the changed ticket
	// fields, the workflow state and one Event (tr's action, actor, note,
	// time and the ticket's changed fields). If fn returns an error,
	// nothing is stored and that error is returned. Concurrent transitions
	// of one ticket are serialised.
	Transition(ctx context.Context, id int64, tr Transition, fn func(t *Ticket, w *Workflow) error) (Ticket, Workflow, error)
	// Workflow returns the workflow state of a ticket (zero, with TicketID,
	// for a ticket never transitioned); ENOTFOUND for an unknown ticket.
	Workflow(ctx context.Context, id int64) (Workflow, error)
	// DueTickets returns open tickets (status before 办结, not 结案) whose
	// Deadline or workflow ContactDeadline is before the given time, by
	// Deadline (tickets without one last), at most limit; filter f
	// (without paging and keyword) narrows them.
	DueTickets(ctx context.Context, before time.Time, f TicketFilter, limit int) ([]Ticket, error)
}

// DispatchRule is one item of the dispatch catalogue (派单目录): tickets of
// the category (a level may be empty: any) that mention one of the
// keywords (none: any) in the community (empty: any) go to Unit, with
// CoUnits. Higher Priority wins among matching rules; then the more
// specific rule.
type DispatchRule struct {
	ID        int64
	Category1 string
	Category2 string
	Category3 string
	Keywords  []string
	Community string // community code or name; empty: the whole street
	Unit      string
	CoUnits   []string
	Priority  int
	Note      string
}

// CatalogueVersion is one version of the dispatch catalogue. Every
// catalogue ever loaded is kept, so that an earlier one can be looked at,
// downloaded and restored. An upload is staged first (AppliedAt zero) and
// becomes the catalogue only when its uploader confirms the differences.
type CatalogueVersion struct {
	Version   int       // 1, 2, ... in the order they were staged
	CreatedAt time.Time // when it was uploaded (or restored)
	CreatedBy string    // user name, or "demo", "registry" for the CLI
	Source    string    // the file name, or "恢复第 N 版"
	Rules     int       // number of rules
	AppliedAt time.Time // when it became the catalogue; zero while staged
}

// DispatchRuleStore keeps the dispatch catalogue and its versions.
type DispatchRuleStore interface {
	// ReplaceDispatchRules makes rules the catalogue at once, recording
	// them as a new applied version with v's CreatedAt, CreatedBy and
	// Source (for the CLI and the demo, which have no one to confirm).
	ReplaceDispatchRules(ctx context.Context, rules []DispatchRule, v CatalogueVersion) (CatalogueVersion, error)
	// DispatchRules returns the catalogue in force, in its order.
	DispatchRules(ctx context.Context) ([]DispatchRule, error)
	// StageDispatchRules records rules as a new version awaiting
	// confirmation, and drops the unconfirmed versions of the same user
	// and any older than a day.
	StageDispatchRules(ctx context.Context, rules []DispatchRule, v CatalogueVersion) (CatalogueVersion, error)
	// ApplyCatalogueVersion makes the staged version the catalogue at
	// time at, provided the catalogue in force is still version base (0:
	// none), so that a confirmation never overwrites a catalogue someone
	// else loaded meanwhile (ECONFLICT); an unknown or already applied
	// version is ENOTFOUND.
	ApplyCatalogueVersion(ctx context.Context, version, base int, at time.Time) error
	// CatalogueVersions returns the versions, newest first, at most limit;
	// CurrentCatalogue the one in force (Version 0 when none).
	CatalogueVersions(ctx context.Context, limit int) ([]CatalogueVersion, error)
	CurrentCatalogue(ctx context.Context) (CatalogueVersion, error)
	// CatalogueVersionRules returns the rules of a version (ENOTFOUND for
	// an unknown one).
	CatalogueVersionRules(ctx context.Context, version int) (CatalogueVersion, []DispatchRule, error)
}
