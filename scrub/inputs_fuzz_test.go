package scrub

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// plantedSecret makes a secret of 10 or more letters and digits from
// fuzzed bytes, starting with "Qz" (no word of gate scrub's messages).
func plantedSecret(b []byte) string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	s := []byte("Qz")
	for _, c := range b {
		s = append(s, alnum[int(c)%len(alnum)])
	}
	for len(s) < 10 {
		s = append(s, '7')
	}
	return string(s)
}

// FuzzParseConfig: the scrub config never panics, and an error never
// quotes a secret planted anywhere in the document (every SECRET in it
// is replaced by one).
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"values: SECRET\n", "min_length: SECRET\n", "values: [{SECRET: x}]\n", "values: [{kind: SECRET, text: SECRET}]\n",
		"values: [*SECRET]\n", "values: ['SECRET\n", "values:\n\t- SECRET\n", "SECRET: 1\n", "patterns: [{name: p, regex: 'SECRET('}]\n",
		"patterns: [{name: 'SECRET x', regex: a}]\n", "env: [SECRET-x]\n", "values: [SECRET]\n---\nvalues: [SECRET]\n",
		"values: [!!binary SECRET, !SECRET x, &SECRET y, *SECRET]\n", "values: {SECRET: [SECRET]}\n", "%TAG !SECRET! tag:x\n--- !SECRET!y\nvalues: [a]\n",
	} {
		f.Add(s, []byte("Hunter2"))
	}
	f.Fuzz(func(t *testing.T, doc string, seed []byte) {
		secret := plantedSecret(seed)
		_, err := ParseConfig("c.yaml", []byte(strings.ReplaceAll(doc, "SECRET", secret)))
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("the error quotes the secret: %v", err)
		}
	})
}

// FuzzDSN: a DSN never panics the reader, and a password written as is
// (any bytes but white space) in a URL or a go-sql-driver DSN is always
// among the secrets.
func FuzzDSN(f *testing.F) {
	for _, s := range []string{"a#bPass1234", "Pa/ss:w0rd99", "Pa?ss:w0rd99", "p@ss@w0rd", "Dsn%21Pass%2399", "x)y(z", "@", ":", "a@tcp(b)/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pass string) {
		dsnSecrets(pass) // whatever it is: no panic
		if pass == "" || strings.ContainsAny(pass, " \t\r\n\v\f") {
			return
		}
		for _, dsn := range []string{"mysql+pymysql://nova:" + pass + "@db.example:3306/nova?charset=utf8", "nova:" + pass + "@tcp(db.example:3306)/nova"} {
			vals, err := dsnSecrets(dsn)
			if err != nil {
				t.Fatalf("%q: %v", dsn, err)
			}
			if !slices.ContainsFunc(vals, func(v Value) bool { return v.Kind == "password" && v.Text == pass }) {
				t.Fatalf("%q: the password is not among %v", dsn, vals)
			}
		}
	})
}

// FuzzValuesFile: a values file never panics the reader; a kind is only
// ever one gate scrub knows (a kind is published), and a line's text
// before a TAB that is no kind is never a kind.
func FuzzValuesFile(f *testing.F) {
	for _, s := range []string{"Hunter2Secret\tpart-two\n", "password\tS3cr\tx\n", "#pQ8x\n# c\n", "\ufeffhost\tdb1\r\n", "value\t\n", "\t\t\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "v.txt")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		vals, err := LoadValues(p)
		if err != nil {
			return
		}
		for _, v := range vals {
			if !IsValueKind(v.Kind) {
				t.Fatalf("kind %q is not a known one", v.Kind)
			}
		}
	})
}

// FuzzInput: gzip is read back as it was written, however many times,
// and no input panics the reader.
func FuzzInput(f *testing.F) {
	for _, s := range []string{"plain log\n", "\x1f\x8b", "BZh91AY&SY", "PK\x03\x04", "\x00\x01Zo\xc3\xab\x00"} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, b []byte, layers uint8) {
		if in, err := NewInput(bytes.NewReader(b)); err == nil {
			io.ReadAll(in)
			in.Close()
		}
		if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
			return // gzip already: inflated once more
		}
		z := b
		for i := 0; i < int(layers%maxGzipLayers)+1; i++ {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(z)
			zw.Close()
			z = buf.Bytes()
		}
		in, err := NewInput(bytes.NewReader(z))
		if err != nil {
			if _, opaque := NewInput(bytes.NewReader(b)); opaque != nil {
				return // what it holds is a format gate scrub refuses
			}
			t.Fatal(err)
		}
		got, err := io.ReadAll(in)
		if err != nil || !bytes.Equal(got, b) || !in.Gzipped {
			t.Fatalf("read back %q (%v), want %q", got, err, b)
		}
	})
}
