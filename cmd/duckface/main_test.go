package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/internal/clitest"
)

var bin string

func TestMain(m *testing.M) { clitest.Main(m, map[*string]string{&bin: "."}) }

func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FUZZY_KEY=000102030405060708090a0b0c0d0e0f")
	return clitest.Run(t, cmd)
}

const dump = "CREATE TABLE `p` (`id` int NOT NULL AUTO_INCREMENT, `u` varchar(36) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `u` (`u`)) ENGINE=InnoDB AUTO_INCREMENT=4;\n" +
	"INSERT INTO `p` VALUES (1,'0b1f5a6e-0000-4000-8000-000000000001'),(2,'0b1f5a6e-0000-4000-8000-000000000002'),(3,'0b1f5a6e-0000-4000-8000-000000000003');\n" +
	"CREATE TABLE `c` (`id` int NOT NULL, `p_id` int, PRIMARY KEY (`id`), CONSTRAINT `f` FOREIGN KEY (`p_id`) REFERENCES `p` (`id`)) ENGINE=InnoDB;\n" +
	"INSERT INTO `c` VALUES (1,1),(2,1),(3,2),(4,NULL);\n"

func TestScaleStatsCompare(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.sql"), []byte(dump), 0o644)
	_, e, code := run(t, dir, "scale", "--factor", "3", "-o", "out.sql.gz", "in.sql")
	if code != 0 || !strings.Contains(e, "p ") {
		t.Fatalf("scale: %d %s", code, e)
	}
	// stderr is no terminal here: the summary has no original counts
	// (nor factors, which give them away with the written counts).
	if strings.Contains(e, "original") || strings.Contains(e, "factor") {
		t.Errorf("the summary shows the original size outside a terminal:\n%s", e)
	}
	o, e, code := run(t, dir, "compare", "--factor", "3", "in.sql", "out.sql.gz")
	if code != 0 || !strings.Contains(o, "c.p_id -> p.id") || !strings.Contains(o, "similarity") {
		t.Fatalf("compare: %d\n%s%s", code, o, e)
	}
	// --json leaves the originals out unless --original asks for them.
	// Three rows x3, the factor drawn within ×/÷3 and a few rows off (so
	// that the count is no multiple of the factor by rule): 1 to 29.
	_, e, _ = run(t, dir, "scale", "--factor", "3", "--json", "-o", "out.sql.gz", "in.sql")
	var counts []struct {
		Table   string `json:"table"`
		Written int    `json:"written"`
	}
	if err := json.Unmarshal([]byte(e), &counts); err != nil || len(counts) != 2 || counts[0].Table != "p" || counts[0].Written < 1 || counts[0].Written > 29 || strings.Contains(e, "original") {
		t.Errorf("--json: %v %s", err, e)
	}
	// --jitter 0: the factor as given, with a warning that the size leaks.
	_, e, code = run(t, dir, "scale", "--factor", "3", "--jitter", "0", "--json", "-o", "exact.sql", "in.sql")
	if code != 0 || !strings.Contains(e, `"table":"p","written":9`) || !strings.Contains(e, "warning: --jitter 0") || !strings.Contains(e, "size") {
		t.Errorf("--jitter 0: exit %d %s", code, e)
	}
	// --size: about that many bytes of rows, whatever the input's.
	_, e, code = run(t, dir, "scale", "--size", "4k", "--json", "-o", "sized.sql", "in.sql")
	if st, err := os.Stat(filepath.Join(dir, "sized.sql")); code != 0 || err != nil || st.Size() < 2<<10 || st.Size() > 8<<10 {
		t.Errorf("--size 4k: exit %d %v %s", code, err, e)
	}
	for _, bad := range []string{"0", "-3M", "12Q", "k"} {
		if _, e, code := run(t, dir, "scale", "--size", bad, "-o", "bad.sql", "in.sql"); code == 0 || !strings.Contains(e, "--size") {
			t.Errorf("--size %s: exit %d %s", bad, code, e)
		}
	}
	if _, e, code := run(t, dir, "scale", "--size", "1M", "--factor", "2", "-o", "bad.sql", "in.sql"); code == 0 || !strings.Contains(e, "--size") {
		t.Errorf("--size with --factor: exit %d %s", code, e)
	}
	_, e, _ = run(t, dir, "scale", "--factor", "3", "--json", "--original", "-o", "j.sql", "in.sql")
	if !strings.Contains(e, `"original":3`) {
		t.Errorf("--json --original: %s", e)
	}
	// --rows alone sets the factor.
	_, e, code = run(t, dir, "scale", "--rows", "p=6", "--json", "-o", "r.sql", "in.sql")
	if code != 0 || !strings.Contains(e, `"table":"p","written":6`) {
		t.Errorf("--rows without --factor: exit %d %s", code, e)
	}
	if _, e, code := run(t, dir, "scale", "-o", "none.sql", "in.sql"); code == 0 || !strings.Contains(e, "--rows") {
		t.Errorf("neither --factor nor --rows: exit %d %s", code, e)
	}
	o, _, code = run(t, dir, "stats", "--json", "out.sql.gz")
	if code != 0 || len(counts) == 0 || !strings.Contains(o, fmt.Sprintf(`"rows":%d`, counts[0].Written)) || !strings.Contains(o, `"orphans":0`) {
		t.Errorf("stats: %s", o)
	}
	// An orphan makes compare fail.
	os.WriteFile(filepath.Join(dir, "bad.sql"), []byte(strings.Replace(dump, "(3,2)", "(3,9)", 1)), 0o644)
	if o, _, code := run(t, dir, "compare", "in.sql", "bad.sql"); code != 1 || !strings.Contains(o, "c.p_id -> p.id") {
		t.Errorf("orphans: exit %d\n%s", code, o)
	}
	// Bad input: no output file, non-zero exit.
	if _, e, code := run(t, dir, "scale", "--factor", "0", "-o", "zero.sql", "in.sql"); code == 0 || !strings.Contains(e, "factor must be > 0") {
		t.Errorf("factor 0: exit %d %s", code, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "zero.sql")); err == nil {
		t.Error("a failed run left an output")
	}
	if _, e, code := run(t, dir, "scale", "--factor", "2", "--table", "c=3", "-o", "x.sql", "in.sql"); code == 0 || !strings.Contains(e, "follows its parents") {
		t.Errorf("child override: exit %d %s", code, e)
	}
}
