package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
	"jiceng/internal/workflow"
)

// Returned tickets: historyReturns is the share of dispatched tickets that
// went first to a wrong unit, which returned them (退单) before they were
// redispatched (改派) to the unit in Ticket.Unit.
const historyReturns = 0.07

// Words of the clerks' notes.
var (
	returnWrongUnit = []string{"非本单位职责，应由%s办理。", "经核实，该诉求属%s职责范围，非我单位职责，申请退回改派。",
		"诉求事项不属于本单位管辖，建议转%s办理。", "经初步了解，该问题应由%s负责处置，请改派。"}
	returnWrongCommunity = []string{"经核实，诉求地址不在本社区辖区，属%s，请改派。",
		"该地址属%s辖区，非本社区管辖，申请退回。"}
	returnGeneric = []string{"诉求涉及多个部门职责，本单位无法单独办理，请街道协调派单。",
		"经现场核实，该问题属产权单位自行管理范围，非本单位职责，申请退回。",
		"诉求内容不属于本单位职责范围，申请退回重新派单。"}
	contactNotes = []string{"已电话联系来电人，了解具体情况。", "已电话联系来电人，约定上门查看时间。",
		"已与来电人取得联系，告知办理流程和时限。", "已联系来电人，说明将尽快安排处理。", ""}
	handleNotes = []string{"已安排工作人员到现场核查。", "已协调相关人员现场处置。", "正在办理中，已制定处置方案。",
		"已约谈相关责任方，督促整改。", ""}
	extendReasons = []string{"需协调产权单位及相关部门共同处置，原时限内难以办结。", "涉及维修资金使用，需履行业主表决程序。",
		"需等待专业检测结果后方能处置。", "问题涉及历史遗留，需调取档案核实。", "施工受天气影响，需顺延工期。"}
	denyNotes      = []string{"延期理由不充分，请按原时限办结。", "请加快办理进度，按原时限反馈。", "不予延期，请抓紧办理。"}
	superviseNotes = []string{"已超过办理时限，请承办单位抓紧办理，今日内反馈进展。",
		"该工单已超时，请加快办理并及时回复来电人。", "请高度重视，限期办结并反馈办理结果。"}
	dispatchNotes = []string{"请先行联系来电人，按时限办结。", "", "", ""}
)

// historyTables are what histories need of the street, built once per plan.
type historyTables struct {
	actor    map[string]string // unit name → the username of its clerk or demo user
	staff    []string          // street staff usernames
	leader   string
	specs    map[core.Category]*spec
	unitIdx  map[string]int // unit name → index in Street.Units
	engine   workflow.Engine
	initOnce sync.Once
}

func (p *Plan) tables() *historyTables {
	h := &p.hist
	h.initOnce.Do(func() {
		h.actor, h.unitIdx, h.specs = map[string]string{}, map[string]int{}, map[core.Category]*spec{}
		code := map[string]string{}
		for i, u := range p.st.Units {
			code[u.Code] = u.Name
			h.unitIdx[u.Name] = i
		}
		for _, u := range append(append([]core.User(nil), p.st.Users...), p.st.Clerks...) {
			switch {
			case u.Role == core.RoleStaff:
				h.staff = append(h.staff, u.Username)
			case u.Role == core.RoleLeader && h.leader == "":
				h.leader = u.Username
			case u.Unit != "" && h.actor[code[u.Unit]] == "":
				h.actor[code[u.Unit]] = u.Username
			}
		}
		if len(h.staff) == 0 {
			h.staff = []string{"demo"}
		}
		if h.leader == "" {
			h.leader = h.staff[0]
		}
		for _, sp := range p.g.specs {
			if _, ok := h.specs[sp.cat]; !ok {
				h.specs[sp.cat] = sp
			}
		}
	})
	return h
}

// clerk is who acts for unit: its clerk or demo user ("demo" for a unit
// without either, which NewStreet never makes).
func (h *historyTables) clerk(unit string) string {
	if a := h.actor[unit]; a != "" {
		return a
	}
	return "demo"
}

