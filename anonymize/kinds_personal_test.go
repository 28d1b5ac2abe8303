package anonymize

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/piidb"
)

func valid(name string, ok func([]byte) bool) func(string) error {
	return func(out string) error {
		if !ok([]byte(out)) {
			return fmt.Errorf("%q is not a valid %s", out, name)
		}
		return nil
	}
}

func shaped(pattern string) func(string) error {
	re := regexp.MustCompile(pattern)
	return func(out string) error {
		if !re.MatchString(out) {
			return fmt.Errorf("%q does not match %s", out, pattern)
		}
		return nil
	}
}

var personalCases = []kindCase{
	{kind: "phone", in: "+1 (555) 013-4567", check: shaped(`^\+1 \(\d{3}\) \d{3}-\d{4}$`)},
	{kind: "phone", in: "030 1234567", check: shaped(`^0\d{2} \d{7}$`)},
	{kind: "phone", in: "+44 20 7946 0958", check: valid("phone", isPhone)},
	{kind: "national_id", in: "123-45-6789", check: valid("SSN", isNationalID)},
	{kind: "national_id", in: "12345678Z", check: valid("DNI", isNationalID)},
	{kind: "national_id", in: "X1234567L", check: valid("NIE", isNationalID)},
	{kind: "national_id", in: "AB 12 34 56 C", check: shaped(`^AB \d\d \d\d \d\d C$`)},
	{kind: "iban", in: "DE89370400440532013000", check: valid("IBAN", isIBAN)},
	{kind: "iban", in: "GB29 NWBK 6016 1331 9268 19", check: shaped(`^GB\d\d [A-Z]{4} \d{4} \d{4} \d{4} \d\d$`)},
	{kind: "card_number", in: "4111111111111111", check: valid("card number", isCardNumber)},
	{kind: "card_number", in: "5500 0000 0000 0004", check: shaped(`^55\d\d \d{4} \d{4} \d{4}$`)},
	{kind: "card_number", in: "378282246310005", check: valid("card number", isCardNumber)},
	{kind: "person_name", in: "Maria González", check: valid("person name", isPersonName)},
	{kind: "person_name", in: "Jan van der Berg", check: shaped(`^[A-Z][a-z]+ van der [A-Z][a-z]+$`)},
	{kind: "street_address", in: "1234 Elm Street", check: shaped(`^\d{4} [A-Z][a-z]+ Street$`)},
	{kind: "street_address", in: "Hauptstraße 17", check: shaped(`^[A-Z][a-z]+straße \d\d$`)},
	{kind: "shape", in: "SKU-00012", check: shaped(`^[A-Z]{3}-\d{5}$`)},
}

func TestKindsPersonal(t *testing.T) {
	runKindCases(t, personalCases, "testdata/kinds_personal.golden")
}

// TestPersonalKindsHideDigits is the attacker's side: over the shop
// fixture's values, the fakes' digits (past what a kind keeps: a card's
// network, a phone's trunk 0) agree with the original's no more often
// than chance (1 in 10), and no fake equals its original.
func TestPersonalKindsHideDigits(t *testing.T) {
	w := newWorker(testKey(t, "attack"))
	gen := map[string]func(i int) string{
		"card_number": func(i int) string { return piidb.Luhn(fmt.Sprintf("4%014d", i*7919)) },
		"iban":        func(i int) string { return piidb.IBAN("DE", fmt.Sprintf("%018d", i*104729)) },
		"phone":       func(i int) string { return fmt.Sprintf("+1 (555) %03d-%04d", i%1000, i*37%10000) },
		"national_id": func(i int) string { return fmt.Sprintf("%03d-%02d-%04d", 1+i%600, 1+i%98, 1+i*31%9998) },
	}
	for kind, mk := range gen {
		same, total := 0, 0
		for i := 1; i <= 300; i++ {
			in := mk(i)
			out := string(kindFuncs[kind](w, &colInfo{}, []byte(in), 0).out)
			if out == in {
				t.Errorf("%s: %q unchanged", kind, in)
			}
			a, b := digitsOf(in), digitsOf(out)
			if len(a) != len(b) {
				t.Errorf("%s: %q -> %q changes the digit count", kind, in, out)
				continue
			}
			skip := map[string]int{"card_number": 2, "iban": 4, "phone": 1}[kind] // +1
			for k := skip; k < len(a)-1; k++ {                                    // the last digit is a check digit
				total++
				if a[k] == b[k] {
					same++
				}
			}
		}
		if rate := float64(same) / float64(total); rate > 0.13 {
			t.Errorf("%s: %.1f%% of digits survive (chance is 10%%)", kind, 100*rate)
		}
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// FuzzPersonalKinds: the personal-data kinds never panic, and a value
// that passes its class's check still passes it once anonymized (a card
// still passes Luhn, an IBAN mod 97, an SSN its ranges).
func FuzzPersonalKinds(f *testing.F) {
	for _, tc := range personalCases {
		f.Add(tc.in)
	}
	f.Add("+1 (555) 013-4567 ext. 9")
	f.Add("Straße 1, 12345 Berlin")
	w := newWorker(testKey(f, "fuzz"))
	checks := map[string]func([]byte) bool{"card_number": isCardNumber, "iban": isIBAN, "national_id": isNationalID, "phone": isPhone, "person_name": isPersonName}
	f.Fuzz(func(t *testing.T, in string) {
		for _, kind := range []string{"phone", "national_id", "iban", "card_number", "person_name", "street_address", "shape"} {
			res := kindFuncs[kind](w, &colInfo{maxLen: 255}, []byte(in), 0)
			if ok := checks[kind]; ok != nil && ok([]byte(in)) && !res.fallback && !ok(res.out) {
				t.Errorf("%s(%q) = %q: no longer valid", kind, in, res.out)
			}
		}
	})
}
