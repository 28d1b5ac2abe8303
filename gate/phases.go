package gate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Phase is one upgrade phase of the plan: a code tree and the command
// that migrates with that tree's code (turbo-hipster's trunk, then the
// patch).
type Phase struct {
	Name string `json:"name" yaml:"name"`
	// Dir is the code tree: commands run there, {dir} names it.
	Dir string `json:"dir,omitempty" yaml:"dir"`
	// Ref is a git ref checked out into a temporary worktree (of the
	// repository holding the last phase's tree) for the run.
	Ref string `json:"ref,omitempty" yaml:"ref"`
	// Migrate is the migration command (placeholders as for --migrate).
	Migrate string `json:"migrate,omitempty" yaml:"migrate"`
	// Versions, or VersionsFrom (a command run in Dir), list the versions
	// this tree knows, in order.
	Versions     []string `json:"versions,omitempty" yaml:"versions"`
	VersionsFrom string   `json:"versions_from,omitempty" yaml:"versions_from"`
	// commit is what Ref named when it was checked out.
	commit string
}

// Names gate gives its own phases.
const (
	PhaseDowngrade = "downgrade"
	PhaseReupgrade = "reupgrade"
	phaseDefault   = "upgrade" // the one phase of a plan without phases
)

func (p *Phase) check() error {
	if p.Name == "" {
		return fmt.Errorf("a phase needs a name")
	}
	if p.Name == PhaseDowngrade || p.Name == PhaseReupgrade || p.Name == "drift" || strings.ContainsAny(p.Name, " /\t") {
		return fmt.Errorf("phase name %q is reserved or has spaces or slashes (downgrade and reupgrade come from plan: {downgrade_to, reupgrade})", p.Name)
	}
	if p.Dir != "" && p.Ref != "" {
		return fmt.Errorf("phase %s: dir and ref both given", p.Name)
	}
	if len(p.Versions) > 0 && p.VersionsFrom != "" {
		return fmt.Errorf("phase %s: versions and versions_from both given", p.Name)
	}
	return nil
}

// stepwise: the command runs once per version (it takes {version});
// otherwise it runs once and its output is split at markers.
func (p *Phase) stepwise() bool { return strings.Contains(p.Migrate, "{version}") }

// ParsePhase reads a --phase value: NAME=DIR, or a YAML flow mapping
// such as {name: patch, dir: ., versions_from: "./list-versions"}.
func ParsePhase(s string) (Phase, error) {
	var p Phase
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		dec := yaml.NewDecoder(strings.NewReader(s))
		dec.KnownFields(true)
		if err := dec.Decode(&p); err != nil {
			return p, fmt.Errorf("--phase %s: %w", s, err)
		}
	} else {
		name, dir, ok := strings.Cut(s, "=")
		if !ok {
			return p, fmt.Errorf("--phase %q: want NAME=DIR or {name: ..., dir: ..., migrate: ..., versions: [...], versions_from: ...}", s)
		}
		p = Phase{Name: name, Dir: dir}
	}
	if err := p.check(); err != nil {
		return p, fmt.Errorf("--phase %s: %w", s, err)
	}
	return p, nil
}

