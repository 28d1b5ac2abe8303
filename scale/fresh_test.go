package scale

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

// New values keep the shape of the value they replace and are never the
// value itself.
func TestFreshShapes(t *testing.T) {
	for _, tc := range []struct {
		kind, in string
		want     string // regexp of the output
	}{
		{"uuid", "c6852a13-1769-4f65-a52d-af5d95d365ed", `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"uuid", "C6852A13-1769-4F65-A52D-AF5D95D365ED", `^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`},
		{"uuid", "b1b56d37cefb113862c35536f1c85ee9", `^[0-9a-f]{32}$`},
		{"ip_address", "240.12.3.4", `^240\.\d{1,3}\.\d{1,3}\.\d{1,3}$`},
		{"cidr", "10.160.0.0/16", `^10\.\d{1,3}\.0\.0/16$`},
		{"ip_address_v6", "fd00:db8:1:2::ab", `^fd00:[0-9a-f]{3}:[1-9a-f]:[1-9a-f]::[0-9a-f]{2}$`},
		{"mac", "fa:16:3e:14:2a:a4", `^fa:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$`},
		{"hostname", "compute-00012.cloud.example.com", `^[a-z]{7}-\d{5}\.cloud\.example\.com$`},
		{"email", "Jane.Doe@example.org", `^[A-Z][a-z]{3}\.[A-Z][a-z]{2}@example\.org$`},
		{"url", "https://user:secret@swift.example.org/v1/AUTH_abc", `^https://[a-z]{4}:[a-z]{6}@[a-z]{5}\.[a-z]{7}\.[a-z]{3}/[a-z]\d/[A-Z]{4}_[a-z]{3}$`},
		{"string", "Web server 12 (old)", `^[A-Z][a-z]{2} [a-z]{6} [1-9]\d \([a-z]{3}\)$`},
		{"", `It\'s done\n`, `^[A-Z][a-z]\\'[a-z] [a-z]{4}\\n$`},
	} {
		r := stream{s: nameHash(tc.in)}
		out := string(appendFreshKind(nil, []byte(tc.in), tc.kind, nil, &r))
		if !regexp.MustCompile(tc.want).MatchString(out) || out == tc.in {
			t.Errorf("%s %q -> %q, want %s", tc.kind, tc.in, out, tc.want)
		}
	}
}

// JSON as mariadb-dump writes it inside a literal (quotes escaped):
// structure and keys stay, ids change, the result is still JSON.
func TestFreshJSON(t *testing.T) {
	doc := `[{"id": "c6852a13-1769-4f65-a52d-af5d95d365ed", "address": "fa:16:3e:14:2a:a4", "type": "ovs", "active": true,` +
		` "ips": [{"address": "10.87.52.155", "version": 4, "bytes": 123456789}], "label": "private-net", "tags": ["web", "db"],` +
		` "note": "a line with \"quotes\" and a \\ backslash, long enough", "name": "caf\u00e9"}]`
	escaped := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(doc) // as in the dump
	r := stream{s: 7}
	out, ok := appendFreshJSON(nil, []byte(escaped), map[string]bool{"label": true}, &r)
	if !ok {
		t.Fatal("not JSON")
	}
	plain := strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(string(out))
	var got, orig []map[string]any
	if err := json.Unmarshal([]byte(plain), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, plain)
	}
	json.Unmarshal([]byte(doc), &orig)
	g, o := got[0], orig[0]
	for k := range o {
		if _, ok := g[k]; !ok {
			t.Errorf("key %s lost", k)
		}
	}
	for _, k := range []string{"id", "address", "label", "note"} {
		if g[k] == o[k] {
			t.Errorf("%s kept: %v", k, g[k])
		}
	}
	for _, k := range []string{"type", "active", "name"} {
		if g[k] != o[k] {
			t.Errorf("%s changed: %v -> %v", k, o[k], g[k])
		}
	}
	ip := g["ips"].([]any)[0].(map[string]any)
	if ip["version"] != 4.0 || ip["bytes"] == 123456789.0 || !strings.HasPrefix(ip["address"].(string), "10.") {
		t.Errorf("ips: %v", ip)
	}
	if g["tags"].([]any)[0] == "web" && g["tags"].([]any)[1] == "db" {
		t.Errorf("a list of words kept: %v", g["tags"])
	}
	// JSON inside a JSON string (and inside that one) stays JSON: its
	// booleans, numbers and keys stay, its ids change.
	nested := `{"prefs": "{\"dark\": true, \"n\": 3, \"id\": \"c6852a13-1769-4f65-a52d-af5d95d365ed\", \"deep\": \"[false, null, \\\"x\\\"]\"}", "list": ["{\"ok\": false}"]}`
	var nv map[string]any
	if err := json.Unmarshal([]byte(nested), &nv); err != nil {
		t.Fatalf("the test's document: %v", err)
	}
	for seed := range uint64(20) {
		r := stream{s: seed}
		out, ok := appendFreshJSON(nil, sqlEscapeBody([]byte(nested)), nil, &r)
		if !ok {
			t.Fatal("nested: not JSON")
		}
		var doc struct {
			Prefs string   `json:"prefs"`
			List  []string `json:"list"`
		}
		if err := json.Unmarshal(sqlBody(out), &doc); err != nil {
			t.Fatalf("nested: output is not JSON: %v\n%s", err, sqlBody(out))
		}
		var prefs struct {
			Dark *bool  `json:"dark"`
			N    int    `json:"n"`
			ID   string `json:"id"`
			Deep string `json:"deep"`
		}
		var inList map[string]bool
		var deep []any
		if err := json.Unmarshal([]byte(doc.Prefs), &prefs); err != nil || prefs.Dark == nil || !*prefs.Dark || prefs.N != 3 ||
			prefs.ID == "c6852a13-1769-4f65-a52d-af5d95d365ed" || len(prefs.ID) != 36 || json.Unmarshal([]byte(prefs.Deep), &deep) != nil || len(deep) != 3 || deep[0] != false ||
			len(doc.List) != 1 || json.Unmarshal([]byte(doc.List[0]), &inList) != nil || inList["ok"] {
			t.Errorf("nested JSON: %v\n%s", err, sqlBody(out))
		}
	}
	if _, ok := appendFreshJSON(nil, []byte(`{"a": `), nil, &r); ok {
		t.Error("a cut document passed as JSON")
	}
}

