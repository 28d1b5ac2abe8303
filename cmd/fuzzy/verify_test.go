package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVerifyCLI: fuzzy verify is clean (exit 0) on fuzzy anonymize's
// output of a real mariadb-dump, and when one original is planted back
// into a comment, a DEFAULT and a data row it exits 1 naming each place
// (line, column, table, column) and never the value.
func TestVerifyCLI(t *testing.T) {
	dir := setup(t)
	if r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "rules.yaml", "-o", "out.sql", dumpFile); r.code != 0 {
		t.Fatalf("anonymize: %s", r.stderr)
	}
	if r := fuzzy(t, dir, nil, "index", "--rules", "rules.yaml", "-o", "orig.index", dumpFile); r.code != 0 {
		t.Fatalf("index: %s", r.stderr)
	}
	r := fuzzy(t, dir, nil, "verify", "--index", "orig.index", "out.sql")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "clean") {
		t.Fatalf("verify of a good output: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	const orig = "0b1f5a6e-0000-4000-8000-000000000001" // parent.uuid in the dump
	out, _ := os.ReadFile(filepath.Join(dir, "out.sql"))
	bad := string(out)
	plant := func(after, text string) {
		i := strings.Index(bad, after)
		if i < 0 {
			t.Fatalf("no %q in the output", after)
		}
		i += len(after)
		bad = bad[:i] + text + bad[i:]
	}
	plant("-- Host: localhost", " (owner "+strings.ToUpper(orig)+")")           // comment, upper case
	plant("`parent_uuid` varchar(36) DEFAULT ", "'"+orig+"' COMMENT 'x' /* */") // DEFAULT
	plant("INSERT INTO `vals` VALUES\n(", "'"+orig+"',")                        // data row
	// The row now has one value too many for vals; move the spare into
	// the first value instead so the dump still reads.
	bad = strings.Replace(bad, "'"+orig+"','", "'"+orig+" ", 1)
	os.WriteFile(filepath.Join(dir, "bad.sql"), []byte(bad), 0o644)
	r = fuzzy(t, dir, nil, "verify", "--index", "orig.index", "bad.sql")
	if r.code != 1 {
		t.Fatalf("verify of a dump with planted originals: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^bad\.sql:4:\d+ \(byte \d+\): \(no table\), in a comment: an original uuid value`),
		regexp.MustCompile(`(?m)^bad\.sql:\d+:\d+ \(byte \d+\): child\.parent_uuid, in DEFAULT string literal of CREATE TABLE: an original uuid value`),
		regexp.MustCompile(`(?m)^bad\.sql:\d+:3 \(byte \d+\): vals\.s, row 1, in row of INSERT: an original uuid value`),
	} {
		if !want.MatchString(r.stdout) {
			t.Errorf("no line matching %s in:\n%s", want, r.stdout)
		}
	}
	for _, piece := range []string{"0b1f5a6e", "000000000001"} {
		if strings.Contains(strings.ToLower(r.stdout+r.stderr), piece) {
			t.Errorf("verify printed %q:\n%s%s", piece, r.stdout, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "3 original values found") {
		t.Errorf("summary: %s", r.stderr)
	}
	// A dump verify cannot read is not verified: exit 2, not 0.
	os.WriteFile(filepath.Join(dir, "broken.sql"), []byte("INSERT INTO t VALUES (1,'x"), 0o644)
	if r := fuzzy(t, dir, nil, "verify", "--index", "orig.index", "broken.sql"); r.code != 2 {
		t.Errorf("unreadable dump: exit %d\n%s", r.code, r.stderr)
	}
}
