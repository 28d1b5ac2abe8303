package anonymize

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// colInfo is what a transform needs to know about its column.
type colInfo struct {
	table, name string
	maxLen      int // characters (or bytes for binary types); <= 0: unlimited
	typ         string
	unsigned    bool
	nullable    bool
	params      map[string]string
	paths       [][]string      // json: leaf paths to anonymize
	keys        map[string]bool // json: keys whose leaves to anonymize
}

// worker holds per-goroutine state: the PRF and a faker drawing from it.
type worker struct {
	key    *Key
	prf    *prf
	shift  time.Duration // datetime shift, the same for every value
	perms  map[permKey][4]uint64
	secret map[string]bool // JSON keys that look secret
	// labels caches fakeLabel for n == 0: domain suffixes repeat in
	// nearly every hostname.
	labels map[string][]byte
	lower  []byte
}

// labelsMax bounds the label cache; it is cleared when full.
const labelsMax = 1 << 11

type permKey struct {
	domain string
	size   uint64
	n      int
}

// username is a last name and digits, as people pick them.
func (w *worker) username() string {
	return w.pick(lastNames) + strconv.Itoa(w.prf.rng.IntN(10000))
}

func (w *worker) letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + w.prf.rng.IntN(26))
	}
	return string(b)
}

func newWorker(k *Key) *worker {
	p := k.newPRF()
	w := &worker{key: k, prf: p, perms: map[permKey][4]uint64{},
		secret: map[string]bool{}, labels: map[string][]byte{}}
	// One shift for all datetimes keeps their order and intervals.
	r := p.seed("datetime-shift", nil, 0)
	days := 30 + r.IntN(700)
	if r.IntN(2) == 0 {
		days = -days
	}
	w.shift = time.Duration(days)*24*time.Hour + time.Duration(r.IntN(86400))*time.Second
	return w
}

// rng reseeds the random stream for (domain, value, n).
func (w *worker) rng(domain string, value []byte, n int) *mrand.Rand {
	return w.prf.seed(domain, value, n)
}

// result of a transform.
type result struct {
	out      []byte
	fallback bool // the value did not parse as the kind; the fallback applied
	null     bool // write NULL
}

type kindFunc func(w *worker, c *colInfo, in []byte, n int) result

var kindFuncs map[string]kindFunc

func init() {
	kindFuncs = map[string]kindFunc{
		"uuid":           kindUUID,
		"ip_address":     kindIP,
		"ip_address_v4":  kindIP,
		"ip_address_v6":  kindIP,
		"cidr":           kindCIDR,
		"mac":            kindMAC,
		"hostname":       kindHostname,
		"email":          kindEmail,
		"username":       kindUsername,
		"string":         kindString,
		"text":           kindText,
		"integer":        kindInteger,
		"datetime":       kindDatetime,
		"ec2_id":         kindEC2,
		"key_name":       kindKeyName,
		"ssh_public_key": kindSSHKey,
		"fingerprint":    kindFingerprint,
		"url":            kindURL,
		"json":           kindJSON,
		"null":           kindNull,
		"fixed":          kindFixed,
		"keep":           kindKeep,
		"hostport":       kindHostPort, // inside JSON only
	}
}

// fallback replaces a value a kind cannot parse: every letter by a letter,
// every digit by a digit (case kept), other characters kept. It is
// deterministic like everything else, and counted in the summary.
func fallback(w *worker, in []byte, n int) result {
	r := w.rng("fallback", in, n)
	out := make([]byte, 0, len(in))
	for _, c := range in {
		switch {
		case c >= 'a' && c <= 'z':
			out = append(out, byte('a'+r.IntN(26)))
		case c >= 'A' && c <= 'Z':
			out = append(out, byte('A'+r.IntN(26)))
		case c >= '0' && c <= '9':
			out = append(out, byte('0'+r.IntN(10)))
		case c >= 0x80:
			out = append(out, byte('a'+r.IntN(26))) // bytes of non-ASCII runes
		default:
			out = append(out, c)
		}
	}
	return result{out: out, fallback: true}
}

