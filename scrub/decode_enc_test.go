package scrub

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
	"golang.org/x/text/encoding/charmap"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

var encValues = []Value{{Kind: "password", Text: "Tr0ub4dor&3!#x"}, {Kind: "person_name", Text: "Дмитрий Шостакович"}, {Kind: "person_name", Text: "Νικόλαος Παπαδόπουλος"}}

// scrubBoth scrubs text with encValues known as plaintext and through an
// index.
func scrubBoth(t *testing.T, text string) []string {
	t.Helper()
	ix := NewIndex()
	for _, v := range encValues {
		ix.Add(v.Kind, v.Text)
	}
	ix.Finish()
	var outs []string
	for _, o := range []Options{{Values: encValues}, {Index: ix}} {
		s, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := s.Scrub(&out, strings.NewReader(text)); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out.String())
	}
	return outs
}

// TestCompressedBlobs: blobs the real bzip2, xz, lzma, zstd and gzip
// (twice) wrote, and Python's raw deflate, in base64 and hex, are read
// and scrubbed; the attacker (attack.Views decodes every stream) finds
// no value in the output. (On the old code every one but gzip of gzip's
// first layer passed through whole.)
func TestCompressedBlobs(t *testing.T) {
	files, _ := filepath.Glob("testdata/compressed/*")
	if len(files) < 6 {
		t.Fatalf("testdata/compressed: %d files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"blob=" + base64.StdEncoding.EncodeToString(b), "data " + hex.EncodeToString(b) + " end"} {
			for _, out := range scrubBoth(t, line+"\n") {
				if out == line+"\n" {
					t.Errorf("%s: %.40s... passed through", f, line)
					continue
				}
				for _, v := range attack.Views(out) {
					for _, val := range encValues {
						for _, w := range strings.Fields(val.Text) {
							if strings.Contains(v, attack.Fold(w)) {
								t.Errorf("%s: %q found in the output %q", f, w, out)
							}
						}
					}
				}
			}
		}
	}
}

// TestCompressedBomb: an xz stream that inflates past the budget (and
// asks for a 64 MiB dictionary) is scrubbed whole, not read whole.
func TestCompressedBomb(t *testing.T) {
	var b bytes.Buffer
	xw, err := xz.WriterConfig{DictCap: 64 << 20}.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	xw.Write(bytes.Repeat([]byte("A"), 4<<20))
	xw.Write([]byte(encValues[0].Text))
	xw.Close()
	line := "blob=" + base64.StdEncoding.EncodeToString(b.Bytes()) + "\n"
	for _, out := range scrubBoth(t, line) {
		if !strings.Contains(out, "[scrubbed:blob:") || len(out) > 200 {
			t.Errorf("not scrubbed whole: %.100q", out)
		}
	}
}

// TestLegacyCharsets: a value written raw in an 8-bit charset of its
// script (a latin1 column holding cp1251 bytes) is scrubbed; the old
// code passed each through byte for byte.
func TestLegacyCharsets(t *testing.T) {
	for _, cm := range []*charmap.Charmap{charmap.Windows1251, charmap.KOI8R, charmap.ISO8859_7, charmap.Windows1253} {
		for _, val := range encValues[1:] {
			raw, err := cm.NewEncoder().String(val.Text)
			if err != nil {
				continue // not this charset's script
			}
			line := "name=" + raw + " ok\n"
			for _, out := range scrubBoth(t, line) {
				if strings.Contains(out, raw[:6]) {
					t.Errorf("%v: %q survives in %q", cm, val.Text, out)
				}
			}
		}
	}
}
