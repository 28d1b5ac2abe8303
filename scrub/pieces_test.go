package scrub

import (
	"bytes"
	"strings"
	"testing"
)

// TestPieces: with Pieces, a known value glued to other text, cut short
// or wrapped loses every distinctive piece of six letters or more, known
// as plaintext or through an index; without it the glued value stays
// (the default's word boundaries); pieces of common words, of digits
// only and short hex runs stay.
func TestPieces(t *testing.T) {
	vals := []string{"Jürgen Müller-Lüdenscheidt", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "ghp_A1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvWx", "Дмитрий Шостаковичев", "correct horse battery staple"}
	var vs []Value
	ix := NewIndex()
	for _, v := range vals {
		vs = append(vs, Value{Kind: "secret", Text: v})
		ix.Add("secret", v)
	}
	ix.Finish()
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
	for _, mode := range []struct {
		name string
		opts Options
	}{{"values", Options{Values: vs, Pieces: true, NoBuiltin: true}}, {"index", Options{Index: ix, Pieces: true, NoBuiltin: true}}} {
		s, err := New(mode.opts)
		if err != nil {
			t.Fatal(err)
		}
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
	// Without Pieces, the glued value is left as before.
	s, _ := New(Options{Values: vs, NoBuiltin: true})
	var out bytes.Buffer
	s.Scrub(&out, strings.NewReader("xx9f86d081884c7d659a2feaa0c55ad015yy\n"))
	if !strings.Contains(out.String(), "9f86d081884c") {
		t.Errorf("without Pieces: %q", out.String())
	}
}
