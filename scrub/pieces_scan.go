package scrub

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"slices"
)

// Scanning a skeleton for pieces: the filter (pieces.go) first, then
// the pieces that pass it are looked up.

// pieceBatch: the places scanPieces hashes before it reads their
// first level's words.
const pieceBatch = 64

// starts5 has the flStart bit of six flags bytes: five one-byte runes
// and the start of the next.
const starts5 = 0x010101010101 * flStart

// scanPieces finds runs of known pieces in a skeleton rep: each run of
// overlapping pieces found is one hit. Where five one-byte runes start
// (nearly everywhere in logs) the gram there is one 8-byte load and the
// next place is skipped (a piece starting there holds the gram after
// it, tested next); elsewhere the gram's runes are counted and every
// rune start is tested. The places that pass the first level are
// gathered, then looked up (pieceRuns).
func (m *matcher) scanPieces(w *worker, r *rep, hits []hit) []hit {
	f := m.pieces
	b, fl := r.b, r.fl
	ps, wps := w.piecePlaces[:0], w.windowPlaces[:0]
	// In batches: the places' grams are hashed, then their first level's
	// words read (independent reads, mostly cache misses, in flight
	// together), then tested in order.
	var at [pieceBatch]int32 // the place; -1-place: its gram is digits only
	var hs, ws [pieceBatch]uint64
	var skips [pieceBatch]bool // whether the place before was not tested
	skipped := false
	for i := 0; i+gramRunes <= len(b); {
		n := 0
		for ; n < pieceBatch && i+gramRunes <= len(b); n++ {
			fast := i+8 <= len(b) && binary.LittleEndian.Uint64(fl[i:])&starts5 == starts5
			at[n], skips[n] = int32(i), skipped
			switch {
			case fast:
				v := binary.LittleEndian.Uint64(b[i:]) & (1<<40 - 1)
				if f.tri != nil && !f.tri.has(v) {
					// (no piece or window starts here or a byte before)
					n--
					i, skipped = i+2, true
					continue
				}
				if digits5(v) {
					at[n] = -1 - int32(i)
				}
				hs[n] = hash5(v, f.seed)
				i, skipped = i+2, true
				continue
			case fl[i]&flStart == 0:
				n--
			default:
				e := runesEnd(fl, i, gramRunes)
				if e < 0 {
					n--
					i = len(b) // (fewer runes left than a gram)
					continue
				}
				if e-i == gramRunes && allDigits(b[i:e]) {
					at[n] = -1 - int32(i)
				}
				hs[n] = f.gramHash1(b[i:e])
			}
			i, skipped = i+1, false
		}
		ps = f.passed(&f.l1, b, fl, at[:n], hs[:n], skips[:n], ws[:n], ps)
		if m.windows {
			wps = f.passed(&f.w1, b, fl, at[:n], hs[:n], skips[:n], ws[:n], wps)
		}
	}
	w.piecePlaces, w.windowPlaces = ps, wps
	found := len(hits) > 0
	if found {
		w.coverOf(hits)
		ps = w.outsideFound(r, ps, false, w.outside[:0])
		w.outside = ps
	}
	hits = m.pieceRuns(w, r, ps, hits)
	if len(wps) > 0 {
		if found {
			// (outside the keys found, not the piece runs: a window
			// inside a run may go on past it)
			wps = w.outsideFound(r, wps, true, w.outsideW[:0])
			w.outsideW = wps
		}
		hits = m.windowRuns(w, r, wps, hits)
	}
	return hits
}

