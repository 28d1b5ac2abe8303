package scrub

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"math/bits"
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
	punct       *punctFilter // nil: no punctuated pieces (punct.go)
	shapes      *digitShapes // nil: no numbers' punctuated windows (digits.go)
	verifiers   []verifier
	minAnywhere int
	plainOnly   bool // no index: a lookup is a hash and a read, not a keyed MAC
}

func newMatcher(ix *Index, vs *valueSet, minLength int, withPieces bool) *matcher {
	m := &matcher{minAnywhere: minLength, plainOnly: ix == nil}
	var skel, fold *table
	var pieces *pieceFilter
	if ix != nil {
		skel, fold, pieces = ix.skel, ix.fold, ix.pieces
		if vs.len() > 0 {
			skel, fold = skel.clone(), fold.clone()
			if len(vs.pieces) > 0 {
				pieces = pieces.grownBy(len(vs.pieces))
			}
		}
	} else {
		var b [8]byte
		rand.Read(b[:])
		seed := binary.LittleEndian.Uint64(b[:])
		skel, fold = newTable(4, seed), newTable(3, foldSeed(seed))
		if len(vs.pieces) > 0 {
			pieces = newPieceFilter(len(vs.pieces), pieceSeed(seed))
		}
	}
	for _, g := range vs.pieces {
		pieces.add(g)
	}
	if withPieces && pieces != nil && !pieces.empty() {
		m.pieces = pieces
		m.shapes = shapesOf(ix, vs, pieces.seed)
	}
	m.punct = punctMatcher(ix, vs)
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
	// The keys are in the tables now: their lists go. Kept (the scrubber
	// holds vs), their millions of small slices were marked at every GC of
	// the scan.
	vs.keys, vs.pieces = nil, nil
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
	return m.skel != nil || m.fold != nil || m.pieces != nil || m.punct != nil
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
			a := load(r.b[i:], 4)
			if t.anchors.hasPair(mix(a ^ t.seed)) {
				ps = append(ps, place{i: int32(i), bounded: bounded, caseStart: f&flCase != 0, lm: t.spanHashOf(a)})
			}
		}
		from = i
		for k := range ps {
			ps[k].lm = t.spans.at(ps[k].lm) & t.lenBits
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

// scanView finds known values in a view and appends their spans (in the
// view's source).
func (w *worker) scanView(v *view, anywhere bool, spans []span) []span {
	m := w.m
	w.hits = w.hits[:0]
	n0 := len(spans) // (this view's spans follow)
	if m.skel != nil || m.pieces != nil {
		w.sk.skeleton(v.text)
		if m.skel != nil {
			w.hits = m.scanSkel(w, &w.sk, anywhere, w.hits)
		}
		if m.pieces != nil {
			n := len(w.hits)
			w.hits = m.scanPieces(w, &w.sk, w.hits)
			w.trimPieceEdges(v.text, &w.sk, w.hits[:n], w.hits[n:])
		}
		spans = w.mapHits(v, &w.sk, spans)
	}
	spans = w.scanFolded(v, anywhere, spans)
	if m.punct != nil {
		spans = w.scanPunct(v, spans[n0:], spans)
	}
	return w.scanDigits(v, spans[n0:], spans)
}

// foldStarts: for ASCII text without NULs (its folded text is its bytes
// in lower case), the places where a word starts (or a separator) with
// two bytes that start a key of t; all false when text is not ASCII.
func foldStarts(t *table, text []byte, at []int) ([]int, bool) {
	at = at[:0]
	prevAlnum := false
	for i, c := range text {
		if c >= 0x80 || c == 0 {
			return at, false
		}
		alnum := asciiAlnum[c] != 0
		if !prevAlnum || !alnum {
			p := int(asciiLower[c]) << 8
			if i+1 < len(text) {
				p |= int(asciiLower[text[i+1]&0x7f])
			}
			if t.pairs[p>>6]&(1<<(p&63)) != 0 {
				at = append(at, i)
			}
		}
		prevAlnum = alnum
	}
	return at, true
}

// foldWindow: the bytes around a place that its exact keys can reach
// (one before for its start, one after for its end).
func foldWindow(t *table, text []byte, i int) (int, int) {
	return max(0, i-1), min(len(text), i+t.maxLen+1)
}

// scanFolded finds the exact keys in a view (scanView's second half).
func (w *worker) scanFolded(v *view, anywhere bool, spans []span) []span {
	t := w.m.fold
	if t == nil {
		return spans
	}
	if !anywhere {
		// ASCII text: only the few windows where a short key may start
		// are folded (a dump's lines are long, its words many).
		var ascii bool
		if w.foldAt, ascii = foldStarts(t, v.text, w.foldAt); ascii {
			w.hits = w.hits[:0]
			for _, i := range w.foldAt {
				a, b := foldWindow(t, v.text, i)
				w.fo.folded(v.text[a:b])
				for k := range w.fo.src {
					w.fo.src[k] += int32(a)
				}
				w.hits = w.m.scanFoldFrom(w, &w.fo, false, i-a, i-a+1, w.hits)
				if b < len(v.text) { // (a key ending at the window's end ends nowhere)
					hs := w.hits[:0]
					for _, h := range w.hits {
						if h.e < len(w.fo.b) {
							hs = append(hs, h)
						}
					}
					w.hits = hs
				}
				spans = w.mapHits(v, &w.fo, spans)
				w.hits = w.hits[:0]
			}
			return spans
		}
	}
	w.hits = w.hits[:0]
	w.fo.folded(v.text)
	w.hits = w.m.scanFold(w, &w.fo, anywhere, w.hits)
	return w.mapHits(v, &w.fo, spans)
}

func (w *worker) mapHits(v *view, r *rep, spans []span) []span {
	for _, h := range w.hits {
		st, en := int(r.src[h.i]), runeEnd(v.text, int(r.src[h.e-1]))
		if h.dom == domPrefix {
			// A value cut short in a message: the rest of the quoted
			// text goes too.
			for en < len(v.text) && v.text[en] != '\'' && v.text[en] != '"' && v.text[en] != '\n' {
				en++
			}
		}
		a, b := v.source(st, en)
		spans = append(spans, span{a, b, h.ent.kind, h.ent.source, h.tag})
	}
	return spans
}

// maxDepth bounds blobs inside blobs (base64 of gzip of text with hex).
const maxDepth = 3

// knownSpans finds the known values of a line in every view; it also
// returns the line's sides for the seam with the next line: its text as
// it is and fully decoded (when that differs), each with where a value
// may start that goes on past its end.
func (w *worker) knownSpans(line []byte, spans []span) ([]span, seamSides) {
	// (the plain views in a ring of three: a line's is kept, in its
	// sides, while the next line is scanned, which may take two calls:
	// wordBreaks' copy first)
	w.plainFlip = (w.plainFlip + 1) % len(w.plains)
	plain := &w.plains[w.plainFlip]
	*plain = view{text: bytes.TrimRight(line, "\r\n")}
	w.lineGoesOn, w.plainGoesOn = tailFrom{at: -1}, tailFrom{at: -1}
	w.curLine = line
	w.inflated = 0
	w.oneSides = w.oneSides[:0]
	spans, final := w.viewsSpans(plain, 0, false, spans)
	sides := seamSides{{plain, w.plainGoesOn}}
	if final != plain {
		sides[1] = seamSide{final, w.lineGoesOn}
	}
	copy(sides[2:], w.oneSides)
	return spans, sides
}

// seamSide is a view of a line and where in it a value may start that
// goes on in the next line.
type seamSide struct {
	v    *view
	tail tailFrom
}

// tailFrom: a line's decoded text from at (-1: none) may begin a value
// that goes on in the next line, with rest skeleton bytes in this one.
type tailFrom struct{ at, rest int }

// viewsSpans scans v and what it decodes to; depth > 0 is inside a blob.
// It returns the last decoded view.
func (w *worker) viewsSpans(v *view, depth int, anywhere bool, spans []span) ([]span, *view) {
	w.goesOn = false
	spans = w.scanView(v, anywhere, spans)
	w.noteGoesOn(depth, v)
	if depth == 0 {
		w.plainGoesOn = w.lineGoesOn
	}
	spans = w.seamHere(depth, v, spans)
	spans = w.blobSpans(v, depth, spans)
	// Each round decodes the last; a round whose escapes changed no
	// letter, digit or base64 run ('\"' in JSON in SQL) has the same
	// skeleton and runs as the view before: only its folded text is new.
	// last is the last view whose skeleton was scanned.
	cur, last := v, v
	var touched uint8 // since last's skeleton, since the last runs
	fams := families(v.text)
	for round, f := 0, fams; round < 3 && f != 0; round, f = round+1, families(cur.text) {
		next := &view{}
		if !unescapeOnly(cur.text, next, f) {
			break
		}
		next.compose(cur)
		touched |= next.touched
		if touched&touchSkel != 0 {
			w.goesOn = false
			spans = w.scanView(next, anywhere, spans)
			w.noteGoesOn(depth, next)
			spans = w.seamHere(depth, next, spans)
			last = next
		} else {
			spans = w.scanFolded(next, anywhere, spans)
		}
		if touched&touchB64 != 0 {
			spans = w.blobSpans(next, depth, spans)
			spans = w.viewGroups(next, spans)
		}
		touched &^= touchSkel
		if touched&touchB64 != 0 {
			touched = 0
		}
		cur = next
	}
	// Each family alone too, when the line has several (a value may hold
	// one literally): one round each.
	if bits.OnesCount8(fams) > 1 {
		for f := uint8(1); f < famAll; f <<= 1 {
			if fams&f == 0 {
				continue
			}
			one := &view{}
			if unescapeOnly(v.text, one, f) {
				one.compose(v)
				if one.touched&touchSkel != 0 {
					w.goesOn = false
					spans = w.scanView(one, anywhere, spans)
					if depth == 0 && w.m.skel != nil {
						if t := w.tailOf(&w.sk, one.text); t.at >= 0 {
							w.oneSides = append(w.oneSides, seamSide{one, t})
						}
						spans = w.seamHere(depth, one, spans)
					}
				} else {
					spans = w.scanFolded(one, anywhere, spans)
				}
				if one.touched&touchB64 != 0 {
					spans = w.blobSpans(one, depth, spans)
				}
			}
		}
	}
	// (Text of printable ASCII, tabs and line ends, as most log lines
	// are, has no byte of a legacy charset, no NUL and no control byte:
	// legacySpans and the UTF-16 views find nothing there, nor tagSpans,
	// whose tags are bytes of 0x80 or more; PostgreSQL's and RTF's
	// escapes are ASCII, '\\' or '&' their trigger.)
	plain8 := printASCII(v.text)
	if !plain8 {
		spans = w.legacySpans(v, anywhere, spans)
		spans = w.tagSpans(v, anywhere, spans)
	}
	spans = w.moreSpans(v, depth, anywhere, spans)
	spans = w.pgRTFSpans(v, anywhere, spans)
	spans = w.utf7Spans(v, anywhere, spans)
	if !plain8 && (bytes.Count(v.text, []byte{0}) >= 2 || utf16Text(v.text)) {
		for off := 0; off < 2; off++ {
			for _, big := range [2]bool{false, true} {
				u := &view{}
				utf16View(v.text, off, big, u)
				u.compose(v)
				spans = w.scanView(u, anywhere, spans)
			}
		}
	}
	return spans, last
}

// printASCII: t's bytes are all printable ASCII, tabs, line ends or ESC
// (no byte of 0x80 or more, no NUL, no other control byte), eight at a
// time.
func printASCII(t []byte) bool {
	i := 0
	for ; i+8 <= len(t); i += 8 {
		x := binary.LittleEndian.Uint64(t[i:])
		if x&(lowBits*0x80) != 0 {
			return false
		}
		if (x-lowBits*0x20)&^x&(lowBits*0x80) == 0 {
			continue // (no byte below 0x20)
		}
		for _, c := range t[i : i+8] {
			if !printByte(c) {
				return false
			}
		}
	}
	for _, c := range t[i:] {
		if !printByte(c) {
			return false
		}
	}
	return true
}

func printByte(c byte) bool {
	return c >= 0x20 && c < 0x80 || c == '\t' || c == '\n' || c == '\r' || c == 0x1b
}

// noteGoesOn keeps, for a line's view (depth 0), where a value may go
// on past its end: the last view scanned is the line's final view.
func (w *worker) noteGoesOn(depth int, v *view) {
	if depth > 0 {
		return
	}
	w.lineGoesOn = w.tailOf(&w.sk, v.text)
}

// seamHere scans the seam with the line before, if one is pending, with
// this line's view v (its skeleton is w.sk).
func (w *worker) seamHere(depth int, v *view, spans []span) []span {
	if depth > 0 || w.seamPrev == nil || w.m.skel == nil {
		return spans
	}
	for _, a := range w.seamPrev.sides {
		if a.v != nil && a.tail.at >= 0 {
			w.seam(w.seamPrev.line, a, w.curLine, v, &w.sk, &spans)
		}
	}
	return spans
}

// blobSpans decodes v's base64 and hex runs; a run whose content holds a
// known value is scrubbed whole.
func (w *worker) blobSpans(v *view, depth int, spans []span) []span {
	if depth >= maxDepth {
		return spans
	}
	t := v.text
	spans = w.spacedHexSpans(v, depth, spans)
	spans = w.numListSpans(v, depth, spans)
	spans = w.byteListSpans(v, depth, spans)
	tokEnd := 0 // (radixTokenSpans read the token up to here)
	for i := 0; i < len(t); {
		if !isB64(t[i]) {
			if radixTrigger[t[i]] != 0 && i >= tokEnd && isRadixTrigger(t, i) {
				spans, tokEnd = w.radixTokenSpans(v, i, depth, spans)
			}
			i++
			continue
		}
		j := i
		for j < len(t) && isB64(t[j]) {
			j++
		}
		k := j
		for j-i >= minB64 && k < len(t) && k-j < 2 && t[k] == '=' {
			k++ // (after a short run '=' is no padding: it may be a Z85 token's, "lQAZ=fFAFb", which the radix branch reads)
		}
		if depth == 0 && j-i >= minB64 && w.atCut(v, i, k) {
			a, b := v.source(i, k)
			spans = append(spans, span{start: a, end: b, kind: kindBlob, source: sourceLimit})
		} else if j-i >= minB64 && !covered(spans, v, i, k) {
			if sp, ok := w.blobHit(t[i:j], depth); ok {
				sp.start, sp.end = v.source(i, k) // the run, tagged as the value inside
				spans = append(spans, sp)
			}
		}
		i = k // (t[k] is no base64: the loop's other branch looks at it)
	}
	return spans
}

// covered: view bytes [i,k) are inside a span found already, which
// replaces them whatever they decode to (in dump-like text most runs are
// a known value's words: their decoding would change nothing).
func covered(spans []span, v *view, i, k int) bool {
	if len(spans) == 0 {
		return false
	}
	a, b := v.source(i, k)
	for _, sp := range spans {
		if sp.start <= a && b <= sp.end {
			return true
		}
	}
	return false
}

// blobMisses remembers, per worker, short runs none of whose decodings
// was even worth scanning (each read as noise, or the run is an id): a
// log repeats its words ("migration", "instances") line after line, and
// each would be decoded again to the same end. The runs are kept whole
// and compared byte for byte: a run is skipped only when it is one seen.
type blobMisses struct {
	n     [blobMissSlots]uint8 // the run's length (0: empty slot)
	b     [blobMissSlots][blobMissLen]byte
	scans int // scanBlob calls, to tell whether a run's decodings were scanned
}

const (
	blobMissSlots = 512
	blobMissLen   = 31 // (shorter than the runs that are scanned whatever they decode to)
)

func (c *blobMisses) slot(run []byte) int { return int(gramHash(run, 0) & (blobMissSlots - 1)) }

func (c *blobMisses) has(run []byte) bool {
	if len(run) > blobMissLen {
		return false
	}
	k := c.slot(run)
	return int(c.n[k]) == len(run) && string(c.b[k][:len(run)]) == string(run)
}

func (c *blobMisses) add(run []byte) {
	if len(run) > blobMissLen {
		return
	}
	k := c.slot(run)
	c.n[k] = uint8(len(run))
	copy(c.b[k][:], run)
}

// blobHit reports the first known value inside a run's decoded forms.
func (w *worker) blobHit(run []byte, depth int) (span, bool) {
	if w.misses.has(run) {
		return span{}, false
	}
	scans, inflated := w.misses.scans, w.inflated
	sp, ok := w.decodedHit(run, depth)
	// A run whose decodings were scanned in vain is remembered too when
	// it was a line's own (depth 0: its decodings were searched as deep
	// as they go, for any depth after) and nothing was inflated (the
	// line's inflate budget was not drawn on): its search is the same
	// wherever the run is met. Since compressed streams are read (a word
	// may decode to the start of a raw deflate stream, or to UTF-16), the
	// words of ordinary logs were decoded and scanned on every line.
	if !ok && (w.misses.scans == scans || depth == 0 && w.inflated == inflated) {
		w.misses.add(run)
	}
	return sp, ok
}

// decodedHit is blobHit's search.
func (w *worker) decodedHit(run []byte, depth int) (span, bool) {
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	if cap(w.bufs[depth]) < len(run) {
		w.bufs[depth] = make([]byte, 0, len(run)+64)
	}
	buf := w.bufs[depth]
	var found span
	ok, known := false, false
	try := func(b []byte) bool {
		if len(run) < 32 && !plausible(b) {
			return false // a word that happens to be base64 of noise
		}
		found, ok, known = w.scanBlob(b, depth+1)
		return ok || known // a run is one encoding: once it reads as one, done
	}
	if decodeRadix(run, buf, func(b []byte) bool { return try(b) && ok }) {
		return found, ok
	}
	ri := scanRun(run)
	h := hexBody(run)
	if len(h) >= 12 && (ri.hex || allHex(h)) && decodeHex(h, buf, try) {
		return found, ok
	}
	if ri.id {
		return span{}, false
	}
	// (Base32 first, but only a find ends it: base64 of capitals may be
	// in base32's alphabet too.)
	if decodeBase32(run, buf, func(b []byte) bool { return try(b) && ok }) || decodeBase64(run, ri, buf, try) {
		return found, ok
	}
	return span{}, false
}

// plausible: short decoded bytes that could be text, UTF-16 or a
// compressed stream (what ordinary words decode to mostly cannot).
func plausible(b []byte) bool {
	if len(b) >= 2 && (b[0] == 0x1f && b[1] == 0x8b || b[0] == 0x78) || compressedLike(b) {
		return true
	}
	if _, ok := utf16Like(b); ok {
		return true
	}
	if _, ok := utf16Wide(b); ok {
		return true
	}
	return textLike(b)
}

// scanBlob looks for a known value in decoded bytes, anywhere; known
// reports that the bytes read as something (compressed, UTF-16, text).
// Bytes that read as nothing are searched for whole words of values of
// minAnywhere or more (shorter ones turn up in noise by chance).
func (w *worker) scanBlob(b []byte, depth int) (sp span, found, known bool) {
	w.misses.scans++
	if out, ok, over, raw := inflateRaw(b, w.inflateRoom()); over {
		// More than the line may inflate to: not read whole, so
		// scrubbed whole.
		return span{kind: kindBlob, source: sourceLimit}, true, true
	} else if ok {
		w.inflated += len(out)
		if sp, found, _ = w.scanBytes(out, depth); found || !raw {
			return sp, found, true
		}
		// Raw deflate has no magic: the bytes may be text that reads
		// as a stream too.
		known = true
	}
	sp, found, k := w.scanBytes(b, depth)
	return sp, found, known || k
}

// scanBytes is scanBlob's search in bytes already inflated.
func (w *worker) scanBytes(b []byte, depth int) (sp span, found, known bool) {
	var spans []span
	if big, ok := utf16Wide(b); ok {
		// (UTF-16 of CJK or Hangul may read as text too: both are read)
		spans = w.scanView(&view{text: wideText(b, big)}, true, spans)
		known = true
	}
	if off, ok := utf16Like(b); ok {
		// NULs at even offsets: big endian from the start, or little
		// endian a byte in (it read big endian a byte in, which is
		// neither: 005a006f of "Zo" in hex read as U+5A00 U+6F00)
		u := &view{}
		utf16View(b, 0, off == 1, u)
		spans = w.scanView(&view{text: u.text}, true, spans)
		if off == 1 {
			utf16View(b, 1, false, u)
			spans = w.scanView(&view{text: u.text}, true, spans)
		}
		known = true
	} else if textLike(b) {
		spans, _ = w.viewsSpans(&view{text: append([]byte(nil), b...)}, depth, true, spans)
		known = true
	} else if len(b) >= 24 {
		for _, sp := range w.scanView(&view{text: b}, false, nil) {
			if sp.end-sp.start >= w.m.minAnywhere {
				spans = append(spans, sp)
			}
		}
	}
	if len(spans) == 0 {
		return span{}, false, known
	}
	if w.blobTags != nil && depth == 1 {
		*w.blobTags = append(*w.blobTags, spans...)
	}
	return spans[0], true, known
}
