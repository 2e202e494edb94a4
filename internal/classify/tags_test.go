package classify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/text"
)

// tagCounts returns how often each tag matched in s, by name.
func tagCounts(m *tagMatcher, s string) map[string]int {
	out := map[string]int{}
	for _, t := range m.appendMatches(nil, text.AppendContent(nil, s)) {
		out[m.names[t]]++
	}
	return out
}

func TestTagMatcher(t *testing.T) {
	tags := []Tag{
		{Name: "电梯故障", Aliases: []string{"电梯坏了", "电梯坏"}}, // 电梯坏了 contains 电梯坏: one count
		{Name: "拖欠工资", Aliases: []string{"欠薪"}},
		{Name: "噪音扰民"},
		{Name: "扰民"}, // a suffix of another tag: found through the failure links
		{Name: "12345热线"},
		{Name: "Wi-Fi"},
		{Name: "abcab"},
		{Name: "bc"},
	}
	m := newTagMatcher(tags, 20)
	tests := []struct {
		name, text string
		want       map[string]int
	}{
		{"none", "小区停水三天", map[string]int{}},
		{"empty", "", map[string]int{}},
		{"name", "电梯故障困人", map[string]int{"电梯故障": 1}},
		{"alias is the tag", "电梯坏了没人修", map[string]int{"电梯故障": 1}},
		{"name and alias add up", "电梯故障，电梯坏了", map[string]int{"电梯故障": 2}},
		{"two tags", "欠薪又拖欠工资", map[string]int{"拖欠工资": 2}},
		{"suffix tag", "工地噪音扰民", map[string]int{"噪音扰民": 1, "扰民": 1}},
		{"separators ignored", "噪音 扰民！", map[string]int{"噪音扰民": 1, "扰民": 1}},
		{"digits as one", "打了12345热线", map[string]int{"12345热线": 1}},
		{"any number", "打了96310热线", map[string]int{"12345热线": 1}},
		{"folded", "ＷＩＦＩ断了", map[string]int{"Wi-Fi": 1}},
		{"overlapping", "abcabcab", map[string]int{"abcab": 2, "bc": 2}},
		{"failure then match", "ababcab", map[string]int{"abcab": 1, "bc": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tagCounts(m, tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("matches of %q = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestTagMatcherNaive compares the automaton with counting every phrase's
// occurrences one by one, on random phrases and texts over a small
// alphabet (where phrases overlap and nest a lot).
func TestTagMatcherNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alpha := []rune("甲乙丙丁")
	word := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(rs)
	}
	for round := 0; round < 50; round++ {
		var tags []Tag
		seen := map[string]bool{}
		for len(tags) < 12 {
			name := word(1 + rng.IntN(4))
			if seen[name] {
				continue
			}
			seen[name] = true
			tg := Tag{Name: name}
			for j := rng.IntN(3); j > 0; j-- {
				tg.Aliases = append(tg.Aliases, word(1+rng.IntN(4)))
			}
			tags = append(tags, tg)
		}
		m := newTagMatcher(tags, 20)
		for i := 0; i < 20; i++ {
			s := word(rng.IntN(30))
			want := map[string]int{}
			for _, tg := range tags {
				// The phrases counted: those containing no other phrase of the tag.
				ps := append([]string{tg.Name}, tg.Aliases...)
				slices.SortStableFunc(ps, func(a, b string) int { return len(a) - len(b) })
				var kept []string
				for _, p := range ps {
					if !slices.ContainsFunc(kept, func(k string) bool { return strings.Contains(p, k) }) {
						kept = append(kept, p)
					}
				}
				for _, p := range kept {
					for j := 0; j < len(s); j++ {
						if strings.HasPrefix(s[j:], p) {
							want[tg.Name]++
						}
					}
				}
			}
			if got := tagCounts(m, s); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, tags %v, text %q: got %v, want %v", round, tags, s, got, want)
			}
		}
	}
}

func TestTrainRejectsTags(t *testing.T) {
	docs := fixture(t)
	tests := []struct {
		name string
		tags []Tag
	}{
		{"empty name", []Tag{{Name: ""}}},
		{"punctuation only", []Tag{{Name: "停水", Aliases: []string{"！！"}}}},
		{"repeated name", []Tag{{Name: "停水"}, {Name: "停水"}}},
		{"too long", []Tag{{Name: strings.Repeat("水", maxPhraseLen+1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Train(docs, Config{Features: FeatureConfig{Tags: tt.tags}}); err == nil {
				t.Error("Train succeeded, want an error")
			}
		})
	}
}

// aliasDocs are constructed training documents of three classes, each
// naming its problem by a tag's name; the tags' aliases appear in no
// training document.
func aliasDocs() ([]Doc, []Tag) {
	problems := []struct{ label, name, alias string }{
		{"城乡建设", "电梯故障", "升降机坏"},
		{"劳动和社会保障", "拖欠工资", "没发薪水"},
		{"环境保护", "噪音扰民", "吵闹声"},
	}
	places := []string{"小区", "楼栋", "公司", "工地", "厂房", "门口", "街道", "对面"}
	days := []string{"今天", "昨天", "本周", "上个月", "一直", "多次", "反复", "长期"}
	var docs []Doc
	var tags []Tag
	for _, p := range problems {
		tags = append(tags, Tag{Name: p.name, Aliases: []string{p.alias}})
		for i := 0; i < 24; i++ {
			text := fmt.Sprintf("%s%s%s，请处理", places[i%len(places)], days[(i/3)%len(days)], p.name)
			docs = append(docs, Doc{Text: text, Labels: [3]string{p.label}})
		}
	}
	return docs, tags
}

// TestTagAliasDecides is the point of tags: a text that names a problem
// only by an alias staff merged into a tag is classified by the tag, which
// n-grams cannot do (the alias's characters were never seen in training).
func TestTagAliasDecides(t *testing.T) {
	docs, tags := aliasDocs()
	with, err := Train(docs, Config{Seed: 1, Features: FeatureConfig{Tags: tags}})
	if err != nil {
		t.Fatal(err)
	}
	without, err := Train(docs, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, want, tag string
	}{
		{"elevator alias", "升降机坏", "城乡建设", "标签:电梯故障"},
		{"elevator alias in a sentence", "我家那边升降机坏了！", "城乡建设", "标签:电梯故障"},
		{"wages alias", "老板没发薪水", "劳动和社会保障", "标签:拖欠工资"},
		{"noise alias", "晚上吵闹声", "环境保护", "标签:噪音扰民"},
		{"name still works", "电梯故障", "城乡建设", "标签:电梯故障"},
	}
	wrongWithout := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := with.Predict(tt.text, 1)[0]
			if p.Labels[0] != tt.want {
				t.Errorf("with tags: Predict(%q) = %s, want %s", tt.text, p.Labels[0], tt.want)
			}
			if !slices.ContainsFunc(p.Terms, func(tm Term) bool { return tm.Text == tt.tag }) {
				t.Errorf("with tags: Predict(%q) terms %v, want %s among them", tt.text, p.Terms, tt.tag)
			}
			if without.Predict(tt.text, 1)[0].Labels[0] != tt.want {
				wrongWithout++
			}
		})
	}
	// Without tags the aliases carry no known feature: every alias-only text
	// gets the same class, the bias's, so at least two of the three
	// classes' aliases are wrong.
	if wrongWithout < 2 {
		t.Errorf("without tags %d of the cases are wrong, want at least 2: the cases do not test the tag", wrongWithout)
	}
}

func TestSaveLoadTags(t *testing.T) {
	docs, tags := aliasDocs()
	m, err := Train(docs, Config{Seed: 1, Features: FeatureConfig{Tags: tags, PerOrder: true}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint16(buf.Bytes()[len(fileMagic):]); v != 2 {
		t.Errorf("a model with tags is written as version %d, want 2", v)
	}
	m2, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m2.Config(), m.Config()) {
		t.Errorf("config: got %+v, want %+v", m2.Config(), m.Config())
	}
	for _, text := range []string{"升降机坏", "老板没发薪水", "晚上吵闹声", "电梯故障", ""} {
		a, b := m.Predict(text, 3), m2.Predict(text, 3)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("Predict(%q): before save %+v, after load %+v", text, a, b)
		}
	}

	// Without tags the file is version 1, as older programs wrote and read.
	m1, err := Train(docs, Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := m1.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint16(buf.Bytes()[len(fileMagic):]); v != 1 {
		t.Errorf("a model without tags is written as version %d, want 1", v)
	}
	if _, err := Load(bytes.NewReader(buf.Bytes())); err != nil {
		t.Errorf("version 1: %v", err)
	}

	// A header with a bad vocabulary is a damaged file, not another version.
	bad := withHeader(t, buf.Bytes(), func(hj []byte) []byte {
		return bytes.Replace(hj, []byte(`"features":{`), []byte(`"features":{"tags":[{"name":"，"}],`), 1)
	})
	if _, err := Load(bytes.NewReader(bad)); err == nil || errors.Is(err, ErrVersion) {
		t.Errorf("Load of a bad vocabulary: %v, want a damaged-file error", err)
	}
}

// benchTags makes n tags from phrases of the bench tickets (3 to 6 runes,
// with one alias each), as a mined and curated library would have.
func benchTags(tb testing.TB, docs []Doc, n int) []Tag {
	rng := rand.New(rand.NewPCG(5, 6))
	seen := map[string]bool{}
	var tags []Tag
	phrase := func() string {
		rs := text.AppendContent(nil, docs[rng.IntN(len(docs))].Text)
		l := 3 + rng.IntN(4)
		if len(rs) <= l {
			return ""
		}
		i := rng.IntN(len(rs) - l)
		return string(rs[i : i+l])
	}
	for len(tags) < n {
		name, alias := phrase(), phrase()
		if name == "" || alias == "" || seen[name] || seen[alias] || name == alias {
			continue
		}
		seen[name], seen[alias] = true, true
		tags = append(tags, Tag{Name: name, Aliases: []string{alias}})
	}
	return tags
}

// BenchmarkPredictTags is BenchmarkPredict with a library of 2,000 tags.
// The synthetic tickets are made of the sentences the tags are cut from, so
// each names ~140 tags: a worst case (a dev-message library matches ~2 in
// them, tags/ticket with JICENG_DEV_MESSAGES set). Compare it with
// BenchmarkPredict in separate runs (-bench 'Predict$'): the model trained
// second in a process can be slower for where its 10 MB table landed, not
// for what it computes.
func BenchmarkPredictTags(b *testing.B) {
	docs := benchDocs(b, 5000)
	m, err := Train(docs, Config{Seed: 1, CalibFolds: -1, Features: FeatureConfig{Tags: benchTags(b, docs, 2000)}})
	if err != nil {
		b.Fatal(err)
	}
	tickets := benchTickets(b, 1000)
	hits := 0
	for _, d := range tickets {
		hits += len(m.tags.appendMatches(nil, text.AppendContent(nil, d.Text)))
	}
	benchPredict(b, m, tickets)
	b.ReportMetric(float64(hits)/float64(len(tickets)), "tags/ticket")
}

// BenchmarkTagMatch measures the automaton alone on ~300-rune tickets with
// 2,000 tags.
func BenchmarkTagMatch(b *testing.B) {
	docs := benchTickets(b, 1000)
	m := newTagMatcher(benchTags(b, docs, 2000), 20)
	var rs [][]rune
	for _, d := range docs {
		rs = append(rs, text.AppendContent(nil, d.Text))
	}
	var hits []int32
	b.ResetTimer()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		hits = m.appendMatches(hits[:0], rs[i%len(rs)])
		i++
	}
	reportCPU(b, cpu, i)
}
