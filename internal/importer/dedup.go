package importer

import "math/bits"

// hashSet is a set of 64-bit hashes of ticket numbers: open addressing with
// linear probing in one []uint64, 0 marking a free slot. It grows by half
// when 4/5 full, so it holds 10–15 bytes per number, however long the
// numbers are.
type hashSet struct {
	slots []uint64
	n     int
}

// slot maps h onto [0, len(slots)) by multiplication (no power-of-two
// size needed); the Fibonacci multiplier first spreads hashes whose high
// bits agree.
func (s *hashSet) slot(h uint64) int {
	hi, _ := bits.Mul64(h*0x9E3779B97F4A7C15, uint64(len(s.slots)))
	return int(hi)
}

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*5 > len(s.slots)*4 {
		s.grow()
	}
	for i := s.slot(h); ; {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
		if i++; i == len(s.slots) {
			i = 0
		}
	}
}

// has reports whether h is in the set.
func (s *hashSet) has(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if len(s.slots) == 0 {
		return false
	}
	for i := s.slot(h); ; {
		switch s.slots[i] {
		case 0:
			return false
		case h:
			return true
		}
		if i++; i == len(s.slots) {
			i = 0
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	size := 1024
	if len(old) > 0 {
		size = len(old) + len(old)/2
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
