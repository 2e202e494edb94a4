package demo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/workflow"
)

// storedTicket is one demo ticket as stored, with its history and workflow
// state, and what replaying its history through the workflow engine gave.
type storedTicket struct {
	t        core.Ticket
	evs      []core.Event
	w        core.Workflow
	replayed core.Ticket
	replayW  core.Workflow
	replayE  error
	returned []string // the unit each return event returned from, by replay
}

// replay applies the life-cycle events of evs to a fresh ticket like t
// (status 受理) with the engine, as the web would have, and returns the
// result; the first refused step is the error.
func replay(t core.Ticket, w core.Workflow, evs []core.Event) (core.Ticket, core.Workflow, []string, error) {
	var (
		e        workflow.Engine
		rt       = core.Ticket{Number: t.Number, Urgency: t.Urgency, Status: core.StatusReceived}
		rw       core.Workflow
		returned []string
	)
	for i, ev := range evs {
		if ev.Action == core.EventCreate {
			continue
		}
		tr := core.Transition{Action: ev.Action, Actor: ev.Actor, At: ev.At, Note: ev.Note, Resolved: t.Resolved,
			Satisfaction: t.Satisfaction}
		for _, c := range ev.Changes {
			switch c.Field {
			case "unit":
				tr.Unit = c.After
			case "reply":
				tr.Reply = c.After
			}
		}
		switch ev.Action {
		case core.ActionExtendRequest:
			tr.Until = w.ExtensionUntil
		case core.ActionCallback:
			if tr.Satisfaction == "" { // 回访未接通: the engine wants an answer
				tr.Satisfaction = "满意"
			}
			if tr.Resolved == nil {
				tr.Resolved = new(bool)
			}
		case core.ActionReturn:
			returned = append(returned, rt.Unit)
		}
		if err := e.Apply(&rt, &rw, tr); err != nil {
			return rt, rw, returned, fmt.Errorf("event %d (%s): %w", i, ev.Action, err)
		}
		if ev.Action == core.ActionDispatch || ev.Action == core.ActionRedispatch {
			// The generator's deadline counts from receipt, not from the
			// dispatch in working days; the history keeps it.
			rt.Deadline = t.Deadline
		}
	}
	return rt, rw, returned, nil
}

func TestBuildHistory(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	// The history ends at 15:30 so that the newest tickets are still open.
	end := time.Date(2025, 6, 30, 15, 30, 0, 0, time.FixedZone("CST", 8*3600))
	st, err := demo.Build(ctx, db, demo.Options{Seed: 3, End: end, Tickets: 4000}, fakeHash)
	if err != nil {
		t.Fatal(err)
	}
	unitCode := map[string]string{} // name → code
	for _, u := range st.Units {
		unitCode[u.Name] = u.Code
	}
	// Every unit has someone to act for it.
	users := map[string]core.User{}
	for _, u := range append(slices.Clone(st.Users), st.Clerks...) {
		stored, err := db.UserByUsername(ctx, u.Username)
		if err != nil {
			t.Fatalf("user %s: %v", u.Username, err)
		}
		users[u.Username] = stored
	}
	for _, u := range st.Units {
		if !slices.ContainsFunc(append(slices.Clone(st.Users), st.Clerks...), func(x core.User) bool { return x.Unit == u.Code }) {
			t.Errorf("unit %s has no user", u.Name)
		}
	}
	var all []storedTicket
	err = db.EachTicket(ctx, core.TicketFilter{}, func(tk core.Ticket) error {
		evs, err := db.TicketEvents(ctx, tk.ID)
		if err != nil {
			return err
		}
		w, err := db.Workflow(ctx, tk.ID)
		if err != nil {
			return err
		}
		s := storedTicket{t: tk, evs: evs, w: w}
		s.replayed, s.replayW, s.returned, s.replayE = replay(tk, w, evs)
		all = append(all, s)
		return nil
	})
	if err != nil || len(all) != 4000 {
		t.Fatalf("read %d tickets (err %v)", len(all), err)
	}
	checks := historyChecks(users, unitCode, end)
	runChecks(t, checks, all)
	// The side paths happen, in plausible shares.
	count := func(f func(s storedTicket) bool) int {
		n := 0
		for _, s := range all {
			if f(s) {
				n++
			}
		}
		return n
	}
	shares := []struct {
		name     string
		n        int
		min, max int
	}{
		{"returned and redispatched", count(func(s storedTicket) bool {
			_, ok := has(s.evs, core.ActionRedispatch)
			return ok && s.t.Status != core.StatusReturned
		}), 4000 * 4 / 100, 4000 * 10 / 100},
		{"supervised", count(func(s storedTicket) bool { return s.w.Supervisions > 0 }), 40, 1200},
		{"extension denied", count(func(s storedTicket) bool { return s.w.Extension == core.ExtensionDenied }), 10, 800},
		{"extension pending", count(func(s storedTicket) bool { return s.w.Extension == core.ExtensionPending }), 1, 100},
		{"handled", count(func(s storedTicket) bool { _, ok := has(s.evs, core.ActionHandle); return ok }), 1000, 4000},
	}
	for _, sh := range shares {
		t.Run("share "+sh.name, func(t *testing.T) {
			if sh.n < sh.min || sh.n > sh.max {
				t.Errorf("%d tickets, want %d to %d", sh.n, sh.min, sh.max)
			}
		})
	}
}

