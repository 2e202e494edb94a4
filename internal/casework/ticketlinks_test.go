package casework

import (
	"context"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// TestLinkTicket: the matching on messy inputs, one case per way callers
// and addresses come.
func TestLinkTicket(t *testing.T) {
	id18 := validID("11010519400101123")
	recs := []core.Record{
		{ID: 1, Kind: fieldset.KindPerson, Community: "望春园社区", Values: map[string]string{"name": "张三丰", "id_number": id18,
			"phone": "13812345678", "address": "望春园一区3号楼2单元301", "community": "望春园社区"}},
		{ID: 2, Kind: fieldset.KindPerson, Community: "望春园社区", Values: map[string]string{"name": "李梅", "phone": "13900001111",
			"estate": "望春园一区", "building": "5", "unit_no": "1", "room": "102", "community": "望春园社区"}},
		{ID: 3, Kind: fieldset.KindHouse, Community: "望春园社区", Values: map[string]string{"address": "海川区望春园一区3号楼2单元301室",
			"estate": "望春园一区", "building": "3", "unit_no": "2", "room": "301", "community": "望春园社区"}},
		{ID: 4, Kind: fieldset.KindEnterprise, Community: "柳荫里社区", Values: map[string]string{"name": "海川热力有限公司"}},
		{ID: 5, Kind: fieldset.KindPerson, Community: "柳荫里社区", Values: map[string]string{"name": "李梅",
			"address": "望春园一区5号楼1单元102", "community": "柳荫里社区"}},
	}
	for _, tc := range []struct {
		name string
		t    core.Ticket
		want map[int64]string // record ID → reason
	}{
		{"dashed phone", core.Ticket{CallerName: "张先生", CallerPhone: "138-1234-5678"}, map[int64]string{1: ReasonPhone}},
		{"+86 phone", core.Ticket{CallerPhone: "+86 138 1234 5678"}, map[int64]string{1: ReasonPhone}},
		{"15-digit ID", core.Ticket{CallerID: "110105400101123", CallerPhone: "13700000000"}, map[int64]string{1: ReasonIDNumber}},
		{"ID before phone", core.Ticket{CallerID: id18, CallerPhone: "13900001111"}, map[int64]string{1: ReasonIDNumber}},
		{"name and 3-2-301", core.Ticket{CallerName: "张三丰", Address: "望春园一区3-2-301", Community: "望春园社区"},
			map[int64]string{1: ReasonNameAddress, 3: ReasonHouse}},
		{"张先生 and address", core.Ticket{CallerName: "张先生", Address: "望春园一区3号楼2单元301", Community: "望春园社区"},
			map[int64]string{1: ReasonNameAddress, 3: ReasonHouse}},
		{"same name other community", core.Ticket{CallerName: "李梅", Address: "望春园一区5号楼1单元102", Community: "望春园社区"},
			map[int64]string{2: ReasonNameAddress}},
		{"address in the text", core.Ticket{Content: "望春园一区3号楼2单元301楼上漏水", Community: "望春园社区"}, map[int64]string{3: ReasonHouse}},
		{"other room", core.Ticket{CallerName: "张三丰", Address: "望春园一区3号楼2单元302", Community: "望春园社区"}, map[int64]string{}},
		{"company in the text", core.Ticket{Content: "海川热力有限公司供暖不达标"}, map[int64]string{4: ReasonEnterprise}},
		{"nothing", core.Ticket{CallerName: "王先生", CallerPhone: "13700000000", Content: "路灯不亮"}, map[int64]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[int64]string{}
			for _, l := range LinkTicket(tc.t, recs) {
				if l.Confidence <= 0 || l.Confidence > 1 {
					t.Errorf("record %d: confidence %v", l.Record.ID, l.Confidence)
				}
				got[l.Record.ID] = l.Reason
			}
			if len(got) != len(tc.want) {
				t.Fatalf("links %v, want %v", got, tc.want)
			}
			for id, r := range tc.want {
				if got[id] != r {
					t.Errorf("record %d: %q, want %q (all %v)", id, got[id], r, got)
				}
			}
		})
	}
}

// TestTicketRecords: the ticket scope first (out of scope is missing), the
// record scope next (handlers read none), values masked for the role.
func TestTicketRecords(t *testing.T) {
	s, ids := recordService(t)
	_, tids, _ := newService(t) // same fixture tickets: IDs are stable
	ctx := context.Background()
	t1 := tids["T1"]
	for _, tc := range []struct {
		user    string
		want    int64 // the person linked, 0 none
		code    string
		phoneIs string
	}{
		{"admin", ids["P1"], "", "13812345678"},
		{"cw01", ids["P1"], "", "13812345678"},
		{"leader", ids["P1"], "", "138****5678"},
		{"cw02", 0, core.ENOTFOUND, ""},
		{"hd01", 0, core.EFORBIDDEN, ""},
		{"resident", 0, core.EFORBIDDEN, ""},
	} {
		t.Run(tc.user, func(t *testing.T) {
			links, err := s.TicketRecords(ctx, users[tc.user], t1)
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("err %v, want code %q", err, tc.code)
			}
			if tc.code != "" {
				if tc.code == core.ENOTFOUND && core.ErrorMessage(err) != core.ErrorMessage(ErrNoTicket) {
					t.Errorf("out of scope answers %v, not as missing", err)
				}
				return
			}
			var person *TicketLink
			for i, l := range links {
				if l.Record.Kind == fieldset.KindPerson {
					person = &links[i]
				}
			}
			if person == nil || person.Record.ID != tc.want {
				t.Fatalf("links %+v, want person %d", links, tc.want)
			}
			if person.Reason != ReasonPhone {
				t.Errorf("reason %q", person.Reason)
			}
			if got := person.Record.Values["phone"]; got != tc.phoneIs {
				t.Errorf("phone shown %q, want %q", got, tc.phoneIs)
			}
		})
	}
	if _, err := s.TicketRecords(ctx, users["admin"], ids["missing"]+1000); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("missing ticket: %v", err)
	}
}
