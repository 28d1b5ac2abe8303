package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
	// Isolation: "auto" (default: network namespace, required) or "off".
	Isolation string
	RunAs     string
	// Scrub options (index, values, patterns); the run's own secrets are
	// added.
	Scrub scrub.Options
	// Dir is where commands run (default: the dataset directory).
	Dir      string
	Progress func(done, total int64)
	Log      func(format string, args ...any) // progress messages (already scrubbed)
}

// Step is one measured migration step.
type Step struct {
	Kind     string           `json:"kind"` // upgrade, downgrade, idempotence
	From     string           `json:"from"`
	To       string           `json:"to"`
	Seconds  float64          `json:"seconds"`
	Exit     int              `json:"exit"`
	TimedOut bool             `json:"timed_out,omitempty"`
	Measured int              `json:"measured"` // 2 when re-measured
	Counters map[string]int64 `json:"counters"`
	// Limits that applied: "seconds" and counter names.
	Limits   map[string]float64 `json:"limits"`
	Problems []string           `json:"problems,omitempty"`
	Log      string             `json:"-"` // scrubbed output
	LogFile  string             `json:"log_file,omitempty"`
}

// Name is "FROM->TO".
func (s *Step) Name() string { return s.From + "->" + s.To }

// Result is a run's outcome.
type Result struct {
	Dataset         string    `json:"dataset"`
	Project         string    `json:"project"`
	Status          string    `json:"status"`   // SUCCESS, FAILURE or WARNING
	Messages        []string  `json:"messages"` // turbo-hipster wording
	Started         time.Time `json:"started"`
	Seconds         float64   `json:"seconds"`
	Steps           []*Step   `json:"steps"`
	LoadBytes       int64     `json:"load_bytes"`
	LoadSeconds     float64   `json:"load_seconds"`
	Rows            int64     `json:"rows"`
	FinalVersion    string    `json:"final_version,omitempty"`
	ExpectedVersion string    `json:"expected_version,omitempty"`
	Drift           []string  `json:"drift,omitempty"`
	Isolation       string    `json:"isolation"`
	Engine          string    `json:"engine"`
	Notes           []string  `json:"notes,omitempty"`
	ServerLog       string    `json:"-"` // scrubbed
	SlowLog         string    `json:"-"` // scrubbed
	Scrubbed        int       `json:"scrubbed"`
}

func (r *Result) fail(msg string) {
	r.Messages = append(r.Messages, msg)
}

// Passed reports a successful vote.
func (r *Result) Passed() bool { return r.Status == "SUCCESS" }

// runner holds a run's state.
type runner struct {
	o        Options
	c        *Config
	e        *engine
	iso      *Isolation
	scrubber *scrub.Scrubber
	res      *Result
	versions []string
	dir      string
}

