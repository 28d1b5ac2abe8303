package scale

import (
	"bytes"
	"math/bits"
	"strconv"
)

// Numbers inside text that follow an id. An anonymizer fakes an id
// written into text (a host pc-4861.dom, a URL's tenant=NNN) with as many
// digits as the id, and the share of 1-, 2-, 3- and 4-digit numbers among
// the rows then gives the largest id (999 × rows / rows below 1000),
// whatever else changes. Pass 1 finds, per column, the numbers (digit
// runs with no letter or digit on either side) at each place in the
// value (the i-th number) that most values hold, whose digit counts
// vary, or that are zero-padded, and that reach past what an IP's octet
// or a date's part holds; copies, and the kept rows of a downscale, get new numbers there,
// keyed by the number and drawn from 1 to the table's output rows, so
// their lengths follow the output.

const (
	numSlots    = 16  // places per value followed
	numMinMax   = 300 // a number of varying length must reach past this (an octet does not)
	numPadMax   = 100 // a zero-padded one past this, and 3 digits or more
	numMaxDigit = 18
	numScanMax  = 4 << 10 // pass 1 reads a value's first 4 KB for them
	numSample   = 4096
)

// numSlot is what pass 1 saw at one place of a column's values.
type numSlot struct {
	n      int    // values with a number there
	lens   uint32 // bit L: a number of L digits was seen
	padded bool   // a zero-padded number of 3 digits or more was seen
	max    uint64
}

// eachNumber calls fn with the place, start and end of every number in v
// (a digit run with no letter or digit next to it), in order, until fn
// returns false.
//
// In a JSON document the numbers inside its strings and its numbers
// (outside them) are ranked apart, the strings' in the first half of
// the places, the others' in the second (and fn's false skips one
// number, not the rest: the two interleave). Ranked together, a slot
// found by a string's number fell on a document's number where a string
// before had none, its structure: Nova's network_info's "version": 4
// became 439, its "mtu": 1450 became 32.
func eachNumber(v []byte, fn func(k, start, end int) bool) {
	var strs [][2]int // (a JSON document's strings)
	doc := looksJSON(v)
	if doc {
		strs = jsonStrings(v)
	}
	k, kb := 0, numSlots/2 // (kb: the next number outside the strings)
	for i := 0; i < len(v); {
		if v[i]-'0' > 9 {
			i++
			continue
		}
		j := i + 1
		for j < len(v) && v[j]-'0' <= 9 {
			j++
		}
		inString := false
		if doc {
			for len(strs) > 0 && strs[0][1] <= i {
				strs = strs[1:]
			}
			inString = len(strs) > 0 && i >= strs[0][0]
		}
		if (i == 0 || !wordByte(v[i-1])) && (j == len(v) || !wordByte(v[j])) {
			if mayBeFixed(v, i, j) {
				if end, fixed := fixedForm(v, i, j); fixed {
					i = end // the whole form
					continue
				}
			}
			switch {
			case !doc:
				if !fn(k, i, j) {
					return
				}
				k++
			case inString:
				if k < numSlots/2 {
					fn(k, i, j)
				}
				k++
			default:
				if kb < numSlots {
					fn(kb, i, j)
				}
				kb++
			}
		}
		i = j
	}
}

// jsonStrings: where the strings of a JSON document (an SQL string's
// body) are, [start, end) of each one's text, in order.
func jsonStrings(v []byte) [][2]int {
	out := [][2]int{}
	for i := 0; i < len(v); {
		c, w := logical(v, i)
		if c == '"' {
			j, cw := closingQuote(v, i+w)
			if j < 0 {
				return out
			}
			out = append(out, [2]int{i + w, j})
			i = j + cw
			continue
		}
		i += w
	}
	return out
}

// mayBeFixed: v[i:j] could be a part of a fixed form: next to a . or :,
// or a UUID group's length next to a -.
func mayBeFixed(v []byte, i, j int) bool {
	for _, k := range [2]int{i - 1, j} {
		if k < 0 || k >= len(v) {
			continue
		}
		switch v[k] {
		case '.', ':':
			return true
		case '-':
			if n := j - i; n == 4 || n == 8 || n == 12 {
				return true
			}
		}
	}
	return false
}

