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

// RunRecords runs the conformance suite of core.RecordStore against the
// stores that open makes; each subtest gets its own fresh store.
func RunRecords(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s core.RecordStore, c *Clock)
	}{
		{"Upsert", testRecordsUpsert},
		{"UpsertSameKeyTwice", testRecordsSameKeyTwice},
		{"UpsertInvalid", testRecordsUpsertInvalid},
		{"UpsertConcurrent", testRecordsConcurrent},
		{"Fix", testRecordsFix},
		{"RetireRestore", testRecordsRetireRestore},
		{"Filters", testRecordsFilters},
		{"Scan", testRecordsScan},
		{"Search", testRecordsSearch},
		{"DeepPages", testRecordsDeepPages},
		{"Lookup", testRecordsLookup},
		{"Sources", testRecordsSources},
		{"NotFound", testRecordsNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClock(start)
			s, ok := open(t, c.Now).(core.RecordStore)
			if !ok {
				t.Fatal("the store does not implement core.RecordStore")
			}
			tt.fn(t, s, c)
		})
	}
}

func person(source, id, name string, more ...string) core.RecordUpsert {
	u := core.RecordUpsert{Kind: "person", Source: source, Key: id, Values: map[string]string{"id_number": id, "name": name}}
	for i := 0; i+1 < len(more); i += 2 {
		u.Values[more[i]] = more[i+1]
	}
	return u
}

func upsertRecords(t *testing.T, s core.RecordStore, c *Clock, recs ...core.RecordUpsert) []core.RecordUpsertResult {
	t.Helper()
	res, err := s.UpsertRecords(context.Background(), recs, "import:民政科", c.Now())
	if err != nil {
		t.Fatalf("UpsertRecords: %v", err)
	}
	if len(res) != len(recs) {
		t.Fatalf("UpsertRecords: %d results for %d records", len(res), len(recs))
	}
	return res
}

func outcomes(res []core.RecordUpsertResult) []core.UpsertOutcome {
	var out []core.UpsertOutcome
	for _, r := range res {
		out = append(out, r.Outcome)
	}
	return out
}

func getRecord(t *testing.T, s core.RecordStore, id int64) core.Record {
	t.Helper()
	r, err := s.Record(context.Background(), id)
	if err != nil {
		t.Fatalf("Record(%d): %v", id, err)
	}
	return r
}

func history(t *testing.T, s core.RecordStore, id int64) []core.RecordChange {
	t.Helper()
	h, err := s.RecordHistory(context.Background(), id)
	if err != nil {
		t.Fatalf("RecordHistory(%d): %v", id, err)
	}
	return h
}

