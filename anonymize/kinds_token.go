package anonymize

import (
	"bytes"
	mrand "math/rand/v2"
	"strconv"
	"strings"
)

// What no kind may keep: a per-position fingerprint of a value. A fake
// that keeps each character's class (digit, letter, case) and the
// length lets an attacker confirm a guessed original offline: the digit
// mask of a 64-hex SHA-256 is about 61 bits, enough to test every
// guessed password against it without the key. So:
//   - a value shaped like a secret or a token (hex, base64, base32, a
//     crypt or Django hash, a JWT, a prefixed API token) becomes random
//     characters over the same alphabet, of the same length (hex stays
//     hex, base64 base64); only what its format fixes stays (the `$2b$12$`
//     of bcrypt, the `tok_` of a token, base64's `=` padding);
//   - other text keeps its words' order and punctuation, but every word
//     becomes a fake word of a loosely similar length (a length class),
//     every number random digits of the same count, and a run that mixes
//     letters and digits at random (a token inside a sentence) random
//     characters over its alphabet: no digit placement, case mask or
//     exact length survives.
// The string kind, the fallback of every kind, URL parts and DDL
// literals all use these.

// Alphabets a token can be drawn from.
const (
	hexLower  = "0123456789abcdef"
	hexUpper  = "0123456789ABCDEF"
	digitsABC = "0123456789"
	base32ABC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	lowerABC  = "abcdefghijklmnopqrstuvwxyz"
	upperABC  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// charClass: 1 lower, 2 upper, 3 digit, 0 anything else.
func charClass(c byte) int { return int(charClasses[c]) }

// charClasses: 1 for a-z, 2 for A-Z, 3 for 0-9 (a table: the free-text
// fakes ask for every byte, several times).
var charClasses = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 1, 2
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 3
	}
	return t
}()

// tokenScore counts, between neighbouring letters and digits, the
// changes between a digit and a letter and, when both cases occur, the
// capitals after a letter or digit: random tokens score on about half
// their characters, words, camelCase names and CONSTANT_NAMES on few.
func tokenScore(b []byte) (score, alnum int) {
	lower, upper := false, false
	for _, c := range b {
		k := charClass(c)
		lower, upper = lower || k == 1, upper || k == 2
	}
	prev := 0
	for _, c := range b {
		k := charClass(c)
		if k == 0 {
			prev = 0
			continue
		}
		alnum++
		if prev != 0 && ((k == 3) != (prev == 3) || lower && upper && k == 2) {
			score++
		}
		prev = k
	}
	return score, alnum
}

// isTokenBody: b looks like random characters: hex of 8 or more with a
// digit and a letter, or 16 or more characters of a token alphabet
// (letters, digits, + / = - _ .) that change class often.
func isTokenBody(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	hex, digit, letter, upper, lower := true, false, false, false, false
	for _, c := range b {
		switch k := charClass(c); {
		case k == 3:
			digit = true
		case k != 0:
			letter = true
			upper, lower = upper || k == 2, lower || k == 1
			if hexDigit[c] == 0 {
				hex = false
			}
		case c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || c == '.':
			hex = false
		default:
			return false
		}
	}
	if hex && digit && letter && !(upper && lower) {
		return len(b) >= 16 || scoreAtLeast(b, 2)
	}
	if len(b) < 16 {
		return false
	}
	score, alnum := tokenScore(b)
	return alnum >= 12 && score >= 4 && score*4 >= alnum
}

func scoreAtLeast(b []byte, n int) bool {
	s, _ := tokenScore(b)
	return s >= n
}

// tokenAlphabet is the alphabet b's characters come from: hex (one
// case), digits, base32, or the letters' cases and digits present plus
// the punctuation of base64 (+ /), base64url (- _) or crypt (. /).
func tokenAlphabet(b []byte) string {
	var lower, upper, digit, hexOnly, b32, plus, slash, dash, dot = false, false, false, true, true, false, false, false, false
	for _, c := range b {
		switch charClass(c) {
		case 1:
			lower = true
			hexOnly = hexOnly && c <= 'f'
			b32 = false
		case 2:
			upper = true
			hexOnly = hexOnly && c <= 'F'
		case 3:
			digit = true
			b32 = b32 && c >= '2' && c <= '7'
		default:
			switch c {
			case '+':
				plus = true
			case '/':
				slash = true
			case '-', '_':
				dash = true
			case '.':
				dot = true
			}
			if c != '=' {
				hexOnly, b32 = false, false
			}
		}
	}
	switch {
	case hexOnly && !(lower && upper):
		if upper {
			return hexUpper
		}
		if lower {
			return hexLower
		}
		return digitsABC
	case b32 && upper && digit && len(b) >= 16:
		return base32ABC
	}
	abc := ""
	if lower {
		abc += lowerABC
	}
	if upper {
		abc += upperABC
	}
	if digit || abc == "" {
		abc += digitsABC
	}
	switch {
	case dot && !plus: // crypt(3)'s ./0-9A-Za-z
		abc += "./"
	case plus || slash:
		abc += "+/"
	}
	if dash {
		abc += "-_"
	}
	return abc
}

