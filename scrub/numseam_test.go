package scrub

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestNumberSeams: an IP address cut over two lines at any point (a
// plain wrap, a syslog header on both, two json-file records) is
// scrubbed in both; numbers at a line's end before an ordinary next
// line stay as they are.
func TestNumberSeams(t *testing.T) {
	vals := []string{"10.42.17.203", "2001:db8:4a2b::17:cafe", "192.168.200.17"}
	var vs []Value
	for _, v := range vals {
		vs = append(vs, Value{Kind: "ip", Text: v})
	}
	s, err := New(Options{Values: vs})
	if err != nil {
		t.Fatal(err)
	}
	record := func(text string) string {
		b, _ := json.Marshal(text)
		return `{"log":` + string(b) + `,"stream":"stdout","time":"2026-11-21T10:00:00.5Z"}`
	}
	const hdr = "2026-11-21 10:00:00.000 4242 INFO nova.compute.manager [-] "
	for _, v := range vals {
		for k := 1; k < len(v); k++ {
			a, b := v[:k], v[k:]
			for _, in := range []string{
				hdr + "host=" + a + "\n" + b + " (migrated)\n",
				"May 14 09:12:33 ctl01 nova-conductor[2187]: host=" + a + "\nMay 14 09:12:33 ctl01 nova-conductor[2187]: " + b + "\n",
				record(hdr+"host="+a) + "\n" + record(b+" (migrated)\n") + "\n",
			} {
				var out bytes.Buffer
				if _, err := s.Scrub(&out, strings.NewReader(in)); err != nil {
					t.Fatal(err)
				}
				// (what follows "host=" on the first line, what starts
				// the second after its header)
				lines := strings.Split(out.String(), "\n")
				first := lines[0][strings.LastIndex(lines[0], "host=")+len("host="):]
				second := strings.TrimPrefix(strings.TrimPrefix(lines[1], "May 14 09:12:33 ctl01 nova-conductor[2187]: "), `{"log":"`)
				if len(a) >= 2 && strings.HasPrefix(first, a) || len(b) >= 2 && strings.HasPrefix(second, b) {
					t.Errorf("%q cut after %d left:\n%s", v, k, out.String())
				}
			}
		}
	}
	clean := hdr + "rows updated 914\n" + hdr + "Running step 3\n" + "version 10\n.5 released\n" + "port 8080\n:9090 taken\n" +
		"x=10\n.42 done\n" + hdr + "at 10.5\n.17 seconds\n"
	var out bytes.Buffer
	if _, err := s.Scrub(&out, strings.NewReader(clean)); err != nil {
		t.Fatal(err)
	}
	if out.String() != clean {
		t.Errorf("ordinary lines altered:\n%s", out.String())
	}
}
