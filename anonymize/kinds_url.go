package anonymize

import (
	"bytes"
	"net/netip"
	"strings"
)

// The url kind parses URLs the way OpenStack databases hold them, the
// malformed ones included, and replaces every part that can carry data:
//
//	scheme://user:password@host:port,user:password@host:port/path;x?key=value#fragment
//
// The userinfo ends at the last '@' before the host (passwords hold
// '/ ? # @ :' unescaped), the password starts at the first ':'; hosts
// are comma-separated (rabbit transport URLs), bracketed IPv6 or an LDAP
// DN (ldap://cn=admin,dc=example,dc=com). The scheme, ports, query keys,
// punctuation and a small vocabulary of protocol words (v2.0, AUTH,
// services, export, ...) stay; so do the number and shape of the path
// segments and the percent-encoding. A host becomes what the hostname or
// ip kinds make of it, an id what the uuid kind makes of it, and a part
// equal to another marked column of the row that column's fake (so a
// swift location still names its own image and owner). A part shaped
// like a token or a hash becomes random characters of its alphabet;
// anything else fake words and digits (kinds_token.go): no part keeps
// its characters' classes.
// Text that is not scheme://... becomes an opaque token of the same
// length class.

// urlWords are protocol words: fixed by the software, not by the donor.
var urlWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`v1 v1.0 v1.1 v2 v2.0 v2.1 v3 v3.0 v4 api apis auth services service export exports
		identity compute image images volume volumes object objects network networks glance nova cinder swift keystone
		neutron placement octavia heat ironic manila designate barbican rbd ceph nfs iscsi var lib run tmp mnt srv opt
		data file files etc public internal region utf8 utf8mb4 true false none null yes no json xml http https
		mysql pymysql rabbit amqp kafka redis memcached tcp udp unix socket sock mysqld dc cn ou uid sub base one
		instances info status healthcheck metadata versions`) {
		m[strings.ToLower(w)] = true
	}
	return m
}()

func isURLWord(b []byte) bool {
	if len(b) > 12 {
		return false
	}
	var low [12]byte
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return urlWords[string(low[:len(b)])]
}

func isSchemeByte(c byte, first bool) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && (c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-')
}

// kindURL rewrites a URL (see above).
func kindURL(w *worker, c *colInfo, in []byte, n int) result {
	sep := bytes.Index(in, []byte("://"))
	if sep <= 0 {
		return opaque(w, c, in, n)
	}
	for i, ch := range in[:sep] {
		if !isSchemeByte(ch, i == 0) {
			return opaque(w, c, in, n)
		}
	}
	out := make([]byte, 0, len(in)+16)
	out = append(out, in[:sep+3]...)
	rest := in[sep+3:]
	// The authority runs to the first '/', '?' or '#' after the last '@'
	// (or from the start when there is none).
	from := 0
	if at := bytes.LastIndexByte(rest, '@'); at >= 0 {
		from = at
	}
	end := len(rest)
	if i := bytes.IndexAny(rest[from:], "/?#"); i >= 0 {
		end = from + i
	}
	out = w.urlAuthority(out, rest[:end], n)
	tail := rest[end:]
	path, query, frag := tail, []byte(nil), []byte(nil)
	if i := bytes.IndexByte(path, '#'); i >= 0 {
		path, frag = path[:i], path[i:]
	}
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i:]
	}
	out = w.urlPath(out, path)
	if len(query) > 0 {
		out = append(out, '?')
		out = w.urlQuery(out, query[1:])
	}
	if len(frag) > 0 {
		out = append(out, '#')
		out = w.urlPath(out, frag[1:])
	}
	return result{out: fitLength(out, c.maxLen)}
}

// urlAuthority rewrites the authority: host lists, userinfo, DNs.
func (w *worker) urlAuthority(out, a []byte, n int) []byte {
	if len(a) == 0 {
		return out
	}
	if bytes.IndexByte(a, '@') < 0 && bytes.IndexByte(a, '=') >= 0 {
		return w.urlDN(out, a)
	}
	// Split at the commas that start another user@host or host:port;
	// other commas belong to a password.
	parts := bytes.Split(a, []byte(","))
	var merged [][]byte
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		if len(merged) > 0 && i < len(parts)-1 && bytes.IndexByte(p, '@') < 0 && !plausibleHostPort(p) {
			// belongs to the element after it (a password with a comma)
			merged[len(merged)-1] = append(append(append([]byte(nil), p...), ','), merged[len(merged)-1]...)
			continue
		}
		merged = append(merged, p)
	}
	for i := len(merged) - 1; i >= 0; i-- {
		if i < len(merged)-1 {
			out = append(out, ',')
		}
		out = w.urlHostElem(out, merged[i], n)
	}
	return out
}

