package scrub

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Digests: a log that "hides" a value by hashing it lets anyone check a
// guess, so a value's digests are keys of it (keysOfForms), whole, and
// a hex digest's first 12 digits or more too (digestPrefixKeys).

// digestKeys are the keys of t's digests: each whole, and the prefixes
// of the hex ones.
func digestKeys(t string) []key {
	var keys []key
	hexes, other := digestForms(t)
	for _, d := range hexes {
		keys = append(keys, wholeOnly(wholeKeysOf(d))...)
		keys = append(keys, digestPrefixKeys(d)...)
	}
	for _, d := range other {
		keys = append(keys, wholeOnly(wholeKeysOf(d))...)
	}
	return keys
}

// digestForms: the MD5, SHA-1, SHA-256 and SHA-512 of t and the MD5 of t
// in lower case (Gravatar's) in hex (git, ETags and dedup keys use
// SHA-1: red team scrubatk6's ad-hoc check); then the other forms: the
// raw digests in base64 (Content-MD5, an ETag, LDAP's {SHA512}; the
// skeleton drops '+', '/', '-', '_' and '=', so base64url with or
// without padding is the same key) and MySQL's native password hash.
// Each is a key more a value: salted digests and digests of other forms
// are left out.
func digestForms(t string) (hexes, other []string) {
	m, s1, s2, s5 := md5.Sum([]byte(t)), sha1.Sum([]byte(t)), sha256.Sum256([]byte(t)), sha512.Sum512([]byte(t))
	hexes = []string{hex.EncodeToString(m[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:]), hex.EncodeToString(s5[:])}
	if l := strings.ToLower(t); l != t {
		ml := md5.Sum([]byte(l))
		hexes = append(hexes, hex.EncodeToString(ml[:]))
	}
	// MySQL's and MariaDB's mysql_native_password hash (what
	// mysql.user's authentication_string and SHOW GRANTS print):
	// '*' and SHA-1 of SHA-1, in capitals.
	native := sha1.Sum(s1[:])
	other = []string{"*" + strings.ToUpper(hex.EncodeToString(native[:])),
		base64.StdEncoding.EncodeToString(m[:]), base64.StdEncoding.EncodeToString(s1[:]),
		base64.StdEncoding.EncodeToString(s2[:]), base64.StdEncoding.EncodeToString(s5[:])}
	return hexes, other
}

// digestPrefixMin: a hex digest's first this many digits are a key of
// it (a short hash, "sha256:3f9a2c41d7e0…"); fewer are any commit id's
// (git's 7), and 16^12 is past guessing by chance.
const digestPrefixMin = 12

// digestPrefixKeys: the keys that find any prefix of hex digest d of
// digestPrefixMin digits or more: a piece (pieces.go: found anywhere, in
// any length of hex run, which goes with it: mapHits) of pieceHex
// digits where the first six are no number's (a piece of digits alone
// is none), and whole keys for the prefixes that piece does not reach
// (when d starts with six decimal digits or more, 6% of digests).
func digestPrefixKeys(d string) []key {
	k := 0
	for k < len(d) && d[k] >= '0' && d[k] <= '9' {
		k++
	}
	j := max(0, k-(pieceRunes-1)) // (the piece's first six runes hold d[k], a letter)
	var keys []key
	if j+pieceHex <= len(d) {
		g := []byte(d[j : j+pieceHex])
		keys = append(keys, key{dom: domPiece, b: g, grams: [2][2]int{{0, gramRunes}, {1, pieceRunes}}})
	}
	for n := digestPrefixMin; n < j+pieceHex && n <= len(d); n++ {
		keys = append(keys, wholeOnly(wholeKeysOf(d[:n]))...)
	}
	return keys
}
