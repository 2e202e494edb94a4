package storetest

import (
	"context"
	"errors"

	"reflect"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
)

// dispatchTo is a transition function that dispatches a ticket to unit.
func dispatchTo(unit string, at time.Time) func(t *core.Ticket, w *core.Workflow) error {
	return func(t *core.Ticket, w *core.Workflow) error {
		t.Status, t.Unit, t.Deadline = core.StatusDispatched, unit, at.Add(24*time.Hour)
		w.DispatchedAt, w.ContactDeadline, w.CoUnits = at, at.Add(2*time.Hour), []string{"协办甲", "协办乙"}
		return nil
	}
}

func testTransition(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	upsert(t, s, "import", ticket("W1", 0), ticket("W2", 1))
	id := byNumber(t, s, "W1").ID
	at := start.Add(3 * time.Hour)
	tr := core.Transition{Action: core.ActionDispatch, Actor: "staff", At: at, Note: "按派单目录"}

	got, w, err := s.Transition(ctx, id, tr, dispatchTo("城管科", at))
	if err != nil {
		t.Fatalf("Transition: %v", err)
	}
	if got.Status != core.StatusDispatched || got.Unit != "城管科" || !got.UpdatedAt.Equal(at) {
		t.Errorf("returned ticket %+v", got)
	}
	stored := byNumber(t, s, "W1")
	if stored.Status != core.StatusDispatched || stored.Unit != "城管科" || !stored.Deadline.Equal(at.Add(24*time.Hour)) {
		t.Errorf("stored ticket status %q unit %q deadline %v", stored.Status, stored.Unit, stored.Deadline)
	}
	want := core.Workflow{TicketID: id, DispatchedAt: at, ContactDeadline: at.Add(2 * time.Hour), CoUnits: []string{"协办甲", "协办乙"}}
	for name, g := range map[string]core.Workflow{"returned": w, "stored": mustWorkflow(t, s, id)} {
		if !equalWorkflow(g, want) {
			t.Errorf("%s workflow = %+v, want %+v", name, g, want)
		}
	}
	events, err := s.TicketEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Action != core.ActionDispatch || last.Actor != "staff" || last.Note != "按派单目录" || !last.At.Equal(at) {
		t.Errorf("event %+v", last)
	}
	changed := map[string]bool{}
	for _, ch := range last.Changes {
		changed[ch.Field] = true
	}
	if !changed["status"] || !changed["unit"] || !changed["deadline"] || len(last.Changes) != 3 {
		t.Errorf("event changes %+v, want status, unit, deadline", last.Changes)
	}
	// The status filter (and its cached total) follows the transition.
	if _, n, err := s.Tickets(ctx, core.TicketFilter{Status: core.StatusDispatched}); err != nil || n != 1 {
		t.Errorf("tickets 派单: %d, %v; want 1", n, err)
	}
	if _, n, err := s.Tickets(ctx, core.TicketFilter{Status: core.StatusReceived}); err != nil || n != 1 {
		t.Errorf("tickets 受理: %d, %v; want 1", n, err)
	}

	tests := []struct {
		name string
		id   int64
		fn   func(t *core.Ticket, w *core.Workflow) error
		code string
	}{
		{name: "refused by fn: nothing stored", id: id, code: core.ECONFLICT,
			fn: func(t *core.Ticket, w *core.Workflow) error {
				t.Status, w.Supervisions = core.StatusClosed, 5
				return core.Errorf(core.ECONFLICT, "不能结案")
			}},
		{name: "unknown ticket", id: id + 1000, code: core.ENOTFOUND,
			fn: func(t *core.Ticket, w *core.Workflow) error { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := s.Transition(ctx, tt.id, core.Transition{Action: core.ActionClose, Actor: "x"}, tt.fn)
			wantCode(t, err, tt.code)
			if after := byNumber(t, s, "W1"); after.Status != core.StatusDispatched {
				t.Errorf("status after a refused transition: %q", after.Status)
			}
			if w := mustWorkflow(t, s, id); w.Supervisions != 0 {
				t.Errorf("workflow after a refused transition: %+v", w)
			}
			evs, _ := s.TicketEvents(ctx, id)
			if len(evs) != len(events) {
				t.Errorf("%d events after a refused transition, want %d", len(evs), len(events))
			}
		})
	}

	t.Run("a transition keeps number and text", func(t *testing.T) {
		_, _, err := s.Transition(ctx, id, core.Transition{Action: core.ActionSupervise, Actor: "leader", Note: "催办"},
			func(t *core.Ticket, w *core.Workflow) error {
				t.Number, t.Title, t.Content = "HACK", "x", "y"
				w.Supervisions++
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		after := byNumber(t, s, "W1")
		if after.Title != "工单W1" || after.Content != "反映问题W1" {
			t.Errorf("text changed: %q %q", after.Title, after.Content)
		}
		evs, _ := s.TicketEvents(ctx, id)
		if e := evs[len(evs)-1]; e.Action != core.ActionSupervise || len(e.Changes) != 0 || e.At.IsZero() {
			t.Errorf("supervise event %+v: want no changes and the clock's time", e)
		}
	})

	t.Run("workflow of an untouched and an unknown ticket", func(t *testing.T) {
		id2 := byNumber(t, s, "W2").ID
		if w, err := s.Workflow(ctx, id2); err != nil || !reflect.DeepEqual(w, core.Workflow{TicketID: id2}) {
			t.Errorf("Workflow(untouched) = %+v, %v", w, err)
		}
		_, err := s.Workflow(ctx, id2+1000)
		wantCode(t, err, core.ENOTFOUND)
	})

	t.Run("concurrent transitions are serialised", func(t *testing.T) {
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				_, _, err := s.Transition(ctx, id, core.Transition{Action: core.ActionSupervise, Actor: "leader"},
					func(t *core.Ticket, w *core.Workflow) error { w.Supervisions++; return nil })
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Transition: %v", err)
			}
		}
		if w := mustWorkflow(t, s, id); w.Supervisions != n+1 {
			t.Errorf("supervisions = %d, want %d", w.Supervisions, n+1)
		}
	})
}

