package anonymize

import (
	"bytes"
	mrand "math/rand/v2"
	"net/netip"
	"strings"
)

// One part of a URL (a path segment, a query value, a label): what it
// becomes, and what urlPart keeps as it is (urlKept, which fuzzy index
// shares), run by run.

// urlPart rewrites one segment, value or label: whole-value matches
// first (the row's columns, IPs, hosts, e-mails, ids), then piece by
// piece (ids inside, protocol words kept, other letters and digits
// replaced by others, punctuation and percent-escapes of punctuation
// kept).
func (w *worker) urlPart(out, s []byte) []byte {
	if len(s) == 0 {
		return out
	}
	if isURLWord(s) {
		return append(out, s...)
	}
	if w.visitPart != nil {
		kind := partKind(s)
		if kind == "" {
			kind = "url"
		}
		if !w.urlKept(s) {
			w.seePart(kind, s)
		}
		for t := s; ; { // and the ids inside, alone
			a, b, ok := findID(t)
			if !ok {
				break
			}
			w.seePart("uuid", t[a:b])
			t = t[b:]
		}
		return append(out, s...)
	}
	if fake, ok := w.asRowValue(s); ok {
		return appendEscaped(out, fake)
	}
	if bytes.IndexByte(s, '%') >= 0 {
		if d, ok := unescape(s); ok {
			if fake, ok := w.asRowValue(d); ok {
				return appendEscaped(out, fake)
			}
		}
	}
	if kind := partKind(s); kind != "" {
		if r := w.embed(kind, &noColumn, s); !r.fallback {
			return append(out, r.out...)
		}
	}
	if o, ok := w.urlToken(out, s); ok {
		return o
	}
	return w.urlIDsAndRuns(out, s)
}

// urlToken: a part shaped like a token or a hash (kinds_token.go),
// percent-escaped or not, as random characters of its alphabet; ok is
// false for other parts.
func (w *worker) urlToken(out, s []byte) ([]byte, bool) {
	d, ok := urlTokenShaped(s)
	if !ok {
		return out, false
	}
	tok, _ := secretShape(w.rng("url-token", d, 0), d)
	if len(d) == len(s) {
		return append(out, tok...), true
	}
	for _, c := range tok { // the escaped original's escapes: + / = escaped
		if c == '+' || c == '/' || c == '=' {
			out = append(out, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		} else {
			out = append(out, c)
		}
	}
	return out, true
}

// urlKept: urlPart keeps s as it is, so fuzzy index must not look for
// it: a value the row keeps, or nothing but protocol words and values the
// row keeps, joined by punctuation (Nova's "nova_cell0" names the row's
// kept cell name "cell0"). It follows urlPart's own order.
func (w *worker) urlKept(s []byte) bool {
	if w.rowValue(s) != nil {
		return w.rowKeeps(s)
	}
	if bytes.IndexByte(s, '%') >= 0 {
		if d, ok := unescape(s); ok && w.rowValue(d) != nil {
			return w.rowKeeps(d)
		}
	}
	if partKind(s) != "" {
		return false
	}
	if _, ok := urlTokenShaped(s); ok {
		return false
	}
	if _, _, ok := findID(s); ok {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]) {
			if b := hexval(s[i+1])<<4 | hexval(s[i+2]); isAlnum(b) || b >= 0x80 {
				return false // urlRuns replaces an escaped letter
			}
			i += 3
			continue
		}
		if !isAlnum(c) && c < 0x80 {
			i++
			continue
		}
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] >= 0x80) {
			j++
		}
		if run := s[i:j]; !isURLWord(run) && !w.rowKeeps(run) {
			return false
		}
		i = j
	}
	return true
}

// urlTokenShaped: s (d decoded) is a token or a hash, one part for
// urlToken and for fuzzy index alike.
func urlTokenShaped(s []byte) (d []byte, ok bool) {
	d = s
	if bytes.IndexByte(s, '%') >= 0 {
		if d, ok = unescape(s); !ok {
			return nil, false
		}
	}
	if len(d) < 8 {
		return nil, false
	}
	if _, _, ok := findID(d); ok { // AUTH_<project id>: the id and the word have their own fakes
		return nil, false
	}
	_, ok = secretShape(nil, d)
	return d, ok
}

// urlIDsAndRuns: ids inside s as the uuid kind makes them, the rest run by
// run (urlRuns).
func (w *worker) urlIDsAndRuns(out, s []byte) []byte {
	for len(s) > 0 {
		a, b, ok := findID(s)
		if !ok {
			return w.urlRuns(out, s)
		}
		out = w.urlRuns(out, s[:a])
		out = append(out, kindUUID(w, &noColumn, s[a:b], 0).out...)
		s = s[b:]
	}
	return out
}

// partKind: the kind a whole URL part has by its shape.
func partKind(s []byte) string {
	switch {
	case isUUID(s):
		return "uuid"
	case isEmail(s):
		return "email"
	case mayBeAddr(s) && bytes.IndexByte(s, '.') > 0 || bytes.Count(s, []byte(":")) >= 2 && mayBeAddr(s):
		if _, err := netip.ParseAddr(string(s)); err == nil {
			return "ip_address"
		}
	case isHostname(s):
		return "hostname"
	}
	return ""
}

// urlRuns replaces each run of letters and digits that is not a protocol
// word (a run equal to one of the row's columns takes that column's fake).
func (w *worker) urlRuns(out, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]) {
			b := hexval(s[i+1])<<4 | hexval(s[i+2])
			if isAlnum(b) || b >= 0x80 {
				// an escaped letter, digit or UTF-8 byte: an escaped random letter
				r := w.rng("url-escape", s[:i+3], 0)
				l := byte('a' + r.IntN(26))
				digits := "0123456789abcdef"
				if hexDigit[s[i+1]] == 2 || hexDigit[s[i+2]] == 2 {
					digits = "0123456789ABCDEF"
				}
				out = append(out, '%', digits[l>>4], digits[l&15])
			} else {
				out = append(out, s[i:i+3]...)
			}
			i += 3
			continue
		}
		if !isAlnum(c) && c < 0x80 {
			out = append(out, c)
			i++
			continue
		}
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] >= 0x80) {
			j++
		}
		run := s[i:j]
		switch fake, ok := w.asRowValue(run); {
		case isURLWord(run):
			out = append(out, run...)
		case ok:
			out = appendEscaped(out, fake)
		case run[0] > '0' && isDigits(run):
			out = fakeURLNumber(out, w.rng("url-number", run, 0))
		default:
			out = fakeRun(out, w.rng("url-run", run, 0), run, nil)
		}
		i = j
	}
	return out
}

// fakeURLNumber: a number in a URL that copies no column of its row
// (/events/1234, ?marker=20571) is an id or a count, and its digit
// count says how many rows there are: the fake's count is drawn, 1 to
// 8 digits whatever the original's. (A zero-padded number, 05 or
// 00042, keeps its width: that is a format.)
func fakeURLNumber(out []byte, r *mrand.Rand) []byte {
	return appendKeyedNumber(out, r, 8)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// unescape decodes %XX escapes.
func unescape(s []byte) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !isHexByte(s[i+1]) || !isHexByte(s[i+2]) {
				return nil, false
			}
			out = append(out, hexval(s[i+1])<<4|hexval(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out, true
}

// appendEscaped appends a fake, escaping what cannot stand in a URL part.
func appendEscaped(out, s []byte) []byte {
	for _, c := range s {
		if isAlnum(c) || strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0 {
			out = append(out, c)
			continue
		}
		out = append(out, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
	}
	return out
}
