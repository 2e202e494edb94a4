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

// SetDiff returns the values of old that are not in new (to delete) and
// those of new that are not in old (to add), each in its slice's order.
func SetDiff[T comparable](old, new []T) (gone, added []T) {
	in := make(map[T]bool, len(old)+len(new))
	for _, v := range new {
		in[v] = true
	}
	for _, v := range old {
		if !in[v] {
			gone = append(gone, v)
		}
	}
	clear(in)
	for _, v := range old {
		in[v] = true
	}
	for _, v := range new {
		if !in[v] {
			added = append(added, v)
		}
	}
	return gone, added
}
