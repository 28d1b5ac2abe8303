package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fuzzyduck/fuzzyduck/gate"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "load a dataset into a throwaway server, run the migrations step by step without network, vote",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "dataset", Required: true, Usage: "dataset directory (config.yaml|config.json + seed dump) or config file"},
			&cli.StringFlag{Name: "migrate", Usage: "migration command of phases without their own; {version}, {dir}, {socket}, {host}, {port}, {user}, {password}, {database}, {dsn}, {sqlalchemy_url} are substituted"},
			&cli.GenericFlag{Name: "phase", Value: &phaseFlag{}, Usage: "an upgrade phase, in order, replacing the config's: NAME=DIR, or {name: N, dir: D, migrate: CMD, versions: [a, b], versions_from: CMD} (repeatable)"},
			&cli.StringFlag{Name: "trunk", Usage: "trunk's code tree: a directory, or a git ref checked out into a temporary worktree for the run (origin/master, HEAD^1)"},
			&cli.StringFlag{Name: "patch", Usage: "the patch's code tree (default: the current directory); with --trunk: the patch's new versions are its versions trunk's lack"},
			&cli.StringFlag{Name: "versions", Usage: "versions to walk, comma-separated; the first is the base"},
			&cli.StringFlag{Name: "versions-from", Usage: "command printing the versions to walk"},
			&cli.StringFlag{Name: "dsn", Usage: "use this MySQL/MariaDB server (go-sql-driver DSN) instead of a throwaway one"},
			&cli.StringFlag{Name: "out", Value: "gate-out", Usage: "directory for the artifacts (result.json, junit.xml, summary.md, report.html, logs/)"},
			&cli.StringSliceFlag{Name: "render", Usage: "TEMPLATE:PATH: write a config file from a template with the same placeholders before the run"},
			&cli.StringFlag{Name: "isolation", Value: "auto", Usage: "auto: run each migration step in a bubblewrap sandbox (no network; sees only its code tree, the paths its command names, the --render files and the database socket; bounded memory, processes, time); netns: network and PID namespaces only (weaker: migrations see the worker's files); off: as they are (trusted local runs)"},
			&cli.StringFlag{Name: "run-as", Value: "nobody", Usage: "unprivileged user for migrations when gate runs as root"},
			&cli.StringFlag{Name: "history", Usage: "append this run's measurements to the history store in this directory"},
			&cli.StringFlag{Name: "dir", Usage: "code tree of phases that name none: the migration command starts there and, in the sandbox, sees it read-only (default: the dataset's directory, which the sandbox hides: the command starts in an empty one)"},
		}, scrubFlags...),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			cfg, err := gate.LoadConfig(c.String("dataset"))
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			so, err := scrubOptions(c)
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			o := gate.Options{
				Config: cfg, Migrate: c.String("migrate"), VersionsFrom: c.String("versions-from"),
				DSN: c.String("dsn"), Render: c.StringSlice("render"), Isolation: c.String("isolation"),
				RunAs: c.String("run-as"), Scrub: so, Dir: c.String("dir"), Protect: protectedPaths(c),
				Phases: c.Generic("phase").(*phaseFlag).phases, Trunk: c.String("trunk"), Patch: c.String("patch"),
				Log: func(format string, args ...any) {
					fmt.Fprintf(os.Stderr, "gate: "+strings.TrimRight(format, "\n")+"\n", args...)
				},
			}
			if v := c.String("versions"); v != "" {
				o.Versions = strings.Split(v, ",")
			}
			if term.IsTerminal(int(os.Stderr.Fd())) {
				var bar *progressbar.ProgressBar
				o.Progress = func(done, total int64) {
					if bar == nil {
						bar = progressbar.DefaultBytes(total, "loading seed")
					}
					bar.Set64(done)
				}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, err := gate.Run(ctx, o)
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			h := c.String("history")
			if h != "" {
				// The report draws this run over the runs before it.
				if res.History, err = gate.LoadHistory(h, ""); err != nil && !os.IsNotExist(err) {
					return cli.Exit(err.Error(), 2)
				}
			}
			if err := res.Write(c.String("out")); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			if h != "" {
				if err := gate.AppendHistory(h, res); err != nil {
					return cli.Exit(err.Error(), 2)
				}
			}
			for _, m := range res.Messages {
				fmt.Println(m)
			}
			if len(res.Phases) > 1 {
				fmt.Println("phases: " + res.PhaseLine())
			}
			for _, st := range res.NewSteps() {
				fmt.Printf("new in %s: %s %s in %.1fs (limit %.0fs): %s\n", st.Phase, st.Kind, st.Name(), st.Seconds, st.Limits["seconds"], st.Verdict())
			}
			fmt.Println(res.Summary())
			fmt.Printf("report: %s/report.html\n", strings.TrimRight(c.String("out"), "/"))
			if !res.Passed() {
				return cli.Exit("", 1)
			}
			return nil
		},
	}
}

