package anonymize

import (
	"bytes"
	"testing"
)

var textCases = []kindCase{
	{kind: "username", in: "jdoe", check: re(`[a-z0-9._-]+`)},
	// words stay words (their number, order, punctuation and case style),
	// not their lengths
	{kind: "string", in: "My secret instance", check: re(`[A-Z][a-z]+ [a-z]+ [a-z]+`)},
	{kind: "string", in: "héllo wörld", check: re(`[a-z]+ [a-z]+`)},
	{kind: "string", in: "a long display name", col: colInfo{maxLen: 5}, check: re(`.{1,5}`)},
	{kind: "string", in: "web-server-0042", check: re(`[a-z]+-[a-z]+-\d{4}`)},
	{kind: "string", in: "c592df4a86933b92addc9842402ddf198c638ea9be58916ee6e3734e1e3152f8", check: re(`[0-9a-f]{64}`)},
	{kind: "string", in: "tok_5d41402abc4b2a76b9719d911017c592", check: re(`tok_[0-9a-f]{32}`)},
	{kind: "string", in: "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", check: re(`\$2b\$12\$[./A-Za-z0-9]{53}`)},
	{kind: "string", in: "pbkdf2_sha256$260000$Qx1vXqJDa0nU$kRq3O8m4yGWxYl7FhP0cZQ2bL5tN9vS1dE6aUoI8jHk=", check: re(`pbkdf2_sha256\$260000\$[A-Za-z0-9]{12}\$[A-Za-z0-9+/]{43}=`)},
	{kind: "string", in: "Order A1B2C3 shipped", check: re(`[A-Z][a-z]+ [A-Z0-9]{6} [a-z]+`)},
	{kind: "text", in: "Customer ACME's database server, do not touch.", check: re(`[A-Z][a-z ]{45,57}`)},
	{kind: "secret", in: "Hunter2!Secret", check: re(`[A-Za-z0-9]{16}`)},
	{kind: "secret", in: "4921", check: re(`\d{4}`)},
	{kind: "key_name", in: "mykey", check: re(`[a-z-]+`)},
}

func TestKindsText(t *testing.T) { runKindCases(t, textCases, "testdata/kinds_text.golden") }

// A hash's format stays (its scheme's known name, its parameters), a
// word of the value's own in the scheme's place does not.
func TestSecretKeepsOnlyKnownSchemes(t *testing.T) {
	w := newWorker(testKey(t, "schemes"))
	for _, tc := range []struct{ in, keep, gone string }{
		{"$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", "$argon2id$v=19$m=65536,t=3,p=4$", "c2FsdHNhbHQ"},
		{"$6$rounds=5000$saltsalt$Zm9vYmFyYmF6cXV4", "$6$rounds=5000$", "saltsalt"},
		{"a000$0$0000000000", "", "a000"},
		{"$tiramisu$12$abcdefgh12345678", "", "tiramisu"},
		{"wrongname$260000$Qx1vXqJDa0nU$kRq3O8m4yGWxYl7F", "", "wrongname"},
		{"sha1$1234567890123$Qx1vXqJDa0nU$kRq3O8m4yGWxYl7F", "sha1$", "1234567890123"},
		{"$1$0100$abcdefgh12345678", "$1$", "0100"}, // md5-crypt: a salt, no count
		{"1$0100$00000000", "1$", "0100"},           // (FuzzURL's find)
		{"1$1000=$00000000", "1$", "1000"},          // no parameter's name before '=' (FuzzURL's find)
		{"1$AAAA=$00000000", "1$", "AAAA"},          // (FuzzURL's find)
		{"$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", "$scrypt$ln=16,r=8,p=1$", "aM15713r3X"},
		{"$bcrypt-sha256$v=2,t=2b,r=12$n79VH.0Q2TMWmt3Oqt9uku$Kq4Noyk3094Y2QlB8NdRT8SvGiI4ft2", "$bcrypt-sha256$v=2,t=2b,r=12$", "n79VH.0Q2T"},
		{"$pbkdf2-sha256$29000$N2bsXQ$abcdefgh12345678", "$pbkdf2-sha256$29000$", "N2bsXQ"}, // a count stays
		{"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", "$2b$12$", "R9h/cIPz"},
	} {
		out := kindSecret(w, &noColumn, []byte(tc.in), 0).out
		if !bytes.HasPrefix(out, []byte(tc.keep)) || bytes.Contains(out, []byte(tc.gone)) {
			t.Errorf("%s -> %s: want %q kept and %q gone", tc.in, out, tc.keep, tc.gone)
		}
	}
}