// testRecordsUpsert: new keys are created, the same rows again change
// nothing but SeenAt, a changed row is updated with its history, a field
// missing from the load is cleared.
func testRecordsUpsert(t *testing.T, s core.RecordStore, c *Clock) {
	a := person("民政科", "110101194501011234", "张秀英", "phone", "13800000001", "community", "东风社区", "grid", "东风一网格")
	a.Flags = map[string]string{"phone": "号码不存在"}
	b := person("民政科", "110101195002021235", "王建国", "address", "幸福路3号")
	res := upsertRecords(t, s, c, a, b)
	if got, want := outcomes(res), []core.UpsertOutcome{core.Created, core.Created}; !reflect.DeepEqual(got, want) {
		t.Fatalf("first load: got %v, want %v", got, want)
	}
	if res[0].ID == 0 || res[1].ID == 0 || res[0].ID == res[1].ID {
		t.Fatalf("IDs %d, %d", res[0].ID, res[1].ID)
	}
	r := getRecord(t, s, res[0].ID)
	if r.Kind != "person" || r.Source != "民政科" || r.Key != a.Key || r.Version != 1 || r.Status != core.RecordActive ||
		!reflect.DeepEqual(r.Values, a.Values) || !reflect.DeepEqual(r.Flags, a.Flags) || r.Community != "东风社区" || r.Grid != "东风一网格" ||
		!r.CreatedAt.Equal(start) || !r.UpdatedAt.Equal(start) || !r.SeenAt.Equal(start) || len(r.Fixed) != 0 {
		t.Fatalf("stored %+v", r)
	}
	if r.Name() != "张秀英" {
		t.Errorf("Name() = %q", r.Name())
	}

	c.Advance(time.Hour)
	res = upsertRecords(t, s, c, a, b)
	if got, want := outcomes(res), []core.UpsertOutcome{core.Unchanged, core.Unchanged}; !reflect.DeepEqual(got, want) {
		t.Fatalf("same load again: got %v, want %v", got, want)
	}
	r = getRecord(t, s, res[0].ID)
	if r.Version != 1 || !r.UpdatedAt.Equal(start) || !r.SeenAt.Equal(c.Now()) {
		t.Errorf("after an unchanged load: version %d, updated %v, seen %v", r.Version, r.UpdatedAt, r.SeenAt)
	}

	c.Advance(time.Hour)
	a2 := person("民政科", a.Key, "张秀英", "phone", "13800000002", "community", "红旗社区")
	res = upsertRecords(t, s, c, a2, b)
	if got, want := outcomes(res), []core.UpsertOutcome{core.Updated, core.Unchanged}; !reflect.DeepEqual(got, want) {
		t.Fatalf("changed load: got %v, want %v", got, want)
	}
	r = getRecord(t, s, res[0].ID)
	if r.Version != 2 || !r.UpdatedAt.Equal(c.Now()) || r.Community != "红旗社区" || r.Grid != "" || r.Flags != nil ||
		!reflect.DeepEqual(r.Values, a2.Values) || !r.CreatedAt.Equal(start) {
		t.Errorf("after a change: %+v", r)
	}
	h := history(t, s, r.ID)
	if len(h) != 2 || h[0].Action != core.RecordActionImport || h[0].Version != 1 || len(h[0].Changes) != 0 ||
		h[1].Version != 2 || h[1].Actor != "import:民政科" || !h[1].At.Equal(c.Now()) || h[1].RecordID != r.ID {
		t.Fatalf("history %+v", h)
	}
	want := map[string]core.FieldChange{"phone": {Old: "13800000001", New: "13800000002"}, "community": {Old: "东风社区", New: "红旗社区"}, "grid": {Old: "东风一网格", New: ""}}
	if !reflect.DeepEqual(h[1].Changes, want) {
		t.Errorf("changes %v, want %v", h[1].Changes, want)
	}

	// The same key in another source or kind is another record.
	other := a2
	other.Source = "公安派出所"
	house := core.RecordUpsert{Kind: "house", Source: "民政科", Key: a.Key, Values: map[string]string{"address": "幸福路3号"}}
	res = upsertRecords(t, s, c, other, house)
	if got, want := outcomes(res), []core.UpsertOutcome{core.Created, core.Created}; !reflect.DeepEqual(got, want) {
		t.Fatalf("other source and kind: got %v, want %v", got, want)
	}
	if n, err := s.CountRecords(context.Background(), core.RecordFilter{}); err != nil || n != 4 {
		t.Errorf("CountRecords = %d, %v; want 4", n, err)
	}
	if got := getRecord(t, s, res[1].ID).Name(); got != "幸福路3号" {
		t.Errorf("house Name() = %q", got)
	}
}

// testRecordsSameKeyTwice: a key twice in one batch is created (or
// updated) and then updated or left as it is, in order, as if the rows came
// in two batches.
func testRecordsSameKeyTwice(t *testing.T, s core.RecordStore, c *Clock) {
	a := person("民政科", "7", "孙桂芝", "phone", "13800000007")
	a2 := person("民政科", "7", "孙桂芝", "phone", "13900000007")
	b := person("民政科", "8", "周大勇")
	res := upsertRecords(t, s, c, a, b, a2, b, a2)
	if got, want := outcomes(res), []core.UpsertOutcome{core.Created, core.Created, core.Updated, core.Unchanged, core.Unchanged}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if res[0].ID != res[2].ID || res[0].ID != res[4].ID || res[1].ID != res[3].ID || res[0].ID == res[1].ID {
		t.Fatalf("IDs %+v", res)
	}
	r := getRecord(t, s, res[0].ID)
	if r.Version != 2 || r.Values["phone"] != "13900000007" {
		t.Errorf("record %+v", r)
	}
	if h := history(t, s, r.ID); len(h) != 2 || h[1].Changes["phone"].New != "13900000007" {
		t.Errorf("history %+v", h)
	}
	// A stored record changed twice in one batch.
	c.Advance(time.Hour)
	a3 := person("民政科", "7", "孙桂芝", "phone", "13700000007")
	res = upsertRecords(t, s, c, a3, a, b)
	if got, want := outcomes(res), []core.UpsertOutcome{core.Updated, core.Updated, core.Unchanged}; !reflect.DeepEqual(got, want) {
		t.Fatalf("second batch: got %v, want %v", got, want)
	}
	r = getRecord(t, s, res[0].ID)
	if r.Version != 4 || r.Values["phone"] != "13800000007" || !r.SeenAt.Equal(c.Now()) {
		t.Errorf("record %+v", r)
	}
	if h := history(t, s, r.ID); len(h) != 4 || h[3].Version != 4 || h[2].Changes["phone"].New != "13700000007" {
		t.Errorf("history %+v", h)
	}
	if got := getRecord(t, s, res[2].ID); !got.SeenAt.Equal(c.Now()) || got.Version != 1 {
		t.Errorf("unchanged record %+v", got)
	}
}

