package casework

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/sqlite"
	"jiceng/internal/workflow"
)

// The street of the tests: two communities, their community units, a
// department and an agency, on a real SQLite store.
var (
	now   = time.Date(2025, 3, 3, 10, 0, 0, 0, core.StreetTime) // a Monday
	areas = core.Areas{Communities: []core.Community{{Code: "QHW01", Name: "望春园社区"}, {Code: "QHW02", Name: "柳荫里社区"}}}
	units = []core.Unit{
		{Code: "C01", Name: "望春园社区", Kind: core.UnitCommunity, Community: "QHW01"},
		{Code: "C02", Name: "柳荫里社区", Kind: core.UnitCommunity, Community: "QHW02"},
		{Code: "D01", Name: "城市管理办公室", Kind: core.UnitDepartment},
		{Code: "A04", Name: "海川热力公司", Kind: core.UnitAgency},
	}
	users = map[string]core.User{
		"admin":    {Username: "admin", Role: core.RoleAdmin},
		"staff":    {Username: "staff", Role: core.RoleStaff},
		"leader":   {Username: "leader", Role: core.RoleLeader},
		"cw01":     {Username: "cw01", Role: core.RoleCommunity, Unit: "C01"},
		"cw02":     {Username: "cw02", Role: core.RoleCommunity, Unit: "C02"},
		"hd01":     {Username: "hd01", Role: core.RoleHandler, Unit: "D01"},
		"hdA":      {Username: "hdA", Role: core.RoleHandler, Unit: "A04"}, // co-unit of T1
		"hdGone":   {Username: "hdGone", Role: core.RoleHandler, Unit: "X99"},
		"hdNone":   {Username: "hdNone", Role: core.RoleHandler},
		"resident": {Username: "resident", Role: core.RoleResident},
	}
)

// number gives the ticket number of each test ticket.
var number = map[string]string{"T1": "GD-0001", "T2": "GD-0002", "T3": "GD-0003"}

// Tickets: T1 of 望春园社区, dispatched to 城市管理办公室 with 海川热力公司
// helping; T2 of 柳荫里社区, dispatched to its community; T3 of 望春园社区,
// just received.
func newService(t *testing.T) (*Service, map[string]int64, *atomic.Int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jiceng.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.ReplaceAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	lng, lat := 116.397128, 39.916527
	tickets := []core.Ticket{
		{Number: "GD-0001", Channel: "12345", ReceivedAt: now.Add(-time.Hour), CallerName: "张三丰", CallerPhone: "13812345678",
			CallerID: "110101199001011234", Address: "海川区望春园一区5号楼2单元301", Community: "望春园社区", Lng: &lng, Lat: &lat,
			Title: "暖气不热", Content: "我叫张三丰，电话13812345678，家里暖气不热", Category1: "城乡建设",
			Status: core.StatusReceived, SourceFile: "三月工单.xlsx", SourceRow: 2,
			Extra: map[string]string{"联系电话（原值）": "138-1234-5678", "备注": "楼长电话13912345678"}},
		{Number: "GD-0002", ReceivedAt: now.Add(-time.Hour), CallerName: "王五", CallerPhone: "13900001111",
			Community: "柳荫里社区", Title: "楼道堆物", Status: core.StatusReceived},
		{Number: "GD-0003", ReceivedAt: now.Add(-time.Hour), CallerName: "赵六", CallerPhone: "13700002222",
			Community: "望春园社区", Title: "路灯不亮", Status: core.StatusReceived},
	}
	if _, err := st.UpsertTickets(ctx, tickets, "import:三月工单.xlsx"); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{"missing": 999}
	for _, n := range []string{"T1", "T2", "T3"} {
		tk, err := st.TicketByNumber(ctx, number[n])
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = tk.ID
	}
	var changed atomic.Int64 // Changed may be called from concurrent intakes
	s := &Service{Store: st, Workflow: &workflow.Engine{}, Clock: func() time.Time { return now }, Changed: func() { changed.Add(1) }}
	staff := users["staff"]
	for _, d := range []struct {
		id int64
		tr core.Transition
	}{
		{ids["T1"], core.Transition{Action: core.ActionDispatch, Unit: "城市管理办公室", CoUnits: []string{"海川热力公司"}}},
		{ids["T2"], core.Transition{Action: core.ActionDispatch, Unit: "柳荫里社区"}},
	} {
		if _, _, err := s.Transition(ctx, staff, d.id, d.tr); err != nil {
			t.Fatalf("dispatch: %v", err)
		}
	}
	changed.Store(0)
	return s, ids, &changed
}