// phaseFlag collects --phase values in order (a plain string slice flag
// would split them at commas).
type phaseFlag struct{ phases []gate.Phase }

func (f *phaseFlag) Set(s string) error {
	p, err := gate.ParsePhase(s)
	if err != nil {
		return err
	}
	f.phases = append(f.phases, p)
	return nil
}

func (f *phaseFlag) String() string {
	if f == nil {
		return ""
	}
	var names []string
	for _, p := range f.phases {
		names = append(names, p.Name)
	}
	return strings.Join(names, ",")
}

func thresholdsCommand() *cli.Command {
	return &cli.Command{
		Name:  "thresholds",
		Usage: "propose limits learned from the history store, against the dataset's current ones",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "history", Required: true, Usage: "history directory (written by gate run --history)"},
			&cli.StringFlag{Name: "dataset", Usage: "dataset (config) to compare with and to take the name from"},
			&cli.Int64Flag{Name: "rows", Usage: "scale every sample to a dataset of this many rows (0: as measured)"},
		},
		Action: func(c *cli.Context) error {
			cfg := &gate.Config{}
			name := ""
			if d := c.String("dataset"); d != "" {
				var err error
				if cfg, err = gate.LoadConfig(d); err != nil {
					return cli.Exit(err.Error(), 2)
				}
				name = cfg.Name
			}
			samples, err := gate.LoadHistory(c.String("history"), name)
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			props := gate.Propose(samples, c.Int64("rows"))
			fmt.Printf("%d samples; limits need at least %d samples per step.\n", len(samples), gate.MinSamples)
			if len(props) == 0 {
				fmt.Println("no step has enough samples yet")
				return nil
			}
			fmt.Print(gate.Diff(cfg, props))
			fmt.Println("\n# YAML for the dataset config:")
			fmt.Println("maximum_migration_times:")
			for _, p := range props {
				fmt.Printf("  %q: %.0f\n", p.Step, p.Seconds)
			}
			fmt.Println("Innodb_rows_read:")
			for _, p := range props {
				fmt.Printf("  %q: %.0f\n", p.Step, p.Counters["Innodb_rows_read"])
			}
			fmt.Println("XInnodb_rows_changed:")
			for _, p := range props {
				fmt.Printf("  %q: %.0f\n", p.Step, p.Counters["XInnodb_rows_changed"])
			}
			return nil
		},
	}
}

// protectedPaths are the paths given to gate that migrations must not
// see: its output, history and scrub inputs.
func protectedPaths(c *cli.Context) []string {
	var ps []string
	for _, n := range []string{"out", "history", "index", "rules", "marker-key"} {
		if p := c.String(n); p != "" {
			ps = append(ps, absPath(p))
		}
	}
	for _, p := range c.StringSlice("values") {
		ps = append(ps, absPath(p))
	}
	return ps
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
