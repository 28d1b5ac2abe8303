package gate

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Phases: trunk's and the patch's code trees are copies of the test
// migrator with different version lists.

const listVersions = `ls up | sed -e 's/\.sql$//' -e 's/^0*//' | sort -n`

// migratorTree writes a code tree holding the test migrator's steps
// 1..n into dir.
func migratorTree(t *testing.T, dir string, n int) string {
	t.Helper()
	src := filepath.Dir(migrator)
	for _, sub := range []string{"up", "down"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= n; i++ {
			name := filepath.Join(sub, fmt.Sprintf("%03d.sql", i))
			b, err := os.ReadFile(filepath.Join(src, name))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
	}
	b, _ := os.ReadFile(migrator)
	os.WriteFile(filepath.Join(dir, "migrate.sh"), b, 0o755)
	return dir
}

// twoTrees: trunk knows 1 and 2, the patch also 3 (the slow data
// migration: rewrites every row, then sleeps 3 s).
func twoTrees(t *testing.T, patchSteps int) (trunk, patch string) {
	return migratorTree(t, t.TempDir(), 2), migratorTree(t, t.TempDir(), patchSteps)
}

func phasesYAML(trunk, patch string) string {
	list := "'" + strings.ReplaceAll(listVersions, "'", "''") + "'"
	return "phases:\n" +
		"  - {name: trunk, dir: " + trunk + ", migrate: './migrate.sh {version} {user}', versions_from: " + list + "}\n" +
		"  - {name: patch, dir: " + patch + ", migrate: './migrate.sh {version} {user}', versions_from: " + list + "}\n"
}

func runOpts(t *testing.T, o Options) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := Run(ctx, o)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return res
}

