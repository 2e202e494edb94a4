package classify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

// diffTexts are the texts the differential tests predict: the package's
// fixture, synthetic tickets, the messages of internal/extract and
// internal/deid's testdata, and edge cases (empty, only digits or
// punctuation, full-width and traditional characters, invalid UTF-8,
// characters outside the Basic Multilingual Plane).
func diffTexts(tb testing.TB) []string {
	tb.Helper()
	texts := []string{
		"", " ", "，。！", "12345", "电话13812345678", "ＡＢＣ１２３停水", "樓道燈不亮，電梯壞了",
		"abc DEF ghi", "停\xff水\xc3", "𠀀𠀁停水𪚥", "水", "停水", "停水停水停水", strings.Repeat("噪音扰民", 200),
		"垃圾 清运 垃圾，清运", "Ⅻ②③ⅰ", "ǅǈ ßẞ", "\u3000\u3000停电",
	}
	for _, d := range fixture(tb) {
		texts = append(texts, d.Text)
	}
	for _, d := range benchTickets(tb, 300) {
		texts = append(texts, d.Text)
	}
	if b, err := os.ReadFile("../extract/testdata/intents.tsv"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Split(line, "\t"); len(f) == 4 && !strings.HasPrefix(line, "#") {
				texts = append(texts, f[2]+f[3], f[3])
			}
		}
	} else {
		tb.Fatal(err)
	}
	f, err := os.Open("../deid/testdata/names_dev2.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct{ Title, Detail string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatal(err)
		}
		texts = append(texts, rec.Title, rec.Detail)
	}
	if len(texts) < 500 {
		tb.Fatalf("%d texts, want more", len(texts))
	}
	return texts
}

// samePrediction reports how a and b differ, bit for bit ("" if they do
// not).
func samePrediction(a, b []Prediction) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d predictions, want %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Labels != b[i].Labels {
			return fmt.Sprintf("[%d] labels %q, want %q", i, a[i].Labels, b[i].Labels)
		}
		for l := range a[i].Probs {
			if math.Float64bits(a[i].Probs[l]) != math.Float64bits(b[i].Probs[l]) {
				return fmt.Sprintf("[%d] probs %v, want %v", i, a[i].Probs, b[i].Probs)
			}
		}
		if math.Float64bits(a[i].Score) != math.Float64bits(b[i].Score) {
			return fmt.Sprintf("[%d] score %v, want %v", i, a[i].Score, b[i].Score)
		}
		if len(a[i].Terms) != len(b[i].Terms) {
			return fmt.Sprintf("[%d] terms %v, want %v", i, a[i].Terms, b[i].Terms)
		}
		for j := range a[i].Terms {
			if a[i].Terms[j].Text != b[i].Terms[j].Text || math.Float64bits(a[i].Terms[j].Weight) != math.Float64bits(b[i].Terms[j].Weight) {
				return fmt.Sprintf("[%d] terms %v, want %v", i, a[i].Terms, b[i].Terms)
			}
		}
	}
	return ""
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// checkAgainst compares m's Predict and Probs with ref's on texts.
func checkAgainst(t *testing.T, m *Model, ref *refModel, texts []string) {
	t.Helper()
	k := len(m.Labels())
	for _, text := range texts {
		for _, n := range []int{1, k} {
			if d := samePrediction(m.Predict(text, n), ref.Predict(text, n)); d != "" {
				t.Fatalf("Predict(%.60q, %d): %s", text, n, d)
			}
		}
		if got, want := m.Probs(text), ref.Probs(text); !sameFloats(got, want) {
			t.Fatalf("Probs(%.60q) = %v, want %v", text, got, want)
		}
	}
}

