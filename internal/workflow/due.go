package workflow

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
)

// Deadline states.
const (
	StateNone    = "none"    // no limit runs: no deadline, or the step is done
	StateOK      = "ok"      // more than the warning time left
	StateNear    = "near"    // at most the warning time left (临期)
	StateOverdue = "overdue" // the deadline has passed (超时)
)

// Reminder kinds: which limit.
const (
	KindContact = "contact" // 先行联系时限
	KindResolve = "resolve" // 办理时限
)

// KindLabels gives each reminder kind's Chinese name.
var KindLabels = map[string]string{KindContact: "先行联系", KindResolve: "办结"}

// Countdown is the state of one time limit at a moment.
type Countdown struct {
	Deadline time.Time     // zero for StateNone without a deadline
	State    string        // StateNone, StateOK, StateNear or StateOverdue
	Left     time.Duration // Deadline - now; negative when overdue; 0 for StateNone
}

// Due is the state of a ticket's two time limits.
type Due struct {
	Contact Countdown // runs while the ticket waits for 先行联系 (派单, 签收)
	Resolve Countdown // runs while the ticket is open (before 办结, 退单 included)
}

// Due returns the state of t's contact limit (w.ContactDeadline) and
// resolve limit (t.Deadline, moved by approved extensions) at now. A limit
// is near when at most warn is left (warn <= 0: never near) and overdue
// from its deadline on: a deadline is the first moment that is late. A
// pending extension does not stop the clock.
func (e *Engine) Due(t core.Ticket, w core.Workflow, now time.Time, warn time.Duration) Due {
	var d Due
	status := statusOf(t.Status)
	// A contact before the latest dispatch (a reopened ticket) does not
	// count: the new unit must contact the caller again.
	contacted := !t.ContactedAt.IsZero() && !t.ContactedAt.Before(w.DispatchedAt)
	if (status == core.StatusDispatched || status == core.StatusSigned) && !contacted {
		d.Contact = countdown(w.ContactDeadline, now, warn)
	} else {
		d.Contact = Countdown{Deadline: w.ContactDeadline, State: StateNone}
	}
	if slices.Contains(openStatuses, status) {
		d.Resolve = countdown(t.Deadline, now, warn)
	} else {
		d.Resolve = Countdown{Deadline: t.Deadline, State: StateNone}
	}
	return d
}

func countdown(deadline, now time.Time, warn time.Duration) Countdown {
	if deadline.IsZero() {
		return Countdown{State: StateNone}
	}
	left := deadline.Sub(now)
	c := Countdown{Deadline: deadline, Left: left, State: StateOK}
	switch {
	case left <= 0:
		c.State = StateOverdue
	case left <= warn:
		c.State = StateNear
	}
	return c
}

// Reminder is one limit of one ticket that is near or overdue (催办提醒).
// It carries no personal data: no names, phones, addresses or request text.
type Reminder struct {
	TicketID     int64
	Number       string // 工单编号
	Kind         string // KindContact or KindResolve
	Due          time.Time
	Overdue      bool
	Left         time.Duration // negative when overdue
	Urgency      core.Urgency
	Unit         string // 承办单位
	Community    string
	Category     string // the category levels joined by "/"
	Supervisions int    // 督办 count so far
	Text         string // one line in Chinese, e.g. "工单 A001 先行联系已超时 2小时（时限 03-02 10:00），承办单位：某社区"
}

// Reminders returns the reminders of tickets at now: each near or overdue
// limit (see Due) of each ticket, its workflow state from flows by ticket
// ID (missing: the zero state). Overdue reminders come first, then the
// others; within each the earliest deadline first, then by number and
// kind (contact before resolve).
func (e *Engine) Reminders(tickets []core.Ticket, flows map[int64]core.Workflow, now time.Time, warn time.Duration) []Reminder {
	var out []Reminder
	for i := range tickets {
		t := &tickets[i]
		w := flows[t.ID]
		d := e.Due(*t, w, now, warn)
		for _, c := range [...]struct {
			kind string
			c    Countdown
		}{{KindContact, d.Contact}, {KindResolve, d.Resolve}} {
			if c.c.State != StateNear && c.c.State != StateOverdue {
				continue
			}
			r := Reminder{
				TicketID: t.ID, Number: t.Number, Kind: c.kind, Due: c.c.Deadline,
				Overdue: c.c.State == StateOverdue, Left: c.c.Left, Urgency: t.Urgency, Unit: t.Unit,
				Community: t.Community, Category: category(*t), Supervisions: w.Supervisions,
			}
			r.Text = reminderText(r)
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Reminder) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Number, b.Number),
			cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), cmp.Compare(a.TicketID, b.TicketID))
	})
	return out
}

