package casework

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/sqlite"
)

// auditService is newService with its store as the audit log, and a
// closed (resolved) ticket T4 of 城市管理办公室.
func auditService(t *testing.T) (*Service, map[string]int64) {
	t.Helper()
	s, ids, _ := newService(t)
	s.Audit = s.Store.(core.AuditStore)
	ctx := context.Background()
	closed := core.Ticket{Number: "GD-0004", ReceivedAt: now.AddDate(0, 0, -9), CallerName: "钱七", CallerPhone: "13600003333",
		Community: "柳荫里社区", Unit: "城市管理办公室", Title: "井盖缺失", Status: core.StatusResolved}
	if _, err := s.Store.UpsertTickets(ctx, []core.Ticket{closed}, "staff"); err != nil {
		t.Fatal(err)
	}
	tk, err := s.Store.TicketByNumber(ctx, "GD-0004")
	if err != nil {
		t.Fatal(err)
	}
	ids["T4"] = tk.ID
	return s, ids
}

// TestReveal: a reveal names the fields and a reason; the roles the
// dictionary masks the fields for that work the ticket may reveal it
// (the lead unit, leaders) while it is open; each reveal is a history
// event with the reason and one audit entry per field, without values.
func TestReveal(t *testing.T) {
	ctx := context.Background()
	phone := []string{"caller_phone"}
	why := "先行联系来电人"
	tests := []struct {
		name, user, ticket string
		req                RevealRequest
		code, field        string // the error's code and field
		want               Contact
	}{
		{"lead unit handler", "hd01", "T1", RevealRequest{Fields: phone, Reason: why, Address: "10.1.2.3"}, "", "",
			Contact{Fields: phone, CallerPhone: "13812345678"}},
		{"every field, in order", "hd01", "T1", RevealRequest{Fields: []string{"address", "caller_id", "caller_name", "caller_phone", "caller_phone"}, Reason: why}, "", "",
			Contact{Fields: RevealFields, CallerName: "张三丰", CallerPhone: "13812345678", CallerID: "110101199001011234", Address: "海川区望春园一区5号楼2单元301"}},
		{"community worker of the lead unit", "cw02", "T2", RevealRequest{Fields: []string{"caller_name"}, Reason: why}, "", "",
			Contact{Fields: []string{"caller_name"}, CallerName: "王五"}},
		{"leader supervising", "leader", "T1", RevealRequest{Fields: []string{"caller_phone", "address"}, Reason: "督办前电话核实诉求"}, "", "",
			Contact{Fields: []string{"caller_phone", "address"}, CallerPhone: "13812345678", Address: "海川区望春园一区5号楼2单元301"}},
		{"reason at the limit", "hd01", "T1", RevealRequest{Fields: phone, Reason: strings.Repeat("联", MaxRevealReason)}, "", "",
			Contact{Fields: phone, CallerPhone: "13812345678"}},

		{"no reason", "hd01", "T1", RevealRequest{Fields: phone}, core.EINVALID, "reason", Contact{}},
		{"blank reason", "hd01", "T1", RevealRequest{Fields: phone, Reason: " \t\n "}, core.EINVALID, "reason", Contact{}},
		{"reason too long", "hd01", "T1", RevealRequest{Fields: phone, Reason: strings.Repeat("联", MaxRevealReason+1)}, core.EINVALID, "reason", Contact{}},
		{"reason with a control character", "hd01", "T1", RevealRequest{Fields: phone, Reason: "先行\x00联系"}, core.EINVALID, "reason", Contact{}},
		{"reason not UTF-8", "hd01", "T1", RevealRequest{Fields: phone, Reason: "先行\xff"}, core.EINVALID, "reason", Contact{}},
		{"no field", "hd01", "T1", RevealRequest{Reason: why}, core.EINVALID, "fields", Contact{}},
		{"a field that is not revealed", "hd01", "T1", RevealRequest{Fields: []string{"content"}, Reason: why}, core.EINVALID, "fields", Contact{}},
		{"too many fields", "hd01", "T1", RevealRequest{Fields: slices.Repeat(phone, 9), Reason: why}, core.EINVALID, "fields", Contact{}},

		{"co-unit", "hdA", "T1", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"community, not the lead unit", "cw01", "T1", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"closed ticket", "hd01", "T4", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"closed ticket, leader", "leader", "T4", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"staff sees it anyway", "staff", "T1", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"admin sees it anyway", "admin", "T1", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"resident", "resident", "T1", RevealRequest{Fields: phone, Reason: why}, core.EFORBIDDEN, "", Contact{}},
		{"handler without a unit", "hdNone", "T1", RevealRequest{Fields: phone, Reason: why}, core.ENOTFOUND, "", Contact{}},

		{"out of scope", "cw01", "T2", RevealRequest{Fields: phone, Reason: why}, core.ENOTFOUND, "", Contact{}},
		{"missing", "hd01", "missing", RevealRequest{Fields: phone, Reason: why}, core.ENOTFOUND, "", Contact{}},
		// The request is checked before the ticket: out of scope and
		// missing answer alike.
		{"out of scope without a reason", "cw01", "T2", RevealRequest{Fields: phone}, core.EINVALID, "reason", Contact{}},
		{"missing without a reason", "hd01", "missing", RevealRequest{Fields: phone}, core.EINVALID, "reason", Contact{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ids := auditService(t)
			u := users[tt.user]
			before, _ := s.Store.TicketEvents(ctx, ids[tt.ticket])
			c, err := s.Reveal(ctx, u, ids[tt.ticket], tt.req)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("Reveal: %+v %v, want code %q", c, err, tt.code)
			}
			entries, _, aerr := s.Audit.Audit(ctx, core.AuditFilter{})
			if aerr != nil {
				t.Fatal(aerr)
			}
			if tt.code != "" {
				if !reflectEqual(c, Contact{}) {
					t.Errorf("a refusal shows %+v", c)
				}
				if f := fieldOf(err); f != tt.field {
					t.Errorf("error names field %q, want %q", f, tt.field)
				}
				if tt.code == core.ENOTFOUND && err != ErrNoTicket {
					t.Errorf("got %v, want ErrNoTicket (as a missing ticket)", err)
				}
				if after, _ := s.Store.TicketEvents(ctx, ids[tt.ticket]); len(after) != len(before) {
					t.Errorf("a refusal left history events %+v", after[len(before):])
				}
				if len(entries) != 0 {
					t.Errorf("a refusal left audit entries %+v", entries)
				}
				return
			}
			if !reflectEqual(c, tt.want) {
				t.Errorf("Reveal = %+v, want %+v", c, tt.want)
			}
			events, _ := s.Store.TicketEvents(ctx, ids[tt.ticket])
			last := events[len(events)-1]
			reason, _ := CleanReason(tt.req.Reason)
			if last.Action != core.EventReveal || last.Actor != tt.user || !strings.Contains(last.Note, reason) {
				t.Errorf("history ends with %s by %s (%q), want the reveal with its reason", last.Action, last.Actor, last.Note)
			}
			if len(entries) != len(tt.want.Fields) {
				t.Fatalf("%d audit entries, want one per field (%d)", len(entries), len(tt.want.Fields))
			}
			tk, _ := s.Store.Ticket(ctx, ids[tt.ticket])
			for _, e := range entries {
				if e.Action != core.AuditReveal || e.Actor != tt.user || e.Role != u.Role || e.TicketID != tk.ID ||
					e.TicketNumber != tk.Number || e.Reason != reason || !slices.Contains(tt.want.Fields, e.Field) ||
					e.Address != tt.req.Address || !e.At.Equal(now) {
					t.Errorf("audit entry %+v", e)
				}
				for _, v := range []string{tk.CallerName, tk.CallerPhone, tk.CallerID, tk.Address} {
					if v != "" && strings.Contains(e.Detail+e.Reason+e.Field, v) {
						t.Errorf("audit entry %+v holds a value", e)
					}
				}
			}
		})
	}
}

