package postgres

import (
	"testing"

	"jiceng/internal/storetest"
)

const benchBatch = 2000

// BenchmarkUpsertTickets measures the import stage: batches of 2,000 new,
// realistic tickets into a growing database, with their create events and
// keyword index. It needs JICENG_TEST_PG, like the tests.
func BenchmarkUpsertTickets(b *testing.B) {
	storetest.BenchUpsert(b, mustOpen(b, nil), benchBatch)
}

// BenchmarkUpsertUnchanged measures re-importing a batch that is already
// stored: read, compare, write nothing.
func BenchmarkUpsertUnchanged(b *testing.B) {
	storetest.BenchUnchanged(b, mustOpen(b, nil), benchBatch)
}

// BenchmarkPutPredictions measures storing the predictions of an import:
// batches of 2,000 full predictions of stored tickets per PutPredictions
// call, replacing the earlier ones.
func BenchmarkPutPredictions(b *testing.B) {
	storetest.BenchPutPredictions(b, mustOpen(b, nil), benchBatch)
}