// Datetimes: one family copy's warp keeps order and moves by at most the
// window; formats, precision and sentinels are kept.
func TestWarp(t *testing.T) {
	p, _ := newPRF(testKey(t))
	window := DefaultWindow.Seconds()
	for root := uint64(0); root < 200; root++ {
		w := newWarp(p, root, window)
		prev := ""
		for _, in := range []string{"2019-03-01 00:00:00", "2019-03-01 00:00:01", "2019-03-01 00:00:01.5", "2019-03-09 12:00:00", "2020-01-01 00:00:00"} {
			out, ok := appendWarped(nil, []byte(in), w, "datetime")
			if !ok {
				t.Fatalf("%s not warped", in)
			}
			s := string(out)
			if len(s) != len(in) || s < prev {
				t.Errorf("root %d: %s -> %s after %s", root, in, s, prev)
			}
			prev = s
			a, _ := civilSeconds([]byte(in[:19]))
			b, _ := civilSeconds(out[:19])
			if d := b - a; d > window+1 || d < -window-1 {
				t.Errorf("%s moved by %.0f s", in, d)
			}
		}
		if out, ok := appendWarped(nil, []byte("2019-03-01"), w, "date"); !ok || len(out) != 10 {
			t.Errorf("date: %q", out)
		}
	}
	for _, s := range []string{"0000-00-00 00:00:00", "9999-12-31 23:59:59", "1970-01-01 00:00:01", "2038-01-19 03:14:07", "soon"} {
		if _, ok := appendWarped(nil, []byte(s), newWarp(p, 1, window), "timestamp"); ok {
			t.Errorf("%s was moved", s)
		}
	}
}

// Shaped text keeps its length, punctuation and escapes.
func TestShapedKeepsForm(t *testing.T) {
	in := []byte(`O\'Neil: 3 PCs, ID a4fdf183; caf` + "\xc3\xa9" + ` \\u00e9`)
	r := stream{s: 3}
	out := appendShaped(nil, in, &r)
	if len(out) != len(in) || utf8.RuneCount(out) != utf8.RuneCount(in) || bytes.Equal(out, in) {
		t.Fatalf("%q -> %q", in, out)
	}
	for i, c := range in {
		if byteClass[c] == clOther || c == '\\' || i > 0 && in[i-1] == '\\' {
			if out[i] != c {
				t.Errorf("byte %d %q became %q: %q", i, c, out[i], out)
			}
		}
	}
	if !bytes.HasSuffix(out, []byte(`\\u00e9`)) {
		t.Errorf("escape changed: %q", out)
	}
}

// A keyed permutation covers its range exactly once.
func TestPerm(t *testing.T) {
	p, _ := newPRF(testKey(t))
	for _, n := range []int{1, 2, 3, 17, 1000} {
		q := newPerm(p, 5, n)
		seen := make([]bool, n)
		for i := range n {
			x := q.at(uint64(i))
			if x >= uint64(n) || seen[x] {
				t.Fatalf("n=%d: %d -> %d repeats or is out of range", n, i, x)
			}
			seen[x] = true
		}
	}
}

