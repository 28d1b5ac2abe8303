package scrub

import (
	"bytes"
	"unicode/utf8"
)

// Byte lists in one line that numbers.go's comma lists are not: Go's
// %v of a []byte ("[90 111 195 171]": spaces, in brackets) and a C or
// Go array of hex bytes ("{0x5a, 0x6f, 0xc3}", xxd -i's rows, Go's %#v).
// Each is read as the bytes it lists (and, when they are no UTF-8, as
// Latin-1 code points), like a blob.

// byteListSpans appends the spans of v's byte lists that hold a known
// value.
func (w *worker) byteListSpans(v *view, depth int, spans []span) []span {
	if depth >= maxDepth {
		return spans
	}
	t := v.text
	var b []byte
	for i := 0; i < len(t); {
		k := bytes.IndexByte(t[i:], '[')
		if k < 0 {
			break
		}
		i += k + 1
		if i >= len(t) || !isDigit(t[i]) {
			continue
		}
		b = b[:0]
		j := i
		for {
			x, e := 0, j
			for e < len(t) && isDigit(t[e]) && e-j < 4 {
				x = x*10 + int(t[e]-'0')
				e++
			}
			if e == j || x > 255 || e < len(t) && t[e] != ' ' && t[e] != ']' {
				break
			}
			b, j = append(b, byte(x)), e
			if e >= len(t) || t[e] != ' ' || e+1 >= len(t) || !isDigit(t[e+1]) {
				break
			}
			j = e + 1
		}
		if len(b) >= minNumList {
			spans = w.byteListHit(v, b, i, j, depth, spans)
		}
		i = j
	}
	// (both need a "0x" or "0X": most lines have neither)
	if !bytes.Contains(t, []byte("0x")) && !bytes.Contains(t, []byte("0X")) || !commaHex(t) && !spacedHex(t) {
		return spans
	}
	for i := 0; i+4 <= len(t); {
		k := bytes.Index(t[i:], []byte("0x"))
		if k < 0 {
			break
		}
		i += k
		if i > 0 && (t[i-1] >= 0x80 || asciiAlnum[t[i-1]] != 0) {
			i += 2
			continue
		}
		b = b[:0]
		j := i
		for j+4 <= len(t) && t[j] == '0' && (t[j+1] == 'x' || t[j+1] == 'X') {
			x := hexN(t, j+2, 2)
			if x < 0 || j+4 < len(t) && (t[j+4] >= 0x80 || asciiAlnum[t[j+4]] != 0) {
				break
			}
			b, j = append(b, byte(x)), j+4
			e := j
			if e < len(t) && t[e] == ',' {
				e++
			}
			for e < len(t) && t[e] == ' ' {
				e++
			}
			if e == j {
				break
			}
			if e+1 < len(t) && t[e] == '0' && (t[e+1] == 'x' || t[e+1] == 'X') {
				j = e
			}
		}
		if len(b) >= minNumList {
			spans = w.byteListHit(v, b, i, j, depth, spans)
		}
		i = max(j, i+2)
	}
	return spans
}

// byteListHit appends the span of v.text[i:j] when the bytes b it lists
// hold a known value.
func (w *worker) byteListHit(v *view, b []byte, i, j, depth int, spans []span) []span {
	if covered(spans, v, i, j) {
		return spans
	}
	// (Bytes cut mid-rune at the list's ends, as xxd -i's rows cut them,
	// are UTF-8 still: no Latin-1 reading of them.)
	if c := cutRunes(b); utf8.Valid(c) {
		b = c
	}
	runes := b
	if !utf8.Valid(b) {
		runes = nil
		for _, c := range b {
			runes = utf8.AppendRune(runes, rune(c))
		}
	}
	if sp, ok := w.listHit(runes, b, true, depth); ok {
		sp.start, sp.end = v.source(i, j)
		spans = append(spans, sp)
	}
	return spans
}

// spacedHex: t has "0xHH 0x" (a list of 0x bytes with spaces alone
// between, as a debug print or a hex editor's copy writes them).
func spacedHex(t []byte) bool {
	for i := 0; ; {
		k := bytes.Index(t[i:], []byte(" 0x"))
		if k < 0 {
			return false
		}
		i += k
		if i >= 4 && t[i-4] == '0' && t[i-3] == 'x' && hexN(t, i-2, 2) >= 0 {
			return true
		}
		i += 3
	}
}

// commaHex: t has ",0x" or ", 0x" (a list of four hex bytes or more
// has; most lines have no comma before a 0).
func commaHex(t []byte) bool {
	for i := 0; ; {
		k := bytes.IndexByte(t[i:], ',')
		if k < 0 {
			return false
		}
		i += k + 1
		j := i
		if j < len(t) && t[j] == ' ' {
			j++
		}
		if j+1 < len(t) && t[j] == '0' && (t[j+1] == 'x' || t[j+1] == 'X') {
			return true
		}
	}
}

// parseCharList reads a row of a list of quoted characters that goes on
// over rows (Node's util.inspect of Array.from(s): "  'S', '3', 'c',";
// a wrapped Python list(s)): each item one character (or an escaped
// quote or backslash) in ' or ", a comma between; two items at least
// unless a group goes on.
func parseCharList(text []byte, cont bool, dst []byte) (int, []byte, bool) {
	h := 0
	for h < len(text) && (text[h] == ' ' || text[h] == '\t' || text[h] == '[') && h < 16 {
		h++
	}
	out, n := dst, 0
	for i := h; i < len(text); {
		q := text[i]
		if q != '\'' && q != '"' || i+2 >= len(text) {
			return 0, dst, false
		}
		j := i + 1
		if text[j] == '\\' {
			j++
			out = append(out, text[j])
			j++
		} else {
			_, size := utf8.DecodeRune(text[j:])
			out = append(out, text[j:j+size]...)
			j += size
		}
		if j >= len(text) || text[j] != q {
			return 0, dst, false
		}
		n++
		i = j + 1
		for i < len(text) && (text[i] == ',' || text[i] == ' ' || text[i] == ']') {
			i++
		}
	}
	if n == 0 || n < 2 && !cont {
		return 0, dst, false
	}
	return h, out, true
}