func stepList(r *Result) string {
	var names []string
	for _, st := range r.Steps {
		n := st.Phase + " " + st.Kind + " " + st.Name()
		if st.New {
			n += " new"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// TestPatchPhase: the patch's new step is found, tagged, judged and
// reported first; its slowness fails the vote while trunk's steps pass.
func TestPatchPhase(t *testing.T) {
	trunk, patch := twoTrees(t, 3)
	c := dataset(t, phasesYAML(trunk, patch)+"maximum_migration_times: {default: 60, \"2->3\": 1}\nplan: {remeasure: false}\n")
	r := runOpts(t, Options{Config: c})
	if got := stepList(r); got != "trunk upgrade seed->1, trunk upgrade 1->2, patch upgrade 2->3 new" {
		t.Fatalf("steps: %s (%s)", got, messages(r))
	}
	if r.Status != "WARNING" || r.Messages[0] != "WARNING - Migration 2->3 took too long in phase patch" || len(r.Messages) != 1 {
		t.Errorf("vote %s: %q", r.Status, r.Messages)
	}
	for _, st := range r.Steps[:2] {
		if len(st.Problems) > 0 {
			t.Errorf("trunk step %s: %v", st.Name(), st.Problems)
		}
	}
	if st := r.Steps[2]; st.Seconds < 3 || st.Counters["XInnodb_rows_changed"] < 3000 {
		t.Errorf("the new step took %.1fs and changed %d rows", st.Seconds, st.Counters["XInnodb_rows_changed"])
	}
	if !reflect.DeepEqual(r.Phases[0].Versions, []string{"1", "2"}) || !reflect.DeepEqual(r.Phases[1].Versions, []string{"1", "2", "3"}) || !reflect.DeepEqual(r.Phases[1].New, []string{"3"}) {
		t.Errorf("phases: %+v %+v", r.Phases[0], r.Phases[1])
	}
	if r.FinalVersion != "3" {
		t.Errorf("final version %q", r.FinalVersion)
	}
	out := t.TempDir()
	if err := r.Write(out); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(out, "summary.md"))
	rows := tableRows(string(md))
	if len(rows) != 3 || !strings.HasPrefix(rows[0], "| **patch: upgrade 2->3 (new)** |") || !strings.Contains(string(md), "**New in this change** (phase patch)") {
		t.Errorf("summary.md does not put the new step first:\n%s", md)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if i, j := strings.Index(string(html), "patch: upgrade 2-&gt;3 (new)"), strings.Index(string(html), "trunk: upgrade 1-&gt;2"); i < 0 || j < 0 || i > j {
		t.Errorf("report.html: new step at %d, trunk's at %d", i, j)
	}
	// Every phase keeps its log: the tree and its versions listing.
	for _, p := range r.Phases {
		b, err := os.ReadFile(filepath.Join(out, p.LogFile))
		if err != nil || !strings.Contains(string(b), "$ versions from: ") || !strings.Contains(string(b), "code tree ") {
			t.Errorf("phase %s log %s: %v\n%s", p.Name, p.LogFile, err, b)
		}
	}
}

func tableRows(md string) []string {
	var rows []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| step ") {
			rows = append(rows, l)
		}
	}
	return rows
}

// TestNoNewMigrations: a patch that adds nothing passes with
// turbo-hipster's note; the reupgrade phase (no downgrade) runs the head
// once more, changing nothing.
func TestNoNewMigrations(t *testing.T) {
	trunk, patch := twoTrees(t, 2)
	c := dataset(t, phasesYAML(trunk, patch)+"plan: {remeasure: false, reupgrade: true}\n")
	r := runOpts(t, Options{Config: c})
	if r.Status != "SUCCESS" || !strings.Contains(messages(r), NoMigrations) {
		t.Fatalf("vote %s: %s", r.Status, messages(r))
	}
	if got := stepList(r); got != "trunk upgrade seed->1, trunk upgrade 1->2, reupgrade idempotence 2->2" {
		t.Errorf("steps: %s", got)
	}
	if len(r.NewSteps()) != 0 || r.Steps[2].Counters["XInnodb_rows_changed"] != 0 {
		t.Errorf("new %d, idempotence changed %d rows", len(r.NewSteps()), r.Steps[2].Counters["XInnodb_rows_changed"])
	}
	var suite junitSuite
	if err := xml.Unmarshal(r.junit(), &suite); err != nil || suite.Failures != 0 || !strings.Contains(suite.Cases[len(suite.Cases)-1].SystemOut, NoMigrations) {
		t.Errorf("junit: %v %+v", err, suite)
	}
}

// TestDowngradeAndReupgradePhases: downgrade to the release's first
// version with the patch's code, then upgrade again step by step.
func TestDowngradeAndReupgradePhases(t *testing.T) {
	trunk, patch := twoTrees(t, 3)
	for _, tc := range []struct{ to, want string }{
		{"first-of-release", "trunk upgrade seed->1, trunk upgrade 1->2, patch upgrade 2->3 new, downgrade downgrade 3->1, reupgrade upgrade 1->2, reupgrade upgrade 2->3"},
		{"'2'", "trunk upgrade seed->1, trunk upgrade 1->2, patch upgrade 2->3 new, downgrade downgrade 3->2, reupgrade upgrade 2->3"},
	} {
		c := dataset(t, phasesYAML(trunk, patch)+"plan: {remeasure: false, downgrade_to: "+tc.to+", reupgrade: true}\n")
		r := runOpts(t, Options{Config: c})
		if r.Status != "SUCCESS" || stepList(r) != tc.want {
			t.Errorf("downgrade_to %s: %s %s\nsteps: %s", tc.to, r.Status, messages(r), stepList(r))
		}
		if len(r.Phases) != 4 || r.Phases[2].Name != PhaseDowngrade || r.Phases[3].Name != PhaseReupgrade || r.Phases[3].Status != "ok" {
			t.Errorf("phases %+v", r.Phases)
		}
	}
	// A version the plan never reached is a failure that says so.
	c := dataset(t, phasesYAML(trunk, patch)+"plan: {remeasure: false, downgrade_to: '9'}\n")
	if r := runOpts(t, Options{Config: c}); r.Status != "FAILURE" || !strings.Contains(messages(r), "FAILURE - Could not downgrade (phase downgrade: downgrade_to 9 is not among the versions walked: 1, 2, 3)") {
		t.Errorf("downgrade_to 9: %s %s", r.Status, messages(r))
	}
}

// gitRepo makes a repository whose HEAD^1 is trunk (steps 1, 2) and
// HEAD the patch (adds step 3).
func gitRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	sh := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	sh("init", "-q", "-b", "main")
	migratorTree(t, repo, 2)
	sh("add", ".")
	sh("commit", "-q", "-m", "trunk")
	migratorTree(t, repo, 3)
	sh("add", ".")
	sh("commit", "-q", "-m", "patch: a slow data migration")
	return repo
}

