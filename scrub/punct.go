package scrub

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"slices"
)

// Punctuated pieces: the skeleton's pieces (pieces.go) count letters and
// digits only, so the part of a value that is mostly punctuation
// ("or&3!#x" of "Tr0ub4dor&3!#x": 4 letters and digits), its half after
// a tab ("k#Lm@9/q" of "Gh7<TAB>k#Lm@9/q") or a 6-character value glued
// to a letter ("xKx9#pQ") was no piece. So every window of pieceRunes
// folded runes of a value (separators and all) that holds a letter or
// digit (two, and four distinct bytes) and a rare mark (rarePunct: a password's punctuation, not a
// log's own dots, dashes, colons, quotes and brackets) and no space is a
// key of its own (domain W), found anywhere (no word boundary) by a
// filter of its own, its marker's kind KindPiece as the skeleton's
// pieces' (the value's own kind would take a tag of its own in the
// marker: one tag per value). A window is distinctive when it holds two
// marks or more (a log's words have one, at most, between letters:
// "user@host"), or its letters and digits are no common words' parts
// (commonPiece: "i@mail" of any e-mail is not, "kx9#pq" is).
const domPunct = 'W'

// rarePunct: the marks a window must hold one of (scanPunct looks only
// around them, so they must be rare in logs: not ':', '=', quotes,
// brackets, commas, dots, dashes, slashes, underscores).
const rarePunct = "!#$%&*;?@\\^`|~<>+\t"

var rareByte [256]bool

func init() {
	for i := 0; i < len(rarePunct); i++ {
		rareByte[rarePunct[i]] = true
	}
}

// punctSpace: what a window may not hold (a value's words are found by
// the skeleton's pieces across their spaces).
func punctSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }

