package scale

import (
	"strings"
	"testing"
)

// TestAttackerStyleOfADownscale (E1): a downscale that kept its rows as
// they were (the e-mail inside the profile still the row's e-mail, the
// numbers and dates the original's) tells itself from an upscale, whose
// rows are all new: each dump then says on which side of its count the
// original lies, and two dumps bracket it. Kept rows must be as new as
// copies.
func TestAttackerStyleOfADownscale(t *testing.T) {
	set := samplerSet(t)
	donor := samplerDonor(2000, 7)
	dt := parseDump(t, donor).tables["users"]
	orig := map[string]bool{}
	for _, r := range dt.rows {
		orig[r[2]+"|"+r[3]+"|"+r[4]] = true
	}
	for _, f := range []float64{0.5, 0.85, 3} {
		for ki, k := range attackKeys(t, 2) {
			tb := parseDump(t, scaleDump(t, donor, Options{Factor: f, Exact: true, Key: k, Rules: set})).tables["users"]
			links, verbatim := 0, 0
			for _, r := range tb.rows {
				if strings.Contains(r[5], r[1]) {
					links++
				}
				if orig[r[2]+"|"+r[3]+"|"+r[4]] {
					verbatim++
				}
			}
			n := len(tb.rows)
			t.Logf("x%v key %d: %d rows; e-mail link kept in %d, original numbers and date in %d", f, ki, n, links, verbatim)
			if links*20 > n || verbatim*20 > n {
				t.Errorf("x%v key %d: the rows show their style: %d of %d keep the e-mail link, %d of %d the original's numbers and date", f, ki, links, n, verbatim, n)
			}
		}
	}
}
