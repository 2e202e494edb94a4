package workflow

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestDue(t *testing.T) {
	const warn = time.Hour
	// base: contact deadline 2025-03-03 11:30, resolve deadline 2025-03-13 00:00.
	cases := []struct {
		name             string
		status           string
		prep             func(*core.Ticket, *core.Workflow)
		now              string
		contact, resolve string // states
		left             time.Duration
	}{
		{"受理无时限", core.StatusReceived, nil, "2025-03-03 10:00", StateNone, StateNone, 0},
		{"派单未到期", core.StatusDispatched, nil, "2025-03-03 10:00", StateOK, StateOK, 90 * time.Minute},
		{"签收临期", core.StatusSigned, nil, "2025-03-03 10:45", StateNear, StateOK, 45 * time.Minute},
		{"恰好一小时算临期", core.StatusSigned, nil, "2025-03-03 10:30", StateNear, StateOK, time.Hour},
		{"到点即超时", core.StatusSigned, nil, "2025-03-03 11:30", StateOverdue, StateOK, 0},
		{"联系超时", core.StatusDispatched, nil, "2025-03-03 14:30", StateOverdue, StateOK, -3 * time.Hour},
		{"已联系不再计联系时限", core.StatusContacted, func(tk *core.Ticket, w *core.Workflow) { tk.ContactedAt = at("2025-03-03 11:00") },
			"2025-03-04 10:00", StateNone, StateOK, 0},
		{"导入签收但有联系时间", core.StatusSigned, func(tk *core.Ticket, w *core.Workflow) { tk.ContactedAt = at("2025-03-03 11:00") },
			"2025-03-04 10:00", StateNone, StateOK, 0},
		{"办理临期", core.StatusHandling, nil, "2025-03-12 23:30", StateNone, StateNear, 0},
		{"办理超时", core.StatusHandling, nil, "2025-03-14 00:00", StateNone, StateOverdue, 0},
		{"批准延期后不再超时", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) {
			tk.Deadline, w.Extension, w.ExtensionUntil = at("2025-03-20 00:00"), core.ExtensionApproved, at("2025-03-20 00:00")
		}, "2025-03-14 00:00", StateNone, StateOK, 0},
		{"待批延期照常计时", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) {
			w.Extension, w.ExtensionUntil = core.ExtensionPending, at("2025-03-20 00:00")
		}, "2025-03-14 00:00", StateNone, StateOverdue, 0},
		{"退单仍计办理时限", core.StatusReturned, nil, "2025-03-14 00:00", StateNone, StateOverdue, 0},
		{"办结不计", core.StatusResolved, nil, "2025-03-14 00:00", StateNone, StateNone, 0},
		{"结案不计", core.StatusClosed, nil, "2025-03-14 00:00", StateNone, StateNone, 0},
		{"无办理时限", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) { tk.Deadline = time.Time{} },
			"2025-03-14 00:00", StateNone, StateNone, 0},
		{"未知状态不计", "挂起", nil, "2025-03-14 00:00", StateNone, StateNone, 0},
	}
	var e Engine
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk, w := base(c.status)
			if c.prep != nil {
				c.prep(&tk, &w)
			}
			d := e.Due(tk, w, at(c.now), warn)
			if d.Contact.State != c.contact || d.Resolve.State != c.resolve {
				t.Errorf("states = %s/%s, want %s/%s", d.Contact.State, d.Resolve.State, c.contact, c.resolve)
			}
			if c.left != 0 && d.Contact.Left != c.left {
				t.Errorf("contact left = %v, want %v", d.Contact.Left, c.left)
			}
			if d.Contact.State == StateNone && d.Contact.Left != 0 || d.Resolve.State == StateNone && d.Resolve.Left != 0 {
				t.Errorf("none with time left: %+v", d)
			}
		})
	}
	tk, w := base(core.StatusSigned)
	if d := e.Due(tk, w, at("2025-03-03 11:00"), 0); d.Contact.State != StateOK {
		t.Errorf("warn 0: %s, want ok", d.Contact.State)
	}
}

