package scrub

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Scanning a line's views: the line as it is, then each round of its
// escapes decoded, each family alone, its legacy-charset and UTF-16
// readings; each view is scanned by the matcher (match.go) and its
// blobs handed to blobscan.go.

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
	spans = w.scanDigests(v, spans)
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
		if h.dom == domPiece && h.e-h.i >= pieceHex && allHex(r.b[h.i:h.e]) {
			// Pieces of hex digits (a digest's first ones: digests.go):
			// the hex run they are in goes, its tail checks a guess too.
			for st > 0 && isHexByte(v.text[st-1]) {
				st--
			}
			for en < len(v.text) && isHexByte(v.text[en]) {
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
	n := copy(sides[2:], w.oneSides)
	if r, ok := w.recordSide(line, final); ok && 2+n < len(sides) {
		sides[2+n] = r // (a partial container log record: records.go)
	}
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
	var bytesViews [3]*view // the rounds' views with bytes that are no printable ASCII
	nb := 0
	for round, f := 0, fams; round < 3 && f != 0; round, f = round+1, families(cur.text) {
		next := &view{}
		if !unescapeOnly(cur.text, next, f) {
			break
		}
		next.compose(cur)
		if nb < len(bytesViews) && !printASCII(next.text) {
			bytesViews[nb], nb = next, nb+1
		}
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
		spans = w.rawGzipSpans(v, depth, spans)
	}
	spans = w.moreSpans(v, depth, anywhere, spans)
	spans = w.pgRTFSpans(v, anywhere, spans)
	spans = w.utf7Spans(v, anywhere, spans)
	if !plain8 {
		spans = w.wideSpans(v, anywhere, spans)
	}
	// The decoded text's bytes too: a bytes repr of a legacy charset's or
	// of UTF-16 ("b'\x14\x04<\x04...'", whose printable bytes are
	// shown as themselves: red team scrubatk18). Each round's: the next
	// may undo what is no escape ('\\' then a byte).
	for _, d := range bytesViews[:nb] {
		spans = w.legacySpans(d, anywhere, spans)
		spans = w.wideSpans(d, anywhere, spans)
	}
	if cur != v && fieldsTrigger(cur.text) {
		spans = w.fieldSeamSpans(cur, anywhere, spans) // (the fields' escapes undone: "rack\tB7")
	}
	return spans, last
}

// wideSpans scans v's UTF-16 views when its text may hold UTF-16 (NULs,
// or control bytes between letters).
func (w *worker) wideSpans(v *view, anywhere bool, spans []span) []span {
	if bytes.Count(v.text, []byte{0}) < 2 && !utf16Text(v.text) {
		return spans
	}
	for off := 0; off < 2; off++ {
		for _, big := range [2]bool{false, true} {
			u := &view{}
			utf16View(v.text, off, big, u)
			u.compose(v)
			spans = w.scanView(u, anywhere, spans)
		}
	}
	return spans
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

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// rawGzipSpans: a gzip stream written into the line as raw bytes (a
// body logged as it came: red team scrubatk19) is inflated; a value in
// it scrubs the line from the stream's start.
func (w *worker) rawGzipSpans(v *view, depth int, spans []span) []span {
	t := v.text
	for from := 0; depth < maxDepth; {
		i := bytes.Index(t[from:], []byte{0x1f, 0x8b, 0x08})
		if i < 0 {
			break
		}
		i += from
		if sp, found, _ := w.scanBlob(t[i:], depth+1); found {
			sp.start, sp.end = v.source(i, len(t))
			return append(spans, sp)
		}
		from = i + 3
	}
	return spans
}
