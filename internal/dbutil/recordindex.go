package dbutil

import (
	"jiceng/internal/core"
	"jiceng/internal/linkage"
)

// The record index (migration 0021) keeps, beside each record, its match
// keys (record_keys: linkage.RecordKeys of its values) for the lookups of
// core.RecordStore.LookupRecords, and its search grams (record_grams:
// linkage.TextGrams of its name and address) for RecordFilter.Query. Both
// stores rewrite a record's rows in the transaction that writes the record.

// RecordIndex returns the index rows of r: its match keys and its search
// grams.
func RecordIndex(r core.Record) (keys []linkage.MatchKey, grams []string) {
	name, address, _, _ := RecordMirror(r)
	return linkage.RecordKeys(r.Kind, r.Values), linkage.TextGrams(name, address)
}