// randomToken appends len(body) random characters of body's alphabet;
// base64's '=' padding at the end stays.
func randomToken(out []byte, r *mrand.Rand, body []byte) []byte {
	if r == nil {
		return out // secretShape only asked whether
	}
	end := len(body)
	for end > 0 && body[end-1] == '=' {
		end--
	}
	abc := tokenAlphabet(body[:end])
	for i := 0; i < end; i++ {
		out = append(out, abc[r.IntN(len(abc))])
	}
	return append(out, body[end:]...)
}

// secretShape: the fake of a whole value shaped like a secret or a
// token (see the top of the file), and whether it is one; with r nil,
// only whether.
func secretShape(r *mrand.Rand, in []byte) ([]byte, bool) {
	if len(in) < 8 || len(in) > 4096 {
		return nil, false
	}
	maybe := in[0] == '*' || in[0] == '{' // (the shapes below that need no letter and no '$')
	for _, c := range in {
		if c <= ' ' || c >= 0x7f || c == '\'' || c == '"' || c == '\\' {
			return nil, false
		}
		maybe = maybe || charClass(c) == 1 || charClass(c) == 2 || c == '$'
	}
	if !maybe { // digits and punctuation (a phone number, a date): no shape below matches
		return nil, false
	}
	var out []byte // (allocated by the shape that matches, if one does)
	switch {
	case in[0] == '*' && len(in) == 41 && isHexString(in[1:]): // MySQL's PASSWORD()
		return randomToken(append(out, '*'), r, in[1:]), true
	case in[0] == '{':
		// LDAP's {SSHA}base64, {CRYPT}...
		if e := bytes.IndexByte(in, '}'); e > 1 && e <= 16 && isTokenLike(in[e+1:]) {
			return randomToken(append(out, in[:e+1]...), r, in[e+1:]), true
		}
	case bytes.Count(in, []byte("$")) >= 2:
		if o, ok := modularCrypt(out, r, in); ok {
			return o, true
		}
	case bytes.HasPrefix(in, []byte("eyJ")) && bytes.Count(in, []byte(".")) == 2:
		// a JWT: three base64url parts; "eyJ" ('{"') stays
		for i, p := range bytes.Split(in, []byte(".")) {
			if i > 0 {
				out = append(out, '.')
			}
			if i < 2 && len(p) >= 3 {
				out = randomToken(append(out, "eyJ"...), r, p[3:])
			} else {
				out = randomToken(out, r, p)
			}
		}
		return out, true
	}
	// dashed or colon-separated hex (not a UUID: that kind keeps the version)
	if hexWithSeparators(in) {
		if r == nil {
			return nil, true
		}
		return randomHexLike(r, in), true
	}
	// a prefix the software gives its tokens: tok_, sk_live_, ghp_, xoxb-
	p := tokenPrefix(in)
	if isTokenBody(in[p:]) {
		return randomToken(append(out, in[:p]...), r, in[p:]), true
	}
	return nil, false
}

// isTokenLike: a token body, or base64 too short for the score (a
// salted hash's few bytes).
func isTokenLike(b []byte) bool {
	return isTokenBody(b) || len(b) >= 8 && tokenAlphabet(b) != "" && bytes.IndexFunc(b, func(r rune) bool {
		return charClass(byte(r)) == 0 && r != '+' && r != '/' && r != '='
	}) < 0 && scoreAtLeast(b, 2)
}

// hexWithSeparators: 16 or more hex digits in groups split by '-' or ':'
// (one kind of separator), a digit and a letter among them.
func hexWithSeparators(b []byte) bool {
	var sep byte
	hex, digit, letter := 0, false, false
	for i, c := range b {
		switch {
		case hexDigit[c] != 0:
			hex++
			digit = digit || c <= '9'
			letter = letter || c > '9'
		case (c == '-' || c == ':') && i > 0 && i < len(b)-1 && (sep == 0 || sep == c):
			sep = c
		default:
			return false
		}
	}
	return sep != 0 && hex >= 16 && digit && letter && !(hasUpperHex(b) && bytes.ContainsAny(b, "abcdef"))
}

