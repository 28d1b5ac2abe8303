package scrub

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestNumbersCutShort: a number known as a value, cut short by a digit
// or two at either end, glued to other text, masked or one digit a
// cell, is gone (what is left of it holds none of its runs of digits),
// known as plaintext and through an index (saved and loaded too); the
// same shapes of other
// numbers stay.
func TestNumbersCutShort(t *testing.T) {
	vals := []Value{
		{Kind: "card", Text: "4539148803436467"},
		{Kind: "card", Text: "5281 0372 6591 4408"},
		{Kind: "iban", Text: "NO9386011117947"},
		{Kind: "phone", Text: "+1 (415) 555-0132"},
		{Kind: "ip", Text: "10.213.47.198"},
		{Kind: "id", Text: "19840312-4471"},
	}
	cases := []struct{ line, gone string }{
		{"stored '453914880343646'", "453914880343646"},
		{"stored '45391488034364'", "45391488034364"},
		{"ends with 539148803436467", "539148803436467"},
		{"tail 39148803436467 (2 cut)", "39148803436467"},
		{"name=45391488034364...", "45391488034364"},
		{"key=id74539148803436467xyz", "4539148803436467"},
		{"card 5281 0372 6591 440", "6591 440"},
		{"card 5281037265914408 as one", "5281037265914408"},
		{"card 528103726591440", "528103726591440"},
		{"card=5281-0372-6591-4408", "6591-4408"},
		{"iban O9386011117947", "9386011117947"},
		{"iban NO938601111794", "938601111794"},
		{"iban NO93860111179.", "93860111179"},
		{"peer 10.213.47.19 down", "10.213.47.19"},
		{"call 1 (415) 555-013 back", "555-013"},
		{"id710.213.47.198xyz", "10.213.47.198"},
		{"call +1 (415) 555-013", "555-013"},
		{"call 1 (415) 555-0132", "555-0132"},
		{"call (415) 555-0132", "555-0132"},
		{"tel=+1(415)555-0132;", "555-0132"},
		{"charge card=453914******6467 ok", "453914"},
		{"card 453914xxxx6467", "453914"},
		{"card 4539 14** **** 6467", "4539 14"},
		{"Visa 528103••••••4408", "528103"},
		{"pan 528103######4408.", "528103"},
		{"| 4 | 5 | 3 | 9 | 1 | 4 | 8 | 8 | 0 | 3 | 4 | 3 | 6 | 4 | 6 | 7 |", "| 9 | 1 | 4 | 8 |"},
		{"4|5|3|9|1|4|8|8|0|3|4|3|6|4|6|7", "9|1|4|8"},
		{"id 19840312-447", "19840312-447"},
	}
	clean := []string{
		"2026-11-21 10:00:00.123 4242 INFO nova [req-1764321234567] took 1764321234567890 ns",
		"epoch_ms=1764321234567 offset=453914990343 size 5281037265 ids 45391488 2434646",
		"charge card=411111******1111 ok; card 453914******6468; 453915******6467",
		"peer 10.213.74.198 down, 10.213.4.198, 10.213.48.198, 10.21.47.198, 213.47.198 up",
		"phone +1 (415) 556-0132 or +1 (416) 555-0133, 555-0131, 415-555",
		"iban DE89370400440532013000 SE 9386 0111",
		"| 4 | 5 | 3 | 9 | 1 | 4 | 8 | 8 | 0 | 3 | 4 | 3 | 6 | 4 | 6 | 8 |",
		"date 1984-03-12, version 10.213.4.7",
	}
	ix := NewIndex()
	for _, v := range vals {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	loaded := savedAndLoaded(t, ix)
	for _, opts := range []Options{{Values: vals}, {Index: ix}, {Index: loaded}} {
		s, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			var out bytes.Buffer
			s.Scrub(&out, strings.NewReader(c.line+"\n"))
			if strings.Contains(out.String(), c.gone) || !strings.Contains(out.String(), "[scrubbed:") {
				t.Errorf("index=%v: %q -> %q", opts.Index != nil, c.line, out.String())
			}
		}
		for _, l := range clean {
			var out bytes.Buffer
			s.Scrub(&out, strings.NewReader(l+"\n"))
			if out.String() != l+"\n" {
				t.Errorf("index=%v: clean line altered:\n%s\n%s", opts.Index != nil, l, out.String())
			}
		}
	}
}