// resolvePhases builds the run's upgrade phases from the config, the
// command line and the --trunk/--patch shorthand, and checks out git
// refs. cleanup removes the temporary worktrees; it is never nil.
func resolvePhases(ctx context.Context, o Options) (phases []Phase, cleanup func() []string, err error) {
	c := o.Config
	var trees []*worktree
	cleanup = func() []string {
		var problems []string
		for _, t := range trees {
			if err := t.remove(); err != nil {
				problems = append(problems, err.Error())
			}
		}
		trees = nil
		return problems
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	phases = append([]Phase(nil), c.Phases...)
	if len(o.Phases) > 0 {
		phases = append([]Phase(nil), o.Phases...)
	}
	if o.Trunk != "" || o.Patch != "" {
		if len(phases) == 0 {
			if o.Trunk == "" {
				return nil, cleanup, fmt.Errorf("--patch needs --trunk: the tree (or git ref) trunk's migrations run with")
			}
			phases = []Phase{{Name: "trunk"}, {Name: "patch"}}
		}
		patch := o.Patch
		if patch == "" {
			patch = "."
		}
		for flag, spec := range map[string]string{"trunk": o.Trunk, "patch": patch} {
			i := phaseIndex(phases, flag)
			if i < 0 {
				return nil, cleanup, fmt.Errorf("--%s: the plan has no phase named %s", flag, flag)
			}
			if spec == "" {
				continue
			}
			phases[i].Dir, phases[i].Ref = spec, ""
			if st, err := os.Stat(spec); err != nil || !st.IsDir() {
				if flag == "patch" {
					return nil, cleanup, fmt.Errorf("--patch %s: not a directory", spec)
				}
				phases[i].Dir, phases[i].Ref = "", spec
			}
		}
	}
	if len(phases) == 0 {
		phases = []Phase{{Name: phaseDefault}}
	}
	seen := map[string]bool{}
	for i := range phases {
		p := &phases[i]
		if err := p.check(); err != nil {
			return nil, cleanup, err
		}
		if seen[p.Name] {
			return nil, cleanup, fmt.Errorf("two phases are named %s", p.Name)
		}
		seen[p.Name] = true
		if p.Migrate == "" {
			p.Migrate = o.Migrate
		}
		if p.Migrate == "" {
			return nil, cleanup, fmt.Errorf("phase %s: no migration command (--migrate, or migrate: in the phase)", p.Name)
		}
		if len(p.Versions) == 0 && p.VersionsFrom == "" {
			p.Versions, p.VersionsFrom = o.Versions, o.VersionsFrom
		}
		if p.Dir == "" && p.Ref == "" {
			p.Dir = o.Dir
			if p.Dir == "" {
				p.Dir = c.Dir
			}
		}
	}
	// A ref is checked out from the repository of the last phase's tree
	// (the change under test), at the same place inside it.
	last := phases[len(phases)-1]
	for i := range phases {
		p := &phases[i]
		if p.Ref == "" {
			if p.Dir, err = filepath.Abs(p.Dir); err != nil {
				return nil, cleanup, err
			}
			continue
		}
		if last.Dir == "" {
			return nil, cleanup, fmt.Errorf("phase %s: ref %s needs the last phase (%s) to be a directory in a git repository", p.Name, p.Ref, last.Name)
		}
		t, err := addWorktree(ctx, last.Dir, p.Ref)
		if err != nil {
			return nil, cleanup, fmt.Errorf("phase %s: %s is not a directory, and %w", p.Name, p.Ref, err)
		}
		trees = append(trees, t)
		p.Dir, p.commit = t.dir, t.commit
	}
	if c.Plan.DowngradeTo != "" && !phases[len(phases)-1].stepwise() {
		return nil, cleanup, fmt.Errorf("plan.downgrade_to needs a migration command with {version} in phase %s", phases[len(phases)-1].Name)
	}
	return phases, cleanup, nil
}

func phaseIndex(phases []Phase, name string) int {
	for i, p := range phases {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// worktree is a temporary git worktree of a ref.
type worktree struct {
	repo, root, dir, commit string
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

// addWorktree checks ref out (detached) into a new temporary directory,
// readable by the unprivileged user migrations run as. The returned dir
// is the same subdirectory of the checkout as in's is of its repository.
func addWorktree(ctx context.Context, in, ref string) (*worktree, error) {
	top, err := git(ctx, in, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git repository: %w", in, err)
	}
	commit, err := git(ctx, top, "rev-parse", "--verify", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("not a git ref in %s: %w", top, err)
	}
	absIn, err := filepath.Abs(in)
	if err != nil {
		return nil, err
	}
	realIn, _ := filepath.EvalSymlinks(absIn)
	rel, err := filepath.Rel(top, realIn)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = "."
	}
	root, err := os.MkdirTemp("", "gate-worktree-")
	if err != nil {
		return nil, err
	}
	os.Chmod(root, 0o755)
	t := &worktree{repo: top, root: root, commit: commit}
	tree := filepath.Join(root, filepath.Base(top))
	// Not ctx: a worktree half made by a cancelled git is harder to
	// remove than a whole one.
	if _, err := git(context.Background(), top, "worktree", "add", "--detach", tree, commit); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	t.dir = filepath.Join(tree, rel)
	return t, nil
}

// remove deletes the worktree and git's record of it.
func (t *worktree) remove() error {
	tree := filepath.Join(t.root, filepath.Base(t.repo))
	_, err := git(context.Background(), t.repo, "worktree", "remove", "--force", tree)
	if rerr := os.RemoveAll(t.root); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("removing the temporary worktree %s: %w", tree, err)
	}
	return nil
}