func worktrees(t *testing.T, repo string) int {
	out, err := exec.Command("git", "-C", repo, "worktree", "list", "--porcelain").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(out), "worktree ")
}

// treeOf reads a phase's code tree from its log.
func treeOf(p *PhaseResult) string {
	l, _, _ := strings.Cut(p.Log, "\n")
	_, dir, _ := strings.Cut(l, "code tree ")
	return dir
}

// TestTrunkGitRef: --trunk HEAD^1 runs trunk's migrations from a
// temporary worktree gate makes and removes, also when the run fails.
func TestTrunkGitRef(t *testing.T) {
	repo := gitRepo(t)
	c := dataset(t, "plan: {remeasure: false}\n")
	o := Options{Config: c, Trunk: "HEAD^1", Patch: repo, Migrate: "./migrate.sh {version} {user}", VersionsFrom: listVersions}
	r := runOpts(t, o)
	if r.Status != "SUCCESS" || stepList(r) != "trunk upgrade seed->1, trunk upgrade 1->2, patch upgrade 2->3 new" {
		t.Fatalf("%s %s\nsteps: %s", r.Status, messages(r), stepList(r))
	}
	tree := treeOf(r.Phases[0])
	if !regexp.MustCompile(`^git HEAD\^1 = [0-9a-f]{40} \(a temporary worktree\)$`).MatchString(r.Phases[0].Tree) || !strings.Contains(tree, "gate-worktree-") {
		t.Errorf("trunk tree %q (%s)", r.Phases[0].Tree, tree)
	}
	if !reflect.DeepEqual(r.Phases[0].Versions, []string{"1", "2"}) {
		t.Errorf("trunk's versions %v: not listed in HEAD^1's tree", r.Phases[0].Versions)
	}
	if _, err := os.Stat(tree); !os.IsNotExist(err) || worktrees(t, repo) != 1 {
		t.Errorf("the worktree %s is left behind (%v, %d worktrees)", tree, err, worktrees(t, repo))
	}
	// A failing trunk phase: the worktree goes all the same.
	o.Migrate = "./migrate.sh {version} {user} && test -f up/003.sql"
	r = runOpts(t, o)
	if r.Status != "FAILURE" || !strings.Contains(messages(r), "FAILURE - Migration started but did not end (phase trunk, step seed->1: exit status 1)") || r.Phases[1].Status != "not run" {
		t.Errorf("%s %s %+v", r.Status, messages(r), r.Phases)
	}
	if tree := treeOf(r.Phases[0]); worktrees(t, repo) != 1 || tree == "" {
		t.Errorf("after a failure: %d worktrees", worktrees(t, repo))
	} else if _, err := os.Stat(tree); !os.IsNotExist(err) {
		t.Errorf("after a failure the worktree %s is left: %v", tree, err)
	}
	// --patch alone has no trunk to compare with.
	if _, err := Run(context.Background(), Options{Config: c, Patch: repo, Migrate: "true"}); err == nil || !strings.Contains(err.Error(), "--patch needs --trunk") {
		t.Errorf("--patch alone: %v", err)
	}
	// Neither a directory nor a ref: a setup error naming both.
	o.Trunk = "no-such-branch"
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "no-such-branch is not a directory, and not a git ref in") {
		t.Errorf("bad ref: %v", err)
	}
}

