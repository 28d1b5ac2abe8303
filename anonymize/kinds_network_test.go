package anonymize

import (
	"fmt"
	"net/netip"
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
	{kind: "email", in: "Jane.Doe@corp.example.org", check: re(`[a-z.]+@[a-z]+-[a-z]{3}\.[a-z]+-[a-z]{3}\.[a-z]+`)},
}

func TestKindsNetwork(t *testing.T) { runKindCases(t, networkCases, "testdata/kinds_network.golden") }
