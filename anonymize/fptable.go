package anonymize

import (
	"math/bits"
	"unsafe"
)

// fpTable maps 64-bit keyed fingerprints to 64-bit values (an input's
// fingerprint, or a re-derivation count): open addressing with linear
// probing over arrays of pairs, so a probe is one cache line where Go's
// map touches a control word and a slot. The collision stage runs in
// input order on one goroutine, and with a million distinct values its
// probes miss the cache; home lets it fetch a job's slots ahead
// (independent loads overlap) before it probes them one by one.
//
// The table is eight shards by the digest's top bits, each grown on its
// own: a growth holds the old and the new array of one shard at once,
// an eighth of what one array would (a million values: 2 MB more at the
// peak, not 16).
type fpTable struct {
	shards [1 << fpShardBits]fpShard
}

const fpShardBits = 3

type fpShard struct {
	slots  []fpSlot
	n      int
	mapped bool // slots are a mapping of their own (allocSlots), not Go memory
	// res: a reservation of resSlots slots (reserveSlots) that slots
	// begins; the table grows in place inside it (growInPlace). nil: none.
	res      unsafe.Pointer
	resSlots int
}

type fpSlot struct{ key, val uint64 }

// The tables live outside Go's heap where they can (mapTable): they are
// large, long-lived and hold no pointers, so the collector need not scan
// them, and they do not count toward its heap goal, which would
// otherwise let the heap grow by their size again (a million unique
// values: 24 MB of table, 48 MB of RSS more).
func allocSlots(n int) (slots []fpSlot, mapped bool) {
	if p, ok := mapTable(n * int(unsafe.Sizeof(fpSlot{}))); ok {
		return unsafe.Slice((*fpSlot)(p), n), true
	}
	return make([]fpSlot, n), false
}

// freeSlots unmaps a mapped table (one made by make is the collector's).
func freeSlots(s []fpSlot, mapped bool) {
	if mapped && len(s) > 0 {
		unmapTable(unsafe.Pointer(&s[0]), len(s)*int(unsafe.Sizeof(fpSlot{})))
	}
}

