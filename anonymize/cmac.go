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
func (c *cmac) sum(msg []byte) [16]byte {
	x := &c.x
	var x0, x1 uint64
	for len(msg) > 16 {
		x0 ^= le64(msg)
		x1 ^= le64(msg[8:])
		binary.LittleEndian.PutUint64(x[:], x0)
		binary.LittleEndian.PutUint64(x[8:], x1)
		c.b.Encrypt(x[:], x[:])
		x0, x1 = le64(x[:]), le64(x[8:])
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
	x0 ^= le64(blk[:]) ^ le64(k[:])
	x1 ^= le64(blk[8:]) ^ le64(k[8:])
	binary.LittleEndian.PutUint64(x[:], x0)
	binary.LittleEndian.PutUint64(x[8:], x1)
	c.b.Encrypt(x[:], x[:])
	return *x
}

// tag of (domain, sep, value, optional counter).
func (c *cmac) tag(domain string, sep byte, value []byte, n int) [16]byte {
	c.msg = append(c.msg[:0], domain...)
	c.msg = append(c.msg, sep)
	c.msg = append(c.msg, value...)
	if n > 0 {
		c.msg = append(c.msg, 0, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	return c.sum(c.msg)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
