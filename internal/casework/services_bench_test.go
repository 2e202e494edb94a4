package casework

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/sqlite"
)

// BenchmarkServiceList times the key-population lists over the demo
// street's registry (demo.LoadRecords with its default 3,000 people, as
// "jiceng demo" loads it: about 3,600 person records of several sources),
// for street staff (the whole street) on a fresh SQLite database: the
// service list and the due visits, the rules evaluated over every active
// person record with the stored visits.
//
//	go test ./internal/casework -run XXX -bench ServiceList -benchtime 5x -v
func BenchmarkServiceList(b *testing.B) {
	ctx := context.Background()
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	now := end.Add(10 * time.Hour)
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "street.db"), func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.LoadRecords(ctx, db, b.TempDir(), demo.RecordsOptions{Seed: 1, End: end}); err != nil {
		b.Fatal(err)
	}
	s := &Service{Store: db, Clock: func() time.Time { return now }}
	staff := core.User{Username: "bench", Role: core.RoleStaff}
	l, err := s.ServiceList(ctx, staff, ServiceFilter{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d person records, %d rows", l.Persons, len(l.Rows))
	for _, bc := range []struct {
		name string
		list func(context.Context, core.User, ServiceFilter) (ServiceList, error)
	}{{"ServiceList", s.ServiceList}, {"DueVisits", s.DueVisits}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bc.list(ctx, staff, ServiceFilter{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
