package scrub

import (
	"strings"
)

// Numbers cut short, glued or masked: a value made of digits (a card, a
// phone, an IP, an IBAN's digits) has no piece of six letters, and its
// digits alone are any log's (timestamps, ids, offsets). So its parts
// are keys only when they are distinctive by chance arithmetic:
//
//	N  a window of a number's digits (domain N), found anywhere, with no
//	   word boundary (glued to other text, cut short, a line's tail):
//	   - runOf(L) digits in a row of a number of L, its separators
//	     dropped in the value and in the text: 14 (a card less two
//	     digits), 13 of a number of 13 to 15 (100,000 cards have 300,000
//	     such windows: a stranger's 14 digits are one in 30 million, and
//	     a millisecond timestamp has none; TestNumbersChance), the
//	     letters right before the number counting ("NO93860111179" of an
//	     IBAN cut short keeps its country code);
//	   - the number, and the number less one or two digits at either end,
//	     with its separators as they are ("10.213.47.19", "+1 (415)
//	     555-013"): at least digitWinMin digits, and a separator, whose
//	     place and kind the text must match too (its shape: the windows'
//	     shapes are a small set, looked up before anything is hashed);
//	M  a card's first six and last four digits, the rest masked (PCI's
//	   "453914******6467", with '*', 'x', 'X', '#' or '•', any number).
//
// Dates are no numbers here (a known day cut short is every log line's
// day), nor windows of fewer than four distinct digits ("000000000000").
const (
	domDigitWin = 'N'
	domMasked   = 'M'
	// domShape: a window's shape (digits as 'd'), held apart, not looked
	// up: the set the scan tests first.
	domShape = 'Q'

	digitRun    = 13 // (the shortest runOf)
	digitWinMin = 7
	digitWinMax = 24 // digits of a punctuated window at most
)

// runOf is the digits of a window of digits alone of a number of L.
func runOf(L int) int {
	if L <= 15 {
		return 13
	}
	return 14
}

// numberKeysOn: values get the keys of their numbers (off only in a
// test that measures what they add).
var numberKeysOn = true

// digitSep: what may stand between a number's digits (a separator run is
// one or two of these).
func digitSep(c byte) bool {
	return c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' || c == ')' || c == '+'
}

// nextNumber reads the number whose first digit is t[i]: digits, and
// separator runs of one or two bytes between digits. It appends the
// digits' offsets to pos and returns them and the number's end.
func nextNumber(t []byte, i int, pos []int) ([]int, int) {
	pos = pos[:0]
	j := i
	for j < len(t) && isDigit(t[j]) {
		pos = append(pos, j)
		j++
		if j < len(t) && isDigit(t[j]) {
			continue
		}
		switch {
		case j+1 < len(t) && digitSep(t[j]) && isDigit(t[j+1]):
			j++
		case j+2 < len(t) && digitSep(t[j]) && digitSep(t[j+1]) && isDigit(t[j+2]):
			j += 2
		}
	}
	return pos, pos[len(pos)-1] + 1
}

// digitKeysOf: the keys of a value's numbers.
func digitKeysOf(text string) []key {
	t := []byte(strings.TrimSpace(text))
	out := numberKeys(t, nil)
	if nospace := []byte(strings.ReplaceAll(string(t), " ", "")); len(nospace) < len(t) {
		// (glued into a word, a number loses its spaces: "(415)555-0132")
		out = numberKeys(nospace, out)
	}
	return append(out, maskedKeys(t)...)
}

// lettersBefore: how many ASCII letters (up to 2) stand right before
// t[i].
func lettersBefore(t []byte, i int) int {
	n := 0
	for n < 2 && i-n-1 >= 0 && asciiLetter(t[i-n-1]) {
		n++
	}
	return n
}

func asciiLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// lettered is the window of j letters before a number (lower case) and
// its first digits, run bytes in all (an IBAN's "NO9386..." cut short to
// fewer than run digits keeps its country code).
func lettered(dst, t []byte, i, j int, ds []byte, run int) []byte {
	dst = dst[:0]
	for _, c := range t[i-j : i] {
		dst = append(dst, c|0x20)
	}
	return append(dst, ds[:run-j]...)
}

