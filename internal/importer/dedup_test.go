package importer

import "testing"

func TestHashSet(t *testing.T) {
	var s hashSet
	if s.has(7) {
		t.Fatal("empty set has 7")
	}
	for i := uint64(0); i < 100000; i++ {
		if !s.add(i * 0x9E3779B97F4A7C15) {
			t.Fatalf("add %d: not new", i)
		}
	}
	for i := uint64(0); i < 100000; i++ {
		h := i * 0x9E3779B97F4A7C15
		if s.add(h) || !s.has(h) {
			t.Fatalf("hash %d lost", i)
		}
	}
	if s.has(12345) {
		t.Error("has a hash never added")
	}
	if perRow := float64(s.bytes()) / 100000; perRow > 16.5 {
		t.Errorf("%.1f bytes per number, want at most 16", perRow)
	}
}
