package scrub

import (
	"bytes"
	"slices"
)

// Blobs over several lines: a MIME body is base64 wrapped at 76
// columns, and a log formatter wraps a long token where the terminal
// ends, so a value (or the gzip stream that holds it) goes on from one
// line's last base64 run into the next line's first. Such runs are
// decoded together, and a value found scrubs each line's part.

// blobGroupMin: the shortest last run of a line that may go on; the
// next line's first run must have blobGroupNext characters.
const (
	blobGroupMin  = 8
	blobGroupNext = 8
	// blobGroupMax bounds the bytes of one group.
	blobGroupMax = 4 << 20
)

// lineSpan is a span of the line that starts at byte line of a block.
type lineSpan struct {
	line int
	sp   span
}

// groupLine is one line of a group: where it starts in the block (-1:
// the line before or after the block) and its run.
type groupLine struct {
	line, from, to int
	n              int // the run's characters (to may take padding too)
}

// blobGroups finds the groups of data's lines (with prev and next, the
// lines around it) and returns the spans of data's lines whose groups
// hold a known value, in order.
func (w *worker) blobGroups(data, prev, next []byte) []lineSpan {
	var out []lineSpan
	var group []groupLine
	var run []byte
	var alpha runInfo // the alphabets run can be in
	var last []byte   // the line before the one looked at
	flush := func() {
		out = w.groupSpans(group, run, out)
		group, run = group[:0], run[:0]
	}
	look := func(line []byte, at int) {
		text := trimEOL(line)
		from := 0 // where this line's last run may begin a group
		if len(group) > 0 {
			// The next part: the line's first run, after the header it
			// shares with the line before (or a prefix of the same
			// shape) and any indent.
			h := sharedHeader(last, text)
			if h == 0 {
				h = shapePrefix(last, text)
			}
			for h < len(text) && (text[h] == ' ' || text[h] == '\t') {
				h++
			}
			e := h
			for e < len(text) && isB64(text[e]) {
				e++
			}
			p := e
			for p < len(text) && p-e < 2 && text[p] == '=' {
				p++
			}
			// (A PEM block's armor ends a group: "-----BEGIN" is a
			// run of base64url's alphabet, and a wrapped blob's last
			// line read with it gave the value again in another
			// alignment, so the armor line went too.)
			if !pemArmor(text[h:]) && (e-h >= blobGroupNext || e > h && p == len(text)) && len(run)+e-h <= blobGroupMax && (p == len(text) || !isB64(text[p])) && sameAlphabet(&alpha, text[h:e]) {
				group = append(group, groupLine{at, h, p, e - h})
				run = append(run, text[h:e]...)
				if e == len(text) {
					last = text
					return // goes on, maybe
				}
				// (the group ends here; the line's last run, after
				// this one, may begin another: a PEM block's last line
				// or a header's date, then "token=" and a wrapped token)
				flush()
				from = p
			} else {
				flush()
			}
		}
		// A line whose last run is long and unpadded may begin a group.
		s := len(text)
		for s > 0 && isB64(text[s-1]) {
			s--
		}
		if s >= from && len(text)-s >= blobGroupMin && !scanRun(text[s:]).id {
			group = append(group, groupLine{at, s, len(text), len(text) - s})
			run = append(run, text[s:]...)
			alpha = scanRun(text[s:])
		}
		last = text
	}
	groupLines(data, prev, next, func() bool { return len(group) > 0 }, look)
	flush()
	return out
}

