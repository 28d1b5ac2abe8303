package scrub

import "bytes"

// Encodings in other radixes, each decoded like a blob (a known value
// inside scrubs the whole token):
//   - a value as one big number: the decimal of its bytes (Python's
//     int.from_bytes, a bignum in JSON);
//   - base58 (Bitcoin's alphabet: no 0, O, I, l) and base32hex (RFC
//     4648's 0-9A-V);
//   - base85 (Python's b85encode, git's), Z85 (ZeroMQ's) and Ascii85
//     (Adobe's, between "<~" and "~>").
//
// Decimal, base58 and base32hex tokens are base64 runs (decodedHit gives
// them here); base85's have punctuation base64 has not, so blobSpans
// calls radixTokenSpans where one stands next to a run.

// minBigInt: fewer digits are a count, a time or an id (a value of 6
// printable bytes or more has 14 digits or more).
const minBigInt = 14

// maxRadixRun bounds the tokens decoded by multiplication (quadratic in
// their length; these encodings are for short values).
const maxRadixRun = 512

// decodeRadix tries run as a big decimal number, base58 and base32hex,
// calling try with what each decodes to until it reports a find.
func decodeRadix(run, buf []byte, try func([]byte) bool) bool {
	if len(run) > maxRadixRun {
		return false
	}
	if len(run) >= minBigInt && allDigits(run) {
		return try(bigDecode(run, 10, decimalVal[:], buf[:0]))
	}
	if isBase58(run) && len(run) <= maxBase58 && try(bigDecode(run, 58, base58Val[:], buf[:0])) {
		return true
	}
	if mixedAlnum(run) {
		// Base85 and Z85 of text without their punctuation (short ones
		// often have none).
		for _, val := range [2]*[256]int8{&b85Val, &z85Val} {
			if b := base85Decode(run, val, buf[:0]); len(b) >= 4 && try(bytes.TrimRight(b, "\x00")) {
				return true
			}
		}
	}
	return decodeBase32Hex(run, buf, try)
}

// maxBase58: base58 of up to 187 bytes (the quadratic decoding stays
// cheap; base64 has + and / that base58 has not).
const maxBase58 = 256

// mixedAlnum: a run of 8 or more with both cases.
func mixedAlnum(run []byte) bool { return len(run) >= 8 && mixedCase(run) }

// mixedCase: b has ASCII letters of both cases.
func mixedCase(run []byte) bool {
	lower, upper := false, false
	for _, c := range run {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	return lower && upper
}

var decimalVal = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	return t
}()

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Val = alphabetVals(base58Alphabet)

func alphabetVals(alpha string) (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alpha); i++ {
		t[alpha[i]] = int8(i)
	}
	return t
}

// isBase58: a run of 8 or more in base58's alphabet with both cases
// (base58 of text; a word of one case is not).
func isBase58(run []byte) bool {
	if len(run) < 8 {
		return false
	}
	lower, upper := false, false
	for _, c := range run {
		if base58Val[c] < 0 {
			return false
		}
		switch {
		case c >= 'a':
			lower = true
		case c >= 'A':
			upper = true
		}
	}
	return lower && upper
}

// bigDecode reads run as a number in base (val: each character's
// digit) and appends its bytes, big-endian, to out.
func bigDecode(run []byte, base int, val []int8, out []byte) []byte {
	start := len(out)
	for _, c := range run {
		carry := int(val[c])
		for j := len(out) - 1; j >= start; j-- {
			x := int(out[j])*base + carry
			out[j], carry = byte(x), x>>8
		}
		for carry > 0 {
			out = append(out, 0)
			copy(out[start+1:], out[start:])
			out[start], carry = byte(carry), carry>>8
		}
	}
	return out
}

var base32HexVal = alphabetVals("0123456789ABCDEFGHIJKLMNOPQRSTUV")

