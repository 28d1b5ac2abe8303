package scrub

import (
	"bufio"
	"bytes"
	"compress/gzip"
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
// common words shorter than a piece; words: every common word (all
// hashes of skeletons, with seed 0).
type common struct{ in, heads, tails, whole, words *hashSet }

var commonParts = sync.OnceValue(func() *common {
	c := &common{newHashSet(0), newHashSet(0), newHashSet(0), newHashSet(0), newHashSet(0)}
	var sk rep
	add := func(w string) {
		sk.skeleton([]byte(w))
		b := sk.b
		c.words.add(gramHash(b, 0))
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

// fewRunes: a piece of two different runes or fewer says nothing: UTF-8
// read as Latin-1 twice makes them of any letters ("aoaaaa" of Greek's
// "ÃŽÂ±Ã\u008fÂ..." is any binary's 0xC1 0x41 0xD5 as Latin-1: a
// certificate's DER in base64), and "ississ" or "zzzzzz" is no one's.
func fewRunes(g []byte) bool {
	var first, second rune = -1, -1
	for _, r := range string(g) {
		switch {
		case r == first || r == second:
		case first < 0:
			first = r
		case second < 0:
			second = r
		default:
			return false
		}
	}
	return true
}

// englishWord: w's skeleton is a common word (words.txt.gz's, the
// technical ones, gofakeit's): "reports", "correct", "relay".
func englishWord(w string) bool {
	var sk rep
	sk.skeleton([]byte(w))
	return len(sk.b) > 0 && commonParts().words.has(gramHash(sk.b, 0))
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

// piecesOf appends the distinctive pieces of a value's skeleton rep;
// with text t (the value's, or its part sk was made of) also its
// windows (windows.go).
func piecesOf(t string, sk *rep, out []key) []key {
	var startsBuf [64]int
	var distinctBuf [64]bool
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
	distinct := distinctBuf[:0]
	if len(starts) > len(distinctBuf) {
		distinct = make([]bool, 0, len(starts))
	}
	distinct = distinct[:len(starts)]
	clear(distinct)
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
		if !(len(g) == pieceHex && allHex(g)) && (c.commonPiece(g, gap) || fewRunes(g)) {
			continue // (12 hex digits say something in any spacing)
		}
		distinct[k] = true
		out = append(out, key{dom: domPiece, b: g[:len(g):len(g)], grams: gramBounds(starts, k)})
	}
	return windowsOf(t, sk, starts, distinct, out)
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
//
// Windows (windows.go) are in the second level too, but their grams in
// a first level of their own (w1): a value's windows are few, and in the
// pieces' first level their places passed as often as the pieces' did,
// each a second level's read (cache misses) more; their own, small,
// mostly stays in cache and passes few places.
type pieceFilter struct {
	l1, l2, w1 bitTable
	seed       uint64
	// tri: the three bytes a piece or window may start with, or hold
	// after its first rune (trigrams), in a table small enough to stay in
	// the cache: a place whose trigram is in neither is no piece's (two
	// pieces' starts), so its first level's word, a cache miss in most
	// scans, is not read. Values mode only (nil: none): an index holds
	// no plaintext to take trigrams from, and a trigram is easily guessed.
	tri *triTable
}

// triTable is a bit for each trigram's hash (32 KB).
type triTable [1 << triBits / 64]uint64

const triBits = 18

func triHash(v uint64) uint32 { return uint32(v&0xffffff) * 0x9e3779b1 >> (32 - triBits) }

func (t *triTable) has(v uint64) bool { h := triHash(v); return t[h>>6]&(1<<(h&63)) != 0 }

// addTri adds the trigrams a scan's fast places (five one-byte runes,
// scanPieces) may find of the piece or window b: its bytes 0-2 and 1-3
// when they are one-byte runes; with a byte of a longer rune among its
// first, every trigram of one-byte runes in its first 16 bytes (a
// superset: a rune's length in the skeleton need not be worked out).
func (t *triTable) addTri(b []byte) {
	set := func(g []byte) {
		h := triHash(uint64(g[0]) | uint64(g[1])<<8 | uint64(g[2])<<16)
		t[h>>6] |= 1 << (h & 63)
	}
	ascii := len(b) >= 4
	for _, c := range b[:min(len(b), 4)] {
		ascii = ascii && c < 0x80
	}
	if ascii {
		set(b[0:3])
		set(b[1:4])
		return
	}
	for j := 0; j+3 <= min(len(b), 16); j++ {
		if b[j] < 0x80 && b[j+1] < 0x80 && b[j+2] < 0x80 {
			set(b[j : j+3])
		}
	}
}

// gramRunes: the first level's grams are a piece's first pieceRunes
// runes but one.
const gramRunes = pieceRunes - 1

// newPieceFilter sizes a filter for n pieces, windows of them windows.
func newPieceFilter(n, windows int, seed uint64) *pieceFilter {
	return &pieceFilter{l1: newBitTable(n / 2), l2: newBitTable(2 * n), w1: newBitTable(windows / 2), seed: seed}
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

// gramBounds is the grams of the piece (or window) of the runes from
// starts[k]: [from, to) of its bytes (a piece's first pieceRunes runes
// are at most 4 bytes each).
func gramBounds(starts []int, k int) [2][2]uint8 {
	i := starts[k]
	return [2][2]uint8{{0, uint8(starts[k+gramRunes] - i)}, {uint8(starts[k+1] - i), uint8(starts[k+pieceRunes] - i)}}
}

// pieceHashes are a piece's first level's hashes (its two grams; 0:
// digits only, not held) and its second's (of all of it); window: the
// grams are a window's (w1).
type pieceHashes struct {
	h      [3]uint64
	window bool
}

func (f *pieceFilter) hashes(k key) pieceHashes {
	var ph pieceHashes
	h := &ph.h
	if k.dom == domDigitWin { // (a number's window: the second level only, digits.go)
		h[2] = digitHash(fnvOf(k.b), f.seed)
		return ph
	}
	for j, c := range k.grams {
		if g := k.b[c[0]:c[1]]; !allDigits(g) {
			h[j] = f.gramHash1(g)
		}
	}
	if k.dom == domWindow {
		h[2], ph.window = f.windowHash(k.b), true
	} else {
		h[2] = gramHash(k.b, f.seed)
	}
	return ph
}

func allDigits(g []byte) bool {
	for _, c := range g {
		if !digit[c] {
			return false
		}
	}
	return true
}

func (f *pieceFilter) add(k key) {
	if f.tri != nil {
		f.tri.addTri(k.b)
	}
	f.addHashes(f.hashes(k))
}

func (f *pieceFilter) addHashes(ph pieceHashes) {
	h, l1 := ph.h, &f.l1
	if ph.window {
		l1 = &f.w1
	}
	for _, g := range h[:2] {
		if g != 0 {
			l1.setPair(g)
		}
	}
	f.l2.setPair(mix(h[2] ^ 0x5851f42d4c957f2d))
	f.l2.setPair(mix(h[2] ^ 0x14057b7ef767814f))
}

// has2 is the second level's answer for a piece that passed the first.
func (f *pieceFilter) has2(h uint64) bool {
	return f.l2.hasPair(mix(h^0x5851f42d4c957f2d)) && f.l2.hasPair(mix(h^0x14057b7ef767814f))
}

// pieceSeed: the filter's hashes differ from the tables'.
func pieceSeed(seed uint64) uint64 { return seed ^ 0x2545f4914f6cdd1d }
