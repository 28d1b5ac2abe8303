package anonymize_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func key(t testing.TB, s string) *anonymize.Key {
	k, err := anonymize.NewKey([]byte(s + "................"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// run anonymizes dump with the rules document and key.
func run(t testing.TB, dump []byte, rulesDoc string, k *anonymize.Key, workers int) ([]byte, *anonymize.Stats, error) {
	t.Helper()
	return runWith(t, dump, rulesDoc, anonymize.Options{Key: k, Workers: workers})
}

// runWith is run with more options (opts' Rules and Schema are filled in).
func runWith(t testing.TB, dump []byte, rulesDoc string, opts anonymize.Options) ([]byte, *anonymize.Stats, error) {
	t.Helper()
	set, err := rules.Parse("rules.yaml", []byte(rulesDoc))
	if err != nil {
		return nil, nil, err
	}
	return runSet(t, dump, set, opts)
}

// runSet anonymizes dump with a rules set, reading its schema first; it
// runs the dump in one pass too and fails the test unless that gives
// the same bytes, or says why it cannot.
func runSet(t testing.TB, dump []byte, set *rules.Set, opts anonymize.Options) ([]byte, *anonymize.Stats, error) {
	t.Helper()
	base := set.Clone()
	out, stats, err := runTwoPass(t, dump, set, opts)
	one, _, oneErr := runOnePass(dump, base, opts)
	var sp *anonymize.SecondPassError
	switch {
	case errors.As(oneErr, &sp):
	case (err == nil) != (oneErr == nil):
		t.Fatalf("two passes: %v; one pass: %v", err, oneErr)
	case err == nil && !bytes.Equal(out, one):
		t.Fatalf("one pass wrote other bytes than two passes (%d and %d bytes)", len(one), len(out))
	}
	return out, stats, err
}

// runOnePass anonymizes dump in one pass (Options.Schema nil).
func runOnePass(dump []byte, set *rules.Set, opts anonymize.Options) ([]byte, *anonymize.Stats, error) {
	opts.Rules, opts.Schema = set, nil
	eng, err := anonymize.New(opts)
	if err != nil {
		return nil, nil, err
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	stats, err := eng.Run(r, w)
	if err != nil {
		return nil, nil, err
	}
	w.Close()
	return out.Bytes(), stats, nil
}

func runTwoPass(t testing.TB, dump []byte, set *rules.Set, opts anonymize.Options) ([]byte, *anonymize.Stats, error) {
	t.Helper()
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		return nil, nil, err
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		return nil, nil, err
	}
	opts.Rules, opts.Schema = set, schema
	eng, err := anonymize.New(opts)
	if err != nil {
		return nil, nil, err
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	stats, err := eng.Run(r, w)
	if err != nil {
		return nil, nil, err
	}
	w.Close()
	return out.Bytes(), stats, nil
}

const leakSchema = `
CREATE TABLE instances (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uuid varchar(36) NOT NULL,
  hostname varchar(255),
  display_name varchar(255),
  access_ip_v4 varchar(39),
  user_id varchar(255),
  memory_mb int,
  vm_state varchar(255),
  UNIQUE KEY uniq_instances0uuid (uuid)
) ENGINE=InnoDB;
CREATE TABLE compute_nodes (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hypervisor_hostname varchar(255),
  host_ip varchar(39),
  vcpus int,
  UNIQUE KEY uniq_hh (hypervisor_hostname)
) ENGINE=InnoDB;
CREATE TABLE instance_info_caches (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  network_info mediumtext,
  instance_uuid varchar(36) NOT NULL,
  UNIQUE KEY (instance_uuid),
  CONSTRAINT fk_iic FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
) ENGINE=InnoDB;
CREATE TABLE block_device_mapping (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  instance_uuid varchar(36),
  connection_info mediumtext,
  volume_size int
) ENGINE=InnoDB;
CREATE TABLE a_events (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  bdm_instance varchar(36),
  note varchar(40)
) ENGINE=InnoDB;
`

const leakRules = `
tables:
  instances:
    uuid: uuid
    hostname: hostname
    display_name: string
    access_ip_v4: ip_address
    user_id: uuid
  compute_nodes:
    hypervisor_hostname: hostname
    host_ip: ip_address
  instance_info_caches:
    network_info: json
  block_device_mapping:
    connection_info: json
relations:
  - block_device_mapping.instance_uuid -> instances.uuid
  - a_events.bdm_instance -> block_device_mapping.instance_uuid
`

type originals struct {
	values []string // every marked original, to search the output for
}

func fillLeakDB(t *testing.T, db *sql.DB, n int) *originals {
	o := &originals{}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i := 1; i <= n; i++ {
		uuid := fmt.Sprintf("c0ffee00-%04x-4abc-8def-%012x", i, i*7919)
		host := fmt.Sprintf("vm-%04d.tenant%d.example.net", i, i%7)
		name := fmt.Sprintf("Project Zeus server %d", i)
		ip := fmt.Sprintf("192.168.%d.%d", i/250, 1+i%250)
		user := fmt.Sprintf("%032x", i*104729)
		exec("INSERT INTO instances (uuid, hostname, display_name, access_ip_v4, user_id, memory_mb, vm_state) VALUES (?,?,?,?,?,?,?)",
			uuid, host, name, ip, user, 512*i, "active")
		mac := fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", i>>16&255, i>>8&255, i&255)
		fixed := fmt.Sprintf("10.77.%d.%d", i/250, 1+i%250)
		ni := fmt.Sprintf(`[{"id": "%s", "address": "%s", "network": {"subnets": [{"ips": [{"address": "%s", "type": "fixed"}]}]}, "devname": "tap-x"}]`, uuid, mac, fixed)
		exec("INSERT INTO instance_info_caches (network_info, instance_uuid) VALUES (?,?)", ni, uuid)
		portal := fmt.Sprintf("172.20.%d.%d", i/250, 1+i%250)
		pw := fmt.Sprintf("chap-secret-%05d", i)
		ci := fmt.Sprintf(`{"driver_volume_type": "iscsi", "data": {"target_portal": "%s:3260", "auth_password": "%s"}}`, portal, pw)
		exec("INSERT INTO block_device_mapping (instance_uuid, connection_info, volume_size) VALUES (?,?,?)", uuid, ci, i)
		exec("INSERT INTO a_events (bdm_instance, note) VALUES (?, 'event')", uuid)
		o.values = append(o.values, uuid, host, name, ip, user, mac, fixed, portal, pw)
	}
	for i := 1; i <= n/4+1; i++ {
		hh := fmt.Sprintf("hv-%03d.dc1.example.net", i)
		hip := fmt.Sprintf("203.0.113.%d", i%250+1)
		exec("INSERT INTO compute_nodes (hypervisor_hostname, host_ip, vcpus) VALUES (?,?,?)", hh, hip, 8*i)
		o.values = append(o.values, hh, hip)
	}
	return o
}

func TestLeakAndIntegrity(t *testing.T) {
	s := dbtest.Shared(t)
	db, name := dbtest.NewDB(t, s)
	dbtest.Client(t, s, name, leakSchema)
	orig := fillLeakDB(t, db, 300)

	for _, opts := range [][]string{nil, {"--skip-extended-insert", "--complete-insert"}, {"--hex-blob", "--insert-ignore"}} {
		t.Run(strings.Join(opts, " "), func(t *testing.T) {
			dump := dbtest.Dump(t, s, append(opts, name)...)
			out, stats, err := run(t, dump, leakRules, key(t, "leak"), 2)
			if err != nil {
				t.Fatal(err)
			}
			// Not one original marked value appears anywhere in the output.
			for _, v := range orig.values {
				if containsToken(out, []byte(v)) {
					t.Fatalf("original value %q leaked into the output", v)
				}
			}
			// Propagation reached the chain a_events -> bdm -> instances.
			var sawChain bool
			for _, c := range stats.Columns {
				if c.Table == "a_events" && c.Column == "bdm_instance" && c.Values == 300 {
					sawChain = true
				}
			}
			if !sawChain {
				t.Errorf("a_events.bdm_instance was not anonymized through the relation chain: %+v", stats.Columns)
			}
			// Load it back and compare.
			db2, name2 := dbtest.NewDB(t, s)
			dbtest.Client(t, s, name2, string(out))
			for _, q := range []struct{ table, cols, order string }{
				{"instances", "id, memory_mb, vm_state", "id"},
				{"compute_nodes", "id, vcpus", "id"},
				{"block_device_mapping", "id, volume_size", "id"},
				{"a_events", "id, note", "id"},
			} {
				sum := `SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', ` + q.cols + `) ORDER BY ` + q.order + `)) FROM ` + q.table
				var a, b string
				db.QueryRow(sum).Scan(&a)
				db2.QueryRow(sum).Scan(&b)
				if a != b || a == "" {
					t.Errorf("%s: unmarked columns changed (%s vs %s)", q.table, a, b)
				}
			}
			// Joins through anonymized keys keep their row counts, and no
			// row lost its parent.
			for _, q := range []string{
				"SELECT COUNT(*) FROM instances i JOIN instance_info_caches c ON c.instance_uuid = i.uuid",
				"SELECT COUNT(*) FROM instances i JOIN block_device_mapping b ON b.instance_uuid = i.uuid",
				"SELECT COUNT(*) FROM block_device_mapping b JOIN a_events e ON e.bdm_instance = b.instance_uuid",
				"SELECT COUNT(*) FROM instance_info_caches c LEFT JOIN instances i ON i.uuid = c.instance_uuid WHERE i.id IS NULL",
			} {
				var a, b int
				db.QueryRow(q).Scan(&a)
				db2.QueryRow(q).Scan(&b)
				if a != b {
					t.Errorf("%s: %d rows before, %d after", q, a, b)
				}
			}
			// The uuid inside network_info matches the anonymized column.
			var mismatched int
			if err := db2.QueryRow("SELECT COUNT(*) FROM instance_info_caches WHERE JSON_VALUE(network_info, '$[0].id') <> instance_uuid").Scan(&mismatched); err != nil {
				t.Fatal(err)
			}
			if mismatched != 0 {
				t.Errorf("%d network_info ids no longer match their instance_uuid", mismatched)
			}
			// Unique keys hold (the load would have failed otherwise) and
			// lengths fit.
			var over int
			db2.QueryRow("SELECT COUNT(*) FROM instances WHERE CHAR_LENGTH(hostname) > 255 OR CHAR_LENGTH(access_ip_v4) > 39").Scan(&over)
			if over != 0 {
				t.Errorf("%d values exceed their column", over)
			}
		})
	}
}

func TestDeterministicAndKeySeparated(t *testing.T) {
	dump := []byte(strings.Join([]string{
		"CREATE TABLE `t` (`id` int NOT NULL, `host` varchar(64), `ip` varchar(39), PRIMARY KEY (`id`), UNIQUE KEY `h` (`host`));",
		"INSERT INTO `t` VALUES (1,'alpha.example.com','10.0.0.1'),(2,'beta.example.com','10.0.0.2'),(3,NULL,'');",
		"INSERT INTO `t` VALUES (4,'gamma.example.com','10.0.0.3');", ""}, "\n"))
	doc := "tables:\n  t:\n    host: hostname\n    ip: ip_address\n"
	a, _, err := run(t, dump, doc, key(t, "one"), 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := run(t, dump, doc, key(t, "one"), 4)
	c, _, _ := run(t, dump, doc, key(t, "two"), 2)
	if !bytes.Equal(a, b) {
		t.Errorf("same key, different output:\n%s\n%s", a, b)
	}
	if bytes.Equal(a, c) {
		t.Error("different keys gave the same output")
	}
	if !bytes.Contains(a, []byte("(3,NULL,'')")) {
		t.Errorf("NULL and empty were not kept: %s", a)
	}
}

// An INSERT without column names into a table with rules is refused by
// the engine itself (the rules may come from models that know the table).
func TestNoColumnNamesRefused(t *testing.T) {
	dump := []byte("INSERT INTO `x` VALUES (1,'a');\n")
	set, err := rules.Parse("rules.yaml", []byte("tables:\n  x:\n    a: string\n"))
	if err != nil {
		t.Fatal(err)
	}
	set.Tables["x"] = []string{"id", "a"} // as models would say
	schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Prepare(set, schema); err != nil {
		t.Fatal(err)
	}
	eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key(t, "x"), Schema: schema, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	var out bytes.Buffer
	if _, err := eng.Run(r, sqldump.NewWriter(&out)); err == nil || !strings.Contains(err.Error(), "cannot tell which values") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadInput(t *testing.T) {
	base := "CREATE TABLE `t` (`id` int NOT NULL, `name` varchar(10), `u` varchar(8));\n"
	for _, tc := range []struct{ name, dump, rules, want string }{
		{"unknown column", base + "INSERT INTO `t` VALUES (1,'a','b');\n", "tables:\n  t:\n    nme: string\n", "table t has no column nme"},
		{"malformed dump", base + "INSERT INTO `t` VALUES (1,'a',NOW());\n", "tables:\n  t:\n    name: string\n", "line 2, column 31"},
		{"uuid too long for column", base + "INSERT INTO `t` VALUES (1,'a','0b1f5a6e-1234-4abc-8def-00000000002a');\n", "tables:\n  t:\n    u: uuid\n", "does not fit"},
		{"no column names", "INSERT INTO `x` VALUES (1,'a');\n", "tables:\n  x:\n    a: string\n", "rules.yaml:2:3: table x is not in the dump"},
		{"fixed without value", base, "tables:\n  t:\n    name: fixed\n", "needs a value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := run(t, []byte(tc.dump), tc.rules, key(t, "bad"), 2)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestUniqueMillion: a million distinct values in a unique column stay
// distinct after anonymization with a non-bijective kind.
func TestUniqueMillion(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	var b bytes.Buffer
	b.WriteString("CREATE TABLE `u` (`id` int NOT NULL, `name` varchar(12) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `n` (`name`));\n")
	for i := 0; i < n; i++ {
		if i%5000 == 0 {
			if i > 0 {
				b.WriteString(";\n")
			}
			b.WriteString("INSERT INTO `u` VALUES ")
		} else {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d,'user%07d')", i, i)
	}
	b.WriteString(";\n")
	out, stats, err := run(t, b.Bytes(), "tables:\n  u:\n    name: string\n", key(t, "million"), 2)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := sqldump.NewReader(bytes.NewReader(out))
	seen := make(map[string]struct{}, n)
	for {
		st, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if in := st.Insert(); in != nil {
			for row := 0; row < in.Rows(); row++ {
				v := in.Value(row, 1).String()
				if _, dup := seen[v]; dup {
					t.Fatalf("duplicate anonymized value %q", v)
				}
				if len(v) > 12 || len(v) < 8 {
					t.Fatalf("value %q does not fit varchar(12) or lost its number", v)
				}
				seen[v] = struct{}{}
			}
		}
	}
	if len(seen) != n {
		t.Fatalf("%d values, want %d", len(seen), n)
	}
	t.Logf("%d values, %d re-derived to avoid collisions", n, stats.Columns[0].Rederived)
}

// containsToken finds v in b where it is not part of a longer value
// ("192.168.0.10" inside "192.168.0.103" is another address).
func containsToken(b, v []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], v)
		if i < 0 {
			return false
		}
		i += off
		before, after := byte(' '), byte(' ')
		if i > 0 {
			before = b[i-1]
		}
		if j := i + len(v); j < len(b) {
			after = b[j]
		}
		if !isValueByte(before) && !isValueByte(after) {
			return true
		}
		off = i + 1
	}
}

func isValueByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == ':' || c == '_'
}
