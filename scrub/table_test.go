package scrub

import (
	"bytes"
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

// TestDigitAnchors: keys whose first 4 skeleton bytes are digits are
// anchored by their first 8 (long8) and, where fewer are left, by a
// tail anchor: such values are found whole among a log's numbers, and
// cut over two lines where the first line keeps 6 to 9 of their bytes
// (the tail anchor's case: fewer than 8 skeleton bytes left); numbers
// that only start like them stay.
func TestDigitAnchors(t *testing.T) {
	texts := []string{"4539148803436467", "51235808-bc37-41f7-885e-6446f8065fc0", "10.213.47.198", "2026 555 0142"}
	vals, ix := secretsOf(texts)
	for _, m := range scrubbersOf(t, vals, ix) {
		s, mode := m.s, m.name
		for _, v := range vals {
			line := "2026-11-21 10:00:00.000 4242 INFO step 1 of 500 value " + v.Text + " batch 1000"
			if out := scrubLine(t, s, line); strings.Contains(out, v.Text) {
				t.Errorf("%s: %q left whole: %q", mode, v.Text, out)
			}
			for cut := 6; cut <= 9; cut++ {
				a, b := v.Text[:cut], v.Text[cut:]
				log := "2026-11-21 10:00:00.000 4242 INFO value " + a + "\n" + b + " done\n"
				var out bytes.Buffer
				if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
					t.Fatal(err)
				}
				if o := out.String(); strings.Contains(o, a+"\n") || strings.Contains(o, "\n"+b+" ") {
					t.Errorf("%s: %q cut after %d left: %q", mode, v.Text, cut, o)
				}
			}
		}
		for _, line := range []string{"2026-11-21 10:00:00.000 4242 INFO 45391488 rows, 10213 ids, 5123580 bytes, 2026 554 0199 done"} {
			if out := scrubLine(t, s, line); out != line {
				t.Errorf("%s: clean line altered:\n%s\n%s", mode, line, out)
			}
		}
	}
}
