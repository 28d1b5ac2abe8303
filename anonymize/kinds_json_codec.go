package anonymize

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The JSON codec the json kind rewrites with: its number grammar, its
// strings read and written (the escapes a rewritten string needs), and
// the digits a secret number gets.

var isJSONDelim = func() (t [256]bool) {
	for _, c := range []byte(",]} \t\r\n:{[\"") {
		t[c] = true
	}
	return t
}()

// isJSONNumber: the JSON number grammar.
func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return false
	}
	digits := func() int { // skips a run of digits, says how long
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - d
	}
	if b[i] == '0' {
		i++
	} else if b[i] < '1' || b[i] > '9' || digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// fakeDigits replaces a secret number's digits (the same count, a
// leading digit that is not 0 stays not 0; sign, point and exponent
// kept).
func fakeDigits(w *worker, lit []byte) []byte {
	r := w.rng("json-secret-number", lit, 0)
	out := make([]byte, len(lit))
	lead := true
	for i, c := range lit {
		switch {
		case c >= '0' && c <= '9':
			d := byte('0' + r.IntN(10))
			if lead && c != '0' {
				d = byte('1' + r.IntN(9))
			}
			out[i], lead = d, false
		case c == '.' || c == 'e' || c == 'E':
			out[i], lead = c, c != '.'
		default:
			out[i] = c
		}
	}
	return out
}

func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0] || bytes.Equal(a, b))
}

// readString reads a JSON string at j.i and returns its decoded value
// (a slice of the input when it has no escapes). On an error j.i stays
// where the string began.
func (j *jsonRewriter) readString() ([]byte, error) {
	if j.i >= len(j.in) || j.in[j.i] != '"' {
		return nil, errJSON
	}
	start := j.i
	esc := false
	for i := start + 1; i < len(j.in); {
		c := j.in[i]
		if c == '\\' {
			esc = true
			i += 2
			continue
		}
		if c == '"' {
			raw := j.in[start : i+1]
			if !esc {
				j.i = i + 1
				return raw[1 : len(raw)-1], nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, errJSON
			}
			j.i = i + 1
			return []byte(s), nil
		}
		if c < 0x20 {
			return nil, errJSON
		}
		i++
	}
	return nil, errJSON
}

func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(dst, '"')
}
