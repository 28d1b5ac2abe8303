package scrub

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPunctPieces: the parts of a value that are mostly punctuation go,
// found anywhere (glued to letters, after a tab, cut short), with values,
// with an index and with an index saved and loaded again, with pieces
// and with NoPieces; a log's own punctuation and other values' windows
// stay, and the markers say piece.
func TestPunctPieces(t *testing.T) {
	vals := []string{"Tr0ub4dor&3!#x", "Gh7\tk#Lm@9/q", "Kx9#pQ", "p@ss:w/rd'\"\\z9", "Zürich#Öl-7$"}
	vs, ix := secretsOf(vals)
	loaded := savedAndLoaded(t, ix)
	if len(loaded.Puncts) != len(ix.Puncts) || len(ix.Puncts) == 0 {
		t.Fatalf("punctuated pieces: %d saved, %d loaded", len(ix.Puncts), len(loaded.Puncts))
	}
	cases := []struct{ line, gone string }{
		{"hint: ends with or&3!#x", "or&3!#"},
		{"hint: r&3!#x", "r&3!#x"},
		{"customer: k#Lm@9/q, Gh7", "k#Lm@9"},
		{"tail #Lm@9/q", "#Lm@9/"},
		{"token=xKx9#pQz;", "Kx9#pQ"},
		{"xxKX9#PQyy", "KX9#PQ"},
		{"LIKE 'p@ss:w/%'", "p@ss:w"},
		{"middle rd'\"\\z9 end", "rd'\"\\z"},
		{"grüße xxrich#öl-7yy und", "rich#ö"},
		{"old: Tr0ub4d | new: or&3!#x", "or&3!#"},
		{"2026-11-21 10:00:00.000 42 INFO [-] user@host: 50% done; ok? #1234 a|b <x> ~y ^z", ""},
		{"Purple4Monkey? and r&3!#y and Kx9#pR and k#Lm@8", ""},
	}
	modes := scrubbersOf(t, vs, ix)
	for _, o := range []struct {
		name string
		opts Options
	}{{"loaded", Options{Index: loaded, NoBuiltin: true}}, {"values-nopieces", Options{Values: vs, NoBuiltin: true, NoPieces: true}}} {
		s, err := New(o.opts)
		if err != nil {
			t.Fatal(err)
		}
		modes = append(modes, struct {
			name string
			s    *Scrubber
		}{o.name, s})
	}
	for _, mode := range modes {
		for _, c := range cases {
			var out bytes.Buffer
			if _, err := mode.s.Scrub(&out, strings.NewReader(c.line+"\n")); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSuffix(out.String(), "\n")
			if c.gone == "" && got != c.line {
				t.Errorf("%s: %q altered: %q", mode.name, c.line, got)
			}
			if c.gone != "" && (got == c.line || strings.Contains(strings.ToLower(got), strings.ToLower(c.gone)) || !strings.Contains(got, "[scrubbed:piece:")) {
				t.Errorf("%s: %q -> %q: %q survives", mode.name, c.line, got, c.gone)
			}
			var again bytes.Buffer
			mode.s.Scrub(&again, strings.NewReader(out.String()))
			if again.String() != out.String() {
				t.Errorf("%s: scrubbing %q twice: %q then %q", mode.name, c.line, out.String(), again.String())
			}
		}
	}
}

// TestPunctDistinctive: which windows of a value are keys.
func TestPunctDistinctive(t *testing.T) {
	for _, c := range []struct {
		value string
		want  []string
	}{
		{"Tr0ub4dor&3!#x", []string{"b4dor&", "4dor&3", "dor&3!", "or&3!#", "r&3!#x"}},
		{"Kx9#pQ", []string{"kx9#pq"}},
		{"deploy@bastion-3", []string{"eploy@", "@basti"}}, // ("y@bast": "y" and a head of "bastion")
		{"#ops-night-shift", []string{"#ops-n"}},
		{"user@mail", nil},                   // "r@mail", "er@mai", ...: common words' parts
		{"Smith & Wesson Holdings", nil},     // (spaces: the skeleton's pieces)
		{"db-prod-07.internal.example", nil}, // no rare mark
		{"------a!", nil},                    // (two letters or digits at least)
		{"!!!!ab!!", nil},                    // (four distinct bytes at least)
	} {
		var got []string
		for _, k := range punctKeysOf(c.value) {
			got = append(got, string(k.b))
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%q: windows %q, want %q", c.value, got, c.want)
		}
	}
}

// TestIndexFormat9Refused: an index written before punctuated pieces
// (format 9) is refused, saying to rebuild it.
func TestIndexFormat9Refused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ix")
	var old bytes.Buffer
	zw := gzip.NewWriter(&old)
	zw.Write([]byte("fuzzyduck-index-9\n{}\n"))
	zw.Close()
	os.WriteFile(p, old.Bytes(), 0o600)
	if _, err := LoadIndex(p); err == nil || !strings.Contains(err.Error(), "(format 9); rebuild it") {
		t.Errorf("format 9 index: %v", err)
	}
}
