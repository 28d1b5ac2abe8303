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
// guess, so a value's digests are keys of it (keysOfForms). They are not
// the tables' keys: random hex and base64 set anchors all over the
// table's 4-byte space (100,000 values' half million hex digests set
// every 4-digit anchor, so each "2026" and "1000" of a log was a place
// to try, and the base64 ones a fifth of the rest). Instead a digest's
// first and last digestHexWin digits (hex) or digestB64Win letters and
// digits (base64) are keys of domain H, looked up only in the text's
// runs of hex or base64 (digest_scan.go): a digest cut short ("sha256:
// 3f9a2c41d7e0…") or to its tail is found too.
const domDigest = 'H'

// Windows: 16^12 and 36^12 are past guessing by chance (2^48 and 2^62
// against a few million windows); fewer hex digits are any commit id's
// (git's 7). A base64 window counts letters and digits only, so a cut
// of 12 of them holding '_' or '/' is found too.
const (
	digestHexWin = 12
	digestB64Win = 12
)

// digestKeys are the keys of t's digests: the first and last windows of
// each.
func digestKeys(t string) []key {
	var keys []key
	hexes, other := digestForms(t)
	add := func(d []byte, n int) {
		if len(d) < n {
			return
		}
		keys = append(keys, key{dom: domDigest, b: clone(d[:n])})
		if len(d) > n {
			keys = append(keys, key{dom: domDigest, b: clone(d[len(d)-n:])})
		}
	}
	for _, d := range hexes {
		add(digestNorm(d, true), digestHexWin)
	}
	for _, d := range other {
		if d[0] == '*' { // (MySQL's native hash: '*' and hex)
			add(digestNorm(d, true), digestHexWin)
		} else {
			add(digestNorm(d, false), digestB64Win)
		}
	}
	return keys
}

// digestNorm is how a digest's windows are keyed and looked up: its hex
// digits (hex) or letters and digits (base64: '+', '/', '-', '_' and
// '=' dropped, so base64url with or without padding is the same), in
// lower case.
func digestNorm(d string, hex bool) []byte {
	out := make([]byte, 0, len(d))
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			continue
		}
		c := asciiLower[d[i]]
		if hex && hexDigit[c] || !hex && asciiAlnum[c] != 0 {
			out = append(out, c)
		}
	}
	return out
}

// digestForms: the MD5, SHA-1, SHA-256 and SHA-512 of t, the MD5 and
// SHA-256 of t and a line end, and of t in lower case (Gravatar's), in hex (git, ETags and dedup keys use
// SHA-1: red team scrubatk6's ad-hoc check); then the other forms: the
// raw digests in base64 (Content-MD5, an ETag, LDAP's {SHA512}) and
// MySQL's native password hash.
// Each is a key more a value: salted digests and digests of other forms
// are left out.
func digestForms(t string) (hexes, other []string) {
	m, s1, s2, s5 := md5.Sum([]byte(t)), sha1.Sum([]byte(t)), sha256.Sum256([]byte(t)), sha512.Sum512([]byte(t))
	// (and of the value and a line end, as `echo "$v" | sha256sum`
	// and md5sum print them: red team scrubatk16)
	mn, s2n := md5.Sum([]byte(t+"\n")), sha256.Sum256([]byte(t+"\n"))
	hexes = []string{hex.EncodeToString(m[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:]), hex.EncodeToString(s5[:]),
		hex.EncodeToString(mn[:]), hex.EncodeToString(s2n[:])}
	if l := strings.ToLower(t); l != t {
		// (Gravatar's newer URLs hold the SHA-256 of it)
		ml, s2l := md5.Sum([]byte(l)), sha256.Sum256([]byte(l))
		hexes = append(hexes, hex.EncodeToString(ml[:]), hex.EncodeToString(s2l[:]))
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
