package scrub

import (
	"bytes"
	"html"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fuzzyduck/fuzzyduck/internal/runename"
)

// Decoded views: a log line as an attacker would read it once escapes
// are undone. Each view keeps, for each of its bytes, the range of the
// line it came from, so a value found in a view is scrubbed where it
// stands in the line.

// view is decoded text; start and end map each byte to its source range
// (nil: the text is the source).
type view struct {
	text       []byte
	start, end []int32
	// touched: what the escapes decoded into it may have changed from
	// the text it was decoded from (touchSkel: its letters and digits;
	// touchB64: its base64 runs). "\"" for '"' changes neither.
	touched uint8
}

const (
	touchSkel = 1 << iota
	touchB64
)

// touchOf: what bytes (an escape, what it decodes to) may touch.
var touchOf = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == 0 || c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			t[c] = touchSkel | touchB64
		case c == '+' || c == '/' || c == '-' || c == '_':
			t[c] = touchB64
		}
	}
	return t
}()

func touches(b []byte) uint8 {
	var t uint8
	for _, c := range b {
		t |= touchOf[c]
	}
	return t
}

func (v *view) push(c byte, st, en int) {
	v.text = append(v.text, c)
	v.start = append(v.start, int32(st))
	v.end = append(v.end, int32(en))
}

// copyRun appends src[i:j] as it is.
func (v *view) copyRun(src []byte, i, j int) {
	v.text = append(v.text, src[i:j]...)
	for k := i; k < j; k++ {
		v.start = append(v.start, int32(k))
		v.end = append(v.end, int32(k+1))
	}
}

func (v *view) pushRune(r rune, st, en int) {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	for _, c := range b[:n] {
		v.push(c, st, en)
	}
}

// source maps a range of the view's text to the source.
func (v *view) source(st, en int) (int, int) {
	if v.start == nil {
		return st, en
	}
	if st >= len(v.start) {
		return int(v.end[len(v.end)-1]), int(v.end[len(v.end)-1])
	}
	return int(v.start[st]), int(v.end[en-1])
}

// compose maps v (decoded from parent) straight to parent's source.
func (v *view) compose(parent *view) {
	if parent.start == nil {
		return
	}
	for i := range v.start {
		v.start[i] = parent.start[v.start[i]]
		v.end[i] = parent.end[v.end[i]-1]
	}
}

// Escape families: a value may hold one family's escapes literally (a
// password "50%25off") while the line also has another's.
const (
	famBackslash = 1 << iota
	famURL       // %XX, %uNNNN, '+'
	famHTML
	famQuote // doubled quotes
	famQP    // quoted-printable =XX of non-ASCII (e-mail bodies, MIME words)
	famANSI  // terminal escapes (colours: ESC [ 1;31m): what a terminal shows
	famIDNA  // punycode labels of host names (xn--bcher-kva)
	famAll   = famBackslash | famURL | famHTML | famQuote | famQP | famANSI | famIDNA
)

// escapeFam: the family a byte may start an escape of.
var escapeFam [256]uint8

func init() {
	escapeFam['\\'] = famBackslash
	escapeFam['%'], escapeFam['+'] = famURL, famURL
	escapeFam['&'] = famHTML
	escapeFam['\''], escapeFam['"'] = famQuote, famQuote
	escapeFam['='] = famQP
	escapeFam[0x1b], escapeFam['\b'] = famANSI, famANSI
	escapeFam['x'], escapeFam['X'] = famIDNA, famIDNA
}

// families reports which escape families text may hold.
func families(text []byte) uint8 {
	var f uint8
	for i, c := range text {
		e := escapeFam[c]
		if e == 0 || f&e != 0 {
			continue
		}
		if e == famQuote && (i+1 >= len(text) || text[i+1] != c) || e == famQP && qpLen(text, i) == 0 && !mimeQ(text, i) && !qpRun(text, i) && !qpSpace(text, i) && decodeWord(text, i, nil) == 0 ||
			e == famANSI && (c != '\b' || i == 0) && csiLen(text, i) == 0 || e == famIDNA && punyLabel(text, i) == 0 {
			continue
		}
		f |= e
		if f == famAll {
			break
		}
	}
	return f
}