// History returns the life cycle ticket t (one of p's) went through, as
// events and a workflow state consistent with its fields: created at
// ReceivedAt, dispatched by street staff, signed, contacted at ContactedAt,
// handled, resolved at ResolvedAt with its reply, called back at CallbackAt
// and closed, as far as its status goes; some tickets went to a wrong unit
// first and were returned and redispatched, late ones were supervised
// (督办) and some asked for an extension. The history is drawn from its own
// random source, seeded by the plan's seed and the ticket number, so the
// tickets themselves are the same with or without it.
func (p *Plan) History(t core.Ticket) core.TicketHistory {
	h := p.tables()
	hf := fnv.New64a()
	hf.Write([]byte(t.Number))
	r := rand.New(rand.NewPCG(uint64(p.seed)^0x5bd1e9955bd1e995, hf.Sum64()))
	b := &historyBuilder{r: r, t: t, ht: core.TicketHistory{Ticket: t}, cur: core.Ticket{Status: core.StatusReceived}}
	staff := func() string { return h.staff[r.IntN(len(h.staff))] }
	at, asOf := t.ReceivedAt, p.cutoff

	creator := staff()
	if t.Channel == "网格巡查" {
		if i, ok := p.comms[t.Community]; ok {
			creator = h.clerk(p.st.Units[i].Name)
		}
	}
	b.add(at, creator, core.EventCreate, "", nil)
	if t.Status == core.StatusReceived || t.Status == "" {
		return b.ht
	}
	q := 0.8
	if i, ok := h.unitIdx[t.Unit]; ok {
		q = unitQuality[i%len(unitQuality)]
	}
	lognorm := func(median time.Duration, sigma float64) time.Duration {
		return time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
	}

	// Before the contact: dispatch, sign, perhaps a return and a redispatch.
	end := asOf
	if !t.ContactedAt.IsZero() {
		end = t.ContactedAt
	}
	window := end.Sub(at)
	wrong := ""
	if t.Status != core.StatusReturned && window > 40*time.Minute && r.Float64() < historyReturns {
		wrong = p.wrongUnit(r, t)
	}
	signs := t.Status != core.StatusDispatched && t.Status != core.StatusReturned || (t.Status == core.StatusReturned && r.IntN(2) == 0)
	gaps := []time.Duration{lognorm(12*time.Minute, 0.6)} // dispatch
	if wrong != "" {
		gaps = append(gaps, lognorm(20*time.Minute, 0.6), lognorm(30*time.Minute, 0.6), lognorm(15*time.Minute, 0.6))
	}
	if signs {
		gaps = append(gaps, time.Duration(float64(lognorm(15*time.Minute, 0.7))*(1.8-q)))
	}
	if t.Status == core.StatusReturned {
		gaps = append(gaps, lognorm(40*time.Minute, 0.7))
	}
	times := fit(at, end, gaps)
	k := 0
	next := func() time.Time { k++; return times[k-1] }
	first := t.Unit
	if wrong != "" {
		first = wrong
	}
	dispatch := func(action, unit, note string) {
		at := next()
		ch := []core.Change{{Field: "unit", Before: b.cur.Unit, After: unit}}
		if b.cur.Deadline.IsZero() && !t.Deadline.IsZero() {
			ch = append(ch, core.Change{Field: "deadline", After: dbutil.TimeText(t.Deadline)})
			b.cur.Deadline = t.Deadline
		}
		b.cur.Unit = unit
		b.status(core.StatusDispatched, &ch)
		b.add(at, staff(), action, note, ch)
		w := &b.ht.Workflow
		w.DispatchedAt, w.SignedAt = at, time.Time{}
		w.ContactDeadline, _ = h.engine.Deadlines(t.Urgency, at)
	}
	sign := func() {
		at := next()
		b.step(at, h.clerk(b.cur.Unit), core.ActionSign, core.StatusSigned, "")
		b.ht.Workflow.SignedAt = at
	}
	dispatch(core.ActionDispatch, first, pick(r, dispatchNotes))
	if wrong != "" {
		sign()
		b.step(next(), h.clerk(wrong), core.ActionReturn, core.StatusReturned, p.returnReason(r, t, wrong))
		b.ht.Workflow.ReturnedBy = append(b.ht.Workflow.ReturnedBy, wrong)
		dispatch(core.ActionRedispatch, t.Unit, "根据退单理由改派。")
	}
	if signs {
		sign()
	}
	if t.Status == core.StatusReturned {
		b.step(next(), h.clerk(t.Unit), core.ActionReturn, core.StatusReturned, p.returnReason(r, t, t.Unit))
		b.ht.Workflow.ReturnedBy = append(b.ht.Workflow.ReturnedBy, t.Unit)
		return b.ht
	}
	if t.ContactedAt.IsZero() {
		p.openSteps(b, h, r, asOf)
		return b.ht
	}

	// From the contact on, at the ticket's own times.
	unit := h.clerk(t.Unit)
	b.step(t.ContactedAt, unit, core.ActionContact, core.StatusContacted, pick(r, contactNotes), core.Change{Field: "contacted_at", After: dbutil.TimeText(t.ContactedAt)})
	until := asOf
	if !t.ResolvedAt.IsZero() {
		until = t.ResolvedAt
	}
	span := until.Sub(t.ContactedAt)
	switch {
	case t.Status == core.StatusHandling:
		b.step(t.ContactedAt.Add(span/4), unit, core.ActionHandle, core.StatusHandling, pick(r, handleNotes))
	case t.Status == core.StatusContacted:
	case span > time.Hour && r.Float64() < 0.75:
		b.step(t.ContactedAt.Add(time.Duration(float64(span)*0.1*(1+r.Float64()))), unit, core.ActionHandle, core.StatusHandling, pick(r, handleNotes))
	}
	p.lateSteps(b, h, r, until)
	if t.ResolvedAt.IsZero() {
		return b.ht
	}
	ch := []core.Change{{Field: "resolved_at", After: dbutil.TimeText(t.ResolvedAt)}, {Field: "reply", After: t.Reply}}
	if t.Resolved != nil {
		ch = append(ch, core.Change{Field: "resolved", After: dbutil.BoolText(t.Resolved)})
	}
	b.step(t.ResolvedAt, unit, core.ActionResolve, core.StatusResolved, "", ch...)
	if b.ht.Workflow.Extension == core.ExtensionPending { // a pending request lapses on 办结
		w := &b.ht.Workflow
		w.Extension, w.ExtensionUntil, w.ExtensionReason = "", time.Time{}, ""
	}
	if t.CallbackAt.IsZero() {
		return b.ht
	}
	ch = []core.Change{{Field: "callback_at", After: dbutil.TimeText(t.CallbackAt)}}
	if t.Satisfaction != "" {
		ch = append(ch, core.Change{Field: "satisfaction", After: string(t.Satisfaction)})
	}
	b.step(t.CallbackAt, staff(), core.ActionCallback, core.StatusCallback, callbackNote(t), ch...)
	if t.Status == core.StatusClosed {
		closeAt := t.CallbackAt.Add(time.Duration(5+r.IntN(120)) * time.Minute)
		if closeAt.After(asOf) {
			closeAt = asOf
		}
		b.step(closeAt, staff(), core.ActionClose, core.StatusClosed, "")
	}
	return b.ht
}

