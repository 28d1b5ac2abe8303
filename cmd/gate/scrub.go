package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/internal/cliutil"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/urfave/cli/v2"
)

var scrubFlags = []cli.Flag{
	&cli.StringFlag{Name: "index", Usage: "fingerprint index written by fuzzy index"},
	&cli.StringSliceFlag{Name: "values", Usage: "file of plaintext values to scrub, one per line (kind<TAB>value allowed)"},
	&cli.StringFlag{Name: "rules", Usage: "scrub configuration (YAML: min_length, env, values, patterns)"},
	&cli.IntFlag{Name: "min-length", Value: scrub.DefaultMinLength, Usage: "values shorter than this match only as whole tokens"},
	&cli.BoolFlag{Name: "no-pieces", Usage: "do not scrub the pieces of 6 or more letters of a known value found anywhere (glued to other text, cut short, wrapped): weaker, a value's parts survive; for speed only"},
	&cli.StringFlag{Name: "marker-key", Usage: "file with a key for the tags in markers (stable tags across runs)"},
}

// newScrubber builds a scrubber from the flags; the run's own secrets
// (DSN password, this host's name) are always included.
func newScrubber(c *cli.Context) (*scrub.Scrubber, error) {
	opts, err := scrubOptions(c)
	if err != nil {
		return nil, err
	}
	secrets, err := scrub.RunSecrets(c.String("dsn"))
	if err != nil {
		return nil, err
	}
	opts.Values = append(opts.Values, secrets...)
	return scrub.New(opts)
}

// minMarkerKey: a marker key file shorter than this is refused (an
// empty or short key would let anyone compute the tags of guesses).
const minMarkerKey = 16

// scrubOptions reads the scrub flags.
func scrubOptions(c *cli.Context) (scrub.Options, error) {
	opts := scrub.Options{MinLength: c.Int("min-length"), NoPieces: c.Bool("no-pieces")}
	if n := opts.MinLength; n < 1 || n > 1000 {
		return opts, fmt.Errorf("--min-length: want a whole number from 1 to 1000")
	}
	if p := c.String("index"); p != "" {
		ix, err := scrub.LoadIndex(p)
		if err != nil {
			return opts, err
		}
		opts.Index = ix
	}
	for _, p := range c.StringSlice("values") {
		vals, noKind, err := scrub.LoadValuesNoted(p)
		if err != nil {
			return opts, err
		}
		if len(noKind) > 0 {
			// (the lines' numbers only: their first part may be a secret)
			fmt.Fprintf(c.App.ErrWriter, "gate scrub: warning: values %s: %d line(s) (first: line %d) have a TAB after text that is no kind (%s): each is taken as a value whole, and the text after its TAB as another\n", p, len(noKind), noKind[0], scrub.ValueKinds())
		}
		opts.Values = append(opts.Values, vals...)
	}
	if p := c.String("rules"); p != "" {
		cfg, err := scrub.LoadConfig(p)
		if err != nil {
			return opts, err
		}
		if err := cfg.Apply(&opts); err != nil {
			return opts, err
		}
	}
	opts.Values = cliutil.WithParts(opts.Values)
	if p := c.String("marker-key"); p != "" {
		k, err := os.ReadFile(p)
		if err != nil {
			return opts, fmt.Errorf("--marker-key: %w", err)
		}
		if len(k) < minMarkerKey {
			return opts, fmt.Errorf("--marker-key %s: want at least %d bytes of key", p, minMarkerKey)
		}
		opts.MarkerKey = k
	}
	return opts, nil
}

func scrubCommand() *cli.Command {
	return &cli.Command{
		Name:      "scrub",
		Usage:     "redact confidential values from logs (files, stdin, or a whole directory in place)",
		ArgsUsage: "[LOG...|-]",
		Flags: append(append([]cli.Flag{}, scrubFlags...),
			&cli.StringFlag{Name: "dsn", Usage: "database DSN of the run: its password is scrubbed"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "where the scrubbed text goes (- for stdout)"},
			&cli.StringFlag{Name: "in-place", Usage: "scrub every file under this directory in place (each file replaced atomically)"},
			&cli.BoolFlag{Name: "check", Usage: "write nothing; exit 1 if anything would be scrubbed"},
			&cli.StringFlag{Name: "report", Usage: "write the report (counts by source and kind, never values) as JSON to this file"},
			&cli.BoolFlag{Name: "builtin-only", Usage: "scrub with the built-in patterns and this machine's name alone, knowing no value (without it, gate scrub needs --index, --values, --dsn or --rules)"},
		),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			fileio.CleanupOnSignal()
			s, err := newScrubber(c)
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			if err := knowsSomething(c); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			var total *scrub.Report
			if dir := c.String("in-place"); dir != "" {
				if c.NArg() > 0 || c.IsSet("output") {
					return cli.Exit("gate scrub: --in-place scrubs the directory alone: give no other input or output", 2)
				}
				total, err = s.ScrubTree(dir, c.Bool("check"))
			} else {
				total, err = s.ScrubFiles(c.Args().Slice(), c.String("output"), c.Bool("check"))
			}
			if err != nil {
				return cli.Exit(err.Error(), 2)
			}
			printReport(os.Stderr, total)
			if p := c.String("report"); p != "" {
				b, _ := json.MarshalIndent(total, "", "  ")
				if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
					return cli.Exit(err.Error(), 2)
				}
			}
			if c.Bool("check") && total.Total() > 0 {
				return cli.Exit(fmt.Sprintf("gate scrub --check: %d secrets would be scrubbed", total.Total()), 1)
			}
			return nil
		},
	}
}

// knowsSomething fails closed: a CI step whose variable came out empty
// (`gate scrub $SCRUB_ARGS -o out log`) would otherwise publish its logs
// with every known value in them, scrubbed by the built-in patterns
// alone. That must be asked for by name.
func knowsSomething(c *cli.Context) error {
	given := c.IsSet("index") || c.IsSet("values") || c.IsSet("dsn") || c.IsSet("rules")
	switch {
	case given && c.Bool("builtin-only"):
		return fmt.Errorf("gate scrub: --builtin-only knows no value: give it without --index, --values, --dsn and --rules")
	case !given && !c.Bool("builtin-only"):
		return fmt.Errorf("gate scrub: no known values: give --index, --values, --dsn or --rules (or --builtin-only to scrub with the built-in patterns alone)")
	}
	return nil
}

func printReport(w io.Writer, r *scrub.Report) {
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, r.Counts[k]))
	}
	detail := ""
	if len(parts) > 0 {
		detail = " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(w, "gate scrub: %d lines, %d bytes, %d replacements%s\n", r.Lines, r.Bytes, r.Total(), detail)
}
