package scrub

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCleanLinesStay: ordinary log lines red team scrubatk6 saw altered
// stay as they are, and the secrets beside them still go.
func TestCleanLinesStay(t *testing.T) {
	vals := []Value{
		{Kind: "hostname", Text: "db-primary-07.oslo.nordvik-helse.internal"},
		{Kind: "url", Text: "mysql+pymysql://nova:Xy7!pwQ2@db-primary-07/nova"},
		{Kind: "email", Text: "mirela.kovacevic@gmail.com"},
		{Kind: "email", Text: "o.quist@blackfenmail.example"},
		{Kind: "hostname", Text: "mail-relay.acme-north.internal"},
	}
	clean := []string{
		"2026-12-02 INFO oslo_db.sqlalchemy.engines [-] MySQL server mode set to STRICT_TRANS_TABLES",
		"ERROR nova (pymysql.err.OperationalError) (1045, \"Access denied for user 'nova'@'localhost' (using password: YES)\")",
		"ERROR (1045, \"Access denied for user 'nova'@'localhost' (using password: NO)\")",
		"    password = Column(String(255), nullable=True)",
		"    secret = sa.Column(sa.Text)",
		"  File \"x.py\", line 3, in login(password: str)",
		"password = <not set>",
		"api_key = ***",
		"passwd=******",
		"password=None",
		"mysql --password=$DB_PASS nova",
		"secret_key: \"{{ vault_secret }}\"",
		"  File \"/usr/lib/python3/dist-packages/pymysql/connections.py\", line 869, in _request_authentication",
		"connection = mysql+pymysql://nova:REDACTED@127.0.0.1/nova?charset=utf8",
		"alembic.util.exc.CommandError: Can't locate revision identified by 'a4c123b1612d'",
		"FAILED: Can't locate revision identified by '16f1fbcab42b'",
		"notify ops@gmail.com, dragovic@gmail.com and noc@example.org",
		"compute-0042.cloud.example.net up; see https://docs.example.com/",
		"mail to someone at gmail dot com",
		// (a host's first label of English words is no word of it alone:
		// red team scrubatk18)
		"add mail relay settings; logger mail.relay started",
	}
	secret := []string{
		"password=Hunter2Secret!",
		"password: \"Column9x\"",
		"password=YES",
		"host db-primary-07.oslo.nordvik-helse.internal down",
		"host mail-relay.acme-north.internal down",
		"connect to mail-relay ok",
		"Received: from relay (MAIL-RELAY [10.0.0.1])",
		"reverse internal.nordvik-helse.oslo.db-primary-07",
		"connect mysql+pymysql://nova:Xy7!pwQ2@db-primary-07/nova",
		"cut: mysql+pymysql://nova:Xy7!pwQ2@db-pri",
		"create user 'nova'@'%' identified by 'Sekr3tPw!'",
		"grant all on nova.* to nova identified by 'Sekr3tPw2'",
		"alter user nova identified with mysql_native_password by 'Sekr3tPw4'",
		"CREATE USER x IDENTIFIED BY 'Sekr3tPw3'",
		"to Mirela.Kovacevic@Gmail.com",
		"mirela.kovacevic at gmail dot com",
		"idmirelakovacevic7",
		"O.Quist [at] blackfenmail [dot] example",
		"mail for blackfenmail.example",
	}
	s, err := New(Options{Values: vals})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range clean {
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader(l+"\n"))
		if out.String() != l+"\n" {
			t.Errorf("clean line altered:\n%s\n%s", l, out.String())
		}
	}
	for _, l := range secret {
		var out bytes.Buffer
		s.Scrub(&out, strings.NewReader(l+"\n"))
		if !strings.Contains(out.String(), "[scrubbed:") {
			t.Errorf("secret kept: %s", out.String())
		}
	}
}

// TestEmptyValuesFile: a values file with no value is an error (fail
// closed: scrubbing with nothing publishes the logs as they are).
func TestEmptyValuesFile(t *testing.T) {
	dir := t.TempDir()
	for _, body := range []string{"", "\n\n", "# only a comment\n"} {
		p := filepath.Join(dir, "v.txt")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadValues(p); !errors.Is(err, ErrNoValues) {
			t.Errorf("%q: err %v, want ErrNoValues", body, err)
		}
	}
}

