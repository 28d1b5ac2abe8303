package scale

import (
	"bytes"
	"regexp"
	"testing"
)

func TestNumberSlots(t *testing.T) {
	for _, tc := range []struct {
		name string
		vals []string
		want []bool // slots renewed
	}{
		{"an id in a host name", []string{"pc-7.dom", "pc-52.dom", "pc-481.dom", "pc-3012.dom"}, []bool{true}},
		{"an octet", []string{"10.0.0.7", "10.0.12.255", "10.1.200.3"}, nil},
		{"fixed digits (a phone)", []string{"(555) 317-8883", "(696) 100-1234"}, nil},
		{"a padded counter", []string{"ticket 000123", "ticket 000999"}, []bool{true}},
		{"a padded date", []string{"2019-02-05", "2020-11-30"}, nil},
		{"a hex token", []string{"9f71dd75ce0a1f1", "0e083fb9d24054d7e", "12ab3456cd789"}, nil},
		{"the second place", []string{"a 1 b 7", "a 2 b 520", "a 3 b 9931"}, []bool{false, true}},
		{"a UUID's digit groups", []string{"n 7 a65b5a92-30f2-45b7-9603-2a6c492eeafb", "n 52 12345678-abcd-45b7-1234-123456789012", "n 481 e5b5a92f-3af2-45b7-a603-2a6c492eeafb 0"}, []bool{true}},
		// (a JSON document's numbers are ranked apart from its strings':
		// from the second half of the places)
		{"IPv4 in JSON", []string{`{"ip": "10.0.0.7", "n": 4}`, `{"ip": "10.252.219.31", "n": 12345}`}, []bool{false, false, false, false, false, false, false, false, true}},
		{"an id in JSON's strings", []string{`{"host": "pc-7", "n": 4}`, `{"n": 4, "host": "pc-52"}`, `{"host": "pc-481", "n": 4}`, `{"host": "x", "v": 1}`, `{"host": "pc-3012"}`}, []bool{true}},
		{"a network in JSON", []string{`{"cidr": "10.40.0.0/16", "v": 4}`, `{"cidr": "10.3.0.0/8", "v": 4}`, `{"cidr": "172.16.0.0/12", "v": 6}`}, nil},
		{"a UUID inside a name", []string{"n 7 volume-3e299802-5108-4ae3-a78d-62058c8f66c4", "n 52 volume-12345678-abcd-4ab7-1234-123456789012", "n 481 volume-e5b5a92f-3af2-45b7-a603-2a6c492eeafb"}, []bool{true}},
		{"IPv4 with a port", []string{`"10.0.0.7:3260" 7`, `"10.252.219.31:80" 12345`}, []bool{true}},
		{"a place few values reach", []string{"a 1 b", "a 2 b", "a 3 b 77", "a 4 b", "a 5 b 31337"}, nil},
		{"IPv6 and times", []string{"2001:db8::7 at 04:59:52", "2001:db8:41ef:3362::1d7b at 14:09:02"}, nil},
	} {
		pr := &profile{}
		for _, v := range tc.vals {
			pr.scanNumbers([]byte(v))
		}
		got := numberSlots(pr)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if len(got) != len(tc.want) || !equalBools(got, tc.want) {
			t.Errorf("%s: slots %v, want %v", tc.name, got, tc.want)
		}
	}
}

func equalBools(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

var digitRun = regexp.MustCompile(`[0-9]+`)

// FuzzRenumber: only the numbers of the renewed places change; every
// other byte stays, in order; a zero-padded number keeps its width; the
// same value gives the same output.
func FuzzRenumber(f *testing.F) {
	for _, s := range []string{"pc-4861.dom", "https://h/cb/26?tenant=77&v=2", "0012 x 7", "caf\xc3\xa91 2", "9f71dd75", "", `{\"host\": \"pc-52\", \"n\": 4, \"cidr\": \"10.40.0.0/16\"}`, `[{"v": 4, "l": "a-7"}, 12]`} {
		f.Add(s, uint8(3))
	}
	p := &Plan{prf: &prf{k0: 1, k1: 2}}
	f.Fuzz(func(t *testing.T, s string, mask uint8) {
		slots := []bool{mask&1 != 0, mask&2 != 0, mask&4 != 0}
		v := []byte(s)
		out := p.renumber(nil, v, slots, 1000)
		if again := p.renumber(nil, v, slots, 1000); !bytes.Equal(out, again) {
			t.Fatalf("%q: two outputs", v)
		}
		noDigits := func(b []byte) string { return digitRun.ReplaceAllString(string(b), "#") }
		if noDigits(out) != noDigits(v) {
			t.Fatalf("%q -> %q: bytes other than the numbers changed", v, out)
		}
		// runs of digits match one to one (the bytes between stay)
		in, got := digitRun.FindAllIndex(v, -1), digitRun.FindAllIndex(out, -1)
		if len(in) != len(got) {
			t.Fatalf("%q -> %q: %d numbers became %d", v, out, len(in), len(got))
		}
		renewed := map[int]bool{}
		eachNumber(v, func(k, i, j int) bool {
			if k < len(slots) && slots[k] {
				renewed[i] = true
			}
			return true
		})
		for n, r := range in {
			a, b := v[r[0]:r[1]], out[got[n][0]:got[n][1]]
			switch {
			case !renewed[r[0]] && !bytes.Equal(a, b):
				t.Fatalf("%q -> %q: %q changed, its place is not renewed", v, out, a)
			case renewed[r[0]] && a[0] == '0' && len(a) > 1 && len(a) != len(b):
				t.Fatalf("%q -> %q: the zero-padded %q lost its width", v, out, a)
			}
		}
	})
}
