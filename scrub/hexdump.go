package scrub

import (
	"bytes"
	"encoding/hex"
)

// Hex dumps over rows: xxd, hexdump -C and od print sixteen bytes a row,
// so a value longer than a row's rest goes on in the next (its hex and
// its ASCII column both cut). Consecutive rows' hex is read as one blob
// (as base64 wrapped over lines is, blobseam.go), and a row whose own
// hex holds a value loses its ASCII column with its hex.

// maxDumpGroup bounds the rows of one group (a longer dump is read in
// groups of so many rows; a value across their cut is in neither).
const maxDumpGroup = 4096

// hexDumpGroups finds the hex dump rows of data's lines (and of prev and
// next, the lines around it) and returns the spans of data's rows that
// hold a known value, alone or with the rows around them.
func (w *worker) hexDumpGroups(data, prev, next []byte) []lineSpan {
	var out []lineSpan
	var group []groupLine
	var run []byte
	flush := func() {
		out = w.dumpSpans(group, run, out)
		group, run = group[:0], run[:0]
	}
	var tools toolRows // (the other tools' rows, in the same pass)
	var cols colRows   // (and columns: columns.go)
	look := func(line []byte, at int) {
		text := trimEOL(line)
		tools.look(w, text, at)
		cols.look(w, text, at)
		if from, n, ok := parseDumpRow(text); ok && len(group) < maxDumpGroup {
			group = append(group, groupLine{at, from, len(text), 0})
			run = appendHex(run, text[from:n])
			group[len(group)-1].n = len(run) - sum(group[:len(group)-1])
			return
		}
		flush()
	}
	groupLines(data, prev, next, func() bool { return len(group) > 0 || tools.pending() || cols.pending() }, look)
	flush()
	cols.flush(w)
	return append(append(out, tools.finish(w)...), cols.out...)
}

// dumpSpans appends the spans of a group's rows (their hex joined in
// run) that hold a known value: the rows the value's bytes are in when
// the dump is of text, all of them when it is of something else (a
// compressed stream).
func (w *worker) dumpSpans(group []groupLine, run []byte, out []lineSpan) []lineSpan {
	if len(group) == 0 {
		return out
	}
	sp, ok := w.blobHit(run, 0)
	if !ok {
		return out
	}
	b := make([]byte, len(run)/2)
	if _, err := hex.Decode(b, run[:len(b)*2]); err != nil || isCompressed(b) || !textLike(b) {
		return allRows(group, sp, out)
	}
	spans, _ := w.viewsSpans(&view{text: b}, 1, true, nil)
	// (A row's n is its hex digits: a byte cut between rows is the first's.)
	return overlapRows(group, spans, func(at int, g groupLine) int { return (at*2 + g.n) / 2 }, out)
}

// isCompressed: b starts as a gzip or zlib stream does.
func isCompressed(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0x1f && b[1] == 0x8b || b[0] == 0x78)
}

func sum(group []groupLine) int {
	n := 0
	for _, g := range group {
		n += g.n
	}
	return n
}

// appendHex appends the hex digits of t (a row's groups).
func appendHex(run, t []byte) []byte {
	for _, c := range t {
		if anyHex[c] {
			run = append(run, c)
		}
	}
	return run
}

// parseDumpRow finds a hex dump row in text: an offset of six to eight
// hex digits ending in 0 (rows are sixteen bytes), or tcpdump's "0x" and
// four, or tshark's four at the line's start, at the text's start or
// after a space (a log header), then ':' or spaces, then up to sixteen
// bytes of hex in groups of two or four digits separated by one or two
// spaces; the ASCII column may follow. It returns where the hex starts
// and ends.
func parseDumpRow(text []byte) (from, to int, ok bool) {
	if from, to, ok := xxdRow(text); ok {
		return from, to, true
	}
	for i := 0; i+2 < len(text); i++ {
		k := bytes.IndexByte(text[i:len(text)-2], '0')
		if k < 0 {
			break
		}
		if i += k; text[i+1] != ':' && text[i+1] != ' ' {
			continue
		}
		s := i
		for s > 0 && anyHex[text[s-1]] {
			s--
		}
		if n := i + 1 - s; n == 4 && s >= 2 && text[s-1] == 'x' && text[s-2] == '0' && text[i+1] == ':' {
			s -= 2 // (tcpdump -X: "\t0x0010:  4500 ...")
		} else if n == 4 && s == 0 && text[i+1] == ' ' && text[i+2] == ' ' {
			// (tshark -x: "0010  03 53 ...")
		} else if n < 6 || n > 8 {
			continue
		}
		if s > 0 && text[s-1] != ' ' && text[s-1] != '\t' {
			continue
		}
		h := i + 1
		if text[h] == ':' {
			h++
		}
		for h < len(text) && h-i <= 3 && text[h] == ' ' {
			h++
		}
		if e := dumpHexEnd(text, h); e > h {
			return h, e, true
		}
	}
	return 0, 0, false
}

// dumpHexEnd is where a row's hex groups from h end (h: none).
func dumpHexEnd(text []byte, h int) int {
	n, digits, j, end := 0, 0, h, h
	for j < len(text) && digits < 32 {
		k := j
		for k < len(text) && anyHex[text[k]] {
			k++
		}
		g := k - j
		if g != 2 && g != 4 || n == 2 && g != 2 || k < len(text) && text[k] != ' ' {
			break
		}
		if n == 4 && g == 2 {
			return k // (xxd's last group of an odd row)
		}
		n, digits, end = g, digits+g, k
		for j = k; j < len(text) && j-k < 2 && text[j] == ' '; j++ {
		}
		if j == k || g == 4 && j-k == 2 {
			// (xxd puts one space between its groups and two before
			// the ASCII column, which may look like hex itself: "0000 0"
			// of a row of digits in xxd -c 6)
			break
		}
	}
	return end
}

// xxdRow finds a row of xxd with a row length other than 16 (xxd -c 6:
// offsets 00000006, 0000000c): eight hex digits and ": " at the text's
// start or after a space, then hex groups.
func xxdRow(text []byte) (from, to int, ok bool) {
	for i := 8; i+2 < len(text); i++ {
		k := bytes.IndexByte(text[i:len(text)-2], ':')
		if k < 0 {
			break
		}
		if i += k; text[i+1] != ' ' || i > 8 && text[i-9] != ' ' && text[i-9] != '\t' {
			continue
		}
		hexOff := true
		for _, c := range text[i-8 : i] {
			hexOff = hexOff && anyHex[c]
		}
		if e := dumpHexEnd(text, i+2); hexOff && e > i+2 {
			return i + 2, e, true
		}
	}
	return 0, 0, false
}
