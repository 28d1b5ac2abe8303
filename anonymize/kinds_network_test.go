package anonymize

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

var networkCases = []kindCase{
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
