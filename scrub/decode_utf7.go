package scrub

import (
	"bytes"
	"unicode"
	"unicode/utf16"
)

// UTF-7 (RFC 2152, Python's "utf-7" codec: "Zo+AOs-") and IMAP's
// modified UTF-7 (RFC 3501 folder names: "Zo&AOs-", ',' for '/'): runs
// of non-ASCII letters as base64 of UTF-16 after a shift character. A
// line is also read with such runs decoded, as a view of its own: "+abc"
// in a URL is a space and "abc".

// utf7Spans scans v's text with its UTF-7 runs decoded, when it has one.
func (w *worker) utf7Spans(v *view, anywhere bool, spans []span) []span {
	for _, shift := range [2]byte{'+', '&'} {
		if bytes.IndexByte(v.text, shift) < 0 {
			continue
		}
		if u := utf7View(v.text, shift); u != nil {
			u.compose(v)
			spans = w.scanView(u, anywhere, spans)
		}
	}
	return spans
}

// utf7View is t with its UTF-7 runs after shift decoded, each letter
// mapped to its whole run (its bits are spread over the base64); nil
// when t has none.
func utf7View(t []byte, shift byte) *view {
	var u *view
	var units []uint16
	done := 0 // t is in u up to here
	for i := 0; i < len(t); i++ {
		if t[i] != shift {
			continue
		}
		var n int
		if units, n = utf7Run(t[i+1:], shift, units[:0]); n == 0 {
			continue
		}
		if u == nil {
			u = &view{}
		}
		u.copyRun(t, done, i)
		for _, r := range utf16.Decode(units) {
			u.pushRune(r, i, i+1+n)
		}
		i += n
		done = i + 1
	}
	if u != nil {
		u.copyRun(t, done, len(t))
	}
	return u
}

// utf7Run decodes the base64 run at s's start (after a shift) into
// units and returns how many bytes it took (its '-' too), 0 when it is
// no UTF-7: fewer than 16 bits, bits left over that are not 0, or a
// character that is ASCII or no letter.
func utf7Run(s []byte, shift byte, units []uint16) ([]uint16, int) {
	var acc uint32
	bits, i := 0, 0
	for ; i < len(s); i++ {
		c := s[i]
		var x byte
		switch {
		case c >= 'A' && c <= 'Z':
			x = c - 'A'
		case c >= 'a' && c <= 'z':
			x = c - 'a' + 26
		case c >= '0' && c <= '9':
			x = c - '0' + 52
		case c == '+':
			x = 62
		case c == '/' && shift == '+' || c == ',' && shift == '&':
			x = 63
		default:
			goto end
		}
		acc, bits = acc<<6|uint32(x), bits+6
		if bits >= 16 {
			bits -= 16
			units = append(units, uint16(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
end:
	if len(units) == 0 || acc != 0 {
		return units, 0
	}
	for _, r := range utf16.Decode(units) {
		if r < 0x80 || r == unicode.ReplacementChar || !unicode.IsLetter(r) && !unicode.IsMark(r) {
			return units, 0
		}
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	return units, i
}
