package dispatch_test

import (
	"testing"

	"jiceng/internal/demo"
	"jiceng/internal/dispatch"
)

// benchTickets is the size of the history the benchmarks train on: a
// street's history the server trains from at start-up.
const benchTickets = 20000

// BenchmarkTrain measures training on 20,000 demo tickets (one training
// per op): go test -run XXX -bench Train ./internal/dispatch
func BenchmarkTrain(b *testing.B) {
	h := loadHistory(b, benchTickets)
	ex := examples(append(h.train, h.test...))
	cfg := modelConfig(h.st)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dispatch.Train(ex, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ex)), "tickets")
}

// BenchmarkRecommend measures one recommendation by the combined
// recommender (catalogue, then model, top 3).
func BenchmarkRecommend(b *testing.B) {
	h := loadHistory(b, benchTickets)
	m, err := dispatch.Train(examples(h.train), modelConfig(h.st))
	if err != nil {
		b.Fatal(err)
	}
	rec := &dispatch.Recommender{Catalogue: dispatch.NewCatalogue(demo.DispatchCatalogue(h.st), h.st.Areas, h.st.Units), Model: m}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec.Recommend(h.test[i%len(h.test)], nil, 3)
	}
}

// BenchmarkModelRecommend measures the model alone (no catalogue).
func BenchmarkModelRecommend(b *testing.B) {
	h := loadHistory(b, benchTickets)
	m, err := dispatch.Train(examples(h.train), modelConfig(h.st))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Recommend(h.test[i%len(h.test)], nil, 3)
	}
}
