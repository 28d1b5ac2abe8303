package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/clitest"
)

var fuzzyBin string

func TestMain(m *testing.M) { clitest.Main(m, map[*string]string{&fuzzyBin: "."}) }

type result struct {
	stdout, stderr string
	code           int
}

func fuzzy(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(fuzzyBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	o, e, code := clitest.Run(t, cmd)
	return result{o, e, code}
}

const testKey = "FUZZY_KEY=000102030405060708090a0b0c0d0e0f"

// The real mariadb-dump output kept in sqldump's testdata.
var dumpFile, _ = filepath.Abs("../../sqldump/testdata/dumps/defaults.sql")

const cliRules = `tables:
  parent:
    uuid: uuid
  child:
    note: text
  vals:
    s: string
    ip: ip_address
`

func setup(t *testing.T) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(cliRules), 0o644)
	return dir
}

func TestAnonymizeCLI(t *testing.T) {
	dir := setup(t)
	r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "rules.yaml", "-o", "out.sql", dumpFile)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out.sql"))
	orig, _ := os.ReadFile(dumpFile)
	if bytes.Contains(out, []byte("0b1f5a6e-0000-4000-8000-000000000001")) {
		t.Error("parent.uuid (and child.parent_uuid through the foreign key) not anonymized")
	}
	if !strings.Contains(r.stderr, "child.parent_uuid") || !strings.Contains(r.stderr, "via parent.uuid") {
		t.Errorf("summary does not show the propagated column:\n%s", r.stderr)
	}
	if len(out) < len(orig)/2 || !bytes.Contains(out, []byte("CREATE TABLE `vals`")) {
		t.Error("output lost content")
	}
	// Same key, same bytes; gzip output reads the same.
	r2 := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "rules.yaml", "-o", "out2.sql.gz", dumpFile)
	if r2.code != 0 {
		t.Fatal(r2.stderr)
	}
	f, _ := os.Open(filepath.Join(dir, "out2.sql.gz"))
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := io.ReadAll(zr)
	if !bytes.Equal(out, out2) {
		t.Error("same key gave different output")
	}
	// stdin in, stdout out.
	cmd := exec.Command(fuzzyBin, "anonymize", "--rules", "rules.yaml")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), testKey)
	cmd.Stdin = bytes.NewReader(orig)
	out3, err := cmd.Output()
	if err != nil || !bytes.Equal(out3, out) {
		t.Errorf("stdin/stdout run differs (err %v)", err)
	}
}

