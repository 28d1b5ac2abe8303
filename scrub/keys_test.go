package scrub

import (
	"fmt"
	"testing"
)

// TestWholeKeysOf: wholeKeysOf is keysOf less the keys of parts, for
// values of every shape (and their reversed and ROT13 forms).
func TestWholeKeysOf(t *testing.T) {
	_, names := namesText()
	vals := []string{"S3cr3t!#&/@:pw", "10.4.27.19", "db1", "#&!", "Zoë Ångström", "Дмитрий Шостаковичев",
		"mysql://svcuser:Pa55w0rd!@db.corp.example:3306/novadb", "0123456789abcdef0123", "+49 30 1234567"}
	for _, v := range names[:300] {
		vals = append(vals, v.Text)
	}
	for _, v := range vals {
		for _, f := range []string{v, reversed(v), rot13(v)} {
			var want []key
			for _, k := range keysOf(f) {
				if k.dom != domPiece && k.dom != domWindow && k.dom != domToken && k.dom != domPrefix {
					want = append(want, k)
				}
			}
			if got := wholeKeysOf(f); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%q: %v, want %v", f, got, want)
			}
		}
	}
}
