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

// --keep-body-linkage reaches the engine: a trigger's literal gets the
// rows' fake with it and another fake without it; audit warns of the
// trigger by default and fails --strict on it with the flag.
func TestKeepBodyLinkageFlag(t *testing.T) {
	dir := t.TempDir()
	dump := "CREATE TABLE `t` (`id` int NOT NULL, `email` varchar(99), `plan` varchar(9), PRIMARY KEY (`id`), UNIQUE KEY (`email`));\n" +
		"INSERT INTO `t` VALUES (1,'vip@acme-corp.com','gold');\n" +
		"DELIMITER ;;\nCREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW BEGIN IF NEW.email = 'vip@acme-corp.com' THEN SET NEW.plan = 'x'; END IF; END;;\nDELIMITER ;\n"
	os.WriteFile(filepath.Join(dir, "d.sql"), []byte(dump), 0o644)
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("tables:\n  t: {email: email}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "k"), []byte("000102030405060708090a0b0c0d0e0f"), 0o600)
	linked := map[bool]bool{}
	for _, keep := range []bool{false, true} {
		args := []string{"anonymize", "--rules", "r.yaml", "--key-file", "k", "-o", "out.sql", "d.sql"}
		if keep {
			args = append(args[:1], append([]string{"--keep-body-linkage"}, args[1:]...)...)
		}
		r := fuzzy(t, dir, nil, args...)
		if r.code != 0 {
			t.Fatalf("keep %v: exit %d:\n%s", keep, r.code, r.stderr)
		}
		if !keep && !strings.Contains(r.stderr, "got fakes no row has") {
			t.Errorf("no warning for the unlinked literal:\n%s", r.stderr)
		}
		out, _ := os.ReadFile(filepath.Join(dir, "out.sql"))
		s := string(out)
		row := s[strings.Index(s, "VALUES (1,'")+len("VALUES (1,'"):]
		row = row[:strings.IndexByte(row, '\'')]
		linked[keep] = strings.Contains(s, "NEW.email = '"+row+"'")
	}
	if linked[false] || !linked[true] {
		t.Errorf("the trigger's literal is the row's fake: %v without --keep-body-linkage, %v with it", linked[false], linked[true])
	}
	r := fuzzy(t, dir, nil, "audit", "--rules", "r.yaml", "--strict", "d.sql")
	if r.code != 0 || !strings.Contains(r.stdout, "warning: t: CREATE TRIGGER") {
		t.Errorf("audit --strict: exit %d, want 0 and a warning of the trigger:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = fuzzy(t, dir, nil, "audit", "--rules", "r.yaml", "--strict", "--keep-body-linkage", "d.sql")
	if r.code != 1 || !strings.Contains(r.stdout, "exactly one row") {
		t.Errorf("audit --strict --keep-body-linkage: exit %d, want 1 and the finding:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