// openSteps adds what may have happened to a signed ticket not yet
// contacted: an extension request pending, a supervision when late.
func (p *Plan) openSteps(b *historyBuilder, h *historyTables, r *rand.Rand, asOf time.Time) {
	if b.cur.Status == core.StatusSigned {
		p.lateSteps(b, h, r, asOf)
	}
}

// lateSteps adds the supervision (督办) of a ticket past its deadline before
// until, and for some slow tickets an extension request (延期申请), denied
// when the ticket was resolved (its deadline did not move) and pending
// while it is open.
func (p *Plan) lateSteps(b *historyBuilder, h *historyTables, r *rand.Rand, until time.Time) {
	t := &b.ht.Ticket
	last := b.ht.Events[len(b.ht.Events)-1].At
	if t.Deadline.IsZero() || !until.After(last) {
		return
	}
	open := t.ResolvedAt.IsZero()
	long := t.Urgency == "一般" || t.Urgency == "复杂"
	if long && r.Float64() < 0.45 && (until.After(t.Deadline) || (open && until.Add(24*time.Hour).After(t.Deadline))) {
		req := last.Add(until.Sub(last) / 3)
		if d := t.Deadline.Add(-time.Duration(2+r.IntN(20)) * time.Hour); d.After(last) && d.Before(until) {
			req = d
		}
		reason := pick(r, extendReasons)
		asked := t.Deadline.Add(time.Duration(3+r.IntN(10)) * 24 * time.Hour).Truncate(time.Hour)
		b.step(req, h.clerk(t.Unit), core.ActionExtendRequest, "", reason)
		w := &b.ht.Workflow
		w.Extension, w.ExtensionUntil, w.ExtensionReason = core.ExtensionPending, asked, reason
		if !open {
			decided := req.Add(time.Duration(1+r.IntN(6)) * time.Hour)
			if decided.After(until) {
				decided = req.Add(until.Sub(req) / 2)
			}
			b.step(decided, pick(r, []string{h.leader, h.staff[0]}), core.ActionExtendDeny, "", pick(r, denyNotes))
			w.Extension = core.ExtensionDenied
		}
		last = b.ht.Events[len(b.ht.Events)-1].At
	}
	if until.After(t.Deadline) && r.Float64() < 0.7 {
		at := t.Deadline.Add(time.Duration(1+r.IntN(8)) * time.Hour)
		if !at.After(last) || !at.Before(until) {
			from := last
			if t.Deadline.After(from) {
				from = t.Deadline
			}
			at = from.Add(until.Sub(from) / 2)
		}
		actor := h.leader
		if r.IntN(2) == 0 {
			actor = h.staff[r.IntN(len(h.staff))]
		}
		b.step(at, actor, core.ActionSupervise, "", pick(r, superviseNotes))
		b.ht.Workflow.Supervisions++
	}
}