// Run executes the plan. Setup errors (bad options, no server) are
// returned as errors; everything that happens to the dataset is in the
// Result.
func Run(ctx context.Context, o Options) (*Result, error) {
	c := o.Config
	if o.Migrate == "" {
		return nil, fmt.Errorf("no migration command (--migrate)")
	}
	r := &runner{o: o, c: c, res: &Result{Dataset: c.Name, Project: c.Project, Started: time.Now().UTC()}}
	r.dir = o.Dir
	if r.dir == "" {
		r.dir = c.Dir
	}
	iso, err := setupIsolation(o.Isolation, o.RunAs)
	if err != nil {
		return nil, err
	}
	r.iso = iso
	r.res.Isolation = iso.String()
	if iso.Mode == "off" {
		r.res.Notes = append(r.res.Notes, "isolation was off (--isolation=off): migrations could reach the network")
	}
	e, err := openEngine(ctx, o.DSN, c)
	if err != nil {
		return nil, err
	}
	defer e.close()
	r.e = e
	r.res.Engine = "throwaway MariaDB/MySQL (dbserver)"
	if o.DSN != "" {
		r.res.Engine = "given server (--dsn)"
	}
	// Everything written goes through this scrubber; the run's secrets
	// are always in it.
	so := o.Scrub
	so.Values = append(append([]scrub.Value(nil), so.Values...), scrub.RunSecrets(o.DSN)...)
	if c.DBPass != "" {
		so.Values = append(so.Values, scrub.Value{Kind: "password", Text: c.DBPass, Source: "run"})
	}
	for _, name := range c.ScrubEnv {
		if v := os.Getenv(name); v != "" {
			so.Values = append(so.Values, scrub.Value{Kind: "env", Text: v, Source: "run"})
		}
	}
	if r.scrubber, err = scrub.New(so); err != nil {
		return nil, err
	}
	start := time.Now()
	r.plan(ctx)
	r.res.Seconds = time.Since(start).Seconds()
	if e.srv != nil {
		if b, err := os.ReadFile(e.srv.ErrorLog()); err == nil {
			r.res.ServerLog = r.clean(b)
		}
		if b := e.slowLog(); len(b) > 0 {
			r.res.SlowLog = r.clean(b)
		}
	}
	r.vote()
	return r.res, nil
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
	if err := r.loadVersions(ctx); err != nil {
		r.res.Notes = append(r.res.Notes, r.clean([]byte(err.Error())))
		r.res.fail("No migrations run")
		return
	}
	if strings.Contains(r.o.Migrate, "{version}") {
		r.stepwise(ctx)
	} else {
		r.single(ctx)
	}
	if len(r.res.Steps) == 0 {
		return
	}
	r.checkVersion(ctx)
	if c.Drift != "off" && !r.failed() {
		r.drift(ctx)
	}
}