// decodeBase32Hex tries a base32hex run (one case, a digit and a letter
// past F, so no hex) from its start and, when long, each of the 8
// offsets.
func decodeBase32Hex(run, buf []byte, try func([]byte) bool) bool {
	if len(run) < minB32 {
		return false
	}
	digit, past, lower, upper := false, false, false, false
	for _, c := range run {
		u := c
		if c >= 'a' && c <= 'z' {
			u, lower = c-('a'-'A'), true
		} else if c >= 'A' {
			upper = true
		}
		if base32HexVal[u] < 0 {
			return false
		}
		digit = digit || c <= '9'
		past = past || u > 'F'
	}
	if !digit || !past || lower && upper {
		return false
	}
	for off := 0; off < 8 && len(run)-off >= minB32; off++ {
		if len(run) < 32 && off > 0 {
			break
		}
		out, acc, bits := buf[:0], uint(0), 0
		for _, c := range run[off:] {
			if c >= 'a' {
				c -= 'a' - 'A'
			}
			acc, bits = acc<<5|uint(base32HexVal[c]), bits+5
			if bits >= 8 {
				out, bits = append(out, byte(acc>>(bits-8))), bits-8
			}
		}
		if try(out) {
			return true
		}
	}
	return false
}

// Base85 tokens.

const (
	b85Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
	z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
)

var (
	b85Val = alphabetVals(b85Alphabet)
	z85Val = alphabetVals(z85Alphabet)
	// radixTrigger: punctuation base85, Z85 or Ascii85 text has nearly
	// always and a base64 run has not; next to a run it may be inside
	// such a token.
	radixTrigger = func() (t [256]uint8) {
		for _, c := range []byte("!#$%&*;<>?@^`{|}~") {
			t[c] = 1
		}
		// Punctuation Z85 shares with ordinary text: a trigger with a
		// capital at most three bytes away, and the token must have both
		// cases (nova.db.main and 10:42:17 are no Z85). (A Z85 token
		// with no other punctuation and no capital near is not read; one
		// of 10 characters or more has one 9 times in 10.)
		for _, c := range []byte(".:/()[]+=") {
			t[c] = 2
		}
		return t
	}()
)

// isRadixTrigger: t[p] may be inside a base85, Z85 or Ascii85 token.
func isRadixTrigger(t []byte, p int) bool {
	switch radixTrigger[t[p]] {
	case 1:
		return true
	case 2:
		for k := max(p-3, 0); k < p+4 && k < len(t); k++ {
			if t[k] >= 'A' && t[k] <= 'Z' {
				return true
			}
		}
	}
	return false
}

// minRadixToken: base85 of 6 bytes (a short value) is 8 characters.
const minRadixToken = 8

// radixTokenSpans looks at the token around v.text[p] (a radixTrigger
// byte) as base85, Z85 and Ascii85 and appends its span when what it
// holds is a known value. It returns where the token ends (the caller
// skips the rest of it).
func (w *worker) radixTokenSpans(v *view, p, depth int, spans []span) ([]span, int) {
	t := v.text
	if t[p] == '<' && p+1 < len(t) && t[p+1] == '~' {
		return w.ascii85Spans(v, p, depth, spans)
	}
	inToken := func(c byte) bool { return b85Val[c] >= 0 || z85Val[c] >= 0 }
	s, e := p, p+1
	for s > 0 && inToken(t[s-1]) {
		s--
	}
	for e < len(t) && inToken(t[e]) {
		e++
	}
	if e-s < minRadixToken || e-s > maxRadixRun || radixTrigger[t[p]] == 2 && !mixedCase(t[s:e]) || covered(spans, v, s, e) {
		return spans, e
	}
	tok := t[s:e]
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	buf := w.bufs[depth][:0]
	var found span
	ok := false
	try := func(b []byte) bool {
		b = bytes.TrimRight(b, "\x00") // (Z85 pads to 4 bytes)
		if !textLike(b) {
			return false
		}
		found, ok, _ = w.scanBlob(b, depth+1)
		return ok
	}
	hit := false
	// From the token's start at each alignment, and after a key's '=' or
	// ':' in its first 32 characters.
	starts := [8]int{0, 1, 2, 3, 4}
	ns := 5
	for i := 0; i < len(tok) && i < 32 && ns < len(starts); i++ {
		if tok[i] == '=' || tok[i] == ':' {
			starts[ns], ns = i+1, ns+1
		}
	}
	for _, val := range [2]*[256]int8{&b85Val, &z85Val} {
		for _, at := range starts[:ns] {
			if hit || len(tok)-at < minRadixToken {
				break
			}
			if buf = base85Decode(tok[at:], val, buf[:0]); len(buf) > 0 {
				hit = try(buf)
			}
		}
	}
	w.bufs[depth] = buf
	if hit {
		found.start, found.end = v.source(s, e)
		spans = append(spans, found)
		return spans, e
	}
	var ae int
	spans, ae = w.bareAscii85Spans(v, p, depth, spans)
	return spans, max(e, ae)
}

