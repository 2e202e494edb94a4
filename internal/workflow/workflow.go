// Package workflow is the life cycle of a 12345 ticket (接诉即办): which
// action may follow which status, what each action changes, the time limits
// (时限) set at dispatch, the working-day calendar they are counted in, and
// the deadline state and reminders of open tickets. It is pure: values in,
// values out; no storage, no HTTP, no clock of its own.
//
// The main flow is 受理 → 派单 → 签收 → 先行联系 → 办理 → 办结 → 回访 → 结案.
// Side paths: 退单 (a unit sends a wrong dispatch back to the dispatcher),
// 改派, 延期 (request, approve, deny), 督办, 合并 (a repeat request closed
// into an open ticket) and 直接答复 (answered at intake). The table works
// from Ticket.Status alone, so imported tickets can go on from any status;
// an empty status counts as 受理.
//
// Decisions where the rules leave room:
//   - 先行联系 cannot be skipped: a signed ticket must record the contact
//     before it is handled or resolved (Beijing practice: the resident hears
//     from the unit first). 办理 may be skipped: 先行联系 → 办结 is allowed
//     for requests settled on the call.
//   - 退单 is possible from 派单 and 签收 only, before the resident was
//     contacted. The unit stays in Ticket.Unit (for the record) and is
//     appended to Workflow.ReturnedBy; the ticket is back with the
//     dispatcher, who dispatches it again (派单 or 改派), merges it or
//     escalates it.
//   - 改派 must name a unit other than the current one, except from 退单.
//   - 合并 is possible while the ticket is with the dispatcher (受理, 退单);
//     直接答复 only from 受理.
//   - Time limits are set on each 派单 and 改派, counted from the
//     transition time tr.At (the unit gets the full limits from when it
//     receives the ticket), not from ReceivedAt; the hotline's total time
//     can always be measured from ReceivedAt. A new dispatch also drops any
//     extension state of the previous one.
//   - 延期: one pending request at a time, only on 签收, 先行联系 and 办理,
//     with a reason and a time after the current deadline. Approval moves
//     Ticket.Deadline to the time asked for, or to tr.Until when the
//     approver grants a different one; denial keeps the deadline. A pending
//     request lapses on 退单, 改派 and 办结.
//   - 督办 is for open tickets: any status before 办结, 退单 included.
package workflow

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// Engine applies life-cycle transitions. The zero value uses DefaultLimits
// and DefaultCalendar. An Engine is not changed by its methods and is safe
// for concurrent use.
type Engine struct {
	Limits   *Limits   // nil: DefaultLimits()
	Calendar *Calendar // nil: DefaultCalendar()
}

// step is one row of the transition table.
type step struct {
	from []string // statuses the action is allowed from
	to   string   // status after it; "" leaves the status unchanged
}

var openStatuses = []string{core.StatusReceived, core.StatusDispatched, core.StatusSigned, core.StatusContacted,
	core.StatusHandling, core.StatusReturned}

var withUnit = []string{core.StatusSigned, core.StatusContacted, core.StatusHandling}

// table is the transition table (流转表).
var table = map[string]step{
	core.ActionDispatch:      {[]string{core.StatusReceived, core.StatusReturned}, core.StatusDispatched},
	core.ActionSign:          {[]string{core.StatusDispatched}, core.StatusSigned},
	core.ActionContact:       {[]string{core.StatusSigned}, core.StatusContacted},
	core.ActionHandle:        {[]string{core.StatusContacted}, core.StatusHandling},
	core.ActionResolve:       {[]string{core.StatusContacted, core.StatusHandling}, core.StatusResolved},
	core.ActionAnswer:        {[]string{core.StatusReceived}, core.StatusResolved},
	core.ActionCallback:      {[]string{core.StatusResolved}, core.StatusCallback},
	core.ActionClose:         {[]string{core.StatusCallback}, core.StatusClosed},
	core.ActionReopen:        {[]string{core.StatusCallback}, core.StatusDispatched},
	core.ActionReturn:        {[]string{core.StatusDispatched, core.StatusSigned}, core.StatusReturned},
	core.ActionRedispatch:    {[]string{core.StatusDispatched, core.StatusSigned, core.StatusReturned}, core.StatusDispatched},
	core.ActionExtendRequest: {withUnit, ""},
	core.ActionExtendApprove: {withUnit, ""},
	core.ActionExtendDeny:    {withUnit, ""},
	core.ActionSupervise:     {openStatuses, ""},
	core.ActionMerge:         {[]string{core.StatusReceived, core.StatusReturned}, core.StatusClosed},
}

