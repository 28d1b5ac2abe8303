package scale

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/rules"
)

// TestAttackDeploymentLoads: the scaled dumps the attacker tests read are
// valid: they load into MariaDB with every unique key checked, no
// reference dangles, the counters follow the output (new rows get ids
// past every row: AUTO_INCREMENT, the SEQUENCE, the *_seq table), and
// datetimes keep their order within rows and families.
func TestAttackDeploymentLoads(t *testing.T) {
	dump, _ := attackDeployment(t)
	set, err := rules.Parse("rules.yaml", []byte(attackRules))
	if err != nil {
		t.Fatal(err)
	}
	s := dbtest.Shared(t)
	for _, o := range []Options{{Factor: 3}, {Factor: 0.5}, {Factor: 2, Jitter: 10}, {Targets: map[string]int{"instances": 9000}}} {
		t.Run(fmt.Sprint(o.Factor, o.Targets), func(t *testing.T) {
			o.Key, o.Rules = testKey(t), set
			out := scaleDump(t, dump, o)
			db, name := dbtest.NewDB(t, s)
			dbtest.Client(t, s, name, string(out))
			count := func(q string) int {
				t.Helper()
				var n int
				if err := db.QueryRow(q).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			for _, q := range []string{
				// references
				"SELECT COUNT(*) FROM hosts h LEFT JOIN regions r ON r.id = h.region_id WHERE r.id IS NULL",
				"SELECT COUNT(*) FROM instances i LEFT JOIN hosts h ON h.id = i.host_id WHERE i.host_id IS NOT NULL AND h.id IS NULL",
				"SELECT COUNT(*) FROM instances i LEFT JOIN projects p ON p.id = i.project_id WHERE p.id IS NULL",
				"SELECT COUNT(*) FROM volumes v LEFT JOIN instances i ON i.uuid = v.instance_uuid WHERE i.id IS NULL",
				"SELECT COUNT(*) FROM instance_actions a LEFT JOIN instances i ON i.uuid = a.instance_uuid WHERE i.id IS NULL",
				"SELECT COUNT(*) FROM action_events e LEFT JOIN instance_actions a ON a.id = e.action_id WHERE a.id IS NULL",
				"SELECT COUNT(*) FROM tickets k LEFT JOIN projects p ON p.id = k.project_id WHERE p.id IS NULL",
				// declared nowhere: instances name hosts by name
				"SELECT COUNT(*) FROM instances i LEFT JOIN hosts h ON h.hostname = i.node WHERE i.node IS NOT NULL AND h.id IS NULL",
				// order within a row and within a family
				"SELECT COUNT(*) FROM instances WHERE launched_at < created_at - INTERVAL 1 SECOND OR terminated_at < created_at",
				"SELECT COUNT(*) FROM action_events WHERE finish_time < start_time",
				"SELECT COUNT(*) FROM hosts WHERE updated_at < created_at OR deleted_at < created_at",
				"SELECT COUNT(*) FROM instance_actions a JOIN instances i ON i.uuid = a.instance_uuid WHERE a.start_time < i.created_at - INTERVAL 1 SECOND",
				// soft deletes follow the new ids
				"SELECT COUNT(*) FROM instances WHERE deleted <> 0 AND deleted <> id",
				"SELECT COUNT(*) FROM hosts WHERE deleted <> 0 AND deleted <> id",
			} {
				if n := count(q); n != 0 {
					t.Errorf("%d rows: %s", n, q)
				}
			}
			// With foreign key checks on, copies of the children load
			// (mariadb-dump turns the checks off for its own load).
			for _, q := range []string{
				"SET foreign_key_checks = 1; CREATE TABLE vcheck LIKE volumes; ALTER TABLE vcheck ADD CONSTRAINT fk_vcheck FOREIGN KEY (instance_uuid) REFERENCES instances (uuid); INSERT INTO vcheck SELECT * FROM volumes",
				"SET foreign_key_checks = 1; CREATE TABLE echeck LIKE action_events; ALTER TABLE echeck ADD CONSTRAINT fk_echeck FOREIGN KEY (action_id) REFERENCES instance_actions (id); INSERT INTO echeck SELECT * FROM action_events",
				"SET foreign_key_checks = 1; CREATE TABLE hcheck LIKE hosts; ALTER TABLE hcheck ADD CONSTRAINT fk_hcheck FOREIGN KEY (region_id) REFERENCES regions (id); INSERT INTO hcheck SELECT * FROM hosts",
			} {
				if _, err := db.Exec(q); err != nil {
					t.Errorf("foreign key checks reject the scaled data: %v", err)
				}
			}
			// New rows after the load: AUTO_INCREMENT, the sequence and
			// the *_seq table hand out ids nobody has.
			for _, q := range []string{
				"INSERT INTO instances (uuid, project_id) SELECT 'ffffffff-0000-4000-8000-000000000001', id FROM projects LIMIT 1",
				// (the dumped DEFAULT names the original database's
				// sequence: ask this one)
				"INSERT INTO tickets (id, project_id, title) SELECT NEXTVAL(ticket_seq), id, 'new' FROM projects LIMIT 1",
				"INSERT INTO jobs (id, kind) SELECT next_val, 'new' FROM job_seq",
			} {
				if _, err := db.Exec(q); err != nil {
					t.Errorf("%s: %v", strings.Fields(q)[2], err)
				}
			}
			if n := count("SELECT COUNT(*) FROM alembic_version"); n != 1 {
				t.Errorf("alembic_version has %d rows", n)
			}
		})
	}
}

// TestGrownFamiliesLoad: families that grow past their size under a
// unique key holding the reference (members (host, pool_id, deleted),
// as Nova's aggregate_hosts) load into MariaDB with the key checked and
// foreign key checks on, up and down, under several keys; and some do
// grow (else the test would prove nothing).
func TestGrownFamiliesLoad(t *testing.T) {
	dump := familyDonor([]int{8})
	s := dbtest.Shared(t)
	grew := 0
	for i, k := range attackKeys(t, 4) {
		for _, o := range []Options{{Factor: 3}, {Factor: 0.4}} {
			o.Key = k
			out := scaleDump(t, dump, o)
			db, name := dbtest.NewDB(t, s)
			dbtest.Client(t, s, name, string(out))
			var largest int
			if err := db.QueryRow("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) n FROM members GROUP BY pool_id) x").Scan(&largest); err != nil {
				t.Fatal(err)
			}
			if largest > 8 {
				grew++
			}
			for _, q := range []string{
				"SET foreign_key_checks = 1; CREATE TABLE mcheck LIKE members; INSERT INTO mcheck SELECT * FROM members",
				"SET foreign_key_checks = 1; CREATE TABLE tcheck LIKE tags; INSERT INTO tcheck SELECT * FROM tags",
			} {
				if _, err := db.Exec(q); err != nil {
					t.Errorf("key %d, factor %v: the scaled families do not load with their keys checked: %v", i, o.Factor, err)
				}
			}
		}
	}
	if grew == 0 {
		t.Error("no family grew past its original 8 members under any key: the test checks nothing")
	}
	t.Logf("%d of 8 outputs have a family of more than 8 members", grew)
}
