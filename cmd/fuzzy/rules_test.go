package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/internal/nova"
)

var novaRules, _ = filepath.Abs("../../examples/nova/rules.yaml")

// fuzzy rules on the shipped Nova example prints the effective rules and
// exits 0, with the real models and without them.
func TestRulesShippedExample(t *testing.T) {
	if err := nova.Check(); err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"rules", "--models", nova.MainModels, "--models", nova.APIModels, "--rules", novaRules},
		{"rules", "--rules", novaRules},
	} {
		r := fuzzy(t, dir, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		for _, want := range []string{"tables:\n  agent_builds:\n", "databases:\n  nova_api:\n    tables:\n      instance_group_policy:\n        rules: json", "relations:\n"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: output lacks %q", args, want)
			}
		}
		if r.stderr != "" {
			t.Errorf("%v: stderr: %s", args, r.stderr)
		}
	}
}

// A typo in a rules file fails, naming the file, line and column and the
// nearest valid spelling; nothing is printed.
func TestRulesTypos(t *testing.T) {
	if err := nova.Check(); err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	dir := t.TempDir()
	for _, tc := range []struct{ doc, want string }{
		{"tables:\n  instances:\n    hostname: email:keyz=1\n", "typo.yaml:3:21: instances.hostname: kind email takes no parameters"},
		{"tables:\n  instances:\n    hostname: hostnme\n", `typo.yaml:3:15: instances.hostname: unknown kind "hostnme"; did you mean hostname?`},
		{"tables:\n  instanses:\n    hostname: hostname\n", "typo.yaml:2:3: table instanses is in no model (give --dump to check it against a dump that has it); did you mean instances?"},
		{"tables:\n  instances:\n    HOSTNAM: hostname\n", "typo.yaml:3:5: instances.HOSTNAM: table instances has no column HOSTNAM in the models or the dump; did you mean hostname?"},
	} {
		os.WriteFile(filepath.Join(dir, "typo.yaml"), []byte(tc.doc), 0o644)
		r := fuzzy(t, dir, nil, "rules", "--models", nova.MainModels, "--models", nova.APIModels, "--rules", "typo.yaml")
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %d bytes, stderr %s\nwant %s", tc.doc, r.code, len(r.stdout), r.stderr, tc.want)
		}
	}
}

// Rules name columns in any case, as MySQL does, and a column read by
// the tolerant CREATE TABLE scanner (--skip-quote-names, a type the SQL
// parser rejects) matches like a quoted one: every rule validation
// accepts rewrites its column, on real mariadb-dump output.
func TestRulesMatchAsMySQL(t *testing.T) {
	srv := dbtest.Start(t, dbserver.Options{})
	_, db := dbtest.NewDB(t, srv)
	dbtest.Client(t, srv, db, `
CREATE TABLE Users (
  id INT PRIMARY KEY,
  Email VARCHAR(80),
  HOST VARCHAR(80),
  addr INET6,
  Note TEXT
);
INSERT INTO Users VALUES
  (1, 'alice.smith@acme.example', 'db-1.acme.example', '2001:db8::17', 'call alice'),
  (2, 'bob.jones@acme.example', 'web-2.acme.example', '2001:db8::18', 'bob owes');
`)
	dir := t.TempDir()
	planted := []string{"alice.smith@acme.example", "bob.jones@acme.example", "db-1.acme.example", "web-2.acme.example", "2001:db8::17", "call alice", "bob owes"}
	for _, tc := range []struct {
		name  string
		dump  []string
		rules string
	}{
		{"quoted", nil, "tables:\n  Users:\n    EMAIL: email\n    host: hostname\n    ADDR: ip_address_v6\n    note: text\n"},
		{"skip-quote-names", []string{"--skip-quote-names"}, "tables:\n  Users:\n    email: email\n    Host: hostname\n    Addr: ip_address_v6\n    NOTE: text\n"},
		{"lower_case_table_names", []string{"--skip-quote-names"}, "lower_case_table_names: 1\ntables:\n  users:\n    EMAIL: email\n    HOST: hostname\n    addr: ip_address_v6\n    Note: text\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dump := dbtest.Dump(t, srv, append(tc.dump, db)...)
			os.WriteFile(filepath.Join(dir, "in.sql"), dump, 0o644)
			os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(tc.rules), 0o644)
			r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "r.yaml", "-o", "out.sql", "in.sql")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if strings.Contains(r.stderr, "rules name") || strings.Contains(r.stderr, "this dump's table") {
				t.Errorf("rule warnings: %s", r.stderr)
			}
			out, _ := os.ReadFile(filepath.Join(dir, "out.sql"))
			for _, v := range planted {
				if !strings.Contains(string(dump), v) {
					t.Fatalf("the dump lacks %q", v)
				}
				if strings.Contains(string(out), v) {
					t.Errorf("%q survived: the rule was accepted and rewrote nothing", v)
				}
			}
		})
	}
	// A rule for a table in another case is a typo when table names are
	// case-sensitive (lower_case_table_names 0, Linux's default).
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("tables:\n  users:\n    email: email\n"), 0o644)
	if r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "r.yaml", "-o", "out2.sql", "in.sql"); r.code == 0 || !strings.Contains(r.stderr, "r.yaml:2:3: table users is not in the dump; did you mean Users?") {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out2.sql")); err == nil {
		t.Error("a failed run left its output")
	}
}
