package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testEachLifeCycle: the life-cycle reader gives the same life-cycle
// fields as EachTicket, for the tickets received in [from, to), oldest
// first, and nothing else (no text, no personal data).
func testEachLifeCycle(t *testing.T, s core.Store, c *Clock) {
	lr, ok := s.(core.LifeCycleReader)
	if !ok {
		t.Skip("store has no life-cycle reader")
	}
	ctx := context.Background()
	done := ticket("L2", 2)
	done.CallerName, done.CallerPhone, done.Address = "张三", "13800138000", "某路1号"
	done.Community, done.Unit, done.Street, done.Urgency, done.Intent = "甲社区", "城管科", "某街道", "紧急", "投诉"
	done.Category1, done.Category2, done.Category3 = "城乡建设", "市政设施", "路灯照明"
	done.Status, done.Deadline = core.StatusClosed, start.Add(30*time.Hour)
	done.ContactedAt, done.ResolvedAt, done.CallbackAt = start.Add(3*time.Hour), start.Add(20*time.Hour), start.Add(25*time.Hour)
	done.Resolved, done.Satisfaction = ptr(false), "基本满意"
	upsert(t, s, "test", ticket("L1", 1), done, ticket("L3", 5), ticket("L0", -3))

	var got []core.Ticket
	if err := lr.EachLifeCycle(ctx, start, start.Add(5*time.Hour), func(tk core.Ticket) error {
		got = append(got, tk)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var want []core.Ticket
	if err := s.EachTicket(ctx, core.TicketFilter{From: start, To: start.Add(5 * time.Hour)}, func(tk core.Ticket) error {
		want = append(want, core.Ticket{ID: tk.ID, Number: tk.Number, Channel: tk.Channel, ReceivedAt: tk.ReceivedAt,
			Street: tk.Street, Community: tk.Community, Category1: tk.Category1, Category2: tk.Category2,
			Category3: tk.Category3, Intent: tk.Intent, Urgency: tk.Urgency, Unit: tk.Unit, Status: tk.Status,
			Deadline: tk.Deadline, ContactedAt: tk.ContactedAt, ResolvedAt: tk.ResolvedAt, Resolved: tk.Resolved,
			Satisfaction: tk.Satisfaction, CallbackAt: tk.CallbackAt})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Number != "L1" || got[1].Number != "L2" {
		t.Fatalf("EachLifeCycle gave %d tickets, want L1 and L2", len(got))
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.ReceivedAt.Equal(w.ReceivedAt) || !g.Deadline.Equal(w.Deadline) || !g.ContactedAt.Equal(w.ContactedAt) ||
			!g.ResolvedAt.Equal(w.ResolvedAt) || !g.CallbackAt.Equal(w.CallbackAt) {
			t.Errorf("%s: times differ: %+v vs %+v", g.Number, g, w)
		}
		g.ReceivedAt, g.Deadline, g.ContactedAt, g.ResolvedAt, g.CallbackAt = w.ReceivedAt, w.Deadline, w.ContactedAt, w.ResolvedAt, w.CallbackAt
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", g.Number, g, w)
		}
		if g.CallerName != "" || g.CallerPhone != "" || g.Title != "" || g.Content != "" {
			t.Errorf("%s: personal data or text read", g.Number)
		}
	}
}
