package scale

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/rules"
)

// A Nova-like donor: hosts whose stats JSON counts instances (numbers as
// strings, a project id in a key), servers of a few users and projects
// with key names, and quotas per project.
func idsDonor(seed uint64) ([]byte, int) {
	rng := rand.New(rand.NewPCG(seed, 77))
	hex := func() string { return fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()) }
	users, projects, keys := make([]string, 10), make([]string, 5), make([]string, 23)
	for i := range users {
		users[i] = hex()
	}
	for i := range projects {
		projects[i] = hex()
	}
	for i := range keys {
		keys[i] = fmt.Sprintf("%s-key%d", attackWords[rng.IntN(len(attackWords))], i)
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE `hosts` (`id` int NOT NULL AUTO_INCREMENT, `host` varchar(64) NOT NULL, `stats` text, PRIMARY KEY (`id`), UNIQUE KEY `u` (`host`)) ENGINE=InnoDB;\n")
	b.WriteString("CREATE TABLE `servers` (`id` int NOT NULL AUTO_INCREMENT, `uuid` varchar(36) NOT NULL, `user_id` varchar(255), `project_id` varchar(255), `key_name` varchar(255), PRIMARY KEY (`id`), UNIQUE KEY `u` (`uuid`)) ENGINE=InnoDB;\n")
	b.WriteString("CREATE TABLE `actions` (`id` int NOT NULL AUTO_INCREMENT, `server_uuid` varchar(36) NOT NULL, `user_id` varchar(255), PRIMARY KEY (`id`), CONSTRAINT `f` FOREIGN KEY (`server_uuid`) REFERENCES `servers` (`uuid`)) ENGINE=InnoDB;\n")
	b.WriteString("CREATE TABLE `quotas` (`id` int NOT NULL AUTO_INCREMENT, `project_id` varchar(255), `resource` varchar(32), PRIMARY KEY (`id`), UNIQUE KEY `u` (`project_id`, `resource`)) ENGINE=InnoDB;\n")
	b.WriteString("INSERT INTO `hosts` VALUES ")
	for i := 0; i < 8; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "(%d,'cmp%d.example.org','{\\\"num_instances\\\": \\\"%d\\\", \\\"num_proj_%s\\\": \\\"%d\\\", \\\"io_workload\\\": \\\"0\\\"}')", i+1, i, rng.IntN(40), projects[rng.IntN(5)], rng.IntN(9))
	}
	b.WriteString(";\nINSERT INTO `servers` VALUES ")
	var acts []string
	const n = 200
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		u := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1))
		user := users[rng.IntN(len(users))]
		fmt.Fprintf(&b, "(%d,'%s','%s','%s','%s')", i+1, u, user, projects[rng.IntN(len(projects))], keys[rng.IntN(len(keys))])
		for range rng.IntN(3) {
			acts = append(acts, fmt.Sprintf("(%d,'%s','%s')", len(acts)+1, u, user))
		}
	}
	b.WriteString(";\nINSERT INTO `actions` VALUES " + strings.Join(acts, ",") + ";\nINSERT INTO `quotas` VALUES ")
	for i, p := range projects {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "(%d,'%s','cores')", i+1, p)
	}
	b.WriteString(";\n")
	return []byte(b.String()), n
}