func isHexByte(c byte) bool { return hexDigit[c] != 0 }

// hexDigit: 1 for lower-case and digits, 2 for upper-case hex letters.
var hexDigit = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = 1
		t[c-'a'+'A'] = 2
	}
	return t
}()

// hasUpperHex: whether b holds one of A-F (the value's case to keep).
func hasUpperHex(b []byte) bool {
	for _, c := range b {
		if hexDigit[c] == 2 {
			return true
		}
	}
	return false
}

func isUUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !isHexByte(c) {
			return false
		}
	}
	return true
}

func isHexString(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isHexByte(c) {
			return false
		}
	}
	return true
}

// randomHexLike writes random hex digits over the hex digits of in,
// keeping dashes and the case of letters.
func randomHexLike(r *mrand.Rand, in []byte) []byte {
	digits := "0123456789abcdef"
	if hasUpperHex(in) {
		digits = "0123456789ABCDEF"
	}
	out := make([]byte, len(in))
	var bits uint64
	left := 0
	for i, c := range in {
		if !isHexByte(c) {
			out[i] = c
			continue
		}
		if left == 0 {
			bits, left = r.Uint64(), 16
		}
		out[i] = digits[bits&15]
		bits >>= 4
		left--
	}
	return out
}

// kindUUID: a valid version-4 UUID in the same textual form (dashes,
// case); 32-hex ids (Keystone users and projects) stay 32-hex.
func kindUUID(w *worker, c *colInfo, in []byte, n int) result {
	lower, upper := in, hasUpperHex(in)
	if upper {
		lower = bytes.ToLower(in)
	}
	r := w.rng("uuid", lower, n)
	switch {
	case isUUID(in):
		out := randomHexLike(r, in)
		out[14] = '4' // version 4 (random)
		variant := "89ab"
		if upper {
			variant = "89AB"
		}
		out[19] = variant[r.IntN(4)]
		return result{out: out}
	case isHexString(in):
		return result{out: randomHexLike(r, in)}
	}
	return fallback(w, in, n)
}

// kindIP: a valid address of the same family (IPv4 in 10.0.0.0/8, IPv6 in
// fd00::/8); a CIDR-suffixed value keeps its prefix length.
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
		return fallback(w, in, n)
	}
	return result{out: fakeAddr(w, a, n).AppendTo(nil)}
}

// IPv4 ranges and where their addresses go. Private and shared ranges map
// into the reserved 240.0.0.0/4 ("future use", never assigned), so a fake
// can never equal a real address of the donor's network; loopback and
// link-local stay in place (nothing to hide); public addresses are
// permuted among public addresses. Every mapping is a permutation, so
// distinct addresses stay distinct.
var v4Ranges = []struct {
	base uint32
	bits uint
	to   uint32
}{
	{10 << 24, 24, 240 << 24},
	{172<<24 | 16<<16, 20, 241 << 24},
	{192<<24 | 168<<16, 16, 241<<24 | 16<<16},
	{100<<24 | 64<<16, 22, 242 << 24},
	{127 << 24, 24, 127 << 24},
	{169<<24 | 254<<16, 16, 169<<24 | 254<<16},
	{240 << 24, 28, 240 << 24}, // reserved space itself (fakes read back)
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
			out = r.to | uint32(w.permuteIn("ipv4", uint64(x&mask), uint64(mask)+1, n))
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
		return fallback(w, in, n)
	}
	a := fakeAddr(w, p.Addr(), n)
	out, err := a.Prefix(p.Bits())
	if err != nil {
		return fallback(w, in, n)
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
		return fallback(w, in, n)
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
	digits := 0
	for _, c := range label {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	out := []byte(word)
	if digits > 0 {
		out = append(out, '-')
		for i := 0; i < digits; i++ {
			out = append(out, byte('0'+w.prf.rng.IntN(10)))
		}
	} else if len(label) > 3 && n == 0 {
		// keep some entropy for labels without digits
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
			return fallback(w, in, n)
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
		}
		out = append(out, w.fakeLabel(l, ln)...)
	}
	if trailingDot {
		out = append(out, '.')
	}
	return result{out: fitLength(out, c.maxLen)}
}

