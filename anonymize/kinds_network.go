package anonymize

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
)

// kindIP: a valid address of the same family (IPv6 in fd00::/8); a
// CIDR-suffixed value keeps its prefix length.
func kindIP(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	if bytes.IndexByte(in, '/') >= 0 { // only then a prefix: a failed parse costs an error value
		if p, err := netip.ParsePrefix(s); err == nil {
			a := fakeAddr(w, p.Addr(), n)
			return result{out: netip.PrefixFrom(a, p.Bits()).AppendTo(nil)}
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return fallback(w, c, in, n)
	}
	return result{out: fakeAddr(w, a, n).AppendTo(nil)}
}

// IPv4 ranges that keep their place: loopback and link-local (nothing
// to hide: every host has them) and the reserved 240.0.0.0/4 (with the
// broadcast address; what holds these is no donor's network). Each
// permutes its host bits under its own tweak: with one for all, the
// loopback's well-known 127.0.0.1 would show what 10.0.0.1 became, and
// the metadata service's 169.254.169.254 what 192.168.169.254 did.
//
// Every other address, private (10/8, 172.16/12, 192.168/16, the shared
// 100.64/10) and public alike, is one pool, permuted as a whole (cycle
// walking past the ranges above), so distinct addresses stay distinct
// and a fake's value tells nothing of its original's class: a private
// address becomes a private one only as often as a public one does (by
// the pool's share of private space, 0.5%). With private space mapped
// into 240/4 and public space among public addresses (as before), every
// fake said which class its original was in (F7).
var v4Ranges = []struct {
	base   uint32
	bits   uint
	to     uint32
	domain string
}{
	{base: 127 << 24, bits: 24, to: 127 << 24, domain: "ipv4/127"},
	{base: 169<<24 | 254<<16, bits: 16, to: 169<<24 | 254<<16, domain: "ipv4/169.254"},
	{base: 240 << 24, bits: 28, to: 240 << 24, domain: "ipv4/240"},
}

func v4Range(a uint32) int {
	for i, r := range v4Ranges {
		if a>>r.bits == r.base>>r.bits {
			return i
		}
	}
	return -1
}

func fakeAddr(w *worker, a netip.Addr, n int) netip.Addr {
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		x := binary.BigEndian.Uint32(b[:])
		var out uint32
		if i := v4Range(x); i >= 0 {
			r := v4Ranges[i]
			mask := uint32(1)<<r.bits - 1
			out = r.to | uint32(w.permuteIn(r.domain, uint64(x&mask), uint64(mask)+1, n))
		} else {
			y := uint64(x)
			for {
				y = w.permuteIn("ipv4", y, 1<<32, n)
				if v4Range(uint32(y)) < 0 {
					break
				}
			}
			out = uint32(y)
		}
		var o [4]byte
		binary.BigEndian.PutUint32(o[:], out)
		return netip.AddrFrom4(o)
	}
	b := a.As16()
	r := w.rng("ip", b[:], n)
	var o [16]byte
	binary.BigEndian.PutUint64(o[:8], r.Uint64())
	binary.BigEndian.PutUint64(o[8:], r.Uint64())
	o[0] = 0xfd
	return netip.AddrFrom16(o)
}

// kindCIDR: a network of the same family and prefix length.
func kindCIDR(w *worker, c *colInfo, in []byte, n int) result {
	p, err := netip.ParsePrefix(string(in))
	if err != nil {
		if a, err2 := netip.ParseAddr(string(in)); err2 == nil {
			return result{out: []byte(fakeAddr(w, a, n).String())}
		}
		return fallback(w, c, in, n)
	}
	a := fakeAddr(w, p.Addr(), n)
	out, err := a.Prefix(p.Bits())
	if err != nil {
		return fallback(w, c, in, n)
	}
	return result{out: []byte(out.String())}
}

func isMAC(b []byte) bool {
	if len(b) != 17 {
		return false
	}
	sep := b[2]
	if sep != ':' && sep != '-' {
		return false
	}
	for i, c := range b {
		if i%3 == 2 {
			if c != sep {
				return false
			}
		} else if !isHexByte(c) {
			return false
		}
	}
	return true
}