// TestScope: who sees which ticket, by View, List, Each and Rows alike.
func TestScope(t *testing.T) {
	s, ids, _ := newService(t)
	ctx := context.Background()
	all := []string{"T1", "T2", "T3"}
	tests := []struct {
		user string
		sees []string // by View
		list []string // by List without a filter (a unit lists its lead tickets)
	}{
		{"admin", all, all},
		{"staff", all, all},
		{"leader", all, all},
		{"resident", all, all},
		{"cw01", []string{"T1", "T3"}, []string{"T1", "T3"}},
		{"cw02", []string{"T2"}, []string{"T2"}},
		{"hd01", []string{"T1"}, []string{"T1"}},
		{"hdA", []string{"T1"}, nil}, // a co-unit sees the ticket, its list is of its lead tickets
		{"hdGone", nil, nil},         // a unit the registry no longer has: fail closed
		{"hdNone", nil, nil},         // a handler without a unit: nothing
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			u := users[tt.user]
			for _, n := range append(all, "missing") {
				_, err := s.View(ctx, u, ids[n])
				want := slices.Contains(tt.sees, n)
				if want && err != nil {
					t.Errorf("View %s: %v", n, err)
				}
				if !want && !errors.Is(err, ErrNoTicket) {
					t.Errorf("View %s: %v, want ErrNoTicket", n, err)
				}
				_, _, err = s.Raw(ctx, u, ids[n])
				if want != (err == nil) || (!want && !errors.Is(err, ErrNoTicket)) {
					t.Errorf("Raw %s: %v", n, err)
				}
				// A number typed into the search box finds only what the
				// user sees.
				got, _, err := s.List(ctx, u, core.TicketFilter{Keyword: number[n] + "0", Limit: 10})
				if err != nil || len(got) != 0 {
					t.Errorf("List by unknown number: %v %v", numbers(got), err)
				}
			}
			got, total, err := s.List(ctx, u, core.TicketFilter{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sorted(numbers(got)), tt.list) || total != len(tt.list) {
				t.Errorf("List = %v (total %d), want %v", numbers(got), total, tt.list)
			}
			var each []string
			if err := s.Each(ctx, u, "", core.TicketFilter{}, func(t core.Ticket) error {
				each = append(each, numbers([]core.Ticket{t})...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var rows []string
			if err := s.Rows(ctx, u, "", core.TicketFilter{}, []string{"number"}, func(_ *core.Ticket, row []string) error {
				rows = append(rows, numbers([]core.Ticket{{Number: row[0]}})...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sorted(each), tt.list) || !slices.Equal(sorted(rows), tt.list) {
				t.Errorf("Each %v, Rows %v, want %v", each, rows, tt.list)
			}
			raw, _, err := s.RawList(ctx, u, core.TicketFilter{Limit: 50})
			if err != nil || !slices.Equal(sorted(numbers(raw)), tt.list) {
				t.Errorf("RawList = %v %v, want %v", numbers(raw), err, tt.list)
			}
			// Time limits: of the dispatched tickets (T1, T2) in the list.
			ms, err := s.Reminders(ctx, u, 30*24*time.Hour, 100)
			if err != nil {
				t.Fatal(err)
			}
			due := map[string]bool{}
			for _, m := range ms {
				due[numbers([]core.Ticket{{Number: m.Number}})[0]] = true
			}
			for _, n := range all {
				if want := n != "T3" && slices.Contains(tt.list, n); due[n] != want {
					t.Errorf("reminders of %s: %v, want %v", n, due[n], want)
				}
			}
			// A filter for another community or unit does not widen the
			// scope.
			for _, f := range []core.TicketFilter{{Community: "柳荫里社区"}, {Unit: "柳荫里社区"}} {
				f.Limit = 50
				got, _, err := s.List(ctx, u, f)
				for _, n := range numbers(got) {
					if !slices.Contains(tt.list, n) {
						t.Errorf("List %+v shows %s, out of scope", f, n)
					}
				}
				if err != nil {
					t.Error(err)
				}
			}
			for _, n := range tt.sees {
				got, _, _ := s.List(ctx, u, core.TicketFilter{Keyword: number[n], Limit: 10})
				if !slices.Equal(numbers(got), []string{n}) {
					t.Errorf("List by number %s = %v", n, numbers(got))
				}
			}
		})
	}
}

// TestMasking: what each role sees of one ticket, in the ticket, its
// history, its life-cycle state and its exported rows.
func TestMasking(t *testing.T) {
	s, ids, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		user                  string
		name, phone, id, addr string
		content               string
		rawPhone, extra       string
		source                string
		coords                bool // shown exactly
	}{
		{"admin", "张三丰", "13812345678", "110101199001011234", "海川区望春园一区5号楼2单元301",
			"我叫张三丰，电话13812345678，家里暖气不热", "138-1234-5678", "楼长电话13912345678", "三月工单.xlsx", true},
		{"staff", "张三丰", "13812345678", "110101199001011234", "海川区望春园一区5号楼2单元301",
			"我叫张三丰，电话13812345678，家里暖气不热", "138-1234-5678", "楼长电话13912345678", "三月工单.xlsx", true},
		{"leader", "张**", "138****5678", "110***********1234", "海川区望春园一区",
			"我叫张**，电话138****5678，家里暖气不热", "138****5678", "楼长电话139****5678", "三月工单.xlsx", false},
		{"cw01", "张**", "138****5678", "110***********1234", "海川区望春园一区5号楼2单元301",
			"我叫张**，电话138****5678，家里暖气不热", "138****5678", "楼长电话139****5678", "", true},
		{"hd01", "张**", "138****5678", "110***********1234", "海川区望春园一区5号楼2单元301",
			"我叫张**，电话138****5678，家里暖气不热", "138****5678", "楼长电话139****5678", "", true},
		{"resident", "", "", "", "海川区望春园一区",
			"我叫张**，电话138****5678，家里暖气不热", "", "楼长电话139****5678", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			u := users[tt.user]
			v, err := s.View(ctx, u, ids["T1"])
			if err != nil {
				t.Fatal(err)
			}
			tk := v.Ticket
			got := []string{tk.CallerName, tk.CallerPhone, tk.CallerID, tk.Address, tk.Content, tk.Extra["联系电话（原值）"], tk.Extra["备注"], tk.SourceFile}
			want := []string{tt.name, tt.phone, tt.id, tt.addr, tt.content, tt.rawPhone, tt.extra, tt.source}
			if !slices.Equal(got, want) {
				t.Errorf("ticket shows\n %q\nwant\n %q", got, want)
			}
			exact := tk.Lng != nil && *tk.Lng == 116.397128 && tk.Lat != nil && *tk.Lat == 39.916527
			if exact != tt.coords || tk.Lng == nil {
				t.Errorf("coordinates %v %v, exact %v want %v", tk.Lng, tk.Lat, exact, tt.coords)
			}
			// Fields that hold no personal data are shown to everybody.
			if tk.Number != number["T1"] || tk.Community != "望春园社区" || tk.Unit != "城市管理办公室" || tk.Status != core.StatusDispatched || tk.ReceivedAt.IsZero() {
				t.Errorf("public fields changed: %+v", tk)
			}
			// The history shows no more than the ticket: the import's
			// actor names its file, the created values are masked.
			for _, e := range v.Events {
				if e.Actor == "import:三月工单.xlsx" && tt.source == "" {
					t.Errorf("event actor %q reveals the source file", e.Actor)
				}
				for _, c := range e.Changes {
					if c.Field == "caller_phone" && c.After != tt.phone {
						t.Errorf("history shows caller_phone %q, want %q", c.After, tt.phone)
					}
				}
			}
			// Rows mask the text forms alike.
			var row []string
			err = s.Rows(ctx, u, "", core.TicketFilter{}, []string{"caller_phone", "content", "联系电话（原值）"}, func(t *core.Ticket, r []string) error {
				if t.ID == ids["T1"] {
					row = slices.Clone(r)
				}
				return nil
			})
			if err != nil || !slices.Equal(row, []string{tt.phone, tt.content, tt.rawPhone}) {
				t.Errorf("Rows %q %v, want %q", row, err, []string{tt.phone, tt.content, tt.rawPhone})
			}
		})
	}
	// Only an administrator reads as another role (exports per a column
	// of the dictionary).
	if err := s.Each(ctx, users["staff"], core.RoleLeader, core.TicketFilter{}, func(core.Ticket) error { return nil }); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("staff reading as leader: %v, want forbidden", err)
	}
	var phone string
	if err := s.Each(ctx, users["admin"], core.RoleLeader, core.TicketFilter{}, func(t core.Ticket) error {
		if t.ID == ids["T1"] {
			phone = t.CallerPhone
		}
		return nil
	}); err != nil || phone != "138****5678" {
		t.Errorf("admin reading as leader: phone %q %v", phone, err)
	}
}

// TestMaskTicketKeepsInput: masking returns a copy; the caller's ticket,
// its extra values and tags are not changed.
func TestMaskTicketKeepsInput(t *testing.T) {
	s := &Service{}
	in := core.Ticket{CallerPhone: "13812345678", Tags: []string{"重复"}, Extra: map[string]string{"备注": "楼长电话13912345678"}}
	out := s.MaskTicket(core.RoleResident, in)
	if in.CallerPhone != "13812345678" || in.Extra["备注"] != "楼长电话13912345678" || out.CallerPhone != "" || out.Extra["备注"] != "楼长电话139****5678" {
		t.Errorf("in %+v out %+v", in, out)
	}
	if !slices.Equal(out.Tags, []string{"重复"}) {
		t.Errorf("tags %v", out.Tags)
	}
}

// TestTransition is the role × action × scope table: who may take which
// life-cycle step on which ticket.
func TestTransition(t *testing.T) {
	ctx := context.Background()
	const (
		ok        = ""
		forbidden = core.EFORBIDDEN
		missing   = core.ENOTFOUND
		invalid   = core.EINVALID
		conflict  = core.ECONFLICT
	)
	tests := []struct {
		name   string
		user   string
		ticket string
		tr     core.Transition
		code   string
		field  string // of an invalid parameter
	}{
		{"staff dispatches", "staff", "T3", core.Transition{Action: core.ActionDispatch, Unit: "望春园社区"}, ok, ""},
		{"admin dispatches", "admin", "T3", core.Transition{Action: core.ActionDispatch, Unit: "望春园社区"}, ok, ""},
		{"leader may not dispatch", "leader", "T3", core.Transition{Action: core.ActionDispatch, Unit: "望春园社区"}, forbidden, ""},
		{"handler may not dispatch", "hd01", "T3", core.Transition{Action: core.ActionDispatch, Unit: "城市管理办公室"}, forbidden, ""},
		{"community worker may not dispatch", "cw01", "T3", core.Transition{Action: core.ActionDispatch, Unit: "望春园社区"}, forbidden, ""},
		{"resident may not act", "resident", "T1", core.Transition{Action: core.ActionSupervise, Note: "快办"}, forbidden, ""},
		{"dispatch to an unknown unit", "staff", "T3", core.Transition{Action: core.ActionDispatch, Unit: "不存在的单位"}, invalid, "unit"},
		{"dispatch with an unknown co-unit", "staff", "T3", core.Transition{Action: core.ActionDispatch, Unit: "望春园社区", CoUnits: []string{"无名单位"}}, invalid, "co_units"},
		{"unknown action", "staff", "T1", core.Transition{Action: "fly"}, invalid, "action"},
		{"a reveal is not a transition", "hd01", "T1", core.Transition{Action: core.EventReveal}, invalid, "action"},
		{"lead unit signs", "hd01", "T1", core.Transition{Action: core.ActionSign}, ok, ""},
		{"co-unit may not sign", "hdA", "T1", core.Transition{Action: core.ActionSign}, forbidden, ""},
		{"community sees but is not the lead unit", "cw01", "T1", core.Transition{Action: core.ActionSign}, forbidden, ""},
		{"other community: missing", "cw02", "T1", core.Transition{Action: core.ActionSign}, missing, ""},
		{"other unit: missing", "hd01", "T2", core.Transition{Action: core.ActionSign}, missing, ""},
		{"community unit signs its own", "cw02", "T2", core.Transition{Action: core.ActionSign}, ok, ""},
		{"unit gone from the registry: missing", "hdGone", "T1", core.Transition{Action: core.ActionSign}, missing, ""},
		{"handler without a unit: missing", "hdNone", "T1", core.Transition{Action: core.ActionSign}, missing, ""},
		{"missing ticket", "hd01", "missing", core.Transition{Action: core.ActionSign}, missing, ""},
		{"staff may not sign for the unit", "staff", "T1", core.Transition{Action: core.ActionSign}, forbidden, ""},
		{"leader supervises", "leader", "T1", core.Transition{Action: core.ActionSupervise, Note: "请尽快办理"}, ok, ""},
		{"return needs a reason", "hd01", "T1", core.Transition{Action: core.ActionReturn}, invalid, ""},
		{"lead unit returns", "hd01", "T1", core.Transition{Action: core.ActionReturn, Note: "不属于本单位职责"}, ok, ""},
		{"not yet dispatched: no sign", "cw01", "T3", core.Transition{Action: core.ActionSign}, forbidden, ""},
		{"merge into itself", "staff", "T3", core.Transition{Action: core.ActionMerge, MergeInto: "GD-0003"}, invalid, "merge_into"},
		{"merge into an unknown number", "staff", "T3", core.Transition{Action: core.ActionMerge, MergeInto: "T404"}, invalid, "merge_into"},
		{"merge a repeat request", "staff", "T3", core.Transition{Action: core.ActionMerge, MergeInto: "GD-0001", Note: "重复来电"}, ok, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ids, changed := newService(t)
			u := users[tt.user]
			before, err := s.Store.TicketEvents(ctx, ids[tt.ticket])
			if err != nil && tt.ticket != "missing" {
				t.Fatal(err)
			}
			tk, w, err := s.Transition(ctx, u, ids[tt.ticket], tt.tr)
			if code := core.ErrorCode(err); code != tt.code {
				t.Fatalf("code %q (%v), want %q", code, err, tt.code)
			}
			var fe *core.FieldError
			if tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field) {
				t.Errorf("error %v, want one about %s", err, tt.field)
			}
			if tt.code == missing && err.Error() != ErrNoTicket.Error() {
				t.Errorf("out of scope says %q, missing says %q", err, ErrNoTicket)
			}
			if tt.code != ok {
				if changed.Load() != 0 {
					t.Error("Changed called after a refusal")
				}
				// A refusal changes nothing.
				if after, _ := s.Store.TicketEvents(ctx, ids[tt.ticket]); len(after) != len(before) {
					t.Errorf("refused %s left events %+v", tt.tr.Action, after[len(before):])
				}
				return
			}
			if n := changed.Load(); n != 1 {
				t.Errorf("Changed called %d times, want 1", n)
			}
			// The result is masked for the user, the event is theirs, at
			// the service's time.
			if u.Role != core.RoleAdmin && u.Role != core.RoleStaff && tk.CallerPhone != "" && tk.CallerPhone[3:7] != "****" {
				t.Errorf("result shows phone %q to %s", tk.CallerPhone, u.Role)
			}
			events, err := s.Store.TicketEvents(ctx, ids[tt.ticket])
			if err != nil {
				t.Fatal(err)
			}
			last := events[len(events)-1]
			if last.Action != tt.tr.Action || last.Actor != tt.user || !last.At.Equal(now) {
				t.Errorf("last event %s by %s at %v", last.Action, last.Actor, last.At)
			}
			_ = w
		})
	}
}

