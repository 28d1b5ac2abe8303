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
		{"CJK UNIFIED IDEOGRAPH-6E21", '渡', true},
		{"cjk unified ideograph-20000", 0x20000, true},
		{"CJK UNIFIED IDEOGRAPH-0041", 0, false},
		{"HANGUL SYLLABLE GIM", '김', true},
		{"HANGUL SYLLABLE MIN", '민', true},
		{"HANGUL SYLLABLE A", '아', true},
		{"HANGUL SYLLABLE GGAG", '깍', true},
		{"HANGUL SYLLABLE HIH", 0xD7A3, true},
		{"HANGUL SYLLABLE Q", 0, false},
		{"NO SUCH LETTER", 0, false},
		{"", 0, false},
	} {
		if r, ok := Lookup(tc.name); r != tc.r || ok != tc.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.name, r, ok, tc.r, tc.ok)
		}
	}
}

// TestNameRoundTrip: every name Name writes, Lookup reads back.
func TestNameRoundTrip(t *testing.T) {
	for _, r := range []rune{'ë', 'Ш', '渡', '辺', 0x3400, 0x20000, 0xF900, 0xAC00, '김', 0xD7A3} {
		n := Name(r)
		if got, ok := Lookup(n); !ok || got != r {
			t.Errorf("Lookup(Name(%U) = %q) = %U, %v", r, n, got, ok)
		}
	}
}
