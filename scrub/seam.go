package scrub

import (
	"bytes"
	"cmp"
	"slices"
)

// Seams: a value cut over two lines ("...password=Correct9" on one,
// "Horse! ..." on the next; pprint's ('Customer ACME '\n 'Corp')). The
// end of each line's decoded text is joined with the start of the
// next's (after the log header both lines share) and scanned; a value
// found across the join is scrubbed in both lines.

// seamBytes: how much of each side of a seam is joined.
const seamBytes = 4 * maxScan

// lineResult is one line with its spans and its decoded view (for the
// seams).
type lineResult struct {
	line  []byte
	spans []span
	sides seamSides
}

// seamSides are a line's views a value may go on from into the next
// line: as it is, fully decoded, and (a line with several escape
// families) each family alone, as a value may hold another family's
// escape literally ("%12" of a password in a quoted-printable line cut
// by a soft break).
type seamSides [2 + famCount]seamSide

// famCount is the number of escape families.
const famCount = 7

// goesOn: a value may go on from this line into the next.
func (l *lineResult) goesOn() bool {
	for _, a := range l.sides {
		if a.v != nil && a.tail.at >= 0 {
			return true
		}
	}
	return false
}

// scanLines finds the secrets of every line in data ('\n'-terminated,
// the last one maybe not) and calls emit for each, in order, with its
// spans. prev and next are the lines just before and after data (nil at
// the stream's edges): the seams with them count, only data's side of
// them is reported.
func (w *worker) scanLines(data, prev, next []byte, inKey *bool, emit func(line []byte, spans []span)) {
	var last *lineResult
	if prev != nil && w.m.skel != nil {
		last = &lineResult{line: prev}
		plain, final := lineViews(prev)
		last.sides[0] = seamSide{plain, w.tailGoesOn(plain)}
		if final != plain {
			last.sides[1] = seamSide{final, w.tailGoesOn(final)}
		}
	}
	first := true
	groups := w.blobGroups(data, prev, next)
	dumps := w.hexDumpGroups(data, prev, next)
	if cells := w.cellGroups(data, prev, next); len(cells) > 0 {
		dumps = append(dumps, cells...)
	}
	if len(dumps) > 0 {
		groups = append(groups, dumps...)
		slices.SortStableFunc(groups, func(a, b lineSpan) int { return cmp.Compare(a.line, b.line) })
	}
	off := 0
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n') + 1
		if n == 0 {
			n = len(data)
		}
		// (two results in turn, as the spans' buffers: the last line's
		// is kept until this one's are found)
		w.resFlip ^= 1
		cur := &w.results[w.resFlip]
		*cur = lineResult{line: data[:n]}
		// The seam with the line before is scanned with this line's
		// views (spans finds it: the views' skeletons are at hand).
		w.seamPrev, w.seamA = nil, w.seamA[:0]
		if last != nil && last.goesOn() && w.m.skel != nil {
			w.seamPrev = last
		}
		cur.spans, cur.sides = w.spans(cur.line, inKey)
		for len(groups) > 0 && groups[0].line == off {
			cur.spans = append(cur.spans, groups[0].sp)
			groups = groups[1:]
		}
		off += n
		w.seamPrev = nil
		if !first {
			last.spans = append(last.spans, w.seamA...)
			if from, to := numTail(last.line); from >= 0 && w.m.active() {
				w.numSeam(last, from, to, cur) // (numseam.go)
			}
			emit(last.line, last.spans)
		}
		last, first = cur, false
		data = data[n:]
	}
	if last == nil || first {
		return
	}
	if next != nil && last.goesOn() && w.m.skel != nil {
		plain, final := lineViews(next)
		w.seamA = w.seamA[:0]
		views := []*view{plain, final}
		if final == plain {
			views = views[:1]
		}
		for _, bv := range views {
			w.sk.skeleton(bv.text)
			var sb []span
			for _, a := range last.sides {
				if a.v != nil && a.tail.at >= 0 {
					w.seam(last.line, a, next, bv, &w.sk, &sb)
				}
			}
		}
		last.spans = append(last.spans, w.seamA...)
	}
	emit(last.line, last.spans)
}

