package linkage

import (
	"runtime"
	"testing"
)

// BenchmarkLink1M links one million generated resident records (two
// sources, realistic corruption) and reports precision and recall beside
// the time. The goal is ≤ 60 s on a 2-core machine. Reproduce with
//
//	go test -run '^$' -bench 'Link1M$' -benchtime 1x -benchmem ./internal/linkage/
//
// (generation is outside the timer; "jiceng link eval" prints the same run
// stage by stage).
func BenchmarkLink1M(b *testing.B) { benchLink(b, 1_000_000) }

// BenchmarkLink100k is BenchmarkLink1M at a tenth of the size:
//
//	go test -run '^$' -bench 'Link100k$' -benchmem ./internal/linkage/
func BenchmarkLink100k(b *testing.B) { benchLink(b, 100_000) }

func benchLink(b *testing.B, n int) {
	recs, truth := GeneratePeople(GenConfig{Records: n, Seed: 1})
	runtime.GC()
	b.ResetTimer()
	var r *Result
	for b.Loop() {
		l, err := Link(PeopleConfig(), recs)
		if err != nil {
			b.Fatal(err)
		}
		r = l.Result()
	}
	b.StopTimer()
	pw := EvaluatePairs(r, truth)
	cl := EvaluateClusters(r.Cluster, truth)
	b.ReportMetric(float64(r.Stats.Candidates), "pairs")
	b.ReportMetric(pw.Precision, "pairP")
	b.ReportMetric(pw.Recall, "pairR")
	b.ReportMetric(cl.Precision, "clusterP")
	b.ReportMetric(cl.Recall, "clusterR")
}

// BenchmarkParseAddress: go test -run '^$' -bench ParseAddress ./internal/linkage/
func BenchmarkParseAddress(b *testing.B) {
	for b.Loop() {
		ParseAddress("北京市朝阳区望京街道花家地社区阳光小区3号楼2单元301室")
	}
}

// BenchmarkCompare: one comparison vector of two resident records.
//
//	go test -run '^$' -bench Compare ./internal/linkage/
func BenchmarkCompare(b *testing.B) {
	cfg := PeopleConfig()
	recs := []Record{
		{Values: []string{"张伟明", "110105198001020014", "13812345678", "1980-01-02", "男", "北京市朝阳区望京街道阳光小区3号楼2单元301室"}},
		{Values: []string{"章伟明", "110105198001020041", "13812345679", "1980年1月3日", "1", "阳光小区3-2-302"}},
	}
	p, err := prepare(&cfg, recs, 1)
	if err != nil {
		b.Fatal(err)
	}
	l := &Linker{cfg: cfg, p: p}
	for b.Loop() {
		l.gamma(0, 1)
	}
}