// TestActions: the actions offered are those Transition would take.
func TestActions(t *testing.T) {
	s, ids, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		user, ticket string
		has, hasNot  []string
		canReveal    bool
	}{
		{"staff", "T1", []string{core.ActionRedispatch, core.ActionSupervise}, []string{core.ActionSign, core.ActionDispatch}, false},
		{"staff", "T3", []string{core.ActionDispatch, core.ActionAnswer, core.ActionMerge}, []string{core.ActionSign}, false},
		{"hd01", "T1", []string{core.ActionSign, core.ActionReturn}, []string{core.ActionRedispatch, core.ActionSupervise}, true},
		{"hdA", "T1", nil, []string{core.ActionSign, core.ActionReturn, core.ActionSupervise}, false},
		{"cw01", "T1", nil, []string{core.ActionSign}, false},
		{"cw02", "T2", []string{core.ActionSign}, nil, true},
		{"leader", "T1", []string{core.ActionSupervise}, []string{core.ActionSign, core.ActionRedispatch}, true},
		{"resident", "T1", nil, []string{core.ActionSupervise, core.ActionSign}, false},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.ticket, func(t *testing.T) {
			v, err := s.View(ctx, users[tt.user], ids[tt.ticket])
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tt.has {
				if !slices.Contains(v.Actions, a) {
					t.Errorf("actions %v lack %s", v.Actions, a)
				}
			}
			for _, a := range tt.hasNot {
				if slices.Contains(v.Actions, a) {
					t.Errorf("actions %v offer %s", v.Actions, a)
				}
			}
			if v.CanReveal != tt.canReveal {
				t.Errorf("CanReveal %v, want %v", v.CanReveal, tt.canReveal)
			}
		})
	}
}

// numbers names tickets as the tests do (T1, T2, T3).
func numbers(ts []core.Ticket) []string {
	var out []string
	for _, t := range ts {
		out = append(out, "T"+strings.TrimLeft(strings.TrimPrefix(t.Number, "GD-"), "0"))
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestEachExtra: the extra values EachExtra gives are those of Each, ticket
// by ticket, for every user (a value masked to nothing is not there).
func TestEachExtra(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	for _, name := range []string{"admin", "staff", "leader", "cw01", "hd01", "resident"} {
		t.Run(name, func(t *testing.T) {
			var want, got []map[string]string
			if err := s.Each(ctx, users[name], "", core.TicketFilter{}, func(tk core.Ticket) error {
				want = append(want, tk.Extra)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := s.EachExtra(ctx, users[name], "", core.TicketFilter{}, func(extra map[string]string) error {
				got = append(got, extra)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("EachExtra = %v, want %v", got, want)
			}
		})
	}
}
