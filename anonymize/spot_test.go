package anonymize

import (
	"strings"
	"testing"
)

func TestSpot(t *testing.T) {
	k, err := NewKey([]byte("spot-test-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(k)
	for _, tc := range []struct {
		in   string
		gone []string // originals that must not survive; none: unchanged
		kept []string
	}{
		{"contact alice@acme.com or bob@acme.com today", []string{"alice", "bob", "acme"}, []string{"contact ", " or ", " today"}},
		{"hook https://u:hunter2@api.acme.io/x?token=abc123&n=1 done", []string{"hunter2", "acme", "abc123"}, []string{"https://", " done"}},
		{"net 10.20.30.0/24 gw 10.20.30.1, v6 fe80::1", []string{"10.20.30", "fe80::1"}, []string{"net ", " gw "}},
		{"password=hunter2; key: AKIAXYZ", []string{"hunter2", "AKIAXYZ"}, []string{"password=", "key: "}},
		{"mac 52:54:00:12:34:56 on db1.dc2.acme.corp", []string{"52:54:00:12:34:56", "acme", "db1"}, []string{"mac ", " on "}},
		{"vip@acme.com", []string{"vip", "acme"}, nil},
		{"shop.users user.name $.a.b version 1.2.3 at 12:30:45 STRICT_TRANS_TABLES", nil, nil},
	} {
		out, changed := spot(w, []byte(tc.in))
		if len(tc.gone) == 0 {
			if changed || string(out) != tc.in {
				t.Errorf("%q: changed to %q", tc.in, out)
			}
			continue
		}
		for _, g := range tc.gone {
			if strings.Contains(string(out), g) {
				t.Errorf("%q: %q survives in %q", tc.in, g, out)
			}
		}
		for _, k := range tc.kept {
			if !strings.Contains(string(out), k) {
				t.Errorf("%q: lost %q: %q", tc.in, k, out)
			}
		}
		// the same fake as the column kinds give
		if tc.in == "vip@acme.com" && string(out) != string(kindEmail(w, &noColumn, []byte(tc.in), 0).out) {
			t.Errorf("a whole e-mail literal got %q, not the email kind's fake", out)
		}
	}
}
