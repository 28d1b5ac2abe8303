package scrub

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// Finding known keys in folded text without word boundaries: at every
// place a key may start, the first bytes (the anchor) are looked up in a
// lossy bit table; where they are set, the spans table gives the lengths
// keys so begun have, and each such length that ends where a key may
// (a word's end, inside a blob any rune's) is tried against a second bit
// table of (first bytes, last bytes, length), one word holding every
// domain's bits; only what passes is looked up for real (a table of
// plaintext keys' fingerprints, or a keyed fingerprint in an index). The
// tables keep no key: each bit stands for a great many strings.

// bitTable is a lossy set of 64-bit hashes.
type bitTable struct {
	w    []uint64
	mask uint64
}

// newBitTable sizes a table for n entries: about 16 bits each (a
// stranger passes one time in 16 with one bit an entry, in 70 with a
// pair).
func newBitTable(n int) bitTable {
	size := 1 << 10
	for size < 16*n && size < 1<<32 {
		size <<= 1
	}
	return bitTable{w: make([]uint64, size/64), mask: uint64(size - 1)}
}

func (t *bitTable) set(h uint64) {
	h &= t.mask
	t.w[h>>6] |= 1 << (h & 63)
}

func (t *bitTable) has(h uint64) bool {
	h &= t.mask
	return t.w[h>>6]&(1<<(h&63)) != 0
}

// Pairs: a hash stands for two bits of one word (the word from its low
// bits, the bits from its top twelve): one memory read, and at 16 bits a
// hash a stranger passes about one time in 70 (one bit: 16).
func pairBits(h uint64) uint64 { return 1<<(h>>52&63) | 1<<(h>>58) }

func (t *bitTable) setPair(h uint64) { t.w[(h&t.mask)>>6] |= pairBits(h) }

func (t *bitTable) hasPair(h uint64) bool {
	b := pairBits(h)
	return t.w[(h&t.mask)>>6]&b == b
}

// word is the word h's pair is in.
func (t *bitTable) word(h uint64) uint64 { return t.w[(h&t.mask)>>6] }

// grown returns t at least as large as o, every bit of t kept: a bit
// at p stands for the hashes that are p modulo t's size, so it is set at
// each place they land in the larger table.
func (t bitTable) grown(o bitTable) bitTable {
	if len(o.w) <= len(t.w) {
		return t.clone()
	}
	g := bitTable{w: make([]uint64, len(o.w)), mask: o.mask}
	for i := range g.w {
		g.w[i] = t.w[i%len(t.w)]
	}
	return g
}

func (t bitTable) clone() bitTable {
	return bitTable{w: append([]uint64(nil), t.w...), mask: t.mask}
}