// kindMAC: a permutation of the 46 address bits (distinct MACs stay
// distinct), keeping the unicast/multicast and local/global bits, the
// separators and the case.
func kindMAC(w *worker, c *colInfo, in []byte, n int) result {
	if !isMAC(in) {
		return fallback(w, c, in, n)
	}
	var x uint64
	for i := 0; i < 17; i += 3 {
		x = x<<8 | uint64(hexval(in[i])<<4|hexval(in[i+1]))
	}
	flags := x >> 40 & 3
	bits := (x>>42)<<40 | x&(1<<40-1)
	p := w.permuteIn("mac", bits, 1<<46, n)
	y := (p>>40)<<42 | flags<<40 | p&(1<<40-1)
	digits := "0123456789abcdef"
	if bytes.ContainsAny(in, "ABCDEF") {
		digits = "0123456789ABCDEF"
	}
	out := append([]byte(nil), in...)
	for i := 0; i < 6; i++ {
		o := byte(y >> (40 - 8*uint(i)))
		out[3*i], out[3*i+1] = digits[o>>4], digits[o&15]
	}
	return result{out: out}
}

func hexval(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isLabel(l []byte) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// fakeLabel maps one DNS label: a fake word, with the label's digits
// replaced and kept in place at the end ("compute-00042" → "otter-81735").
func (w *worker) fakeLabel(label []byte, n int) []byte {
	w.lower = w.lower[:0]
	for _, c := range label {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		w.lower = append(w.lower, c)
	}
	if n == 0 {
		if out, ok := w.labels[string(w.lower)]; ok {
			return out
		}
	}
	out := w.newLabel(label, n)
	if n == 0 {
		if len(w.labels) >= labelsMax {
			clear(w.labels)
		}
		w.labels[string(w.lower)] = out
	}
	return out
}

// newLabel derives the fake for a label whose lower-case form is in w.lower.
func (w *worker) newLabel(label []byte, n int) []byte {
	w.rng("hostname-label", w.lower, n)
	word := w.pick(nounWords)
	word = strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' {
			return c
		}
		return -1
	}, word)
	if word == "" {
		word = "host"
	}
	digits, padded := labelDigits(label)
	out := []byte(word)
	if padded {
		out = append(out, '-')
		for i := 0; i < digits; i++ {
			out = append(out, byte('0'+w.prf.rng.IntN(10)))
		}
	} else if digits > 0 {
		// The digit count is drawn: kept, it told the size of the id
		// inside (pc-4861, node12), and in row order the largest one.
		out = append(out, '-')
		out = appendKeyedNumber(out, w.prf.rng, labelNumberDigits)
	} else if n == 0 {
		// keep some entropy for labels without digits (whatever their
		// length: kept for long ones only, it told a short label)
		out = append(out, '-')
		out = append(out, w.letters(3)...)
	}
	if n > 0 {
		out = strconv.AppendInt(out, int64(n), 10)
	}
	if len(out) > 63 {
		out = out[:63]
	}
	return out
}

// hostTLDs: the top-level labels of fake host names, drawn whatever the
// original's length (so a fake's does not tell it); all short, as words
// of four letters or more would read as a survivor of any original
// holding them.
var hostTLDs = []string{"com", "net", "org", "io", "dev", "lan", "app", "biz", "co", "me", "cc", "tv", "ai", "eu", "sh", "to"}

// fakeTLD maps a host name's last label to one of hostTLDs, a keyed draw
// on the label alone (the same label keeps one fake; from the cache of
// labels, under a key no label has).
func (w *worker) fakeTLD(label []byte) []byte {
	w.lower = appendLower(append(w.lower[:0], '.'), label)
	if out, ok := w.labels[string(w.lower)]; ok {
		return out
	}
	w.rng("hostname-tld", w.lower[1:], 0)
	out := []byte(w.pick(hostTLDs))
	if len(w.labels) >= labelsMax {
		clear(w.labels)
	}
	w.labels[string(w.lower)] = out
	return out
}

// labelNumberDigits bounds the drawn digit count of a label's number.
const labelNumberDigits = 6

// labelDigits counts a label's digits and says whether one of its digit
// runs is zero-padded (instance-0042: a format, whose width stays).
func labelDigits(label []byte) (digits int, padded bool) {
	for i, c := range label {
		if c >= '0' && c <= '9' {
			digits++
			if c == '0' && (i == 0 || label[i-1] < '0' || label[i-1] > '9') &&
				i+1 < len(label) && label[i+1] >= '0' && label[i+1] <= '9' {
				padded = true
			}
		}
	}
	return digits, padded
}

