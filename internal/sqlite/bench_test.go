package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"jiceng/internal/storetest"
)

const benchBatch = 2000

// BenchmarkUpsertTickets measures the import stage: batches of 2,000 new,
// realistic tickets (all fields, 200-400 characters of request text) into a
// growing database, with their create events and keyword index.
func BenchmarkUpsertTickets(b *testing.B) {
	storetest.BenchUpsert(b, mustOpen(b, nil), benchBatch)
}

// BenchmarkUpsertUnchanged measures re-importing a batch that is already
// stored: read, compare, write nothing.
func BenchmarkUpsertUnchanged(b *testing.B) {
	storetest.BenchUnchanged(b, mustOpen(b, nil), benchBatch)
}

// bench1M is the size of the query benchmark's database.
const bench1M = 1_000_000

// BenchmarkTickets1M measures filtered list pages (with their total count)
// on a database of a million tickets. Building it takes minutes, so the
// benchmark runs only with JICENG_BENCH_1M=1, and the file is kept in the
// temporary directory, keyed by schema version, for the next run.
func BenchmarkTickets1M(b *testing.B) {
	if os.Getenv("JICENG_BENCH_1M") == "" {
		b.Skip("set JICENG_BENCH_1M=1 to build (once) and query a 1,000,000-ticket database")
	}
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("jiceng-bench-1m-v%d-g5.db", SchemaVersion()))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		db, err := Open(ctx, tmp, nil)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		err = storetest.Fill(ctx, db, bench1M, benchBatch, func(done int) {
			if done%100_000 == 0 {
				b.Logf("built %d tickets in %s", done, time.Since(t0).Round(time.Second))
			}
		})
		if err == nil {
			// Fold the WAL into the file and refresh the planner's statistics.
			_, err = db.write.ExecContext(ctx, "PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)")
		}
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %s", path, time.Since(t0).Round(time.Second))
	}
	db, err := Open(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	storetest.BenchQueries(b, db, bench1M)
}

// BenchmarkUpsertNoSearchIndex is BenchmarkUpsertTickets with the keyword
// index replaced by a view that drops what is written to it: the difference
// is the import cost of the index.
func BenchmarkUpsertNoSearchIndex(b *testing.B) {
	db := mustOpen(b, nil)
	for _, q := range []string{"DROP TABLE ticket_search",
		"CREATE VIEW ticket_search (rowid, body, ticket_search) AS SELECT 0, '', ''",
		"CREATE TRIGGER ticket_search_drop INSTEAD OF INSERT ON ticket_search BEGIN SELECT 1; END"} {
		if _, err := db.write.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	storetest.BenchUpsert(b, db, benchBatch)
}

// BenchmarkPutPredictions measures storing the predictions of an import:
// batches of 2,000 predictions (every field, two places) of stored tickets
// per PutPredictions call, replacing the earlier ones.
func BenchmarkPutPredictions(b *testing.B) {
	storetest.BenchPutPredictions(b, mustOpen(b, nil), benchBatch)
}