// lineViews is a line's text as it is and with every escape undone, as
// knownSpans leaves it.
func lineViews(line []byte) (plain, final *view) {
	plain = &view{text: bytes.TrimRight(line, "\r\n")}
	cur := plain
	for round := 0; round < 3 && needsDecoding(cur.text); round++ {
		next := &view{}
		if !unescape(cur.text, next) {
			break
		}
		next.compose(cur)
		cur = next
	}
	return plain, cur
}

// tailGoesOn finds where a value may start in v that goes on past its
// end (for a line scanned elsewhere: the one before a block).
func (w *worker) tailGoesOn(v *view) tailFrom {
	w.goesOn = false
	from := max(0, len(v.text)-seamBytes)
	w.sk.skeleton(v.text[from:])
	w.hits = w.m.scanSkel(w, &w.sk, false, w.hits[:0])
	t := w.tailOf(&w.sk, v.text[from:])
	if t.at >= 0 {
		t.at += from
	}
	return t
}

// tailOf is where a value may start in the text of skeleton r (just
// scanned) that goes on past its end: the key scanSkel found may, or
// else the last word when it is shorter than an anchor but starts a key
// (no key can be told from it: "abc" + "\n" + "12345678"; the seam
// tests the anchor across the join first).
func (w *worker) tailOf(r *rep, text []byte) tailFrom {
	if w.goesOn {
		return tailFrom{w.goesOnAt, w.goesOnRest}
	}
	t := w.m.skel
	if t == nil || len(r.b) == 0 {
		return tailFrom{at: -1}
	}
	k := len(r.b) - 1
	for k > 0 && (r.fl[k]&(flGap|flCJK|flAfterCJK) == 0 || r.fl[k]&flStart == 0) {
		k-- // (back to a word's start, or to a CJK character's first byte)
	}
	// (One letter is no value's start worth a seam, nor a number, most
	// log lines end with one, but for a phone's "(555)" or "+49"; two
	// must start a key.)
	if n := len(r.b) - k; n < 2 || n >= t.anchorLen || n >= t.maxLen || r.fl[k]&flStart == 0 || !t.startsPair(r.b[k:]) {
		return tailFrom{at: -1}
	}
	if at := int(r.src[k]); allDigits(r.b[k:]) && (at == 0 || text[at-1] != '(' && text[at-1] != '+') {
		return tailFrom{at: -1}
	}
	return tailFrom{int(r.src[k]), len(r.b) - k}
}

