package scrub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestWideKnown: decoded bytes are read as UTF-16 of CJK or Hangul only
// when a known value holds such letters (matcher.wide), as plaintext and
// through an index, saved and loaded too; with such a value its UTF-16
// in base64 goes, and without one a run that reads so is kept.
func TestWideKnown(t *testing.T) {
	const name = "渡辺 健太郎"
	var le []byte
	for _, u := range utf16.Encode([]rune(name)) {
		le = append(le, byte(u), byte(u>>8))
	}
	planted := "data=" + base64.StdEncoding.EncodeToString(le) + "\n"
	dir := t.TempDir()
	for _, c := range []struct {
		vals []Value
		wide bool
	}{
		{[]Value{{Kind: "name", Text: name}, {Kind: "hostname", Text: "db-primary.example.org"}}, true},
		{[]Value{{Kind: "name", Text: "Jörg Ødegaard"}, {Kind: "hostname", Text: "db-primary.example.org"}}, false},
	} {
		ix := NewIndex()
		for _, v := range c.vals {
			ix.Add(v.Kind, v.Text)
		}
		ix.Finish()
		p := filepath.Join(dir, "ix")
		if err := ix.Save(p); err != nil {
			t.Fatal(err)
		}
		loaded, err := LoadIndex(p)
		if err != nil {
			t.Fatal(err)
		}
		for mode, o := range map[string]Options{"values": {Values: c.vals}, "index": {Index: ix}, "loaded index": {Index: loaded}} {
			s, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			if s.m.wide != c.wide {
				t.Errorf("%s of %q: wide %v, want %v", mode, c.vals[0].Text, s.m.wide, c.wide)
			}
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(planted)); err != nil {
				t.Fatal(err)
			}
			if scrubbed := out.String() != planted; scrubbed != c.wide {
				t.Errorf("%s of %q: UTF-16 of %q in base64 scrubbed: %v, want %v (%q)", mode, c.vals[0].Text, name, scrubbed, c.wide, out.String())
			}
		}
	}
}

// TestWideOlderIndex: an index header without no_wide (written before
// it) reads as holding wide letters: nothing is skipped on its word.
func TestWideOlderIndex(t *testing.T) {
	ix := NewIndex()
	ix.Add("hostname", "db-primary.example.org")
	ix.Finish()
	p := filepath.Join(t.TempDir(), "ix")
	if err := ix.Save(p); err != nil {
		t.Fatal(err)
	}
	if !ix.NoWide {
		t.Fatal("an index of a host name holds no wide letter: no_wide should be set")
	}
	rewriteIndexHeader(t, p, func(h string) string { return strings.Replace(h, `"no_wide":true,`, "", 1) })
	loaded, err := LoadIndex(p)
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.wide {
		t.Error("an index without no_wide read as holding no wide letter")
	}
}

// rewriteIndexHeader rewrites an index file's JSON header line.
func rewriteIndexHeader(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	magic, rest, _ := bytes.Cut(plain, []byte("\n"))
	hdr, arrays, _ := bytes.Cut(rest, []byte("\n"))
	edited := edit(string(hdr))
	if edited == string(hdr) {
		t.Fatal("header edit changed nothing")
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintf(zw, "%s\n%s\n", magic, edited)
	zw.Write(arrays)
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
