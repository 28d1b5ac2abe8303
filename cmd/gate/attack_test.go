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
	// A URL, a JSON document and a free text, whose parts an index must
	// know alone (partValues).
	if _, err := db.Exec("CREATE TABLE hooks (id int PRIMARY KEY, url varchar(300), profile text, notes text)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO hooks VALUES (1, ?, ?, ?)", partsURL, partsJSON, partsText); err != nil {
		t.Fatal(err)
	}
	dump := dbtest.Dump(t, srv, name)
	for _, v := range attack.Corpus { // the dump holds them (mariadb-dump leaves tabs raw)
		if !strings.Contains(string(dump), v.Text) {
			t.Fatalf("the dump lacks the %s value", v.Kind)
		}
	}
	files := map[string]string{
		"dump.sql":   string(dump),
		"rules.yaml": "tables:\n  people:\n    val: string\n  hooks:\n    url: url\n    profile: json\n    notes: text\n",
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
	}
	for _, mode := range [][]string{{"--values", "values.txt"}, {"--index", "values.idx"}} {
		t.Run(mode[0][2:], func(t *testing.T) { scrubAndAttack(t, dir, mode, "probes.log", log, probes, clean) })
	}
	// The index knows the URL's, the JSON's and the text's parts alone,
	// in every form; so does a values file holding the same three values.
	plog, pprobes, pclean := attack.Log(partValues, partTwins, attack.Ordinary)
	pvalues := "url\t" + partsURL + "\njson\t" + partsJSON + "\ntext\t" + partsText + "\n"
	for f, text := range map[string]string{"parts.log": plog, "parts.txt": pvalues} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range [][]string{{"--index", "values.idx"}, {"--values", "parts.txt"}} {
		t.Run("parts "+mode[0][2:], func(t *testing.T) { scrubAndAttack(t, dir, mode, "parts.log", plog, pprobes, pclean) })
	}
}

// scrubAndAttack scrubs the log file (holding log) with gate scrub and
// mode's flags, then plays the attacker on what it wrote.
func scrubAndAttack(t *testing.T, dir string, mode []string, file, log string, probes []attack.Probe, clean []int) {
	r := run(t, dir, "", gateBin, append([]string{"scrub", "-o", file + ".out"}, append(mode, file)...)...)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	out, _ := os.ReadFile(filepath.Join(dir, file+".out"))
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
}

// A webhook URL, a JSON profile holding a transport URL and a name, and
// a note holding an address and a host; partValues are what of them a
// log may print alone, partTwins the same shapes nobody knows.
const (
	partsURL  = "https://hook-29:p@ss:w/rd29@api.northbank.example:8443/v2.0/AUTH_6ea9ab1baa0efb9e19094440c317e21b/events/29?token=wh_7719a1c782a1ba91c031&tenant=29#frag29"
	partsJSON = `{"callback": "amqp://svc-relay:S3cr3t%2Fx9@mq-7.northbank.example:5672/vhost-prod", "owner": "Ingeborg Vandersloot"}`
	partsText = "Escalated by ops from 10.91.4.27, see ticket on jira-3.northbank.example for details"
)

var (
	partValues = []attack.Value{
		{Kind: "password", Text: "p@ss:w/rd29"}, {Kind: "token", Text: "wh_7719a1c782a1ba91c031"},
		{Kind: "hostname", Text: "api.northbank.example"}, {Kind: "tenant", Text: "6ea9ab1baa0efb9e19094440c317e21b"},
		{Kind: "password", Text: "S3cr3t/x9"}, {Kind: "hostname", Text: "mq-7.northbank.example"},
		{Kind: "user", Text: "svc-relay"}, {Kind: "name", Text: "Ingeborg Vandersloot"},
		{Kind: "ip", Text: "10.91.4.27"}, {Kind: "hostname", Text: "jira-3.northbank.example"},
	}
	partTwins = []attack.Value{
		{Kind: "password", Text: "q#zz:x/yb41"}, {Kind: "token", Text: "wh_0a1b2c3d4e5f60718293"},
		{Kind: "hostname", Text: "api.southgate.example"}, {Kind: "tenant", Text: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
		{Kind: "password", Text: "T4ll3t/y8"}, {Kind: "hostname", Text: "mq-2.southgate.example"},
		{Kind: "user", Text: "app-queue"}, {Kind: "name", Text: "Wilhelmina Oosterbaan"},
		{Kind: "ip", Text: "10.62.8.13"}, {Kind: "hostname", Text: "wiki-5.southgate.example"},
	}
)
