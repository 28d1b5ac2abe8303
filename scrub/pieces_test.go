package scrub

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestPieces: by default a known value glued to other text, cut short
// or wrapped loses every distinctive piece of six letters or more, known
// as plaintext or through an index; with NoPieces the glued value stays
// (NoPieces: word boundaries only); pieces of common words, of digits
// only and short hex runs stay.
func TestPieces(t *testing.T) {
	vals := []string{"Jürgen Müller-Lüdenscheidt", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "ghp_A1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvWx", "Дмитрий Шостаковичев", "correct horse battery staple"}
	vs, ix := secretsOf(vals)
	cases := []struct {
		line, gone string // gone: what must not survive ("": the line stays)
	}{
		{"idXJürgen Müller-Lüdenscheidt2", "Lüdenscheidt"},
		{"user=Jürgen Müller-Lüdensch", "Lüdensch"},
		{"xx9f86d081884c7d659a2feaa0c55ad015yy", "9f86d081884c"},
		{"tail 6c15b0f00a08 end", "6c15b0f00a08"},
		{"token ghp_A1b2C3d4E5f6 (truncated)", "A1b2C3d4E5f6"},
		{"MnOpQrStUvWx", "MnOpQrStUvWx"},
		{"name Шостакович", "Шостакович"},
		{"c7d659a2feaa0c55ad01", "c7d659a2feaa"},
		{"Lüdenscheid", "denscheid"},
		{"Running online data migration step 12 of 500 for table instances", ""},
		{"req-9f86d0 and 123456 and the battery", ""},
		{"Got an error reading communication packets", ""},
	}
	for _, mode := range scrubbersOf(t, vs, ix) {
		s := mode.s
		for _, c := range cases {
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(c.line+"\n")); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSuffix(out.String(), "\n")
			if c.gone == "" && got != c.line {
				t.Errorf("%s: %q altered: %q", mode.name, c.line, got)
			}
			if c.gone != "" && (got == c.line || strings.Contains(strings.ReplaceAll(got, " ", ""), c.gone)) {
				t.Errorf("%s: %q -> %q: %q survives", mode.name, c.line, got, c.gone)
			}
		}
	}
	// With NoPieces, the glued value is left (what the switch gives up).
	s, _ := New(Options{Values: vs, NoBuiltin: true, NoPieces: true})
	var out bytes.Buffer
	s.Scrub(&out, strings.NewReader("xx9f86d081884c7d659a2feaa0c55ad015yy\n"))
	if !strings.Contains(out.String(), "9f86d081884c") {
		t.Errorf("NoPieces: %q", out.String())
	}
}

// TestPiecesAnyPlace: a piece of a known value is found at every offset
// from the start of the skeleton (the scan tests every other place where
// runes are one byte), after digits (grams of digits only are not held),
// next to runes of two bytes and more, and at the very end of a line.
func TestPiecesAnyPlace(t *testing.T) {
	vals := []string{"Zx93kq-Wvb8-Pl2m", "Ærøskøbing Ølsen", "12345Qw-98765", "Дмитрий Шостаковичев"}
	vs, ix := secretsOf(vals)
	pieces := []string{"93kqWv", "kqWvb8", "b8Pl2m", "røskøb", "øskøbi", "345Qw9", "5Qw987", "2345Qw", "Qw9876", "w98765", "12345Q", "Шостак", "рийШос"}
	befores := []string{"", "a", "ab", "abc", "1", "12", "123", "é", "xé", "9é9", "Ж", "ЖЖ", "1234567"}
	afters := []string{"", "z", "zz", "1", "123", "é", "Ж"}
	for _, mode := range scrubbersOf(t, vs, ix) {
		s := mode.s
		for _, p := range pieces {
			for _, b := range befores {
				for _, a := range afters {
					line := b + p + a
					var out bytes.Buffer
					if _, err := s.Scrub(&out, strings.NewReader(line+"\n")); err != nil {
						t.Fatal(err)
					}
					if strings.Contains(out.String(), p) {
						t.Errorf("%s: %q -> %q", mode.name, line, out.String())
					}
				}
			}
		}
	}
}

