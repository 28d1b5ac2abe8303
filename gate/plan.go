package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The plan, turbo-hipster's: upgrade with each upgrade phase's code to
// its head (trunk, then the patch), then optionally downgrade with the
// patch's code and upgrade again.

var splitVersions = regexp.MustCompile(`[\s,]+`)

// placeholders for a phase's commands: the database's and {dir}.
func (r *runner) placeholders(ph *Phase, db string) map[string]string {
	p := r.e.placeholders(db)
	p["dir"] = ph.Dir
	return p
}

// command is a phase's command line for one run.
func (r *runner) command(ph *Phase, shell string, p map[string]string, timeout time.Duration) Command {
	return Command{Phase: ph.Name, Dir: ph.Dir, Shell: expand(shell, p), Env: r.e.env(p), Timeout: timeout}
}

// listVersions runs the phase's versions_from in its tree.
func (r *runner) listVersions(ctx context.Context, ph *Phase, pr *PhaseResult) ([]string, error) {
	if ph.VersionsFrom == "" {
		return ph.Versions, nil
	}
	res := r.iso.run(ctx, r.command(ph, ph.VersionsFrom, r.placeholders(ph, r.c.Database), 5*time.Minute), nil)
	pr.Log += "$ versions from: " + ph.VersionsFrom + "\n" + string(res.output)
	if res.exit != 0 {
		return nil, fmt.Errorf("the versions command exited with status %d", res.exit)
	}
	var vs []string
	for _, v := range splitVersions.Split(strings.TrimSpace(string(res.output)), -1) {
		if v != "" {
			vs = append(vs, v)
		}
	}
	return vs, nil
}

func (r *runner) newPhaseResult(ph *Phase) *PhaseResult {
	pr := &PhaseResult{Name: ph.Name, Tree: ph.Dir, Status: "not run"}
	pr.Log = "phase " + ph.Name + ": code tree " + ph.Dir + "\n"
	if ph.Ref != "" {
		pr.Tree = "git " + ph.Ref + " = " + ph.commit + " (a temporary worktree)"
		pr.Log += "checked out from git ref " + ph.Ref + " = " + ph.commit + "\n"
	}
	r.res.Phases = append(r.res.Phases, pr)
	return pr
}

// upgradePhases runs the upgrade phases in order; false stops the plan.
// Every phase gets a result, so a report says which ones did not run.
func (r *runner) upgradePhases(ctx context.Context) bool {
	results := make([]*PhaseResult, len(r.phases))
	for i := range r.phases {
		results[i] = r.newPhaseResult(&r.phases[i])
	}
	multi := len(r.phases) > 1
	for i := range r.phases {
		ph, pr := &r.phases[i], results[i]
		patch := multi && i == len(r.phases)-1
		first, start := len(r.res.Steps), time.Now()
		ok := r.upgradePhase(ctx, ph, pr, patch)
		pr.Steps, pr.Seconds = len(r.res.Steps)-first, time.Since(start).Seconds()
		for _, st := range r.res.Steps[first:] {
			st.New = patch
			if patch && st.Kind == "upgrade" && !slices.Contains(pr.New, st.To) {
				pr.New = append(pr.New, st.To)
			}
		}
		if !ok {
			pr.Status = "failed"
			return false
		}
		pr.Status = "ok"
		if patch && pr.Steps == 0 {
			r.res.fail(NoMigrations)
			r.res.Notes = append(r.res.Notes, fmt.Sprintf("phase %s adds no migration to phase %s's: nothing new to vote on", ph.Name, r.phases[i-1].Name))
		}
	}
	return true
}