// fitLength cuts ASCII output to the column's length.
func fitLength(b []byte, max int) []byte {
	if max > 0 && len(b) > max {
		return b[:max]
	}
	return b
}

func isEmail(b []byte) bool {
	at := bytes.IndexByte(b, '@')
	if at <= 0 || at != bytes.LastIndexByte(b, '@') || at == len(b)-1 {
		return false
	}
	return bytes.IndexByte(b[at+1:], '.') > 0
}

// kindEmail: a fake local part at the domain mapped as a hostname.
func kindEmail(w *worker, c *colInfo, in []byte, n int) result {
	if !isEmail(in) {
		return fallback(w, in, n)
	}
	at := bytes.IndexByte(in, '@')
	w.rng("email-local", bytes.ToLower(in[:at]), n)
	local := w.pick(firstNames) + "." + w.pick(lastNames)
	local = strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c == '.' {
			return c
		}
		return -1
	}, local)
	dom := kindHostname(w, &colInfo{}, bytes.ToLower(in[at+1:]), 0)
	if dom.fallback {
		return fallback(w, in, n)
	}
	out := append([]byte(local), '@')
	out = append(out, dom.out...)
	return result{out: fitLength(out, c.maxLen)}
}

// kindUsername: a fake user name.
func kindUsername(w *worker, c *colInfo, in []byte, n int) result {
	w.rng("username", in, n)
	u := w.username()
	if n > 0 {
		u += strconv.Itoa(n)
	}
	return result{out: fitLength([]byte(u), c.maxLen)}
}

// words fills exactly length characters with fake words.
func (w *worker) words(length int, sentence bool) []byte {
	out := make([]byte, 0, length+16)
	for len(out) < length {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		if sentence {
			out = append(out, w.pick(allWords)...)
		} else {
			out = append(out, w.pick(nounWords)...)
		}
	}
	out = out[:length]
	if length > 0 && out[length-1] == ' ' {
		out[length-1] = 'x'
	}
	return out
}

func runeLen(b []byte) int { return utf8.RuneCount(b) }

// kindString: realistic words of the same length (in characters), cut to
// the column's length; capitalisation follows the original, and digits
// stay digits ("user0042" → "lake7301"), which also keeps enough entropy
// for unique columns of numbered names.
func kindString(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("string", in, n)
	length := runeLen(in)
	if c.maxLen > 0 && length > c.maxLen {
		length = c.maxLen
	}
	out := w.words(length, false)
	if length == len(in) {
		for i, ch := range in {
			if ch >= '0' && ch <= '9' {
				out[i] = byte('0' + r.IntN(10))
			}
		}
	}
	switch {
	case len(in) > 1 && bytes.Equal(in, bytes.ToUpper(in)) && !bytes.Equal(in, bytes.ToLower(in)):
		out = bytes.ToUpper(out)
	case len(in) > 0 && in[0] >= 'A' && in[0] <= 'Z' && len(out) > 0:
		out[0] -= 'a' - 'A'
	}
	if n > 0 && len(out) > 0 {
		// Re-derivations need distinct values of the same length.
		s := strconv.Itoa(n)
		if len(s) < len(out) {
			copy(out[len(out)-len(s):], s)
		}
	}
	return result{out: out}
}

