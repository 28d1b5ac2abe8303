package scale

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
)

// The attacker's target: a deployment whose size the test knows and the
// attacker must not learn from a scaled copy. Several related tables with
// integer and uuid keys, datetimes that keep order within a row and a
// family, free text, counters, low-cardinality states with a few rare
// values, families whose children per parent vary (with a few spikes),
// ids with gaps and an AUTO_INCREMENT past the largest id (rows were
// deleted), a MariaDB sequence feeding a table and a *_seq table.
const attackSchema = `
CREATE TABLE regions (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL, created_at datetime NOT NULL, UNIQUE KEY uniq_name (name)) ENGINE=InnoDB;
CREATE TABLE projects (id varchar(32) NOT NULL PRIMARY KEY, name varchar(64), created_at datetime, quota_cores int, enabled tinyint(1)) ENGINE=InnoDB;
CREATE TABLE hosts (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, hostname varchar(255) NOT NULL, region_id int NOT NULL,
  rack varchar(16), memory_mb int, created_at datetime, updated_at datetime, notes text, deleted int NOT NULL DEFAULT 0, deleted_at datetime,
  UNIQUE KEY uniq_hostname (hostname), CONSTRAINT fk_region FOREIGN KEY (region_id) REFERENCES regions (id)) ENGINE=InnoDB;
CREATE TABLE instances (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, uuid varchar(36) NOT NULL, host_id int NULL, project_id varchar(32),
  display_name varchar(64), hostname varchar(64), vm_state varchar(16), power_state int, vcpus int, memory_mb int, root_gb int,
  description text, created_at datetime(6), launched_at datetime, updated_at datetime, terminated_at datetime, deleted int NOT NULL DEFAULT 0,
  access_ip varchar(39), metadata mediumtext, node varchar(255), UNIQUE KEY uniq_uuid (uuid),
  CONSTRAINT fk_host FOREIGN KEY (host_id) REFERENCES hosts (id)) ENGINE=InnoDB;
CREATE TABLE volumes (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, instance_uuid varchar(36) NOT NULL, size_bytes bigint, status varchar(16), created_at datetime,
  CONSTRAINT fk_vol FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)) ENGINE=InnoDB;
CREATE TABLE instance_actions (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, instance_uuid varchar(36), action varchar(32), request_id varchar(64),
  start_time datetime, message varchar(255)) ENGINE=InnoDB;
CREATE TABLE action_events (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, action_id int NOT NULL, event varchar(64), start_time datetime, finish_time datetime,
  result varchar(16), traceback text, CONSTRAINT fk_action FOREIGN KEY (action_id) REFERENCES instance_actions (id)) ENGINE=InnoDB;
CREATE TABLE usage_samples (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, sampled_at datetime, bytes_in bigint, bytes_out bigint, cpu_seconds double, note varchar(40)) ENGINE=InnoDB;
CREATE TABLE settings (k varchar(32) NOT NULL PRIMARY KEY, v varchar(64)) ENGINE=InnoDB;
CREATE SEQUENCE ticket_seq START WITH 1 INCREMENT BY 1;
CREATE TABLE tickets (id bigint NOT NULL DEFAULT nextval(ticket_seq) PRIMARY KEY, project_id varchar(32), title varchar(80), opened_at datetime, status varchar(10)) ENGINE=InnoDB;
CREATE TABLE job_seq (next_val bigint) ENGINE=InnoDB;
CREATE TABLE jobs (id bigint NOT NULL PRIMARY KEY, kind varchar(16), created_at datetime, payload text) ENGINE=InnoDB;
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
`

// The rules the operator would give: marked columns and the references
// the database does not enforce.
const attackRules = `
tables:
  regions: {name: string}
  projects: {id: uuid, name: string}
  hosts: {hostname: hostname}
  instances: {uuid: uuid, project_id: uuid, display_name: string, hostname: hostname, access_ip: ip_address, metadata: "json:keys=owner", node: hostname}
  instance_actions: {request_id: ec2_id}
  tickets: {project_id: uuid}
relations:
  - instances.project_id -> projects.id
  - instance_actions.instance_uuid -> instances.uuid
  - tickets.project_id -> projects.id
`

