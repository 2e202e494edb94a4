package importtest_test

import (
	"context"
	"path/filepath"
	"testing"

	"jiceng/internal/importer"
	"jiceng/internal/importer/importtest"
	"jiceng/internal/sqlite"
)

// BenchmarkImport measures a whole import into a new SQLite database.
func BenchmarkImport(b *testing.B) {
	const n = 50000
	p := importtest.CSVFile(b, n)
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