// punctKeysOf returns the punctuated pieces of a value (none when it has
// no rare mark, is longer than maxVariantText: a note's or a
// traceback's marks are every log's, or is a URL: its windows are every
// URL's ".html?t", and its parts are keys of their own).
func punctKeysOf(text string) []key {
	t := []byte(trimSpace(text))
	if len(t) > maxVariantText || !hasRare(t) || bytes.Contains(t, []byte("://")) || plainEmail(t) {
		return nil
	}
	var fo rep
	fo.folded(t)
	var starts []int
	for i := range fo.b {
		if fo.fl[i]&flStart != 0 {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(fo.b))
	c := commonParts()
	var out []key
	seen := map[string]bool{}
	for k := 0; k+pieceRunes < len(starts); k++ {
		g := fo.b[starts[k]:starts[k+pieceRunes]]
		if !punctDistinctive(c, g, fo.fl[starts[k]:starts[k+pieceRunes]]) || seen[string(g)] {
			continue
		}
		seen[string(g)] = true
		out = append(out, key{dom: domPunct, b: clone(g)})
	}
	return out
}

// plainEmail: t is an e-mail address whose one rare byte is its '@' (and
// '+' of a sub-address), which marks no password: the windows around it
// were every other address's ("@gmail.c" of "ops@gmail.com"), and its
// pieces and words find it already.
func plainEmail(t []byte) bool {
	at := bytes.IndexByte(t, '@')
	if at <= 0 || bytes.IndexByte(t[at+1:], '@') >= 0 || !bytes.Contains(t[at:], []byte(".")) {
		return false
	}
	for _, c := range t {
		if rareByte[c] && c != '@' && c != '+' || c == ' ' || c == '\t' {
			return false
		}
	}
	return true
}

func trimSpace(s string) string {
	i, e := 0, len(s)
	for i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	for e > i && (s[e-1] == ' ' || s[e-1] == '\t' || s[e-1] == '\n' || s[e-1] == '\r') {
		e--
	}
	return s[i:e]
}

func hasRare(b []byte) bool {
	for _, c := range b {
		if rareByte[c] {
			return true
		}
	}
	return false
}

// punctDistinctive: a window of folded bytes g (flags fl) is a key.
func punctDistinctive(c *common, g []byte, fl []uint8) bool {
	rare, marks := false, 0
	var sk []byte
	var gap []bool
	for i, b := range g {
		if punctSpace(b) {
			return false
		}
		if fl[i]&flAlnum != 0 {
			if fl[i]&flStart != 0 {
				gap = append(gap, len(sk) > 0 && fl[i]&flGap != 0)
			} else {
				gap = append(gap, false)
			}
			sk = append(sk, b)
			continue
		}
		if fl[i]&flStart != 0 {
			marks++
		}
		rare = rare || rareByte[b]
	}
	if !rare || len(sk) < 2 || distinct(g) < 4 {
		return false // ("----a!", "ab!!!!": a rule's, a banner's)
	}
	if marks >= 2 {
		return true
	}
	return !c.commonPiece(sk, gap)
}

// distinct counts the distinct bytes of g.
func distinct(g []byte) int {
	var seen [256]bool
	n := 0
	for _, c := range g {
		if !seen[c] {
			seen[c] = true
			n++
		}
	}
	return n
}

// gramFilter is a lossy set of short byte strings (punctuated pieces,
// digests' windows): two pairs of bits a gram (about 32 bits a gram: a
// stranger passes about one time in 4000), then the lookup.
type gramFilter struct {
	t    bitTable
	seed uint64
}

func newGramFilter(n int, seed uint64) *gramFilter {
	return &gramFilter{t: newBitTable(2 * n), seed: seed}
}

func (f *gramFilter) hash(g []byte) uint64 { return gramHash(g, f.seed) }

func (f *gramFilter) addHash(h uint64) {
	f.t.setPair(mix(h ^ 0x5851f42d4c957f2d))
	f.t.setPair(mix(h ^ 0x14057b7ef767814f))
}

func (f *gramFilter) has(g []byte) bool {
	h := f.hash(g)
	return f.t.hasPair(mix(h^0x5851f42d4c957f2d)) && f.t.hasPair(mix(h^0x14057b7ef767814f))
}

// punctSeed: the punctuated pieces' hashes differ from the others'.
func punctSeed(seed uint64) uint64 { return seed ^ 0x6a09e667f3bcc909 }

// grownBy returns a copy of f with room for n more pieces, every bit
// kept.
func (f *gramFilter) grownBy(n int) *gramFilter {
	more := newBitTable(2*n + len(f.t.w)*64/16)
	return &gramFilter{t: f.t.grown(more), seed: f.seed}
}

func (f *gramFilter) empty() bool {
	return f == nil || !slices.ContainsFunc(f.t.w, func(x uint64) bool { return x != 0 })
}

// scanPunct finds the punctuated pieces in a view: only the windows of
// pieceRunes runes around a rare mark are tested, and not those inside
// a span found in the view already (found: in dump-like text every
// e-mail's '@' is inside the e-mail), so text without one costs one
// pass over its bytes. Overlapping pieces found are one span.
func (w *worker) scanPunct(v *view, found, spans []span) []span {
	f := w.m.punct
	text := v.text
	first := -1
	ascii := true
	for i, c := range text {
		if rareByte[c] && first < 0 {
			first = i
		}
		if c >= 0x80 || c == 0 {
			ascii = false
		}
	}
	if first < 0 {
		return spans
	}
	cover := w.punctCover[:0]
	for _, sp := range found {
		cover = append(cover, [2]int32{int32(sp.start), int32(sp.end)})
	}
	slices.SortFunc(cover, func(a, b [2]int32) int { return int(a[0] - b[0]) })
	w.punctCover = cover
	inside := func(a, z int) bool {
		for _, c := range cover {
			if int(c[0]) > a {
				return false
			}
			if z <= int(c[1]) {
				return true
			}
		}
		return false
	}
	var b []byte
	var fl []uint8
	var r *rep
	if ascii {
		b = text // (folded ASCII is its bytes in lower case, one a rune)
	} else {
		r = &w.pu
		r.folded(text)
		b, fl = r.b, r.fl
		first = 0 // (first is a byte of text, not of its folded rep)
	}
	// src, end: a window's bytes in the view's text.
	src := func(i int) int {
		if r == nil {
			return i
		}
		return int(r.src[i])
	}
	var buf [4 * pieceRunes]byte
	runI, runE := -1, -1
	var ent entry
	flush := func() {
		if runI >= 0 {
			st, en := src(runI), runE
			if r != nil {
				en = runeEnd(text, int(r.src[runE-1]))
			}
			a, z := v.source(st, en)
			g := append(buf[:0], b[runI:runE]...)
			if r == nil {
				lowerASCII(g)
			}
			spans = widenOrAdd(spans, span{a, z, ent.kind, ent.source, w.tagOf(classFold, g)})
			runI = -1
		}
	}
	next := 0 // the first start not tested yet
	for p := first; p < len(b); p++ {
		if !rareByte[b[p]] {
			continue
		}
		// Starts from pieceRunes-1 runes before p up to p.
		s := p
		for n := 0; n < pieceRunes-1 && s > 0; {
			s--
			if r == nil || fl[s]&flStart != 0 {
				n++
			}
		}
		s = max(s, next)
		for ; s <= p; s++ {
			e := s + pieceRunes
			if r != nil {
				if fl[s]&flStart == 0 {
					continue
				}
				e = runesEnd(fl, s, pieceRunes)
			}
			if e < 0 || e > len(b) {
				break
			}
			if runI >= 0 && s < runE && e <= runE {
				continue // (inside the run: adds nothing)
			}
			var en int
			if r == nil {
				en = e
			} else {
				en = runeEnd(text, int(r.src[e-1]))
			}
			if a, z := v.source(src(s), en); inside(a, z) {
				continue
			}
			g := b[s:e]
			if r == nil {
				g = append(buf[:0], g...)
				lowerASCII(g)
			}
			if !f.has(g) {
				continue
			}
			found, _, ok := w.m.verify(w, domPunct, g)
			if !ok {
				continue
			}
			if runI >= 0 && s < runE {
				runE = e
				continue
			}
			flush()
			runI, runE, ent = s, e, found
		}
		next = p + 1
	}
	flush()
	return spans
}

// punctMatcher is the filter of an index's punctuated pieces and of a
// values list's (nil: none). NoPieces leaves them on: they are looked
// for only around rare marks, and a short value with one ("Kx9#pQ": 5
// letters and digits) glued to other text is found by them alone.
func punctMatcher(ix *Index, vs *valueSet) *gramFilter {
	var f *gramFilter
	if ix != nil {
		f = ix.punct
	}
	return filterWith(f, vs.puncts)
}

// filterWith is f (an index's, nil: none) with grams added (a values
// list's): grown for them, or new with a random seed; nil when empty.
func filterWith(f *gramFilter, grams [][]byte) *gramFilter {
	var seed uint64
	if f != nil {
		seed = f.seed
	} else {
		var b [8]byte
		rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	hs := make([]uint64, len(grams))
	for i, g := range grams {
		hs[i] = gramHash(g, seed)
	}
	if f = filterAdd(f, hs, seed); f.empty() {
		return nil
	}
	return f
}

// widenOrAdd adds sp to spans, or, where it overlaps a span of a known
// value's own kind, widens that one over it: the marker says the value's
// kind ("#pQ8xW7zL" found whole from its 'p' and by a window from its
// '#'), a piece's only where nothing else was found.
func widenOrAdd(spans []span, sp span) []span {
	for k := range spans {
		o := &spans[k]
		if o.start < sp.end && sp.start < o.end && o.kind != KindPiece {
			o.start, o.end = min(o.start, sp.start), max(o.end, sp.end)
			return spans
		}
	}
	return append(spans, sp)
}