// numberKeys appends the windows of t's numbers.
func numberKeys(t []byte, out []key) []key {
	var pos []int
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) || i > 0 && isDigit(t[i-1]) {
			continue
		}
		var e int
		pos, e = nextNumber(t, i, pos)
		num, i0 := t[i:e], i
		i = e - 1
		L := len(pos)
		if L < digitWinMin || isDate(strings.FieldsFunc(string(num), func(r rune) bool { return r < 0x80 && digitSep(byte(r)) })) {
			continue
		}
		ds := make([]byte, L)
		for k, p := range pos {
			ds[k] = t[p]
		}
		run := runOf(L)
		for s := 0; s+run <= L; s++ {
			if g := ds[s : s+run]; distinct(g) >= 4 {
				out = append(out, key{dom: domDigitWin, b: clone(g)})
			}
		}
		for j := 1; j <= lettersBefore(t, i0); j++ {
			if L+j >= run && distinct(ds[:run-j]) >= 4 {
				out = append(out, key{dom: domDigitWin, b: lettered(nil, t, i0, j, ds, run)})
			}
		}
		// (a window keeps every separator of the number: it starts in
		// the first group of digits and ends in the last; "168.243.46" of
		// 10.168.243.46 is another IP whole, 192.168.243.46's end)
		first, last := 1, L-1 // the first digit after a separator, the last before one
		for first < L && pos[first] == pos[first-1]+1 {
			first++
		}
		for last > 0 && pos[last] == pos[last-1]+1 {
			last--
		}
		for W := L; W >= L-2 && W >= digitWinMin; W-- {
			if W > digitWinMax {
				continue
			}
			for s := 0; s+W <= L; s++ {
				g := t[pos[s] : pos[s+W-1]+1]
				if len(g) == W || distinct(ds[s:s+W]) < 4 || s >= first || s+W-1 < last || s > 0 && first-s < 2 && dotsOnly(g) {
					continue // (no separator: digits alone, above; or not all of them; or "0.26.89.10" of 10.26.89.104: every version 0.x.y.z's)
				}
				out = append(out, key{dom: domDigitWin, b: clone(g)}, key{dom: domShape, b: shapeOf(g)})
			}
		}
	}
	return out
}

// maskedKeys: a card's first six and last four digits.
func maskedKeys(t []byte) []key {
	total := 0
	for _, c := range t {
		if isDigit(c) {
			total++
		}
	}
	var out []key
	if total >= 13 && total <= 19 && alnumRunes(string(t)) == total {
		var ds []byte
		for _, c := range t {
			if isDigit(c) {
				ds = append(ds, c)
			}
		}
		out = append(out, key{dom: domMasked, b: append(ds[:6:6], ds[len(ds)-4:]...)})
	}
	return out
}

// dotsOnly: g's separators are dots (an IP's, a version's).
func dotsOnly(g []byte) bool {
	for _, c := range g {
		if !isDigit(c) && c != '.' {
			return false
		}
	}
	return true
}

// shapeOf is a window with each digit as 'd'.
func shapeOf(g []byte) []byte {
	s := clone(g)
	for i, c := range s {
		if isDigit(c) {
			s[i] = 'd'
		}
	}
	return s
}

// fnv steps: the scan hashes a window and its shape a byte at a time.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvStep(h uint64, c byte) uint64 { return (h ^ uint64(c)) * fnvPrime }

// digitHash is the filters' hash of a window or a shape (its FNV state
// h, ended with seed).
func digitHash(h, seed uint64) uint64 { return mix(h ^ seed ^ 0x3c6ef372fe94f82b) }

func fnvOf(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h = fnvStep(h, c)
	}
	return h
}

// digitShapes is the set of the punctuated windows' shapes (their
// digitHash with the pieces' filter's seed): 64K bits, in cache; and
// the separators they hold (a window of a text goes no further than a
// separator none has: a log line's "2026-11-21 10" stops at its '-'
// when only IPs are known).
type digitShapes struct {
	w    [1024]uint64
	seps [256]bool
}

func (d *digitShapes) add(h uint64)      { d.w[h>>6&1023] |= 1 << (h & 63) }
func (d *digitShapes) has(h uint64) bool { return d.w[h>>6&1023]&(1<<(h&63)) != 0 }

// maskByte: the length of a mask character at t[i] ('*', 'x', 'X', '#',
// '•'), or 0.
func maskAt(t []byte, i int) int {
	switch c := t[i]; {
	case c == '*' || c == 'x' || c == 'X' || c == '#':
		return 1
	case c == 0xe2 && i+2 < len(t) && t[i+1] == 0x80 && t[i+2] == 0xa2:
		return 3
	}
	return 0
}

// maskedAt reads a masked card whose six digits end at t[e] (pos: the
// number's digits before): the masks (and spaces or dashes between
// groups), then four digits and no more. It returns the key's ten digits
// and the masked card's first and last byte, or ok false.
func maskedAt(t []byte, pos []int, e int, key *[10]byte) (a, z int, ok bool) {
	if len(pos) < 6 {
		return 0, 0, false
	}
	j, masks := e, 0
	for j < len(t) {
		if n := maskAt(t, j); n > 0 {
			masks++
			j += n
			continue
		}
		if (t[j] == ' ' || t[j] == '-') && masks > 0 && j+1 < len(t) && maskAt(t, j+1) > 0 {
			j++
			continue
		}
		break
	}
	if masks == 0 {
		return 0, 0, false
	}
	if j < len(t) && (t[j] == ' ' || t[j] == '-') {
		j++
	}
	if j+4 > len(t) || j+4 < len(t) && isDigit(t[j+4]) {
		return 0, 0, false
	}
	for k := 0; k < 4; k++ {
		if !isDigit(t[j+k]) {
			return 0, 0, false
		}
		key[6+k] = t[j+k]
	}
	for k, p := range pos[len(pos)-6:] {
		key[k] = t[p]
	}
	return pos[len(pos)-6], j + 4, true
}

