package replycheck

import "testing"

// BenchmarkMonth checks a month's 5,000 demo replies, the corpus built from
// them included, and reports replies per second: go test -run XXX -bench
// Month -benchtime 3x ./internal/replycheck.
func BenchmarkMonth(b *testing.B) {
	ps := demoPairs(b, 6000)
	if len(ps) > 5000 {
		ps = ps[:5000]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c := NewCorpus(ps)
		for _, p := range ps {
			Check(p.Message, p.Reply, c)
		}
	}
	b.ReportMetric(float64(b.N*len(ps))/b.Elapsed().Seconds(), "replies/s")
}

// BenchmarkCorpus measures building the corpus of 5,000 replies alone.
func BenchmarkCorpus(b *testing.B) {
	ps := demoPairs(b, 6000)
	if len(ps) > 5000 {
		ps = ps[:5000]
	}
	for b.Loop() {
		NewCorpus(ps)
	}
}
