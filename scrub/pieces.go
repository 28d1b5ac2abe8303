package scrub

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	_ "embed"
	"encoding/binary"
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
type common struct{ in, heads, tails, whole map[uint64]struct{} }

var commonParts = sync.OnceValue(func() *common {
	c := &common{map[uint64]struct{}{}, map[uint64]struct{}{}, map[uint64]struct{}{}, map[uint64]struct{}{}}
	var sk rep
	add := func(w string) {
		sk.skeleton([]byte(w))
		b := sk.b
		for i := 0; i+pieceRunes <= len(b); i++ {
			c.in[gramHash(b[i:i+pieceRunes], 0)] = struct{}{}
		}
		if len(b) < pieceRunes {
			c.whole[gramHash(b, 0)] = struct{}{}
		}
		for n := 1; n < pieceRunes && n <= len(b); n++ {
			c.heads[gramHash(b[:n], 0)] = struct{}{}
			c.tails[gramHash(b[len(b)-n:], 0)] = struct{}{}
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
// packets"'s), a part of two letters or fewer counting as common.
func (c *common) commonPiece(g []byte, gap []bool) bool {
	var cuts []int
	for k := 1; k < len(g); k++ {
		if gap[k] {
			cuts = append(cuts, k)
		}
	}
	if len(cuts) == 0 {
		_, ok := c.in[gramHash(g, 0)]
		return ok
	}
	in := func(set map[uint64]struct{}, part []byte) bool {
		if utf8.RuneCount(part) <= 2 {
			return true
		}
		_, ok := set[gramHash(part, 0)]
		return ok
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
func piecesOf(sk *rep, out [][]byte) [][]byte {
	var starts []int
	for i := range sk.b {
		if sk.fl[i]&flStart != 0 {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(sk.b))
	if len(starts) <= pieceRunes+1 {
		return out // (the whole value is its own key)
	}
	c := commonParts()
	gap := make([]bool, 0, 4*pieceHex)
	for k := 0; k+pieceRunes < len(starts); k++ {
		i := starts[k]
		g, ok := pieceAt(sk.b, i, starts[k+pieceRunes])
		if !ok {
			continue
		}
		gap = gap[:0]
		for j := i; j < i+len(g); j++ {
			gap = append(gap, sk.fl[j]&flGap != 0)
		}
		if c.commonPiece(g, gap) {
			continue
		}
		out = append(out, clone(g))
	}
	return out
}

// pieceFilter is a lossy set of pieces in two levels: a small one (a
// pair of bits, about 8 bits a piece: most of it stays in cache, as it
// is read at every rune of the text) and, where that passes (about one
// time in 20), a larger one of two more pairs (32 bits a piece): a
// stranger passes both about one time in a million.
type pieceFilter struct {
	l1, l2 bitTable
	seed   uint64
}

func newPieceFilter(n int, seed uint64) *pieceFilter {
	return &pieceFilter{l1: newBitTable(n / 2), l2: newBitTable(2 * n), seed: seed}
}

func (f *pieceFilter) add(g []byte) { f.addHash(gramHash(g, f.seed)) }

func (f *pieceFilter) addHash(h uint64) {
	f.l1.setPair(h)
	f.l2.setPair(mix(h ^ 0x5851f42d4c957f2d))
	f.l2.setPair(mix(h ^ 0x14057b7ef767814f))
}

// has2 is the second level's answer for a hash that passed the first.
func (f *pieceFilter) has2(h uint64) bool {
	return f.l2.hasPair(mix(h^0x5851f42d4c957f2d)) && f.l2.hasPair(mix(h^0x14057b7ef767814f))
}

// pieceSeed: the filter's hashes differ from the tables'.
func pieceSeed(seed uint64) uint64 { return seed ^ 0x2545f4914f6cdd1d }

// pieceBatch: the places scanPieces takes a stage at a time.
const pieceBatch = 64

// scanPieces finds runs of known pieces in a skeleton rep: each run of
// overlapping pieces found is one hit.
func (m *matcher) scanPieces(w *worker, r *rep, hits []hit) []hit {
	f := m.pieces
	starts := w.pieceStarts[:0]
	for i := range r.b {
		if r.fl[i]&flStart != 0 {
			starts = append(starts, int32(i))
		}
	}
	starts = append(starts, int32(len(r.b)))
	w.pieceStarts = starts
	runI, runE := -1, -1
	var ent entry
	flush := func() {
		if runI >= 0 {
			hits = append(hits, hit{runI, runE, ent, domPiece, w.tagOf(classSkel, r.b[runI:runE])})
		}
		runI, runE = -1, -1
	}
	// In stages over a batch of places (their first level's words are
	// read independently, in flight together), then in order.
	var hs [pieceBatch]uint64
	var ws [pieceBatch]uint64
	var at [pieceBatch]bool
	for from := 0; from+pieceRunes < len(starts); from += pieceBatch {
		n := min(pieceBatch, len(starts)-pieceRunes-from)
		for k := 0; k < n; k++ {
			i := int(starts[from+k])
			g, ok := pieceAt(r.b, i, int(starts[from+k+pieceRunes]))
			at[k] = ok
			if ok {
				hs[k] = gramHash(g, f.seed)
			}
		}
		for k := 0; k < n; k++ {
			if at[k] {
				ws[k] = f.l1.word(hs[k])
			}
		}
		for k := 0; k < n; k++ {
			if b := pairBits(hs[k]); !at[k] || ws[k]&b != b || !f.has2(hs[k]) {
				continue
			}
			i := int(starts[from+k])
			g, _ := pieceAt(r.b, i, int(starts[from+k+pieceRunes]))
			e, _, ok := m.verify(w, domPiece, g)
			if !ok {
				continue
			}
			if i >= runE {
				flush()
				runI, ent = i, e
			}
			runE = max(runE, i+len(g))
		}
	}
	flush()
	return hits
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
