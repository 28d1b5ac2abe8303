package main

import (
	"fmt"
	"os"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/internal/cliutil"
	"github.com/fuzzyduck/fuzzyduck/internal/fileio"
	"github.com/urfave/cli/v2"
)

var (
	modelsFlag = cliutil.ModelsFlag
	rulesFlag  = cliutil.RulesFlag
	loadRules  = cliutil.LoadRules
)

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "print the effective rules (models markup + rules files + foreign-key propagation) as YAML",
		Flags: []cli.Flag{modelsFlag, rulesFlag,
			&cli.StringFlag{Name: "dump", Usage: "also check the rules against this dump's tables (names it lacks are warnings) and propagate through its FOREIGN KEYs"},
		},
		Action: func(c *cli.Context) error {
			set, err := loadRules(c, os.Stderr)
			if err != nil {
				return err
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
			} else {
				// Without a dump, the models are what the rules are
				// checked against.
				warnings, err := set.Validate(nil)
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
