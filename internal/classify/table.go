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

// rankIndex maps the members of a set of keys below a bound to their rank
// in the set (0 for the smallest member, 1 for the next, ...) in 8 bytes
// per 32 possible keys: entry w holds in its high 32 bits the number of
// members below 32w and in its low 32 bits which of the keys 32w..32w+31
// are members. A look-up is one load and a population count, without a
// branch, so that the look-ups of a document's features overlap in the
// processor; a set of 2^20 possible buckets takes 256 KB, which stays in
// the cache where a table of every bucket's weights would not.
type rankIndex []uint64

// newRankIndex returns the index of keys (distinct, each below bound).
func newRankIndex(bound int, keys []uint32) rankIndex {
	x := make(rankIndex, (bound+31)/32)
	for _, k := range keys {
		x[k>>5] |= 1 << (k & 31)
	}
	n := 0
	for w := range x {
		x[w] |= uint64(n) << 32
		n += bits.OnesCount32(uint32(x[w]))
	}
	return x
}

// rank returns the rank of key k (below the index's bound) and 1 if k is a
// member, or an unspecified rank and 0 if it is not.
func (x rankIndex) rank(k uint32) (r int32, member int32) {
	e := x[k>>5]
	sh := k & 31
	low := uint32(e) & (1<<sh - 1)
	return int32(e>>32) + int32(bits.OnesCount32(low)), int32(e>>sh) & 1
}

// members calls f with every member of the index, in increasing order.
func (x rankIndex) members(f func(k uint32)) {
	for w, e := range x {
		for b := uint32(e); b != 0; b &= b - 1 {
			f(uint32(w)<<5 | uint32(bits.TrailingZeros32(b)))
		}
	}
}