// has returns the first event of evs with action.
func has(evs []core.Event, action string) (core.Event, bool) {
	for _, e := range evs {
		if e.Action == action {
			return e, true
		}
	}
	return core.Event{}, false
}

// historyCheck is one property of every demo history.
type historyCheck struct {
	name string
	fn   func(s storedTicket) error
}

// historyChecks are the properties of demo histories; users are the demo
// users and clerks by username, unitCode the units' codes by name, end the
// end of the history.
func historyChecks(users map[string]core.User, unitCode map[string]string, end time.Time) []historyCheck {
	return []historyCheck{
		{"starts with create, then dispatch", func(s storedTicket) error {
			if len(s.evs) == 0 || s.evs[0].Action != core.EventCreate || !s.evs[0].At.Equal(s.t.ReceivedAt) {
				return errors.New("first event is not the create at the received time")
			}
			if s.t.Status != core.StatusReceived && (len(s.evs) < 2 || s.evs[1].Action != core.ActionDispatch) {
				return errors.New("second event is not a dispatch")
			}
			if s.t.Status == core.StatusReceived && len(s.evs) != 1 {
				return fmt.Errorf("a ticket still at the dispatch desk has %d events", len(s.evs))
			}
			return nil
		}},
		{"times never go backwards nor past the end", func(s storedTicket) error {
			for i, e := range s.evs {
				if i > 0 && e.At.Before(s.evs[i-1].At) {
					return fmt.Errorf("event %d (%s) at %v is before event %d at %v", i, e.Action, e.At, i-1, s.evs[i-1].At)
				}
				if e.At.After(end) {
					return fmt.Errorf("event %d (%s) at %v is after the end", i, e.Action, e.At)
				}
			}
			return nil
		}},
		{"actors are demo users", func(s storedTicket) error {
			for i, e := range s.evs {
				if _, ok := users[e.Actor]; !ok {
					return fmt.Errorf("event %d (%s) by %q, not a demo user", i, e.Action, e.Actor)
				}
			}
			return nil
		}},
		{"unit steps are by the unit's own people", func(s storedTicket) error {
			unit := ""
			for i, e := range s.evs {
				for _, c := range e.Changes {
					if c.Field == "unit" {
						unit = c.After
					}
				}
				switch e.Action {
				case core.ActionSign, core.ActionContact, core.ActionHandle, core.ActionResolve, core.ActionReturn, core.ActionExtendRequest:
					if u := users[e.Actor]; u.Unit != unitCode[unit] {
						return fmt.Errorf("event %d (%s) by %s of unit %s, not of %s", i, e.Action, e.Actor, u.Unit, unit)
					}
				case core.ActionDispatch, core.ActionRedispatch, core.ActionCallback, core.ActionClose:
					if u := users[e.Actor]; u.Role != core.RoleStaff {
						return fmt.Errorf("event %d (%s) by %s, role %s, not street staff", i, e.Action, e.Actor, u.Role)
					}
				}
			}
			return nil
		}},
		{"the engine accepts the history and ends at the ticket's status", func(s storedTicket) error {
			if s.replayE != nil {
				return s.replayE
			}
			if s.replayed.Status != s.t.Status || s.replayed.Unit != s.t.Unit && s.t.Status != core.StatusReceived {
				return fmt.Errorf("replay ends at %s with %s, the ticket is %s with %s", s.replayed.Status, s.replayed.Unit, s.t.Status, s.t.Unit)
			}
			return nil
		}},
		{"workflow agrees with the events", func(s storedTicket) error {
			w, rw := s.w, s.replayW
			if !slices.Equal(w.ReturnedBy, rw.ReturnedBy) || !slices.Equal(w.ReturnedBy, s.returned) {
				return fmt.Errorf("ReturnedBy %v, events return from %v", w.ReturnedBy, s.returned)
			}
			if !w.DispatchedAt.Equal(rw.DispatchedAt) || !w.SignedAt.Equal(rw.SignedAt) || !w.ContactDeadline.Equal(rw.ContactDeadline) {
				return fmt.Errorf("dispatched %v signed %v contact by %v; events say %v, %v, %v",
					w.DispatchedAt, w.SignedAt, w.ContactDeadline, rw.DispatchedAt, rw.SignedAt, rw.ContactDeadline)
			}
			if w.Extension != rw.Extension || w.Supervisions != rw.Supervisions || w.ExtensionReason != rw.ExtensionReason {
				return fmt.Errorf("extension %q (%q), %d supervisions; events say %q (%q), %d",
					w.Extension, w.ExtensionReason, w.Supervisions, rw.Extension, rw.ExtensionReason, rw.Supervisions)
			}
			return nil
		}},
		{"returns name the returning unit and a reason", func(s storedTicket) error {
			for i, e := range s.evs {
				if e.Action != core.ActionReturn {
					continue
				}
				if e.Note == "" {
					return fmt.Errorf("return %d without a reason", i)
				}
				if u := users[e.Actor]; !slices.ContainsFunc(s.w.ReturnedBy, func(n string) bool { return unitCode[n] == u.Unit }) {
					return fmt.Errorf("return %d by %s of %s, who is not in ReturnedBy %v", i, e.Actor, u.Unit, s.w.ReturnedBy)
				}
			}
			return nil
		}},
		{"steps at the ticket's own times", func(s storedTicket) error {
			for _, c := range []struct {
				action string
				at     time.Time
			}{{core.ActionContact, s.t.ContactedAt}, {core.ActionResolve, s.t.ResolvedAt}, {core.ActionCallback, s.t.CallbackAt}} {
				e, ok := has(s.evs, c.action)
				if ok != !c.at.IsZero() || ok && !e.At.Equal(c.at) {
					return fmt.Errorf("%s event %v (present %v), ticket time %v", c.action, e.At, ok, c.at)
				}
			}
			if e, ok := has(s.evs, core.ActionResolve); ok && !slices.ContainsFunc(e.Changes, func(c core.Change) bool { return c.Field == "reply" && c.After == s.t.Reply }) {
				return errors.New("the resolve event does not carry the reply")
			}
			return nil
		}},
		{"available actions follow the status", func(s storedTicket) error {
			av := workflow.Available(s.t, s.w)
			if want := workflow.Actions(s.t.Status); s.t.Status != core.StatusClosed && (len(av) == 0 || len(av) < len(want)-2) {
				return fmt.Errorf("available %v for status %s", av, s.t.Status)
			}
			if s.w.Extension == core.ExtensionPending && !slices.Contains(av, core.ActionExtendApprove) {
				return errors.New("a pending extension cannot be decided")
			}
			if s.t.Status == core.StatusClosed && len(av) != 0 {
				return fmt.Errorf("a closed ticket allows %v", av)
			}
			return nil
		}},
	}
}

