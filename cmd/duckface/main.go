// Command duckface scales a dump up or down, keeping every reference and
// unique key valid. See the README.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fuzzyduck/fuzzyduck/internal/cliutil"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/scale"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

func main() {
	fileio.CleanupOnSignal()
	app := &cli.App{
		Name:  "duckface",
		Usage: "scale a MySQL/MariaDB dump up or down without breaking its references",
		Commands: []*cli.Command{
			scaleCommand(), statsCommand(), compareCommand(),
		},
	}
	if err := app.Run(os.Args); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "duckface:", msg)
		}
		var ec cli.ExitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}

// optionalRules: models and rules files add kinds and implicit
// relations; without them only the dump's FOREIGN KEYs count.
func optionalRules(c *cli.Context) (*rules.Set, error) {
	if len(c.StringSlice("models")) == 0 && len(c.StringSlice("rules")) == 0 {
		return rules.NewSet(), nil
	}
	return cliutil.LoadRules(c, os.Stderr)
}

func parseOverrides(specs []string, targets bool) (map[string]float64, map[string]int, error) {
	fs, ts := map[string]float64{}, map[string]int{}
	for _, s := range specs {
		name, v, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, nil, fmt.Errorf("%q: want TABLE=VALUE", s)
		}
		if targets {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, nil, fmt.Errorf("%q: want a row count", s)
			}
			ts[name] = n
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("%q: want a factor", s)
		}
		fs[name] = f
	}
	return fs, ts, nil
}

// parseWindow reads a duration with day and week units too (21d, 3w).
func parseWindow(s string) (time.Duration, error) {
	for unit, d := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, unit); ok {
			f, err := strconv.ParseFloat(n, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("--window %q: want a duration such as 21d, 3w or 36h", s)
			}
			return time.Duration(f * float64(d)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--window %q: want a duration such as 21d, 3w or 36h", s)
	}
	return d, nil
}

// parseSize reads a byte count with an optional k, M or G (powers of
// 1024); empty is 0.
func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	mult := int64(1)
	num := strings.TrimSuffix(strings.TrimSuffix(s, "B"), "i")
	for unit, m := range map[string]int64{"k": 1 << 10, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40} {
		if n, ok := strings.CutSuffix(num, unit); ok {
			num, mult = n, m
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || f*float64(mult) > math.MaxInt64/2 {
		return 0, fmt.Errorf("--size %q: want a byte count such as 800k, 500M or 2G", s)
	}
	return int64(f * float64(mult)), nil
}

func scaleCommand() *cli.Command {
	return &cli.Command{
		Name:      "scale",
		Usage:     "write a scaled copy of a dump (two passes: keys and decisions, then the rows)",
		ArgsUsage: "[DUMP|-]",
		Flags: append([]cli.Flag{cliutil.ModelsFlag, cliutil.RulesFlag, cliutil.KeyFileFlag,
			&cli.StringFlag{Name: "size", Usage: "about this many bytes of rows (800k, 500M, 2G: powers of 1024), whatever the original's size: hides the size (recommended)"},
			&cli.Float64Flag{Name: "factor", Usage: "> 1 scales up, between 0 and 1 down, each table's factor drawn within the --jitter (a guessed factor then gives a table's count within ±25% with a probability of " + fmt.Sprintf("%.0f%%", 100*scale.GuessChance(scale.DefaultJitter)) + ", by luck)"},
			&cli.StringSliceFlag{Name: "table", Usage: "TABLE=FACTOR for a root or independent table (children follow their parents)"},
			&cli.StringSliceFlag{Name: "rows", Usage: "TABLE=N: a target row count (without --factor, any table's target sets the factor)"},
			&cli.Float64Flag{Name: "jitter", Value: scale.DefaultJitter, Usage: "multiply or divide each table's factor by up to 1+P/100 (keyed, log-uniform), so that a guessed factor does not give the counts; 0: the factors as given, and the size leaks to whoever guesses them"},
			&cli.StringFlag{Name: "window", Value: "21d", Usage: "how far a copy's datetimes may move (21d, 3w, 36h); sparse tables get more"},
			&cli.BoolFlag{Name: "json", Usage: "print the written counts as JSON (without the original counts)"},
			&cli.BoolFlag{Name: "original", Usage: "also print the original counts, even when stderr is not a terminal (they reveal the size: never publish them)"},
		}, cliutil.OutputFlags...),
		Action: func(c *cli.Context) error {
			set, err := optionalRules(c)
			if err != nil {
				return err
			}
			tables, _, err := parseOverrides(c.StringSlice("table"), false)
			if err != nil {
				return err
			}
			_, targets, err := parseOverrides(c.StringSlice("rows"), true)
			if err != nil {
				return err
			}
			size, err := parseSize(c.String("size"))
			if err != nil {
				return err
			}
			if !c.IsSet("factor") && len(targets) == 0 && size == 0 {
				return cli.Exit("duckface scale: give --size, --factor, or --rows TABLE=N", 2)
			}
			window, err := parseWindow(c.String("window"))
			if err != nil {
				return err
			}
			jitter := 0.0 // the default, unless asked (--factor 1 alone writes the dump as it is)
			if c.IsSet("jitter") {
				jitter = c.Float64("jitter")
			}
			in, err := cliutil.Spool(c.Args().First())
			if err != nil {
				return err
			}
			defer in.Cleanup()
			key, err := cliutil.LoadKey(c, os.Stderr)
			if err != nil {
				return err
			}
			r, f, err := in.Open()
			if err != nil {
				return err
			}
			plan, err := scale.NewPlan(r, scale.Options{Factor: c.Float64("factor"), Size: size, Tables: tables, Targets: targets, Jitter: jitter, Exact: c.IsSet("jitter") && jitter == 0, Window: window, Key: key, Rules: set})
			f.Close()
			if err != nil {
				return err
			}
			for _, w := range plan.Warnings {
				fmt.Fprintln(os.Stderr, "warning:", w)
			}
			r, f, err = in.Open()
			if err != nil {
				return err
			}
			defer f.Close()
			out, w, err := cliutil.NewOutput(c)
			if err != nil {
				return err
			}
			err = plan.Write(r, w)
			if err == nil {
				err = w.Close()
			}
			if err == nil {
				err = out.Commit()
			}
			if err != nil {
				out.Abort()
				return err
			}
			return summary(os.Stderr, plan, c.Bool("json"), c.Bool("original") || !c.Bool("json") && term.IsTerminal(int(os.Stderr.Fd())))
		},
	}
}

// summary prints the written counts; the original counts, factors and
// targets (which give the original size away) only when asked for or on
// a terminal, so that a CI log of duckface never carries them.
func summary(w io.Writer, plan *scale.Plan, asJSON, original bool) error {
	counts := plan.Counts(original)
	if asJSON {
		return json.NewEncoder(w).Encode(counts)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if original {
		fmt.Fprintln(tw, "(original counts shown on a terminal only: they reveal the size, do not publish them)")
		fmt.Fprintln(tw, "table\toriginal\tfactor\twritten\t")
	} else {
		fmt.Fprintln(tw, "table\twritten\t")
	}
	for _, ct := range counts {
		if !original {
			fmt.Fprintf(tw, "%s\t%d\t\n", ct.Table, ct.Planned)
			continue
		}
		fac := fmt.Sprintf("%.3f", ct.Factor)
		if ct.FollowsParents {
			fac = "(follows parents)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t\n", ct.Table, ct.Original, fac, ct.Planned)
	}
	return tw.Flush()
}

func analyze(c *cli.Context, path string, set *rules.Set) (*scale.Analysis, error) {
	rc, _, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r, err := sqldump.NewReader(rc)
	if err != nil {
		return nil, err
	}
	a, err := scale.Analyze(r, set)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "row counts per table and children-per-parent distributions per relation",
		ArgsUsage: "DUMP",
		Flags:     []cli.Flag{cliutil.ModelsFlag, cliutil.RulesFlag, &cli.BoolFlag{Name: "json"}},
		Action: func(c *cli.Context) error {
			set, err := optionalRules(c)
			if err != nil {
				return err
			}
			a, err := analyze(c, c.Args().First(), set)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return json.NewEncoder(os.Stdout).Encode(a)
			}
			printStats(os.Stdout, a)
			return nil
		},
	}
}

