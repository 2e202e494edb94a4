package postgres

import (
	"testing"

	"jiceng/internal/storetest"
)

// BenchmarkUpsertRecords measures a registry load: batches of 2,000 new
// person records into a growing database.
//
//	scripts/test.sh -run '^$' -bench 'Records$' -benchtime 10x ./internal/postgres
func BenchmarkUpsertRecords(b *testing.B) {
	storetest.BenchUpsertRecords(b, mustOpen(b, nil), benchBatch)
}

// BenchmarkUnchangedRecords measures loading 2,000 stored records again.
//
//	scripts/test.sh -run '^$' -bench 'Records$' -benchtime 10x ./internal/postgres
func BenchmarkUnchangedRecords(b *testing.B) {
	storetest.BenchUnchangedRecords(b, mustOpen(b, nil), benchBatch)
}
