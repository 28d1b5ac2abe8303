package nova_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

var build struct {
	once sync.Once
	err  error
	out  []byte
}

// pipeline runs examples/nova/pipeline.sh (the README's main command)
// small, with env added (INSTANCES and FACTOR among it), and checks what
// every run must show: the vote and turbo-hipster's two-tree plan, every
// step in the scrubbed logs, no original confidential value in the
// anonymized dump, the scaled dump or any published artifact, fuzzy
// verify clean on both dumps, the scaled dump passing duckface compare.
func pipeline(t *testing.T, env ...string) (root, out string, logs []byte, planted []string) {
	root, _ = filepath.Abs("../..")
	build.once.Do(func() {
		cmd := exec.Command("go", "build", "-o", filepath.Join(root, "bin")+"/", "./cmd/...", "./examples/nova/novagen", "./bench/gendump")
		cmd.Dir = root
		build.out, build.err = cmd.CombinedOutput()
	})
	if build.err != nil {
		t.Fatalf("build: %v\n%s", build.err, build.out)
	}
	// Not t.TempDir: its parent is private, and gate runs nova-manage as
	// an unprivileged user who must read the rendered nova.conf.
	out, err := os.MkdirTemp("", "nova-pipeline-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(out) })
	os.Chmod(out, 0o755)
	cmd := exec.Command("bash", filepath.Join(root, "examples/nova/pipeline.sh"))
	cmd.Env = append(append(os.Environ(), "OUT="+out), env...)
	logs, err = cmd.CombinedOutput()
	t.Logf("pipeline output:\n%s", logs)
	if err != nil {
		t.Fatalf("pipeline: %v\n%s", err, logs)
	}
	res := readResult(t, filepath.Join(out, "gate"))
	if res.Status != "SUCCESS" {
		t.Fatalf("gate: %s\n%s", res.Status, logs)
	}
	checkTwoTrees(t, res, filepath.Join(out, "gate"), scaledRows(t, out, "nova.instances"))
	// Real nova-manage ran in gate's sandbox, the command unchanged (the
	// paths it names bound by themselves), and the report says so.
	html, _ := os.ReadFile(filepath.Join(out, "gate", "report.html"))
	if res.IsolationMode != "sandbox" || !strings.HasPrefix(res.Isolation, "sandbox (bubblewrap)") || !strings.Contains(string(html), "isolation: sandbox (bubblewrap)") {
		t.Errorf("isolation %q (%s); report: %v", res.Isolation, res.IsolationMode, strings.Contains(string(html), "sandbox (bubblewrap)"))
	}
	// Every step is in the scrubbed logs.
	for _, st := range res.Steps {
		log, err := os.ReadFile(filepath.Join(out, "gate", st.LogFile))
		if err != nil {
			t.Fatal(err)
		}
		if st.From != "seed" && st.Kind == "upgrade" && !strings.Contains(string(log), "Running upgrade "+st.From+" -> "+st.To) {
			t.Errorf("scrubbed log of %s->%s lost the step:\n%s", st.From, st.To, log)
		}
	}
	if len(res.Steps) < 4 {
		t.Errorf("%d steps", len(res.Steps))
	}
	// No original value anywhere that is published or shipped.
	b, _ := os.ReadFile(filepath.Join(out, "orig", "planted.json"))
	if err := json.Unmarshal(b, &planted); err != nil || len(planted) < 1000 {
		t.Fatalf("planted values: %d (%v)", len(planted), err)
	}
	files := []string{filepath.Join(out, "nova.anon.sql"), filepath.Join(out, "nova", "nova.sql")}
	filepath.Walk(filepath.Join(out, "gate"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range planted {
			if strings.Contains(string(data), v) {
				t.Errorf("%s contains the original value %q", f, v)
			}
		}
	}
	if !strings.Contains(string(logs), "nova.anon.sql: clean") || !strings.Contains(string(logs), "nova.sql: clean") {
		t.Errorf("fuzzy verify did not pass both dumps:\n%s", logs)
	}
	// pipeline.sh stops when duckface compare finds orphans or unique
	// violations; its report is there.
	cmp, _ := os.ReadFile(filepath.Join(out, "compare.txt"))
	if !strings.Contains(string(cmp), "nova.instances") {
		t.Errorf("compare output:\n%s", cmp)
	}
	t.Logf("checked %d planted values in %d files", len(planted), len(files))
	return root, out, logs, planted
}

// TestPipeline: the pipeline as make demo runs it (smaller); fuzzy verify
// on its output with one original planted back finds it and says where,
// not what; with a tight limit on the patch's new step, the patch fails
// the vote while trunk's steps pass; the README's examples run as written
// on its outputs.
func TestPipeline(t *testing.T) {
	t.Parallel()
	root, out, _, planted := pipeline(t, "INSTANCES=120", "FACTOR=2")
	anon, _ := os.ReadFile(filepath.Join(out, "nova.anon.sql"))
	// A host name, e-mail or id: values with punctuation at their ends
	// ('=' of base64) are gate scrub's open case (#15), not verify's.
	var secret string
	for _, v := range planted[len(planted)/2:] {
		if len(v) >= 12 && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-@") == "" && strings.ContainsAny(v, ".@") {
			secret = v
			break
		}
	}
	i := strings.Index(string(anon), "\n-- Dumping data for table `instances`")
	if i < 0 {
		t.Fatal("no instances data in the anonymized dump")
	}
	bad := string(anon[:i]) + "\n-- ask " + secret + " about it" + string(anon[i:])
	os.WriteFile(filepath.Join(out, "bad.sql"), []byte(bad), 0o600)
	vcmd := exec.Command(filepath.Join(root, "bin/fuzzy"), "verify", "--index", filepath.Join(out, "nova.index"), filepath.Join(out, "bad.sql"))
	vout, err := vcmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("verify of a dump with a planted original: %v\n%s", err, vout)
	}
	line := strings.Count(string(anon[:i]), "\n") + 2
	if !strings.Contains(string(vout), fmt.Sprintf("bad.sql:%d:8 ", line)) || strings.Contains(string(vout), secret) {
		t.Errorf("verify did not locate the planted value at line %d (or showed it):\n%s", line, vout)
	}

	// With a tight limit on the new step, the patch fails the vote and
	// trunk's steps still pass: the two-tree plan once more, on the same
	// dataset with that limit.
	var res result
	var b []byte
	tight := filepath.Join(out, "nova-tight")
	os.MkdirAll(tight, 0o755)
	var conf map[string]any
	b, _ = os.ReadFile(filepath.Join(out, "nova", "config.yaml"))
	if err := yaml.Unmarshal(b, &conf); err != nil {
		t.Fatal(err)
	}
	conf["seed_data"] = "../nova/nova.sql"
	conf["XInnodb_rows_changed"] = map[string]int{"default": 1000000, newStep: 100}
	conf["drift"] = "off"
	conf["plan"] = map[string]any{"reupgrade": true, "remeasure": false} // no snapshots: a shorter run
	b, _ = yaml.Marshal(conf)
	os.WriteFile(filepath.Join(tight, "config.yaml"), b, 0o644)
	cmd := exec.Command("bash", filepath.Join(root, "examples/nova/two-trees.sh"))
	cmd.Env = append(os.Environ(), "OUT="+out, "DATASET="+tight, "GATE_OUT="+filepath.Join(out, "gate-tight"))
	logs, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("tight limit: %v\n%s", err, logs)
	}
	res = readResult(t, filepath.Join(out, "gate-tight"))
	want := "WARNING - Migration " + newStep + " changed too many rows ("
	if res.Status != "WARNING" || len(res.Messages) != 1 || !strings.HasPrefix(res.Messages[0], want) || !strings.HasSuffix(res.Messages[0], ") in phase patch") {
		t.Errorf("tight limit: %s %q\n%s", res.Status, res.Messages, logs)
	}
	checkTwoTrees(t, res, filepath.Join(out, "gate-tight"), scaledRows(t, out, "nova.instances"))

	// The README's examples, as written, on this make demo's outputs.
	t.Run("README", func(t *testing.T) { runREADME(t, root, out) })
}

