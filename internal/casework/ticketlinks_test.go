package casework

import (
	"context"
	"slices"
	"testing"
	"time"

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

// TestTicketRecordsScope: the records come through the key index, never
// from outside the user's record scope nor, for persons and houses, from
// outside the ticket's community; and they are the links LinkTicket finds
// among all the records of the old candidate set (the community's active
// records), for every ticket.
func TestTicketRecordsScope(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	rs := s.Store.(core.RecordStore)
	res, err := rs.UpsertRecords(ctx, []core.RecordUpsert{
		{Kind: fieldset.KindPerson, Source: "公安派出所", Key: "p3", Values: map[string]string{"name": "赵六", "phone": "13700002222",
			"community": "柳荫里社区"}},
		{Kind: fieldset.KindPerson, Source: "公安派出所", Key: "p4", Values: map[string]string{"name": "赵六", "phone": "137-0000-2222",
			"community": "望春园社区"}},
	}, "import:公安派出所", now)
	if err != nil {
		t.Fatal(err)
	}
	p3, p4 := res[0].ID, res[1].ID
	if _, err := s.Store.UpsertTickets(ctx, []core.Ticket{{Number: "GD-0004", ReceivedAt: now.Add(-time.Hour), CallerName: "赵六",
		CallerPhone: "13700002222", Community: "望春园社区", Title: "供暖", Content: "海川热力公司供暖不达标", Status: core.StatusReceived}},
		"import:四月工单.xlsx"); err != nil {
		t.Fatal(err)
	}
	t4, err := s.Store.TicketByNumber(ctx, "GD-0004")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user string
		want []int64
	}{
		{"admin", []int64{ids["E1"], p4}},
		{"cw01", []int64{p4}}, // the company is in 柳荫里社区, outside cw01's scope
	} {
		t.Run(tc.user, func(t *testing.T) {
			links, err := s.TicketRecords(ctx, users[tc.user], t4.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, l := range links {
				got = append(got, l.Record.ID)
				if l.Record.ID == p3 {
					t.Errorf("linked %d of 柳荫里社区 for a ticket of 望春园社区", p3)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("links %v, want %v", got, tc.want)
			}
		})
	}
	// The old way: every active record of the ticket's community.
	for _, n := range []string{"GD-0001", "GD-0002", "GD-0003", "GD-0004"} {
		tk, err := s.Store.TicketByNumber(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		var all []core.Record
		for _, kind := range []string{fieldset.KindPerson, fieldset.KindHouse, fieldset.KindEnterprise} {
			f := core.RecordFilter{Kind: kind, Status: core.RecordActive, Community: tk.Community}
			if kind == fieldset.KindEnterprise {
				f.Community = ""
			}
			if err := rs.ScanRecords(ctx, f, func(r core.Record) error { all = append(all, r); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		want := LinkTicket(tk, all)
		got, err := s.TicketRecords(ctx, users["admin"], tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d links, want %d", n, len(got), len(want))
		}
		for i := range want {
			if got[i].Record.ID != want[i].Record.ID || got[i].Reason != want[i].Reason || got[i].Confidence != want[i].Confidence {
				t.Errorf("%s link %d: %d %s %v, want %d %s %v", n, i, got[i].Record.ID, got[i].Reason, got[i].Confidence,
					want[i].Record.ID, want[i].Reason, want[i].Confidence)
			}
		}
	}
}
