package anonymize

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// appendLower agrees with bytes.ToLower on every byte value, at every
// length and offset (its eight-byte steps and its tail), appended after
// what dst holds.
func TestAppendLower(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	cases := [][]byte{nil, all, []byte("Dennis.MARTIN@Example.COM"), []byte("ÅSA.Öberg@Bücher.DE"), []byte("@[\\]^_`{|}~AZaz")}
	for n := 0; n < 3000; n++ {
		b := make([]byte, r.IntN(40))
		for i := range b {
			switch r.IntN(8) {
			case 0:
				b[i] = byte(r.IntN(256))
			default:
				b[i] = byte(0x40 + r.IntN(0x20)) // around A-Z
			}
		}
		if r.IntN(2) == 0 {
			for i := range b {
				b[i] &= 0x7f
			}
		}
		cases = append(cases, b)
	}
	for _, b := range cases {
		for _, prefix := range []string{"", "pre"} {
			got := appendLower([]byte(prefix), b)
			want := append([]byte(prefix), bytes.ToLower(b)...)
			if !bytes.Equal(got, want) {
				t.Fatalf("appendLower(%q, %q) = %q, want %q", prefix, b, got, want)
			}
		}
	}
}
