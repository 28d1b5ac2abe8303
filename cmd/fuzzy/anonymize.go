package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"text/tabwriter"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/cliutil"
	"github.com/urfave/cli/v2"
)

type spooled = cliutil.Spooled

var (
	keyFileFlag = cliutil.KeyFileFlag
	outputFlags = cliutil.OutputFlags
	loadKey     = cliutil.LoadKey
	spool       = cliutil.Spool
	newOutput   = cliutil.NewOutput
	progressFor = cliutil.Progress
)

func anonymizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "anonymize",
		Usage:     "rewrite the marked columns of a dump, and what is confidential around its rows (header, comments, DEFINERs, DDL literals, counters); refuse what it cannot read",
		ArgsUsage: "[DUMP|-]",
		Flags: append([]cli.Flag{modelsFlag, rulesFlag, keyFileFlag, privacyFlag,
			&cli.IntFlag{Name: "workers", Usage: "parallel workers (default: number of CPUs)"},
			&cli.StringFlag{Name: "system", Value: "refuse", Usage: "system data (accounts, grants, servers, statistics, the mysql schema): refuse (an error) or drop (each statement dropped with a warning)"},
		}, outputFlags...),
		Action: func(c *cli.Context) error {
			lowerGCPercent()
			in, setup, err := prepared(c)
			if err != nil {
				return err
			}
			defer in.Cleanup()
			set, schema := setup.set, setup.schema
			key, err := loadKey(c, os.Stderr)
			if err != nil {
				return err
			}
			system, err := anonymize.ParseSystemPolicy(c.String("system"))
			if err != nil {
				return err
			}
			progress, done := progressFor(in.Size, "anonymizing")
			eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key, Schema: schema, Workers: c.Int("workers"), Progress: progress, System: system})
			if err != nil {
				return err
			}
			// Pass 2: rewrite (pass 1 read the schema, so every foreign key
			// is known before the first row is rewritten).
			r, f, err := in.Open()
			if err != nil {
				return err
			}
			defer f.Close()
			out, w, err := newOutput(c)
			if err != nil {
				return err
			}
			stats, err := eng.Run(r, w)
			done()
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
			for _, w := range r.Warnings() {
				fmt.Fprintln(os.Stderr, "warning:", w)
			}
			for _, w := range stats.Warnings {
				fmt.Fprintln(os.Stderr, "warning:", w)
			}
			printSummary(os.Stderr, stats)
			return nil
		},
	}
}

// lowerGCPercent makes the garbage collector run when the heap has grown
// by half (not doubled): the live heap is the statements in flight and
// the collision sets, and doubling it put a 1,000,000-row dump with a
// unique column past 128 MiB. It costs a few percent of CPU; an explicit
// GOGC wins.
func lowerGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
}

func printSummary(w io.Writer, s *anonymize.Stats) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "table.column\tkind\trows\trewritten\tnull\tempty\tfallback\tre-derived\t")
	var fallbacks int64
	for _, c := range s.Columns {
		kind := c.Kind
		if c.Via != "" {
			kind += " (via " + c.Via + ")"
		}
		fmt.Fprintf(tw, "%s.%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", c.Table, c.Column, kind, s.Rows[c.Table], c.Values, c.Nulls, c.Empty, c.Fallbacks, c.Rederived)
		fallbacks += c.Fallbacks
	}
	tw.Flush()
	secs := s.Duration.Seconds()
	fmt.Fprintf(w, "fuzzy: %d statements, %.1f MB in %.2fs (%.0f MB/s)", s.Statements, float64(s.Bytes)/1e6, secs, float64(s.Bytes)/1e6/max(secs, 1e-9))
	if fallbacks > 0 {
		fmt.Fprintf(w, "; %d values did not parse as their kind and got the fallback", fallbacks)
	}
	fmt.Fprintln(w)
}
