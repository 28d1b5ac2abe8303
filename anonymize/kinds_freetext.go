package anonymize

import (
	"bytes"
	"net/netip"
	"strings"
)

// Free text inside structured values (a JSON message, a fault string, a
// key) carries hosts, addresses and ids among ordinary words. They are
// found token by token and replaced in place with the kinds' fakes, the
// rest of the text is kept.

// dataByte marks the bytes without which a token cannot be data of the
// kinds below (every one of them has a '.', ':', '@' or '-', or is a
// 32-hex id): most strings are skipped on one scan.
var dataByte = func() (t [256]bool) {
	for _, c := range []byte(".:@-") {
		t[c] = true
	}
	return t
}()

// mayHoldData: whether s can hold a token rewriteText would replace.
func mayHoldData(s []byte) bool {
	if len(s) < 4 {
		return false
	}
	for _, c := range s {
		if dataByte[c] {
			return true
		}
	}
	if _, _, ok := findID(s); ok {
		return true
	}
	return hasTokenWord(s)
}

// hasTokenWord: whether a word of s (textDelim-separated, 8 bytes or
// more) is a token (isTokenWord).
func hasTokenWord(s []byte) bool {
	for i, j := textWord(s, 0); i < len(s); i, j = textWord(s, j) {
		if j-i >= 8 && isTokenWord(trimSentence(s[i:j])) {
			return true
		}
	}
	return false
}

// textWord: where the next textDelim-separated word of s at or after
// from starts and ends (start == len(s): none is left).
func textWord(s []byte, from int) (start, end int) {
	for from < len(s) && textDelim[s[from]] {
		from++
	}
	end = from
	for end < len(s) && !textDelim[s[end]] {
		end++
	}
	return from, end
}

// trimSentence drops a sentence's punctuation after a token.
func trimSentence(tok []byte) []byte {
	for len(tok) > 0 && strings.IndexByte(".:!?=", tok[len(tok)-1]) >= 0 {
		tok = tok[:len(tok)-1]
	}
	return tok
}

// textDelim ends a token; ':' '/' '@' '.' '-' '_' '%' '?' '&' '#' '+'
// '~' and '=' (inside URLs) do not.
var textDelim = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n\f\v\"'()[]{}<>,;|`\\") {
		t[c] = true
	}
	return t
}()

// rewriteText replaces the data tokens of s; changed is false (and s
// returned) when there are none. In visit mode it reports them instead.
func (w *worker) rewriteText(s []byte, visit func(kind string, v []byte)) (out []byte, changed bool) {
	if visit != nil {
		inner := visit
		visit = func(kind string, v []byte) {
			if !keptAsIs(kind, v) {
				inner(kind, v)
			}
		}
	}
	last := 0 // s[:last] is in out already
	for i, j := textWord(s, 0); i < len(s); i, j = textWord(s, j) {
		tok := trimSentence(s[i:j]) // a sentence's punctuation is not part of the token
		kind := tokenKind(tok)
		if kind == "" {
			if _, _, ok := findID(tok); ok {
				kind = "ids"
			} else if _, _, ok := hexIDRun(tok); ok {
				kind = "hexid"
			} else if isTokenWord(tok) {
				kind = "token"
			} else {
				continue
			}
		}
		if visit != nil {
			if kind == "ids" {
				replaceIDs(tok, func(id []byte) []byte { visit("uuid", id); return id })
			} else if kind == "hexid" {
				a, b, _ := hexIDRun(tok)
				visit("uuid", tok[a:b])
			} else {
				visit(kind, tok)
			}
			changed = true
			continue
		}
		var fake []byte
		switch kind {
		case "ids":
			fake = replaceIDs(tok, func(id []byte) []byte { return kindUUID(w, &noColumn, id, 0).out })
		case "hexid":
			for t := tok; len(t) > 0; {
				a, b, ok := hexIDRun(t)
				if !ok {
					fake = append(fake, t...)
					break
				}
				fake = append(fake, t[:a]...)
				fake = append(fake, w.fakeHexID(t[a:b])...)
				t = t[b:]
			}
		default:
			// A fallback too: the token looked like data.
			fake = w.embed(kind, &noColumn, tok).out
		}
		if out == nil {
			out = make([]byte, 0, len(s)+16)
		}
		out = append(out, s[last:i]...)
		out = append(out, fake...)
		last = i + len(tok)
		changed = true
	}
	if !changed || visit != nil {
		return s, changed
	}
	return append(out, s[last:]...), true
}

// tokenKind recognises a free-text token that is data.
func tokenKind(t []byte) string {
	if len(t) < 4 {
		return ""
	}
	switch {
	case bytes.Contains(t, []byte("://")):
		return "url"
	case isEmail(t):
		return "email"
	case isMAC(t):
		return "mac"
	case isUUID(t), len(t) == 32 && isHexString(t) && !hasUpperHex(t):
		return "uuid"
	case isIQN(t):
		return "iqn"
	}
	if i := bytes.IndexByte(t, '/'); i > 0 {
		if _, err := netip.ParsePrefix(string(t)); err == nil {
			return "cidr"
		}
		return ""
	}
	if mayBeAddr(t) {
		if _, err := netip.ParseAddr(string(t)); err == nil {
			return "ip_address"
		}
	}
	if isStrictHostname(t) {
		return "hostname"
	}
	if bytes.IndexByte(t, ':') > 0 && isHostPort(t) {
		if h := t[:bytes.LastIndexByte(t, ':')]; isStrictHostname(h) || bytes.IndexByte(h, '.') > 0 || h[0] == '[' {
			return "hostport"
		}
	}
	return ""
}

