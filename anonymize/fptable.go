package anonymize

// fpTable maps 64-bit keyed fingerprints to 64-bit values (an input's
// fingerprint, or a re-derivation count): open addressing with linear
// probing over one array of pairs, so a probe is one cache line where
// Go's map touches a control word and a slot. The collision stage runs
// in input order on one goroutine, and with a million distinct values
// its probes miss the cache; touch lets it fetch a job's slots ahead
// (independent loads overlap) before it probes them one by one.
type fpTable struct {
	slots []fpSlot
	n     int
	shift uint // 64 - log2(len(slots))
}

type fpSlot struct{ key, val uint64 }

// fpKey: 0 marks an empty slot, so a fingerprint of 0 is stored as 1
// (one more fingerprint collision in 2^64).
func fpKey(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

func (t *fpTable) slot(k uint64) uint64 {
	return (k * 0x9e3779b97f4a7c15) >> t.shift
}

func (t *fpTable) get(k uint64) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	k = fpKey(k)
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == k {
			return s.val, true
		}
		if s.key == 0 {
			return 0, false
		}
	}
}

// put sets k's value (k must not be in the table yet).
func (t *fpTable) put(k, v uint64) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	k = fpKey(k)
	mask := uint64(len(t.slots) - 1)
	i := t.slot(k)
	for t.slots[i].key != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = fpSlot{k, v}
	t.n++
}

func (t *fpTable) grow() {
	old := t.slots
	size := 2 * len(old)
	if size == 0 {
		size = 1 << 10
	}
	t.slots = make([]fpSlot, size)
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	mask := uint64(size - 1)
	for _, s := range old {
		if s.key != 0 {
			i := t.slot(s.key)
			for t.slots[i].key != 0 {
				i = (i + 1) & mask
			}
			t.slots[i] = s
		}
	}
}

// touchSum loads the home slot of k so that a probe that follows finds
// it in the cache; the caller sums the results only so the loads stay.
func (t *fpTable) touchSum(k uint64) uint64 {
	if t.n == 0 {
		return 0
	}
	return t.slots[t.slot(fpKey(k))].key
}
