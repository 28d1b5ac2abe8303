package scrub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// planted and clean values have the same shapes; the corpus is rendered
// with each. Scrubbing must remove every planted value in every form, and
// touch nothing in the clean render but the built-in pattern hits listed
// in cleanBuiltinHits.
var planted = map[string]string{
	"hostname": "compute-17.dc3.acme-cloud.net",
	"ip":       "10.42.7.19",
	"email":    "jane.doe@acme-corp.com",
	"uuid":     "6c0d8f4e-3b1a-4c2e-9f7d-2a5b8c1e0f93",
	"name":     "Project Zeus db server",
	"quoted":   `O'Brien's "prod" laptop`,
	"password": "Tr0ub4dor&3x",
	"mac":      "fa:16:3e:4b:2c:9d",
	"longname": "Customer ACME Corporation primary billing database replica 2",
}

var clean = map[string]string{
	"hostname": "build-host.example.org",
	"ip":       "192.0.2.55",
	"email":    "someone@example.org",
	"uuid":     "00000000-1111-4222-8333-444444444444",
	"name":     "Generic test server",
	"quoted":   "Plain name value",
	"password": "Correct9Horse",
	"mac":      "02:00:00:00:00:01",
	"longname": "A long but harmless example display name for testing",
}

// The clean corpus has exactly these built-in pattern hits: MariaDB's
// "(using password: YES)" and the bytes its "Incorrect string value"
// quotes.
var cleanBuiltinHits = map[string]int{"pattern:password": 1, "pattern:fragment": 1}

var filters = map[string]func(string) string{
	"":          func(s string) string { return s },
	"upper":     strings.ToUpper,
	"sql":       strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`).Replace,
	"sqldouble": func(s string) string { return strings.ReplaceAll(s, `'`, `''`) },
	"pyrepr":    func(s string) string { return strings.ReplaceAll(s, `'`, `\'`) },
	"json": func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	},
	"url":      url.QueryEscape,
	"urllower": func(s string) string { return lowerHexEscapes(url.QueryEscape(s)) },
	"b64":      func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"b64b":     func(s string) string { return base64.StdEncoding.EncodeToString([]byte("x" + s + "!")) },
	"b64c":     func(s string) string { return base64.StdEncoding.EncodeToString([]byte("xy" + s + "zz")) },
	"hex":      func(s string) string { return "0x" + strings.ToUpper(hex.EncodeToString([]byte(s))) },
	"trunc":    func(s string) string { return s[:40] + "..." },
}

func lowerHexEscapes(s string) string {
	return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(s, strings.ToLower)
}

var placeholder = regexp.MustCompile(`\{\{(\w+)(?:\|(\w+))?\}\}`)

func render(t *testing.T, tmpl string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		p := placeholder.FindStringSubmatch(m)
		f, ok := filters[p[2]]
		if !ok {
			t.Fatalf("unknown filter %q", p[2])
		}
		return f(values[p[1]])
	})
}

func corpus(t *testing.T, values map[string]string) map[string]string {
	files, _ := filepath.Glob("testdata/corpus/*.tmpl")
	if len(files) < 4 {
		t.Fatal("corpus missing")
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = render(t, string(b), values)
	}
	return out
}

// forms: every encoding of every planted value that must not survive.
func forms() map[string]string {
	out := map[string]string{}
	for kind, v := range planted {
		for name, f := range filters {
			if name == "trunc" && len(v) < 40 {
				continue
			}
			out[kind+"|"+name] = strings.TrimSuffix(f(v), "...")
		}
	}
	return out
}

func kindValues() []Value {
	var vals []Value
	for kind, v := range planted {
		vals = append(vals, Value{Kind: kind, Text: v, Source: "values"})
	}
	return vals
}

func plantedIndex() *Index {
	ix := NewIndex()
	for kind, v := range planted {
		ix.Add(kind, v)
	}
	ix.Finish()
	return ix
}

func TestCorpus(t *testing.T) {
	sources := map[string]Options{
		"values": {Values: kindValues()},
		"index":  {Index: plantedIndex()},
	}
	for name, opts := range sources {
		t.Run(name, func(t *testing.T) {
			s, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			total := &Report{Counts: map[string]int{}}
			for file, text := range corpus(t, planted) {
				var out bytes.Buffer
				rep, err := s.Scrub(&out, strings.NewReader(text))
				if err != nil {
					t.Fatal(err)
				}
				total.Add(rep)
				lower := strings.ToLower(out.String())
				for form, secret := range forms() {
					if strings.Contains(text, secret) && strings.Contains(lower, strings.ToLower(secret)) {
						t.Errorf("%s: planted %s survived scrubbing:\n%s", file, form, out.String())
					}
				}
				if !strings.Contains(out.String(), "Running upgrade 8f2f1571d55b -> 16f1fbcab42b") && file == "nova-manage.log.tmpl" {
					t.Errorf("%s: the migration markers were scrubbed too", file)
				}
			}
			if total.Total() < 40 {
				t.Errorf("only %d replacements: %v", total.Total(), total.Counts)
			}
			// The clean corpus: only the listed built-in hits.
			clean := &Report{Counts: map[string]int{}}
			for file, text := range corpus(t, cleanValues()) {
				var out bytes.Buffer
				rep, _ := s.Scrub(&out, strings.NewReader(text))
				clean.Add(rep)
				if rep.Total() > 0 && file != "mariadb-error.log.tmpl" {
					t.Errorf("%s: clean log scrubbed: %v\n%s", file, rep.Counts, out.String())
				}
			}
			for k, n := range clean.Counts {
				if cleanBuiltinHits[k] != n {
					t.Errorf("clean corpus: %d %s replacements, want %d (all: %v)", n, k, cleanBuiltinHits[k], clean.Counts)
				}
			}
		})
	}
}

