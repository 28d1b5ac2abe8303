package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fuzzyduck/fuzzyduck/scrub"
)

// Options configure a run.
type Options struct {
	Config *Config
	// Migrate is the migration command; {version} and the connection
	// placeholders are substituted. Without {version} it runs once and
	// its output is split at the markers.
	Migrate string
	// Versions to walk (the first is the base); VersionsFrom is a command
	// printing them (one per line or separated by spaces/commas).
	Versions     []string
	VersionsFrom string
	DSN          string
	// Render writes templates before the run: "TEMPLATE:PATH".
	Render []string
	// Isolation: "auto" (default: the bubblewrap sandbox, required),
	// "netns" (network and PID namespaces only: weaker) or "off".
	Isolation string
	RunAs     string
	// Protect lists more paths migrations must never see (--out, the
	// scrub inputs); the dataset, its seed and the server's files always
	// are.
	Protect []string
	// Scrub options (index, values, patterns); the run's own secrets are
	// added.
	Scrub scrub.Options
	// Dir is the code tree of phases that name none (default: the
	// dataset directory).
	Dir string
	// Phases replace the config's upgrade phases; Trunk (a directory or a
	// git ref) and Patch (a directory, default ".") set the trees of the
	// phases named trunk and patch, making them if there are none.
	// Phases without their own command and versions take Migrate,
	// Versions and VersionsFrom.
	Phases       []Phase
	Trunk, Patch string
	Progress     func(done, total int64)
	Log          func(format string, args ...any) // progress messages (already scrubbed)
}

// runner holds a run's state.
type runner struct {
	o        Options
	c        *Config
	e        *engine
	iso      *Isolation
	scrubber *scrub.Scrubber
	res      *Result
	// phases are the upgrade phases; walk the versions reached, in order
	// (walk[0] is the base); head the version the run must end at.
	phases []Phase
	walk   []string
	head   string
}

// Run executes the plan. Setup errors (bad options, no server) are
// returned as errors; everything that happens to the dataset is in the
// Result.
func Run(ctx context.Context, o Options) (*Result, error) {
	c := o.Config
	r := &runner{o: o, c: c, res: &Result{Dataset: c.Name, Project: c.Project, Started: time.Now().UTC()}}
	r.res.Notes = append(r.res.Notes, c.Notes...)
	phases, cleanup, err := resolvePhases(ctx, o)
	if err != nil {
		return nil, err
	}
	// Temporary worktrees go whatever happens (a failed step, a signal
	// cancelling ctx); a problem removing one is said in the report.
	defer func() {
		for _, p := range cleanup() {
			r.res.Notes = append(r.res.Notes, p)
		}
	}()
	r.phases = phases
	envSecrets, err := scrubEnvValues(c.ScrubEnv, os.LookupEnv)
	if err != nil {
		return nil, err
	}
	iso, err := setupIsolation(o.Isolation, o.RunAs)
	if err != nil {
		return nil, err
	}
	defer iso.close()
	r.iso = iso
	if n := iso.note(); n != "" {
		r.res.Notes = append(r.res.Notes, n)
	}
	e, err := openEngine(ctx, o.DSN, c, iso.serverWrap())
	if err != nil {
		return nil, err
	}
	defer e.close()
	r.e = e
	if err := iso.prepare(sandboxInputsFor(o, e)); err != nil {
		return nil, err
	}
	r.res.Isolation, r.res.IsolationMode = iso.String(), iso.Mode
	r.res.Engine = "throwaway MariaDB/MySQL (dbserver)"
	if o.DSN != "" {
		r.res.Engine = "given server (--dsn)"
	}
	// Everything written goes through this scrubber; the run's secrets
	// are always in it.
	so := o.Scrub
	secrets, err := scrub.RunSecrets(o.DSN)
	if err != nil {
		return nil, err
	}
	so.Values = append(append([]scrub.Value(nil), so.Values...), secrets...)
	if c.DBPass != "" {
		so.Values = append(so.Values, scrub.Value{Kind: "password", Text: c.DBPass, Source: "run"})
	}
	so.Values = append(so.Values, envSecrets...)
	if r.scrubber, err = scrub.New(so); err != nil {
		return nil, err
	}
	start := time.Now()
	r.plan(ctx)
	r.res.Seconds = time.Since(start).Seconds()
	for _, p := range r.res.Phases {
		p.Log = r.clean([]byte(p.Log))
	}
	if e.srv != nil {
		if b, err := os.ReadFile(e.srv.ErrorLog()); err == nil {
			r.res.ServerLog = r.clean(b)
		}
		if b := e.slowLog(); len(b) > 0 {
			r.res.SlowLog = r.clean(b)
		}
	}
	r.res.vote()
	return r.res, nil
}

