package anonymize

import (
	"bytes"
	"strings"
)

// What a JSON key says about its value: secret, a name, a host, a
// user; and keys that are data themselves.

// secretWords: a key holding one of them (lower case, without '_', '-',
// '.' or spaces) is secret; exactSecret only as the whole key.
var secretWords = []string{"password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "authkey",
	"apikey", "privatekey", "accesskey", "authenticationstring", "session", "cookie", "cardnumber", "creditcard",
	"ccnumber", "iban", "cvv", "cvc", "ssn", "socialsecurity", "taxid", "signature", "salt", "otp", "bearer"}

var exactSecret = map[string]bool{"pin": true, "pass": true, "auth": true, "sig": true, "psk": true}

// isSecretKey reports whether a (decoded) key looks secret.
func isSecretKey(k []byte) bool {
	if len(k) > 64 {
		return false
	}
	var buf [64]byte
	n := 0
	for _, c := range k {
		switch {
		case c >= 'A' && c <= 'Z':
			buf[n] = c + 'a' - 'A'
			n++
		case c == '_' || c == '-' || c == '.' || c == ' ':
		default:
			buf[n] = c
			n++
		}
	}
	low := string(buf[:n])
	if exactSecret[low] {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// keyKind: the kind a string under a name-like key gets when its value
// is not recognisable by itself: people's and places' names, hosts,
// users, phone numbers. Dotted keys (nova_object.name) are the
// software's.
func keyKind(k []byte) string {
	if len(k) > 64 || bytes.IndexByte(k, '.') >= 0 {
		return ""
	}
	l := strings.ToLower(string(k))
	has := func(suffixes ...string) bool {
		for _, s := range suffixes {
			if strings.HasSuffix(l, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("phone", "phone_number", "mobile", "fax"):
		return "phone"
	case has("username", "user_name", "login"):
		return "username"
	case l == "host" || l == "node" || l == "launched_on" || has("hostname", "_host", "_node", "_compute"):
		return "hostname"
	case has("name", "label", "_network", "description", "contact", "owner", "address", "street", "city", "company"):
		return "string"
	}
	return ""
}

// key rewrites an object key that is data, and reports whether it is.
func (j *jsonRewriter) key(k []byte) ([]byte, bool) {
	if !mayHoldData(k) { // most keys: no byte that data needs
		return k, false
	}
	if kind := detectKeyKind(k); kind != "" {
		return j.replace(kind, k), true
	}
	{
		if out, changed := j.w.rewriteText(k, j.visit); changed {
			j.count++
			return out, true
		}
	}
	return k, false
}

// keyFacts is what a key says, cached per worker: isSecretKey and
// keyKind.
type keyFacts struct {
	secret bool
	kind   string
}

// facts looks a key up (the last one first: a leaf asks twice).
func (j *jsonRewriter) facts(k []byte) keyFacts {
	if j.lastKey != nil && bytes.Equal(j.lastKey, k) {
		return j.lastFacts
	}
	f, ok := j.w.keyFacts[string(k)]
	if !ok {
		f = keyFacts{isSecretKey(k), keyKind(k)}
		if len(j.w.keyFacts) < 10000 {
			j.w.keyFacts[string(k)] = f
		}
	}
	j.lastKey, j.lastFacts = k, f
	return f
}

func (j *jsonRewriter) keyKind(k []byte) string { return j.facts(k).kind }

func (j *jsonRewriter) isSecret(k []byte) bool { return j.facts(k).secret }
