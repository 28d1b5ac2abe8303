package main

import (
	"fmt"
	"io"
	"os"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/scrub"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
	"github.com/urfave/cli/v2"
)

type anonymizeSetup struct {
	set    *rules.Set
	schema *sqldump.Schema
}

// prepared reads the rules and the dump's schema (pass 1) and returns the
// input for pass 2.
func prepared(c *cli.Context) (*spooled, *anonymizeSetup, error) {
	set, err := loadRules(c, os.Stderr)
	if err != nil {
		return nil, nil, err
	}
	in, err := spool(c.Args().First())
	if err != nil {
		return nil, nil, err
	}
	r, f, err := in.Open()
	if err != nil {
		in.Cleanup()
		return nil, nil, err
	}
	r.SkipValues = true
	for {
		if _, err = r.Next(); err != nil {
			break
		}
	}
	f.Close()
	if err != io.EOF {
		in.Cleanup()
		return nil, nil, err
	}
	warnings, err := anonymize.Prepare(set, r.Schema())
	if err != nil {
		in.Cleanup()
		return nil, nil, err
	}
	for _, w := range warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	if c.Bool("privacy-by-default") {
		if err := privacyByDefault(c, in, set, r.Schema()); err != nil {
			in.Cleanup()
			return nil, nil, err
		}
	}
	return in, &anonymizeSetup{set: set, schema: r.Schema()}, nil
}

// withPrepared runs fn on the dump read again after prepared, then
// closes it and removes the spooled copy of stdin.
func withPrepared(c *cli.Context, fn func(r *sqldump.Reader, setup *anonymizeSetup) error) error {
	in, setup, err := prepared(c)
	if err != nil {
		return err
	}
	defer in.Cleanup()
	r, f, err := in.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(r, setup)
}

// privacyFlag is --privacy-by-default, for anonymize and index (which
// must index what anonymize rewrites).
var privacyFlag = &cli.BoolFlag{Name: "privacy-by-default", Usage: "give every column without a rule the kind its values call for, except keys, booleans, enums and state-like columns (use keep to opt a column out); prints what it decided"}

// privacyByDefault samples the dump (one more pass) and adds a rule for
// every column without one; anonymize prints each decision.
func privacyByDefault(c *cli.Context, in *spooled, set *rules.Set, schema *sqldump.Schema) error {
	r, f, err := in.Open()
	if err != nil {
		return err
	}
	inferred, err := anonymize.PrivacyByDefault(r, set, schema, 1000)
	f.Close()
	if err != nil {
		return err
	}
	set.Propagate(anonymize.Relations(schema))
	given := 0
	for _, inf := range inferred {
		if inf.Kind != "" {
			given++
		}
	}
	fmt.Fprintf(os.Stderr, "fuzzy: privacy by default: %d columns without a rule: %d get a kind, %d are kept\n", len(inferred), given, len(inferred)-given)
	if c.Command.Name == "anonymize" {
		for _, inf := range inferred {
			fmt.Fprintln(os.Stderr, "  "+inf.String())
		}
	}
	return nil
}

func indexCommand() *cli.Command {
	return &cli.Command{
		Name:      "index",
		Usage:     "write a fingerprint index of the dump's confidential values for gate scrub (no plaintext inside)",
		ArgsUsage: "[DUMP|-]",
		Flags: []cli.Flag{modelsFlag, rulesFlag, privacyFlag,
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "index file to write"},
		},
		Action: func(c *cli.Context) error {
			return withPrepared(c, func(r *sqldump.Reader, setup *anonymizeSetup) error {
				ix := scrub.NewIndex()
				if err := anonymize.Collect(r, setup.set, func(kind string, v []byte) { ix.Add(kind, string(v)) }); err != nil {
					return err
				}
				ix.Finish()
				if err := ix.Save(c.String("output")); err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "fuzzy: index %s: %d distinct values; with their other forms %d value keys and %d word keys\n", c.String("output"), ix.Distinct(), ix.Len(), len(ix.Tokens))
				return nil
			})
		},
	}
}

func auditCommand() *cli.Command {
	return &cli.Command{
		Name:      "audit",
		Usage:     "list columns that look confidential (by name or by their values) but have no rule, tables whose columns are unknown, system data and replication coordinates",
		ArgsUsage: "[DUMP|-]",
		Flags: []cli.Flag{modelsFlag, rulesFlag,
			&cli.IntFlag{Name: "sample", Value: 1000, Usage: "values sampled per column"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1 when any unmarked column looks confidential"},
			keepLinkageFlag,
		},
		Action: func(c *cli.Context) error {
			return withPrepared(c, func(r *sqldump.Reader, setup *anonymizeSetup) error {
				rep, err := anonymize.AuditWith(r, setup.set, anonymize.AuditOptions{Sample: c.Int("sample"), KeepBodyLinkage: c.Bool("keep-body-linkage")})
				if err != nil {
					return err
				}
				for _, f := range rep.Findings {
					fmt.Println(f)
				}
				for _, w := range rep.Warnings {
					fmt.Println("warning:", w)
				}
				unmarked := 0
				for _, f := range rep.Findings {
					if f.Column != "" {
						unmarked++
					}
				}
				fmt.Printf("fuzzy audit: %d columns, %d look confidential, %d have rules: coverage %.1f%%; %d unmarked; %d other findings\n",
					rep.Columns, rep.Suspect, rep.Covered, rep.Coverage(), unmarked, len(rep.Findings)-unmarked)
				if c.Bool("strict") && len(rep.Findings) > 0 {
					return cli.Exit(fmt.Sprintf("fuzzy audit --strict: %d confidential-looking columns have no rule, %d other findings (unknown columns, system data, replication coordinates)", unmarked, len(rep.Findings)-unmarked), 1)
				}
				return nil
			})
		},
	}
}
