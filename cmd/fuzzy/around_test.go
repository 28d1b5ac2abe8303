package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzy anonymize refuses system data, naming the statement and the
// option, leaves no output, and with --system=drop drops it with a
// warning; replication coordinates go with a warning either way.
func TestAnonymizeSystemData(t *testing.T) {
	dir := t.TempDir()
	dump := "CREATE TABLE `t` (`id` int NOT NULL, `email` varchar(99), PRIMARY KEY (`id`));\n" +
		"INSERT INTO `t` VALUES (1,'alice@acme-corp.com');\n" +
		"CHANGE MASTER TO MASTER_LOG_FILE='bin.000007', MASTER_LOG_POS=4242;\n" +
		"CREATE USER `alice`@`db1.acme-corp.com` IDENTIFIED BY PASSWORD '*0123456789ABCDEF0123456789ABCDEF01234567';\n"
	os.WriteFile(filepath.Join(dir, "d.sql"), []byte(dump), 0o644)
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("tables:\n  t: {email: email}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "k"), []byte("000102030405060708090a0b0c0d0e0f"), 0o600)
	r := fuzzy(t, dir, nil, "anonymize", "--rules", "r.yaml", "--key-file", "k", "-o", "out.sql", "d.sql")
	if r.code == 0 || !strings.Contains(r.stderr, "line 4: CREATE USER") || !strings.Contains(r.stderr, "--system=drop") {
		t.Fatalf("exit %d, want a refusal naming the line, statement and option:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "alice") || strings.Contains(r.stderr, "acme") {
		t.Errorf("the error shows a value:\n%s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.sql")); err == nil {
		t.Errorf("a refused run left its output")
	}
	r = fuzzy(t, dir, nil, "anonymize", "--rules", "r.yaml", "--key-file", "k", "--system=drop", "-o", "out.sql", "d.sql")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: line 4: dropped system data: CREATE USER") || !strings.Contains(r.stderr, "warning: line 3: dropped replication coordinates") {
		t.Fatalf("--system=drop: exit %d:\n%s", r.code, r.stderr)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out.sql"))
	for _, gone := range []string{"alice", "acme", "4242", "bin.000007", "CREATE USER"} {
		if strings.Contains(string(out), gone) {
			t.Errorf("the output still has %q:\n%s", gone, out)
		}
	}
	if r := fuzzy(t, dir, nil, "anonymize", "--rules", "r.yaml", "--key-file", "k", "--system=keep", "-o", "out2.sql", "d.sql"); r.code == 0 {
		t.Errorf("--system=keep was accepted")
	}
}
