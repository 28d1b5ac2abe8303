package anonymize

import (
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
