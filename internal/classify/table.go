package classify

import "math/bits"

// table maps hash buckets to weight rows with open addressing. It replaces a
// Go map in the prediction hot path: one multiply, one or two probes, no
// hashing of interface values.
type table struct {
	mask uint32
	keys []uint32 // bucket+1; 0 marks an empty slot
	vals []int32
}

func newTable(n int) table {
	size := 16
	if n > 4 {
		size = 1 << bits.Len(uint(2*n-1))
	}
	return table{mask: uint32(size - 1), keys: make([]uint32, size), vals: make([]int32, size)}
}

func (t *table) put(b uint32, v int32) {
	j := (b * 0x9e3779b1) & t.mask
	for t.keys[j] != 0 && t.keys[j] != b+1 {
		j = (j + 1) & t.mask
	}
	t.keys[j] = b + 1
	t.vals[j] = v
}

// get returns the row of bucket b, or -1.
func (t *table) get(b uint32) int32 {
	if len(t.keys) == 0 {
		return -1
	}
	j := (b * 0x9e3779b1) & t.mask
	for {
		k := t.keys[j]
		if k == b+1 {
			return t.vals[j]
		}
		if k == 0 {
			return -1
		}
		j = (j + 1) & t.mask
	}
}
