package importer

import "math/bits"

// hashSet is a set of 64-bit hashes of ticket numbers: open addressing with
// linear probing in one []uint64, 0 marking a free slot. At most 3/4 full, it
// costs 8–16 bytes per number, however long the numbers are.
type hashSet struct {
	slots []uint64
	n     int
}

func (s *hashSet) slot(h uint64) int {
	// Fibonacci hashing spreads hashes whose low bits agree.
	shift := 64 - bits.Len(uint(len(s.slots)-1))
	return int((h * 0x9E3779B97F4A7C15) >> shift)
}

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	mask := len(s.slots) - 1
	for i := s.slot(h); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	size := 1024
	if len(old) > 0 {
		size = len(old) * 2
	}
	s.slots, s.n = make([]uint64, size), 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// bytes is the memory the set holds.
func (s *hashSet) bytes() int { return len(s.slots) * 8 }
