package anonymize

import (
	mrand "math/rand/v2"
	"testing"
)

// TestAppendDigits: every place of a drawn run of digits is uniform (a
// chi-square test at each of the first 30 places, 9 degrees of freedom),
// and so are the places across the draws' boundary.
func TestAppendDigits(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	const runs, places = 20000, 30
	var counts [places][10]int
	var out []byte
	for i := 0; i < runs; i++ {
		out = appendDigits(out[:0], r, places)
		if len(out) != places {
			t.Fatalf("%d digits, want %d", len(out), places)
		}
		for k, c := range out {
			if c < '0' || c > '9' {
				t.Fatalf("%q is not a digit", c)
			}
			counts[k][c-'0']++
		}
	}
	for k := range counts {
		chi := 0.0
		for _, n := range counts[k] {
			d := float64(n) - runs/10
			chi += d * d / (runs / 10)
		}
		if chi > 27.9 { // p = 0.001 at 9 degrees of freedom
			t.Errorf("digit %d: chi-square %.1f: not uniform (%v)", k, chi, counts[k])
		}
	}
}