// kindText: like string, with sentence-like word choice.
func kindText(w *worker, c *colInfo, in []byte, n int) result {
	w.rng("text", in, n)
	length := runeLen(in)
	if c.maxLen > 0 && length > c.maxLen {
		length = c.maxLen
	}
	out := w.words(length, true)
	if len(out) > 0 && bytes.ContainsAny(in[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		out[0] -= 'a' - 'A'
	}
	if n > 0 && len(out) > 0 {
		s := strconv.Itoa(n)
		if len(s) < len(out) {
			copy(out[len(out)-len(s):], s)
		}
	}
	return result{out: out}
}

// intRange is the range of an integer column type.
func intRange(typ string, unsigned bool) (*big.Int, *big.Int) {
	bits := map[string]uint{"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32, "bigint": 64}[strings.ToLower(typ)]
	if bits == 0 {
		bits = 64
	}
	one := big.NewInt(1)
	if unsigned {
		max := new(big.Int).Sub(new(big.Int).Lsh(one, bits), one)
		return big.NewInt(0), max
	}
	max := new(big.Int).Sub(new(big.Int).Lsh(one, bits-1), one)
	min := new(big.Int).Neg(new(big.Int).Lsh(one, bits-1))
	return min, max
}

// kindInteger: a keyed permutation of the numbers with the same number of
// digits and sign (format-preserving: distinct inputs stay distinct, so
// unique columns never collide), kept within the column type's range.
func kindInteger(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(digits) > 19 {
		return fallback(w, in, n)
	}
	v, _ := strconv.ParseUint(digits, 10, 64)
	d := len(strings.TrimLeft(digits, "0"))
	if d == 0 {
		return result{out: in} // zero has nothing to hide
	}
	lo := uint64(1)
	for i := 1; i < d; i++ {
		lo *= 10
	}
	hi := lo*10 - 1
	if d == 1 {
		lo = 1
	}
	if isIntType(c.typ) {
		// Stay inside the type's range: the top digit count of INT is
		// 1000000000..2147483647, not ..9999999999.
		min, max := intRange(c.typ, c.unsigned)
		limit := max
		if neg {
			limit = new(big.Int).Neg(min)
		}
		if limit.IsUint64() && limit.Uint64() < hi {
			hi = limit.Uint64()
		}
	}
	if hi < lo || v < lo || v > hi {
		return fallback(w, in, n)
	}
	out := w.permuteIn("integer", v-lo, hi-lo+1, n) + lo
	res := strconv.FormatUint(out, 10)
	// keep leading zeros (zero-padded strings)
	if pad := len(digits) - len(res); pad > 0 {
		res = strings.Repeat("0", pad) + res
	}
	if neg {
		res = "-" + res
	}
	return result{out: []byte(res)}
}

func isIntType(t string) bool {
	switch strings.ToLower(t) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

// permuteIn is a keyed bijection on [0, size): a 4-round Feistel network
// on the next even power of two, cycle-walking until the result is in
// range. Format-preserving kinds use it so distinct values stay distinct.
func (w *worker) permuteIn(domain string, x, size uint64, n int) uint64 {
	if size <= 1 {
		return 0
	}
	bits := uint(64 - leadingZeros(size-1))
	if bits%2 == 1 {
		bits++
	}
	half := bits / 2
	mask := uint64(1)<<half - 1
	ck := permKey{domain, size, n}
	keys, ok := w.perms[ck]
	if !ok {
		r := w.rng(domain+"-permutation", []byte(strconv.FormatUint(size, 10)), n)
		for i := range keys {
			keys[i] = r.Uint64()
		}
		if len(w.perms) > 10000 {
			clear(w.perms)
		}
		w.perms[ck] = keys
	}
	y := x
	for {
		l, rr := y>>half, y&mask
		for i := 0; i < 4; i++ {
			f := mix(rr^keys[i]) & mask
			l, rr = rr, l^f
		}
		y = l<<half | rr
		if y < size {
			return y
		}
	}
}

func leadingZeros(x uint64) int {
	n := 0
	for i := 63; i >= 0; i-- {
		if x&(1<<uint(i)) != 0 {
			break
		}
		n++
	}
	return n
}

func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}

var dateLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"}

// kindDatetime: shifted by one key-derived offset (the same for every
// value, so order and intervals hold), in the same format, kept within
// DATETIME/TIMESTAMP range. Zero dates are MySQL's "no date" and stay.
func kindDatetime(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	if strings.HasPrefix(s, "0000-00-00") {
		return result{out: in}
	}
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		shifted := t.Add(w.shift)
		lo, hi := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
		if strings.EqualFold(c.typ, "timestamp") {
			lo, hi = time.Unix(1, 0).UTC(), time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)
		}
		if shifted.Before(lo) || shifted.After(hi) {
			shifted = t.Add(-w.shift)
		}
		out := shifted.Format(layout)
		// Keep the original's fractional digits exactly.
		if dot := strings.IndexByte(s, '.'); dot >= 0 && len(layout) > 19 && layout[10] == ' ' {
			frac := len(s) - dot - 1
			out = shifted.Format("2006-01-02 15:04:05") + "." + fmt.Sprintf("%09d", shifted.Nanosecond())[:frac]
		}
		if len(layout) == 10 {
			out = shifted.Format(layout)
		}
		return result{out: []byte(out)}
	}
	return fallback(w, in, n)
}

