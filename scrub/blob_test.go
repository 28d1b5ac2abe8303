package scrub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v7/data"
	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestLongBlobs: a value deep inside a blob of tens of KB (base64, hex,
// base64 of gzip) is found with an index as with plaintext values, and
// the issue's own split example goes in both lines.
func TestLongBlobs(t *testing.T) {
	const secret = "Correct9Horse!"
	text := strings.Repeat("#cloud-config filler line with nothing in it\n", 700) + "password: " + secret + "\n" + strings.Repeat("more filler\n", 700)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(text))
	zw.Close()
	ix := NewIndex()
	ix.Add("password", secret)
	ix.Finish()
	for name, opts := range map[string]Options{"values": {Values: []Value{{Kind: "password", Text: secret}}, NoBuiltin: true}, "index": {Index: ix, NoBuiltin: true}} {
		s, _ := New(opts)
		for form, blob := range map[string]string{
			"base64":      base64.StdEncoding.EncodeToString([]byte(text)),
			"hex":         hex.EncodeToString([]byte(text)),
			"base64-gzip": base64.StdEncoding.EncodeToString(gz.Bytes()),
		} {
			if len(blob) < 20000 && form != "base64-gzip" {
				t.Fatalf("%s blob only %d bytes", form, len(blob))
			}
			var out bytes.Buffer
			rep, err := s.Scrub(&out, strings.NewReader("user_data="+blob+"\n"))
			if err != nil || rep.Total() != 1 || strings.Contains(out.String(), blob[len(blob)/2:len(blob)/2+40]) {
				t.Errorf("%s, %s blob of %d bytes: %v %v", name, form, len(blob), rep, err)
			}
		}
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader("2026-11-21 10:00:00 INFO x [-] ...value=Correct9\nHorse! ...\n"))
		if strings.Contains(out.String(), "Correct9") || strings.Contains(out.String(), "Horse") {
			t.Errorf("%s: split value survived: %q", name, out.String())
		}
	}
}

// TestSplitAcrossBlocks: a value cut over two lines is found when the
// cut falls on the edge of the blocks Scrub hands to its workers (and
// just before and after it), as it is and URL-escaped.
func TestSplitAcrossBlocks(t *testing.T) {
	const secret = "Correct9Horse!Staple"
	s, _ := New(Options{Values: []Value{{Kind: "password", Text: secret}}, NoBuiltin: true})
	filler := "2026-11-21 10:00:00.000 4242 INFO nova.db.main.migrations [-] nothing to see here, move along\n"
	for _, cut := range [][2]string{{"value=Correct9Ho", "rse!Staple"}, {"value=Correct9Ho%72", "se%21Staple"}} {
		lineA := "2026-11-21 10:00:00.000 4242 INFO x [-] " + cut[0] + "\n"
		lineB := cut[1] + " (continued)\n"
		// A block ends with the line that brings it to 256 KB: after
		// line A, after line B, or before line A.
		for _, upTo := range []int{len(lineA), len(lineA) + len(lineB), 0} {
			var b strings.Builder
			for b.Len()+len(filler)+upTo+8 < 256<<10 {
				b.WriteString(filler)
			}
			pad := 256<<10 - b.Len() - upTo
			b.WriteString(strings.Repeat("x", pad-1) + "\n")
			b.WriteString(lineA + lineB + filler)
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(b.String())); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "Correct9") || strings.Contains(out.String(), "Staple") {
				t.Errorf("%q, the first block ending %d bytes past the padding: split value survived", cut[0], upTo)
			}
		}
	}
}

// TestBase64IsNoID: runs of hex digits of one case and dashes are read
// as ids (hex only, not base64); base64 of real values never is one:
// every word, name and address gofakeit has, with the prefixes the
// attack forms put before a value, at every alignment, in both
// alphabets.
func TestBase64IsNoID(t *testing.T) {
	var vals []string
	for _, list := range data.Person {
		vals = append(vals, list...)
	}
	for _, list := range data.Word {
		vals = append(vals, list...)
	}
	for _, list := range data.Address {
		vals = append(vals, list...)
	}
	for _, list := range data.Internet {
		vals = append(vals, list...)
	}
	if len(vals) < 5000 {
		t.Fatalf("only %d values", len(vals))
	}
	n := 0
	for _, v := range vals {
		for _, pre := range []string{"", "x", "xy", "password: ", "{\"name\": \""} {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				for _, run := range strings.FieldsFunc(enc.EncodeToString([]byte(pre+v)), func(r rune) bool { return r == '=' }) {
					if len(run) >= minB64 {
						n++
						if scanRun([]byte(run)).id {
							t.Errorf("base64 of %q reads as an id: %s", pre+v, run)
						}
					}
				}
			}
		}
	}
	if n < 20000 {
		t.Fatalf("only %d runs tried", n)
	}
	for _, id := range []string{"6d8c8d75-f3bc-44b5-8d87-3cdc39145425", "6EA9D49D4D33650670D8D9993DA2FAC3", "20261121100000"} {
		if !scanRun([]byte(id)).id {
			t.Errorf("%s is not an id", id)
		}
	}
}

