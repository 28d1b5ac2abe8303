package scrub

import (
	"crypto/rand"
	"encoding/binary"
	"math/bits"
	"sync"
)

// Matching known values: every view of a line (as it is, then decoded:
// escapes, UTF-16, base64 and hex blobs) is folded two ways, into its
// skeleton (letters and digits) and into folded text (everything); each
// is scanned for keys (keys.go) with the tables (table.go), and what is
// found is mapped back to the line. In text a key must begin and end
// where a word does (a separator, the text's edge, or a script without
// spaces); inside a decoded blob, keys of minAnywhere bytes or more match
// anywhere ("x" + value + "!" encoded as one run).

// matcher holds what the search needs; workers share it read-only.
type matcher struct {
	skel, fold  *table
	pieces      *pieceFilter // nil: no piece keys
	windows     bool         // some piece key is a window (windows.go)
	punct       *gramFilter  // nil: no punctuated pieces (punct.go)
	digests     *gramFilter  // nil: no digests' windows (digests.go)
	shapes      *digitShapes // nil: no numbers' punctuated windows (digits.go)
	verifiers   []verifier
	minAnywhere int
	plainOnly   bool // no index: a lookup is a hash and a read, not a keyed MAC
	// wide: some key holds CJK, kana or Hangul letters, so decoded bytes
	// are read as UTF-16 of them too (decode_wide.go). Without such a
	// key nothing could be found there, and random bytes often read so
	// (half the units are such letters): each request id of a log, as
	// base64, was read and scanned as UTF-16.
	wide bool
}

func newMatcher(ix *Index, vs *valueSet, minLength int, withPieces bool) *matcher {
	m := &matcher{minAnywhere: minLength, plainOnly: ix == nil, wide: vs.wide || ix != nil && ix.wide}
	var skel, fold *table
	var pieces *pieceFilter
	var digests *gramFilter // (the digests' windows': digests.go)
	if ix != nil {
		skel, fold, pieces, digests = ix.skel, ix.fold, ix.pieces, ix.digests
		if vs.len() > 0 {
			skel, fold = skel.clone(), fold.clone()
			if len(vs.pieces) > 0 {
				pieces = pieces.grownBy(len(vs.pieces), vs.nWindows)
			}
		}
	} else {
		var b [8]byte
		rand.Read(b[:])
		seed := binary.LittleEndian.Uint64(b[:])
		skel, fold = newTable(4, seed), newTable(3, foldSeed(seed))
		if len(vs.pieces) > 0 {
			pieces = newPieceFilter(len(vs.pieces), vs.nWindows, pieceSeed(seed))
			pieces.tri = new(triTable)
		}
	}
	// Three builds of their own, on the cores there are: the pieces'
	// filter, the punctuated pieces' and digests' filters, the tables.
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, g := range vs.pieces {
			pieces.add(g)
		}
		if withPieces && pieces != nil && !pieces.empty() {
			m.pieces = pieces
			m.windows = vs.nWindows > 0 || ix != nil && ix.Windows
			m.shapes = shapesOf(ix, vs, pieces.seed)
		}
	})
	wg.Go(func() {
		m.punct = punctMatcher(ix, vs)
		m.digests = filterWith(digests, vs.digests)
	})
	var hs [2]keyHashes
	for _, k := range vs.keys {
		e, t := 0, skel
		if k.dom == domExact {
			e, t = 1, fold
		}
		hs[e].add(t, k.dom, k.scan)
	}
	for e, t := range [2]*table{skel, fold} {
		if len(hs[e].ends) > 0 {
			t.build(&hs[e])
		}
	}
	wg.Wait()
	// The keys are in the tables now: their lists go. Kept (the scrubber
	// holds vs), their millions of small slices were marked at every GC of
	// the scan.
	vs.keys, vs.pieces, vs.puncts, vs.digests = nil, nil, nil, nil
	if vs.len() > 0 {
		m.verifiers = append(m.verifiers, vs)
	}
	if ix != nil {
		m.verifiers = append(m.verifiers, ix)
	}
	if !skel.empty() {
		m.skel = skel
	}
	if !fold.empty() {
		m.fold = fold
	}
	return m
}

func (m *matcher) active() bool {
	return m.skel != nil || m.fold != nil || m.pieces != nil || m.punct != nil || m.digests != nil
}