// kindEC2: "i-0000001a" (or "req-<uuid>", "r-8j2kd0") keeps its prefix;
// the hex part (dashes kept) is replaced.
func kindEC2(w *worker, c *colInfo, in []byte, n int) result {
	dash := bytes.IndexByte(in, '-')
	if dash <= 0 || !isHexString(bytes.ReplaceAll(in[dash+1:], []byte("-"), nil)) {
		return fallback(w, in, n)
	}
	r := w.rng("ec2_id", in, n)
	out := append([]byte(nil), in[:dash+1]...)
	return result{out: append(out, randomHexLike(r, in[dash+1:])...)}
}

// kindKeyName: adjective-noun, like the names people give key pairs.
func kindKeyName(w *worker, c *colInfo, in []byte, n int) result {
	w.rng("key_name", in, n)
	out := w.pick(adjectives) + "-" + w.pick(nounWords)
	out = strings.ReplaceAll(out, " ", "-")
	if n > 0 {
		out += "-" + strconv.Itoa(n)
	}
	return result{out: fitLength([]byte(out), c.maxLen)}
}

// kindSSHKey: "type base64 comment": the type is kept, the key blob keeps
// its embedded type header and length with random key material, and the
// comment becomes a fake user@host.
func kindSSHKey(w *worker, c *colInfo, in []byte, n int) result {
	fields := bytes.Fields(in)
	if len(fields) < 2 {
		return fallback(w, in, n)
	}
	blob, err := base64.StdEncoding.DecodeString(string(fields[1]))
	if err != nil || len(blob) < 4 {
		return fallback(w, in, n)
	}
	r := w.rng("ssh_public_key", fields[1], n)
	hdr := 4 + int(binary.BigEndian.Uint32(blob))
	if hdr > len(blob) {
		hdr = 0
	}
	out := append([]byte(nil), blob...)
	for i := hdr; i < len(out); i++ {
		out[i] = byte(r.IntN(256))
	}
	res := append([]byte(nil), fields[0]...)
	res = append(res, ' ')
	res = append(res, base64.StdEncoding.EncodeToString(out)...)
	if len(fields) > 2 {
		res = append(res, ' ')
		res = append(res, w.username()+"@"+string(w.fakeLabel([]byte("host"), 0))...)
	}
	if bytes.HasSuffix(in, []byte("\n")) {
		res = append(res, '\n')
	}
	return result{out: res}
}

