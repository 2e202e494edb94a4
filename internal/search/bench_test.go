package search

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
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
	cpu0 := processCPU()
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
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n*b.N)/(float64(cpu)/1e9), "passages/cpu-s")
	}
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
	start, cpu0 := time.Now(), processCPU()
	if err := ix.Index(docs); err != nil {
		b.Fatal(err)
	}
	took, cpu := time.Since(start), time.Duration(processCPU()-cpu0)
	np := countPassages(docs)
	b.Logf("indexed %d passages in %s, %s of CPU (%.0f passages/s, %.0f per CPU second)", np,
		took.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(np)/took.Seconds(), float64(np)/cpu.Seconds())
	settle(b, ix)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.Logf("heap in use after indexing: %.0f MB; index on disk: %.0f MB", float64(ms.HeapInuse)/(1<<20), float64(dirSize(dir))/(1<<20))
	qs := benchQuestions(b)
	var lat, cpuLat []time.Duration
	// One OS thread, so that its CPU time is the query's.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t, c := time.Now(), threadCPU()
		if _, err := ix.Search(Query{Text: qs[i%len(qs)], K: 5}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		cpuLat = append(cpuLat, time.Duration(threadCPU()-c))
	}
	b.StopTimer()
	pct := func(d []time.Duration, p float64) float64 {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.95), "p95-ms")
	b.ReportMetric(pct(cpuLat, 0.5), "p50-cpu-ms")
	b.ReportMetric(pct(cpuLat, 0.95), "p95-cpu-ms")
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

// settle waits until the index's background merges are done (its root
// epoch unchanged for 3 s, 2 minutes at most): a deployed index is
// searched at rest, not while the segments of its last import merge.
func settle(tb testing.TB, ix *Index) {
	last, still := uint64(0), 0
	for i := 0; i < 120 && still < 3; i++ {
		time.Sleep(time.Second)
		e := rootEpoch(ix.bi.StatsMap())
		if e == last {
			still++
		} else {
			last, still = e, 0
		}
	}
}

// rootEpoch finds scorch's CurRootEpoch in a bleve stats map.
func rootEpoch(m map[string]any) uint64 {
	for k, v := range m {
		switch v := v.(type) {
		case uint64:
			if k == "CurRootEpoch" {
				return v
			}
		case map[string]any:
			if e := rootEpoch(v); e != 0 {
				return e
			}
		}
	}
	return 0
}
