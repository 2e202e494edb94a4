package casework

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
	"jiceng/internal/linkage"
)

// Record linkage (一人一档) in the service: LinkRecords links every active
// record of a kind across its sources (package linkage) and stores the
// clusters and the clerical-review pairs; stewards decide the pairs, and
// their decisions override the model at every later run: 是同一人 pairs are
// joined first, then the model's matches strongest first, skipping a match
// that would put a 不是同一人 pair into one cluster (so the weakest link of a
// chain is cut; only a chain of 是同一人 decisions can join such a pair). A decision takes effect on
// the clusters at the next run (重新链接). The pairs are read with the
// records' scope: a community worker reviews the pairs both of whose
// records are in the worker's community, and sees them masked as the
// record pages show them.

// linkRunners start a linkage run.
var linkRunners = []string{core.RoleAdmin, core.RoleStaff}

// RunsLinkage reports whether role starts a record-linkage run.
func RunsLinkage(role string) bool { return slices.Contains(linkRunners, role) }

// MaxReviewQueue is the most pairs ReviewQueue returns.
const MaxReviewQueue = 500

// linkFields are, per kind, the linkage model and, for each of its fields,
// the field of the kind's field set it reads (where the names differ).
var linkFields = map[string]struct {
	config func() linkage.Config
	rename map[string]string
}{
	fieldset.KindPerson:     {linkage.PeopleConfig, nil},
	fieldset.KindEnterprise: {linkage.EnterpriseConfig, nil},
	fieldset.KindHouse:      {linkage.HouseConfig, map[string]string{"owner": "owner_name"}},
}

// LinkRun is the summary of one linkage run.
type LinkRun struct {
	Kind    string
	Records int
	// Clusters counts the clusters of two or more records, Linked their
	// records; Matches the model's matches that joined two clusters
	// (a match within a cluster is not counted) and Review the pairs
	// left for clerical review (decided pairs included).
	Clusters, Linked, Matches, Review int
	// Same and Different count the clerical decisions applied.
	Same, Different int
	Stages          []linkage.Stage
	Took            time.Duration
}

func (s *Service) linkStore() (core.LinkStore, core.RecordStore, error) {
	ls, ok := s.Store.(core.LinkStore)
	rs, ok2 := s.Store.(core.RecordStore)
	if !ok || !ok2 {
		return nil, nil, core.Errorf(core.EINVALID, "当前数据库不支持一人一档")
	}
	return ls, rs, nil
}

func (s *Service) now() time.Time {
	if s.Clock != nil {
		return s.Clock.Now()
	}
	return time.Now()
}

// LinkValues returns the values of r that the linkage model of r's kind
// compares, in the model's field order. A missing address is built from
// the estate, building, unit and room.
func LinkValues(cfg linkage.Config, rename map[string]string, r core.Record) []string {
	vals := make([]string, len(cfg.Fields))
	for i, f := range cfg.Fields {
		name := f.Name
		if n, ok := rename[name]; ok {
			name = n
		}
		v := r.Values[name]
		if v == "" && name == "address" {
			v = r.Values["estate"] + r.Values["building"] + r.Values["unit_no"] + r.Values["room"]
		}
		vals[i] = v
	}
	return vals
}

