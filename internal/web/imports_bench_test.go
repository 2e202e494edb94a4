package web

import (
	"bufio"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/importer/importtest"
)

// importMemory uploads a generated export of n rows (importtest.CSVFile)
// through the import page as staff, imports it and returns the file's size
// and the Go heap before and at its peak during the upload, the preview and
// the import (live and not yet swept objects, sampled every millisecond).
func importMemory(tb testing.TB, n int) (size int64, before, peak uint64) {
	tb.Helper()
	f := importFixture(tb)
	p := importtest.CSVFile(tb, n)
	fi, err := os.Stat(p)
	if err != nil {
		tb.Fatal(err)
	}
	c := f.login(tb, "staff")
	csrf := csrfToken(sessionToken(tb, f, c))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	before = heap()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, heap())
			}
		}
	})
	id := jobOf(tb, upload(tb, f, c, csrf, "big.csv", bufio.NewReaderSize(openFile(tb, p), 64<<10), nil))
	if r := postForm(tb, f, c, "/import/"+id+"/start", shownForm(tb, f, id, csrf)); r.status != 303 {
		tb.Fatalf("start: %d %.500s", r.status, r.body)
	}
	j := waitJob(tb, f, id)
	close(stop)
	wg.Wait()
	if j.state != jobDone || j.sum.Created != n {
		tb.Fatalf("import: %s %q %+v", j.state, j.errMsg, j.sum)
	}
	return fi.Size(), before, peak
}

// shownForm is the form of job id's preview as a browser sends it: every
// column's field as preselected.
func shownForm(tb testing.TB, f *fixture, id, csrf string) url.Values {
	tb.Helper()
	f.server.imports.mu.Lock()
	j := f.server.imports.jobs[id]
	f.server.imports.mu.Unlock()
	v := url.Values{"csrf": {csrf}}
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, c := range j.choice {
		v.Set("field."+strconv.Itoa(i+1), c)
	}
	return v
}

// peakRSS is the process's peak resident memory (VmHWM), or 0.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestImportMemory: importing a file through the page does not hold it in
// memory: the heap grows by far less than the file.
func TestImportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 20,000 rows")
	}
	size, before, peak := importMemory(t, 20_000)
	t.Logf("file %.1f MB: heap %.1f MB before, peak %.1f MB", mb(size), mb(before), mb(peak))
	if grow := int64(peak) - int64(before); grow > 64<<20 {
		t.Errorf("the heap grew by %.1f MB importing a %.1f MB file", mb(grow), mb(size))
	}
}

// BenchmarkImportBig uploads and imports a 50 MB and a 200 MB file
// (225,000 and 900,000 rows) through the page, each into a new street, and
// reports the file's size, the heap before and at its peak and the peak
// resident memory of the process so far (VmHWM: the run of the larger file
// includes the smaller's):
//
//	JICENG_BENCH_BIG=1 go test ./internal/web -run XXX -bench ImportBig -benchtime 1x -timeout 30m -v
func BenchmarkImportBig(b *testing.B) {
	if os.Getenv("JICENG_BENCH_BIG") == "" {
		b.Skip("set JICENG_BENCH_BIG=1 to upload and import a 50 MB and a 200 MB file")
	}
	for _, rows := range []int{225_000, 900_000} {
		b.Run(strconv.Itoa(rows)+"rows", func(b *testing.B) {
			for b.Loop() {
				t0 := time.Now()
				size, before, peak := importMemory(b, rows)
				b.ReportMetric(time.Since(t0).Seconds(), "s")
				b.ReportMetric(mb(size), "file-MB")
				b.ReportMetric(mb(before), "heap-before-MB")
				b.ReportMetric(mb(peak), "heap-peak-MB")
				b.ReportMetric(mb(peakRSS()), "rss-peak-MB")
			}
		})
	}
}

func mb[T int64 | uint64](n T) float64 { return float64(n) / (1 << 20) }
