package scrub

import "math/bits"

// fpSet answers membership for a sorted list of keyed fingerprints. The
// fingerprints are uniform (HMAC output), so their top bits say where a
// value sits: a table of bucket starts leaves a few keys to scan, two
// cache misses instead of the ~24 of a binary search over millions.
type fpSet struct {
	keys   []uint64 // sorted, no duplicates
	starts []uint32 // starts[b] = first index with top bits >= b; len 2^k+1
	shift  uint     // 64 - k
}

// newFPSet indexes keys, which must be sorted and compact.
func newFPSet(keys []uint64) *fpSet {
	// About two keys per bucket; at least one bucket.
	k := 0
	if len(keys) > 2 {
		k = bits.Len(uint(len(keys)/2)) - 1
	}
	s := &fpSet{keys: keys, starts: make([]uint32, 1<<k+1), shift: uint(64 - k)}
	b := 0
	for i, fp := range keys {
		for top := s.bucket(fp); b <= top; b++ {
			s.starts[b] = uint32(i)
		}
	}
	for ; b < len(s.starts); b++ {
		s.starts[b] = uint32(len(keys))
	}
	return s
}

func (s *fpSet) bucket(fp uint64) int {
	if s.shift == 64 {
		return 0
	}
	return int(fp >> s.shift)
}

func (s *fpSet) has(fp uint64) bool { return s.find(fp) >= 0 }

// find returns fp's position in keys, or -1.
func (s *fpSet) find(fp uint64) int {
	if s == nil {
		return -1
	}
	b := s.bucket(fp)
	lo, hi := int(s.starts[b]), int(s.starts[b+1])
	for i := lo; i < hi; i++ {
		if k := s.keys[i]; k >= fp {
			if k == fp {
				return i
			}
			return -1
		}
	}
	return -1
}
