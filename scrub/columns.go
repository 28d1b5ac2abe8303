package scrub

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// Columns: a value printed a character, a byte or a code a line, each
// line alike but for that short middle (an Ansible loop over a string,
// "ok: [ctl01] => (item=T)"; PowerShell's GetBytes(), "84", "114"; a
// string split into its letters, one per line). No line holds a piece
// long enough to find, so consecutive such lines are read down the
// column: their middles joined as text, and, when each is a number, as
// the bytes or characters the numbers are.

// colRows gathers one column's lines.
type colRows struct {
	rows  []colRow
	first []byte // the first line
	// e: the bytes after a line's header that every line has as the first
	// has; s: the bytes they all end with (-1: every line so far is the
	// first's twin, which says nothing of where its middle is).
	e, s       int
	minW, maxW int // the lines' widths after their headers
	out        []lineSpan
}

type colRow struct {
	at   int    // the line's offset in the block (-1: the line around it)
	text []byte // the line
	hdr  int    // its log header's length (sharedHeader with the first)
}

const (
	maxColMid  = 8   // a middle's bytes (a character in UTF-8, a number, an escape)
	minColRows = 3   // (a CJK name; fewer lines are a seam's: seam.go)
	maxColRows = 512 // (a longer column is read in parts)
)

// look adds text (the line at offset at of the block) to the column, or
// reads the column so far and begins another with it.
func (c *colRows) look(w *worker, text []byte, at int) {
	h, ok := 0, false
	if len(c.rows) > 0 && len(c.rows) < maxColRows {
		h, ok = c.fits(text)
	}
	if !ok {
		c.flush(w)
		c.rows = append(c.rows[:0], colRow{at, text, 0})
		c.first, c.e, c.s = text, -1, -1
		return
	}
	c.rows = append(c.rows, colRow{at, text, h})
}

// fits: text is the first line but for a middle of a few bytes where
// every line so far has its own, after a log header as the first's (its
// length is returned); c's bounds take text's in.
func (c *colRows) fits(text []byte) (int, bool) {
	f := c.first
	if len(text) == 0 || len(f) == 0 {
		return 0, false
	}
	ns := 0 // the suffix text shares
	for ns < len(text) && ns < len(f) && text[len(text)-1-ns] == f[len(f)-1-ns] {
		ns++
	}
	// (A quick look first: the byte before the latest a middle may start
	// is the first's, as a header's digits may differ.)
	if m := len(text) - ns - maxColMid - 1; m >= 0 && (m >= len(f) || text[m] != f[m] && !(isDigit(text[m]) && isDigit(f[m]))) {
		return 0, false
	}
	h := sharedHeader(f, text)
	if len(c.rows) == 1 {
		// (the second line: the first's header is known now)
		c.rows[0].hdr = h
		c.minW, c.maxW = len(f)-h, len(f)-h
	} else if h != c.rows[0].hdr {
		return 0, false
	}
	ne := 0
	for h+ne < len(text) && h+ne < len(f) && text[h+ne] == f[h+ne] {
		ne++
	}
	width := len(text) - h
	e, s := c.e, c.s
	if ne < width || len(text) != len(f) {
		// (not the first's twin: it bounds where the middle is)
		ne = min(ne, width-1, len(f)-h-1)
		ns = min(ns, width-ne-1, len(f)-h-ne-1)
		if e < 0 || ne < e {
			e = ne
		}
		if s < 0 || ns < s {
			s = ns
		}
	}
	minW, maxW := min(c.minW, width), max(c.maxW, width)
	if e >= 0 && (maxW-e-s > maxColMid || minW-e-s < 1) {
		return 0, false
	}
	c.e, c.s, c.minW, c.maxW = e, s, minW, maxW
	return h, true
}

// pending: the column may go on into the next line.
func (c *colRows) pending() bool { return len(c.rows) > 1 }

// flush reads the column gathered (if it is one) and empties it.
func (c *colRows) flush(w *worker) {
	defer func() { c.rows = c.rows[:0] }()
	if len(c.rows) < minColRows || c.e < 0 {
		return
	}
	var text []byte
	rows := make([]groupLine, len(c.rows))
	nums := make([]uint32, len(c.rows))
	numeric := make([]bool, len(c.rows))
	numRows := make([]groupLine, len(c.rows))
	for i, r := range c.rows {
		a, b := r.hdr+c.e, len(r.text)-c.s
		if a > b || b > len(r.text) {
			return
		}
		mid := r.text[a:b]
		text = append(text, mid...)
		rows[i] = groupLine{r.at, a, b, len(mid)}
		// The whole number the middle is in: the column's bounds may cut
		// into it ("84" and "114" end alike).
		for a > r.hdr && isDigit(r.text[a-1]) {
			a--
		}
		for b < len(r.text) && isDigit(r.text[b]) {
			b++
		}
		if n, err := strconv.ParseUint(string(r.text[a:b]), 10, 32); err == nil && allDigits(r.text[a:b]) && n <= utf8.MaxRune {
			nums[i], numeric[i] = uint32(n), true
			numRows[i] = groupLine{r.at, a, b, 0}
		}
	}
	// (A count is no value: joined as text, its "1", "2", ... "9" would be
	// a phone number's digits.)
	if !counts(nums, numeric) {
		c.out = w.rowSpans(rows, text, c.out)
	}
	// The rows that are numbers, each run of them (a title line may head
	// them: "codes:").
	for i := 0; i < len(c.rows); {
		if !numeric[i] {
			i++
			continue
		}
		j := i
		for j < len(c.rows) && numeric[j] {
			j++
		}
		if j-i >= minColRows {
			c.numSpans(w, nums[i:j], numRows[i:j])
		}
		i = j
	}
}

// counts: the column's rows are numbers that go up one by one.
func counts(nums []uint32, numeric []bool) bool {
	for i := range nums {
		if !numeric[i] || i > 0 && nums[i] != nums[i-1]+1 {
			return false
		}
	}
	return true
}

// numSpans reads a column's numbers as code points (Python's ord(),
// JavaScript's charCodeAt()) and, all below 256, as bytes (GetBytes()
// of UTF-8 or of UTF-16).
func (c *colRows) numSpans(w *worker, nums []uint32, rows []groupLine) {
	top := slices.Max(nums)
	for _, asBytes := range [2]bool{false, true} {
		if asBytes && top > 0xff {
			break
		}
		var b []byte
		for i, n := range nums {
			before := len(b)
			if asBytes {
				b = append(b, byte(n))
			} else {
				b = utf8.AppendRune(b, rune(n))
			}
			rows[i].n = len(b) - before
		}
		c.out = w.rowSpans(rows, b, c.out)
	}
}