// upgradePhase walks one phase: with {version}, each version its tree
// knows that no earlier phase reached; otherwise one run split at the
// markers.
func (r *runner) upgradePhase(ctx context.Context, ph *Phase, pr *PhaseResult, patch bool) bool {
	versions, err := r.listVersions(ctx, ph, pr)
	if err != nil {
		r.res.fail(fmt.Sprintf("FAILURE - Could not list the versions of phase %s (%v)", ph.Name, err))
		return false
	}
	pr.Versions = versions
	if ph.stepwise() && len(versions) == 0 {
		r.res.fail(fmt.Sprintf("FAILURE - Phase %s has no versions: its migration command takes {version} but none were given (versions or versions_from)", ph.Name))
		return false
	}
	var missing []string
	for _, v := range r.walk {
		if len(versions) > 0 && !slices.Contains(versions, v) {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		r.res.Notes = append(r.res.Notes, fmt.Sprintf("phase %s's tree does not know %s, which earlier phases ran", ph.Name, strings.Join(missing, ", ")))
	}
	if !ph.stepwise() {
		ok := r.single(ctx, ph, pr)
		if len(versions) > 0 {
			r.head = versions[len(versions)-1]
		}
		return ok
	}
	r.logf("phase %s: %d versions in %s", ph.Name, len(versions), ph.Dir)
	for _, v := range versions {
		if slices.Contains(r.walk, v) {
			continue
		}
		from := "seed"
		if len(r.walk) > 0 {
			from = r.walk[len(r.walk)-1]
		}
		if !r.step(ctx, ph, "upgrade", from, v) {
			return false
		}
		r.walk = append(r.walk, v)
		r.head = v
	}
	return true
}

// downgradePhases: plan.downgrade_to (with the last upgrade phase's
// code), then plan.reupgrade.
func (r *runner) downgradePhases(ctx context.Context) {
	if r.failed() || len(r.walk) == 0 {
		return
	}
	last := r.phases[len(r.phases)-1]
	down, up := last, last
	down.Name, up.Name = PhaseDowngrade, PhaseReupgrade
	head := r.walk[len(r.walk)-1]
	if t := r.c.Plan.DowngradeTo; t != "" {
		if t == FirstOfRelease {
			t = r.walk[0]
		}
		i := slices.Index(r.walk, t)
		pr := r.newPhaseResult(&down)
		switch {
		case i < 0:
			pr.Status = "failed"
			r.res.fail(fmt.Sprintf("FAILURE - Could not downgrade (phase %s: downgrade_to %s is not among the versions walked: %s)", PhaseDowngrade, t, strings.Join(r.walk, ", ")))
			return
		case i == len(r.walk)-1:
			r.res.Notes = append(r.res.Notes, "downgrade_to is the head: nothing to downgrade")
		default:
			ok := r.timedPhase(pr, func() bool { return r.step(ctx, &down, "downgrade", head, t) })
			if !ok {
				return
			}
			if r.c.Plan.Reupgrade {
				pr := r.newPhaseResult(&up)
				r.timedPhase(pr, func() bool {
					for j := i + 1; j < len(r.walk); j++ {
						if !r.step(ctx, &up, "upgrade", r.walk[j-1], r.walk[j]) {
							return false
						}
					}
					return true
				})
			}
			return
		}
	}
	if r.c.Plan.Reupgrade {
		pr := r.newPhaseResult(&up)
		r.timedPhase(pr, func() bool {
			st := r.measure(ctx, &up, "idempotence", head, head)
			if st.Exit == 0 && st.Counters["XInnodb_rows_changed"] != 0 {
				st.Problems = append(st.Problems, fmt.Sprintf("FAILURE - Running the final upgrade again changed %d rows (phase %s, step %s: not idempotent)", st.Counters["XInnodb_rows_changed"], up.Name, st.Name()))
			}
			return st.Exit == 0 && !st.TimedOut
		})
	}
}

// timedPhase runs a phase's steps and fills in its result.
func (r *runner) timedPhase(pr *PhaseResult, run func() bool) bool {
	first, start := len(r.res.Steps), time.Now()
	ok := run()
	pr.Steps, pr.Seconds = len(r.res.Steps)-first, time.Since(start).Seconds()
	pr.Status = "ok"
	if !ok {
		pr.Status = "failed"
	}
	return ok
}

// step runs and judges one step; false stops the plan.
func (r *runner) step(ctx context.Context, ph *Phase, kind, from, to string) bool {
	var snap string
	if r.c.remeasure() && r.e.srv != nil {
		// Keep the starting state, in case the step is slow and must be
		// measured again. Copying needs the server stopped, which also
		// makes the measurement cold.
		var err error
		if snap, err = r.e.snapshot(ctx, fmt.Sprintf("%d", len(r.res.Steps))); err != nil {
			r.res.Notes = append(r.res.Notes, "could not snapshot before "+from+"->"+to+": "+err.Error())
			snap = ""
		}
	}
	if snap != "" {
		defer os.RemoveAll(snap)
	}
	st := r.measure(ctx, ph, kind, from, to)
	if st.Exit != 0 || st.TimedOut {
		return false
	}
	limit := st.Limits["seconds"]
	if st.Seconds > limit && snap != "" {
		r.logf("%s took %.1fs (limit %.0fs): measuring again from the same state", st.Name(), st.Seconds, limit)
		if err := r.e.restore(ctx, snap); err == nil {
			first := st.Log
			r.res.Steps = r.res.Steps[:len(r.res.Steps)-1]
			again := r.measure(ctx, ph, kind, from, to)
			again.Measured = 2
			again.Log = "[first measurement: " + Duration(st.Seconds) + "]\n" + first + "[measured again from the same state]\n" + again.Log
			if again.Exit != 0 || again.TimedOut {
				return false
			}
		}
	}
	return true
}

// measure runs the phase's command for one target version and records
// the step.
func (r *runner) measure(ctx context.Context, ph *Phase, kind, from, to string) *Step {
	if r.c.Plan.Cold && r.e.srv != nil {
		if err := r.e.restart(ctx); err != nil {
			r.res.Notes = append(r.res.Notes, "restart before "+from+"->"+to+" failed: "+err.Error())
		}
	}
	p := r.placeholders(ph, r.c.Database)
	p["version"] = to
	st := &Step{Phase: ph.Name, Kind: kind, From: from, To: to, Measured: 1}
	r.logf("%s: %s %s -> %s...", ph.Name, kind, from, to)
	before, err := r.e.status(ctx)
	if err != nil {
		r.res.Notes = append(r.res.Notes, "SHOW GLOBAL STATUS: "+err.Error())
	}
	res := r.iso.run(ctx, r.command(ph, ph.Migrate, p, r.c.stepTimeout()), nil)
	after, _ := r.e.status(ctx)
	st.Seconds, st.Exit, st.TimedOut, st.Sandbox = res.seconds, res.exit, res.timedOut, res.peak
	st.Counters = delta(before, after)
	st.Log = r.clean(res.output)
	r.judge(st)
	if res.timedOut {
		st.Problems = append(st.Problems, fmt.Sprintf("FAILURE - Migration started but did not end (phase %s, step %s: killed after %.0fs)", ph.Name, st.Name(), r.c.StepTimeout))
	} else if res.exit != 0 {
		st.Problems = append(st.Problems, fmt.Sprintf("FAILURE - Migration started but did not end (phase %s, step %s: %s)", ph.Name, st.Name(), res.why()))
	}
	r.logf("done %s in %.1fs", st.Name(), st.Seconds)
	r.res.Steps = append(r.res.Steps, st)
	return st
}

// judge compares a step with its limits.
func (r *runner) judge(st *Step) {
	st.Limits = r.c.counterLimits(st.From, st.To)
	st.Limits["seconds"] = r.c.MaxTimes.Limit(st.From, st.To, DefaultMaxTime)
	in := " in phase " + st.Phase
	if st.Seconds > st.Limits["seconds"] {
		st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s took too long%s", st.Name(), in))
	}
	if v := st.Counters["XInnodb_rows_changed"]; float64(v) > st.Limits["XInnodb_rows_changed"] {
		st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s changed too many rows (%d)%s", st.Name(), v, in))
	}
	if v := st.Counters["Innodb_rows_read"]; float64(v) > st.Limits["Innodb_rows_read"] {
		st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s read too many rows (%d)%s", st.Name(), v, in))
	}
	names := make([]string, 0, len(st.Limits))
	for name := range st.Limits {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch name {
		case "seconds", "XInnodb_rows_changed", "Innodb_rows_read":
			continue
		}
		if v := st.Counters[name]; float64(v) > st.Limits[name] {
			st.Problems = append(st.Problems, fmt.Sprintf("WARNING - Migration %s exceeded %s (%d)%s", st.Name(), name, v, in))
		}
	}
}

// defaultStart/End: "N -> M..." and "done" (turbo-hipster's nova-manage
// patch), and alembic's "Running upgrade A -> B, message".
var (
	defaultStart = regexp.MustCompile(`(?:Running (?:upgrade|downgrade) (?P<from>[\w.-]*) -> (?P<to>[\w.-]+)|^(?P<from2>\w+) -> (?P<to2>\w+)\.\.\.)`)
	defaultEnd   = regexp.MustCompile(`(?:^|\s)done$`)
)

// markers returns the start and end patterns (end nil: a step ends
// where the next starts).
func (r *runner) markers() (start, end *regexp.Regexp, err error) {
	start, end = defaultStart, nil
	if r.c.Markers.Start != "" {
		if start, err = regexp.Compile(r.c.Markers.Start); err != nil {
			return nil, nil, fmt.Errorf("markers.start: %w", err)
		}
	} else {
		end = defaultEnd
	}
	if r.c.Markers.End != "" {
		if end, err = regexp.Compile(r.c.Markers.End); err != nil {
			return nil, nil, fmt.Errorf("markers.end: %w", err)
		}
	}
	return start, end, nil
}

// single: one run of the phase's command, split into steps at the
// markers, with counters read at each marker. The whole output goes to
// the phase's log.
func (r *runner) single(ctx context.Context, ph *Phase, pr *PhaseResult) bool {
	start, end, err := r.markers()
	if err != nil {
		r.res.Notes = append(r.res.Notes, err.Error())
		r.res.fail(NoMigrations)
		return false
	}
	p := r.placeholders(ph, r.c.Database)
	var cur *Step
	var curStart time.Time
	var curBefore map[string]int64
	var logBuf bytes.Buffer
	first := len(r.res.Steps)
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
		r.walk = append(r.walk, cur.To)
		r.head = cur.To
		cur = nil
	}
	runStart := time.Now()
	var unended *Step
	res := r.iso.run(ctx, r.command(ph, ph.Migrate, p, r.c.stepTimeout()), func(l line) {
		if cur != nil {
			logBuf.WriteString(l.text + "\n")
		}
		if m := start.FindStringSubmatch(l.text); m != nil {
			from, to := captured(start, m)
			if cur != nil && end != nil {
				unended = cur // a new start before the last one's end
			}
			finish(l.at)
			cur = &Step{Phase: ph.Name, Kind: "upgrade", From: from, To: to, Measured: 1}
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
	pr.Log += "$ " + ph.Migrate + "\n" + string(res.output)
	steps := r.res.Steps[first:]
	switch {
	case res.timedOut:
		r.res.fail(fmt.Sprintf("FAILURE - Migration started but did not end (phase %s: killed after %.0fs)", ph.Name, r.c.StepTimeout))
	case unended != nil:
		r.res.fail(fmt.Sprintf("FAILURE - Did not find the end of a migration after a start (phase %s, step %s)", ph.Name, unended.Name()))
	case res.exit != 0:
		r.res.fail(fmt.Sprintf("FAILURE - Migration started but did not end (phase %s: %s)", ph.Name, res.why()))
	}
	if len(steps) > 0 {
		last := steps[len(steps)-1]
		last.Exit, last.TimedOut = res.exit, res.timedOut
	} else if res.exit != 0 || res.timedOut || len(r.phases) == 1 {
		// No markers: the whole run is the phase's one step (of a plan
		// with one phase, or a failed run), so its time is judged.
		whole := &Step{Phase: ph.Name, Kind: "run", From: "seed", To: "head", Seconds: time.Since(runStart).Seconds(), Exit: res.exit, TimedOut: res.timedOut, Log: r.clean(res.output), Measured: 1}
		r.res.Steps = append(r.res.Steps, whole)
	}
	return res.exit == 0 && !res.timedOut && unended == nil
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
