package search

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/policy"
)

// benchDocs returns about n passages made from the demo policies: copy c
// of every document is the document under the ID "<id>~c", its title
// followed by "（c）", each passage's sentences rotated by c places and
// each of its numbers plus c. The copies share the demo's vocabulary, so
// the index's postings are as long as a base of that size would have
// them, and no two passages are the same.
func benchDocs(tb testing.TB, n int) []policy.Document {
	tb.Helper()
	base := demoDocs(tb)
	per := 0
	for _, d := range base {
		per += len(d.Passages)
	}
	copies := (n + per - 1) / per
	num := regexp.MustCompile(`[0-9]+`)
	var docs []policy.Document
	total := 0
	for c := 0; c < copies && total < n; c++ {
		for _, d := range base {
			cp := d
			cp.ID = fmt.Sprintf("%s~%d", d.ID, c)
			cp.Title = fmt.Sprintf("%s（%d）", d.Title, c)
			cp.Number = fmt.Sprintf("%s-%d", d.Number, c)
			cp.Supersedes = nil
			cp.Passages = make([]policy.Passage, len(d.Passages))
			for i, p := range d.Passages {
				ss := sentences(p.Text)
				if len(ss) > 1 {
					k := c % len(ss)
					ss = append(ss[k:], ss[:k]...)
				}
				t := num.ReplaceAllStringFunc(strings.Join(ss, ""), func(s string) string {
					v, _ := strconv.Atoi(s)
					return strconv.Itoa(v + c)
				})
				p.ID = fmt.Sprintf("%s#%d", cp.ID, i+1)
				p.Text = t
				cp.Passages[i] = p
			}
			total += len(cp.Passages)
			docs = append(docs, cp)
		}
	}
	return docs
}

func countPassages(docs []policy.Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Passages)
	}
	return n
}

// BenchmarkIndex indexes 10,000 passages into a new index on disk and
// reports passages per second.
func BenchmarkIndex(b *testing.B) {
	docs := benchDocs(b, 10000)
	n := countPassages(docs)
	for b.Loop() {
		b.StopTimer()
		ix, err := Open(filepath.Join(b.TempDir(), "idx"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := ix.Index(docs); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		ix.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "passages/s")
}

// benchQuestions are the labelled questions' texts.
func benchQuestions(tb testing.TB) []string {
	var qs []string
	for _, q := range demoQuestions(tb) {
		qs = append(qs, q.Question)
	}
	return qs
}

// BenchmarkSearch100k searches the labelled questions on an index of
// 100,000 passages on disk (JICENG_BENCH_PASSAGES sets another size) and
// reports the 50th and 95th percentile latencies and the index size.
func BenchmarkSearch100k(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("JICENG_BENCH_PASSAGES")); err == nil && v > 0 {
		n = v
	}
	docs := benchDocs(b, n)
	dir := filepath.Join(b.TempDir(), "idx")
	ix, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	if err := ix.Index(docs); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.Logf("indexed %d passages in %s (%.0f passages/s)", countPassages(docs), took.Round(time.Millisecond), float64(countPassages(docs))/took.Seconds())
	qs := benchQuestions(b)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t := time.Now()
		if _, err := ix.Search(Query{Text: qs[i%len(qs)], K: 5}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(float64(dirSize(dir))/(1<<20), "index-MB")
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}