// needsDecoding reports whether text may hold an escape.
func needsDecoding(text []byte) bool { return families(text) != 0 }

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// hexN reads n hex digits at b[i:], or -1.
func hexN(b []byte, i, n int) int {
	if i+n > len(b) {
		return -1
	}
	v := 0
	for _, c := range b[i : i+n] {
		d := hexVal(c)
		if d < 0 {
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// unescape decodes, in one pass, backslash escapes (C, Python, JSON,
// SQL: \xNN is a byte, so Python's bytes and MariaDB's messages give
// UTF-8 back and a lone \xf6 reads as Latin-1), %XX and %uNNNN, '+' as a
// space, HTML entities (named, decimal, hex), doubled quotes and
// quoted-printable: the families src holds. It reports whether anything
// changed.
func unescape(src []byte, v *view) bool { return unescapeOnly(src, v, families(src)) }

// unescapeOnly decodes the escapes of the families fams only.
func unescapeOnly(src []byte, v *view, fams uint8) bool {
	v.text, v.start, v.end, v.touched = v.text[:0], v.start[:0], v.end[:0], 0
	if cap(v.text) < len(src) {
		v.text, v.start, v.end = make([]byte, 0, len(src)+16), make([]int32, 0, len(src)+16), make([]int32, 0, len(src)+16)
	}
	changed := false
	for i := 0; i < len(src); {
		c := src[i]
		if escapeFam[c]&fams == 0 {
			j := i + 1
			for j < len(src) && escapeFam[src[j]]&fams == 0 {
				j++
			}
			v.copyRun(src, i, j)
			i = j
			continue
		}
		at := len(v.text)
		if n := decodeEscape(src, i, v); n > 0 {
			v.touched |= touches(src[i:i+n]) | touches(v.text[min(at, len(v.text)):])
			i += n
			changed = true
			continue
		}
		v.push(c, i, i+1)
		i++
	}
	return changed
}

// decodeEscape decodes the escape at src[i] into v and returns its
// length, or 0 when there is none.
func decodeEscape(src []byte, i int, v *view) int {
	c := src[i]
	switch c {
	case '\'', '"':
		if i+1 < len(src) && src[i+1] == c {
			v.push(c, i, i+2)
			return 2
		}
	case '+':
		v.push(' ', i, i+1)
		return 1
	case '%':
		if x := hexN(src, i+1, 2); x >= 0 {
			v.push(byte(x), i, i+3)
			return 3
		}
		if i+1 < len(src) && (src[i+1] == 'u' || src[i+1] == 'U') {
			if x := hexN(src, i+2, 4); x >= 0 {
				v.pushRune(rune(x), i, i+6)
				return 6
			}
		}
	case '&':
		return decodeEntity(src, i, v)
	case 0x1b:
		return csiLen(src, i) // (nothing: a terminal shows none of it)
	case '\b':
		// A backspace: what comes next overwrites the rune before (nroff's
		// bold "P\bP" and underline "_\bP", a typo "JürX\bgen").
		if len(v.text) == 0 {
			return 0
		}
		_, n := utf8.DecodeLastRune(v.text)
		k := len(v.text) - n
		v.text, v.start, v.end = v.text[:k], v.start[:k], v.end[:k]
		v.touched |= touchSkel | touchB64
		return 1
	case 'x', 'X':
		return decodePuny(src, i, v)
	case '=':
		if n := decodeWord(src, i, v); n > 0 {
			return n
		}
		// (only in text that has quoted-printable of non-ASCII or a MIME
		// word: then "=09" and "=5F" are a tab and '_' too)
		n := qpLen(src, i)
		for k := i; k < i+n; k += 3 {
			v.push(byte(hexN(src, k+1, 2)), k, k+3)
		}
		if n == 0 && i+2 < len(src) && hexN(src, i+1, 2) >= 0 && src[i+1] < 'a' && src[i+2] < 'a' {
			v.push(byte(hexN(src, i+1, 2)), i, i+3)
			return 3
		}
		return n
	case '\\':
		if i+1 >= len(src) {
			return 0
		}
		n := src[i+1]
		if k := hexEscape(src, i, v); k > 0 { // CSS's \0000eb, LDAP's \c3\ab
			return k
		}
		switch n {
		case 'x', 'X':
			if x := hexN(src, i+2, 2); x >= 0 && !byteaHex(src, i) {
				v.push(byte(x), i, i+4)
				return 4
			}
			if n := bracedRune(src, i, v); n > 0 { // Perl's \x{d8}
				return n
			}
		case 'u':
			if n := bracedRune(src, i, v); n > 0 { // Rust's, JavaScript's and Swift's \u{d8}
				return n
			}
			x := hexN(src, i+2, 4)
			if x < 0 {
				break
			}
			r := rune(x)
			if utf16.IsSurrogate(r) && i+8 <= len(src) && src[i+6] == '\\' && src[i+7] == 'u' {
				if y := hexN(src, i+8, 4); y >= 0 {
					v.pushRune(utf16.DecodeRune(r, rune(y)), i, i+12)
					return 12
				}
			}
			v.pushRune(r, i, i+6)
			return 6
		case 'U':
			if x := hexN(src, i+2, 8); x >= 0 && x <= utf8.MaxRune {
				v.pushRune(rune(x), i, i+10)
				return 10
			}
		case 'N':
			// Python's \N{LATIN SMALL LETTER E WITH DIAERESIS} (its
			// namereplace error handler writes these)
			if i+3 < len(src) && src[i+2] == '{' {
				if j := bytes.IndexByte(src[i+3:min(len(src), i+3+maxRuneName)], '}'); j > 0 {
					if r, ok := runename.Lookup(string(src[i+3 : i+3+j])); ok {
						v.pushRune(r, i, i+4+j)
						return 4 + j
					}
				}
			}
		case 't':
			v.push('\t', i, i+2)
			return 2
		case 'n':
			v.push('\n', i, i+2)
			return 2
		case 'r':
			v.push('\r', i, i+2)
			return 2
		case '0', '1', '2', '3':
			// C, Go, git and ls print bytes as three octal digits
			// ("\303\230"); MariaDB's \0 is NUL.
			if i+3 < len(src) && isOctal(src[i+2]) && isOctal(src[i+3]) {
				v.push((n-'0')<<6|(src[i+2]-'0')<<3|(src[i+3]-'0'), i, i+4)
				return 4
			}
			if n == '0' {
				v.push(0, i, i+2)
				return 2
			}
		}
		v.push(n, i, i+2) // \\ \' \" \/ and the rest: the character itself
		return 2
	}
	return 0
}

// maxRuneName bounds a Unicode name (the longest has 88 letters).
const maxRuneName = 96

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// bracedRune decodes \x{H..} or \u{H..} (1 to 6 hex digits) at src[i].
func bracedRune(src []byte, i int, v *view) int {
	if i+3 >= len(src) || src[i+2] != '{' {
		return 0
	}
	x, j := 0, i+3
	for ; j < len(src) && j < i+9 && hexVal(src[j]) >= 0; j++ {
		x = x<<4 | hexVal(src[j])
	}
	if j == i+3 || j >= len(src) || src[j] != '}' || x > utf8.MaxRune {
		return 0
	}
	v.pushRune(rune(x), i, j+1)
	return j + 1 - i
}

// qpLen is the length of the quoted-printable escapes of non-ASCII at
// src[i] ('='), or 0: a UTF-8 sequence ("=C3=98", either case) or one
// upper-case Latin-1 letter ("=F8"). Lone "=8X" or "=3D" are left alone:
// "size=85" and "=3D" say nothing a value needs.
func qpLen(src []byte, i int) int {
	lead := hexN(src, i+1, 2)
	if lead < 0xc0 {
		return 0
	}
	n := 1
	switch {
	case lead >= 0xf0 && lead <= 0xf4:
		n = 4
	case lead >= 0xe0:
		n = 3
	case lead >= 0xc2:
		n = 2
	}
	for k := 1; k < n; k++ {
		if at := i + 3*k; at >= len(src) || src[at] != '=' || hexN(src, at+1, 2)&0xc0 != 0x80 {
			n = 1 // not UTF-8: Latin-1, if written as QP writes it
			break
		}
	}
	if n == 1 && (src[i+1] < 'C' || src[i+1] > 'F' || src[i+2] >= 'a') {
		return 0
	}
	return 3 * n
}

// qpRun: src[i] ('=') starts three quoted-printable escapes or more in
// a row ("=54=72=30", upper-case hex): text quoted-printable writes
// whole, ASCII and all, which no ordinary text is ("size=85" is one).
func qpRun(src []byte, i int) bool {
	for k := 0; k < 3; k++ {
		at := i + 3*k
		if at+2 >= len(src) || src[at] != '=' || hexN(src, at+1, 2) < 0 || src[at+1] >= 'a' || src[at+2] >= 'a' {
			return false
		}
	}
	return true
}

// csiLen is the length of a terminal control sequence at src[i] (ESC
// '[' parameters, intermediates, a final byte), or 0.
func csiLen(src []byte, i int) int {
	if i+2 >= len(src) || src[i+1] != '[' {
		return 0
	}
	j := i + 2
	for j < len(src) && j < i+32 && src[j] >= 0x20 && src[j] <= 0x3f {
		j++
	}
	if j < len(src) && src[j] >= 0x40 && src[j] <= 0x7e {
		return j + 1 - i
	}
	return 0
}

// qpSpace: src[i:] is quoted-printable's "=20" (or "=09") after a word
// and before a letter ("Project=20Nightingale": a body whose only
// escapes are its spaces), or before a digit after ')' or when another
// follows ("(555)=20123"; "size=20" and "owner=2001:db8::1" are none: a
// blob's "owner=2001:db8:..." read as "owner 01:..." lost a wrapped
// blob's last line its value was in).
func qpSpace(src []byte, i int) bool {
	if i == 0 || i+3 >= len(src) || !(src[i+1] == '2' && src[i+2] == '0' || src[i+1] == '0' && src[i+2] == '9') || src[i-1] <= ' ' || src[i-1] == '=' {
		return false
	}
	switch c := src[i+3]; {
	case c >= 0x80 || c == '(' || c < 0x80 && asciiAlnum[c] != 0 && !isDigit(c):
		return true
	case isDigit(c):
		return src[i-1] == ')' || bytes.Contains(src[i+3:], []byte("=20"))
	}
	return false
}

// decodeWord decodes a MIME encoded word at src[i] ("=?UTF-8?B?U8O4cmVu?=",
// "=?utf-8?q?S=C3=B8ren_?=": mimeWord) into v (nil: only its length),
// each byte standing for the word's text, and returns its length, or 0
// if there is none. Its bytes are pushed as they are, whatever its
// charset (the legacy views read 8-bit ones). Decoded in the line's view,
// a header folded between two words is read across the seam of its
// lines (red team scrubatk20: a value cut into two B words).
func decodeWord(src []byte, i int, v *view) int {
	if i+1 >= len(src) || src[i+1] != '?' {
		return 0
	}
	var buf [256]byte
	out := buf[:0]
	end, ok := mimeWord(src, i, &out)
	if !ok {
		return 0
	}
	if v != nil {
		// (each byte stands for the word's text, not its "=?utf-8?b?"
		// and "?=": a UUID found in it is the UUID's text, as verify
		// reads a hit's shape)
		p := i + 2 + bytes.IndexByte(src[i+2:], '?') + 3
		for _, c := range out {
			v.push(c, p, end-2)
		}
		v.touched |= touchSkel | touchB64
	}
	return end - i
}

// mimeQ: src[i:] starts a MIME encoded word in Q encoding
// ("=?utf-8?q?").
func mimeQ(src []byte, i int) bool {
	if i+1 >= len(src) || src[i+1] != '?' {
		return false
	}
	for j := i + 2; j < len(src) && j < i+40; j++ {
		if src[j] == '?' {
			return j > i+2 && j+2 < len(src) && (src[j+1] == 'q' || src[j+1] == 'Q') && src[j+2] == '?'
		}
	}
	return false
}

// decodeEntity decodes an HTML character reference at src[i] ('&').
func decodeEntity(src []byte, i int, v *view) int {
	j := i + 1
	if j < len(src) && src[j] == '#' {
		j++
		hexa := j < len(src) && (src[j] == 'x' || src[j] == 'X')
		if hexa {
			j++
		}
		x, d := 0, 0
		for j < len(src) && d < 8 {
			var dv int
			if hexa {
				dv = hexVal(src[j])
			} else if src[j] >= '0' && src[j] <= '9' {
				dv = int(src[j] - '0')
			} else {
				dv = -1
			}
			if dv < 0 {
				break
			}
			if hexa {
				x = x*16 + dv
			} else {
				x = x*10 + dv
			}
			j++
			d++
		}
		if d == 0 || x > utf8.MaxRune {
			return 0
		}
		if j < len(src) && src[j] == ';' {
			j++
		}
		v.pushRune(rune(x), i, j)
		return j - i
	}
	for j < len(src) && j-i <= 32 && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
		j++
	}
	if j == i+1 {
		return 0
	}
	if j < len(src) && src[j] == ';' {
		j++
	}
	ent := string(src[i:j])
	dec := html.UnescapeString(ent)
	if dec == ent {
		return 0
	}
	for _, r := range dec {
		v.pushRune(r, i, j)
	}
	return j - i
}

// UTF-16: text with NUL bytes between letters.

// utf16View decodes text as UTF-16 (big or little endian) from offset
// off; every rune maps to its code units.
func utf16View(text []byte, off int, big bool, v *view) {
	v.text, v.start, v.end = v.text[:0], v.start[:0], v.end[:0]
	unit := func(i int) rune {
		if big {
			return rune(text[i])<<8 | rune(text[i+1])
		}
		return rune(text[i+1])<<8 | rune(text[i])
	}
	for i := off; i+1 < len(text); {
		r := unit(i)
		n := 2
		if utf16.IsSurrogate(r) && i+3 < len(text) {
			r = utf16.DecodeRune(r, unit(i+2))
			n = 4
		}
		if r == utf8.RuneError || r == 0 {
			v.push(' ', i, i+n)
		} else {
			v.pushRune(r, i, i+n)
		}
		i += n
	}
}
