package storetest

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testVisits: visits come back newest day first, filtered by person, rule,
// community (nil all, empty none) and day range; days keep their calendar
// day in the street's time; invalid visits are refused.
func testVisits(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, core.StreetTime) }
	visits := []core.Visit{
		{PersonID: 1, Rule: "R01", Date: day(1, 5), By: "wang", Note: "上门走访，身体尚好", Community: "东风社区"},
		{PersonID: 1, Rule: "R01", Date: day(2, 20), By: "wang", Community: "东风社区"},
		{PersonID: 2, Rule: "R01", Date: day(2, 1), By: "li", Community: "红旗社区"},
		{PersonID: 1, Rule: "R03", Date: day(2, 20), By: "staff", Note: "电话回访", Community: "东风社区"},
		// Late evening in UTC is the next morning in the street: the day
		// is the street's.
		{PersonID: 3, Rule: "R02", Date: time.Date(2025, 2, 27, 20, 0, 0, 0, time.UTC), By: "li", Community: "红旗社区"},
	}
	ids := make([]int64, len(visits))
	for i, v := range visits {
		id, err := s.AddVisit(ctx, v)
		if err != nil {
			t.Fatalf("AddVisit %d: %v", i, err)
		}
		ids[i] = id
	}
	tests := []struct {
		name string
		f    core.VisitFilter
		want []int // indexes into visits
	}{
		{"all", core.VisitFilter{}, []int{4, 3, 1, 2, 0}},
		{"person", core.VisitFilter{PersonIDs: []int64{1}}, []int{3, 1, 0}},
		{"persons", core.VisitFilter{PersonIDs: []int64{2, 3}}, []int{4, 2}},
		{"no persons", core.VisitFilter{PersonIDs: []int64{}}, nil},
		{"rule", core.VisitFilter{Rule: "R01"}, []int{1, 2, 0}},
		{"community", core.VisitFilter{Communities: []string{"红旗社区"}}, []int{4, 2}},
		{"no community", core.VisitFilter{Communities: []string{}}, nil},
		{"since", core.VisitFilter{Since: day(2, 20)}, []int{4, 3, 1}},
		{"until", core.VisitFilter{Until: day(2, 1)}, []int{2, 0}},
		{"limit", core.VisitFilter{Limit: 2}, []int{4, 3}},
		{"person and rule", core.VisitFilter{PersonIDs: []int64{1}, Rule: "R01", Communities: []string{"东风社区", "红旗社区"}}, []int{1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Visits(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d visits, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, g := range got {
				w := visits[tt.want[i]]
				wantDay := time.Date(w.Date.In(core.StreetTime).Year(), w.Date.In(core.StreetTime).Month(), w.Date.In(core.StreetTime).Day(), 0, 0, 0, 0, core.StreetTime)
				if g.ID != ids[tt.want[i]] || g.PersonID != w.PersonID || g.Rule != w.Rule || g.By != w.By || g.Note != w.Note ||
					g.Community != w.Community || !g.Date.Equal(wantDay) || !g.CreatedAt.Equal(c.Now()) {
					t.Errorf("visit %d = %+v, want %+v on %v", i, g, w, wantDay)
				}
			}
		})
	}
	if got, _ := s.Visits(ctx, core.VisitFilter{PersonIDs: []int64{3}}); len(got) == 1 && got[0].Date.In(core.StreetTime).Day() != 28 {
		t.Errorf("a visit at 20:00 UTC on 27 Feb is on %v, want 28 Feb in the street", got[0].Date)
	}
	bad := []core.Visit{
		{Rule: "R01", Date: day(1, 1), By: "wang"},
		{PersonID: 1, Date: day(1, 1), By: "wang"},
		{PersonID: 1, Rule: "R01", By: "wang"},
		{PersonID: 1, Rule: "R01", Date: day(1, 1)},
	}
	for i, v := range bad {
		if _, err := s.AddVisit(ctx, v); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("bad visit %d: %v, want EINVALID", i, err)
		}
	}
	if got, _ := s.Visits(ctx, core.VisitFilter{}); len(got) != len(visits) {
		t.Errorf("after refused visits: %d stored, want %d", len(got), len(visits))
	}
}
