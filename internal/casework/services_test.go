package casework

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/eligibility"
)

// rowOf returns the row of record id under rule in l, if any.
func rowOf(l ServiceList, id int64, rule string) (ServiceRow, bool) {
	i := slices.IndexFunc(l.Rows, func(r ServiceRow) bool { return r.RecordID == id && r.Rule.ID == rule })
	if i < 0 {
		return ServiceRow{}, false
	}
	return l.Rows[i], true
}

// TestServiceListScope: who gets which service rows; handlers and
// residents are refused; a community worker's list is their community's.
func TestServiceListScope(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	for _, tc := range []struct {
		user      string
		seesP1    bool
		forbidden bool
	}{
		{"admin", true, false},
		{"staff", true, false},
		{"leader", true, false},
		{"cw01", true, false},
		{"cw02", false, false},
		{"hd01", false, true},
		{"resident", false, true},
	} {
		t.Run(tc.user, func(t *testing.T) {
			l, err := s.ServiceList(ctx, users[tc.user], ServiceFilter{})
			if tc.forbidden {
				if core.ErrorCode(err) != core.EFORBIDDEN {
					t.Fatalf("err = %v, want EFORBIDDEN", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := rowOf(l, ids["P1"], "R01"); ok != tc.seesP1 {
				t.Errorf("sees P1 under R01 = %v, want %v (%d rows)", ok, tc.seesP1, len(l.Rows))
			}
			for _, r := range l.Rows {
				if r.RecordID != ids["P1"] && r.RecordID != ids["P2"] {
					t.Errorf("row of record %d, not a person", r.RecordID)
				}
			}
		})
	}
	// A community filter outside the worker's community lists nothing.
	if l, err := s.ServiceList(ctx, users["cw02"], ServiceFilter{Community: "望春园社区"}); err != nil || len(l.Rows) != 0 {
		t.Errorf("cw02 asking for 望春园社区: %d rows, %v", len(l.Rows), err)
	}
	if _, err := s.ServiceList(ctx, users["admin"], ServiceFilter{Rule: "R99"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("unknown rule: %v, want EINVALID", err)
	}
}

// TestServiceListMasking: rows are masked as the records are; leaders get
// no reasons and never the ID number.
func TestServiceListMasking(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	for _, tc := range []struct {
		user      string
		nameClear bool
		reasons   bool
	}{
		{"admin", true, true},
		{"staff", true, true},
		{"cw01", true, true},
		{"leader", false, false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			l, err := s.ServiceList(ctx, users[tc.user], ServiceFilter{})
			if err != nil {
				t.Fatal(err)
			}
			r, ok := rowOf(l, ids["P1"], "R01")
			if !ok {
				t.Fatal("no row of P1 under R01")
			}
			if got, want := r.Person.Name, s.recordMasker().value(users[tc.user].Role, "person", "name", "张三丰"); got != want {
				t.Errorf("name %q, want %q", got, want)
			}
			if (r.Person.Name == "张三丰") != tc.nameClear {
				t.Errorf("name %q: in clear = %v, want %v", r.Person.Name, r.Person.Name == "张三丰", tc.nameClear)
			}
			if r.Person.Key != "" {
				t.Errorf("person key shown: %q", r.Person.Key)
			}
			if (len(r.Reasons) > 0) != tc.reasons {
				t.Errorf("reasons %q, want some = %v", r.Reasons, tc.reasons)
			}
			if tc.user == "leader" && (strings.Contains(r.Person.Phone, "12345678") || strings.Contains(r.Person.Address, "301")) {
				t.Errorf("leader sees phone %q, address %q", r.Person.Phone, r.Person.Address)
			}
		})
	}
}

// TestDueVisitsWithStoredVisits: the schedule counts from the latest
// stored visit; states and filters follow.
func TestDueVisitsWithStoredVisits(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, core.StreetTime) }
	state := func(u string) string {
		t.Helper()
		l, err := s.DueVisits(ctx, users[u], ServiceFilter{Rule: "R01"})
		if err != nil {
			t.Fatal(err)
		}
		r, ok := rowOf(l, ids["P1"], "R01")
		if !ok {
			t.Fatal("no due row of P1 under R01")
		}
		if l.States[r.Visit.State] == 0 {
			t.Errorf("states %v do not count %s", l.States, r.Visit.State)
		}
		return r.Visit.State
	}
	if got := state("cw01"); got != eligibility.VisitFirst {
		t.Errorf("no visit: %s, want %s", got, eligibility.VisitFirst)
	}
	for _, tc := range []struct {
		name string
		on   time.Time
		want string
	}{
		// R01 is weekly; today is Monday 3 March 2025; warn 7 days.
		{"long ago", day(2, 1), eligibility.VisitOverdue},
		{"last week", day(2, 27), eligibility.VisitNear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.RecordVisit(ctx, users["cw01"], VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: tc.on, Note: "上门走访"}); err != nil {
				t.Fatal(err)
			}
			if got := state("cw01"); got != tc.want {
				t.Errorf("after a visit on %s: %s, want %s", tc.on.Format(time.DateOnly), got, tc.want)
			}
		})
	}
	// The older visit recorded later does not move the schedule back.
	if _, err := s.RecordVisit(ctx, users["staff"], VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: day(1, 1), Note: "补登"}); err != nil {
		t.Fatal(err)
	}
	if got := state("admin"); got != eligibility.VisitNear {
		t.Errorf("after an older visit: %s, want %s", got, eligibility.VisitNear)
	}
	l, err := s.DueVisits(ctx, users["admin"], ServiceFilter{Status: eligibility.VisitOverdue, Rule: "R01"})
	if err != nil || len(l.Rows) != 0 {
		t.Errorf("overdue filter: %d rows, %v; want none", len(l.Rows), err)
	}
	pl, err := s.PolicyPushList(ctx, users["admin"], ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range pl.Rows {
		if r.Rule.Service != eligibility.ServicePolicy {
			t.Errorf("policy list has rule %s (%s)", r.Rule.ID, r.Rule.Service)
		}
	}
}