// detectKeyKind: the kind of a JSON key that is itself data. Keys are
// names more often than values are, so hostnames must be strict (no '_':
// "nova_object.name" is a key, not a host).
func detectKeyKind(k []byte) string {
	kind := detectKind(k)
	if kind == "hostname" && !isStrictHostname(k) {
		return ""
	}
	if kind == "hostport" && !isStrictHostname(k[:bytes.LastIndexByte(k, ':')]) && tokenKind(k) != "hostport" {
		return ""
	}
	return kind
}

// isStrictHostname: a hostname of letters, digits and '-' only, with two
// or more labels and an alphabetic last label of two or more letters
// ("e.g." is not a host).
func isStrictHostname(s []byte) bool {
	s = bytes.TrimSuffix(s, []byte("."))
	if len(s) < 4 || !isHostname(s) {
		return false
	}
	dot := bytes.LastIndexByte(s, '.')
	if len(s)-dot-1 < 2 {
		return false
	}
	for _, c := range s {
		if c == '_' {
			return false
		}
	}
	return true
}

// idPair is an id and its fake, remembered for the document so that a
// prefix of the id elsewhere in it ("devname": "tap" + the port id's
// first 11 characters) becomes the same prefix of the fake.
type idPair struct{ orig, fake []byte }

// sawID records an id of the document; both slices stay valid while the
// document is rewritten (its input, and a fake of its own).
func (w *worker) sawID(orig, fake []byte) {
	if len(w.ids) < 64 && len(orig) == len(fake) {
		w.ids = append(w.ids, idPair{orig, fake})
	}
}

// hexIDRun finds a run of 8 or more hex digits and dashes holding a digit
// and a letter (an id or its prefix) in t.
func hexIDRun(t []byte) (start, end int, ok bool) {
	for i := 0; i < len(t); {
		if !isHexByte(t[i]) {
			i++
			continue
		}
		j, digit, letter, hex := i, false, false, 0
		for j < len(t) && (isHexByte(t[j]) || t[j] == '-' && j > i) {
			if t[j] >= '0' && t[j] <= '9' {
				digit = true
			} else if t[j] != '-' {
				letter = true
			}
			if t[j] != '-' {
				hex++
			}
			j++
		}
		if hex >= 8 && digit && letter {
			return i, j, true
		}
		i = j
	}
	return 0, 0, false
}

// fakeHexID: the matching prefix of a fake when run begins an id seen in
// the document (letters before it may belong to a word: "tap"), else
// random hex of the same shape.
func (w *worker) fakeHexID(run []byte) []byte {
	for skip := 0; skip < len(run)-8; skip++ {
		r := run[skip:]
		for _, p := range w.ids {
			if len(r) <= len(p.orig) && bytes.EqualFold(p.orig[:len(r)], r) {
				return append(append([]byte(nil), run[:skip]...), p.fake[:len(r)]...)
			}
		}
		if !(run[skip] >= 'a' && run[skip] <= 'f' || run[skip] >= 'A' && run[skip] <= 'F') {
			break
		}
	}
	return randomHexLike(w.rng("hexid", run, 0), run)
}

// isIQN: an iSCSI qualified name, iqn.YYYY-MM.reversed.domain[:name].
func isIQN(s []byte) bool {
	return len(s) > 12 && bytes.HasPrefix(s, []byte("iqn.")) && s[8] == '-' && isDigits(s[4:8]) && isDigits(s[9:11])
}

// kindIQN: the date's digits, each domain label (as hostname labels are)
// and the name after ':' (as URL parts are) replaced; "iqn." stays.
func kindIQN(w *worker, c *colInfo, in []byte, n int) result {
	if !isIQN(in) {
		return fallback(w, c, in, n)
	}
	name, rest, hasRest := bytes.Cut(in[12:], []byte(":"))
	out := append(make([]byte, 0, len(in)+16), "iqn.YYYY-MM."...)
	for i, l := range bytes.Split(name, []byte(".")) {
		if i > 0 {
			out = append(out, '.')
		}
		if isLabel(l) {
			out = append(out, w.fakeLabel(l, n)...)
		} else {
			out = w.urlPart(out, l)
		}
	}
	// The date's digits follow from the (keyed) fake domain: one fake
	// naming authority, one date, and no derivation of its own.
	h := uint64(14695981039346656037)
	for _, c := range out[12:] {
		h = (h ^ uint64(c)) * 1099511628211
	}
	h = mix(h)
	for i, p := range []int{4, 5, 6, 7, 9, 10} {
		out[p] = byte('0' + (h>>(8*i))%10)
	}
	if hasRest {
		out = append(out, ':')
		out = w.urlIDsAndRuns(out, rest)
	}
	return result{out: out}
}
