package scrub

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// realTools are dumps the real tools print (od from coreutils, xxd,
// hexdump from bsdextrautils, uuencode from sharutils:
// scripts/install-deps.sh installs them).
var realTools = [][]string{
	{"od", "-c"}, {"od", "-x"}, {"od", "-An", "-tx1"}, {"od", "-tx1"}, {"od", "-An", "-c"},
	{"xxd"}, {"xxd", "-p"}, {"xxd", "-p", "-c", "8"}, {"xxd", "-i"}, {"xxd", "-c", "6"}, {"xxd", "-u", "-c", "10"},
	{"hexdump"}, {"hexdump", "-C"}, {"uuencode", "row.bin"}, {"uuencode", "-m", "row.bin"},
}

// TestRealToolDumps: every corpus value (after a line of its own, as a
// row's text is) dumped by the real tools, scrubbed knowing the values
// and through an index: the attacker's decoders recover nothing of it;
// its twin's dump, scrubbed in the same log, stays byte-identical.
func TestRealToolDumps(t *testing.T) {
	vals, ix := corpusSecrets("values")
	for _, tool := range realTools {
		if _, err := exec.LookPath(tool[0]); err != nil {
			t.Fatalf("%s is not installed (scripts/install-deps.sh installs it): %v", tool[0], err)
		}
	}
	run := func(tool []string, v string) string {
		cmd := exec.Command(tool[0], tool[1:]...)
		cmd.Stdin = strings.NewReader("name: " + v + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", strings.Join(tool, " "), err)
		}
		return strings.TrimSuffix(string(out), "\n")
	}
	for _, mode := range []struct {
		name string
		opts Options
	}{{"values", Options{Values: vals}}, {"index", Options{Index: ix}}} {
		s, err := New(mode.opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, tool := range realTools {
			name := strings.Join(tool, " ")
			form := attack.Form{Name: name, Bare: true, Render: func(v string) string { return run(tool, v) }}
			for i, v := range attack.Corpus {
				twin := run(tool, attack.Twins[i].Text) + "\n"
				log, probes := attack.Plant("2026-11-21 10:00:00.000 1 INFO dump [-] row follows\n", "--\n"+twin, v, form)
				out, leaks := scrubAndCheck(t, s, log, probes)
				for _, l := range leaks {
					t.Errorf("%s: %s: %s\n%s", mode.name, name, l, out)
				}
				if !strings.HasSuffix(out, "--\n"+twin) {
					t.Errorf("%s: %s: the twin %q's dump was altered:\n%s", mode.name, name, attack.Twins[i].Text, out)
				}
			}
		}
	}
}

// scrubAndCheck scrubs log and returns the output and what the attacker
// recovers of probes from it.
func scrubAndCheck(t *testing.T, s *Scrubber, log string, probes []attack.Probe) (string, []attack.Leak) {
	t.Helper()
	var out bytes.Buffer
	if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
		t.Fatal(err)
	}
	leaks, _, err := attack.Check(log, out.String(), probes, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), leaks
}
