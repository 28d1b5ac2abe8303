package anonymize

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

var urlCases = []kindCase{
	{kind: "url", in: "rabbit://nova:s3cret@rabbit1.example.com:5672,nova:s3cret@10.0.0.5:5672/vhost", check: re(`rabbit://[a-z]+\d+:[A-Za-z0-9]{16}@[a-z0-9.-]+:5672,[a-z]+\d+:[A-Za-z0-9]{16}@\d+\.[\d.]+:5672/[a-z]+`)},
	{kind: "url", in: "mysql+pymysql://nova:pw@[2001:db8::5]/nova?charset=utf8", check: re(`mysql\+pymysql://[a-z]+\d+:[A-Za-z0-9]{16}@\[fd[0-9a-f:]+\]/nova\?charset=utf8`)},
	// a password with / ? # @ : unescaped: the last @ ends it
	{kind: "url", in: "mysql+pymysql://cinder:p/a?s#s@w:rd@db.corp.example:3306/cinder", check: re(`mysql\+pymysql://[a-z]+\d+:[A-Za-z0-9]{16}:[A-Za-z0-9]{16}@[a-z0-9.-]+:3306/cinder`)},
	{kind: "url", in: "ldap://cn=admin,dc=acme,dc=example", check: re(`ldap://cn=[a-z]{5},dc=[a-z]+-[a-z]{3},dc=[a-z]+-[a-z]{3}`)},
	{kind: "url", in: "nfs://10.20.30.40/export/acme-volumes", check: re(`nfs://\d+\.\d+\.\d+\.\d+/export/[a-z]+-volumes`)},
	{kind: "url", in: "file:///var/lib/glance/images/0b1f5a6e-1234-4abc-8def-00000000002a", check: re(`file:///var/lib/glance/images/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)},
	{kind: "url", in: "swift+https://4f0e1c2d3b4a59687766554433221100:Sw1ftK3y@keystone.acme.example:5000/v2.0/glance/0b1f5a6e-1234-4abc-8def-00000000002a",
		check: re(`swift\+https://[0-9a-f]{32}:[A-Za-z0-9]{16}@[a-z0-9.-]+:5000/v2\.0/glance/[0-9a-f-]{36}`)},
	{kind: "url", in: "rbd://6f9e0c3a-5b1d-4e2f-9a8b-7c6d5e4f3a2b/images/0b1f5a6e-1234-4abc-8def-00000000002a/snap", check: re(`rbd://[0-9a-f-]{36}/images/[0-9a-f-]{36}/[a-z]+`)},
	{kind: "url", in: "https://hooks.acme.example/services/T024BE7LD/B01ABCDEF/xoxbSecretToken?channel=ops-alerts&token=abc123#frag", check: re(`https://[a-z0-9.-]+/services/[A-Z0-9]{9}/[A-Z0-9]{9}/[a-z]+[A-Z][a-z]+[A-Z][a-z]+\?channel=[a-z]+-[a-z]+&token=[a-z]+[1-9]\d{0,5}#[a-z]+`)},
	{kind: "url", in: "http://acme-objects.example/v1/AUTH_4f0e1c2d3b4a59687766554433221100/My%20Backups/db%2Fdump.sql", check: re(`http://[a-z0-9.-]+/v1/AUTH_[0-9a-f]{32}/[A-Z][a-z]+%20[A-Z][a-z]+/[a-z]+%2F[a-z]+\.[a-z]+`)},
	// the red team's webhook: a hash in the query keeps no digit mask, an
	// MD5 account id is an id
	{kind: "url", in: "https://hook-17:p@ss:w/rd17@api.bigbank.example:8443/v2.0/AUTH_70efdf2ec9b086079795c442636b55fb/events/17?token=wh_4e1243bd22c66e76c2ba&tenant=17#frag17",
		check: re(`https://[a-z]+\d+:[A-Za-z0-9]{16}:[A-Za-z0-9]{16}@[a-z0-9.-]+:8443/v2\.0/AUTH_[0-9a-f]{32}/[a-z]+/[1-9]\d{0,7}\?token=wh_[0-9a-f]{20}&tenant=[1-9]\d{0,7}#[a-z]+[1-9]\d{0,5}`)},
	{kind: "url", in: "https://api.example.org/cb?sig=dGhpcyBpcyBhIHNlY3JldCBzaWduYXR1cmU%3D&key=AbC%2BdEf%2FgHiJkLmNoPqRsTuV", check: re(`https://[a-z0-9.-]+/[a-z]+\?sig=[A-Za-z0-9+/]+%3D&key=[A-Za-z0-9%]+`)},
}

func TestKindsURL(t *testing.T) { runKindCases(t, urlCases, "testdata/kinds_url.golden") }

// urlCorpus is real-shaped: how OpenStack services and their operators
// write URLs into databases (Nova's transport_url and
// database_connection, Glance's image locations, Cinder's and Manila's
// backends, Keystone's LDAP, webhooks in Aodh and Zaqar), malformed ones
// included.
var urlCorpus = []string{
	"rabbit://openstack:Rabb1tPassw0rd@ctl-rabbit-01.prod.acme.example:5672,openstack:Rabb1tPassw0rd@ctl-rabbit-02.prod.acme.example:5672,openstack:Rabb1tPassw0rd@ctl-rabbit-03.prod.acme.example:5672/novacell1",
	"rabbit://nova:pa,ss@10.41.7.12:5672,nova:pa,ss@10.41.7.13:5672/",
	"mysql+pymysql://nova:Db$ecret99@galera-vip.acme.example/nova_cell1?charset=utf8&read_default_file=/etc/acme/my.cnf",
	"mysql+pymysql://root:h@rd/pass#word?@[fd12:3456:789a::17]:3306/keystone",
	"postgresql://billing_user:Xk9%40pLm@pgsql.finance.acme.example:5432/invoicing",
	"swift+https://8d7c6b5a4f3e2d1c0b9a887766554433:glance:9c8B7a6D5e4F3g2H1i0J@auth.acme.example:5000/v3/glance-images/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
	"swift+config://store-acmeprod/glance/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
	"swift://tenantacme:keyAcme2024@swift.acme.example/v1/AUTH_8d7c6b5a4f3e2d1c0b9a887766554433/glance_4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
	"rbd://b2f3c4d5-e6f7-4a8b-9c0d-1e2f3a4b5c6d/acme-images/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/snap",
	"file:///srv/acmecorp/glance-store/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
	"nfs://172.19.8.44/exports/cinder-acme-gold",
	"ldap://cn=svc-keystone,ou=serviceaccounts,dc=corp,dc=acmebank,dc=example",
	"ldaps://ldap1.acmebank.example:636/ou=People,dc=acmebank,dc=example?uid?sub?(memberOf=cn=cloudadmins)",
	"https://hooks.slack.example/services/T0ACME123/B0ACME456/q8WmZbLrYtXcVnQpKsJd",
	"http://aodh-alarm-sink.acme.example:8080/alarm?apikey=f7e6d5c4b3a2&tenant=acmebank#retry",
	"https://zaqar.acme.example:8888/v2/queues/billing-events/messages?client_id=5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170",
	"http://[2001:db8:ac::e]:9292/v2/images/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/file",
	"https://user%40acme.example:Pa%24%24w0rd@portal.acme.example/dashboard/project/instances/",
	"vnc://console-gw.acme.example:6080/vnc_auto.html?token=2b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
	"iscsi://192.168.44.21:3260/iqn.2010-10.org.openstack:volume-9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d/1",
}

// urlProtocol: tokens an attacker may see survive (the scheme, protocol
// words, query keys, LDAP attribute names).
func urlProtocol(in string) map[string]bool {
	keep := map[string]bool{}
	if i := strings.Index(in, "://"); i > 0 {
		for _, t := range alnumRuns(in[:i]) {
			keep[strings.ToLower(t)] = true
		}
	}
	for _, m := range portRe.FindAllStringSubmatch(in, -1) {
		keep[m[1]] = true
	}
	rest := in
	for {
		i := strings.IndexAny(rest, "?&")
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		if k, _, ok := strings.Cut(rest, "="); ok {
			for _, t := range alnumRuns(k) {
				keep[strings.ToLower(t)] = true
			}
		}
	}
	return keep
}

// zerosOnly: a run of zeros (the nil id stays, in or out of a longer
// run: zeros tell nothing).
func zerosOnly(t string) bool { return strings.Trim(t, "0") == "" }

// nilIDs: the nil id's 32 zeros, inside a longer run ("N" and the nil
// id: the fake of "N" may end in n under two keys, and "Gown" before
// the nil id held "n00000" of another word).
var nilIDs = regexp.MustCompile(`0{32,}`)

var portRe = regexp.MustCompile(`:(\d+)(?:[/,?#]|$)`)

var escapeRe = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

// alnumRuns: the runs of letters and digits, percent-escapes taken for
// the characters they stand for.
func alnumRuns(s string) []string {
	s = escapeRe.ReplaceAllString(s, " ")
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// leakedTokens lists the tokens of in (runs of letters and digits, 4 or
// more long, not protocol words) that the attacker finds in out, as a
// whole token or, for 6 and more, anywhere in it (case ignored).
func leakedTokens(in, out string, keep map[string]bool) []string {
	out = nilIDs.ReplaceAllString(out, " ") // the software's, no part of a run around it
	outRuns := map[string]bool{}
	for _, t := range alnumRuns(out) {
		outRuns[strings.ToLower(t)] = true
	}
	var kept []string // what the attacker can read in out, the nil id aside
	for _, t := range alnumRuns(out) {
		if !zerosOnly(t) {
			kept = append(kept, t)
		}
	}
	low := strings.ToLower(strings.Join(kept, " "))
	var leaks []string
	for _, t := range alnumRuns(in) {
		lt := strings.ToLower(t)
		// (the nil id is the software's; so is a word software puts
		// before its tokens, which a token's fake keeps: "token-<id>")
		if len(t) < 4 || keep[lt] || isURLWord([]byte(t)) || ldapAttrs[lt] || zerosOnly(t) || tokenWords[lt] || len(nilIDs.ReplaceAllString(t, "")) < 4 {
			continue
		}
		inKept := false // a kept token holds it: the attacker learns nothing new
		for k := range keep {
			inKept = inKept || strings.Contains(k, lt)
		}
		for _, w := range alnumRuns(in) { // so does a protocol word the input has ("serviCes" holds host "rviCes")
			inKept = inKept || isURLWord([]byte(w)) && strings.Contains(strings.ToLower(w), lt)
		}
		if outRuns[lt] || len(t) >= 6 && !inKept && strings.Contains(low, lt) {
			leaks = append(leaks, t)
		}
	}
	return leaks
}

func TestURLCorpusLeaksNothing(t *testing.T) {
	w := newWorker(testKey(t, "url-corpus"))
	for _, in := range urlCorpus {
		res := kindURL(w, &noColumn, []byte(in), 0)
		out := string(res.out)
		if res.fallback {
			t.Errorf("%s: not parsed as a URL: %s", in, out)
		}
		if leaks := leakedTokens(in, out, urlProtocol(in)); len(leaks) > 0 {
			t.Errorf("%s\n  -> %s\n  keeps %q", in, out, leaks)
		}
		// The scheme, the number of segments and the ports stay.
		if strings.SplitN(in, "://", 2)[0] != strings.SplitN(out, "://", 2)[0] {
			t.Errorf("%s -> %s: scheme changed", in, out)
		}
		if segs := func(s string) int { return strings.Count(s[strings.LastIndex(s, "@")+1:], "/") }; segs(in) != segs(out) {
			t.Errorf("%s -> %s: segment count changed", in, out)
		}
		for _, port := range []string{":5672", ":3306", ":5432", ":5000", ":636", ":8080", ":9292", ":3260"} {
			if strings.Count(in, port+"/")+strings.Count(in, port+",") != strings.Count(out, port+"/")+strings.Count(out, port+",") {
				t.Errorf("%s -> %s: port %s lost", in, out, port)
			}
		}
	}
}

// A host inside a URL gets the same fake as in a hostname or ip column;
// an id the same as in a uuid column.
func TestURLPartsMatchTheirColumns(t *testing.T) {
	w := newWorker(testKey(t, "url-twins"))
	in := "swift+https://8d7c6b5a4f3e2d1c0b9a887766554433:key@swift.acme.example:8080/v1/AUTH_8d7c6b5a4f3e2d1c0b9a887766554433/glance/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f?x=10.1.2.3"
	out := kindURL(w, &noColumn, []byte(in), 0).out
	for _, twin := range []result{
		kindHostname(w, &noColumn, []byte("swift.acme.example"), 0),
		kindUUID(w, &noColumn, []byte("8d7c6b5a4f3e2d1c0b9a887766554433"), 0),
		kindUUID(w, &noColumn, []byte("4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"), 0),
		kindIP(w, &noColumn, []byte("10.1.2.3"), 0),
	} {
		if !bytes.Contains(out, twin.out) {
			t.Errorf("%s does not hold %s", out, twin.out)
		}
	}
	if c := bytes.Count(out, kindUUID(w, &noColumn, []byte("8d7c6b5a4f3e2d1c0b9a887766554433"), 0).out); c != 2 {
		t.Errorf("the tenant appears %d times in %s, want 2", c, out)
	}
}

func TestURLOpaqueFallback(t *testing.T) {
	w := newWorker(testKey(t, "url-opaque"))
	for _, in := range []string{"not a url", "ftp.acme.example/pub", "://nohost", "acme:secret", strings.Repeat("x", 40)} {
		res := kindURL(w, &noColumn, []byte(in), 0)
		if !res.fallback {
			t.Errorf("%q: no fallback (%q)", in, res.out)
		}
		if bytes.Contains(res.out, []byte("acme")) || bytes.Contains(res.out, []byte("secret")) || bytes.Contains(res.out, []byte("nohost")) {
			t.Errorf("%q -> %q keeps a token", in, res.out)
		}
		if n := len(res.out); n < len(in) || n&(n-1) != 0 {
			t.Errorf("%q -> %d characters: not its length class", in, n)
		}
	}
}

// FuzzURL: the url kind never panics, and no token of the input (4 or
// more letters and digits, not a protocol word, scheme, port or query
// key) survives it. A fake word can hit an input word by chance under
// one key, rarely under two or three ("aodh sink cme" -> "house army
// sink" and "sink doctor town"; "aodh sink ck cme" under three keys): a
// token is a leak when both outputs hold it in the input's place (the
// same run of letters and digits), or when three more keys' outputs
// all hold it too (a kept token is in every output).
func FuzzURL(f *testing.F) {
	for _, s := range urlCorpus {
		f.Add(s)
	}
	w1, w2 := newWorker(testKey(f, "fuzz-url-1")), newWorker(testKey(f, "fuzz-url-2"))
	more := []*worker{newWorker(testKey(f, "fuzz-url-3")), newWorker(testKey(f, "fuzz-url-4")), newWorker(testKey(f, "fuzz-url-5"))}
	f.Fuzz(func(t *testing.T, in string) {
		a := kindURL(w1, &noColumn, []byte(in), 0)
		b := kindURL(w2, &noColumn, []byte(in), 0)
		if a.fallback != b.fallback {
			t.Fatalf("%q: parsed under one key only", in)
		}
		keep := urlProtocol(in)
		both := map[string]bool{}
		for _, tok := range leakedTokens(in, string(b.out), keep) {
			both[tok] = true
		}
		var others []map[string]bool
		for _, tok := range leakedTokens(in, string(a.out), keep) {
			if !both[tok] {
				continue
			}
			if inPlace(in, string(a.out), tok) && inPlace(in, string(b.out), tok) {
				t.Fatalf("%q\n -> %q\n -> %q\nkeeps %q in its place", in, a.out, b.out, tok)
			}
			if others == nil {
				for _, w := range more {
					m := map[string]bool{}
					for _, tok := range leakedTokens(in, string(kindURL(w, &noColumn, []byte(in), 0).out), keep) {
						m[tok] = true
					}
					others = append(others, m)
				}
			}
			if others[0][tok] && others[1][tok] && others[2][tok] {
				t.Fatalf("%q\n -> %q\n -> %q\nkeeps %q under five keys", in, a.out, b.out, tok)
			}
		}
	})
}

// inPlace: whether out's run of letters and digits number i is tok (case
// ignored) for an i where in's is, or out holds tok inside a longer run
// (a leak that is not a whole word has no place to compare).
func inPlace(in, out, tok string) bool {
	ins, outs := alnumRuns(nilIDs.ReplaceAllString(in, " ")), alnumRuns(nilIDs.ReplaceAllString(out, " ")) // (alike: the places stay)
	whole := false
	for i, r := range outs {
		if !strings.EqualFold(r, tok) {
			continue
		}
		whole = true
		if i < len(ins) && strings.EqualFold(ins[i], tok) {
			return true
		}
	}
	return !whole
}