// kindFingerprint: hex digits (with any separators) or SHA256:base64.
func kindFingerprint(w *worker, c *colInfo, in []byte, n int) result {
	r := w.rng("fingerprint", in, n)
	if rest, ok := bytes.CutPrefix(in, []byte("SHA256:")); ok {
		raw := make([]byte, base64.RawStdEncoding.DecodedLen(len(rest)))
		for i := range raw {
			raw[i] = byte(r.IntN(256))
		}
		return result{out: append([]byte("SHA256:"), base64.RawStdEncoding.EncodeToString(raw)...)}
	}
	hex := 0
	for _, ch := range in {
		if isHexByte(ch) {
			hex++
		} else if ch != ':' && ch != '-' && ch != ' ' {
			return fallback(w, in, n)
		}
	}
	if hex == 0 {
		return fallback(w, in, n)
	}
	return result{out: randomHexLike(r, in)}
}

// kindURL: scheme://user:password@host:port/path?query keeps its shape;
// user names, passwords and hosts (or IPs) are replaced. Several hosts
// (rabbit://u:p@h1:5672,u:p@h2:5672/) are each replaced.
func kindURL(w *worker, c *colInfo, in []byte, n int) result {
	s := string(in)
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return fallback(w, in, n)
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	var out strings.Builder
	out.WriteString(scheme)
	out.WriteString("://")
	for i, part := range strings.Split(authority, ",") {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString(w.fakeAuthority(part, n))
	}
	out.WriteString(tail)
	return result{out: fitLength([]byte(out.String()), c.maxLen)}
}

func (w *worker) fakeAuthority(a string, n int) string {
	var out strings.Builder
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		cred := a[:at]
		a = a[at+1:]
		user, pass, hasPass := strings.Cut(cred, ":")
		if user != "" {
			w.rng("username", []byte(user), 0)
			out.WriteString(w.username())
		}
		if hasPass {
			r := w.rng("password", []byte(pass), 0)
			out.WriteByte(':')
			const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			for i := 0; i < max(len(pass), 8); i++ {
				out.WriteByte(alnum[r.IntN(len(alnum))])
			}
		}
		out.WriteByte('@')
	}
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		if i := strings.IndexByte(a, ']'); i > 0 {
			host, port = a[1:i], a[i+1:]
			if addr, err := netip.ParseAddr(host); err == nil {
				return out.String() + "[" + fakeAddr(w, addr, n).String() + "]" + port
			}
		}
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, port = a[:i], a[i:]
	}
	if host == "" {
		return out.String() + port
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		out.WriteString(fakeAddr(w, addr, n).String())
	} else {
		h := kindHostname(w, &colInfo{}, []byte(host), n)
		out.Write(h.out)
	}
	out.WriteString(port)
	return out.String()
}

func kindNull(w *worker, c *colInfo, in []byte, n int) result {
	if !c.nullable {
		return result{out: []byte{}}
	}
	return result{null: true}
}

func kindFixed(w *worker, c *colInfo, in []byte, n int) result {
	return result{out: []byte(c.params["value"])}
}

func kindKeep(w *worker, c *colInfo, in []byte, n int) result {
	return result{out: in}
}

// Deriver makes further values of a kind from a value, deterministically
// for a key: duckface uses it to give copies of a row distinct values of
// the same kind (copy n of value v is Derive(kind, v, n)).
type Deriver struct{ w *worker }

// NewDeriver returns a deriver for key k (not safe for concurrent use).
func NewDeriver(k *Key) *Deriver { return &Deriver{w: newWorker(k)} }

// Derive returns the n-th derived value of v for a kind, at most maxLen
// characters (0: no limit); ok is false for an unknown kind or a value the
// kind cannot parse.
func (d *Deriver) Derive(kind string, v []byte, n, maxLen int) ([]byte, bool) {
	fn := kindFuncs[kind]
	if fn == nil {
		return nil, false
	}
	res := fn(d.w, &colInfo{maxLen: maxLen}, v, n)
	if res.fallback || res.null {
		return nil, false
	}
	return append([]byte(nil), res.out...), true
}
