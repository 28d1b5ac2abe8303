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
	{kind: "phone", in: "+1 (555) 013-4567", check: valid("phone", isPhone)},
	{kind: "phone", in: "030 1234567", check: valid("phone", isPhone)},
	{kind: "phone", in: "+44 20 7946 0958", check: valid("phone", isPhone)},
	{kind: "phone", in: "+44 20 7946 0958", col: colInfo{params: map[string]string{"country": "49"}}, check: shaped(`^\+49[ (0-9)-]+$`)},
	{kind: "national_id", in: "123-45-6789", check: valid("SSN", isNationalID)},
	{kind: "national_id", in: "12345678Z", check: valid("DNI", isNationalID)},
	{kind: "national_id", in: "X1234567L", check: valid("NIE", isNationalID)},
	{kind: "national_id", in: "AB 12 34 56 C", check: shaped(`^AB \d\d \d\d \d\d C$`)},
	{kind: "iban", in: "DE89370400440532013000", check: valid("IBAN", isIBAN)},
	{kind: "iban", in: "GB29 NWBK 6016 1331 9268 19", check: shaped(`^GB\d\d [A-Z]{4} \d{4} \d{4} \d{4} \d\d$`)},
	{kind: "card_number", in: "4111111111111111", check: valid("card number", isCardNumber)},
	{kind: "card_number", in: "5500 0000 0000 0004", check: shaped(`^55\d\d \d{4} \d{4} \d{4}$`)},
	{kind: "card_number", in: "378282246310005", check: valid("card number", isCardNumber)},
	{kind: "card_number", in: "6011111111111117", check: valid("card number", isCardNumber)}, // (two digits do not make the issuer)
	{kind: "card_number", in: "2223003122003222", check: valid("card number", isCardNumber)},
	{kind: "card_number", in: "2702346310005", check: valid("card number", isCardNumber)}, // (FuzzPersonalKinds' find)
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
			if kind == "phone" { // its digit count is the format's: compare the last ten
				a, b = a[max(0, len(a)-10):], b[max(0, len(b)-10):]
			}
			if len(a) != len(b) {
				t.Errorf("%s: %q -> %q changes the digit count", kind, in, out)
				continue
			}
			skip := map[string]int{"card_number": 2, "iban": 4}[kind]
			for k := skip; k < len(a)-1; k++ { // the last digit is a check digit
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

// The attacker's side of phone numbers: the red team read the country
// from a fake's country code, separators and length. Numbers of five
// countries in one column come out in one format (so their outputs
// cannot be told apart by it), the format changes with the column and
// the key, and no country code is written unless the rules give one.
func TestPhoneFormatTellsNoCountry(t *testing.T) {
	ins := []string{"+44 20 7946 0958", "+1 (555) 013-4567", "030 1234567", "+49 30 12345678", "0612345678", "+81-3-1234-5678", "(02) 9876 5432"}
	shape := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return 'N'
			}
			return r
		}, s)
	}
	formats := map[string]bool{}
	for _, k := range []string{"k1", "k2", "k3"} {
		w := newWorker(testKey(t, "phone-"+k))
		for col := 0; col < 8; col++ {
			c := &colInfo{family: fmt.Sprintf("users.phone%d", col), maxLen: 32}
			shapes := map[string]bool{}
			for _, in := range ins {
				out := string(kindPhoneNumber(w, c, []byte(in), 0).out)
				if !isPhone([]byte(out)) || strings.HasPrefix(out, "+") {
					t.Errorf("%q -> %q: not a phone number without a country code", in, out)
				}
				shapes[shape(out)] = true
			}
			if len(shapes) != 1 {
				t.Errorf("one column, %d formats (they follow the originals): %v", len(shapes), shapes)
			}
			for s := range shapes {
				formats[s] = true
			}
		}
	}
	if len(formats) < 4 {
		t.Errorf("24 columns under 3 keys share %d formats: %v", len(formats), formats)
	}
	w := newWorker(testKey(t, "phone-cc"))
	c := &colInfo{family: "users.phone", maxLen: 32, params: map[string]string{"country": "44"}}
	for _, in := range ins {
		if out := kindPhoneNumber(w, c, []byte(in), 0).out; !strings.HasPrefix(string(out), "+44") || !isPhone(out) {
			t.Errorf("country=44: %q -> %q", in, out)
		}
	}
	if out := kindPhoneNumber(w, &colInfo{maxLen: 10}, []byte(ins[0]), 0).out; len(out) > 10 || len(out) < 7 {
		t.Errorf("a varchar(10) gets %q", out)
	}
}