// testRecordsConcurrent: loads of the same new keys at once all succeed,
// and each key is one record.
func testRecordsConcurrent(t *testing.T, s core.RecordStore, c *Clock) {
	recs := make([]core.RecordUpsert, 200)
	for i := range recs {
		recs[i] = person("民政科", fmt.Sprintf("c%03d", i), fmt.Sprintf("居民%d", i))
	}
	var wg sync.WaitGroup
	ids := make([][]int64, 4)
	errs := make([]error, 4)
	for g := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.UpsertRecords(context.Background(), recs, fmt.Sprintf("import:%d", g), c.Now())
			errs[g] = err
			for _, r := range res {
				ids[g] = append(ids[g], r.ID)
			}
		}()
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Fatalf("load %d: %v", g, err)
		}
		if !reflect.DeepEqual(ids[g], ids[0]) {
			t.Fatalf("load %d gave other IDs", g)
		}
	}
	if n, err := s.CountRecords(context.Background(), core.RecordFilter{}); err != nil || n != len(recs) {
		t.Errorf("CountRecords = %d, %v; want %d", n, err, len(recs))
	}
}

// testRecordsUpsertInvalid: a batch with an invalid record stores none.
func testRecordsUpsertInvalid(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	good := person("民政科", "1", "张三")
	for _, bad := range []core.RecordUpsert{
		{Source: "民政科", Key: "2"},
		{Kind: "person", Key: "2"},
		{Kind: "person", Source: "民政科"},
		{Kind: "person", Source: "民政科\n", Key: "2"},
	} {
		_, err := s.UpsertRecords(ctx, []core.RecordUpsert{good, bad}, "import", c.Now())
		wantCode(t, err, core.EINVALID)
	}
	if n, err := s.CountRecords(ctx, core.RecordFilter{}); err != nil || n != 0 {
		t.Errorf("CountRecords = %d, %v; want 0", n, err)
	}
	if res, err := s.UpsertRecords(ctx, nil, "import", c.Now()); err != nil || len(res) != 0 {
		t.Errorf("empty batch: %v, %v", res, err)
	}
}

