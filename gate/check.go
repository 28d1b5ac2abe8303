package gate

import (
	"context"
	"fmt"
)

// The checks after the plan: the final version, and schema drift
// against a database migrated from empty with the patch's code.

// checkVersion compares the database's version with the head.
func (r *runner) checkVersion(ctx context.Context) {
	if r.c.VersionQuery == "" || r.head == "" || r.failed() {
		return
	}
	r.res.ExpectedVersion = r.head
	got, err := r.e.query1(ctx, r.c.Database, r.c.VersionQuery)
	if err != nil {
		r.res.Notes = append(r.res.Notes, "version_query: "+r.clean([]byte(err.Error())))
	}
	r.res.FinalVersion = got
	if got != r.res.ExpectedVersion {
		r.res.fail("FAILURE - Final schema version does not match expectation")
	}
}

// drift migrates an empty database to the same version with the last
// upgrade phase's code (what a fresh install of the change would get)
// and compares its schema with the dataset's.
func (r *runner) drift(ctx context.Context) {
	fresh := r.c.Database + "_fresh"
	if err := r.e.createDB(ctx, fresh, r.c); err != nil {
		r.res.Notes = append(r.res.Notes, "drift check: "+err.Error())
		return
	}
	if err := r.render(fresh); err != nil {
		r.res.Notes = append(r.res.Notes, "drift check: "+err.Error())
		return
	}
	defer r.render(r.c.Database)
	ph := r.phases[len(r.phases)-1]
	ph.Name = "drift"
	p := r.placeholders(&ph, fresh)
	var cmds []Command
	if ph.stepwise() {
		for _, v := range r.walk {
			p["version"] = v
			cmds = append(cmds, r.command(&ph, ph.Migrate, p, r.c.stepTimeout()))
		}
	} else {
		cmds = append(cmds, r.command(&ph, ph.Migrate, p, r.c.stepTimeout()))
	}
	for _, cmd := range cmds {
		res := r.iso.run(ctx, cmd, nil)
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