func TestReminders(t *testing.T) {
	now := at("2025-03-10 10:00")
	mk := func(id int64, status, deadline, contactDeadline string) (core.Ticket, core.Workflow) {
		tk := core.Ticket{ID: id, Number: fmt.Sprintf("N%03d", id), Status: status, Unit: "城管科", Urgency: "一般",
			Community: "甲社区", Category1: "市容环境", Category2: "垃圾", CallerName: "张三", CallerPhone: "13800000000",
			Content: "楼下垃圾没人清"}
		w := core.Workflow{TicketID: id, Supervisions: int(id % 2)}
		if deadline != "" {
			tk.Deadline = at(deadline)
		}
		if contactDeadline != "" {
			w.ContactDeadline = at(contactDeadline)
		}
		return tk, w
	}
	var tickets []core.Ticket
	flows := map[int64]core.Workflow{}
	add := func(tk core.Ticket, w core.Workflow) { tickets = append(tickets, tk); flows[tk.ID] = w }
	add(mk(1, core.StatusHandling, "2025-03-20 00:00", ""))                   // ok: nothing
	add(mk(2, core.StatusHandling, "2025-03-10 10:30", ""))                   // near 30 min
	add(mk(3, core.StatusHandling, "2025-03-09 00:00", ""))                   // overdue 34 h
	add(mk(4, core.StatusSigned, "2025-03-10 10:50", "2025-03-10 09:00"))     // contact overdue 1 h, resolve near 50 min
	add(mk(5, core.StatusResolved, "2025-03-01 00:00", ""))                   // done: nothing
	add(mk(6, core.StatusDispatched, "2025-03-19 00:00", "2025-03-10 10:20")) // contact near 20 min
	t7, _ := mk(7, core.StatusHandling, "2025-03-09 00:00", "")               // overdue, same deadline as 3, no flow
	tickets = append(tickets, t7)

	got := new(Engine).Reminders(tickets, flows, now, time.Hour)
	var keys []string
	for _, r := range got {
		keys = append(keys, fmt.Sprintf("%s/%s/%v", r.Number, r.Kind, r.Overdue))
	}
	want := []string{"N003/resolve/true", "N007/resolve/true", "N004/contact/true", "N006/contact/false",
		"N002/resolve/false", "N004/resolve/false"}
	if !slices.Equal(keys, want) {
		t.Fatalf("order = %q\nwant %q", keys, want)
	}
	r := got[0]
	if r.TicketID != 3 || r.Left != -34*time.Hour || r.Community != "甲社区" || r.Category != "市容环境/垃圾" || r.Supervisions != 1 {
		t.Errorf("first reminder %+v", r)
	}
	if want := "工单 N003 办结已超时 1天10小时（时限 03-09 00:00），承办单位：城管科，已督办 1 次"; r.Text != want {
		t.Errorf("text %q\nwant %q", r.Text, want)
	}
	if want := "工单 N006 先行联系即将到期，还剩 20分钟（时限 03-10 10:20），承办单位：城管科"; got[3].Text != want {
		t.Errorf("text %q\nwant %q", got[3].Text, want)
	}
	for _, r := range got {
		if strings.Contains(fmt.Sprintf("%+v", r), "张三") || strings.Contains(fmt.Sprintf("%+v", r), "1380000") ||
			strings.Contains(fmt.Sprintf("%+v", r), "垃圾没人清") {
			t.Errorf("reminder carries personal data: %+v", r)
		}
	}
	if got := new(Engine).Reminders(nil, nil, now, time.Hour); len(got) != 0 {
		t.Errorf("no tickets: %v", got)
	}
}

func TestFormatDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "不到1分钟"},
		{5 * time.Minute, "5分钟"},
		{-65 * time.Minute, "1小时5分钟"},
		{3 * time.Hour, "3小时"},
		{26*time.Hour + 5*time.Minute, "1天2小时"},
		{48 * time.Hour, "2天"},
	}
	for _, c := range cases {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// TestDueReopened: after 重办 the old contact does not count; the new
// dispatch's contact limit runs.
func TestDueReopened(t *testing.T) {
	e := &Engine{}
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC)
	tk := core.Ticket{Status: core.StatusDispatched, ContactedAt: now.Add(-72 * time.Hour)}
	w := core.Workflow{DispatchedAt: now.Add(-time.Hour), ContactDeadline: now.Add(time.Hour)}
	if d := e.Due(tk, w, now, 2*time.Hour); d.Contact.State != StateNear {
		t.Errorf("reopened ticket: contact state %q, want %q", d.Contact.State, StateNear)
	}
	tk.ContactedAt = now.Add(-30 * time.Minute) // contacted after the new dispatch
	if d := e.Due(tk, w, now, 2*time.Hour); d.Contact.State != StateNone {
		t.Errorf("contacted again: contact state %q, want %q", d.Contact.State, StateNone)
	}
}