// TestPipelinePrivacyByDefault: the same pipeline with
// --privacy-by-default: every column without a rule that is not a key,
// boolean, enum or state gets a kind, and the real Nova migrations of
// both trees still end SUCCESS on the result.
func TestPipelinePrivacyByDefault(t *testing.T) {
	t.Parallel()
	_, out, logs, _ := pipeline(t, "INSTANCES=60", "FACTOR=1", "PRIVACY=1")
	m := regexp.MustCompile(`privacy by default: (\d+) columns without a rule: (\d+) get a kind`).FindSubmatch(logs)
	if m == nil || string(m[2]) == "0" {
		t.Fatalf("no privacy-by-default summary, or no column got a kind:\n%s", logs)
	}
	summary, _ := os.ReadFile(filepath.Join(out, "anonymize.summary"))
	for _, want := range []string{": kept: primary key", ": kept: state-like", ": datetime: "} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("the decisions do not include %q", want)
		}
	}
	t.Logf("%s of %s columns without a rule got a kind", m[2], m[1])
}

// The patch's migration, after trunk's head.
const newStep = "ccb0fa1a2252->b1f0d8a3c7e2"

type result struct {
	Status        string
	Messages      []string
	Isolation     string
	IsolationMode string `json:"isolation_mode"`
	Phases        []struct {
		Name string
		New  []string
	}
	Steps []struct {
		Phase, Kind, From, To string
		New                   bool
		Seconds               float64
		Counters              map[string]int64
		Problems              []string
		LogFile               string `json:"log_file"`
	}
}