func TestAnonymizeFailsCleanly(t *testing.T) {
	dir := setup(t)
	target := filepath.Join(dir, "out.sql")
	os.WriteFile(target, []byte("previous result"), 0o644)
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(bad, []byte("CREATE TABLE `parent` (`id` int, `uuid` varchar(36));\nINSERT INTO `parent` VALUES (1,'0b1f5a6e-0000-4000-8000-000000000001'),(2,UUID());\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "parent.yaml"), []byte("tables:\n  parent:\n    uuid: uuid\n"), 0o644)
	r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "parent.yaml", "-o", "out.sql", bad)
	if r.code == 0 {
		t.Fatal("a dump with an expression in VALUES was accepted")
	}
	if !strings.Contains(r.stderr, "line 2, column 75") || !strings.Contains(r.stderr, "table parent") {
		t.Errorf("error does not locate the problem: %s", r.stderr)
	}
	// Never the cells around the problem (they are what fuzzy hides).
	if strings.Contains(r.stderr, "0b1f5a6e") || strings.Contains(r.stderr, "UUID") {
		t.Errorf("error shows the data: %s", r.stderr)
	}
	if b, _ := os.ReadFile(target); string(b) != "previous result" {
		t.Errorf("failed run touched the output: %q", b)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
	// Unknown kind and a rule for a missing column are errors too.
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("tables:\n  parent:\n    uuid: ssn\n"), 0o644)
	if r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "bad.yaml", dumpFile); r.code == 0 || !strings.Contains(r.stderr, `unknown kind "ssn"`) {
		t.Errorf("unknown kind: exit %d, %s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "bad2.yaml"), []byte("tables:\n  parent:\n    uuidd: uuid\n"), 0o644)
	if r := fuzzy(t, dir, []string{testKey}, "anonymize", "--rules", "bad2.yaml", dumpFile); r.code == 0 || !strings.Contains(r.stderr, "table parent has no column uuidd") {
		t.Errorf("missing column: exit %d, %s", r.code, r.stderr)
	}
}

func TestKeyHandling(t *testing.T) {
	dir := setup(t)
	r := fuzzy(t, dir, nil, "anonymize", "--rules", "rules.yaml", "-o", "out.sql", dumpFile)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	keys, _ := filepath.Glob(filepath.Join(dir, "fuzzy-*.key"))
	if len(keys) != 1 {
		t.Fatalf("generated key file not found: %v\n%s", keys, r.stderr)
	}
	st, _ := os.Stat(keys[0])
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	key, _ := os.ReadFile(keys[0])
	if strings.Contains(r.stderr, strings.TrimSpace(string(key))) {
		t.Error("the generated key was printed")
	}
	if !strings.Contains(r.stderr, filepath.Base(keys[0])) {
		t.Errorf("stderr does not say where the key is: %s", r.stderr)
	}
	// Re-running with the saved key reproduces the output.
	first, _ := os.ReadFile(filepath.Join(dir, "out.sql"))
	if r := fuzzy(t, dir, nil, "anonymize", "--rules", "rules.yaml", "--key-file", keys[0], "-o", "again.sql", dumpFile); r.code != 0 {
		t.Fatal(r.stderr)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "again.sql"))
	if !bytes.Equal(first, again) {
		t.Error("--key-file with the generated key does not reproduce the output")
	}
	if r := fuzzy(t, dir, []string{"FUZZY_KEY=0011223344"}, "anonymize", "--rules", "rules.yaml", dumpFile); r.code == 0 || !strings.Contains(r.stderr, "shorter than 128 bits") {
		t.Errorf("short key: exit %d %s", r.code, r.stderr)
	}
}

const auditDump = "CREATE TABLE `nodes` (`id` int NOT NULL, `fqdn` varchar(255), `mgmt` varchar(39), `contact` varchar(99), `bus` text, `state` varchar(9), `info` text, PRIMARY KEY (`id`));\n" +
	"INSERT INTO `nodes` VALUES (1,'compute-1.dc.example.com','10.0.0.1','ops@example.com','amqp://nova:pw@rabbit:5672/','up','{\\\"mac\\\": \\\"fa:16:3e:00:00:01\\\"}')," +
	"(2,'compute-2.dc.example.com','10.0.0.2','ops@example.com','amqp://nova:pw@rabbit:5672/','down','{}');\n"

func TestAuditStrict(t *testing.T) {
	dir := setup(t)
	os.WriteFile(filepath.Join(dir, "nodes.sql"), []byte(auditDump), 0o644)
	os.WriteFile(filepath.Join(dir, "some.yaml"), []byte("tables:\n  nodes:\n    fqdn: hostname\n"), 0o644)
	r := fuzzy(t, dir, nil, "audit", "--strict", "--rules", "some.yaml", "nodes.sql")
	if r.code != 1 {
		t.Fatalf("audit --strict exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"nodes.mgmt: 2 of 2 sampled values are IP addresses; suggested kind: ip_address", "nodes.contact:", "nodes.bus:", "url with credentials", "nodes.info:", "JSON holding mac", "coverage 20.0%"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("audit output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "nodes.state") || strings.Contains(r.stdout, "nodes.fqdn:") {
		t.Errorf("audit flagged a harmless or covered column:\n%s", r.stdout)
	}
	full := "tables:\n  nodes:\n    fqdn: hostname\n    mgmt: ip_address\n    contact: email\n    bus: url\n    info: json\n"
	os.WriteFile(filepath.Join(dir, "full.yaml"), []byte(full), 0o644)
	r = fuzzy(t, dir, nil, "audit", "--strict", "--rules", "full.yaml", "nodes.sql")
	if r.code != 0 || !strings.Contains(r.stdout, "coverage 100.0%") {
		t.Errorf("audit --strict with every column covered: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestIndexHasNoPlaintext(t *testing.T) {
	dir := setup(t)
	r := fuzzy(t, dir, nil, "index", "--rules", "rules.yaml", "-o", "values.idx", dumpFile)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	f, _ := os.Open(filepath.Join(dir, "values.idx"))
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	for _, v := range []string{"0b1f5a6e-0000-4000-8000-000000000001", "semi;colon", "::1"} {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("index contains %q", v)
		}
	}
}

func TestRulesPrintout(t *testing.T) {
	dir := setup(t)
	r := fuzzy(t, dir, nil, "rules", "--rules", "rules.yaml", "--dump", dumpFile)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if !strings.Contains(r.stdout, "parent_uuid: uuid  # propagated from parent.uuid") {
		t.Errorf("printout:\n%s", r.stdout)
	}
}

func TestModelsCLI(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "models.py"), []byte(`
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Host(Base):
    __tablename__ = 'hosts'
    __confidential__ = {'name': 'hostname'}
    id = Column(Integer, primary_key=True)
    name = Column('hostname', String(255))


class Port(Base):
    __tablename__ = 'ports'
    id = Column(Integer, primary_key=True)
    host_id = Column(Integer, ForeignKey(Host.id))
`), 0o644)
	r := fuzzy(t, dir, nil, "models", "--json", "models.py")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []struct {
		Table   string `json:"table"`
		Class   string `json:"class"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Columns []struct {
			Name       string `json:"name"`
			Attr       string `json:"attr"`
			Type       string `json:"type"`
			PrimaryKey bool   `json:"primary_key"`
			Kind       string `json:"kind"`
		} `json:"columns"`
		ForeignKeys []struct {
			Columns    []string `json:"columns"`
			RefTable   string   `json:"ref_table"`
			RefColumns []string `json:"ref_columns"`
		} `json:"foreign_keys"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(got) != 2 || got[0].Table != "hosts" || got[0].Class != "Host" || got[0].File != "models.py" || got[0].Line != 8 {
		t.Fatalf("models = %+v", got)
	}
	if c := got[0].Columns[1]; c.Name != "hostname" || c.Attr != "name" || c.Type != "String(255)" || c.Kind != "hostname" || c.PrimaryKey {
		t.Errorf("hosts.hostname = %+v", c)
	}
	if !got[0].Columns[0].PrimaryKey {
		t.Errorf("hosts.id is the primary key")
	}
	if fk := got[1].ForeignKeys; len(fk) != 1 || fk[0].Columns[0] != "host_id" || fk[0].RefTable != "hosts" || fk[0].RefColumns[0] != "id" {
		t.Errorf("ports foreign keys = %+v", fk)
	}
	text := fuzzy(t, dir, nil, "models", "models.py")
	for _, want := range []string{"hosts", "(class Host, models.py:8)", "hostname", "attribute name, kind hostname", "(host_id) -> hosts(id)"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, text.stdout)
		}
	}
	bad := fuzzy(t, dir, nil, "models", "missing.py")
	if bad.code == 0 || !strings.Contains(bad.stderr, "missing.py") {
		t.Errorf("missing file: exit %d, %s", bad.code, bad.stderr)
	}
}

