package linkage

import (
	"math"
	"slices"
	"testing"
)

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.9611},
		{"DWAYNE", "DUANE", 0.84},
		{"DIXON", "DICKSONX", 0.8133},
		{"张伟明", "张明伟", 0.9},
		{"张伟", "张伟", 1},
		{"张伟", "李娜", 0},
		{"", "", 1},
		{"张", "", 0},
	}
	for _, tt := range tests {
		if got := JaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 0.0005 {
			t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.4f", tt.a, tt.b, got, tt.want)
		}
		if got, back := JaroWinkler(tt.a, tt.b), JaroWinkler(tt.b, tt.a); math.Abs(got-back) > 1e-12 {
			t.Errorf("JaroWinkler not symmetric on %q, %q: %v vs %v", tt.a, tt.b, got, back)
		}
	}
}

func TestOneEdit(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       bool
	}{
		{"substitution", "110105198001020014", "110105198001020024", true},
		{"transposition", "110105198001020014", "110105198001020041", true},
		{"first transposed", "110105198001020014", "101105198001020014", true},
		{"equal", "110105198001020014", "110105198001020014", false},
		{"two substitutions", "110105198001020014", "110105198001020099", false},
		{"distant swap", "110105198001020014", "410105198001020011", false},
		{"lengths differ", "11010519800102001", "110105198001020014", false},
	}
	for _, tt := range tests {
		if got := OneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: OneEdit = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDateNear(t *testing.T) {
	tests := []struct {
		a, b int32
		want bool
	}{
		{19800102, 19800103, true},  // day
		{19800102, 19810102, true},  // year
		{19800102, 19800202, true},  // month
		{19800102, 19800201, true},  // day and month swapped
		{19800102, 19810203, false}, // everything
		{19800312, 19811203, false},
	}
	for _, tt := range tests {
		if got := dateNear(tt.a, tt.b); got != tt.want {
			t.Errorf("dateNear(%d, %d) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// levelsOf prepares recs and returns the level of every field between
// record 0 and each other record.
func levelsOf(t *testing.T, cfg Config, recs []Record) [][]string {
	t.Helper()
	p, err := prepare(&cfg, recs, 2)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for j := 1; j < len(recs); j++ {
		var ls []string
		for f := range p.cols {
			ls = append(ls, cfg.Fields[f].Kind.Levels()[p.cols[f].level(0, int32(j))])
		}
		out = append(out, ls)
	}
	return out
}

func TestComparisonLevels(t *testing.T) {
	cfg := PeopleConfig()
	base := Record{Values: []string{"张伟明", "110105198001020014", "13812345678", "1980-01-02", "男", "北京市朝阳区望京街道阳光小区3号楼2单元301室"}}
	tests := []struct {
		name  string
		other []string
		want  []string
	}{
		{"same in other formats", []string{"张伟明", "110105 19800102 0014", "+86 138-1234-5678", "1980年1月2日", "1", "阳光小区3-2-301"},
			[]string{"exact", "exact", "exact", "exact", "exact", "room"}},
		{"homophone, ID typo, near date, same building", []string{"章伟明", "110105198001020041", "13812345679", "1980-01-03", "女", "阳光小区3栋2单元302室"},
			[]string{"pinyin", "typo", "else", "near", "else", "building"}},
		{"swapped, missing, same estate", []string{"张明伟", "", "", "", "", "阳光小区5号楼1单元101"},
			[]string{"similar", "null", "null", "null", "null", "estate"}},
		{"different", []string{"李娜", "370102199002030025", "13912345678", "1990-02-03", "F", "幸福家园1-1-101"},
			[]string{"else", "else", "else", "else", "else", "else"}},
	}
	recs := []Record{base}
	for _, tt := range tests {
		recs = append(recs, Record{Values: tt.other})
	}
	got := levelsOf(t, cfg, recs)
	for i, tt := range tests {
		if !slices.Equal(got[i], tt.want) {
			t.Errorf("%s: levels %v, want %v", tt.name, got[i], tt.want)
		}
	}
}

func TestOldIDMatchesNew(t *testing.T) {
	cfg := PeopleConfig()
	recs := []Record{
		{Values: []string{"王芳", "110105198001020011", "", "", "", ""}},
		{Values: []string{"王芳", "110105800102001", "", "", "", ""}},
	}
	if got := levelsOf(t, cfg, recs)[0][1]; got != "exact" {
		t.Errorf("15-digit ID against its 18-digit form: %s, want exact", got)
	}
}

func TestTokensCompareExactOnly(t *testing.T) {
	cfg := PeopleConfig()
	a := "3f2a9c0d8e7b6a5f4e3d2c1b0a998877665544332211ffeeddccbbaa99887766"
	b := "3f2a9c0d8e7b6a5f4e3d2c1b0a998877665544332211ffeeddccbbaa99887767" // one letter off
	recs := []Record{
		{Values: []string{"王芳", a, a, "", "", ""}},
		{Values: []string{"王芳", a, a, "", "", ""}},
		{Values: []string{"王芳", b, b, "", "", ""}},
	}
	got := levelsOf(t, cfg, recs)
	if got[0][1] != "exact" || got[0][2] != "exact" {
		t.Errorf("same tokens: %v, want exact ID and phone", got[0])
	}
	if got[1][1] != "else" || got[1][2] != "else" {
		t.Errorf("tokens one letter apart: %v, want else (no typo level for tokens)", got[1])
	}
}

// linkGenerated links n generated records and checks the quality bars.
func linkGenerated(t *testing.T, n int, seed uint64, pseudo bool) (*Linker, []Record, []int32) {
	t.Helper()
	recs, truth := GeneratePeople(GenConfig{Records: n, Seed: seed})
	if pseudo {
		Pseudonymise(recs, []byte("a test key of thirty-two bytes.."))
	}
	l, err := Link(PeopleConfig(), recs)
	if err != nil {
		t.Fatal(err)
	}
	return l, recs, truth
}

func TestLinkGenerated(t *testing.T) {
	n := 40000
	if testing.Short() {
		n = 15000
	}
	l, recs, truth := linkGenerated(t, n, 3, false)
	r := l.Result()
	if !r.Model.Converged {
		t.Errorf("EM did not converge in %d iterations", r.Model.Iters)
	}
	pw := EvaluatePairs(r, truth)
	cl := EvaluateClusters(r.Cluster, truth)
	base := EvaluateClusters(ExactKeyClusters(recs, 1), truth)
	t.Logf("pairwise %+v", pw)
	t.Logf("cluster  %+v", cl)
	t.Logf("baseline %+v", base)
	for _, q := range []struct {
		name string
		q    Quality
	}{{"pairwise", pw}, {"cluster", cl}} {
		if q.q.Precision < 0.98 || q.q.Recall < 0.95 {
			t.Errorf("%s precision %.4f recall %.4f, want ≥ 0.98 and ≥ 0.95", q.name, q.q.Precision, q.q.Recall)
		}
	}
	if cl.Recall < base.Recall+0.05 {
		t.Errorf("linkage recall %.4f is not clearly above the exact-ID baseline's %.4f", cl.Recall, base.Recall)
	}
	// The fitted model must make sense: exact agreement is evidence for a
	// match, disagreement on the ID against it.
	for f, fd := range r.Model.Fields {
		if fd.Kind == KindGender {
			continue
		}
		if w := r.Model.Weight(f, 1); w <= 0 {
			t.Errorf("%s: exact agreement weight %.2f, want > 0", fd.Name, w)
		}
	}
	if w := r.Model.Weight(1, 3); w > -5 {
		t.Errorf("ID disagreement weight %.2f, want ≤ −5", w)
	}
}

func TestLinkPseudonymised(t *testing.T) {
	l, _, truth := linkGenerated(t, 15000, 5, true)
	r := l.Result()
	cl := EvaluateClusters(r.Cluster, truth)
	t.Logf("pseudonymised cluster %+v", cl)
	if cl.Precision < 0.98 || cl.Recall < 0.93 {
		t.Errorf("pseudonymised: precision %.4f recall %.4f, want ≥ 0.98 and ≥ 0.93", cl.Precision, cl.Recall)
	}
}

func TestTermFrequency(t *testing.T) {
	l, _, _ := linkGenerated(t, 15000, 9, false)
	c := &l.p.cols[0]
	common, rare := 0, 0
	for id, n := range c.count {
		if id == 0 {
			continue
		}
		if common == 0 || n > c.count[common] {
			common = id
		}
		if n == 1 && rare == 0 {
			rare = id
		}
	}
	if rare == 0 || common == 0 {
		t.Fatal("no common or rare name")
	}
	if a, b := l.tfw[0][common], l.tfw[0][rare]; !(a < 0 && b > a+3) {
		t.Errorf("TF adjustment: most common name (%d records) %.2f, a name seen once %.2f; want common < 0 and rare well above", c.count[common], a, b)
	}
}

func TestExplainAddsUp(t *testing.T) {
	l, _, _ := linkGenerated(t, 15000, 11, false)
	r := l.Result()
	rev := r.Review()
	if len(rev) == 0 {
		t.Fatal("no pairs for review")
	}
	for i, p := range rev {
		if p.Prob < r.Lower || p.Prob >= r.Upper {
			t.Fatalf("review pair %d has probability %.3f outside [%.2f, %.2f)", i, p.Prob, r.Lower, r.Upper)
		}
		if i > 0 && math.Abs(p.Prob-0.5) < math.Abs(rev[i-1].Prob-0.5) {
			t.Fatalf("review list not ordered by uncertainty at %d", i)
		}
	}
	for _, p := range append(rev[:min(len(rev), 50)], r.Matches()[:50]...) {
		sum := r.Model.Prior()
		for _, c := range l.Explain(p) {
			sum += c.Weight
		}
		if math.Abs(sum-p.Weight) > 1e-9 {
			t.Fatalf("contributions add up to %.6f, pair weight %.6f", sum, p.Weight)
		}
	}
}

func TestCluster(t *testing.T) {
	// Matches 0–1 and 1–2 join 0, 1, 2 transitively; 3–4 is a review
	// pair and does not join.
	l := &Linker{cfg: Config{Upper: 0.8}, p: &prepared{n: 6}, res: &Result{Upper: 0.8, Lower: 0.2}}
	l.res.Pairs = []Pair{{A: 0, B: 1, Prob: 0.99}, {A: 1, B: 2, Prob: 0.95}, {A: 3, B: 4, Prob: 0.5}, {A: 2, B: 5, Prob: 0.1}}
	l.cluster()
	want := []int32{0, 0, 0, 3, 4, 5}
	if !slices.Equal(l.res.Cluster, want) {
		t.Errorf("clusters %v, want %v", l.res.Cluster, want)
	}
	if l.res.Stats.Clusters != 1 {
		t.Errorf("%d clusters of two or more, want 1", l.res.Stats.Clusters)
	}
}

func TestEvaluate(t *testing.T) {
	truth := []int32{1, 1, 1, 2, 2, 3}
	// Predicted: {0,1}, {2,3}, {4}, {5}: one correct pair of 4 true pairs.
	q := EvaluateClusters([]int32{0, 0, 2, 2, 4, 5}, truth)
	if q.TruePairs != 4 || q.PredictedPairs != 2 || q.Correct != 1 || q.Precision != 0.5 || q.Recall != 0.25 {
		t.Errorf("got %+v", q)
	}
}

func TestExactKeyClusters(t *testing.T) {
	recs := []Record{
		{Values: []string{"", "110105198001020011"}},
		{Values: []string{"", "110105800102001"}},
		{Values: []string{"", ""}},
		{Values: []string{"", ""}},
	}
	if got := ExactKeyClusters(recs, 1); !slices.Equal(got, []int32{0, 0, 2, 3}) {
		t.Errorf("got %v", got)
	}
}

func TestLinkErrors(t *testing.T) {
	if _, err := Link(Config{}, nil); err == nil {
		t.Error("no fields: no error")
	}
	if _, err := Link(PeopleConfig(), []Record{{Values: []string{"x"}}}); err == nil {
		t.Error("short record: no error")
	}
	cfg := PeopleConfig()
	cfg.Blocking = []Rule{{"bad", []Key{{"nosuch", PartValue}}}}
	if _, err := Link(cfg, nil); err == nil {
		t.Error("unknown blocking field: no error")
	}
}

func TestOtherConfigs(t *testing.T) {
	for name, cfg := range map[string]Config{"enterprise": EnterpriseConfig(), "house": HouseConfig()} {
		recs := []Record{
			{Values: make([]string, len(cfg.Fields))},
			{Values: make([]string, len(cfg.Fields))},
		}
		for i := range recs {
			for f, fd := range cfg.Fields {
				switch fd.Kind {
				case KindAddress:
					recs[i].Values[f] = "阳光小区3-2-301"
				case KindCode:
					recs[i].Values[f] = "91110105MA01ABCD2X"
				default:
					recs[i].Values[f] = "北京阳光科技有限公司"
				}
			}
		}
		l, err := Link(cfg, recs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := l.Result().Stats.Candidates; got != 1 {
			t.Errorf("%s: %d candidate pairs, want 1", name, got)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, ta := GeneratePeople(GenConfig{Records: 2000, Seed: 42})
	b, tb := GeneratePeople(GenConfig{Records: 2000, Seed: 42})
	if len(a) != 2000 || !slices.Equal(ta, tb) {
		t.Fatal("generator not deterministic or wrong size")
	}
	for i := range a {
		if !slices.Equal(a[i].Values, b[i].Values) {
			t.Fatalf("record %d differs between runs", i)
		}
	}
	// Every generated 18-digit ID that was not mistyped has a valid check
	// digit; count them to catch a broken generator.
	valid := 0
	for _, r := range a {
		if id := r.Values[1]; len(id) == 18 && IDCheckDigit(id[:17]) == id[17] {
			valid++
		}
	}
	if valid < len(a)/2 {
		t.Errorf("only %d of %d records have a valid 18-digit ID", valid, len(a))
	}
}

func TestSkippedBlockDoesNotHidePairs(t *testing.T) {
	// 30 records share a phone (a placeholder number): with MaxBlock 10 the
	// phone block is skipped, and the two records that also share an ID
	// must still be compared by the ID rule that comes after it.
	cfg := PeopleConfig()
	cfg.MaxBlock = 10
	cfg.Blocking = []Rule{{"phone", []Key{{"phone", PartValue}}}, {"id", []Key{{"id_number", PartValue}}}}
	var recs []Record
	for i := range 30 {
		id := ""
		if i < 2 {
			id = "110105198001020011"
		}
		recs = append(recs, Record{Values: []string{"王芳", id, "13800000000", "", "", ""}})
	}
	l, err := Link(cfg, recs)
	if err != nil {
		t.Fatal(err)
	}
	st := l.Result().Stats
	if st.SkippedBlocks != 1 || st.Candidates != 1 {
		t.Errorf("skipped %d blocks, %d candidates; want 1 and 1", st.SkippedBlocks, st.Candidates)
	}
}

func TestCorrelatedCountedOnce(t *testing.T) {
	// Fields 0 (phone) and 1 (address), both agreeing at level 1 with
	// weights 15 and 17: only the 17 counts. Field 2 disagrees (−5).
	l := &Linker{
		cfg:  Config{Fields: []Field{{Name: "phone", Kind: KindPhone}, {Name: "address", Kind: KindAddress}, {Name: "name", Kind: KindName}}},
		w:    [][16]float64{{0, 15, -2}, {0, 17, -4, -2, -3}, {0, 14, 11, 5, -5}},
		tfw:  make([][]float64, 3),
		corr: [][2]int{{0, 1}},
	}
	var ws [16]float64
	var shared [16]bool
	both := Pair{Gamma: 1 | 1<<4 | 4<<8}
	if got := l.weights(both, &ws, &shared); got != 17-5 {
		t.Errorf("both agree: sum %v, want 12", got)
	}
	if !shared[0] || shared[1] || ws[0] != 0 {
		t.Errorf("both agree: weights %v shared %v, want the phone's dropped", ws[:3], shared[:3])
	}
	one := Pair{Gamma: 1 | 3<<4 | 4<<8}
	if got := l.weights(one, &ws, &shared); got != 15-2-5 {
		t.Errorf("phone only: sum %v, want 8", got)
	}
	if shared[0] || shared[1] {
		t.Errorf("phone only: shared %v", shared[:3])
	}
}

func TestLinkTiny(t *testing.T) {
	for _, n := range []int{0, 1, 2} {
		recs := make([]Record, n)
		for i := range recs {
			recs[i] = Record{Values: []string{"王芳", "110105198001020011", "", "", "", ""}}
		}
		l, err := Link(PeopleConfig(), recs)
		if err != nil {
			t.Fatalf("%d records: %v", n, err)
		}
		r := l.Result()
		if len(r.Cluster) != n || (n == 2 && r.Stats.Candidates != 1) {
			t.Errorf("%d records: %d cluster ids, %d candidates", n, len(r.Cluster), r.Stats.Candidates)
		}
		for _, p := range r.Pairs {
			if math.IsNaN(p.Prob) || math.IsNaN(p.Weight) {
				t.Errorf("%d records: NaN in %+v", n, p)
			}
		}
	}
}
