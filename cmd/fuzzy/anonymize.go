package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

var keyFileFlag = &cli.StringFlag{Name: "key-file", Usage: "file holding the anonymization key (hex, >= 128 bits); default: env FUZZY_KEY, else a new key is generated and saved"}

// loadKey finds the key: --key-file, env FUZZY_KEY, or a new one saved
// to a file whose name (never the key) is reported.
func loadKey(c *cli.Context, errw io.Writer) (*anonymize.Key, error) {
	if f := c.String("key-file"); f != "" {
		return anonymize.LoadKeyFile(f)
	}
	if k := os.Getenv("FUZZY_KEY"); k != "" {
		key, err := anonymize.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("FUZZY_KEY: %w", err)
		}
		return key, nil
	}
	path := fmt.Sprintf("fuzzy-%s.key", time.Now().UTC().Format("20060102-150405"))
	key, err := anonymize.GenerateKeyFile(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(errw, "fuzzy: no key given: generated a new 256-bit key and saved it to %s (mode 0600).\n"+
		"fuzzy: keep it private; pass --key-file %s to get the same output again.\n", path, path)
	return key, nil
}

// spooled is an input that can be read twice: a file, or stdin copied to
// a temp file.
type spooled struct {
	path    string
	size    int64
	cleanup func()
}

func spool(arg string) (*spooled, error) {
	if arg != "" && arg != "-" {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		return &spooled{path: arg, size: st.Size(), cleanup: func() {}}, nil
	}
	f, err := os.CreateTemp("", "fuzzyduck-stdin-*")
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, os.Stdin)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("spool stdin: %w", err)
	}
	return &spooled{path: f.Name(), size: n, cleanup: func() { os.Remove(f.Name()) }}, nil
}

func (s *spooled) open() (*sqldump.Reader, io.Closer, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	r, err := sqldump.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f, nil
}

// newOutput opens -o atomically, gzip when asked or when it ends in .gz.
func newOutput(c *cli.Context) (*fileio.File, *sqldump.Writer, error) {
	out := c.String("output")
	f, err := fileio.Create(out)
	if err != nil {
		return nil, nil, err
	}
	if c.Bool("gzip") || strings.HasSuffix(out, ".gz") {
		return f, sqldump.NewGzipWriter(f), nil
	}
	return f, sqldump.NewWriter(f), nil
}

var outputFlags = []cli.Flag{
	&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "output file (written to a temp file, renamed on success); - for stdout"},
	&cli.BoolFlag{Name: "gzip", Usage: "gzip the output (implied by a .gz output name)"},
}

func progressFor(size int64, what string) (func(int64), func()) {
	if size <= 0 || !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil, func() {}
	}
	bar := progressbar.DefaultBytes(size, what)
	return func(n int64) { bar.Set64(n) }, func() { bar.Finish(); fmt.Fprintln(os.Stderr) }
}

type anonymizeSetup struct {
	set    *rules.Set
	schema *sqldump.Schema
}

func anonymizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "anonymize",
		Usage:     "rewrite the marked columns of a dump; everything else passes through byte for byte",
		ArgsUsage: "[DUMP|-]",
		Flags: append([]cli.Flag{modelsFlag, rulesFlag, keyFileFlag,
			&cli.IntFlag{Name: "workers", Usage: "parallel workers (default: number of CPUs)"},
		}, outputFlags...),
		Action: func(c *cli.Context) error {
			in, setup, err := prepared(c)
			if err != nil {
				return err
			}
			defer in.cleanup()
			set, schema := setup.set, setup.schema
			key, err := loadKey(c, os.Stderr)
			if err != nil {
				return err
			}
			progress, done := progressFor(in.size, "anonymizing")
			eng, err := anonymize.New(anonymize.Options{Rules: set, Key: key, Schema: schema, Workers: c.Int("workers"), Progress: progress})
			if err != nil {
				return err
			}
			// Pass 2: rewrite (pass 1 read the schema, so every foreign key
			// is known before the first row is rewritten).
			r, f, err := in.open()
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
			printSummary(os.Stderr, stats)
			return nil
		},
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