// kindHostname: the same number of labels, each label mapped on its own
// so that "compute-1" and "compute-1.example.com" keep sharing a label.
func kindHostname(w *worker, c *colInfo, in []byte, n int) result {
	labels := bytes.Split(in, []byte("."))
	trailingDot := len(labels) > 1 && len(labels[len(labels)-1]) == 0
	if trailingDot {
		labels = labels[:len(labels)-1]
	}
	for _, l := range labels {
		if !isLabel(l) {
			return fallback(w, c, in, n)
		}
	}
	out := make([]byte, 0, len(in)+16)
	for i, l := range labels {
		if i > 0 {
			out = append(out, '.')
		}
		ln := 0
		if i == 0 {
			ln = n // collisions are resolved on the first label
		} else if i == len(labels)-1 {
			out = append(out, w.fakeTLD(l)...)
			continue
		}
		out = append(out, w.fakeLabel(l, ln)...)
	}
	if trailingDot {
		out = append(out, '.')
	}
	return result{out: fitLength(out, c.maxLen)}
}

func isEmail(b []byte) bool {
	at := bytes.IndexByte(b, '@') // (the '@', then the first '.' after it)
	if at <= 0 || at >= len(b)-1 || bytes.IndexByte(b[at+1:], '@') >= 0 || bytes.IndexByte(b[at+1:], '.') <= 0 {
		return false
	}
	var stop uint8
	for _, c := range b {
		stop |= emailStop[c]
	}
	return stop == 0
}

