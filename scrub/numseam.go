package scrub

import "bytes"

// Number seams: an address cut over two lines ("name=10" on one,
// ".42.17.203 (migrated)" on the next; "2001:db8" and ":4a2b::17:cafe"),
// a line wrapped or a container's record cut in it. The skeleton's
// seams (seam.go) do not start at a line's last number, as most log
// lines end with one; here a number at one line's end is joined with
// the next line's start only when that goes on as an address does: a
// '.' or ':' there, or on either side of the join.

// addrByte: a byte of an IP address's text (or of a MAC's, a UUID's).
func addrByte(c byte) bool { return anyHex[c] || c == '.' || c == ':' }

// numTail is where line's last token of address bytes is ([from, to):
// it ends the line, or a partial json-file record's text, and has a
// digit); from is -1 if there is none.
func numTail(line []byte) (from, to int) {
	t := trimEOL(line)
	if _, end, partial, ok := dockerLog(t); ok && partial {
		t = t[:end] // (records.go)
	}
	i := len(t)
	for i > 0 && addrByte(t[i-1]) && len(t)-i < 48 {
		i--
	}
	if i == len(t) || i > 0 && (asciiAlnumByte(t[i-1]) || t[i-1] >= 0x80) || bytes.IndexAny(t[i:], "0123456789") < 0 {
		return -1, 0
	}
	return i, len(t)
}

func asciiAlnumByte(c byte) bool { return c < 0x80 && asciiAlnum[c] != 0 }

// numSeam scans the join of a's last number ([from, to)) with b's first
// address bytes (at its start, after the header the lines share, or
// after a json-file record's start); a value found across the join is
// scrubbed in both.
func (w *worker) numSeam(a *lineResult, from, to int, b *lineResult) {
	tok := a.line[from:to]
	sep := bytes.IndexAny(tok, ".:") >= 0
	bt := trimEOL(b.line)
	starts := [3]int{0, sharedHeader(trimEOL(a.line), bt), -1}
	if s, _, _, ok := dockerLog(bt); ok {
		starts[2] = s
	}
	for i, c := range starts {
		if c < 0 || c >= len(bt) || i > 0 && c == 0 {
			continue
		}
		if !addrByte(bt[c]) {
			continue
		}
		e := c
		for e < len(bt) && addrByte(bt[e]) && e-c < 48 {
			e++
		}
		if x := bt[c]; x != '.' && x != ':' && !sep && bytes.IndexAny(bt[c:e], ".:") < 0 {
			continue // (two numbers, neither an address's part)
		}
		if e < len(bt) && (asciiAlnumByte(bt[e]) || bt[e] >= 0x80) {
			continue // (a word goes on: no address)
		}
		w.numJoin = append(append(append(append(w.numJoin[:0], ' '), tok...), bt[c:e]...), ' ')
		spans, _ := w.viewsSpans(&view{text: w.numJoin}, 1, false, nil)
		for _, sp := range spans {
			if sp.start < 1+len(tok) && sp.end > 1+len(tok) {
				a.spans = append(a.spans, span{from, to, sp.kind, sp.source, sp.tag})
				b.spans = append(b.spans, span{c, e, sp.kind, sp.source, sp.tag})
				return
			}
		}
	}
}
