package scale

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/rules"
)

// Nova's layout over two databases: the API database maps every
// instance of the cell database (instance_mappings.instance_uuid ->
// instances.uuid, declared in the rules only), and instances name their
// compute node by its host name (declared nowhere).
const cellSchema = `
CREATE TABLE compute_nodes (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, host varchar(64) NOT NULL, UNIQUE KEY (host)) ENGINE=InnoDB;
CREATE TABLE instances (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, uuid varchar(36) NOT NULL, host varchar(64), vm_state varchar(16), UNIQUE KEY (uuid)) ENGINE=InnoDB;
`

const apiSchema = `
CREATE TABLE cell_mappings (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, uuid varchar(36) NOT NULL, name varchar(32), UNIQUE KEY (uuid)) ENGINE=InnoDB;
CREATE TABLE instance_mappings (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, instance_uuid varchar(36) NOT NULL, cell_id int,
  UNIQUE KEY (instance_uuid), CONSTRAINT fk_cell FOREIGN KEY (cell_id) REFERENCES cell_mappings (id)) ENGINE=InnoDB;
`

// TestAcrossDatabases: a relation of a rules file whose tables are in two
// databases of one dump holds at every factor (no mapping without its
// instance, none twice, an FK-checked copy accepts them), and a column
// that names rows of a renamed key follows it.
func TestAcrossDatabases(t *testing.T) {
	s := dbtest.Shared(t)
	cellDB, cell := dbtest.NewDB(t, s)
	_, api := dbtest.NewDB(t, s)
	dbtest.Client(t, s, cell, cellSchema)
	dbtest.Client(t, s, api, apiSchema)
	rng := rand.New(rand.NewPCG(5, 14))
	var b strings.Builder
	b.WriteString("INSERT INTO compute_nodes (host) VALUES ")
	for h := range 6 {
		if h > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "('node-%02d.example.org')", h)
	}
	b.WriteString(";\nINSERT INTO instances (uuid, host, vm_state) VALUES ")
	var uuids []string
	for i := range 300 {
		u := fmt.Sprintf("%08x-1111-4222-8333-%012x", rng.Uint32(), i)
		uuids = append(uuids, u)
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "('%s', 'node-%02d.example.org', '%s')", u, rng.IntN(6), []string{"active", "stopped", "error"}[rng.IntN(3)])
	}
	b.WriteString(";\n")
	dbtest.Client(t, s, cell, b.String())
	b.Reset()
	b.WriteString("INSERT INTO cell_mappings (uuid, name) VALUES ('00000000-0000-0000-0000-000000000000', 'cell0'), ('6d1c0f5e-8b7a-4c7e-9d55-3f0e4b2a1c90', 'cell1');\nINSERT INTO instance_mappings (instance_uuid, cell_id) VALUES ")
	for i, u := range uuids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "('%s', 2)", u)
	}
	b.WriteString(";\n")
	dbtest.Client(t, s, api, b.String())
	dump := dbtest.Dump(t, s, "--databases", cell, api)
	set, err := rules.Parse("rules.yaml", []byte("relations:\n  - instance_mappings.instance_uuid -> instances.uuid\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{{Factor: 3}, {Factor: 0.5}, {Factor: 2, Jitter: 10}, {Targets: map[string]int{"compute_nodes": 20}}} {
		t.Run(fmt.Sprint(o.Factor, o.Targets), func(t *testing.T) {
			o.Key, o.Rules = testKey(t), set
			out := string(scaleDump(t, dump, o))
			// load under other names, beside the originals
			c2, a2 := cell+"_s", api+"_s"
			out = strings.NewReplacer("`"+cell+"`", "`"+c2+"`", "`"+api+"`", "`"+a2+"`").Replace(out)
			dbtest.Client(t, s, cell, out)
			count := func(q string) int {
				t.Helper()
				var n int
				if err := cellDB.QueryRow(q).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			for _, q := range []string{
				"SELECT COUNT(*) FROM " + a2 + ".instance_mappings m LEFT JOIN " + c2 + ".instances i ON i.uuid = m.instance_uuid WHERE i.id IS NULL",
				"SELECT COUNT(*) FROM " + c2 + ".instances i LEFT JOIN " + a2 + ".instance_mappings m ON m.instance_uuid = i.uuid WHERE m.id IS NULL",
				"SELECT COUNT(*) FROM " + c2 + ".instances i LEFT JOIN " + c2 + ".compute_nodes n ON n.host = i.host WHERE n.id IS NULL",
				"SELECT COUNT(*) FROM " + a2 + ".instance_mappings m LEFT JOIN " + a2 + ".cell_mappings c ON c.id = m.cell_id WHERE c.id IS NULL",
			} {
				if n := count(q); n != 0 {
					t.Errorf("%d rows: %s", n, q)
				}
			}
			if _, err := cellDB.Exec("SET foreign_key_checks = 1; CREATE TABLE " + a2 + ".mcheck LIKE " + a2 + ".instance_mappings; ALTER TABLE " + a2 + ".mcheck ADD CONSTRAINT fk_check FOREIGN KEY (instance_uuid) REFERENCES " + c2 + ".instances (uuid); INSERT INTO " + a2 + ".mcheck SELECT * FROM " + a2 + ".instance_mappings"); err != nil {
				t.Errorf("foreign key checks reject the scaled mappings: %v", err)
			}
			// Up, instances name the copies' hosts, not the six originals
			// (whose names no row of the output holds).
			if o.Factor != 0.5 {
				if n := count("SELECT COUNT(DISTINCT host) FROM " + c2 + ".instances"); n <= 6 {
					t.Errorf("instances name %d hosts: the original's count", n)
				}
			}
			for _, u := range uuids {
				if strings.Contains(out, u) && o.Factor != 0.5 {
					t.Fatalf("an input uuid is in the output (a copy kept its original's key)")
				}
			}
			cellDB.Exec("DROP DATABASE " + c2)
			cellDB.Exec("DROP DATABASE " + a2)
		})
	}
}