func (m *matcher) verify(w *worker, dom byte, key []byte) (entry, uint32, bool) {
	for _, v := range m.verifiers {
		if e, tag, ok := v.verify(w, dom, key); ok {
			return e, tag, true
		}
	}
	return entry{}, 0, false
}

// hit is a key found in a rep: bytes [i,e), and its marker's tag.
type hit struct {
	i, e int
	ent  entry
	dom  byte
	tag  uint32
}

var skelDomains = [...]byte{domLoose, domDigits, domToken}

// cand is a candidate key's end, whether it ends a word, and its ends
// hash and word.
type cand struct {
	e             int32
	whole, prefix bool
	base, word    uint64
}

// minLenMask has the bits of lengths n >= min (of a band).
func minLenMask(min int) uint64 {
	if min <= 0 {
		return ^uint64(0)
	}
	if min >= 64 {
		return 0
	}
	return ^uint64(0) << min
}

// bitset is one bit a position.
type bitset []uint64

// window returns the 64 bits from position p.
func (b bitset) window(p int) uint64 {
	k, o := p>>6, uint(p&63)
	if k >= len(b) {
		return 0
	}
	x := b[k] >> o
	if o > 0 && k+1 < len(b) {
		x |= b[k+1] << (64 - o)
	}
	return x
}

// skelBounds: where keys may end in a skeleton rep: words, a key's end
// in text (skelEnd), and runes (flStart), the text's end in both.
type skelBounds struct{ words, runes bitset }

func (sb *skelBounds) of(r *rep) {
	n := len(r.b)/64 + 1
	sb.words, sb.runes = resize(sb.words, n), resize(sb.runes, n)
	fl := r.fl[:len(r.b)]
	// Eight flags at a time: each byte's flStart bit, and whether a gap
	// or a script without spaces is there or just before, gathered into
	// eight bits (movemask).
	e := 0
	var prevCJK uint64 // the last byte's flCJK, moved to the next's bit 0
	for ; e+8 <= len(fl); e += 8 {
		x := binary.LittleEndian.Uint64(fl[e:])
		start := x & lowBits
		gap := ((x&(lowBits*(flGap|flCJK|flAfterCJK)))+lowBits*0x0f)>>4&lowBits | (x>>2&lowBits)<<8 | prevCJK
		prevCJK = x >> 58 & 1
		sb.runes[e>>6] |= gather8(start) << (e & 63)
		sb.words[e>>6] |= gather8(start&gap) << (e & 63)
	}
	for ; e < len(fl); e++ {
		f := fl[e]
		if f&flStart == 0 {
			continue
		}
		sb.runes[e>>6] |= 1 << (e & 63)
		if f&(flGap|flCJK|flAfterCJK) != 0 || e > 0 && fl[e-1]&flCJK != 0 {
			sb.words[e>>6] |= 1 << (e & 63)
		}
	}
	e = len(r.b)
	sb.runes[e>>6] |= 1 << (e & 63)
	sb.words[e>>6] |= 1 << (e & 63)
}

// lowBits is bit 0 of every byte.
const lowBits = 0x0101010101010101

// gather8 packs bit 0 of each of x's bytes (the others zero) into eight
// bits, byte k's as bit k.
func gather8(x uint64) uint64 { return (x << 7) * 0x0002040810204081 >> 56 }

// resize returns b with n zero words.
func resize(b bitset, n int) bitset {
	if cap(b) < n {
		return make(bitset, n, 2*n)
	}
	b = b[:n]
	clear(b)
	return b
}

// nextLen takes the highest length left in a band's mask.
func nextLen(bs *uint64, band int) int {
	b := 63 - bits.LeadingZeros64(*bs)
	*bs &^= 1 << b
	return band + b
}

// has: some key is n bytes long.
func (t *table) has(n int) bool { return n <= maxScan && t.lens[n] }

// lenBands: a lengths mask holds n modulo 64; the lengths it may stand
// for are n, n+64 and n+128 (maxScan), tried longest first.
var lenBands = [...]int{128, 64, 0}