// tokenPrefix: the length of a lower-case prefix of one to three short
// words of letters each ending in '_' or '-' (tok_, sk_live_, xoxb-), 0
// if none. A word of four letters or more is the software's only when
// known (a company's name before its tokens is data: "acme-<hex>"), and
// a word with digits never is ("a000-").
func tokenPrefix(b []byte) int {
	p := 0
	for parts := 0; parts < 3; parts++ {
		i := p
		for i < len(b) && i-p < 8 && b[i] >= 'a' && b[i] <= 'z' {
			i++
		}
		if i-p < 2 || i >= len(b) || b[i] != '_' && b[i] != '-' || i-p >= 4 && !tokenWords[string(b[p:i])] {
			break
		}
		p = i + 1
	}
	return p
}

// tokenWords are the longer words software puts before its tokens.
var tokenWords = map[string]bool{"live": true, "test": true, "xoxa": true, "xoxb": true, "xoxp": true, "xoxr": true, "xoxs": true,
	"whsec": true, "glpat": true, "pypi": true, "proj": true, "sess": true, "prod": true, "token": true}

// modularCrypt fakes $id$param$salt$hash (crypt(3), bcrypt, argon2)
// and Django's algorithm$iterations$salt$hash: the algorithm and its
// parameters (a short segment, digits only, or holding '=') stay; the
// salt and the hash become random characters of their alphabets.
func modularCrypt(out []byte, r *mrand.Rand, in []byte) ([]byte, bool) {
	segs := bytes.Split(in, []byte("$"))
	last := len(segs) - 1
	if len(segs[last]) < 8 || !isCryptSeg(segs[last]) {
		return nil, false
	}
	// A cost or a round count is the software's only after a scheme's
	// name: in "0$00A0$1000$..." the 1000 is the value's own; and only
	// right after the name of a scheme that writes one: in "$1$0100$..."
	// the 0100 is md5-crypt's salt.
	name := -1
	switch {
	case isAlgorithmName(segs[0]):
		name = 0
	case len(segs[0]) == 0 && isAlgorithmName(segs[1]):
		name = 1
	}
	named := name >= 0
	counted := named && countSchemes[string(bytes.ToLower(segs[name]))]
	for i, s := range segs {
		if i > 0 {
			out = append(out, '$')
		}
		switch {
		case i == last:
			out = randomToken(out, r, s)
		case i == 0 && (len(s) == 0 || isAlgorithmName(s)):
			out = append(out, s...)
		case i == 1 && len(segs[0]) == 0 && isAlgorithmName(s) || named && i > 0 && isCryptParam(s, counted && i == name+1):
			out = append(out, s...)
		case isCryptSeg(s):
			out = randomToken(out, r, s)
		default:
			return nil, false
		}
	}
	return out, true
}

func isCryptSeg(s []byte) bool {
	for _, c := range s {
		if charClass(c) == 0 && c != '.' && c != '/' && c != '+' && c != '=' && c != '-' && c != '_' {
			return false
		}
	}
	return len(s) > 0
}

// isCryptParam: a cost (12), iterations (260000: digits alone only
// where count says a scheme writes them), rounds=5000, v=19,
// m=65536,t=3,p=4: name=value pairs of the schemes' own names ("1000="
// and "AAAA=" are the value's own text).
func isCryptParam(s []byte, count bool) bool {
	if len(s) > 0 && (len(s) <= 3 || count && len(s) <= 8 && isDigits(s)) {
		return true
	}
	for p := range bytes.SplitSeq(s, []byte(",")) {
		name, v, ok := bytes.Cut(p, []byte("="))
		if !ok || !cryptParamNames[string(name)] || len(v) == 0 || len(v) > 10 || !isDigits(v) && len(v) > 3 {
			return false
		}
	}
	return len(s) > 0
}

// cryptParamNames: the names of crypt(3)'s, argon2's, scrypt's and
// passlib's parameters.
var cryptParamNames = map[string]bool{"rounds": true, "v": true, "m": true, "t": true, "p": true, "r": true, "ln": true, "n": true}