// fpKey: 0 marks an empty slot, so a digest of 0 is stored as 1 (one more
// digest collision in 2^61). Keys are digests below 2^61: the top bit is
// growInPlace's mark.
func fpKey(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// shard is k's shard (k: an fpKey) by its top bits (digests have 61).
func (t *fpTable) shard(k uint64) *fpShard {
	return &t.shards[k<<3>>(64-fpShardBits)]
}

func (t *fpTable) get(k uint64) (uint64, bool) {
	k = fpKey(k)
	return t.shard(k).get(k)
}

// getOrPut returns k's value if k is in the table (ok); else it stores v
// for k, in the same probe.
func (t *fpTable) getOrPut(k, v uint64) (uint64, bool) {
	k = fpKey(k)
	return t.shard(k).getOrPut(k, v)
}

// put sets k's value (k must not be in the table yet).
func (t *fpTable) put(k, v uint64) {
	k = fpKey(k)
	t.shard(k).put(k, v)
}

// len is the number of keys in the table.
func (t *fpTable) len() int {
	n := 0
	for i := range t.shards {
		n += t.shards[i].n
	}
	return n
}

// free returns the table's memory.
func (t *fpTable) free() {
	for i := range t.shards {
		t.shards[i].release()
		t.shards[i] = fpShard{}
	}
}

// reserve makes room for n keys in all (spread evenly over the shards)
// before they come: one growth to the size they need, not one growth by
// half after another.
func (t *fpTable) reserve(n int) {
	per := n/len(t.shards) + 1
	for i := range t.shards {
		if s := &t.shards[i]; 4*per > 3*len(s.slots) {
			s.growTo(per*4/3 + 1)
		}
	}
}

// home is the key of k's home slot, for a probe that follows to find in
// the cache once the caller has loaded it (nil: the shard is empty).
func (t *fpTable) home(k uint64) *uint64 {
	k = fpKey(k)
	s := t.shard(k)
	if s.n == 0 {
		return nil
	}
	return &s.slots[s.slot(k)].key
}

// slot is k's home: its place in [0, len) by k's bits below the shard's
// (digests are uniform), so home slots keep the keys' order and growing
// rewrites the shard front to back.
func (t *fpShard) slot(k uint64) int {
	hi, _ := bits.Mul64(k<<(3+fpShardBits), uint64(len(t.slots)))
	return int(hi)
}

func (t *fpShard) get(k uint64) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	for i := t.slot(k); ; {
		s := &t.slots[i]
		if s.key == k {
			return s.val, true
		}
		if s.key == 0 {
			return 0, false
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

func (t *fpShard) getOrPut(k, v uint64) (uint64, bool) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	for i := t.slot(k); ; {
		s := &t.slots[i]
		if s.key == k {
			return s.val, true
		}
		if s.key == 0 {
			*s = fpSlot{k, v}
			t.n++
			return 0, false
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

func (t *fpShard) put(k, v uint64) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	t.insert(fpSlot{k, v})
	t.n++
}

func (t *fpShard) insert(s fpSlot) {
	i := t.slot(s.key)
	for t.slots[i].key != 0 {
		if i++; i == len(t.slots) {
			i = 0
		}
	}
	t.slots[i] = s
}

// grow by half: between half and three quarters full, 16 bytes a value
// take 21 to 32 bytes of table. Inside a reservation the table grows in
// place (only the new part is fresh memory, and no second table is held
// while the first is read); else, or past the reservation, it is copied
// into a new one (a reservation where one can be had).
func (t *fpShard) grow() {
	size := len(t.slots) + len(t.slots)/2
	if size == 0 {
		size = 1 << 8
	}
	t.growTo(size)
}

// growTo rehashes the shard into size slots (more than it has).
func (t *fpShard) growTo(size int) {
	if t.res != nil && size <= t.resSlots && commitSlots(t.res, len(t.slots), size) {
		old := len(t.slots)
		t.slots = unsafe.Slice((*fpSlot)(t.res), size)
		t.growInPlace(old)
		return
	}
	old, mapped, res, resSlots := t.slots, t.mapped, t.res, t.resSlots
	if p, n, ok := reserveSlots(size, fpReserve); ok {
		t.slots, t.mapped, t.res, t.resSlots = unsafe.Slice((*fpSlot)(p), size), false, p, n
	} else {
		t.slots, t.mapped = allocSlots(size)
		t.res, t.resSlots = nil, 0
	}
	for _, s := range old {
		if s.key != 0 {
			t.insert(s)
		}
	}
	(&fpShard{slots: old, mapped: mapped, res: res, resSlots: resSlots}).release()
}

// fpReserve: a reservation holds this many times the slots it is first
// made for (address space only: its pages are made usable as the table
// reaches them), so a shard grows in place about ten times before it is
// copied into a larger reservation.
const fpReserve = 64

// fpMoving marks, while the table grows in place, an entry not yet at
// its place in the larger table.
const fpMoving = 1 << 63

// growInPlace rehashes the table's first old slots (the table as it was)
// into all of t.slots (the slots past old are empty): every entry is
// marked as moving, then, from the last slot down, each marked entry goes
// to the first slot from its new home that is empty or still holds a
// marked entry (then the two swap, and the one brought back is placed in
// turn). An entry placed is never moved again, and every slot between
// its home and it held a placed entry when it was placed, so each is
// found from its home as in a table built afresh. Homes keep the keys'
// order and grow with the table, so an entry's new place is mostly at
// or past the part already swept (no swap), and the sweep reads one
// region and writes another, both back to front.
func (t *fpShard) growInPlace(old int) {
	s := t.slots
	for i := range s[:old] {
		if s[i].key != 0 {
			s[i].key |= fpMoving
		}
	}
	for i := old - 1; i >= 0; i-- {
		for s[i].key&fpMoving != 0 {
			e := s[i]
			e.key &^= fpMoving
			j := t.slot(e.key)
			for s[j].key != 0 && s[j].key&fpMoving == 0 {
				if j++; j == len(s) {
					j = 0
				}
			}
			if j == i {
				s[i] = e
				break
			}
			s[i], s[j] = s[j], e
		}
	}
}

// release returns the shard's memory (a reservation, a mapping; Go
// memory is the collector's).
func (t *fpShard) release() {
	if t.res != nil {
		unreserveSlots(t.res, t.resSlots)
		return
	}
	freeSlots(t.slots, t.mapped)
}

// fpHash is the keyed 64-bit digest of the collision sets: a polynomial
// hash over GF(2^61-1) evaluated at a secret point r, starting from a
// secret per-domain word d, both derived from the key through the PRF.
// It is a universal hash, not a PRF, and needs to be no more: the digests
// never leave the process, and two distinct values of up to L 7-byte
// words collide with probability about L/2^61 for a key they do not
// depend on, about what the 64-bit tags it replaces gave, at a few
// nanoseconds a value where two CMACs took about a hundred.
type fpHash struct{ r, d uint64 }

const mersenne61 = 1<<61 - 1

func newFPHash(p *prf, domain string) fpHash {
	t := p.mac.tag("fingerprint-key", 1, []byte(domain), 0)
	r, d := le64(t[:8])&mersenne61, le64(t[8:])&mersenne61
	if r < 2 {
		r += 2 // never 0 or 1: both would make it no hash
	}
	return fpHash{r: r, d: d}
}

func mulmod61(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	x := lo&mersenne61 + (lo>>61 | hi<<3)
	if x >= mersenne61 {
		x -= mersenne61
	}
	return x
}

// sum digests v: its 7-byte words (each below the modulus), then its
// length, so values that differ only by trailing zero bytes differ.
func (h fpHash) sum(v []byte) uint64 {
	acc, i := h.d, 0
	for ; len(v)-i >= 8; i += 7 {
		acc = mulmod61(acc+le64(v[i:])&(1<<56-1), h.r)
	}
	return h.last(acc, v, i)
}

// last ends v's digest from acc after its words before i: the fewer
// than 8 bytes left, zero-padded (read as the top of v's last 8 bytes
// where v has 8), then their count.
func (h fpHash) last(acc uint64, v []byte, i int) uint64 {
	r := len(v) - i
	var w uint64
	if len(v) >= 8 {
		w = le64(v[len(v)-8:]) >> (8 * (8 - r))
	} else {
		var b [8]byte
		copy(b[:], v[i:])
		w = le64(b[:])
	}
	acc = mulmod61(acc+w, h.r)
	return mulmod61(acc+uint64(r), h.r)
}

// sum2 is h.sum(a), g.sum(b) with the two chains of multiplications
// interleaved, so that they overlap (a worker digests each tracked
// value and its fake).
func sum2(h fpHash, a []byte, g fpHash, b []byte) (uint64, uint64) {
	x, y, i, k := h.d, g.d, 0, 0
	for ; len(a)-i >= 8 && len(b)-k >= 8; i, k = i+7, k+7 {
		x = mulmod61(x+le64(a[i:])&(1<<56-1), h.r)
		y = mulmod61(y+le64(b[k:])&(1<<56-1), g.r)
	}
	for ; len(a)-i >= 8; i += 7 {
		x = mulmod61(x+le64(a[i:])&(1<<56-1), h.r)
	}
	for ; len(b)-k >= 8; k += 7 {
		y = mulmod61(y+le64(b[k:])&(1<<56-1), g.r)
	}
	return h.last(x, a, i), g.last(y, b, k)
}
