package scrub

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestPrinterForms: PostgreSQL's bytea hex, HTML tags inside a value,
// code point listings, IPv6 addresses as numbers, UTF-16 of CJK and
// Hangul in hex and base64 and Lua's decimal escapes hide no value (of
// the corpus, and of attack.Wide: IPv6 addresses, CJK and Hangul
// names), known as plaintext and through an index; ordinary hex, tags,
// code points, numbers and escapes stay. (Python's \\N{} names
// of CJK ideographs and Hangul syllables are made by rule: runename.)
func TestPrinterForms(t *testing.T) {
	values := append(append([]attack.Value{}, attack.Corpus...), attack.Wide...)
	forms := append(append([]attack.Form{}, attack.Forms...), attack.CutBlobForms...)
	for _, c := range []struct{ prefix, clean string }{
		{"pg-bytea-", " data | \\x0001020304050607 \nbuild x86_64 x0123456789abcdef \\x41\\x42 \\x4142434445464748494a\n"},
		{"html-tag-", "<td><b>ACTIVE</b></td><td>web-01<wbr>.example.org</td>\n  File \"x.py\", line 3, in <module>\n"},
		{"codepoints-", "invalid character U+FFFD at offset 12; U+0041 U+0042\n"},
		{"ipv6-", "request 123456789012345678901234567890 took 12ms; trace 340282366920938463463374607431768211455\n"},
		{"wide-", "data=5L2g5aW9 nvarchar=0x4100420043004400 token=aGVsbG8gd29ybGQ=\n"},
		{"py-namereplace", "U+4E00 is \\N{CJK UNIFIED IDEOGRAPH-4E00}, \\N{HANGUL SYLLABLE GA} \\N{CJK UNIFIED IDEOGRAPH-0041}\n"},
		{"lua-", "print(\"\\195\\169t\\195\\169\") \\1 \\12 \\123 \\255\n"},
	} {
		t.Run(c.prefix, func(t *testing.T) { holdsIn(t, values, forms, c.prefix, c.clean) })
	}
}

// holdsIn scrubs every value in every form of forms named with prefix,
// knowing the values as plaintext and through an index, and fails on
// any piece the attacker finds; clean must come out as it is.
func holdsIn(t *testing.T, values []attack.Value, forms []attack.Form, prefix, clean string) {
	t.Helper()
	vals := make([]Value, 0, len(values))
	ix := NewIndex()
	for _, v := range values {
		vals = append(vals, Value{Kind: v.Kind, Text: v.Text, Source: "values"})
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		leaks, probes := 0, 0
		for _, v := range values {
			for _, f := range forms {
				if !strings.HasPrefix(f.Name, prefix) || f.Applies != nil && !f.Applies(v.Text) {
					continue
				}
				log, ps := attack.Plant("", "", v, f)
				var out bytes.Buffer
				if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
					t.Fatal(err)
				}
				found, _, err := attack.Check(log, out.String(), ps, nil)
				if err != nil {
					t.Fatal(err)
				}
				probes++
				for _, l := range found {
					leaks++
					t.Errorf("index=%v: %s", mode.Index != nil, l)
				}
			}
		}
		if probes == 0 {
			t.Fatalf("no attack form named %s*", prefix)
		}
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader(clean))
		if out.String() != clean {
			t.Errorf("index=%v: clean text changed:\n%s", mode.Index != nil, out.String())
		}
		t.Logf("%s* index=%v: %d leaks of %d probes", prefix, mode.Index != nil, leaks, probes)
	}
}
