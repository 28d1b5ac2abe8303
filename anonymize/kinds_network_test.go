package anonymize

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

var networkCases = []kindCase{
	{kind: "ip_address", in: "10.1.2.3", check: re(`\d+\.\d+\.\d+\.\d+`)},
	{kind: "ip_address", in: "192.168.7.9", check: re(`\d+\.\d+\.\d+\.\d+`)},
	{kind: "ip_address", in: "203.0.113.77", check: func(s string) error {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() || a.IsPrivate() {
			return fmt.Errorf("%q is not a public IPv4 address", s)
		}
		return nil
	}},
	{kind: "ip_address_v6", in: "2001:db8::1", check: re(`fd[0-9a-f:]+`)},
	{kind: "ip_address with-prefix", in: "10.20.0.0/16", check: re(`\d+\.\d+\.\d+\.\d+/16`)},
	{kind: "cidr", in: "192.168.0.0/24", check: re(`\d+\.\d+\.\d+\.0/24`)},
	{kind: "cidr", in: "2001:db8:1::/48", check: re(`fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/48`)},
	{kind: "mac", in: "fa:16:3e:12:34:56", check: re(`[0-9a-f]{2}(:[0-9a-f]{2}){5}`)},
	{kind: "mac", in: "00-1B-44-11-3A-B7", check: re(`[0-9A-F]{2}(-[0-9A-F]{2}){5}`)},
	{kind: "hostname", in: "compute-0042.cloud.example.com", check: re(`[a-z]+-\d{4}\.[a-z]+-[a-z]{3}\.[a-z]+-[a-z]{3}\.[a-z]+`)},
	{kind: "hostname", in: "db1", col: colInfo{maxLen: 8}, check: re(`[a-z0-9-]{1,8}`)},
	{kind: "email", in: "Jane.Doe@corp.example.org", check: re(`[a-z]+\.[a-z]+@([a-z]+\.)?[a-z]+(-[a-z]+)?\.[a-z]+`)},
}

func TestKindsNetwork(t *testing.T) { runKindCases(t, networkCases, "testdata/kinds_network.golden") }

// TestIPRangesDoNotShareTheirHostBits: an attacker who knows what a
// well-known address became (127.0.0.1, the metadata service's
// 169.254.169.254) learns nothing about the same host bits in another
// range: for 2000 host parts, the fakes' host bits agree by chance only.
func TestIPRangesDoNotShareTheirHostBits(t *testing.T) {
	w := newWorker(testKey(t, "ip-ranges"))
	host := func(s string, bits uint) uint32 {
		a := fakeAddr(w, netip.MustParseAddr(s), 0).As4()
		return (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) & (1<<bits - 1)
	}
	same24, same16 := 0, 0
	for i := 1; i <= 2000; i++ {
		a, b, c := i>>16&255, i>>8&255, i&255
		if host(fmt.Sprintf("10.%d.%d.%d", a, b, c), 24) == host(fmt.Sprintf("127.%d.%d.%d", a, b, c), 24) {
			same24++
		}
		if host(fmt.Sprintf("192.168.%d.%d", b, c), 16) == host(fmt.Sprintf("169.254.%d.%d", b, c), 16) {
			same16++
		}
	}
	if same24 > 0 || same16 > 2 {
		t.Errorf("host bits shared: 10/8 and 127/8 %d of 2000, 192.168/16 and 169.254/16 %d", same24, same16)
	}
}