var attackWords = strings.Fields(`alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike
november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu web db cache queue
worker api proxy build test prod staging backup mail ldap vpn monitor river stone cloud maple cedar amber
copper silver falcon otter lynx heron willow aspen harbor summit canyon meadow prairie glacier`)

// attackDeployment fills the schema; it returns the dump (by mariadb-dump)
// and the true row count of every table.
func attackDeployment(t *testing.T) ([]byte, map[string]int) {
	s := dbtest.Shared(t)
	db, name := dbtest.NewDB(t, s)
	dbtest.Client(t, s, name, attackSchema)
	rng := rand.New(rand.NewPCG(20140801, 14))
	var sqlText strings.Builder
	ins := func(table, cols string, rows []string) {
		for i := 0; i < len(rows); i += 400 {
			fmt.Fprintf(&sqlText, "INSERT INTO %s (%s) VALUES %s;\n", table, cols, strings.Join(rows[i:min(i+400, len(rows))], ","))
		}
	}
	word := func() string { return attackWords[rng.IntN(len(attackWords))] }
	sentence := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	uuid := func() string {
		h := hex(32)
		return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[rng.IntN(4)]) + h[17:20] + "-" + h[20:]
	}
	t0 := int64(1_500_000_000) // 2017-07-14: the deployment's first day
	span := int64(3 * 365 * 86400)
	ts := func(sec int64) string {
		return "FROM_UNIXTIME(" + fmt.Sprint(sec) + ")"
	}
	// Regions: a few, months apart.
	nRegions := 5 + rng.IntN(5)
	var rows []string
	for i := 1; i <= nRegions; i++ {
		rows = append(rows, fmt.Sprintf("('%s-%d', %s)", word(), i, ts(t0+int64(i-1)*span/int64(nRegions*3))))
	}
	ins("regions", "name, created_at", rows)
	// Projects: 32-hex ids, quotas and flags of low cardinality.
	nProjects := 40 + rng.IntN(40)
	projects := make([]string, nProjects)
	rows = rows[:0]
	for i := range projects {
		projects[i] = hex(32)
		rows = append(rows, fmt.Sprintf("('%s', '%s %s', %s, %d, %d)", projects[i], word(), word(), ts(t0+rng.Int64N(span)), []int{20, 50, 100, 200}[rng.IntN(4)], map[bool]int{true: 1, false: 0}[rng.IntN(10) > 0]))
	}
	ins("projects", "id, name, created_at, quota_cores, enabled", rows)
	// Hosts: created over time; a few soft-deleted (deleted = id).
	nHosts := 120 + rng.IntN(80)
	rows = rows[:0]
	hostCreated := make([]int64, nHosts+1)
	hostNames := make([]string, nHosts+1)
	for i := 1; i <= nHosts; i++ {
		c := t0 + int64(i)*span/int64(nHosts+10) + rng.Int64N(3600)
		hostCreated[i] = c
		deleted, deletedAt := "0", "NULL"
		if rng.IntN(15) == 0 {
			deleted, deletedAt = fmt.Sprint(i), ts(c+86400*(30+rng.Int64N(300)))
		}
		hostNames[i] = fmt.Sprintf("compute-%03d.%s.example.org", i, word())
		rows = append(rows, fmt.Sprintf("('%s', %d, 'r%d', %d, %s, %s, '%s', %s, %s)", hostNames[i], 1+rng.IntN(nRegions), rng.IntN(12),
			[]int{131072, 262144, 524288}[rng.IntN(3)], ts(c), ts(c+rng.Int64N(86400*90)), sentence(3+rng.IntN(8)), deleted, deletedAt))
	}
	ins("hosts", "hostname, region_id, rack, memory_mb, created_at, updated_at, notes, deleted, deleted_at", rows)
	// Instances: skewed over hosts, states with rare values, a few soft
	// deleted, created in order.
	type inst struct {
		uuid    string
		created int64
	}
	var instances []inst
	rows = rows[:0]
	states := []string{"active", "active", "active", "active", "stopped", "stopped", "error", "shelved"}
	nInst := 0
	for h := 1; h <= nHosts; h++ {
		n := int(math.Exp(rng.NormFloat64()*0.8) * 10)
		for k := 0; k < n; k++ {
			nInst++
			id := nInst
			c := hostCreated[h] + int64(k)*86400*3 + rng.Int64N(86400)
			u := uuid()
			instances = append(instances, inst{u, c})
			state := states[rng.IntN(len(states))]
			switch rng.IntN(400) {
			case 0:
				state = "rescued"
			case 1:
				state = "migrating"
			}
			deleted, term := "0", "NULL"
			if rng.IntN(10) == 0 {
				deleted, term, state = fmt.Sprint(id), ts(c+86400*(1+rng.Int64N(200))), "deleted"
			}
			// node names the host as Nova's instances.host does: by
			// its name, declared nowhere
			host, node := fmt.Sprint(h), "'"+hostNames[h]+"'"
			if rng.IntN(50) == 0 {
				host, node = "NULL", "NULL"
			}
			meta := fmt.Sprintf(`{"role": "%s", "owner": "%s", "tags": ["%s", "%s"], "port": %d, "build": "%s"}`, word(), uuid(), word(), word(), 8000+rng.IntN(50), hex(12))
			rows = append(rows, fmt.Sprintf("('%s', %s, '%s', '%s-%d', 'vm-%d-%s', '%s', %d, %d, %d, %d, '%s', FROM_UNIXTIME(%d.%06d), %s, %s, %s, %s, '10.%d.%d.%d', '%s', %s)",
				u, host, projects[rng.IntN(nProjects)], word(), rng.IntN(1000), id, word(), state, rng.IntN(5), []int{1, 2, 4, 8}[rng.IntN(4)],
				[]int{512, 2048, 4096, 8192, 16384}[rng.IntN(5)], 1+rng.IntN(900), sentence(4+rng.IntN(12)), c, rng.IntN(1000000), ts(c+5+rng.Int64N(600)),
				ts(c+rng.Int64N(86400*60)), term, deleted, rng.IntN(256), rng.IntN(256), 1+rng.IntN(254), meta, node))
		}
	}
	ins("instances", "uuid, host_id, project_id, display_name, hostname, vm_state, power_state, vcpus, memory_mb, root_gb, description, created_at, launched_at, updated_at, terminated_at, deleted, access_ip, metadata, node", rows)
	// Volumes: 0-4 per instance, and a few instances with dozens (spikes).
	rows = rows[:0]
	nVol := 0
	for i, in := range instances {
		n := rng.IntN(5)
		if i%97 == 13 {
			n = 25 + rng.IntN(40)
		}
		for v := 0; v < n; v++ {
			nVol++
			rows = append(rows, fmt.Sprintf("('%s', %d, '%s', %s)", in.uuid, int64(1+rng.IntN(2000))<<30+rng.Int64N(1<<30), []string{"in-use", "in-use", "available", "error"}[rng.IntN(4)], ts(in.created+rng.Int64N(3600))))
		}
	}
	ins("volumes", "instance_uuid, size_bytes, status, created_at", rows)
	// Actions and their events: a family two levels deep.
	rows = rows[:0]
	var evRows []string
	nAct, nEv := 0, 0
	for _, in := range instances {
		n := 1 + rng.IntN(5)
		for a := 0; a < n; a++ {
			nAct++
			start := in.created + int64(a)*86400*7 + rng.Int64N(86400)
			rows = append(rows, fmt.Sprintf("('%s', '%s', 'req-%s', %s, '%s')", in.uuid, []string{"create", "reboot", "stop", "start", "resize", "migrate"}[min(a, 5)], uuid(), ts(start), sentence(1+rng.IntN(6))))
			for e := 0; e < 1+rng.IntN(3); e++ {
				nEv++
				tb := "NULL"
				if rng.IntN(30) == 0 {
					tb = "'Traceback: " + sentence(10+rng.IntN(10)) + "'"
				}
				evRows = append(evRows, fmt.Sprintf("(%d, 'compute_%s_%s', %s, %s, '%s', %s)", nAct, word(), word(), ts(start+int64(e)*20), ts(start+int64(e)*20+1+rng.Int64N(300)), []string{"Success", "Success", "Success", "Error"}[rng.IntN(4)], tb))
			}
		}
	}
	ins("instance_actions", "instance_uuid, action, request_id, start_time, message", rows)
	ins("action_events", "action_id, event, start_time, finish_time, result, traceback", evRows)
	// Independent tables: counters, settings, tickets from a sequence,
	// jobs numbered by a *_seq table.
	rows = rows[:0]
	nUsage := 800 + rng.IntN(400)
	var in, out int64
	for i := 0; i < nUsage; i++ {
		in += rng.Int64N(1 << 30)
		out += rng.Int64N(1 << 28)
		rows = append(rows, fmt.Sprintf("(%s, %d, %d, %.3f, '%s')", ts(t0+int64(i)*span/int64(nUsage)), in, out, rng.Float64()*1e6, []string{"ok", "ok", "ok", "late", "partial"}[rng.IntN(5)]))
	}
	ins("usage_samples", "sampled_at, bytes_in, bytes_out, cpu_seconds, note", rows)
	rows = rows[:0]
	nSettings := 10 + rng.IntN(5)
	for i := 0; i < nSettings; i++ {
		rows = append(rows, fmt.Sprintf("('%s_%d', '%s')", word(), i, word()))
	}
	ins("settings", "k, v", rows)
	rows = rows[:0]
	nTickets := 150 + rng.IntN(100)
	for i := 0; i < nTickets; i++ {
		rows = append(rows, fmt.Sprintf("('%s', '%s', %s, '%s')", projects[rng.IntN(nProjects)], sentence(2+rng.IntN(6)), ts(t0+rng.Int64N(span)), []string{"open", "closed", "closed", "closed"}[rng.IntN(4)]))
	}
	ins("tickets", "project_id, title, opened_at, status", rows)
	rows = rows[:0]
	nJobs := 60 + rng.IntN(40)
	for i := 1; i <= nJobs; i++ {
		rows = append(rows, fmt.Sprintf("(%d, '%s', %s, '%s')", i, []string{"backup", "scrub", "report"}[rng.IntN(3)], ts(t0+int64(i)*span/int64(nJobs)), sentence(2+rng.IntN(5))))
	}
	ins("jobs", "id, kind, created_at, payload", rows)
	fmt.Fprintf(&sqlText, "INSERT INTO job_seq VALUES (%d);\nINSERT INTO alembic_version VALUES ('8f2f1571d55b');\n", nJobs+1)
	dbtest.Client(t, s, name, sqlText.String())
	// Rows deleted since: gaps in the ids and an AUTO_INCREMENT past the
	// largest one, as a real deployment has.
	for _, q := range []string{
		"DELETE FROM action_events WHERE id % 11 = 3",
		"DELETE FROM usage_samples WHERE id % 13 = 5 OR id > 760",
		"DELETE FROM volumes WHERE id % 17 = 2",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	truth := map[string]int{}
	for _, tb := range []string{"regions", "projects", "hosts", "instances", "volumes", "instance_actions", "action_events", "usage_samples", "settings", "tickets", "jobs"} {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		truth[tb] = n
	}
	// --skip-add-locks: MariaDB will not load a table whose DEFAULT
	// draws from a SEQUENCE under LOCK TABLES (the dump of a default
	// mariadb-dump does not load back).
	return dbtest.Dump(t, s, "--skip-add-locks", name), truth
}