// wrongUnit picks the unit a ticket went to by mistake before its own: a
// neighbouring community for a community's ticket now and then, else a unit
// the catalog does not name for the ticket's category.
func (p *Plan) wrongUnit(r *rand.Rand, t core.Ticket) string {
	h := p.tables()
	own, ok := h.unitIdx[t.Unit]
	if !ok {
		return ""
	}
	if p.st.Units[own].Kind == core.UnitCommunity && r.IntN(2) == 0 {
		i := (own + 1 + r.IntN(2)) % len(communities)
		return p.st.Units[i].Name
	}
	named := map[string]bool{t.Unit: true}
	if sp := h.specs[core.Category{Level1: t.Category1, Level2: t.Category2, Level3: t.Category3}]; sp != nil {
		for _, c := range sp.units {
			if c == "C" {
				for i := range communities {
					named[p.st.Units[i].Name] = true
				}
				continue
			}
			if i, ok := p.units[c]; ok {
				named[p.st.Units[i].Name] = true
			}
		}
	}
	for range 8 {
		u := p.st.Units[len(communities)+r.IntN(len(p.st.Units)-len(communities))]
		if !named[u.Name] {
			return u.Name
		}
	}
	return ""
}

// returnReason is the reason unit gives for returning t (退单).
func (p *Plan) returnReason(r *rand.Rand, t core.Ticket, unit string) string {
	if unit == t.Unit {
		// Returned and waiting: it says where it should go, if it knows.
		if other := p.wrongUnit(r, t); other != "" && r.IntN(3) > 0 {
			return strings.Replace(pick(r, returnWrongUnit), "%s", other, 1)
		}
		return pick(r, returnGeneric)
	}
	h := p.tables()
	if i, ok := h.unitIdx[unit]; ok && p.st.Units[i].Kind == core.UnitCommunity {
		if j, ok := h.unitIdx[t.Unit]; ok && p.st.Units[j].Kind == core.UnitCommunity {
			return strings.Replace(pick(r, returnWrongCommunity), "%s", t.Unit, 1)
		}
	}
	return strings.Replace(pick(r, returnWrongUnit), "%s", t.Unit, 1)
}

// callbackNote is the record of a callback (回访).
func callbackNote(t core.Ticket) string {
	switch {
	case t.Satisfaction == "":
		return "三次回访电话均未接通。"
	case t.Resolved != nil && !*t.Resolved:
		return "来电人表示问题尚未解决，评价" + string(t.Satisfaction) + "。"
	}
	return "来电人表示问题已解决，评价" + string(t.Satisfaction) + "。"
}

// historyBuilder collects a ticket's events while tracking the status and
// unit they lead to, so that each event's changes say what it changed.
type historyBuilder struct {
	r   *rand.Rand
	t   core.Ticket
	cur core.Ticket // the fields as of the last event
	ht  core.TicketHistory
}

func (b *historyBuilder) add(at time.Time, actor, action, note string, ch []core.Change) {
	b.ht.Events = append(b.ht.Events, core.Event{At: at, Actor: actor, Action: action, Note: note, Changes: ch})
}

// status records a change of status into ch.
func (b *historyBuilder) status(to string, ch *[]core.Change) {
	if to != "" && to != b.cur.Status {
		*ch = append([]core.Change{{Field: "status", Before: b.cur.Status, After: to}}, *ch...)
		b.cur.Status = to
	}
}

// step adds an event that moves the status to to ("" keeps it) and changes
// the fields in ch.
func (b *historyBuilder) step(at time.Time, actor, action, to, note string, ch ...core.Change) {
	if last := b.ht.Events[len(b.ht.Events)-1].At; at.Before(last) {
		at = last
	}
	b.status(to, &ch)
	b.add(at, actor, action, note, ch)
}

// fit lays out steps after start, each gaps[i] (at least a minute) after
// the one before, squeezed to fit before end: at most 90% of the way to
// it. Times are cut to whole seconds.
func fit(start, end time.Time, gaps []time.Duration) []time.Time {
	var sum time.Duration
	for _, g := range gaps {
		sum += max(g, time.Minute)
	}
	room := time.Duration(float64(end.Sub(start)) * 0.9)
	scale := 1.0
	if sum > room {
		scale = float64(room) / float64(sum)
	}
	out := make([]time.Time, len(gaps))
	at := start
	for i, g := range gaps {
		at = at.Add(time.Duration(float64(max(g, time.Minute)) * scale))
		out[i] = at.Truncate(time.Second)
		if out[i].Before(start) {
			out[i] = start
		}
	}
	return out
}