// LinkRecords links the active records of kind (admin, staff), applies the
// clerical decisions and stores the clusters and the review pairs.
func (s *Service) LinkRecords(ctx context.Context, u core.User, kind string) (LinkRun, error) {
	if !RunsLinkage(u.Role) {
		return LinkRun{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权运行一人一档链接", roleLabel(u.Role))
	}
	lf, ok := linkFields[kind]
	if !ok {
		return LinkRun{}, core.InvalidField("kind", "一人一档链接的类别应为 person、house 或 enterprise")
	}
	ls, rs, err := s.linkStore()
	if err != nil {
		return LinkRun{}, err
	}
	start := time.Now()
	cfg := lf.config()
	var ids []int64
	var recs []linkage.Record
	err = rs.ScanRecords(ctx, core.RecordFilter{Kind: kind, Status: core.RecordActive}, func(r core.Record) error {
		if len(recs) >= MaxQualityRecords {
			return core.Errorf(core.EINVALID, "基础数据超过 %d 条，无法链接", MaxQualityRecords)
		}
		ids = append(ids, r.ID)
		recs = append(recs, linkage.Record{Source: r.Source, ID: strconv.FormatInt(r.ID, 10), Values: LinkValues(cfg, lf.rename, r)})
		return nil
	})
	if err != nil {
		return LinkRun{}, err
	}
	run := LinkRun{Kind: kind, Records: len(recs)}
	decided, err := ls.LinkReviews(ctx, core.LinkReviewFilter{Kind: kind})
	if err != nil {
		return LinkRun{}, err
	}
	verdict := map[[2]int64]string{}
	for _, d := range decided {
		if d.Status != core.LinkPending {
			verdict[[2]int64{d.A, d.B}] = d.Status
		}
	}
	index := make(map[int64]int32, len(ids))
	for i, id := range ids {
		index[id] = int32(i)
	}
	var reviews []core.LinkReview
	parent := make([]int32, len(ids))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int32) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	// 是同一人 first: always joined.
	var apart [][2]int32 // the 不是同一人 pairs of records being linked
	for key, v := range verdict {
		ia, oka := index[key[0]]
		ib, okb := index[key[1]]
		switch {
		case v == core.LinkDifferent:
			run.Different++
			if oka && okb {
				apart = append(apart, [2]int32{ia, ib})
			}
		case v == core.LinkSame && oka && okb:
			run.Same++
			union(ia, ib)
		}
	}
	// splits reports whether joining the clusters of a and b would put a
	// 不是同一人 pair into one cluster.
	splits := func(a, b int32) bool {
		ra, rb := find(a), find(b)
		for _, d := range apart {
			dx, dy := find(d[0]), find(d[1])
			if (dx == ra && dy == rb) || (dx == rb && dy == ra) {
				return true
			}
		}
		return false
	}
	if len(recs) >= 2 {
		l, err := linkage.Link(cfg, recs)
		if err != nil {
			return LinkRun{}, core.Errorf(core.EINVALID, "一人一档链接无法运行：%v", err)
		}
		res := l.Result()
		run.Stages = res.Stats.Stages
		var matches []linkage.Pair
		for _, p := range res.Pairs {
			a, b := ids[p.A], ids[p.B]
			key := [2]int64{min(a, b), max(a, b)}
			if p.Prob >= res.Upper {
				matches = append(matches, p)
				continue
			}
			exp, err := json.Marshal(l.Explain(p))
			if err != nil {
				return LinkRun{}, fmt.Errorf("link records: %w", err)
			}
			reviews = append(reviews, core.LinkReview{Kind: kind, A: key[0], B: key[1], Prob: p.Prob, Explain: exp})
		}
		// The strongest matches first, so that a 不是同一人 decision cuts
		// the weakest link of a chain.
		slices.SortStableFunc(matches, func(x, y linkage.Pair) int { return cmp.Compare(y.Prob, x.Prob) })
		for _, p := range matches {
			if find(p.A) == find(p.B) {
				continue
			}
			if len(apart) > 0 && splits(p.A, p.B) {
				continue
			}
			run.Matches++
			union(p.A, p.B)
		}
	}
	clusters := map[int64]int64{}
	size := map[int32]int{}
	smallest := map[int32]int64{}
	for i, id := range ids {
		root := find(int32(i))
		size[root]++
		if m, ok := smallest[root]; !ok || id < m {
			smallest[root] = id
		}
	}
	for i, id := range ids {
		root := find(int32(i))
		if size[root] > 1 {
			clusters[id] = smallest[root]
		}
	}
	for root, n := range size {
		if n > 1 && parent[root] == root {
			run.Clusters++
		}
	}
	run.Linked = len(clusters)
	if err := ls.ReplaceLinks(ctx, kind, clusters, reviews, s.now()); err != nil {
		return LinkRun{}, err
	}
	run.Review = len(reviews)
	run.Took = time.Since(start)
	return run, nil
}

