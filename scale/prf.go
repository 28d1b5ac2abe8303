package scale

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"math/bits"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
)

// prf is the keyed pseudo-random source of every decision and every new
// value: SipHash-2-4 under keys derived from the user's key. A copy's
// values must not be linkable to each other or to their original without
// the key (linking them counts the originals), and there are many of
// them: SipHash is a PRF for short inputs and costs tens of nanoseconds.
type prf struct {
	k0, k1 uint64
}

func newPRF(k *anonymize.Key) (*prf, error) {
	// The key reaches duckface through the anonymize deriver: the fakes
	// it derives (keyed) for two fixed UUIDs seed an HMAC that yields the
	// SipHash key, so every decision follows the key without exposing
	// it. (A value the kind cannot parse derives nothing: the seed would
	// be a constant and every decision the same under any key.)
	d := anonymize.NewDeriver(k)
	m := hmac.New(sha256.New, []byte("duckface siphash key"))
	for _, in := range []string{"6475636b-6661-4365-a06b-657900000001", "6475636b-6661-4365-a06b-657900000002"} {
		v, ok := d.Derive("uuid", []byte(in), 0, 0)
		if !ok || string(v) == in {
			return nil, errors.New("scale: the key derived no decision seed")
		}
		m.Write(v)
	}
	sum := m.Sum(nil)
	return &prf{k0: binary.LittleEndian.Uint64(sum), k1: binary.LittleEndian.Uint64(sum[8:])}, nil
}

// salted is the source of one run's decisions: the key's, mixed with a
// digest of the run's options (the factor asked for, the targets, the
// size, the jitter, the window...). Two dumps scaled differently under
// one key then draw independently (their counts' ratio is not the ratio
// of the factors asked for), and the same command gives the same output.
func (p *prf) salted(run []byte) *prf {
	a := p.hash(dRun, 0, 0, run)
	b := p.hash(dRun, 1, 0, run)
	return &prf{k0: mix64(p.k0 ^ a), k1: mix64(p.k1 ^ b)}
}

// hash is SipHash-2-4 of (domain, a, b, data).
func (p *prf) hash(domain uint64, a, b uint64, data []byte) uint64 {
	s := sipState{v0: p.k0 ^ 0x736f6d6570736575, v1: p.k1 ^ 0x646f72616e646f6d, v2: p.k0 ^ 0x6c7967656e657261, v3: p.k1 ^ 0x7465646279746573}
	s.block(domain)
	s.block(a)
	s.block(b)
	n := len(data)
	for len(data) >= 8 {
		s.block(binary.LittleEndian.Uint64(data))
		data = data[8:]
	}
	var last [8]byte
	copy(last[:], data)
	last[7] = byte(n + 24)
	s.block(binary.LittleEndian.Uint64(last[:]))
	s.v2 ^= 0xff
	s.round()
	s.round()
	s.round()
	s.round()
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3
}

type sipState struct{ v0, v1, v2, v3 uint64 }

func (s *sipState) round() {
	s.v0 += s.v1
	s.v1 = bits.RotateLeft64(s.v1, 13) ^ s.v0
	s.v0 = bits.RotateLeft64(s.v0, 32)
	s.v2 += s.v3
	s.v3 = bits.RotateLeft64(s.v3, 16) ^ s.v2
	s.v0 += s.v3
	s.v3 = bits.RotateLeft64(s.v3, 21) ^ s.v0
	s.v2 += s.v1
	s.v1 = bits.RotateLeft64(s.v1, 17) ^ s.v2
	s.v2 = bits.RotateLeft64(s.v2, 32)
}

func (s *sipState) block(m uint64) {
	s.v3 ^= m
	s.round()
	s.round()
	s.v0 ^= m
}

// Domains keep the uses of the PRF apart.
const (
	dJitter uint64 = iota + 1
	dWeight
	dStart
	dOrder
	dFanout
	dPick
	dShuffle
	dFamily
	dWarp
	dHome
	dFresh
	dNumber
	dKey
	dPartner
	dPerm
	dNoise
	dRow
	dSoft
	dTemplate
	dRun
	dFanScale
	dIDs
)

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

func (p *prf) unit(domain, a, b uint64) float64 { return unit(p.hash(domain, a, b, nil)) }

// normal is a standard normal deviate from two hashes (Box-Muller).
func (p *prf) normal(domain, a, b uint64) float64 {
	u1 := (float64(p.hash(domain, a, b, nil)>>11) + 0.5) / (1 << 53)
	u2 := unit(p.hash(domain, a, b^0x9e3779b97f4a7c15, nil))
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// mix64 is splitmix64's finalizer, a bijection of 64-bit words.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// stream is a fast generator seeded from one PRF output, for the many
// random digits of one new value (splitmix64: each output is a bijective
// mix of the seed and a counter, so distinct seeds give distinct streams).
type stream struct {
	s    uint64
	bits uint64 // unused random bits for nibble
	left uint
	// loose: words of new text need not keep their lengths (fresh
	// values; keys and fixed forms keep them)
	loose bool
}

// nibble is 4 random bits (a hex digit), 16 from each output.
func (r *stream) nibble() byte {
	if r.left == 0 {
		r.bits, r.left = r.next(), 16
	}
	x := byte(r.bits & 15)
	r.bits >>= 4
	r.left--
	return x
}

// u16 is 16 random bits (four nibbles of the cache): a word of a list,
// a length.
func (r *stream) u16() uint64 {
	if r.left < 4 {
		r.bits, r.left = r.next(), 16
	}
	x := r.bits & 0xffff
	r.bits >>= 16
	r.left -= 4
	return x
}

// digit is uniform in 0..9 (from a nibble, rejecting 10..15).
func (r *stream) digit() byte {
	for {
		if x := r.nibble(); x < 10 {
			return x
		}
	}
}

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn is uniform in [0, n).
func (r *stream) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// perm is a keyed permutation of [0, n) (a Feistel network on the
// smallest even power of two at or above n, cycling until the value falls
// inside): dense new values for integer keys other than the row's id.
type perm struct {
	p     *prf
	tweak uint64
	n     uint64
	half  uint
	mask  uint64
}

func newPerm(p *prf, tweak uint64, n int) *perm {
	bitsN := uint(bits.Len64(uint64(max(n, 2) - 1)))
	if bitsN%2 == 1 {
		bitsN++
	}
	h := bitsN / 2
	return &perm{p: p, tweak: tweak, n: uint64(n), half: h, mask: 1<<h - 1}
}

func (q *perm) at(x uint64) uint64 {
	for {
		l, r := x>>q.half, x&q.mask
		for round := uint64(0); round < 4; round++ {
			l, r = r, l^(q.p.hash(dPerm, q.tweak, round<<32|r, nil)&q.mask)
		}
		x = l<<q.half | r
		if x < q.n {
			return x
		}
	}
}
