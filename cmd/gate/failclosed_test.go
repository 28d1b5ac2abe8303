package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// The attacker's side of gate scrub's inputs: what it is given (values
// files, configs, DSNs, flags, gzip and binary logs, directories) must
// never let a secret through, and its messages must never quote one.

// recovered plays the attacker on what gate scrub published (output,
// stderr, report): every decoded view of it, gzip inflated first,
// searched for each secret and its distinctive pieces (attack.Pieces).
// It returns the pieces found (test secrets only).
func recovered(published string, secrets ...string) []string {
	published = ourMarkers.ReplaceAllStringFunc(published, func(m string) string {
		if kind := ourMarkers.FindStringSubmatch(m)[1]; slices.Contains(publicKinds, kind) {
			return "[scrubbed]"
		}
		return m
	})
	texts := []string{published}
	if in, ok := gunzipAll([]byte(published)); ok {
		texts = append(texts, in)
	}
	seen := map[string]bool{}
	var found []string
	for _, text := range texts {
		views := attack.Views(text)
		for _, sec := range secrets {
			raw, skel := attack.Pieces(sec)
			for _, v := range views {
				sv := attack.Skeleton(v)
				for _, p := range raw {
					if strings.Contains(v, p) && !seen[p] {
						seen[p] = true
						found = append(found, p)
					}
				}
				for _, p := range skel {
					if strings.Contains(sv, p) && !seen[p] {
						seen[p] = true
						found = append(found, p)
					}
				}
			}
		}
	}
	return found
}

// ourMarkers are gate scrub's markers; those of publicKinds are dropped
// before the attack (a kind "password" holds "pass"); any other kind
// is published text like the rest (finding 2 published a secret as one).
var (
	ourMarkers  = regexp.MustCompile(`\[scrubbed:([^:\]]*):[0-9a-f]{4}\]`)
	publicKinds = []string{"value", "password", "hostname", "username", "url", "token", "prefix", "blob", "env", "ticket", "name", "user", "uuid", "ip_address", "email"}
)

// gunzipAll inflates gzip inside gzip as an attacker would.
func gunzipAll(b []byte) (string, bool) {
	ok := false
	for len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			break
		}
		b, _ = io.ReadAll(zr)
		ok = true
	}
	return string(b), ok
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScrubValuesNoKindWarns: lines whose text before a TAB is no kind
// (a kind mistyped: red team scrubatk16's "apikey") are said on stderr
// by their numbers, never their text, which may be a secret's.
func TestScrubValuesNoKindWarns(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"v.txt": "password\tQz7Vk3pw\nhostnmae\tdb1.qz7vk.example\napikey\tsk_live_9fQx7LmZp2RtY8vB\n"})
	r := run(t, dir, "connect db1.qz7vk.example ok\n", gateBin, "scrub", "--values", "v.txt", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "2 line(s) (first: line 2)") || !strings.Contains(r.stderr, "no kind") {
		t.Errorf("no warning naming the lines: %s", r.stderr)
	}
	if got := recovered(r.stdout+"\n"+r.stderr, "hostnmae", "apikey", "db1.qz7vk", "9fQx7LmZp2"); len(got) > 0 {
		t.Errorf("recovered %q from\n%s%s", got, r.stdout, r.stderr)
	}
}

