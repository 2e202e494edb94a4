package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"jiceng/internal/core"
)

// accountsSchema is the schema version that brought accounts (0005):
// disabled users, password and session times.
const accountsSchema = 5

// Reopener opens one database of a backend again and again: upTo, when not
// zero, stops its migrations after that schema version. Each call of the
// Upgrade suite's newDB gives a fresh database.
type Reopener func(upTo int) (core.Store, func())

// Upgrade checks every schema upgrade on a database that holds data: for
// each older version k, a fresh database is migrated to k, filled through
// the store (tickets with their history and extra values, an update),
// closed and opened by the current binary, which migrates it; the tickets
// and their history must read back unchanged, and the upgraded database
// must take writes.
func Upgrade(t *testing.T, latest int, newDB func(t *testing.T) Reopener) {
	ctx := context.Background()
	for k := 1; k < latest; k++ {
		t.Run(fmt.Sprintf("from_%04d", k), func(t *testing.T) {
			open := newDB(t)
			s, closeOld := open(k)
			a, b := ticket("U1", 1), ticket("U2", 2)
			a.CallerPhone, a.Community, a.Extra = "13812345678", "望春园社区", map[string]string{"网格员": "李四"}
			a.Urgency = core.UrgencyEmergency // counted by hour from 0016 on (its backfill)
			b.Satisfaction, b.Resolved = "满意", ptr(true)
			upsert(t, s, "import:old.csv", a, b)
			b.Status = core.StatusResolved
			upsert(t, s, "staff", b)
			var before []core.Ticket
			var events [][]core.Event
			for _, n := range []string{"U1", "U2"} {
				tk := byNumber(t, s, n)
				ev, err := s.TicketEvents(ctx, tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				before, events = append(before, tk), append(events, ev)
			}
			// From schema 0005 (accounts) on, an account and its session
			// must survive every later upgrade.
			var account core.User
			if k >= accountsSchema {
				account = core.User{Username: "upgrader", Name: "升级前的账号", Role: core.RoleHandler, Unit: "城管科",
					PasswordHash: "$argon2id$before", CreatedAt: start}
				if err := s.CreateUser(ctx, &account); err != nil {
					t.Fatal(err)
				}
				if err := s.CreateSession(ctx, core.Session{Token: "upgrade-token", UserID: account.ID, ExpiresAt: start.Add(100 * 365 * 24 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			closeOld()

			s, closeNew := open(0)
			defer closeNew()
			if k >= accountsSchema {
				got, err := s.SessionUser(ctx, "upgrade-token")
				if err != nil {
					t.Fatalf("session after the upgrade: %v", err)
				}
				sameUser(t, "account after the upgrade", got, account)
			}
			for i, n := range []string{"U1", "U2"} {
				tk := byNumber(t, s, n)
				if !reflect.DeepEqual(tk, before[i]) {
					t.Errorf("%s after the upgrade: %+v, was %+v", n, tk, before[i])
				}
				ev, err := s.TicketEvents(ctx, tk.ID)
				if err != nil || !reflect.DeepEqual(ev, events[i]) {
					t.Errorf("%s history after the upgrade: %+v (%v), was %+v", n, ev, err, events[i])
				}
			}
			// The day counts of the tickets stored before (filled by 0012
			// when it is one of the upgrades) equal a count of them.
			checkCounts(t, s, "upgraded")
			// The upgraded database takes every kind of write.
			upsert(t, s, "import:new.csv", ticket("U3", 3))
			if _, err := s.ReplaceDispatchRules(ctx, []core.DispatchRule{{Category1: "城乡建设", Unit: "城管科"}},
				core.CatalogueVersion{CreatedAt: start.Add(time.Hour), CreatedBy: "registry"}); err != nil {
				t.Errorf("catalogue after the upgrade: %v", err)
			}
			id := byNumber(t, s, "U1").ID
			if _, _, err := s.Transition(ctx, id, core.Transition{Action: core.ActionDispatch, Actor: "staff", At: start.Add(2 * time.Hour), Unit: "城管科"},
				func(tk *core.Ticket, w *core.Workflow) error {
					tk.Status, tk.Unit = core.StatusDispatched, "城管科"
					return nil
				}); err != nil {
				t.Errorf("transition after the upgrade: %v", err)
			}
			checkCounts(t, s, "written after the upgrade")
		})
	}
}
