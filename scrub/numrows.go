package scrub

import (
	"bytes"
	"math"
)

// Dump rows of numbers: od and hexdump print a file's bytes as words of
// 1, 2, 4 or 8 bytes (little-endian on the machines CI runs on) in
// decimal (od -d, -i, -l, -t d1/u2/d4, hexdump -d), octal (od's default,
// hexdump -o, od -t o4), hex (od -x, -t x4/x8, hexdump -x) or, xxd -b,
// bits; each field is padded to its column, with spaces or zeros. A row's
// fields are read once (numRow) and then as each shape's words
// (numShape): a decimal field says nothing of its word's size, so each
// size is a shape of its own, and a row belongs to every one it fits.

// numRow is one line's fields after its offset.
type numRow struct {
	h    int // where the fields start (0: none)
	f    [maxNumFields][]byte
	n    int
	neg  bool // a field starts with '-'
	read bool // the line had a dump offset (or, -An, started with a space)
	// the fields are all decimal, octal, hex or 8 bits; hexW: the hex
	// and octal fields' one width (0: not all alike)
	dec, oct, hex, bin bool
	hexW               int
}

// maxNumFields bounds a row's fields (od -t d1 prints 16 a row).
const maxNumFields = 32

// readNumRow reads text's fields after an od or hexdump offset (odOffset)
// or xxd's ("00000000: ", whose ASCII column after two spaces is left
// out), at the text's start or, offset zero, after a log header; or, with
// no offset, when text starts with a space (-An).
func (r *numRow) readNumRow(text []byte) {
	*r = numRow{}
	h, xxd := odOffset(text), false
	switch {
	case h > 0:
	case len(text) > 10 && text[8] == ':' && text[9] == ' ' && hexN(text, 0, 4) >= 0 && hexN(text, 4, 4) >= 0:
		h, xxd = 9, true
	case len(text) > 0 && text[0] == ' ':
	default:
		// A dump's first row after a log header: offset zero, and the
		// line ends in a field.
		k := len(text) - 1
		for k > 0 && text[k] == ' ' {
			k--
		}
		if k < 0 || !anyHex[text[k]] {
			return
		}
		i := bytes.Index(text, []byte(" 0000000"))
		switch {
		case i < 0 || i+9 >= len(text):
			return
		case text[i+8] == ' ':
			h = i + 8
		case text[i+8] == '0' && i+10 < len(text) && text[i+9] == ':' && text[i+10] == ' ':
			h, xxd = i+10, true
		default:
			return
		}
	}
	r.h, r.read = h, true
	r.dec, r.oct, r.hex, r.bin = true, true, true, true
	for i := h; i < len(text); {
		gap := i
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
		if i == len(text) || xxd && r.n > 0 && i-gap >= 2 {
			break // (the line's end, or xxd's ASCII column)
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		if r.n == maxNumFields || j-i > 22 {
			r.read = false
			return
		}
		f := text[i:j]
		r.f[r.n], r.n = f, r.n+1
		r.classify(f)
		i = j
	}
	r.read = r.n > 0
}

// classify notes what field f may be.
func (r *numRow) classify(f []byte) {
	digits := f
	if f[0] == '-' {
		r.neg, digits = true, f[1:]
		r.oct, r.hex, r.bin = false, false, false
	}
	if len(digits) == 0 {
		r.dec = false
		return
	}
	for _, c := range digits {
		r.dec = r.dec && c >= '0' && c <= '9'
		r.oct = r.oct && isOctal(c)
		r.hex = r.hex && anyHex[c]
		r.bin = r.bin && (c == '0' || c == '1')
	}
	r.bin = r.bin && len(f) == 8
	if r.n == 1 {
		r.hexW = len(f)
	} else if len(f) != r.hexW {
		r.hexW = 0
	}
}

// numShape is how a row's fields are read: in a radix, as words of size
// bytes.
type numShape struct {
	radix, size int
}

// numShapes: the words of each tool's options above. (od -x's words
// are these hex ones of four digits; od -c, -An -tx1 and xxd's rows have
// shapes of their own.)
var numShapes = [...]numShape{
	shapeDec1 - shapeDec1: {10, 1}, shapeDec2 - shapeDec1: {10, 2}, shapeDec4 - shapeDec1: {10, 4}, shapeDec8 - shapeDec1: {10, 8},
	shapeOctW - shapeDec1: {8, 0}, shapeHexW - shapeDec1: {16, 0}, shapeBits - shapeDec1: {2, 1},
}

// words appends the bytes r's fields show read as shape s (cont: a
// group of s goes on from the line before), or reports the row is none
// of s.
func (r *numRow) words(s numShape, cont bool, dst []byte) (int, []byte, bool) {
	if !r.read || r.h == 0 && r.n < 4 && !cont {
		return 0, dst, false
	}
	size := s.size
	switch s.radix {
	case 10:
		if !r.dec {
			return 0, dst, false
		}
	case 8:
		// (od's 6 digits to a 2-byte word, 11 to 4; the first digit
		// carries the word's top bits only)
		switch {
		case !r.oct:
			return 0, dst, false
		case r.hexW == 6 && r.f[0][0] <= '1':
			size = 2
		case r.hexW == 11 && r.f[0][0] <= '3':
			size = 4
		default:
			return 0, dst, false
		}
	case 16:
		if !r.hex || r.hexW != 4 && r.hexW != 8 && r.hexW != 16 {
			return 0, dst, false
		}
		size = r.hexW / 2
	case 2:
		if !r.bin {
			return 0, dst, false
		}
	}
	if r.n*size > 64 {
		return 0, dst, false
	}
	out := dst
	for _, f := range r.f[:r.n] {
		x, ok := fieldValue(f, s.radix, size)
		if !ok {
			return 0, dst, false
		}
		for k := range size {
			out = append(out, byte(x>>(8*k)))
		}
	}
	return r.h, out, true
}

// fieldValue is field f's value in radix, as a word of size bytes (a
// negative one in two's complement); false if it is out of the word's
// range.
func fieldValue(f []byte, radix, size int) (uint64, bool) {
	neg := f[0] == '-'
	if neg {
		f = f[1:]
	}
	var x uint64
	for _, c := range f {
		d := uint64(c - '0')
		if c > '9' {
			d = uint64(c|0x20-'a') + 10
		}
		if x > (math.MaxUint64-d)/uint64(radix) {
			return 0, false
		}
		x = x*uint64(radix) + d
	}
	bits := uint(8 * size)
	if neg {
		if size < 8 && x > 1<<(bits-1) || size == 8 && x > 1<<63 {
			return 0, false
		}
		return -x, true
	}
	return x, size == 8 || x < 1<<bits
}
