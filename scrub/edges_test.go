package scrub

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestMarkerEndsWithTheValue: a known value in a line is replaced by a
// marker that covers exactly it, the text on either side byte for byte,
// in both modes, when other known values hold a piece that runs on from
// it over a separator into a letter or two of the next word (the red
// team's "[scrubbed:email:...]ogged in": "nkcom/~l" of a URL's pieces
// read "nkcom l" of "bigbank.com logged"). A value cut short still goes
// whole (TestPieces), and so does one whose piece runs on from a word of
// it into the next ("Ismail" of "İsmX\bail Çağlayan").
func TestMarkerEndsWithTheValue(t *testing.T) {
	vs, ix := secretsOf([]string{
		"vip.customer@bigbank.com", "http://www.bigbank.com/~lukas", "Aurélie Grünewald-Østergaard",
		"192.168.133.18", "bigbank.com", "login for user ana.dupont275@bigbank.com from 192.168.1.20",
		"xy.mailbox@example.org", "Kowalczyk Ambrozy",
		// (their pieces reach over a separator into a neighbour's word)
		"ship.aurelie@exemple.fr", "tip 192.168.133.99 ok", "jane.ostergaard@firma.dk", "https://bigbank.com/ma/x",
		"zxl.vip.customer@example.net", "zzzr.kowalczyk@mail.pl", "kowalczyk.ambrozy.lopez@mail.pl",
	})
	cases := []struct{ before, value, after string }{
		{"user ", "vip.customer@bigbank.com", " logged in"},
		{"user ", "vip.customer@bigbank.com", " l"},
		{"domain only: ", "bigbank.com", ", mail of"},
		{"ip: ", "192.168.133.18", " and"},
		{"name lower: ", "aurélie grünewald-østergaard", ""},
		{"html: ", "vip.customer@bigbank.com", ""},
		{"python repr: '", "Aurélie Grünewald-Østergaard", "'"},
		{"", "xy.mailbox@example.org", " ab"},
		{"Mr ", "Kowalczyk Ambrozy", " lo"},
	}
	for _, m := range scrubbersOf(t, vs, ix) {
		for _, c := range cases {
			line := c.before + c.value + c.after
			var out bytes.Buffer
			if _, err := m.s.Scrub(&out, strings.NewReader(line+"\n")); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSuffix(out.String(), "\n")
			mk := markerRe.FindAllStringIndex(got, -1)
			if len(mk) != 1 || got[:mk[0][0]] != c.before || got[mk[0][1]:] != c.after {
				t.Errorf("%s: %q -> %q: want %q, one marker, %q", m.name, line, got, c.before, c.after)
			}
		}
	}
}

// TestPieceRunsStayWhole: where the runes a piece run goes on with are
// the value's own (a word of it cut short, a password's punctuation),
// they go with it.
func TestPieceRunsStayWhole(t *testing.T) {
	vs, ix := secretsOf([]string{"İsmail Çağlayan", "S3cr3t!#&/@:pw", "Kowalczyk Ambrozy"})
	for _, m := range scrubbersOf(t, vs, ix) {
		for _, c := range []struct{ line, gone string }{
			{"log: İsmX\bail Çağlayan :end", "ail"},
			{"log: S3cr3t!#&/@:p :end", "!#&/@:"},
			{"log: S3cr3t!#&/@:pwZ :end", "!#&/@:"},
			{"log: zlczyk Ambrozy :end", "zlczyk"},
		} {
			var out bytes.Buffer
			if _, err := m.s.Scrub(&out, strings.NewReader(c.line+"\n")); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), c.gone) {
				t.Errorf("%s: %q -> %q: %q kept", m.name, c.line, out.String(), c.gone)
			}
		}
	}
}

// TestScrubTwiceAcrossMarkerEdge: a piece matching across a marker's
// edge ("0000" of a hex dump's offset and "sc" of "[scrubbed:") is not
// scrubbed on the second pass, for a built-in kind, a caller's own kind
// and an index's (FuzzScrubPlanted finds: the caller's kind "v" was not
// trusted, and only spans starting inside a marker were dropped).
func TestScrubTwiceAcrossMarkerEdge(t *testing.T) {
	var form attack.Form
	for _, f := range attack.Forms {
		if f.Name == "xxd" {
			form = f
		}
	}
	if form.Render == nil {
		t.Fatal("no xxd form")
	}
	for _, value := range []string{"0000ßC0ü00", "00000000sc", "Ødegård Łukasz"} {
		for _, kind := range []string{"name", "v"} {
			log, _ := attack.Plant("0\n", "0\n", attack.Value{Kind: kind, Text: value}, form)
			ix := NewIndex()
			ix.Add(kind, value)
			ix.Finish()
			for mode, opts := range []Options{{Values: []Value{{Kind: kind, Text: value}}}, {Index: ix}} {
				s, err := New(opts)
				if err != nil {
					t.Fatal(err)
				}
				var once, twice bytes.Buffer
				s.Scrub(&once, strings.NewReader(log))
				s.Scrub(&twice, bytes.NewReader(once.Bytes()))
				if once.String() != twice.String() {
					t.Errorf("%q kind %s mode %d: scrubbing twice changed\n%q\nto\n%q", value, kind, mode, once.String(), twice.String())
				}
			}
		}
	}
}
