package scrub

import (
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestPunyDecode: RFC 3492's samples and common host labels.
func TestPunyDecode(t *testing.T) {
	for in, want := range map[string]string{
		"bcher-kva":                "bücher",
		"mnchen-3ya":               "münchen",
		"d1abbgf6aiiy":             "президент",
		"ihqwcrb4cv8a8dqg056pqjye": "他们为什么不说中文",
		"egbpdaj6bu4bxfgehfvwxn":   "ليهمابتكلموشعربي؟",
		"zrich-kva":                "zürich",
	} {
		got, ok := punyDecode([]byte(in))
		if !ok || string(got) != want {
			t.Errorf("%s: %q %v, want %q", in, string(got), ok, want)
		}
	}
	for _, bad := range []string{"", "99999999999", "a-!", "bcher-kv"} {
		if got, ok := punyDecode([]byte(bad)); ok {
			t.Errorf("%q decodes to %q", bad, string(got))
		}
	}
}

// TestPunyAgainstAttack: the scrubber's decoder reads what the attack
// package's encoder (written apart) writes.
func TestPunyAgainstAttack(t *testing.T) {
	for _, h := range []string{"bücher-lager.köln-süd.example", "münchen.de", "президент.рф", "他们为什么不说中文.cn"} {
		v := &view{}
		a := []byte(attack.ToASCII(h))
		if !unescapeOnly(a, v, famIDNA) || string(v.text) != strings.ToLower(h) {
			t.Errorf("%s: %s decodes to %q", h, a, v.text)
		}
	}
}
