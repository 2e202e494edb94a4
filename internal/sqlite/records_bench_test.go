package sqlite

import (
	"testing"

	"jiceng/internal/storetest"
)

// BenchmarkUpsertRecords measures a registry load: batches of 2,000 new
// person records into a growing database.
//
//	go test ./internal/sqlite -run '^$' -bench 'Records$' -benchtime 10x
func BenchmarkUpsertRecords(b *testing.B) {
	storetest.BenchUpsertRecords(b, mustOpen(b, nil), benchBatch)
}

// BenchmarkUnchangedRecords measures loading 2,000 stored records again.
//
//	go test ./internal/sqlite -run '^$' -bench 'Records$' -benchtime 10x
func BenchmarkUnchangedRecords(b *testing.B) {
	storetest.BenchUnchangedRecords(b, mustOpen(b, nil), benchBatch)
}
