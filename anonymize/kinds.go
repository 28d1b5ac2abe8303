package anonymize

import (
	"bytes"
	mrand "math/rand/v2"
	"net/netip"
)

// The kinds: each turns one value into a fake of the same sort. This file
// holds what they share (the worker, the registry, the fallback, the hex
// helpers); the kinds themselves live in one file per family
// (kinds_network.go, kinds_ids.go, kinds_text.go, kinds_numbers.go,
// kinds_time.go, kinds_url.go, kinds_json.go).

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
	// family is the column at the root of this column's relations
	// ("table.column"); intDomain the integer permutation's domain
	// derived from it, so unrelated columns get unrelated permutations
	// and columns joined by a relation share one.
	family, intDomain string
	window            int64 // datetime: seconds an entity's shift may differ from the base
	secret            bool  // the column's name says secret (password, token, ...)
	perRow            bool  // text: the fake follows the value and its row (rowctx.go)
	birth             bool  // datetime: the column's name says date of birth
}

// worker holds per-goroutine state: the PRF and a faker drawing from it.
type worker struct {
	key   *Key
	prf   *prf
	warp  warp // datetime's timeline map, the same for every value
	perms map[permKey][4]uint64
	// keyFacts caches what JSON keys say (secret, name-like).
	keyFacts map[string]keyFacts
	// labels caches fakeLabel for n == 0: domain suffixes repeat in
	// nearly every hostname.
	labels map[string][]byte
	// domains caches e-mail domains' fakes (nil: not a hostname).
	domains map[string][]byte
	// recentDomains: some of domains' entries, one compare away, looked
	// at before the map is hashed (a column's addresses share a handful)
	recentDomains [16]recentDomain
	lower         []byte
	saltBuf       []byte        // perRow kinds' PRF input
	phoneFmt      phoneFmtCache // the phone format last drawn
	row           rowCtx        // the row being rewritten (engine runs, fuzzy index)
	ids           []idPair      // ids replaced in the current document (prefix lookups)
	// visitPart, when set, is told each part of a URL that the url kind
	// would replace (fuzzy index: urlParts); the parts are kept.
	visitPart func(kind string, v []byte)
	// emb, when set, takes embedded values of collision-checked kinds to
	// the collision stage (embedded.go)
	emb *embedTracker
	// slab: where newOut carves fakes' slices from
	slab []byte
}

// slabSize is the size of a worker's slab of fakes (newOut).
const slabSize = 32 << 10

// newOut returns an empty slice of capacity n for a fake, carved from the
// worker's slab (one allocation for a few thousand short fakes where
// each took its own): a slice handed out is never handed out again nor
// written by the slab, so a fake stays valid as long as it is held, and
// an append past n moves it elsewhere. A fake longer than a slab's
// sixty-fourth gets an allocation of its own.
func (w *worker) newOut(n int) []byte {
	if n > slabSize/64 {
		return make([]byte, 0, n)
	}
	if cap(w.slab)-len(w.slab) < n {
		w.slab = make([]byte, 0, slabSize)
	}
	at := len(w.slab)
	w.slab = w.slab[:at+n]
	return w.slab[at : at : at+n]
}

// labelsMax bounds the label cache; it is cleared when full.
const labelsMax = 1 << 11

type permKey struct {
	domain string
	size   uint64
	n      int
}

func newWorker(k *Key) *worker {
	p := k.newPRF()
	w := &worker{key: k, prf: p, perms: map[permKey][4]uint64{},
		keyFacts: map[string]keyFacts{}, labels: map[string][]byte{}, domains: map[string][]byte{}}
	w.warp = newWarp(p)
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
		"date_of_birth":  kindDateOfBirth,
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
		"iqn":            kindIQN,      // inside JSON only
		// personal data (kinds_personal.go); phone also for JSON's phone-like keys
		"phone":          kindPhoneNumber,
		"national_id":    kindNationalID,
		"iban":           kindIBAN,
		"card_number":    kindCardNumber,
		"person_name":    kindPersonName,
		"street_address": kindStreetAddress,
		"shape":          kindShape,
		"secret":         kindSecret, // JSON's secret keys, secret-named string columns
		"token":          kindToken,  // tokens inside free text
	}
}

// keptAsIs: values a kind leaves as they are by design (they carry
// nothing of the donor's): the nil UUID, sentinel dates, zero, a URL
// that is only a scheme.
func keptAsIs(kind string, v []byte) bool {
	switch kind {
	case "uuid":
		return isNilID(v)
	case "datetime":
		return isSentinel(string(v))
	case "date_of_birth":
		return isBirthSentinel(string(v))
	case "integer":
		return len(bytes.Trim(v, "0-+")) == 0
	case "cidr":
		// every address: a /0 has no network bits to replace
		p, err := netip.ParsePrefix(string(v))
		return err == nil && p.Bits() == 0 && p.Addr().IsUnspecified()
	case "url":
		// nothing but a scheme: Nova's cell0 transport URL is "none:///"
		_, rest, ok := bytes.Cut(v, []byte("://"))
		return ok && len(bytes.Trim(rest, "/")) == 0
	}
	return false
}

// fallback replaces a value a kind cannot parse with text that keeps no
// per-position trace of it (kinds_token.go): a token-shaped value random
// characters of its alphabet, other text fake words and digits, a value
// of a secret-named column kindSecret's. It is deterministic like
// everything else, and counted in the summary.
func fallback(w *worker, c *colInfo, in []byte, n int) result {
	if c.secret {
		res := kindSecret(w, c, in, n)
		res.fallback = true
		return res
	}
	return result{out: freeText(w.newOut(len(in)+8), w.rng("fallback", in, n), in, c.maxLen), fallback: true}
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

// fitLength cuts ASCII output to the column's length.
func fitLength(b []byte, max int) []byte {
	if max > 0 && len(b) > max {
		return b[:max]
	}
	return b
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