// scanSkel finds keys in a skeleton rep.
func (m *matcher) scanSkel(w *worker, r *rep, anywhere bool, hits []hit) []hit {
	// In stages over a batch of places, so that each stage's reads of
	// the tables (misses in a large index) are independent and in flight
	// together: the places whose anchor passes, then their spans words,
	// then the candidates' ends words; then, in order, the domains.
	t := m.skel
	w.boundsOf = nil // (computed when a place first has lengths: candidates)
	skip := 0        // places before it are inside a key found
	for from := 0; from+t.anchorLen <= len(r.b); {
		ps := w.places[:0]
		i := from
		for ; i+t.anchorLen <= len(r.b) && len(ps) < placeBatch; i++ {
			f := r.fl[i]
			if f&flStart == 0 {
				continue
			}
			bounded := f&(flGap|flCJK|flAfterCJK) != 0
			if !bounded && !anywhere || !t.startsPair(r.b[i:]) {
				continue
			}
			if h1, h2, n := t.anchored(r.b[i:]); n > 0 {
				ps = append(ps, place{i: int32(i), bounded: bounded, caseStart: f&flCase != 0, lm: h1, lm2: h2, two: n == 2})
			}
		}
		from = i
		for k := range ps {
			p := &ps[k]
			lm := t.spans.at(p.lm)
			if p.two {
				lm |= t.spans.at(p.lm2)
			}
			p.lm = lm & t.lenBits
		}
		cs := w.cands[:0]
		for k := range ps {
			p := &ps[k]
			p.c0 = int32(len(cs))
			if p.lm != 0 {
				cs = m.candidates(w, r, anywhere, p, cs)
			}
			p.c1 = int32(len(cs))
		}
		for k := range cs {
			cs[k].word = t.endsWord(cs[k].base)
		}
		for k := range ps {
			p := &ps[k]
			i := int(p.i)
			if i < skip || p.lm == 0 {
				continue // (no key that starts so)
			}
			if rest := len(r.b) - i; rest < t.maxLen && !w.goesOn && t.mayGoOn(r.b[i:], p.lm) {
				// A key may go on past the end: the seam with the next
				// line is tried from here.
				w.goesOn, w.goesOnAt, w.goesOnRest = true, int(r.src[i]), rest
			}
			f := r.fl[i]
		cands:
			for _, c := range cs[p.c0:p.c1] {
				e := int(c.e)
				if c.prefix {
					if endsIn(c.word, c.base, domPrefix) {
						if ent, tag, ok := m.verify(w, domPrefix, r.b[i:e]); ok {
							hits = append(hits, hit{i, e, ent, domPrefix, tag})
						}
					}
					break
				}
				for _, dom := range skelDomains {
					// (a word of a value is found as a whole word or, inside
					// a blob, where a word begins, a capital after small
					// letters too: "xy" + "Øyvind" + "zz" as one base64 run,
					// not the "straße" of "Königstraße"; a key shorter than
					// minAnywhere there when it ends a word: "x" + "Lungu" +
					// "!")
					if t.doms&(1<<domIndex(dom)) == 0 || dom == domToken && !c.whole && !(p.bounded || f&flCase != 0) || !endsIn(c.word, c.base, dom) {
						continue
					}
					ent, tag, ok := m.verify(w, dom, r.b[i:e])
					if ok && dom == domDigits {
						ok = m.strict(w, r, i, e)
					}
					if ok {
						hits = append(hits, hit{i, e, ent, dom, tag})
						skip = e
						break cands
					}
				}
			}
		}
		w.places, w.cands = ps, cs
	}
	return hits
}

// placeBatch: the places scanSkel takes a stage at a time.
const placeBatch = 64

// place is where a key may start: its spans hash, then its lengths, and
// its candidates cands[c0:c1].
type place struct {
	i         int32
	bounded   bool
	caseStart bool // a capital after small letters (flCase)
	lm        uint64
	lm2       uint64 // a second anchor's spans hash (two: digits, table.go)
	two       bool
	c0, c1    int32
}

// candidates appends the candidate keys that start at p (longest first,
// then its prefix key).
func (m *matcher) candidates(w *worker, r *rep, anywhere bool, p *place, cs []cand) []cand {
	t := m.skel
	if w.boundsOf != r {
		w.bounds.of(r)
		w.boundsOf = r
	}
	i := int(p.i)
	rest := len(r.b) - i
	for _, band := range lenBands {
		// The lengths that end where a key may: a word's end when it
		// starts one, inside a blob any rune's start far enough on.
		ends := w.bounds.words.window(i + band)
		if anywhere {
			ends |= w.bounds.runes.window(i+band) & minLenMask(m.minAnywhere-band)
		}
		var short uint64 // (a capital after small letters starts a word: its ends, short as it is)
		if !p.bounded {
			if p.caseStart {
				short = ends &^ minLenMask(m.minAnywhere-band)
			}
			ends &= w.bounds.runes.window(i+band) & minLenMask(m.minAnywhere-band)
			ends |= short
		}
		for bs := p.lm & ends; bs != 0; {
			n := nextLen(&bs, band)
			if n > rest || n < t.minLen || !t.has(n) {
				continue
			}
			e := i + n
			cs = append(cs, cand{e: int32(e), whole: p.bounded && r.skelEnd(e), base: t.endsBase(r.b[i:e])})
		}
	}
	if t.prefix && p.bounded && p.lm&prefixBit != 0 && i+PrefixLen <= len(r.b) {
		cs = append(cs, cand{e: int32(i + PrefixLen), prefix: true, base: t.endsBase(r.b[i : i+PrefixLen])})
	}
	return cs
}

