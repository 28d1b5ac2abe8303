package scrub

// A raw deflate stream's first block of fixed codes, read by hand before
// compress/flate is asked: nearly every try on an ordinary log's line
// is random bytes (a request id read as base64) whose stream breaks
// within a few symbols, and a flate reader's Reset costs more than
// reading them.

// fixedBreaks reports that b, read as a raw deflate stream whose first
// block is of fixed codes, breaks (a code that does not exist, a copy
// from before the start, input cut short) in that block, before more
// than compressedLikeMax bytes come out: compress/flate would fail on
// it the same way. False when it does not break there (or the first
// block is not of fixed codes): the stream is left to compress/flate.
func fixedBreaks(b []byte) bool {
	if len(b) == 0 || b[0]&0x06 != 0x02 {
		return false
	}
	bit, nbits := 3, len(b)*8
	// next reads n bits as an integer, LSB first (-1: none left).
	next := func(n int) int {
		if bit+n > nbits {
			return -1
		}
		v := 0
		for k := 0; k < n; k++ {
			v |= int(b[bit>>3]>>(bit&7)&1) << k
			bit++
		}
		return v
	}
	// code reads a Huffman code of n more bits onto c, MSB first.
	code := func(c, n int) int {
		for k := 0; k < n; k++ {
			if bit >= nbits {
				return -1
			}
			c = c<<1 | int(b[bit>>3]>>(bit&7)&1)
			bit++
		}
		return c
	}
	out := 0 // bytes written
	for out <= compressedLikeMax {
		c := code(0, 7)
		if c < 0 {
			return true
		}
		var sym int
		switch {
		case c <= 0x17: // 7 bits: 256-279
			sym = 256 + c
		default:
			if c = code(c, 1); c < 0 {
				return true
			}
			switch {
			case c >= 0x30 && c <= 0xbf:
				sym = c - 0x30
			case c >= 0xc0 && c <= 0xc7:
				sym = 280 + c - 0xc0
			default:
				if c = code(c, 1); c < 0 {
					return true
				}
				sym = 144 + c - 0x190
			}
		}
		switch {
		case sym < 256:
			out++
			continue
		case sym == 256:
			return false // the block ends well: flate reads on
		case sym > 285:
			return true
		}
		n := fixedLength(sym)
		if n < 0 {
			return true
		}
		if x := lengthExtra[sym-257]; x > 0 {
			e := next(x)
			if e < 0 {
				return true
			}
			n += e
		}
		d := code(0, 5)
		if d < 0 || d >= 30 {
			return true
		}
		dist := distBase[d]
		if x := distExtra[d]; x > 0 {
			e := next(x)
			if e < 0 {
				return true
			}
			dist += e
		}
		if dist > out {
			return true
		}
		out += n
	}
	return false
}

// The length and distance codes' bases and extra bits (RFC 1951 3.2.5).
var (
	lengthBase  = [29]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]int{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

func fixedLength(sym int) int {
	if sym < 257 || sym > 285 {
		return -1
	}
	return lengthBase[sym-257]
}