// RecordCluster returns the other records of record id's cluster (the same
// person) that u's scope holds, masked as the record pages show them; none
// when the record is linked to no other. A record outside u's scope is
// ErrNoRecord.
func (s *Service) RecordCluster(ctx context.Context, u core.User, id int64) ([]core.Record, error) {
	rs, sc, _, err := s.visibleRecord(ctx, u, id)
	if err != nil {
		return nil, err
	}
	ls, ok := s.Store.(core.LinkStore)
	if !ok {
		return nil, nil
	}
	ids, err := ls.ClusterRecords(ctx, id)
	if err != nil {
		return nil, err
	}
	m := s.recordMasker()
	var out []core.Record
	for _, other := range ids {
		if other == id {
			continue
		}
		r, err := rs.Record(ctx, other)
		if core.ErrorCode(err) == core.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if sc.Sees(r) {
			out = append(out, m.record(u.Role, r))
		}
	}
	return out, nil
}

// ReviewPair is a clerical-review pair as a steward sees it: both records
// masked for the role, and what each field contributed to the match
// weight (levels and weights, never values).
type ReviewPair struct {
	core.LinkReview
	RecordA, RecordB core.Record
	Explain          []linkage.Contribution
}

// ReviewFilter selects the pairs of ReviewQueue.
type ReviewFilter struct {
	Kind   string // "" every kind
	Status string // "" pending; "*" every status
	Limit  int    // 0 or more than MaxReviewQueue: MaxReviewQueue
}

