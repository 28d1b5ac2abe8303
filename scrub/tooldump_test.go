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
	// rows of numbers (numrows.go): decimal, octal and hex words of 1 to 8
	// bytes, and bits
	{"od"}, {"od", "-d"}, {"od", "-s"}, {"od", "-i"}, {"od", "-l"}, {"od", "-tu1"}, {"od", "-td1"}, {"od", "-tx4"},
	{"od", "-tx8"}, {"od", "-to4"}, {"od", "-tu4"}, {"od", "-An", "-d"}, {"od", "-An", "-td1"},
	{"hexdump", "-d"}, {"hexdump", "-o"}, {"hexdump", "-x"}, {"xxd", "-b"}, {"xxd", "-b", "-c", "4"},
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

// TestToolShapesOrdinaryLines: ordinary log lines shaped like the dumps
// and radixes the scrubber now reads (hex ids and hashes one a line,
// numbers lists, Go slices of ints, long numbers, mixed-case words,
// punctuation-dense tokens, od-like and uuencode-like lines) come out
// byte for byte, knowing the corpus's values. (No run of 1 to 7: the
// corpus's phone number's local digits 1234567 are a word of it, spaced
// or not, in any text.)
func TestToolShapesOrdinaryLines(t *testing.T) {
	lines := []string{
		"2026-11-21 10:00:00.000 4242 INFO nova.db.main.migrations [req-0a1b2c3d - - - - -] Running online data migration step 3 of 500",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"5d41402abc4b2a76b9719d911017c592",
		" 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
		" 10 11 12 13 14 15 16 17",
		"0000000 0000 0000 0000 0000 0000 0000 0000 0000",
		"0000020 0001 0002 0003 0004",
		"0000000   9   8   0   2   6   4   1   7   3   0  \\n",
		"  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,",
		"  0x0c, 0x0d",
		"sizes=[8 1 9 2 6 4 0 3] ids=[101 102 103 104] offsets: [-1, -2, -3, -4, 5]",
		"CHAR(1,2,3,4) rows [1000, 2000, 3000, 4000]",
		"started at 1764583200123456789 ns, inode 18446744073709551615",
		"InstanceMappingList BlockDeviceMapping RequestSpec ComputeNode MigrationContext",
		"GET /v2.1/servers/detail?all_tenants=True&limit=1000 HTTP/1.1 status: 200 len: 1794 time: 0.2141",
		"DEBUG oslo_concurrency.lockutils [-] Lock \"compute_resources\" acquired by \"nova.compute.resource_tracker.ResourceTracker._update_available_resource\" :: waited 0.000s",
		"M-ARRAY OF EXACTLY SIXTY ONE CHARACTERS IN UPPER CASE ONLY!!!",
		"begin 644 notes.txt",
		"timeout=00:30:00 retries=03 mode=0755 path=/var/lib/nova/instances/_base",
		"UUID 3f2504e0-4f89-11d3-9a0c-0305e82c3301 ETag \"0x8D9A2F1B3C4D5E6\"",
		"aGVsbG8gd29ybGQ= Zm9vYmFy dGVzdA== YWJjZGVmZ2hpamtsbW5vcA",
		"<~87cURD]i,\"Ebo80~> stream",
		"OSError: [Errno 28] No space left on device: '/tmp/tmpXk3v9Q_a'",
	}
	vals, ix := corpusSecrets("values")
	in := strings.Join(lines, "\n") + "\n"
	for _, opts := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := s.Scrub(&out, strings.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		got := strings.Split(out.String(), "\n")
		for i, l := range lines {
			if got[i] != l {
				t.Errorf("altered:\n in: %q\nout: %q", l, got[i])
			}
		}
	}
}

func TestIsUUBegin(t *testing.T) {
	for in, want := range map[string]bool{
		"begin 644 row.bin": true, "2026-11-21 INFO x begin 0644 a b.txt": false, "2026-11-21 INFO x begin 0644 b.txt": true,
		"begin 64 x": false, "xbegin 644 y": false, "begin 644 ": false, "please begin 755 now": true, "begin 6448 x": false,
	} {
		if got := isUUBegin([]byte(in)); got != want {
			t.Errorf("isUUBegin(%q) = %v", in, got)
		}
	}
}