// TestPrivateFakesHideTheirClass: with private space mapped into
// 240.0.0.0/4 and public space among public addresses, every fake told
// whether its original was private (F7: the red team read that every
// user's last_ip was internal), and with a fixed target per private
// range, which private range. The attacker knows half of the originals
// (public ones and each private range, as many of each), learns which
// class each /12 of the fakes holds most, and guesses the class of the
// other half from their fakes: private or public, and which of the five,
// no better than chance. Distinct originals keep distinct fakes;
// loopback and link-local keep their ranges.
func TestPrivateFakesHideTheirClass(t *testing.T) {
	w := newWorker(testKey(t, "ip-classes"))
	classes := []func(i int) string{
		func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i*37>>16&255, i*37>>8&255, i*37&255) },
		func(i int) string { return fmt.Sprintf("172.%d.%d.%d", 16+i*37>>16&15, i*37>>8&255, i*37&255) },
		func(i int) string { return fmt.Sprintf("192.168.%d.%d", i*37>>8&255, i*37&255) },
		func(i int) string { return fmt.Sprintf("100.%d.%d.%d", 64+i*37>>16&63, i*37>>8&255, i*37&255) },
		func(i int) string { // public: spread over the unicast space
			a := 1 + i*7919%222
			if a == 10 || a == 100 || a == 127 || a == 169 || a == 172 || a == 192 {
				a++
			}
			return fmt.Sprintf("%d.%d.%d.%d", a, i*37>>8&255, i*13&255, i&255)
		},
	}
	const n = 2000
	type fake struct {
		class  int
		bucket uint32
	}
	var train, test []fake
	seen := map[netip.Addr]string{}
	for c, addr := range classes {
		for i := 0; i < n; i++ {
			orig := addr(i)
			a := fakeAddr(w, netip.MustParseAddr(orig), 0)
			if o, ok := seen[a]; ok && o != orig {
				t.Fatalf("%s and %s both became %s", o, orig, a)
			}
			seen[a] = orig
			b := a.As4()
			f := fake{c, uint32(b[0])<<4 | uint32(b[1])>>4}
			if i%2 == 0 {
				train = append(train, f)
			} else {
				test = append(test, f)
			}
		}
	}
	votes := map[uint32][5]int{}
	for _, f := range train {
		v := votes[f.bucket]
		v[f.class]++
		votes[f.bucket] = v
	}
	right, rightPrivate := 0, 0
	for _, f := range test {
		v, best := votes[f.bucket], 4 // an unseen bucket: guess public
		for c := range v {
			if v[c] > v[best] {
				best = c
			}
		}
		if best == f.class {
			right++
		}
		// private or public: private when the bucket held more private
		// fakes than public ones, weighted as the classes are (4 to 1)
		private := v[0]+v[1]+v[2]+v[3] > 4*v[4]
		if private == (f.class < 4) {
			rightPrivate++
		}
	}
	rate := float64(right) / float64(len(test))
	ratePrivate := float64(rightPrivate) / float64(len(test))
	t.Logf("class guessed %.1f%% (chance 20%%), private or public %.1f%% (chance: 50%% for a balanced guess)", 100*rate, 100*ratePrivate)
	if rate > 0.26 {
		t.Errorf("the fake's /12 tells the original's class %.0f%% of the time (chance: 20%%)", 100*rate)
	}
	if ratePrivate > 0.56 {
		t.Errorf("the fake's /12 tells private from public %.0f%% of the time (chance: 50%%)", 100*ratePrivate)
	}
	// what a reader sees at once: the fakes of private originals are no
	// more often in 240/4 (or in private space) than the public ones'
	in240 := [2]int{}
	for a, o := range seen {
		pub := 0
		if !netip.MustParseAddr(o).IsPrivate() && !strings.HasPrefix(o, "100.") {
			pub = 1
		}
		if a.As4()[0] >= 240 {
			in240[pub]++
		}
	}
	if in240[0] > 0 || in240[1] > 0 {
		t.Errorf("fakes in 240.0.0.0/4: %d of private originals, %d of public", in240[0], in240[1])
	}
	for _, keep := range []string{"127.0.0.1", "169.254.169.254"} {
		a := fakeAddr(w, netip.MustParseAddr(keep), 0)
		if p := netip.MustParsePrefix(map[string]string{"127.0.0.1": "127.0.0.0/8", "169.254.169.254": "169.254.0.0/16"}[keep]); !p.Contains(a) {
			t.Errorf("%s became %s, outside its range", keep, a)
		}
	}
}