func mustWorkflow(t *testing.T, s core.Store, id int64) core.Workflow {
	t.Helper()
	w, err := s.Workflow(context.Background(), id)
	if err != nil {
		t.Fatalf("Workflow(%d): %v", id, err)
	}
	return w
}

// equalWorkflow compares times as instants.
func equalWorkflow(a, b core.Workflow) bool {
	for _, p := range [][2]*time.Time{{&a.DispatchedAt, &b.DispatchedAt}, {&a.SignedAt, &b.SignedAt},
		{&a.ContactDeadline, &b.ContactDeadline}, {&a.ExtensionUntil, &b.ExtensionUntil}} {
		if !p[0].Equal(*p[1]) {
			return false
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	return reflect.DeepEqual(a, b)
}

func testDueTickets(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	mk := func(n, status, community string, deadline time.Duration) core.Ticket {
		tk := ticket(n, 0)
		tk.Status, tk.Community = status, community
		if deadline != 0 {
			tk.Deadline = start.Add(deadline)
		}
		return tk
	}
	upsert(t, s, "import",
		mk("D1", core.StatusHandling, "甲", 5*time.Hour),
		mk("D2", core.StatusDispatched, "乙", 1*time.Hour),
		mk("D3", core.StatusResolved, "甲", 2*time.Hour), // resolved: not due
		mk("D4", core.StatusReturned, "甲", 3*time.Hour),
		mk("D5", core.StatusReceived, "甲", 0), // no deadline
		mk("D6", core.StatusContacted, "甲", 48*time.Hour),
		mk("D7", core.StatusClosed, "乙", time.Hour),
	)
	// D5 has no deadline but a contact deadline at +4h.
	d5 := byNumber(t, s, "D5").ID
	if _, _, err := s.Transition(ctx, d5, core.Transition{Action: core.ActionSupervise, Actor: "x"},
		func(t *core.Ticket, w *core.Workflow) error { w.ContactDeadline = start.Add(4 * time.Hour); return nil }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		before time.Duration
		f      core.TicketFilter
		limit  int
		want   []string
	}{
		{"open before +24h, earliest first, contact deadlines too", 24 * time.Hour, core.TicketFilter{}, 100, []string{"D2", "D4", "D1", "D5"}},
		{"contact deadline not yet near", 3*time.Hour + 30*time.Minute, core.TicketFilter{}, 100, []string{"D2", "D4"}},
		{"everything open with a deadline", 100 * time.Hour, core.TicketFilter{}, 100, []string{"D2", "D4", "D1", "D6", "D5"}},
		{"by community", 24 * time.Hour, core.TicketFilter{Community: "甲"}, 100, []string{"D4", "D1", "D5"}},
		{"limit", 100 * time.Hour, core.TicketFilter{}, 2, []string{"D2", "D4"}},
		{"nothing due yet", 30 * time.Minute, core.TicketFilter{}, 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.DueTickets(ctx, start.Add(tt.before), tt.f, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := numbers(list); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DueTickets = %v, want %v", got, tt.want)
			}
		})
	}
}

func testDispatchRules(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	if rules, err := s.DispatchRules(ctx); err != nil || len(rules) != 0 {
		t.Fatalf("empty catalogue: %v, %v", rules, err)
	}
	if cur, err := s.CurrentCatalogue(ctx); err != nil || cur.Version != 0 {
		t.Fatalf("no catalogue yet: %+v, %v", cur, err)
	}
	rules := []core.DispatchRule{
		{Category1: "城乡建设", Category2: "市政设施", Keywords: []string{"路灯", "井盖"}, Unit: "城管科", CoUnits: []string{"社区"}, Priority: 2, Note: "常见"},
		{Category1: "环境保护", Community: "QHW01", Unit: "环保所"},
	}
	at := c.Now()
	v1, err := s.ReplaceDispatchRules(ctx, rules, core.CatalogueVersion{CreatedAt: at, CreatedBy: "registry", Source: "派单目录.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v1.Rules != 2 || !v1.AppliedAt.Equal(at) {
		t.Errorf("first version = %+v", v1)
	}
	ids := func(rs []core.DispatchRule) []core.DispatchRule {
		for i := range rs {
			if rs[i].ID != int64(i+1) {
				t.Errorf("rule %d id = %d", i, rs[i].ID)
			}
			rs[i].ID = 0
		}
		return rs
	}
	got, err := s.DispatchRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ids(got), rules) {
		t.Errorf("DispatchRules = %+v, want %+v", got, rules)
	}
	_, err = s.ReplaceDispatchRules(ctx, []core.DispatchRule{{Category1: "x"}}, core.CatalogueVersion{CreatedAt: at})
	wantCode(t, err, core.EINVALID)
	if got, _ := s.DispatchRules(ctx); len(got) != 2 {
		t.Errorf("a refused replacement changed the catalogue: %d rules", len(got))
	}

	// An upload is staged: the catalogue in force does not change until
	// it is applied on top of the version its differences were shown for.
	one := []core.DispatchRule{{Category1: "教育", Unit: "不存在的单位"}}
	staged, err := s.StageDispatchRules(ctx, one, core.CatalogueVersion{CreatedAt: at.Add(time.Minute), CreatedBy: "staff", Source: "新目录.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if staged.Version != 2 || !staged.AppliedAt.IsZero() || staged.Rules != 1 {
		t.Errorf("staged = %+v", staged)
	}
	if got, _ := s.DispatchRules(ctx); len(got) != 2 {
		t.Errorf("staging changed the catalogue: %d rules", len(got))
	}
	if cur, _ := s.CurrentCatalogue(ctx); cur.Version != 1 {
		t.Errorf("current after staging = %+v", cur)
	}
	wantCode(t, s.ApplyCatalogueVersion(ctx, staged.Version, 0, at), core.ECONFLICT)
	wantCode(t, s.ApplyCatalogueVersion(ctx, 99, 1, at), core.ENOTFOUND)
	// A second upload by the same user replaces the unconfirmed one.
	staged3, err := s.StageDispatchRules(ctx, one, core.CatalogueVersion{CreatedAt: at.Add(2 * time.Minute), CreatedBy: "staff", Source: "新目录2.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.ApplyCatalogueVersion(ctx, staged.Version, 1, at), core.ENOTFOUND)
	if err := s.ApplyCatalogueVersion(ctx, staged3.Version, 1, at.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.ApplyCatalogueVersion(ctx, staged3.Version, staged3.Version, at), core.ENOTFOUND) // applied already
	if got, _ := s.DispatchRules(ctx); !reflect.DeepEqual(ids(got), one) {
		t.Errorf("after apply: %+v", got)
	}
	cur, err := s.CurrentCatalogue(ctx)
	if err != nil || cur.Version != staged3.Version || cur.CreatedBy != "staff" || cur.Source != "新目录2.xlsx" || !cur.AppliedAt.Equal(at.Add(3*time.Minute)) {
		t.Errorf("current = %+v, %v", cur, err)
	}

	// Every version is kept, newest first, with its rules.
	vs, err := s.CatalogueVersions(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if staged3.Version == staged.Version {
		t.Errorf("a version number was reused: %d", staged3.Version)
	}
	if len(vs) != 2 || vs[0].Version != staged3.Version || vs[1].Version != 1 || vs[1].Source != "派单目录.csv" || vs[1].Rules != 2 {
		t.Errorf("versions = %+v", vs)
	}
	v, old, err := s.CatalogueVersionRules(ctx, 1)
	if err != nil || v.Version != 1 || !reflect.DeepEqual(ids(old), rules) {
		t.Errorf("version 1 = %+v %+v, %v", v, old, err)
	}
	_, _, err = s.CatalogueVersionRules(ctx, 42)
	wantCode(t, err, core.ENOTFOUND)

	if _, err := s.ReplaceDispatchRules(ctx, nil, core.CatalogueVersion{CreatedAt: at.Add(4 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DispatchRules(ctx); len(got) != 0 {
		t.Errorf("after clearing: %d rules", len(got))
	}
}