// mix is splitmix64's finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// load reads up to 4 bytes (n of them) as a number.
func load(b []byte, n int) uint64 {
	if n >= 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	var v uint64
	for i := 0; i < n; i++ {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}

// table finds keys of one rep kind (skeleton or folded).
type table struct {
	anchorLen int // bytes in an anchor (keys are at least this long)
	seed      uint64
	anchors   bitTable
	ends      bitTable // one word per (first and last bytes, length), a bit per domain in it
	spans     lenTable
	heads     bitTable  // the first headShort and headLong bytes of keys longer than that
	pairs     bitset    // the first two bytes of keys, exact (pairOf); a one-byte key's with every second byte
	lens      []bool    // lens[n]: some key is n bytes long (n <= maxScan)
	lenBits   uint64    // 1 << (n&63) for every n in lens, and prefixBit when prefix
	longest   [64]uint8 // longest[r]: the longest n in lens with n&63 == r (0: none)
	minLen    int
	maxLen    int // the longest key, at most maxScan
	prefix    bool
	doms      uint8 // which domains have keys (bit domIndex)
}

// prefixBit: the bit of a spans mask that says prefix keys start so
// (length 0; lengths 64 and 128 share it).
const prefixBit = 1

// Heads: a line's last bytes may begin a key that goes on in the next
// line only if a key begins with them: its first headShort bytes (rest 6
// or 7) or headLong (rest 8 or more) are in the heads table.
const (
	headShort = 6
	headLong  = 8
)

// maxScan: keys longer than this are found by their prefix key only.
const maxScan = 128

// newTable returns a table with no keys; build adds them.
func newTable(anchorLen int, seed uint64) *table {
	return &table{anchorLen: anchorLen, seed: seed, anchors: newBitTable(0), ends: newBitTable(0), spans: newLenTable(0), heads: newBitTable(0), pairs: make(bitset, pairWords), lens: make([]bool, maxScan+1)}
}

func (t *table) anchorHash(b []byte) uint64 {
	return mix(load(b, t.anchorLen) ^ t.seed)
}

// endsBase hashes the first and last bytes and the length; endsHash
// salts it with the domain.
func (t *table) endsBase(b []byte) uint64 {
	n := len(b)
	k := min(n, 4)
	x := load(b, k) | load(b[n-k:], k)<<32
	return mix(x ^ t.seed ^ uint64(n)<<40 ^ 0x5bd1e995)
}

// endsSalt moves base's pair (its top twelve bits) by the domain: every
// domain of a candidate is in one word (endsWord), one memory read.
func endsSalt(base uint64, dom byte) uint64 { return base ^ uint64(domSel[domIndex(dom)])<<52 }

// domSel: a domain's move of the pair.
var domSel = [...]uint16{0, 0x9e3, 0x779, 0xb97, 0xf4a, 0x7c1, 0x5a3}

// endsWord is the ends table's word of base (of every domain).
func (t *table) endsWord(base uint64) uint64 { return t.ends.word(base) }

// endsIn: the domain's pair of base is set in word (from endsWord).
func endsIn(word, base uint64, dom byte) bool {
	b := pairBits(endsSalt(base, dom))
	return word&b == b
}

func (t *table) endsHash(b []byte, dom byte) uint64 { return endsSalt(t.endsBase(b), dom) }

// note records a key's length and domain (the bits are set by build).
func (t *table) note(dom byte, n int) {
	t.doms |= 1 << domIndex(dom)
	if dom == domPrefix {
		t.prefix = true
		t.lenBits |= prefixBit
		return
	}
	if n > maxScan {
		return
	}
	t.setLen(n)
}

// setLen records that a scanned key is n bytes long.
func (t *table) setLen(n int) {
	t.lens[n] = true
	t.lenBits |= 1 << (n & 63)
	t.longest[n&63] = max(t.longest[n&63], uint8(n))
	if t.minLen == 0 || n < t.minLen {
		t.minLen = n
	}
	t.maxLen = max(t.maxLen, n)
}

// pairWords: the pairs table's size, a bit for each two bytes.
const pairWords = 1 << 16 / 64

// pairOf is the pairs table's bit for b's first two bytes (the second
// 0 at the end of the text).
func pairOf(b []byte) int {
	if len(b) == 1 {
		return int(b[0]) << 8
	}
	return int(b[0])<<8 | int(b[1])
}

// hasPair: a key may start with b's first two bytes.
func (t *table) startsPair(b []byte) bool {
	p := pairOf(b)
	return t.pairs[p>>6]&(1<<(p&63)) != 0
}

func (t *table) setPair(scan []byte) {
	if len(scan) >= 2 {
		p := pairOf(scan)
		t.pairs[p>>6] |= 1 << (p & 63)
		return
	}
	for c := 0; c < 256; c++ {
		p := int(scan[0])<<8 | c
		t.pairs[p>>6] |= 1 << (p & 63)
	}
}

// headHash stands for a key's first n bytes (headShort or headLong).
func (t *table) headHash(b []byte, n int) uint64 {
	return mix(load(b, 4) ^ load(b[n-4:], 4)<<32 ^ t.seed ^ uint64(n)<<56 ^ 0x7f4a7c159e3779b9)
}

// shortHash stands for a whole key shorter than an anchor.
func (t *table) shortHash(b []byte) uint64 {
	return mix(load(b, len(b)) ^ t.seed ^ uint64(len(b))<<40 ^ 0x2545f4914f6cdd1d)
}

// spanHash picks an anchor's bucket in the spans table: the lengths
// keys that start so have (whether a line's last words may go on in the
// next line, which lengths are worth trying).
func (t *table) spanHash(anchor []byte) uint64 { return t.spanHashOf(load(anchor, t.anchorLen)) }

func (t *table) spanHashOf(a uint64) uint64 { return mix(a ^ t.seed ^ 0x61c8864680b583eb) }

// lenTable holds, per bucket, a mask of lengths (modulo 64): one probe
// gives every length worth trying after an anchor.
type lenTable struct{ w []uint64 }

// newLenTable sizes a table for n anchors: 4 buckets each.
func newLenTable(n int) lenTable {
	size := 1 << 10
	for size < 4*n && size < 1<<30 {
		size <<= 1
	}
	return lenTable{w: make([]uint64, size)}
}

func (l lenTable) at(h uint64) uint64 { return l.w[h&uint64(len(l.w)-1)] }

func (l *lenTable) set(h uint64, n int) { l.w[h&uint64(len(l.w)-1)] |= 1 << (n & 63) }

// grown returns l at least as large as o, every mask kept (as bitTable's).
func (l lenTable) grown(o lenTable) lenTable {
	g := lenTable{w: make([]uint64, max(len(l.w), len(o.w)))}
	for i := range g.w {
		g.w[i] = l.w[i%len(l.w)]
	}
	return g
}

// Digit anchors: four digits are 10,000 anchors, fewer than keys start
// with (100,000 values' IP forms and UUIDs' ciphers set nearly all), so
// every number of a log ("2026", "1000", "4242") was a place whose
// lengths were tried. A skeleton key of 8 bytes or more whose first 4
// are digits is anchored by its first 8 instead (long8); its first 4 go
// in too as a tail anchor, tried only where fewer than 8 bytes are left
// (a line's last, which may go on in the next). Shorter digit keys keep
// the 4-byte anchor.
const long8 = 8

// digits4 reports whether b's first 4 bytes are ASCII digits.
func digits4(b []byte) bool { return digit[b[0]] && digit[b[1]] && digit[b[2]] && digit[b[3]] }

// digitLong: a key of t anchored by its first long8 bytes.
func (t *table) digitLong(scan []byte) bool {
	return t.anchorLen == 4 && len(scan) >= long8 && digits4(scan)
}

// Their anchors' and spans' hashes, salted apart from the 4-byte ones.
func (t *table) long8Hash(a uint64) uint64 { return mix(a ^ t.seed ^ 0xd6e8feb86659fd93) }
func (t *table) long8Span(a uint64) uint64 { return mix(a ^ t.seed ^ 0xa0761d6478bd642f) }
func (t *table) tailHash(a uint64) uint64  { return mix(a ^ t.seed ^ 0xe7037ed1a0b428db) }
func (t *table) tailSpan(a uint64) uint64  { return mix(a ^ t.seed ^ 0x8ebc6af09c88c6e3) }

// anchored returns the spans hashes of the anchors that pass at b (a
// place with at least anchorLen bytes): none, one, or for digits both
// the 4-byte one (short keys) and the long or tail one.
func (t *table) anchored(b []byte) (h1, h2 uint64, n int) {
	a := load(b, 4)
	if t.anchors.hasPair(mix(a ^ t.seed)) {
		h1, n = t.spanHashOf(a), 1
	}
	if t.anchorLen != 4 || !digits4(b) {
		return h1, 0, n
	}
	var ok bool
	if len(b) >= long8 {
		a8 := binary.LittleEndian.Uint64(b)
		ok, h2 = t.anchors.hasPair(t.long8Hash(a8)), t.long8Span(a8)
	} else {
		ok, h2 = t.anchors.hasPair(t.tailHash(a)), t.tailSpan(a)
	}
	switch {
	case !ok:
		return h1, 0, n
	case n == 0:
		return h2, 0, 1
	}
	return h1, h2, 2
}

// keyHashes collects what keys put in the bit tables, to size them.
type keyHashes struct {
	anchors, ends []uint64
	heads         []uint32
	spans         []uint64 // span hash << 8 | length
}

// add records a key (its scan bytes).
func (h *keyHashes) add(t *table, dom byte, scan []byte) {
	t.note(dom, len(scan))
	t.setPair(scan)
	if len(scan) < t.anchorLen {
		h.anchors = append(h.anchors, t.shortHash(scan))
	} else {
		spans := [2]uint64{t.spanHash(scan)}
		if t.digitLong(scan) {
			a, a8 := load(scan, 4), binary.LittleEndian.Uint64(scan)
			h.anchors = append(h.anchors, t.long8Hash(a8), t.tailHash(a))
			spans = [2]uint64{t.long8Span(a8), t.tailSpan(a)}
		} else {
			h.anchors = append(h.anchors, t.anchorHash(scan))
		}
		for _, sh := range spans {
			switch {
			case sh == 0:
			case dom == domPrefix:
				h.spans = append(h.spans, uint64(uint32(sh))<<8) // (prefixBit)
			case len(scan) <= maxScan:
				h.spans = append(h.spans, uint64(uint32(sh))<<8|uint64(len(scan)))
			}
		}
		for _, n := range [...]int{headShort, headLong} {
			if len(scan) > n {
				h.heads = append(h.heads, uint32(t.headHash(scan, n)))
			}
		}
	}
	h.ends = append(h.ends, t.endsHash(scan, dom))
}

// build sizes the bit tables for the collected hashes and sets them;
// bits a table already has are kept (it grows).
func (t *table) build(h *keyHashes) {
	for _, x := range []struct {
		hs []uint64
		bt *bitTable
	}{{h.anchors, &t.anchors}, {h.ends, &t.ends}} {
		slices.Sort(x.hs)
		hs := slices.Compact(x.hs)
		*x.bt = x.bt.grown(newBitTable(len(hs)))
		for _, v := range hs {
			x.bt.setPair(v)
		}
	}
	slices.Sort(h.heads)
	heads := slices.Compact(h.heads)
	t.heads = t.heads.grown(newBitTable(len(heads) / 2)) // probed at a line's end only: 8 bits a head
	for _, v := range heads {
		t.heads.set(uint64(v))
	}
	slices.Sort(h.spans)
	spans := slices.Compact(h.spans)
	anchors := 0
	for i, v := range spans {
		if i == 0 || v>>8 != spans[i-1]>>8 {
			anchors++
		}
	}
	t.spans = t.spans.grown(newLenTable(anchors))
	for _, v := range spans {
		t.spans.set(v>>8, int(v&0xff))
	}
	*h = keyHashes{}
}

// mayGoOn reports whether a key starting with tail (the rest of a line,
// at least an anchor; lm its lengths from the spans table) could be
// longer than tail.
func (t *table) mayGoOn(tail []byte, lm uint64) bool {
	rest := len(tail)
	// The lengths first, by those lm holds (not every length up to
	// maxLen: a place near a line's end, as most are, read up to 128 of
	// them), then the heads table (a read from memory, mostly a miss).
	longer := false
	for b := lm & t.lenBits; b != 0 && !longer; b &= b - 1 {
		longer = int(t.longest[bits.TrailingZeros64(b)]) > rest
	}
	if !longer || rest < headShort {
		return longer
	}
	n := headShort
	if rest >= headLong {
		n = headLong
	}
	return t.heads.has(t.headHash(tail, n))
}

func (t *table) clone() *table {
	c := *t
	c.anchors = t.anchors.clone()
	c.ends = t.ends.clone()
	c.spans = lenTable{w: append([]uint64(nil), t.spans.w...)}
	c.heads = t.heads.clone()
	c.pairs = append(bitset(nil), t.pairs...)
	c.lens = append([]bool(nil), t.lens...)
	return &c
}

func (t *table) empty() bool { return t.maxLen == 0 && !t.prefix }
