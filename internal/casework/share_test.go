package casework

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
)

// shareService is recordService with a retired person P3 of 望春园社区
// and GD-0003 resolved (办结) at now.
func shareService(t *testing.T) (*Service, map[string]int64) {
	t.Helper()
	s, ids := recordService(t)
	ctx := context.Background()
	rs := s.Store.(core.RecordStore)
	p3 := validID("11010519500303345")
	res, err := rs.UpsertRecords(ctx, []core.RecordUpsert{{Kind: fieldset.KindPerson, Source: "民政科", Key: p3, Values: map[string]string{
		"name": "李已销", "id_number": p3, "phone": "13700003333", "community": "望春园社区"}}}, "import:民政科", now)
	if err != nil {
		t.Fatal(err)
	}
	ids["P3"] = res[0].ID
	if _, err := rs.RetireRecord(ctx, ids["P3"], "admin", "迁出", 1); err != nil {
		t.Fatal(err)
	}
	t3, err := s.Store.TicketByNumber(ctx, "GD-0003")
	if err != nil {
		t.Fatal(err)
	}
	t3.Status, t3.ResolvedAt = core.StatusResolved, now
	if _, err := s.Store.UpsertTickets(ctx, []core.Ticket{t3}, "test"); err != nil {
		t.Fatal(err)
	}
	return s, ids
}