// FuzzFresh: the new-value writers never panic, keep every byte that is
// not a letter or digit where it was (for text), and turn JSON into JSON.
func FuzzFresh(f *testing.F) {
	for _, s := range []string{`{\"a\": [1, \"b\"], \"c\": {\"d\": \"10.0.0.1\"}}`, `x\\y\'z`, "caf\xc3\xa9 12", "fa:16:3e:00:00:01", "::1", "1.2.3.4/33", `[\"\\\"\"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := []byte(s)
		r := stream{s: 1}
		for _, kind := range []string{"", "uuid", "ip_address", "mac", "hostname", "email", "url", "json"} {
			appendFreshKind(nil, v, kind, map[string]bool{"a": true}, &r)
		}
		out := appendShaped(nil, v, &r)
		if len(out) != len(v) {
			t.Fatalf("shaped %q -> %q: length changed", v, out)
		}
		// loose (words of other lengths): every byte that is no letter or digit
		// stays, in order
		loose := stream{s: 2, loose: true}
		for _, kind := range []string{"", "hostname", "email", "url", "json"} {
			appendFreshKind(nil, v, kind, nil, &loose)
		}
		noAlnum := func(b []byte) string {
			return strings.Map(func(c rune) rune {
				if c < 128 && isAlnum(byte(c)) {
					return -1
				}
				return c
			}, string(b))
		}
		if out := appendShaped(nil, v, &loose); noAlnum(out) != noAlnum(v) && utf8.Valid(v) {
			t.Fatalf("loose %q -> %q: other bytes changed", v, out)
		}
		for _, r := range []*stream{&r, &loose} {
			if j, ok := appendFreshJSON(nil, v, nil, r); ok {
				plain := func(b []byte) []byte {
					return []byte(strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(string(b)))
				}
				if json.Valid(plain(v)) && !json.Valid(plain(j)) {
					t.Fatalf("JSON %q became %q", v, j)
				}
			}
		}
	})
}

// TestScaledJSONKeepsItsNumbers: a scaled JSON column's structural
// numbers stay what they are in every row (an IP's "version": 4, a
// subnet's "/16", an MTU). Nova's network_info varies in its ids, MACs
// and addresses, so a text column's "numbers that follow an id", found
// by their place among the value's numbers, fell on them: "version":
// 439, "/319" (the nova pipeline's scaled dump).
func TestScaledJSONKeepsItsNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("CREATE TABLE `caches` (\n  `id` int(11) NOT NULL,\n  `network_info` mediumtext DEFAULT NULL,\n  PRIMARY KEY (`id`)\n);\nINSERT INTO `caches` VALUES ")
	for i := 1; i <= 120; i++ {
		uuid := func() string {
			return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1))
		}
		label := func() string { // a fake name with a number, or none
			if r.IntN(2) == 0 {
				return fmt.Sprintf("fire-murder-%d", r.IntN(10000))
			}
			return "any-where-ran3"
		}
		ip := func() string {
			return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		}
		ports := []string{fmt.Sprintf(`{"id": "%s", "address": "%02x:%02x:%02x:%02x:%02x:%02x", "network": {"id": "%s", "bridge": "br-int", "label": "%s", `+
			`"subnets": [{"cidr": "10.%d.0.0/16", "dns": [{"address": "%s", "type": "dns", "version": 4}], "gateway": {"address": "%s", "type": "gateway", "version": 4}, `+
			`"ips": [{"address": "%s", "type": "fixed", "version": 4, "floating_ips": [{"address": "%s", "type": "floating", "version": 4}]}], "version": 4}], `+
			`"meta": {"injected": false, "tenant_id": "%016x%016x", "mtu": 1450}}, "type": "ovs", "details": {"port_filter": true}, "devname": "tap%x-%d", "ovs_interfaceid": "%s", "active": true}`,
			uuid(), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), uuid(), label(), r.IntN(256), ip(), ip(), ip(), ip(), r.Uint64(), r.Uint64(), r.Uint32(), r.IntN(100000), uuid())}
		doc := "[" + strings.Join(ports, ", ") + "]"
		if i > 1 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "(%d,'%s')", i, strings.ReplaceAll(doc, `"`, `\"`))
	}
	b.WriteString(";\n")
	out := scaleDump(t, []byte(b.String()), Options{Factor: 3, Key: testKey(t)})
	docs := regexp.MustCompile(`\((\d+),'(\[.*?\])'\)`).FindAllSubmatch(out, -1)
	if len(docs) < 80 {
		t.Fatalf("%d rows scaled", len(docs))
	}
	bad := 0
	for _, d := range docs {
		var ports []struct {
			Network struct {
				Subnets []struct {
					CIDR    string `json:"cidr"`
					Version int    `json:"version"`
					IPs     []struct {
						Version int `json:"version"`
					} `json:"ips"`
				} `json:"subnets"`
				Meta struct {
					MTU int `json:"mtu"`
				} `json:"meta"`
			} `json:"network"`
		}
		if err := json.Unmarshal(sqlBody(d[2]), &ports); err != nil {
			t.Fatalf("row %s: no JSON: %v", d[1], err)
		}
		for _, p := range ports {
			ok := p.Network.Meta.MTU == 1450
			for _, s := range p.Network.Subnets {
				ok = ok && s.Version == 4 && strings.HasSuffix(s.CIDR, "/16")
				for _, ip := range s.IPs {
					ok = ok && ip.Version == 4
				}
			}
			if !ok && bad < 3 {
				t.Errorf("row %s: %+v", d[1], p.Network)
			}
			if !ok {
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d rows' ports with a structural number changed", bad, len(docs))
	}
}