// TestRecordVisit: who may record, for whom, and what is refused.
func TestRecordVisit(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	today := now
	for _, tc := range []struct {
		name string
		user string
		req  VisitRequest
		code string // "" for success
	}{
		{"community worker", "cw01", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "上门"}, ""},
		{"staff", "staff", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "电话"}, ""},
		{"admin", "admin", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "上门"}, ""},
		{"other community", "cw02", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "上门"}, core.ENOTFOUND},
		{"leader", "leader", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "上门"}, core.EFORBIDDEN},
		{"handler", "hd01", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "上门"}, core.EFORBIDDEN},
		{"resident", "resident", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today, Note: "上门"}, core.EFORBIDDEN},
		{"no note", "cw01", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today}, core.EINVALID},
		{"future", "cw01", VisitRequest{PersonID: ids["P1"], Rule: "R01", Date: today.AddDate(0, 0, 1), Note: "上门"}, core.EINVALID},
		{"no date", "cw01", VisitRequest{PersonID: ids["P1"], Rule: "R01", Note: "上门"}, core.EINVALID},
		{"unknown rule", "cw01", VisitRequest{PersonID: ids["P1"], Rule: "R99", Date: today, Note: "上门"}, core.EINVALID},
		{"rule not met", "admin", VisitRequest{PersonID: ids["P2"], Rule: "R01", Date: today, Note: "上门"}, core.EINVALID},
		{"a house", "admin", VisitRequest{PersonID: ids["H1"], Rule: "R01", Date: today, Note: "上门"}, core.ENOTFOUND},
		{"missing", "admin", VisitRequest{PersonID: ids["missing"], Rule: "R01", Date: today, Note: "上门"}, core.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := s.RecordVisit(ctx, users[tc.user], tc.req)
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if tc.code == "" && (v.ID == 0 || v.By != tc.user || v.Community != "望春园社区" || v.Date.Format(time.DateOnly) != "2025-03-03") {
				t.Errorf("visit = %+v", v)
			}
		})
	}
	got, err := s.Store.(core.VisitStore).Visits(ctx, core.VisitFilter{})
	if err != nil || len(got) != 3 {
		t.Errorf("stored %d visits, %v; want 3", len(got), err)
	}
}
