package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/cliutil"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/urfave/cli/v2"
)

type spooled = cliutil.Spooled

var keepLinkageFlag = &cli.BoolFlag{Name: "keep-body-linkage", Usage: "give a literal a view, trigger, routine or event compares with a marked column (and a CREATE TABLE's DEFAULT, generated-column and excluded CHECK literals) the fake its rows get, so the body still matches the same row (which it then points at in the published dump: see fuzzy audit); by default it gets a fake no row has"}

var (
	keyFileFlag     = cliutil.KeyFileFlag
	outputFlags     = cliutil.OutputFlags
	loadKey         = cliutil.LoadKey
	spool           = cliutil.Spool
	newOutput       = cliutil.NewOutput
	newOutputWriter = cliutil.NewOutputWriter
	progressFor     = cliutil.Progress
)

func anonymizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "anonymize",
		Usage:     "rewrite the marked columns of a dump, and what is confidential around its rows (header, comments, DEFINERs, DDL literals, counters); refuse what it cannot read",
		ArgsUsage: "[DUMP|-]",
		Flags: append([]cli.Flag{modelsFlag, rulesFlag, keyFileFlag, privacyFlag,
			&cli.IntFlag{Name: "workers", Usage: "parallel workers (default: number of CPUs)"},
			&cli.BoolFlag{Name: "two-pass", Usage: "read the dump's schema first, then rewrite (stdin is spooled to a temp file); by default the dump is read once, and again only when a later table changes how an earlier one is anonymized"},
			&cli.StringFlag{Name: "system", Value: "refuse", Usage: "system data (accounts, grants, servers, statistics, the mysql schema): refuse (an error) or drop (each statement dropped with a warning)"},
			keepLinkageFlag,
		}, outputFlags...),
		Action: func(c *cli.Context) error {
			if c.Bool("two-pass") || c.Bool("privacy-by-default") {
				return anonymizeTwoPass(c, nil, nil, nil)
			}
			return anonymizeOnePass(c)
		},
	}
}

// anonymizeOnePass reads the dump once, learning its tables as their
// CREATE TABLEs come: no copy of piped input is made. That needs an
// output that can be discarded (a file, /dev/null): if a later table
// turns out to change how an earlier one was anonymized, the run starts
// over reading the schema first (a file), or fails saying why (stdin).
// Into a pipe, a dump is read twice as before.
func anonymizeOnePass(c *cli.Context) error {
	set, err := loadRules(c, os.Stderr)
	if err != nil {
		return err
	}
	arg := c.Args().First()
	out, w, err := newOutput(c)
	if err != nil {
		return err
	}
	if !out.Rewindable() {
		if arg == "" || arg == "-" {
			fmt.Fprintln(os.Stderr, "fuzzy: stdin is spooled to a temp file and read twice: the output is a pipe, which cannot be discarded if the dump turns out to need its schema first; give -o FILE to read it once")
		}
		return anonymizeTwoPass(c, nil, out, w)
	}
	rc, size, err := fileio.Open(arg)
	if err != nil {
		out.Abort()
		return err
	}
	key, err := loadKey(c, os.Stderr)
	if err != nil {
		rc.Close()
		out.Abort()
		return err
	}
	system, err := anonymize.ParseSystemPolicy(c.String("system"))
	if err != nil {
		rc.Close()
		out.Abort()
		return err
	}
	stats, r, err := func() (*anonymize.Stats, *sqldump.Reader, error) {
		defer rc.Close()
		r, err := sqldump.NewReader(rc)
		if err != nil {
			return nil, nil, err
		}
		progress, done := progressFor(size, "anonymizing")
		defer done()
		eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key, Workers: c.Int("workers"), Progress: progress, System: system, KeepBodyLinkage: c.Bool("keep-body-linkage")})
		if err != nil {
			return nil, nil, err
		}
		stats, err := eng.Run(r, w)
		return stats, r, err
	}()
	var again *anonymize.SecondPassError
	if errors.As(err, &again) {
		w.Close() // ends its goroutines; what it wrote is discarded
		if size < 0 {
			out.Abort()
			return fmt.Errorf("%w; the input is a pipe and was read once: run again with --two-pass (stdin is then spooled to a temp file), or give the dump as a file", err)
		}
		fmt.Fprintf(os.Stderr, "fuzzy: a second pass is needed: %s; reading the schema first and starting over\n", again.Reason)
		if err := out.Rewind(); err != nil {
			out.Abort()
			return err
		}
		return anonymizeTwoPass(c, key, out, newOutputWriter(c, out))
	}
	return finish(out, w, r, stats, err)
}

// anonymizeTwoPass reads the schema first (spooling stdin), then
// rewrites; key, out and w are given when a first try had them.
func anonymizeTwoPass(c *cli.Context, key *anonymize.Key, out *fileio.File, w *sqldump.Writer) error {
	abort := func() {
		if out != nil {
			out.Abort()
		}
	}
	in, setup, err := prepared(c)
	if err != nil {
		abort()
		return err
	}
	defer in.Cleanup()
	set, schema := setup.set, setup.schema
	if key == nil {
		if key, err = loadKey(c, os.Stderr); err != nil {
			abort()
			return err
		}
	}
	system, err := anonymize.ParseSystemPolicy(c.String("system"))
	if err != nil {
		abort()
		return err
	}
	progress, done := progressFor(in.Size, "anonymizing")
	eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key, Schema: schema, Workers: c.Int("workers"), Progress: progress, System: system, KeepBodyLinkage: c.Bool("keep-body-linkage")})
	if err != nil {
		abort()
		return err
	}
	// Pass 2: rewrite (pass 1 read the schema, so every foreign key
	// is known before the first row is rewritten).
	r, f, err := in.Open()
	if err != nil {
		abort()
		return err
	}
	defer f.Close()
	if out == nil {
		if out, w, err = newOutput(c); err != nil {
			return err
		}
	}
	stats, err := eng.Run(r, w)
	done()
	return finish(out, w, r, stats, err)
}

// finish ends a run: the output is committed, or discarded on error;
// then the warnings and the summary.
func finish(out *fileio.File, w *sqldump.Writer, r *sqldump.Reader, stats *anonymize.Stats, err error) error {
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = out.Commit()
	}
	if err != nil {
		w.Close()
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
