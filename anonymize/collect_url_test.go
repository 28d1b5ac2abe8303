package anonymize

import (
	"strings"
	"testing"
)

// TestURLParts: fuzzy index learns each part the url kind replaces, alone
// (a log prints a webhook's password or token on its own), with the
// part's kind; protocol words, ports, query keys, one-word path
// segments and parts of fewer than 4 letters and digits are not parts.
func TestURLParts(t *testing.T) {
	for _, c := range []struct {
		url       string
		want, not []string // "kind:part"; parts alone
	}{
		{
			url: "https://hook-29:p@ss:w/rd29@api.bigbank.example:8443/v2.0/AUTH_6ea9ab1baa0efb9e19094440c317e21b/events/2900?token=wh_7719a1c782a1ba91c031&tenant=1000#frag29",
			want: []string{"username:hook-29", "password:p@ss:w/rd29", "password:w/rd29", "hostname:api.bigbank.example",
				"url:AUTH_6ea9ab1baa0efb9e19094440c317e21b", "uuid:6ea9ab1baa0efb9e19094440c317e21b", "url:wh_7719a1c782a1ba91c031", "url:frag29"},
			not: []string{"events", "2900", "1000", "8443", "v2.0", "token", "tenant", "p@ss"},
		},
		{
			url:  "mysql+pymysql://nova:Xk9%40pLm@10.41.7.12:3306/nova_cell1?charset=utf8",
			want: []string{"password:Xk9@pLm", "ip_address:10.41.7.12", "url:nova_cell1"},
			not:  []string{"nova", "utf8", "charset", "Xk9%40pLm"},
		},
		{
			url:  "rabbit://openstack:Rabb1tPassw0rd@ctl-rabbit-01.prod.acme.example:5672,openstack:Rabb1tPassw0rd@ctl-rabbit-02.prod.acme.example:5672/novacell1",
			want: []string{"username:openstack", "password:Rabb1tPassw0rd", "hostname:ctl-rabbit-01.prod.acme.example", "hostname:ctl-rabbit-02.prod.acme.example"},
			not:  []string{"5672"},
		},
		{
			url:  "http://[2001:db8:ac::e]:9292/v2/images/4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/file",
			want: []string{"ip_address:[2001:db8:ac::e]", "uuid:4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
			not:  []string{"images", "file", "9292"},
		},
		{url: "none:///", not: []string{"none"}},
		{url: "not a url at all", not: []string{"not a url at all"}},
	} {
		w := newWorker(testKey(t, "url-parts"))
		got := map[string]bool{}
		parts := map[string]bool{}
		urlParts(w, []byte(c.url), func(kind string, v []byte) {
			got[kind+":"+string(v)] = true
			parts[string(v)] = true
		})
		for _, want := range c.want {
			if !got[want] {
				t.Errorf("%s: %s not reported (got %v)", c.url, want, got)
			}
		}
		for _, not := range c.not {
			if parts[not] {
				t.Errorf("%s: %q reported as a part", c.url, not)
			}
		}
		if w.visitPart != nil {
			t.Errorf("visit mode left on")
		}
	}
}

// TestURLPartsCoverReplaced: over the URL corpus, every run of 6 or more
// letters and digits that the url kind replaces (except one-word path
// segments) lies inside a part fuzzy index reports alone.
func TestURLPartsCoverReplaced(t *testing.T) {
	w := newWorker(testKey(t, "url-parts-corpus"))
	for _, in := range urlCorpus {
		out := string(kindURL(w, &noColumn, []byte(in), 0).out)
		var parts []string
		urlParts(w, []byte(in), func(kind string, v []byte) { parts = append(parts, strings.ToLower(string(v))) })
		outRuns := map[string]bool{}
		for _, r := range alnumRuns(out) {
			outRuns[r] = true
		}
		for _, r := range alnumRuns(in) {
			if len(r) < 6 || outRuns[r] || isWord([]byte(r)) || isURLWord([]byte(r)) {
				continue // kept, or a word of letters the index leaves out
			}
			found := false
			for _, p := range parts {
				found = found || strings.Contains(p, strings.ToLower(r))
			}
			if !found {
				t.Errorf("%s: replaced %q is in no part (parts %q)", in, r, parts)
			}
		}
	}
}
