package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testRecordLinks: clusters are replaced per kind; a record's cluster
// lists its records (itself alone when unlinked); review pairs come most
// uncertain first and filter by kind, status and record; a decision
// survives a new linkage run that drops or rescores the pair, a pending
// pair does not; an unknown pair is not found.
func testRecordLinks(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	res := upsertRecords(t, s, c,
		person("民政科", "110101199001011234", "张三"),
		person("社保所", "110101199001011234", "张叁"),
		person("民政科", "110101198502023456", "李四"),
		person("社保所", "110101198502023457", "李四"),
		person("民政科", "110101197003034567", "王五"),
	)
	id := func(i int) int64 { return res[i].ID }
	at := c.Now()
	clusters := map[int64]int64{id(0): id(0), id(1): id(0)}
	reviews := []core.LinkReview{
		{A: id(3), B: id(2), Prob: 0.45, Explain: []byte(`[{"field":"name"}]`)},
		{A: id(2), B: id(4), Prob: 0.25},
		{A: id(1), B: id(4), Prob: 0.7},
	}
	if err := s.ReplaceLinks(ctx, "person", clusters, reviews, at); err != nil {
		t.Fatalf("ReplaceLinks: %v", err)
	}
	if err := s.ReplaceLinks(ctx, "house", map[int64]int64{}, nil, at); err != nil {
		t.Fatalf("ReplaceLinks of another kind: %v", err)
	}
	got, err := s.LinkClusters(ctx, "person")
	if err != nil || len(got) != 2 || got[id(1)] != id(0) {
		t.Fatalf("LinkClusters = %v, %v; want %v", got, err, clusters)
	}
	for _, tt := range []struct {
		name string
		rec  int64
		want []int64
	}{
		{"linked", id(1), []int64{id(0), id(1)}},
		{"alone", id(4), []int64{id(4)}},
	} {
		got, err := s.ClusterRecords(ctx, tt.rec)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: ClusterRecords = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	all, err := s.LinkReviews(ctx, core.LinkReviewFilter{Kind: "person"})
	if err != nil || len(all) != 3 {
		t.Fatalf("LinkReviews = %d, %v; want 3", len(all), err)
	}
	if all[0].A != id(2) || all[0].B != id(3) || all[0].Status != core.LinkPending || string(all[0].Explain) != `[{"field":"name"}]` {
		t.Fatalf("most uncertain pair = %+v, want (%d, %d) pending with its explanation", all[0], id(2), id(3))
	}
	if all[1].Prob != 0.7 || all[2].Prob != 0.25 {
		t.Fatalf("order = %v, %v, %v; want 0.45, 0.7, 0.25", all[0].Prob, all[1].Prob, all[2].Prob)
	}
	for _, tt := range []struct {
		name string
		f    core.LinkReviewFilter
		want int
	}{
		{"other kind", core.LinkReviewFilter{Kind: "house"}, 0},
		{"by record", core.LinkReviewFilter{Record: id(4)}, 2},
		{"limit", core.LinkReviewFilter{Kind: "person", Limit: 1}, 1},
		{"decided", core.LinkReviewFilter{Status: core.LinkSame}, 0},
	} {
		got, err := s.LinkReviews(ctx, tt.f)
		if err != nil || len(got) != tt.want {
			t.Errorf("%s: LinkReviews = %d, %v; want %d", tt.name, len(got), err, tt.want)
		}
	}

	decidedAt := at.Add(time.Hour)
	d, err := s.DecideLinkReview(ctx, all[0].ID, core.LinkDifferent, "admin", "身份证号不同", decidedAt)
	if err != nil {
		t.Fatalf("DecideLinkReview: %v", err)
	}
	if d.Status != core.LinkDifferent || d.DecidedBy != "admin" || d.Note != "身份证号不同" || !d.DecidedAt.Equal(decidedAt) {
		t.Fatalf("decided = %+v", d)
	}
	// A new run: rescores the decided pair, drops one pending pair.
	if err := s.ReplaceLinks(ctx, "person", map[int64]int64{id(2): id(2), id(3): id(2)},
		[]core.LinkReview{{A: id(2), B: id(3), Prob: 0.55}, {A: id(1), B: id(4), Prob: 0.6}}, at.Add(2*time.Hour)); err != nil {
		t.Fatalf("ReplaceLinks again: %v", err)
	}
	if got, _ := s.ClusterRecords(ctx, id(0)); !slices.Equal(got, []int64{id(0)}) {
		t.Errorf("after a new run, ClusterRecords(%d) = %v, want itself alone", id(0), got)
	}
	all, err = s.LinkReviews(ctx, core.LinkReviewFilter{Kind: "person"})
	if err != nil || len(all) != 2 {
		t.Fatalf("after a new run, LinkReviews = %d, %v; want 2", len(all), err)
	}
	kept, err := s.LinkReview(ctx, d.ID)
	if err != nil || kept.Status != core.LinkDifferent || kept.Prob != 0.55 || kept.Note != "身份证号不同" {
		t.Fatalf("decided pair after a new run = %+v, %v; want its decision kept, prob 0.55", kept, err)
	}
	undone, err := s.DecideLinkReview(ctx, d.ID, core.LinkPending, "admin", "x", decidedAt)
	if err != nil || undone.Status != core.LinkPending || undone.DecidedBy != "" || !undone.DecidedAt.IsZero() {
		t.Fatalf("undo = %+v, %v", undone, err)
	}
	if _, err := s.LinkReview(ctx, 999999); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("LinkReview(unknown) = %v, want ENOTFOUND", err)
	}
	if _, err := s.DecideLinkReview(ctx, 999999, core.LinkSame, "admin", "", decidedAt); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("DecideLinkReview(unknown) = %v, want ENOTFOUND", err)
	}
}