// a85Byte: a character of Ascii85 ('!' to 'u', 'z' for four NULs).
func a85Byte(c byte) bool { return c >= '!' && c <= 'u' || c == 'z' }

// bareAscii85Spans reads the run of Ascii85 characters around
// v.text[p] that has no "<~" and "~>" (Python's a85encode, btoa's
// body: red team scrubatk16), from each alignment and after a key's '='
// or ':' in its first 32 characters, as it is and without the quotes,
// brackets and commas that close it; it appends the run's span when
// what it holds is a known value, and returns the run's end.
func (w *worker) bareAscii85Spans(v *view, p, depth int, spans []span) ([]span, int) {
	t := v.text
	s, e := p, p+1
	for s > 0 && a85Byte(t[s-1]) {
		s--
	}
	for e < len(t) && a85Byte(t[e]) {
		e++
	}
	if e-s < minRadixToken+2 || e-s > maxRadixRun || covered(spans, v, s, e) {
		return spans, e
	}
	tok := t[s:e]
	starts := [8]int{0, 1, 2, 3, 4}
	ns := 5
	for i := 0; i < len(tok) && i < 32 && ns < len(starts); i++ {
		if tok[i] == '=' || tok[i] == ':' {
			starts[ns], ns = i+1, ns+1
		}
	}
	ends := [2]int{len(tok), len(bytes.TrimRight(tok, `'"),;]}`))}
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	for _, at := range starts[:ns] {
		for k, end := range ends {
			if k == 1 && end == ends[0] || end-at < minRadixToken {
				continue
			}
			b := ascii85Decode(tok[at:end], w.bufs[depth][:0])
			w.bufs[depth] = b
			if b = bytes.TrimRight(b, "\x00"); !textLike(b) {
				continue
			}
			if sp, ok, _ := w.scanBlob(b, depth+1); ok {
				sp.start, sp.end = v.source(s, e)
				return append(spans, sp), e
			}
		}
	}
	return spans, e
}

// ascii85Spans decodes the Ascii85 from v.text[p] ("<~") to "~>" (or
// the text's end) and appends its span when it holds a known value.
func (w *worker) ascii85Spans(v *view, p, depth int, spans []span) ([]span, int) {
	t := v.text
	e := len(t)
	if z := bytes.Index(t[p+2:], []byte("~>")); z >= 0 {
		e = p + 2 + z + 2
	}
	if e-p > 4*maxRadixRun || covered(spans, v, p, e) {
		return spans, e
	}
	b := bytes.TrimRight(ascii85Decode(bytes.TrimSuffix(t[p+2:e], []byte("~>")), nil), "\x00")
	if textLike(b) {
		if sp, ok, _ := w.scanBlob(b, depth+1); ok {
			sp.start, sp.end = v.source(p, e)
			spans = append(spans, sp)
		}
	}
	return spans, e
}

// base85Decode decodes groups of five characters (a last short one
// padded with the highest digit) into four bytes each, up to the first
// character or group that is none of val's alphabet; nothing when fewer
// than two groups decode.
func base85Decode(tok []byte, val *[256]int8, out []byte) []byte {
	for i := 0; i+1 < len(tok); i += 5 {
		x, n := uint64(0), 0
		for k := 0; k < 5; k++ {
			d := int8(84)
			if i+k < len(tok) {
				if d = val[tok[i+k]]; d < 0 {
					return out
				}
				n++
			}
			x = x*85 + uint64(d)
		}
		if x > 0xffffffff {
			return out
		}
		q := [4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}
		out = append(out, q[:n-1]...)
	}
	return out
}

// ascii85Decode decodes Ascii85 ('!' to 'u', 'z' for four NULs,
// whitespace ignored).
func ascii85Decode(body, out []byte) []byte {
	var g [5]byte
	n := 0
	emit := func(k int) {
		x := uint64(0)
		for j := 0; j < 5; j++ {
			d := uint64(84)
			if j < k {
				d = uint64(g[j] - '!')
			}
			x = x*85 + d
		}
		q := [4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}
		out = append(out, q[:k-1]...)
	}
	for _, c := range body {
		switch {
		case c == 'z' && n == 0:
			out = append(out, 0, 0, 0, 0)
		case c >= '!' && c <= 'u':
			g[n] = c
			if n++; n == 5 {
				emit(5)
				n = 0
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			return out
		}
	}
	if n > 1 {
		emit(n)
	}
	return out
}
