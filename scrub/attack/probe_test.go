package attack

import (
	"strings"
	"testing"
)

// TestCheckIgnoresMarkerTags: a marker's keyed tag that happens to spell
// a token of the value ("0000" of "0000 000", a FuzzScrubPlanted find in
// CI) is no leak; the value itself left beside the marker still is.
func TestCheckIgnoresMarkerTags(t *testing.T) {
	v := Value{Kind: "v", Text: "0000 000"}
	plain := Forms[0]
	for _, tc := range []struct {
		name, with string
		leaks      int
	}{
		{"marker whose tag spells a token", "[scrubbed:v:0000]", 0},
		{"marker of another tag", "[scrubbed:v:3fa9]", 0},
		{"value left beside a marker", "[scrubbed:v:0000] 0000 000", 1},
	} {
		log, probes := Plant("a\n", "b\n", v, plain)
		out := strings.Replace(log, v.Text, tc.with, 1)
		leaks, _, err := Check(log, out, probes, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(leaks) != tc.leaks {
			t.Errorf("%s: %d leaks, want %d (%v)", tc.name, len(leaks), tc.leaks, leaks)
		}
	}
}