func readResult(t *testing.T, dir string) result {
	t.Helper()
	var res result
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// scaledRows: the rows duckface wrote for a table (its summary in
// scale.summary). Not INSTANCES x FACTOR: each table's factor is drawn
// within the jitter under the run's new key, so that a guessed factor
// does not give the original count; x2 writes 80 to 720 instances of
// 120.
func scaledRows(t *testing.T, out, table string) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "scale.summary"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == table {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatalf("scale.summary: %q: %v", line, err)
			}
			return n
		}
	}
	t.Fatalf("scale.summary names no table %s:\n%s", table, b)
	return 0
}

// checkTwoTrees: trunk ran Debian's three revisions, the patch exactly
// its one new step, which rewrote every block device mapping (at least
// one per instance) while trunk's steps changed next to nothing; the
// summary lists the new step first.
func checkTwoTrees(t *testing.T, res result, dir string, instances int64) {
	t.Helper()
	var steps []string
	for _, st := range res.Steps {
		steps = append(steps, st.Phase+" "+st.From+"->"+st.To)
		switch {
		case st.New:
			if st.Phase != "patch" || st.From+"->"+st.To != newStep || st.Counters["XInnodb_rows_changed"] < instances {
				t.Errorf("new step %s %s->%s changed %d rows", st.Phase, st.From, st.To, st.Counters["XInnodb_rows_changed"])
			}
		case st.Phase == "trunk":
			if len(st.Problems) > 0 || st.Counters["XInnodb_rows_changed"] > 10 {
				t.Errorf("trunk step %s->%s: %v, %d rows changed", st.From, st.To, st.Problems, st.Counters["XInnodb_rows_changed"])
			}
		}
	}
	want := "trunk seed->8f2f1571d55b, trunk 8f2f1571d55b->16f1fbcab42b, trunk 16f1fbcab42b->ccb0fa1a2252, patch " + newStep + ", reupgrade b1f0d8a3c7e2->b1f0d8a3c7e2"
	if got := strings.Join(steps, ", "); got != want {
		t.Errorf("steps:\n%s\nwant\n%s", got, want)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "summary.md"))
	first := ""
	for _, l := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| step ") {
			first = l
			break
		}
	}
	if !strings.HasPrefix(first, "| **patch: upgrade "+newStep+" (new)** |") {
		t.Errorf("summary.md's first step is %q", first)
	}
}