// groupSpans appends the spans of a group's lines (group, their runs
// joined in run) when the runs read together hold a value that no
// line's part holds alone.
func (w *worker) groupSpans(group []groupLine, run []byte, out []lineSpan) []lineSpan {
	if len(group) < 2 {
		return out
	}
	// What each line's part holds alone is read once: the trimming below
	// asks about many sub-groups, and reading every line again for each
	// made a long MIME body quadratic (red team scrubatk7: 195 KB of
	// wrapped base64 took over 120 s).
	// (Most groups hold nothing: the runs together are read first.)
	w.blobTags = nil
	if _, ok := w.blobHit(run, 0); !ok {
		return out
	}
	alone := make([][]span, len(group))
	offs := make([]int, len(group)+1)
	for i, g := range group {
		offs[i+1] = offs[i] + g.n
		w.blobTags = &alone[i]
		w.blobHit(run[offs[i]:offs[i+1]], 0)
	}
	w.blobTags = nil
	sp, ok := w.newInGroup(alone, run, offs, 0, len(group))
	if !ok {
		return out
	}
	// Not the lines at either end that the value does not need (a date
	// after a body): the fewest lines from the start, then from the end,
	// that still give the same value, found by halving (a value found in
	// some lines is found in more).
	holds := func(lo, hi int) bool {
		s2, ok := w.newInGroup(alone, run, offs, lo, hi)
		return ok && s2.tag == sp.tag
	}
	lo, hi := 0, len(group)
	if a, b := lo+2, hi; a < b {
		for a < b {
			m := (a + b) / 2
			if holds(lo, m) {
				b = m
			} else {
				a = m + 1
			}
		}
		hi = a
	}
	if a, b := lo, hi-2; a < b {
		for a < b {
			m := (a + b + 1) / 2
			if holds(m, hi) {
				a = m
			} else {
				b = m - 1
			}
		}
		lo = a
	}
	for _, g := range group[lo:hi] {
		if g.line >= 0 {
			out = append(out, lineSpan{g.line, span{g.from, g.to, sp.kind, sp.source, sp.tag}})
		}
	}
	return out
}

// groupLines calls look with prev (at -1), each of data's lines (at
// its offset), then next (at -1) when a group goes on (open).
func groupLines(data, prev, next []byte, open func() bool, look func(line []byte, at int)) {
	if prev != nil {
		look(prev, -1)
	}
	for off := 0; off < len(data); {
		n := indexEOL(data[off:])
		look(data[off:off+n], off)
		off += n
	}
	if next != nil && open() {
		look(next, -1)
	}
}

// trimEOL drops a line's end.
func trimEOL(line []byte) []byte {
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	return line
}

// indexEOL is the length of data's first line, its '\n' included.
func indexEOL(data []byte) int {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1
	}
	return len(data)
}

// newInGroup decodes the runs of lines lo to hi of a group together
// (run, the lines' ends in it offs) and reports a value they hold that
// no line's part holds alone (alone: what each holds; that one its line
// scrubs; two blobs one after the other, each whole, are no group).
func (w *worker) newInGroup(alone [][]span, run []byte, offs []int, lo, hi int) (span, bool) {
	var joined []span
	w.blobTags = &joined
	_, ok := w.blobHit(run[offs[lo]:offs[hi]], 0)
	w.blobTags = nil
	if !ok {
		return span{}, false
	}
	for _, sp := range joined { // (the first found, the same every time)
		if !slices.ContainsFunc(alone[lo:hi], func(a []span) bool {
			return slices.ContainsFunc(a, func(a span) bool { return a.tag == sp.tag })
		}) {
			return sp, true
		}
	}
	return span{}, false
}

// pemArmor: t starts with a PEM block's BEGIN or END line.
func pemArmor(t []byte) bool {
	return bytes.HasPrefix(t, []byte("-----BEGIN ")) || bytes.HasPrefix(t, []byte("-----END "))
}

// mayGoOnB64: line ends with a base64 run that a group may go on from.
func mayGoOnB64(line []byte) bool {
	text := trimEOL(line)
	s := len(text)
	for s > 0 && isB64(text[s-1]) {
		s--
	}
	return len(text)-s >= blobGroupMin
}

// sameAlphabet: b can go on from a run in the alphabets a says ('+' and
// '/' or '-' and '_', not both); a becomes the run's with b.
func sameAlphabet(a *runInfo, b []byte) bool {
	rb := scanRun(b)
	std, url := a.std && rb.std, a.url && rb.url
	if !std && !url {
		return false
	}
	a.std, a.url = std, url
	return true
}