// passed appends the places of a batch (at, their grams' hashes hs, and
// whether the place before each was skipped) whose pieces (or windows)
// may start there by first level l1 (the pieces' or the windows'); ws is
// room for the words read.
func (f *pieceFilter) passed(l1 *bitTable, b []byte, fl []uint8, at []int32, hs []uint64, skips []bool, ws []uint64, ps []int32) []int32 {
	for k := range hs {
		ws[k] = l1.w[(hs[k]&l1.mask)>>6]
	}
	for k := range hs {
		i, skip := int(at[k]), skips[k]
		if i >= 0 {
			if p := pairBits(hs[k]); ws[k]&p == p {
				if skip {
					ps = append(ps, int32(i-1))
				}
				ps = append(ps, int32(i))
			}
			continue
		}
		// Digits only, not held: a piece starting before has its
		// first gram held, one starting here its second.
		i = -1 - i
		if skip && !digit[b[i-1]] && l1.hasPair(hash5(load5(b[i-1:]), f.seed)) {
			ps = append(ps, int32(i-1))
		}
		if i+pieceRunes <= len(b) && !digit[b[i+gramRunes]] {
			if e := runesEnd(fl, i+1, gramRunes); e >= 0 && l1.hasPair(f.gramHash1(b[i+1:e])) {
				ps = append(ps, int32(i))
			}
		}
	}
	return ps
}

// outsideFound drops the places whose piece lies inside a key found
// already (hits): it would add nothing to what goes (in dump-like text
// nearly every word is a known value or a word of one, and a piece's
// lookup is a cache miss). The runs found are then the runs of all
// places less those inside keys; what they cover with the keys is the
// same (a run the dropped places joined overlaps the key on either side
// of them, in the text too). The keys' cover is w.cover (coverOf); the
// places are windows' with window (windows.go); kept is appended to.
func (w *worker) outsideFound(r *rep, ps []int32, window bool, kept []int32) []int32 {
	cover := w.cover
	k := 0
	for _, p := range ps {
		for k < len(cover) && cover[k][1] <= p {
			k++
		}
		if k < len(cover) && cover[k][0] <= p {
			if window {
				if e := runesEnd(r.fl, int(p), windowRunes); e < 0 || e <= int(cover[k][1]) {
					continue
				}
			} else if g, ok := pieceBytes(r.b, r.fl, int(p)); !ok || p+int32(len(g)) <= cover[k][1] {
				continue
			}
		}
		kept = append(kept, p)
	}
	return kept
}

// coverOf sets w.cover to what keys found (hits) cover, merged and in
// order.
func (w *worker) coverOf(hits []hit) {
	cover := w.cover[:0]
	for _, h := range hits {
		cover = append(cover, [2]int32{int32(h.i), int32(h.e)})
	}
	slices.SortFunc(cover, func(a, b [2]int32) int { return int(a[0] - b[0]) })
	// (merged where they overlap, not where one starts as the last ends:
	// the text between them, a separator, is no key's; a piece across
	// it holds it)
	n := 0
	for _, c := range cover {
		if n > 0 && c[0] < cover[n-1][1] {
			cover[n-1][1] = max(cover[n-1][1], c[1])
			continue
		}
		cover[n] = c
		n++
	}
	w.cover = cover[:n]
}

// pieceRuns looks up the pieces at places ps (rising) and appends each
// run of overlapping known pieces as one hit. A piece that starts later
// ends later (a 12-digit hex piece's next places start hex pieces too,
// or none, until its seventh digit), so inside a run the furthest
// reaching piece is the last one found: the places inside are tried
// from the last back, and the first found stands for those before it
// (in dump-like text nearly every place starts a known piece: one
// lookup for up to five). The runs are those of looking every place up
// in order (TestPieceRunsInOrder).
func (m *matcher) pieceRuns(w *worker, r *rep, ps []int32, hits []hit) []hit {
	b, fl := r.b, r.fl
	return lookRuns(w, r, ps, hits, func(i, runE int) (int, entry, bool) {
		if runE < 0 {
			g, en, ok := m.pieceAt(w, b, fl, i)
			return i + len(g), en, ok
		}
		// (inside a run: only a piece that reaches further is looked up)
		g, ok := pieceBytes(b, fl, i)
		return i + len(g), entry{}, ok && i+len(g) > runE && !brokenPiece(g, fl[i:]) && m.knownPiece(w, g)
	})
}