// TestNameWordsInBase64: each word of a person's name (5 letters and
// up, halves of hyphenated names too) alone in base64, at every
// alignment (after nothing, a separator, small letters: "xy"+"Øyvind"),
// both alphabets, with values and with an index.
func TestNameWordsInBase64(t *testing.T) {
	names := []string{"Øyvind Berg", "Gordon Halvorsen", "Mirela Popescu", "Ştefan Lungu", "Aurélie Grünewald-Østergaard", "Дмитрий Иванова"}
	ix := NewIndex()
	var vals []Value
	for _, n := range names {
		ix.Add("person_name", n)
		vals = append(vals, Value{Kind: "name", Text: n})
	}
	ix.Finish()
	for mode, o := range map[string]Options{"values": {Values: vals, NoBuiltin: true}, "index": {Index: ix, NoBuiltin: true}} {
		s, _ := New(o)
		tried := 0
		for _, n := range names {
			for _, word := range withParts(Tokens(n)) {
				if len([]rune(word)) < minToken || strings.Contains(word, "-") {
					continue
				}
				for _, pre := range []string{"", "x", "xy", "abc", "user="} {
					for _, suf := range []string{"", "!", "zz!", " ok", ",x"} {
						for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
							plain := pre + word + suf
							if strings.HasPrefix(suf, "zz") {
								plain = pre + word + " " + suf // (glued to small letters it is another word)
							}
							line := "data " + enc.EncodeToString([]byte(plain)) + " end\n"
							var out bytes.Buffer
							s.Scrub(&out, strings.NewReader(line))
							tried++
							if out.String() == line {
								t.Errorf("%s: %q in base64 of %q kept: %s", mode, word, plain, strings.TrimSpace(line))
							}
						}
					}
				}
			}
		}
		if tried < 500 {
			t.Fatalf("%s: only %d tried", mode, tried)
		}
	}
}