// maxExtraGaps bounds the subsets of a candidate's separators tried.
const maxExtraGaps = 10

// strict checks a digits key's separators: the value's must all be in
// the candidate [i,e) (which may have more): each subset of the
// candidate's separators is tried as the value's.
func (m *matcher) strict(w *worker, r *rep, i, e int) bool {
	var gaps []int
	for k := i + 1; k < e; k++ {
		if r.fl[k]&flGap != 0 {
			gaps = append(gaps, k)
		}
	}
	if len(gaps) == e-i-1 {
		return true // a separator after every byte (one digit a cell): the value's are there
	}
	if len(gaps) > maxExtraGaps {
		gaps = gaps[:maxExtraGaps] // the rest must be the value's
	}
	for set := 0; set < 1<<len(gaps); set++ {
		w.sq = w.sq[:0]
		g := 0
		for k := i; k < e; k++ {
			if k > i && r.fl[k]&flGap != 0 {
				drop := g < len(gaps) && gaps[g] == k && set&(1<<g) == 0
				if g < len(gaps) && gaps[g] == k {
					g++
				}
				if !drop {
					w.sq = append(w.sq, 0)
				}
			}
			w.sq = append(w.sq, r.b[k])
		}
		if _, _, ok := m.verify(w, domStrict, w.sq); ok {
			return true
		}
	}
	return false
}

// scanFold finds exact keys in a folded rep.
func (m *matcher) scanFold(w *worker, r *rep, anywhere bool, hits []hit) []hit {
	return m.scanFoldFrom(w, r, anywhere, 0, len(r.b), hits)
}

// scanFoldFrom finds exact keys that start in r.b[from:to].
func (m *matcher) scanFoldFrom(w *worker, r *rep, anywhere bool, from, to int, hits []hit) []hit {
	t := m.fold
	for i := from; i < to; i++ {
		if r.fl[i]&flStart == 0 {
			continue
		}
		bounded := r.foldedStart(i)
		if !bounded && !anywhere || !t.startsPair(r.b[i:]) {
			continue
		}
		if bounded && t.minLen < t.anchorLen { // keys shorter than an anchor: whole words only
			for n := t.minLen; n < t.anchorLen && i+n <= len(r.b); n++ {
				cand := r.b[i : i+n]
				if t.lens[n] && r.foldedEnd(i+n) && t.anchors.hasPair(t.shortHash(cand)) && t.ends.hasPair(t.endsHash(cand, domExact)) {
					if ent, tag, ok := m.verify(w, domExact, cand); ok {
						hits = append(hits, hit{i, i + n, ent, domExact, tag})
					}
				}
			}
		}
		if i+t.anchorLen > len(r.b) || !t.anchors.hasPair(t.anchorHash(r.b[i:])) {
			continue
		}
		lm := t.spans.at(t.spanHash(r.b[i:])) & t.lenBits
		rest := len(r.b) - i
	lengths:
		for _, band := range lenBands {
			for bs := lm; bs != 0; {
				n := nextLen(&bs, band)
				if n > rest || n < t.anchorLen || !t.has(n) {
					continue
				}
				e := i + n
				if e < len(r.b) && r.fl[e]&flStart == 0 {
					continue
				}
				if !(bounded && r.foldedEnd(e)) && !(anywhere && n >= m.minAnywhere) {
					continue
				}
				cand := r.b[i:e]
				if !t.ends.hasPair(t.endsHash(cand, domExact)) {
					continue
				}
				if ent, tag, ok := m.verify(w, domExact, cand); ok {
					hits = append(hits, hit{i, e, ent, domExact, tag})
					i = e - 1
					break lengths
				}
			}
		}
	}
	return hits
}