// lookRuns is pieceRuns' walk (and windowRuns'): at(i, -1) is whether a
// key starts at place i, where it ends and its entry; at(i, runE), inside
// a run, whether one starts there that ends past runE.
func lookRuns(w *worker, r *rep, ps []int32, hits []hit, at func(i, runE int) (int, entry, bool)) []hit {
	b := r.b
	runI, runE := -1, -1
	var ent entry
	for k := 0; k < len(ps); {
		i := int(ps[k])
		if runI < 0 || i >= runE {
			if runI >= 0 {
				hits = append(hits, hit{runI, runE, ent, domPiece, w.tagOf(classSkel, b[runI:runE])})
				runI = -1
			}
			k++
			if e, en, ok := at(i, -1); ok {
				runI, runE, ent = i, e, en
			}
			continue
		}
		end := k // ps[k:end] start inside the run
		for end < len(ps) && int(ps[end]) < runE {
			end++
		}
		for q := end - 1; q >= k; q-- {
			if e, _, ok := at(int(ps[q]), runE); ok {
				runE = e
				break
			}
		}
		k = end
	}
	if runI >= 0 {
		hits = append(hits, hit{runI, runE, ent, domPiece, w.tagOf(classSkel, b[runI:runE])})
	}
	return hits
}

// pieceBytes is the piece of skeleton b at rune start i, if one may
// start there (no lookup).
func pieceBytes(b []byte, fl []uint8, i int) ([]byte, bool) {
	e := runesEnd(fl, i, pieceRunes)
	if e < 0 {
		return nil, false
	}
	return pieceAt(b, i, e)
}

// knownPiece looks a piece inside a run up: the second level, then the
// keys; with plaintext keys only, the keys alone (inside a run the piece
// is mostly known, and a miss in the keys' table costs one read, the
// second level's two).
func (m *matcher) knownPiece(w *worker, g []byte) bool {
	if !m.plainOnly && !m.pieces.has2(gramHash(g, m.pieces.seed)) {
		return false
	}
	_, _, ok := m.verify(w, domPiece, g)
	return ok
}

// pieceAt is the known piece starting at rune start i of skeleton b, if
// any (after the first level passed).
func (m *matcher) pieceAt(w *worker, b []byte, fl []uint8, i int) ([]byte, entry, bool) {
	g, ok := pieceBytes(b, fl, i)
	if !ok || brokenPiece(g, fl[i:]) || !m.pieces.has2(gramHash(g, m.pieces.seed)) {
		return nil, entry{}, false
	}
	en, _, ok := m.verify(w, domPiece, g)
	return g, en, ok
}

// brokenPiece: piece g (its flags from fl) is cut by word breaks into
// common words' parts (commonPiece), so it is not the value's: the
// value's pieces that read so with the value's own breaks are no keys
// (piecesOf), so its breaks are elsewhere; the text's are a stranger's
// ("serv|er during" is no "Fjordurinn"). (A 12-digit hex piece says
// something in any spacing.)
func brokenPiece(g []byte, fl []uint8) bool {
	var gapBuf [4 * pieceHex]bool
	gap, cut := gapBuf[:0], false
	for k := range g {
		f := fl[k]&flGap != 0
		cut = cut || k > 0 && f
		gap = append(gap, f)
	}
	if !cut || len(g) == pieceHex && allHex(g) {
		return false
	}
	return commonParts().commonPiece(g, gap)
}

// runesEnd is where the n runes from rune start i end (-1: the rep ends
// first).
func runesEnd(fl []uint8, i, n int) int {
	k := 0
	for j := i; j < len(fl); j++ {
		if fl[j]&flStart != 0 {
			if k == n {
				return j
			}
			k++
		}
	}
	if k == n {
		return len(fl)
	}
	return -1
}

