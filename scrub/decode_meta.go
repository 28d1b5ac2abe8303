package scrub

import "bytes"

// Two ways tools print a byte of 0x80 or more in ASCII, read back:
//   - cat -v's (less's, and vis's) meta notation: "M-" and the byte
//     less its high bit ("M-C" is 0xc3), "M-^" and a control's letter
//     ("M-^X" is 0x98);
//   - rsyslog's escape of control and 8-bit bytes: '#' and three octal
//     digits ("#303#270" is "ø").
// A line is read so only when it has two such bytes or more (a UTF-8
// letter is two bytes at least): "M-x" of an Emacs manual or an issue's
// "#303" alone is not.

// metaByte reads cat -v's notation of a byte of 0x80 or more at t[i]:
// the byte and the length of its notation, or 0, 0.
func metaByte(t []byte, i int) (byte, int) {
	if i+2 >= len(t) || t[i] != 'M' || t[i+1] != '-' {
		return 0, 0
	}
	c := t[i+2]
	switch {
	case c == '^' && i+3 < len(t) && t[i+3] == '?':
		return 0xff, 4
	case c == '^' && i+3 < len(t) && t[i+3] >= '@' && t[i+3] <= '_':
		return (t[i+3] ^ 0x40) | 0x80, 4
	case c >= 0x20 && c < 0x7f:
		return c | 0x80, 3
	}
	return 0, 0
}

// hashOctalByte reads rsyslog's "#ooo" at t[i]: the byte and 4, or 0, 0.
func hashOctalByte(t []byte, i int) (byte, int) {
	if i+3 >= len(t) || t[i] != '#' || t[i+1] < '0' || t[i+1] > '3' || !isOctal(t[i+2]) || !isOctal(t[i+3]) {
		return 0, 0
	}
	return (t[i+1]-'0')<<6 | (t[i+2]-'0')<<3 | (t[i+3] - '0'), 4
}

// printedBytesSpans scans v read with each notation above it has twice
// or more.
func (w *worker) printedBytesSpans(v *view, anywhere bool, spans []span) []span {
	t := v.text
	if bytes.Contains(t, []byte("M-")) {
		spans = w.bytesNotation(v, anywhere, 'M', metaByte, spans)
	}
	if bytes.IndexByte(t, '#') >= 0 {
		spans = w.bytesNotation(v, anywhere, '#', hashOctalByte, spans)
	}
	return spans
}

// bytesNotation scans v with each byte written in a notation (read by
// at, starting with lead) read as the byte, when two or more are.
func (w *worker) bytesNotation(v *view, anywhere bool, lead byte, at func(t []byte, i int) (byte, int), spans []span) []span {
	t := v.text
	n := 0
	for i := 0; i < len(t) && n < 2; i++ {
		if t[i] == lead {
			if _, k := at(t, i); k > 0 {
				n++
				i += k - 1
			}
		}
	}
	if n < 2 {
		return spans
	}
	return w.scanNotation(v, anywhere, lead, at, spans)
}

// scanNotation scans v with each byte written in a notation (read by
// at, starting with lead) read as the byte.
func (w *worker) scanNotation(v *view, anywhere bool, lead byte, at func(t []byte, i int) (byte, int), spans []span) []span {
	t := v.text
	u := &view{}
	for i := 0; i < len(t); {
		if t[i] == lead {
			if c, k := at(t, i); k > 0 {
				u.push(c, i, i+k)
				i += k
				continue
			}
		}
		u.push(t[i], i, i+1)
		i++
	}
	u.compose(v)
	return w.scanView(u, anywhere, spans)
}