// viewGroups finds the groups of a decoded view's own lines (a MIME
// body in a string, its line breaks escaped) and appends their spans, in
// the view's source.
func (w *worker) viewGroups(v *view, spans []span) []span {
	if bytes.IndexByte(v.text, '\n') < 0 {
		return spans
	}
	for _, ls := range w.blobGroups(v.text, nil, nil) {
		a, b := v.source(ls.line+ls.sp.start, ls.line+ls.sp.end)
		sp := ls.sp
		sp.start, sp.end = a, b
		spans = append(spans, sp)
	}
	return spans
}

// Spaced hex: bytes written as hex with a separator between them
// (`4f 79 73`, `4f:79:73`, hexdump -C's and xxd's rows `4f79 7374`, a
// Windows registry export's `hex:4f,79,73` and `hex(2):` of UTF-16, a
// list's `4f, 79, 73` or `4f;79;73`): the digits of a run of such
// groups are read as one hex blob.

// minSpacedGroups: fewer groups are a MAC address's or a time's, not
// text's.
const minSpacedGroups = 4

// spacedHexSpans appends the spans of spaced hex runs holding a known
// value (the whole run goes). A run's separator is one byte, once or
// twice (hexdump -C's middle gap); digits-only groups must be many (a
// timestamp's 10:42:17 is no hex).
func (w *worker) spacedHexSpans(v *view, depth int, spans []span) []span {
	t := v.text
	if depth >= maxDepth {
		return spans
	}
	digits := w.spacedDigits[depth][:0]
	defer func() { w.spacedDigits[depth] = digits[:0] }()
	for i := 0; i+5 <= len(t); i++ {
		// A group starts here: two or four hex digits after no letter or
		// digit, then a separator.
		if !anyHex[t[i]] || !anyHex[t[i+1]] || i > 0 && (t[i-1] >= 0x80 || asciiAlnum[t[i-1]] != 0) {
			continue
		}
		n := 2
		if anyHex[t[i+2]] {
			if n = 4; i+5 >= len(t) || !anyHex[t[i+3]] {
				continue
			}
		}
		sep := t[i+n]
		if sep != ' ' && sep != ':' && sep != '-' && sep != ',' && sep != ';' {
			continue
		}
		digits = append(digits[:0], t[i:i+n]...)
		groups, end := 1, i+n
		for j := end; ; {
			k := j
			for k < len(t) && k-j < 2 && t[k] == sep {
				k++
			}
			if k == j {
				break
			}
			if sep == ',' && k == j+1 && k < len(t) && t[k] == ' ' {
				k++ // (", " as lists print it)
			}
			m := hexRunLen(t, k)
			if m != n && (n != 4 || m != 2) {
				break
			}
			digits = append(digits, t[k:k+m]...)
			groups, end, j = groups+1, k+m, k+m
			if m != n {
				break // (xxd's last group of an odd number of bytes)
			}
		}
		if groups >= minSpacedGroups && (groups >= 2*minSpacedGroups || !allDigits(digits)) {
			if sp, ok := w.blobHit(digits, depth); ok {
				sp.start, sp.end = v.source(i, end)
				spans = append(spans, sp)
			}
		}
		i = end - 1
	}
	return spans
}

// anyHex: hex digits of either case.
var anyHex = func() (t [256]bool) {
	for c := range t {
		t[c] = hexVal(byte(c)) >= 0
	}
	return t
}()

// hexRunLen is the number of hex digits from i, when a letter or digit
// does not follow them (0 otherwise).
func hexRunLen(t []byte, i int) int {
	j := i
	for j < len(t) && anyHex[t[j]] {
		j++
	}
	if j < len(t) && (t[j] >= 0x80 || asciiAlnum[t[j]] != 0) {
		return 0
	}
	return j - i
}