// grownBy returns a copy of f (nil: a new filter) with room for n more
// pieces (windows of them windows), every bit kept.
func (f *pieceFilter) grownBy(n, windows int) *pieceFilter {
	if f == nil {
		var b [8]byte
		rand.Read(b[:])
		return newPieceFilter(n, windows, binary.LittleEndian.Uint64(b[:]))
	}
	more := newPieceFilter(n+len(f.l2.w)*64/32, windows+len(f.w1.w)*64/16, f.seed)
	return &pieceFilter{l1: f.l1.grown(more.l1), l2: f.l2.grown(more.l2), w1: f.w1.grown(more.w1), seed: f.seed}
}

// empty: no piece is in f, nor a number's window (digits.go: those are
// in the second level only; a list of cards and phones alone has no
// other piece, and read as empty its windows were never looked for).
func (f *pieceFilter) empty() bool {
	return !slices.ContainsFunc(f.l1.w, nonZero) && !slices.ContainsFunc(f.l2.w, nonZero)
}

func nonZero(x uint64) bool { return x != 0 }

// edgeRunes: a piece run's part beyond its first or last separator of
// at most this many runes is no distinctive text of its own (a part of
// two letters or fewer counts as common: commonPiece).
const edgeRunes = 2

// trimPieceEdges: where a whole known value found in the skeleton ends
// at a run of pieces' last separator, that separator holds white space,
// and at most edgeRunes runes of the run come after it, those runes are
// left out of the run (and the same at the run's start): the value
// shows where it ends, and a piece of another value that goes on over
// the separator would take a letter or two of the next word
// ("bigbank.com/~l" of a URL read as "bigbank.com l" of "bigbank.com
// logged in"). A run stays whole where a known key holds the edge, where
// only a word of a value ends there
// (the value's next word may be cut short: "Ismail" of "...ail Çağlayan"),
// or the separator is punctuation (a password's "S3cr3t!#&/@:p").
func (w *worker) trimPieceEdges(text []byte, r *rep, found, runs []hit) {
	if len(found) == 0 {
		return
	}
	for k := range runs {
		h := &runs[k]
		i, e := h.i, h.e
		first, last := -1, -1 // the run's first and last separator
		for j := i + 1; j < e; j++ {
			if r.fl[j]&flGap != 0 {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first < 0 {
			continue
		}
		if runesIn(r.fl[last:e]) <= edgeRunes && wholeAt(found, last, false) && !overlaps(found, last, e) && spaceAt(text, r, last) {
			e = last
		}
		if first < e && runesIn(r.fl[i:first]) <= edgeRunes && wholeAt(found, first, true) && !overlaps(found, i, first) && spaceAt(text, r, first) {
			i = first
		}
		if i != h.i || e != h.e {
			h.i, h.e = i, e
			h.tag = w.tagOf(classSkel, r.b[i:e])
		}
	}
}

func runesIn(fl []uint8) int {
	n := 0
	for _, f := range fl {
		if f&flStart != 0 {
			n++
		}
	}
	return n
}

// wholeAt: a whole value (no word or head of one) among hs starts (or
// ends) at skeleton byte j.
func wholeAt(hs []hit, j int, starts bool) bool {
	for _, h := range hs {
		if h.dom != domToken && h.dom != domPrefix && (starts && h.i == j || !starts && h.e == j) {
			return true
		}
	}
	return false
}

// overlaps: a key among hs holds some of skeleton bytes [i,e) (then the
// edge is no stranger's word: "Kaylee Kennedy", a value and a word of
// another, joined by a piece; and outsideFound dropped the places inside
// the word, which would have taken the run further).
func overlaps(hs []hit, i, e int) bool {
	for _, h := range hs {
		if h.i < e && h.e > i {
			return true
		}
	}
	return false
}

// spaceAt: the separator before skeleton byte j (a gap) holds white space.
func spaceAt(text []byte, r *rep, j int) bool {
	a, b := runeEnd(text, int(r.src[j-1])), int(r.src[j])
	return a < b && bytes.ContainsAny(text[a:b], " \t\r\n")
}
