package hot

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestShared(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []string
	}{
		{"phrases as written in a", "幸福小区3号楼电梯故障，物业不修", "反映幸福小区电梯故障两天了", []string{"幸福小区", "电梯故障"}},
		{"punctuation does not break a match", "渌水大桥，超载", "渌水大桥超载车辆", []string{"渌水大桥，超载"}},
		{"digits alone are no evidence", "编号123456", "编号765432", nil},
		{"nothing shared", "路灯不亮", "垃圾清运", nil},
		{"empty", "", "电梯故障", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Shared(tc.a, tc.b, 3, nil)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Shared = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		name string
		a, b []uint32
		k    int
		want float64
	}{
		{"identical", []uint32{1, 2, 3}, []uint32{1, 2, 3}, 4, 1},
		{"disjoint", []uint32{1, 2}, []uint32{3, 4}, 4, 0},
		{"half", []uint32{1, 2, 3}, []uint32{2, 3, 4}, 8, 0.5},
		{"sketch of the union", []uint32{1, 3, 5, 7}, []uint32{1, 2, 3, 4}, 4, 0.5},
		{"empty", nil, nil, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := jaccard(tc.a, tc.b, tc.k); got != tc.want {
				t.Errorf("jaccard = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCommonShingles(t *testing.T) {
	texts := []string{"您好，电梯坏了", "您好，路灯坏了", "您好，垃圾没清运", "噪音扰民"}
	got := CommonShingles(texts, 2, 0.5, 2)
	if !slices.Equal(got, []string{"您好"}) {
		t.Errorf("CommonShingles = %q, want [您好]", got)
	}
	if got := CommonShingles(texts, 2, 0.5, 5); len(got) != 0 {
		t.Errorf("with minDocs 5: %q, want none", got)
	}
}

func TestSimilar(t *testing.T) {
	ix := NewIndex(Options{Text: func(id string) (string, bool) {
		s, ok := simTexts[id]
		return s, ok
	}})
	for id, s := range simTexts {
		ix.Add(Doc{ID: id, Text: s, Category: "电梯"})
	}
	tests := []struct {
		name string
		q    Doc
		want string // best match, "" for none that is a duplicate
	}{
		{"repeat of an elevator complaint", Doc{ID: "q1", Text: "幸福小区电梯故障，三号楼电梯又停了，物业不修", Category: "电梯"}, "e1"},
		{"unrelated", Doc{ID: "q3", Text: "东湖公园门口建议增设公交站"}, ""},
		{"the ticket itself is skipped", Doc{ID: "e1", Text: simTexts["e1"]}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := ix.Similar(tc.q, 3)
			got := ""
			if len(ms) > 0 && ms[0].Duplicate {
				got = ms[0].ID
			}
			if got != tc.want {
				t.Errorf("best duplicate %q, want %q (matches %+v)", got, tc.want, ms)
			}
			if got != "" && (len(ms[0].Shared) == 0 || !ms[0].SamePlace || !ms[0].SameCategory) {
				t.Errorf("evidence missing: %+v", ms[0])
			}
		})
	}
}

func TestCompareDistricts(t *testing.T) {
	ix := NewIndex(Options{})
	e1 := Doc{ID: "e1", Text: simTexts["e1"]}
	same := ix.Compare(Doc{Text: "A1区幸福小区电梯故障，物业不修"}, e1)
	other := ix.Compare(Doc{Text: "B3区幸福小区电梯故障，物业不修"}, e1)
	if !same.SamePlace || other.SamePlace || other.Score >= same.Score-0.1 {
		t.Errorf("same district %+v, other district %+v: want the other district weaker by the conflict weight", same, other)
	}
}

var simTexts = map[string]string{
	"e1": "A1区幸福小区3号楼电梯故障，物业一直不修，老人上下楼困难",
	"e2": "A1区清河路工地夜间施工噪音扰民",
	"e3": "A1区东湖社区路灯不亮，晚上走路不安全",
}

func TestHeat(t *testing.T) {
	base := HeatParts{Volume: 4, Callers: 4, Growth: 1, Recency: 1, Spread: 1}
	tests := []struct {
		name string
		p    HeatParts
		want float64
	}{
		{"four callers today", base, 4},
		{"a caller twice", HeatParts{Volume: 4, Callers: 3, Growth: 1, Recency: 1, Spread: 1}, 3.5},
		{"old", HeatParts{Volume: 4, Callers: 4, Growth: 1, Recency: 0, Spread: 1}, 1},
		{"growing fourfold", HeatParts{Volume: 4, Callers: 4, Growth: 4, Recency: 1, Spread: 1}, 8},
		{"growth capped", HeatParts{Volume: 4, Callers: 4, Growth: 16, Recency: 1, Spread: 1}, 8},
		{"three communities", HeatParts{Volume: 4, Callers: 4, Growth: 1, Recency: 1, Spread: 3}, 4.8},
		{"ten supports", HeatParts{Volume: 4, Callers: 4, Growth: 1, Recency: 1, Spread: 1, Supports: 10}, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := heat(tc.p); got != tc.want {
				t.Errorf("heat(%+v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestClusters(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2025, 6, d, h, 0, 0, 0, time.UTC) }
	docs := []Doc{
		{ID: "1", Text: "幸福小区电梯故障。3号楼电梯又坏了，物业不来修", Time: day(1, 9), Caller: "a"},
		{ID: "2", Text: "幸福小区电梯故障停运。电梯三天两头故障，物业维修不及时", Time: day(5, 9), Caller: "b"},
		{ID: "3", Text: "反映幸福小区电梯故障。电梯故障停运两天了，请督促物业", Time: day(9, 9), Caller: "a"},
		{ID: "4", Text: "清河路夜间施工噪音扰民。工地夜里还在施工", Time: day(8, 23), Caller: "c"},
		{ID: "5", Text: "清河路工地夜间施工噪音。打桩噪音影响休息", Time: day(9, 23), Caller: "d"},
		{ID: "6", Text: "咨询入学材料。孩子上小学需要哪些材料", Time: day(9, 10)},
		{ID: "7", Text: "幸福小区电梯故障。电梯坏了", Time: day(1, 9).AddDate(0, -2, 0)}, // outside the window
	}
	cs := Clusters(docs, ClusterOptions{Window: 10 * 24 * time.Hour})
	var got []string
	for _, c := range cs {
		got = append(got, c.Label+" "+strings.Join(c.IDs, ","))
	}
	want := []string{"清河路 · 夜间施工噪音 4,5", "幸福小区 · 电梯故障 1,2,3"}
	if !slices.Equal(got, want) {
		t.Fatalf("clusters %q, want %q", got, want)
	}
	el := cs[1]
	if el.Parts.Volume != 3 || el.Parts.Callers != 2 || len(el.Callers) != 2 || !el.First.Equal(day(1, 9)) || !el.Last.Equal(day(9, 9)) {
		t.Errorf("elevator issue: %+v", el)
	}
}

// FuzzIndex feeds outside text to the index: no panic, and a text with
// content is a duplicate of itself with Jaccard 1.
func FuzzIndex(f *testing.F) {
	for _, s := range []string{"幸福小区电梯故障", "", "。。。", "a", "123", "B5县路政部门", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ix := NewIndex(Options{})
		ix.Add(Doc{ID: "a", Text: s})
		ms := ix.Similar(Doc{ID: "b", Text: s}, 1)
		if len(content(s)) > 0 && (len(ms) != 1 || ms[0].Jaccard != 1) {
			t.Errorf("%q: matches %+v, want itself with Jaccard 1", s, ms)
		}
		Shared(s, s, 3, nil)
		Clusters([]Doc{{ID: "a", Text: s}, {ID: "b", Text: s}}, ClusterOptions{})
	})
}

// TestDemoSpikes clusters the last 30 days of a demo street: the two
// bursts the generator injects there (demo.Spikes: 柳荫里社区 night-time
// construction noise, 翠湖南社区 power cut) must be the two hottest
// issues.
func TestDemoSpikes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 30,000 tickets")
	}
	cs := Clusters(demoDocs(t, 30000), ClusterOptions{Window: 30 * 24 * time.Hour})
	if len(cs) < 2 {
		t.Fatalf("%d clusters", len(cs))
	}
	var top []string
	for _, c := range cs[:2] {
		top = append(top, c.Label)
	}
	slices.Sort(top)
	// The power cut's tickets are of the leaf 电力供应: 停电, 断电 or 电压不稳
	// may name the cluster, whichever its texts use most.
	for i, want := range []struct {
		community string
		words     []string
	}{{"柳荫里社区", []string{"噪音"}}, {"翠湖南社区", []string{"停电", "断电", "电压"}}} {
		if !strings.HasPrefix(top[i], want.community) || !slices.ContainsFunc(want.words, func(w string) bool { return strings.Contains(top[i], w) }) {
			t.Errorf("hottest issues %q, want %s … %s among them", top, want.community, strings.Join(want.words, "/"))
		}
	}
	for _, c := range cs[:5] {
		t.Logf("%s heat %.1f %+v", c.Label, c.Heat, c.Parts)
	}
}

// TestConcurrent adds and looks up from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	ix := NewIndex(Options{})
	texts := []string{"幸福小区电梯故障", "清河路夜间施工噪音", "东湖社区路灯不亮", "南苑社区垃圾清运不及时"}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				s := texts[(w+i)%len(texts)]
				ix.Add(Doc{ID: strconv.Itoa(w*100 + i), Text: s})
				ix.Similar(Doc{Text: s}, 3)
			}
		}()
	}
	wg.Wait()
	if ix.Len() != 200 {
		t.Errorf("Len = %d, want 200", ix.Len())
	}
}
