package casework

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/fieldset"
	"jiceng/internal/sqlite"
)

// demoLinkService is a service over the demo street's registries (a small
// population), linked as admin.
func demoLinkService(t *testing.T) (*Service, LinkRun) {
	t.Helper()
	s, _, _ := newService(t)
	ctx := context.Background()
	if _, err := demo.LoadRecords(ctx, s.Store.(core.RecordStore), t.TempDir(), demo.RecordsOptions{Seed: 1, End: now, People: 800}); err != nil {
		t.Fatal(err)
	}
	run, err := s.LinkRecords(ctx, users["admin"], fieldset.KindPerson)
	if err != nil {
		t.Fatalf("LinkRecords: %v", err)
	}
	return s, run
}

// TestLinkRecords: who links which kinds; a run over the demo people finds
// clusters across the sources and stores them; a clerical 不是同一人 splits
// a matched pair at the next run and 是同一人 joins a pair.
func TestLinkRecords(t *testing.T) {
	s, run := demoLinkService(t)
	ctx := context.Background()
	if run.Records < 800 || run.Clusters == 0 || run.Matches == 0 || run.Linked < 2*run.Clusters {
		t.Fatalf("run = %+v; want every person record, clusters of matches", run)
	}
	ls := s.Store.(core.LinkStore)
	cl, err := ls.LinkClusters(ctx, fieldset.KindPerson)
	if err != nil || len(cl) != run.Linked {
		t.Fatalf("stored clusters = %d, %v; want %d", len(cl), err, run.Linked)
	}
	for _, tc := range []struct {
		name, user, kind string
		code             string
	}{
		{"staff links", "staff", fieldset.KindHouse, ""},
		{"enterprises", "admin", fieldset.KindEnterprise, ""},
		{"organisations have no model", "admin", fieldset.KindOrganisation, core.EINVALID},
		{"unknown kind", "admin", "cat", core.EINVALID},
		{"leader may not", "leader", fieldset.KindPerson, core.EFORBIDDEN},
		{"community worker may not", "cw01", fieldset.KindPerson, core.EFORBIDDEN},
		{"handler may not", "hd01", fieldset.KindPerson, core.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.LinkRecords(ctx, users[tc.user], tc.kind)
			if got := core.ErrorCode(err); (tc.code == "" && err != nil) || (tc.code != "" && got != tc.code) {
				t.Fatalf("LinkRecords = %v, want code %q", err, tc.code)
			}
		})
	}

	// A cluster of exactly two records: decide the pair 不是同一人.
	members := map[int64][]int64{}
	for id, c := range cl {
		members[c] = append(members[c], id)
	}
	var pair []int64
	for _, m := range members {
		if len(m) == 2 {
			pair = m
			slices.Sort(pair)
			break
		}
	}
	if pair == nil {
		t.Fatal("no cluster of two records in the demo people")
	}
	// The pair becomes a review pair (as when an earlier run scored it
	// uncertain), then is decided.
	if err := ls.ReplaceLinks(ctx, fieldset.KindPerson, cl, []core.LinkReview{{Kind: fieldset.KindPerson, A: pair[0], B: pair[1], Prob: 0.5}}, now); err != nil {
		t.Fatal(err)
	}
	revs, err := s.ReviewQueue(ctx, users["admin"], ReviewFilter{Kind: fieldset.KindPerson})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(revs, func(r ReviewPair) bool { return r.A == pair[0] && r.B == pair[1] })
	if i < 0 {
		t.Fatalf("the pair is not in the review queue (%d pairs)", len(revs))
	}
	if _, err := s.DecideReview(ctx, users["admin"], revs[i].ID, core.LinkDifferent, "户籍核实为两人"); err != nil {
		t.Fatalf("DecideReview: %v", err)
	}
	run2, err := s.LinkRecords(ctx, users["admin"], fieldset.KindPerson)
	if err != nil {
		t.Fatal(err)
	}
	if run2.Different != 1 {
		t.Errorf("run.Different = %d, want 1", run2.Different)
	}
	if got, _ := ls.ClusterRecords(ctx, pair[0]); slices.Contains(got, pair[1]) {
		t.Fatalf("after 不是同一人, %d and %d are still one cluster: %v", pair[0], pair[1], got)
	}
	if _, err := s.DecideReview(ctx, users["admin"], revs[i].ID, core.LinkSame, "复核为同一人"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkRecords(ctx, users["admin"], fieldset.KindPerson); err != nil {
		t.Fatal(err)
	}
	if got, _ := ls.ClusterRecords(ctx, pair[0]); !slices.Contains(got, pair[1]) {
		t.Fatalf("after 是同一人, %d and %d are not one cluster: %v", pair[0], pair[1], got)
	}

	// A cluster of three or more: 不是同一人 on its first and last record
	// splits it, even where other records chain them.
	cl, err = ls.LinkClusters(ctx, fieldset.KindPerson)
	if err != nil {
		t.Fatal(err)
	}
	members = map[int64][]int64{}
	for id, c := range cl {
		members[c] = append(members[c], id)
	}
	var big []int64
	for _, m := range members {
		if len(m) >= 3 && (big == nil || m[0] < big[0]) {
			big = m
		}
	}
	if big == nil {
		t.Fatal("no cluster of three records in the demo people")
	}
	slices.Sort(big)
	x, y := big[0], big[len(big)-1]
	if err := ls.ReplaceLinks(ctx, fieldset.KindPerson, cl, []core.LinkReview{{Kind: fieldset.KindPerson, A: x, B: y, Prob: 0.5}}, now); err != nil {
		t.Fatal(err)
	}
	q3, err := ls.LinkReviews(ctx, core.LinkReviewFilter{Record: y, Status: core.LinkPending})
	if err != nil || len(q3) != 1 {
		t.Fatalf("review of the chained pair = %v, %v", q3, err)
	}
	if _, err := s.DecideReview(ctx, users["admin"], q3[0].ID, core.LinkDifferent, "两人"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkRecords(ctx, users["admin"], fieldset.KindPerson); err != nil {
		t.Fatal(err)
	}
	if got, _ := ls.ClusterRecords(ctx, x); slices.Contains(got, y) {
		t.Fatalf("after 不是同一人, %d and %d are still one cluster (of %d): %v", x, y, len(big), got)
	}

	// The quality checks see the clusters.
	q, err := s.RunQuality(ctx, users["admin"], nil)
	if err != nil || q.Run == nil {
		t.Fatalf("RunQuality: %v", err)
	}
}

// TestRecordClusterAndReview: the other records of a person in the user's
// scope, masked; the review queue and decisions by role and scope.
func TestRecordClusterAndReview(t *testing.T) {
	s, ids := recordService(t)
	ctx := context.Background()
	rs := s.Store.(core.RecordStore)
	// P3: P1 as another source (民政科 → 社保所) holds him, same community.
	res, err := rs.UpsertRecords(ctx, []core.RecordUpsert{{Kind: fieldset.KindPerson, Source: "社保所", Key: p1ID, Values: map[string]string{
		"name": "张三丰", "id_number": p1ID, "phone": "13812345678", "community": "望春园社区"}}}, "import:社保所", now)
	if err != nil {
		t.Fatal(err)
	}
	p3 := res[0].ID
	ls := s.Store.(core.LinkStore)
	if err := ls.ReplaceLinks(ctx, fieldset.KindPerson, map[int64]int64{ids["P1"]: ids["P1"], p3: ids["P1"], ids["P2"]: ids["P1"]},
		[]core.LinkReview{
			{A: ids["P1"], B: p3, Prob: 0.6, Explain: []byte(`[{"Field":"name","Level":"exact","Weight":3.5}]`)},
			{A: ids["P1"], B: ids["P2"], Prob: 0.3, Explain: []byte(`[]`)},
		}, now); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user   string
		others []int64 // of P1's cluster
		queue  int     // pending pairs the user reviews
		code   string  // of RecordCluster and ReviewQueue
	}{
		{"admin", []int64{ids["P2"], p3}, 2, ""},
		{"staff", []int64{ids["P2"], p3}, 2, ""},
		{"cw01", []int64{p3}, 1, ""}, // P2 is of 柳荫里社区
		{"leader", []int64{ids["P2"], p3}, -1, core.EFORBIDDEN},
		{"hd01", nil, -1, core.EFORBIDDEN},
	} {
		t.Run(tc.user, func(t *testing.T) {
			u := users[tc.user]
			got, err := s.RecordCluster(ctx, u, ids["P1"])
			if tc.user == "hd01" {
				if core.ErrorCode(err) != core.EFORBIDDEN {
					t.Fatalf("RecordCluster = %v, want EFORBIDDEN", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				var gotIDs []int64
				for _, r := range got {
					gotIDs = append(gotIDs, r.ID)
				}
				if !slices.Equal(gotIDs, tc.others) {
					t.Fatalf("RecordCluster = %v, want %v", gotIDs, tc.others)
				}
				want := MaskRecord(s.dictionary(), u.Role, must(rs.Record(ctx, p3)))
				if got[len(got)-1].Values["id_number"] != want.Values["id_number"] || got[len(got)-1].Values["name"] != want.Values["name"] {
					t.Errorf("cluster record not masked as the record page: %v, want %v", got[len(got)-1].Values, want.Values)
				}
			}
			q, err := s.ReviewQueue(ctx, u, ReviewFilter{})
			if tc.code != "" {
				if core.ErrorCode(err) != tc.code {
					t.Fatalf("ReviewQueue = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil || len(q) != tc.queue {
				t.Fatalf("ReviewQueue = %d pairs, %v; want %d", len(q), err, tc.queue)
			}
			if q[0].B != p3 || len(q[0].Explain) != 1 || q[0].Explain[0].Level != "exact" {
				t.Errorf("first pair = %+v; want the most uncertain (P1, P3) with its explanation", q[0])
			}
			if u.Role == core.RoleCommunity && q[0].RecordA.Values["id_number"] == p1ID {
				t.Errorf("community worker sees the ID number in clear")
			}
		})
	}
	pairs, _ := ls.LinkReviews(ctx, core.LinkReviewFilter{})
	byB := map[int64]int64{}
	for _, p := range pairs {
		byB[p.B] = p.ID
	}
	for _, tc := range []struct {
		name, user, decision, note string
		pair                       int64
		code                       string
	}{
		{"admin decides", "admin", core.LinkSame, "身份证号一致", byB[p3], ""},
		{"community worker, own community", "cw01", core.LinkDifferent, "入户核实", byB[p3], ""},
		{"community worker, other community", "cw01", core.LinkSame, "核实", byB[ids["P2"]], core.ENOTFOUND},
		{"leader", "leader", core.LinkSame, "核实", byB[p3], core.EFORBIDDEN},
		{"no note", "admin", core.LinkSame, " ", byB[p3], core.EINVALID},
		{"bad decision", "admin", "maybe", "核实", byB[p3], core.EINVALID},
		{"unknown pair", "admin", core.LinkSame, "核实", 99999, core.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.DecideReview(ctx, users[tc.user], tc.pair, tc.decision, tc.note)
			if tc.code != "" {
				if core.ErrorCode(err) != tc.code {
					t.Fatalf("DecideReview = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil || got.Status != tc.decision || got.DecidedBy != tc.user || got.Note != tc.note || got.DecidedAt.IsZero() {
				t.Fatalf("DecideReview = %+v, %v", got, err)
			}
		})
	}
	entries, _, err := s.Audit.Audit(ctx, core.AuditFilter{})
	var decisions []core.AuditEntry
	for _, e := range entries {
		if e.Action == core.AuditLinkReview {
			decisions = append(decisions, e)
		}
	}
	if err != nil || len(decisions) != 2 {
		t.Fatalf("audit: %d decisions, %v; want 2 (admin's and cw01's)", len(decisions), err)
	}
	for _, e := range decisions {
		if strings.Contains(e.Detail, "张三丰") || strings.Contains(e.Detail, p1ID) || e.Field != fieldset.KindPerson {
			t.Errorf("audit entry %+v: want the kind and IDs, no value", e)
		}
	}
	if q, _ := s.ReviewQueue(ctx, users["admin"], ReviewFilter{Status: core.LinkDifferent}); len(q) != 1 {
		t.Errorf("decided pairs = %d, want 1", len(q))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// BenchmarkLinkDemoPeople links the demo street's people (jiceng demo's
// registries, 3000 true persons across the sources) as LinkRecords does:
// scan, link, apply decisions, store. Reproduce with
//
//	go test ./internal/casework -run '^$' -bench BenchmarkLinkDemoPeople -benchtime 3x
func BenchmarkLinkDemoPeople(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "jiceng.db"), func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s := &Service{Store: st, Clock: func() time.Time { return now }}
	if _, err := demo.LoadRecords(ctx, st, b.TempDir(), demo.RecordsOptions{Seed: 1, End: now}); err != nil {
		b.Fatal(err)
	}
	var run LinkRun
	b.ResetTimer()
	for b.Loop() {
		var err error
		if run, err = s.LinkRecords(ctx, users["admin"], fieldset.KindPerson); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(run.Records), "records")
	b.ReportMetric(float64(run.Clusters), "clusters")
	b.ReportMetric(float64(run.Review), "review")
}
