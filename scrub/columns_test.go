package scrub

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestColumns: a value a character, a byte or a code a line is read down
// the column (columns.go), with log headers or without, across a block's
// cut too; ordinary columns (a count, words one a line, a progress bar's
// dots) come out byte for byte.
func TestColumns(t *testing.T) {
	const pw, name = "Tr0ub4dor&3!x", "Søren Ødegård"
	s, err := New(Options{Values: []Value{{Kind: "password", Text: pw}, {Kind: "name", Text: name}}})
	if err != nil {
		t.Fatal(err)
	}
	each := func(units []string, format func(i int, u string) string) string {
		var b strings.Builder
		for i, u := range units {
			b.WriteString(format(i, u))
			b.WriteByte('\n')
		}
		return b.String()
	}
	chars := func(v string) []string { return strings.Split(v, "") }
	nums := func(v string, utf16le bool) []string {
		var out []string
		if utf16le {
			for _, u := range utf16.Encode([]rune(v)) {
				out = append(out, strconv.Itoa(int(u&0xff)), strconv.Itoa(int(u>>8)))
			}
			return out
		}
		for _, c := range []byte(v) {
			out = append(out, strconv.Itoa(int(c)))
		}
		return out
	}
	ords := func(v string) []string {
		var out []string
		for _, r := range v {
			out = append(out, strconv.Itoa(int(r)))
		}
		return out
	}
	ansible := func(i int, u string) string { return "ok: [ctl01] => (item=" + u + ")" }
	logged := func(i int, u string) string {
		return fmt.Sprintf("2026-11-21 10:00:%02d,517 p=2187 u=root n=ansible | ok: [ctl01] => (item=%s)", i%60, u)
	}
	bare := func(i int, u string) string { return u }
	// Filler that puts the column across the reader's first block cut.
	var filler strings.Builder
	for filler.Len() < 256<<10-300 {
		fmt.Fprintf(&filler, "2026-11-21 10:00:00.000 4242 INFO nova.db [-] filler line %d\n", filler.Len())
	}
	for _, v := range []string{pw, name} {
		for _, c := range []struct {
			name, text string
			units      int
		}{
			{"ansible", "TASK [split]\n" + each(chars(v), ansible), len(chars(v))},
			{"ansible logged", "start\n" + each(chars(v), logged), len(chars(v))},
			{"chars", "chars:\n" + each(chars(v), bare), len(chars(v))},
			{"GetBytes UTF-8", "PS> [Text.Encoding]::UTF8.GetBytes($s)\n" + each(nums(v, false), bare), len(nums(v, false))},
			{"GetBytes UTF-16", "PS> [Text.Encoding]::Unicode.GetBytes($s)\n" + each(nums(v, true), bare), len(nums(v, true))},
			{"ord", "codes:\n" + each(ords(v), bare), len(ords(v))},
			{"at a block's cut", filler.String() + "TASK [split]\n" + each(chars(v), ansible), len(chars(v))},
		} {
			var out bytes.Buffer
			if _, err := s.Scrub(&out, strings.NewReader(c.text+"done\n")); err != nil {
				t.Fatal(err)
			}
			// Every line the value's units were on (the text's last) lost
			// them; the title before them stays.
			in, got := strings.Split(c.text, "\n"), strings.Split(out.String(), "\n")
			n := c.units
			for i := len(in) - 1 - n; i < len(in)-1; i++ {
				if in[i] == got[i] {
					t.Errorf("%s of %q: line %d %q left:\n%s", c.name, v, i, in[i], tail(out.String(), 1500))
					break
				}
			}
			if k := len(in) - 2 - n; k >= 0 && in[k] != got[k] {
				t.Errorf("%s of %q: the line before the column %q became %q", c.name, v, in[k], got[k])
			}
		}
	}
	var clean strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&clean, "%d\n", i)
	}
	for _, w := range []string{"ok", "ok", "changed", "ok", "skipping", "ok"} {
		fmt.Fprintf(&clean, "ok: [ctl01] => (item=%s)\n", w)
	}
	for i := 0; i < 10; i++ {
		clean.WriteString(".\n")
	}
	for _, c := range "abcdefgh" {
		fmt.Fprintf(&clean, "%c\n", c)
	}
	var out bytes.Buffer
	if _, err := s.Scrub(&out, strings.NewReader(clean.String())); err != nil {
		t.Fatal(err)
	}
	if out.String() != clean.String() {
		t.Errorf("ordinary columns altered:\n%s", out.String())
	}
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }
