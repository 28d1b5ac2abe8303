package anonymize

import (
	"bytes"
	"hash/maphash"
	"sync/atomic"
	"unsafe"

	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// A column's values often repeat (names, hosts, statuses: thousands of
// distinct values over millions of rows), and for the kinds listed in
// memoKinds a value's fake is a function of the value alone (the
// column's other facts are fixed by its plan; these kinds read nothing
// of the row). Each worker goroutine therefore remembers, per column,
// the fakes it made (after fit, with the collision stage's digests): a
// repeat costs a hash and one cache line instead of the PRF and the
// fake's construction. A column that is a key of its own is not
// remembered; one whose values seldom repeat stops being remembered
// after a window of misses, and is tried again much later; memory is
// bounded per worker.

// memoKinds: the kinds whose output depends only on the value (and the
// column's plan): not url and json (they read the row's other values and
// the document's ids), not datetime (the row's entity); keep, null and
// fixed cost nothing to redo.
var memoKinds = map[string]bool{
	"uuid": true, "ip_address": true, "ip_address_v4": true, "ip_address_v6": true, "cidr": true, "mac": true,
	"hostname": true, "email": true, "username": true, "string": true, "text": true, "integer": true,
	"date_of_birth": true, "ec2_id": true, "key_name": true, "ssh_public_key": true, "fingerprint": true,
	"phone": true, "national_id": true, "iban": true, "card_number": true, "person_name": true,
	"street_address": true, "shape": true, "secret": true,
}

const (
	memoWindow    = 1 << 12               // lookups between two checks of a column's hits
	memoMinHits   = memoWindow / 64       // hits in a window that keep a column remembered
	memoRetry     = 1 << 20               // values a stopped column is not remembered
	memoSlotsMin  = 1 << 10               // a column's first table
	memoSlotsMax  = 1 << 16               // its largest (4 MB)
	memoWorkerMax = 2 * memoSlotsMax * 64 // bytes of tables a worker keeps in all
	memoInline    = 64 - 3*8 - 3          // bytes of value and fake a slot holds
)

// memoSlot is one remembered fake, in one cache line: the value's hash
// (0: empty), the two digests, the value and the fake.
type memoSlot struct {
	tag         uint64
	inFP, outFP uint64
	klen, olen  uint8
	flags       uint8
	data        [memoInline]byte
}

// memoEntry is a remembered fake.
type memoEntry struct {
	out         []byte // in the table: valid until the next put
	fallback    bool
	null        bool
	inFP, outFP uint64
}

// colMemo is one column's memory on one worker goroutine: open
// addressing, linear probing, the slots outside Go's heap (mapTable).
// Probes walk tags, a byte a slot (a 64 KB array at most, which stays in
// the core's cache where the 4 MB of slots do not): a slot is read only
// when its tag matches, so a remembered value costs one slot's cache
// line, known before the value is looked up (prefetch loads it), and a
// value not remembered none. Walking the slots themselves cost a line a
// probe: at a table 3/4 full, about 2.4 lines a hit and 7 a miss, each a
// trip to memory.
type colMemo struct {
	set      *memoSet
	slots    []memoSlot
	tags     []uint8 // per slot: 0 empty, else memoTag of its hash
	mapped   bool
	n        int
	lookups  int
	misses   int
	disabled int // values still to skip before trying again
}

// memoSet is a worker goroutine's memory of all columns.
type memoSet struct {
	seed  maphash.Seed
	cols  map[*colPlan]*colMemo
	bytes int // of all its tables
	// prefetch's hashes of rows first.. (width per row), and the sum
	// that keeps its loads
	hashes       []uint64
	slots        []*uint64 // prefetch's slots to load (their tags)
	first, width int
	sink         uint64
	hits         int64
}

// newMemoSet returns a worker goroutine's memory (nil when memoOff).
func newMemoSet() *memoSet {
	if memoOff {
		return nil
	}
	return &memoSet{seed: maphash.MakeSeed(), cols: map[*colPlan]*colMemo{}}
}

// memoOff turns the memory off (tests compare the output without it);
// memoHits counts the values taken from it, once each worker is done.
var (
	memoOff  bool
	memoHits atomic.Int64
)

// forPlan returns the memories of a plan's columns (nil where a column's
// kind is not remembered), in plan order, reusing dst.
func (s *memoSet) forPlan(p *tablePlan, dst []*colMemo) []*colMemo {
	dst = dst[:0]
	for _, cp := range p.cols {
		var m *colMemo
		if cp != nil && memoKinds[cp.kind] && !cp.info.perRow && !cp.unique {
			if m = s.cols[cp]; m == nil {
				m = &colMemo{set: s}
				s.cols[cp] = m
			}
		}
		dst = append(dst, m)
	}
	return dst
}

// free returns every table's memory.
func (s *memoSet) free() {
	if s == nil {
		return
	}
	for _, m := range s.cols {
		m.drop()
	}
	memoHits.Add(s.hits)
}

// active says whether the column is remembered for this value (counting
// down a pause).
func (m *colMemo) active() bool {
	if m.disabled > 0 {
		m.disabled--
		return false
	}
	return true
}

// memoTag is the byte a hash leaves in tags: seven bits the slot's
// index does not use (it takes bits 32 to 47), and the high bit set.
func memoTag(h uint64) uint8 { return uint8(h>>56) | 0x80 }

// memoBatch is how many rows' slots prefetch loads ahead, in one tight
// loop (as the collision stage does): the loads are in flight together.
// (64 rows took more CPU on the Nova-like dump, whose rows are wide:
// farm-bench on 200 MB, 4 pairs, 16 against 64: 0.91.)
const memoBatch = 16

// prefetch hashes the remembered columns' values of rows [row,
// row+memoBatch) and loads the slots whose tags match, so that get finds
// them in the cache; the hashes are kept for get (hash). buf is scratch.
func (s *memoSet) prefetch(in *sqldump.Insert, cols []*colMemo, row int, buf []byte) []byte {
	s.width = len(cols)
	s.hashes = s.hashes[:0]
	end := min(row+memoBatch, in.Rows())
	for r := row; r < end; r++ {
		for col, m := range cols {
			var h uint64
			if m != nil && m.disabled == 0 {
				if v := in.Value(r, col); !v.IsNull() {
					buf = v.Bytes(buf[:0])
					if len(buf) <= memoInline {
						h = maphash.Bytes(s.seed, buf) | 1
					}
				}
			}
			s.hashes = append(s.hashes, h)
		}
	}
	// The slots to load, then the loads alone, so that they are all in
	// flight at once (the sum in a register, nothing else in the loop:
	// no load waits for another); the tags that find them are in the
	// cache.
	s.slots = s.slots[:0]
	for k := 0; k < len(s.hashes); k += len(cols) {
		for col, h := range s.hashes[k : k+len(cols)] {
			if m := cols[col]; h != 0 && len(m.slots) > 0 {
				if i := m.find(h); i >= 0 {
					s.slots = append(s.slots, &m.slots[i].tag)
				}
			}
		}
	}
	var sink uint64
	for _, p := range s.slots {
		sink += *p
	}
	s.sink += sink
	s.first = row
	return buf
}

// find is the first slot at or after h's home whose tag is h's, -1 when
// an empty one comes first.
func (m *colMemo) find(h uint64) int {
	mask, t := len(m.tags)-1, memoTag(h)
	for i := int(h>>32) & mask; ; i = (i + 1) & mask {
		switch m.tags[i] {
		case t:
			return i
		case 0:
			return -1
		}
	}
}

// hash is v's hash (v: the value at row, col), from prefetch if it made
// it; 0 for a value too long to be remembered.
func (s *memoSet) hash(row, col int, v []byte) uint64 {
	if k := (row-s.first)*s.width + col; row >= s.first && k < len(s.hashes) && s.hashes[k] != 0 {
		return s.hashes[k]
	}
	if len(v) > memoInline {
		return 0
	}
	return maphash.Bytes(s.seed, v) | 1
}

// get returns v's remembered fake (h: v's hash, 0 when v is too long).
func (m *colMemo) get(v []byte, h uint64) (memoEntry, uint64, bool) {
	if h != 0 {
		if len(m.slots) > 0 {
			mask, t := len(m.tags)-1, memoTag(h)
			for i := int(h>>32) & mask; m.tags[i] != 0; i = (i + 1) & mask {
				if m.tags[i] != t {
					continue
				}
				s := &m.slots[i]
				if s.tag == h && int(s.klen) == len(v) && bytes.Equal(s.data[:s.klen], v) {
					m.lookups++
					m.set.hits++
					return memoEntry{out: s.data[s.klen : s.klen+s.olen : s.klen+s.olen],
						fallback: s.flags&1 != 0, null: s.flags&2 != 0, inFP: s.inFP, outFP: s.outFP}, h, true
				}
			}
		}
	}
	m.lookups++
	m.misses++
	if m.lookups >= memoWindow {
		if m.lookups-m.misses < memoMinHits {
			m.drop()
			m.disabled = memoRetry
		}
		m.lookups, m.misses = 0, 0
	}
	return memoEntry{}, h, false
}

// put remembers v's fake (h: v's hash from get; 0 when v is too long).
func (m *colMemo) put(h uint64, v []byte, e memoEntry) {
	if h == 0 || m.disabled > 0 || len(v)+len(e.out) > memoInline {
		return
	}
	if 4*(m.n+1) > 3*len(m.slots) && !m.grow() {
		return
	}
	mask := len(m.slots) - 1
	i := int(h>>32) & mask
	for m.tags[i] != 0 {
		i = (i + 1) & mask
	}
	m.tags[i] = memoTag(h)
	s := &m.slots[i]
	s.tag, s.inFP, s.outFP = h, e.inFP, e.outFP
	s.klen, s.olen, s.flags = uint8(len(v)), uint8(len(e.out)), 0
	if e.fallback {
		s.flags |= 1
	}
	if e.null {
		s.flags |= 2
	}
	copy(s.data[copy(s.data[:], v):], e.out)
	m.n++
}

// grow makes room: a table four times larger while the worker's budget
// allows, else the same size empty (the column starts over).
func (m *colMemo) grow() bool {
	size := memoSlotsMin
	if len(m.slots) > 0 {
		size = min(4*len(m.slots), memoSlotsMax)
	}
	const slot = int(unsafe.Sizeof(memoSlot{}))
	if m.set.bytes-len(m.slots)*slot+size*slot > memoWorkerMax {
		size = len(m.slots)
		if size == 0 {
			return false
		}
	}
	old, mapped := m.slots, m.mapped
	p, ok := mapTable(size * slot)
	if ok {
		m.slots, m.mapped = unsafe.Slice((*memoSlot)(p), size), true
	} else {
		m.slots, m.mapped = make([]memoSlot, size), false
	}
	m.set.bytes += size * slot
	m.n = 0
	oldTags := m.tags
	m.tags = make([]uint8, size)
	if size > len(old) {
		mask := size - 1
		for k := range old {
			if oldTags[k] != 0 {
				s := &old[k]
				i := int(s.tag>>32) & mask
				for m.tags[i] != 0 {
					i = (i + 1) & mask
				}
				m.tags[i] = oldTags[k]
				m.slots[i] = *s
				m.n++
			}
		}
	}
	m.release(old, mapped)
	return true
}

// drop forgets the column's entries and returns their memory.
func (m *colMemo) drop() {
	m.release(m.slots, m.mapped)
	m.slots, m.tags, m.mapped, m.n = nil, nil, false, 0
}

func (m *colMemo) release(s []memoSlot, mapped bool) {
	if len(s) == 0 {
		return
	}
	m.set.bytes -= len(s) * int(unsafe.Sizeof(memoSlot{}))
	if mapped {
		unmapTable(unsafe.Pointer(&s[0]), len(s)*int(unsafe.Sizeof(memoSlot{})))
	}
}