// ReviewQueue returns the review pairs of f that u reviews (stewards; a
// community worker the pairs of the worker's community), most uncertain
// first.
func (s *Service) ReviewQueue(ctx context.Context, u core.User, f ReviewFilter) ([]ReviewPair, error) {
	if !IsSteward(u.Role) {
		return nil, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权核对一人一档", roleLabel(u.Role))
	}
	ls, rs, err := s.linkStore()
	if err != nil {
		return nil, err
	}
	sc, err := s.RecordScope(ctx, u)
	if err != nil || sc.None {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxReviewQueue {
		limit = MaxReviewQueue
	}
	status := f.Status
	switch status {
	case "":
		status = core.LinkPending
	case "*":
		status = ""
	case core.LinkPending, core.LinkSame, core.LinkDifferent:
	default:
		return nil, core.InvalidField("status", "核对状态应为 pending、same 或 different")
	}
	lf := core.LinkReviewFilter{Kind: f.Kind, Status: status}
	if sc.Whole() {
		lf.Limit = limit
	}
	pairs, err := ls.LinkReviews(ctx, lf)
	if err != nil {
		return nil, err
	}
	m := s.recordMasker()
	var out []ReviewPair
	for _, p := range pairs {
		if len(out) >= limit {
			break
		}
		a, b, err := pairRecords(ctx, rs, p)
		if err != nil {
			return nil, err
		}
		if !sc.Sees(a) || !sc.Sees(b) {
			continue
		}
		rp := ReviewPair{LinkReview: p, RecordA: m.record(u.Role, a), RecordB: m.record(u.Role, b)}
		if err := json.Unmarshal(p.Explain, &rp.Explain); err != nil {
			return nil, fmt.Errorf("link review %d: %w", p.ID, err)
		}
		rp.LinkReview.Explain = nil
		out = append(out, rp)
	}
	return out, nil
}

func pairRecords(ctx context.Context, rs core.RecordStore, p core.LinkReview) (core.Record, core.Record, error) {
	a, err := rs.Record(ctx, p.A)
	if err != nil {
		return core.Record{}, core.Record{}, err
	}
	b, err := rs.Record(ctx, p.B)
	return a, b, err
}

// ErrNoReview answers a review pair that is missing and one outside the
// user's scope alike.
var ErrNoReview = core.Errorf(core.ENOTFOUND, "待核对记录对不存在，或不在您的工作范围内")

// DecideReview records u's decision on review pair id: core.LinkSame
// (是同一人), core.LinkDifferent (不是同一人) or core.LinkPending (undo),
// with a note (required). Stewards decide the pairs both of whose records
// are in their scope; another pair is ErrNoReview. The decision, its
// author and time are kept on the pair and apply from the next linkage
// run.
func (s *Service) DecideReview(ctx context.Context, u core.User, id int64, decision, note string) (core.LinkReview, error) {
	if !IsSteward(u.Role) {
		return core.LinkReview{}, core.Errorf(core.EFORBIDDEN, "当前账号（%s）无权核对一人一档", roleLabel(u.Role))
	}
	switch decision {
	case core.LinkSame, core.LinkDifferent, core.LinkPending:
	default:
		return core.LinkReview{}, core.InvalidField("decision", "核对结论应为 same（是同一人）或 different（不是同一人）")
	}
	note, err := CleanNote(note, "核对说明")
	if err != nil {
		return core.LinkReview{}, err
	}
	ls, rs, err := s.linkStore()
	if err != nil {
		return core.LinkReview{}, err
	}
	sc, err := s.RecordScope(ctx, u)
	if err != nil {
		return core.LinkReview{}, err
	}
	p, err := ls.LinkReview(ctx, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.LinkReview{}, ErrNoReview
	}
	if err != nil {
		return core.LinkReview{}, err
	}
	a, b, err := pairRecords(ctx, rs, p)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return core.LinkReview{}, ErrNoReview
	}
	if err != nil {
		return core.LinkReview{}, err
	}
	if !sc.Sees(a) || !sc.Sees(b) {
		return core.LinkReview{}, ErrNoReview
	}
	d, err := ls.DecideLinkReview(ctx, id, decision, u.Username, note, s.now())
	if err != nil {
		return d, err
	}
	if s.Audit != nil {
		e := core.AuditEntry{At: s.now(), Actor: u.Username, Role: u.Role, Action: core.AuditLinkReview, Field: p.Kind, Reason: note,
			Detail: fmt.Sprintf("待核对记录对 %d（记录 %d 与 %d）：%s", d.ID, d.A, d.B, LinkDecisionLabel[d.Status])}
		if err := s.Audit.AddAudit(ctx, e.Clean()); err != nil {
			return d, fmt.Errorf("link review audit: %w", err)
		}
	}
	return d, nil
}

// LinkDecisionLabel names the review statuses in Chinese.
var LinkDecisionLabel = map[string]string{
	core.LinkPending: "待核对", core.LinkSame: "是同一人", core.LinkDifferent: "不是同一人",
}

// LinkLevelLabel names the comparison levels of package linkage in
// Chinese, for the review page.
var LinkLevelLabel = map[string]string{
	"null": "缺失", "exact": "完全一致", "pinyin": "拼音一致", "similar": "相近", "else": "不一致",
	"typo": "一位之差", "near": "相近", "room": "同一户", "building": "同一楼栋", "estate": "同一小区",
}

// linkClusterIDs returns every kind's clusters, record ID → cluster name
// ("kind:clusterID"), for the quality checks; none when the store keeps no
// links.
func (s *Service) linkClusterIDs(ctx context.Context) (map[int64]string, error) {
	ls, ok := s.Store.(core.LinkStore)
	if !ok {
		return nil, nil
	}
	out := map[int64]string{}
	for kind := range linkFields {
		cl, err := ls.LinkClusters(ctx, kind)
		if err != nil {
			return nil, err
		}
		for id, c := range cl {
			out[id] = kind + ":" + strconv.FormatInt(c, 10)
		}
	}
	return out, nil
}