func idsSet(t *testing.T) *rules.Set {
	t.Helper()
	set, err := rules.Parse("rules.yaml", []byte(`
tables:
  hosts: {host: hostname, stats: json}
  servers: {uuid: uuid, user_id: uuid, project_id: uuid, key_name: key_name}
  actions: {user_id: uuid}
  quotas: {project_id: uuid}
`))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestAttackerJSONOfCopies: a copy's JSON must not repeat its template's
// (Nova's compute_nodes.stats: {"num_instances": "3", "num_proj_<id>":
// "2"}): repeated, the output held only the original's documents, as
// many distinct ones as the original has hosts, and the counts in them
// summed to the original's instances (red team duckatk4). Judged over
// all keys and factors: the share of output documents equal to an
// original one, and the distinct documents against the output's rows.
func TestAttackerJSONOfCopies(t *testing.T) {
	donor, _ := idsDonor(5)
	set := idsSet(t)
	orig := map[string]bool{}
	for _, r := range parseDump(t, donor).tables["hosts"].rows {
		orig[r[2]] = true
	}
	rows, verbatim, distinct := 0, 0, 0
	for _, f := range []float64{2, 6, 0.5} {
		for ki, k := range attackKeys(t, 3) {
			tb := parseDump(t, scaleDump(t, donor, Options{Factor: f, Key: k, Rules: set})).tables["hosts"]
			seen := map[string]bool{}
			for _, r := range tb.rows {
				seen[r[2]] = true
				if orig[r[2]] {
					verbatim++
				}
			}
			t.Logf("x%v key %d: %d rows, %d distinct stats", f, ki, len(tb.rows), len(seen))
			rows += len(tb.rows)
			distinct += len(seen)
		}
	}
	t.Logf("all: %d rows, %d distinct, %d equal to an original document", rows, distinct, verbatim)
	if verbatim*20 > rows || distinct*10 < rows*9 {
		t.Errorf("copies repeat the original's JSON: %d of %d documents are an original's, %d distinct", verbatim, rows, distinct)
	}
}

// TestAttackerCountsIDs: ids of entities the dump has no table for
// (Keystone users, key names) must follow the output's size: copies that
// drew them from the original's set held as many distinct users as the
// original in every output, however large (red team duckatk4: 10 users
// at x0.2, x2 and 6M). The attacker reads the distinct ids of each
// column; judged over all keys and factors, the distinct ids per output
// row must stay near the original's (rows per user realistic), which
// cannot hold when the count of ids is the original's. Project ids,
// which the quotas key holds, follow the quotas rows (a soft reference):
// every server's project has its quotas row.
func TestAttackerCountsIDs(t *testing.T) {
	donor, n := idsDonor(9)
	set := idsSet(t)
	od := parseDump(t, donor).tables["servers"]
	origDistinct := map[int]int{}
	for _, c := range []int{2, 3, 4} {
		origDistinct[c] = len(counts(column(od, c)))
	}
	names := map[int]string{2: "user_id", 3: "project_id", 4: "key_name"}
	off := 0
	trials := 0
	for _, f := range []float64{3, 8, 0.3} {
		for ki, k := range attackKeys(t, 3) {
			d := parseDump(t, scaleDump(t, donor, Options{Factor: f, Key: k, Rules: set}))
			tb := d.tables["servers"]
			rows := len(tb.rows)
			for _, c := range []int{2, 3, 4} {
				got := len(counts(column(tb, c)))
				// the attacker's estimate of the original rows, if the
				// distinct ids were the original's: rows × orig / got
				ratio := float64(got) / float64(rows) / (float64(origDistinct[c]) / float64(n))
				t.Logf("x%v key %d: %s %d distinct of %d rows (original %d of %d): ids per row %.2f× the original's", f, ki, names[c], got, rows, origDistinct[c], n, ratio)
				if c == 3 {
					continue // follows the quotas table, whose own factor it shows
				}
				trials++
				if ratio < 0.5 || ratio > 2 {
					off++
				}
			}
			quotas := counts(column(d.tables["quotas"], 1))
			for _, p := range column(tb, 3) {
				if quotas[p] == 0 {
					t.Fatalf("x%v key %d: a server's project %s has no quotas row", f, ki, p)
				}
			}
		}
	}
	if off*10 > trials {
		t.Errorf("the count of distinct ids does not follow the output: %d of %d columns and draws hold ids per row off by more than 2× from the original's", off, trials)
	}
}

func column(tb *dumpTable, c int) []string {
	out := make([]string, 0, len(tb.rows))
	for _, r := range tb.rows {
		out = append(out, r[c])
	}
	return out
}
