package anonymize

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testKey(t testing.TB, s string) *Key {
	t.Helper()
	k, err := NewKey([]byte(s + "-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type kindCase struct {
	kind  string
	in    string
	col   colInfo
	check func(out string) error
}

func re(pattern string) func(string) error {
	rx := regexp.MustCompile("^(?:" + pattern + ")$")
	return func(out string) error {
		if !rx.MatchString(out) {
			return fmt.Errorf("%q does not match %s", out, pattern)
		}
		return nil
	}
}

func sameLen(n int) func(string) error {
	return func(out string) error {
		if len([]rune(out)) != n {
			return fmt.Errorf("%q has %d characters, want %d", out, len([]rune(out)), n)
		}
		return nil
	}
}

func validJSON(out string) error {
	if !json.Valid([]byte(out)) {
		return fmt.Errorf("invalid JSON %q", out)
	}
	return nil
}

var coreCases = []kindCase{
	{kind: "fixed", in: "anything", col: colInfo{params: map[string]string{"value": "REDACTED"}}, check: re(`REDACTED`)},
}

func TestKindsCore(t *testing.T) { runKindCases(t, coreCases, "testdata/kinds_core.golden") }

// runKindCases runs a family's table: each case must change its value
// (fixed aside), pass its check, be deterministic for a key and differ
// under another key; the outputs are compared with a golden file.
func runKindCases(t *testing.T, cases []kindCase, goldenPath string) {
	k := testKey(t, "kinds")
	w := newWorker(k)
	var golden bytes.Buffer
	for _, tc := range cases {
		kind := strings.Fields(tc.kind)[0]
		fn := kindFuncs[kind]
		if fn == nil {
			t.Fatalf("no kind %s", kind)
		}
		res := fn(w, &tc.col, []byte(tc.in), 0)
		out := string(res.out)
		if res.fallback {
			t.Errorf("%s(%q): fell back", tc.kind, tc.in)
		}
		if out == tc.in && kind != "fixed" {
			t.Errorf("%s(%q): unchanged", tc.kind, tc.in)
		}
		if err := tc.check(out); err != nil {
			t.Errorf("%s(%q): %v", tc.kind, tc.in, err)
		}
		// Deterministic: a fresh worker with the same key agrees.
		if again := string(fn(newWorker(k), &tc.col, []byte(tc.in), 0).out); again != out {
			t.Errorf("%s(%q): %q then %q", tc.kind, tc.in, out, again)
		}
		// Another key gives another value.
		if other := string(fn(newWorker(testKey(t, "other")), &tc.col, []byte(tc.in), 0).out); other == out && kind != "fixed" {
			t.Errorf("%s(%q): same output under another key", tc.kind, tc.in)
		}
		fmt.Fprintf(&golden, "%s\t%s\t%s\n", tc.kind, tc.in, out)
	}
	checkGolden(t, goldenPath, golden.Bytes())
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it after review):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestFallbacks(t *testing.T) {
	w := newWorker(testKey(t, "fb"))
	for _, tc := range []struct{ kind, in string }{
		{"ip_address", "n/a"}, {"uuid", "none"}, {"mac", "unknown"}, {"hostname", "bad host!"},
		{"email", "not-an-email"}, {"json", "{broken"}, {"datetime", "yesterday"}, {"integer", "12abc"},
	} {
		res := kindFuncs[tc.kind](w, &colInfo{}, []byte(tc.in), 0)
		if !res.fallback {
			t.Errorf("%s(%q): no fallback reported (got %q)", tc.kind, tc.in, res.out)
		}
		if string(res.out) == tc.in {
			t.Errorf("%s(%q): passed through unchanged", tc.kind, tc.in)
		}
		if c := (&colInfo{maxLen: 6}); len(kindFuncs[tc.kind](w, c, []byte(tc.in), 0).out) > 6 {
			t.Errorf("%s(%q): the fallback does not fit a column of 6", tc.kind, tc.in)
		}
	}
}

func TestCrossKindConsistency(t *testing.T) {
	w := newWorker(testKey(t, "consistent"))
	uuid := "0b1f5a6e-1234-4abc-8def-00000000002a"
	col := string(kindUUID(w, &colInfo{}, []byte(uuid), 0).out)
	js := string(kindJSON(w, &colInfo{}, []byte(`{"instance": "`+uuid+`"}`), 0).out)
	if !strings.Contains(js, col) {
		t.Errorf("uuid in JSON (%s) differs from the column's (%s)", js, col)
	}
	host := string(kindHostname(w, &colInfo{}, []byte("compute-7"), 0).out)
	fqdn := string(kindHostname(w, &colInfo{}, []byte("compute-7.example.com"), 0).out)
	if !strings.HasPrefix(fqdn, host+".") {
		t.Errorf("short name %q and FQDN %q no longer share the host label", host, fqdn)
	}
	ip := string(kindIP(w, &colInfo{}, []byte("10.9.8.7"), 0).out)
	url := string(kindURL(w, &colInfo{}, []byte("http://10.9.8.7:8774/v2"), 0).out)
	if !strings.Contains(url, ip+":8774") {
		t.Errorf("IP in URL (%s) differs from the column's (%s)", url, ip)
	}
}

func TestBijectiveKindsNeverCollide(t *testing.T) {
	w := newWorker(testKey(t, "bij"))
	seen := map[string]string{}
	check := func(kind, in string, out []byte) {
		if prev, ok := seen[kind+string(out)]; ok && prev != in {
			t.Fatalf("%s: %s and %s both map to %s", kind, prev, in, out)
		}
		seen[kind+string(out)] = in
	}
	for i := 0; i < 70000; i++ {
		in := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		check("ip", in, kindIP(w, &colInfo{}, []byte(in), 0).out)
		mac := fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", i>>16&255, i>>8&255, i&255)
		check("mac", mac, kindMAC(w, &colInfo{}, []byte(mac), 0).out)
		n := fmt.Sprint(10000 + i)
		check("int", n, kindInteger(w, &colInfo{typ: "int"}, []byte(n), 0).out)
	}
}

func TestShortKeyRefused(t *testing.T) {
	if _, err := NewKey([]byte("short")); err == nil {
		t.Fatal("a 40-bit key was accepted")
	}
	if _, err := ParseKey("00112233445566778899aabbccddee"); err == nil {
		t.Fatal("a 120-bit hex key was accepted")
	}
}