// secretsOf is vals as values and as an index.
func secretsOf(vals []string) ([]Value, *Index) {
	var vs []Value
	ix := NewIndex()
	for _, v := range vals {
		vs = append(vs, Value{Kind: "secret", Text: v})
		ix.Add("secret", v)
	}
	ix.Finish()
	return vs, ix
}

// scrubbersOf: a scrubber knowing vs, and one knowing ix (no patterns).
func scrubbersOf(t *testing.T, vs []Value, ix *Index) []struct {
	name string
	s    *Scrubber
} {
	t.Helper()
	var out []struct {
		name string
		s    *Scrubber
	}
	for _, m := range []struct {
		name string
		opts Options
	}{{"values", Options{Values: vs, NoBuiltin: true}}, {"index", Options{Index: ix, NoBuiltin: true}}} {
		s, err := New(m.opts)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, struct {
			name string
			s    *Scrubber
		}{m.name, s})
	}
	return out
}

// TestPieceRunsInOrder: pieceRuns (places inside a run tried from the
// last back) gives the runs of looking every place up in order, on
// dump-like text, logs, and hex next to letters (12-digit pieces reach
// further than 6-rune ones).
func TestPieceRunsInOrder(t *testing.T) {
	text, vals := namesText()
	hexVals := []Value{{Kind: "token", Text: "0123456789abcdef0123"}, {Kind: "name", Text: "Brünhilde Quixotic"}}
	vals = append(vals[:20000:20000], hexVals...)
	s, err := New(Options{Values: vals, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(text[:1<<20], []byte("\n"))
	lines = append(lines, bytes.SplitAfter(benchLog()[:1<<18], []byte("\n"))...)
	lines = append(lines, []byte("x=Quixotic0123456789abcdef0123brünhildeQuixo 9876543210abcdef0123456789abcdef01"),
		[]byte("abcdef0123456789abcdef0123 zzBrünhildeQuixoticzz"))
	w := s.newWorker()
	var r rep
	runs := 0
	for _, l := range lines {
		r.skeleton(l)
		got := s.m.scanPieces(w, &r, nil)
		want := inOrderRuns(w, &r, w.piecePlaces, s.m.pieceAt)
		if s.m.windows {
			want = append(want, inOrderRuns(w, &r, w.windowPlaces, s.m.windowAt)...)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q:\ngot  %v\nwant %v", l, got, want)
		}
		runs += len(got)
	}
	if runs < len(lines) {
		t.Errorf("only %d runs in %d lines: the text has too few pieces to say anything", runs, len(lines))
	}
}

// inOrderRuns is pieceRuns (or windowRuns) the plain way: every place
// looked up (at: pieceAt or windowAt).
func inOrderRuns(w *worker, r *rep, ps []int32, at func(*worker, []byte, []uint8, int) ([]byte, entry, bool)) []hit {
	var hits []hit
	runI, runE := -1, -1
	var ent entry
	for _, p := range ps {
		i := int(p)
		g, en, ok := at(w, r.b, r.fl, i)
		if !ok {
			continue
		}
		if i >= runE {
			if runI >= 0 {
				hits = append(hits, hit{runI, runE, ent, domPiece, w.tagOf(classSkel, r.b[runI:runE])})
			}
			runI, ent = i, en
		}
		runE = max(runE, i+len(g))
	}
	if runI >= 0 {
		hits = append(hits, hit{runI, runE, ent, domPiece, w.tagOf(classSkel, r.b[runI:runE])})
	}
	return hits
}

// TestGluedWhole: a whole known value glued to letters on both sides
// goes: a value of six letters and digits is its own one piece; a
// longer one goes by its distinctive pieces and, where it has none, by
// its windows (windows.go: a host of common words, or its common labels
// after its distinctive part); a near miss stays.
func TestGluedWhole(t *testing.T) {
	vs, ix := secretsOf([]string{"qz7vk2", "db7.internal.northwind.io", "Staple7Battery!",
		"db-primary.corp-zeta.internal", "kafka-broker.prod-east.internal", "john.smith@example.com", "cruz-598.david.example.com", "correct horse battery staple"})
	testGlued(t, vs, ix, []struct{ line, gone string }{
		{"token=xqz7vk2y;", "qz7vk2"},
		{"idQZ7VK2x", "QZ7VK2"},
		{"hostdb7.internal.northwind.io:3306", "internal.north"},
		{"xdb7.internal.northwind.iox", "internal.north"},
		{"pw=aStaple7Battery!z", "Battery"},
		{"req-qz7vk3 and db8.internal.example.io", ""},
		{"host=Xdb-primary.corp-zeta.internal", "primary.corp"},
		{"zzprimary.corp-zeta.internalzz", "corp-zeta.intern"},
		{"ZZPRIMARY.CORP-ZETA.INTERNALZZ", "CORP-ZETA"},
		{"9kafka-broker.prod-east.internal", "prod-east"},
		{"broker.prod-east.internal:9092", "prod-east"},
		{"to=xjohn.smith@example.com", "smith@example"},
		{"user=xcorrecthorsebatterystaple123", "horsebattery"},
		{"pw CorrectHorseBatteryStaple!", "HorseBattery"},
		// (two words, or three in another order, are any text's)
		{"zeta.internal and corp.zeta", ""},
		{"primary.corp-beta.internal", ""},
		{"the east broker of prod", ""},
		// (a documentation domain's windows are every other host's there)
		{"Origin: http://valid.example.com", ""},
	})
}

func testGlued(t *testing.T, vs []Value, ix *Index, cases []struct{ line, gone string }) {
	t.Helper()
	for _, mode := range scrubbersOf(t, vs, ix) {
		for _, c := range cases {
			var out bytes.Buffer
			if _, err := mode.s.Scrub(&out, strings.NewReader(c.line+"\n")); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSuffix(out.String(), "\n")
			if c.gone == "" && got != c.line {
				t.Errorf("%s: %q altered: %q", mode.name, c.line, got)
			}
			if c.gone != "" && (got == c.line || strings.Contains(got, c.gone)) {
				t.Errorf("%s: %q -> %q: %q survives", mode.name, c.line, got, c.gone)
			}
		}
	}
}

// TestPiecesKeepWordBreaks: a piece of a one-word value does not match
// across a word break the value does not have when the text there is
// common words' parts: "rdurin" of "Fjordurinn" (Fjörðurinn with ð
// written d) is the r of "server" and the "durin" of "during" in
// MariaDB's "Lost connection to MySQL server during query"; the value
// and its parts still go.
func TestPiecesKeepWordBreaks(t *testing.T) {
	s, err := New(Options{Values: []Value{{Kind: "name", Text: "Fjörðurinn"}, {Kind: "name", Text: "Staple7Battery!"}}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{
		"ERROR 2013 (HY000): Lost connection to MySQL server during query",
		"(2013, 'Lost connection to MySQL server during query (timed out)')",
		"the server during startup",
	} {
		if out := scrubLine(t, s, l); out != l {
			t.Errorf("clean line altered:\n%s\n%s", l, out)
		}
	}
	for _, l := range []string{"name Fjörðurinn", "name Fjordurinn", "name=Fjordurin...", "xxFjordurinnyy", "F j o r d u r i n n", "Staple7 | Battery!", "stap le7bat tery"} {
		if out := scrubLine(t, s, l); !strings.Contains(out, "[scrubbed:") {
			t.Errorf("value kept: %s", out)
		}
	}
}