// TestScrubValuesFileTabs (finding 2): only a known kind before a TAB is
// a kind; any other first part may be a secret's start, so it is never
// published (output, markers, --report, stderr), and the line is known
// whole and by what follows the TAB.
func TestScrubValuesFileTabs(t *testing.T) {
	tests := []struct {
		name, values, log string
		secrets           []string
		marker            string // a marker the output must hold
	}{
		{"a TAB inside a value", "Hunter2Qz9Vk\tpart-two-Xq7\n",
			"pw=Hunter2Qz9Vk\tpart-two-Xq7;\nx part-two-Xq7 y\nHunter2Qz9Vk part-two-Xq7\nHunter2Qz9Vk\\tpart-two-Xq7\npw=Hunter2Qz9Vk;\n",
			[]string{"Hunter2Qz9Vk\tpart-two-Xq7", "Hunter2Qz9Vk", "part-two-Xq7"}, "[scrubbed:value:"},
		{"a kind mistyped", "hostnmae\tdb1.qz7vk.example\n", "connect db1.qz7vk.example:3306 ok\n",
			[]string{"db1.qz7vk.example", "hostnmae"}, "[scrubbed:value:"},
		{"a known kind, a TAB in its value", "password\tS3cr\tTabbed99x\n", "x S3cr\tTabbed99x y\n",
			[]string{"S3cr\tTabbed99x"}, "[scrubbed:password:"},
		{"value<TAB> before a value with a TAB", "value\tpassword\tZq8Wv3Lm77\n", "x password\tZq8Wv3Lm77 y\n",
			[]string{"Zq8Wv3Lm77"}, "[scrubbed:value:"},
		{"a value starting with #", "#pQ8xW7zL\n# a comment\n#\n", "token #pQ8xW7zL here\n",
			[]string{"pQ8xW7zL"}, "[scrubbed:value:"},
		{"a byte-order mark, CRLF", "\ufeffpassword\tBomQz7Vk3\r\nuser\tCrlfQz7Vk4\r\n", "a BomQz7Vk3 b CrlfQz7Vk4\n",
			[]string{"BomQz7Vk3", "CrlfQz7Vk4"}, "[scrubbed:password:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"v.txt": tt.values})
			r := run(t, dir, tt.log, gateBin, "scrub", "--values", "v.txt", "--report", "r.json", "-")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			rep, _ := os.ReadFile(filepath.Join(dir, "r.json"))
			if got := recovered(r.stdout+"\n"+r.stderr+"\n"+string(rep), tt.secrets...); len(got) > 0 {
				t.Errorf("recovered %q from\n%s%s%s", got, r.stdout, r.stderr, rep)
			}
			if !strings.Contains(r.stdout, tt.marker) {
				t.Errorf("no %s marker:\n%s", tt.marker, r.stdout)
			}
		})
	}
}

// TestScrubDSN (finding 4): --dsn's password is scrubbed however it is
// written (unescaped '#', '/', '?', '@', ':' as people write them, or
// percent-escaped), in every DSN shape gate takes; a DSN that does not
// parse is an error naming the flag, not the value.
func TestScrubDSN(t *testing.T) {
	tests := []struct {
		dsn, log string
		secrets  []string
	}{
		{"mysql://nova:a#bPass1234@db/nova", "x a#bPass1234 y\n", []string{"a#bPass1234"}},
		{"mysql://nova:Pa/ss:w0rd99@db/nova", "x Pa/ss:w0rd99 y\n", []string{"Pa/ss:w0rd99"}},
		{"mysql://nova:Pa?ss:w0rd99@db/nova", "x Pa?ss:w0rd99 y\n", []string{"Pa?ss:w0rd99"}},
		{"mysql+pymysql://nova:Dsn!Pass#99@db:3306/nova", "connecting mysql+pymysql://nova:Dsn!Pass#99@db:3306/nova; pw was Dsn!Pass#99; enc Dsn%21Pass%2399\n", []string{"Dsn!Pass#99"}},
		{"mysql://nova:p@ss@w0rd77@db.qz7vk.example:3306/nova?charset=utf8", "pw p@ss@w0rd77 host db.qz7vk.example\n", []string{"p@ss@w0rd77", "db.qz7vk.example"}},
		{"mysql+pymysql://nova:Enc%2FPass%4099@db/nova", "x Enc/Pass@99 y Enc%2FPass%4099\n", []string{"Enc/Pass@99"}},
		{"mysql+pymysql://root:Sock!Pass77@/nova?unix_socket=/run/mysqld/mysqld.sock", "x Sock!Pass77 y\n", []string{"Sock!Pass77"}},
		{"nova:Tcp/Pass@w0rd@tcp(db7.qz7vk.example:3306)/nova", "x Tcp/Pass@w0rd y db7.qz7vk.example\n", []string{"Tcp/Pass@w0rd", "db7.qz7vk.example"}},
		{"nova:Unix#Pass99@unix(/run/mysqld/mysqld.sock)/nova?parseTime=true", "x Unix#Pass99 y\n", []string{"Unix#Pass99"}},
		{"root:R00t:Colon9@tcp(127.0.0.1:3306)/", "x R00t:Colon9 y\n", []string{"R00t:Colon9"}},
		{"nova:Bogus#Net99@bogus(db)/nova", "x Bogus#Net99 y\n", []string{"Bogus#Net99"}}, // a dialer the driver may register
	}
	dir := t.TempDir()
	for _, tt := range tests {
		r := run(t, dir, tt.log, gateBin, "scrub", "--dsn", tt.dsn, "-")
		if r.code != 0 {
			t.Errorf("%s: exit %d: %s", tt.dsn, r.code, r.stderr)
			continue
		}
		if got := recovered(r.stdout, tt.secrets...); len(got) > 0 {
			t.Errorf("%s: recovered %q from %s", tt.dsn, got, r.stdout)
		}
	}
	for _, bad := range []string{"no such shape here", "Hunter2Qz9Vk7Lm", "nova:Hunter2Qz9Vk7Lm@db/nova", "mysql://nova:Hunter2Qz9Vk7Lm", "nova:Hunter2Qz9Vk7Lm@tcp(db/nova"} {
		r := run(t, dir, "x\n", gateBin, "scrub", "--dsn", bad, "-")
		if r.code != 2 || !strings.Contains(r.stderr, "--dsn") {
			t.Errorf("%q: exit %d, want 2 naming --dsn: %s", bad, r.code, r.stderr)
		}
		if got := recovered(r.stdout+r.stderr, bad, "Hunter2Qz9Vk7Lm"); len(got) > 0 {
			t.Errorf("%q: the error quotes %q: %s", bad, got, r.stderr)
		}
	}
}

