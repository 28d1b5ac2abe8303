package scrub

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	_ "embed"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7/data"
)

// Pieces: a log may print any part of a value (a token's head or tail, a
// name missing its last letter, a value wrapped at a fixed column, a
// value glued to other letters), so every run of pieceRunes runes of a
// value's skeleton is a key of its own (domain G), found anywhere, with
// no word boundary: where consecutive pieces are found, the text they
// cover goes. Pieces that say nothing are not keys: those of digits only
// (any log's numbers; numbers are found by their own keys), and those
// made of common English words' parts (words.txt.gz: SCOWL's lower-case
// words of two letters or more, and the technical words: "ration" of
// "Operation" is every "migration"'s; commonPiece). A piece of hex digits only is pieceHex bytes long
// (six hex digits are any request id's).
const (
	domPiece   = 'G'
	pieceRunes = 6
	pieceHex   = 12
	// KindPiece is the marker kind of a piece of a known value.
	KindPiece = "piece"
)

//go:embed words.txt.gz
var wordsGz []byte

// common: what is no distinctive piece. in: the pieces of common words;
// heads, tails: their beginnings and ends shorter than a piece; whole:
// common words shorter than a piece (all hashes with seed 0).
type common struct{ in, heads, tails, whole *hashSet }

var commonParts = sync.OnceValue(func() *common {
	c := &common{newHashSet(0), newHashSet(0), newHashSet(0), newHashSet(0)}
	var sk rep
	add := func(w string) {
		sk.skeleton([]byte(w))
		b := sk.b
		for i := 0; i+pieceRunes <= len(b); i++ {
			c.in.add(gramHash(b[i:i+pieceRunes], 0))
		}
		if len(b) < pieceRunes {
			c.whole.add(gramHash(b, 0))
		}
		for n := 1; n < pieceRunes && n <= len(b); n++ {
			c.heads.add(gramHash(b[:n], 0))
			c.tails.add(gramHash(b[len(b)-n:], 0))
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(wordsGz))
	if err != nil {
		panic("scrub: words.txt.gz: " + err.Error())
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		add(sc.Text())
	}
	if err := sc.Err(); err != nil {
		panic("scrub: words.txt.gz: " + err.Error())
	}
	for _, w := range technical {
		add(w)
	}
	for _, list := range data.Word {
		for _, w := range list {
			add(strings.ToLower(w))
		}
	}
	return c
})

// commonPiece: a piece (skeleton bytes g, gaps where the value's words
// began) says nothing: inside one word, a piece of a common word; across
// words, the end of a common word, common words, the start of one
// ("ation p" of "Corporation primary" is every "communication
// packets"'s), a part of two letters or fewer counting as common; but
// four parts or more are no text's words (a password's punctuation).
func (c *common) commonPiece(g []byte, gap []bool) bool {
	var cuts []int
	for k := 1; k < len(g); k++ {
		if gap[k] {
			cuts = append(cuts, k)
		}
	}
	if len(cuts) == 0 {
		return c.in.has(gramHash(g, 0))
	}
	in := func(set *hashSet, part []byte) bool {
		return utf8.RuneCount(part) <= 2 || set.has(gramHash(part, 0))
	}
	if len(cuts) >= 3 {
		return false // four words in six runes: no text's ("p@ss:w/rd#")
	}
	cuts = append(cuts, len(g))
	prev := 0
	for n, cut := range cuts {
		part := g[prev:cut]
		set := c.whole
		switch {
		case n == 0:
			set = c.tails
		case n == len(cuts)-1:
			set = c.heads
		}
		if !in(set, part) {
			return false
		}
		prev = cut
	}
	return true
}

// gramHash hashes a piece (a filter's, or the common pieces' with seed 0).
func gramHash(b []byte, seed uint64) uint64 {
	h := seed ^ uint64(len(b))*0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = mix(h ^ binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	var v uint64
	for i, c := range b {
		v |= uint64(c) << (8 * i)
	}
	return mix(h ^ v)
}

// hexDigit, digit: classes of skeleton bytes for pieces.
var hexDigit, digit [256]bool

func init() {
	for c := '0'; c <= '9'; c++ {
		hexDigit[c], digit[c] = true, true
	}
	for c := 'a'; c <= 'f'; c++ {
		hexDigit[c] = true
	}
}

// pieceAt is the piece of skeleton b at rune start i, whose pieceRunes
// runes end at e; ok false when no piece starts there (digits only, or
// hex digits with fewer than pieceHex of them).
func pieceAt(b []byte, i, e int) ([]byte, bool) {
	g := b[i:e]
	if len(g) != pieceRunes {
		return g, true // (not ASCII: letters)
	}
	hex, dig := true, true
	for _, c := range g {
		hex = hex && hexDigit[c]
		dig = dig && digit[c]
	}
	if dig {
		return nil, false
	}
	if !hex {
		return g, true
	}
	if i+pieceHex > len(b) {
		return nil, false
	}
	for _, c := range b[i+pieceRunes : i+pieceHex] {
		if !hexDigit[c] {
			return nil, false
		}
	}
	return b[i : i+pieceHex], true
}

// piecesOf appends the distinctive pieces of a value's skeleton rep.
func piecesOf(sk *rep, out []key) []key {
	var startsBuf [64]int
	starts := startsBuf[:0]
	for i := range sk.b {
		if sk.fl[i]&flStart != 0 {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(sk.b))
	if len(starts) < pieceRunes+1 {
		return out
	}
	// (a value of pieceRunes runes is its own one piece: its key is found
	// where words begin and end, the piece anywhere, "fooAbc123bar")
	c := commonParts()
	var gapBuf [4 * pieceHex]bool
	gap := gapBuf[:0]
	// (the pieces are slices of one copy of the skeleton, and out grows
	// once: a value has a piece a rune)
	b := clone(sk.b)
	out = slices.Grow(out, len(starts)-pieceRunes)
	for k := 0; k+pieceRunes < len(starts); k++ {
		i := starts[k]
		g, ok := pieceAt(b, i, starts[k+pieceRunes])
		if !ok {
			continue
		}
		gap = gap[:0]
		for j := i; j < i+len(g); j++ {
			gap = append(gap, sk.fl[j]&flGap != 0)
		}
		if !(len(g) == pieceHex && allHex(g)) && c.commonPiece(g, gap) {
			continue // (12 hex digits say something in any spacing)
		}
		out = append(out, key{dom: domPiece, b: g[:len(g):len(g)], grams: [2][2]int{{0, starts[k+gramRunes] - i}, {starts[k+1] - i, starts[k+pieceRunes] - i}}})
	}
	return out
}

// pieceFilter is a lossy set of pieces in two levels. The first holds
// grams of gramRunes runes, the two of each piece's first pieceRunes
// runes (a 12-digit hex piece's first six), so that the scan tests only
// every other place where runes are one byte each (any piece there
// starts at the place or just before it), with one load and two
// multiplies (hash5): a pair of bits in one word, about 8 bits a gram
// (most of it stays in cache). Where that passes (about one time in 20),
// the pieces there are hashed whole for the second level, two more pairs
// (32 bits a piece): a stranger passes both about one time in a million.
// Grams of digits only are not held (any log's numbers would pass): a
// piece has at most one, and is found by its other.
type pieceFilter struct {
	l1, l2 bitTable
	seed   uint64
}

// gramRunes: the first level's grams are a piece's first pieceRunes
// runes but one.
const gramRunes = pieceRunes - 1

func newPieceFilter(n int, seed uint64) *pieceFilter {
	return &pieceFilter{l1: newBitTable(n / 2), l2: newBitTable(2 * n), seed: seed}
}

// gramHash1 is the first level's hash of a gram of gramRunes runes.
func (f *pieceFilter) gramHash1(g []byte) uint64 {
	if len(g) == gramRunes {
		return hash5(load5(g), f.seed)
	}
	return gramHash(g, f.seed^gramSeed)
}

// gramSeed: the first level's hashes of longer grams differ from the
// second's.
const gramSeed = 0x7a3c1f95d2e84b61

// hash5 hashes five bytes (v's low 40 bits): the scan's hot path.
func hash5(v, seed uint64) uint64 {
	h := (v ^ seed) * 0x9e3779b97f4a7c15
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	return h ^ h>>29
}

// digits5 tells whether v's five low bytes (ASCII) are digits: adding
// 0x46 to a byte past '9' sets its top bit, taking 0x30 from one below
// '0' too (the lowest such byte's, whatever it borrows).
func digits5(v uint64) bool {
	return (v|(v+0x4646464646)|(v-0x3030303030))&0x8080808080 == 0
}

// load5 is five bytes as a number.
func load5(g []byte) uint64 {
	var v uint64
	for i, c := range g[:gramRunes] {
		v |= uint64(c) << (8 * i)
	}
	return v
}

// hashes are a piece's first level's hashes (its two grams; 0: digits
// only, not held) and its second's (of all of it).
func (f *pieceFilter) hashes(k key) [3]uint64 {
	var h [3]uint64
	if k.dom == domDigitWin { // (a number's window: the second level only, digits.go)
		h[2] = digitHash(fnvOf(k.b), f.seed)
		return h
	}
	for j, c := range k.grams {
		if g := k.b[c[0]:c[1]]; !allDigits(g) {
			h[j] = f.gramHash1(g)
		}
	}
	h[2] = gramHash(k.b, f.seed)
	return h
}

func allDigits(g []byte) bool {
	for _, c := range g {
		if !digit[c] {
			return false
		}
	}
	return true
}

func (f *pieceFilter) add(k key) { f.addHashes(f.hashes(k)) }

func (f *pieceFilter) addHashes(h [3]uint64) {
	for _, g := range h[:2] {
		if g != 0 {
			f.l1.setPair(g)
		}
	}
	f.l2.setPair(mix(h[2] ^ 0x5851f42d4c957f2d))
	f.l2.setPair(mix(h[2] ^ 0x14057b7ef767814f))
}

func (f *pieceFilter) has1(h uint64) bool {
	p := pairBits(h)
	return f.l1.w[(h&f.l1.mask)>>6]&p == p
}

// has2 is the second level's answer for a piece that passed the first.
func (f *pieceFilter) has2(h uint64) bool {
	return f.l2.hasPair(mix(h^0x5851f42d4c957f2d)) && f.l2.hasPair(mix(h^0x14057b7ef767814f))
}

// pieceSeed: the filter's hashes differ from the tables'.
func pieceSeed(seed uint64) uint64 { return seed ^ 0x2545f4914f6cdd1d }

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
	ps := w.piecePlaces[:0]
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
		for k := 0; k < n; k++ {
			ws[k] = f.l1.w[(hs[k]&f.l1.mask)>>6]
		}
		for k := 0; k < n; k++ {
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
			if skip && !digit[b[i-1]] && f.has1(hash5(load5(b[i-1:]), f.seed)) {
				ps = append(ps, int32(i-1))
			}
			if i+pieceRunes <= len(b) && !digit[b[i+gramRunes]] {
				if e := runesEnd(fl, i+1, gramRunes); e >= 0 && f.has1(f.gramHash1(b[i+1:e])) {
					ps = append(ps, int32(i))
				}
			}
		}
	}
	w.piecePlaces = ps
	if len(hits) > 0 {
		ps = w.outsideFound(r, ps, hits)
	}
	return m.pieceRuns(w, r, ps, hits)
}

// outsideFound drops the places whose piece lies inside a key found
// already (hits): it would add nothing to what goes (in dump-like text
// nearly every word is a known value or a word of one, and a piece's
// lookup is a cache miss). The runs found are then the runs of all
// places less those inside keys; what they cover with the keys is the
// same (a run the dropped places joined overlaps the key on either side
// of them, in the text too).
func (w *worker) outsideFound(r *rep, ps []int32, hits []hit) []int32 {
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
	cover = cover[:n]
	w.cover = cover
	kept := w.outside[:0]
	k := 0
	for _, p := range ps {
		for k < len(cover) && cover[k][1] <= p {
			k++
		}
		if k < len(cover) && cover[k][0] <= p {
			if g, ok := pieceBytes(r.b, r.fl, int(p)); !ok || p+int32(len(g)) <= cover[k][1] {
				continue
			}
		}
		kept = append(kept, p)
	}
	w.outside = kept
	return kept
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
			if g, en, ok := m.pieceAt(w, b, fl, i); ok {
				runI, runE, ent = i, i+len(g), en
			}
			continue
		}
		end := k // ps[k:end] start inside the run
		for end < len(ps) && int(ps[end]) < runE {
			end++
		}
		for q := end - 1; q >= k; q-- {
			j := int(ps[q])
			if g, ok := pieceBytes(b, fl, j); ok && j+len(g) > runE && m.knownPiece(w, g) {
				runE = j + len(g)
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
	if !ok || !m.pieces.has2(gramHash(g, m.pieces.seed)) {
		return nil, entry{}, false
	}
	en, _, ok := m.verify(w, domPiece, g)
	return g, en, ok
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
// pieces, every bit kept.
func (f *pieceFilter) grownBy(n int) *pieceFilter {
	if f == nil {
		var b [8]byte
		rand.Read(b[:])
		return newPieceFilter(n, binary.LittleEndian.Uint64(b[:]))
	}
	more := newPieceFilter(n+len(f.l2.w)*64/32, f.seed)
	return &pieceFilter{l1: f.l1.grown(more.l1), l2: f.l2.grown(more.l2), seed: f.seed}
}

func (f *pieceFilter) empty() bool {
	for _, x := range f.l1.w {
		if x != 0 {
			return false
		}
	}
	return true
}

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