// TestBlobMissesExact: a run remembered as noise hides no other run,
// not even one in the same slot of the same length (the base64 of a
// known value after a word that shares its slot).
func TestBlobMissesExact(t *testing.T) {
	s, err := New(Options{Values: []Value{{Kind: "password", Text: "Hildegard9!x"}}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	w := s.newWorker()
	val := []byte(base64.RawStdEncoding.EncodeToString([]byte("Hildegard9!x")))
	r := rand.New(rand.NewPCG(5, 6))
	noise := make([]byte, len(val))
	for {
		for i := range noise {
			noise[i] = "abcdefghijklmnopqrstuvwxyz"[r.IntN(26)]
		}
		if w.misses.slot(noise) == w.misses.slot(val) {
			break
		}
	}
	if _, ok := w.blobHit(noise, 0); ok {
		t.Fatalf("noise %q read as a value", noise)
	}
	if !w.misses.has(noise) {
		t.Fatalf("noise %q not remembered: the test says nothing", noise)
	}
	for range 2 {
		if _, ok := w.blobHit(val, 0); !ok {
			t.Fatalf("the base64 of a known value %q was not found after noise in its slot", val)
		}
	}
}

// TestShortRunBeforeEquals: a '=' after a base64 run too short to decode
// is no padding: it is read as the trigger of a Z85 token ("lQAZ=fFAFb",
// FuzzScrubPlanted's find), whose value is scrubbed.
func TestShortRunBeforeEquals(t *testing.T) {
	s, _ := New(Options{Values: []Value{{Kind: "v", Text: "CB7000"}}})
	var out bytes.Buffer
	s.Scrub(&out, strings.NewReader("curve lQAZ=fFAFb key\nx=1 a==b\n"))
	if got := out.String(); strings.Contains(got, "lQAZ") || !strings.HasSuffix(got, "\nx=1 a==b\n") {
		t.Errorf("got %q", got)
	}
}

// TestSplitRecordsOwnHeaders: a value cut over two log records whose
// headers differ (another logger's, a console's prefix) is scrubbed in
// both, known as plaintext and through an index; two records that only
// end and begin with ordinary words stay.
func TestSplitRecordsOwnHeaders(t *testing.T) {
	formsHold(t, "split-records-", "2026-12-01 10:00:00.001 4242 INFO nova [-] card=45391488\n2026-12-01 10:00:00 INFO 12345678 (cont)\n"+
		"2026-12-01 10:00:00.001 4242 INFO nova [-] step Staple\n2026-12-01T10:00:00Z 7 WARNING x.y [r] Battery stays\n")
}

// TestBlobGroupAfterGroup: a line that ends one group of wrapped base64
// runs (its first run goes on from the line before: a PEM block's line,
// or "-----BEGIN CERTIFICATE-----" then a log header's date) may begin
// the next with its last run: "token=" and a token wrapped onto the
// next line (TestAttackCorpus found it once a CA bundle was in the
// clean corpus: the wrapped token's second half was never read).
func TestBlobGroupAfterGroup(t *testing.T) {
	vals, _ := corpusSecrets("values")
	s, err := New(Options{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	var f attack.Form
	for _, x := range attack.Forms {
		if x.Name == "b64-log-wrapped" {
			f = x
		}
	}
	tried := 0
	for _, before := range []string{"-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "A78DxTEXMBUGA1UECx4OZ05ZJ08fACCP0H70kOgxGzAZBgNVBAceEgQvBEAEPgRB"} {
		for _, v := range attack.Corpus {
			if f.Applies != nil && !f.Applies(v.Text) {
				continue
			}
			tried++
			log, probes := attack.Plant(before, "", v, f)
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
				t.Fatal(err)
			}
			leaks, _, err := attack.Check(log, out.String(), probes, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range leaks {
				t.Errorf("after %q: %s", before, l)
			}
		}
	}
	if tried == 0 {
		t.Fatal("no probes")
	}
}

// TestCovered: a run is covered when the spans found cover every byte of
// it, one span or several together (an e-mail address found as its
// pieces and its domain); a gap of one byte leaves it to be decoded.
func TestCovered(t *testing.T) {
	v := &view{text: []byte("0123456789abcdef")}
	for _, c := range []struct {
		spans []span
		i, k  int
		want  bool
	}{
		{nil, 2, 8, false},
		{[]span{{start: 0, end: 10}}, 2, 8, true},
		{[]span{{start: 0, end: 5}, {start: 5, end: 10}}, 2, 8, true},
		{[]span{{start: 4, end: 9}, {start: 0, end: 6}}, 2, 8, true},
		{[]span{{start: 0, end: 5}, {start: 6, end: 10}}, 2, 8, false},
		{[]span{{start: 3, end: 10}}, 2, 8, false},
		{[]span{{start: 0, end: 7}}, 2, 8, false},
	} {
		if got := covered(c.spans, v, c.i, c.k); got != c.want {
			t.Errorf("covered(%v, %d, %d) = %v, want %v", c.spans, c.i, c.k, got, c.want)
		}
	}
}

// TestPEMArmorEndsGroup: a PEM block's armor after a wrapped blob's last
// line is no part of the blob ("-----BEGIN" is a run of base64url's
// alphabet: read with the line before, the value came out again at
// another alignment, and the armor line was scrubbed with it).
func TestPEMArmorEndsGroup(t *testing.T) {
	vals, _ := corpusSecrets("values")
	for _, w := range attack.Words(attack.Corpus) {
		vals = append(vals, Value{Kind: w.Kind, Text: w.Text, Source: "values"})
	}
	s, err := New(Options{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	for _, armor := range []string{"-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----"} {
		in := "secret (base64 -w 20):\n" + base64.StdEncoding.EncodeToString([]byte("Øystein\n")) + "\n" + armor + "\n"
		var out bytes.Buffer
		if _, err := s.Scrub(&out, strings.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(out.String(), "\n")
		if len(lines) < 3 || lines[2] != armor || strings.Contains(lines[1], "w5h5") {
			t.Errorf("after a blob's line, %q:\n%s", armor, out.String())
		}
	}
}

// TestWrappedBlobNumberAfterEquals: a wrapped blob whose text has
// "owner=2001:db8:..." (an address after '=', as "=20" and a digit): its
// last line, which holds the value's end, is scrubbed with the others
// (read as quoted-printable, "=20" a space, the view's other hit had
// trimmed the group; red team scrubatk20, P1515).
func TestWrappedBlobNumberAfterEquals(t *testing.T) {
	s, err := New(Options{Values: []Value{{Kind: "ip", Text: "2001:db8:4a2b::17:cafe"}}})
	if err != nil {
		t.Fatal(err)
	}
	doc := "#cloud-config\npackages: [mariadb-client]\nwrite_files:\n  - path: /etc/app.conf\n    content: 'owner=2001:db8:4a2b::17:cafe'\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(doc))
	in := "user_data: |\n"
	for i := 0; i < len(b64); i += 76 {
		in += "  " + b64[i:min(i+76, len(b64))] + "\n"
	}
	var out bytes.Buffer
	if _, err := s.Scrub(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "[scrubbed:") {
		t.Errorf("the blob's last line %q (the value's end) was left:\n%s", last, out.String())
	}
}