func (r *runner) failed() bool {
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

var splitVersions = regexp.MustCompile(`[\s,]+`)

func (r *runner) loadVersions(ctx context.Context) error {
	r.versions = r.o.Versions
	if r.o.VersionsFrom != "" {
		res := r.iso.run(ctx, Command{Phase: "versions", Dir: r.dir, Shell: expand(r.o.VersionsFrom, r.e.placeholders(r.c.Database)), Env: r.e.env(r.e.placeholders(r.c.Database)), Timeout: 5 * time.Minute}, nil)
		if res.exit != 0 {
			return fmt.Errorf("--versions-from failed (exit %d): %s", res.exit, res.output)
		}
		for _, v := range splitVersions.Split(strings.TrimSpace(string(res.output)), -1) {
			if v != "" {
				r.versions = append(r.versions, v)
			}
		}
	}
	if strings.Contains(r.o.Migrate, "{version}") && len(r.versions) == 0 {
		return fmt.Errorf("the migration command takes {version} but no versions were given (--versions or --versions-from)")
	}
	return nil
}

// stepwise: one command run per version.
func (r *runner) stepwise(ctx context.Context) {
	v := r.versions
	r.logf("upgrading to base %s", v[0])
	if !r.step(ctx, "upgrade", "seed", v[0]) {
		return
	}
	for i := 1; i < len(v); i++ {
		if !r.step(ctx, "upgrade", v[i-1], v[i]) {
			return
		}
	}
	last := v[len(v)-1]
	if r.c.Plan.Downgrade && len(v) > 1 {
		if !r.step(ctx, "downgrade", last, v[0]) {
			return
		}
		for i := 1; i < len(v); i++ {
			if !r.step(ctx, "upgrade", v[i-1], v[i]) {
				return
			}
		}
	}
	if r.c.Plan.Idempotence {
		st := r.measure(ctx, "idempotence", last, last)
		if st.Exit == 0 && st.Counters["XInnodb_rows_changed"] != 0 {
			st.Problems = append(st.Problems, fmt.Sprintf("FAILURE - Running the final upgrade again changed %d rows (not idempotent)", st.Counters["XInnodb_rows_changed"]))
		}
	}
}

// step runs and judges one step; false stops the plan.
func (r *runner) step(ctx context.Context, kind, from, to string) bool {
	var snap string
	if r.c.remeasure() && r.e.srv != nil && kind != "idempotence" {
		// Keep the starting state, in case the step is slow and must be
		// measured again. Copying needs the server stopped, which also
		// makes the measurement cold.
		var err error
		if snap, err = r.e.snapshot(ctx, fmt.Sprintf("%d", len(r.res.Steps))); err != nil {
			r.res.Notes = append(r.res.Notes, "could not snapshot before "+from+"->"+to+": "+err.Error())
			snap = ""
		}
	}
	st := r.measure(ctx, kind, from, to)
	if st.Exit != 0 || st.TimedOut {
		return false
	}
	limit := st.Limits["seconds"]
	if st.Seconds > limit && snap != "" {
		r.logf("%s took %.1fs (limit %.0fs): measuring again from the same state", st.Name(), st.Seconds, limit)
		if err := r.e.restore(ctx, snap); err == nil {
			r.res.Steps = r.res.Steps[:len(r.res.Steps)-1]
			again := r.measure(ctx, kind, from, to)
			again.Measured = 2
			if again.Exit != 0 || again.TimedOut {
				return false
			}
		}
	}
	if snap != "" {
		os.RemoveAll(snap)
	}
	return true
}

// measure runs the command for one target version and records the step.
func (r *runner) measure(ctx context.Context, kind, from, to string) *Step {
	if r.c.Plan.Cold && r.e.srv != nil {
		if err := r.e.restart(ctx); err != nil {
			r.res.Notes = append(r.res.Notes, "restart before "+from+"->"+to+" failed: "+err.Error())
		}
	}
	p := r.e.placeholders(r.c.Database)
	p["version"] = to
	st := &Step{Kind: kind, From: from, To: to, Measured: 1}
	r.logf("%s %s -> %s...", kind, from, to)
	before, err := r.e.status(ctx)
	if err != nil {
		r.res.Notes = append(r.res.Notes, "SHOW GLOBAL STATUS: "+err.Error())
	}
	res := r.iso.run(ctx, Command{Phase: "upgrade", Dir: r.dir, Shell: expand(r.o.Migrate, p), Env: r.e.env(p), Timeout: r.c.stepTimeout()}, nil)
	after, _ := r.e.status(ctx)
	st.Seconds, st.Exit, st.TimedOut = res.seconds, res.exit, res.timedOut
	st.Counters = delta(before, after)
	st.Log = r.clean(res.output)
	r.judge(st)
	if res.timedOut {
		st.Problems = append(st.Problems, fmt.Sprintf("FAILURE - Migration started but did not end (%s killed after %.0fs)", st.Name(), r.c.StepTimeout))
	} else if res.exit != 0 {
		st.Problems = append(st.Problems, fmt.Sprintf("FAILURE - Migration started but did not end (%s exited with status %d)", st.Name(), res.exit))
	}
	r.logf("done %s in %.1fs", st.Name(), st.Seconds)
	r.res.Steps = append(r.res.Steps, st)
	return st
}

// judge compares a step with its limits.
func (r *runner) judge(st *Step) {
	st.Limits = r.c.counterLimits(st.From, st.To)
	st.Limits["seconds"] = r.c.MaxTimes.Limit(st.From, st.To, DefaultMaxTime)
	if st.Seconds > st.Limits["seconds"] {
		st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s took too long", st.Name()))
	}
	if v := st.Counters["XInnodb_rows_changed"]; float64(v) > st.Limits["XInnodb_rows_changed"] {
		st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s changed too many rows (%d)", st.Name(), v))
	}
	if v := st.Counters["Innodb_rows_read"]; float64(v) > st.Limits["Innodb_rows_read"] {
		st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s read too many rows (%d)", st.Name(), v))
	}
	for name, limit := range st.Limits {
		switch name {
		case "seconds", "XInnodb_rows_changed", "Innodb_rows_read":
			continue
		}
		if v := st.Counters[name]; float64(v) > limit {
			st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s exceeded %s (%d)", st.Name(), name, v))
		}
	}
}

// defaultStart/End: "N -> M..." and "done" (turbo-hipster's nova-manage
// patch), and alembic's "Running upgrade A -> B, message".
var (
	defaultStart = regexp.MustCompile(`(?:Running (?:upgrade|downgrade) (?P<from>[\w.-]*) -> (?P<to>[\w.-]+)|^(?P<from2>\w+) -> (?P<to2>\w+)\.\.\.)`)
	defaultEnd   = regexp.MustCompile(`(?:^|\s)done$`)
)

// single: one run of the command, split into steps at the markers, with
// counters read at each marker.
func (r *runner) single(ctx context.Context) {
	start, end := defaultStart, (*regexp.Regexp)(nil)
	if r.c.Markers.Start != "" {
		re, err := regexp.Compile(r.c.Markers.Start)
		if err != nil {
			r.res.Notes = append(r.res.Notes, "markers.start: "+err.Error())
			r.res.fail("No migrations run")
			return
		}
		start = re
	} else {
		end = defaultEnd
	}
	if r.c.Markers.End != "" {
		re, err := regexp.Compile(r.c.Markers.End)
		if err != nil {
			r.res.Notes = append(r.res.Notes, "markers.end: "+err.Error())
			r.res.fail("No migrations run")
			return
		}
		end = re
	}
	p := r.e.placeholders(r.c.Database)
	var cur *Step
	var curStart time.Time
	var curBefore map[string]int64
	var logBuf bytes.Buffer
	finish := func(at time.Time) {
		if cur == nil {
			return
		}
		after, _ := r.e.status(ctx)
		cur.Seconds = at.Sub(curStart).Seconds()
		cur.Counters = delta(curBefore, after)
		cur.Log = r.clean(logBuf.Bytes())
		r.judge(cur)
		r.res.Steps = append(r.res.Steps, cur)
		cur = nil
	}
	runStart := time.Now()
	var unended *Step
	res := r.iso.run(ctx, Command{Phase: "upgrade", Dir: r.dir, Shell: expand(r.o.Migrate, p), Env: r.e.env(p), Timeout: r.c.stepTimeout()}, func(l line) {
		if cur != nil {
			logBuf.WriteString(l.text + "\n")
		}
		if m := start.FindStringSubmatch(l.text); m != nil {
			from, to := captured(start, m)
			if cur != nil && end != nil {
				unended = cur // a new start before the last one's end
			}
			finish(l.at)
			cur = &Step{Kind: "upgrade", From: from, To: to, Measured: 1}
			if strings.Contains(strings.ToLower(l.text), "downgrade") {
				cur.Kind = "downgrade"
			}
			curStart = l.at
			curBefore, _ = r.e.status(ctx)
			logBuf.Reset()
			logBuf.WriteString(l.text + "\n")
			return
		}
		if end != nil && cur != nil && end.MatchString(l.text) {
			finish(l.at)
		}
	})
	if cur != nil {
		if end != nil || res.exit != 0 || res.timedOut {
			unended = cur
		}
		finish(time.Now())
	}
	whole := &Step{Kind: "run", From: "seed", To: "head", Seconds: time.Since(runStart).Seconds(), Exit: res.exit, TimedOut: res.timedOut, Log: r.clean(res.output), Measured: 1}
	switch {
	case res.timedOut:
		r.res.fail(fmt.Sprintf("FAILURE - Migration started but did not end (killed after %.0fs)", r.c.StepTimeout))
	case unended != nil:
		r.res.fail("FAILURE - Did not find the end of a migration after a start")
	case res.exit != 0:
		r.res.fail(fmt.Sprintf("FAILURE - Migration started but did not end (exit status %d)", res.exit))
	}
	if len(r.res.Steps) == 0 {
		// No markers: keep the whole run as one step so its log is kept.
		r.res.Steps = append(r.res.Steps, whole)
	} else {
		last := r.res.Steps[len(r.res.Steps)-1]
		last.Exit, last.TimedOut = res.exit, res.timedOut
		r.res.Steps[0].Log = whole.Log // the full log, scrubbed, stays with the run
	}
	if len(r.versions) == 0 && len(r.res.Steps) > 0 {
		r.versions = []string{r.res.Steps[len(r.res.Steps)-1].To}
	}
}

func captured(re *regexp.Regexp, m []string) (string, string) {
	var from, to string
	for i, n := range re.SubexpNames() {
		if m[i] == "" {
			continue
		}
		switch n {
		case "from", "from2":
			from = m[i]
		case "to", "to2":
			to = m[i]
		}
	}
	if from == "" && to == "" && len(m) >= 3 {
		from, to = m[1], m[2]
	}
	if from == "" {
		from = "base"
	}
	return from, to
}

// checkVersion compares the database's version with the last one.
func (r *runner) checkVersion(ctx context.Context) {
	if r.c.VersionQuery == "" || len(r.versions) == 0 || r.failed() {
		return
	}
	r.res.ExpectedVersion = r.versions[len(r.versions)-1]
	got, err := r.e.query1(ctx, r.c.Database, r.c.VersionQuery)
	if err != nil {
		r.res.Notes = append(r.res.Notes, "version_query: "+r.clean([]byte(err.Error())))
	}
	r.res.FinalVersion = got
	if got != r.res.ExpectedVersion {
		r.res.fail("FAILURE - Final schema version does not match expectation")
	}
}

// drift migrates an empty database to the same version and compares its
// schema with the dataset's.
func (r *runner) drift(ctx context.Context) {
	fresh := r.c.Database + "_fresh"
	if err := r.e.createDB(ctx, fresh, r.c); err != nil {
		r.res.Notes = append(r.res.Notes, "drift check: "+err.Error())
		return
	}
	p := r.e.placeholders(fresh)
	if err := r.render(fresh); err != nil {
		r.res.Notes = append(r.res.Notes, "drift check: "+err.Error())
		return
	}
	defer r.render(r.c.Database)
	cmds := []string{expand(r.o.Migrate, p)}
	if strings.Contains(r.o.Migrate, "{version}") {
		cmds = nil
		for _, v := range r.versions {
			p["version"] = v
			cmds = append(cmds, expand(r.o.Migrate, p))
		}
	}
	for _, cmd := range cmds {
		res := r.iso.run(ctx, Command{Phase: "drift", Dir: r.dir, Shell: cmd, Env: r.e.env(p), Timeout: r.c.stepTimeout()}, nil)
		if res.exit != 0 {
			r.res.Notes = append(r.res.Notes, "drift check: migrating an empty database failed: "+r.clean(res.output))
			return
		}
	}
	a, err1 := r.e.schema(ctx, r.c.Database)
	b, err2 := r.e.schema(ctx, fresh)
	if err1 != nil || err2 != nil {
		r.res.Notes = append(r.res.Notes, fmt.Sprintf("drift check: %v %v", err1, err2))
		return
	}
	have := map[string]bool{}
	for _, l := range b {
		have[l] = true
	}
	dataset := map[string]bool{}
	for _, l := range a {
		dataset[l] = true
		if !have[l] {
			r.res.Drift = append(r.res.Drift, "only in the dataset: "+l)
		}
	}
	for _, l := range b {
		if !dataset[l] {
			r.res.Drift = append(r.res.Drift, "only in a fresh database: "+l)
		}
	}
	if len(r.res.Drift) > 0 {
		level := "WARNING"
		if r.c.Drift == "fail" {
			level = "FAILURE"
		}
		r.res.fail(fmt.Sprintf("%s - Schema drift: %d differences from a database migrated from empty", level, len(r.res.Drift)))
	}
}

// vote sets the status: the first problem decides, as in turbo-hipster.
func (r *runner) vote() {
	var msgs []string
	for _, st := range r.res.Steps {
		msgs = append(msgs, st.Problems...)
	}
	msgs = append(msgs, r.res.Messages...)
	if len(r.res.Steps) == 0 && len(msgs) == 0 {
		msgs = append(msgs, "No migrations run")
	}
	r.res.Messages = msgs
	switch {
	case len(msgs) == 0:
		r.res.Status = "SUCCESS"
	case strings.HasPrefix(msgs[0], "WARNING"):
		r.res.Status = "WARNING"
	default:
		r.res.Status = "FAILURE"
	}
	for _, m := range msgs {
		if strings.HasPrefix(m, "FAILURE") {
			r.res.Status = "FAILURE"
		}
	}
}
