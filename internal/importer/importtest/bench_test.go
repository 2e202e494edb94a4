package importtest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"jiceng/internal/importer"
	"jiceng/internal/importer/importtest"
	"jiceng/internal/sqlite"
)

func writeBench(b *testing.B, n int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := importtest.WriteCSV(f, 0, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

// BenchmarkImport measures a whole import into a new SQLite database.
func BenchmarkImport(b *testing.B) {
	const n = 50000
	p := writeBench(b, n)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		sum, err := importer.Import(ctx, db, p, importer.Options{})
		if err != nil || sum.Created != n {
			b.Fatal(sum, err)
		}
		db.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tickets/s")
}
