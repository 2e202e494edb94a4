package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testQualityRuns: runs come back newest first, by kind or all of them,
// without their result in the list and with it by ID; an unknown ID is not
// found.
func testQualityRuns(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	runs := []core.QualityRun{
		{Kind: "person", By: "admin", Score: 91.5, Status: "warn", Checks: 12, Failed: 2, Result: []byte(`{"checks":[1]}`)},
		{Kind: "house", By: "system", Score: 100, Status: "pass", Checks: 5, Result: []byte(`{}`)},
		{Kind: "person", By: "admin", Score: 72.25, Status: "fail", Checks: 12, Failed: 4, Result: []byte(`{"checks":[2]}`)},
		{Kind: "", By: "system", Score: 80, Status: "fail", Checks: 30, Failed: 6, Result: []byte(`{"all":true}`)},
	}
	ids := make([]int64, len(runs))
	for i, r := range runs {
		r.At = c.Now().Add(time.Duration(i) * time.Hour)
		id, err := s.AddQualityRun(ctx, r)
		if err != nil {
			t.Fatalf("AddQualityRun: %v", err)
		}
		ids[i] = id
	}
	tests := []struct {
		name, kind string
		limit      int
		want       []int // indexes into runs
	}{
		{"all", "*", 10, []int{3, 2, 1, 0}},
		{"limit", "*", 2, []int{3, 2}},
		{"person", "person", 10, []int{2, 0}},
		{"every kind's runs", "", 10, []int{3}},
		{"none", "enterprise", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.QualityRuns(ctx, tt.kind, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d runs, want %d", len(got), len(tt.want))
			}
			for i, g := range got {
				w := runs[tt.want[i]]
				if g.ID != ids[tt.want[i]] || g.Kind != w.Kind || g.By != w.By || g.Score != w.Score || g.Status != w.Status ||
					g.Checks != w.Checks || g.Failed != w.Failed || len(g.Result) != 0 {
					t.Errorf("run %d = %+v, want %+v without result", i, g, w)
				}
				if want := c.Now().Add(time.Duration(tt.want[i]) * time.Hour); !g.At.Equal(want) {
					t.Errorf("run %d at %v, want %v", i, g.At, want)
				}
			}
		})
	}
	r, err := s.QualityRun(ctx, ids[2])
	if err != nil || string(r.Result) != `{"checks":[2]}` || r.Score != 72.25 {
		t.Errorf("QualityRun = %+v, %v", r, err)
	}
	if _, err := s.QualityRun(ctx, ids[3]+100); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("unknown run: %v, want not found", fmt.Sprint(err))
	}
}