// fixedForm: the digits v[i:j] (next to a joiner) are a part of a UUID,
// an IPv4 address or a colon-separated form (IPv6, MAC, a time): forms
// whose parts have their own ranges, which a new number would break. end
// is where the form ends.
func fixedForm(v []byte, i, j int) (end int, fixed bool) {
	// a group of a UUID within a longer token (volume-<uuid>)
	var starts []int
	switch j - i {
	case 8:
		starts = []int{i}
	case 4:
		starts = []int{i - 9, i - 14, i - 19}
	case 12:
		starts = []int{i - 24}
	}
	for _, s := range starts {
		if s >= 0 && s+36 <= len(v) && isUUIDText(v[s:s+36]) {
			return s + 36, true
		}
	}
	lo, hi := i, j
	for lo > 0 && tokenByte(v[lo-1]) {
		lo--
	}
	for hi < len(v) && tokenByte(v[hi]) {
		hi++
	}
	tok := v[lo:hi]
	if len(tok) == 36 && isUUIDText(tok) || bytes.Count(tok, []byte(":")) >= 2 {
		return hi, true
	}
	if c := bytes.IndexByte(tok, ':'); c >= 0 {
		tok = tok[:c] // an address's port
	}
	dots := 0
	for _, c := range tok {
		if c == '.' {
			dots++
		} else if !isDigit(c) {
			return 0, false
		}
	}
	if dots != 3 {
		return 0, false
	}
	// a network's prefix length is its address's ("10.40.0.0/16")
	if e := hi + 1; e < len(v) && v[hi] == '/' && isDigit(v[e]) {
		for e < len(v) && isDigit(v[e]) {
			e++
		}
		if e-hi <= 3 && (e == len(v) || !wordByte(v[e])) {
			hi = e
		}
	}
	return hi, true
}

func tokenByte(c byte) bool { return isAlnum(c) || c == '-' || c == '.' || c == ':' || c == '_' }

// wordByte: a letter or digit (of any script) next to a run makes it
// part of a word (a hex token, a name), not a number.
func wordByte(c byte) bool { return isAlnum(c) || c >= 0x80 }

// scanNumbers records the numbers of one value: of every value up to
// numSample, then of one in 8 (the places, lengths and ranges of a
// column's numbers show in a sample).
func (pr *profile) scanNumbers(v []byte) {
	if pr.numSeen++; pr.numSeen > numSample && pr.numSeen%8 != 0 {
		return
	}
	pr.numVals++
	eachNumber(v, func(k, i, j int) bool {
		if k >= numSlots {
			return false
		}
		for len(pr.nums) <= k {
			pr.nums = append(pr.nums, numSlot{})
		}
		s := &pr.nums[k]
		s.n++
		n := j - i
		if n > numMaxDigit {
			return true
		}
		s.lens |= 1 << uint(n)
		if v[i] == '0' && n >= 3 {
			s.padded = true
		}
		x := uint64(0)
		for _, c := range v[i:j] {
			x = x*10 + uint64(c-'0')
		}
		s.max = max(s.max, x)
		return true
	})
}

// numberSlots: the places of a column whose numbers follow an id (nil
// if none): held by most values (an id written into a text is in every
// row's; a place a few values reach is some other number, an all-digit
// hex token), of varying digit counts or zero-padded, and past what an
// IP's octet or a date's part holds.
func numberSlots(pr *profile) []bool {
	var out []bool
	for k, s := range pr.nums {
		if 2*s.n < pr.numVals {
			continue
		}
		if bits.OnesCount32(s.lens) >= 2 && s.max >= numMinMax || s.padded && s.max >= numPadMax {
			if out == nil {
				out = make([]bool, len(pr.nums))
			}
			out[k] = true
		}
	}
	for len(out) > 0 && !out[len(out)-1] {
		out = out[:len(out)-1] // renumber stops at the last place renewed
	}
	return out
}

// renumber appends v with the numbers at the column's places replaced:
// keyed by the number alone (the same number, the same new one in every
// column, so a name two tables hold stays one name), from 1 to span,
// zero-padded to its width where it was.
func (p *Plan) renumber(dst, v []byte, slots []bool, span int) []byte {
	last := 0
	eachNumber(v, func(k, i, j int) bool {
		if k >= len(slots) {
			return false // past the last place renewed
		}
		if !slots[k] {
			return true
		}
		dst = append(dst, v[last:i]...)
		x := 1 + p.prf.hash(dNumber, 0, 0, v[i:j])%uint64(max(span, 1))
		if v[i] == '0' && j-i > 1 {
			// a zero-padded number keeps its width (and fits in it)
			w := j - i
			if w < 19 {
				x %= ipow10(w)
			}
			dst = appendPadded(dst, int(x), w)
		} else {
			dst = strconv.AppendUint(dst, x, 10)
		}
		last = j
		return true
	})
	return append(dst, v[last:]...)
}

func ipow10(n int) uint64 {
	x := uint64(1)
	for range n {
		x *= 10
	}
	return x
}

// namesRows: most of a column's sampled values are values of a string
// key of a table (Nova's instances.host names compute_nodes.host): its
// numbers are part of names other rows hold, and stay as they are (the
// names of a downscale's kept rows are kept).
func (p *Plan) namesRows(t *table, sample [][]byte) bool {
	if len(sample) == 0 {
		return false
	}
	for _, u := range p.order {
		for _, k := range u.unique {
			if len(k) != 1 || u.vals[k[0]] == nil || isInt(u.schema.Columns[k[0]].Type) {
				continue
			}
			found := 0
			for _, v := range sample {
				if len(u.lookup(k, string(v))) > 0 {
					found++
				}
			}
			if 2*found > len(sample) {
				return true
			}
		}
	}
	return false
}