// countSchemes write a cost or a round count of digits alone right after
// their name (bcrypt's 12, PBKDF2's 260000, passlib's sha1_crypt, Django's
// scrypt N); the others' next segment is a salt or holds '='.
var countSchemes = map[string]bool{"2": true, "2a": true, "2b": true, "2x": true, "2y": true, "bcrypt": true, "sha1_crypt": true, "scrypt": true,
	"pbkdf2": true, "pbkdf2_sha1": true, "pbkdf2_sha256": true, "pbkdf2_sha512": true, "pbkdf2-sha1": true, "pbkdf2-sha256": true, "pbkdf2-sha512": true,
	"django_pbkdf2_sha256": true}

// isAlgorithmName: a hash scheme's name that software writes (crypt(3)
// ids after a leading '$', Django's and passlib's hashers). Only known
// names stay: a word of the value's own ("a000$0$...") is no format.
func isAlgorithmName(s []byte) bool {
	if len(s) > 24 {
		return false
	}
	var b [24]byte
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return hashSchemes[string(b[:len(s)])]
}

var hashSchemes = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`1 2 2a 2b 2x 2y 3 5 6 7 y gy md5 apr1 sha1 sha256 sha512 nt sm3
		argon2 argon2i argon2d argon2id scrypt bcrypt bcrypt_sha256 bcrypt-sha256 crypt
		pbkdf2 pbkdf2_sha1 pbkdf2_sha256 pbkdf2_sha512 pbkdf2-sha1 pbkdf2-sha256 pbkdf2-sha512
		unsalted_md5 unsalted_sha1 sha1_crypt sha256_crypt sha512_crypt md5_crypt
		django_pbkdf2_sha256 grub-pbkdf2-sha512 scram ssha ssha256 ssha512 yescrypt`) {
		m[n] = true
	}
	return m
}()

// kindSecret: a value under a secret-looking key or in a secret-named
// column. A token keeps its format (see secretShape); a number its digit
// count (a PIN stays a PIN); anything else (a password) becomes random
// letters and digits of a length class, so neither its characters nor
// its length show.
func kindSecret(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("secret", in, n)
	if out, ok := secretShape(r, in); ok {
		return result{out: withCounter(fitLength(out, c.maxLen), n)}
	}
	if isDigits(in) {
		out := make([]byte, len(in))
		for i := range out {
			out[i] = digitsABC[r.IntN(10)]
		}
		return result{out: withCounter(out, n)}
	}
	size := lengthClass(len(in))
	if size < 12 {
		size = 12
	}
	if size > 64 {
		size = 64
	}
	const alnum = lowerABC + upperABC + digitsABC
	out := make([]byte, size)
	for i := range out {
		out[i] = alnum[r.IntN(len(alnum))]
	}
	return result{out: withCounter(fitLength(out, c.maxLen), n)}
}

// lengthClass rounds a length up to a step of about a quarter of it
// (4 up to 16, then 8, 16, 32, ...), so that texts of nearby lengths
// share one.
func lengthClass(l int) int {
	if l <= 0 {
		return 0
	}
	step := 4
	for step*4 < l {
		step *= 2
	}
	return (l + step - 1) / step * step
}

// withCounter writes re-derivation n over the end of out, so that
// re-derived values (after a unique-key collision) differ.
func withCounter(out []byte, n int) []byte {
	if n > 0 && len(out) > 0 {
		s := strconv.Itoa(n)
		if len(s) < len(out) {
			copy(out[len(out)-len(s):], s)
		}
	}
	return out
}

// isMixedToken: 8 or more letters and digits (and '-', '_') that switch
// between letters and digits three times or more (a1b7c13d, an id of
// no known format): free text's words do not.
func isMixedToken(b []byte) bool {
	if len(b) < 8 || len(b) > 256 {
		return false
	}
	changes, prev := 0, 0
	for _, c := range b {
		k := charClass(c)
		if k == 0 {
			if c != '-' && c != '_' {
				return false
			}
			continue
		}
		d := 1 // a letter
		if k == 3 {
			d = 2
		}
		if prev != 0 && d != prev {
			changes++
		}
		prev = d
	}
	return changes >= 3
}

// isTokenWord: a free-text word that is a secret or a token.
func isTokenWord(b []byte) bool {
	// Every token shape has a digit or both cases: most words go here.
	var seen [4]bool
	for _, c := range b {
		seen[charClass(c)] = true
	}
	if !seen[3] && !(seen[1] && seen[2]) {
		return false
	}
	if _, ok := secretShape(nil, b); ok {
		return true
	}
	return isMixedToken(b)
}

// kindToken: a token found inside free text, as random characters of
// its alphabet (its format's fixed parts kept).
func kindToken(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("token", in, n)
	if out, ok := secretShape(r, in); ok {
		return result{out: out}
	}
	return result{out: fakeRuns(nil, r, in, nil)}
}