// emailStop: bytes no address holds (one '@' in a sentence is not an
// address): spaces and controls, quotes, brackets, separators. One table
// lookup a byte ORed together, with no branch (a fifth of the e-mail
// kind's time went to nine comparisons a byte, then a tenth to a loop
// that branched on each byte; the '@' and the '.' are found by
// IndexByte).
var emailStop = func() (t [256]uint8) {
	for c := 0; c <= ' '; c++ {
		t[c] = 1
	}
	for _, c := range []byte(`"<>(),;\`) {
		t[c] = 1
	}
	return t
}()

// kindEmail: a fake local part at the domain mapped as a hostname.
func kindEmail(w *worker, c *colInfo, in []byte, n int) result {
	if !isEmail(in) {
		return fallback(w, c, in, n)
	}
	at := bytes.IndexByte(in, '@')
	w.lower = appendLower(w.lower[:0], in[:at])
	w.rng("email-local", w.lower, n)
	// The name lists hold only a-z, so the local part needs no filter.
	first, last := w.pick(firstNames), w.pick(lastNames)
	dom, ok := w.emailDomain(in[at+1:])
	if !ok {
		return fallback(w, c, in, n)
	}
	out := w.newOut(len(first) + len(last) + 2 + len(dom))
	out = append(out, first...)
	out = append(out, '.')
	out = append(out, last...)
	out = append(out, '@')
	out = append(out, dom...)
	return result{out: fitLength(out, c.maxLen)}
}

// emailDomain is the fake of an address's domain (lower-cased), from a
// cache: a column's addresses share a handful of domains. ok is false
// when the domain is not a hostname. The fake is one keyed draw for the
// whole domain, of a shape the draw picks (one or two words, one or two
// labels before the top-level one): the original's label count (a
// country's "co.uk", a department's subdomain), its labels' lengths and
// digits say whose it is, so none of them shows. Addresses at one domain
// share its fake.
func (w *worker) emailDomain(d []byte) ([]byte, bool) {
	w.lower = appendLower(w.lower[:0], d)
	if r := &w.recentDomains[recentSlot(w.lower)]; r.set && int(r.n) == len(w.lower) && bytes.Equal(r.key[:r.n], w.lower) {
		return r.out, r.out != nil
	}
	if out, ok := w.domains[string(w.lower)]; ok {
		w.rememberDomain(w.lower, out)
		return out, out != nil
	}
	key := string(w.lower)
	var out []byte
	if labels := strings.Split(strings.TrimSuffix(key, "."), "."); len(labels) >= 2 && allLabels(labels) {
		w.rng("email-domain", w.lower, 0)
		word := func() string { return strings.ReplaceAll(w.pick(nounWords), " ", "") }
		out = append(out, word()...)
		switch w.prf.rng.IntN(4) {
		case 1:
			out = append(append(out, '-'), word()...)
		case 2:
			out = append(append([]byte(w.pick(mailHosts)), '.'), out...)
		}
		out = append(append(out, '.'), w.pick(mailTLDs)...)
	}
	if len(w.domains) >= labelsMax {
		clear(w.domains)
	}
	w.domains[key] = out
	w.rememberDomain(w.lower, out)
	return out, out != nil
}

// recentDomain is one of a worker's recent e-mail domains (lower-cased,
// inline: no allocation) and its fake.
type recentDomain struct {
	set bool
	n   uint8
	key [48]byte
	out []byte
}

// recentSlot is a domain's place among the recent ones: its length and
// two of its bytes (a cheap index; the entry holds the whole domain).
func recentSlot(key []byte) int {
	n := len(key)
	if n == 0 {
		return 0
	}
	return (n*131 + int(key[n/2])*31 + int(key[n/3])) & (len(worker{}.recentDomains) - 1)
}

// rememberDomain keeps key's fake in its recent slot (a fake is a
// function of the domain alone, so an entry never goes stale); a domain
// longer than an entry holds is not kept.
func (w *worker) rememberDomain(key, out []byte) {
	if len(key) > len(recentDomain{}.key) {
		return
	}
	r := &w.recentDomains[recentSlot(key)]
	r.set, r.n, r.out = true, uint8(copy(r.key[:], key)), out
}

// mailHosts and mailTLDs make fake domains look like mail domains.
var (
	mailHosts = []string{"mail", "corp", "mx", "staff", "office", "intra"}
	mailTLDs  = []string{"com", "net", "org", "io", "co", "me"} // none of 4 letters or more: read as a survivor of an original holding it
)

func allLabels(labels []string) bool {
	for _, l := range labels {
		if !isLabel([]byte(l)) {
			return false
		}
	}
	return true
}

// appendLower appends b lower-cased as bytes.ToLower would, without its
// allocation for ASCII: copied whole, then lowered in place eight bytes at
// a time (a byte in A-Z gets 0x20 added; one of 0x80 or more sends the
// whole of b through bytes.ToLower).
func appendLower(dst, b []byte) []byte {
	start := len(dst)
	dst = append(dst, b...)
	t := dst[start:]
	for len(t) >= 8 {
		v := binary.LittleEndian.Uint64(t)
		if v&hiBits != 0 {
			return append(dst[:start], bytes.ToLower(b)...)
		}
		binary.LittleEndian.PutUint64(t, v|upperMask(v)>>2)
		t = t[8:]
	}
	for i, c := range t {
		if c >= 0x80 {
			return append(dst[:start], bytes.ToLower(b)...)
		}
		if c >= 'A' && c <= 'Z' {
			t[i] = c + 'a' - 'A'
		}
	}
	return dst
}

const hiBits = 0x8080808080808080

// upperMask: 0x80 in each byte of v (all below 0x80) that is in A-Z.
func upperMask(v uint64) uint64 {
	const ones = 0x0101010101010101
	geA := v + ones*(0x80-'A')   // high bit: byte >= 'A'
	gtZ := v + ones*(0x80-'Z'-1) // high bit: byte > 'Z'
	return geA &^ gtZ & hiBits
}

// mayBeAddr: whether s has only the bytes an IP address can (zone aside),
// so most strings skip the parse and its allocations.
func mayBeAddr(s []byte) bool {
	if len(s) < 2 {
		return false
	}
	for _, c := range s {
		if !isHexByte(c) && c != '.' && c != ':' {
			return bytes.IndexByte(s, '%') >= 0 // a zone, fe80::1%eth0
		}
	}
	return true
}

// isHostPort: "10.0.0.5:3260", "[fd00::1]:80" or "host.example.com:5672".
func isHostPort(s []byte) bool {
	i := bytes.LastIndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return false
	}
	if _, err := strconv.ParseUint(string(s[i+1:]), 10, 16); err != nil {
		return false
	}
	host := s[:i]
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	if _, err := netip.ParseAddr(string(host)); err == nil {
		return true
	}
	return isHostname(host)
}

// kindHostPort replaces the host of host:port.
func kindHostPort(w *worker, c *colInfo, in []byte, n int) result {
	return result{out: []byte(w.fakeAuthority(string(in), n))}
}

// isHostname: two or more DNS labels ending in an alphabetic label, so
// version numbers (1.2.3) and decimals are not taken for hosts.
func isHostname(s []byte) bool {
	s = bytes.TrimSuffix(s, []byte("."))
	if len(s) > 253 || bytes.IndexByte(s, '.') < 0 {
		return false
	}
	var last []byte
	for len(s) > 0 {
		i := bytes.IndexByte(s, '.')
		if i < 0 {
			i = len(s)
		}
		if !isLabel(s[:i]) {
			return false
		}
		last = s[:i]
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	for _, c := range last {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
