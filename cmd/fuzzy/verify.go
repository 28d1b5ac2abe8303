package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/fuzzyduck/fuzzyduck/internal/cliutil"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/fuzzyduck/fuzzyduck/verify"
	"github.com/urfave/cli/v2"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check that no original value (from the index) is anywhere in an anonymized or scaled dump; exit 1 if one is",
		ArgsUsage: "DUMP|-",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "index", Usage: "fingerprint index of the originals (fuzzy index)"},
			&cli.StringSliceFlag{Name: "values", Usage: "file of plaintext values to look for, one per line (kind<TAB>value allowed)"},
			&cli.IntFlag{Name: "max", Value: 1000, Usage: "print at most this many hits (0: all); all are counted"},
			&cli.IntFlag{Name: "workers", Usage: "parallel workers (default: number of CPUs)"},
			&cli.IntFlag{Name: "min-length", Value: 6, Usage: "whole values shorter than this many bytes are counted apart (too short to tell from other data)"},
			&cli.IntFlag{Name: "min-digits", Value: 8, Usage: "the same for values that are numbers"},
			&cli.BoolFlag{Name: "words", Usage: "list the words of original multi-word values found (counted either way)"},
			&cli.BoolFlag{Name: "fail-on-words", Usage: "also fail on words of original multi-word values (warnings by default)"},
			&cli.BoolFlag{Name: "fail-on-dates", Usage: "also fail on (and list) dates and times equal to an original one (by default counted apart: in a dump of many rows a fake date is often another row's original)"},
		},
		Action: func(c *cli.Context) error {
			if c.String("index") == "" && len(c.StringSlice("values")) == 0 {
				return cli.Exit("fuzzy verify: give --index (from fuzzy index on the original dump) and/or --values", 2)
			}
			if c.NArg() != 1 {
				return cli.Exit("fuzzy verify: give the dump to check (- for stdin)", 2)
			}
			// Only the known values: the built-in patterns (password=,
			// URLs with credentials) describe logs, not a dump's fakes;
			// and whole values, not their 6-letter pieces: fakes drawn
			// from the same word lists share those with originals by
			// chance, while a dump holds a leaked value whole in a field.
			opts := scrub.Options{NoBuiltin: true, NoPieces: true}
			if p := c.String("index"); p != "" {
				ix, err := scrub.LoadIndex(p)
				if err != nil {
					return cli.Exit(fmt.Sprintf("fuzzy verify: %v", err), 2)
				}
				opts.Index = ix
			}
			for _, p := range c.StringSlice("values") {
				vals, err := scrub.LoadValues(p)
				if err != nil {
					return cli.Exit(fmt.Sprintf("fuzzy verify: %v", err), 2)
				}
				opts.Values = append(opts.Values, vals...)
			}
			opts.Values = cliutil.WithParts(opts.Values)
			s, err := scrub.New(opts)
			if err != nil {
				return cli.Exit(fmt.Sprintf("fuzzy verify: %v", err), 2)
			}
			in, _, err := fileio.Open(c.Args().First())
			if err != nil {
				return cli.Exit(fmt.Sprintf("fuzzy verify: %v", err), 2)
			}
			defer in.Close()
			r, err := sqldump.NewReader(in)
			if err != nil {
				return cli.Exit(fmt.Sprintf("fuzzy verify: %v", err), 2)
			}
			out := bufio.NewWriter(os.Stdout)
			defer out.Flush()
			max, shown := c.Int("max"), 0
			name := c.Args().First()
			vo := verify.Options{Workers: c.Int("workers"), MinLength: c.Int("min-length"), MinDigits: c.Int("min-digits"), FailOnWords: c.Bool("fail-on-words"), FailOnDates: c.Bool("fail-on-dates")}
			listWords := c.Bool("words") || c.Bool("fail-on-words")
			rep, err := verify.Dump(r, s, vo, func(h verify.Hit) {
				if h.Word && !listWords {
					return
				}
				if max == 0 || shown < max {
					fmt.Fprintf(out, "%s:%s\n", name, h)
					shown++
				}
			})
			out.Flush()
			if err != nil {
				return cli.Exit(fmt.Sprintf("fuzzy verify: %v (the dump could not be read to its end: not verified)", err), 2)
			}
			listed := rep.Hits
			if listWords {
				listed += rep.Words
			}
			if shown < listed {
				fmt.Fprintf(out, "... and %d more\n", listed-shown)
			}
			out.Flush()
			notes := ""
			if rep.Words > 0 {
				notes += fmt.Sprintf("; %d words of original values (warnings unless --fail-on-words; --words lists them)", rep.Words)
			}
			if rep.Chance > 0 {
				notes += fmt.Sprintf("; %d matches that cannot be their value (not in their kind's shape, a piece of a name) not counted", rep.Chance)
			}
			if rep.Dates > 0 {
				notes += fmt.Sprintf("; %d matches of dates and times in rows, or of days, not counted (a fake date is often another row's original; --fail-on-dates counts them): %s", rep.Dates, datesBy(rep.DatesBy))
			}
			if rep.Short > 0 {
				notes += fmt.Sprintf("; %d matches of values shorter than %d bytes (numbers: %d digits) not counted", rep.Short, vo.MinLength, vo.MinDigits)
			}
			if !rep.Failed(vo) {
				fmt.Fprintf(os.Stderr, "fuzzy verify: %s: clean: %d statements, %d bytes, no original value found%s\n", name, rep.Statements, rep.Bytes, notes)
				return nil
			}
			tables := make([]string, 0, len(rep.ByTable))
			for t := range rep.ByTable {
				tables = append(tables, t)
			}
			sort.Strings(tables)
			for _, t := range tables {
				label := t
				if label == "" {
					label = "(no table)"
				}
				fmt.Fprintf(out, "  %s: %d\n", label, rep.ByTable[t])
			}
			out.Flush()
			return cli.Exit(fmt.Sprintf("fuzzy verify: %s: %d original values found in %d statements, %d bytes%s: do not ship this dump", name, rep.Hits, rep.Statements, rep.Bytes, notes), 1)
		},
	}
}

// datesBy lists the columns of dates counted apart, the most first: a
// column whose every row matches was not anonymized.
func datesBy(by map[string]int) string {
	cols := make([]string, 0, len(by))
	for c := range by {
		cols = append(cols, c)
	}
	sort.Slice(cols, func(i, j int) bool {
		return by[cols[i]] > by[cols[j]] || by[cols[i]] == by[cols[j]] && cols[i] < cols[j]
	})
	if len(cols) > 5 {
		cols = cols[:5]
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s %d", strings.Trim(c, "."), by[c])
	}
	return strings.Join(parts, ", ")
}