func printStats(w io.Writer, a *scale.Analysis) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "table\trows\tunique violations\t")
	for _, t := range a.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", t.Table, t.Rows, t.UniqueViolations)
	}
	fmt.Fprintln(tw, "\t\t\t")
	fmt.Fprintln(tw, "relation\tparents\tchildren\torphans\tmean\tp50\tp90\tp99\tmax\t")
	for _, r := range a.Relations {
		name := r.Relation
		if r.Implicit {
			name += " (implicit)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t%d\t%d\t%d\t%d\t\n", name, r.Parents, r.Children, r.Orphans, r.Mean, r.P50, r.P90, r.P99, r.Max)
	}
	tw.Flush()
}

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "check a scaled dump against its original: counts, orphans, unique keys, shape (1 - KS)",
		ArgsUsage: "ORIGINAL SCALED",
		Flags: []cli.Flag{cliutil.ModelsFlag, cliutil.RulesFlag, &cli.BoolFlag{Name: "json"},
			&cli.Float64Flag{Name: "factor", Value: 1, Usage: "the factor the dump was scaled by (for targets)"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return cli.Exit("compare needs ORIGINAL and SCALED", 2)
			}
			set, err := optionalRules(c)
			if err != nil {
				return err
			}
			a, err := analyze(c, c.Args().Get(0), set)
			if err != nil {
				return err
			}
			b, err := analyze(c, c.Args().Get(1), set)
			if err != nil {
				return err
			}
			cmp := scale.Compare(a, b, c.Float64("factor"))
			if c.Bool("json") {
				json.NewEncoder(os.Stdout).Encode(cmp)
			} else {
				tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "table\toriginal\ttarget\tactual\tdeviation\tunique violations\t")
				for _, t := range cmp.Tables {
					fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%+.2f%%\t%d\t\n", t.Table, t.Original, t.Target, t.Actual, 100*t.Deviation, t.UniqueViolations)
				}
				fmt.Fprintln(tw, "\t\t\t\t\t\t")
				fmt.Fprintln(tw, "relation\torphans\tsimilarity\t")
				for _, r := range cmp.Relations {
					fmt.Fprintf(tw, "%s\t%d\t%.3f\t\n", r.Relation, r.Orphans, r.Similarity)
				}
				tw.Flush()
			}
			if probs := cmp.Problems(); len(probs) > 0 {
				return cli.Exit(strings.Join(probs, "\n"), 1)
			}
			return nil
		},
	}
}
