package main

import (
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/clitest"
)

// audit_log comes before users (as mariadb-dump orders them) and users
// makes email unique: the audit log's e-mails must be collision-checked
// too, which only the whole schema tells.
const needsSchemaFirst = "CREATE TABLE `audit_log` (\n  `id` int NOT NULL,\n  `email` varchar(255),\n  PRIMARY KEY (`id`)\n);\n" +
	"INSERT INTO `audit_log` VALUES (1,'ann@example.com'),(2,'bob@example.com');\n" +
	"CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(255) NOT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `email` (`email`)\n);\n" +
	"INSERT INTO `users` VALUES (1,'ann@example.com'),(2,'carl@example.com');\n"

const emailRules = "tables:\n  audit_log: {email: email}\n  users: {email: email}\n"

// fuzzyIn is fuzzy with stdin from a file.
func fuzzyIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(fuzzyBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), testKey)
	f, err := os.Open(stdin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdin = f
	o, e, code := clitest.Run(t, cmd)
	return result{o, e, code}
}

func TestAnonymizeOnePass(t *testing.T) {
	dir := setup(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ok := func(r result) {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	// A dump that one pass suffices for: from a file and from stdin, the
	// same bytes as with the schema read first, and no word of a second.
	ok(fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "rules.yaml", "--two-pass", "-o", "two.sql", dumpFile))
	for _, src := range []string{"file", "stdin"} {
		var r result
		if src == "file" {
			r = fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "rules.yaml", "-o", "one.sql", dumpFile)
		} else {
			r = fuzzyIn(t, dir, dumpFile, "anonymize", "--rules", "rules.yaml", "-o", "one.sql", "-")
		}
		ok(r)
		if strings.Contains(r.stderr, "second pass") || strings.Contains(r.stderr, "spooled") {
			t.Errorf("%s: one pass should do: %s", src, r.stderr)
		}
		if read("one.sql") != read("two.sql") {
			t.Errorf("%s: one pass wrote other bytes than two passes", src)
		}
	}

	// A dump that needs its schema first.
	os.WriteFile(filepath.Join(dir, "shop.sql"), []byte(needsSchemaFirst), 0o644)
	os.WriteFile(filepath.Join(dir, "email.yaml"), []byte(emailRules), 0o644)
	ok(fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "email.yaml", "--two-pass", "-o", "shop-two.sql", "shop.sql"))
	// From a file: it says why, starts over, and writes what two passes do.
	r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "email.yaml", "-o", "shop-one.sql", "shop.sql")
	ok(r)
	if !strings.Contains(r.stderr, "a second pass is needed: table users (CREATE TABLE at line 7) changes how audit_log.email is anonymized") {
		t.Errorf("no reason given for the second pass:\n%s", r.stderr)
	}
	if read("shop-one.sql") != read("shop-two.sql") {
		t.Error("the second pass wrote other bytes than --two-pass")
	}
	if strings.Contains(read("shop-one.sql"), "example.com") {
		t.Error("an address kept its domain")
	}
	// From stdin (read once, nothing kept): an error naming the reason,
	// a non-zero exit, no output left.
	r = fuzzyIn(t, dir, filepath.Join(dir, "shop.sql"), "anonymize", "--rules", "email.yaml", "-o", "shop-pipe.sql", "-")
	if r.code == 0 || !strings.Contains(r.stderr, "changes how audit_log.email is anonymized") || !strings.Contains(r.stderr, "--two-pass") {
		t.Errorf("exit %d, want an error with the reason and --two-pass:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "shop-pipe.sql")); err == nil {
		t.Error("a failed run left its output")
	}
	ok(fuzzyIn(t, dir, filepath.Join(dir, "shop.sql"), "anonymize", "--rules", "email.yaml", "--two-pass", "-o", "shop-pipe.sql", "-"))
	if read("shop-pipe.sql") != read("shop-two.sql") {
		t.Error("--two-pass from stdin wrote other bytes")
	}
	// Into a pipe, stdin is spooled and read twice, and it says so.
	r = fuzzyIn(t, dir, filepath.Join(dir, "shop.sql"), "anonymize", "--rules", "email.yaml", "-")
	ok(r)
	if !strings.Contains(r.stderr, "stdin is spooled") || r.stdout != read("shop-two.sql") {
		t.Errorf("pipe to pipe: want the spooling note and the two-pass bytes:\n%s", r.stderr)
	}
}

// Flags after the dump are read (the form "fuzzy anonymize dump.sql.gz
// -o anon.sql.gz"), not ignored with the dump written to stdout.
func TestFlagsAfterTheDump(t *testing.T) {
	dir := setup(t)
	r := fuzzy(t, dir, []string{testKey}, "anonymize", dumpFile, "--rules", "rules.yaml", "-o", "after.sql.gz", "--workers=1")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, %d bytes on stdout: %s", r.code, len(r.stdout), r.stderr)
	}
	ok := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "rules.yaml", "-o", "before.sql", dumpFile)
	if ok.code != 0 {
		t.Fatal(ok.stderr)
	}
	after := gunzipFile(t, filepath.Join(dir, "after.sql.gz"))
	before, _ := os.ReadFile(filepath.Join(dir, "before.sql"))
	if after != string(before) {
		t.Error("flags after the dump gave another output")
	}
}

func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