// sharedHeader is how many bytes of b are a log header a shares (the
// same text, digits counting as equal), cut back to a space.
func sharedHeader(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && (a[n] == b[n] || isDigit(a[n]) && isDigit(b[n])) {
		n++
	}
	for n > 0 && b[n-1] != ' ' {
		n--
	}
	if n < 16 {
		return 0
	}
	if criPartial(a, b, n) {
		n += 2 // (records.go)
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maxShapePrefix bounds a line prefix that is no log header.
const maxShapePrefix = 40

// shapePrefix is how many bytes of b are a prefix of its own that a has
// in the same shape: b's first word and the spaces or a '|' after it,
// where a has the same bytes but for letters and digits, which may
// differ ("[P0764]a " and "[P0764]b ", a container's "nova_1  | "). A
// console or a tool that numbers its lines writes them (red team
// scrubatk18); sharedHeader wants 16 bytes and equal letters.
func shapePrefix(a, b []byte) int {
	n := 0
	for n < len(b) && n < maxShapePrefix && b[n] != ' ' && b[n] != '\t' {
		n++
	}
	if n == 0 || n == len(b) || n >= maxShapePrefix {
		return 0
	}
	if n >= len(a) || a[n] != b[n] {
		return 0
	}
	for i := range n {
		x, y := a[i], b[i]
		if x != y && (x >= 0x80 || y >= 0x80 || asciiAlnum[x] == 0 || asciiAlnum[y] == 0) {
			return 0
		}
	}
	// (b's indent after it is skipped whatever a has there: a's record
	// goes on with its header, b's continuation is indented)
	for n < len(b) && n < maxShapePrefix && (b[n] == ' ' || b[n] == '\t' || b[n] == '|') {
		n++
	}
	return n
}

// seam finds the values across the join of aline (as side a) and
// bline (as view bv, whose skeleton is bs): it appends aline's spans to
// w.seamA and bline's to *sb. a's text is taken from where a value may
// start that goes on; bline's, after the header it shares with aline,
// as far as such a value can reach.
func (w *worker) seam(aline []byte, a seamSide, bline []byte, bv *view, bs *rep, sb *[]span) {
	if a.tail.at >= len(a.v.text) || len(bs.b) == 0 {
		return
	}
	if _, _, _, ok := dockerLog(aline); ok {
		if skip, _, _, ok := dockerLog(bline); ok {
			w.seamAfter(a, bv, bs, sb, skip) // (records.go)
			return
		}
	}
	if skip := sharedHeader(aline, bline); skip > 0 {
		w.seamAfter(a, bv, bs, sb, skip)
		return
	}
	// Two records whose headers differ (two loggers, a console that
	// wraps a line with its own prefix): bline's content is after its
	// own header, wherever that ends (after the level, the logger's
	// name, its [context]).
	var ends [3]int
	n := ownHeader(bline, &ends)
	if n == 0 {
		w.seamAfter(a, bv, bs, sb, 0)
		if p := shapePrefix(aline, bline); p > 0 {
			w.seamAfter(a, bv, bs, sb, p)
		}
	}
	for _, skip := range ends[:n] {
		w.seamAfter(a, bv, bs, sb, skip)
	}
}

// logLevels: the words that end a log header's fields (with the
// logger's name and a [context] after them, maybe).
var logLevels = []string{"TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL", "AUDIT"}

// ownHeader finds where a log header at b's start may end: a date and
// time ("2026-12-01 10:00:00", a 'T', fractions, a zone), maybe a
// process id, a level; then after the level, after the next word, after
// a [context] that follows. It returns how many ends it put in ends.
func ownHeader(b []byte, ends *[3]int) int {
	digits := func(i, n int) bool {
		if i+n > len(b) {
			return false
		}
		for _, c := range b[i : i+n] {
			if !isDigit(c) {
				return false
			}
		}
		return true
	}
	if !digits(0, 4) || len(b) < 19 || b[4] != '-' || !digits(5, 2) || b[7] != '-' || !digits(8, 2) || b[10] != ' ' && b[10] != 'T' ||
		!digits(11, 2) || b[13] != ':' || !digits(14, 2) || b[16] != ':' || !digits(17, 2) {
		return 0
	}
	i := 19
	for i < len(b) && b[i] != ' ' && i < 40 {
		i++ // (fractions, a zone)
	}
	word := func(i int) int { // the end of the word at b[i]
		for i < len(b) && b[i] != ' ' {
			i++
		}
		return i
	}
	for k := 0; k < 2 && i < len(b) && b[i] == ' '; k++ { // (a process id before the level)
		e := word(i + 1)
		w := string(b[i+1 : e])
		if slices.Contains(logLevels, w) {
			n := 0
			if e < len(b) && b[e] == ' ' {
				ends[n], n = e+1, n+1
				if e2 := word(e + 1); e2 < len(b) && b[e2] == ' ' {
					ends[n], n = e2+1, n+1
					if e2+1 < len(b) && b[e2+1] == '[' {
						if z := bytes.IndexByte(b[e2+1:], ']'); z > 0 && e2+2+z < len(b) && b[e2+2+z] == ' ' {
							ends[n], n = e2+3+z, n+1
						}
					}
				}
			}
			return n
		}
		i = e
	}
	return 0
}

// seamAfter is seam with bline's content after its first skip bytes.
func (w *worker) seamAfter(a seamSide, bv *view, bs *rep, sb *[]span, skip int) {
	ta := a.v
	k0 := 0 // the first skeleton byte of bline's content
	for k0 < len(bs.b) {
		if st, _ := bv.source(int(bs.src[k0]), int(bs.src[k0])+1); st >= skip {
			break
		}
		k0++
	}
	k1 := min(len(bs.b), k0+w.m.skel.maxLen-a.tail.rest)
	if k0 >= k1 {
		return
	}
	// One skeleton of both sides: a's bytes keep their offsets in its
	// tail, bline's are shifted past them.
	tail := ta.text[a.tail.at:]
	j := &w.seamRep
	j.skeleton(tail)
	at := len(j.b)
	if at == 0 || a.tail.rest < w.m.skel.anchorLen && !w.anchorAcross(j, at, bs.b[k0:k1]) {
		return // (a short tail: no key's anchor starts in it)
	}
	// Glued (no separator at the join) unless either side has one there.
	hs := int(bs.src[k0])
	cs := 0 // where bline's content starts in bv
	for cs < hs {
		if st, _ := bv.source(cs, cs+1); st >= skip {
			break
		}
		cs++
	}
	gap := !isAlnumEnd(tail, &w.endRep) || hs > cs
	off := len(tail) - hs
	for k := k0; k < k1; k++ {
		f := bs.fl[k]
		if k == k0 {
			f |= flGap
			if !gap {
				f &^= flGap
			}
		}
		j.push(bs.b[k], int(bs.src[k])+off, f)
	}
	w.hits = w.m.scanSkel(w, j, false, w.hits[:0])
	for _, h := range w.hits {
		if h.i >= at || h.e <= at {
			continue // on one side only: that line's own scan has it
		}
		st, _ := ta.source(a.tail.at+int(j.src[h.i]), a.tail.at+int(j.src[h.i])+1)
		_, aEnd := ta.source(len(ta.text)-1, len(ta.text))
		bStart, _ := bv.source(hs, hs+1)
		last := int(j.src[h.e-1]) - off
		_, en := bv.source(last, runeEnd(bv.text, last))
		w.seamA = append(w.seamA, span{st, aEnd, h.ent.kind, h.ent.source, h.tag})
		*sb = append(*sb, span{bStart, en, h.ent.kind, h.ent.source, h.tag})
	}
}

// anchorAcross: a key's anchor starts at a word of j's first at bytes
// (a short tail's skeleton) and goes on in next (the next line's).
func (w *worker) anchorAcross(j *rep, at int, next []byte) bool {
	t := w.m.skel
	var buf [16]byte
	for i := 0; i < at; i++ {
		if j.fl[i]&(flGap|flCJK|flAfterCJK) == 0 {
			continue
		}
		n := copy(buf[:], j.b[i:at])
		if n+len(next) < t.anchorLen {
			return false
		}
		copy(buf[n:], next)
		// (As scanSkel's places: the anchor, then the lengths of the
		// keys it starts.)
		if h1, h2, k := t.anchored(buf[:min(len(buf), n+len(next))]); k > 0 {
			lm := t.spans.at(h1)
			if k == 2 {
				lm |= t.spans.at(h2)
			}
			if lm&t.lenBits != 0 {
				return true
			}
		}
	}
	return false
}

// isAlnumEnd: text ends with a letter or digit (r: the rep to fold it in).
func isAlnumEnd(text []byte, r *rep) bool {
	r.folded(text[max(0, len(text)-8):])
	return len(r.fl) > 0 && r.fl[len(r.fl)-1]&flAlnum != 0
}
