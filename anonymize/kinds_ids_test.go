package anonymize

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

var idsCases = []kindCase{
	{kind: "uuid", in: "0b1f5a6e-1234-4abc-8def-00000000002a", check: re(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)},
	{kind: "uuid", in: "0B1F5A6E-1234-4ABC-8DEF-00000000002A", check: re(`[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}`)},
	{kind: "uuid", in: "d41d8cd98f00b204e9800998ecf8427e", check: re(`[0-9a-f]{32}`)},
	{kind: "ec2_id", in: "i-0000abcd", check: re(`i-[0-9a-f]{8}`)},
	{kind: "ssh_public_key", in: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEfCk0mlkEuQJ7ZAZ9c9kBIRZsQFKtNhdpQrSjmxoxgrdKbOCvMYh7DwhZdLrmmUZ6drs4+2bW5QadTmLfbOMt1RQ6Uj76dQBkPQtDMDDD jane@laptop", check: func(s string) error {
		f := strings.Fields(s)
		if len(f) != 3 || f[0] != "ssh-rsa" {
			return fmt.Errorf("shape lost: %q", s)
		}
		b, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil || !bytes.Contains(b[:11], []byte("ssh-rsa")) {
			return fmt.Errorf("blob invalid: %v", err)
		}
		return nil
	}},
	{kind: "fingerprint", in: "5b:6c:2a:4e:9d:01:aa:bb:cc:dd:ee:ff:00:11:22:33", check: re(`[0-9a-f]{2}(:[0-9a-f]{2}){15}`)},
	{kind: "fingerprint", in: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", check: re(`SHA256:[A-Za-z0-9+/]{43}`)},
}

func TestKindsIDs(t *testing.T) { runKindCases(t, idsCases, "testdata/kinds_ids.golden") }

// The nil UUID is the software's (Nova looks cell0 up by it): it stays,
// but copies of it (duckface, n > 0) are fresh UUIDs.
func TestNilUUIDStays(t *testing.T) {
	w := newWorker(testKey(t, "nil"))
	for _, nilID := range []string{"00000000-0000-0000-0000-000000000000", strings.Repeat("0", 32)} {
		if out := kindUUID(w, &noColumn, []byte(nilID), 0).out; string(out) != nilID {
			t.Errorf("%s became %s", nilID, out)
		}
		if out := kindUUID(w, &noColumn, []byte(nilID), 1).out; string(out) == nilID || len(out) != len(nilID) {
			t.Errorf("copy 1 of %s: %s", nilID, out)
		}
	}
	if out := kindUUID(w, &noColumn, []byte("00000000-0000-0000-0000-000000000001"), 0).out; string(out) == "00000000-0000-0000-0000-000000000001" {
		t.Error("a UUID that is not nil stayed")
	}
}

func TestKeptValuesAreNotCollected(t *testing.T) {
	for _, tc := range []struct {
		kind, v string
		kept    bool
	}{
		{"uuid", "00000000-0000-0000-0000-000000000000", true}, {"uuid", "00000000-0000-0000-0000-000000000001", false},
		{"datetime", "9999-12-31 23:59:59", true}, {"datetime", "2021-04-01 10:00:00", false},
		{"integer", "0", true}, {"integer", "10", false}, {"string", "0", false},
		{"url", "none:///", true}, {"url", "rabbit://h/", false},
	} {
		if got := keptAsIs(tc.kind, []byte(tc.v)); got != tc.kept {
			t.Errorf("%s %q: kept %v", tc.kind, tc.v, got)
		}
		w := newWorker(testKey(t, "kept"))
		if out := kindFuncs[tc.kind](w, &noColumn, []byte(tc.v), 0).out; tc.kept && string(out) != tc.v {
			t.Errorf("%s %q is said to be kept but becomes %q", tc.kind, tc.v, out)
		}
	}
}