func cleanValues() map[string]string { return clean }

func TestMarkersAreStableAndKeyed(t *testing.T) {
	key := []byte("marker-key-for-tests")
	s, _ := New(Options{Values: []Value{{Kind: "hostname", Text: "compute-17.dc3.acme-cloud.net", Source: "values"}}, MarkerKey: key})
	var a, b bytes.Buffer
	s.Scrub(&a, strings.NewReader("x compute-17.dc3.acme-cloud.net y COMPUTE-17.DC3.ACME-CLOUD.NET\n"))
	s.Scrub(&b, strings.NewReader("again compute-17.dc3.acme-cloud.net\n"))
	m := regexp.MustCompile(`\[scrubbed:hostname:[0-9a-f]{4}\]`).FindAllString(a.String()+b.String(), -1)
	if len(m) != 3 || m[0] != m[1] || m[1] != m[2] {
		t.Fatalf("markers not stable: %q %q", a.String(), b.String())
	}
	other, _ := New(Options{Values: []Value{{Kind: "hostname", Text: "compute-17.dc3.acme-cloud.net"}}, MarkerKey: []byte("another key")})
	var c bytes.Buffer
	other.Scrub(&c, strings.NewReader("compute-17.dc3.acme-cloud.net\n"))
	if strings.Contains(c.String(), m[0]) {
		t.Error("marker tag does not depend on the key")
	}
}

func TestShortValuesOnlyWholeTokens(t *testing.T) {
	s, _ := New(Options{Values: []Value{{Kind: "name", Text: "db1"}, {Kind: "name", Text: "prod"}}, NoBuiltin: true})
	var out bytes.Buffer
	s.Scrub(&out, strings.NewReader("host db1 is up; db12 and production stay; (prod)\n"))
	want := "host [scrubbed:name:"
	if !strings.HasPrefix(out.String(), want) || !strings.Contains(out.String(), "db12 and production stay") || strings.Contains(out.String(), "(prod)") {
		t.Errorf("got %q", out.String())
	}
}

func TestBuiltinPatterns(t *testing.T) {
	s, _ := New(Options{})
	in := strings.Join([]string{
		"connection = mysql+pymysql://nova:sup3rs3cret@db.example.org/nova",
		"transport_url = rabbit://openstack:rabbitpw@10.0.0.1:5672/",
		`{"auth_password": "chapsecret"}`,
		"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc",
		"X-Auth-Token: gAAAAABkT0k3n",
		"aws key AKIAIOSFODNN7EXAMPLE here",
		"-----BEGIN RSA PRIVATE KEY-----",
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo",
		"4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq",
		"-----END RSA PRIVATE KEY-----",
		"nothing here",
	}, "\n") + "\n"
	var out bytes.Buffer
	rep, err := s.Scrub(&out, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"sup3rs3cret", "rabbitpw", "chapsecret", "eyJhbGciOiJIUzI1NiJ9", "gAAAAABkT0k3n", "AKIAIOSFODNN7EXAMPLE", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo", "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("%q survived:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "nothing here\n") || !strings.Contains(out.String(), "db.example.org/nova") {
		t.Errorf("too much scrubbed:\n%s", out.String())
	}
	if rep.Counts["pattern:private-key"] != 4 {
		t.Errorf("private key block: %v", rep.Counts)
	}
}

func TestLongLinesAndBinary(t *testing.T) {
	s, _ := New(Options{Values: []Value{{Kind: "hostname", Text: "compute-17.dc3.acme-cloud.net"}}})
	long := strings.Repeat("a ", 3<<20) + "compute-17.dc3.acme-cloud.net " + strings.Repeat("b ", 3<<20) + "\xff\xfe invalid utf8 compute-17.dc3.acme-cloud.net\n"
	var out bytes.Buffer
	rep, err := s.Scrub(&out, strings.NewReader(long))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "acme-cloud") || rep.Total() != 2 {
		t.Errorf("long line: %d replacements", rep.Total())
	}
	if !strings.Contains(out.String(), "\xff\xfe invalid utf8") {
		t.Error("invalid UTF-8 was not passed through")
	}
}

func TestIndexSaveLoad(t *testing.T) {
	ix := plantedIndex()
	p := filepath.Join(t.TempDir(), "x.idx")
	if err := ix.Save(p); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("index mode %v", st.Mode().Perm())
	}
	back, err := LoadIndex(p)
	if err != nil {
		t.Fatal(err)
	}
	for kind, v := range planted {
		if got := back.Lookup(v); got != kind {
			t.Errorf("%s: lookup after load = %q", v, got)
		}
	}
	if back.Len() != ix.Len() || len(back.Tokens) != len(ix.Tokens) || len(back.Prefixes) != len(ix.Prefixes) {
		t.Error("sizes differ after load")
	}
	os.WriteFile(p, []byte("not an index"), 0o600)
	if _, err := LoadIndex(p); err == nil || !strings.Contains(err.Error(), "not an index") {
		t.Errorf("garbage index: %v", err)
	}
	// An index of the format before (other tables) is refused, saying so.
	var old bytes.Buffer
	zw := gzip.NewWriter(&old)
	zw.Write([]byte("fuzzyduck-index-3\n{}\n"))
	zw.Close()
	os.WriteFile(p, old.Bytes(), 0o600)
	if _, err := LoadIndex(p); err == nil || !strings.Contains(err.Error(), "(format 3); rebuild it") {
		t.Errorf("format 3 index: %v", err)
	}
}
