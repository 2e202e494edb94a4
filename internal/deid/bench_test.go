package deid

import (
	"strings"
	"testing"
)

// benchText is a realistic mix: generated ticket texts, most of whose
// characters are ordinary Chinese prose.
var benchText = func() string {
	var b strings.Builder
	for _, d := range genCorpus(7, 2000) {
		b.WriteString(d.Text)
		b.WriteString(strings.Repeat("小区居民反映楼道灯长期不亮，夜间出行很不方便，希望物业尽快维修。", 2))
		b.WriteByte('\n')
	}
	return b.String()
}()

// BenchmarkSpans measures recognizer throughput; run with -cpu 1 for the
// one-core figure.
func BenchmarkSpans(b *testing.B) {
	lines := strings.Split(benchText, "\n")
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	cpu0 := processCPU()
	n := 0
	for b.Loop() {
		for _, l := range lines {
			Spans(l)
		}
		n++
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(benchText))*float64(n)/(float64(cpu)/1e9)/1e6, "cpuMB/s")
	}
}

// BenchmarkSpansProse measures text without personal data, the common case.
func BenchmarkSpansProse(b *testing.B) {
	text := strings.Repeat("小区居民反映楼道灯长期不亮，夜间出行很不方便，希望物业尽快维修。2024年3月5日已派单。", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Spans(text)
	}
}

func BenchmarkDictionaryText(b *testing.B) {
	p := DefaultDictionary()
	lines := strings.Split(benchText, "\n")[:500]
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, l := range lines {
			p.Text("community", "content", l)
		}
	}
}
