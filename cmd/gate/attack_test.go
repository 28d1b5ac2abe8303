package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/scrub/attack"
)

// TestAttackCorpusEndToEnd: the attacker's corpus (every value of
// attack.Corpus in every attack form, twins and ordinary lines between),
// scrubbed by the real gate scrub with --values and with the index that
// the real fuzzy index writes from a real mariadb-dump of a database
// holding the same values. Then every decoded view of what gate scrub
// wrote is searched for the values and their distinctive pieces.
func TestAttackCorpusEndToEnd(t *testing.T) {
	dir := t.TempDir()
	srv := dbtest.Start(t, dbserver.Options{})
	db, name := dbtest.NewDB(t, srv)
	if _, err := db.Exec("CREATE TABLE people (id int PRIMARY KEY, val varchar(200) CHARACTER SET utf8mb4) DEFAULT CHARSET=utf8mb4"); err != nil {
		t.Fatal(err)
	}
	var values strings.Builder
	for i, v := range attack.Corpus {
		if _, err := db.Exec("INSERT INTO people VALUES (?, ?)", i+1, v.Text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&values, "%s\t%s\n", v.Kind, v.Text)
	}
	dump := dbtest.Dump(t, srv, name)
	for _, v := range attack.Corpus { // the dump holds them (mariadb-dump leaves tabs raw)
		if !strings.Contains(string(dump), v.Text) {
			t.Fatalf("the dump lacks the %s value", v.Kind)
		}
	}
	files := map[string]string{
		"dump.sql":   string(dump),
		"rules.yaml": "tables:\n  people:\n    val: string\n",
		"values.txt": values.String(),
	}
	log, probes, clean := attack.Log(attack.Corpus, attack.Twins, attack.Ordinary)
	files["probes.log"] = log
	for f, text := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if r := run(t, dir, "", fuzzyBin, "index", "--rules", "rules.yaml", "-o", "values.idx", "dump.sql"); r.code != 0 {
		t.Fatalf("fuzzy index: %s", r.stderr)
	} else if !strings.Contains(r.stderr, fmt.Sprintf("%d distinct values", len(attack.Corpus))) {
		t.Errorf("fuzzy index: %s", r.stderr)
	}
	for _, mode := range [][]string{{"--values", "values.txt"}, {"--index", "values.idx"}} {
		t.Run(mode[0][2:], func(t *testing.T) {
			r := run(t, dir, "", gateBin, append([]string{"scrub", "-o", "out.log"}, append(mode, "probes.log")...)...)
			if r.code != 0 {
				t.Fatal(r.stderr)
			}
			out, _ := os.ReadFile(filepath.Join(dir, "out.log"))
			leaks, altered, err := attack.Check(log, string(out), probes, clean)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range leaks {
				if i < 20 {
					t.Errorf("leak: %s", l)
				}
			}
			in, got := strings.SplitAfter(log, "\n"), strings.SplitAfter(string(out), "\n")
			for i, n := range altered {
				if i < 10 {
					t.Errorf("clean line altered:\n  in:  %q\n  out: %q", in[n], got[n])
				}
			}
			if len(leaks) > 0 || len(altered) > 0 {
				t.Errorf("%d of %d probes leak, %d of %d clean lines altered", len(leaks), len(probes), len(altered), len(clean))
			}
		})
	}
}
