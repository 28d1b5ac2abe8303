package anonymize

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// cmac is AES-CMAC (NIST SP 800-38B, RFC 4493) with a 256-bit key: a
// PRF on variable-length input, computed with AES instructions in a few
// tens of nanoseconds for a short value, where HMAC-SHA256 takes several
// hundred. Its key is derived from the anonymization key with
// HMAC-SHA256, so the secret itself never keys AES directly.
type cmac struct {
	b      cipher.Block
	k1, k2 [16]byte
	msg    []byte
	x      [16]byte // the chaining block; a field so Encrypt's slice needn't escape per call
	// heads: the chaining state after the header blocks of the last few
	// (domain, sep, n) (tag), replaced in turn
	heads [8]head
	next  int
}

// head is the CBC state after a header's blocks.
type head struct {
	domain string
	sep    byte
	n      int
	ok     bool
	x0, x1 uint64
}

func newCMAC(secret []byte) *cmac {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("fuzzyduck aes-cmac key"))
	b, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	c := &cmac{b: b}
	var l [16]byte
	b.Encrypt(l[:], l[:])
	c.k1 = dbl(l)
	c.k2 = dbl(c.k1)
	return c
}

// dbl doubles in GF(2^128).
func dbl(x [16]byte) [16]byte {
	var out [16]byte
	carry := x[0] >> 7
	for i := 0; i < 15; i++ {
		out[i] = x[i]<<1 | x[i+1]>>7
	}
	out[15] = x[15] << 1
	if carry != 0 {
		out[15] ^= 0x87
	}
	return out
}

// sum computes the tag of msg, XORing eight bytes at a time.
func (c *cmac) sum(msg []byte) [16]byte { return c.finish(0, 0, msg) }

// finish computes the tag of a message from the chaining state x0, x1
// after its first blocks (none: 0, 0) and the rest of it, msg (not empty
// unless it is the whole message).
func (c *cmac) finish(x0, x1 uint64, msg []byte) [16]byte {
	x := &c.x
	for len(msg) > 16 {
		x0, x1 = c.block(x0^le64(msg), x1^le64(msg[8:]))
		msg = msg[16:]
	}
	// the last block: whole (XOR K1) or padded with 0x80 0... (XOR K2)
	var blk [16]byte
	copy(blk[:], msg)
	k := &c.k1
	if len(msg) < 16 {
		blk[len(msg)] = 0x80
		k = &c.k2
	}
	c.block(x0^le64(blk[:])^le64(k[:]), x1^le64(blk[8:])^le64(k[8:]))
	return *x
}

// block encrypts the block x0, x1 (little-endian halves) into c.x and
// returns it as halves.
func (c *cmac) block(x0, x1 uint64) (uint64, uint64) {
	x := &c.x
	binary.LittleEndian.PutUint64(x[:], x0)
	binary.LittleEndian.PutUint64(x[8:], x1)
	c.b.Encrypt(x[:], x[:])
	return le64(x[:]), le64(x[8:])
}

// tag is the CMAC of (domain, sep, value, counter n) encoded as a header
// of whole blocks, then the value:
//
//	len(domain) || domain || sep || n (4 bytes, little-endian) || 0... || value
//
// The header's blocks depend on the domain and the counter only, so the
// chaining state after them is kept (heads) and a value costs only its
// own blocks: one AES block for a value of up to 16 bytes (a name, a
// phone number, most e-mail local parts), where domain and value packed
// together took two. The security argument is unchanged: CMAC is a PRF
// on messages of any length (AES a pseudo-random permutation), and the
// encoding is injective: the length byte says where the domain ends, the
// header's length follows from it, and the counter has a fixed place
// (so no value can pose as another value's re-derivation). Domains are
// the kinds' fixed names, under 256 bytes. The kept state is CBC's
// intermediate block after the header under the same AES key, never
// output: every tag is bit for bit CMAC(K, header || value)
// (TestCMACTagHeader checks it against the plain computation), so CMAC's
// bound holds as it is (it needs no prefix-free encoding, unlike raw
// CBC-MAC: the final block is masked with K1 or K2). The key is as it
// was: one 256-bit AES key derived from the secret by HMAC-SHA256.
func (c *cmac) tag(domain string, sep byte, value []byte, n int) [16]byte {
	if len(value) == 0 { // the header is the whole message: its last block is final
		c.msg = appendHeader(c.msg[:0], domain, sep, n)
		return c.sum(c.msg)
	}
	x0, x1 := c.head(domain, sep, n)
	return c.finish(x0, x1, value)
}

// head is the chaining state after the header of (domain, sep, n).
func (c *cmac) head(domain string, sep byte, n int) (uint64, uint64) {
	for i := range c.heads {
		if h := &c.heads[i]; h.ok && h.n == n && h.sep == sep && h.domain == domain {
			return h.x0, h.x1
		}
	}
	c.msg = appendHeader(c.msg[:0], domain, sep, n)
	var x0, x1 uint64
	for m := c.msg; len(m) > 0; m = m[16:] {
		x0, x1 = c.block(x0^le64(m), x1^le64(m[8:]))
	}
	c.heads[c.next] = head{domain: domain, sep: sep, n: n, ok: true, x0: x0, x1: x1}
	c.next = (c.next + 1) % len(c.heads)
	return x0, x1
}

// appendHeader appends tag's header of (domain, sep, n), whole blocks.
func appendHeader(dst []byte, domain string, sep byte, n int) []byte {
	if len(domain) > 255 {
		panic("anonymize: PRF domain longer than 255 bytes: " + domain)
	}
	start := len(dst)
	dst = append(dst, byte(len(domain)))
	dst = append(dst, domain...)
	dst = append(dst, sep, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	for (len(dst)-start)%16 != 0 {
		dst = append(dst, 0)
	}
	return dst
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
