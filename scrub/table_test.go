package scrub

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMayGoOnLengths: mayGoOn's lengths by longest per residue say what
// trying every length up to maxLen says, and a tail long enough for the
// heads table goes on only if its head is there.
func TestMayGoOnLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		tb := newTable(4, 1)
		for range 1 + r.IntN(12) {
			tb.setLen(4 + r.IntN(maxScan-3))
		}
		for range 200 {
			rest := 4 + r.IntN(maxScan)
			tail := []byte(strings.Repeat("k", rest))
			lm := r.Uint64() & tb.lenBits
			want := false
			for n := rest + 1; n <= tb.maxLen; n++ {
				if tb.lens[n] && lm&(1<<(n&63)) != 0 {
					want = true
				}
			}
			if rest >= headShort {
				n := min(rest, headLong)
				if n == 7 {
					n = headShort
				}
				want = want && tb.heads.has(tb.headHash(tail, n))
			}
			if got := tb.mayGoOn(tail, lm); got != want {
				t.Fatalf("lengths %v, rest %d, mask %x: mayGoOn %v, want %v", tb.longest, rest, lm, got, want)
			}
		}
	}
}
