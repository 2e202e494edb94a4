package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"jiceng/internal/core"
)

// historyOf returns ticket n (received at start+h hours, status 结案 at the
// end) with a short life cycle: create, dispatch, return, redispatch,
// contact, resolve, close.
func historyOf(n string, h int) core.TicketHistory {
	tk := ticket(n, h)
	at := tk.ReceivedAt
	step := func(m int) time.Time { return at.Add(time.Duration(m) * time.Minute) }
	tk.Status, tk.Unit, tk.Deadline = core.StatusClosed, "城管办", step(7*24*60)
	tk.ContactedAt, tk.ResolvedAt, tk.CallbackAt, tk.Reply = step(90), step(600), step(1500), "已清理完毕"
	tk.Resolved, tk.Satisfaction = ptr(true), "满意"
	return core.TicketHistory{
		Ticket: tk,
		Events: []core.Event{
			{At: at, Actor: "staff", Action: core.EventCreate},
			{At: step(10), Actor: "staff", Action: core.ActionDispatch,
				Changes: []core.Change{{Field: "status", Before: "受理", After: "派单"}, {Field: "unit", After: "物业"}}},
			{At: step(30), Actor: "wy", Action: core.ActionReturn, Note: "非本单位职责，应由城管办办理"},
			{At: step(40), Actor: "staff", Action: core.ActionRedispatch},
			{At: step(90), Actor: "cg", Action: core.ActionContact, Note: "已电话联系来电人"},
			{At: step(600), Actor: "cg", Action: core.ActionResolve},
			{At: step(1500), Actor: "staff", Action: core.ActionCallback},
			{At: step(1510), Actor: "staff", Action: core.ActionClose},
		},
		Workflow: core.Workflow{DispatchedAt: step(40), SignedAt: step(50), ContactDeadline: step(160),
			ReturnedBy: []string{"物业"}, CoUnits: []string{"社区"}, Extension: core.ExtensionDenied,
			ExtensionUntil: step(9 * 24 * 60), ExtensionReason: "需协调产权单位", Supervisions: 1},
	}
}

// historyNumbers returns M0, M1, ... M(n-1).
func historyNumbers(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("M%d", i))
	}
	return out
}

// many returns the histories of historyNumbers(n), received an hour apart.
func many(n int) []core.TicketHistory {
	var out []core.TicketHistory
	for i, m := range historyNumbers(n) {
		out = append(out, historyOf(m, i))
	}
	return out
}