// issueShare issues a share key as admin.
func issueShare(t *testing.T, s *Service, name string, fields, communities []string) core.APIKey {
	t.Helper()
	k, _, err := s.IssueAPIKey(context.Background(), users["admin"], core.APIKey{Name: name, Purpose: core.APIKeyShare, Fields: fields, Communities: communities})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestShareRecordsScope: a key reads its communities and kinds only; a
// community or kind outside it is refused (EFORBIDDEN), a record outside
// it answers as missing, a retired record is not shared.
func TestShareRecordsScope(t *testing.T) {
	s, ids := shareService(t)
	ctx := context.Background()
	wcy := issueShare(t, s, "区民政局", []string{"person.community", "person.gender", "house.community"}, []string{"望春园社区"})
	street := issueShare(t, s, "区卫健委", []string{"person.community"}, nil)
	none := issueShare(t, s, "无社区", []string{"person.community"}, []string{})
	ofIDs := func(p SharePage[SharedRecord]) []string {
		var out []string
		for _, r := range p.Items {
			for name, id := range ids {
				if id == r.ID {
					out = append(out, name)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name  string
		key   core.APIKey
		q     ShareQuery
		want  []string
		total int
		code  string
	}{
		{"community key, person", wcy, ShareQuery{Kind: "person"}, []string{"P1"}, 1, ""},
		{"community key, house", wcy, ShareQuery{Kind: "house"}, []string{"H1"}, 1, ""},
		{"community key, own community", wcy, ShareQuery{Kind: "person", Community: "望春园社区"}, []string{"P1"}, 1, ""},
		{"community key, other community", wcy, ShareQuery{Kind: "person", Community: "柳荫里社区"}, nil, 0, core.EFORBIDDEN},
		{"community key, unknown community", wcy, ShareQuery{Kind: "person", Community: "火星社区"}, nil, 0, core.EFORBIDDEN},
		{"community key, several kinds need kind", wcy, ShareQuery{}, nil, 0, core.EINVALID},
		{"kind outside the key", wcy, ShareQuery{Kind: "enterprise"}, nil, 0, core.EFORBIDDEN},
		{"unknown kind", wcy, ShareQuery{Kind: "cars"}, nil, 0, core.EINVALID},
		{"street key, its only kind", street, ShareQuery{}, []string{"P1", "P2"}, 2, ""},
		{"street key, a community", street, ShareQuery{Community: "柳荫里社区"}, []string{"P2"}, 1, ""},
		{"no community", none, ShareQuery{}, nil, 0, ""},
		{"page size too large", street, ShareQuery{PageSize: MaxSharePage + 1}, nil, 0, core.EINVALID},
		{"second page", street, ShareQuery{PageSize: 1, Page: 2}, []string{"P2"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ShareRecords(ctx, tc.key, tc.q)
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if got := ofIDs(p); !slices.Equal(got, tc.want) || p.Total != tc.total {
				t.Errorf("records %v (total %d), want %v (total %d)", got, p.Total, tc.want, tc.total)
			}
		})
	}
	// One record: outside the key's communities, a kind the key does not
	// read, retired or missing all answer as missing.
	for _, name := range []string{"P2", "E1", "P3", "missing"} {
		if _, err := s.ShareRecord(ctx, wcy, ids[name], nil); err != ErrNoRecord {
			t.Errorf("ShareRecord %s: %v, want ErrNoRecord", name, err)
		}
	}
	if r, err := s.ShareRecord(ctx, wcy, ids["P1"], nil); err != nil || r.Values["community"] != "望春园社区" {
		t.Errorf("ShareRecord P1 = %+v, %v", r, err)
	}
	// A retired record is not in the list of the whole street either.
	if p, err := s.ShareRecords(ctx, street, ShareQuery{Community: "望春园社区"}); err != nil || slices.Contains(ofIDs(p), "P3") {
		t.Errorf("retired record shared: %v %v", ofIDs(p), err)
	}
	// A revoked or Open311 key reads nothing.
	revoked := street
	revoked.RevokedAt = now
	o311 := street
	o311.Purpose = core.APIKeyOpen311
	for _, k := range []core.APIKey{revoked, o311, {}} {
		if _, err := s.ShareRecords(ctx, k, ShareQuery{}); err != ErrBadAPIKey {
			t.Errorf("key %+v: %v, want ErrBadAPIKey", k, err)
		}
	}
}

// TestShareRecordsFields: only the key's fields are in a record, a field
// outside it is refused, phone and ID number of the share role are never
// raw by default; a street's dictionary decides otherwise.
func TestShareRecordsFields(t *testing.T) {
	s, ids := shareService(t)
	ctx := context.Background()
	k := issueShare(t, s, "区民政局", []string{"person.name", "person.phone", "person.id_number", "person.community", "person.address"}, nil)
	p, err := s.ShareRecords(ctx, k, ShareQuery{Community: "望春园社区"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("ShareRecords = %+v, %v", p, err)
	}
	r := p.Items[0]
	for f, v := range r.Values {
		if !slices.Contains([]string{"name", "phone", "id_number", "community", "address"}, f) {
			t.Errorf("field %s = %q outside the key", f, v)
		}
	}
	for _, unlisted := range []string{"gender", "birth_date", "marks", "living_alone", "note", "grid"} {
		if v, ok := r.Values[unlisted]; ok {
			t.Errorf("unlisted field %s = %q shared", unlisted, v)
		}
	}
	for _, raw := range []string{"13812345678", p1ID, "张三丰", "5号楼2单元301"} {
		for f, v := range r.Values {
			if strings.Contains(v, raw) || strings.Contains(v, raw[len(raw)-4:]) && (f == "phone" || f == "id_number") {
				t.Errorf("field %s = %q shows %q raw", f, v, raw)
			}
		}
	}
	if r.Values["community"] != "望春园社区" {
		t.Errorf("community = %q", r.Values["community"])
	}
	if a := r.Values["address"]; a == "" || strings.Contains(a, "301") {
		t.Errorf("address = %q, want generalised", a)
	}
	for _, tc := range []struct {
		name   string
		fields []string
		want   []string
		code   string
	}{
		{"a field by its name", []string{"community"}, []string{"community"}, ""},
		{"a field by KIND.FIELD", []string{"person.community", "community"}, []string{"community"}, ""},
		{"outside the key", []string{"person.gender"}, nil, core.EFORBIDDEN},
		{"unknown", []string{"person.salary"}, nil, core.EINVALID},
		{"another kind", []string{"house.community"}, nil, core.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ShareRecords(ctx, k, ShareQuery{Community: "望春园社区", Fields: tc.fields})
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %q", err, tc.code)
			}
			if err == nil && !slices.Equal(slices.Sorted(mapsKeys(p.Items[0].Values)), tc.want) {
				t.Errorf("values %v, want %v", p.Items[0].Values, tc.want)
			}
			if tc.code == core.EFORBIDDEN && !strings.Contains(core.ErrorMessage(err), "person.gender") {
				t.Errorf("message %q does not name the field", core.ErrorMessage(err))
			}
		})
	}
	// A street's dictionary that keeps the phone for share shows it.
	csv := string(deid.DefaultDictionaryCSV()) + "person.phone,phone,keep,mask,keep,suppress,mask,suppress,pseudonymise,keep,keep\n"
	d, err := deid.LoadDictionary(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	s.Dictionary = d
	if r, err := s.ShareRecord(ctx, k, ids["P1"], nil); err != nil || r.Values["phone"] != "13812345678" || r.Values["id_number"] != "" {
		t.Errorf("with the street's dictionary: %+v, %v", r.Values, err)
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestShareRecordsKeyword: an ID number or phone is a lookup that needs the
// key to read that field; a text keyword needs the name and address.
func TestShareRecordsKeyword(t *testing.T) {
	s, ids := shareService(t)
	ctx := context.Background()
	byID := issueShare(t, s, "区民政局", []string{"person.id_number", "person.community"}, nil)
	byName := issueShare(t, s, "区残联", []string{"person.name", "person.address", "person.community"}, []string{"望春园社区"})
	for _, tc := range []struct {
		name string
		key  core.APIKey
		q    string
		want []int64
		code string
	}{
		{"ID number", byID, p1ID, []int64{ids["P1"]}, ""},
		{"ID number of a retired record", byID, validID("11010519500303345"), nil, ""},
		{"ID number without the field", byName, p1ID, nil, core.EFORBIDDEN},
		{"phone without the field", byID, "13812345678", nil, core.EFORBIDDEN},
		{"name", byName, "张三", []int64{ids["P1"]}, ""},
		{"name of another community", byName, "王五", nil, ""},
		{"name without the fields", byID, "张三", nil, core.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ShareRecords(ctx, tc.key, ShareQuery{Query: tc.q})
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %q", err, tc.code)
			}
			var got []int64
			for _, r := range p.Items {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tc.want) || err == nil && p.Total != len(tc.want) {
				t.Errorf("found %v (total %d), want %v", got, p.Total, tc.want)
			}
		})
	}
}

// TestShareTickets: the key's communities and ticket fields only, masked
// for share.
func TestShareTickets(t *testing.T) {
	s, _ := shareService(t)
	ctx := context.Background()
	k := issueShare(t, s, "区城管委", []string{"ticket.title", "ticket.content", "ticket.caller_phone", "ticket.caller_name", "ticket.community", "ticket.received_at"}, []string{"望春园社区"})
	both := issueShare(t, s, "区住建委", []string{"ticket.community", "ticket.status"}, []string{"望春园社区", "柳荫里社区"})
	records := issueShare(t, s, "只读人口", []string{"person.community"}, nil)
	numbers := func(p SharePage[SharedTicket]) []string {
		var out []string
		for _, t := range p.Items {
			out = append(out, t.Number)
		}
		slices.Sort(out)
		return out
	}
	p, err := s.ShareTickets(ctx, k, ShareQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := numbers(p); !slices.Equal(got, []string{"GD-0001", "GD-0003"}) || p.Total != 2 {
		t.Errorf("tickets %v (total %d)", got, p.Total)
	}
	for _, tk := range p.Items {
		for f, v := range tk.Values {
			if !slices.Contains([]string{"title", "content", "caller_phone", "caller_name", "community", "received_at"}, f) {
				t.Errorf("%s: field %s outside the key", tk.Number, f)
			}
			for _, raw := range []string{"13812345678", "1381234", "张三丰", "赵六", "13700002222"} {
				if strings.Contains(v, raw) {
					t.Errorf("%s: %s = %q shows %q", tk.Number, f, v, raw)
				}
			}
		}
		if _, ok := tk.Values["unit"]; ok {
			t.Errorf("%s: unit shared", tk.Number)
		}
		if v := tk.Values["received_at"]; v != "" && strings.Contains(v, ":") {
			t.Errorf("%s: received_at %q not generalised", tk.Number, v)
		}
	}
	for _, tc := range []struct {
		name string
		key  core.APIKey
		q    ShareQuery
		want []string
		code string
	}{
		{"other community", k, ShareQuery{Community: "柳荫里社区"}, nil, core.EFORBIDDEN},
		{"field outside", k, ShareQuery{Fields: []string{"ticket.unit"}}, nil, core.EFORBIDDEN},
		{"status", both, ShareQuery{Status: core.StatusResolved}, []string{"GD-0003"}, ""},
		{"bad status", both, ShareQuery{Status: "完成"}, nil, core.EINVALID},
		{"two communities", both, ShareQuery{}, []string{"GD-0001", "GD-0002", "GD-0003"}, ""},
		{"two communities, one", both, ShareQuery{Community: "柳荫里社区"}, []string{"GD-0002"}, ""},
		{"two communities, second page", both, ShareQuery{PageSize: 2, Page: 2}, []string{"GD-0001"}, ""}, // newest first, then by id
		{"two communities, too deep", both, ShareQuery{PageSize: 500, Page: 3}, nil, core.EINVALID},
		{"no ticket field", records, ShareQuery{}, nil, core.EFORBIDDEN},
		{"from after to", k, ShareQuery{From: now, To: now.Add(-time.Hour)}, nil, core.EINVALID},
		{"period", k, ShareQuery{From: now.Add(-2 * time.Hour), To: now}, []string{"GD-0001", "GD-0003"}, ""},
		{"keyword", k, ShareQuery{Query: "暖气"}, []string{"GD-0001"}, ""},
		{"status without the field", k, ShareQuery{Status: core.StatusResolved}, nil, core.EFORBIDDEN},
		{"category without the field", k, ShareQuery{Category: "城乡建设"}, nil, core.EFORBIDDEN},
		{"keyword without the fields", both, ShareQuery{Query: "暖气"}, nil, core.EFORBIDDEN},
		{"period without the field", both, ShareQuery{From: now.Add(-2 * time.Hour)}, nil, core.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ShareTickets(ctx, tc.key, tc.q)
			if core.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %q", err, tc.code)
			}
			if err == nil && !slices.Equal(numbers(p), tc.want) {
				t.Errorf("tickets %v, want %v", numbers(p), tc.want)
			}
		})
	}
	if p, err := s.ShareTickets(ctx, both, ShareQuery{PageSize: 2, Page: 2}); err != nil || p.Total != 3 {
		t.Errorf("merged total %d, %v, want 3", p.Total, err)
	}
}

// TestSharingReport: the figures by month and department from the usage
// log on a fixed clock: served, refused, rows, tickets cited and solved
// (resolved in or after the month of the citation); admin and leader only.
func TestSharingReport(t *testing.T) {
	s, _ := shareService(t)
	ctx := context.Background()
	mz := issueShare(t, s, "区民政局", []string{"person.community"}, nil)
	zj := issueShare(t, s, "区住建委", []string{"person.community"}, nil)
	mz2 := issueShare(t, s, "区民政局", []string{"person.gender"}, nil) // a second key of the same department
	o311, _, err := s.IssueAPIKey(ctx, users["admin"], core.APIKey{Name: "FixMyStreet", Purpose: core.APIKeyOpen311})
	if err != nil {
		t.Fatal(err)
	}
	at := func(month time.Month, day int) time.Time {
		return time.Date(2025, month, day, 9, 0, 0, 0, core.StreetTime)
	}
	for _, u := range []core.APIUse{
		{KeyID: mz.ID, At: at(2, 3), Status: 200, Rows: 10, Ticket: "GD-0001"},  // never resolved
		{KeyID: mz.ID, At: at(2, 4), Status: 200, Rows: 5, Ticket: "GD-0001"},   // the same ticket: cited once
		{KeyID: mz2.ID, At: at(2, 5), Status: 403, Rows: 0},                     // refused
		{KeyID: zj.ID, At: at(2, 28), Status: 200, Rows: 1, Ticket: "GD-0003"},  // resolved 03-03: solved
		{KeyID: mz.ID, At: at(3, 1), Status: 200, Rows: 2, Ticket: "GD-0003"},   // solved in the month
		{KeyID: mz.ID, At: at(3, 2), Status: 400, Rows: 0},                      // refused
		{KeyID: mz.ID, At: at(4, 1), Status: 200, Rows: 3, Ticket: "GD-0003"},   // resolved before April: not solved
		{KeyID: o311.ID, At: at(3, 1), Status: 200, Rows: 1, Ticket: "GD-0002"}, // Open311: not counted
		{KeyID: mz.ID, At: at(5, 1), Status: 200, Rows: 99},                     // after the period
	} {
		u.Method, u.Path = "GET", "/api/share/v1/records"
		if err := s.LogAPIUse(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	from, to := at(2, 1), at(4, 20) // April counted whole
	for _, name := range []string{"staff", "cw01", "hd01", "resident"} {
		if _, err := s.SharingReport(ctx, users[name], from, to); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s: %v, want EFORBIDDEN", name, err)
		}
		if _, _, err := s.SharingUses(ctx, users[name], from, to, 1, 10); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s uses: %v, want EFORBIDDEN", name, err)
		}
	}
	rep, err := s.SharingReport(ctx, users["leader"], from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := []SharingRow{
		{Month: "2025-02", Department: "区住建委", Served: 1, Rows: 1, Cited: 1, Solved: 1},
		{Month: "2025-02", Department: "区民政局", Served: 2, Refused: 1, Rows: 15, Cited: 1, Solved: 0},
		{Month: "2025-03", Department: "区民政局", Served: 1, Refused: 1, Rows: 2, Cited: 1, Solved: 1},
		{Month: "2025-04", Department: "区民政局", Served: 1, Rows: 3, Cited: 1, Solved: 0},
	}
	if !slices.Equal(rep.Rows, want) {
		t.Errorf("rows\n%+v\nwant\n%+v", rep.Rows, want)
	}
	if tot := (SharingRow{Served: 5, Refused: 2, Rows: 21, Cited: 4, Solved: 2}); rep.Total != tot {
		t.Errorf("total %+v, want %+v", rep.Total, tot)
	}
	if !rep.To.Equal(at(5, 1).Add(-9 * time.Hour)) {
		t.Errorf("to = %v, want 2025-05-01", rep.To)
	}
	// The usage log, newest first, share keys only, paged.
	uses, more, err := s.SharingUses(ctx, users["admin"], from, to, 1, 3)
	if err != nil || len(uses) != 3 || !more || !uses[0].At.Equal(at(4, 1)) || uses[0].Department != "区民政局" {
		t.Fatalf("page 1: %+v more %v, %v", uses, more, err)
	}
	uses, more, err = s.SharingUses(ctx, users["admin"], from, to, 3, 3)
	if err != nil || len(uses) != 1 || more || !uses[0].At.Equal(at(2, 3)) {
		t.Errorf("page 3: %+v more %v, %v", uses, more, err)
	}
}

// TestCheckCitedTicket: a cited number must be a ticket of the street.
func TestCheckCitedTicket(t *testing.T) {
	s, _ := shareService(t)
	for _, tc := range []struct {
		in, want, code string
	}{{"", "", ""}, {" GD-0001 ", "GD-0001", ""}, {"GD-9999", "", core.EINVALID}, {strings.Repeat("9", 65), "", core.EINVALID}} {
		got, err := s.CheckCitedTicket(context.Background(), tc.in)
		if got != tc.want || core.ErrorCode(err) != tc.code {
			t.Errorf("CheckCitedTicket(%q) = %q, %v", tc.in, got, err)
		}
	}
}
