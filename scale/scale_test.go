package scale

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/dbserver/dbtest"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// A schema with the references duckface must keep: integer foreign keys,
// a foreign key to a non-primary unique column (Nova's instance_uuid ->
// instances.uuid), a self-reference, a composite unique key, a reference
// declared only in the rules (no FOREIGN KEY), and a shadow twin.
const schema = `
CREATE TABLE hosts (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(64) NOT NULL, rack varchar(16), UNIQUE KEY (name)) ENGINE=InnoDB;
CREATE TABLE instances (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, uuid varchar(36) NOT NULL, host_id int NULL,
  display varchar(64), parent_id int NULL, UNIQUE KEY uniq_uuid (uuid),
  CONSTRAINT fk_host FOREIGN KEY (host_id) REFERENCES hosts (id),
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES instances (id)) ENGINE=InnoDB;
CREATE TABLE volumes (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, instance_uuid varchar(36) NOT NULL, size int,
  CONSTRAINT fk_vol FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)) ENGINE=InnoDB;
CREATE TABLE faults (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, instance_uuid varchar(36), code int, msg varchar(40),
  UNIQUE KEY uniq_code (instance_uuid, code)) ENGINE=InnoDB;
CREATE TABLE settings (k varchar(32) NOT NULL PRIMARY KEY, v varchar(64)) ENGINE=InnoDB;
CREATE TABLE shadow_instances (id int NOT NULL PRIMARY KEY, uuid varchar(36) NOT NULL, host_id int, display varchar(64), parent_id int, UNIQUE KEY (uuid)) ENGINE=InnoDB;
CREATE TABLE shadow_volumes (id bigint NOT NULL PRIMARY KEY, instance_uuid varchar(36) NOT NULL, size int) ENGINE=InnoDB;
`

// faults.instance_uuid references instances.uuid only by declaration.
const rulesDoc = `
relations:
  - faults.instance_uuid -> instances.uuid
  - volumes.instance_uuid -> instances.uuid
`

func fill(t *testing.T, db *sql.DB) {
	rng := rand.New(rand.NewPCG(42, 7))
	lastOnHost := map[int]int{}
	exec := func(q string) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.80s: %v", q, err)
		}
	}
	var b strings.Builder
	b.WriteString("INSERT INTO hosts (name, rack) VALUES ")
	for i := 1; i <= 200; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "('compute-%03d.example.org', 'r%d')", i, i%9)
	}
	exec(b.String())
	b.Reset()
	// 2000 instances; every tenth has a parent; volumes 0..3 each;
	// faults for every fifth.
	for i := 1; i <= 2000; i++ {
		if (i-1)%500 == 0 {
			if b.Len() > 0 {
				exec(b.String())
				b.Reset()
			}
			b.WriteString("INSERT INTO instances (id, uuid, host_id, display, parent_id) VALUES ")
		} else {
			b.WriteByte(',')
		}
		// A tenth are children of an earlier instance on the same host
		// (families stay whole: a self-reference across families would
		// pull other families in when sampling down).
		h := 1 + rng.IntN(200)
		host := fmt.Sprint(h)
		parent := "NULL"
		if prev := lastOnHost[h]; prev > 0 && rng.IntN(10) == 0 {
			parent = fmt.Sprint(prev)
		}
		if rng.IntN(37) == 0 {
			host, parent = "NULL", "NULL"
		} else {
			lastOnHost[h] = i
		}
		fmt.Fprintf(&b, "(%d, '%08x-0000-4000-8000-%012x', %s, 'vm %d', %s)", i, i, i*31, host, i, parent)
	}
	exec(b.String())
	b.Reset()
	b.WriteString("INSERT INTO volumes (instance_uuid, size) VALUES ")
	first := true
	nvol := make([]int, 2001)
	for i := range nvol {
		nvol[i] = rng.IntN(4)
	}
	for i := 1; i <= 2000; i++ {
		for v := 0; v < nvol[i]; v++ {
			if !first {
				b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(&b, "('%08x-0000-4000-8000-%012x', %d)", i, i*31, v+1)
		}
	}
	exec(b.String())
	b.Reset()
	b.WriteString("INSERT INTO faults (instance_uuid, code, msg) VALUES ")
	first = true
	for i := 1; i <= 2000; i++ {
		if rng.IntN(5) != 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "('%08x-0000-4000-8000-%012x', 500, 'boom'),('%08x-0000-4000-8000-%012x', 404, 'gone')", i, i*31, i, i*31)
	}
	exec(b.String())
	exec("INSERT INTO settings VALUES ('a', '1'), ('b', '2'), ('c', '3'), ('d', '4'), ('e', '5'), ('f', '6'), ('g', '7'), ('h', '8'), ('i', '9'), ('j', '10')")
	exec("INSERT INTO shadow_instances SELECT id + 100000, CONCAT('5', SUBSTRING(uuid, 2)), host_id, display, NULL FROM instances WHERE id <= 300")
	exec("INSERT INTO shadow_volumes SELECT id + 100000, CONCAT('5', SUBSTRING(instance_uuid, 2)), size FROM volumes WHERE id <= 200")
}