// TestScrubErrorsQuoteNoSecret (finding 5): every error of gate scrub's
// inputs (config, values file, index, flags) names where and what was
// expected, never the text: a secret fed into each is not in its output.
func TestScrubErrorsQuoteNoSecret(t *testing.T) {
	const s = "Hunter2Qz9Vk7Lm"
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		where string // the error names this
	}{
		{"values not a list", map[string]string{"c.yaml": "values: " + s + "\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:9:"},
		{"min_length not a number", map[string]string{"c.yaml": "min_length: " + s + "\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:13:"},
		{"min_length a list", map[string]string{"c.yaml": "min_length: [" + s + "]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:13:"},
		{"an unknown top key", map[string]string{"c.yaml": s + ": 1\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:1:"},
		{"an unknown key of a value", map[string]string{"c.yaml": "values:\n  - {" + s + ": x}\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:6:"},
		{"an unknown kind", map[string]string{"c.yaml": "values:\n  - {kind: " + s + "k, text: " + s + "}\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:12:"},
		{"a value twice", map[string]string{"c.yaml": "values:\n  - {text: " + s + ", text: " + s + "}\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:"},
		{"a null value", map[string]string{"c.yaml": "values: [~, " + s + "]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:10:"},
		{"a binary value", map[string]string{"c.yaml": "values: [!!binary SHVudGVyMlF6OVZrN0xt]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:10:"},
		{"a nested list", map[string]string{"c.yaml": "values: [[" + s + "]]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:10:"},
		{"an unknown anchor", map[string]string{"c.yaml": "values: [*" + s + "]\n"}, []string{"--rules", "c.yaml"}, "c.yaml"},
		{"an unclosed quote", map[string]string{"c.yaml": "values: ['" + s + "\n"}, []string{"--rules", "c.yaml"}, "c.yaml"},
		{"a tab indent", map[string]string{"c.yaml": "values:\n\t- " + s + "\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2"},
		{"a second document", map[string]string{"c.yaml": "values: [" + s + "]\n---\nvalues: [" + s + "x]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:1:"},
		{"a bad regex", map[string]string{"c.yaml": "patterns:\n  - {name: p, regex: '(?i)" + s + "('}\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:22:"},
		{"a bad pattern name", map[string]string{"c.yaml": "patterns:\n  - {name: '" + s + " x', regex: 'ab+'}\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:12:"},
		{"an unknown pattern key", map[string]string{"c.yaml": "patterns:\n  - {name: p, regexp: '" + s + "'}\n"}, []string{"--rules", "c.yaml"}, "c.yaml:2:15:"},
		{"a bad env name", map[string]string{"c.yaml": "env: [" + s + "-x]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:7:"},
		{"an unset env", map[string]string{"c.yaml": "env: [" + s + "_UNSET]\n"}, []string{"--rules", "c.yaml"}, "c.yaml:1:7:"},
		{"a kind without a value", map[string]string{"v.txt": "password\t \n" + s + "\n"}, []string{"--values", "v.txt"}, "v.txt:1:"},
		{"an index that is not one", map[string]string{"x.idx": s + "\n"}, []string{"--index", "x.idx"}, "x.idx"},
		{"a gzip index that is not one", map[string]string{"x.idx": string(gz([]byte(s + s + s)))}, []string{"--index", "x.idx"}, "x.idx"},
		{"a short marker key", map[string]string{"k": "Hunter2"}, []string{"--marker-key", "k"}, "--marker-key"},
		{"--min-length not a number", nil, []string{"--min-length", s}, "--min-length"},
		{"--min-length negative", nil, []string{"--min-length", "-3"}, "--min-length"},
		{"a secret as a flag", nil, []string{"--" + s}, "unknown flag"},
		{"--dsn", nil, []string{"--dsn", s}, "--dsn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			r := run(t, dir, "x "+s+"\n", gateBin, append([]string{"scrub"}, append(tt.args, "-")...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.where) {
				t.Errorf("exit %d, want 2 naming %q: %s", r.code, tt.where, r.stderr)
			}
			if got := recovered(r.stdout+r.stderr, s); len(got) > 0 {
				t.Errorf("the error quotes %q:\n%s%s", got, r.stdout, r.stderr)
			}
		})
	}
	// gate run reads the same scrub flags and config.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"c.yaml": "min_length: " + s + "\n"})
	for _, args := range [][]string{{"--min-length", s}, {"--rules", "c.yaml"}} {
		r := run(t, dir, "", gateBin, append([]string{"run", "--dataset", dir, "--migrate", "true"}, args...)...)
		if r.code != 2 || len(recovered(r.stdout+r.stderr, s)) > 0 {
			t.Errorf("gate run %v: exit %d: %s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestScrubConfigStrict (finding 6): an entry's unknown key, or a kind
// gate scrub does not know, is an error at file:line:column, not a
// value silently scrubbed as nothing; a config that is right scrubs.
func TestScrubConfigStrict(t *testing.T) {
	tests := []struct{ config, where string }{
		{"values:\n  - {a: MapSecretValue77}\n  - {value: KeyedSecret88, kind: password}\n", "c.yaml:2:6: values[0]: unknown key"},
		{"values:\n  - {text: KeyedSecret88, kind: pw}\n", "c.yaml:2:33: values[0].kind: not a kind"},
		{"values:\n  - {kind: password}\n", "c.yaml:2:5: values[0]: no text"},
		{"values:\n  - {text: ''}\n", "c.yaml:2:12: values[0].text: empty value"},
		{"patterns:\n  - {name: p}\n", "c.yaml:2:5: patterns[0]: no regex"},
		{"patterns:\n  - regex: 'ab+'\n    flags: i\n", "c.yaml:3:5: patterns[0]: unknown key"},
		{"valuez: [x]\n", "c.yaml:1:1: the config: unknown key"},
		{"min_length: 0\n", "c.yaml:1:13: min_length"},
		{"env: OS_PASSWORD\n", "c.yaml:1:6: env: want a list"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"c.yaml": tt.config})
		r := run(t, dir, "MapSecretValue77 KeyedSecret88\n", gateBin, "scrub", "--rules", "c.yaml", "-")
		if r.code != 2 || !strings.Contains(r.stderr, tt.where) || strings.Contains(r.stdout, "KeyedSecret88") {
			t.Errorf("%q: exit %d, want 2 and %q: %s", tt.config, r.code, tt.where, r.stderr)
		}
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"c.yaml": "min_length: 6\nenv: [SCRUB_TEST_TOKEN]\nvalues:\n  - MapSecretValue77\n  - {kind: password, text: KeyedSecret88}\n  - &h {kind: hostname, text: 'db9.qz7vk.example'}\n  - 20260101123456\npatterns:\n  - {name: ticket, regex: 'TICKET-[0-9]+'}\n"})
	cmd := exec.Command(gateBin, "scrub", "--rules", "c.yaml", "-")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SCRUB_TEST_TOKEN=tok-qz7vk-445566")
	cmd.Stdin = strings.NewReader("MapSecretValue77 KeyedSecret88 db9.qz7vk.example 20260101123456 TICKET-42 tok-qz7vk-445566 fine\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := recovered(string(out), "MapSecretValue77", "KeyedSecret88", "db9.qz7vk.example", "20260101123456", "TICKET-42", "tok-qz7vk-445566"); len(got) > 0 || !strings.Contains(string(out), "[scrubbed:password:") {
		t.Errorf("recovered %q from %s", got, out)
	}
}

// TestScrubValuesURLParts (finding 13): a URL in a values file is known
// by its parts alone, as an index of it is (the red team's reproducers).
func TestScrubValuesURLParts(t *testing.T) {
	const u = "https://admin:Hunter2%40x@git.acme-corp.net:8443/repo/secret-project?token=qwertyuiop123#frag"
	lines := []string{"Hunter2%40x", "Hunter2@x", "admin:Hunter2%40x", "git.acme-corp.net", "/repo/secret-project",
		"qwertyuiop123", "https://admin:***@git.acme-corp.net:8443/repo/secret-project?token=qwertyuiop123#frag"}
	secrets := []string{"Hunter2@x", "git.acme-corp.net", "secret-project", "qwertyuiop123"}
	for _, values := range []string{"url\t" + u + "\n", u + "\n"} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"v.txt": values})
		for _, l := range lines {
			r := run(t, dir, l+"\n", gateBin, "scrub", "--values", "v.txt", "-")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := recovered(r.stdout, secrets...); len(got) > 0 {
				t.Errorf("%q (values %q): recovered %q from %s", l, values[:4], got, r.stdout)
			}
		}
	}
}

// TestScrubKnowsNothing: with no source of known values gate scrub
// refuses (an empty $SCRUB_ARGS in a CI step would publish the logs as
// they are) and writes nothing; --builtin-only asks for the patterns
// alone, and with a source it is a contradiction.
func TestScrubKnowsNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"in.log": "customer Zoe Quillfeather-Brandt\npassword=Hunter2Qz9\n", "v.txt": "Zoe Quillfeather-Brandt\n"})
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-o", "out.log", "in.log"}, 2, "no known values"},
		{[]string{"-o", "out.log", "-"}, 2, "no known values"},
		{[]string{"--in-place", "."}, 2, "no known values"},
		{[]string{"--builtin-only", "--values", "v.txt", "-o", "out.log", "in.log"}, 2, "--builtin-only"},
		{[]string{"--builtin-only", "-o", "out.log", "in.log"}, 0, "1 replacements"},
		{[]string{"--values", "v.txt", "-o", "out.log", "in.log"}, 0, "2 replacements"},
	} {
		os.Remove(filepath.Join(dir, "out.log"))
		r := run(t, dir, "customer Zoe Quillfeather-Brandt\n", gateBin, append([]string{"scrub"}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q: %s", tt.args, r.code, tt.code, tt.want, r.stderr)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "in.log")); !strings.Contains(string(b), "Quillfeather") {
			t.Fatalf("%v: in.log was changed", tt.args)
		}
		out, err := os.ReadFile(filepath.Join(dir, "out.log"))
		if tt.code != 0 && err == nil {
			t.Errorf("%v: refused, but out.log was written", tt.args)
		}
		if tt.code == 0 && strings.Contains(string(out), "Hunter2Qz9") {
			t.Errorf("%v: the password survived: %q", tt.args, out)
		}
	}
}
