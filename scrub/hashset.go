package scrub

import "runtime"

// hashSet is a set of 64-bit hashes in one flat open-addressing table:
// a lookup is mostly one cache line, where a Go map of millions of
// entries (the common words' pieces) costs several misses. The hashes
// must be uniform (their low bits pick the slot).
type hashSet struct {
	slots []uint64 // 0: empty (the hash 0 is held by zero)
	mask  uint64
	n     int
	zero  bool
}

func newHashSet(n int) *hashSet {
	size := uint64(16)
	for size < 2*uint64(n) {
		size <<= 1
	}
	return &hashSet{slots: make([]uint64, size), mask: size - 1}
}

// add adds h; false when it was there.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		had := s.zero
		s.zero = true
		return !had
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	for j := h & s.mask; ; j = (j + 1) & s.mask {
		switch s.slots[j] {
		case h:
			return false
		case 0:
			s.slots[j] = h
			s.n++
			return true
		}
	}
}

func (s *hashSet) has(h uint64) bool {
	if h == 0 {
		return s.zero
	}
	for j := h & s.mask; ; j = (j + 1) & s.mask {
		switch s.slots[j] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// touch reads the slots where hs begin: a batch of independent reads,
// whose misses overlap, before hs are added or looked up one by one.
func (s *hashSet) touch(hs []uint64) {
	var x uint64
	for _, h := range hs {
		x += s.slots[h&s.mask]
	}
	runtime.KeepAlive(x) // (the reads are the point: not left out)
}

func (s *hashSet) grow() {
	old := s.slots
	*s = hashSet{slots: make([]uint64, 2*len(old)), mask: uint64(2*len(old)) - 1, zero: s.zero}
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}