// scanDigits finds the known numbers' windows and masked cards in a view
// (not inside spans found already there: found).
func (w *worker) scanDigits(v *view, found, spans []span) []span {
	m := w.m
	t := v.text
	runI, runE := -1, -1
	var ent entry
	var tag uint32
	flush := func() {
		if runI >= 0 {
			a, b := v.source(runI, runE)
			spans = append(spans, span{a, b, ent.kind, ent.source, tag})
			runI = -1
		}
	}
	hit := func(a, z int, dom byte, g []byte) {
		if a2, z2 := v.source(a, z); insideSpans(found, a2, z2) {
			return
		}
		e, tg, ok := m.verify(w, dom, g)
		if !ok {
			return
		}
		if runI >= 0 && a < runE {
			runE = max(runE, z)
			return
		}
		flush()
		runI, runE, ent, tag = a, z, e, tg
	}
	key, ds := &w.digitKey, &w.digitWin
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) || i > 0 && isDigit(t[i-1]) {
			continue
		}
		var e int
		w.digitPos, e = nextNumber(t, i, w.digitPos)
		pos, i0 := w.digitPos, i
		i = e - 1
		if e < len(t) && len(pos) >= 6 {
			if a, z, ok := maskedAt(t, pos, e, key); ok {
				hit(a, z, domMasked, key[:])
			}
		}
		L := len(pos)
		if L < digitWinMin || m.pieces == nil {
			continue
		}
		seed := m.pieces.seed
		for _, run := range [2]int{13, 14} {
			for s := 0; s+run <= L; s++ {
				h := uint64(fnvOffset)
				for k := s; k < s+run; k++ {
					ds[k-s] = t[pos[k]]
					h = fnvStep(h, t[pos[k]])
				}
				if m.pieces.has2(digitHash(h, seed)) {
					hit(pos[s], pos[s+run-1]+1, domDigitWin, ds[:run])
				}
			}
		}
		if L >= 11 && L < 15 {
			var lw [16]byte
			for k := 0; k < min(L, 13); k++ {
				ds[k] = t[pos[k]]
			}
			for j := 1; j <= lettersBefore(t, i0); j++ {
				if L+j < 13 {
					continue
				}
				g := lettered(lw[:0], t, i0, j, ds[:], 13)
				if m.pieces.has2(digitHash(fnvOf(g), seed)) {
					hit(i0-j, pos[13-j-1]+1, domDigitWin, g)
				}
			}
		}
		if m.shapes == nil {
			continue
		}
		for s := 0; s+digitWinMin <= L; s++ {
			h, sh := uint64(fnvOffset), uint64(fnvOffset)
			n, sep := 0, false
			for j := pos[s]; j < e && n < digitWinMax; j++ {
				c := t[j]
				h = fnvStep(h, c)
				if !isDigit(c) {
					if !m.shapes.seps[c] {
						break
					}
					sh, sep = fnvStep(sh, c), true
					continue
				}
				sh = fnvStep(sh, 'd')
				if n++; n < digitWinMin || !sep || !m.shapes.has(digitHash(sh, seed)) {
					continue
				}
				if m.pieces.has2(digitHash(h, seed)) {
					hit(pos[s], j+1, domDigitWin, t[pos[s]:j+1])
				}
			}
		}
	}
	flush()
	return spans
}

// insideSpans: source bytes [a,z) lie inside one of spans.
func insideSpans(spans []span, a, z int) bool {
	for _, sp := range spans {
		if sp.start <= a && z <= sp.end {
			return true
		}
	}
	return false
}

// shapesOf is the set of an index's and a values list's windows' shapes
// (nil: none), hashed with the pieces' filter's seed.
func shapesOf(ix *Index, vs *valueSet, seed uint64) *digitShapes {
	d := &digitShapes{}
	n := len(vs.shapes)
	for _, s := range vs.shapes {
		d.add(digitHash(fnvOf(s), seed))
		for _, c := range s {
			d.seps[c] = c != 'd'
		}
	}
	if ix != nil {
		for _, h := range ix.Shapes {
			d.add(h)
		}
		for i := 0; i < len(ix.DigitSeps); i++ {
			d.seps[ix.DigitSeps[i]] = true
		}
		n += len(ix.Shapes)
	}
	if n == 0 {
		return nil
	}
	return d
}