// testDigests: the digests a log may print of a value, computed apart
// from digestForms: MD5, SHA-1, SHA-256 and SHA-512 of it, MD5 of it in lower
// case.
func testDigests(v string) []string {
	m, s1, s2, ml := md5.Sum([]byte(v)), sha1.Sum([]byte(v)), sha256.Sum256([]byte(v)), md5.Sum([]byte(strings.ToLower(v)))
	s5 := sha512.Sum512([]byte(v))
	return []string{hex.EncodeToString(m[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:]), hex.EncodeToString(ml[:]), hex.EncodeToString(s5[:])}
}

// testDigestsCased: the digests whose case is their own: MySQL's
// native password hash and the raw digests in base64.
func testDigestsCased(v string) []string {
	s1 := sha1.Sum([]byte(v))
	n := sha1.Sum(s1[:])
	m, s2 := md5.Sum([]byte(v)), sha256.Sum256([]byte(v))
	return []string{"*" + strings.ToUpper(hex.EncodeToString(n[:])), base64.StdEncoding.EncodeToString(m[:]),
		base64.StdEncoding.EncodeToString(s1[:]), base64.StdEncoding.EncodeToString(s2[:])}
}

// TestDigests: a known value's MD5, SHA-1 or SHA-256 (or the MD5 of it in lower
// case: a Gravatar URL's) is scrubbed, in either case, known as
// plaintext and through an index: a published digest confirms a guess.
func TestDigests(t *testing.T) {
	vals, ix := corpusSecrets("values")
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		left, tried := 0, 0
		for _, v := range vals {
			if alnumRunes(strings.TrimSpace(v.Text)) < DefaultMinLength || len(v.Text) > maxVariantText {
				continue
			}
			for _, d := range testDigests(strings.TrimSpace(v.Text)) {
				for _, h := range []string{d, strings.ToUpper(d)} {
					tried++
					line := "avatar https://www.gravatar.com/avatar/" + h + "?s=80 ok\n"
					var out bytes.Buffer
					s.Scrub(&out, strings.NewReader(line))
					if strings.Contains(strings.ToLower(out.String()), d) {
						left++
					}
				}
			}
			for _, d := range testDigestsCased(strings.TrimSpace(v.Text)) {
				for _, line := range []string{"user nova authentication_string " + d + "\n", "Content-MD5: " + d + "\n", `{"etag": "` + d + `"}` + "\n"} {
					tried++
					var out bytes.Buffer
					s.Scrub(&out, strings.NewReader(line))
					if strings.Contains(out.String(), strings.TrimRight(strings.TrimPrefix(d, "*"), "=")) {
						left++
					}
				}
			}
		}
		if tried == 0 || left > 0 {
			t.Errorf("index=%v: %d of %d digests left", mode.Index != nil, left, tried)
		}
	}
	s, _ := New(Options{Values: vals})
	var out bytes.Buffer
	clean := "etag 9dd4e461268c8034f5c8564e155c67a6 sha256 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n"
	s.Scrub(&out, strings.NewReader(clean))
	if out.String() != clean {
		t.Errorf("digests of nothing known altered: %s", out.String())
	}
}

// TestCertificatesStay: a CA bundle's certificates whose subjects are
// BMPStrings (UTF-16 of Cyrillic, Greek and CJK names, as openssl's
// string_mask=default writes them) stay byte for byte when the names
// known are others of those scripts (attack.Corpus): the DER's UTF-16
// is read as text, and must not be taken for pieces of a known name.
func TestCertificatesStay(t *testing.T) {
	b, err := os.ReadFile("testdata/corpus/tls.log.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	vals, ix := corpusSecrets("values")
	for _, mode := range []Options{{Values: vals}, {Index: ix}} {
		s, err := New(mode)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := s.Scrub(&out, bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		in, got := strings.SplitAfter(string(b), "\n"), strings.SplitAfter(out.String(), "\n")
		for i := range in {
			if i < len(got) && in[i] != got[i] {
				t.Errorf("index=%v: line %d altered:\n%s%s", mode.Index != nil, i+1, in[i], got[i])
			}
		}
	}
}