// TestPredictMatchesReference compares the fast prediction path with the
// old one (reference_test.go) bit for bit: on trained models (whose child
// nodes hold unquantised weights), on the same models saved and loaded,
// with the file read by an independent reader, and on the embedded intent
// model of internal/extract.
func TestPredictMatchesReference(t *testing.T) {
	texts := diffTexts(t)
	docs := fixture(t)
	var three []Doc
	add := func(l1, l2, l3, text string) {
		for i := 0; i < 5; i++ {
			three = append(three, Doc{Text: fmt.Sprintf("%s 第%d次", text, i), Labels: [3]string{l1, l2, l3}})
		}
	}
	add("城乡建设", "城市建设和市政管理", "自来水供应", "停水 自来水 水压低")
	add("城乡建设", "城市建设和市政管理", "燃气供应", "燃气 天然气 没气")
	add("城乡建设", "城乡规划", "违章建筑", "违建 私搭乱建 违章建筑")
	add("环境保护", "", "", "噪音 扰民 油烟")
	three = append(three, docs...)
	aliasDocs, tags := aliasDocs()
	tests := []struct {
		name string
		docs []Doc
		cfg  Config
	}{
		{"default", docs, Config{Seed: 1}},
		{"three levels", three, Config{Seed: 2}},
		{"per order 1..3-grams", docs, Config{Seed: 1, Features: FeatureConfig{PerOrder: true, MaxN: 3}}},
		{"2..3-grams min df 2 svm", docs, Config{Seed: 1, Model: "svm", Features: FeatureConfig{MinN: 2, MaxN: 3, MinDF: 2, Bits: 12}}},
		{"tags per order", aliasDocs, Config{Seed: 1, Features: FeatureConfig{Tags: tags, PerOrder: true}}},
		{"tags", append(aliasDocs, docs...), Config{Seed: 3, Features: FeatureConfig{Tags: tags}}},
		{"synthetic tickets", benchTickets(t, 1500), Config{Seed: 1, CalibFolds: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Train(tt.docs, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkAgainst(t, m, newRefModel(m), texts)
			var buf bytes.Buffer
			if err := m.Save(&buf); err != nil {
				t.Fatal(err)
			}
			m2, err := Load(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			ref, err := refFromFile(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			checkAgainst(t, m2, ref, texts)
			var again bytes.Buffer
			if err := m2.Save(&again); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Error("a loaded model saves to other bytes")
			}
		})
	}
	t.Run("intent model", func(t *testing.T) {
		b, err := os.ReadFile("../extract/intent_model.bin")
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		ref, err := refFromFile(b)
		if err != nil {
			t.Fatal(err)
		}
		checkAgainst(t, m, ref, texts)
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(payload(t, buf.Bytes()), payload(t, b)) {
			t.Error("the embedded model saves to another content")
		}
	})
}

// payload returns the head and the uncompressed content of a model file.
func payload(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b[len(fileMagic)+2:]))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return append(b[:len(fileMagic)+2:len(fileMagic)+2], body...)
}

// TestExtractMatchesReference compares the extractor with the old one,
// feature for feature, on every configuration of the n-gram orders.
func TestExtractMatchesReference(t *testing.T) {
	texts := diffTexts(t)
	_, tags := aliasDocs()
	for _, cfg := range []FeatureConfig{
		{}, {MinN: 1, MaxN: 3}, {MinN: 2, MaxN: 2}, {MinN: 3, MaxN: 6, Bits: 10}, {MinN: 1, MaxN: 1, Bits: 24}, {Tags: tags},
	} {
		cfg.setDefaults()
		var tm *tagMatcher
		if len(cfg.Tags) > 0 {
			tm = newTagMatcher(cfg.Tags, cfg.Bits)
		}
		ex, ref := newExtractor(cfg, tm), &refExtractor{cfg: cfg, tags: tm}
		for _, text := range texts {
			got, want := ex.extract(text), ref.extract(text)
			if len(got) != len(want) {
				t.Fatalf("%+v: extract(%.60q): %d features, want %d", cfg, text, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%+v: extract(%.60q)[%d] = %+v, want %+v", cfg, text, i, got[i], want[i])
				}
				if g, w := ex.gram(got[i]), ref.gram(want[i]); g != w {
					t.Fatalf("%+v: gram(%.60q)[%d] = %q, want %q", cfg, text, i, g, w)
				}
			}
		}
	}
}

// BenchmarkProbsIntent measures Probs of the embedded intent model of
// internal/extract (6 classes, 2^18 buckets) on synthetic tickets;
// BenchmarkProbsIntentReference the same with the old path
// (reference_test.go), for comparison in one run.
func BenchmarkProbsIntent(b *testing.B) { benchIntent(b, false) }

func BenchmarkProbsIntentReference(b *testing.B) { benchIntent(b, true) }

func benchIntent(b *testing.B, old bool) {
	bin, err := os.ReadFile("../extract/intent_model.bin")
	if err != nil {
		b.Fatal(err)
	}
	m, err := Load(bytes.NewReader(bin))
	if err != nil {
		b.Fatal(err)
	}
	ref, err := refFromFile(bin)
	if err != nil {
		b.Fatal(err)
	}
	tickets := benchTickets(b, 1000)
	b.ResetTimer()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		if old {
			ref.Probs(tickets[i%len(tickets)].Text)
		} else {
			m.Probs(tickets[i%len(tickets)].Text)
		}
		i++
	}
	reportCPU(b, cpu, i)
}

// BenchmarkExtractReference is BenchmarkExtract with the old extractor
// (reference_test.go), for comparison in one run.
func BenchmarkExtractReference(b *testing.B) {
	docs := benchTickets(b, 1000)
	cfg := FeatureConfig{}
	cfg.setDefaults()
	ex := &refExtractor{cfg: cfg}
	b.ResetTimer()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		ex.extract(docs[i%len(docs)].Text)
		i++
	}
	reportCPU(b, cpu, i)
}
