package storetest

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jiceng/internal/core"
)

// testAudit: the audit log keeps every field, lists newest first (ties in
// the order added) with its total, filters by action, actor, ticket and
// time range, pages, and bounds what it stores.
func testAudit(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	if err := s.AddAudit(ctx, core.AuditEntry{Actor: "hd01"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("entry without an action: %v, want EINVALID", err)
	}
	if es, total, err := s.Audit(ctx, core.AuditFilter{}); err != nil || total != 0 || es == nil || len(es) != 0 {
		t.Fatalf("empty log: %v %d %v, want [] 0", es, total, err)
	}
	h := func(n int) time.Time { return start.Add(time.Duration(n) * time.Hour) }
	entries := []core.AuditEntry{
		{At: h(1), Actor: "admin", Role: core.RoleAdmin, Action: core.AuditLogin, Address: "10.0.0.1"},
		{At: h(2), Actor: "hd01", Role: core.RoleHandler, Action: core.AuditReveal, TicketID: 7, TicketNumber: "QHW0007",
			Field: "caller_phone", Reason: "先行联系来电人", Address: "10.0.0.2"},
		{At: h(2), Actor: "hd01", Role: core.RoleHandler, Action: core.AuditReveal, TicketID: 7, TicketNumber: "QHW0007",
			Field: "caller_name", Reason: "先行联系来电人", Address: "10.0.0.2"},
		{At: h(3), Actor: "leader", Role: core.RoleLeader, Action: core.AuditExport, Detail: "格式=xlsx；条数=12"},
		{At: h(4), Actor: "nobody' OR 1=1 --", Action: core.AuditLoginFailed, Address: "10.0.0.9"},
	}
	for _, e := range entries {
		if err := s.AddAudit(ctx, e); err != nil {
			t.Fatalf("AddAudit(%+v): %v", e, err)
		}
	}
	// A zero time is the store's clock.
	c.Advance(5 * time.Hour)
	if err := s.AddAudit(ctx, core.AuditEntry{Actor: "cli", Role: core.RoleAdmin, Action: core.AuditExport}); err != nil {
		t.Fatal(err)
	}

	all, total, err := s.Audit(ctx, core.AuditFilter{})
	if err != nil || total != 6 || len(all) != 6 {
		t.Fatalf("Audit: %d entries, total %d, %v; want 6", len(all), total, err)
	}
	if !all[0].At.Equal(h(5)) || all[0].Actor != "cli" || all[0].ID == 0 {
		t.Errorf("newest = %+v, want cli's at %v with an id", all[0], h(5))
	}
	// The two reveals have one time: the later added comes first.
	if all[3].Field != "caller_name" || all[4].Field != "caller_phone" || all[3].ID <= all[4].ID {
		t.Errorf("ties: %+v then %+v, want caller_name (added last) first", all[3], all[4])
	}
	got := all[4]
	want := entries[1]
	want.ID = got.ID
	if !got.At.Equal(want.At) {
		t.Errorf("at = %v, want %v", got.At, want.At)
	}
	got.At, want.At = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("round trip: %+v, want %+v", got, want)
	}
	if all[5].TicketID != 0 || all[5].TicketNumber != "" {
		t.Errorf("an entry without a ticket reads %d %q", all[5].TicketID, all[5].TicketNumber)
	}

	tests := []struct {
		name  string
		f     core.AuditFilter
		total int
		first string // actor of the first entry
	}{
		{"action", core.AuditFilter{Action: core.AuditReveal}, 2, "hd01"},
		{"action export", core.AuditFilter{Action: core.AuditExport}, 2, "cli"},
		{"actor", core.AuditFilter{Actor: "leader"}, 1, "leader"},
		{"actor is exact", core.AuditFilter{Actor: "hd"}, 0, ""},
		{"actor with quotes", core.AuditFilter{Actor: "nobody' OR 1=1 --"}, 1, "nobody' OR 1=1 --"},
		{"ticket", core.AuditFilter{Ticket: "QHW0007"}, 2, "hd01"},
		{"from inclusive", core.AuditFilter{From: h(3)}, 3, "cli"},
		{"to exclusive", core.AuditFilter{To: h(2)}, 1, "admin"},
		{"range", core.AuditFilter{From: h(2), To: h(4)}, 3, "leader"},
		{"action and range", core.AuditFilter{Action: core.AuditExport, To: h(5)}, 1, "leader"},
		{"nothing", core.AuditFilter{Action: core.AuditSetting}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, total, err := s.Audit(ctx, tt.f)
			if err != nil || total != tt.total || len(es) != tt.total {
				t.Fatalf("%d entries, total %d, %v; want %d", len(es), total, err, tt.total)
			}
			if tt.total > 0 && es[0].Actor != tt.first {
				t.Errorf("first entry by %q, want %q", es[0].Actor, tt.first)
			}
		})
	}

	// Paging: the pages of 4 and of 2 together are the whole list.
	p1, total, err := s.Audit(ctx, core.AuditFilter{Limit: 4})
	if err != nil || total != 6 || len(p1) != 4 {
		t.Fatalf("page 1: %d, total %d, %v", len(p1), total, err)
	}
	p2, total, err := s.Audit(ctx, core.AuditFilter{Offset: 4, Limit: 4})
	if err != nil || total != 6 || len(p2) != 2 || p2[0].ID != all[4].ID || p2[1].ID != all[5].ID {
		t.Fatalf("page 2: %+v, total %d, %v", p2, total, err)
	}
	if es, total, err := s.Audit(ctx, core.AuditFilter{Offset: 10}); err != nil || total != 6 || len(es) != 0 {
		t.Errorf("past the end: %d, total %d, %v", len(es), total, err)
	}

	// Texts are bounded and made valid UTF-8.
	long := core.AuditEntry{Action: core.AuditReveal, Actor: "hd01\xff", Reason: strings.Repeat("查", 500),
		Detail: strings.Repeat("细", core.MaxAuditDetail+10)}
	if err := s.AddAudit(ctx, long); err != nil {
		t.Fatal(err)
	}
	es, _, err := s.Audit(ctx, core.AuditFilter{Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(es[0].Reason); n != core.MaxAuditText {
		t.Errorf("reason of %d runes stored, want %d", n, core.MaxAuditText)
	}
	if n := utf8.RuneCountInString(es[0].Detail); n != core.MaxAuditDetail {
		t.Errorf("detail of %d runes stored, want %d", n, core.MaxAuditDetail)
	}
	if !utf8.ValidString(es[0].Actor) || !strings.HasPrefix(es[0].Actor, "hd01") {
		t.Errorf("actor %q: want valid UTF-8", es[0].Actor)
	}
}
