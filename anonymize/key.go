// Package anonymize rewrites confidential values consistently: every fake
// value is derived from a keyed pseudo-random function of (kind, original
// value), so the same key gives byte-identical output, a value anonymized
// in one table matches its twin in every other table and inside JSON, and
// without the key nothing links a fake back to its original.
//
// The PRF is AES-CMAC (NIST SP 800-38B) under a 256-bit AES key derived
// from the anonymization key with HMAC-SHA256. SipHash would be as fast
// but gives 64 bits, too few to seed fakes and to keep millions of values
// apart; HMAC-SHA256 is the textbook choice but costs several hundred
// nanoseconds a value, which made it the anonymizer's bottleneck; CMAC is
// a standard PRF (assuming AES is a pseudo-random permutation) running on
// AES instructions. Its 128-bit tag seeds the small random stream
// (xoshiro256**) from which every fake is drawn.
package anonymize

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	mrand "math/rand/v2"
	"os"
	"strings"
)

// MinKeyBytes is the shortest key accepted: 128 bits.
const MinKeyBytes = 16

// Key is a secret anonymization key.
type Key struct {
	secret []byte
}

// ErrShortKey is returned for keys under 128 bits.
var ErrShortKey = errors.New("anonymization key shorter than 128 bits")

// NewKey wraps secret, which must be at least MinKeyBytes long.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinKeyBytes {
		return nil, fmt.Errorf("%w (%d bits)", ErrShortKey, 8*len(secret))
	}
	return &Key{secret: append([]byte(nil), secret...)}, nil
}

// ParseKey reads a key as written by GenerateKeyFile (hex), or any other
// text of at least 128 bits: hex is decoded, other text is used as bytes.
func ParseKey(text string) (*Key, error) {
	t := strings.TrimSpace(text)
	if b, err := hex.DecodeString(t); err == nil {
		return NewKey(b) // hex text is a hex key, and its decoded length counts
	}
	return NewKey([]byte(t))
}

// LoadKeyFile reads a key file.
func LoadKeyFile(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// GenerateKeyFile makes a random 256-bit key and writes it (hex, mode
// 0600) to path, which must not exist.
func GenerateKeyFile(path string) (*Key, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("save generated key: %w", err)
	}
	if _, err := fmt.Fprintln(f, hex.EncodeToString(secret)); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return NewKey(secret)
}

// prf computes the keyed tag of (domain, value, counter) (cmac.tag) for
// one goroutine; it is not safe for concurrent use. The 16-byte tag seeds
// a xoshiro256** stream from which fakes draw.
type prf struct {
	mac *cmac
	src *xoshiro
	rng *mrand.Rand
}

func (k *Key) newPRF() *prf {
	src := &xoshiro{}
	return &prf{mac: newCMAC(k.secret), src: src, rng: mrand.New(src)}
}

// seed derives a 128-bit tag for (domain, value, n) and reseeds the random
// stream from it. n > 0 re-derives after a collision.
func (p *prf) seed(domain string, value []byte, n int) *mrand.Rand {
	t := p.mac.tag(domain, 0, value, n)
	a, b := le64(t[:8]), le64(t[8:])
	p.src.s = [4]uint64{a, b, splitmix(a), splitmix(b ^ 0x5851f42d4c957f2d)}
	if p.src.s == [4]uint64{} {
		p.src.s[0] = 1
	}
	return p.rng
}

// digitsPerDraw: the decimal digits appendDigits takes from one 64-bit
// output, the leading digits of its value read as a fraction in [0, 1)
// (multiply by ten, the high word is the digit, the low word the rest):
// the k-th comes from a value uniform on the multiples of 2^(k-1), so it
// is off uniform by at most 2^(k-65).
const digitsPerDraw = 12

// appendDigits appends n random decimal digits drawn from r, twelve from
// each output: a phone number's ten digits cost one or two draws where a
// draw a digit (r.IntN(10)) cost ten.
func appendDigits(out []byte, r *mrand.Rand, n int) []byte {
	for n > 0 {
		x, k := r.Uint64(), min(n, digitsPerDraw)
		for ; k > 0; k-- {
			var d uint64
			d, x = bits.Mul64(x, 10)
			out = append(out, byte('0'+d))
			n--
		}
	}
	return out
}