// testRecordsFix: a steward's fix changes values, joins Fixed, clears the
// fixed fields' flags and is kept (and reported) by later loads.
func testRecordsFix(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	u := person("民政科", "3", "李桂兰", "phone", "1380000", "birth_date", "1950-01-01")
	u.Flags = map[string]string{"phone": "位数不对", "birth_date": "与身份证号不符"}
	id := upsertRecords(t, s, c, u)[0].ID

	c.Advance(time.Hour)
	_, err := s.FixRecord(ctx, id, core.RecordFix{Values: map[string]string{"phone": "13800000003"}, Actor: "steward", Version: 2})
	wantCode(t, err, core.ECONFLICT)
	_, err = s.FixRecord(ctx, id, core.RecordFix{Actor: "steward", Version: 1})
	wantCode(t, err, core.EINVALID)
	r, err := s.FixRecord(ctx, id, core.RecordFix{Values: map[string]string{"phone": "13800000003", "note": ""}, Actor: "steward",
		Note: "电话回访核实", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || r.Values["phone"] != "13800000003" || !reflect.DeepEqual(r.Fixed, []string{"note", "phone"}) ||
		!reflect.DeepEqual(r.Flags, map[string]string{"birth_date": "与身份证号不符"}) || !r.IsFixed("phone") || r.IsFixed("name") {
		t.Fatalf("after fix: %+v", r)
	}
	if got := getRecord(t, s, id); !reflect.DeepEqual(got, r) && !sameRecord(got, r) {
		t.Errorf("Record after fix = %+v, FixRecord returned %+v", got, r)
	}
	h := history(t, s, id)
	if len(h) != 2 || h[1].Action != core.RecordActionFix || h[1].Actor != "steward" || h[1].Note != "电话回访核实" ||
		!reflect.DeepEqual(h[1].Changes, map[string]core.FieldChange{"phone": {Old: "1380000", New: "13800000003"}}) {
		t.Fatalf("history %+v", h)
	}

	// The source still has the old phone: the fix stays and is reported.
	c.Advance(time.Hour)
	res := upsertRecords(t, s, c, u)
	if res[0].Outcome != core.Unchanged || !reflect.DeepEqual(res[0].FixKept, []string{"phone"}) {
		t.Fatalf("load over a fix: %+v", res[0])
	}
	if got := getRecord(t, s, id); got.Values["phone"] != "13800000003" || got.Version != 2 {
		t.Errorf("fix undone: %+v", got)
	}
	// A load that changes another field updates it and keeps the fix.
	u2 := person("民政科", "3", "李桂兰", "phone", "13800000003", "birth_date", "1950-01-02")
	res = upsertRecords(t, s, c, u2)
	if res[0].Outcome != core.Updated || len(res[0].FixKept) != 0 {
		t.Fatalf("load agreeing with the fix: %+v", res[0])
	}
	got := getRecord(t, s, id)
	if got.Values["birth_date"] != "1950-01-02" || got.Values["phone"] != "13800000003" || got.Flags != nil || got.Version != 3 {
		t.Errorf("after load: %+v", got)
	}
}

func sameRecord(a, b core.Record) bool {
	return a.ID == b.ID && a.Version == b.Version && reflect.DeepEqual(a.Values, b.Values) && reflect.DeepEqual(a.Flags, b.Flags) &&
		reflect.DeepEqual(a.Fixed, b.Fixed) && a.Status == b.Status && a.UpdatedAt.Equal(b.UpdatedAt) && a.Community == b.Community
}

// testRecordsRetireRestore: retiring and restoring need the current
// version, are kept in the history, and a load does not restore.
func testRecordsRetireRestore(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	u := person("民政科", "4", "赵大爷")
	id := upsertRecords(t, s, c, u)[0].ID
	_, err := s.RetireRecord(ctx, id, "steward", "已迁出", 5)
	wantCode(t, err, core.ECONFLICT)
	_, err = s.RestoreRecord(ctx, id, "steward", "", 1)
	wantCode(t, err, core.ECONFLICT)
	c.Advance(time.Hour)
	r, err := s.RetireRecord(ctx, id, "steward", "已迁出", 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != core.RecordRetired || r.Version != 2 || !r.UpdatedAt.Equal(c.Now()) {
		t.Fatalf("retired: %+v", r)
	}
	_, err = s.RetireRecord(ctx, id, "steward", "", 2)
	wantCode(t, err, core.ECONFLICT)

	res := upsertRecords(t, s, c, u)
	if res[0].Outcome != core.Unchanged || !res[0].Retired {
		t.Fatalf("load of a retired record: %+v", res[0])
	}
	if getRecord(t, s, id).Status != core.RecordRetired {
		t.Fatal("a load restored a retired record")
	}
	r, err = s.RestoreRecord(ctx, id, "leader", "误注销", 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != core.RecordActive || r.Version != 3 {
		t.Fatalf("restored: %+v", r)
	}
	var got []string
	for _, h := range history(t, s, id) {
		got = append(got, fmt.Sprintf("%d %s %s %s", h.Version, h.Action, h.Actor, h.Note))
	}
	want := []string{"1 import import:民政科 ", "2 retire steward 已迁出", "3 restore leader 误注销"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history %q, want %q", got, want)
	}
}

// testRecordsFilters: every filter field, paging and the order by ID.
func testRecordsFilters(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	recs := []core.RecordUpsert{
		person("民政科", "p1", "张秀英", "community", "东风社区", "grid", "东风一网格", "address", "幸福路1号"),
		person("民政科", "p2", "王建国", "community", "东风社区", "grid", "东风二网格", "address", "和平街2号"),
		person("民政科", "p3", "李桂兰", "community", "红旗社区", "address", "幸福路9号"),
		person("公安派出所", "p1", "张秀英", "community", "东风社区"),
		{Kind: "house", Source: "住建科", Key: "h1", Values: map[string]string{"address": "和平街2号", "community": "红旗社区"}},
	}
	recs[2].Flags = map[string]string{"phone": "缺失"}
	res := upsertRecords(t, s, c, recs...)
	ids := map[string]int64{}
	for i, r := range res {
		ids[recs[i].Source+"/"+recs[i].Key] = r.ID
	}
	if _, err := s.RetireRecord(ctx, ids["民政科/p2"], "steward", "", 1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    core.RecordFilter
		want []string
	}{
		{"all", core.RecordFilter{}, []string{"民政科/p1", "民政科/p2", "民政科/p3", "公安派出所/p1", "住建科/h1"}},
		{"kind", core.RecordFilter{Kind: "person"}, []string{"民政科/p1", "民政科/p2", "民政科/p3", "公安派出所/p1"}},
		{"source", core.RecordFilter{Kind: "person", Source: "公安派出所"}, []string{"公安派出所/p1"}},
		{"community", core.RecordFilter{Community: "红旗社区"}, []string{"民政科/p3", "住建科/h1"}},
		{"grid", core.RecordFilter{Grid: "东风二网格"}, []string{"民政科/p2"}},
		{"communities", core.RecordFilter{Communities: []string{"红旗社区", "西湖社区"}}, []string{"民政科/p3", "住建科/h1"}},
		{"no communities", core.RecordFilter{Communities: []string{}}, nil},
		{"status", core.RecordFilter{Status: core.RecordRetired}, []string{"民政科/p2"}},
		{"active", core.RecordFilter{Kind: "person", Status: core.RecordActive}, []string{"民政科/p1", "民政科/p3", "公安派出所/p1"}},
		{"key", core.RecordFilter{Kind: "person", Source: "民政科", Key: "p3"}, []string{"民政科/p3"}},
		{"query name", core.RecordFilter{Query: "秀英"}, []string{"民政科/p1", "公安派出所/p1"}},
		{"query address", core.RecordFilter{Query: "和平街"}, []string{"民政科/p2", "住建科/h1"}},
		{"query with %", core.RecordFilter{Query: "%"}, nil},
		{"flagged", core.RecordFilter{Flagged: true}, []string{"民政科/p3"}},
		{"combined", core.RecordFilter{Kind: "person", Community: "东风社区", Query: "幸福路"}, []string{"民政科/p1"}},
		{"page", core.RecordFilter{Limit: 2, Offset: 1}, []string{"民政科/p2", "民政科/p3"}},
		{"past the end", core.RecordFilter{Offset: 10}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.Records(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range got {
				keys = append(keys, r.Source+"/"+r.Key)
			}
			if !reflect.DeepEqual(keys, tt.want) {
				t.Errorf("got %q, want %q", keys, tt.want)
			}
			n, err := s.CountRecords(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if n != total {
				t.Errorf("CountRecords = %d, Records total = %d", n, total)
			}
			if tt.f.Limit == 0 && tt.f.Offset == 0 && total != len(tt.want) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
		})
	}
	if _, total, _ := s.Records(ctx, core.RecordFilter{Limit: 2, Offset: 1}); total != 5 {
		t.Errorf("paged total = %d, want 5", total)
	}
}

// testRecordsScan: ScanRecords sees every matching record once, by ID,
// across its pages, lets fn use the store, and stops at fn's error.
func testRecordsScan(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	const n = 2345
	recs := make([]core.RecordUpsert, n)
	for i := range recs {
		recs[i] = person("民政科", fmt.Sprintf("k%05d", i), fmt.Sprintf("居民%d", i), "community", []string{"东风社区", "红旗社区"}[i%2])
	}
	upsertRecords(t, s, c, recs...)
	var ids []int64
	err := s.ScanRecords(ctx, core.RecordFilter{Kind: "person", Community: "东风社区", Limit: 3}, func(r core.Record) error {
		if r.Community != "东风社区" {
			return fmt.Errorf("record %d of %s", r.ID, r.Community)
		}
		if len(ids)%500 == 0 { // the store may be used from fn
			if _, err := s.FixRecord(ctx, r.ID, core.RecordFix{Values: map[string]string{"note": "抽查"}, Actor: "t", Version: r.Version}); err != nil {
				return err
			}
		}
		ids = append(ids, r.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != (n+1)/2 || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatalf("scanned %d records (sorted %v), want %d once each by ID", len(ids), slices.IsSorted(ids), (n+1)/2)
	}
	stop := errors.New("stop")
	seen := 0
	err = s.ScanRecords(ctx, core.RecordFilter{}, func(core.Record) error {
		seen++
		if seen == 1500 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != 1500 {
		t.Errorf("stopping scan: %v after %d", err, seen)
	}
	if err := s.ScanRecords(ctx, core.RecordFilter{Communities: []string{}}, func(core.Record) error { return stop }); err != nil {
		t.Errorf("empty scan: %v", err)
	}
}

// testRecordsSearch: the keyword search (answered through the gram index)
// finds exactly the records whose name or address contains the query, for
// every substring of every stored text (one character included) and for
// texts no record has, also after a fix, a re-import and a retirement
// changed the texts.
func testRecordsSearch(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	recs := []core.RecordUpsert{
		person("民政科", "s1", "张三丰", "address", "丰台路3号楼2单元301"),
		person("民政科", "s2", "丰", "address", "张三路"),
		person("民政科", "s3", "Anna Li", "address", "和平街二号院"),
		person("公安派出所", "s1", "张三", "address", "海川区望春园一区3-2-301"),
		{Kind: "house", Source: "住建科", Key: "h1", Values: map[string]string{"address": "望春园一区3号楼2单元301室"}},
		{Kind: "enterprise", Source: "市场监管所", Key: "e1", Values: map[string]string{"name": "海川热力有限公司", "address": "丰台路88号"}},
	}
	res := upsertRecords(t, s, c, recs...)
	check := func(when string) {
		t.Helper()
		var all []core.Record
		if err := s.ScanRecords(ctx, core.RecordFilter{}, func(r core.Record) error { all = append(all, r); return nil }); err != nil {
			t.Fatal(err)
		}
		queries := map[string]bool{"三丰台": true, "张三丰台": true, "xyz": true, "路3号楼2单元301室": true, "a l": true, "ANNA": true}
		for _, r := range all {
			for _, text := range []string{r.Name(), r.Values["address"]} {
				rs := []rune(text)
				for i := range rs {
					for j := i + 1; j <= len(rs) && j <= i+5; j++ {
						queries[string(rs[i:j])] = true
					}
				}
			}
		}
		for q := range queries {
			if strings.TrimSpace(q) != q {
				continue // the store trims the query
			}
			var want []int64
			for _, r := range all {
				if strings.Contains(r.Name(), q) || strings.Contains(r.Values["address"], q) {
					want = append(want, r.ID)
				}
			}
			for _, f := range []core.RecordFilter{{Query: q}, {Query: " " + q + " ", Limit: core.MaxLimit}} {
				got, total, err := s.Records(ctx, f)
				if err != nil {
					t.Fatalf("%s: query %q: %v", when, q, err)
				}
				var ids []int64
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				if !slices.Equal(ids, want) || total != len(want) {
					t.Errorf("%s: query %q: %v (total %d), want %v", when, q, ids, total, want)
				}
			}
		}
	}
	check("loaded")
	if _, err := s.FixRecord(ctx, res[0].ID, core.RecordFix{Values: map[string]string{"name": "张三峰", "address": ""}, Actor: "steward", Version: 1}); err != nil {
		t.Fatal(err)
	}
	recs[1].Values = map[string]string{"name": "丰", "address": "新华路7号"}
	upsertRecords(t, s, c, recs[1])
	if _, err := s.RetireRecord(ctx, res[2].ID, "steward", "", 1); err != nil {
		t.Fatal(err)
	}
	check("changed")
	for _, tt := range []struct {
		name string
		f    core.RecordFilter
		want []int64
	}{
		{"fixed name", core.RecordFilter{Query: "三峰"}, []int64{res[0].ID}},
		{"old name", core.RecordFilter{Query: "三丰"}, nil},
		{"cleared address", core.RecordFilter{Query: "丰台路3号"}, nil},
		{"re-imported address", core.RecordFilter{Query: "新华"}, []int64{res[1].ID}},
		{"one character, kind", core.RecordFilter{Query: "丰", Kind: "enterprise"}, []int64{res[5].ID}},
		{"retired, active only", core.RecordFilter{Query: "Anna", Status: core.RecordActive}, nil},
		{"no communities", core.RecordFilter{Query: "张", Communities: []string{}}, nil},
	} {
		got, _, err := s.Records(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, ids, tt.want)
		}
	}
}

// testRecordsDeepPages: paging through a filter by offset, up to pages far
// from the first, gives the records ScanRecords gives, in order, each
// once, with the filter's total.
func testRecordsDeepPages(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	const n = 1234
	recs := make([]core.RecordUpsert, n)
	for i := range recs {
		recs[i] = person([]string{"民政科", "公安派出所"}[i%2], fmt.Sprintf("d%05d", i), fmt.Sprintf("居民%d", i),
			"community", []string{"东风社区", "红旗社区", "西湖社区"}[i%3], "address", fmt.Sprintf("幸福路%d号", i%17))
	}
	upsertRecords(t, s, c, recs...)
	for _, f := range []core.RecordFilter{
		{Kind: "person"},
		{Kind: "person", Communities: []string{"东风社区", "西湖社区"}},
		{Kind: "person", Source: "公安派出所", Query: "幸福路1"},
		{Query: "7"},
	} {
		var want []int64
		if err := s.ScanRecords(ctx, f, func(r core.Record) error { want = append(want, r.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("%+v: no records", f)
		}
		var got []int64
		for _, limit := range []int{7, 50} {
			got = got[:0]
			for off := 0; off < len(want)+limit; off += limit {
				p := f
				p.Offset, p.Limit = off, limit
				page, total, err := s.Records(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(want) {
					t.Fatalf("%+v: total %d, want %d", p, total, len(want))
				}
				for _, r := range page {
					got = append(got, r.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%+v by %d: paged %d records, scanned %d (or another order)", f, limit, len(got), len(want))
			}
		}
	}
}

// testRecordsLookup: LookupRecords finds a record by each kind of match key
// however its value was written, honours the filter's kind, status and
// community scope (nil all, empty none), and follows every write: a fix,
// a re-import, a retirement.
func testRecordsLookup(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	const id18 = "11010519400101123X" // the 15-digit number below in its 18-digit form
	recs := []core.RecordUpsert{
		person("民政科", "110105400101123", "张三丰", "phone", "+86 138-1234-5678", "community", "望春园社区",
			"address", "海川区望春园一区3号楼2单元301"),
		person("公安派出所", "l1", "李梅", "phone", "13900001111", "community", "柳荫里社区",
			"estate", "望春园一区", "building", "5", "unit_no", "1", "room", "102"),
		{Kind: "house", Source: "住建科", Key: "h1", Values: map[string]string{"address": "望春园一区3-2-301", "community": "望春园社区"}},
		{Kind: "enterprise", Source: "市场监管所", Key: "e1", Values: map[string]string{"name": "海川热力 有限公司", "uscc": "91110105mA01abcd2x",
			"community": "柳荫里社区"}},
	}
	recs[0].Key = "p1"
	res := upsertRecords(t, s, c, recs...)
	p1, l1, h1, e1 := res[0].ID, res[1].ID, res[2].ID, res[3].ID
	k := func(typ, v string) core.RecordKey { return core.RecordKey{Type: typ, Value: v} }
	tests := []struct {
		name string
		f    core.RecordFilter
		keys []core.RecordKey
		want []int64
	}{
		{"15-digit ID", core.RecordFilter{}, []core.RecordKey{k("id", id18)}, []int64{p1}},
		{"phone", core.RecordFilter{}, []core.RecordKey{k("phone", "13812345678")}, []int64{p1}},
		{"name", core.RecordFilter{}, []core.RecordKey{k("name", "李梅")}, []int64{l1}},
		{"firm", core.RecordFilter{}, []core.RecordKey{k("firm", "海川热力有限公司")}, []int64{e1}},
		{"uscc", core.RecordFilter{}, []core.RecordKey{k("uscc", "91110105MA01ABCD2X")}, []int64{e1}},
		{"address ladder", core.RecordFilter{}, []core.RecordKey{k("addr", "望春园一区|3|301")}, []int64{p1, h1}},
		{"address parts", core.RecordFilter{}, []core.RecordKey{k("addr", "望春园一区|5|102")}, []int64{l1}},
		{"kind", core.RecordFilter{Kind: "house"}, []core.RecordKey{k("addr", "望春园一区|3|301")}, []int64{h1}},
		{"any of several", core.RecordFilter{}, []core.RecordKey{k("phone", "13900001111"), k("firm", "海川热力有限公司"), k("phone", "0")},
			[]int64{l1, e1}},
		{"community", core.RecordFilter{Community: "柳荫里社区"}, []core.RecordKey{k("phone", "13812345678"), k("phone", "13900001111")},
			[]int64{l1}},
		{"communities", core.RecordFilter{Communities: []string{"望春园社区"}}, []core.RecordKey{k("phone", "13812345678"), k("phone", "13900001111")},
			[]int64{p1}},
		{"no communities", core.RecordFilter{Communities: []string{}}, []core.RecordKey{k("phone", "13812345678")}, nil},
		{"type matters", core.RecordFilter{}, []core.RecordKey{k("name", "海川热力有限公司")}, nil},
		{"no keys", core.RecordFilter{}, nil, nil},
	}
	run := func(when string) {
		t.Helper()
		for _, tt := range tests {
			got, err := s.LookupRecords(ctx, tt.f, tt.keys)
			if err != nil {
				t.Fatalf("%s %s: %v", when, tt.name, err)
			}
			var ids []int64
			for _, r := range got {
				ids = append(ids, r.ID)
				if !sameRecord(r, getRecord(t, s, r.ID)) {
					t.Errorf("%s %s: record %d differs from Record", when, tt.name, r.ID)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%s %s: %v, want %v", when, tt.name, ids, tt.want)
			}
		}
	}
	run("loaded")
	// A fix moves the phone: the old key no longer finds the record.
	if _, err := s.FixRecord(ctx, p1, core.RecordFix{Values: map[string]string{"phone": "010-8765 4321"}, Actor: "steward", Version: 1}); err != nil {
		t.Fatal(err)
	}
	// A re-import renames the enterprise.
	recs[3].Values["name"] = "海川供热有限公司"
	upsertRecords(t, s, c, recs[3])
	if _, err := s.RetireRecord(ctx, h1, "steward", "", 1); err != nil {
		t.Fatal(err)
	}
	tests = []struct {
		name string
		f    core.RecordFilter
		keys []core.RecordKey
		want []int64
	}{
		{"old phone", core.RecordFilter{}, []core.RecordKey{k("phone", "13812345678")}, nil},
		{"fixed phone", core.RecordFilter{}, []core.RecordKey{k("phone", "01087654321")}, []int64{p1}},
		{"ID kept", core.RecordFilter{}, []core.RecordKey{k("id", id18)}, []int64{p1}},
		{"old name", core.RecordFilter{}, []core.RecordKey{k("firm", "海川热力有限公司")}, nil},
		{"new name", core.RecordFilter{}, []core.RecordKey{k("firm", "海川供热有限公司")}, []int64{e1}},
		{"retired, any status", core.RecordFilter{Kind: "house"}, []core.RecordKey{k("addr", "望春园一区|3|301")}, []int64{h1}},
		{"retired, active only", core.RecordFilter{Status: core.RecordActive}, []core.RecordKey{k("addr", "望春园一区|3|301")}, []int64{p1}},
	}
	run("changed")
}

// testRecordsSources: the counts per source and the latest two loads.
func testRecordsSources(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	a := person("民政科", "1", "甲")
	a.Flags = map[string]string{"phone": "缺失"}
	res := upsertRecords(t, s, c, a, person("民政科", "2", "乙"), person("民政科", "3", "丙"), person("公安派出所", "1", "甲"))
	if _, err := s.RetireRecord(ctx, res[2].ID, "steward", "", 1); err != nil {
		t.Fatal(err)
	}
	for i, l := range []core.RecordLoad{
		{Kind: "person", Source: "民政科", Actor: "admin", Files: []string{"民政科.xlsx"}, Rows: 5, Created: 3, Rejected: 2},
		{Kind: "person", Source: "民政科", Actor: "admin", Files: []string{"a.csv", "b.csv"}, Rows: 4, Unchanged: 3, Duplicates: 1},
		{Kind: "person", Source: "民政科", Actor: "admin", Rows: 6, Updated: 1, Unchanged: 2, Created: 1, FixKept: 1, Rejected: 2},
		{Kind: "house", Source: "住建科", Rows: 0},
	} {
		c.Advance(time.Hour)
		l.At = c.Now()
		id, err := s.AddRecordLoad(ctx, l)
		if err != nil || id == 0 {
			t.Fatalf("AddRecordLoad %d: %d, %v", i, id, err)
		}
	}
	_, err := s.AddRecordLoad(ctx, core.RecordLoad{Kind: "person"})
	wantCode(t, err, core.EINVALID)

	got, err := s.RecordSources(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, g := range got {
		lines = append(lines, fmt.Sprintf("%s/%s active %d retired %d flagged %d last %d/%d prev %d/%d %v", g.Kind, g.Source,
			g.Active, g.Retired, g.Flagged, g.Last.Rows, g.Last.Created, g.Previous.Rows, g.Previous.Duplicates, g.Previous.Files))
	}
	want := []string{
		"house/住建科 active 0 retired 0 flagged 0 last 0/0 prev 0/0 []",
		"person/公安派出所 active 1 retired 0 flagged 0 last 0/0 prev 0/0 []",
		"person/民政科 active 2 retired 1 flagged 1 last 6/1 prev 4/1 [a.csv b.csv]",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("sources\n got %q\nwant %q", lines, want)
	}
	for _, g := range got {
		if g.Source == "民政科" && (!g.Last.At.Equal(start.Add(3*time.Hour)) || g.Last.FixKept != 1 || g.Last.Rejected != 2 || g.Last.Actor != "admin") {
			t.Errorf("last load %+v", g.Last)
		}
	}
	houses, err := s.RecordSources(ctx, "house")
	if err != nil || len(houses) != 1 || houses[0].Last.ID == 0 || houses[0].Previous.ID != 0 {
		t.Errorf("house sources %+v, %v", houses, err)
	}
	loads, err := s.RecordLoads(ctx, "person", "民政科", 2)
	if err != nil || len(loads) != 2 || loads[0].Rows != 6 || loads[1].Rows != 4 {
		t.Errorf("RecordLoads %+v, %v", loads, err)
	}
	all, err := s.RecordLoads(ctx, "", "", 0)
	if err != nil || len(all) != 4 {
		t.Errorf("all RecordLoads: %d, %v", len(all), err)
	}
}

func testRecordsNotFound(t *testing.T, s core.RecordStore, c *Clock) {
	ctx := context.Background()
	_, err := s.Record(ctx, 999)
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.RecordHistory(ctx, 999)
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.FixRecord(ctx, 999, core.RecordFix{Values: map[string]string{"name": "x"}, Version: 1})
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.RetireRecord(ctx, 999, "steward", "", 1)
	wantCode(t, err, core.ENOTFOUND)
	_, err = s.RestoreRecord(ctx, 999, "steward", "", 1)
	wantCode(t, err, core.ENOTFOUND)
	_, _, err = s.Records(ctx, core.RecordFilter{Kind: "nope"})
	if err != nil {
		t.Errorf("Records of an unknown kind: %v", err)
	}
}

// BenchUpsertRecords measures a registry load: batches of new person
// records (15 values each, their created history entries) into a growing
// database, reported as records/s.
func BenchUpsertRecords(b *testing.B, s core.RecordStore, batch int) {
	ctx := context.Background()
	n := 0
	mk := func() []core.RecordUpsert {
		recs := make([]core.RecordUpsert, batch)
		for i := range recs {
			n++
			id := fmt.Sprintf("110108%08d%04d", 19500101+n%500000, n%10000)
			recs[i] = core.RecordUpsert{Kind: "person", Source: "民政科", Key: id, Values: map[string]string{
				"name": "居民" + fmt.Sprint(n), "id_number": id, "phone": fmt.Sprintf("138%08d", n), "gender": "女",
				"birth_date": "1950-01-01", "address": "海川区清河湾街道望春园一区3号楼2单元301", "estate": "望春园一区",
				"building": "3号楼", "unit_no": "2单元", "room": "301", "community": "望春园社区", "grid": "望春园社区第1网格",
				"marks": "独居老人、高龄老人", "living_alone": "是", "updated_at": "2025-01-05 00:00:00"}}
		}
		return recs
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		recs := mk()
		b.StartTimer()
		if _, err := s.UpsertRecords(ctx, recs, "import:bench", start); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchUnchangedRecords measures loading a batch that is stored already:
// read, compare, move SeenAt.
func BenchUnchangedRecords(b *testing.B, s core.RecordStore, batch int) {
	ctx := context.Background()
	recs := make([]core.RecordUpsert, batch)
	for i := range recs {
		recs[i] = person("民政科", fmt.Sprintf("k%06d", i), fmt.Sprintf("居民%d", i), "community", "望春园社区", "phone", "13800000000")
	}
	if _, err := s.UpsertRecords(ctx, recs, "import:bench", start); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.UpsertRecords(ctx, recs, "import:bench", start.Add(time.Duration(i+1)*time.Minute)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "records/s")
}
