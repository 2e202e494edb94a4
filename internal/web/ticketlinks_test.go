package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// TestTicketRecords: ticket 1's caller (by phone) and address (by 门牌)
// link to a person and a house of 望春园社区, in the API and on the ticket
// page, masked for the leader; a handler reads none; out of scope is
// missing.
func TestTicketRecords(t *testing.T) {
	f := newFixture(t)
	seedRecords(t, f)
	_, err := f.store.UpsertRecords(context.Background(), []core.RecordUpsert{
		{Kind: fieldset.KindPerson, Source: "民政科", Key: "T1", Values: map[string]string{
			"name": "张三丰", "phone": "+86 138-1234-5678", "address": "望春园一区5-2-301", "community": "望春园社区"}},
		{Kind: fieldset.KindHouse, Source: "住建科", Key: "H5", Values: map[string]string{
			"address": "海川区望春园一区5号楼2单元301室", "community": "望春园社区"}},
	}, "import:民政科", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Records []ticketLinkJSON `json:"records"`
	}
	for _, tc := range []struct {
		user   string
		status int
		name   string // the person's name as shown
	}{
		{"admin", 200, "张三丰"},
		{"cw01", 200, "张三丰"},
		{"leader", 200, "张**"},
		{"handler", http.StatusForbidden, ""},
		{"hd01", http.StatusNotFound, ""}, // ticket 1 is not its
	} {
		t.Run(tc.user, func(t *testing.T) {
			c := f.login(t, tc.user)
			r := f.get(t, c, "/api/v1/tickets/1/records")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %.200s", r.status, tc.status, r.body)
			}
			if tc.status != 200 {
				return
			}
			a := decode[answer](t, r)
			reasons := map[string]string{}
			for _, l := range a.Records {
				reasons[l.Record.Kind] = l.Reason
				if l.Record.Kind == fieldset.KindPerson && l.Record.Name != tc.name {
					t.Errorf("person shown as %q, want %q", l.Record.Name, tc.name)
				}
			}
			if reasons[fieldset.KindPerson] != "按电话" || reasons[fieldset.KindHouse] != "按门牌" {
				t.Errorf("links %+v", a.Records)
			}
			page := f.get(t, c, "/tickets/1")
			if body := string(page.body); page.status != 200 || !strings.Contains(body, `id="ticket-records"`) || !strings.Contains(body, "按电话") {
				t.Errorf("ticket page without the 关联基础数据 panel: %d", page.status)
			}
		})
	}
	if page := f.get(t, f.login(t, "handler"), "/tickets/1"); page.status != 200 || strings.Contains(string(page.body), `id="ticket-records"`) {
		t.Errorf("handler's ticket page: %d, panel shown", page.status)
	}
}
