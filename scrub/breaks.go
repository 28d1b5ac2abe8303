package scrub

import (
	"bytes"
	"unicode/utf8"
)

// wordBreaks returns, for a line holding NUL bytes or bytes that are not
// UTF-8, a copy of it (of the same length, so spans found in it are the
// line's) in which each of them is a space; nil for other lines.
// Binary files, C strings and fixed-width buffers put a NUL right
// against a value ("Zoë Ångström\x00binary"), and a stray byte of
// another encoding reads as a letter glued to it: scanned as the line
// is, either would hide the value. The line is scanned as it is too
// (UTF-16 is NULs between letters).
func (w *worker) wordBreaks(line []byte) []byte {
	if bytes.IndexByte(line, 0) < 0 && utf8.Valid(line) {
		return nil
	}
	out := append(w.breaks[:0], line...)
	for i := 0; i < len(out); {
		c := out[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				out[i] = ' '
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(out[i:])
		if r == utf8.RuneError && n == 1 {
			out[i] = ' '
		}
		i += n
	}
	w.breaks = out
	return out
}