// The attacker's side of e-mail domains: the red team read a company's
// country ("co.uk") and subdomains from the fake domain's label count.
// Over domains of two and of four labels (with digits), the attacker
// guesses "four" when the fake has more than two labels, and a digit in
// the original when the fake has one: no better than chance. One domain
// keeps one fake (its users stay colleagues).
func TestEmailDomainShapeTellsNothing(t *testing.T) {
	w := newWorker(testKey(t, "email-shape"))
	right, total := 0, 0
	for i := 0; i < 400; i++ {
		long := i%2 == 1
		dom := fmt.Sprintf("firm%c%c.com", 'a'+i%26, 'a'+i/26)
		if long {
			dom = fmt.Sprintf("mail%d.dept.firm%c%c.co.uk", i, 'a'+i%26, 'a'+i/26)
		}
		out := string(kindEmail(w, &noColumn, []byte("x@"+dom), 0).out)
		fake := out[strings.IndexByte(out, '@')+1:]
		if strings.ContainsAny(fake, "0123456789") {
			t.Fatalf("%s -> %s: digits in the fake domain", dom, fake)
		}
		if again := string(kindEmail(w, &noColumn, []byte("y@"+strings.ToUpper(dom)), 0).out); !strings.HasSuffix(again, "@"+fake) {
			t.Fatalf("%s: %s and %s", dom, out, again)
		}
		total++
		if (strings.Count(fake, ".") > 1) == long {
			right++
		}
	}
	if rate := float64(right) / float64(total); rate > 0.6 {
		t.Errorf("the fake's label count tells a long domain from a short one %.0f%% of the time", 100*rate)
	}
}

// TestFakeTLDsTellNoLength: a host name's fake top-level label showed
// whether the original's had 3 letters or fewer (a .seafood fake read
// .com-like, a .com fake a bare word). The attacker guesses "short" from
// the fake TLD's length class and shape, learnt on half the names, and is right no more often than chance; a domain's
// hosts keep sharing their parent's fake.
func TestFakeTLDsTellNoLength(t *testing.T) {
	w := newWorker(testKey(t, "tlds"))
	tlds := []string{"com", "net", "org", "io", "de", "uk", "fr", "nl", "ch", "se", "us", "eu", "jp", "cn", "ru", "it",
		"seafood", "cloud", "online", "systems", "example", "internal", "company", "services", "network", "digital", "travel", "agency", "capital", "ventures", "support", "hosting"}
	fake := func(h string) []string {
		out := string(kindHostname(w, &colInfo{}, []byte(h), 0).out)
		return strings.Split(out, ".")
	}
	// the attacker's feature of a fake TLD: its length class and a '-'
	feature := func(f string) string { return fmt.Sprint(len(f) > 3, strings.Contains(f, "-")) }
	// the attacker's table: for each feature, how many short and long originals it stood for
	seen := map[string][2]int{}
	type guess struct {
		tld   string
		short bool
	}
	var test []guess
	for i, tld := range tlds {
		short := len(tld) <= 3
		a, b := fake("www.acme."+tld), fake("db.acme."+tld)
		if a[1] != b[1] || a[2] != b[2] {
			t.Errorf("hosts of acme.%s do not share its fake: %v, %v", tld, a, b)
		}
		if i%2 == 0 {
			s := seen[feature(a[2])]
			if short {
				s[0]++
			} else {
				s[1]++
			}
			seen[feature(a[2])] = s
		} else {
			test = append(test, guess{feature(a[2]), short})
		}
	}
	right := 0
	for _, g := range test {
		s := seen[g.tld]
		if s[0] != s[1] && (s[0] > s[1]) == g.short || s[0] == s[1] && !g.short {
			right++
		}
	}
	if rate := float64(right) / float64(len(test)); rate > 0.75 {
		t.Errorf("the fake TLD tells a short original TLD from a long one %.0f%% of the time (chance: 50%%)", 100*rate)
	}
}

// TestEmailDomainRecent: the worker's few recent domains give the fakes
// its map (and a fresh worker) gives, with more domains in turn than it
// keeps, cases mixed, and a domain too long to keep.
func TestEmailDomainRecent(t *testing.T) {
	k := testKey(t, "email-domains")
	w := newWorker(k)
	c := &colInfo{}
	domains := []string{"example.org", "Example.COM", "corp.example.com", "a.b.example.net", "mail.example.io", "x.example.org", "example.co.uk",
		strings.Repeat("long", 15) + ".example.com", "not a domain"}
	for round := 0; round < 3; round++ {
		for i, d := range domains {
			in := []byte(fmt.Sprintf("user%d@%s", i, d))
			got := string(kindEmail(w, c, in, 0).out)
			if want := string(kindEmail(newWorker(k), c, in, 0).out); got != want {
				t.Fatalf("round %d, %s: %q, a fresh worker %q", round, in, got, want)
			}
		}
	}
}
