package anonymize_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// TestIndexAgreesWithKinds: fuzzy index (Collect) lists only what
// anonymization replaces, so fuzzy verify finds none of it in the output,
// and it still lists the data: Nova's cell0 database URL names the row's
// kept cell name ("nova_cell0"), a path of protocol words ("nova_api")
// stays, JSON copies a kept column. The CI failure this replays: verify
// found "nova_cell0" in the anonymized Nova dump.
func TestIndexAgreesWithKinds(t *testing.T) {
	dump := "CREATE TABLE `cell_mappings` (`id` int NOT NULL, `name` varchar(255), `transport_url` text, `database_connection` text, `spec` text, PRIMARY KEY (`id`));\n" +
		"INSERT INTO `cell_mappings` VALUES " +
		"(1,'cell0','none:///','mysql+pymysql://nova:Cell0-Db-Pass-592fb45c@db-01.acme-cloud.net/nova_cell0','{\"cell\": \"cell0\", \"db\": \"mysql+pymysql://nova:Cell0-Db-Pass-592fb45c@db-01.acme-cloud.net/nova_cell0\"}')," +
		"(2,'cell1','rabbit://nova:Rabbit-Pass-d0d500a9@rabbit-01.acme-cloud.net:5672,nova:Rabbit-Pass-11b6b5c9@rabbit-02.acme-cloud.net:5672/','mysql+pymysql://nova:Cell1-Db-Pass-f4b05bd0@db-01.acme-cloud.net/nova','{\"cell\": \"cell1\"}')," +
		"(3,'acmecell','rabbit://nova:Pw-77a1b2c3d4@mq.acme-cloud.net/acmecell_vhost','mysql+pymysql://api:Api-Db-Pass-0a1b2c3d@db-02.acme-cloud.net/nova_api?charset=utf8','{\"owner\": \"acmecell\"}');\n"
	rulesDoc := "tables:\n  cell_mappings:\n    name: keep\n    transport_url: url\n    database_connection: url\n    spec: json\n"
	out, _, err := run(t, []byte(dump), rulesDoc, key(t, "index-agrees"), 1)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := preparedSet(t, rulesDoc, dump)
	r, _ := sqldump.NewReader(strings.NewReader(dump))
	listed := map[string]string{}
	if err := anonymize.Collect(r, set, func(kind string, v []byte) { listed[string(v)] = kind }); err != nil {
		t.Fatal(err)
	}
	rows := out[bytes.Index(out, []byte("INSERT")):]
	for v, kind := range listed {
		if bytes.Contains(rows, []byte(v)) {
			t.Errorf("the index lists the %s %q, which the output keeps", kind, v)
		}
	}
	// The data is still listed: a kept part does not hide its neighbours.
	for _, v := range []string{"Cell0-Db-Pass-592fb45c", "db-01.acme-cloud.net", "Rabbit-Pass-11b6b5c9", "Api-Db-Pass-0a1b2c3d", "acmecell_vhost"} {
		if _, ok := listed[v]; !ok {
			t.Errorf("the index misses %q", v)
		}
	}
	// And what the index leaves out is what the output keeps.
	for _, v := range []string{"nova_cell0", "nova_api", "cell0"} {
		if _, ok := listed[v]; ok {
			t.Errorf("the index lists the kept %q", v)
		}
		if !bytes.Contains(rows, []byte(v)) {
			t.Errorf("the output lost the kept %q", v)
		}
	}
}

// preparedSet is the rules document Prepared for the dump's schema.
func preparedSet(t *testing.T, rulesDoc, dump string) (*rules.Set, *sqldump.Schema) {
	t.Helper()
	set, err := rules.Parse("rules.yaml", []byte(rulesDoc))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := anonymize.ReadSchema(strings.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		t.Fatal(err)
	}
	return set, schema
}