// TestNumbersChance measures the numbers' keys' false positives: with
// 100,000 numbers known (cards, IPs, national ids), in a log of random
// millisecond and nanosecond timestamps, ids, offsets, sizes, other
// cards masked, other IPs and versions, the numbers' keys alter no line
// the other keys leave (those alter some: a 10-digit id is an IP's
// integer form by chance); and each known number of 7 digits or more cut
// short by one digit is found.
func TestNumbersChance(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	var vals []Value
	for i := 0; i < 100000; i++ {
		switch i % 4 {
		case 0, 1:
			vals = append(vals, Value{Kind: "card", Text: "4" + digits(15)})
		case 2:
			vals = append(vals, Value{Kind: "ip", Text: fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))})
		default:
			vals = append(vals, Value{Kind: "id", Text: digits(8) + "-" + digits(5)})
		}
	}
	s, err := New(Options{Values: vals, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	numberKeysOn = false
	without, err := New(Options{Values: vals, NoBuiltin: true})
	numberKeysOn = true
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	lines := 0
	for ; log.Len() < 4<<20; lines++ {
		fmt.Fprintf(&log, "2026-11-21 10:%02d:%02d.%03d %d INFO x [req-%s] t=%s ns=%s off=%s size %s card %s******%s ip 192.168.%d.%d v%d.%d.%d.%d\n",
			r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(99999), digits(12), "176"+digits(10), "1764"+digits(15), digits(14), digits(9),
			digits(6), digits(4), r.IntN(256), r.IntN(256), r.IntN(10), r.IntN(30), r.IntN(100), r.IntN(1000))
	}
	var out, base bytes.Buffer
	if _, err := s.Scrub(&out, bytes.NewReader(log.Bytes())); err != nil {
		t.Fatal(err)
	}
	without.Scrub(&base, bytes.NewReader(log.Bytes()))
	in, got, was := strings.Split(log.String(), "\n"), strings.Split(out.String(), "\n"), strings.Split(base.String(), "\n")
	altered, before := 0, 0
	for i := range in {
		if in[i] != was[i] {
			before++
		} else if in[i] != got[i] {
			if altered++; altered <= 5 {
				t.Errorf("altered:\n%s\n%s", in[i], got[i])
			}
		}
	}
	t.Logf("%d of %d random lines altered by the numbers' keys, %d by the others (%d numbers known)", altered, lines, before, len(vals))
	if altered > 0 {
		t.Errorf("%d of %d lines altered", altered, lines)
	}
	missed, tried := 0, 0
	for _, v := range vals[:400] {
		cut := v.Text[:len(v.Text)-1]
		if len(attack.DigitsOf(cut)) < digitWinMin || !isDigit(cut[len(cut)-1]) {
			continue // (an IP of 7 digits cut short, or less its last octet, is any 10.x.y.z's start)
		}
		tried++
		out.Reset()
		s.Scrub(&out, strings.NewReader("stored '"+cut+"'\n"))
		if strings.Contains(out.String(), cut) {
			missed++
			t.Errorf("left: %s", out.String())
		}
	}
	if missed > 0 || tried < 300 {
		t.Errorf("%d of %d numbers cut short by a digit left", missed, tried)
	}
}

// savedAndLoaded is ix written to a file and read back.
func savedAndLoaded(t *testing.T, ix *Index) *Index {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ix")
	if err := ix.Save(p); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadIndex(p)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}
