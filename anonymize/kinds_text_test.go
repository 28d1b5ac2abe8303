package anonymize

import (
	"testing"
)

var textCases = []kindCase{
	{kind: "username", in: "jdoe", check: re(`[a-z0-9._-]+`)},
	{kind: "string", in: "My secret instance", check: func(s string) error {
		if err := sameLen(18)(s); err != nil {
			return err
		}
		return re(`[A-Z][a-z x]+`)(s)
	}},
	{kind: "string", in: "héllo wörld", check: sameLen(11)},
	{kind: "string", in: "a long display name", col: colInfo{maxLen: 5}, check: sameLen(5)},
	{kind: "text", in: "Customer ACME's database server, do not touch.", check: sameLen(46)},
	{kind: "key_name", in: "mykey", check: re(`[a-z-]+`)},
}

func TestKindsText(t *testing.T) { runKindCases(t, textCases, "testdata/kinds_text.golden") }
