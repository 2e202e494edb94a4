// Package storetest is the conformance suite of core.Store: one set of tests
// that every storage backend (internal/sqlite, internal/postgres) runs
// against a real, fresh database, so that the backends behave the same.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
)

// Clock is a settable clock for the suite.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Opener opens a fresh, empty store that uses clock, closing it when t ends.
type Opener func(t *testing.T, clock core.Clock) core.Store

// start is the time every test's clock starts at.
var start = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)

// Run runs the whole suite against the stores that open makes; each subtest
// gets its own fresh store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s core.Store, c *Clock)
	}{
		{"UpsertCounts", testUpsertCounts},
		{"UpsertHistory", testUpsertHistory},
		{"UpsertKeepsIdentity", testUpsertKeepsIdentity},
		{"UpsertSourceOnly", testUpsertSourceOnly},
		{"UpsertSameNumberTwice", testUpsertSameNumberTwice},
		{"UpsertInvalid", testUpsertInvalid},
		{"UpsertConcurrent", testUpsertConcurrent},
		{"RoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"Filters", testFilters},
		{"CountUpTo", testCountUpTo},
		{"Keyword", testKeyword},
		{"KeywordAfterUpdate", testKeywordAfterUpdate},
		{"Paging", testPaging},
		{"EachTicket", testEachTicket},
		{"EachLifeCycle", testEachLifeCycle},
		{"Areas", testAreas},
		{"Units", testUnits},
		{"Categories", testCategories},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"UsersList", testUsersList},
		{"UpdateUser", testUpdateUser},
		{"SessionsEnd", testSessionsEnd},
		{"Predictions", testPredictions},
		{"PredictionsBatch", testPredictionsBatch},
		{"Unpredicted", testUnpredicted},
		{"Transition", testTransition},
		{"DueTickets", testDueTickets},
		{"DispatchRules", testDispatchRules},
		{"CreateWithHistory", testCreateWithHistory},
		{"Settings", testSettings},
		{"Attachments", testAttachments},
		{"IdempotencyKeys", testIdempotencyKeys},
		{"Audit", testAudit},
		{"ImportMappings", testImportMappings},
		{"DayCounts", testDayCounts},
		{"AlertStates", testAlertStates},
		{"TicketPoints", testTicketPoints},
		{"PolicyFiles", testPolicyFiles},
		{"TicketTexts", testTicketTexts},
		{"QualityRuns", testQualityRuns},
		{"Visits", testVisits},
		{"RecordLinks", testRecordLinks},
		{"PortalRequests", testPortalRequests},
		{"APIKeys", testAPIKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock(start)
			s := open(t, c.Now)
			tt.fn(t, s, c)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// ticket returns a plain ticket with number n received at start+h hours.
func ticket(n string, h int) core.Ticket {
	return core.Ticket{
		Number:     n,
		Channel:    "12345",
		ReceivedAt: start.Add(time.Duration(h) * time.Hour),
		Title:      "工单" + n,
		Content:    "反映问题" + n,
		Status:     core.StatusReceived,
	}
}

func upsert(t *testing.T, s core.Store, actor string, ts ...core.Ticket) core.UpsertResult {
	t.Helper()
	res, err := s.UpsertTickets(context.Background(), ts, actor)
	if err != nil {
		t.Fatalf("UpsertTickets: %v", err)
	}
	return res
}

func byNumber(t *testing.T, s core.Store, n string) core.Ticket {
	t.Helper()
	tk, err := s.TicketByNumber(context.Background(), n)
	if err != nil {
		t.Fatalf("TicketByNumber(%q): %v", n, err)
	}
	return tk
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := core.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func testUpsertCounts(t *testing.T, s core.Store, c *Clock) {
	a, b, d := ticket("A1", 1), ticket("A2", 2), ticket("A3", 3)
	b2 := b
	b2.Status = core.StatusResolved
	tests := []struct {
		name  string
		batch []core.Ticket
		want  core.UpsertResult
	}{
		{"empty batch", nil, core.UpsertResult{}},
		{"all new", []core.Ticket{a, b, d}, core.UpsertResult{Created: 3}},
		{"same again", []core.Ticket{a, b, d}, core.UpsertResult{Unchanged: 3}},
		{"one changed", []core.Ticket{a, b2, d}, core.UpsertResult{Updated: 1, Unchanged: 2}},
		{"mixed", []core.Ticket{a, b, ticket("A4", 4)}, core.UpsertResult{Created: 1, Updated: 1, Unchanged: 1}},
	}
	for _, tt := range tests {
		c.Advance(time.Minute)
		if got := upsert(t, s, "import:t.csv", tt.batch...); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	_, total, err := s.Tickets(context.Background(), core.TicketFilter{})
	if err != nil || total != 4 {
		t.Fatalf("Tickets total = %d, %v; want 4", total, err)
	}
}

func testUpsertHistory(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	tk := ticket("H1", 0)
	tk.CallerName = "张三"
	tk.Lng = ptr(116.4)
	upsert(t, s, "import:a.csv", tk)
	createdAt := c.Now()

	c.Advance(time.Hour)
	tk2 := tk
	tk2.CallerName = "李四"
	tk2.Status = core.StatusResolved
	tk2.ResolvedAt = start.Add(5 * time.Hour)
	tk2.Lng = nil
	tk2.Tags = []string{"噪音", "夜间"}
	tk2.Extra = map[string]string{"楼栋": "3号楼"}
	tk2.Resolved = ptr(false)
	upsert(t, s, "import:b.csv", tk2)
	// Unchanged: no event.
	c.Advance(time.Hour)
	upsert(t, s, "import:c.csv", tk2)

	got := byNumber(t, s, "H1")
	evs, err := s.TicketEvents(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("got %d events, want 2: %+v", len(evs), evs)
	}
	e0, e1 := evs[0], evs[1]
	if e0.Action != core.EventCreate || e0.Actor != "import:a.csv" || !e0.At.Equal(createdAt) || len(e0.Changes) != 0 || e0.TicketID != got.ID {
		t.Errorf("create event = %+v", e0)
	}
	if e1.Action != core.EventUpdate || e1.Actor != "import:b.csv" || !e1.At.Equal(createdAt.Add(time.Hour)) {
		t.Errorf("update event = %+v", e1)
	}
	want := []core.Change{
		{Field: "caller_name", Before: "张三", After: "李四"},
		{Field: "lng", Before: "116.4", After: ""},
		{Field: "status", Before: core.StatusReceived, After: core.StatusResolved},
		{Field: "resolved_at", Before: "", After: start.Add(5 * time.Hour).In(time.Local).Format(time.RFC3339)},
		{Field: "resolved", Before: "", After: "否"},
		{Field: "tags", Before: "", After: "噪音,夜间"},
		{Field: "楼栋", Before: "", After: "3号楼"},
	}
	if !reflect.DeepEqual(e1.Changes, want) {
		t.Errorf("changes:\n got %+v\nwant %+v", e1.Changes, want)
	}
}

func testUpsertKeepsIdentity(t *testing.T, s core.Store, c *Clock) {
	upsert(t, s, "x", ticket("K1", 0))
	first := byNumber(t, s, "K1")
	if !first.CreatedAt.Equal(start) || !first.UpdatedAt.Equal(start) {
		t.Errorf("created/updated = %v/%v, want %v", first.CreatedAt, first.UpdatedAt, start)
	}
	c.Advance(24 * time.Hour)
	tk := ticket("K1", 0)
	tk.Title = "新标题"
	tk.ID = 9999 // ignored
	upsert(t, s, "x", tk)
	got := byNumber(t, s, "K1")
	if got.ID != first.ID || !got.CreatedAt.Equal(start) || !got.UpdatedAt.Equal(c.Now()) || got.Title != "新标题" {
		t.Errorf("after update: id %d (was %d), created %v, updated %v, title %q", got.ID, first.ID, got.CreatedAt, got.UpdatedAt, got.Title)
	}
}

func testUpsertSourceOnly(t *testing.T, s core.Store, c *Clock) {
	tk := ticket("S1", 0)
	tk.SourceFile, tk.SourceRow = "a.csv", 2
	upsert(t, s, "x", tk)
	tk.SourceFile, tk.SourceRow = "b.csv", 7
	if got := upsert(t, s, "x", tk); got != (core.UpsertResult{Unchanged: 1}) {
		t.Errorf("source-only change: %+v, want 1 unchanged", got)
	}
	tk.Status = core.StatusClosed
	upsert(t, s, "x", tk)
	got := byNumber(t, s, "S1")
	if got.SourceFile != "b.csv" || got.SourceRow != 7 {
		t.Errorf("source after a real change = %q:%d, want b.csv:7", got.SourceFile, got.SourceRow)
	}
}

func testUpsertSameNumberTwice(t *testing.T, s core.Store, c *Clock) {
	a := ticket("D1", 0)
	b := a
	b.Status = core.StatusHandling
	if got := upsert(t, s, "x", a, b, b); got != (core.UpsertResult{Created: 1, Updated: 1, Unchanged: 1}) {
		t.Errorf("got %+v", got)
	}
	if got := byNumber(t, s, "D1"); got.Status != core.StatusHandling {
		t.Errorf("status = %q", got.Status)
	}
}

func testUpsertInvalid(t *testing.T, s core.Store, c *Clock) {
	_, err := s.UpsertTickets(context.Background(), []core.Ticket{ticket("V1", 0), {Content: "无编号"}}, "x")
	wantCode(t, err, core.EINVALID)
	_, err = s.TicketByNumber(context.Background(), "V1")
	wantCode(t, err, core.ENOTFOUND) // all or nothing
}

func testUpsertConcurrent(t *testing.T, s core.Store, c *Clock) {
	var ts []core.Ticket
	for i := range 50 {
		ts = append(ts, ticket(fmt.Sprintf("C%02d", i), i))
	}
	const workers = 4
	results := make(chan core.UpsertResult, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.UpsertTickets(context.Background(), ts, "x")
			results <- res
			errs <- err
		}()
	}
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent UpsertTickets: %v", err)
		}
	}
	var sum core.UpsertResult
	for r := range results {
		sum.Created += r.Created
		sum.Updated += r.Updated
		sum.Unchanged += r.Unchanged
	}
	if want := (core.UpsertResult{Created: 50, Unchanged: 150}); sum != want {
		t.Errorf("got %+v, want %+v", sum, want)
	}
}

func testRoundTrip(t *testing.T, s core.Store, c *Clock) {
	loc := time.FixedZone("CST", 8*3600)
	full := core.Ticket{
		Number: "R-2025/0001", Channel: "网格巡查", ReceivedAt: time.Date(2025, 2, 3, 4, 5, 6, 789123456, loc),
		CallerName: "王五", CallerPhone: "13800138000", CallerID: "110101199003077777", Address: "幸福小区3号楼",
		Street: "和平街道", Community: "幸福社区", Grid: "第一网格", Lng: ptr(116.397128), Lat: ptr(39.916527),
		Title: "夜间施工噪音", Content: "小区旁工地夜间施工，噪音扰民。", Category1: "城乡建设", Category2: "建筑施工",
		Category3: "施工噪音", Intent: "投诉", Urgency: "一般", Unit: "U01", Status: core.StatusResolved,
		Deadline: time.Date(2025, 2, 10, 0, 0, 0, 0, loc), ContactedAt: time.Date(2025, 2, 3, 8, 0, 0, 0, loc),
		ResolvedAt: time.Date(2025, 2, 5, 8, 0, 0, 0, loc), Reply: "已协调停工", Resolved: ptr(true),
		Satisfaction: "满意", CallbackAt: time.Date(2025, 2, 6, 8, 0, 0, 0, loc), Tags: []string{"噪音", "施工"},
		SourceFile: "jan.xlsx", SourceRow: 12, Extra: map[string]string{"楼栋": "3", "备注": "x"},
		Flags: []string{"caller_phone: 号码格式不正确"},
	}
	zero := core.Ticket{Number: "R2", Lng: ptr(0.0), Lat: ptr(0.0), Resolved: ptr(false)}
	empty := core.Ticket{Number: "R3", Tags: []string{}, Extra: map[string]string{}, Flags: []string{}}
	upsert(t, s, "x", full, zero, empty)

	for _, in := range []core.Ticket{full, zero, empty} {
		got := byNumber(t, s, in.Number)
		byID, err := s.Ticket(context.Background(), got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normal(got), normal(byID)) {
			t.Errorf("%s: Ticket and TicketByNumber differ", in.Number)
		}
		want := in
		want.ID, want.CreatedAt, want.UpdatedAt = got.ID, start, start
		if !reflect.DeepEqual(normal(got), normal(want)) {
			t.Errorf("%s round trip:\n got %+v\nwant %+v", in.Number, normal(got), normal(want))
		}
	}
	// Microsecond precision: storing the same ticket again changes nothing.
	if got := upsert(t, s, "x", full, zero, empty); got != (core.UpsertResult{Unchanged: 3}) {
		t.Errorf("second upsert = %+v, want 3 unchanged", got)
	}
	got := byNumber(t, s, "R2")
	if got.Lng == nil || *got.Lng != 0 || got.Resolved == nil || *got.Resolved {
		t.Errorf("zero pointers: lng %v resolved %v", got.Lng, got.Resolved)
	}
	got = byNumber(t, s, "R3")
	if got.Lng != nil || got.Lat != nil || got.Resolved != nil || !got.ReceivedAt.IsZero() || !got.Deadline.IsZero() {
		t.Errorf("nil pointers / zero times: %+v", got)
	}
}

// normal makes tickets comparable with DeepEqual: times in UTC, cut to
// microseconds; empty collections nil.
func normal(t core.Ticket) core.Ticket {
	for _, p := range []*time.Time{&t.ReceivedAt, &t.Deadline, &t.ContactedAt, &t.ResolvedAt, &t.CallbackAt, &t.CreatedAt, &t.UpdatedAt} {
		if !p.IsZero() {
			*p = p.Truncate(time.Microsecond).UTC()
		}
	}
	if len(t.Tags) == 0 {
		t.Tags = nil
	}
	if len(t.Extra) == 0 {
		t.Extra = nil
	}
	if len(t.Flags) == 0 {
		t.Flags = nil
	}
	return t
}

func testNotFound(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	upsert(t, s, "x", ticket("N1", 0))
	_, err := s.Ticket(ctx, 424242)
	wantCode(t, err, core.ENOTFOUND)
	var ae *core.Error
	if !errors.As(err, &ae) || ae.Message != "工单不存在" {
		t.Errorf("message = %v, want 工单不存在", err)
	}
	_, err = s.TicketByNumber(ctx, "nope")
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.TicketEvents(ctx, 424242)
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.User(ctx, 424242)
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.UserByUsername(ctx, "nobody")
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.SessionUser(ctx, "no-token")
	wantCode(t, err, core.ENOTFOUND)
}

// filterSet is the fixture of the filter tests.
func filterSet() []core.Ticket {
	mk := func(n string, h int, status, c1, c2, c3, unit, comm, intent, ch string) core.Ticket {
		tk := ticket(n, h)
		tk.Status, tk.Category1, tk.Category2, tk.Category3 = status, c1, c2, c3
		tk.Unit, tk.Community, tk.Intent, tk.Channel = unit, comm, core.Intent(intent), core.Channel(ch)
		return tk
	}
	return []core.Ticket{
		mk("F1", 1, "受理", "城建", "施工", "噪音", "U1", "幸福", "投诉", "12345"),
		mk("F2", 2, "办结", "城建", "施工", "扬尘", "U1", "幸福", "投诉", "12345"),
		mk("F3", 3, "办结", "城建", "市政", "路灯", "U2", "和谐", "求助", "网格巡查"),
		mk("F4", 4, "受理", "民生", "养老", "补贴", "U3", "和谐", "咨询", "12345"),
		mk("F5", 5, "办理", "民生", "养老", "服务", "U3", "幸福", "建议", "网上表单"),
		mk("F6", 6, "办结", "城建", "施工", "噪音", "U2", "和谐", "投诉", "12345"),
	}
}

func numbers(ts []core.Ticket) []string {
	var ns []string
	for _, t := range ts {
		ns = append(ns, t.Number)
	}
	return ns
}

func testFilters(t *testing.T, s core.Store, c *Clock) {
	upsert(t, s, "x", filterSet()...)
	at := func(h int) time.Time { return start.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name string
		f    core.TicketFilter
		want []string
	}{
		{"none", core.TicketFilter{}, []string{"F6", "F5", "F4", "F3", "F2", "F1"}},
		{"from", core.TicketFilter{From: at(4)}, []string{"F6", "F5", "F4"}},
		{"to is exclusive", core.TicketFilter{To: at(3)}, []string{"F2", "F1"}},
		{"from-to", core.TicketFilter{From: at(2), To: at(4)}, []string{"F3", "F2"}},
		{"status", core.TicketFilter{Status: "办结"}, []string{"F6", "F3", "F2"}},
		{"category1", core.TicketFilter{Category1: "民生"}, []string{"F5", "F4"}},
		{"category2", core.TicketFilter{Category2: "施工"}, []string{"F6", "F2", "F1"}},
		{"category3", core.TicketFilter{Category3: "噪音"}, []string{"F6", "F1"}},
		{"unit", core.TicketFilter{Unit: "U2"}, []string{"F6", "F3"}},
		{"community", core.TicketFilter{Community: "和谐"}, []string{"F6", "F4", "F3"}},
		{"intent", core.TicketFilter{Intent: "投诉"}, []string{"F6", "F2", "F1"}},
		{"channel", core.TicketFilter{Channel: "12345"}, []string{"F6", "F4", "F2", "F1"}},
		{"community and time", core.TicketFilter{Community: "幸福", From: at(2), To: at(6)}, []string{"F5", "F2"}},
		{"combined", core.TicketFilter{Status: "办结", Category1: "城建", Intent: "投诉", Community: "和谐"}, []string{"F6"}},
		{"combined keyword", core.TicketFilter{Status: "受理", Keyword: "工单F"}, []string{"F4", "F1"}},
		{"no match", core.TicketFilter{Status: "办结", Unit: "U3"}, nil},
		{"unknown value", core.TicketFilter{Status: "不存在"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.Tickets(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(numbers(got), tt.want) || total != len(tt.want) {
				t.Errorf("got %v (total %d), want %v", numbers(got), total, tt.want)
			}
		})
	}

	// Totals follow updates.
	f1 := filterSet()[0]
	f1.Status, f1.Unit = "办结", "U9"
	upsert(t, s, "x", f1)
	for _, tt := range []struct {
		f    core.TicketFilter
		want int
	}{
		{core.TicketFilter{Status: "办结"}, 4},
		{core.TicketFilter{Status: "受理"}, 1},
		{core.TicketFilter{Unit: "U1"}, 1},
		{core.TicketFilter{Unit: "U9"}, 1},
		{core.TicketFilter{}, 6},
	} {
		_, total, err := s.Tickets(context.Background(), tt.f)
		if err != nil || total != tt.want {
			t.Errorf("after update, %+v: total %d, %v; want %d", tt.f, total, err, tt.want)
		}
	}
}

// testCountUpTo checks the count that may stop: a total within
// Offset+CountUpTo is exact, one beyond is reported as some number above
// it (and at most the exact total); the page is the same either way.
func testCountUpTo(t *testing.T, s core.Store, c *Clock) {
	upsert(t, s, "x", filterSet()...)
	at := func(h int) time.Time { return start.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name  string
		f     core.TicketFilter
		exact int
		want  []string
	}{
		{"stops", core.TicketFilter{From: at(4), CountUpTo: 1, Limit: 1}, 3, []string{"F6"}},
		{"within", core.TicketFilter{From: at(4), CountUpTo: 3, Limit: 1}, 3, []string{"F6"}},
		{"past the offset", core.TicketFilter{From: at(4), CountUpTo: 1, Offset: 1, Limit: 1}, 3, []string{"F5"}},
		{"offset within", core.TicketFilter{From: at(4), CountUpTo: 1, Offset: 2, Limit: 1}, 3, []string{"F4"}},
		{"offset past the end", core.TicketFilter{From: at(4), CountUpTo: 1, Offset: 3}, 3, nil},
		{"two filters", core.TicketFilter{Status: "办结", Community: "和谐", CountUpTo: 1, Limit: 1}, 2, []string{"F6"}},
		{"keyword and status", core.TicketFilter{Status: "受理", Keyword: "工单F", CountUpTo: 1, Limit: 5}, 2, []string{"F4", "F1"}},
		{"keyword alone", core.TicketFilter{Keyword: "工单F", CountUpTo: 2, Limit: 1}, 6, []string{"F6"}},
		{"one filter", core.TicketFilter{Channel: "12345", CountUpTo: 1, Limit: 1}, 4, []string{"F6"}},
		{"no match", core.TicketFilter{Status: "办结", Unit: "U3", CountUpTo: 1}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.Tickets(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(numbers(got), tt.want) {
				t.Errorf("got %v, want %v", numbers(got), tt.want)
			}
			if upTo := tt.f.Offset + tt.f.CountUpTo; tt.exact <= upTo && total != tt.exact ||
				tt.exact > upTo && (total <= upTo || total > tt.exact) {
				t.Errorf("total %d, exact %d: want the exact total up to %d, above it beyond", total, tt.exact, upTo)
			}
		})
	}
}

func testKeyword(t *testing.T, s core.Store, c *Clock) {
	mk := func(n, title, content string) core.Ticket {
		tk := ticket(n, len(n))
		tk.Title, tk.Content = title, content
		return tk
	}
	upsert(t, s, "x",
		mk("W1", "夜间施工噪音", "小区旁工地夜间施工，噪音扰民，影响休息。"),
		mk("W2", "路灯不亮", "幸福路3号路灯坏了，晚上很黑。"),
		mk("W3", "停车难", "小区停车位不足，车辆乱停。"),
		mk("W4", "WiFi 信号", "社区服务中心 WiFi 无法连接"),
		mk("W5", "漏水", "楼上漏水。噪 音测试"),
	)
	tests := []struct {
		name, kw string
		want     []string
	}{
		{"two chars in content and title", "噪音", []string{"W1"}},
		{"two chars", "停车", []string{"W3"}},
		{"in title only", "不亮", []string{"W2"}},
		{"long phrase", "工地夜间施工", []string{"W1"}},
		{"one char", "车", []string{"W3"}},
		{"one char many", "小", []string{"W3", "W1"}},
		{"with digit", "路3号", []string{"W2"}},
		{"latin case-insensitive", "wifi", []string{"W4"}},
		{"not across punctuation", "民影", nil},
		{"not across space", "噪音测", nil},
		{"keyword with space", "噪 音", []string{"W5"}},
		{"keyword with punctuation", "施工，噪音", []string{"W1"}},
		{"not across title and content", "噪音小区", nil},
		{"absent", "垃圾分类", nil},
		{"single latin", "W", []string{"W4"}},
	}
	// A store that indexes behind the import must find the same before
	// (by scanning the tail) and after IndexSearch.
	for _, phase := range []string{"before indexing", "after indexing"} {
		if phase == "after indexing" && !indexSearch(t, s, 5) {
			continue
		}
		for _, tt := range tests {
			t.Run(phase+"/"+tt.name, func(t *testing.T) {
				got, total, err := s.Tickets(context.Background(), core.TicketFilter{Keyword: tt.kw})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(numbers(got), tt.want) || total != len(tt.want) {
					t.Errorf("keyword %q: got %v (total %d), want %v", tt.kw, numbers(got), total, tt.want)
				}
			})
		}
	}
	// Indexing is idempotent.
	if _, ok := s.(core.SearchIndexer); ok {
		indexSearch(t, s, 0)
	}
}

// indexSearch runs IndexSearch when s builds its keyword index behind the
// import, checks it indexed want tickets, and tells whether it ran.
func indexSearch(t *testing.T, s core.Store, want int) bool {
	t.Helper()
	ix, ok := s.(core.SearchIndexer)
	if !ok {
		return false
	}
	n, err := ix.IndexSearch(context.Background())
	if err != nil || n != want {
		t.Fatalf("IndexSearch: %d, %v; want %d", n, err, want)
	}
	return true
}

func testKeywordAfterUpdate(t *testing.T, s core.Store, c *Clock) {
	// KU is updated after it was indexed, KV before.
	ku, kv := ticket("KU", 0), ticket("KV", 1)
	ku.Content, kv.Content = "垃圾清运不及时", "垃圾桶满了"
	upsert(t, s, "x", ku)
	indexSearch(t, s, 1)
	upsert(t, s, "x", kv)
	ku.Content, kv.Content = "井盖破损", "井盖丢失"
	upsert(t, s, "x", ku, kv)
	check := func(when string) {
		for kw, want := range map[string]int{"垃圾": 0, "井盖": 2, "破损": 1, "丢失": 1} {
			_, total, err := s.Tickets(context.Background(), core.TicketFilter{Keyword: kw})
			if err != nil || total != want {
				t.Errorf("keyword %q after update, %s: total %d, %v; want %d", kw, when, total, err, want)
			}
		}
	}
	check("before indexing")
	if indexSearch(t, s, 1) {
		check("after indexing")
	}
}

func testPaging(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	var ts []core.Ticket
	for i := range 1005 {
		// Pairs share a received time: the tie-break is the id, newest first.
		ts = append(ts, ticket(fmt.Sprintf("P%04d", i), i/2))
	}
	upsert(t, s, "x", ts...)
	want := func(from, n int) []string {
		var ns []string
		for i := 1004 - from; i > 1004-from-n && i >= 0; i-- {
			ns = append(ns, fmt.Sprintf("P%04d", i))
		}
		return ns
	}
	tests := []struct {
		name          string
		offset, limit int
		want          []string
	}{
		{"default limit", 0, 0, want(0, core.DefaultLimit)},
		{"limit", 0, 3, want(0, 3)},
		{"offset", 10, 5, want(10, 5)},
		{"capped", 0, 5000, want(0, core.MaxLimit)},
		{"last page", 1000, 10, want(1000, 5)},
		{"past the end", 2000, 10, nil},
		{"negative", -5, -1, want(0, core.DefaultLimit)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.Tickets(ctx, core.TicketFilter{Offset: tt.offset, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1005 || !slices.Equal(numbers(got), tt.want) {
				t.Errorf("total %d, got %d tickets %v..., want %d", total, len(got), head(numbers(got)), len(tt.want))
			}
		})
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

func testEachTicket(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	upsert(t, s, "x", filterSet()...)
	upsert(t, s, "x", core.Ticket{Number: "F0"}) // no received time: first
	var got []string
	err := s.EachTicket(ctx, core.TicketFilter{Limit: 1, Offset: 3}, func(tk core.Ticket) error {
		got = append(got, tk.Number)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"F0", "F1", "F2", "F3", "F4", "F5", "F6"}; !slices.Equal(got, want) {
		t.Errorf("all: got %v, want %v", got, want)
	}
	got = nil
	if err := s.EachTicket(ctx, core.TicketFilter{Status: "办结"}, func(tk core.Ticket) error {
		got = append(got, tk.Number)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"F2", "F3", "F6"}; !slices.Equal(got, want) {
		t.Errorf("filtered: got %v, want %v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	err = s.EachTicket(ctx, core.TicketFilter{}, func(tk core.Ticket) error {
		n++
		// fn may use the store while the stream is open.
		if _, err := s.Ticket(ctx, tk.ID); err != nil {
			return err
		}
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("stop: err %v after %d calls, want stop after 2", err, n)
	}
}

func testAreas(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	a := core.Areas{
		Streets:     []core.Street{{Code: "S1", Name: "和平街道"}},
		Communities: []core.Community{{Code: "C2", Name: "幸福社区", Street: "S1"}, {Code: "C1", Name: "和谐社区", Street: "S1"}},
		Grids:       []core.Grid{{Code: "G1", Name: "第一网格", Community: "C2"}},
	}
	b := core.Areas{Streets: []core.Street{{Code: "S9", Name: "新街道"}}}
	for _, want := range []core.Areas{a, b, {}} {
		if err := s.ReplaceAreas(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Areas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
	err := s.ReplaceAreas(ctx, core.Areas{Streets: []core.Street{{Code: "S1"}, {Code: "S1"}}})
	wantCode(t, err, core.ECONFLICT)
}

func testUnits(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	a := []core.Unit{{Code: "U2", Name: "幸福社区居委会", Kind: core.UnitCommunity, Community: "C2", Phone: "010-1"},
		{Code: "U1", Name: "城管科", Kind: core.UnitDepartment}}
	b := []core.Unit{{Code: "U9", Name: "供电公司", Kind: core.UnitAgency}}
	for _, want := range [][]core.Unit{a, b, nil} {
		if err := s.ReplaceUnits(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Units(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
	wantCode(t, s.ReplaceUnits(ctx, []core.Unit{{Code: "U1"}, {Code: "U1"}}), core.ECONFLICT)
	if got, _ := s.Units(ctx); got != nil {
		t.Errorf("a failed replace changed the units: %+v", got)
	}
}

func testCategories(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	a := []core.Category{{Level1: "城建", Level2: "施工", Level3: "噪音"}, {Level1: "城建", Level2: "施工", Level3: "扬尘"}, {Level1: "民生", Level2: "养老", Level3: "补贴"}}
	b := []core.Category{{Level1: "其他", Level2: "其他", Level3: "其他"}}
	for _, want := range [][]core.Category{a, b, nil} {
		if err := s.ReplaceCategories(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
}

func testUsers(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	u := core.User{Username: "zhang", Name: "张三", Role: core.RoleStaff, Unit: "U1", PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || !u.CreatedAt.Equal(start) {
		t.Errorf("CreateUser set id %d, created %v", u.ID, u.CreatedAt)
	}
	dup := core.User{Username: "zhang", Role: core.RoleAdmin}
	wantCode(t, s.CreateUser(ctx, &dup), core.ECONFLICT)
	wantCode(t, s.CreateUser(ctx, &core.User{Role: core.RoleAdmin}), core.EINVALID)

	for name, get := range map[string]func() (core.User, error){
		"by id":       func() (core.User, error) { return s.User(ctx, u.ID) },
		"by username": func() (core.User, error) { return s.UserByUsername(ctx, "zhang") },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got.CreatedAt = got.CreatedAt.UTC()
		want := u
		want.CreatedAt = want.CreatedAt.UTC()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}
	v := core.User{Username: "li", Role: core.RoleLeader}
	if err := s.CreateUser(ctx, &v); err != nil || v.ID == u.ID {
		t.Errorf("second user: id %d, %v", v.ID, err)
	}
}

func testSessions(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	u := core.User{Username: "wang", Role: core.RoleAdmin}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	tok := strings.Repeat("ab", 16)
	if err := s.CreateSession(ctx, core.Session{Token: tok, UserID: u.ID, ExpiresAt: c.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreateSession(ctx, core.Session{Token: tok, UserID: u.ID, ExpiresAt: c.Now().Add(time.Hour)}), core.ECONFLICT)
	if err := s.CreateSession(ctx, core.Session{Token: "other", UserID: 424242, ExpiresAt: c.Now().Add(time.Hour)}); err == nil {
		t.Error("session of an unknown user was stored")
	}
	got, err := s.SessionUser(ctx, tok)
	if err != nil || got.ID != u.ID {
		t.Fatalf("SessionUser = %d, %v; want %d", got.ID, err, u.ID)
	}
	_, err = s.SessionUser(ctx, tok[:31])
	wantCode(t, err, core.ENOTFOUND)

	c.Advance(59 * time.Minute)
	if _, err := s.SessionUser(ctx, tok); err != nil {
		t.Errorf("before expiry: %v", err)
	}
	c.Advance(time.Minute)
	_, err = s.SessionUser(ctx, tok)
	wantCode(t, err, core.ENOTFOUND) // expired at ExpiresAt

	tok2 := "second-token"
	if err := s.CreateSession(ctx, core.Session{Token: tok2, UserID: u.ID, ExpiresAt: c.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	_, err = s.SessionUser(ctx, tok2)
	wantCode(t, err, core.ENOTFOUND)
	if err := s.DeleteSession(ctx, tok2); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}