// actionOrder is the order of Actions: the main flow, then the side paths.
var actionOrder = []string{
	core.ActionDispatch, core.ActionSign, core.ActionContact, core.ActionHandle, core.ActionResolve,
	core.ActionAnswer, core.ActionCallback, core.ActionClose, core.ActionReopen, core.ActionReturn, core.ActionRedispatch,
	core.ActionExtendRequest, core.ActionExtendApprove, core.ActionExtendDeny, core.ActionSupervise,
	core.ActionMerge,
}

// AllActions returns the life-cycle actions in the order Actions uses.
func AllActions() []string { return slices.Clone(actionOrder) }

// Actions returns the actions the transition table allows from status, in
// a fixed order (main flow first), for the buttons of a user interface. An
// empty status counts as 受理; an unknown one allows nothing. The extension
// actions are listed by status only; Available also looks at the workflow
// state.
func Actions(status string) []string {
	status = statusOf(status)
	var out []string
	for _, a := range actionOrder {
		if slices.Contains(table[a].from, status) {
			out = append(out, a)
		}
	}
	return out
}

// Actions is the package function Actions, as a method for callers that
// hold an Engine behind an interface.
func (e *Engine) Actions(status string) []string { return Actions(status) }

// Available returns the actions Apply would accept on t and w given the
// required inputs: Actions(t.Status) without 延期申请 while a request is
// pending and without 延期批准/驳回 while none is.
func Available(t core.Ticket, w core.Workflow) []string {
	pending := w.Extension == core.ExtensionPending
	var out []string
	for _, a := range Actions(t.Status) {
		switch a {
		case core.ActionExtendRequest:
			if pending {
				continue
			}
		case core.ActionExtendApprove, core.ActionExtendDeny:
			if !pending {
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// Fields tells which inputs of a core.Transition an action needs. Fields
// an action does not need are ignored by Apply.
type Fields struct {
	Unit      bool   // Unit (the lead unit) is required; CoUnits are optional
	Reply     bool   // Reply is required
	Until     bool   // Until is required (延期申请) or optional (延期批准: a different granted time)
	Note      bool   // Note is required (otherwise it is an optional comment)
	NoteLabel string // what the note is, in Chinese: 退单理由, 督办意见, ...
	Callback  bool   // Resolved and Satisfaction are required
	MergeInto bool   // MergeInto (an open ticket's number) is required
}

// Needs returns the inputs of action; the zero Fields (with NoteLabel 备注)
// for an action that needs none, or an unknown one.
func Needs(action string) Fields {
	switch action {
	case core.ActionDispatch, core.ActionRedispatch:
		return Fields{Unit: true, NoteLabel: "派单说明"}
	case core.ActionContact:
		return Fields{NoteLabel: "联系情况"}
	case core.ActionResolve, core.ActionAnswer:
		return Fields{Reply: true, NoteLabel: "备注"}
	case core.ActionCallback:
		return Fields{Callback: true, NoteLabel: "回访记录"}
	case core.ActionReturn:
		return Fields{Note: true, NoteLabel: "退单理由"}
	case core.ActionExtendRequest:
		return Fields{Until: true, Note: true, NoteLabel: "延期理由"}
	case core.ActionExtendApprove:
		return Fields{Until: true, NoteLabel: "审批意见"}
	case core.ActionExtendDeny:
		return Fields{NoteLabel: "驳回理由"}
	case core.ActionSupervise:
		return Fields{Note: true, NoteLabel: "督办意见"}
	case core.ActionMerge:
		return Fields{MergeInto: true, NoteLabel: "合并说明"}
	case core.ActionReopen:
		return Fields{Note: true, NoteLabel: "重办理由"}
	}
	return Fields{NoteLabel: "备注"}
}

// statusOf maps the empty status (not known, e.g. imported) to 受理.
func statusOf(s string) string {
	if s == "" {
		return core.StatusReceived
	}
	return s
}

func label(action string) string {
	if l, ok := core.ActionLabels[action]; ok {
		return l
	}
	return action
}

// maxExtension bounds how far a 延期 may reach beyond its request.
const maxExtension = 366 * 24 * time.Hour

// Apply checks tr against the state of t and w and then applies it: the
// status moves by the transition table and the fields the action records
// change (see the package comment). On error neither t nor w is changed.
// Errors are *core.Error: ECONFLICT when the action is not allowed from
// the ticket's status (or extension state), EINVALID for an unknown action
// or a missing or bad input; messages are Chinese and name the status and
// the action. tr.At must be set.
func (e *Engine) Apply(t *core.Ticket, w *core.Workflow, tr core.Transition) error {
	if t == nil || w == nil {
		return core.Errorf(core.EINVALID, "缺少工单")
	}
	st, ok := table[tr.Action]
	if !ok {
		return core.Errorf(core.EINVALID, "未知的流转动作「%s」", tr.Action)
	}
	if err := checkLengths(tr); err != nil {
		return err
	}
	status := statusOf(t.Status)
	if !slices.Contains(st.from, status) {
		return core.Errorf(core.ECONFLICT, "工单当前状态为「%s」，不能「%s」：%s", status, label(tr.Action), refusal(status, tr.Action))
	}
	if tr.At.IsZero() {
		return core.Errorf(core.EINVALID, "「%s」缺少流转时间", label(tr.Action))
	}
	nt, nw := *t, *w
	if err := e.apply(&nt, &nw, status, tr); err != nil {
		return err
	}
	if st.to != "" {
		nt.Status = st.to
	}
	*t, *w = nt, nw
	return nil
}

// apply changes the copies t and w; the status is already checked.
func (e *Engine) apply(t *core.Ticket, w *core.Workflow, status string, tr core.Transition) error {
	need := func(v, what string) (string, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return "", core.Errorf(core.EINVALID, "「%s」需填写%s", label(tr.Action), what)
		}
		return v, nil
	}
	switch tr.Action {
	case core.ActionDispatch, core.ActionRedispatch:
		unit, err := need(tr.Unit, "承办单位")
		if err != nil {
			return err
		}
		if tr.Action == core.ActionRedispatch && status != core.StatusReturned && unit == t.Unit {
			return core.Errorf(core.EINVALID, "「改派」须选择另一承办单位（当前为「%s」）", unit)
		}
		e.dispatch(t, w, unit, tr)
	case core.ActionSign:
		w.SignedAt = tr.At
	case core.ActionContact:
		t.ContactedAt = tr.At
	case core.ActionHandle, core.ActionClose:
	case core.ActionResolve, core.ActionAnswer:
		reply, err := need(tr.Reply, "答复内容")
		if err != nil {
			return err
		}
		t.Reply, t.ResolvedAt = reply, tr.At
		lapse(w)
	case core.ActionCallback:
		if tr.Resolved == nil {
			return core.Errorf(core.EINVALID, "「回访」需填写问题是否解决")
		}
		sat := core.Satisfaction(strings.TrimSpace(string(tr.Satisfaction)))
		if !slices.Contains(core.Satisfactions, sat) {
			return core.Errorf(core.EINVALID, "「回访」需填写满意度：%s 之一", strings.Join(core.Strings(core.Satisfactions), "、"))
		}
		resolved := *tr.Resolved
		t.CallbackAt, t.Resolved, t.Satisfaction = tr.At, &resolved, sat
	case core.ActionReturn:
		if _, err := need(tr.Note, "退单理由"); err != nil {
			return err
		}
		if t.Unit != "" {
			w.ReturnedBy = append(slices.Clip(w.ReturnedBy), t.Unit)
		}
		lapse(w)
	case core.ActionExtendRequest:
		reason, err := need(tr.Note, "延期理由")
		if err != nil {
			return err
		}
		if w.Extension == core.ExtensionPending {
			return core.Errorf(core.ECONFLICT, "工单当前状态为「%s」，不能「延期申请」：已有待审批的延期申请（延至 %s），请待审批后再申请",
				status, formatTime(w.ExtensionUntil))
		}
		if tr.Until.IsZero() {
			return core.Errorf(core.EINVALID, "「延期申请」需填写申请延至的时间")
		}
		base := t.Deadline
		if base.IsZero() {
			base = tr.At
		}
		if !tr.Until.After(base) {
			return core.Errorf(core.EINVALID, "申请延至的时间须晚于当前办理时限（%s）", formatTime(base))
		}
		if tr.Until.Sub(base) > maxExtension {
			return core.Errorf(core.EINVALID, "申请延期超过一年，请核对延至的时间")
		}
		w.Extension, w.ExtensionUntil, w.ExtensionReason = core.ExtensionPending, tr.Until, reason
	case core.ActionExtendApprove, core.ActionExtendDeny:
		if w.Extension != core.ExtensionPending {
			return core.Errorf(core.ECONFLICT, "工单当前状态为「%s」，不能「%s」：没有待审批的延期申请", status, label(tr.Action))
		}
		if tr.Action == core.ActionExtendDeny {
			w.Extension = core.ExtensionDenied
			break
		}
		until := w.ExtensionUntil
		if !tr.Until.IsZero() {
			base := t.Deadline
			if base.IsZero() {
				base = tr.At
			}
			if !tr.Until.After(base) {
				return core.Errorf(core.EINVALID, "批准延至的时间须晚于当前办理时限（%s）", formatTime(base))
			}
			until = tr.Until
		}
		t.Deadline, w.Extension, w.ExtensionUntil = until, core.ExtensionApproved, until
	case core.ActionSupervise:
		if _, err := need(tr.Note, "督办意见"); err != nil {
			return err
		}
		w.Supervisions++
	case core.ActionReopen:
		if _, err := need(tr.Note, "重办理由"); err != nil {
			return err
		}
		if t.Resolved != nil && *t.Resolved && t.Satisfaction != core.Dissatisfied {
			return core.Errorf(core.ECONFLICT, "回访结果为已解决且未表示不满意，无需重办；请「结案」")
		}
		unit := strings.TrimSpace(tr.Unit)
		if unit == "" {
			unit = t.Unit // back to the unit that handled it
		}
		if unit == "" {
			return core.Errorf(core.EINVALID, "「重办」需填写承办单位")
		}
		e.dispatch(t, w, unit, tr)
	case core.ActionMerge:
		into, err := need(tr.MergeInto, "合并到的工单编号")
		if err != nil {
			return err
		}
		if into == t.Number {
			return core.Errorf(core.EINVALID, "「合并」不能合并到工单自身")
		}
		w.MergedInto = into
	}
	return nil
}

// dispatch records a (re)dispatch to unit and sets the time limits from
// tr.At by the ticket's urgency.
func (e *Engine) dispatch(t *core.Ticket, w *core.Workflow, unit string, tr core.Transition) {
	t.Unit = unit
	w.CoUnits = coUnits(tr.CoUnits, unit)
	w.DispatchedAt, w.SignedAt = tr.At, time.Time{}
	w.Extension, w.ExtensionUntil, w.ExtensionReason = "", time.Time{}, ""
	contact, resolve := e.limits().For(t.Urgency)
	cal := e.calendar()
	w.ContactDeadline, t.Deadline = time.Time{}, time.Time{}
	if !contact.IsZero() {
		w.ContactDeadline = cal.Add(tr.At, contact)
	}
	if !resolve.IsZero() {
		t.Deadline = cal.Add(tr.At, resolve)
	}
}

// Deadlines returns the contact and resolve deadlines a dispatch at at
// would set for a ticket of urgency (empty: 一般); zero for no limit.
func (e *Engine) Deadlines(urgency core.Urgency, at time.Time) (contact, resolve time.Time) {
	c, r := e.limits().For(urgency)
	cal := e.calendar()
	if !c.IsZero() {
		contact = cal.Add(at, c)
	}
	if !r.IsZero() {
		resolve = cal.Add(at, r)
	}
	return contact, resolve
}

// lapse drops a pending extension request.
func lapse(w *core.Workflow) {
	if w.Extension == core.ExtensionPending {
		w.Extension, w.ExtensionUntil, w.ExtensionReason = "", time.Time{}, ""
	}
}

// coUnits cleans co-units: trimmed, no empties, no duplicates, not the lead.
func coUnits(in []string, lead string) []string {
	var out []string
	for _, u := range in {
		u = strings.TrimSpace(u)
		if u != "" && u != lead && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func (e *Engine) limits() *Limits {
	if e == nil || e.Limits == nil {
		return DefaultLimits()
	}
	return e.Limits
}

func (e *Engine) calendar() *Calendar {
	if e == nil || e.Calendar == nil {
		return DefaultCalendar()
	}
	return e.Calendar
}

func formatTime(t time.Time) string { return t.Format("2006-01-02 15:04") }

// refusal says why action is not allowed from status, in Chinese.
func refusal(status, action string) string {
	if !slices.Contains(core.Statuses, status) {
		return "该状态不在流转表中，请先更正工单状态"
	}
	switch status {
	case core.StatusClosed:
		return "工单已结案"
	}
	done := status == core.StatusResolved || status == core.StatusCallback
	switch action {
	case core.ActionDispatch:
		if status == core.StatusDispatched || status == core.StatusSigned {
			return "工单已派出，如需更换承办单位请「改派」"
		}
		if done {
			return "工单已办结"
		}
		return "只有待派单（受理）或被退回（退单）的工单才能派单"
	case core.ActionSign:
		switch status {
		case core.StatusReceived, core.StatusReturned:
			return "需先派单"
		case core.StatusSigned, core.StatusContacted, core.StatusHandling:
			return "工单已签收"
		}
		return "工单已办结"
	case core.ActionContact:
		switch status {
		case core.StatusReceived, core.StatusReturned:
			return "需先派单并签收"
		case core.StatusDispatched:
			return "需先签收"
		case core.StatusContacted, core.StatusHandling:
			return "已联系过来电人"
		}
		return "工单已办结"
	case core.ActionHandle:
		switch status {
		case core.StatusReceived, core.StatusReturned:
			return "需先派单、签收并联系来电人"
		case core.StatusDispatched:
			return "需先签收并联系来电人"
		case core.StatusSigned:
			return "需先联系来电人（先行联系）"
		case core.StatusHandling:
			return "工单已在办理中"
		}
		return "工单已办结"
	case core.ActionResolve:
		switch status {
		case core.StatusReceived:
			return "需先派单；当场可答复的诉求请用「直接答复」"
		case core.StatusReturned:
			return "工单已被退回，需先重新派单"
		case core.StatusDispatched:
			return "需先签收并联系来电人"
		case core.StatusSigned:
			return "需先联系来电人（先行联系）"
		}
		return "工单已办结"
	case core.ActionAnswer:
		if done {
			return "工单已办结"
		}
		return "只有刚受理、尚未派单的工单才能直接答复"
	case core.ActionCallback:
		if status == core.StatusCallback {
			return "工单已回访，请「结案」"
		}
		return "只有已办结的工单才能回访"
	case core.ActionClose:
		if status == core.StatusResolved {
			return "需先回访"
		}
		return "只有已回访的工单才能结案"
	case core.ActionReopen:
		if status == core.StatusResolved {
			return "需先回访"
		}
		return "只有回访未解决或不满意的工单才能重办"
	case core.ActionReturn:
		if done {
			return "工单已办结"
		}
		if status == core.StatusContacted || status == core.StatusHandling {
			return "已联系来电人，不能再退单"
		}
		if status == core.StatusReturned {
			return "工单已被退回"
		}
		return "只有已派单或已签收的工单才能退单"
	case core.ActionRedispatch:
		if status == core.StatusReceived {
			return "工单尚未派出，请用「派单」"
		}
		if done {
			return "工单已办结"
		}
		return "已联系来电人，不能改派"
	case core.ActionExtendRequest, core.ActionExtendApprove, core.ActionExtendDeny:
		if done {
			return "工单已办结"
		}
		return "只有已签收、尚在办理中的工单才能延期"
	case core.ActionSupervise:
		return "只有未办结的工单才能督办"
	case core.ActionMerge:
		if done {
			return "工单已办结"
		}
		return "只有尚未派出（受理或退单）的工单才能合并"
	}
	return "不允许该操作"
}

// Length limits of what a transition carries, in characters. A reply to a
// resident is a few paragraphs, a reason a few sentences; without limits a
// client could grow a ticket's history (and its page) without bound.
const (
	MaxNote  = 2000 // 退单、延期、督办的理由, comments
	MaxReply = 5000 // 办结/直接答复的答复内容
	MaxName  = 100  // a unit name, a ticket number
	MaxUnits = 20   // co-units of one dispatch
)

// checkLengths refuses a transition whose texts exceed the limits.
func checkLengths(tr core.Transition) error {
	long := func(v string, limit int) bool { return utf8.RuneCountInString(v) > limit }
	switch {
	case long(tr.Note, MaxNote):
		return core.Errorf(core.EINVALID, "「%s」的说明不能超过 %d 字", label(tr.Action), MaxNote)
	case long(tr.Reply, MaxReply):
		return core.Errorf(core.EINVALID, "「%s」的答复内容不能超过 %d 字", label(tr.Action), MaxReply)
	case long(tr.Unit, MaxName), long(tr.MergeInto, MaxName), long(string(tr.Satisfaction), MaxName):
		return core.Errorf(core.EINVALID, "「%s」的单位、工单编号或满意度过长", label(tr.Action))
	case len(tr.CoUnits) > MaxUnits:
		return core.Errorf(core.EINVALID, "「%s」的协办单位不能超过 %d 个", label(tr.Action), MaxUnits)
	}
	for _, c := range tr.CoUnits {
		if long(c, MaxName) {
			return core.Errorf(core.EINVALID, "「%s」的协办单位名称过长", label(tr.Action))
		}
	}
	return nil
}