// TestAuditStrictBlindSpots: audit --strict fails on a dump whose
// INSERTs have no columns it can name, and on system data and
// replication coordinates, saying which, never the values.
func TestAuditStrictBlindSpots(t *testing.T) {
	dir := setup(t)
	os.WriteFile(filepath.Join(dir, "empty.yaml"), []byte("tables: {}\n"), 0o644)
	for name, tc := range map[string]struct{ dump, want string }{
		"no create table": {"INSERT INTO `people` VALUES (1,'Maria Smith','+1 (555) 013-4567');\n", "table people: line 1: INSERT without a column list and no CREATE TABLE"},
		"system data":     {"CREATE USER `app`@`db1.example.com` IDENTIFIED BY PASSWORD '*0D3CED9BEC10A777AEC23CCC353A8C08A633045E';\n", "dump: system data from line 1"},
		"replication":     {"CHANGE MASTER TO MASTER_LOG_FILE='db1-bin.000042', MASTER_LOG_POS=1337;\n", "dump: replication coordinates from line 1"},
		"commented":       {"-- CHANGE MASTER TO MASTER_LOG_FILE='db1-bin.000042', MASTER_LOG_POS=1337;\nSET @a=1;\n", "dump: replication coordinates from line 1"},
	} {
		os.WriteFile(filepath.Join(dir, "d.sql"), []byte(tc.dump), 0o644)
		r := fuzzy(t, dir, nil, "audit", "--strict", "--rules", "empty.yaml", "d.sql")
		if r.code != 1 || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%s: exit %d, want 1 and %q:\n%s%s", name, r.code, tc.want, r.stdout, r.stderr)
		}
		for _, v := range []string{"Maria", "555", "db1", "0D3CED9B", "1337"} {
			if strings.Contains(r.stdout+r.stderr, v) {
				t.Errorf("%s: audit shows %q:\n%s%s", name, v, r.stdout, r.stderr)
			}
		}
	}
}

// TestPrivacyByDefaultCLI: anonymize and index --privacy-by-default agree
// (verify is clean on the output with the index), the decisions are
// printed, and keep opts a column out.
func TestPrivacyByDefaultCLI(t *testing.T) {
	dir := setup(t)
	os.WriteFile(filepath.Join(dir, "keep.yaml"), []byte("tables:\n  vals:\n    d: keep\n"), 0o644)
	r := fuzzy(t, dir, []string{testKey}, "anonymize", "--privacy-by-default", "--rules", "rules.yaml", "--rules", "keep.yaml", "-o", "out.sql", dumpFile)
	if r.code != 0 {
		t.Fatalf("anonymize: %s", r.stderr)
	}
	for _, want := range []string{"fuzzy: privacy by default:", "  child.id: kept: primary key", "  vals.en: kept: enum"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "vals.d:") {
		t.Errorf("keep did not opt vals.d out:\n%s", r.stderr)
	}
	if r := fuzzy(t, dir, nil, "index", "--privacy-by-default", "--rules", "rules.yaml", "--rules", "keep.yaml", "-o", "idx", dumpFile); r.code != 0 {
		t.Fatalf("index: %s", r.stderr)
	}
	if r := fuzzy(t, dir, nil, "verify", "--index", "idx", "out.sql"); r.code != 0 {
		t.Errorf("verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
