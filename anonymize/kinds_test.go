package anonymize

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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

var kindCases = []kindCase{
	{kind: "uuid", in: "0b1f5a6e-1234-4abc-8def-00000000002a", check: re(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)},
	{kind: "uuid", in: "0B1F5A6E-1234-4ABC-8DEF-00000000002A", check: re(`[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}`)},
	{kind: "uuid", in: "d41d8cd98f00b204e9800998ecf8427e", check: re(`[0-9a-f]{32}`)},
	{kind: "ip_address", in: "10.1.2.3", check: re(`240\.\d+\.\d+\.\d+`)},
	{kind: "ip_address", in: "192.168.7.9", check: re(`241\.16\.\d+\.\d+`)},
	{kind: "ip_address", in: "203.0.113.77", check: func(s string) error {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() || a.IsPrivate() {
			return fmt.Errorf("%q is not a public IPv4 address", s)
		}
		return nil
	}},
	{kind: "ip_address_v6", in: "2001:db8::1", check: re(`fd[0-9a-f:]+`)},
	{kind: "ip_address with-prefix", in: "10.20.0.0/16", check: re(`240\.\d+\.\d+\.\d+/16`)},
	{kind: "cidr", in: "192.168.0.0/24", check: re(`241\.16\.\d+\.0/24`)},
	{kind: "cidr", in: "2001:db8:1::/48", check: re(`fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/48`)},
	{kind: "mac", in: "fa:16:3e:12:34:56", check: re(`[0-9a-f]{2}(:[0-9a-f]{2}){5}`)},
	{kind: "mac", in: "00-1B-44-11-3A-B7", check: re(`[0-9A-F]{2}(-[0-9A-F]{2}){5}`)},
	{kind: "hostname", in: "compute-0042.cloud.example.com", check: re(`[a-z]+-\d{4}\.[a-z]+-[a-z]{3}\.[a-z]+-[a-z]{3}\.[a-z]+`)},
	{kind: "hostname", in: "db1", col: colInfo{maxLen: 8}, check: re(`[a-z0-9-]{1,8}`)},
	{kind: "email", in: "Jane.Doe@corp.example.org", check: re(`[a-z.]+@[a-z]+-[a-z]{3}\.[a-z]+-[a-z]{3}\.[a-z]+`)},
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
	{kind: "integer", in: "123456", col: colInfo{typ: "int"}, check: re(`[1-9]\d{5}`)},
	{kind: "integer", in: "-42", col: colInfo{typ: "tinyint"}, check: re(`-[1-9]\d`)},
	{kind: "integer", in: "2147483000", col: colInfo{typ: "int"}, check: func(s string) error {
		var v int64
		fmt.Sscan(s, &v)
		if v < 1000000000 || v > 2147483647 {
			return fmt.Errorf("%s out of INT range or digit count", s)
		}
		return nil
	}},
	{kind: "integer", in: "250", col: colInfo{typ: "tinyint", unsigned: true}, check: re(`1\d\d|2[0-4]\d|25[0-5]`)},
	{kind: "datetime", in: "2020-02-29 12:00:00", check: re(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`)},
	{kind: "datetime", in: "2020-02-29 12:00:00.123", check: re(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`)},
	{kind: "datetime", in: "2020-02-29", check: re(`\d{4}-\d\d-\d\d`)},
	{kind: "ec2_id", in: "i-0000abcd", check: re(`i-[0-9a-f]{8}`)},
	{kind: "key_name", in: "mykey", check: re(`[a-z-]+`)},
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
	{kind: "url", in: "rabbit://nova:s3cret@rabbit1.example.com:5672,nova:s3cret@10.0.0.5:5672/vhost", check: re(`rabbit://[a-z0-9._-]+:[A-Za-z0-9]{8}@[a-z0-9.-]+:5672,[a-z0-9._-]+:[A-Za-z0-9]{8}@240\.[\d.]+:5672/vhost`)},
	{kind: "url", in: "mysql+pymysql://nova:pw@[2001:db8::5]/nova?charset=utf8", check: re(`mysql\+pymysql://[a-z0-9._-]+:[A-Za-z0-9]{8}@\[fd[0-9a-f:]+\]/nova\?charset=utf8`)},
	{kind: "json", in: `{"address": "fa:16:3e:00:00:01", "ips": ["10.0.0.1", "fd00::2"], "id": "0b1f5a6e-1234-4abc-8def-00000000002a", "n": 3, "ok": true, "x": null, "host": "node1.example.com", "portal": "10.1.1.1:3260", "auth_password": "hunter2", "plain": "keep me"}`,
		check: func(s string) error {
			if err := validJSON(s); err != nil {
				return err
			}
			for _, leak := range []string{"fa:16:3e:00:00:01", "10.0.0.1", "fd00::2", "0b1f5a6e", "node1", "10.1.1.1", "hunter2"} {
				if strings.Contains(s, leak) {
					return fmt.Errorf("%q still contains %q", s, leak)
				}
			}
			if !strings.Contains(s, `"plain": "keep me"`) || !strings.Contains(s, `"n": 3, "ok": true, "x": null`) {
				return fmt.Errorf("unrelated leaves or layout changed: %s", s)
			}
			return nil
		}},
	{kind: "json", in: `{"network": {"label": "customer-net", "meta": {"owner": "acme"}}}`, col: colInfo{paths: [][]string{{"network", "label"}, {"network", "*", "owner"}}},
		check: func(s string) error {
			if strings.Contains(s, "customer-net") || strings.Contains(s, "acme") {
				return fmt.Errorf("configured paths not rewritten: %s", s)
			}
			return validJSON(s)
		}},
	{kind: "fixed", in: "anything", col: colInfo{params: map[string]string{"value": "REDACTED"}}, check: re(`REDACTED`)},
}

func TestKinds(t *testing.T) {
	k := testKey(t, "kinds")
	w := newWorker(k)
	var golden bytes.Buffer
	for _, tc := range kindCases {
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
	checkGolden(t, "testdata/kinds.golden", golden.Bytes())
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
		if len(res.out) != len(tc.in) {
			t.Errorf("%s(%q): fallback changed the length: %q", tc.kind, tc.in, res.out)
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

func TestDatetimeShiftKeepsOrder(t *testing.T) {
	w := newWorker(testKey(t, "dt"))
	a := kindDatetime(w, &colInfo{}, []byte("2021-01-01 00:00:00"), 0).out
	b := kindDatetime(w, &colInfo{}, []byte("2021-01-01 00:00:10"), 0).out
	ta, _ := time.Parse("2006-01-02 15:04:05", string(a))
	tb, _ := time.Parse("2006-01-02 15:04:05", string(b))
	if tb.Sub(ta) != 10*time.Second {
		t.Errorf("interval not kept: %s .. %s", a, b)
	}
	ts := kindDatetime(w, &colInfo{typ: "timestamp"}, []byte("2038-01-19 03:14:07"), 0).out
	tt, _ := time.Parse("2006-01-02 15:04:05", string(ts))
	if tt.After(time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)) || tt.Before(time.Unix(1, 0)) {
		t.Errorf("TIMESTAMP out of range: %s", ts)
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
