package scrub

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestTableCells: every corpus value wrapped over a table cell's rows
// (cut at the width or at spaces) loses every distinctive piece, known
// as plaintext and through an index; an ordinary table stays as it is.
func TestTableCells(t *testing.T) {
	vals, ix := corpusSecrets("values")
	clean := "+--------------------------------------+--------+--------+\n" +
		"| ID                                   | Name   | Status |\n" +
		"+--------------------------------------+--------+--------+\n" +
		"| 3f1c2a9e-8d7b-4c1e-9f0a-1b2c3d4e5f60 | web-01 | ACTIVE |\n" +
		"| 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d | db-02  | ERROR  |\n" +
		"+--------------------------------------+--------+--------+\n"
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		leaks := 0
		for _, v := range attack.Corpus {
			for _, f := range attack.Forms {
				if !strings.HasPrefix(f.Name, "table-") || f.Applies != nil && !f.Applies(v.Text) {
					continue
				}
				log, probes := attack.Plant("", "", v, f)
				var out bytes.Buffer
				if _, err := s.Scrub(&out, strings.NewReader(log)); err != nil {
					t.Fatal(err)
				}
				found, _, err := attack.Check(log, out.String(), probes, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range found {
					leaks++
					t.Errorf("index=%v: %s", mode.Index != nil, l)
				}
			}
		}
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader(clean))
		if out.String() != clean {
			t.Errorf("index=%v: an ordinary table changed:\n%s", mode.Index != nil, out.String())
		}
		t.Logf("index=%v: %d leaks", mode.Index != nil, leaks)
	}
}
