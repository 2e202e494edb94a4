package demo

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/sqlite"
)

var recordsEnd = time.Date(2026, 11, 26, 12, 0, 0, 0, core.StreetTime)

func TestRecordFilesDeterministic(t *testing.T) {
	a := RecordFiles(RecordsOptions{Seed: 1, End: recordsEnd})
	b := RecordFiles(RecordsOptions{Seed: 1, End: recordsEnd})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same options gave different files")
	}
	if c := RecordFiles(RecordsOptions{Seed: 2, End: recordsEnd}); reflect.DeepEqual(a, c) {
		t.Error("another seed gave the same files")
	}
	if len(a) != 12 {
		t.Fatalf("%d files, want 6 sources × 2 loads", len(a))
	}
	for _, f := range a {
		if len(f.Rows) < 20 {
			t.Errorf("%s: %d rows", f.Name, len(f.Rows))
		}
	}
}

// TestLoadRecords loads the demo registries into a real store and checks
// that they are what the quality checks and linkage need: every source
// loaded twice, only duplicate rows rejected, and each planted defect
// present in a plausible share.
func TestLoadRecords(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loads, err := LoadRecords(ctx, db, t.TempDir(), RecordsOptions{Seed: 1, End: recordsEnd})
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string][]RecordLoad{}
	for _, l := range loads {
		s := l.Summary
		if s.Rejected != s.Duplicates {
			t.Errorf("%s: %d rejected, of which %d duplicates: rejects file %s", l.File.Name, s.Rejected, s.Duplicates, s.Files[0].RejectsFile)
		}
		bySource[l.File.Source] = append(bySource[l.File.Source], l)
		if u := s.Files[0].Unmapped; len(u) > 0 {
			t.Logf("%s: unmapped columns %q", l.File.Name, u)
		}
	}
	police := bySource[SourcePolice]
	if len(police) != 2 || police[1].Summary.Updated == 0 || police[1].Summary.Created == 0 || police[0].Summary.Duplicates == 0 {
		t.Errorf("police loads: %+v", police)
	}
	shops := bySource[SourceCityMgmt]
	if len(shops) != 2 || float64(shops[1].Summary.Rows) > 0.75*float64(shops[0].Summary.Rows) {
		t.Errorf("the shops' latest load should be a third short: %d then %d rows", shops[0].Summary.Rows, shops[1].Summary.Rows)
	}
	srcs, err := db.RecordSources(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 6 {
		t.Fatalf("%d sources: %+v", len(srcs), srcs)
	}
	for _, s := range srcs {
		if s.Previous.ID == 0 || s.Last.At.Before(s.Previous.At) {
			t.Errorf("%s: loads %+v, %+v", s.Source, s.Previous, s.Last)
		}
	}

	count := func(f core.RecordFilter, keep func(core.Record) bool) (n, of int) {
		err := db.ScanRecords(ctx, f, func(r core.Record) error {
			of++
			if keep(r) {
				n++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n, of
	}
	share := func(name string, n, of int, lo, hi float64) {
		t.Helper()
		if of == 0 || float64(n) < lo*float64(of) || float64(n) > hi*float64(of) {
			t.Errorf("%s: %d of %d, want %.1f%%–%.1f%%", name, n, of, 100*lo, 100*hi)
		}
	}
	policeF := core.RecordFilter{Kind: fieldset.KindPerson, Source: SourcePolice}
	civilF := core.RecordFilter{Kind: fieldset.KindPerson, Source: SourceCivil}
	n, of := count(policeF, func(r core.Record) bool { return r.Values["phone"] == "" })
	share("police: no phone", n, of, 0.15, 0.35)
	if of < 2500 || of > 3500 {
		t.Errorf("police register: %d people", of)
	}
	n, _ = count(policeF, func(r core.Record) bool { return r.Values["birth_date"] != "" && r.Values["birth_date"] < "1916" })
	if n < 5 {
		t.Errorf("police: %d people over 110, want the planted zombies", n)
	}
	n, of = count(policeF, func(r core.Record) bool { return r.Values["updated_at"] < "2019" })
	share("police: registered before 2019", n, of, 0.08, 0.3)
	n, _ = count(policeF, func(r core.Record) bool { return r.Values["id_number"] == "" })
	if n < 10 {
		t.Errorf("police: %d people entered without ID (twice)", n)
	}
	n, _ = count(policeF, func(r core.Record) bool { return r.Flags["birth_date"] != "" })
	if n == 0 {
		t.Error("police: no impossible birth date")
	}
	n, of = count(civilF, func(r core.Record) bool { return r.Flags["id_number"] != "" })
	share("civil: wrong ID check digit", n, of, 0.003, 0.08) // with the mistyped IDs of the planted twins
	if of < 300 {
		t.Errorf("civil: %d key people", of)
	}
	n, _ = count(civilF, func(r core.Record) bool {
		id, b := r.Values["id_number"], r.Values["birth_date"]
		return r.Flags["id_number"] == "" && len(id) == 18 && b != "" && strings.ReplaceAll(b, "-", "") != id[6:14]
	})
	if n == 0 {
		t.Error("civil: no birth date contradicts the ID")
	}
	for _, mark := range []string{"独居老人", "高龄老人", "残疾人", "低保", "退役军人"} {
		if n, _ := count(civilF, func(r core.Record) bool { return strings.Contains(r.Values["marks"], mark) }); n == 0 {
			t.Errorf("civil: nobody marked %s", mark)
		}
	}
	n, of = count(core.RecordFilter{Kind: fieldset.KindHouse}, func(r core.Record) bool { return r.Values["owner_name"] == "" })
	share("houses without owner", n, of, 0.03, 0.3)
	n, of = count(core.RecordFilter{Kind: fieldset.KindEnterprise, Source: SourceMarket}, func(r core.Record) bool { return r.Flags["uscc"] != "" })
	share("enterprises: wrong USCC", n, of, 0.003, 0.06)
	n, _ = count(core.RecordFilter{Kind: fieldset.KindEnterprise, Source: SourceMarket}, func(r core.Record) bool { return r.Flags["licence_to"] != "" })
	if n == 0 {
		t.Error("enterprises: no licence ending before it starts")
	}
	if n, _ := count(core.RecordFilter{Kind: fieldset.KindOrganisation}, func(core.Record) bool { return true }); n < 40 {
		t.Errorf("%d organisations", n)
	}
}

// BenchmarkLoadRecords writes the demo street's twelve registry files
// (about 11,000 rows) and loads them into a fresh SQLite database, as
// "jiceng demo" does:
//
//	go test ./internal/demo -run '^$' -bench BenchmarkLoadRecords -benchtime 3x
func BenchmarkLoadRecords(b *testing.B) {
	ctx := context.Background()
	rows := 0
	for _, f := range RecordFiles(RecordsOptions{Seed: 1, End: recordsEnd}) {
		rows += len(f.Rows) - 1
	}
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		db, err := sqlite.Open(ctx, filepath.Join(dir, "demo.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := LoadRecords(ctx, db, dir, RecordsOptions{Seed: 1, End: recordsEnd}); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