// plausibleHostPort: a host[:port] as it stands in a host list.
func plausibleHostPort(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	if p[0] == '[' {
		return bytes.IndexByte(p, ']') > 0
	}
	host := p
	if i := bytes.LastIndexByte(p, ':'); i >= 0 {
		host = p[:i]
		for _, c := range p[i+1:] {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	for _, c := range host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return len(host) > 0
}

// urlHostElem rewrites one [user[:password]@]host[:port].
func (w *worker) urlHostElem(out, e []byte, n int) []byte {
	if at := bytes.LastIndexByte(e, '@'); at >= 0 {
		cred := e[:at]
		e = e[at+1:]
		user, pass, hasPass := bytes.Cut(cred, []byte(":"))
		out = w.urlUser(out, user)
		if hasPass {
			w.seePart("password", pass) // whole, as a log prints it
			out = append(out, ':')
			// Swift's tenant:user:key puts more colons in the "password".
			for i, p := range bytes.Split(pass, []byte(":")) {
				if i > 0 {
					out = append(out, ':')
				}
				out = w.urlSecret(out, p)
			}
		}
		out = append(out, '@')
	}
	host, port := e, []byte(nil)
	if len(e) > 0 && e[0] == '[' {
		if i := bytes.IndexByte(e, ']'); i > 0 {
			host, port = e[:i+1], e[i+1:]
		}
	} else if i := bytes.LastIndexByte(e, ':'); i >= 0 {
		host, port = e[:i], e[i:]
	}
	out = w.urlHost(out, host, n)
	if len(port) > 0 && port[0] != ':' {
		return w.urlPart(out, port) // after "[addr]": no port, but a part to replace
	}
	if len(port) > 0 {
		out = append(out, ':')
		if isDigits(port[1:]) {
			out = append(out, port[1:]...) // a port number is the software's
		} else {
			out = w.urlPart(out, port[1:])
		}
	}
	return out
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// urlHost rewrites a host as the hostname and ip kinds do.
func (w *worker) urlHost(out, h []byte, n int) []byte {
	if len(h) == 0 {
		return out
	}
	if w.visitPart != nil {
		w.seePart(hostKind(h), h)
		return append(out, h...)
	}
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		if a, err := netip.ParseAddr(string(h[1 : len(h)-1])); err == nil {
			out = append(out, '[')
			out = fakeAddr(w, a, n).AppendTo(out)
			return append(out, ']')
		}
		return w.urlPart(out, h)
	}
	if mayBeAddr(h) {
		if a, err := netip.ParseAddr(string(h)); err == nil {
			return fakeAddr(w, a, n).AppendTo(out)
		}
	}
	if isUUID(h) { // rbd://<ceph fsid>/...
		return append(out, kindUUID(w, &noColumn, h, n).out...)
	}
	if fake, ok := w.asRowValue(h); ok {
		return append(out, fake...)
	}
	if r := w.embedN("hostname", h, n); !r.fallback {
		return append(out, r.out...)
	}
	return w.urlPart(out, h)
}

// urlUser: the row's column or an id when it is one, else a user name.
func (w *worker) urlUser(out, u []byte) []byte {
	if len(u) == 0 {
		return out
	}
	if w.visitPart != nil {
		kind := "username"
		if isUUID(u) {
			kind = "uuid"
		} else if isEmail(u) {
			kind = "email"
		}
		w.seePart(kind, u)
		return append(out, u...)
	}
	if fake, ok := w.asRowValue(u); ok {
		return append(out, fake...)
	}
	if isUUID(u) || len(u) == 32 && isHexString(u) {
		return append(out, kindUUID(w, &noColumn, u, 0).out...)
	}
	if isEmail(u) {
		if r := w.embed("email", &noColumn, u); !r.fallback {
			return append(out, r.out...)
		}
	}
	if bytes.IndexByte(u, '%') >= 0 {
		return w.urlPart(out, u)
	}
	return append(out, w.embed("username", &noColumn, u).out...)
}

// urlSecret: a password or key becomes 16 random characters (its length
// is not kept), unless it is an id of the row.
func (w *worker) urlSecret(out, p []byte) []byte {
	if len(p) == 0 {
		return out
	}
	if w.visitPart != nil {
		w.seePart("password", p)
		return append(out, p...)
	}
	if fake, ok := w.asRowValue(p); ok {
		return append(out, fake...)
	}
	if isUUID(p) || len(p) == 32 && isHexString(p) {
		return append(out, kindUUID(w, &noColumn, p, 0).out...)
	}
	r := w.rng("password", p, 0)
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := 0; i < 16; i++ {
		out = append(out, alnum[r.IntN(len(alnum))])
	}
	return out
}

// urlDN rewrites an LDAP DN: attribute names stay, values go (dc= values
// as hostname labels, so dc=example,dc=com matches example.com's fake).
func (w *worker) urlDN(out, dn []byte) []byte {
	for i, rdn := range bytes.Split(dn, []byte(",")) {
		if i > 0 {
			out = append(out, ',')
		}
		attr, val, ok := bytes.Cut(rdn, []byte("="))
		if !ok {
			out = w.urlPart(out, rdn)
			continue
		}
		if ldapAttrs[strings.ToLower(string(bytes.TrimSpace(attr)))] {
			out = append(out, attr...)
		} else {
			out = w.urlPart(out, attr)
		}
		out = append(out, '=')
		if bytes.EqualFold(bytes.TrimSpace(attr), []byte("dc")) && isLabel(val) && w.visitPart == nil {
			out = append(out, w.fakeLabel(val, 0)...)
			continue
		}
		out = w.urlPart(out, val)
	}
	return out
}

// ldapAttrs are the attribute names LDAP schemas fix; others are data.
var ldapAttrs = map[string]bool{"cn": true, "dc": true, "ou": true, "o": true, "c": true, "l": true, "st": true, "uid": true,
	"sn": true, "mail": true, "street": true, "givenname": true, "memberof": true, "objectclass": true, "member": true}

// urlPath rewrites each '/'-separated segment.
func (w *worker) urlPath(out, p []byte) []byte {
	for i := 0; ; i++ {
		j := bytes.IndexByte(p, '/')
		seg := p
		if j >= 0 {
			seg = p[:j]
		}
		if bytes.IndexByte(seg, '=') >= 0 && bytes.IndexByte(seg, ',') >= 0 {
			out = w.urlDN(out, seg)
		} else {
			out = w.urlPart(out, seg)
		}
		if j < 0 {
			return out
		}
		out = append(out, '/')
		p = p[j+1:]
	}
}

// urlQuery keeps each key and rewrites each value.
func (w *worker) urlQuery(out, q []byte) []byte {
	for i, kv := range bytes.Split(q, []byte("&")) {
		if i > 0 {
			out = append(out, '&')
		}
		k, v, ok := bytes.Cut(kv, []byte("="))
		if !ok {
			out = w.urlPart(out, kv)
			continue
		}
		out = append(out, k...)
		out = append(out, '=')
		if _, tok := urlTokenShaped(v); tok && w.visitPart != nil {
			w.seePart("url", v) // a token: one part, '/' and all
			out = append(out, v...)
			continue
		} else if o, ok := w.urlToken(out, v); ok {
			out = o // a token with '/' inside: one value, not segments
			continue
		}
		out = w.urlPath(out, v)
	}
	return out
}

// opaque replaces text that is not a URL by random letters and digits,
// as many as the next length class (8, 16, 32, ...) so the original's
// exact length does not show either.
func opaque(w *worker, c *colInfo, in []byte, n int) result {
	size := 8
	for size < len(in) {
		size *= 2
	}
	if c.maxLen > 0 && size > c.maxLen {
		size = c.maxLen
	}
	r := w.rng("url-opaque", in, n)
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, size)
	for i := range out {
		out[i] = alnum[r.IntN(len(alnum))]
	}
	return result{out: out, fallback: true}
}

// urlParts calls visit with each part of a URL that the url kind
// replaces, alone, with the part's kind: user, password (whole and each
// ':'-separated piece), hosts, path segments and query values that are
// data, the fragment, and the ids inside them. fuzzy index indexes them,
// so that a part a log prints alone is found too. Parts too short to
// tell from noise (fewer than 4 letters and digits), and path segments
// or query values that are one word of letters or have no letter at all
// are left out: scrubbing every "29", "1000" (of "10:00") or "events"
// (of instance_actions_events) in a log would hide little and shred the
// log; the whole URL is indexed anyway.
func urlParts(w *worker, v []byte, visit func(kind string, v []byte)) {
	w.visitPart = visit
	defer func() { w.visitPart = nil }()
	if sep := bytes.Index(v, []byte("://")); sep > 0 {
		kindURL(w, &noColumn, v, 0)
	}
}

// seePart reports a URL part (decoded when it is percent-escaped: the
// scrubber reads logs decoded) in visit mode.
func (w *worker) seePart(kind string, p []byte) {
	if w.visitPart == nil {
		return
	}
	if bytes.IndexByte(p, '%') >= 0 {
		if d, ok := unescape(p); ok {
			p = d
		}
	}
	alnum, letters := 0, 0
	for _, c := range p {
		if isAlnum(c) || c >= 0x80 {
			alnum++
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			letters++
		}
	}
	if alnum < 4 || isURLWord(p) || keptAsIs(kind, p) || w.rowKeeps(p) || kind == "url" && (letters == 0 || isWord(p)) {
		return
	}
	w.visitPart(kind, p)
}

// isWord: p is one word of letters (an API's vocabulary, "events").
func isWord(p []byte) bool {
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// hostKind is the kind a URL's host has.
func hostKind(h []byte) string {
	if len(h) > 2 && h[0] == '[' {
		return "ip_address"
	}
	if mayBeAddr(h) {
		if _, err := netip.ParseAddr(string(h)); err == nil {
			return "ip_address"
		}
	}
	if isUUID(h) {
		return "uuid"
	}
	return "hostname"
}

// fakeAuthority rewrites a bare host:port (the json kind's hostport).
func (w *worker) fakeAuthority(a string, n int) string {
	return string(w.urlHostElem(nil, []byte(a), n))
}
