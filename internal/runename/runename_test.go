package runename

import "testing"

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    rune
		ok   bool
	}{
		{"LATIN SMALL LETTER E WITH DIAERESIS", 'ë', true},
		{"latin capital letter a with ring above", 'Å', true},
		{"CYRILLIC CAPITAL LETTER SHA", 'Ш', true},
		{"GREEK SMALL LETTER FINAL SIGMA", 'ς', true},
		{"LATIN SMALL LETTER E WITH CIRCUMFLEX AND TILDE", 'ễ', true},
		{"NO SUCH LETTER", 0, false},
		{"", 0, false},
	} {
		if r, ok := Lookup(tc.name); r != tc.r || ok != tc.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.name, r, ok, tc.r, tc.ok)
		}
	}
}