// scrubEnvValues reads the values of the dataset's scrub_env variables.
// A variable that is not set is an error (naming it, never a value):
// the operator said its value is secret, and a typo or a variable the
// CI does not pass would otherwise leave the real secret unscrubbed.
func scrubEnvValues(names []string, lookup func(string) (string, bool)) ([]scrub.Value, error) {
	var out []scrub.Value
	for _, name := range names {
		v, ok := lookup(name)
		if !ok {
			return nil, fmt.Errorf("gate: scrub_env: environment variable %s is not set (set it, or take it out of scrub_env)", name)
		}
		if v != "" {
			out = append(out, scrub.Value{Kind: "env", Text: v, Source: "run"})
		}
	}
	return out, nil
}

// clean scrubs text and counts what was removed.
func (r *runner) clean(b []byte) string {
	var out bytes.Buffer
	rep, err := r.scrubber.Scrub(&out, bytes.NewReader(b))
	if err != nil {
		return "[log withheld: scrubbing failed]\n"
	}
	r.res.Scrubbed += rep.Total()
	return out.String()
}

func (r *runner) logf(format string, args ...any) {
	if r.o.Log != nil {
		r.o.Log("%s", r.clean([]byte(fmt.Sprintf(format, args...))))
	}
}

func (r *runner) plan(ctx context.Context) {
	c := r.c
	seed := c.SeedPath()
	if seed == "" {
		r.res.fail("FAILURE - Could not find seed database.")
		r.res.Notes = append(r.res.Notes, "the dataset config names no seed_data")
		return
	}
	if _, err := os.Stat(seed); err != nil {
		r.res.fail("FAILURE - Could not find seed database.")
		r.res.Notes = append(r.res.Notes, r.clean([]byte(err.Error())))
		return
	}
	if err := r.e.createDB(ctx, c.Database, c); err != nil {
		r.res.fail("FAILURE - Could not setup seed database.")
		r.res.Notes = append(r.res.Notes, r.clean([]byte(err.Error())))
		return
	}
	r.logf("loading %s into %s", filepath.Base(seed), c.Database)
	n, d, err := r.e.load(ctx, c.Database, seed, r.progress(seed))
	r.res.LoadBytes, r.res.LoadSeconds = n, d.Seconds()
	if err != nil {
		r.res.fail("FAILURE - Could not setup seed database.")
		r.res.Notes = append(r.res.Notes, r.clean([]byte(err.Error())))
		return
	}
	r.logf("loaded %.1f MB in %.1fs (%.0f MB/s)", float64(n)/1e6, d.Seconds(), float64(n)/1e6/max(d.Seconds(), 1e-9))
	r.res.Rows = r.e.rowCount(ctx, c.Database)
	if st, err := r.e.status(ctx); err == nil && !hasInnodbRowCounters(st) {
		r.res.Notes = append(r.res.Notes, "this server has no Innodb_rows_* counters (MariaDB 10.6+): Rows_read and Handler_write/update/delete stand in for them")
	}
	if err := r.render(c.Database); err != nil {
		r.res.fail("FAILURE - Could not setup seed database.")
		r.res.Notes = append(r.res.Notes, r.clean([]byte(err.Error())))
		return
	}
	if !r.upgradePhases(ctx) {
		return
	}
	r.downgradePhases(ctx)
	if len(r.res.Steps) == 0 {
		return
	}
	r.checkVersion(ctx)
	if c.Drift != "off" && !r.failed() {
		r.drift(ctx)
	}
}

// failed: a step or the run has failed so far.
func (r *runner) failed() bool {
	for _, st := range r.res.Steps {
		for _, m := range st.Problems {
			if strings.HasPrefix(m, "FAILURE") {
				return true
			}
		}
	}
	for _, m := range r.res.Messages {
		if strings.HasPrefix(m, "FAILURE") {
			return true
		}
	}
	return false
}

func (r *runner) progress(seed string) func(int64) {
	if r.o.Progress == nil {
		return nil
	}
	st, err := os.Stat(seed)
	if err != nil {
		return nil
	}
	return func(n int64) { r.o.Progress(n, st.Size()) }
}

// render writes the --render templates with the placeholders.
func (r *runner) render(db string) error {
	p := r.e.placeholders(db)
	for _, spec := range r.o.Render {
		tmpl, path, ok := strings.Cut(spec, ":")
		if !ok {
			return fmt.Errorf("--render %q: want TEMPLATE:PATH", spec)
		}
		b, err := os.ReadFile(tmpl)
		if err != nil {
			return fmt.Errorf("--render: %w", err)
		}
		if err := os.WriteFile(path, []byte(expand(string(b), p)), 0o644); err != nil {
			return fmt.Errorf("--render: %w", err)
		}
	}
	return nil
}
