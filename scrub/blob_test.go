package scrub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
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
