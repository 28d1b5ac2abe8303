package scrub

import "testing"

// TestNumbersAloneHaveWindows: a values list of numbers only (cards,
// phones, IBANs: no piece of letters) still has its numbers' windows
// looked for: the pieces' filter held them in its second level only
// and read as empty, so none was (a card cut to 15 digits was left).
func TestNumbersAloneHaveWindows(t *testing.T) {
	vs, ix := secretsOf([]string{"4539148803436467"})
	checkGone(t, vs, ix, []lineCase{
		{"card 453914880343646 (cut)", "45391488034364"},
		{"card 45391488034364", "45391488034364"},
		{"id x539148803436467y", "53914880343646"},
		{"card 4539148803436 and 12345678901234", ""},
	})
}