func reflectEqual(a, b Contact) bool {
	return slices.Equal(a.Fields, b.Fields) && a.CallerName == b.CallerName && a.CallerPhone == b.CallerPhone &&
		a.CallerID == b.CallerID && a.Address == b.Address
}

func fieldOf(err error) string {
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

// TestRevealAuditFails: when the audit log cannot be written, nothing is
// shown.
func TestRevealAuditFails(t *testing.T) {
	s, ids := auditService(t)
	ctx := context.Background()
	closed, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "closed.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	s.Audit = closed
	c, err := s.Reveal(ctx, users["hd01"], ids["T1"], RevealRequest{Fields: []string{"caller_phone"}, Reason: "先行联系"})
	if err == nil || c.CallerPhone != "" {
		t.Fatalf("Reveal with a broken audit log: %+v %v, want an error and nothing shown", c, err)
	}
}

// TestRevealable: the fields a role may reveal follow the dictionary.
func TestRevealable(t *testing.T) {
	policy, err := os.ReadFile("../deid/policy.csv")
	if err != nil {
		t.Fatal(err)
	}
	// A street whose leaders see the address and never the ID number.
	custom := strings.NewReplacer(
		"caller_id,idcard,keep,mask,", "caller_id,idcard,keep,suppress,",
		"address,address,keep,generalise,", "address,address,keep,keep,",
	).Replace(string(policy))
	if strings.Count(custom, ",suppress,") == strings.Count(string(policy), ",suppress,") || !strings.Contains(custom, "address,address,keep,keep,") {
		t.Fatal("policy.csv's caller_id and address rows changed: update the test's replacements")
	}
	d, err := deid.LoadDictionary(strings.NewReader(custom))
	if err != nil {
		t.Fatal(err)
	}
	all := RevealFields
	tests := []struct {
		name, role string
		dict       *deid.Dictionary
		want       []string
	}{
		{"handler", core.RoleHandler, nil, all},
		{"community worker", core.RoleCommunity, nil, all},
		{"leader", core.RoleLeader, nil, all},
		{"staff keeps", core.RoleStaff, nil, nil},
		{"admin keeps", core.RoleAdmin, nil, nil},
		{"resident is suppressed", core.RoleResident, nil, nil},
		{"an unknown role", "visitor", nil, nil},
		{"leader, custom dictionary", core.RoleLeader, d, []string{"caller_name", "caller_phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Service{Dictionary: tt.dict}
			if got := s.Revealable(tt.role); !slices.Equal(got, tt.want) {
				t.Errorf("Revealable(%s) = %v, want %v", tt.role, got, tt.want)
			}
		})
	}
	// With that dictionary a leader's reveal of the ID number is refused
	// before any ticket is read.
	s := &Service{Dictionary: d}
	if _, _, err := s.checkReveal(users["leader"], RevealRequest{Fields: []string{"caller_id"}, Reason: "核实"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("leader reveals a suppressed field: %v, want EFORBIDDEN", err)
	}
}

// TestViewRevealFields: the ticket view offers the fields the user sees
// masked, when the user may reveal.
func TestViewRevealFields(t *testing.T) {
	s, ids := auditService(t)
	ctx := context.Background()
	tests := []struct {
		user, ticket string
		want         []string
	}{
		// The address is scanned for a handler, who sees it whole here.
		{"hd01", "T1", []string{"caller_name", "caller_phone", "caller_id"}},
		{"leader", "T1", RevealFields},                          // the address generalised
		{"cw02", "T2", []string{"caller_name", "caller_phone"}}, // T2 has no ID number nor address
		{"hdA", "T1", nil},
		{"staff", "T1", nil},
		{"hd01", "T4", nil}, // closed
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.ticket, func(t *testing.T) {
			v, err := s.View(ctx, users[tt.user], ids[tt.ticket])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(v.RevealFields, tt.want) || v.CanReveal != (len(tt.want) > 0) {
				t.Errorf("RevealFields %v (CanReveal %v), want %v", v.RevealFields, v.CanReveal, tt.want)
			}
		})
	}
}

// FuzzCleanReason: an accepted reason is trimmed, bounded, printable and
// stays the same when cleaned again.
func FuzzCleanReason(f *testing.F) {
	for _, s := range []string{"先行联系来电人", "", " \n\t", strings.Repeat("联", 201), "a\x00b", "\xff", "督办  核实\r\n诉求", "<script>alert(1)</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := CleanReason(in)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "reason" {
				t.Fatalf("CleanReason(%q): %v, want an EINVALID error about reason", in, err)
			}
			return
		}
		if out == "" || !utf8.ValidString(out) || utf8.RuneCountInString(out) > MaxRevealReason || strings.TrimSpace(out) != out {
			t.Fatalf("CleanReason(%q) = %q", in, out)
		}
		for _, c := range out {
			if !unicode.IsPrint(c) && c != ' ' {
				t.Fatalf("CleanReason(%q) = %q keeps %U", in, out, c)
			}
		}
		if again, err := CleanReason(out); err != nil || again != out {
			t.Fatalf("CleanReason(%q) = %q, %v; want it unchanged", out, again, err)
		}
	})
}