func kindRank(k string) int {
	if k == KindContact {
		return 0
	}
	return 1
}

func category(t core.Ticket) string {
	c := t.Category1
	for _, l := range [...]string{t.Category2, t.Category3} {
		if l != "" {
			if c != "" {
				c += "/"
			}
			c += l
		}
	}
	return c
}

func reminderText(r Reminder) string {
	var b strings.Builder
	b.Grow(128)
	b.WriteString("工单 ")
	b.WriteString(r.Number)
	b.WriteByte(' ')
	b.WriteString(KindLabels[r.Kind])
	if r.Overdue {
		b.WriteString("已超时 ")
		b.WriteString(FormatDuration(-r.Left))
	} else {
		b.WriteString("即将到期，还剩 ")
		b.WriteString(FormatDuration(r.Left))
	}
	b.WriteString("（时限 ")
	b.Write(r.Due.AppendFormat(make([]byte, 0, 16), "01-02 15:04"))
	b.WriteString("）")
	if r.Unit != "" {
		b.WriteString("，承办单位：")
		b.WriteString(r.Unit)
	}
	if r.Supervisions > 0 {
		b.WriteString("，已督办 ")
		b.WriteString(strconv.Itoa(r.Supervisions))
		b.WriteString(" 次")
	}
	return b.String()
}

// FormatDuration writes d in Chinese to the minute: "1天2小时", "3小时5分钟",
// "不到1分钟". A negative d is written as its absolute value.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	m := int64(d / time.Minute)
	if m == 0 {
		return "不到1分钟"
	}
	days, hours, mins := m/(24*60), m/60%24, m%60
	b := make([]byte, 0, 32)
	if days > 0 {
		b = append(strconv.AppendInt(b, days, 10), "天"...)
	}
	if hours > 0 {
		b = append(strconv.AppendInt(b, hours, 10), "小时"...)
	}
	if mins > 0 && days == 0 {
		b = append(strconv.AppendInt(b, mins, 10), "分钟"...)
	}
	return string(b)
}

// DueSource is what DueReminders reads: a core.WorkflowStore.
type DueSource interface {
	DueTickets(ctx context.Context, before time.Time, f core.TicketFilter, limit int) ([]core.Ticket, error)
	Workflow(ctx context.Context, id int64) (core.Workflow, error)
}

// DueReminders reads from src the open tickets matching f with a limit
// before now+warn (at most limit tickets), with their workflow states, and
// returns their Reminders at now. Times are shown in now's location.
func (e *Engine) DueReminders(ctx context.Context, src DueSource, f core.TicketFilter, now time.Time, warn time.Duration, limit int) ([]Reminder, error) {
	ts, err := src.DueTickets(ctx, now.Add(warn), f, limit)
	if err != nil {
		return nil, err
	}
	flows := make(map[int64]core.Workflow, len(ts))
	for i := range ts {
		w, err := src.Workflow(ctx, ts[i].ID)
		if err != nil {
			return nil, err
		}
		InZone(&ts[i], &w, now.Location())
		flows[ts[i].ID] = w
	}
	return e.Reminders(ts, flows, now, warn), nil
}

// InZone shows the times of t and w in loc. Stores return times in the
// process's zone; the engine counts working days, and writes times in its
// messages, in the zone of the times it is given.
func InZone(t *core.Ticket, w *core.Workflow, loc *time.Location) {
	for _, p := range []*time.Time{&t.ReceivedAt, &t.Deadline, &t.ContactedAt, &t.ResolvedAt, &t.CallbackAt,
		&w.DispatchedAt, &w.SignedAt, &w.ContactDeadline, &w.ExtensionUntil} {
		if !p.IsZero() {
			*p = p.In(loc)
		}
	}
}
