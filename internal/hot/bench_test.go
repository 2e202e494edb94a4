package hot

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
)

// demoDocs returns n tickets of the demo street as Docs (title and
// content, community, category, caller phone), generated once per n.
func demoDocs(tb testing.TB, n int) []Doc {
	tb.Helper()
	demoCache.Lock()
	defer demoCache.Unlock()
	if ds, ok := demoCache.m[n]; ok {
		return ds
	}
	ds := make([]Doc, 0, n)
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime)
	err := demo.Tickets(demo.NewStreet(1), demo.Options{Seed: 1, End: end, Tickets: n}, func(t core.Ticket) error {
		ds = append(ds, Doc{ID: strconv.Itoa(len(ds) + 1), Text: t.Title + "。" + t.Content, Place: t.Community,
			Category: t.Category2, Time: t.ReceivedAt, Caller: t.CallerPhone})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if demoCache.m == nil {
		demoCache.m = map[int][]Doc{}
	}
	demoCache.m[n] = ds
	return ds
}

var demoCache struct {
	sync.Mutex
	m map[int][]Doc
}

func texts(ds []Doc) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Text
	}
	return out
}

// BenchmarkSimilar looks up one new ticket against an index of 1,000,000
// demo tickets (built once, outside the timing) and reports the index's
// heap bytes per ticket: go test -run XXX -bench Similar -benchtime 2000x
// ./internal/hot. HOT_BENCH_N changes the index size.
func BenchmarkSimilar(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("HOT_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	const queries = 2000
	ds := demoDocs(b, n+queries)
	common := CommonShingles(texts(ds[:20000]), DefaultN, 0.02, 50)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix := NewIndex(Options{Common: common})
	for _, d := range ds[:n] {
		ix.Add(d)
	}
	build := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	qs := ds[n:]
	dups := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ms := ix.Similar(qs[i%len(qs)], 5)
		if len(ms) > 0 && ms[0].Duplicate {
			dups++
		}
	}
	b.ReportMetric(float64(dups)/float64(b.N), "dup-rate")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heapB/doc")
	b.ReportMetric(build.Seconds(), "build-s")
	runtime.KeepAlive(ix)
}

// BenchmarkClusters clusters 100,000 demo tickets (about two years of a
// busy street, one window) and reports the clusters found and the heap
// allocated per run: go test -run XXX -bench Clusters -benchtime 1x
// ./internal/hot. HOT_BENCH_N changes the number of tickets.
func BenchmarkClusters(b *testing.B) {
	n := 100_000
	if s := os.Getenv("HOT_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ds := demoDocs(b, n)
	var cs []Cluster
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cs = Clusters(ds, ClusterOptions{})
	}
	big := 0
	for _, c := range cs {
		big = max(big, len(c.IDs))
	}
	b.ReportMetric(float64(len(cs)), "clusters")
	b.ReportMetric(float64(big), "largest")
}
