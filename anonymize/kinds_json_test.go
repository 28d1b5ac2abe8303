package anonymize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var jsonCases = []kindCase{
	{kind: "json", in: `{"address": "fa:16:3e:00:00:01", "ips": ["10.0.0.1", "fd00::2"], "id": "0b1f5a6e-1234-4abc-8def-00000000002a", "n": 3, "ok": true, "x": null, "host": "node1.example.com", "portal": "10.1.1.1:3260", "auth_password": "hunter2", "plain": "free text here"}`,
		check: func(s string) error {
			if err := validJSON(s); err != nil {
				return err
			}
			for _, leak := range []string{"fa:16:3e:00:00:01", "10.0.0.1", "fd00::2", "0b1f5a6e", "node1", "10.1.1.1", "hunter2"} {
				if strings.Contains(s, leak) {
					return fmt.Errorf("%q still contains %q", s, leak)
				}
			}
			if strings.Contains(s, `free text here`) || !strings.Contains(s, `"n": 3, "ok": true, "x": null`) {
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
}

func TestKindsJSON(t *testing.T) { runKindCases(t, jsonCases, "testdata/kinds_json.golden") }

// jsonCorpus is real-shaped: what OpenStack keeps in JSON columns
// (Nova's network_info, compute stats, instance faults, block device
// connection_info, cells, Heat and Aodh bodies) with its words: each
// entry lists the words the software wrote (not the donor), which may
// stay. Every other token of 4 or more letters and digits, keys that are
// not data aside, must be gone.
var jsonCorpus = []struct{ doc, software string }{
	{`[{"id": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "address": "fa:16:3e:4b:7c:21", "type": "ovs", "devname": "tap3f2a1b4c-5d", "ovs_interfaceid": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
	   "network": {"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "bridge": "br-int", "label": "acmebank-prod-net", "tenant_id": "8d7c6b5a4f3e2d1c0b9a887766554433",
	     "subnets": [{"cidr": "10.41.0.0/20", "gateway": {"address": "10.41.0.1", "type": "gateway", "version": 4}, "dns": [{"address": "10.40.0.53", "type": "dns"}],
	       "ips": [{"address": "10.41.3.17", "type": "fixed", "floating_ips": [{"address": "198.51.100.23", "type": "floating"}]}],
	       "routes": [{"cidr": "172.20.0.0/16", "gateway": {"address": "10.41.0.254"}}]}],
	     "meta": {"mtu": 1450, "physical_network": "physnet-acme", "injected": false}},
	   "details": {"port_filter": true, "ovs_hybrid_plug": true, "datapath_type": "system", "bridge_name": "br-int"},
	   "profile": {"pci_slot": "0000:81:00.2", "physical_network": "physnet-acme"}, "vnic_type": "normal", "active": true, "preserve_on_delete": false}]`,
		"ovs br int gateway version fixed floating system normal dns 0000"},
	{`{"num_instances": "3", "num_vm_active": "3", "num_task_None": "3", "num_os_type_linux": "3", "num_proj_8d7c6b5a4f3e2d1c0b9a887766554433": "2", "num_proj_0f1e2d3c4b5a69788796a5b4c3d2e1f0": "1", "io_workload": "0",
	   "failed_builds": "0", "hypervisor": "compute-17.dc2.acmebank.example"}`, "None linux"},
	{`{"message": "Connection to db1.acmebank.example:3306 refused from 10.41.3.17", "code": 500, "created": "2023-05-04T10:11:12Z",
	   "details": "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/nova/compute/manager.py\", line 2604, in _build_and_run_instance\nnova.exception.BuildAbortException: Build of instance 3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b aborted: Failed to allocate the network(s) on host compute-17.dc2.acmebank.example. Peer 2001:db8:41::17 unreachable; route 10.41.0.0/20 via 10.41.0.254, servers 10.40.0.53,10.40.0.54, mail ops@acmebank.example\n"}`,
		"Connection refused from Traceback most recent call last File usr lib python3 dist packages nova compute manager line 2604 _build_and_run_instance exception BuildAbortException Build instance aborted Failed allocate the network host Peer unreachable route servers mail 3306"},
	{`{"driver_volume_type": "iscsi", "data": {"target_discovered": false, "target_iqn": "iqn.2010-10.org.openstack:volume-9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "target_portal": "192.168.44.21:3260", "target_lun": 1,
	   "volume_id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "auth_method": "CHAP", "auth_username": "Xq7PkLm2Vn9R", "auth_password": "Z8yWb3Tc6Ud1", "encrypted": false, "qos_specs": null, "access_mode": "rw"}, "serial": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"}`,
		"iscsi CHAP 3260"},
	{`{"cells": "{\"transport_url\": \"rabbit://nova:Rabb1tPw@ctl-rabbit.acmebank.example:5672/cell7\", \"database\": \"mysql+pymysql://nova:Db5ecret@galera.acmebank.example/nova_cell7\", \"nested\": \"{\\\"peer\\\": \\\"10.77.1.2\\\"}\"}"}`,
		"transport_url database nested peer 5672"},
	{`{"p\u0061ssword": "hunter2hunter", "apiKey": "AKIA5EXAMPLEKEY42", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMIK7MDENGbPxRfiCY", "private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAxyz123\n-----END RSA PRIVATE KEY-----",
	   "card_number": 4111111111111111, "pin": 4821, "is_admin": true, "session": {"id": "s3ss10nT0ken", "ttl": 3600}, "iban": "DE44500105175407324931", "authentication_string": "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"}`,
		"3600"},
	{`{"display_name": "Quarterly Payroll Runner", "contact": "Jane Whitfield", "owner": "treasury-ops", "phone": "+44 20 7946 0321", "address": "221B Baker Street, London",
	   "10.41.3.17": {"state": "up"}, "compute-17.dc2.acmebank.example": 12, "ops@acmebank.example": ["admin"], "webhook": "https://hooks.acmebank.example/services/T0ACME/B0ACME/q8WmZbLrYtXc"}`,
		"state admin services"},
	{`{"alarm_actions": ["https://aodh-sink.acmebank.example:8080/alarm?apikey=f7e6d5c4b3a2"], "ok_actions": ["log://"], "insufficient_data_actions": [], "rule": {"meter_name": "cpu_util", "threshold": 80.5, "query": [{"field": "resource_id", "op": "eq", "value": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"}]}}`,
		"alarm 8080 apikey cpu_util field resource_id"},
}

func TestJSONCorpusLeaksNothing(t *testing.T) {
	w := newWorker(testKey(t, "json-corpus"))
	for _, tc := range jsonCorpus {
		res := kindJSON(w, &noColumn, []byte(tc.doc), 0)
		out := string(res.out)
		if res.fallback || !json.Valid(res.out) {
			t.Fatalf("%s: not rewritten as JSON: %s", tc.doc, out)
		}
		keep := map[string]bool{}
		for _, word := range strings.Fields(tc.software) {
			for _, r := range alnumRuns(word) {
				keep[strings.ToLower(r)] = true
			}
		}
		// Keys kept from input to output are structure, and numbers are
		// not rewritten (but under secret keys).
		inKeys, outKeys := jsonKeyRuns(t, []byte(tc.doc)), jsonKeyRuns(t, res.out)
		for r := range outKeys {
			if inKeys[r] {
				keep[r] = true
			}
		}
		for _, num := range regexp.MustCompile(`[:\[,]\s*(\d+)`).FindAllStringSubmatch(tc.doc, -1) {
			keep[num[1]] = true
		}
		// Booleans and protocol words are the software's.
		keep["true"], keep["false"], keep["null"] = true, true, true
		if leaks := leakedTokens(tc.doc, unescapeAll(out), keep); len(leaks) > 0 {
			t.Errorf("%s\n  -> %s\n  keeps %q", tc.doc, out, leaks)
		}
	}
}

// jsonKeyRuns: the letter-and-digit runs of a document's keys.
func jsonKeyRuns(t *testing.T, doc []byte) map[string]bool {
	runs := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				for _, r := range alnumRuns(k) {
					runs[strings.ToLower(r)] = true
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var parsed any
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	walk(parsed)
	return runs
}

// unescapeAll undoes JSON string escaping at every level, as an attacker
// reading nested documents would.
func unescapeAll(s string) string {
	for i := 0; i < 4; i++ {
		s = strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n", `\u0061`, "a").Replace(s)
	}
	return s
}

// Secret-looking keys hide their values whatever their type: numbers keep
// their digit count, booleans stay; escaped key spellings count.
func TestJSONSecretsAnyTypeAnySpelling(t *testing.T) {
	w := newWorker(testKey(t, "json-secrets"))
	in := `{"p\u0061ssword": 123456, "PassWord": "x-hunter2", "api-key": 98.25, "apiKey": "abcd1234", "secret": {"inner": 4242, "flag": true, "list": ["deep-secret-1"]}, "pin": 7731, "token": null, "pinned": 5}`
	out := kindJSON(w, &noColumn, []byte(in), 0).out
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	num := func(v any) string { return fmt.Sprint(v) }
	if s := num(got["password"]); s == "123456" || len(s) != 6 {
		t.Errorf("p\\u0061ssword: %s", s)
	}
	if s := num(got["api-key"]); s == "98.25" || len(s) != 5 {
		t.Errorf("api-key: %s", s)
	}
	if s := num(got["pin"]); s == "7731" || len(s) != 4 {
		t.Errorf("pin: %s", s)
	}
	if num(got["pinned"]) != "5" {
		t.Errorf("pinned is no secret: %v", got["pinned"])
	}
	sec := got["secret"].(map[string]any)
	if num(sec["inner"]) == "4242" || sec["flag"] != true || strings.Contains(string(out), "deep-secret") {
		t.Errorf("secret's members: %v", sec)
	}
	for _, leak := range []string{"hunter2", "abcd1234"} {
		if strings.Contains(string(out), leak) {
			t.Errorf("%s keeps %s", out, leak)
		}
	}
	if got["token"] != nil {
		t.Errorf("token null: %v", got["token"])
	}
}

// JSON inside a string that stops being JSON (cut at a column's length,
// or a quoted word followed by text): what parsed is rewritten as JSON,
// the rest as text, or as a secret when it stopped inside one.
func TestJSONCutInsideAString(t *testing.T) {
	w := newWorker(testKey(t, "json-cut"))
	for _, tc := range []struct{ in, leak string }{
		{`{"meta": "{\"password\": \"correcthorsebattery`, "correcthorse"},
		{`{"meta": "{\"password\": 123456789`, "123456789"},
		{`{"meta": "{\"auth\": {\"token\": \"tiramisu-cake`, "tiramisu"},
		{`{"m": "{\"db1.acme.example\": 1, \"pa`, "acme"},
		{`{"m": "{\"admin@corp.\"0"}`, "admin"},
		{`{"m": "\"node.A\" \"x\""}`, "node"},
	} {
		in := tc.in
		if !strings.HasSuffix(in, "}") {
			in += `"}`
		}
		res := kindJSON(w, &noColumn, []byte(in), 0)
		if res.fallback || !json.Valid(res.out) {
			t.Errorf("%s -> %s: not JSON", in, res.out)
		}
		if bytes.Contains(res.out, []byte(tc.leak)) {
			t.Errorf("%s -> %s keeps %s", in, res.out, tc.leak)
		}
	}
}

// Ids inside JSON keys, nested JSON and free text get the uuid kind's
// fake, so they still join the columns they copy.
func TestJSONIDsMatchTheirColumns(t *testing.T) {
	w := newWorker(testKey(t, "json-twins"))
	id, proj, host := "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "8d7c6b5a4f3e2d1c0b9a887766554433", "compute-17.acmebank.example"
	in := `{"num_proj_` + proj + `": "1", "inner": "{\"instance\": \"` + id + `\"}", "msg": "instance ` + id + ` on ` + host + `.\n"}`
	out := kindJSON(w, &noColumn, []byte(in), 0).out
	for _, twin := range []result{kindUUID(w, &noColumn, []byte(id), 0), kindUUID(w, &noColumn, []byte(proj), 0), kindHostname(w, &noColumn, []byte(host), 0)} {
		if !bytes.Contains(out, twin.out) {
			t.Errorf("%s does not hold %s", out, twin.out)
		}
	}
	if bytes.Count(out, kindUUID(w, &noColumn, []byte(id), 0).out) != 2 {
		t.Errorf("the instance id is not replaced in both places: %s", out)
	}
}

// FuzzJSON: the json kind never panics, turns valid JSON into valid JSON,
// and no value it reports as data (fuzzy index's view, 4 or more long)
// survives in its output under two keys at once.
func FuzzJSON(f *testing.F) {
	for _, tc := range jsonCorpus {
		f.Add(tc.doc)
	}
	w1, w2 := newWorker(testKey(f, "fuzz-json-1")), newWorker(testKey(f, "fuzz-json-2"))
	idx := newWorker(testKey(f, "fuzz-json-index"))
	f.Fuzz(func(t *testing.T, in string) {
		a := kindJSON(w1, &noColumn, []byte(in), 0)
		b := kindJSON(w2, &noColumn, []byte(in), 0)
		if json.Valid([]byte(in)) && (a.fallback || !json.Valid(a.out)) {
			t.Fatalf("valid %q became %q", in, a.out)
		}
		if a.fallback {
			return
		}
		a.out, b.out = ownFFFD(a.out, in), ownFFFD(b.out, in)
		jsonLeaves(idx, &noColumn, []byte(in), func(kind string, v []byte) {
			if len(v) < 4 || kind == "integer" || !holdsData(v) {
				return
			}
			if kind == "url" {
				keep := urlProtocol(string(v))
				both := map[string]bool{}
				for _, tok := range leakedTokens(string(v), string(b.out), keep) {
					both[tok] = true
				}
				for _, tok := range leakedTokens(string(v), string(a.out), keep) {
					// (the tokens are compared in any case: so is what else holds them)
					if both[tok] && !strings.Contains(strings.ToLower(string(dropValue([]byte(in), v))), strings.ToLower(tok)) {
						t.Fatalf("%q\n -> %q\n -> %q\nkeeps %q of the url %q", in, a.out, b.out, tok, v)
					}
				}
				return
			}
			has := bytes.Contains
			if kind == "ip_address" || kind == "cidr" {
				has = holdsAddr // "::/10" inside "fd40::/10" is another network
			}
			if has(a.out, v) && has(b.out, v) && !bytes.Contains(dropValue([]byte(in), v), v) {
				t.Fatalf("%q\n -> %q\n -> %q\nkeeps the %s %q", in, a.out, b.out, kind, v)
			}
		})
	})
}

// ownFFFD: out with the \ufffd escapes the kind wrote for bytes that are
// no UTF-8 as the rune itself, when the input holds no such escape: its
// hex letters are the kind's, and they joined the text after them
// ("\xf20000000" -> "\ufffd0000000" holds the id "d0000000").
func ownFFFD(out []byte, in string) []byte {
	if strings.Contains(strings.ToLower(in), `\ufffd`) {
		return out
	}
	return bytes.ReplaceAll(bytes.ReplaceAll(out, []byte(`\ufffd`), []byte("\uFFFD")), []byte(`\uFFFD`), []byte("\uFFFD"))
}

// holdsData: whether v has a letter or digit, or a byte of another
// rune or of none: every kind keeps ASCII punctuation and spacing by
// design (a phone of four spaces that stays tells nothing), and U+FFFD
// stands for bytes that were no UTF-8 (the kind's \ufffd of them).
func holdsData(v []byte) bool {
	for len(v) > 0 {
		r, n := utf8.DecodeRune(v)
		if r == utf8.RuneError && n == 1 || r >= 0x80 && r != utf8.RuneError || r < 0x80 && isAlnumASCII(byte(r)) {
			return true
		}
		v = v[n:]
	}
	return false
}

func isAlnumASCII(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// holdsAddr: whether s holds the address or network v whole (no hex
// digit, ':' or '.' on either side that would make it another one).
func holdsAddr(s, v []byte) bool {
	addrByte := func(c byte) bool { return isHexDigit(c) || c == ':' || c == '.' }
	for i := 0; ; {
		k := bytes.Index(s[i:], v)
		if k < 0 {
			return false
		}
		at, end := i+k, i+k+len(v)
		if (at == 0 || !addrByte(s[at-1])) && (end == len(s) || !addrByte(s[end])) {
			return true
		}
		i = at + 1
	}
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// dropValue removes one occurrence of v (the input may hold it elsewhere,
// e.g. as a key that is no data).
func dropValue(in, v []byte) []byte {
	i := bytes.Index(in, v)
	if i < 0 {
		return in
	}
	return append(append([]byte(nil), in[:i]...), in[i+len(v):]...)
}

// findID agrees with the regular expression it replaced.
func TestFindIDMatchesTheRegexp(t *testing.T) {
	rx := regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{32}`)
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "0123456789abcdefABCDEF--xyz"
	for i := 0; i < 200000; i++ {
		b := make([]byte, r.IntN(80))
		for k := range b {
			b[k] = alphabet[r.IntN(len(alphabet))]
		}
		if r.IntN(4) == 0 && len(b) >= 36 {
			copy(b[r.IntN(len(b)-35):], "0b1f5a6e-1234-4abc-8def-00000000002a")
		}
		want := rx.FindIndex(b)
		a, e, ok := findID(b)
		if (want != nil) != ok || ok && (want[0] != a || want[1] != e) {
			t.Fatalf("%q: regexp %v, findID %d %d %v", b, want, a, e, ok)
		}
	}
}

// isJSONNumber agrees with encoding/json on numbers and near misses.
func TestIsJSONNumberAgrees(t *testing.T) {
	for _, s := range []string{"0", "-0", "12", "-12.5", "1e5", "1E+5", "2.5e-3", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "00", "1.2.3", "9007199254740993", "-0.0e0"} {
		if got, want := isJSONNumber([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("%q: %v, encoding/json says %v", s, got, want)
		}
	}
}

// TestJSONDataStringsReplaced replays F11.1: a JSON string that is not
// an e-mail, IP, URL, host, date or IBAN passed verbatim, so a profile's
// nickname, second phone or card number was published in clear. The
// attacker looks for each original, and each word of 4 or more bytes of
// it, in the output; identifiers the software wrote (OpenStack's
// network_info, system metadata, Glance image properties, Nova's
// versioned objects, as Debian's Nova and Glance write them) must stay,
// as migrations read them.
func TestJSONDataStringsReplaced(t *testing.T) {
	w := newWorker(testKey(t, "json-data"))
	data := []string{"Aurélie Grünewald-Østergaard", "+49 30 1234567", "4111111111111111", "free text here", "Anna", "Smith-Jones",
		"Müller", "王小明", "0049301234567", "Sparkasse2019", "Tenant Net", "x9k2m7q4z8w1", "acct 12345678 Krzysztof"}
	var doc strings.Builder
	doc.WriteString(`{"profile": {`)
	for i, v := range data {
		if i > 0 {
			doc.WriteString(", ")
		}
		fmt.Fprintf(&doc, `"k%d": %q`, i, v)
	}
	doc.WriteString(`}}`)
	in := doc.String()
	out := string(kindJSON(w, &noColumn, []byte(in), 0).out)
	if err := validJSON(out); err != nil {
		t.Fatal(err)
	}
	left := 0
	for _, v := range data {
		hit := false
		for _, word := range append(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '-' }), v) {
			if len(word) >= 4 && strings.Contains(out, word) {
				hit = true
				t.Errorf("%q survives (from %q)", word, v)
			}
		}
		if hit {
			left++
		}
	}
	if again := string(kindJSON(w, &noColumn, []byte(in), 0).out); again != out {
		t.Errorf("not deterministic per value:\n%s\n%s", out, again)
	}
	// a phone keeps its digit pattern (the same count, its separators)
	if !regexp.MustCompile(`"k1": "\+\d\d \d\d \d{7}"`).MatchString(out) {
		t.Errorf("the phone's shape changed: %s", out)
	}
	t.Logf("%d of %d data strings left: %s", left, len(data), out)

	kept := map[string]string{
		"network_info":      `[{"id": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "address": "fa:16:3e:11:22:33", "network": {"id": "9d1e2f30-1111-4222-8333-444455556666", "bridge": "br-int", "label": "private", "subnets": [{"cidr": "10.40.0.0/16", "dns": [], "gateway": {"address": "10.40.0.1", "type": "gateway", "version": 4, "meta": {}}, "ips": [{"address": "10.40.0.7", "type": "fixed", "version": 4, "meta": {}, "floating_ips": []}], "routes": [], "version": 4, "meta": {"dhcp_server": "10.40.0.2"}}], "meta": {"injected": false, "tenant_id": "bcfb98c8397b247937dfa1c41d683755", "mtu": 1450, "physical_network": "physnet1", "tunneled": true}}, "type": "ovs", "details": {"port_filter": true, "connectivity": "l2", "bridge_name": "br-int", "datapath_type": "system", "ovs_hybrid_plug": false}, "devname": "tap3f2a1b4c-5d", "ovs_interfaceid": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "qbh_params": null, "qbg_params": null, "active": true, "vnic_type": "normal", "profile": {}, "preserve_on_delete": false, "delegate_create": true, "meta": {}}]`,
		"system_metadata":   `{"image_disk_format": "qcow2", "image_container_format": "bare", "image_min_ram": "0", "image_min_disk": "1", "image_hw_disk_bus": "virtio", "image_hw_vif_model": "virtio", "image_os_distro": "ubuntu", "image_os_type": "linux", "image_hw_qemu_guest_agent": "True", "image_architecture": "x86_64", "image_hw_machine_type": "pc-i440fx-2.1", "owner_project_name": "admin", "boot_roles": "reader,member,admin", "instance_type_name": "m1.small", "instance_type_flavorid": "2"}`,
		"glance_properties": `{"os_distro": "cirros", "os_version": "0.6.2", "hw_scsi_model": "virtio-scsi", "hw_disk_bus": "scsi", "hypervisor_type": "qemu", "img_config_drive": "optional", "os_hash_algo": "sha512", "hw_firmware_type": "uefi", "visibility": "public", "status": "active", "disk_format": "raw"}`,
		"numa_topology":     `{"nova_object.name": "InstanceNUMATopology", "nova_object.namespace": "nova", "nova_object.version": "1.3", "nova_object.data": {"cells": [{"nova_object.name": "InstanceNUMACell", "nova_object.namespace": "nova", "nova_object.version": "1.6", "nova_object.data": {"id": 0, "cpuset": [0, 1], "memory": 2048, "pagesize": null, "cpu_policy": "dedicated", "cpu_thread_policy": "prefer"}, "nova_object.changes": ["cpu_policy"]}], "emulator_threads_policy": "share"}, "nova_object.changes": ["cells"]}`,
		"cpu_info":          `{"arch": "x86_64", "model": "Haswell-noTSX-IBRS", "vendor": "Intel", "topology": {"cells": 1, "sockets": 1, "cores": 4, "threads": 2}, "features": ["pge", "avx", "sse4.2", "vmx"]}`,
	}
	for name, doc := range kept {
		out := string(kindJSON(w, &noColumn, []byte(doc), 0).out)
		var want []string
		// the values no other rule takes (a name-like key's value is
		// the string kind's, a uuid the uuid kind's, ...)
		for _, m := range regexp.MustCompile(`"([^"]+)": "([a-z][A-Za-z0-9_.,-]*|[A-Z][a-z]+[A-Z][A-Za-z]*|True|ACTIVE)"`).FindAllStringSubmatch(doc, -1) {
			v := []byte(m[2])
			if _, token := w.rewriteText(v, nil); token {
				continue // a token by the free-text rule (a CamelCase word of 8 or more bytes)
			}
			if keyKind([]byte(m[1])) == "" && jsonDataKind(v) == "" && detectKind(v) == "" && !strings.HasPrefix(m[2], "tap") {
				want = append(want, `"`+m[2]+`"`)
			}
		}
		for _, s := range want {
			if !strings.Contains(out, s) {
				t.Errorf("%s: the identifier %s was rewritten: %s", name, s, out)
			}
		}
		t.Logf("%s: %d identifiers kept", name, len(want))
	}
	if out := string(kindJSON(w, &noColumn, []byte(kept["cpu_info"]), 0).out); strings.Contains(out, `"Intel"`) {
		t.Errorf("a capitalised word (a name, as far as fuzzy can tell) stays: %s", out)
	}
}

// A string holding a quoted word and text after it: the text is data
// too, not only the word ("\"Abcdef]\"Ghijkl]\"" kept Ghijkl; the
// fuzzer's "\"Y]\x80\"Y]\x80\"" kept its second Y).
func TestJSONTextAfterQuotedWord(t *testing.T) {
	w := newWorker(testKey(t, "json-after-quoted"))
	for _, in := range []string{`"\"Abcdef]\"Ghijkl]\""`, `"\"Abcdef\"Ghijkl"`, `{"note": "\"Abcdef]\"Ghijkl]\""}`} {
		out := kindJSON(w, &noColumn, []byte(in), 0).out
		if bytes.Contains(out, []byte("Ghijkl")) || bytes.Contains(out, []byte("Abcdef")) {
			t.Errorf("%s -> %s keeps a word", in, out)
		}
	}
}

// oslo.versionedobjects' envelope names the class the reading code
// builds: Nova's instance_extra.flavor holds "nova_object.name":
// "Flavor", which the data rule took for a name (and fuzzy index then
// listed "Flavor" as an original value, so verify flagged the column
// `flavor` in CREATE TABLE); "InstanceNUMATopology" was taken for a
// token. The envelope stays; the object's data does not.
func TestJSONObjectEnvelopeKept(t *testing.T) {
	w := newWorker(testKey(t, "json-envelope"))
	in := `{"cur": {"nova_object.name": "Flavor", "nova_object.namespace": "nova", "nova_object.version": "1.2", "nova_object.data": {"name": "Aurélie Grünewald", "extra_specs": {}}, "nova_object.changes": ["name"]}, ` +
		`"numa": {"nova_object.name": "InstanceNUMATopology", "nova_object.version": "1.3", "nova_object.data": {"cells": [{"nova_object.name": "InstanceNUMACell", "nova_object.data": {"id": 0}}]}}, ` +
		`"vol": {"cinder_object.name": "Volume", "cinder_object.namespace": "cinder", "cinder_object.data": {"display_name": "Payroll Østergaard"}}}`
	out := string(kindJSON(w, &noColumn, []byte(in), 0).out)
	for _, keep := range []string{`"nova_object.name": "Flavor"`, `"nova_object.name": "InstanceNUMATopology"`, `"nova_object.name": "InstanceNUMACell"`, `"nova_object.version": "1.2"`, `"nova_object.changes": ["name"]`, `"cinder_object.name": "Volume"`, `"cinder_object.namespace": "cinder"`} {
		if !strings.Contains(out, keep) {
			t.Errorf("%s was rewritten: %s", keep, out)
		}
	}
	for _, data := range []string{"Aurélie", "Grünewald", "Payroll", "Østergaard"} {
		if strings.Contains(out, data) {
			t.Errorf("%s survives inside the object's data: %s", data, out)
		}
	}
	// a key that only looks like the envelope's is data as before
	if out := string(kindJSON(w, &noColumn, []byte(`{"user.name": "Aurélie"}`), 0).out); strings.Contains(out, "Aurélie") {
		t.Errorf("user.name's value stays: %s", out)
	}
}