func TestParsePhase(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Phase
		err  string
	}{
		{in: "trunk=../trunk", want: Phase{Name: "trunk", Dir: "../trunk"}},
		{in: `{name: patch, dir: ., migrate: "db sync {version}, then", versions: [a1, b2]}`, want: Phase{Name: "patch", Dir: ".", Migrate: "db sync {version}, then", Versions: []string{"a1", "b2"}}},
		{in: `{name: t, ref: origin/master, versions_from: ./list}`, want: Phase{Name: "t", Ref: "origin/master", VersionsFrom: "./list"}},
		{in: "trunk", err: "want NAME=DIR"},
		{in: "downgrade=.", err: "reserved"},
		{in: "{nme: x}", err: "field nme not found"},
		{in: "{name: x, versions: [a], versions_from: ls}", err: "versions and versions_from both given"},
	} {
		got, err := ParsePhase(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v %v", tc.in, got, err)
		}
	}
}

// TestOldPlanOptions: the options before phases still run, and the
// report says what to write now; mixing old and new is an error.
func TestOldPlanOptions(t *testing.T) {
	c := dataset(t, "plan: {downgrade: true, idempotence: true}\n")
	if c.Plan.DowngradeTo != FirstOfRelease || !c.Plan.Reupgrade || len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "plan: {downgrade_to: first-of-release, reupgrade: true}") {
		t.Errorf("plan %+v, notes %q", c.Plan, c.Notes)
	}
	c = dataset(t, "plan: {idempotence: true}\n")
	if c.Plan.DowngradeTo != "" || !c.Plan.Reupgrade || !strings.Contains(c.Notes[0], "plan: {reupgrade: true}") {
		t.Errorf("plan %+v, notes %q", c.Plan, c.Notes)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("plan: {downgrade: true, reupgrade: true}\n"), 0o644)
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "old names") {
		t.Errorf("mixed plan options: %v", err)
	}
	// A downgrade needs a command that takes the version.
	c = dataset(t, "plan: {downgrade_to: first-of-release}\n")
	if _, err := Run(context.Background(), Options{Config: c, Migrate: "migrate-to-head"}); err == nil || !strings.Contains(err.Error(), "plan.downgrade_to needs a migration command with {version} in phase upgrade") {
		t.Errorf("downgrade without {version}: %v", err)
	}
	// turbo-hipster's config.json with phases: a relative dir is the
	// config's.
	js := t.TempDir()
	os.WriteFile(filepath.Join(js, "config.json"), []byte(`{"project": "p", "phases": [{"name": "trunk", "dir": "../trunk", "versions": ["1", "2"]}, {"name": "patch", "dir": "/src", "versions_from": "ls"}]}`), 0o644)
	if c, err := LoadConfig(js); err != nil || len(c.Phases) != 2 || c.Phases[0].Dir != filepath.Join(filepath.Dir(js), "trunk") || c.Phases[1].VersionsFrom != "ls" {
		t.Errorf("config.json phases: %+v %v", c, err)
	}
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("phases: [{name: reupgrade}]\n"), 0o644)
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "phases[0]: phase name \"reupgrade\" is reserved") {
		t.Errorf("reserved phase name: %v", err)
	}
}

// FuzzParsePhase: any --phase value parses to a valid phase or fails
// with an error naming the flag; NAME=DIR keeps both halves. Seeds in
// testdata/fuzz/FuzzParsePhase.
func FuzzParsePhase(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhase(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--phase ") {
				t.Fatalf("error without the flag: %v", err)
			}
			return
		}
		if err := p.check(); err != nil {
			t.Fatalf("%q parsed to an invalid phase %+v: %v", s, p, err)
		}
		if !strings.HasPrefix(strings.TrimSpace(s), "{") {
			name, dir, _ := strings.Cut(s, "=")
			if p.Name != name || p.Dir != dir {
				t.Fatalf("%q: %+v", s, p)
			}
		}
	})
}