func testKey(t *testing.T) *anonymize.Key {
	k, err := anonymize.NewKey([]byte("duckface-test-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func scaleDump(t *testing.T, dump []byte, o Options) []byte {
	t.Helper()
	out, _ := scalePlan(t, dump, o)
	return out
}

// scalePlan scales a dump and returns the plan too (its drawn factors).
func scalePlan(t *testing.T, dump []byte, o Options) ([]byte, *Plan) {
	t.Helper()
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	plan, err := NewPlan(r, o)
	if err != nil {
		t.Fatal(err)
	}
	r, _ = sqldump.NewReader(bytes.NewReader(dump))
	var out bytes.Buffer
	w := sqldump.NewWriter(&out)
	if err := plan.Write(r, w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return out.Bytes(), plan
}

func analyzeDump(t *testing.T, dump []byte, set *rules.Set) *Analysis {
	t.Helper()
	r, _ := sqldump.NewReader(bytes.NewReader(dump))
	a, err := Analyze(r, set)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestScaleOnRealServer(t *testing.T) {
	s := dbtest.Shared(t)
	db, name := dbtest.NewDB(t, s)
	dbtest.Client(t, s, name, schema)
	fill(t, db)
	dump := dbtest.Dump(t, s, name)
	set, err := rules.Parse("rules.yaml", []byte(rulesDoc))
	if err != nil {
		t.Fatal(err)
	}
	orig := analyzeDump(t, dump, set)
	for _, factor := range []float64{0.1, 0.5, 1, 2.5, 10} {
		t.Run(fmt.Sprint(factor), func(t *testing.T) {
			out, plan := scalePlan(t, dump, Options{Factor: factor, Key: testKey(t), Rules: set})
			if factor == 1 && !bytes.Equal(out, dump) {
				t.Error("factor 1 changed the dump")
			}
			// Loads with every unique key checked (duplicates fail the
			// load); foreign keys are checked by query below, as
			// mariadb-dump turns their checks off while loading.
			db2, name2 := dbtest.NewDB(t, s)
			dbtest.Client(t, s, name2, string(out))
			for _, q := range []string{
				"SELECT COUNT(*) FROM instances i LEFT JOIN hosts h ON h.id = i.host_id WHERE i.host_id IS NOT NULL AND h.id IS NULL",
				"SELECT COUNT(*) FROM instances i LEFT JOIN instances p ON p.id = i.parent_id WHERE i.parent_id IS NOT NULL AND p.id IS NULL",
				"SELECT COUNT(*) FROM volumes v LEFT JOIN instances i ON i.uuid = v.instance_uuid WHERE i.id IS NULL",
				"SELECT COUNT(*) FROM faults f LEFT JOIN instances i ON i.uuid = f.instance_uuid WHERE i.id IS NULL", // declared only
				"SELECT COUNT(*) FROM shadow_volumes v LEFT JOIN shadow_instances i ON i.uuid = v.instance_uuid WHERE i.id IS NULL",
			} {
				var n int
				if err := db2.QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%d orphans: %s", n, q)
				}
			}
			// With foreign key checks on, a copy of the data loads too.
			if _, err := db2.Exec("SET foreign_key_checks = 1; CREATE TABLE vcheck LIKE volumes; ALTER TABLE vcheck ADD CONSTRAINT fk_check FOREIGN KEY (instance_uuid) REFERENCES instances (uuid); INSERT INTO vcheck SELECT * FROM volumes"); err != nil {
				t.Errorf("foreign key checks reject the scaled data: %v", err)
			}
			// Ids are the output's own: dense, and AUTO_INCREMENT right
			// past them (neither tells the original's size).
			for _, tb := range []string{"hosts", "instances", "volumes", "faults"} {
				var ai, maxID, n int64
				db2.QueryRow("SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", name2, tb).Scan(&ai)
				db2.QueryRow("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM "+tb).Scan(&maxID, &n)
				if factor != 1 && (maxID != n || ai != n+1) {
					t.Errorf("%s: %d rows, max id %d, AUTO_INCREMENT %d: want dense ids and AUTO_INCREMENT = rows + 1", tb, n, maxID, ai)
				}
				if ai <= maxID {
					t.Errorf("%s: AUTO_INCREMENT %d not past max id %d", tb, ai, maxID)
				}
			}

			cmp := Compare(orig, analyzeDump(t, out, set), factor)
			if p := cmp.Problems(); len(p) > 0 {
				t.Errorf("problems: %v", p)
			}
			// Each table's count against the factor it drew (within the
			// default jitter: the plan knows it, the output does not).
			drawn := map[string]Count{}
			for _, c := range plan.Counts(true) {
				drawn[c.Table] = c
			}
			hostsOut := 0
			for _, tc := range cmp.Tables {
				d := drawn[tc.Table]
				if tc.Table == "hosts" {
					hostsOut = tc.Actual
				}
				// Root tables get their drawn factor (a few rows off, so
				// that counts are no multiples of it); children follow
				// their sampled or resized families.
				tol := 0.02
				if tc.Table != "hosts" && tc.Table != "settings" {
					tol = 0.10
					if factor <= 0.1 {
						tol = 0.25 // a few host families: grandchildren vary
					}
				}
				dev := (float64(tc.Actual) - d.Target) / d.Target
				if factor == 1 && tc.Actual != tc.Original {
					t.Errorf("%s: %d rows at factor 1", tc.Table, tc.Actual)
				} else if math.Abs(dev) > tol && math.Abs(float64(tc.Actual)-d.Target) > 2 {
					t.Errorf("%s: %d rows, drawn target %.1f (factor %.3f, %+.1f%%)", tc.Table, tc.Actual, d.Target, d.Factor, 100*dev)
				}
			}
			for _, rc := range cmp.Relations {
				// KS over fewer than 50 families (a factor 0.1 drawn
				// down to 0.08: 16 hosts) is noise past 0.05
				floor := 0.95
				if hostsOut < 50 {
					floor = 0.90
				}
				if rc.Similarity < floor {
					t.Errorf("%s: fan-out similarity %.3f < %.2f", rc.Relation, rc.Similarity, floor)
				}
			}
		})
	}
	t.Run("deterministic and jittered", func(t *testing.T) {
		a := scaleDump(t, dump, Options{Factor: 2.5, Key: testKey(t), Rules: set})
		b := scaleDump(t, dump, Options{Factor: 2.5, Key: testKey(t), Rules: set})
		if !bytes.Equal(a, b) {
			t.Error("same key and input gave different output")
		}
		if c := scaleDump(t, dump, Options{Factor: 2.5, Key: testKey(t), Rules: set, Workers: 1}); !bytes.Equal(a, c) {
			t.Error("one worker wrote another output than several")
		}
		j := analyzeDump(t, scaleDump(t, dump, Options{Factor: 2, Jitter: 20, Key: testKey(t), Rules: set}), set)
		exact := 0
		for i, tb := range j.Tables {
			if tb.Rows == 2*orig.Tables[i].Rows {
				exact++
			}
		}
		if exact == len(j.Tables) {
			t.Error("with jitter every table still has exactly factor x its rows")
		}
	})
}

func TestBadInput(t *testing.T) {
	k := testKey(t)
	base := "CREATE TABLE `a` (`id` int NOT NULL, `b_id` int, PRIMARY KEY (`id`), CONSTRAINT `x` FOREIGN KEY (`b_id`) REFERENCES `b` (`id`));\n"
	for _, tc := range []struct {
		name, dump string
		o          Options
		want       string
	}{
		{"factor zero", base, Options{Factor: 0, Key: k}, "factor must be > 0"},
		{"missing table", base + "INSERT INTO `a` VALUES (1,1);\n", Options{Factor: 2, Key: k}, "references table b (FOREIGN KEY x), which the dump does not have"},
		{"cycle", base + "CREATE TABLE `b` (`id` int NOT NULL, `a_id` int, PRIMARY KEY (`id`), CONSTRAINT `y` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`));\nINSERT INTO `a` VALUES (1,1);\nINSERT INTO `b` VALUES (1,1);\n", Options{Factor: 2, Key: k}, "cycle"},
		{"child override", base + "CREATE TABLE `b` (`id` int NOT NULL, PRIMARY KEY (`id`));\nINSERT INTO `b` VALUES (1);\nINSERT INTO `a` VALUES (1,1);\n", Options{Factor: 2, Key: k, Tables: map[string]float64{"a": 3}}, "follows its parents"},
		{"no schema", "INSERT INTO `z` VALUES (1);\n", Options{Factor: 2, Key: k}, "no CREATE TABLE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := sqldump.NewReader(strings.NewReader(tc.dump))
			_, err := NewPlan(r, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSimilarity(t *testing.T) {
	if s := Similarity([]int{0, 1, 1, 2}, []int{0, 0, 1, 1, 1, 1, 2, 2}); s < 0.99 {
		t.Errorf("same distribution: %v", s)
	}
	if s := Similarity([]int{0, 0, 0, 0}, []int{5, 5, 5, 5}); s != 0 {
		t.Errorf("disjoint: %v", s)
	}
}

// TestErrorsNameNoValue: an error says where (line, table, column, row
// number), never a value of the dump.
func TestErrorsNameNoValue(t *testing.T) {
	k := testKey(t)
	var rows []string
	for i := range 12 {
		rows = append(rows, fmt.Sprintf("('%c')", 'a'+i))
	}
	for _, tc := range []struct {
		name, dump string
		o          Options
		want       []string
	}{
		// twelve one-letter keys cannot take 12 x 10 distinct one-byte values
		{"unique key runs out", "CREATE TABLE `codes` (`c` varchar(1) NOT NULL, PRIMARY KEY (`c`));\nINSERT INTO `codes` VALUES " + strings.Join(rows, ",") + ";\n",
			Options{Factor: 10, Key: k}, []string{"table codes", "column c", "row "}},
		{"short row", "CREATE TABLE `t` (`id` int NOT NULL, `s` varchar(20), PRIMARY KEY (`id`));\nINSERT INTO `t` VALUES (1,'Sekr3t-1'),(2);\n",
			Options{Factor: 2, Key: k}, nil},
		{"no schema", "INSERT INTO `z` VALUES (1,'Sekr3t-2');\n", Options{Factor: 2, Key: k}, []string{"line 1", "z"}},
		{"columns in another order", "CREATE TABLE `t` (`id` int NOT NULL, `s` varchar(20), PRIMARY KEY (`id`));\nINSERT INTO `t` (`s`, `id`) VALUES ('Sekr3t-3',1);\n",
			Options{Factor: 2, Key: k}, []string{"line 2", "table t"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := sqldump.NewReader(strings.NewReader(tc.dump))
			p, err := NewPlan(r, tc.o)
			if err == nil {
				r, _ = sqldump.NewReader(strings.NewReader(tc.dump))
				err = p.Write(r, sqldump.NewWriter(io.Discard))
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
			if strings.Contains(msg, "Sekr3t") {
				t.Errorf("the error shows a value: %s", msg)
			}
			for _, row := range rows {
				if v := row[1:4]; strings.Contains(msg, v) { // 'a' with its quotes
					t.Errorf("the error shows the value %s: %s", v, msg)
				}
			}
		})
	}
}

// TestDecisionsFollowTheKey: every decision comes from the key (an
// attacker who replays duckface on a dump of a guessed size, without the
// key, gets other counts and other ids), and the same key gives the same
// output.
func TestDecisionsFollowTheKey(t *testing.T) {
	a, _ := newPRF(testKey(t))
	other, err := anonymize.NewKey([]byte("another-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newPRF(other)
	if a.k0 == b.k0 || a.k1 == b.k1 {
		t.Fatal("two keys give the same decision key")
	}
	var sb strings.Builder
	sb.WriteString("CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, `s` varchar(20), PRIMARY KEY (`id`)) ENGINE=InnoDB;\n")
	for tb := range 6 {
		fmt.Fprintf(&sb, "CREATE TABLE `r%d` (`id` int NOT NULL, `v` varchar(20), PRIMARY KEY (`id`));\nINSERT INTO `r%d` VALUES ", tb, tb)
		for i := range 40 + 13*tb {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d,'value %d')", i+1, i)
		}
		sb.WriteString(";\n")
	}
	dump := []byte(sb.String())
	counts := func(k *anonymize.Key) []Count {
		r, _ := sqldump.NewReader(bytes.NewReader(dump))
		p, err := NewPlan(r, Options{Factor: 10, Key: k})
		if err != nil {
			t.Fatal(err)
		}
		return p.Counts(false)
	}
	ca, cb := counts(testKey(t)), counts(other)
	same := 0
	for i := range ca {
		if ca[i].Planned == cb[i].Planned {
			same++
		}
	}
	if same == len(ca) {
		t.Errorf("two keys planned the same counts: %v", ca)
	}
	if !bytes.Equal(scaleDump(t, dump, Options{Factor: 10, Key: testKey(t)}), scaleDump(t, dump, Options{Factor: 10, Key: testKey(t)})) {
		t.Error("one key, two outputs")
	}
	if bytes.Equal(scaleDump(t, dump, Options{Factor: 10, Key: testKey(t)}), scaleDump(t, dump, Options{Factor: 10, Key: other})) {
		t.Error("two keys, one output")
	}
}