func testCreateWithHistory(t *testing.T, s core.Store, c *Clock) {
	hs, ok := s.(core.HistoryStore)
	if !ok {
		t.Skip("store does not implement core.HistoryStore")
	}
	ctx := context.Background()
	upsert(t, s, "import:old.csv", ticket("H0", 0)) // already stored: left alone
	tests := []struct {
		name    string
		batch   []core.TicketHistory
		created int
		code    string   // error code, "" for none
		stored  []string // numbers stored afterwards, besides H0
	}{
		{"empty batch", nil, 0, "", nil},
		{"no number", []core.TicketHistory{historyOf("H1", 1), {Events: historyOf("", 1).Events}}, 0, core.EINVALID, nil},
		{"no events", []core.TicketHistory{historyOf("H1", 1), {Ticket: ticket("H2", 2)}}, 0, core.EINVALID, nil},
		{"event without action", func() []core.TicketHistory {
			h := historyOf("H1", 1)
			h.Events[2].Action = ""
			return []core.TicketHistory{h}
		}(), 0, core.EINVALID, nil},
		{"new tickets", []core.TicketHistory{historyOf("H1", 1), historyOf("H2", 2)}, 2, "", []string{"H1", "H2"}},
		{"stored numbers and a repeat are left alone", []core.TicketHistory{historyOf("H0", 0), historyOf("H2", 5),
			historyOf("H3", 3), historyOf("H3", 6)}, 1, "", []string{"H1", "H2", "H3"}},
		{"many tickets", many(20), 20, "", append([]string{"H1", "H2", "H3"}, historyNumbers(20)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := hs.CreateWithHistory(ctx, tt.batch)
			if tt.code != "" {
				wantCode(t, err, tt.code)
			} else if err != nil {
				t.Fatalf("CreateWithHistory: %v", err)
			}
			if n != tt.created {
				t.Errorf("created %d, want %d", n, tt.created)
			}
			_, total, err := s.Tickets(ctx, core.TicketFilter{Limit: 1})
			if err != nil || total != 1+len(tt.stored) {
				t.Errorf("stored %d tickets (err %v), want %d", total, err, 1+len(tt.stored))
			}
			// The cached count of a status agrees with the rows.
			_, closed, err := s.Tickets(ctx, core.TicketFilter{Status: core.StatusClosed, Limit: 1})
			if err != nil || closed != len(tt.stored) {
				t.Errorf("%d tickets 结案 (err %v), want %d", closed, err, len(tt.stored))
			}
		})
	}

	// H0 kept its own history; H2 and H3 are the first versions given.
	if evs, err := s.TicketEvents(ctx, byNumber(t, s, "H0").ID); err != nil || len(evs) != 1 || evs[0].Actor != "import:old.csv" {
		t.Errorf("H0 history = %+v (err %v), want its one import event", evs, err)
	}
	for _, tc := range []struct {
		name string
		want core.TicketHistory
	}{
		{"H1", historyOf("H1", 1)},
		{"H2", historyOf("H2", 2)},
		{"H3", historyOf("H3", 3)},
		{"M19", historyOf("M19", 19)},
	} {
		t.Run("read back "+tc.name, func(t *testing.T) {
			got := byNumber(t, s, tc.name)
			want := tc.want.Ticket
			if !got.ReceivedAt.Equal(want.ReceivedAt) || got.Status != want.Status || got.Unit != want.Unit ||
				!got.CallbackAt.Equal(want.CallbackAt) || got.Reply != want.Reply || got.Satisfaction != want.Satisfaction {
				t.Errorf("ticket = %+v, want %+v", got, want)
			}
			evs0 := tc.want.Events
			if !got.CreatedAt.Equal(evs0[0].At) || !got.UpdatedAt.Equal(evs0[len(evs0)-1].At) {
				t.Errorf("created %v, updated %v; want the first and last event's times %v, %v",
					got.CreatedAt, got.UpdatedAt, evs0[0].At, evs0[len(evs0)-1].At)
			}
			evs, err := s.TicketEvents(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(evs0) {
				t.Fatalf("%d events, want %d", len(evs), len(evs0))
			}
			for i, e := range evs {
				w := evs0[i]
				if e.TicketID != got.ID || !e.At.Equal(w.At) || e.Actor != w.Actor || e.Action != w.Action || e.Note != w.Note ||
					!reflect.DeepEqual(e.Changes, w.Changes) || (i > 0 && e.ID <= evs[i-1].ID) {
					t.Errorf("event %d = %+v, want %+v", i, e, w)
				}
			}
			wf, err := s.Workflow(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			ww := tc.want.Workflow
			ww.TicketID = got.ID
			if !wf.DispatchedAt.Equal(ww.DispatchedAt) || !wf.SignedAt.Equal(ww.SignedAt) ||
				!wf.ContactDeadline.Equal(ww.ContactDeadline) || !wf.ExtensionUntil.Equal(ww.ExtensionUntil) {
				t.Errorf("workflow times = %+v, want %+v", wf, ww)
			}
			wf.DispatchedAt, wf.SignedAt, wf.ContactDeadline, wf.ExtensionUntil = ww.DispatchedAt, ww.SignedAt, ww.ContactDeadline, ww.ExtensionUntil
			if !reflect.DeepEqual(wf, ww) {
				t.Errorf("workflow = %+v, want %+v", wf, ww)
			}
		})
	}
	// The new tickets are found by keyword, after the index is built where
	// it is built behind the writes.
	if ix, ok := s.(core.SearchIndexer); ok {
		if _, err := ix.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if list, _, err := s.Tickets(ctx, core.TicketFilter{Keyword: "问题H3"}); err != nil || len(list) != 1 || list[0].Number != "H3" {
		t.Errorf("keyword 问题H3 found %d tickets (err %v), want H3", len(list), err)
	}
}
