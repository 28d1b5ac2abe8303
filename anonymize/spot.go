package anonymize

import (
	"bytes"
	"net/netip"
	"regexp"
)

// Spotting: the literals around the rows (comments, defaults, routine
// bodies) are free text that nobody marked. A literal that looks
// confidential as a whole gets its kind's fake, the one JSON leaves get;
// inside longer text each piece that looks confidential on its own (a URL,
// an e-mail, an IP, a MAC, a hostname with a domain, the value after
// password= or key=) is replaced by its kind's fake, so that a domain
// faked in a body is the domain its e-mails got in the rows.

var spotRe = regexp.MustCompile(`(?i)` +
	`(\b[a-z][a-z0-9+.-]*://[^\s'"<>` + "`" + `]+)` + // 1 url
	`|(\b(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|auth|key)\s*[=:]\s*)([^\s&;,'"]+)` + // 2 secret= 3 value
	`|([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)` + // 4 email
	`|(\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b)` + // 5 mac
	`|(\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b)` + // 6 ipv4 (cidr)
	`|((?:[0-9a-f]{1,4})?(?::[0-9a-f]{0,4}){2,7}(?:/\d{1,3})?)` + // 7 ipv6 (cidr)
	`|(\b[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\b)`) // 8 hostname

// tlds are the last labels taken for a domain ("shop.users" or
// "user.name" are not hostnames; "db1.acme.com" and "x.corp" are); every
// two-letter label counts too (country codes).
var tlds = map[string]bool{}

func init() {
	for _, t := range []string{"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "me", "dev", "app",
		"cloud", "local", "localdomain", "internal", "intranet", "lan", "corp", "home", "arpa", "example", "test", "invalid",
		"online", "site", "tech", "xyz", "top", "eu", "asia", "mail", "host", "server", "priv", "private"} {
		tlds[t] = true
	}
}

func isDomainName(s []byte) bool {
	if !isHostname(s) {
		return false
	}
	last := s[bytes.LastIndexByte(bytes.TrimSuffix(s, []byte(".")), '.')+1:]
	return len(last) == 2 || tlds[string(bytes.ToLower(last))]
}

// spotWhole is the kind of a literal that looks confidential as a whole,
// or "".
func spotWhole(s []byte) string {
	k := detectKind(s)
	switch {
	case k == "hostname" && !isDomainName(s):
		return ""
	case k != "ssh_public_key" && bytes.ContainsAny(s, " \t\n"):
		return "" // text with a URL or an address in it: spotted piece by piece
	}
	return k
}

// spot returns text with every confidential-looking piece replaced, and
// whether anything was. Deterministic for the key, like every fake.
func spot(w *worker, text []byte) ([]byte, bool) {
	if len(text) == 0 {
		return text, false
	}
	if k := spotWhole(text); k != "" {
		out := w.embed(k, &noColumn, text).out
		if k == "url" {
			out = spotSecrets(w, out)
		}
		return out, true
	}
	locs := spotRe.FindAllSubmatchIndex(text, -1)
	if locs == nil {
		return text, false
	}
	var out []byte
	prev, changed := 0, false
	for _, m := range locs {
		var piece []byte
		var fake []byte
		start, end := m[0], m[1]
		switch {
		case m[2] >= 0:
			piece = bytes.TrimRight(text[m[2]:m[3]], ".,;:)")
			end = m[2] + len(piece)
			fake = spotSecrets(w, kindURL(w, &noColumn, piece, 0).out)
		case m[4] >= 0:
			start = m[6] // keep "password="
			piece = text[m[6]:m[7]]
			fake = kindSecret(w, &noColumn, piece, 0).out
		case m[8] >= 0:
			piece = text[m[8]:m[9]]
			if !isEmail(piece) {
				continue
			}
			fake = w.embed("email", &noColumn, piece).out
		case m[10] >= 0:
			piece = text[m[10]:m[11]]
			fake = kindMAC(w, &noColumn, piece, 0).out
		case m[12] >= 0 || m[14] >= 0:
			if m[12] >= 0 {
				start, end = m[12], m[13]
			} else {
				start, end = m[14], m[15]
			}
			piece = text[start:end]
			if bytes.IndexByte(piece, '/') >= 0 {
				if _, err := netip.ParsePrefix(string(piece)); err != nil {
					continue
				}
				fake = kindCIDR(w, &noColumn, piece, 0).out
			} else {
				if _, err := netip.ParseAddr(string(piece)); err != nil {
					continue
				}
				fake = kindIP(w, &noColumn, piece, 0).out
			}
		case m[16] >= 0:
			piece = text[m[16]:m[17]]
			if start > 0 && (text[start-1] == '$' || text[start-1] == '.') || !isDomainName(piece) {
				continue
			}
			fake = w.embed("hostname", &noColumn, bytes.ToLower(piece)).out
		default:
			continue
		}
		if bytes.Equal(fake, piece) {
			continue
		}
		out = append(out, text[prev:start]...)
		out = append(out, fake...)
		prev, changed = end, true
	}
	if !changed {
		return text, false
	}
	return append(out, text[prev:]...), true
}

// secretRe: the value after password=, key=, token=... (in a URL's query
// or in free text).
var secretRe = regexp.MustCompile(`(?i)\b(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|auth|key)\s*[=:]\s*([^\s&;,'"]+)`)

// spotSecrets replaces the values of secret-looking assignments in b.
func spotSecrets(w *worker, b []byte) []byte {
	locs := secretRe.FindAllSubmatchIndex(b, -1)
	if locs == nil {
		return b
	}
	var out []byte
	prev := 0
	for _, m := range locs {
		out = append(out, b[prev:m[2]]...)
		out = append(out, kindSecret(w, &noColumn, b[m[2]:m[3]], 0).out...)
		prev = m[3]
	}
	return append(out, b[prev:]...)
}