// runChecks runs each check on every ticket as a subtest.
func runChecks(t *testing.T, checks []historyCheck, all []storedTicket) {
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			bad := 0
			for _, s := range all {
				if err := c.fn(s); err != nil {
					if bad++; bad <= 5 {
						t.Errorf("ticket %s (%s): %v", s.t.Number, s.t.Status, err)
					}
				}
			}
			if bad > 5 {
				t.Errorf("… %d tickets in all", bad)
			}
		})
	}
}

// TestHistoryRecent checks the histories of the last three days of a
// full-size street without storing them: the open tickets, returned ones
// (退单) among them, which a small history has few of.
func TestHistoryRecent(t *testing.T) {
	st := demo.NewStreet(1)
	end := time.Date(2025, 6, 30, 15, 30, 0, 0, time.FixedZone("CST", 8*3600))
	p, err := demo.NewPlan(st, demo.Options{Seed: 1, End: end})
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]core.User{}
	for _, u := range append(slices.Clone(st.Users), st.Clerks...) {
		users[u.Username] = u
	}
	unitCode := map[string]string{}
	for _, u := range st.Units {
		unitCode[u.Name] = u.Code
	}
	var all []storedTicket
	returned := 0
	for i := p.Days() - 3; i < p.Days(); i++ {
		for _, tk := range p.Day(i) {
			h := p.History(tk)
			s := storedTicket{t: tk, evs: h.Events, w: h.Workflow}
			s.replayed, s.replayW, s.returned, s.replayE = replay(tk, h.Workflow, h.Events)
			all = append(all, s)
			if tk.Status == core.StatusReturned {
				returned++
				if !slices.Equal(h.Workflow.ReturnedBy, []string{tk.Unit}) {
					t.Errorf("ticket %s waiting after a return: ReturnedBy %v, want its unit %s", tk.Number, h.Workflow.ReturnedBy, tk.Unit)
				}
			}
		}
	}
	runChecks(t, historyChecks(users, unitCode, end), all)
	if returned < 3 {
		t.Errorf("%d of %d recent tickets waiting after a return, want some", returned, len(all))
	}
}
