package main

import (
	"fmt"
	"io"
	"os"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/fuzzyduck/fuzzyduck/modelmarkup"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/urfave/cli/v2"
)

var (
	modelsFlag = &cli.StringSliceFlag{Name: "models", Usage: "SQLAlchemy models file with markup (repeatable)"}
	rulesFlag  = &cli.StringSliceFlag{Name: "rules", Usage: "YAML rules file, applied over the models (repeatable; later wins)"}
)

// loadRules merges the models' markup and the rules files, reporting
// overridden rules on w.
func loadRules(c *cli.Context, w io.Writer) (*rules.Set, error) {
	set := rules.NewSet()
	if models := c.StringSlice("models"); len(models) > 0 {
		s, _, err := modelmarkup.Load(models...)
		if err != nil {
			return nil, err
		}
		set = s
	}
	for _, f := range c.StringSlice("rules") {
		overlay, err := rules.LoadFile(f)
		if err != nil {
			return nil, err
		}
		for _, conflict := range set.Merge(overlay) {
			fmt.Fprintln(w, "note:", conflict)
		}
	}
	if set.Len() == 0 && len(c.StringSlice("models")) == 0 && len(c.StringSlice("rules")) == 0 {
		return nil, cli.Exit("give --models and/or --rules: without them there is nothing to anonymize", 2)
	}
	return set, nil
}

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "print the effective rules (models markup + rules files + foreign-key propagation) as YAML",
		Flags: []cli.Flag{modelsFlag, rulesFlag,
			&cli.StringFlag{Name: "dump", Usage: "also propagate through this dump's FOREIGN KEYs and check rules against its tables"},
		},
		Action: func(c *cli.Context) error {
			set, err := loadRules(c, os.Stderr)
			if err != nil {
				return err
			}
			if c.String("dump") == "" {
				// Without a dump, the models are the best check we have.
				if err := set.Check(set.Tables); err != nil {
					return err
				}
			}
			if d := c.String("dump"); d != "" {
				in, _, err := fileio.Open(d)
				if err != nil {
					return err
				}
				schema, err := anonymize.ReadSchema(in)
				in.Close()
				if err != nil {
					return err
				}
				warnings, err := anonymize.Prepare(set, schema)
				if err != nil {
					return err
				}
				for _, w := range warnings {
					fmt.Fprintln(os.Stderr, "warning:", w)
				}
			}
			set.Propagate(nil)
			return set.WriteYAML(os.Stdout)
		},
	}
}
