package anonymize

import (
	"crypto/aes"
	"encoding/hex"
	"fmt"
	"testing"
)

// RFC 4493's test vectors check the CMAC construction (with its AES-128
// example key; the anonymizer uses AES-256 the same way).
func TestCMACVectors(t *testing.T) {
	key, _ := hex.DecodeString("2b7e151628aed2a6abf7158809cf4f3c")
	b, _ := aes.NewCipher(key)
	c := &cmac{b: b}
	var l [16]byte
	b.Encrypt(l[:], l[:])
	c.k1, c.k2 = dbl(l), dbl(dbl(l))
	msg, _ := hex.DecodeString("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "bb1d6929e95937287fa37d129b756746"},
		{16, "070a16b46b4d4144f79bdd9dd04a287c"},
		{40, "dfa66747de9ae63030ca32611497c827"},
		{64, "51f0bebf7e3b9d92fc49741779363cfe"},
	} {
		got := c.sum(msg[:tc.n])
		if hex.EncodeToString(got[:]) != tc.want {
			t.Errorf("CMAC of %d bytes = %x, want %s", tc.n, got, tc.want)
		}
	}
}

// TestCMACTagHeader: tag, which starts from the kept state after a
// header, is the plain CMAC of header || value for every value length
// (one block, several, none), domains of one and two header blocks,
// counters, and more (domain, counter) pairs than it keeps.
func TestCMACTagHeader(t *testing.T) {
	c := newCMAC([]byte("0123456789abcdef0123456789abcdef"))
	ref := newCMAC([]byte("0123456789abcdef0123456789abcdef"))
	value := []byte("+1-499-782-8366 dennis.martin2@example.com, a longer value of several blocks")
	domains := []string{"string", "email-local", "fingerprint-key", "json-secret-number", "a", "", "hostname-label", "phone", "uuid", "text"}
	seen := map[[16]byte]string{}
	for round := 0; round < 2; round++ {
		for _, d := range domains {
			for _, n := range []int{0, 1, 2, 300} {
				for l := 0; l <= len(value); l++ {
					got := c.tag(d, 0, value[:l], n)
					want := ref.sum(append(appendHeader(nil, d, 0, n), value[:l]...))
					if got != want {
						t.Fatalf("tag(%q, 0, %d bytes, %d) = %x, CMAC of its encoding %x", d, l, n, got, want)
					}
					if round == 0 {
						what := fmt.Sprintf("%q %d %d", d, l, n)
						if prev, ok := seen[got]; ok {
							t.Fatalf("tag of %s equals that of %s", what, prev)
						}
						seen[got] = what
					}
				}
			}
		}
	}
	if c.tag("x", 1, []byte("v"), 0) == c.tag("x", 0, []byte("v"), 0) {
		t.Error("the separator byte does not change the tag")
	}
}
