package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fuzzyduck/fuzzyduck/internal/clitest"
)

var gateBin, fuzzyBin string

func TestMain(m *testing.M) {
	clitest.Main(m, map[*string]string{&gateBin: ".", &fuzzyBin: "../fuzzy"})
}

type result struct {
	stdout, stderr string
	code           int
}

func run(t *testing.T, dir, stdin, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	o, e, code := clitest.Run(t, cmd)
	return result{o, e, code}
}

var dumpFile, _ = filepath.Abs("../../sqldump/testdata/dumps/defaults.sql")

// TestIndexEndToEnd: fuzzy index on a real mariadb-dump output, then gate
// scrub --index on a log quoting the original values.
func TestIndexEndToEnd(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("tables:\n  parent:\n    uuid: uuid\n  child:\n    note: text\n"), 0o644)
	if r := run(t, dir, "", fuzzyBin, "index", "--rules", "rules.yaml", "-o", "values.idx", dumpFile); r.code != 0 {
		t.Fatal(r.stderr)
	}
	secrets := []string{"0b1f5a6e-0000-4000-8000-000000000001", "semi;colon"}
	f, _ := os.Open(filepath.Join(dir, "values.idx"))
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	for _, s := range append(secrets, "semi", "colon", "0b1f5a6e") {
		if bytes.Contains(bytes.ToLower(raw), []byte(strings.ToLower(s))) {
			t.Errorf("index contains %q", s)
		}
	}
	log := "Running upgrade a -> b\ninstance 0B1F5A6E-0000-4000-8000-000000000001 failed: note='semi;colon'\n[parameters: ('0b1f5a6e-0000-4000-8000-000000000001',)]\ndone\n"
	r := run(t, dir, log, gateBin, "scrub", "--index", "values.idx")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, s := range secrets {
		if strings.Contains(strings.ToLower(r.stdout), s) {
			t.Errorf("%q survived:\n%s", s, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "Running upgrade a -> b\n") || !strings.HasSuffix(r.stdout, "done\n") {
		t.Errorf("log structure lost:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "index:uuid=2") {
		t.Errorf("report: %s", r.stderr)
	}
}

func TestScrubCheckAndInPlace(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.MkdirAll(filepath.Join(logs, "sub"), 0o755)
	os.WriteFile(filepath.Join(logs, "a.log"), []byte("db password=hunter2x ok\n"), 0o640)
	os.WriteFile(filepath.Join(logs, "sub", "b.log"), []byte("nothing secret\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "values.txt"), []byte("# known values\nhostname\tdb7.internal.example\n"), 0o644)

	if r := run(t, dir, "", gateBin, "scrub", "--builtin-only", "--check", "--in-place", "logs"); r.code != 1 || !strings.Contains(r.stderr, "1 secrets would be scrubbed") {
		t.Errorf("--check: exit %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(logs, "a.log")); !strings.Contains(string(b), "hunter2x") {
		t.Error("--check modified a file")
	}
	r := run(t, dir, "", gateBin, "scrub", "--builtin-only", "--in-place", "logs", "--report", "report.json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(logs, "a.log"))
	if strings.Contains(string(b), "hunter2x") || !strings.Contains(string(b), "[scrubbed:password:") {
		t.Errorf("a.log = %q", b)
	}
	if st, _ := os.Stat(filepath.Join(logs, "a.log")); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	rep, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if !strings.Contains(string(rep), `"pattern:password": 1`) || strings.Contains(string(rep), "hunter2x") {
		t.Errorf("report = %s", rep)
	}
	// Now clean: --check passes.
	if r := run(t, dir, "", gateBin, "scrub", "--builtin-only", "--check", "--in-place", "logs"); r.code != 0 {
		t.Errorf("--check after scrubbing: exit %d %s", r.code, r.stderr)
	}
	// Plaintext values, the run's DSN password, env from a config file.
	os.WriteFile(filepath.Join(dir, "scrub.yaml"), []byte("env: [MY_TOKEN]\npatterns:\n  - {name: ticket, regex: 'TICKET-[0-9]+'}\n"), 0o644)
	cmd := exec.Command(gateBin, "scrub", "--values", "values.txt", "--rules", "scrub.yaml", "--dsn", "nova:Dsn-Pass-99@unix(/tmp/s.sock)/nova")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MY_TOKEN=tok-abcdef-123456")
	cmd.Stdin = strings.NewReader("db7.internal.example Dsn-Pass-99 tok-abcdef-123456 TICKET-42 fine\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"db7.internal", "Dsn-Pass-99", "tok-abcdef", "TICKET-42"} {
		if strings.Contains(string(out), s) {
			t.Errorf("%q survived: %s", s, out)
		}
	}
	if !strings.HasSuffix(string(out), " fine\n") {
		t.Errorf("out = %q", out)
	}
}

func TestScrubBadInput(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, dir, "", gateBin, "scrub", "--index", "missing.idx"); r.code != 2 || !strings.Contains(r.stderr, "missing.idx") {
		t.Errorf("missing index: exit %d %s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("patterns:\n  - {name: x, regex: '('}\n"), 0o644)
	if r := run(t, dir, "", gateBin, "scrub", "--rules", "bad.yaml"); r.code != 2 || !strings.Contains(r.stderr, "bad.yaml:2:22: patterns[0].regex: not a valid regular expression: missing closing )") {
		t.Errorf("bad regex: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, dir, "", gateBin, "scrub", "-o", "out.log", "nope.log"); r.code != 2 {
		t.Errorf("missing input: exit %d", r.code)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.log")); err == nil {
		t.Error("a failed run left an output file")
	}
}

func TestRunCLI(t *testing.T) {
	dir := t.TempDir()
	seed, _ := filepath.Abs("../../gate/testdata/seed.sql")
	migrator, _ := filepath.Abs("../../gate/testdata/migrator/migrate.sh")
	ds := filepath.Join(dir, "ds")
	os.MkdirAll(ds, 0o755)
	os.WriteFile(filepath.Join(ds, "config.json"), []byte(`{"project": "test", "database": "app", "seed_data": "`+seed+`",
		"maximum_migration_times": {"default": 60}, "version_query": "SELECT version FROM schema_version"}`), 0o644)
	r := run(t, dir, "", gateBin, "run", "--dataset", "ds", "--dir", filepath.Dir(migrator), "--migrate", migrator+" {version} {user}", "--versions", "1,2", "--out", "out", "--history", "hist")
	if r.code != 0 || !strings.Contains(r.stdout, "gate-real-db-upgrade_ds SUCCESS in") || !strings.Contains(r.stdout, "report: out/report.html") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, f := range []string{"out/result.json", "out/junit.xml", "out/summary.md", "out/report.html", "hist/ds.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The sandbox ran, and result.json says so.
	if b, _ := os.ReadFile(filepath.Join(dir, "out/result.json")); !strings.Contains(string(b), `"isolation_mode": "sandbox"`) || !strings.Contains(string(b), `"isolation": "sandbox (bubblewrap)`) {
		t.Errorf("result.json does not name the sandbox:\n%s", b)
	}
	if r := run(t, dir, "", gateBin, "run", "--dataset", "ds", "--migrate", "true", "--isolation", "chroot"); r.code != 2 || !strings.Contains(r.stderr, "want auto (the sandbox), netns or off") {
		t.Errorf("bad --isolation: exit %d %s", r.code, r.stderr)
	}
	// A failing run exits 1.
	r = run(t, dir, "", gateBin, "run", "--dataset", "ds", "--migrate", "exit 3; {version}", "--versions", "1", "--out", "out2")
	if r.code != 1 || !strings.Contains(r.stdout, "FAILURE - Migration started but did not end") {
		t.Errorf("failing run: exit %d\n%s", r.code, r.stdout)
	}
	// Setup errors exit 2.
	if r := run(t, dir, "", gateBin, "run", "--dataset", "nope", "--migrate", "true"); r.code != 2 {
		t.Errorf("missing dataset: exit %d", r.code)
	}
	// Thresholds: not enough samples yet, then enough.
	r = run(t, dir, "", gateBin, "thresholds", "--history", "hist", "--dataset", "ds")
	if r.code != 0 || !strings.Contains(r.stdout, "no step has enough samples yet") {
		t.Errorf("thresholds: %d %s %s", r.code, r.stdout, r.stderr)
	}
	f, _ := os.OpenFile(filepath.Join(dir, "hist", "ds.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	for i := 0; i < 12; i++ {
		f.WriteString(`{"dataset":"ds","step":"1->2","kind":"upgrade","seconds":2.5,"counters":{"Innodb_rows_read":15000,"XInnodb_rows_changed":20},"rows":3000}` + "\n")
	}
	f.Close()
	r = run(t, dir, "", gateBin, "thresholds", "--history", "hist", "--dataset", "ds")
	if r.code != 0 || !strings.Contains(r.stdout, `"1->2": 33`) || !strings.Contains(r.stdout, "60s") {
		t.Errorf("thresholds:\n%s%s", r.stdout, r.stderr)
	}
	// The history page: both steps, the learned limit drawn.
	r = run(t, dir, "", gateBin, "history", "--history", "hist", "--out", "page")
	page, _ := os.ReadFile(filepath.Join(dir, "page", "index.html"))
	if r.code != 0 || !strings.Contains(r.stdout, "14 samples: page/index.html") || strings.Count(string(page), `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`) != 6 || !strings.Contains(string(page), `<td>33s</td>`) {
		t.Errorf("history: exit %d %s%s\n%s", r.code, r.stdout, r.stderr, page)
	}
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	if r := run(t, dir, "", gateBin, "history", "--history", "empty", "--out", "page2"); r.code != 2 || !strings.Contains(r.stderr, "no samples in empty") {
		t.Errorf("empty history: exit %d %s", r.code, r.stderr)
	}
}

// TestTrunkRefAndSignal: gate run --trunk HEAD^1 in a repository whose
// last commit adds a migration; the temporary worktree gate makes for
// trunk is gone after the run, and after a SIGTERM in the middle of it.
func TestTrunkRefAndSignal(t *testing.T) {
	dir := t.TempDir()
	seed, _ := filepath.Abs("../../gate/testdata/seed.sql")
	migrator, _ := filepath.Abs("../../gate/testdata/migrator")
	repo := filepath.Join(dir, "repo")
	// Trunk has steps 1 and 2; the patch adds 3. The trunk tree waits
	// for the signal (when told to) before its first step.
	script := `set -e
mkdir -p repo/up repo/down && cd repo && git init -q -b main
cp ` + migrator + `/migrate.sh . && cp ` + migrator + `/up/00[12].sql up/ && cp ` + migrator + `/down/00[12].sql down/
git add . && git -c user.name=t -c user.email=t@example.org commit -q -m trunk
cp ` + migrator + `/up/003.sql up/ && cp ` + migrator + `/down/003.sql down/
git add . && git -c user.name=t -c user.email=t@example.org commit -q -m patch`
	if out, err := exec.Command("sh", "-c", "cd "+dir+" && "+script).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The sandbox's user (nobody) reaches the patch tree.
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	os.Chmod(repo, 0o755)
	ds := filepath.Join(dir, "ds")
	os.MkdirAll(ds, 0o755)
	os.WriteFile(filepath.Join(ds, "config.yaml"), []byte("database: app\nseed_data: "+seed+"\nversion_query: SELECT version FROM schema_version\nplan: {remeasure: false}\n"), 0o644)
	args := []string{"run", "--dataset", ds, "--trunk", "HEAD^1", "--patch", repo,
		"--versions-from", `ls up | sed -e 's/\.sql$//' -e 's/^0*//'`, "--out", filepath.Join(dir, "out")}
	worktrees := func() int {
		out, _ := exec.Command("git", "-C", repo, "worktree", "list", "--porcelain").Output()
		return strings.Count(string(out), "worktree ")
	}
	r := run(t, dir, "", gateBin, append(args, "--migrate", "./migrate.sh {version} {user}")...)
	if r.code != 0 || !strings.Contains(r.stdout, "phases: trunk: 2 steps in") || !strings.Contains(r.stdout, "new in patch: upgrade 2->3 in ") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := worktrees(); n != 1 {
		t.Errorf("%d worktrees after the run", n)
	}
	// Phases on the command line, in order: the first stops at 1.
	r = run(t, dir, "", gateBin, "run", "--dataset", ds, "--out", filepath.Join(dir, "out-phases"), "--migrate", "./migrate.sh {version} {user}",
		"--phase", "{name: old, dir: "+repo+", versions: [1]}", "--phase", "new="+repo, "--versions-from", `ls up | sed -e 's/\.sql$//' -e 's/^0*//'`)
	if r.code != 0 || !strings.Contains(r.stdout, "new in new: upgrade 1->2 in ") || !strings.Contains(r.stdout, "new in new: upgrade 2->3 in ") || !strings.Contains(r.stdout, "phases: old: 1 steps in") {
		t.Errorf("--phase: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, dir, "", gateBin, "run", "--dataset", ds, "--migrate", "true", "--phase", "downgrade=."); r.code != 2 || !strings.Contains(r.stderr, "reserved") {
		t.Errorf("a reserved phase name: exit %d %s", r.code, r.stderr)
	}
	// A signal while trunk's first step runs, in every isolation mode:
	// gate stops within seconds, and nothing of the run is left: no
	// process of the step (a unique sleep marks them; in the sandbox
	// and netns modes also one that left the step's group and tree), no
	// server, no temp dir, no worktree.
	for _, tc := range []struct {
		isolation string
		sig       syscall.Signal
	}{{"auto", syscall.SIGTERM}, {"netns", syscall.SIGINT}, {"off", syscall.SIGTERM}} {
		t.Run(tc.isolation, func(t *testing.T) {
			marker := fmt.Sprintf("120.%09d", rand.IntN(1e9))
			step := "test -f up/003.sql || sleep " + marker + "; ./migrate.sh {version} {user}"
			if tc.isolation != "off" {
				step = "(setsid sleep " + marker + " &); " + step
			}
			cmd := exec.Command(gateBin, append(args, "--isolation", tc.isolation, "--migrate", step)...)
			cmd.Dir = dir
			// A private temp dir: other tests (and other packages' tests,
			// run in parallel) make gate-worktree-* dirs in the shared one.
			tmp := filepath.Join(dir, "tmp-"+tc.isolation)
			os.Mkdir(tmp, 0o755)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var out lockedBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(2 * time.Minute)
			for !strings.Contains(out.String(), "trunk: upgrade seed -> 1...") && time.Now().Before(deadline) {
				time.Sleep(200 * time.Millisecond)
			}
			// The step is running: its sleeps are there (the escapee's too).
			want := 1
			if tc.isolation != "off" {
				want = 2
			}
			for len(processesNaming(false, "sleep "+marker)) < want && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if n := worktrees(); n != 2 {
				t.Errorf("%d worktrees while trunk runs", n)
			}
			cmd.Process.Signal(tc.sig)
			start := time.Now()
			err := cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Errorf("after %s: %v\n%s", tc.sig, err, out.String())
			}
			took := time.Since(start)
			t.Logf("gate stopped %s after %s", took.Round(time.Millisecond), tc.sig)
			if took > 30*time.Second {
				t.Errorf("gate took %s to stop", took)
			}
			if n := worktrees(); n != 1 {
				t.Errorf("%d worktrees after %s", n, tc.sig)
			}
			// The server and the step die with gate; give the kernel a
			// moment to reap them. (What is left is killed.)
			var left []string
			for wait := time.Now().Add(3 * time.Second); time.Now().Before(wait); time.Sleep(50 * time.Millisecond) {
				if left = processesNaming(false, marker, tmp); len(left) == 0 {
					break
				}
			}
			processesNaming(true, marker, tmp)
			for _, l := range left {
				t.Errorf("left running: %s", l)
			}
			if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
				var names []string
				for _, e := range ents {
					names = append(names, e.Name())
				}
				t.Errorf("left in the temp dir: %v", names)
			}
		})
	}
}

// processesNaming lists (and kills, so that a failure leaves nothing)
// the processes whose command line holds any of the words.
func processesNaming(kill bool, words ...string) []string {
	var got []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, w := range words {
			if bytes.Contains(b, []byte(w)) {
				l := strings.ReplaceAll(string(b), "\x00", " ")
				if len(l) > 120 {
					l = l[:120] + "..."
				}
				got = append(got, e.Name()+": "+l)
				if kill {
					syscall.Kill(pid, syscall.SIGKILL)
				}
				break
			}
		}
	}
	return got
}

// lockedBuffer is written by a child's output copier and read by the
// test while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Every flag's help says its default once: in the flag's value, not
// also in its text ("(default 8) (default: 0)" misled readers).
func TestHelpDefaultsOnce(t *testing.T) {
	for _, cmd := range []string{"run", "scrub", "thresholds", "history"} {
		r := run(t, t.TempDir(), "", gateBin, cmd, "--help")
		if r.code != 0 {
			t.Fatalf("gate %s --help: exit %d: %s", cmd, r.code, r.stderr)
		}
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.Count(line, "(default") > 1 {
				t.Errorf("gate %s --help: %s", cmd, strings.TrimSpace(line))
			}
		}
	}
}
