package scrub

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// maskForms: a value masked or cut short the ways logs and UIs do,
// other than card-style first 6 and last 4: first 8, last 6, first 6
// and last 6 around stars, x's or an ellipsis ("Staple****ttery!").
// Only a distinctive 6-character piece left is the attacker's
// (attack.Check).
var maskForms = []attack.Form{
	{Name: "first-8", Pieces: true, Render: func(v string) string {
		r := []rune(v)
		return "token " + string(r[:min(8, len(r))]) + "... (truncated)"
	}},
	{Name: "last-6", Pieces: true, Render: func(v string) string { r := []rune(v); return "key ends in ..." + string(r[max(0, len(r)-6):]) }},
	{Name: "stars-6-6", Pieces: true, Applies: func(v string) bool { return len([]rune(v)) >= 14 }, Render: func(v string) string {
		r := []rune(v)
		return "password " + string(r[:6]) + "****" + string(r[len(r)-6:]) + " set"
	}},
	{Name: "x-6-6", Pieces: true, Applies: func(v string) bool { return len([]rune(v)) >= 14 }, Render: func(v string) string {
		r := []rune(v)
		return "masked=" + string(r[:6]) + "xxxx" + string(r[len(r)-6:])
	}},
	{Name: "ellipsis-6-6", Pieces: true, Applies: func(v string) bool { return len([]rune(v)) >= 14 }, Render: func(v string) string {
		r := []rune(v)
		return "value " + string(r[:6]) + "…" + string(r[len(r)-6:]) + " ok"
	}},
}

// TestMaskForms: every corpus value in every mask form, known as
// plaintext and through an index. Open (issue #15, 1d): 71 of 126
// probes still leave a 6-character run the judge counts, in both
// modes: runs of a number's digits and separators ("+47 91", ".47.19":
// pieces of digits only are no keys by design), and runs that are
// common words' parts ("staple" of Staple7Battery!, "-shift", "d-berg"):
// commonPiece drops them. This is a ratchet: more leaks fail.
const maxMaskLeaks = 71

func TestMaskForms(t *testing.T) {
	vals, ix := corpusSecrets("values")
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		leaks, tried := 0, 0
		for _, v := range attack.Corpus {
			for _, f := range maskForms {
				if f.Applies != nil && !f.Applies(v.Text) {
					continue
				}
				tried++
				log, probes := attack.Plant("", "", v, f)
				var out bytes.Buffer
				if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
					t.Fatal(err)
				}
				ls, _, err := attack.Check(log, out.String(), probes, nil)
				if err != nil {
					t.Fatal(err)
				}
				leaks += len(ls)
			}
		}
		if tried == 0 || leaks > maxMaskLeaks {
			t.Errorf("index=%v: %d of %d masked probes leak", mode.Index != nil, leaks, tried)
		}
	}
}
