package scrub

import (
	"encoding/base64"
	"encoding/hex"
	"unicode/utf8"
)

// Blobs: base64 and hex runs, decoded whole; a known value anywhere in
// what they hold (or in the gzip or zlib stream they hold) scrubs the run.

func isB64(c byte) bool { return b64Val[0][c] >= 0 || c == '-' || c == '_' }

// minB64 is the shortest base64 run decoded: 5 bytes (a name's word
// alone).
const minB64 = 7

// runInfo says which base64 alphabets a run can be in, and whether it
// is hex.
type runInfo struct {
	std, url, hex bool
	// id: hex digits of one case and dashes (a UUID, a hash, a request
	// id): base64 of anything has other letters, so an id is read as hex
	// only. (Base64 of text uses the 16 of the 64 characters an id does
	// at nearly every place: one value in billions could be all of
	// them.)
	id bool
}

func scanRun(run []byte) runInfo {
	ri := runInfo{std: true, url: true, hex: true}
	lower, upper, other := false, false, false
	for _, c := range run {
		switch {
		case c == '+' || c == '/':
			ri.url, ri.hex, other = false, false, true
		case c == '-' || c == '_':
			ri.std, ri.hex = false, false
			other = other || c == '_'
		case c >= 'a' && c <= 'f':
			lower = true
		case c >= 'A' && c <= 'F':
			upper = true
		case c >= '0' && c <= '9':
		default:
			ri.hex, other = false, true
		}
	}
	ri.id = !other && !(lower && upper)
	return ri
}

// decodeBase64 tries run (without padding) from each start offset with
// the alphabets it can be in, calling try until it reports a find. Short
// runs (under 16 characters: ordinary words are base64 too) are decoded only where
// their first 3 bytes could begin text, UTF-16 or a compressed stream.
func decodeBase64(run []byte, ri runInfo, wide bool, buf []byte, try func([]byte) bool) bool {
	for _, enc := range [2]*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if enc == base64.RawStdEncoding && !ri.std || enc == base64.RawURLEncoding && (!ri.url || ri.std) {
			continue
		}
		for off := 0; off < 4 && len(run)-off >= minB64; off++ {
			r := run[off:]
			if len(run) < 16 {
				// (16 characters or more may hold a value after bytes of
				// no text, a protocol buffer field's tag and length: they
				// are decoded whatever they begin with)
				if q, ok := quad(enc == base64.RawURLEncoding, r); !ok || !plausible3(q, wide) {
					continue
				}
			}
			if len(r)%4 == 1 {
				r = r[:len(r)-1]
			}
			n, err := enc.Decode(buf[:cap(buf)][:enc.DecodedLen(len(r))], r)
			if err == nil && try(buf[:n]) {
				return true
			}
		}
	}
	return false
}

// b64Val: the value of a base64 character in the standard and the URL
// alphabet (-1: none).
var b64Val = func() (t [2][256]int8) {
	for a, alpha := range [2]string{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"} {
		for i := range t[a] {
			t[a][i] = -1
		}
		for i := 0; i < len(alpha); i++ {
			t[a][alpha[i]] = int8(i)
		}
	}
	return t
}()

// quad decodes r's first four characters (r has four).
func quad(url bool, r []byte) (q [3]byte, ok bool) {
	t := &b64Val[0]
	if url {
		t = &b64Val[1]
	}
	a, b, c, d := t[r[0]], t[r[1]], t[r[2]], t[r[3]]
	if a|b|c|d < 0 {
		return q, false
	}
	x := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
	return [3]byte{byte(x >> 16), byte(x >> 8), byte(x)}, true
}

// plausible3: three bytes that may start text (UTF-8), UTF-16 or a gzip
// or zlib stream; UTF-16 of CJK or Hangul only when wide (a known value
// holds such letters).
func plausible3(q [3]byte, wide bool) bool {
	if q[0] == 0x1f && q[1] == 0x8b || q[0] == 0x78 || q[0] == 0 || q[1] == 0 || q[2] == 0 || compressed3(q) || wide && wide3(q) || cut3(q) {
		return true
	}
	for i := 0; i < 3; {
		c := q[i]
		switch {
		case c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c >= 0xc2 && c <= 0xf4:
			n := 2
			if c >= 0xe0 {
				n = 3
			}
			if c >= 0xf0 {
				n = 4
			}
			for k := 1; k < n && i+k < 3; k++ {
				if q[i+k]&0xc0 != 0x80 {
					return false
				}
			}
			i += n
			continue
		}
		return false
	}
	return true
}

// decodeHex tries a run of hex digits at both parities.
func decodeHex(run []byte, buf []byte, try func([]byte) bool) bool {
	for off := 0; off < 2 && len(run)-off >= 12; off++ {
		r := run[off:]
		r = r[:len(r)/2*2]
		n, err := hex.Decode(buf[:cap(buf)][:len(r)/2], r)
		if err == nil && try(buf[:n]) {
			return true
		}
	}
	return false
}

func allHex(b []byte) bool {
	for _, c := range b {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

// textLike: b is printable text (UTF-8, or mostly ASCII with some
// Latin-1), so a value may stand in it: few control bytes, and valid
// UTF-8 or few high bytes (random bytes have half of them high).
func textLike(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	bad, hi := 0, 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			bad++
		} else if c >= 0x80 {
			hi++
		}
	}
	if bad*20 > len(b) {
		return false
	}
	return hi*4 <= len(b) || utf8.Valid(b) || utf8.Valid(cutRunes(b))
}

// cutRunes is b without the parts of runes cut at its ends (a hex
// dump's row of 16 bytes cuts them anywhere).
func cutRunes(b []byte) []byte {
	for k := 0; k < 3 && len(b) > 0 && !utf8.RuneStart(b[0]); k++ {
		b = b[1:]
	}
	for k := 1; k <= 3 && k <= len(b); k++ {
		if c := b[len(b)-k]; utf8.RuneStart(c) {
			if r, _ := utf8.DecodeRune(b[len(b)-k:]); r == utf8.RuneError && c >= 0xc0 {
				b = b[:len(b)-k]
			}
			break
		}
	}
	return b
}

// utf16Like: every other byte is mostly NUL (UTF-16 of Latin text) or
// another control byte (of Greek and Cyrillic: 0x03, 0x04).
func utf16Like(b []byte) (off int, ok bool) {
	if len(b) < 8 {
		return 0, false
	}
	var z [2]int
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			z[i&1]++
		}
	}
	half := len(b) / 2
	switch {
	case z[1]*3 >= half*2:
		return 0, true // little endian: NULs at odd offsets
	case z[0]*3 >= half*2:
		return 1, true // big endian
	}
	return 0, false
}

// utf16Text: a line that may hold UTF-16 without NULs (of Greek,
// Cyrillic: control bytes 0x03, 0x04 between the letters; of CJK: bytes
// that are no UTF-8), so its UTF-16 views are scanned too.
func utf16Text(t []byte) bool {
	n := 0
	for _, c := range t {
		if c > 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x1b {
			if n++; n >= 2 {
				return true
			}
		}
	}
	return !utf8.Valid(t)
}
