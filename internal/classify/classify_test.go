package classify

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// fixture reads testdata/tickets.csv: short hand-written tickets with a
// level-1 and level-2 label, six leaf classes under four level-1 classes.
func fixture(tb testing.TB) []Doc {
	tb.Helper()
	f, err := os.Open("testdata/tickets.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var docs []Doc
	for _, r := range rows[1:] {
		docs = append(docs, Doc{Text: r[2], Labels: [3]string{r[0], r[1]}})
	}
	return docs
}

// split holds out every fourth document.
func split(docs []Doc) (train, test []Doc) {
	for i, d := range docs {
		if i%4 == 3 {
			test = append(test, d)
		} else {
			train = append(train, d)
		}
	}
	return train, test
}

func TestBucketStable(t *testing.T) {
	// Pinned values: a change here changes every model file, which then
	// needs a new format version.
	tests := []struct {
		gram string
		bits int
		want uint32
	}{
		{"水", 20, 211518},
		{"停水", 20, 214777},
		{"噪声扰", 20, 501105},
		{"停水", 22, 859110},
	}
	for _, tt := range tests {
		if got := Bucket(tt.gram, tt.bits); got != tt.want {
			t.Errorf("Bucket(%q, %d) = %d, want %d", tt.gram, tt.bits, got, tt.want)
		}
	}
}

func TestExtractSeparatorsIgnored(t *testing.T) {
	cfg := FeatureConfig{MaxN: 3}
	cfg.setDefaults()
	ex := newExtractor(cfg, nil)
	key := func(s string) []string {
		var out []string
		for _, f := range ex.extract(s) {
			out = append(out, fmt.Sprintf("%d:%g:%s", f.bucket, f.tf, ex.gram(f)))
		}
		slices.Sort(out)
		return out
	}
	want := key("垃圾清运不及时")
	for _, in := range []string{"垃圾 清运 不 及时", "垃圾，清运不及时！", "垃圾　清運不及時"} {
		if got := key(in); !slices.Equal(got, want) {
			t.Errorf("features of %q differ from those of the plain text:\n got %v\nwant %v", in, got, want)
		}
	}
	// 7 runes: 7 unigrams + 6 bigrams + 5 trigrams, all distinct here.
	if len(want) != 18 {
		t.Errorf("got %d features, want 18", len(want))
	}
	// Repeated n-grams are counted once with their frequency: 停 水 停水
	// twice; 水停 停水停 水停水 once.
	tf := map[string]float32{}
	for _, f := range ex.extract("停水停水") {
		tf[ex.gram(f)] = f.tf
	}
	wantTF := map[string]float32{"停": 2, "水": 2, "停水": 2, "水停": 1, "停水停": 1, "水停水": 1}
	if fmt.Sprint(tf) != fmt.Sprint(wantTF) {
		t.Errorf("term frequencies of 停水停水: got %v, want %v", tf, wantTF)
	}
	// Buckets must agree with the exported Bucket.
	for _, f := range ex.extract("停水") {
		if b := Bucket(ex.gram(f), cfg.Bits); b != f.bucket {
			t.Errorf("bucket of %q: extract %d, Bucket %d", ex.gram(f), f.bucket, b)
		}
	}
}

func TestLearnsSynthetic(t *testing.T) {
	train, test := split(fixture(t))
	m, err := Train(train, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var ok1, ok2 int
	for _, d := range test {
		p := m.Predict(d.Text, 1)[0]
		if p.Labels[0] == d.Labels[0] {
			ok1++
		}
		if p.Labels[0] == d.Labels[0] && p.Labels[1] == d.Labels[1] {
			ok2++
		}
	}
	acc1 := float64(ok1) / float64(len(test))
	acc2 := float64(ok2) / float64(len(test))
	if acc1 < 0.9 || acc2 < 0.85 {
		t.Errorf("held-out accuracy level 1 %.2f, path %.2f; want ≥ 0.90 and ≥ 0.85", acc1, acc2)
	}
}

func TestPredictHierarchyConsistent(t *testing.T) {
	docs := fixture(t)
	m, err := Train(docs, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	children := map[string]map[string]bool{}
	for _, d := range docs {
		if children[d.Labels[0]] == nil {
			children[d.Labels[0]] = map[string]bool{}
		}
		children[d.Labels[0]][d.Labels[1]] = true
	}
	texts := []string{"", "。。。", "停水", "噪音", "公交车", "学校", "abc 123", "停水噪音公交学校污染道路",
		"完全无关的一句话", strings.Repeat("水", 1000)}
	for _, text := range texts {
		ps := m.Predict(text, 10)
		if len(ps) != 4 {
			t.Fatalf("Predict(%q, 10) gave %d predictions, want all 4 level-1 classes", text, len(ps))
		}
		var sum float64
		for i, p := range ps {
			sum += p.Probs[0]
			if !children[p.Labels[0]][p.Labels[1]] {
				t.Errorf("Predict(%q)[%d] = %q: level 2 is not a child of level 1", text, i, p.Labels)
			}
			if p.Labels[2] != "" {
				t.Errorf("Predict(%q)[%d] = %q: level 3 set without level-3 training labels", text, i, p.Labels)
			}
			if i > 0 && p.Probs[0] > ps[i-1].Probs[0] {
				t.Errorf("Predict(%q): not sorted by probability", text)
			}
			if want := p.Probs[0] * p.Probs[1]; abs(p.Score-want) > 1e-9 {
				t.Errorf("Predict(%q)[%d]: Score %g, want %g", text, i, p.Score, want)
			}
		}
		if abs(sum-1) > 1e-6 {
			t.Errorf("Predict(%q): level-1 probabilities sum to %g", text, sum)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestThreeLevels(t *testing.T) {
	var docs []Doc
	add := func(l1, l2, l3, text string) {
		for i := 0; i < 5; i++ {
			docs = append(docs, Doc{Text: fmt.Sprintf("%s 第%d次", text, i), Labels: [3]string{l1, l2, l3}})
		}
	}
	add("城乡建设", "城市建设和市政管理", "自来水供应", "停水 自来水 水压低")
	add("城乡建设", "城市建设和市政管理", "燃气供应", "燃气 天然气 没气")
	add("城乡建设", "城乡规划", "违章建筑", "违建 私搭乱建 违章建筑")
	add("环境保护", "", "", "噪音 扰民 油烟")
	m, err := Train(docs, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantPaths := [][3]string{
		{"城乡建设", "城乡规划", "违章建筑"},
		{"城乡建设", "城市建设和市政管理", "燃气供应"},
		{"城乡建设", "城市建设和市政管理", "自来水供应"},
		{"环境保护", "", ""},
	}
	if got := m.Paths(); !slices.Equal(got, wantPaths) {
		t.Errorf("Paths() = %q, want %q", got, wantPaths)
	}
	tests := []struct {
		text string
		want [3]string
	}{
		{"家里停水了", [3]string{"城乡建设", "城市建设和市政管理", "自来水供应"}},
		{"天然气没气", [3]string{"城乡建设", "城市建设和市政管理", "燃气供应"}},
		{"楼顶私搭乱建", [3]string{"城乡建设", "城乡规划", "违章建筑"}},
		{"油烟扰民", [3]string{"环境保护", "", ""}},
	}
	for _, tt := range tests {
		if got := m.Predict(tt.text, 1)[0].Labels; got != tt.want {
			t.Errorf("Predict(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestExplanationTerms(t *testing.T) {
	m, err := Train(fixture(t), Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text, label, decisive string
	}{
		{"我家楼上每天都停水，请尽快解决", "城乡建设", "水"},
		{"晚上十一点还有施工噪音", "环境保护", "噪"},
		{"公交车司机不停站", "交通运输", "公交"},
	}
	for _, tt := range tests {
		p := m.Predict(tt.text, 1)[0]
		if p.Labels[0] != tt.label {
			t.Errorf("Predict(%q) = %q, want %s", tt.text, p.Labels[0], tt.label)
			continue
		}
		found := false
		for _, term := range p.Terms {
			if strings.Contains(term.Text, tt.decisive) {
				found = true
			}
			if !strings.Contains(tt.text, term.Text) {
				t.Errorf("Predict(%q): term %q is not in the text", tt.text, term.Text)
			}
		}
		if !found {
			t.Errorf("Predict(%q) terms %v: want one containing %q", tt.text, p.Terms, tt.decisive)
		}
	}
	if top := m.TopTerms("环境保护"); len(top) == 0 {
		t.Error("TopTerms(环境保护) is empty")
	}
	if top := m.TopTerms("no such class"); top != nil {
		t.Errorf("TopTerms(unknown) = %v, want nil", top)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	docs := fixture(t)
	m, err := Train(docs, Config{Seed: 1, Model: "nbsvm"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m2.Config(), m.Config()) {
		t.Errorf("config: got %+v, want %+v", m2.Config(), m.Config())
	}
	if !slices.Equal(m2.TopTerms("城乡建设"), m.TopTerms("城乡建设")) {
		t.Error("explanation dictionary differs after load")
	}
	texts := []string{"停水三天", "噪音扰民", "学校收费", "公交车太少", "", "无关文本"}
	for _, d := range docs {
		texts = append(texts, d.Text)
	}
	for _, text := range texts {
		a, b := m.Predict(text, 3), m2.Predict(text, 3)
		for i := range a {
			if a[i].Labels != b[i].Labels || abs(a[i].Score-b[i].Score) > 1e-3 {
				t.Fatalf("Predict(%q)[%d]: before save %q %.5f, after load %q %.5f",
					text, i, a[i].Labels, a[i].Score, b[i].Labels, b[i].Score)
			}
		}
	}
}

func TestLoadRefuses(t *testing.T) {
	m, err := Train(fixture(t), Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	future := slices.Clone(good)
	binary.LittleEndian.PutUint16(future[len(fileMagic):], fileVersion+1)
	truncated := good[:len(good)/2]
	words := withHeader(t, good, func(hj []byte) []byte {
		return bytes.Replace(hj, []byte(`"features":{`), []byte(`"features":{"words":true,`), 1)
	})
	tests := []struct {
		name    string
		data    []byte
		version bool
	}{
		{"empty", nil, false},
		{"not a model", []byte("id,label\n1,x\n"), false},
		{"future version", future, true},
		{"truncated", truncated, false},
		{"word features (dropped)", words, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(tt.data))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if errors.Is(err, ErrVersion) != tt.version {
				t.Errorf("Load error %q: errors.Is(ErrVersion) = %v, want %v", err, !tt.version, tt.version)
			}
			if tt.version && !strings.Contains(err.Error(), "版本") {
				t.Errorf("version error %q does not say 版本", err)
			}
		})
	}
}

// withHeader rewrites the JSON header of the model file data with edit.
func withHeader(t *testing.T, data []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data[len(fileMagic)+2:]))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	hl := binary.LittleEndian.Uint32(plain)
	hj := edit(slices.Clone(plain[4 : 4+hl]))
	if bytes.Equal(hj, plain[4:4+hl]) {
		t.Fatal("header edit changed nothing")
	}
	var out bytes.Buffer
	out.Write(data[:len(fileMagic)+2])
	zw := gzip.NewWriter(&out)
	binary.Write(zw, binary.LittleEndian, uint32(len(hj)))
	zw.Write(hj)
	zw.Write(plain[4+hl:])
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestTrainRejects(t *testing.T) {
	tests := []struct {
		name string
		docs []Doc
		cfg  Config
	}{
		{"no documents", nil, Config{}},
		{"missing level 1", []Doc{{Text: "停水", Labels: [3]string{"", "供水"}}}, Config{}},
		{"level 3 without level 2", []Doc{{Text: "停水", Labels: [3]string{"城乡建设", "", "自来水"}}}, Config{}},
		{"bad model", []Doc{{Text: "停水", Labels: [3]string{"a"}}}, Config{Model: "forest"}},
		{"bad n-gram range", []Doc{{Text: "停水", Labels: [3]string{"a"}}}, Config{Features: FeatureConfig{MinN: 3, MaxN: 2}}},
		{"no features", []Doc{{Text: "。。", Labels: [3]string{"a"}}, {Text: "！", Labels: [3]string{"b"}}}, Config{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Train(tt.docs, tt.cfg); err == nil {
				t.Error("Train succeeded, want an error")
			}
		})
	}
}

func TestCrossValidate(t *testing.T) {
	docs := fixture(t)
	r, err := CrossValidate(docs, 4, 1, Config{CalibFolds: -1})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, row := range r.Confusion {
		for _, n := range row {
			total += n
		}
	}
	if total != len(docs) {
		t.Errorf("confusion matrix counts %d documents, want %d", total, len(docs))
	}
	if r.MacroF1 < 0.85 {
		t.Errorf("macro-F1 %.3f, want ≥ 0.85 on the easy fixture", r.MacroF1)
	}
	if r.PathN != len(docs) {
		t.Errorf("PathN %d, want %d", r.PathN, len(docs))
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil || !strings.Contains(b.String(), "macro-F1") {
		t.Errorf("WriteText: %v\n%s", err, b.String())
	}
}

func FuzzLoad(f *testing.F) {
	m, err := Train(fixture(f), Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(fileMagic + "\x01\x00"))
	docs, tags := aliasDocs()
	tm, err := Train(docs, Config{Seed: 1, CalibFolds: -1, Features: FeatureConfig{Tags: tags}})
	if err != nil {
		f.Fatal(err)
	}
	buf.Reset()
	if err := tm.Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		if err == nil {
			m.Predict("停水噪音", 3) // must not panic on any model that loads
		}
	})
}

func FuzzPredict(f *testing.F) {
	m, err := Train(fixture(f), Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("停水三天", 1)
	f.Add("\xff\xfe", 3)
	f.Fuzz(func(t *testing.T, text string, k int) {
		ps := m.Predict(text, k%8)
		if len(ps) == 0 {
			t.Fatal("no prediction")
		}
	})
}

// benchTickets makes n synthetic tickets of about 300 characters by joining
// random fixture sentences, with a varied filler so that the vocabulary is
// not tiny.
func benchTickets(tb testing.TB, n int) []Doc {
	docs := fixture(tb)
	rng := rand.New(rand.NewPCG(1, 2))
	filler := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
	out := make([]Doc, n)
	for i := range out {
		d := docs[rng.IntN(len(docs))]
		var b strings.Builder
		for b.Len() < 900 { // ~300 runes of 3 bytes
			if rng.IntN(3) == 0 {
				b.WriteString(docs[rng.IntN(len(docs))].Text)
			} else {
				b.WriteString(d.Text)
			}
			for j := 0; j < 20; j++ {
				b.WriteRune(filler[rng.IntN(len(filler))])
			}
		}
		out[i] = Doc{Text: b.String(), Labels: d.Labels}
	}
	return out
}

// benchDocs are the dev messages when JICENG_DEV_MESSAGES is set (a model
// of realistic size), else synthetic tickets.
func benchDocs(b *testing.B, n int) []Doc {
	if p := os.Getenv("JICENG_DEV_MESSAGES"); p != "" {
		return readDevDocs(b, p, "")
	}
	return benchTickets(b, n)
}

func BenchmarkExtract(b *testing.B) {
	docs := benchTickets(b, 1000)
	cfg := FeatureConfig{}
	cfg.setDefaults()
	ex := newExtractor(cfg, nil)
	var runes int
	for _, d := range docs {
		runes += len([]rune(d.Text))
	}
	b.ResetTimer()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		ex.extract(docs[i%len(docs)].Text)
		i++
	}
	reportCPU(b, cpu, i)
	b.ReportMetric(float64(runes)/float64(len(docs)), "runes/ticket")
}

// BenchmarkPredict measures Predict(text, 1) on one goroutine, featurising
// and explanation included. Run with GOMAXPROCS=1 (-cpu 1).
func BenchmarkPredict(b *testing.B) {
	docs := benchDocs(b, 5000)
	m, err := Train(docs, Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		b.Fatal(err)
	}
	tickets := benchTickets(b, 1000)
	var runes int
	for _, d := range tickets {
		runes += len([]rune(d.Text))
	}
	benchPredict(b, m, tickets)
	b.ReportMetric(float64(runes)/float64(len(tickets)), "runes/ticket")
}

// benchPredict resets the timer and measures m.Predict(text, 1) on the
// tickets in turn, reporting the rates (reportCPU).
func benchPredict(b *testing.B, m *Model, tickets []Doc) {
	b.ResetTimer()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		m.Predict(tickets[i%len(tickets)].Text, 1)
		i++
	}
	reportCPU(b, cpu, i)
}

// BenchmarkTrain10k trains on 10,000 tickets with the default configuration
// (temperature calibration included). With JICENG_DEV_MESSAGES set they are
// the dev messages topped up to 10,000 by joining two random messages of the
// same class; otherwise synthetic ~300-character tickets.
func BenchmarkTrain10k(b *testing.B) {
	docs := benchTickets(b, 10000)
	if p := os.Getenv("JICENG_DEV_MESSAGES"); p != "" {
		docs = readDevDocs(b, p, "")
		byClass := map[string][]Doc{}
		for _, d := range docs {
			byClass[d.Labels[0]] = append(byClass[d.Labels[0]], d)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for len(docs) < 10000 {
			d := docs[rng.IntN(len(docs))]
			same := byClass[d.Labels[0]]
			docs = append(docs, Doc{Text: d.Text + same[rng.IntN(len(same))].Text, Labels: d.Labels})
		}
	}
	var runes int
	for _, d := range docs {
		runes += len([]rune(d.Text))
	}
	for b.Loop() {
		if _, err := Train(docs, Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(runes)/float64(len(docs)), "runes/ticket")
}

// reportCPU reports tickets/s by wall time and by process CPU time
// (cpu-tickets/s): with GOMAXPROCS=1 on a busy machine the second is the
// rate the code reaches on one core of its own.
func reportCPU(b *testing.B, cpuStart int64, n int) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tickets/s")
	if d := processCPU() - cpuStart; d > 0 {
		b.ReportMetric(float64(n)/(float64(d)/1e9), "cpu-tickets/s")
	}
}

// BenchmarkLoad measures reading a model file (with JICENG_DEV_MESSAGES, a
// model of the dev messages).
func BenchmarkLoad(b *testing.B) {
	m, err := Train(benchDocs(b, 5000), Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/(1<<20), "file-MB")
}

func TestPredictConcurrent(t *testing.T) {
	docs := fixture(t)
	m, err := Train(docs, Config{Seed: 1, CalibFolds: -1})
	if err != nil {
		t.Fatal(err)
	}
	want := make([][3]string, len(docs))
	for i, d := range docs {
		want[i] = m.Predict(d.Text, 1)[0].Labels
	}
	done := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for r := 0; r < 20; r++ {
				for i, d := range docs {
					if got := m.Predict(d.Text, 2)[0].Labels; got != want[i] {
						done <- fmt.Sprintf("doc %d: got %q, want %q", i, got, want[i])
						return
					}
				}
			}
			done <- ""
		}()
	}
	for g := 0; g < 4; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

func TestProbsMatchPredict(t *testing.T) {
	train, test := split(fixture(t))
	m, err := Train(train, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	labels := m.Labels()
	for _, d := range test[:min(len(test), 50)] {
		probs := m.Probs(d.Text)
		if len(probs) != len(labels) {
			t.Fatalf("Probs gave %d values for %d labels", len(probs), len(labels))
		}
		sum := 0.0
		for _, p := range probs {
			sum += p
		}
		if sum < 0.999 || sum > 1.001 {
			t.Fatalf("Probs(%q) sum to %v", d.Text, sum)
		}
		for _, p := range m.Predict(d.Text, len(labels)) {
			i := slices.Index(labels, p.Labels[0])
			if probs[i] != p.Probs[0] {
				t.Fatalf("Probs(%q)[%s] = %v, Predict says %v", d.Text, p.Labels[0], probs[i], p.Probs[0])
			}
		}
	}
}
